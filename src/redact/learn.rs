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
//! - **files** (and stdin redirected from a file): a first pass collects
//!   every name ([`super::replay`]), so bare mentions are replaced
//!   everywhere, also before the first reliable one.
//!
//! The search for bare mentions reads every byte, so the workers run it
//! against the names published so far (`find_known`); the ordered stage
//! takes their result when no name came after that snapshot, which for a
//! file is always (its names are all known before the second pass starts),
//! and searches itself otherwise.
//!
//! Because the stage runs in input order and positions are exact, the result
//! does not depend on threads or chunk sizes. A name is learned only if it
//! reads as a machine name (a digit, `-`, `_`, or mixed case: `jira-prod-01`,
//! `LabSZ`), so a host called `jira` does not turn every "jira" into a token;
//! and a bare mention counts only as a whole word, not inside a longer dotted
//! or hyphenated name (`com.acme.jira.Foo` stays).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use aho_corasick::{AhoCorasick, MatchKind};

use super::{Learned, Redacted, Redactor};
use crate::report::Counts;

/// Most values one dictionary holds by default (`--max-learned`): each
/// costs about 150 bytes, so a full dictionary takes some 150 MB.
pub const DEFAULT_CAP: usize = 1_000_000;

static CAP: AtomicUsize = AtomicUsize::new(DEFAULT_CAP);
static FULL: AtomicBool = AtomicBool::new(false);

/// Sets the most values any dictionary of this process may hold. Past it a
/// dictionary learns nothing more: what it knows is still replaced
/// everywhere, and a new value is still redacted wherever a rule finds it,
/// but not searched for elsewhere.
pub fn set_cap(values: usize) {
    CAP.store(values, Ordering::Relaxed);
}

/// True once a dictionary was full and turned a value away.
pub fn cap_reached() -> bool {
    FULL.load(Ordering::Relaxed)
}

/// Host names known so far in one input, the quick index over them, and
/// what the ordered stage has published of them for the workers.
///
/// The search for bare mentions walks every byte of the output, so it runs
/// on the workers (`find_known`) against the latest published
/// snapshot; the ordered stage ([`apply`]) takes their result when no
/// name was learned after that snapshot was made, and searches again
/// itself otherwise. Either way the mentions are those of every name known
/// at that point of the input: the result does not depend on timing.
#[derive(Debug, Default)]
pub struct LearnState {
    index: Index,
    /// Number of names in the latest published snapshot.
    published: usize,
    shared: SharedNames,
    /// Whether any run reads the snapshots ([`LearnState::shared`] was
    /// called); the whole-file path never does, and publishes nothing.
    read: bool,
}

/// Known names and a quick index over them.
///
/// A bare mention counts only as a whole word (not part of a longer word,
/// dotted name or hyphenated name), so it can only start where a run of name
/// bytes (letters, digits, `_`, `-`, `.`) starts, and only end where that run
/// ends or at a dot that is not followed by a letter or digit. The search
/// therefore walks the runs of a chunk once and looks up at most a few
/// slices per run in a hash map; a bitmap of the names' first two bytes and
/// a set of their lengths reject most runs before any lookup. A stream can
/// teach hundreds of thousands of names, and an automaton over all of them
/// would have to be rebuilt as they come.
#[derive(Debug, Clone)]
struct Index {
    /// Name (lower case) → (rule, label) that found it.
    names: HashMap<Arc<[u8]>, (u32, u32)>,
    /// Bit `a * 256 + b` is set when some name starts with the lower-case
    /// bytes `a`, `b`.
    starts: Vec<u64>,
    /// Bit `n` is set when some name is `n` bytes long.
    lengths: [u64; 4],
    /// Learned values that hold bytes no name is made of (a person's name
    /// with its space, a password with `&`), lower case, with their rule
    /// and label; an automaton over them finds their mentions.
    phrases: Vec<(Vec<u8>, u32, u32)>,
    phrase_ids: HashMap<Vec<u8>, usize>,
    /// The automaton over `phrases[..built]` ([`Index::refresh`]).
    phrase_ac: Option<Arc<AhoCorasick>>,
    built: usize,
}

impl Default for Index {
    fn default() -> Index {
        Index {
            names: HashMap::new(),
            starts: vec![0; (256 * 256) / 64],
            lengths: [0; 4],
            phrases: Vec::new(),
            phrase_ids: HashMap::new(),
            phrase_ac: None,
            built: 0,
        }
    }
}

/// Where the ordered stage publishes snapshots (copies of the index) of the
/// names it knows, and the workers of the same run read the latest one.
#[derive(Debug, Clone, Default)]
pub struct SharedNames(Arc<Mutex<Option<Arc<Index>>>>);

/// A worker's bare mentions of the names of one snapshot.
#[derive(Debug)]
pub(super) struct Known {
    /// Number of names the snapshot held.
    names: usize,
    mentions: Vec<Mention>,
    /// Mentions of the values of the run's `--dictionary` files, which
    /// never change during a run.
    hashed: Option<Vec<Mention>>,
}

/// A bare mention: its bytes in the output and the name's rule and label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Mention {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) rule: u32,
    pub(super) label: u32,
}

/// Longest name that can be learned (a DNS name's limit).
const NAME_MAX: usize = 253;

/// Longest phrase that can be learned: names, passphrases and credentials
/// are shorter; longer values are found by their rules only.
const PHRASE_MAX: usize = 128;

/// Names published at once below this many, so that the ordered stage
/// rarely has to search itself; above it, a snapshot (a copy of the index)
/// is made only when the names grew by an eighth, so copying stays a small
/// constant cost per name.
const PUBLISH_ALWAYS_BELOW: usize = 8192;

/// The bytes a name is made of, as a table: this test runs on every byte
/// of the output.
static NAME_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.');
        c += 1;
    }
    t
};

pub(super) fn name_byte(c: u8) -> bool {
    NAME_BYTE[usize::from(c)]
}

impl LearnState {
    /// Number of values learned.
    pub fn len(&self) -> usize {
        self.index.names.len() + self.index.phrases.len()
    }

    /// True when nothing was learned.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(super) fn learn(&mut self, l: &Learned) -> bool {
        self.index.learn(l)
    }

    /// Adds every value `other` knows. Where both know a value under
    /// different rules or labels, the smaller (label, rule) pair wins, so
    /// the result does not depend on the order states are added in.
    pub fn absorb(&mut self, other: &LearnState) {
        for (name, &(rule, label)) in &other.index.names {
            let l = Learned {
                at: 0,
                name: name.to_vec(),
                rule,
                label,
            };
            if !self.index.learn(&l)
                && let Some(have) = self.index.names.get_mut(&name[..])
                && (label, rule) < (have.1, have.0)
            {
                *have = (rule, label);
            }
        }
        for (p, rule, label) in &other.index.phrases {
            match self.index.phrase_ids.get(p) {
                Some(&i) => {
                    let have = &mut self.index.phrases[i];
                    if (*label, *rule) < (have.2, have.1) {
                        // Built phrases keep their place; only the label moves.
                        (have.1, have.2) = (*rule, *label);
                    }
                }
                None => {
                    self.index.learn_phrase(&Learned {
                        at: 0,
                        name: p.clone(),
                        rule: *rule,
                        label: *label,
                    });
                }
            }
        }
    }

    /// Builds the search over the values known now, once, so that every
    /// [`LearnState::fork`] of a run-wide dictionary shares it instead of
    /// building its own.
    pub fn prepare(&mut self) {
        self.index.refresh();
    }

    /// Every value known, lower case, with its rule and label.
    pub(super) fn values(&self) -> impl Iterator<Item = (&[u8], u32, u32)> {
        let names = self.index.names.iter().map(|(n, &(r, l))| (&n[..], r, l));
        let phrases = self.index.phrases.iter().map(|(p, r, l)| (&p[..], *r, *l));
        names.chain(phrases)
    }

    /// A copy of the values known, for a run of its own (nothing published).
    /// Cheap on a [`prepared`](LearnState::prepare) state: the phrase search
    /// is shared, not built again.
    pub fn fork(&self) -> LearnState {
        let mut index = self.index.clone();
        index.refresh();
        LearnState {
            index,
            ..LearnState::default()
        }
    }

    /// The handle the workers of a run read published names from; the
    /// names known now are published first.
    pub(super) fn shared(&mut self) -> SharedNames {
        self.read = true;
        self.publish();
        self.shared.clone()
    }

    /// Makes the names known now the workers' snapshot.
    fn publish(&mut self) {
        if self.published == self.len() {
            return;
        }
        self.index.refresh();
        let snapshot = Arc::new(self.index.clone());
        if let Ok(mut slot) = self.shared.0.lock() {
            *slot = Some(snapshot);
            self.published = self.len();
        }
    }

    /// Publishes when enough names came since the last snapshot.
    fn maybe_publish(&mut self) {
        let (now, then) = (self.len(), self.published);
        if self.read && now > then && (then < PUBLISH_ALWAYS_BELOW || (now - then) * 8 >= then) {
            self.publish();
        }
    }
}

impl Index {
    fn learn(&mut self, l: &Learned) -> bool {
        if !l.name.iter().all(|&c| name_byte(c)) {
            return self.learn_phrase(l);
        }
        if self.names.contains_key(&l.name[..]) || !learnable(&l.name) || self.full() {
            return false;
        }
        let pair = usize::from(l.name[0]) << 8 | usize::from(l.name[1]);
        self.starts[pair / 64] |= 1 << (pair % 64);
        self.lengths[l.name.len() / 64] |= 1 << (l.name.len() % 64);
        self.names.insert(Arc::from(&l.name[..]), (l.rule, l.label));
        true
    }

    fn learn_phrase(&mut self, l: &Learned) -> bool {
        if l.name.len() < 3
            || l.name.len() > PHRASE_MAX
            || self.phrase_ids.contains_key(&l.name)
            || self.full()
        {
            return false;
        }
        self.phrase_ids.insert(l.name.clone(), self.phrases.len());
        self.phrases.push((l.name.clone(), l.rule, l.label));
        true
    }

    /// True (and noted for the run's warning) when no more values fit.
    fn full(&self) -> bool {
        let full = self.names.len() + self.phrases.len() >= CAP.load(Ordering::Relaxed);
        if full {
            FULL.store(true, Ordering::Relaxed);
        }
        full
    }

    /// Builds the automaton over the phrases learned since it was last
    /// built; the search finds only those it was built over.
    fn refresh(&mut self) {
        if self.built == self.phrases.len() {
            return;
        }
        // An automaton over a few thousand short, distinct literals always
        // builds; should it not, the phrases already built stay searched.
        if let Ok(ac) = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(self.phrases.iter().map(|p| &p.0))
        {
            self.phrase_ac = Some(Arc::new(ac));
            self.built = self.phrases.len();
        }
    }

    fn may_start(&self, a: u8, b: u8) -> bool {
        let pair = usize::from(a.to_ascii_lowercase()) << 8 | usize::from(b.to_ascii_lowercase());
        self.starts[pair / 64] & (1 << (pair % 64)) != 0
    }

    fn may_have_length(&self, n: usize) -> bool {
        n <= NAME_MAX && self.lengths[n / 64] & (1 << (n % 64)) != 0
    }

    /// The bare mentions of known values in `hay`, in order and disjoint:
    /// for each run of name bytes, the longest known name that starts the
    /// run (or its part after a `%XX` escape) and ends where a whole word may
    /// end; and each learned phrase between word boundaries. None lies
    /// inside a token or before the line where a value new in this chunk was
    /// learned.
    fn mentions(&self, hay: &[u8], new_here: &HashMap<Vec<u8>, usize>) -> Vec<Mention> {
        let mut found = Vec::new();
        if !self.names.is_empty() {
            self.run_mentions(hay, new_here, &mut found);
        }
        if let Some(ac) = &self.phrase_ac {
            let runs = found.len();
            for m in ac.find_iter(hay) {
                let (s, e) = (m.start(), m.end());
                let (p, rule, label) = &self.phrases[m.pattern().as_usize()];
                let bounded = (!word_byte(p[0]) || s == 0 || !word_byte(hay[s - 1]))
                    && (!word_byte(p[p.len() - 1]) || e == hay.len() || !word_byte(hay[e]));
                if bounded
                    && !inside_token(hay, s)
                    && new_here.get(&p[..]).is_none_or(|&at| s >= at)
                {
                    found.push(Mention {
                        start: s,
                        end: e,
                        rule: *rule,
                        label: *label,
                    });
                }
            }
            if found.len() > runs && runs > 0 {
                // Both kinds in one order.
                resolve(&mut found);
            }
        }
        found
    }

    fn run_mentions(
        &self,
        hay: &[u8],
        new_here: &HashMap<Vec<u8>, usize>,
        found: &mut Vec<Mention>,
    ) {
        name_runs(hay, found, |a, b| self.run_mention(hay, a, b, new_here));
    }

    /// The longest known name that starts the run `hay[a..b]` and ends
    /// where a whole word may end.
    fn run_mention(
        &self,
        hay: &[u8],
        a: usize,
        b: usize,
        new_here: &HashMap<Vec<u8>, usize>,
    ) -> Option<Mention> {
        if b - a < 3 || !self.may_start(hay[a], hay[a + 1]) {
            return None;
        }
        let mut lower = [0u8; NAME_MAX];
        for e in word_ends(hay, a, b) {
            if !self.may_have_length(e - a) {
                continue;
            }
            let word = &mut lower[..e - a];
            word.copy_from_slice(&hay[a..e]);
            word.make_ascii_lowercase();
            let Some((name, &(rule, label))) = self.names.get_key_value(&word[..]) else {
                continue;
            };
            if !inside_token(hay, a) && new_here.get(&name[..]).is_none_or(|&at| a >= at) {
                return Some(Mention {
                    start: a,
                    end: e,
                    rule,
                    label,
                });
            }
            return None;
        }
        None
    }
}

/// Calls `at(a, b)` for each run `hay[a..b]` of name bytes, and for its
/// part after a `%XX` escape when the whole run gives nothing
/// (`%2Fjdoe%2F`); keeps the mentions it returns.
///
/// Then each part of the run between underscores that starts after that
/// mention (all of them, without one) is tried too, and a mention there is
/// kept when it holds a digit or a dash: a machine name in an identifier made of it (`queue_jira-prod-02_0`,
/// `backup_db-7_full`). A word without either (`confluence`) stays inside
/// identifiers such as `confluence_home`.
pub(super) fn name_runs(
    hay: &[u8],
    found: &mut Vec<Mention>,
    mut at: impl FnMut(usize, usize) -> Option<Mention>,
) {
    for (a, b) in runs(hay, name_byte) {
        let first = at(a, b).or_else(|| {
            (a > 0
                && hay[a - 1] == b'%'
                && b - a > 2
                && hay[a].is_ascii_hexdigit()
                && hay[a + 1].is_ascii_hexdigit())
            .then(|| at(a + 2, b))
            .flatten()
        });
        // The parts after the first mention, or all of them without one.
        let from = first.as_ref().map_or(a, |m| m.end);
        found.extend(first);
        if memchr::memchr(b'_', &hay[from..b]).is_none() {
            continue;
        }
        let mut pa = a;
        for piece in hay[a..b].split(|&c| c == b'_') {
            let pb = pa + piece.len();
            if pa >= from
                && (pa > a || from == a)
                && let Some(m) = at(pa, pb)
                && hay[m.start..m.end]
                    .iter()
                    .any(|&c| c.is_ascii_digit() || c == b'-')
            {
                found.push(m);
            }
            pa = pb + 1;
        }
    }
}

/// Sorts mentions by place and keeps them disjoint: where two overlap the
/// earlier wins, then the longer, then the smaller (label, rule) pair.
pub(super) fn resolve(found: &mut Vec<Mention>) {
    found.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end), m.label, m.rule));
    let mut end = 0;
    found.retain(|m| {
        let keep = m.start >= end;
        if keep {
            end = m.end;
        }
        keep
    });
}

/// The maximal runs `(start, end)` of bytes of `hay` that `byte` accepts.
pub(super) fn runs(hay: &[u8], byte: fn(u8) -> bool) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < hay.len() && !byte(hay[i]) {
            i += 1;
        }
        let a = i;
        while i < hay.len() && byte(hay[i]) {
            i += 1;
        }
        (a < i).then_some((a, i))
    })
}

/// Where a whole word that starts the run `hay[a..b]` may end, longest
/// first: the run's end, then each dot that no letter or digit follows
/// (`db-7.` at a sentence's end).
pub(super) fn word_ends(hay: &[u8], a: usize, b: usize) -> impl Iterator<Item = usize> + '_ {
    let inner = (a + 1..b).rev().filter(move |&e| {
        hay[e] == b'.' && (e + 1 == b || matches!(hay[e + 1], b'.' | b'-' | b'_'))
    });
    std::iter::once(b).chain(inner)
}

/// A byte of a word: a phrase's mention may not begin or end next to one
/// (bytes of multi-byte UTF-8 characters count as letters).
pub(super) fn word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

/// A worker's step: the bare mentions in `hay` (a chunk's output) of the
/// names in the latest snapshot, if any was published, and of the values
/// of the run's dictionary files.
pub(super) fn find_known(r: &Redactor, shared: &SharedNames, hay: &[u8]) -> Option<Known> {
    let hashed = r.dictionary.as_ref().map(|d| d.mentions(hay));
    let snapshot = shared.0.lock().ok().and_then(|s| s.clone());
    match snapshot {
        Some(snapshot) => Some(Known {
            names: snapshot.names.len() + snapshot.built,
            mentions: snapshot.mentions(hay, &HashMap::new()),
            hashed,
        }),
        // Nothing published: a current snapshot would be an empty one.
        None => hashed.is_some().then_some(Known {
            names: 0,
            mentions: Vec::new(),
            hashed,
        }),
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
/// every known name in it. The mentions a worker found (`find_known`) are
/// taken when its snapshot held every name known now; otherwise (names
/// learned since, or in this chunk) the search runs here.
pub fn apply(
    r: &Redactor,
    st: &mut LearnState,
    mut red: Redacted,
    counts: &mut Counts,
) -> Redacted {
    let known_before = st.len();
    // Values first found in this chunk count from the start of the line
    // where they are first found on: a value is gone from the whole line
    // that revealed it, also where it stands before its finding.
    let mut new_here: HashMap<Vec<u8>, usize> = HashMap::new();
    for l in std::mem::take(&mut red.learned) {
        let line = memchr::memrchr(b'\n', &red.bytes[..l.at]).map_or(0, |i| i + 1);
        if st.learn(&l) {
            new_here.insert(l.name, line);
        } else if let Some(at) = new_here.get_mut(&l.name) {
            *at = (*at).min(line);
        }
    }
    st.index.refresh();
    let (taken, hashed) = match red.known.take() {
        Some(k) => (
            (k.names == known_before && new_here.is_empty()).then_some(k.mentions),
            k.hashed,
        ),
        None => (None, None),
    };
    let mut mentions = taken.unwrap_or_else(|| st.index.mentions(&red.bytes, &new_here));
    if let Some(d) = &r.dictionary {
        let hashed = hashed.unwrap_or_else(|| d.mentions(&red.bytes));
        if !hashed.is_empty() {
            mentions.extend(hashed);
            resolve(&mut mentions);
        }
    }
    let hay = &red.bytes;
    let mut out: Option<Vec<u8>> = None;
    let mut pos = 0;
    let mut changed_until = 0;
    let mut tmp = Vec::new();
    let mut token_ends = Vec::new();
    for Mention {
        start: s,
        end: e,
        rule,
        label,
    } in mentions
    {
        let buf = out.get_or_insert_with(|| Vec::with_capacity(hay.len() + 64));
        buf.extend_from_slice(&hay[pos..s]);
        r.write_token(rule, label, &hay[s..e], &mut tmp, buf);
        token_ends.push(buf.len());
        counts.per_rule[rule as usize] += 1;
        counts.count_learned(label);
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
        let mut scratch = r.scratch();
        let mut later = Vec::new();
        r.settle(&mut buf, &changed, &mut scratch, counts, &mut later);
        for l in &later {
            st.learn(l);
        }
        counts.bytes_out = counts.bytes_out + buf.len() as u64 - hay.len() as u64;
        red.bytes = buf;
    }
    st.maybe_publish();
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

pub(super) fn inside_token(hay: &[u8], s: usize) -> bool {
    let mut inside = false;
    crate::token::for_each_overlapping(hay, s, s + 1, |_, _| inside = true);
    inside
}

fn line_has_token(part: &[u8]) -> bool {
    memchr::memchr_iter(b'<', part).any(|i| crate::token::token_at(part, i).is_some())
}

/// Scans `text` with all rules, leaving the findings in `s`, and returns
/// what its findings teach the dictionary
/// ([`crate::engine::Engine::scan_learning`]; `found` is working memory).
pub(super) fn scan_and_learn(
    redactor: &Redactor,
    text: &[u8],
    start: crate::engine::BlockState,
    s: &mut crate::engine::Scratch,
    found: &mut Vec<crate::engine::Finding>,
) -> Vec<Learned> {
    let engine = redactor.engine();
    engine.scan_learning(text, start, s, found);
    let mut names = Vec::new();
    for f in found.iter() {
        if let Some(kind) = engine.learn_kind(f) {
            redactor.collect_learned(kind, f, &text[f.start..f.end], 0, &mut names);
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

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

    fn mentions_of(st: &LearnState, hay: &[u8]) -> Vec<String> {
        st.index
            .mentions(hay, &HashMap::new())
            .into_iter()
            .map(|m| String::from_utf8_lossy(&hay[m.start..m.end]).into_owned())
            .collect()
    }

    #[test]
    fn mentions_are_whole_words_of_any_case() {
        let mut st = LearnState::default();
        for n in ["db-7", "db-7.acme.lan", "web-9", "msra-sa-41"] {
            st.learn(&learned(n));
        }
        let hay = b"to db-7.acme.lan, db-7 and web-9 (db-7.acme.lan.) web-9x WEB-9";
        let want = ["db-7.acme.lan", "db-7", "web-9", "db-7.acme.lan", "WEB-9"];
        assert_eq!(mentions_of(&st, hay), want);
        let hay =
            b"a msra-sa-41 b com.msra-sa-41.x msra-sa-410 x-msra-sa-41 msra-sa-41. <HOST-0011aabb>";
        assert_eq!(mentions_of(&st, hay), ["msra-sa-41", "msra-sa-41"]);
        // Inside an identifier made with underscores: a machine name is
        // found, a plain word is not.
        st.learn(&learned("confluence"));
        let hay = b"queue_msra-sa-41_0_4a1b web-9_db-7 confluence_home x_confluence";
        assert_eq!(mentions_of(&st, hay), ["msra-sa-41", "web-9", "db-7"]);
    }

    fn redactor() -> Redactor {
        use crate::redact::pseudonym::{Key, Pseudonymizer};
        let engine = crate::engine::Engine::new(&crate::rules::RuleSet::embedded().unwrap());
        let key = Key::from_material(b"learn-test-key-material").unwrap();
        Redactor::new(engine.unwrap(), Pseudonymizer::new(key))
    }

    fn chunk(text: &str, known: Option<Known>) -> Redacted {
        Redacted {
            bytes: text.as_bytes().to_vec(),
            learned: Vec::new(),
            known,
        }
    }

    #[test]
    fn a_workers_search_is_used_only_when_its_snapshot_is_current() {
        let r = redactor();
        let text = "ping db-7 and web-9\n";
        let mut st = LearnState::default();
        st.learn(&learned("db-7"));
        let shared = st.shared();
        // "web-9" is learned after the snapshot the worker searched with:
        // the ordered stage searches again and replaces both.
        let stale = find_known(&r, &shared, text.as_bytes()).unwrap();
        assert_eq!(stale.mentions.len(), 1);
        st.learn(&learned("web-9"));
        let out = apply(&r, &mut st, chunk(text, Some(stale)), &mut r.new_counts());
        let out = String::from_utf8(out.bytes).unwrap();
        assert!(!out.contains("db-7") && !out.contains("web-9"), "{out}");
        // `apply` published both names: a worker's search now gives what
        // the ordered stage's own search gives.
        let fresh = find_known(&r, &shared, text.as_bytes()).unwrap();
        assert_eq!(fresh.names, 2);
        assert_eq!(
            fresh.mentions,
            st.index.mentions(text.as_bytes(), &HashMap::new())
        );
        let with = apply(&r, &mut st, chunk(text, Some(fresh)), &mut r.new_counts());
        let without = apply(&r, &mut st, chunk(text, None), &mut r.new_counts());
        assert_eq!(with.bytes, without.bytes);
        // And it is taken as it is (here: a current snapshot that found
        // nothing leaves the text alone).
        let nothing = Known {
            names: 2,
            mentions: Vec::new(),
            hashed: None,
        };
        let taken = apply(&r, &mut st, chunk(text, Some(nothing)), &mut r.new_counts());
        assert_eq!(taken.bytes, text.as_bytes());
    }

    #[test]
    fn snapshots_are_copied_at_most_once_per_eighth_more_names() {
        let r = redactor();
        let mut st = LearnState::default();
        let shared = st.shared();
        assert!(
            find_known(&r, &shared, b"x").is_none(),
            "nothing published yet"
        );
        for i in 0..PUBLISH_ALWAYS_BELOW + 10 {
            st.learn(&learned(&format!("host-{i}")));
            st.maybe_publish();
        }
        assert_eq!(st.published, PUBLISH_ALWAYS_BELOW);
        for i in 0..PUBLISH_ALWAYS_BELOW / 8 {
            st.learn(&learned(&format!("node-{i}")));
            st.maybe_publish();
        }
        assert_eq!(
            st.published,
            PUBLISH_ALWAYS_BELOW + PUBLISH_ALWAYS_BELOW / 8
        );
        assert_eq!(find_known(&r, &shared, b"x").unwrap().names, st.published);
    }

    /// Not part of a longer word, dotted name or hyphenated name, where an
    /// underscore ends a word only for a name with a digit or a dash: the
    /// definition [`Index::mentions`] implements by walking runs.
    fn whole_word(hay: &[u8], s: usize, e: usize) -> bool {
        let machine = hay[s..e].iter().any(|&c| c.is_ascii_digit() || c == b'-');
        let word = |c: u8| c.is_ascii_alphanumeric() || c == b'-' || (c == b'_' && !machine);
        if s > 0 && (word(hay[s - 1]) || hay[s - 1] == b'.') {
            return false;
        }
        match hay.get(e) {
            Some(&c) if word(c) => false,
            Some(b'.') => !hay.get(e + 1).is_some_and(|c| c.is_ascii_alphanumeric()),
            _ => true,
        }
    }

    /// From each position, the longest name that is a whole word there.
    fn mentions_by_definition(names: &[&str], hay: &[u8]) -> Vec<String> {
        let mut out = Vec::new();
        let mut s = 0;
        while s < hay.len() {
            let best = names
                .iter()
                .map(|n| n.as_bytes())
                .filter(|n| {
                    hay.len() - s >= n.len()
                        && hay[s..s + n.len()].eq_ignore_ascii_case(n)
                        && whole_word(hay, s, s + n.len())
                        && !inside_token(hay, s)
                })
                .map(<[u8]>::len)
                .max();
            match best {
                Some(n) => {
                    out.push(String::from_utf8_lossy(&hay[s..s + n]).into_owned());
                    s += n;
                }
                None => s += 1,
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn mentions_match_their_definition(
            parts in proptest::collection::vec(0usize..16, 0..40),
        ) {
            const PIECES: [&str; 16] = [
                "db-7", "DB-7", ".acme", ".lan", "web-9", "x", " ", ".", "-", "_", "\n",
                "(", "é", "<HOST-0011aabb>", "db-7.acme.lan", "9",
            ];
            let names = ["db-7", "db-7.acme.lan", "web-9", "acme.lan", "host-0011aabb"];
            let mut st = LearnState::default();
            for n in names {
                st.learn(&learned(n));
            }
            let hay: String = parts.iter().map(|&i| PIECES[i]).collect();
            proptest::prop_assert_eq!(
                mentions_of(&st, hay.as_bytes()),
                mentions_by_definition(&names, hay.as_bytes())
            );
        }
    }
}
