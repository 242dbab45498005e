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

pub mod learn;
pub mod map;
pub mod pseudonym;

use crate::engine::{BlockState, Engine, Scratch};
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
    /// Record learned host names (see [`learn`]).
    learning: bool,
    /// `--map`: records each token's value; `None` costs nothing.
    map: Option<map::TokenMap>,
}

/// Per-thread working memory of a [`Redactor`].
#[derive(Debug)]
pub struct RedactScratch {
    engine: Scratch,
    tmp: Vec<u8>,
}

impl Redactor {
    /// A redactor over `engine` with tokens keyed by `pseudo`.
    pub fn new(engine: Engine, pseudo: Pseudonymizer) -> Redactor {
        Redactor {
            engine,
            pseudo,
            learning: true,
            map: None,
        }
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

    /// The recorded tokens, when [`Redactor::with_map`] asked for them.
    pub fn token_map(&self) -> Option<&map::TokenMap> {
        self.map.as_ref()
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Fresh working memory for one thread.
    pub fn scratch(&self) -> RedactScratch {
        RedactScratch {
            engine: self.engine.scratch(),
            tmp: Vec::new(),
        }
    }

    /// Zero counts sized for this redactor's rules.
    pub fn new_counts(&self) -> Counts {
        Counts::new(self.engine.rule_count())
    }

    /// Redacts `hay` (whole lines; the last may lack its newline) into `out`,
    /// adding to `counts`. Returns the output and the block state after `hay`.
    pub fn redact(
        &self,
        hay: &[u8],
        start: BlockState,
        s: &mut RedactScratch,
        mut out: Vec<u8>,
        counts: &mut Counts,
    ) -> (Redacted, BlockState) {
        let end_state = self.engine.scan(hay, start, &mut s.engine);
        out.clear();
        let newlines = memchr::memchr_iter(b'\n', hay).count() as u64;
        counts.lines += newlines + u64::from(hay.last().is_some_and(|&c| c != b'\n'));
        counts.bytes_in += hay.len() as u64;
        let findings = &s.engine.findings;
        let mut learned = Vec::new();
        if findings.is_empty() {
            out.extend_from_slice(hay);
        } else {
            out.reserve(hay.len() + findings.len() * 8);
            let mut pos = 0;
            let mut changed_until = 0;
            for f in findings {
                out.extend_from_slice(&hay[pos..f.start]);
                if f.start >= changed_until {
                    counts.lines_changed += 1;
                    changed_until = memchr::memchr(b'\n', &hay[f.start..])
                        .map_or(hay.len(), |i| f.start + i + 1);
                }
                self.write_token(f.rule, f.label, &hay[f.start..f.end], &mut s.tmp, &mut out);
                if self.learning && self.engine.learns_finding(f) {
                    let at = out.len();
                    self.collect_learned(
                        f.rule,
                        f.label,
                        &hay[f.start..f.end],
                        at,
                        &mut s.tmp,
                        &mut learned,
                    );
                }
                counts.per_rule[f.rule as usize] += 1;
                pos = f.end;
            }
            out.extend_from_slice(&hay[pos..]);
        }
        counts.bytes_out += out.len() as u64;
        (
            Redacted {
                bytes: out,
                learned,
            },
            end_state,
        )
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
    }

    /// Records the host name `value` (and its first label, when that reads
    /// as a machine name) as learned at output offset `at`.
    fn collect_learned(
        &self,
        rule: u32,
        label: u32,
        value: &[u8],
        at: usize,
        tmp: &mut Vec<u8>,
        out: &mut Vec<Learned>,
    ) {
        let value = value.strip_suffix(b".").unwrap_or(value);
        let first = value.split(|&c| c == b'.').next().unwrap_or_default();
        let mut push = |v: &[u8]| {
            if learn::learnable(v) && learn::machine_like(v) && !self.engine.allows(v) {
                tmp.clear();
                tmp.extend(v.iter().map(u8::to_ascii_lowercase));
                out.push(Learned {
                    at,
                    name: tmp.clone(),
                    rule,
                    label,
                });
            }
        };
        push(value);
        if first.len() >= 4 && first.len() < value.len() {
            push(first);
        }
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
    type Scratch = RedactScratch;
    type State = BlockState;
    type Ordered = LearnState;

    fn scratch(&self) -> RedactScratch {
        Redactor::scratch(self)
    }

    fn new_counts(&self) -> Counts {
        Redactor::new_counts(self)
    }

    fn advance(&self, state: BlockState, chunk: &[u8], s: &mut RedactScratch) -> BlockState {
        self.engine.block_state_after(chunk, state, &mut s.engine)
    }

    fn process(
        &self,
        state: BlockState,
        chunk: &[u8],
        s: &mut RedactScratch,
        out: Vec<u8>,
        counts: &mut Counts,
    ) -> Redacted {
        fail_on_marker(chunk);
        self.redact(chunk, state, s, out, counts).0
    }

    fn ordered(&self, st: &mut LearnState, red: Redacted, counts: &mut Counts) -> Redacted {
        learn::apply(self, st, red, counts)
    }
}
