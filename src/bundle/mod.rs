//! Support bundles: folders, gzip files, zip and tar archives in; the same
//! shapes out, every text file and every name redacted.
//!
//! A bundle is a tree. [`Walker`] visits it depth first and writes a copy
//! of the same kind: a folder becomes a folder, a `.zip` a `.zip`, a `.gz` a
//! `.gz`, entries in their input order with their redacted names
//! ([`names`]). Each text file streams through the ordered parallel
//! pipeline, so a large entry is redacted in chunks on all cores while
//! memory stays bounded; files of a folder (and several inputs) are
//! processed in parallel by [`plan`].
//!
//! Policies, each documented in the README:
//!
//! - **Binary content** ([`sniff`]) is never copied through unscanned:
//!   `--binary skip` (the default) leaves it out and names it in the
//!   report, `fail` stops, `scan` redacts it as bytes.
//! - **Links** in archives and folders are never followed or recreated;
//!   they are left out and named. Devices and pipes likewise.
//! - **Hostile archives** ([`names`], [`limits`]): an entry that would
//!   leave the archive (zip slip), a zip bomb, nesting deeper than
//!   `--max-depth`, an encrypted entry, or a damaged or truncated archive
//!   fails the whole output file it belongs to. Nothing of that file is
//!   kept; other inputs and other files of a folder still complete.
//! - **Names** are redacted component by component; two entries whose
//!   names redact to the same name fail their archive rather than
//!   overwrite each other.

pub mod kind;
pub mod limits;
pub mod names;
pub mod out;
pub mod plan;
pub mod sniff;
pub mod stdin;
mod tar_zip;

use std::io::{self, Cursor, Read, Write};
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use crate::config::LearnMode;
use crate::engine::BlockState;
use crate::error::{Error, Result};
use crate::io::pipeline::Pipeline;
use crate::redact::Redactor;
use crate::redact::learn::{self, LearnState};
use crate::redact::replay::{FirstPass, Seed};
use crate::report::findings::Tap;
use crate::report::run::{FileRecord, LeftOut, Reason};

pub use kind::Kind;
use limits::{Budget, Compressed, Counting, Inflated, Limits, Meter};
use out::Out;
use sniff::Content;

/// Compression level of written gzip and zip data: flate2's default, a
/// balance of size and speed.
const LEVEL: u32 = 6;

/// A file whose content fits in this many bytes is redacted in one call on
/// the walking thread instead of going through the pipeline's threads.
const SMALL_FILE: usize = 64 << 10;

/// What `--binary` says to do with binary content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BinaryPolicy {
    /// Leave it out of the output and name it in the report.
    #[default]
    Skip,
    /// Stop with an error.
    Fail,
    /// Redact it as bytes like text.
    Scan,
}

/// `--include` and `--exclude`.
///
/// A glob without `/` matches a file name in any folder; one with `/`
/// matches the whole path inside the input (`application-logs/*.log`,
/// `**/heap/*`). A file is left out when it or a folder above it matches an
/// exclude, or when includes are given and it matches none of them.
/// Archives and folders are always opened, so that the files in them can
/// match an include.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    include: Option<(GlobSet, GlobSet)>,
    exclude: (GlobSet, GlobSet),
}

impl Filter {
    /// Compiles the globs; a bad one is a usage error.
    pub fn new(include: &[String], exclude: &[String]) -> Result<Filter> {
        fn sets(globs: &[String], flag: &str) -> Result<(GlobSet, GlobSet)> {
            let mut by_name = GlobSetBuilder::new();
            let mut by_path = GlobSetBuilder::new();
            for g in globs {
                let glob = GlobBuilder::new(g)
                    .literal_separator(true)
                    .build()
                    .map_err(|e| Error::Usage(format!("{flag} {g}: {e}")))?;
                if g.contains('/') {
                    by_path.add(glob);
                } else {
                    by_name.add(glob);
                }
            }
            let build =
                |b: GlobSetBuilder| b.build().map_err(|e| Error::Usage(format!("{flag}: {e}")));
            Ok((build(by_name)?, build(by_path)?))
        }
        Ok(Filter {
            include: if include.is_empty() {
                None
            } else {
                Some(sets(include, "--include")?)
            },
            exclude: sets(exclude, "--exclude")?,
        })
    }

    fn matches((by_name, by_path): &(GlobSet, GlobSet), path: &[u8]) -> bool {
        let name = path.rsplit(|&c| c == b'/').next().unwrap_or(path);
        by_name.is_match(bytes_path(name)) || by_path.is_match(bytes_path(path))
    }

    /// Whether the file at `path` (inside its input, `/`-separated) is
    /// redacted; `container` is true for archives and folders.
    pub fn allows(&self, path: &[u8], container: bool) -> bool {
        let mut end = path.len();
        loop {
            if Filter::matches(&self.exclude, &path[..end]) {
                return false;
            }
            match path[..end].iter().rposition(|&c| c == b'/') {
                Some(i) => end = i,
                None => break,
            }
        }
        container
            || self
                .include
                .as_ref()
                .is_none_or(|inc| Filter::matches(inc, path))
    }
}

/// A path from bytes (exact on Unix).
pub fn bytes_path(b: &[u8]) -> std::borrow::Cow<'_, Path> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        std::borrow::Cow::Borrowed(Path::new(std::ffi::OsStr::from_bytes(b)))
    }
    #[cfg(not(unix))]
    {
        std::borrow::Cow::Owned(PathBuf::from(String::from_utf8_lossy(b).into_owned()))
    }
}

/// How bundles are walked.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--binary`.
    pub binary: BinaryPolicy,
    /// `--include` / `--exclude`.
    pub filter: Filter,
    /// Bomb and nesting limits.
    pub limits: Limits,
    /// `--check`: write nothing.
    pub check: bool,
    /// `--max-line-bytes`.
    pub max_line_bytes: usize,
    /// Set by Ctrl-C: stop before the next file or entry.
    pub interrupt: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

/// Where a file sits: its redacted path for messages and the report, its
/// original path for globs, its name for its kind, and how deep in
/// archives it is.
#[derive(Debug, Clone)]
pub struct At {
    /// Redacted path from the input's name down.
    pub display: String,
    /// Original path inside the input, for `--include`/`--exclude`.
    pub glob: Vec<u8>,
    /// Original file name.
    pub name: Vec<u8>,
    /// Archive and compression layers around it.
    pub depth: u32,
    /// True when a component of `display` was redacted.
    pub name_redacted: bool,
}

impl At {
    /// A top-level input named `name` (shown as `display`).
    pub fn top(display: String, name: Vec<u8>, name_redacted: bool) -> At {
        At {
            display,
            glob: Vec::new(),
            name,
            depth: 0,
            name_redacted,
        }
    }

    /// The file `comps` (redacted: `red`) below `self`: an entry of the
    /// archive at `self` when `nested`, else a file of the folder `self`.
    pub fn child(&self, comps: &[Vec<u8>], red: &[Vec<u8>], nested: bool) -> At {
        let rel = names::join(comps);
        let mut glob = self.glob.clone();
        if !glob.is_empty() {
            glob.push(b'/');
        }
        glob.extend_from_slice(&rel);
        At {
            display: format!("{}/{}", self.display, names::display(&names::join(red))),
            glob,
            name: comps.last().cloned().unwrap_or_default(),
            depth: self.depth + u32::from(nested),
            name_redacted: self.name_redacted || comps != red,
        }
    }

    /// An error about this file.
    pub fn error(&self, problem: impl Into<String>) -> Error {
        Error::Bundle {
            path: PathBuf::from(&self.display),
            problem: problem.into(),
        }
    }

    /// An error reading this file.
    pub fn input_error(&self, e: io::Error) -> Error {
        Error::Input {
            path: PathBuf::from(&self.display),
            source: e,
        }
    }

    fn output_error(&self, e: io::Error) -> Error {
        Error::Output {
            path: PathBuf::from(&self.display),
            source: e,
        }
    }

    /// A record of this file left out.
    pub fn left_out(&self, reason: Reason) -> LeftOut {
        LeftOut {
            path: self.display.clone(),
            reason,
        }
    }
}

/// What one output file (or input, in stream mode) produced.
#[derive(Debug, Default)]
pub struct Records {
    /// Files redacted.
    pub files: Vec<FileRecord>,
    /// Files left out.
    pub left_out: Vec<LeftOut>,
}

/// Walks bundles and writes their redacted copies.
pub struct Walker<'a> {
    /// The redactor (content and names).
    pub redactor: &'a Redactor,
    /// The pipeline for large files.
    pub pipeline: &'a Pipeline<Redactor>,
    /// Policies and limits.
    pub opts: &'a Options,
    /// Where temporary files go (the system's temporary folder).
    pub spill_dir: PathBuf,
    /// Progress over the bytes read from disk, when shown.
    pub progress: Option<indicatif::ProgressBar>,
    /// Write the content of gzip files decompressed (to stdout).
    pub plain: bool,
    /// How learned host names are used.
    pub learn: LearnMode,
    /// The first pass that learns host names from a whole file.
    pub learner: &'a Pipeline<FirstPass>,
    /// What the run learned from all its inputs before writing anything
    /// (see [`plan::run`]): every file starts out knowing it.
    pub dictionary: &'a LearnState,
    /// Set during the run-wide learning pass: files are only scanned, and
    /// what each teaches is added here.
    pub collect: Option<&'a std::sync::Mutex<LearnState>>,
    /// `--findings`, `--verbose`: where each file's findings go.
    pub findings: Option<&'a crate::report::findings::Collector>,
}

/// The message of an I/O error that logscrub wrote itself and that holds
/// no byte of the input. Archive libraries quote raw header bytes and entry
/// names in theirs, so only these are shown; others become a message of
/// our own that names the file and entry ([`own_error`], [`is_own`]).
#[derive(Debug)]
pub(crate) struct OwnMessage(String);

impl std::fmt::Display for OwnMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OwnMessage {}

/// An I/O error with a message of logscrub's own.
pub(crate) fn own_error(kind: io::ErrorKind, msg: String) -> io::Error {
    io::Error::new(kind, OwnMessage(msg))
}

/// True when `e` carries a message of logscrub's own.
pub(crate) fn is_own(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|r| r.is::<OwnMessage>())
}

/// Says which layer a read error comes from ("damaged gzip data: ...").
/// The decoders' own messages are fixed strings.
pub(crate) struct Annotate<R> {
    inner: R,
    what: &'static str,
}

impl<R: Read> Annotate<R> {
    pub(crate) fn new(inner: R, what: &'static str) -> Annotate<R> {
        Annotate { inner, what }
    }
}

impl<R: Read> Read for Annotate<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).map_err(|e| {
            if e.kind() == io::ErrorKind::Interrupted {
                e
            } else {
                own_error(e.kind(), format!("{}: {e}", self.what))
            }
        })
    }
}

/// A gzip encoder or a plain writer.
enum MaybeGz<'w> {
    Plain(&'w mut dyn Write),
    Gz(Box<Blocks<GzEncoder<&'w mut dyn Write>>>),
}

/// A writer that hands `inner` its bytes in blocks of [`Blocks::SIZE`],
/// whatever the sizes of the writes it gets. A compressor's bytes depend on
/// how its input was split into writes, and the pipeline's writes depend on
/// timing (how many chunks are ready at once): in fixed blocks, the same
/// input compresses to the same bytes in every run and at any `-j`.
/// [`Blocks::drain`] hands over the rest; a flush does not.
pub(crate) struct Blocks<W: Write> {
    pub(crate) inner: W,
    pending: Vec<u8>,
}

impl<W: Write> Blocks<W> {
    const SIZE: usize = 64 << 10;

    pub(crate) fn new(inner: W) -> Blocks<W> {
        Blocks {
            inner,
            pending: Vec::new(),
        }
    }

    /// Hands `inner` the bytes still pending.
    pub(crate) fn drain(&mut self) -> io::Result<()> {
        self.inner.write_all(&self.pending)?;
        self.pending.clear();
        Ok(())
    }
}

impl<W: Write> Write for Blocks<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.pending.extend_from_slice(buf);
        if self.pending.len() >= Self::SIZE {
            let whole = self.pending.len() / Self::SIZE * Self::SIZE;
            for block in self.pending[..whole].chunks(Self::SIZE) {
                self.inner.write_all(block)?;
            }
            self.pending.drain(..whole);
        }
        Ok(())
    }
    /// Only what `inner` holds already goes on: see the type's docs.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'w> MaybeGz<'w> {
    fn new(w: &'w mut dyn Write, gzip: bool) -> MaybeGz<'w> {
        if gzip {
            MaybeGz::Gz(Box::new(Blocks::new(GzEncoder::new(
                w,
                Compression::new(LEVEL),
            ))))
        } else {
            MaybeGz::Plain(w)
        }
    }

    fn finish(self) -> io::Result<()> {
        match self {
            MaybeGz::Plain(w) => w.flush(),
            MaybeGz::Gz(mut g) => {
                g.drain()?;
                g.inner.finish()?.flush()
            }
        }
    }
}

impl Write for MaybeGz<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            MaybeGz::Plain(w) => w.write(buf),
            MaybeGz::Gz(g) => g.write(buf),
        }
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            MaybeGz::Plain(w) => w.write_all(buf),
            MaybeGz::Gz(g) => g.write_all(buf),
        }
    }
    /// A gzip stream is not flushed (only what it has already written
    /// is): the pipeline flushes whenever it waits for input, and a flushed
    /// deflate stream marks the spot with an empty block, so the bytes would
    /// depend on timing. [`MaybeGz::finish`] completes it.
    fn flush(&mut self) -> io::Result<()> {
        match self {
            MaybeGz::Plain(w) => w.flush(),
            MaybeGz::Gz(g) => g.inner.get_mut().flush(),
        }
    }
}

impl Walker<'_> {
    /// Stops the walk once Ctrl-C was pressed.
    fn check_interrupt(&self) -> Result<()> {
        match &self.opts.interrupt {
            Some(f) if f.load(std::sync::atomic::Ordering::Relaxed) => Err(Error::Interrupted),
            _ => Ok(()),
        }
    }

    /// Checks that one more archive or compression layer below `at` is
    /// within `--max-depth`.
    fn check_depth(&self, at: &At) -> Result<()> {
        let max = self.opts.limits.max_depth;
        if at.depth + 1 > max {
            return Err(at.error(format!(
                "archives nested more than {max} deep (--max-depth); not opened"
            )));
        }
        Ok(())
    }

    /// Wraps a compressed stream in a checked gzip decoder.
    fn gunzip<'r>(
        &self,
        input: &'r mut (dyn Read + Send),
        budget: &'r Budget,
    ) -> impl Read + Send + 'r {
        let meter = Meter::default();
        Inflated::new(
            Annotate::new(
                MultiGzDecoder::new(Counting::new(input, meter.clone(), None)),
                "damaged or truncated gzip data",
            ),
            self.opts.limits,
            budget,
            Compressed::Counted(meter),
        )
    }

    /// Redacts the file at `at`, read from `input`, into `out` in the same
    /// format (`input` is the file as stored: compressed for a `.gz`).
    ///
    /// `seed` holds what a first pass learned and found in the whole file
    /// ([`Walker::learn_seed`]: plain text files on disk of 64 KiB and more);
    /// without it, a small file learns from all of itself and any other
    /// input counts names from where they are found on.
    pub fn node(
        &self,
        rec: &mut Records,
        at: &At,
        input: &mut (dyn Read + Send),
        out: &mut dyn Out,
        budget: &Budget,
        seed: Option<Seed>,
    ) -> Result<()> {
        match Kind::from_name(&at.name) {
            Kind::Plain => self.leaf(rec, at, &at.name, false, input, out, seed),
            Kind::Gzip => {
                self.check_depth(at)?;
                let inner = &at.name[..at.name.len() - 3];
                let mut plain = self.gunzip(input, budget);
                self.leaf(rec, at, inner, true, &mut plain, out, None)
            }
            Kind::Zip => {
                self.check_depth(at)?;
                // Zip needs to seek: keep the entry in a temporary file.
                let mut tmp = out::temp_file(&self.spill_dir).map_err(|e| at.output_error(e))?;
                io::copy(input, &mut tmp).map_err(|e| at.input_error(e))?;
                self.zip(rec, at, &mut tmp, out, budget)
            }
            Kind::Tar => {
                self.check_depth(at)?;
                self.tar(rec, at, input, false, out, budget)
            }
            Kind::TarGz => {
                self.check_depth(at)?;
                let mut plain = self.gunzip(input, budget);
                self.tar(rec, at, &mut plain, true, out, budget)
            }
        }
    }

    /// A first pass over a plain text file on disk: the host names it
    /// teaches, then the file is rewound. `None` when learning is not in
    /// `auto` mode or the file is not plain text, and for a named pipe or
    /// device (`<(cat app.log)`, `/dev/stdin`), which can be read only once:
    /// those learn as they go, like a pipe on stdin.
    pub(crate) fn learn_seed(&self, at: &At, file: &mut std::fs::File) -> Result<Option<Seed>> {
        use std::io::{Seek, SeekFrom};
        if self.learn != LearnMode::Auto
            || self.collect.is_some()
            || Kind::from_name(&at.name) != Kind::Plain
            || !file.metadata().is_ok_and(|m| m.is_file())
        {
            return Ok(None);
        }
        let start = file.stream_position().map_err(|e| at.input_error(e))?;
        let head = sniff::read_head(file, SMALL_FILE).map_err(|e| at.input_error(e))?;
        file.seek(SeekFrom::Start(start))
            .map_err(|e| at.input_error(e))?;
        // A small file is read whole by `leaf`, which learns from it in the
        // same scan that redacts it.
        if head.len() < SMALL_FILE && head.len() <= self.opts.max_line_bytes
            || !matches!(sniff::classify(&at.name, &head), Content::Text)
        {
            return Ok(None);
        }
        crate::learn_first(self.learner, file, Path::new(&at.display), &self.spill_dir)
    }

    /// Redacts one file's content: classifies it, then leaves it out or
    /// streams it through the pipeline (gzip-compressed again when `gzip`).
    #[allow(clippy::too_many_arguments)] // the walker's context for one file
    fn leaf(
        &self,
        rec: &mut Records,
        at: &At,
        sniff_name: &[u8],
        gzip: bool,
        input: &mut (dyn Read + Send),
        out: &mut dyn Out,
        seed: Option<Seed>,
    ) -> Result<()> {
        self.check_interrupt()?;
        let head = sniff::read_head(input, SMALL_FILE).map_err(|e| at.input_error(e))?;
        let content = match sniff::classify(sniff_name, &head) {
            Content::Binary(why) => match self.opts.binary {
                BinaryPolicy::Skip => {
                    rec.left_out.push(at.left_out(Reason::Binary(why)));
                    return Ok(());
                }
                BinaryPolicy::Fail => {
                    return Err(at.error(format!(
                        "binary content ({why}); --binary skip leaves it out, --binary scan redacts it as bytes"
                    )));
                }
                BinaryPolicy::Scan => Content::Text,
            },
            c => c,
        };
        let name = Path::new(&at.display);
        if let Some(collect) = self.collect {
            // The learning pass: scan, learn, write nothing.
            let mut text = Cursor::new(head).chain(input);
            let taught = match content {
                Content::Utf16(endian) => FirstPass::learn_only(
                    self.learner,
                    &mut sniff::Utf16Reader::new(text, endian),
                    name,
                )?,
                _ => FirstPass::learn_only(self.learner, &mut text, name)?,
            };
            if let Ok(mut all) = collect.lock() {
                all.absorb(&taught);
            }
            return Ok(());
        }
        let mut w = MaybeGz::new(out.open()?, gzip && !self.plain);
        // Findings compare the decoded input with the output before it is
        // encoded or compressed again.
        let tap = self.findings.map(|c| c.tap(&at.display));
        let tap = tap.as_ref();
        let mut learned = self.dictionary.fork();
        let seed = seed.map(|mut s| {
            s.learned.absorb(self.dictionary);
            s
        });
        let counts = match content {
            Content::Utf16(endian) => {
                let mut enc =
                    sniff::Utf16Writer::new(&mut w, endian).map_err(|e| at.output_error(e))?;
                let mut dec = Tap::reader(
                    tap,
                    sniff::Utf16Reader::new(Cursor::new(head).chain(input), endian),
                );
                let counts = self.pipeline.run_scoped(
                    &mut dec,
                    name,
                    &mut Tap::writer(tap, &mut enc),
                    name,
                    &mut learned,
                )?;
                enc.finish().map_err(|e| at.output_error(e))?;
                counts
            }
            _ if head.len() < SMALL_FILE && head.len() <= self.opts.max_line_bytes => {
                // The whole file is in `head`: one call, same output as the
                // pipeline (which would make it one chunk).
                let mut counts = self.redactor.new_counts();
                let mut scratch = self.redactor.scratch();
                let red = if self.learn == LearnMode::Auto {
                    // The whole file is here: learn from all of it first.
                    let (red, names) = self.redactor.redact_whole(&head, &mut scratch, &mut counts);
                    learned.absorb(&names);
                    red
                } else {
                    self.redactor
                        .redact(
                            &head,
                            BlockState::default(),
                            &mut scratch,
                            Vec::new(),
                            &mut counts,
                        )
                        .0
                };
                let red = learn::apply(self.redactor, &mut learned, red, &mut counts);
                if let Some(t) = tap {
                    t.feed(&head);
                }
                Tap::writer(tap, &mut w)
                    .write_all(red.as_bytes())
                    .map_err(|e| at.output_error(e))?;
                counts
            }
            _ => match seed {
                Some(seed) => seed.replay(
                    self.pipeline,
                    &mut Tap::reader(tap, Cursor::new(head).chain(input)),
                    name,
                    &mut Tap::writer(tap, &mut w),
                    name,
                )?,
                None => self.pipeline.run_scoped(
                    &mut Tap::reader(tap, Cursor::new(head).chain(input)),
                    name,
                    &mut Tap::writer(tap, &mut w),
                    name,
                    &mut learned,
                )?,
            },
        };
        w.finish().map_err(|e| at.output_error(e))?;
        if let (Some(c), Some(t)) = (self.findings, tap) {
            c.finish(t.clone());
        }
        rec.files.push(FileRecord {
            path: at.display.clone(),
            encoding: content.encoding(),
            counts,
            name_redacted: at.name_redacted,
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_select_by_name_or_path() {
        let f = Filter::new(
            &["*.log".into(), "conf/*.properties".into()],
            &["*.hprof".into(), "secret".into()],
        )
        .unwrap();
        assert!(f.allows(b"application-logs/atlassian-bitbucket.log", false));
        assert!(f.allows(b"conf/bitbucket.properties", false));
        assert!(!f.allows(b"other/bitbucket.properties", false));
        assert!(!f.allows(b"heap/java.hprof", false));
        assert!(!f.allows(b"secret/a.log", false), "a folder above matches");
        assert!(f.allows(b"logs/inner.zip", true), "archives are opened");
        assert!(!f.allows(b"secret/inner.zip", true));
        assert!(Filter::new(&["a[".into()], &[]).is_err());
        assert!(Filter::default().allows(b"anything", false));
    }
}
