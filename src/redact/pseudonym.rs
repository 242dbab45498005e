//! Keyed, consistent pseudonyms: `<EMAIL-1f3a9c2d>`.
//!
//! The hex part is the first 32 bits of a keyed BLAKE3 hash of the label and
//! the normalised value. The same value and key give the same token in
//! every file, run and machine; without a key, a random per-run key keeps
//! tokens consistent within one run only. The hash is keyed, so nobody
//! without the key can confirm a guess (an IPv4 address or a user name from
//! a directory) by hashing it. The key material is never printed: [`Key`]'s
//! `Debug` shows nothing of it.

use std::fmt;

use crate::engine::validate::{parse_ipv4, parse_ipv6};
use crate::error::{Error, Result};
use crate::rules::Normalize;

/// Domain separation for the key derivation, so that the same key file used
/// with another tool yields unrelated hashes.
const KEY_CONTEXT: &str = "logscrub 2026-11 pseudonym key v1";

/// Minimum bytes of key material.
pub const MIN_KEY_BYTES: usize = 16;

/// A derived 256-bit pseudonym key.
#[derive(Clone)]
pub struct Key([u8; 32]);

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key(<hidden>)")
    }
}

impl Key {
    /// Derives a key from at least [`MIN_KEY_BYTES`] bytes of material.
    pub fn from_material(material: &[u8]) -> Result<Key> {
        if material.len() < MIN_KEY_BYTES {
            return Err(Error::Key(format!(
                "key material has {} bytes; at least {MIN_KEY_BYTES} are needed",
                material.len()
            )));
        }
        Ok(Key(blake3::derive_key(KEY_CONTEXT, material)))
    }

    /// A key for another use of the same key material (`context` names
    /// it), unrelated to the token key: knowing it tells nothing of that.
    pub(crate) fn derive(&self, context: &str) -> [u8; 32] {
        blake3::derive_key(context, &self.0)
    }

    /// A random key for this run only.
    pub fn random() -> Result<Key> {
        let mut material = [0u8; 32];
        getrandom::fill(&mut material)
            .map_err(|e| Error::Key(format!("cannot get random bytes: {e}")))?;
        Key::from_material(&material)
    }
}

/// Writes tokens for values.
#[derive(Debug, Clone)]
pub struct Pseudonymizer {
    key: Key,
}

impl Pseudonymizer {
    /// A pseudonymizer with `key`.
    pub fn new(key: Key) -> Pseudonymizer {
        Pseudonymizer { key }
    }

    /// Appends the token for `value` (normalised by `norm`) to `out`. `tmp` is
    /// scratch space for the normalised value.
    pub fn write_token(
        &self,
        label: &str,
        norm: Normalize,
        value: &[u8],
        tmp: &mut Vec<u8>,
        out: &mut Vec<u8>,
    ) {
        tmp.clear();
        normalize(norm, value, tmp);
        let mut h = blake3::Hasher::new_keyed(&self.key.0);
        h.update(label.as_bytes());
        h.update(&[0]);
        h.update(tmp);
        let digest = h.finalize();
        let mut four = [0u8; 4];
        four.copy_from_slice(&digest.as_bytes()[..4]);
        crate::token::write(out, label, &four);
    }
}

/// Appends the normalised form of `value` to `out`.
pub fn normalize(norm: Normalize, value: &[u8], out: &mut Vec<u8>) {
    match norm {
        Normalize::None => out.extend_from_slice(value),
        Normalize::Lowercase => {
            let v = value.strip_suffix(b".").unwrap_or(value);
            out.extend(v.iter().map(u8::to_ascii_lowercase));
        }
        Normalize::Email => {
            let mut i = 0;
            while i < value.len() {
                let c = value[i];
                if c == b'%'
                    && let Some(b) = value.get(i + 1..i + 3).and_then(hex_byte)
                {
                    out.push(b.to_ascii_lowercase());
                    i += 3;
                    continue;
                }
                out.push(c.to_ascii_lowercase());
                i += 1;
            }
        }
        Normalize::Ip => {
            use std::io::Write;
            if let Some(v4) = parse_ipv4(value) {
                let _ = write!(out, "{v4}");
            } else if let Some(v6) = parse_ipv6(value) {
                match v6.to_ipv4_mapped() {
                    Some(v4) => {
                        let _ = write!(out, "{v4}");
                    }
                    None => {
                        let _ = write!(out, "{v6}");
                    }
                }
            } else {
                out.extend(value.iter().map(u8::to_ascii_lowercase));
            }
        }
        Normalize::Digits => out.extend(value.iter().filter(|c| c.is_ascii_digit())),
        Normalize::CompactUpper => out.extend(
            value
                .iter()
                .filter(|c| c.is_ascii_alphanumeric())
                .map(u8::to_ascii_uppercase),
        ),
    }
}

fn hex_byte(two: &[u8]) -> Option<u8> {
    let d = |c: u8| (c as char).to_digit(16);
    Some((d(two[0])? * 16 + d(two[1])?) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tok(p: &Pseudonymizer, label: &str, norm: Normalize, v: &str) -> String {
        let mut out = Vec::new();
        p.write_token(label, norm, v.as_bytes(), &mut Vec::new(), &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn same_key_same_token_other_key_other_token() {
        let a = Pseudonymizer::new(Key::from_material(b"0123456789abcdef").unwrap());
        let b = Pseudonymizer::new(Key::from_material(b"0123456789abcdeX").unwrap());
        let t = tok(&a, "EMAIL", Normalize::Email, "Jane@Corp.com");
        assert!(
            t.starts_with("<EMAIL-") && t.len() == "<EMAIL-12345678>".len(),
            "{t}"
        );
        assert_eq!(t, tok(&a, "EMAIL", Normalize::Email, "jane@corp.com"));
        assert_eq!(t, tok(&a, "EMAIL", Normalize::Email, "jane%40corp.com"));
        assert_ne!(t, tok(&b, "EMAIL", Normalize::Email, "jane@corp.com"));
        assert_ne!(t, tok(&a, "USER", Normalize::Email, "jane@corp.com"));
    }

    #[test]
    fn ip_spellings_agree() {
        let p = Pseudonymizer::new(Key::from_material(&[7; 16]).unwrap());
        let ip = |v| tok(&p, "IPV6", Normalize::Ip, v);
        assert_eq!(ip("FE80:0000:0000:0000:0000:0000:0000:0001"), ip("fe80::1"));
        assert_eq!(ip("::ffff:10.1.2.3"), ip("10.1.2.3"));
        assert_eq!(ip("010.001.002.003"), ip("10.1.2.3"));
    }

    #[test]
    fn short_keys_are_refused_and_never_printed() {
        let e = Key::from_material(b"short").unwrap_err().to_string();
        assert!(e.contains("at least 16"), "{e}");
        assert!(!e.contains("short"));
        let k = Key::from_material(b"supersecretkeymaterial").unwrap();
        assert_eq!(format!("{k:?}"), "Key(<hidden>)");
    }

    #[test]
    fn random_keys_differ() {
        let a = Pseudonymizer::new(Key::random().unwrap());
        let b = Pseudonymizer::new(Key::random().unwrap());
        assert_ne!(
            tok(&a, "HOST", Normalize::Lowercase, "db.acme.com"),
            tok(&b, "HOST", Normalize::Lowercase, "db.acme.com")
        );
    }
}
