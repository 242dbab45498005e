//! Turning findings into output bytes.
//!
//! [`Redactor::redact`] is the only place that produces output data, as a
//! [`Redacted`] buffer that nothing outside this module can construct; the
//! sinks in [`crate::io`] accept nothing else. So raw input can reach the
//! output only through a scan, and a chunk whose processing failed (a panic
//! in a worker) produces no `Redacted` at all and is never written.
//!
//! Between findings the input is copied byte for byte: line endings (CRLF,
//! lone CR), invalid UTF-8 and a missing final newline come through as they
//! are, and a line without findings is unchanged. Tokens hold no line break,
//! so the output has exactly as many lines as the input.

pub mod dictfile;
pub mod learn;
pub mod map;
pub mod pseudonym;
pub mod replay;
mod teach;

use std::ops::Range;

use crate::engine::{BlockState, Engine, Finding, Scratch};
use crate::io::pipeline::ChunkProcessor;
use crate::report::Counts;
use learn::LearnState;
use pseudonym::Pseudonymizer;

/// Output bytes that went through redaction.
#[derive(Debug)]
pub struct Redacted {
    bytes: Vec<u8>,
    /// Host names this chunk found in reliable positions.
    learned: Vec<Learned>,
    /// Bare mentions of names learned before, found by the worker.
    known: Option<learn::Known>,
}

/// A host name learned from a chunk, with where its token ends in the
/// chunk's output.
#[derive(Debug, Clone)]
struct Learned {
    at: usize,
    name: Vec<u8>,
    rule: u32,
    label: u32,
}

impl Redacted {
    /// The bytes to write.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Gives the buffer back for reuse (its contents are cleared).
    pub fn into_buffer(self) -> Vec<u8> {
        let mut v = self.bytes;
        v.clear();
        v
    }
}

/// The engine plus the pseudonym key: everything needed to redact.
#[derive(Debug)]
pub struct Redactor {
    engine: Engine,
    pseudo: Pseudonymizer,
    /// Record learned values (see [`learn`]).
    learning: bool,
    /// Labels of the values the dictionary derives ([`teach`]).
    derived: teach::Derived,
    /// `--dictionary`: hashed values learned by earlier runs.
    dictionary: Option<std::sync::Arc<dictfile::Dictionary>>,
    /// `--map`: records each token's value; `None` costs nothing.
    map: Option<map::TokenMap>,
    /// `--findings`: the rule that wrote each token; `None` costs nothing.
    token_rules: Option<std::sync::Mutex<std::collections::HashMap<Vec<u8>, u32>>>,
    /// Working memory given back by finished runs ([`PooledScratch`]).
    spare: Spare,
    /// Pieces of working memory made from nothing, for tests.
    #[cfg(test)]
    made: std::sync::atomic::AtomicUsize,
}

/// Where working memory goes back to when its [`PooledScratch`] drops.
type Spare = std::sync::Arc<std::sync::Mutex<Vec<RedactScratch>>>;

/// Working memory of a [`Redactor`] on loan: it goes back to the
/// redactor's pool when dropped, on every path, so the next caller finds
/// lazy DFAs whose states are built.
#[derive(Debug)]
pub struct PooledScratch {
    s: Option<RedactScratch>,
    home: Spare,
}

impl std::ops::Deref for PooledScratch {
    type Target = RedactScratch;
    fn deref(&self) -> &RedactScratch {
        self.s.as_ref().expect("scratch present until dropped")
    }
}

impl std::ops::DerefMut for PooledScratch {
    fn deref_mut(&mut self) -> &mut RedactScratch {
        self.s.as_mut().expect("scratch present until dropped")
    }
}

impl Drop for PooledScratch {
    fn drop(&mut self) {
        if let (Some(s), Ok(mut v)) = (self.s.take(), self.home.lock())
            && v.len() < SPARE_SCRATCHES
        {
            v.push(s);
        }
    }
}

/// Most pieces of spare working memory kept: more than any run holds at
/// once on the machines logscrub runs on.
const SPARE_SCRATCHES: usize = 64;

/// Per-thread working memory of a [`Redactor`].
#[derive(Debug)]
pub struct RedactScratch {
    engine: Scratch,
    tmp: Vec<u8>,
    /// What the last [`Redactor::emit`] did.
    log: EmitLog,
    /// A line being settled, and the next round of it.
    line: Vec<u8>,
    next: Vec<u8>,
    /// All changed lines of a chunk, joined, and which of them a rule still
    /// finds something in.
    batch: Vec<u8>,
    unsettled: Vec<bool>,
}

/// Where [`Redactor::emit`] changed its output.
#[derive(Debug, Default)]
struct EmitLog {
    /// Output range of each changed line, its newline excluded.
    changed: Vec<Range<usize>>,
    /// Per finding: its end in the input, and its token's end in the output.
    anchors: Vec<(usize, usize)>,
}

/// Where input offset `at` lands in the output of an [`Redactor::emit`] that
/// left `anchors`; `at` is never inside a finding (it is the end of a token
/// of an earlier round, and tokens are not matched again).
fn moved(at: usize, anchors: &[(usize, usize)]) -> usize {
    match anchors.partition_point(|&(end, _)| end <= at) {
        0 => at,
        i => {
            let (end, out) = anchors[i - 1];
            out + (at - end)
        }
    }
}

impl Redactor {
    /// A redactor over `engine` with tokens keyed by `pseudo`.
    pub fn new(engine: Engine, pseudo: Pseudonymizer) -> Redactor {
        Redactor {
            derived: teach::Derived::new(&engine),
            engine,
            pseudo,
            learning: true,
            dictionary: None,
            map: None,
            token_rules: None,
            spare: Spare::default(),
            #[cfg(test)]
            made: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// This redactor, also replacing the values hashed in `dict`
    /// (`--dictionary`; an empty one changes nothing).
    pub fn with_dictionary(mut self, dict: dictfile::Dictionary) -> Redactor {
        self.dictionary = (!dict.is_empty()).then(|| std::sync::Arc::new(dict));
        self
    }

    /// Turns replacing learned host names on or off.
    pub fn set_learning(&mut self, on: bool) {
        self.learning = on;
    }

    /// This redactor, recording every token it writes and the value it
    /// replaced, for `--map`.
    pub fn with_map(mut self) -> Redactor {
        self.map = Some(map::TokenMap::new());
        self
    }

    /// This redactor, recording which rule wrote each token (no value), so
    /// that findings can name their rule.
    pub fn with_token_rules(mut self) -> Redactor {
        self.token_rules = Some(std::sync::Mutex::new(std::collections::HashMap::new()));
        self
    }

    /// The id of the rule that wrote `token`, when recorded
    /// ([`Redactor::with_token_rules`]).
    pub fn rule_of_token(&self, token: &[u8]) -> Option<String> {
        let rules = self.token_rules.as_ref()?.lock().ok()?;
        let rule = *rules.get(token)?;
        Some(self.engine.rule(rule).id.clone())
    }

    /// The recorded tokens, when [`Redactor::with_map`] asked for them.
    pub fn token_map(&self) -> Option<&map::TokenMap> {
        self.map.as_ref()
    }

    /// What writes the tokens.
    pub fn pseudonymizer(&self) -> &Pseudonymizer {
        &self.pseudo
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Working memory for one thread.
    ///
    /// Memory given back by an earlier run comes first: its lazy DFAs have
    /// built their states already. A fresh one has to build them again from
    /// the first bytes on, which over a support bundle of many small files
    /// costs more than the scan itself.
    pub fn scratch(&self) -> PooledScratch {
        let home = std::sync::Arc::clone(&self.spare);
        if let Some(s) = self.spare.lock().ok().and_then(|mut v| v.pop()) {
            return PooledScratch { s: Some(s), home };
        }
        #[cfg(test)]
        self.made.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let s = RedactScratch {
            engine: self.engine.scratch(),
            tmp: Vec::new(),
            log: EmitLog::default(),
            line: Vec::new(),
            next: Vec::new(),
            batch: Vec::new(),
            unsettled: Vec::new(),
        };
        PooledScratch { s: Some(s), home }
    }

    /// Pieces of working memory made from nothing so far.
    #[cfg(test)]
    pub(crate) fn scratches_made(&self) -> usize {
        self.made.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Pieces of spare working memory held.
    #[cfg(test)]
    pub(crate) fn spare_scratches(&self) -> usize {
        self.spare.lock().map_or(0, |v| v.len())
    }

    /// Zero counts sized for this redactor's rules.
    pub fn new_counts(&self) -> Counts {
        Counts::new(self.engine.rule_count())
    }

    /// Redacts `hay` (whole lines; the last may lack its newline) into `out`,
    /// adding to `counts`. Returns the output and the block state after `hay`.
    ///
    /// The result is settled: redacting it again changes nothing. Rules judge
    /// a value by its neighbours, and a neighbour replaced by a token can
    /// turn a rejected candidate into a clear one (an address glued to an
    /// e-mail address, `2001:db8::a3it@host`, is only an address once the
    /// e-mail is gone), so lines that changed are scanned again until they
    /// stop changing.
    pub fn redact(
        &self,
        hay: &[u8],
        start: BlockState,
        s: &mut RedactScratch,
        out: Vec<u8>,
        counts: &mut Counts,
    ) -> (Redacted, BlockState) {
        let end_state = self.engine.scan(hay, start, &mut s.engine);
        (self.redact_found(hay, s, out, counts), end_state)
    }

    /// Redacts a whole text held in memory (a small file), learning host
    /// names from all of it in the same scan: the output before bare
    /// mentions are replaced, and the names to replace them with
    /// ([`learn::apply`]).
    pub fn redact_whole(
        &self,
        hay: &[u8],
        s: &mut RedactScratch,
        counts: &mut Counts,
    ) -> (Redacted, LearnState) {
        let names = learn::scan_and_learn(
            self,
            hay,
            BlockState::default(),
            &mut s.engine,
            &mut Vec::new(),
        );
        let mut st = LearnState::default();
        for l in &names {
            st.learn(l);
        }
        (self.redact_found(hay, s, Vec::new(), counts), st)
    }

    /// The second half of [`Redactor::redact`]: the output for `hay` from
    /// the findings a scan of it left in `s` (sorted and merged).
    fn redact_found(
        &self,
        hay: &[u8],
        s: &mut RedactScratch,
        mut out: Vec<u8>,
        counts: &mut Counts,
    ) -> Redacted {
        out.clear();
        let newlines = memchr::memchr_iter(b'\n', hay).count() as u64;
        counts.lines += newlines + u64::from(hay.last().is_some_and(|&c| c != b'\n'));
        counts.bytes_in += hay.len() as u64;
        let mut learned = Vec::new();
        if s.engine.findings.is_empty() {
            out.extend_from_slice(hay);
        } else {
            let findings = std::mem::take(&mut s.engine.findings);
            self.emit(hay, &findings, s, &mut out, counts, &mut learned, true);
            s.engine.findings = findings;
            let changed = std::mem::take(&mut s.log.changed);
            self.settle(&mut out, &changed, s, counts, &mut learned);
            s.log.changed = changed;
        }
        counts.bytes_out += out.len() as u64;
        Redacted {
            bytes: out,
            learned,
            known: None,
        }
    }

    /// Appends `hay` to `out` with `findings` (sorted, disjoint, offsets in
    /// `hay`) replaced by tokens; learned names get their offsets in `out`.
    /// `log` receives the output range of each changed line (its newline
    /// excluded) and where each finding's end landed in `out`. `first` counts
    /// the changed lines (later rounds change lines already counted).
    #[allow(clippy::too_many_arguments)]
    fn emit(
        &self,
        hay: &[u8],
        findings: &[Finding],
        s: &mut RedactScratch,
        out: &mut Vec<u8>,
        counts: &mut Counts,
        learned: &mut Vec<Learned>,
        first: bool,
    ) {
        let log = &mut s.log;
        log.changed.clear();
        log.anchors.clear();
        out.reserve(hay.len() + findings.len() * 8);
        let mut pos = 0;
        let mut line_end = 0; // end of the current changed line in `hay`
        for f in findings {
            if f.start > line_end || log.changed.is_empty() {
                if let Some(last) = log.changed.last_mut() {
                    last.end = out.len() + (line_end - pos);
                }
                let line_start = memchr::memrchr(b'\n', &hay[..f.start]).map_or(0, |i| i + 1);
                line_end =
                    memchr::memchr(b'\n', &hay[f.start..]).map_or(hay.len(), |i| f.start + i);
                log.changed.push(out.len() + (line_start - pos)..0);
                counts.lines_changed += u64::from(first);
            }
            out.extend_from_slice(&hay[pos..f.start]);
            let value = &hay[f.start..f.end];
            self.write_token(f.rule, f.label, value, &mut s.tmp, out);
            if self.learning
                && let Some(kind) = self.engine.learn_kind(f)
            {
                self.collect_learned(kind, f, value, out.len(), learned);
            }
            counts.per_rule[f.rule as usize] += 1;
            log.anchors.push((f.end, out.len()));
            if f.end > line_end {
                // A finding over several lines (not made by the default
                // rules) makes them one changed range.
                line_end = memchr::memchr(b'\n', &hay[f.end..]).map_or(hay.len(), |i| f.end + i);
            }
            pos = f.end;
        }
        if let Some(last) = log.changed.last_mut() {
            last.end = out.len() + (line_end - pos);
        }
        out.extend_from_slice(&hay[pos..]);
    }

    /// Scans the `changed` lines of `out` again, and again, until no rule
    /// finds anything more in them, then splices the new lines into `out`
    /// and moves the offsets of `learned` names with them.
    fn settle(
        &self,
        out: &mut Vec<u8>,
        changed: &[Range<usize>],
        s: &mut RedactScratch,
        counts: &mut Counts,
        learned: &mut Vec<Learned>,
    ) {
        // The rebuilt output, made only once a line actually changes again.
        let mut rebuilt: Option<Vec<u8>> = None;
        let mut copied = 0; // bytes of `out` handled so far
        let mut delta = 0isize; // how far bytes after `copied` have moved
        let mut next_learned = 0; // first entry of `learned` not yet moved
        let mut line = std::mem::take(&mut s.line);
        let mut next = std::mem::take(&mut s.next);
        let mut fresh: Vec<Learned> = Vec::new();
        self.find_unsettled(out, changed, s);
        for (i, r) in changed.iter().enumerate() {
            let mut rounds = 0;
            line.clear();
            line.extend_from_slice(&out[r.clone()]);
            // The learned names whose tokens are on this line, in `line`
            // offsets; those before it move with what came before.
            while next_learned < learned.len() && learned[next_learned].at <= r.start {
                let l = &mut learned[next_learned];
                l.at = l.at.saturating_add_signed(delta);
                next_learned += 1;
            }
            let mine = next_learned
                ..next_learned + learned[next_learned..].partition_point(|l| l.at <= r.end);
            for l in &mut learned[mine.clone()] {
                l.at -= r.start;
            }
            let fresh_from = fresh.len();
            // Rounds until a scan finds nothing, for the lines that need any.
            while s.unsettled[i] {
                self.engine.scan_lines_apart(&line, &mut s.engine);
                if s.engine.findings.is_empty() {
                    break;
                }
                rounds += 1;
                // Tokens are never matched again, so each round replaces raw
                // bytes for good and the loop ends; the bound is a backstop.
                assert!(rounds < 64, "redaction of a line does not settle");
                let findings = std::mem::take(&mut s.engine.findings);
                let known = fresh.len();
                next.clear();
                self.emit(&line, &findings, s, &mut next, counts, &mut fresh, false);
                s.engine.findings = findings;
                let anchors = &s.log.anchors;
                for l in learned[mine.clone()]
                    .iter_mut()
                    .chain(&mut fresh[fresh_from..known])
                {
                    l.at = moved(l.at, anchors);
                }
                std::mem::swap(&mut line, &mut next);
            }
            let base = r.start.saturating_add_signed(delta);
            for l in learned[mine.clone()]
                .iter_mut()
                .chain(&mut fresh[fresh_from..])
            {
                l.at += base;
            }
            next_learned = mine.end;
            if rounds == 0 {
                continue;
            }
            let buf = rebuilt.get_or_insert_with(|| Vec::with_capacity(out.len() + 64));
            buf.extend_from_slice(&out[copied..r.start]);
            buf.extend_from_slice(&line);
            copied = r.end;
            delta = buf.len() as isize - copied as isize;
        }
        for l in &mut learned[next_learned..] {
            l.at = l.at.saturating_add_signed(delta);
        }
        if let Some(mut buf) = rebuilt {
            buf.extend_from_slice(&out[copied..]);
            *out = buf;
        }
        s.line = line;
        s.next = next;
        if !fresh.is_empty() {
            learned.extend(fresh);
            learned.sort_by_key(|l| l.at);
        }
    }

    /// Marks in `s.unsettled` which `changed` lines of `out` a rule still
    /// finds something in, with one scan over all of them joined: most
    /// changed lines are settled after the first round, and one scan costs
    /// far less than one per line. A joined scan finds on each line what a
    /// scan of that line alone finds (rules never cross a line break, and
    /// context stops at it), so it passes over no line that has more to
    /// redact; a line it marks by mistake (a key's BEGIN line before it) is
    /// only scanned again on its own.
    fn find_unsettled(&self, out: &[u8], changed: &[Range<usize>], s: &mut RedactScratch) {
        s.batch.clear();
        let mut starts = Vec::with_capacity(changed.len());
        for r in changed {
            starts.push(s.batch.len());
            s.batch.extend_from_slice(&out[r.clone()]);
            s.batch.push(b'\n');
        }
        s.unsettled.clear();
        s.unsettled.resize(changed.len(), false);
        self.engine.scan_lines_apart(&s.batch, &mut s.engine);
        for f in &s.engine.findings {
            s.unsettled[starts.partition_point(|&st| st <= f.start) - 1] = true;
        }
    }

    /// Appends the token for `value` as found by rule `rule` with label
    /// `label`.
    fn write_token(
        &self,
        rule: u32,
        label: u32,
        value: &[u8],
        tmp: &mut Vec<u8>,
        out: &mut Vec<u8>,
    ) {
        let token_start = out.len();
        self.pseudo.write_token(
            self.engine.label(label),
            self.engine.normalize(rule),
            value,
            tmp,
            out,
        );
        if let Some(map) = &self.map {
            map.record(&out[token_start..], value);
        }
        if let Some(rules) = &self.token_rules {
            let mut rules = rules.lock().unwrap_or_else(|p| p.into_inner());
            if !rules.contains_key(&out[token_start..]) {
                rules.insert(out[token_start..].to_vec(), rule);
            }
        }
    }

    /// Records what `value`, found as `f`, teaches ([`teach`]), as learned
    /// at output offset `at`.
    fn collect_learned(
        &self,
        kind: crate::rules::dictionary::LearnKind,
        f: &Finding,
        value: &[u8],
        at: usize,
        out: &mut Vec<Learned>,
    ) {
        teach::Teach {
            redactor: self,
            rule: f.rule,
            at,
            out,
        }
        .value(kind, f.label, value);
    }

    /// Redacts a whole text in one call (examples, tests, small inputs), with
    /// learned host names counting from where they are found.
    pub fn redact_bytes(&self, input: &[u8]) -> Vec<u8> {
        let mut s = self.scratch();
        let mut counts = self.new_counts();
        let (r, _) = self.redact(
            input,
            BlockState::default(),
            &mut s,
            Vec::new(),
            &mut counts,
        );
        learn::apply(self, &mut LearnState::default(), r, &mut counts).bytes
    }
}

/// Debug builds only: a chunk holding the bytes of `LOGSCRUB_DEBUG_PANIC`
/// makes its worker panic with the chunk in the message, so tests can prove
/// that a crashing worker writes nothing of its chunk and that no input
/// byte reaches stderr.
#[cfg(debug_assertions)]
fn fail_on_marker(chunk: &[u8]) {
    static MARKER: std::sync::OnceLock<Option<Vec<u8>>> = std::sync::OnceLock::new();
    let marker = MARKER
        .get_or_init(|| std::env::var_os("LOGSCRUB_DEBUG_PANIC").map(|v| v.into_encoded_bytes()));
    if let Some(m) = marker
        && !m.is_empty()
        && memchr::memmem::find(chunk, m).is_some()
    {
        panic!(
            "injected failure in chunk {:?}",
            String::from_utf8_lossy(chunk)
        );
    }
}

#[cfg(not(debug_assertions))]
fn fail_on_marker(_chunk: &[u8]) {}

impl ChunkProcessor for Redactor {
    type Scratch = PooledScratch;
    type State = BlockState;
    type Ordered = LearnState;
    type Shared = learn::SharedNames;

    fn scratch(&self) -> PooledScratch {
        Redactor::scratch(self)
    }

    fn new_counts(&self) -> Counts {
        Redactor::new_counts(self)
    }

    fn shared(&self, st: &mut LearnState) -> learn::SharedNames {
        st.shared()
    }

    fn advance(&self, state: BlockState, chunk: &[u8], s: &mut PooledScratch) -> BlockState {
        self.engine.block_state_after(chunk, state, &mut s.engine)
    }

    fn process(
        &self,
        state: BlockState,
        chunk: &[u8],
        s: &mut PooledScratch,
        out: Vec<u8>,
        counts: &mut Counts,
        shared: &learn::SharedNames,
    ) -> Redacted {
        fail_on_marker(chunk);
        let mut red = self.redact(chunk, state, s, out, counts).0;
        red.known = learn::find_known(self, shared, &red.bytes);
        red
    }

    fn ordered(&self, st: &mut LearnState, red: Redacted, counts: &mut Counts) -> Redacted {
        learn::apply(self, st, red, counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redact::pseudonym::{Key, Pseudonymizer};

    /// File and entry names are redacted one short text at a time; each
    /// call borrows working memory and its drop gives it back, so a bundle
    /// of many names never builds lazy DFA states again.
    #[test]
    fn working_memory_goes_back_to_the_pool_on_every_path() {
        let engine = Engine::new(&crate::rules::RuleSet::embedded().unwrap()).unwrap();
        let key = Key::from_material(b"pool-test-key-material").unwrap();
        let r = Redactor::new(engine, Pseudonymizer::new(key));
        for i in 0..50 {
            let out = r.redact_bytes(format!("logs/db{i:02}.corp.example.internal.log").as_bytes());
            assert!(!out.is_empty());
        }
        assert_eq!(r.scratches_made(), 1, "one piece, borrowed fifty times");
        assert_eq!(r.spare_scratches(), 1);
        // A borrower that ends early (an error, a panic unwinding) still
        // gives its memory back.
        let early = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _s = r.scratch();
            panic!("a caller fails while holding working memory");
        }));
        assert!(early.is_err());
        assert_eq!(r.spare_scratches(), 1);
        let (a, b) = (r.scratch(), r.scratch());
        assert_eq!(r.scratches_made(), 2, "two at once need two");
        drop((a, b));
        assert_eq!(r.spare_scratches(), 2);
    }
}
