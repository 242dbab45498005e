//! Keyed, consistent pseudonyms: `<USER-5f0c2e9a1b7d3c8e41>`,
//! `<IPV4-3f-2a-77-ab>`, `<HOST-5f0c2e9a1b7d3c8e41.7d41e0a3.internal>`
//! (the grammar is in [`crate::token`]).
//!
//! The hex part of a plain token is the first 72 bits of a keyed BLAKE3
//! hash of the label and the normalised value. The same value and key give the same token in
//! every file, run and machine; without a key, a random per-run key keeps
//! tokens consistent within one run only. The hash is keyed, so nobody
//! without the key can confirm a guess (an IPv4 address or a user name from
//! a directory) by hashing it. The key material is never printed: [`Key`]'s
//! `Debug` shows nothing of it.

use std::fmt;

use crate::engine::validate::{parse_ipv4, parse_ipv6};
use crate::error::{Error, Result};
use crate::rules::Normalize;
use crate::token;

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

    /// Key material from the operating system's random source, as text:
    /// 32 bytes in base64 (`logscrub key new`).
    pub fn new_material() -> Result<String> {
        use base64::Engine as _;
        let mut material = [0u8; 32];
        getrandom::fill(&mut material)
            .map_err(|e| Error::Key(format!("cannot get random bytes: {e}")))?;
        Ok(base64::engine::general_purpose::STANDARD.encode(material))
    }

    /// A random key for this run only.
    pub fn random() -> Result<Key> {
        let mut material = [0u8; 32];
        getrandom::fill(&mut material)
            .map_err(|e| Error::Key(format!("cannot get random bytes: {e}")))?;
        Key::from_material(&material)
    }
}

/// Why key material is obviously weak, if it is: all one byte, one short
/// pattern repeated, a dictionary word (with digits or signs around it), few
/// distinct bytes, or short. Says nothing of the material itself.
pub fn weakness(material: &[u8]) -> Option<&'static str> {
    let t = material.trim_ascii_end();
    let t = if t.is_empty() { material } else { t };
    if t.iter().all(|&b| b == t[0]) {
        return Some("it is one byte repeated");
    }
    if (1..=t.len() / 2).any(|p| t.len() % p == 0 && t.chunks(p).all(|c| c == &t[..p])) {
        return Some("it is one short pattern repeated");
    }
    let lower = t.to_ascii_lowercase();
    let words: Vec<&[u8]> = lower
        .split(|c| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .collect();
    let only_words = !words.is_empty()
        && words.len() <= 2
        && lower
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || c.is_ascii_punctuation())
        && words.iter().all(|w| {
            crate::rules::dictionary::is_english_word(w) || crate::rules::dictionary::is_log_word(w)
        });
    if only_words {
        return Some("it is a dictionary word");
    }
    let mut distinct = [false; 256];
    for &b in t {
        distinct[usize::from(b)] = true;
    }
    if distinct.iter().filter(|&&d| d).count() < 10 {
        return Some("it holds fewer than 10 distinct bytes");
    }
    if t.len() < WEAK_KEY_BYTES {
        return Some("it is shorter than 20 bytes");
    }
    None
}

/// Key material shorter than this is called weak (32 random bytes are
/// what `logscrub key new` makes).
pub const WEAK_KEY_BYTES: usize = 20;

/// Writes tokens for values.
#[derive(Debug, Clone)]
pub struct Pseudonymizer {
    key: Key,
    /// Structure-keeping tokens for addresses, hosts and e-mail addresses
    /// (the default); `false` writes the plain form for every value.
    structured: bool,
    /// The tokens written so far, to catch two values sharing one.
    seen: std::sync::Arc<Seen>,
}

/// Most distinct tokens the collision check remembers (about 20-40 bytes
/// each). Past it tokens are still 72 bits, only no longer compared.
pub const MAX_SEEN: usize = 4_000_000;

impl Pseudonymizer {
    /// A pseudonymizer with `key`, writing structure-keeping tokens.
    pub fn new(key: Key) -> Pseudonymizer {
        Pseudonymizer {
            key,
            structured: true,
            seen: std::sync::Arc::new(Seen::default()),
        }
    }

    /// This pseudonymizer, writing the plain form `<LABEL-hex>` for every
    /// value (`--plain-tokens`).
    pub fn plain(mut self) -> Pseudonymizer {
        self.structured = false;
        self
    }

    /// A token that two different values were given, if that happened.
    pub fn collision(&self) -> Option<String> {
        self.seen.collision()
    }

    /// True when the collision check stopped remembering new tokens
    /// ([`MAX_SEEN`]).
    pub fn seen_full(&self) -> bool {
        self.seen.full.load(std::sync::atomic::Ordering::Relaxed)
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
        if self.structured && norm == Normalize::Ip {
            if let Some(v4) = parse_ipv4(tmp) {
                return self.write_ipv4(label, v4.octets(), out);
            }
            if let Some(v6) = parse_ipv6(tmp) {
                return self.write_ipv6(label, u128::from(v6), out);
            }
        }
        let digest = self.digest(label, tmp);
        let start = out.len();
        let mut id = [0u8; token::HEX_DIGITS / 2];
        id.copy_from_slice(&digest[..token::HEX_DIGITS / 2]);
        let shape = if self.structured {
            shape_of(label, norm, tmp)
        } else {
            Shape::Plain
        };
        match shape {
            Shape::Plain => token::write(out, label, &id),
            Shape::Host { suffix } => {
                token::open(out, label);
                token::push_hex(out, &id);
                let labels = dots(&tmp[..tmp.len() - suffix]);
                // The domain groups: every label after the first.
                self.push_domain_groups(
                    tmp,
                    suffix,
                    labels.get(1..).unwrap_or_default(),
                    b'.',
                    out,
                );
                token::close(out);
            }
            Shape::Email { at, suffix } => {
                token::open(out, label);
                token::push_hex(out, &id);
                let labels = dots(&tmp[at + 1..tmp.len() - suffix]);
                let labels: Vec<usize> = labels.iter().map(|l| l + at + 1).collect();
                self.push_domain_groups(tmp, suffix, &labels, b'@', out);
                token::close(out);
            }
        }
        self.seen.note(label, &digest, &out[start..]);
    }

    /// The keyed hash of a label and a normalised value.
    fn digest(&self, label: &str, value: &[u8]) -> [u8; 32] {
        let mut h = blake3::Hasher::new_keyed(&self.key.0);
        h.update(label.as_bytes());
        h.update(&[0]);
        h.update(value);
        *h.finalize().as_bytes()
    }

    /// Appends `sep`, then the domain group of each label starting at
    /// `starts` (offsets in `name`; the last [`token::MAX_DOMAIN_GROUPS`]),
    /// `.`-separated, then `.` and the kept suffix of `suffix` bytes. A
    /// domain group is keyed by the domain it starts (`acme.internal`), not
    /// by the label of the token, so a host and an e-mail address of one
    /// domain show the same group.
    fn push_domain_groups(
        &self,
        name: &[u8],
        suffix: usize,
        starts: &[usize],
        sep: u8,
        out: &mut Vec<u8>,
    ) {
        let starts = &starts[starts.len().saturating_sub(token::MAX_DOMAIN_GROUPS)..];
        let mut first = true;
        for &s in starts {
            out.push(if first { sep } else { b'.' });
            first = false;
            let mut h = blake3::Hasher::new_keyed(&self.key.0);
            h.update(b"domain\0");
            h.update(&name[s..]);
            token::push_hex(out, &h.finalize().as_bytes()[..token::DOMAIN_DIGITS / 2]);
        }
        if suffix > 0 {
            out.push(if first { sep } else { b'.' });
            out.extend_from_slice(&name[name.len() - suffix..]);
        }
    }

    /// `<LABEL-3f-2a-77-ab>`: each octet through a permutation keyed by the
    /// octets before it, so addresses of one /8, /16, /24 share leading
    /// groups, and two addresses never share a token.
    fn write_ipv4(&self, label: &str, octets: [u8; 4], out: &mut Vec<u8>) {
        token::open(out, label);
        for i in 0..4 {
            if i > 0 {
                out.push(b'-');
            }
            let mut h = self.tweak(label, b"ipv4", i as u8);
            h.update(&octets[..i]);
            token::push_hex(out, &[permute8(&h, octets[i])]);
        }
        token::close(out);
    }

    /// `<LABEL-3f2a77ab-91c0-0d4e-5b6a7c8d9e0f1a2b>`: the /32, the next
    /// 16 bits (/48), the next 16 (/64) and the interface id, each through a
    /// permutation keyed by the bits before it.
    fn write_ipv6(&self, label: &str, addr: u128, out: &mut Vec<u8>) {
        token::open(out, label);
        let bytes = addr.to_be_bytes();
        // (first bit, width) of each group.
        for (i, (from, bits)) in [(0u32, 32u32), (32, 16), (48, 16), (64, 64)]
            .into_iter()
            .enumerate()
        {
            if i > 0 {
                out.push(b'-');
            }
            let mut h = self.tweak(label, b"ipv6", i as u8);
            h.update(&bytes[..from as usize / 8]);
            let x = ((addr >> (128 - from - bits)) & ((1u128 << bits) - 1)) as u64;
            token::push_hex_digits(out, permute(&h, x, bits), bits as usize / 4);
        }
        token::close(out);
    }

    fn tweak(&self, label: &str, kind: &[u8], group: u8) -> blake3::Hasher {
        let mut h = blake3::Hasher::new_keyed(&self.key.0);
        h.update(kind);
        h.update(&[0]);
        h.update(label.as_bytes());
        h.update(&[0, group]);
        h
    }
}

/// How a token shows its value's structure.
enum Shape {
    Plain,
    /// A host name whose last `suffix` bytes (0: none) are kept.
    Host {
        suffix: usize,
    },
    /// An e-mail address with `@` at `at`, its domain's last `suffix`
    /// bytes kept.
    Email {
        at: usize,
        suffix: usize,
    },
}

/// The shape of the token for normalised `v` found under `label`.
fn shape_of(label: &str, norm: Normalize, v: &[u8]) -> Shape {
    let host_like = |n: &[u8]| {
        n.len() <= 253
            && n.split(|&c| c == b'.').all(|l| {
                !l.is_empty()
                    && l.iter().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-' || *c == b'_'
                    })
            })
    };
    match norm {
        Normalize::Lowercase if label == "HOST" && host_like(v) && v.contains(&b'.') => {
            let suffix = crate::engine::validate::host::kept_suffix_len(v).unwrap_or(0);
            // Shown: the suffix, or a domain group (two labels before it).
            let before = dots(&v[..v.len() - suffix]).len();
            if (suffix > 0 && before >= 1) || before >= 2 {
                Shape::Host {
                    suffix: suffix.min(v.len()),
                }
            } else {
                Shape::Plain
            }
        }
        Normalize::Email => {
            let Some(at) = memchr::memrchr(b'@', v) else {
                return Shape::Plain;
            };
            let domain = &v[at + 1..];
            if !host_like(domain) || !domain.contains(&b'.') {
                return Shape::Plain;
            }
            let suffix = crate::engine::validate::host::kept_suffix_len(domain).unwrap_or(0);
            if dots(&domain[..domain.len() - suffix]).is_empty() {
                Shape::Plain
            } else {
                Shape::Email { at, suffix }
            }
        }
        _ => Shape::Plain,
    }
}

/// Start offsets of the labels of `name` (`db01.acme.` gives 0 and 5);
/// a trailing `.` (before a kept suffix) ends the last one.
fn dots(name: &[u8]) -> Vec<usize> {
    let name = name.strip_suffix(b".").unwrap_or(name);
    if name.is_empty() {
        return Vec::new();
    }
    std::iter::once(0)
        .chain(memchr::memchr_iter(b'.', name).map(|i| i + 1))
        .collect()
}

/// A keyed permutation of the 256 bytes: an 8-round Feistel network on
/// two 4-bit halves whose round functions are random tables, 16 nibbles
/// each, read from the keyed hash `h` of the group's prefix.
fn permute8(h: &blake3::Hasher, x: u8) -> u8 {
    let mut tables = [0u8; 64];
    h.finalize_xof().fill(&mut tables);
    let nibble = |round: usize, i: u8| {
        let b = tables[round * 8 + usize::from(i >> 1)];
        if i & 1 == 0 { b & 0xf } else { b >> 4 }
    };
    let (mut l, mut r) = (x >> 4, x & 0xf);
    for round in 0..8 {
        (l, r) = (r, l ^ nibble(round, r));
    }
    (l << 4) | r
}

/// A keyed permutation of the `bits`-bit numbers (even, at most 64): an
/// 8-round Feistel network whose round function is the keyed hash `h` of
/// the round and the right half.
fn permute(h: &blake3::Hasher, x: u64, bits: u32) -> u64 {
    let half = bits / 2;
    let mask = if half == 64 {
        u64::MAX
    } else {
        (1u64 << half) - 1
    };
    let (mut l, mut r) = (x >> half, x & mask);
    for round in 0..8u8 {
        let mut f = h.clone();
        f.update(&[round]);
        f.update(&r.to_le_bytes());
        let mut eight = [0u8; 8];
        eight.copy_from_slice(&f.finalize().as_bytes()[..8]);
        (l, r) = (r, l ^ (u64::from_le_bytes(eight) & mask));
    }
    (l << half) | r
}

/// The tokens written so far, sharded, as 64 bits of their hash (mixed
/// with their label) and what follows: 8 more bits of the token and 56 bits
/// that only the same value gives. A second value with the same 72 bits of
/// token and other check bits is a collision.
#[derive(Default)]
pub(crate) struct Seen {
    shards: [std::sync::Mutex<std::collections::HashMap<u64, u64, Identity>>; 16],
    entries: std::sync::atomic::AtomicUsize,
    full: std::sync::atomic::AtomicBool,
    collision: std::sync::Mutex<Option<String>>,
}

impl fmt::Debug for Seen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Seen({} tokens)",
            self.entries.load(std::sync::atomic::Ordering::Relaxed)
        )
    }
}

impl Seen {
    fn note(&self, label: &str, digest: &[u8; 32], token: &[u8]) {
        use std::sync::atomic::Ordering;
        // FNV-1a of the label: tokens of two labels are never the same.
        let label_mix = label.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        let word = |i: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&digest[i..i + 8]);
            u64::from_le_bytes(b)
        };
        let key = word(0) ^ label_mix;
        // Byte 8 of the token in the top byte, 56 check bits below it.
        let mut c = [0u8; 8];
        c[..7].copy_from_slice(&digest[9..16]);
        c[7] = digest[8];
        let check = u64::from_le_bytes(c);
        let mut shard = self.shards[usize::from(digest[0] & 15)]
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        match shard.get(&key) {
            Some(&have) if have == check => {}
            Some(&have) => {
                if have >> 56 == check >> 56 {
                    let mut c = self.collision.lock().unwrap_or_else(|p| p.into_inner());
                    c.get_or_insert_with(|| String::from_utf8_lossy(token).into_owned());
                }
            }
            None => {
                if self.entries.load(Ordering::Relaxed) >= MAX_SEEN {
                    self.full.store(true, Ordering::Relaxed);
                    return;
                }
                shard.insert(key, check);
                self.entries.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    fn collision(&self) -> Option<String> {
        self.collision
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

/// The keys of [`Seen`] are hash bits already: used as they are.
#[derive(Default, Clone, Copy)]
struct Identity;

impl std::hash::BuildHasher for Identity {
    type Hasher = IdentityHasher;
    fn build_hasher(&self) -> IdentityHasher {
        IdentityHasher(0)
    }
}

struct IdentityHasher(u64);

impl std::hash::Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
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
            t.starts_with("<EMAIL-") && t.ends_with(".com>") && t.contains('@'),
            "{t}"
        );
        assert_eq!(crate::token::token_at(t.as_bytes(), 0), Some(t.len()));
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

    fn key() -> Pseudonymizer {
        Pseudonymizer::new(Key::from_material(b"structure-test-key-material").unwrap())
    }

    /// The groups of a dotted token body, after its label.
    fn groups(t: &str) -> Vec<String> {
        let body = &t[t.find('-').unwrap() + 1..t.len() - 1];
        body.split(['.', '@', '-']).map(str::to_owned).collect()
    }

    #[test]
    fn addresses_of_one_subnet_share_leading_groups() {
        let p = key();
        let ip = |v: &str| groups(&tok(&p, "IPV4", Normalize::Ip, v));
        let (a, b) = (ip("10.0.1.5"), ip("10.0.1.6"));
        assert_eq!(a.len(), 4);
        assert_eq!(a[..3], b[..3], "one /24");
        assert_ne!(a[3], b[3]);
        let c = ip("10.7.1.5");
        assert_eq!(a[0], c[0], "one /8");
        assert_ne!(a[1], c[1], "other /16");
        let d = ip("11.0.1.5");
        assert_ne!(a[0], d[0], "other /8");
        // No group shows the address itself, and each is a permutation:
        // the 256 addresses of a /24 get 256 different last groups.
        let last: std::collections::BTreeSet<String> = (0..=255)
            .map(|i| ip(&format!("10.0.1.{i}"))[3].clone())
            .collect();
        assert_eq!(last.len(), 256);
        let v6 = |v: &str| groups(&tok(&p, "IPV6", Normalize::Ip, v));
        let (e, f) = (v6("2001:db8:1:2::5"), v6("2001:db8:1:3::5"));
        assert_eq!(e[..2], f[..2], "one /48");
        assert_ne!(e[2], f[2], "other /64");
        assert_ne!(v6("2001:db9:1:2::5")[0], e[0], "other /32");
        for t in [
            tok(&p, "IPV4", Normalize::Ip, "10.0.1.5"),
            tok(&p, "IPV6", Normalize::Ip, "2001:db8::1"),
        ] {
            assert_eq!(
                crate::token::token_at(t.as_bytes(), 0),
                Some(t.len()),
                "{t}"
            );
        }
    }

    #[test]
    fn hosts_and_addresses_of_one_domain_share_its_groups() {
        let p = key();
        let host = |v: &str| tok(&p, "HOST", Normalize::Lowercase, v);
        let (a, b) = (
            host("db01.prod.acme.internal"),
            host("DB02.prod.acme.internal."),
        );
        assert!(a.ends_with(".internal>"), "{a}");
        let (ga, gb) = (groups(&a), groups(&b));
        assert_eq!(ga.len(), 4, "{a}");
        assert_eq!(ga[1..], gb[1..]);
        assert_ne!(ga[0], gb[0]);
        let other = groups(&host("db01.prod.beta.internal"));
        assert_ne!(ga[2], other[2], "another domain");
        let mail = tok(&p, "EMAIL", Normalize::Email, "jane@acme.internal");
        assert_eq!(groups(&mail)[1..], ga[2..], "{mail} {a}");
        assert!(!a.contains("acme") && !a.contains("db01") && !mail.contains("jane"));
        // The first group is the plain token's: the structure only adds.
        let plain =
            Pseudonymizer::new(Key::from_material(b"structure-test-key-material").unwrap()).plain();
        let pa = tok(
            &plain,
            "HOST",
            Normalize::Lowercase,
            "db01.prod.acme.internal",
        );
        assert_eq!(groups(&pa)[0], ga[0]);
        assert_eq!(pa.len(), "<HOST->".len() + 18, "{pa}");
        assert_eq!(
            tok(&plain, "IPV4", Normalize::Ip, "10.0.1.5").len(),
            "<IPV4->".len() + 18
        );
        // One label, no known suffix: the plain form.
        assert_eq!(host("db07").len(), "<HOST->".len() + 18);
        for t in [
            a,
            b,
            mail,
            host("acme.co.uk"),
            host("x.acme.atlassian.net"),
            host("a.b.c.d.e.f.g.acme.com"),
        ] {
            assert_eq!(
                crate::token::token_at(t.as_bytes(), 0),
                Some(t.len()),
                "{t}"
            );
        }
    }

    #[test]
    fn collisions_among_seen_tokens_are_caught() {
        let seen = Seen::default();
        let mut d = [7u8; 32];
        seen.note("HOST", &d, b"<HOST-x>");
        seen.note("HOST", &d, b"<HOST-x>");
        assert_eq!(seen.collision(), None, "the same value twice");
        d[9] = 8; // the same 72 bits of token, another value
        seen.note("USER", &d, b"<USER-x>");
        assert_eq!(seen.collision(), None, "another label: another token");
        seen.note("HOST", &d, b"<HOST-x>");
        assert_eq!(seen.collision().as_deref(), Some("<HOST-x>"));
        let seen = Seen::default();
        let mut e = [7u8; 32];
        seen.note("HOST", &e, b"<HOST-x>");
        e[8] = 9; // 64 bits shared, the token differs
        e[9] = 9;
        seen.note("HOST", &e, b"<HOST-y>");
        assert_eq!(seen.collision(), None);
    }

    #[test]
    fn weak_keys_are_named() {
        assert!(weakness(&[b'a'; 32]).unwrap().contains("one byte"));
        assert!(
            weakness(b"abcabcabcabcabcabcabcabc\n")
                .unwrap()
                .contains("pattern")
        );
        assert!(
            weakness(b"Password1234567!\n")
                .unwrap()
                .contains("dictionary")
        );
        assert!(weakness(b"0101010122220101").is_some());
        assert!(weakness(b"q8#Lz0vR2mXw7pT!").unwrap().contains("shorter"));
        assert_eq!(weakness(b"logscrub-test-key-0123456789"), None);
        let fresh = Key::new_material().unwrap();
        assert_eq!(fresh.len(), 44);
        assert_eq!(weakness(fresh.as_bytes()), None);
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
