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

pub mod map;
pub mod pseudonym;

use crate::engine::{BlockState, Engine, Scratch};
use crate::io::pipeline::ChunkProcessor;
use crate::report::Counts;
use pseudonym::Pseudonymizer;

/// Output bytes that went through redaction.
#[derive(Debug)]
pub struct Redacted(Vec<u8>);

impl Redacted {
    /// The bytes to write.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Gives the buffer back for reuse (its contents are cleared).
    pub fn into_buffer(self) -> Vec<u8> {
        let mut v = self.0;
        v.clear();
        v
    }
}

/// The engine plus the pseudonym key: everything needed to redact.
#[derive(Debug)]
pub struct Redactor {
    engine: Engine,
    pseudo: Pseudonymizer,
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
            map: None,
        }
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
                let token_start = out.len();
                self.pseudo.write_token(
                    self.engine.label(f.label),
                    self.engine.normalize(f.rule),
                    &hay[f.start..f.end],
                    &mut s.tmp,
                    &mut out,
                );
                if let Some(map) = &self.map {
                    map.record(&out[token_start..], &hay[f.start..f.end]);
                }
                counts.per_rule[f.rule as usize] += 1;
                pos = f.end;
            }
            out.extend_from_slice(&hay[pos..]);
        }
        counts.bytes_out += out.len() as u64;
        (Redacted(out), end_state)
    }

    /// Redacts a whole text in one call (examples, tests, small inputs).
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
        r.0
    }
}

impl ChunkProcessor for Redactor {
    type Scratch = RedactScratch;
    type State = BlockState;

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
        self.redact(chunk, state, s, out, counts).0
    }
}
