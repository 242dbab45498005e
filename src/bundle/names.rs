//! Names inside bundles: checking them, and redacting them like content.
//!
//! A host name in `sosreport-db01.acme.local.tar` or a user in
//! `home/jdoe/.bash_history` is as sensitive as a log line, so every path
//! component is redacted by the same rules and key as the content: the same
//! value gets the same token in a name and in a log.
//!
//! **Context.** Component `i` is redacted as the text `/c0/c1/…/ci` (with a
//! trailing `/` for a folder), and its redacted name is the last component
//! of the result, so a rule can use the folders before a name (`/home/`).
//! A folder's name depends only on its own path, so every entry below it
//! agrees on it and the output keeps the input's tree. If a finding spans a
//! `/` (the result has fewer components), the component is redacted alone.
//!
//! **Extensions.** Rules leave file names alone (`catalina.out`,
//! `setenv.sh`), so `db01.acme.local.log` would not read as a host name. A
//! name is therefore redacted without its trailing well-known extensions
//! and rotation suffixes (`.log`, `.tar.gz`, `.1`, `.2024-01-31`), which are
//! put back after: `db01.acme.local.log` becomes `[HOST-f30c9bbf45a79a2629.7b300cba.local].log`.
//!
//! **Spelling decision.** `<` and `>` are not allowed in Windows file
//! names and need quoting in shells, so in names a token is written with
//! square brackets: `<HOST-…>` in a log is `[HOST-…]` in a file
//! name. Brackets are legal on every common file system and in zip and tar
//! names, and the token stays recognisable.
//!
//! **Hostile names.** An archive entry whose name is absolute (`/etc/x`,
//! `C:\x`), climbs out with `..` (zip slip) or holds a NUL is refused;
//! `\` counts as a separator, as Windows tools write it.

use std::collections::HashMap;

use crate::redact::Redactor;

/// Splits an archive entry name into components, refusing names that would
/// leave the archive's folder. Empty and `.` components are dropped, so the
/// archive's own folder (`./`) has none.
pub fn split_entry_name(raw: &[u8]) -> Result<Vec<Vec<u8>>, &'static str> {
    if raw.is_empty() {
        return Err("its name is empty");
    }
    if raw.contains(&0) {
        return Err("its name holds a NUL byte");
    }
    if raw.first().is_some_and(|&c| c == b'/' || c == b'\\') {
        return Err("its name is an absolute path");
    }
    if raw.len() >= 2 && raw[0].is_ascii_alphabetic() && raw[1] == b':' {
        return Err("its name is an absolute Windows path");
    }
    let mut comps = Vec::new();
    for c in raw.split(|&b| b == b'/' || b == b'\\') {
        match c {
            b"" | b"." => {}
            b".." => return Err("its name climbs out of the archive with `..` (zip slip)"),
            _ => comps.push(c.to_vec()),
        }
    }
    Ok(comps)
}

/// Rewrites the tokens in a redacted name to their file-name spelling,
/// `[LABEL-…]`.
pub fn spell_tokens(name: &mut [u8]) {
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'<', &name[i..]) {
        let at = i + off;
        match crate::token::token_at(name, at) {
            Some(end) => {
                name[at] = b'[';
                name[end - 1] = b']';
                i = end;
            }
            None => i = at + 1,
        }
    }
}

/// `name` with tokens in their file-name spelling (`[HOST-…]`) put back
/// as tokens, so that redacting a redacted name again changes nothing: a
/// rule never looks inside a token, but could inside `[…]`.
fn unspell_tokens(name: &[u8]) -> Vec<u8> {
    let mut out = name.to_vec();
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'[', &out[i..]) {
        let at = i + off;
        let window = &out[at..out.len().min(at + crate::token::MAX_LEN)];
        match memchr::memchr(b']', window) {
            Some(close) => {
                let mut t = window[..=close].to_vec();
                t[0] = b'<';
                t[close] = b'>';
                if crate::token::token_at(&t, 0) == Some(t.len()) {
                    out[at] = b'<';
                    out[at + close] = b'>';
                    i = at + close + 1;
                } else {
                    i = at + 1;
                }
            }
            None => break,
        }
    }
    out
}

/// File extensions that hold no value; stripped before a name is redacted.
const EXTENSIONS: &[&str] = &[
    "log",
    "txt",
    "out",
    "err",
    "gz",
    "tgz",
    "tar",
    "zip",
    "bz2",
    "xz",
    "zst",
    "json",
    "jsonl",
    "xml",
    "properties",
    "conf",
    "cfg",
    "ini",
    "yaml",
    "yml",
    "csv",
    "tsv",
    "hprof",
    "jfr",
    "bak",
    "old",
    "tmp",
    "pid",
    "html",
    "htm",
    "md",
    "sql",
    "trace",
    "dump",
    "har",
];

/// Splits `name` into a stem and its trailing extensions (never all of it).
fn split_extensions(name: &[u8]) -> (&[u8], &[u8]) {
    let mut stem = name.len();
    while let Some(dot) = name[..stem].iter().rposition(|&c| c == b'.') {
        let ext = &name[dot + 1..stem];
        let known = EXTENSIONS
            .iter()
            .any(|e| ext.eq_ignore_ascii_case(e.as_bytes()));
        // Rotation suffixes: `.1`, `.2024-01-31`, `.20240131_1200`.
        let rotation = !ext.is_empty()
            && ext.iter().any(u8::is_ascii_digit)
            && ext
                .iter()
                .all(|c| c.is_ascii_digit() || *c == b'-' || *c == b'_');
        if dot == 0 || !(known || rotation) {
            break;
        }
        stem = dot;
    }
    name.split_at(stem)
}

/// Redacts a name on its own (a top-level input's file name).
pub fn redact_name(redactor: &Redactor, name: &[u8]) -> Vec<u8> {
    let (stem, ext) = split_extensions(name);
    let mut out = redactor.redact_bytes(&unspell_tokens(stem));
    out.extend_from_slice(ext);
    spell_tokens(&mut out);
    out
}

/// Redacts the paths of one tree (a folder or an archive), remembering each
/// folder's redacted name so that every entry below it agrees.
pub struct NameMap<'r> {
    redactor: &'r Redactor,
    /// `/c0/…/ci[/]` → redacted `ci`.
    cache: HashMap<Vec<u8>, Vec<u8>>,
}

impl<'r> NameMap<'r> {
    /// An empty map.
    pub fn new(redactor: &'r Redactor) -> NameMap<'r> {
        NameMap {
            redactor,
            cache: HashMap::new(),
        }
    }

    /// The redacted components of `comps`; `is_dir` says whether the last
    /// one is a folder.
    pub fn redact(&mut self, comps: &[Vec<u8>], is_dir: bool) -> Vec<Vec<u8>> {
        let mut key = Vec::new();
        let mut out = Vec::with_capacity(comps.len());
        for (i, c) in comps.iter().enumerate() {
            let folder = i + 1 < comps.len() || is_dir;
            let (stem, ext) = split_extensions(c);
            let mut text = key.clone();
            text.push(b'/');
            text.extend_from_slice(stem);
            if folder {
                text.push(b'/');
            }
            key.push(b'/');
            key.extend_from_slice(c);
            let mut k = key.clone();
            if folder {
                k.push(b'/');
            }
            if let Some(done) = self.cache.get(&k) {
                out.push(done.clone());
                continue;
            }
            let red = self.redactor.redact_bytes(&unspell_tokens(&text));
            let parts: Vec<&[u8]> = red.split(|&b| b == b'/').collect();
            // "/a/b/" splits into ["", "a", "b", ""].
            let expect = i + 2 + usize::from(folder);
            let mut name = if parts.len() == expect {
                parts[i + 1].to_vec()
            } else {
                self.redactor.redact_bytes(&unspell_tokens(stem))
            };
            name.extend_from_slice(ext);
            spell_tokens(&mut name);
            self.cache.insert(k, name.clone());
            out.push(name);
        }
        out
    }
}

/// Joins components with `/`.
pub fn join(comps: &[Vec<u8>]) -> Vec<u8> {
    comps.join(&b'/')
}

/// Text for messages and reports: invalid UTF-8 replaced, control
/// characters (which could move a terminal's cursor) shown as `?`.
pub fn display(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_are_refused() {
        let ok = |n: &str| split_entry_name(n.as_bytes()).unwrap();
        assert_eq!(
            ok("a/./b//c.log"),
            vec![b"a".to_vec(), b"b".to_vec(), b"c.log".to_vec()]
        );
        assert_eq!(ok("win\\logs\\x.log").len(), 3);
        assert_eq!(ok("dir/").len(), 1);
        assert!(ok("./").is_empty());
        for bad in [
            "../x",
            "a/../../x",
            "/etc/passwd",
            "\\x",
            "C:\\x",
            "C:x",
            "",
            "a\0b",
        ] {
            assert!(split_entry_name(bad.as_bytes()).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn extensions_are_kept_apart() {
        assert_eq!(
            split_extensions(b"db01.acme.local.log.1"),
            (&b"db01.acme.local"[..], &b".log.1"[..])
        );
        assert_eq!(
            split_extensions(b"sos-db01.acme.local.tar.gz"),
            (&b"sos-db01.acme.local"[..], &b".tar.gz"[..])
        );
        assert_eq!(
            split_extensions(b"app.2024-01-31.log"),
            (&b"app"[..], &b".2024-01-31.log"[..])
        );
        assert_eq!(
            split_extensions(b"jira.acme.com"),
            (&b"jira.acme.com"[..], &b""[..])
        );
        assert_eq!(split_extensions(b".log"), (&b".log"[..], &b""[..]));
        assert_eq!(
            split_extensions(b"setenv.sh"),
            (&b"setenv.sh"[..], &b""[..])
        );
    }

    #[test]
    fn tokens_are_spelled_with_brackets() {
        let mut n = b"sos-<HOST-1a2b3c4d>.tar <not a token>".to_vec();
        spell_tokens(&mut n);
        assert_eq!(n, b"sos-[HOST-1a2b3c4d].tar <not a token>");
        assert_eq!(
            unspell_tokens(b"sos-[HOST-5f0c2e9a1b7d3c8e41.7d41e0a3.internal].tar [x] [IPV4-3f-2a]"),
            b"sos-<HOST-5f0c2e9a1b7d3c8e41.7d41e0a3.internal>.tar [x] [IPV4-3f-2a]"
        );
    }

    #[test]
    fn display_hides_control_characters() {
        assert_eq!(display(b"a\x1b[2Jb\xff"), "a?[2Jb\u{fffd}");
    }
}
