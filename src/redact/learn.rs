//! Learned host names: a name found in a reliable position (a URL's host,
//! `user@host`, the syslog host column, ...) is also replaced where it
//! appears bare elsewhere in the same input.
//!
//! Rules marked `learn = true` find such names. Each chunk's redaction
//! reports the names it replaced, with their position in the output; the
//! pipeline's ordered stage ([`apply`]) then runs in input order, adds new
//! names to the input's [`LearnState`], and replaces bare occurrences of
//! every known name:
//!
//! - **streams** (stdin that is a pipe): a name counts from the point where
//!   it was first found on; earlier bare mentions stay;
//! - **files** (and stdin redirected from a file): a first pass with only
//!   the learning rules ([`Learner`]) collects every name, so bare mentions
//!   are replaced everywhere, also before the first reliable one.
//!
//! Because the stage runs in input order and positions are exact, the result
//! does not depend on threads or chunk sizes. A name is learned only if it
//! reads as a machine name (a digit, `-`, `_`, or mixed case: `jira-prod-01`,
//! `LabSZ`), so a host called `jira` does not turn every "jira" into a token;
//! and a bare mention counts only as a whole word, not inside a longer dotted
//! or hyphenated name (`com.acme.jira.Foo` stays).

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, Input, MatchKind};

use super::{Learned, Redacted, Redactor};
use crate::engine::{BlockState, Engine, Scratch};
use crate::io::pipeline::ChunkProcessor;
use crate::report::Counts;

/// Host names known so far in one input, and matchers for them.
///
/// A stream can teach hundreds of thousands of names, a few per chunk, and
/// this runs in the pipeline's one ordered stage: rebuilding one automaton
/// over all names for every chunk made that stage the bottleneck (quadratic
/// in the number of names). So the names sit in two automata: `settled`,
/// rebuilt only once [`RECENT_MAX`] names have come since, and `recent`, the
/// few newest, rebuilt when they change. Their mentions are merged into one
/// choice that depends only on the set of names, not on how it is split
/// (which depends on chunk boundaries).
#[derive(Debug, Default)]
pub struct LearnState {
    /// Name (lower case) → (rule, label) that found it.
    names: HashMap<Vec<u8>, (u32, u32)>,
    settled: Option<Matcher>,
    /// Names not in `settled` yet.
    recent_names: Vec<Vec<u8>>,
    recent: Option<Matcher>,
    stale: bool,
    /// Working memory to settle lines changed here (made on first use).
    scratch: Option<Box<super::RedactScratch>>,
}

/// An automaton over some names, and the names by pattern id.
#[derive(Debug)]
struct Matcher {
    ac: AhoCorasick,
    names: Vec<Vec<u8>>,
}

impl Matcher {
    fn build(mut names: Vec<Vec<u8>>) -> Option<Matcher> {
        if names.is_empty() {
            return None;
        }
        names.sort();
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&names)
            .ok()
            .map(|ac| Matcher { ac, names })
    }
}

/// How many names wait in the small automaton before all names are built
/// into the large one.
const RECENT_MAX: usize = 4096;

impl LearnState {
    /// Number of names learned.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// True when nothing was learned.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    fn learn(&mut self, l: &Learned) -> bool {
        if self.names.contains_key(&l.name) {
            return false;
        }
        self.names.insert(l.name.clone(), (l.rule, l.label));
        self.recent_names.push(l.name.clone());
        self.stale = true;
        true
    }

    /// Brings the automata up to date with the names.
    fn refresh(&mut self) {
        if !self.stale {
            return;
        }
        if self.recent_names.len() >= RECENT_MAX {
            self.settled = Matcher::build(self.names.keys().cloned().collect());
            self.recent_names.clear();
            self.recent = None;
        } else {
            self.recent = Matcher::build(self.recent_names.clone());
        }
        self.stale = false;
    }

    /// The bare mentions of known names in `hay`, in order and disjoint:
    /// from each position, the longest name that counts as a mention there
    /// (see [`Matcher::next_mention`]), taken from whichever automaton has
    /// the earlier (then longer) one.
    fn mentions<'a>(
        &'a self,
        hay: &[u8],
        new_here: &HashMap<Vec<u8>, usize>,
    ) -> Vec<(usize, usize, &'a [u8])> {
        let tiers: Vec<&Matcher> = [&self.settled, &self.recent]
            .into_iter()
            .flatten()
            .collect();
        let mut next: Vec<Option<(usize, usize, &[u8])>> = tiers
            .iter()
            .map(|m| m.next_mention(hay, 0, new_here))
            .collect();
        let mut found = Vec::new();
        loop {
            let best = next
                .iter()
                .flatten()
                .min_by_key(|&&(s, e, _)| (s, std::cmp::Reverse(e)))
                .copied();
            let Some(m) = best else { break };
            found.push(m);
            for (t, n) in tiers.iter().zip(&mut next) {
                if n.is_some_and(|(s, _, _)| s < m.1) {
                    *n = t.next_mention(hay, m.1, new_here);
                }
            }
        }
        found
    }
}

impl Matcher {
    /// The first mention at or after `from`: the leftmost, longest match
    /// that is a whole word, outside any token, and not before the point
    /// where a name new in this chunk was learned. A match that fails is
    /// passed over by one byte only, so it hides no shorter or later one.
    fn next_mention<'a>(
        &'a self,
        hay: &[u8],
        mut from: usize,
        new_here: &HashMap<Vec<u8>, usize>,
    ) -> Option<(usize, usize, &'a [u8])> {
        while from < hay.len() {
            let hit = self.ac.find(Input::new(hay).range(from..))?;
            let (s, e) = (hit.start(), hit.end());
            let name = self.names[hit.pattern().as_usize()].as_slice();
            if whole_word(hay, s, e)
                && !inside_token(hay, s)
                && new_here.get(name).is_none_or(|&at| s >= at)
            {
                return Some((s, e, name));
            }
            from = s + 1;
        }
        None
    }
}

/// True when `name` (lower case, as found) may be learned.
pub(super) fn learnable(name: &[u8]) -> bool {
    name.len() >= 3
        && name.len() <= 253
        && name.iter().any(u8::is_ascii_alphabetic)
        && name
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

/// True when the original spelling reads as a machine name rather than a
/// word: it holds a digit, `-` or `_`, or letters in both cases.
pub(super) fn machine_like(original: &[u8]) -> bool {
    original
        .iter()
        .any(|c| c.is_ascii_digit() || matches!(c, b'-' | b'_'))
        || (original.iter().any(u8::is_ascii_uppercase)
            && original.iter().any(u8::is_ascii_lowercase))
}

/// The ordered stage: learns `red`'s names, then replaces bare mentions of
/// every known name in it.
pub fn apply(
    r: &Redactor,
    st: &mut LearnState,
    mut red: Redacted,
    counts: &mut Counts,
) -> Redacted {
    // Names first found in this chunk count from their first position on.
    let mut new_here: HashMap<Vec<u8>, usize> = HashMap::new();
    for l in std::mem::take(&mut red.learned) {
        if st.learn(&l) {
            new_here.insert(l.name, l.at);
        } else if let Some(at) = new_here.get_mut(&l.name) {
            *at = (*at).min(l.at);
        }
    }
    st.refresh();
    let hay = &red.bytes;
    let mut out: Option<Vec<u8>> = None;
    let mut pos = 0;
    let mut changed_until = 0;
    let mut tmp = Vec::new();
    let mut token_ends = Vec::new();
    for (s, e, name) in st.mentions(hay, &new_here) {
        let (rule, label) = st.names[name];
        let buf = out.get_or_insert_with(|| Vec::with_capacity(hay.len() + 64));
        buf.extend_from_slice(&hay[pos..s]);
        r.write_token(rule, label, &hay[s..e], &mut tmp, buf);
        token_ends.push(buf.len());
        counts.per_rule[rule as usize] += 1;
        if s >= changed_until {
            let line_start = memchr::memrchr(b'\n', &hay[..s]).map_or(0, |i| i + 1);
            let line_end = memchr::memchr(b'\n', &hay[s..]).map_or(hay.len(), |i| s + i + 1);
            if !line_has_token(&hay[line_start..s]) && !line_has_token(&hay[e..line_end]) {
                counts.lines_changed += 1;
            }
            changed_until = line_end;
        }
        pos = e;
    }
    if let Some(mut buf) = out {
        buf.extend_from_slice(&hay[pos..]);
        // A name that became a token can unblock its neighbour, as any
        // finding can (see `Redactor::redact`): settle those lines too.
        let changed = lines_of(&buf, &token_ends);
        let scratch = st.scratch.get_or_insert_with(|| Box::new(r.scratch()));
        let mut later = Vec::new();
        r.settle(&mut buf, &changed, scratch, counts, &mut later);
        for l in &later {
            st.learn(l);
        }
        counts.bytes_out = counts.bytes_out + buf.len() as u64 - hay.len() as u64;
        red.bytes = buf;
    }
    red
}

/// The ranges (newline excluded) of the lines holding the offsets `at`,
/// which are sorted; each line once.
fn lines_of(buf: &[u8], at: &[usize]) -> Vec<std::ops::Range<usize>> {
    let mut lines: Vec<std::ops::Range<usize>> = Vec::new();
    for &a in at {
        if lines.last().is_some_and(|l| a <= l.end) {
            continue;
        }
        let start = memchr::memrchr(b'\n', &buf[..a]).map_or(0, |i| i + 1);
        let end = memchr::memchr(b'\n', &buf[a..]).map_or(buf.len(), |i| a + i);
        lines.push(start..end);
    }
    lines
}

/// Not part of a longer word, dotted name or hyphenated name.
fn whole_word(hay: &[u8], s: usize, e: usize) -> bool {
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
    if s > 0 && (word(hay[s - 1]) || hay[s - 1] == b'.') {
        return false;
    }
    match hay.get(e) {
        Some(&c) if word(c) => false,
        Some(b'.') => !hay.get(e + 1).is_some_and(|c| c.is_ascii_alphanumeric()),
        _ => true,
    }
}

fn inside_token(hay: &[u8], s: usize) -> bool {
    let mut inside = false;
    crate::token::for_each_overlapping(hay, s, s + 1, |_, _| inside = true);
    inside
}

fn line_has_token(part: &[u8]) -> bool {
    memchr::memchr_iter(b'<', part).any(|i| crate::token::token_at(part, i).is_some())
}

/// The first pass over a file: only the learning rules run, and the output
/// is nothing but the names found. Feed its [`LearnState`] to the main pass.
#[derive(Debug)]
pub struct Learner {
    redactor: std::sync::Arc<Redactor>,
}

impl Learner {
    /// A learner for `redactor`'s learning rules.
    pub fn new(redactor: std::sync::Arc<Redactor>) -> Learner {
        Learner { redactor }
    }

    fn engine(&self) -> &Engine {
        self.redactor
            .engine()
            .learner()
            .unwrap_or_else(|| self.redactor.engine())
    }
}

/// A learner that borrows its redactor, for text already in memory.
pub struct LearnerRef<'a> {
    redactor: &'a Redactor,
}

impl Learner {
    /// A borrowing learner over `redactor`, for [`LearnerRef::learn_bytes`].
    pub fn new_ref(redactor: &Redactor) -> LearnerRef<'_> {
        LearnerRef { redactor }
    }
}

impl LearnerRef<'_> {
    /// The host names that `text` (whole lines) teaches.
    pub fn learn_bytes(&self, text: &[u8]) -> LearnState {
        let mut st = LearnState::default();
        let engine = self
            .redactor
            .engine()
            .learner()
            .unwrap_or_else(|| self.redactor.engine());
        let mut s = engine.scratch();
        engine.scan(text, BlockState::default(), &mut s);
        let mut tmp = Vec::new();
        let mut learned = Vec::new();
        for f in &s.findings {
            learn_from(self.redactor, engine, f, text, &mut tmp, &mut learned);
        }
        for l in &learned {
            st.learn(l);
        }
        st
    }
}

/// Collects the names a learner-engine finding teaches, in the main
/// engine's rule and label numbering.
fn learn_from(
    redactor: &Redactor,
    engine: &Engine,
    f: &crate::engine::Finding,
    text: &[u8],
    tmp: &mut Vec<u8>,
    out: &mut Vec<Learned>,
) {
    if !engine.learns_finding(f) {
        return;
    }
    let main = redactor.engine();
    let Some(rule) = main.rule_index(&engine.rule(f.rule).id) else {
        return;
    };
    let label = main.label_index(engine.label(f.label)).unwrap_or(0);
    redactor.collect_learned(rule, label, &text[f.start..f.end], 0, tmp, out);
}

impl ChunkProcessor for Learner {
    type Scratch = Scratch;
    type State = BlockState;
    type Ordered = LearnState;

    fn scratch(&self) -> Scratch {
        self.engine().scratch()
    }

    fn new_counts(&self) -> Counts {
        Counts::default()
    }

    fn advance(&self, state: BlockState, _chunk: &[u8], _s: &mut Scratch) -> BlockState {
        state
    }

    fn process(
        &self,
        state: BlockState,
        chunk: &[u8],
        s: &mut Scratch,
        out: Vec<u8>,
        _counts: &mut Counts,
    ) -> Redacted {
        let engine = self.engine();
        engine.scan(chunk, state, s);
        let mut learned = Vec::new();
        let mut tmp = Vec::new();
        for f in &s.findings {
            learn_from(&self.redactor, engine, f, chunk, &mut tmp, &mut learned);
        }
        Redacted {
            bytes: out,
            learned,
        }
    }

    fn ordered(&self, st: &mut LearnState, red: Redacted, _counts: &mut Counts) -> Redacted {
        for l in &red.learned {
            st.learn(l);
        }
        Redacted {
            bytes: red.bytes,
            learned: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words_only() {
        let hay = b"a msra-sa-41 b com.msra-sa-41.x msra-sa-410 x-msra-sa-41 msra-sa-41.";
        let at = |i: usize| whole_word(hay, i, i + 10);
        assert!(at(2));
        assert!(!at(19));
        assert!(!at(32));
        assert!(!at(46));
        assert!(at(57));
    }

    #[test]
    fn only_machine_like_names_are_learned() {
        for n in ["jira-prod-01", "msra-sa-41", "LabSZ", "db_01"] {
            assert!(machine_like(n.as_bytes()), "{n}");
        }
        for n in ["jira", "combo", "SERVER"] {
            assert!(!machine_like(n.as_bytes()), "{n}");
        }
    }

    fn learned(name: &str) -> Learned {
        Learned {
            at: 0,
            name: name.as_bytes().to_vec(),
            rule: 0,
            label: 0,
        }
    }

    fn mentions_of(st: &mut LearnState, hay: &[u8]) -> Vec<String> {
        st.refresh();
        st.mentions(hay, &HashMap::new())
            .into_iter()
            .map(|(s, e, _)| String::from_utf8_lossy(&hay[s..e]).into_owned())
            .collect()
    }

    #[test]
    fn names_in_both_automata_are_found_and_split_does_not_matter() {
        let hay = b"to db-7.acme.lan, db-7 and web-9 (db-7.acme.lan.) web-9x WEB-9";
        let want = ["db-7.acme.lan", "db-7", "web-9", "db-7.acme.lan", "WEB-9"];
        // One automaton for everything.
        let mut one = LearnState::default();
        for n in ["db-7", "db-7.acme.lan", "web-9"] {
            one.learn(&learned(n));
        }
        assert_eq!(mentions_of(&mut one, hay), want);
        // The same names split: `db-7` and fillers in the large automaton,
        // the rest in the small one.
        let mut two = LearnState::default();
        two.learn(&learned("db-7"));
        for i in 0..RECENT_MAX {
            two.learn(&learned(&format!("filler-{i}")));
        }
        two.refresh();
        assert!(two.settled.is_some() && two.recent_names.is_empty());
        two.learn(&learned("db-7.acme.lan"));
        two.learn(&learned("web-9"));
        assert_eq!(mentions_of(&mut two, hay), want);
    }
}
