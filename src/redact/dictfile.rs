//! Dictionaries without values: what a learning pass found, as keyed
//! hashes, for later runs and other machines.
//!
//! `logscrub learn -o names.dict INPUT...` runs the learning pass only
//! ([`super::learn`], [`super::teach`]) and writes one line per learned
//! value: a keyed hash of the value, its label and the rule that found it
//! (the rule says how the value's token is normalised). `--dictionary FILE`
//! loads such files; the text is then cut into candidates of the shapes
//! values are learned in, each candidate is hashed with the run's key and
//! looked up, and a hit is replaced with the token the value would get had
//! it been learned in this run.
//!
//! The file, as text:
//!
//! ```text
//! logscrub-dictionary 1
//! key 5f0e3b7a9c1d2e48
//! 00a3f1c27be95d10 USER user-field
//! 0f9e2a4b6c8d0e1f NAME person-mail-header
//! ```
//!
//! The first line names the format and its version; the second holds a
//! fingerprint of the key (a keyed hash of a fixed text, under a key of its
//! own derived from the key material), so that a dictionary made with
//! another key is refused instead of silently finding nothing. Each entry
//! is a 64-bit SipHash-2-4 of the value in lower case, under a key derived
//! from the key material apart from the token key. A hash has the same
//! length for every value, so the file tells nothing of a value's length;
//! without the key, nothing of a value can be confirmed by hashing a
//! guess. Entries are sorted by hash, so the bytes depend only on the set
//! of values, not on the order files were read or merged in.
//!
//! Several dictionaries merge as a union. Where two hold the same hash
//! under different labels or rules, the smaller (label, rule) pair in the
//! run's rule order wins, as it does when a run's files teach one
//! dictionary ([`super::learn::LearnState::absorb`]).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::path::Path;

use super::learn::{
    Mention, inside_token, name_byte, name_runs, resolve, runs, word_byte, word_ends,
};
use super::pseudonym::Key;
use crate::engine::Engine;
use crate::error::{Error, Result};

/// The first word of a dictionary file.
pub const MAGIC: &str = "logscrub-dictionary";
/// The format version this logscrub writes and reads.
pub const VERSION: u32 = 1;

const HASH_CONTEXT: &str = "logscrub 2026-12 dictionary value hash v1";
const FINGERPRINT_CONTEXT: &str = "logscrub 2026-12 dictionary key fingerprint v1";

/// Longest name, as [`super::learn`] learns them.
const NAME_MAX: usize = 253;
/// Longest phrase.
const PHRASE_MAX: usize = 128;
/// Most words of a phrase candidate (an organisation's full name).
const PHRASE_WORDS: usize = 5;
/// Longest word of a phrase candidate.
const WORD_MAX: usize = 40;
/// Most `=` or `:` inside one run after which the rest is a candidate.
const SPLITS: usize = 4;

/// SipHash-2-4 with a 128-bit key: a keyed hash made for short inputs.
#[derive(Clone, Copy)]
struct Sip {
    k0: u64,
    k1: u64,
}

impl std::fmt::Debug for Sip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sip(<hidden>)")
    }
}

impl Sip {
    fn new(key: &[u8; 32]) -> Sip {
        let word = |i: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&key[i..i + 8]);
            u64::from_le_bytes(w)
        };
        Sip {
            k0: word(0),
            k1: word(8),
        }
    }

    fn hash(&self, m: &[u8]) -> u64 {
        let mut v = [
            self.k0 ^ 0x736f_6d65_7073_6575,
            self.k1 ^ 0x646f_7261_6e64_6f6d,
            self.k0 ^ 0x6c79_6765_6e65_7261,
            self.k1 ^ 0x7465_6462_7974_6573,
        ];
        let mut chunks = m.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            let w = u64::from_le_bytes(w);
            v[3] ^= w;
            sip_round(&mut v);
            sip_round(&mut v);
            v[0] ^= w;
        }
        let mut last = (m.len() as u64 & 0xff) << 56;
        for (i, &b) in chunks.remainder().iter().enumerate() {
            last |= u64::from(b) << (8 * i);
        }
        v[3] ^= last;
        sip_round(&mut v);
        sip_round(&mut v);
        v[0] ^= last;
        v[2] ^= 0xff;
        for _ in 0..4 {
            sip_round(&mut v);
        }
        v[0] ^ v[1] ^ v[2] ^ v[3]
    }
}

#[inline(always)]
fn sip_round(v: &mut [u64; 4]) {
    v[0] = v[0].wrapping_add(v[1]);
    v[1] = v[1].rotate_left(13) ^ v[0];
    v[0] = v[0].rotate_left(32);
    v[2] = v[2].wrapping_add(v[3]);
    v[3] = v[3].rotate_left(16) ^ v[2];
    v[0] = v[0].wrapping_add(v[3]);
    v[3] = v[3].rotate_left(21) ^ v[0];
    v[2] = v[2].wrapping_add(v[1]);
    v[1] = v[1].rotate_left(17) ^ v[2];
    v[2] = v[2].rotate_left(32);
}

/// The keys are already keyed hashes: the map uses them as they are.
#[derive(Default)]
struct Identity(u64);

impl Hasher for Identity {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Hashed values with the (rule, label) each is replaced under.
#[derive(Debug)]
pub struct Dictionary {
    sip: Sip,
    fingerprint: [u8; 8],
    entries: HashMap<u64, (u32, u32), BuildHasherDefault<Identity>>,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Dictionary {
    /// An empty dictionary for values hashed under `key`.
    pub fn new(key: &Key) -> Dictionary {
        let print = blake3::keyed_hash(&key.derive(FINGERPRINT_CONTEXT), MAGIC.as_bytes());
        let mut fingerprint = [0u8; 8];
        fingerprint.copy_from_slice(&print.as_bytes()[..8]);
        Dictionary {
            sip: Sip::new(&key.derive(HASH_CONTEXT)),
            fingerprint,
            entries: HashMap::default(),
        }
    }

    /// Number of hashed values.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn insert(&mut self, hash: u64, rule: u32, label: u32) {
        let have = self.entries.entry(hash).or_insert((rule, label));
        if (label, rule) < (have.1, have.0) {
            *have = (rule, label);
        }
    }

    /// Adds every value `st` learned, hashed.
    pub fn add_learned(&mut self, st: &super::learn::LearnState) {
        let mut lower = Vec::new();
        for (value, rule, label) in st.values() {
            lower.clear();
            lower.extend(value.iter().map(u8::to_ascii_lowercase));
            let h = self.sip.hash(&lower);
            self.insert(h, rule, label);
        }
    }

    /// Adds the entries of the dictionary file at `path`, its rules and
    /// labels resolved against `engine`. A file made with another key, of
    /// another format or naming rules this run does not have is refused.
    pub fn load(&mut self, path: &Path, engine: &Engine) -> Result<()> {
        let bad =
            |reason: String| Error::Usage(format!("--dictionary {}: {reason}", path.display()));
        let text = std::fs::read(path).map_err(|e| bad(format!("cannot read it: {e}")))?;
        let text =
            std::str::from_utf8(&text).map_err(|_| bad("not a logscrub dictionary".into()))?;
        let mut lines = text.lines();
        let first = lines.next().unwrap_or_default();
        match first.split_once(' ') {
            Some((MAGIC, v)) if v == VERSION.to_string() => {}
            Some((MAGIC, v)) => {
                return Err(bad(format!(
                    "format version {v}; this logscrub reads version {VERSION}"
                )));
            }
            _ => {
                return Err(bad(format!(
                    "not a logscrub dictionary (its first line is not `{MAGIC} {VERSION}`)"
                )));
            }
        }
        let theirs = lines
            .next()
            .and_then(|l| l.strip_prefix("key "))
            .ok_or_else(|| bad("no `key` line after the first line".into()))?;
        let ours = hex(&self.fingerprint);
        if theirs != ours {
            return Err(bad(format!(
                "made with another key (fingerprint {theirs}; this run's key has {ours}): \
                 give the --key-file or LOGSCRUB_KEY it was made with"
            )));
        }
        let rules: HashMap<&str, u32> = (0..engine.rule_count() as u32)
            .map(|i| (engine.rule(i).id.as_str(), i))
            .collect();
        for (n, line) in lines.enumerate() {
            let at = n + 3;
            if line.is_empty() {
                continue;
            }
            let mut f = line.split(' ');
            let (Some(h), Some(label), Some(rule), None) = (f.next(), f.next(), f.next(), f.next())
            else {
                return Err(bad(format!(
                    "line {at}: expected `HASH LABEL RULE`, 16 hex digits, a label and a rule id"
                )));
            };
            let hash = (h.len() == 16)
                .then(|| u64::from_str_radix(h, 16).ok())
                .flatten()
                .ok_or_else(|| bad(format!("line {at}: the hash is not 16 hex digits")))?;
            let label = engine.label_id(label).ok_or_else(|| {
                bad(format!(
                    "line {at}: label {label} is not one of this run's rules' labels (made with other rules?)"
                ))
            })?;
            let rule = *rules.get(rule).ok_or_else(|| {
                bad(format!(
                    "line {at}: rule {rule} is not loaded in this run (made with other rules?)"
                ))
            })?;
            self.insert(hash, rule, label);
        }
        Ok(())
    }

    /// The file's bytes: magic and version, key fingerprint, entries sorted.
    pub fn render(&self, engine: &Engine) -> Vec<u8> {
        let mut entries: Vec<(u64, u32, u32)> =
            self.entries.iter().map(|(&h, &(r, l))| (h, r, l)).collect();
        entries.sort_unstable();
        let mut out = format!("{MAGIC} {VERSION}\nkey {}\n", hex(&self.fingerprint));
        for (h, rule, label) in entries {
            out.push_str(&format!(
                "{h:016x} {} {}\n",
                engine.label(label),
                engine.rule(rule).id
            ));
        }
        out.into_bytes()
    }

    fn lookup(&self, lower: &[u8]) -> Option<(u32, u32)> {
        self.entries.get(&self.sip.hash(lower)).copied()
    }

    /// The mentions in `hay` of the hashed values, in order and disjoint,
    /// none inside a token: name runs as [`super::learn`] finds them
    /// (the longest known name that starts a run of name bytes, or its part
    /// after a `%XX` escape), and phrases of the shapes values with other
    /// bytes are learned in: two to five words of letters (a person's or an
    /// organisation's name; `Kowalski, Anna`), a word with an apostrophe or
    /// a non-ASCII letter (`O'Brien`, `Müller`), and a run without spaces
    /// (a password), trimmed of quotes and brackets, or what follows an
    /// `=` or `:` in it.
    pub(super) fn mentions(&self, hay: &[u8]) -> Vec<Mention> {
        let mut found = Vec::new();
        if self.entries.is_empty() {
            return found;
        }
        self.name_mentions(hay, &mut found);
        let names = found.len();
        self.word_mentions(hay, &mut found);
        self.run_mentions(hay, &mut found);
        if found.len() > names {
            resolve(&mut found);
        }
        found
    }

    fn name_mentions(&self, hay: &[u8], found: &mut Vec<Mention>) {
        name_runs(hay, found, |a, b| self.name_at(hay, a, b));
    }

    /// The longest hashed name that starts the run `hay[a..b]` and ends
    /// where a whole word may end (as `learn`'s own search).
    fn name_at(&self, hay: &[u8], a: usize, b: usize) -> Option<Mention> {
        if b - a < 3 {
            return None;
        }
        // A learned name holds a letter; a run of digits (a time, a
        // number) needs no hash.
        let first_letter = hay[a..b].iter().position(u8::is_ascii_alphabetic)?;
        let mut lower = [0u8; NAME_MAX];
        let n = (b - a).min(NAME_MAX);
        for (l, c) in lower[..n].iter_mut().zip(&hay[a..a + n]) {
            *l = c.to_ascii_lowercase();
        }
        for e in word_ends(hay, a, b) {
            let len = e - a;
            if !(3..=NAME_MAX).contains(&len) || len <= first_letter {
                continue;
            }
            if let Some((rule, label)) = self.lookup(&lower[..len]) {
                return (!inside_token(hay, a)).then_some(Mention {
                    start: a,
                    end: e,
                    rule,
                    label,
                });
            }
        }
        None
    }

    /// Words (letters, `'`, inner `-`) and the phrases they make.
    fn word_mentions(&self, hay: &[u8], found: &mut Vec<Mention>) {
        // Where the last words of letters seen start and end.
        let mut words: Vec<(usize, usize)> = Vec::with_capacity(PHRASE_WORDS);
        let mut buf = [0u8; PHRASE_MAX];
        let mut i = 0;
        while i < hay.len() {
            if !phrase_byte(hay[i]) {
                if !matches!(hay[i], b' ' | b',') {
                    words.clear();
                }
                i += 1;
                continue;
            }
            let mut a = i;
            while i < hay.len() && phrase_byte(hay[i]) {
                i += 1;
            }
            let mut b = i;
            while a < b && matches!(hay[a], b'-' | b'\'') {
                a += 1;
            }
            while b > a && matches!(hay[b - 1], b'-' | b'\'') {
                b -= 1;
            }
            if a == b {
                words.clear();
                continue;
            }
            let word = &hay[a..b];
            let letters = b - a <= WORD_MAX
                && word
                    .iter()
                    .all(|&c| c.is_ascii_alphabetic() || c >= 0x80 || matches!(c, b'\'' | b'-'));
            // The words before, if this one follows them as a phrase does.
            let joined = words.last().is_some_and(|&(_, e)| {
                let gap = &hay[e..a];
                gap == b" " || (gap == b", " && words.len() == 1)
            });
            if !joined || !letters {
                words.clear();
            }
            if letters && word.iter().any(|&c| c >= 0x80 || c == b'\'') {
                // `O'Brien`, `Müller`, and `O'Brien's` as `O'Brien`.
                let bare = word
                    .strip_suffix(b"'s")
                    .or_else(|| word.strip_suffix("\u{2019}s".as_bytes()));
                let hit = std::iter::once(word)
                    .chain(bare)
                    .filter(|w| w.len() >= 3)
                    .find_map(|w| self.hit(&mut buf, hay, a, a + w.len()));
                found.extend(hit);
            }
            if !letters {
                continue;
            }
            if words.len() == PHRASE_WORDS {
                words.remove(0);
            }
            words.push((a, b));
            // Every phrase of two or more of the last words that ends here.
            for &(s, _) in words.iter().rev().skip(1) {
                if b - s > PHRASE_MAX {
                    break;
                }
                found.extend(self.hit(&mut buf, hay, s, b));
            }
        }
    }

    /// The mention `hay[s..e]`, when its value is hashed here and it is
    /// not inside a token.
    fn hit(&self, buf: &mut [u8; PHRASE_MAX], hay: &[u8], s: usize, e: usize) -> Option<Mention> {
        let (rule, label) = self.lookup(lower_into(buf, &hay[s..e]))?;
        (!inside_token(hay, s)).then_some(Mention {
            start: s,
            end: e,
            rule,
            label,
        })
    }

    /// Runs without spaces that hold a byte no name is made of.
    fn run_mentions(&self, hay: &[u8], found: &mut Vec<Mention>) {
        let mut buf = [0u8; PHRASE_MAX];
        for (a, b) in runs(hay, graphic) {
            if hay[a..b].iter().all(|&c| name_byte(c)) {
                continue;
            }
            let (a, b) = trim_run(hay, a, b);
            let mut probe = |s: usize| {
                let (s, _) = trim_run(hay, s, b);
                let v = &hay[s..b];
                if v.len() < 3
                    || v.len() > PHRASE_MAX
                    || v.iter().all(|&c| name_byte(c))
                    || !v.iter().any(u8::is_ascii_alphabetic)
                {
                    return;
                }
                let bounded = (!word_byte(v[0]) || s == 0 || !word_byte(hay[s - 1]))
                    && (!word_byte(v[v.len() - 1]) || b == hay.len() || !word_byte(hay[b]));
                if bounded {
                    found.extend(self.hit(&mut buf, hay, s, b));
                }
            };
            if a < b {
                probe(a);
            }
            for p in (a..b)
                .filter(|&p| matches!(hay[p], b'=' | b':'))
                .take(SPLITS)
            {
                probe(p + 1);
            }
        }
    }
}

/// Bytes of a phrase's words: word bytes, `'` and `-`.
fn phrase_byte(c: u8) -> bool {
    word_byte(c) || c == b'\'' || c == b'-'
}

/// Bytes of a run without spaces: printable ASCII and UTF-8.
fn graphic(c: u8) -> bool {
    c.is_ascii_graphic() || c >= 0x80
}

/// `hay[a..b]` without the quotes and brackets around it and the
/// punctuation after it.
fn trim_run(hay: &[u8], mut a: usize, mut b: usize) -> (usize, usize) {
    while a < b && matches!(hay[a], b'"' | b'\'' | b'(' | b'[' | b'{' | b'<' | b'`') {
        a += 1;
    }
    while b > a
        && matches!(
            hay[b - 1],
            b'"' | b'\'' | b'.' | b',' | b';' | b':' | b')' | b']' | b'}' | b'>' | b'`'
        )
    {
        b -= 1;
    }
    (a, b)
}

fn lower_into<'b>(buf: &'b mut [u8; PHRASE_MAX], v: &[u8]) -> &'b [u8] {
    let n = v.len().min(PHRASE_MAX);
    for (l, c) in buf[..n].iter_mut().zip(v) {
        *l = c.to_ascii_lowercase();
    }
    &buf[..n]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siphash_matches_its_reference_vector() {
        // The SipHash paper's example: key 00..0f, message 00..0e.
        let key: Vec<u8> = (0u8..16).chain([0; 16]).collect();
        let mut k = [0u8; 32];
        k.copy_from_slice(&key);
        let msg: Vec<u8> = (0u8..15).collect();
        assert_eq!(Sip::new(&k).hash(&msg), 0xa129_ca61_49be_45e5);
    }

    fn engine() -> Engine {
        Engine::new(&crate::rules::RuleSet::embedded().unwrap()).unwrap()
    }

    fn key(m: &[u8]) -> Key {
        Key::from_material(m).unwrap()
    }

    fn dict_with(values: &[&str], label: u32) -> Dictionary {
        let mut d = Dictionary::new(&key(b"dictionary-test-key"));
        for v in values {
            let h = d.sip.hash(v.to_ascii_lowercase().as_bytes());
            d.insert(h, 0, label);
        }
        d
    }

    fn found(d: &Dictionary, hay: &str) -> Vec<String> {
        d.mentions(hay.as_bytes())
            .into_iter()
            .map(|m| hay[m.start..m.end].to_owned())
            .collect()
    }

    #[test]
    fn candidates_of_every_learned_shape_are_found() {
        let d = dict_with(
            &[
                "db-7",
                "db-7.acme.lan",
                "anna kowalski",
                "kowalski, anna",
                "blue river logistics",
                "o'brien",
                "müller",
                "tr0ub4dor&3",
                "jdoe",
            ],
            1,
        );
        assert_eq!(
            found(
                &d,
                "to DB-7.acme.lan, db-7 and db-7x; by Anna Kowalski (Kowalski, Anna) at Blue River Logistics"
            ),
            [
                "DB-7.acme.lan",
                "db-7",
                "Anna Kowalski",
                "Kowalski, Anna",
                "Blue River Logistics"
            ]
        );
        assert_eq!(
            found(
                &d,
                "O'Brien's and Müller: pass=Tr0ub4dor&3, \"tr0ub4dor&3\" %2Fjdoe <USER-0011aabb>"
            ),
            ["O'Brien", "Müller", "Tr0ub4dor&3", "tr0ub4dor&3", "jdoe"]
        );
        assert!(
            found(
                &d,
                "annakowalski anna_kowalski xdb-7 db-7-x <HOST-0011aabb>"
            )
            .is_empty()
        );
    }

    #[test]
    fn files_round_trip_sorted_and_refuse_other_keys() {
        let e = engine();
        let dir = tempfile::tempdir().unwrap();
        let mut a = Dictionary::new(&key(b"dictionary-test-key"));
        a.insert(7, 1, 2);
        a.insert(3, 0, 1);
        let path = dir.path().join("a.dict");
        std::fs::write(&path, a.render(&e)).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "logscrub-dictionary 1");
        assert!(lines[1].starts_with("key ") && lines[1].len() == 20);
        assert!(lines[2].starts_with("0000000000000003 "), "{text}");
        let mut b = Dictionary::new(&key(b"dictionary-test-key"));
        b.load(&path, &e).unwrap();
        assert_eq!(b.render(&e), a.render(&e));
        let mut other = Dictionary::new(&key(b"another-key-entirely"));
        let err = other.load(&path, &e).unwrap_err().to_string();
        assert!(err.contains("made with another key"), "{err}");
        std::fs::write(&path, "hello\n").unwrap();
        let err = b.load(&path, &e).unwrap_err().to_string();
        assert!(err.contains("not a logscrub dictionary"), "{err}");
    }

    #[test]
    fn merging_keeps_the_smaller_pair_in_any_order() {
        let k = key(b"dictionary-test-key");
        let (mut x, mut y) = (Dictionary::new(&k), Dictionary::new(&k));
        x.insert(1, 5, 2);
        x.insert(1, 3, 4);
        y.insert(1, 3, 4);
        y.insert(1, 5, 2);
        assert_eq!(x.entries, y.entries);
        assert_eq!(x.entries[&1], (5, 2));
    }
}
