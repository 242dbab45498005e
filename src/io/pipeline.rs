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
//! **Latency.** A stream (a pipe, a terminal: [`Pipeline::run`]) is read by
//! a thread of its own, the **feeder**, which hands what each read gave to
//! the reader. When the reader holds whole lines and nothing more has come,
//! it ends the chunk at once if no other chunk is in flight, and otherwise
//! as soon as the writer reports the last one written (the writer wakes it:
//! the reader never sits in a blocking read while it holds lines nobody has
//! seen). The writer flushes whenever it has nothing queued, so
//! `tail -f app.log | logscrub` shows each line as it comes, while bulk
//! input still travels in large chunks. `line_buffered` ends a chunk after
//! every read that completes a line. Inputs that never stall for long (a
//! file, an archive entry: [`Pipeline::run_scoped`]) are read directly.
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
        let (events_tx, events) = unbounded::<Event>();
        let (blocks_tx, blocks) = bounded::<Vec<u8>>(FEED_BLOCKS);
        for _ in 0..FEED_BLOCKS {
            blocks_tx
                .send(Vec::new())
                .expect("the channel has room for every block");
        }
        let thread_error = |e| Error::Input {
            path: input_name.to_path_buf(),
            source: e,
        };
        let feeder_tx = events_tx.clone();
        std::thread::Builder::new()
            .name("logscrub-feeder".into())
            .spawn(move || feed(input, feeder_tx, blocks))
            .map_err(thread_error)?;
        let source = Fed {
            events,
            blocks: blocks_tx,
            held: Vec::new(),
            at: 0,
        };
        std::thread::Builder::new()
            .name("logscrub-reader".into())
            .spawn(move || reader.run(source))
            .map_err(thread_error)?;
        let result = self.write(
            &rx,
            &free_tx,
            &in_flight,
            Some(&events_tx),
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
            scope.spawn(move || {
                reader.run(Direct {
                    input,
                    stalled: false,
                })
            });
            let result = self.write(
                &rx,
                &free_tx,
                &in_flight,
                None,
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
        wake: Option<&Sender<Event>>,
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
            Flight {
                count: in_flight,
                wake,
            },
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

/// The count of chunks handed to the pool and not yet written, and the
/// reader's wake-up call for when it drops to zero.
struct Flight<'a> {
    count: &'a AtomicUsize,
    wake: Option<&'a Sender<Event>>,
}

impl Flight<'_> {
    /// One chunk is written. The last one in flight wakes a reader that
    /// waits with whole lines for the pool to be free.
    fn landed(&self) {
        if self.count.fetch_sub(1, Ordering::AcqRel) == 1
            && let Some(wake) = self.wake
        {
            // The reader may be gone already (end of input).
            let _ = wake.send(Event::Idle);
        }
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
    in_flight: Flight<'_>,
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
                    in_flight.landed();
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
    fn run<S: Source>(self, source: S) {
        let mut pre = self.proc.scratch();
        self.read(source, &mut pre);
        // The sequential step's memory joins the workers' for `give_back`.
        if let Ok(mut p) = self.scratch_pool.lock() {
            p.push(pre);
        }
    }

    fn read<S: Source>(&self, mut input: S, pre: &mut P::Scratch) {
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
                let n = match input.next(&mut buf[len..len + want]) {
                    Ok(Got::Bytes(n)) => n,
                    // The writer has written every chunk handed out: the
                    // lines held can go now.
                    Ok(Got::Idle) => {
                        if last_nl.is_some()
                            && !self.opts.fill_chunks
                            && self.in_flight.load(Ordering::Acquire) == 0
                        {
                            break;
                        }
                        continue;
                    }
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
                        || (input.stalled()
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

/// How many blocks the feeder reads ahead of the reader, and their size:
/// what a stream's reading adds to the memory bound.
const FEED_BLOCKS: usize = 8;
const FEED_BLOCK_BYTES: usize = 128 << 10;

/// What the reader hears from its input.
enum Got {
    /// This many bytes were read; 0 at the end of the input.
    Bytes(usize),
    /// The writer has written the last chunk in flight.
    Idle,
}

/// Where the reader's bytes come from.
trait Source {
    /// Fills the start of `buf` with what comes next.
    fn next(&mut self, buf: &mut [u8]) -> io::Result<Got>;
    /// Whether the input had nothing more to give at the last call: the
    /// held lines should not wait for more.
    fn stalled(&self) -> bool;
}

/// An input the reader reads itself: one that never blocks for long.
struct Direct<R> {
    input: R,
    stalled: bool,
}

impl<R: Read> Source for Direct<R> {
    fn next(&mut self, buf: &mut [u8]) -> io::Result<Got> {
        let n = self.input.read(buf)?;
        // A read that gives less than was asked for: a pipe or terminal
        // with nothing more right now.
        self.stalled = n < buf.len();
        Ok(Got::Bytes(n))
    }

    fn stalled(&self) -> bool {
        self.stalled
    }
}

/// What the feeder and the writer tell the reader of a stream.
enum Event {
    Data(Vec<u8>),
    End,
    Failed(io::Error),
    Idle,
}

/// A stream read by the feeder thread ([`feed`]): the reader waits on the
/// feeder's blocks and the writer's wake-up calls at once, so it never
/// blocks in a read while it holds lines.
struct Fed {
    events: Receiver<Event>,
    /// Where drained blocks go back to the feeder.
    blocks: Sender<Vec<u8>>,
    /// The block being taken apart, and how far.
    held: Vec<u8>,
    at: usize,
}

impl Source for Fed {
    fn next(&mut self, buf: &mut [u8]) -> io::Result<Got> {
        if self.at >= self.held.len() {
            match self.events.recv() {
                Ok(Event::Data(block)) => {
                    self.held = block;
                    self.at = 0;
                }
                Ok(Event::End) => return Ok(Got::Bytes(0)),
                Ok(Event::Failed(e)) => return Err(e),
                Ok(Event::Idle) => return Ok(Got::Idle),
                // The writer holds a sender while it runs, so this is a
                // feeder that stopped without a word: never an end.
                Err(_) => return Err(io::Error::other("the input's reading thread stopped")),
            }
        }
        let n = buf.len().min(self.held.len() - self.at);
        buf[..n].copy_from_slice(&self.held[self.at..self.at + n]);
        self.at += n;
        if self.at == self.held.len() {
            // The feeder may be gone already (end of input).
            let _ = self.blocks.send(std::mem::take(&mut self.held));
            self.at = 0;
        }
        Ok(Got::Bytes(n))
    }

    fn stalled(&self) -> bool {
        self.at >= self.held.len() && self.events.is_empty()
    }
}

/// The feeder: reads `input` into the blocks it gets back and sends what
/// each read gave, until the end, an error, or the reader is gone. A panic
/// in the input's reading is reported as an error, never as the end.
fn feed<R: Read>(mut input: R, events: Sender<Event>, blocks: Receiver<Vec<u8>>) {
    let run = catch_unwind(AssertUnwindSafe(|| {
        while let Ok(mut block) = blocks.recv() {
            block.resize(FEED_BLOCK_BYTES, 0);
            let n = loop {
                match input.read(&mut block) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        let _ = events.send(Event::Failed(e));
                        return;
                    }
                }
            };
            if n == 0 {
                let _ = events.send(Event::End);
                return;
            }
            block.truncate(n);
            if events.send(Event::Data(block)).is_err() {
                return;
            }
        }
    }));
    if run.is_err() {
        let _ = events.send(Event::Failed(io::Error::other("reading the input failed")));
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

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    use super::*;
    use crate::redact::Redactor;
    use crate::redact::learn::LearnState;
    use crate::redact::pseudonym::{Key, Pseudonymizer};
    use crate::rules::RuleSet;

    /// A pipe that gives one line per read, then blocks (as `tail -f` does)
    /// until `release` is sent, then ends. `blocked` hears when it blocks.
    struct Pipe {
        lines: Vec<&'static [u8]>,
        blocked: mpsc::Sender<()>,
        release: mpsc::Receiver<()>,
    }

    impl Read for Pipe {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.lines.is_empty() {
                let _ = self.blocked.send(());
                let _ = self.release.recv();
                return Ok(0);
            }
            let line = self.lines.remove(0);
            buf[..line.len()].copy_from_slice(line);
            Ok(line.len())
        }
    }

    /// An output whose first write waits until the input blocks: the first
    /// chunk is still in flight when the second line comes.
    struct Slow {
        first: bool,
        blocked: mpsc::Receiver<()>,
        seen: mpsc::Sender<Vec<u8>>,
    }

    impl Write for Slow {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if std::mem::take(&mut self.first) {
                let _ = self.blocked.recv();
            }
            let _ = self.seen.send(buf.to_vec());
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_line_that_comes_while_a_chunk_is_written_is_not_held_for_more_input() {
        let engine = crate::engine::Engine::new(&RuleSet::embedded().unwrap()).unwrap();
        let key = Key::from_material(b"pipeline-test-key-material").unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let p = Pipeline::new(
            Arc::new(Redactor::new(engine, Pseudonymizer::new(key))),
            Arc::new(pool),
            Options::default(),
        );
        let (blocked_tx, blocked) = mpsc::channel();
        let (release, release_rx) = mpsc::channel();
        let (seen_tx, seen) = mpsc::channel();
        let input = Pipe {
            lines: vec![
                b"2024-04-26 04:00:00 INFO first from alice@acme.com\n",
                b"2024-04-26 04:00:01 INFO second from bob@acme.com\n",
            ],
            blocked: blocked_tx,
            release: release_rx,
        };
        let run = std::thread::spawn(move || {
            let mut out = Slow {
                first: true,
                blocked,
                seen: seen_tx,
            };
            let name = Path::new("-");
            p.run(
                Box::new(input),
                name,
                &mut out,
                name,
                &mut LearnState::default(),
            )
        });
        // Both lines must reach the output while the input stays blocked;
        // the timeout only keeps a failing run from hanging the tests.
        let mut out = Vec::new();
        while !String::from_utf8_lossy(&out).contains("second from") {
            match seen.recv_timeout(Duration::from_secs(60)) {
                Ok(bytes) => out.extend(bytes),
                Err(_) => break,
            }
        }
        release.send(()).unwrap();
        let counts = run.join().unwrap();
        let text = String::from_utf8_lossy(&out).into_owned();
        assert!(
            text.contains("first from") && text.contains("second from"),
            "the second line was held back while the input was blocked: {text:?}"
        );
        assert!(!text.contains("alice") && !text.contains("bob"), "{text}");
        counts.unwrap();
    }
}
