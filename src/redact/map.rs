//! The token map: which original value each token replaced (`--map`).
//!
//! This is the one place where values are kept on purpose, for the customer
//! alone: it lets them read a vendor's question about `<HOST-65aa8a0f330eaf09c0.7b300cba.internal>` in
//! their own terms. It is written only to the `--map` file (mode 0600),
//! never to the output, the report or a message, and its `Debug` shows
//! counts only.
//!
//! Recording costs nothing when `--map` is not given (the redactor holds no
//! map); when it is, each finding takes a lock and a lookup, and memory
//! grows with the number of distinct values.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Mutex;

/// Tokens and the values they replaced.
#[derive(Default)]
pub struct TokenMap {
    entries: Mutex<BTreeMap<Vec<u8>, BTreeSet<Vec<u8>>>>,
}

impl fmt::Debug for TokenMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenMap({} tokens)", self.len())
    }
}

impl TokenMap {
    /// An empty map.
    pub fn new() -> TokenMap {
        TokenMap::default()
    }

    /// Records that `token` replaced `value`. Several spellings of one value
    /// (`Jane@Corp.com`, `jane@corp.com`) share a token and are all kept.
    pub fn record(&self, token: &[u8], value: &[u8]) {
        let mut m = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        match m.get_mut(token) {
            Some(values) => {
                if !values.contains(value) {
                    values.insert(value.to_vec());
                }
            }
            None => {
                m.insert(token.to_vec(), BTreeSet::from([value.to_vec()]));
            }
        }
    }

    /// Number of tokens recorded.
    pub fn len(&self) -> usize {
        self.entries.lock().map_or(0, |m| m.len())
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The map file: a warning header, then `TOKEN<TAB>VALUE` lines sorted
    /// by token. Tabs, line breaks, backslashes, control characters and
    /// bytes that are not UTF-8 in values are escaped (`\t`, `\n`, `\\`,
    /// `\xNN`), so each line holds exactly one pair.
    pub fn render(&self) -> Vec<u8> {
        let m = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let mut out = Vec::new();
        out.extend_from_slice(
            b"# logscrub token map: each token and the original value it replaced.\n\
              # PRIVATE: keep this file to yourself. Never upload it with the redacted logs.\n\
              # In file and folder names a token is spelled [LABEL-...] instead of <LABEL-...>.\n",
        );
        for (token, values) in m.iter() {
            for v in values {
                out.extend_from_slice(token);
                out.push(b'\t');
                escape(v, &mut out);
                out.push(b'\n');
            }
        }
        out
    }
}

fn escape(v: &[u8], out: &mut Vec<u8>) {
    for chunk in v.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\t' => out.extend_from_slice(b"\\t"),
                '\n' => out.extend_from_slice(b"\\n"),
                '\r' => out.extend_from_slice(b"\\r"),
                '\\' => out.extend_from_slice(b"\\\\"),
                c if c.is_control() => {
                    let mut b = [0u8; 4];
                    for byte in c.encode_utf8(&mut b).bytes() {
                        out.extend_from_slice(format!("\\x{byte:02x}").as_bytes());
                    }
                }
                c => {
                    let mut b = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
                }
            }
        }
        for byte in chunk.invalid() {
            out.extend_from_slice(format!("\\x{byte:02x}").as_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_spellings_and_escapes_values() {
        let m = TokenMap::new();
        m.record(b"<EMAIL-00000001>", b"Jane@Corp.com");
        m.record(b"<EMAIL-00000001>", b"jane@corp.com");
        m.record(b"<EMAIL-00000001>", b"jane@corp.com");
        m.record(b"<PASSWORD-00000002>", b"a\tb\\c\xff\x01");
        assert_eq!(m.len(), 2);
        assert_eq!(format!("{m:?}"), "TokenMap(2 tokens)");
        let text = String::from_utf8(m.render()).unwrap();
        let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(
            lines,
            vec![
                "<EMAIL-00000001>\tJane@Corp.com",
                "<EMAIL-00000001>\tjane@corp.com",
                "<PASSWORD-00000002>\ta\\tb\\\\c\\xff\\x01",
            ]
        );
        assert!(text.contains("Never upload it"));
    }
}
