//! The ordered, bounded, parallel pipeline: read → cut into line-aligned
//! chunks → process on the rayon pool → write in input order.
//!
//! Three kinds of thread take part:
//!
//! - a **reader** thread reads the input into large buffers, cuts each at
//!   its last newline (the rest of the line is carried into the next chunk,
//!   so a line is never split), runs the processor's cheap sequential
//!   [`ChunkProcessor::advance`] step to give each chunk its start state
//!   (open multi-line blocks), numbers the chunk and hands it to the pool;
//! - the **rayon** workers redact chunks in any order;
//! - the calling thread **writes** results strictly in chunk order, holding
//!   early ones in a small reorder map.
//!
//! **Memory bound.** Chunks travel with their buffers, and there are exactly
//! `2 × threads + 2` buffer pairs (input, output). The reader waits for a
//! free pair before it reads, so at most that many chunks exist at once —
//! reading, queued, processing or waiting to be written — whatever the input
//! size. A chunk is `chunk_bytes` plus the carried partial line; a line longer
//! than `max_line_bytes` stops the run with an error instead of growing
//! without bound.
//!
//! **Working memory** (lazy DFA caches, buffers) is per thread; the
//! processor hands it out ([`ChunkProcessor::scratch`]) and takes it back
//! when it is dropped at the end of a run, so the files of a bundle do not
//! each build their automata's states again.
//!
//! **Latency.** A read that returns less than was asked for (a pipe or
//! terminal with nothing more to give right now) ends the chunk at once if
//! no other chunk is in flight, and the writer flushes whenever it has
//! nothing queued: `tail -f app.log | logscrub` shows each line as it comes,
//! while bulk input still travels in large chunks. `line_buffered` ends a
//! chunk after every read that completes a line.
//!
//! **Fail closed.** A chunk whose processing panics yields no output; the
//! writer stops before it and reports the line where output stops. A read
//! error or an over-long line ends the output after the last whole chunk
//! before it.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crossbeam_channel::{Receiver, Sender, bounded, unbounded};

use crate::error::{Error, Result};
use crate::redact::Redacted;
use crate::report::Counts;

/// The per-chunk work the pipeline runs: implemented by
/// [`crate::redact::Redactor`].
pub trait ChunkProcessor: Send + Sync + 'static {
    /// Per-thread working memory.
    type Scratch: Send + 'static;
    /// State carried from chunk to chunk in input order.
    type State: Copy + Default + Send + 'static;
    /// State of the ordered stage, which sees every chunk's result in input
    /// order on the writing thread.
    type Ordered;
    /// What the ordered stage shares with the workers during one run (the
    /// host names learned so far, so the workers can search for them).
    type Shared: Clone + Send + Sync + 'static;

    /// Working memory for one thread (the processor may hand out memory
    /// given back by an earlier run).
    fn scratch(&self) -> Self::Scratch;
    /// Zero counts.
    fn new_counts(&self) -> Counts;
    /// The ordered stage's handle for the workers of a run that starts now.
    fn shared(&self, ordered: &mut Self::Ordered) -> Self::Shared;
    /// The state after `chunk`, given the state before it. Runs sequentially
    /// on every chunk, so it must be cheap.
    fn advance(&self, state: Self::State, chunk: &[u8], s: &mut Self::Scratch) -> Self::State;
    /// Processes one chunk of whole lines into `out`.
    fn process(
        &self,
        state: Self::State,
        chunk: &[u8],
        s: &mut Self::Scratch,
        out: Vec<u8>,
        counts: &mut Counts,
        shared: &Self::Shared,
    ) -> Redacted;
    /// The ordered stage: runs on each result in input order, before it is
    /// written. Must be cheap; it is the one sequential step after reading.
    fn ordered(&self, st: &mut Self::Ordered, red: Redacted, counts: &mut Counts) -> Redacted;
}

/// Pipeline settings.
#[derive(Debug, Clone)]
pub struct Options {
    /// Target chunk size in bytes.
    pub chunk_bytes: usize,
    /// Longest line accepted, in bytes.
    pub max_line_bytes: usize,
    /// End a chunk after every read that completes a line.
    pub line_buffered: bool,
    /// Fill every chunk to `chunk_bytes` even when a read returns less: for
    /// inputs that never stall (files), so that the same bytes are always
    /// cut into the same chunks.
    pub fill_chunks: bool,
    /// Set from a signal handler to stop between chunks.
    pub interrupt: Option<Arc<AtomicBool>>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            chunk_bytes: DEFAULT_CHUNK_BYTES,
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
            line_buffered: false,
            fill_chunks: false,
            interrupt: None,
        }
    }
}

/// Default chunk size: large enough that per-chunk costs vanish, small
/// enough that a few per thread stay far below the memory budget.
pub const DEFAULT_CHUNK_BYTES: usize = 1 << 20;

/// Default longest line: 16 MiB.
pub const DEFAULT_MAX_LINE_BYTES: usize = 16 << 20;

/// A reusable pipeline: the processor, the thread pool and the settings.
pub struct Pipeline<P: ChunkProcessor> {
    proc: Arc<P>,
    pool: Arc<rayon::ThreadPool>,
    threads: usize,
    opts: Options,
}

struct Bufs {
    input: Vec<u8>,
    output: Vec<u8>,
}

enum ReadFail {
    Io(io::Error),
    LongLine,
    Interrupted,
}

enum Msg {
    Chunk {
        result: std::thread::Result<Redacted>,
        counts: Counts,
        input: Vec<u8>,
    },
    Fail(ReadFail),
    End,
}

impl<P: ChunkProcessor> Pipeline<P> {
    /// A pipeline running `proc` on `pool` (whose size sets the parallelism).
    pub fn new(proc: Arc<P>, pool: Arc<rayon::ThreadPool>, opts: Options) -> Pipeline<P> {
        let threads = pool.current_num_threads().max(1);
        Pipeline {
            proc,
            pool,
            threads,
            opts,
        }
    }

    /// The processor.
    pub fn processor(&self) -> &P {
        &self.proc
    }

    /// The processor, shared.
    pub fn processor_arc(&self) -> &Arc<P> {
        &self.proc
    }

    /// A pipeline running `proc` on the same threads with the same
    /// settings, except that it fills every chunk (see
    /// [`Options::fill_chunks`]): for the passes over a file that must cut
    /// it the same way.
    pub fn filling<Q: ChunkProcessor>(&self, proc: Arc<Q>) -> Pipeline<Q> {
        Pipeline {
            proc,
            pool: Arc::clone(&self.pool),
            threads: self.threads,
            opts: Options {
                fill_chunks: true,
                line_buffered: false,
                ..self.opts.clone()
            },
        }
    }

    /// Streams `input` through the processor into `output`. Names are used
    /// in error messages only.
    ///
    /// The reader thread is detached: if the writer stops early (closed
    /// stdout, an error), the reader may be blocked reading a pipe that
    /// never ends, and the run must not wait for it. It exits by itself once
    /// the writer's end of the buffer channel is gone. Use this for stdin
    /// and other inputs that can block.
    pub fn run(
        &self,
        input: Box<dyn Read + Send>,
        input_name: &Path,
        output: &mut dyn Write,
        output_name: &Path,
        ordered: &mut P::Ordered,
    ) -> Result<Counts> {
        let (reader, free_tx, rx, in_flight) = self.parts(ordered);
        let scratches = Arc::clone(&reader.scratch_pool);
        std::thread::Builder::new()
            .name("logscrub-reader".into())
            .spawn(move || reader.run(input))
            .map_err(|e| Error::Input {
                path: input_name.to_path_buf(),
                source: e,
            })?;
        let result = self.write(
            &rx,
            &free_tx,
            &in_flight,
            output,
            input_name,
            output_name,
            ordered,
        );
        self.give_back(&scratches);
        result
    }

    /// Like [`Pipeline::run`], for a borrowed input that never blocks for
    /// long (a file, an archive entry, a decompressor): the reader thread is
    /// scoped and joined before this returns.
    pub fn run_scoped<R: Read + Send>(
        &self,
        input: &mut R,
        input_name: &Path,
        output: &mut dyn Write,
        output_name: &Path,
        ordered: &mut P::Ordered,
    ) -> Result<Counts> {
        let (reader, free_tx, rx, in_flight) = self.parts(ordered);
        let scratches = Arc::clone(&reader.scratch_pool);
        let result = std::thread::scope(|scope| {
            scope.spawn(move || reader.run(input));
            let result = self.write(
                &rx,
                &free_tx,
                &in_flight,
                output,
                input_name,
                output_name,
                ordered,
            );
            // Let a reader that waits for a free buffer see that the writer
            // is gone, so the scope can join it.
            drop(free_tx);
            drop(rx);
            result
        });
        self.give_back(&scratches);
        result
    }

    /// Drops the working memory of a finished run, which returns it to the
    /// processor for the next run. Memory that comes back later (workers
    /// still busy when a run stopped early, the reader of a stream that
    /// ended in an error) goes back when it is dropped in turn.
    fn give_back(&self, scratches: &Mutex<Vec<P::Scratch>>) {
        drop(
            scratches
                .lock()
                .map(|mut v| std::mem::take(&mut *v))
                .unwrap_or_default(),
        );
    }

    #[allow(clippy::type_complexity)] // a private tuple of channel ends, used twice
    fn parts(
        &self,
        ordered: &mut P::Ordered,
    ) -> (
        Reader<P>,
        Sender<Bufs>,
        Receiver<(u64, Msg)>,
        Arc<AtomicUsize>,
    ) {
        let slots = 2 * self.threads + 2;
        let (free_tx, free_rx) = bounded::<Bufs>(slots);
        for _ in 0..slots {
            free_tx
                .send(Bufs {
                    input: Vec::new(),
                    output: Vec::new(),
                })
                .expect("the channel has room for every slot");
        }
        let (tx, rx) = unbounded::<(u64, Msg)>();
        let in_flight = Arc::new(AtomicUsize::new(0));
        let reader = Reader {
            proc: Arc::clone(&self.proc),
            pool: Arc::clone(&self.pool),
            scratch_pool: Arc::new(Mutex::new(Vec::new())),
            free_rx,
            tx,
            in_flight: Arc::clone(&in_flight),
            opts: self.opts.clone(),
            shared: self.proc.shared(ordered),
        };
        (reader, free_tx, rx, in_flight)
    }

    #[allow(clippy::too_many_arguments)] // private glue between the two entry points
    fn write(
        &self,
        rx: &Receiver<(u64, Msg)>,
        free_tx: &Sender<Bufs>,
        in_flight: &AtomicUsize,
        output: &mut dyn Write,
        input_name: &Path,
        output_name: &Path,
        ordered: &mut P::Ordered,
    ) -> Result<Counts> {
        write_in_order(
            &*self.proc,
            ordered,
            rx,
            free_tx,
            in_flight,
            self.proc.new_counts(),
            output,
            &Names {
                input: input_name,
                output: output_name,
                max_line: self.opts.max_line_bytes,
                interrupt: self.opts.interrupt.as_deref(),
            },
        )
    }
}

struct Names<'a> {
    input: &'a Path,
    output: &'a Path,
    max_line: usize,
    interrupt: Option<&'a AtomicBool>,
}

fn interrupted(flag: Option<&AtomicBool>) -> bool {
    flag.is_some_and(|f| f.load(Ordering::Relaxed))
}

#[allow(clippy::too_many_arguments)] // the writer's whole context, private
fn write_in_order<P: ChunkProcessor>(
    proc: &P,
    ordered: &mut P::Ordered,
    rx: &Receiver<(u64, Msg)>,
    free_tx: &Sender<Bufs>,
    in_flight: &AtomicUsize,
    mut total: Counts,
    out: &mut dyn Write,
    names: &Names<'_>,
) -> Result<Counts> {
    let out_err = |e: io::Error| Error::Output {
        path: names.output.to_path_buf(),
        source: e,
    };
    let mut pending: BTreeMap<u64, Msg> = BTreeMap::new();
    let mut next = 0u64;
    loop {
        // Wake up now and then to notice Ctrl-C even while the reader is
        // blocked on a quiet pipe.
        let (seq, msg) = match rx.recv_timeout(std::time::Duration::from_millis(100)) {
            Ok(m) => m,
            Err(crossbeam_channel::RecvTimeoutError::Timeout) => {
                if interrupted(names.interrupt) {
                    return Err(Error::Interrupted);
                }
                continue;
            }
            Err(crossbeam_channel::RecvTimeoutError::Disconnected) => {
                return Err(Error::Internal {
                    path: names.input.to_path_buf(),
                    line: total.lines + 1,
                });
            }
        };
        pending.insert(seq, msg);
        while let Some(msg) = pending.remove(&next) {
            match msg {
                Msg::Chunk {
                    result: Ok(red),
                    mut counts,
                    input,
                } => {
                    let red = proc.ordered(ordered, red, &mut counts);
                    out.write_all(red.as_bytes()).map_err(out_err)?;
                    total.add(&counts);
                    in_flight.fetch_sub(1, Ordering::AcqRel);
                    // The reader may be gone already (end of input).
                    let _ = free_tx.send(Bufs {
                        input,
                        output: red.into_buffer(),
                    });
                    next += 1;
                }
                Msg::Chunk { result: Err(_), .. } => {
                    return Err(Error::Internal {
                        path: names.input.to_path_buf(),
                        line: total.lines + 1,
                    });
                }
                Msg::Fail(f) => {
                    out.flush().map_err(out_err)?;
                    return Err(match f {
                        ReadFail::Io(e) => Error::Input {
                            path: names.input.to_path_buf(),
                            source: e,
                        },
                        ReadFail::LongLine => Error::LongLine {
                            path: names.input.to_path_buf(),
                            line: total.lines + 1,
                            limit: names.max_line,
                        },
                        ReadFail::Interrupted => Error::Interrupted,
                    });
                }
                Msg::End => {
                    out.flush().map_err(out_err)?;
                    return Ok(total);
                }
            }
        }
        if pending.is_empty() && rx.is_empty() {
            out.flush().map_err(out_err)?;
        }
    }
}

struct Reader<P: ChunkProcessor> {
    proc: Arc<P>,
    pool: Arc<rayon::ThreadPool>,
    scratch_pool: Arc<Mutex<Vec<P::Scratch>>>,
    free_rx: Receiver<Bufs>,
    tx: Sender<(u64, Msg)>,
    in_flight: Arc<AtomicUsize>,
    opts: Options,
    shared: P::Shared,
}

impl<P: ChunkProcessor> Reader<P> {
    fn run<R: Read>(self, input: R) {
        let mut pre = self.proc.scratch();
        self.read(input, &mut pre);
        // The sequential step's memory joins the workers' for `give_back`.
        if let Ok(mut p) = self.scratch_pool.lock() {
            p.push(pre);
        }
    }

    fn read<R: Read>(&self, mut input: R, pre: &mut P::Scratch) {
        let chunk = self.opts.chunk_bytes.max(1);
        let mut carry: Vec<u8> = Vec::new();
        let mut spare: Option<Bufs> = None;
        let mut state = P::State::default();
        let mut seq = 0u64;
        loop {
            let Some(mut bufs) = spare.take().or_else(|| self.free_rx.recv().ok()) else {
                return; // the writer has stopped
            };
            let mut fail = None;
            // Where output stops when a line is too long: its first byte.
            let mut fail_cut = None;
            let mut eof = false;
            let buf = &mut bufs.input;
            let mut len = carry.len();
            if buf.len() < len + chunk {
                buf.resize(len + chunk, 0);
            }
            buf[..len].copy_from_slice(&carry);
            carry.clear();
            // The carried partial line holds no newline.
            let mut last_nl: Option<usize> = None;
            loop {
                if self
                    .opts
                    .interrupt
                    .as_ref()
                    .is_some_and(|f| f.load(Ordering::Relaxed))
                {
                    fail = Some(ReadFail::Interrupted);
                    break;
                }
                let want = if len < chunk { chunk - len } else { chunk };
                if buf.len() < len + want {
                    buf.resize(len + want, 0);
                }
                let n = match input.read(&mut buf[len..len + want]) {
                    Ok(n) => n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        fail = Some(ReadFail::Io(e));
                        break;
                    }
                };
                if n == 0 {
                    eof = true;
                    break;
                }
                if let Some(long_start) =
                    long_line_start(&buf[..len + n], len, last_nl, self.opts.max_line_bytes)
                {
                    fail = Some(ReadFail::LongLine);
                    fail_cut = Some(long_start);
                    break;
                }
                if let Some(i) = memchr::memrchr(b'\n', &buf[len..len + n]) {
                    last_nl = Some(len + i);
                }
                len += n;
                if last_nl.is_some()
                    && (len >= chunk
                        || self.opts.line_buffered
                        || (n < want
                            && !self.opts.fill_chunks
                            && self.in_flight.load(Ordering::Acquire) == 0))
                {
                    break;
                }
            }
            let cut = if eof && fail.is_none() {
                len
            } else {
                fail_cut.unwrap_or_else(|| last_nl.map_or(0, |i| i + 1))
            };
            if fail.is_none() {
                carry.extend_from_slice(&buf[cut..len]);
            }
            if cut > 0 {
                let start = state;
                state = self.proc.advance(state, &buf[..cut], pre);
                self.spawn(seq, start, bufs, cut);
                seq += 1;
            } else {
                spare = Some(bufs);
            }
            let last = match fail {
                Some(f) => Some(Msg::Fail(f)),
                None if eof => Some(Msg::End),
                None => None,
            };
            if let Some(msg) = last {
                let _ = self.tx.send((seq, msg));
                return;
            }
        }
    }

    fn spawn(&self, seq: u64, start: P::State, mut bufs: Bufs, len: usize) {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        let proc = Arc::clone(&self.proc);
        let scratch_pool = Arc::clone(&self.scratch_pool);
        let tx = self.tx.clone();
        let shared = self.shared.clone();
        self.pool.spawn(move || {
            let mut scratch = scratch_pool
                .lock()
                .ok()
                .and_then(|mut p| p.pop())
                .unwrap_or_else(|| proc.scratch());
            let mut counts = proc.new_counts();
            let out = std::mem::take(&mut bufs.output);
            let result = catch_unwind(AssertUnwindSafe(|| {
                proc.process(
                    start,
                    &bufs.input[..len],
                    &mut scratch,
                    out,
                    &mut counts,
                    &shared,
                )
            }));
            if result.is_ok()
                && let Ok(mut p) = scratch_pool.lock()
            {
                p.push(scratch);
            }
            let _ = tx.send((
                seq,
                Msg::Chunk {
                    result,
                    counts,
                    input: bufs.input,
                },
            ));
        });
    }
}

/// Checks the lines that the bytes `buf[old..]` (just read) complete or
/// leave open against `max`. `last_nl` is the last newline before `old`.
/// Returns where the first over-long line starts.
fn long_line_start(buf: &[u8], old: usize, last_nl: Option<usize>, max: usize) -> Option<usize> {
    let mut start = last_nl.map_or(0, |i| i + 1);
    let new = &buf[old..];
    // Every line in the new bytes, and the line that was open before them.
    // Only the first and the last can be long unless the read itself is
    // longer than `max`, so the full walk is rare.
    if new.len() <= max {
        if let Some(first) = memchr::memchr(b'\n', new) {
            if old + first - start > max {
                return Some(start);
            }
            start = old + memchr::memrchr(b'\n', new).map_or(0, |i| i + 1);
        }
    } else {
        for nl in memchr::memchr_iter(b'\n', new) {
            if old + nl - start > max {
                return Some(start);
            }
            start = old + nl + 1;
        }
    }
    (buf.len() - start > max).then_some(start)
}

/// `-` for stdin/stdout in messages.
pub fn stdio_name() -> PathBuf {
    PathBuf::from("-")
}
