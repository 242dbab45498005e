//! Reading a file twice without scanning it twice.
//!
//! In `auto` learning mode a file on disk is read twice, so that a host name
//! learned anywhere in it is replaced everywhere ([`super::learn`]). The
//! first pass ([`FirstPass`]) scans every chunk with all rules, learns the
//! names, and keeps each chunk's findings in a [`Store`]: an unnamed
//! temporary file of offsets and rule and label numbers, never a byte of the
//! input. The second pass ([`Replay`]) reads the file again and turns the
//! stored findings into output without scanning again; it only settles the
//! changed lines and replaces the learned names, as any run does.
//!
//! Both passes fill their chunks ([`crate::io::pipeline::Options::fill_chunks`]),
//! so the same bytes are cut the same way. A scan's findings depend on the
//! chunk's bytes and on whether a private key is open where it starts, so a
//! chunk is replayed only when its length, checksum and start block state
//! match the stored chunk's and every stored finding fits it; any other
//! chunk (the file changed between the passes, or a read was cut short) is
//! scanned afresh, so the output never depends on the store being right,
//! only the time it takes. With no temporary file every chunk is scanned.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

use super::learn::{LearnState, SharedNames};
use super::{PooledScratch, Redacted, Redactor};
use crate::engine::{BlockState, Finding};
use crate::io::pipeline::{ChunkProcessor, Pipeline};
use crate::report::Counts;

/// Bytes of one stored finding: start, end, rule, label, priority.
const FINDING_BYTES: usize = 20;
/// Bytes of a chunk's header: checksum, chunk length, block state at its
/// start, number of findings.
const HEADER_BYTES: usize = 20;
/// The finding count of a chunk too long for 32-bit offsets: not stored.
const NOT_STORED: u32 = u32::MAX;

/// Where one chunk's findings are in the store.
#[derive(Debug, Clone, Copy)]
struct Entry {
    offset: u64,
    findings: u32,
    chunk_len: u64,
    crc: u32,
    /// [`BlockState::code`] at the chunk's start.
    block: u32,
}

/// The findings of every chunk of one file, from the first pass.
#[derive(Debug)]
pub struct Store {
    /// `None` when no temporary file could be made: then every chunk is
    /// scanned in the second pass, as if nothing were stored.
    file: Option<Mutex<File>>,
    index: Vec<Entry>,
    /// The checksums' starting value (see [`FirstPass`]).
    seed: u32,
}

impl Store {
    /// True when chunk `seq` is the stored one: same length, same checksum,
    /// same block state at its start.
    fn matches(&self, seq: usize, chunk: &[u8], block: BlockState) -> bool {
        self.index.get(seq).is_some_and(|e| {
            e.chunk_len == chunk.len() as u64
                && e.block == block.code()
                && e.crc == checksum(self.seed, chunk)
        })
    }

    /// Puts the stored findings of chunk `seq` into `findings` when they
    /// belong to `chunk`; false (and `findings` unspecified) otherwise.
    fn load(
        &self,
        seq: usize,
        chunk: &[u8],
        block: BlockState,
        (rules, labels): (usize, usize),
        buf: &mut Vec<u8>,
        findings: &mut Vec<Finding>,
    ) -> bool {
        let (Some(e), Some(file)) = (self.index.get(seq), &self.file) else {
            return false;
        };
        // Findings depend on the chunk's bytes and on whether a block (a
        // private key) is open where it starts: both must be as stored.
        if e.findings == NOT_STORED || !self.matches(seq, chunk, block) {
            return false;
        }
        buf.resize(e.findings as usize * FINDING_BYTES, 0);
        let read = file.lock().ok().is_some_and(|mut f| {
            f.seek(SeekFrom::Start(e.offset)).is_ok() && f.read_exact(buf).is_ok()
        });
        if !read {
            return false;
        }
        findings.clear();
        let mut last_end = 0;
        for rec in buf.chunks_exact(FINDING_BYTES) {
            let word = |i: usize| u32::from_le_bytes(rec[i * 4..i * 4 + 4].try_into().unwrap());
            let f = Finding {
                start: word(0) as usize,
                end: word(1) as usize,
                rule: word(2),
                label: word(3),
                priority: word(4) as i32,
            };
            // Sorted, disjoint and inside the chunk, as a scan leaves them.
            if f.start < last_end
                || f.start >= f.end
                || f.end > chunk.len()
                || f.rule as usize >= rules
                || f.label as usize >= labels
            {
                return false;
            }
            last_end = f.end;
            findings.push(f);
        }
        true
    }
}

/// What the first pass over a file leaves for the second: the host names
/// it teaches and the findings of its chunks.
#[derive(Debug)]
pub struct Seed {
    /// The host names learned from the whole file.
    pub learned: LearnState,
    store: Store,
}

impl Seed {
    /// The second pass: redacts `input` (the same file, read again from the
    /// same point) into `output` on `pipeline`'s threads, replaying the
    /// stored findings.
    pub fn replay<R: Read + Send>(
        self,
        pipeline: &Pipeline<Redactor>,
        input: &mut R,
        input_name: &Path,
        output: &mut dyn Write,
        output_name: &Path,
    ) -> crate::error::Result<Counts> {
        let Seed { mut learned, store } = self;
        let replay = Replay {
            redactor: Arc::clone(pipeline.processor_arc()),
            store,
        };
        pipeline.filling(Arc::new(replay)).run_scoped(
            input,
            input_name,
            output,
            output_name,
            &mut learned,
        )
    }
}

/// A chunk's CRC-32, started from `seed`.
fn checksum(seed: u32, chunk: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new_with_initial(seed);
    h.update(chunk);
    h.finalize()
}

/// The first pass over a file: scans with all rules, learns host names and
/// writes each chunk's findings to the store (see the module docs).
///
/// The chunk checksums start from a random value that only this process
/// knows, so the stored checksum of a short file tells nothing of its text.
#[derive(Debug)]
pub struct FirstPass {
    redactor: Arc<Redactor>,
    seed: u32,
}

impl FirstPass {
    /// A first pass for `redactor`.
    pub fn new(redactor: Arc<Redactor>) -> FirstPass {
        // Without randomness the checksums are plain CRC-32s: they still
        // tell chunks apart, which is all the second pass needs.
        let seed = getrandom::u32().unwrap_or(0);
        FirstPass { redactor, seed }
    }

    /// Runs the first pass over `input` (a file, read from where it is)
    /// with `pipeline`, storing findings in an unnamed temporary file in
    /// `dir`. Returns the learned names and the store.
    pub fn run<R: Read + Send>(
        pipeline: &Pipeline<FirstPass>,
        input: &mut R,
        name: &Path,
        dir: &Path,
    ) -> crate::error::Result<Seed> {
        let tmp_err = |e: io::Error| crate::error::Error::Output {
            path: dir.to_path_buf(),
            source: e,
        };
        let mut st = FirstPassState::default();
        // Without a temporary file (no writable folder) the first pass only
        // learns, and the second scans every chunk.
        let mut file = tempfile::tempfile_in(dir).ok();
        match &mut file {
            Some(f) => {
                let mut w = io::BufWriter::with_capacity(1 << 16, f);
                pipeline.run_scoped(input, name, &mut w, dir, &mut st)?;
                w.flush().map_err(tmp_err)?;
            }
            None => {
                pipeline.run_scoped(input, name, &mut io::sink(), dir, &mut st)?;
            }
        }
        Ok(Seed {
            learned: st.learned,
            store: Store {
                file: file.map(Mutex::new),
                index: st.index,
                seed: pipeline.processor().seed,
            },
        })
    }
}

impl FirstPass {
    /// A first pass that only learns: what `input` teaches the
    /// dictionary, with nothing stored (the run-wide learning pass over a
    /// bundle, [`crate::bundle::plan`]).
    pub fn learn_only<R: Read + Send>(
        pipeline: &Pipeline<FirstPass>,
        input: &mut R,
        name: &Path,
    ) -> crate::error::Result<LearnState> {
        let mut st = FirstPassState::default();
        pipeline.run_scoped(input, name, &mut io::sink(), name, &mut st)?;
        Ok(st.learned)
    }
}

/// Working memory of the first pass.
#[derive(Debug)]
pub struct FirstPassScratch {
    /// The redactor's working memory, of which the first pass uses the
    /// engine's; it goes back to the redactor for the second pass.
    redact: PooledScratch,
    learn: Vec<Finding>,
}

/// What the first pass gathers in input order.
#[derive(Debug, Default)]
pub struct FirstPassState {
    learned: LearnState,
    index: Vec<Entry>,
    written: u64,
}

impl ChunkProcessor for FirstPass {
    type Scratch = FirstPassScratch;
    type State = BlockState;
    type Ordered = FirstPassState;
    type Shared = ();

    fn scratch(&self) -> FirstPassScratch {
        FirstPassScratch {
            redact: self.redactor.scratch(),
            learn: Vec::new(),
        }
    }

    fn new_counts(&self) -> Counts {
        Counts::default()
    }

    fn shared(&self, _st: &mut FirstPassState) {}

    fn advance(&self, state: BlockState, chunk: &[u8], s: &mut FirstPassScratch) -> BlockState {
        self.redactor
            .engine()
            .block_state_after(chunk, state, &mut s.redact.engine)
    }

    fn process(
        &self,
        state: BlockState,
        chunk: &[u8],
        s: &mut FirstPassScratch,
        mut out: Vec<u8>,
        _counts: &mut Counts,
        _shared: &(),
    ) -> Redacted {
        let learned = super::learn::scan_and_learn(
            &self.redactor,
            chunk,
            state,
            &mut s.redact.engine,
            &mut s.learn,
        );
        out.clear();
        let storable = u32::try_from(chunk.len()).is_ok();
        let count = if storable {
            s.redact.engine.findings.len() as u32
        } else {
            NOT_STORED
        };
        out.extend_from_slice(&checksum(self.seed, chunk).to_le_bytes());
        out.extend_from_slice(&(chunk.len() as u64).to_le_bytes());
        out.extend_from_slice(&state.code().to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        if storable {
            for f in &s.redact.engine.findings {
                for word in [
                    f.start as u32,
                    f.end as u32,
                    f.rule,
                    f.label,
                    f.priority as u32,
                ] {
                    out.extend_from_slice(&word.to_le_bytes());
                }
            }
        }
        Redacted {
            bytes: out,
            learned,
            known: None,
        }
    }

    fn ordered(&self, st: &mut FirstPassState, red: Redacted, _counts: &mut Counts) -> Redacted {
        for l in &red.learned {
            st.learned.learn(l);
        }
        let h = &red.bytes[..HEADER_BYTES];
        st.index.push(Entry {
            offset: st.written + HEADER_BYTES as u64,
            crc: u32::from_le_bytes(h[0..4].try_into().unwrap()),
            chunk_len: u64::from_le_bytes(h[4..12].try_into().unwrap()),
            block: u32::from_le_bytes(h[12..16].try_into().unwrap()),
            findings: u32::from_le_bytes(h[16..20].try_into().unwrap()),
        });
        st.written += red.bytes.len() as u64;
        Redacted {
            bytes: red.bytes,
            learned: Vec::new(),
            known: None,
        }
    }
}

/// The second pass over a file: the stored findings of each chunk become
/// output; a chunk that does not match its stored one is scanned.
#[derive(Debug)]
pub struct Replay {
    redactor: Arc<Redactor>,
    store: Store,
}

/// The second pass's state between chunks: the chunk's number and the
/// block state at its start (for a chunk that must be scanned).
#[derive(Debug, Clone, Copy, Default)]
pub struct ReplayState {
    seq: usize,
    block: BlockState,
}

/// Working memory of the second pass.
#[derive(Debug)]
pub struct ReplayScratch {
    redact: PooledScratch,
    buf: Vec<u8>,
}

impl ChunkProcessor for Replay {
    type Scratch = ReplayScratch;
    type State = ReplayState;
    type Ordered = LearnState;
    type Shared = SharedNames;

    fn scratch(&self) -> ReplayScratch {
        ReplayScratch {
            redact: self.redactor.scratch(),
            buf: Vec::new(),
        }
    }

    fn new_counts(&self) -> Counts {
        self.redactor.new_counts()
    }

    fn shared(&self, st: &mut LearnState) -> SharedNames {
        st.shared()
    }

    /// For a chunk that is the stored one, the block state after it is the
    /// one stored for the next chunk: only a changed chunk is scanned for
    /// blocks on this sequential step.
    fn advance(&self, state: ReplayState, chunk: &[u8], s: &mut ReplayScratch) -> ReplayState {
        let engine = self.redactor.engine();
        let stored = self
            .store
            .index
            .get(state.seq + 1)
            .filter(|_| self.store.matches(state.seq, chunk, state.block))
            .and_then(|next| engine.block_state_from_code(next.block));
        ReplayState {
            seq: state.seq + 1,
            block: stored.unwrap_or_else(|| {
                engine.block_state_after(chunk, state.block, &mut s.redact.engine)
            }),
        }
    }

    fn process(
        &self,
        state: ReplayState,
        chunk: &[u8],
        s: &mut ReplayScratch,
        out: Vec<u8>,
        counts: &mut Counts,
        shared: &SharedNames,
    ) -> Redacted {
        super::fail_on_marker(chunk);
        let engine = self.redactor.engine();
        let mut red = if self.store.load(
            state.seq,
            chunk,
            state.block,
            (engine.rule_count(), engine.label_count()),
            &mut s.buf,
            &mut s.redact.engine.findings,
        ) {
            self.redactor
                .redact_found(chunk, &mut s.redact, out, counts)
        } else {
            self.redactor
                .redact(chunk, state.block, &mut s.redact, out, counts)
                .0
        };
        red.known = super::learn::find_known(&self.redactor, shared, &red.bytes);
        red
    }

    fn ordered(&self, st: &mut LearnState, red: Redacted, counts: &mut Counts) -> Redacted {
        super::learn::apply(&self.redactor, st, red, counts)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;
    use crate::io::pipeline::Options;
    use crate::redact::pseudonym::{Key, Pseudonymizer};
    use crate::rules::RuleSet;

    fn pipeline() -> Pipeline<Redactor> {
        let engine = crate::engine::Engine::new(&RuleSet::embedded().unwrap()).unwrap();
        let key = Key::from_material(b"replay-test-key-material").unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        Pipeline::new(
            Arc::new(Redactor::new(engine, Pseudonymizer::new(key))),
            Arc::new(pool),
            Options {
                chunk_bytes: 512,
                ..Options::default()
            },
        )
    }

    /// A log of many chunks where a host name is mentioned bare long
    /// before the line that teaches it.
    fn log() -> Vec<u8> {
        let mut text = String::from("2024-04-26 04:00:00 INFO starting on jira-prd-07\n");
        for i in 0..120 {
            text.push_str(&format!(
                "2024-04-26 04:00:{:02} INFO [http-nio-{i}] user{i}@acme.com from 10.1.{}.{} password=Hunter{i}x\n",
                i % 60,
                i / 10,
                i % 200,
            ));
        }
        text.push_str("2024-04-26 05:00:00 INFO fetched https://jira-prd-07.acme.lan/browse\n");
        text.into_bytes()
    }

    /// Both passes: the first over `first`, the second over `second`.
    fn two_passes(p: &Pipeline<Redactor>, first: &[u8], second: &[u8]) -> Vec<u8> {
        let name = Path::new("t.log");
        let dir = tempfile::tempdir().unwrap();
        let pass = p.filling(Arc::new(FirstPass::new(Arc::clone(p.processor_arc()))));
        let seed = FirstPass::run(&pass, &mut Cursor::new(first), name, dir.path()).unwrap();
        assert!(seed.store.index.len() > 10, "the test needs many chunks");
        let mut out = Vec::new();
        seed.replay(p, &mut Cursor::new(second), name, &mut out, name)
            .unwrap();
        out
    }

    /// A scan of every chunk, with the names that `learn_from` teaches.
    fn scanned(p: &Pipeline<Redactor>, learn_from: &[u8], input: &[u8]) -> Vec<u8> {
        let r = p.processor();
        let (_, mut learned) = r.redact_whole(learn_from, &mut r.scratch(), &mut r.new_counts());
        let mut out = Vec::new();
        let name = Path::new("t.log");
        p.run_scoped(&mut Cursor::new(input), name, &mut out, name, &mut learned)
            .unwrap();
        out
    }

    #[test]
    fn runs_hand_their_working_memory_on_to_the_next() {
        let p = pipeline();
        let input = log();
        let run = || {
            let mut out = Vec::new();
            let name = Path::new("t.log");
            p.run_scoped(
                &mut Cursor::new(&input),
                name,
                &mut out,
                name,
                &mut LearnState::default(),
            )
            .unwrap();
            out
        };
        assert_eq!(p.processor().spare_scratches(), 0);
        let first = run();
        assert!(
            p.processor().spare_scratches() >= 2,
            "the reader's and a worker's"
        );
        // The next runs, and both passes over a file, take those and give
        // them back: no more are ever made than one run holds at once (two
        // workers, the reader, and the writer settling lines where it
        // replaced learned names), and the output stays the same.
        for _ in 0..4 {
            assert_eq!(run(), first);
            two_passes(&p, &input, &input);
            let spare = p.processor().spare_scratches();
            assert!((2..=4).contains(&spare), "{spare}");
        }
    }

    #[test]
    fn replaying_equals_scanning_with_every_name_learned() {
        let p = pipeline();
        let input = log();
        let out = two_passes(&p, &input, &input);
        assert_eq!(
            String::from_utf8_lossy(&out),
            String::from_utf8_lossy(&scanned(&p, &input, &input))
        );
        let text = String::from_utf8(out).unwrap();
        assert!(
            !text.contains("jira-prd-07") && !text.contains("Hunter"),
            "{text}"
        );
    }

    #[test]
    fn a_key_opened_before_unchanged_chunks_is_redacted_in_them() {
        let p = pipeline();
        // Only the first line differs between the passes: it opens a
        // private key in the second, whose body runs on over chunks whose
        // bytes did not change.
        let body: String = (0..120)
            .map(|i| format!("MIIEowIBAAKCAQEA{i:03}{}\n", "q".repeat(45)))
            .collect();
        let tail = "-----END RSA PRIVATE KEY-----\n2024-04-26 INFO done\n";
        let first = format!("-----BEGIN RSA PUBLIC  KEY-----\n{body}{tail}");
        let second = format!("-----BEGIN RSA PRIVATE KEY-----\n{body}{tail}");
        assert_eq!(first.len(), second.len());
        let out = two_passes(&p, first.as_bytes(), second.as_bytes());
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains("MIIEowIBAAKCAQEA"), "{text}");
        assert_eq!(
            text,
            String::from_utf8_lossy(&scanned(&p, first.as_bytes(), second.as_bytes()))
        );
    }

    #[test]
    fn a_file_that_changed_between_the_passes_is_scanned_again() {
        let p = pipeline();
        let first = log();
        // Same length, but every secret moved by one byte; then more lines.
        let mut second = String::from_utf8(first.clone())
            .unwrap()
            .replace(" password=Hunter", "  password=Hunte")
            .into_bytes();
        second.extend_from_slice(
            b"2024-04-26 06:00:00 INFO login by eve@acme.com token=s3cr3tV4lue\n",
        );
        assert_ne!(second.len(), first.len());
        let out = two_passes(&p, &first, &second);
        assert_eq!(
            String::from_utf8_lossy(&out),
            String::from_utf8_lossy(&scanned(&p, &first, &second))
        );
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains("Hunte") && !text.contains("eve@") && !text.contains("s3cr3t"));
    }
}
