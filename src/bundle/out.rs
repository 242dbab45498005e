//! Where a redacted file goes, and the plumbing between archive readers and
//! the pipeline.
//!
//! An [`Out`] is opened only when a file is really written, so a file left
//! out (binary, excluded) leaves no empty entry behind; a top-level output
//! file appears only when it is committed ([`crate::io::sink::AtomicFile`]).
//!
//! [`Spill`] holds bytes whose size must be known before they are written
//! (a tar entry's header comes first): in memory while small, then in an
//! unnamed temporary file in the system's temporary folder, which it deletes
//! even if logscrub is killed. [`pump`] hands an entry of a reader that
//! cannot cross threads (tar's) to the pipeline, which reads on a thread of
//! its own.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crossbeam_channel::{Receiver, bounded};

use crate::error::{Error, Result};
use crate::io::sink::AtomicFile;

/// A writer that can also seek (what a zip writer needs).
pub trait WriteSeek: Write + Seek {}
impl<T: Write + Seek> WriteSeek for T {}

/// The destination of one redacted file.
pub trait Out {
    /// Starts the file and returns where its bytes go.
    fn open(&mut self) -> Result<&mut dyn Write>;
    /// Starts the file and returns it seekable, when the destination is a
    /// file of its own (so a zip can be written in place).
    fn open_seekable(&mut self) -> Result<Option<&mut dyn WriteSeek>> {
        Ok(None)
    }
    /// True once opened.
    fn is_open(&self) -> bool;
}

/// Discards everything (`--check`).
#[derive(Default)]
pub struct NullOut {
    opened: bool,
    sink: io::Sink,
}

impl NullOut {
    /// A new discarding output.
    pub fn new() -> NullOut {
        NullOut::default()
    }
}

impl Out for NullOut {
    fn open(&mut self) -> Result<&mut dyn Write> {
        self.opened = true;
        Ok(&mut self.sink)
    }
    fn is_open(&self) -> bool {
        self.opened
    }
}

/// A borrowed writer (stdout).
pub struct WriterOut<'w> {
    w: &'w mut dyn Write,
    opened: bool,
}

impl<'w> WriterOut<'w> {
    /// Writes to `w`.
    pub fn new(w: &'w mut dyn Write) -> WriterOut<'w> {
        WriterOut { w, opened: false }
    }
}

impl Out for WriterOut<'_> {
    fn open(&mut self) -> Result<&mut dyn Write> {
        self.opened = true;
        Ok(&mut *self.w)
    }
    fn is_open(&self) -> bool {
        self.opened
    }
}

/// A file of its own, created on open and renamed into place on
/// [`FileOut::commit`]; dropped uncommitted, it leaves nothing.
pub struct FileOut {
    path: PathBuf,
    file: Option<AtomicFile>,
}

impl FileOut {
    /// An output file at `path`, not created yet.
    pub fn new(path: PathBuf) -> FileOut {
        FileOut { path, file: None }
    }

    fn file(&mut self) -> Result<&mut AtomicFile> {
        if self.file.is_none() {
            self.file = Some(AtomicFile::create(&self.path)?);
        }
        Ok(self.file.as_mut().expect("created just above"))
    }

    /// Renames the file into place if it was opened; returns its size.
    pub fn commit(self) -> Result<u64> {
        match self.file {
            Some(f) => {
                let path = self.path.clone();
                f.commit()?;
                Ok(std::fs::metadata(&path).map_or(0, |m| m.len()))
            }
            None => Ok(0),
        }
    }
}

impl Out for FileOut {
    fn open(&mut self) -> Result<&mut dyn Write> {
        Ok(self.file()?)
    }
    fn open_seekable(&mut self) -> Result<Option<&mut dyn WriteSeek>> {
        Ok(Some(self.file()?))
    }
    fn is_open(&self) -> bool {
        self.file.is_some()
    }
}

/// Bytes kept until their size is known: in memory up to [`Spill::MEMORY`],
/// then in an unnamed temporary file.
pub struct Spill {
    dir: PathBuf,
    mem: Vec<u8>,
    file: Option<File>,
    len: u64,
}

impl Spill {
    /// Bytes kept in memory before moving to a file.
    pub const MEMORY: usize = 4 << 20;

    /// An empty spill whose file, if needed, goes in `dir`.
    pub fn new(dir: &Path) -> Spill {
        Spill {
            dir: dir.to_path_buf(),
            mem: Vec::new(),
            file: None,
            len: 0,
        }
    }

    /// Bytes written.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True when nothing was written.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// A reader over everything written.
    pub fn reader(&mut self) -> io::Result<Box<dyn Read + '_>> {
        match &mut self.file {
            Some(f) => {
                f.seek(SeekFrom::Start(0))?;
                Ok(Box::new(io::BufReader::with_capacity(256 << 10, f)))
            }
            None => Ok(Box::new(&self.mem[..])),
        }
    }
}

/// An unnamed temporary file in `dir` (deleted by the system when closed).
pub fn temp_file(dir: &Path) -> io::Result<File> {
    tempfile::tempfile_in(dir)
}

impl Write for Spill {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.file.is_none() && self.mem.len() + buf.len() > Spill::MEMORY {
            let mut f = temp_file(&self.dir)?;
            f.write_all(&self.mem)?;
            self.mem = Vec::new();
            self.file = Some(f);
        }
        match &mut self.file {
            Some(f) => f.write_all(buf)?,
            None => self.mem.extend_from_slice(buf),
        }
        self.len += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A [`Spill`] as an [`Out`].
pub struct SpillOut {
    /// The bytes, once written.
    pub spill: Spill,
    opened: bool,
}

impl SpillOut {
    /// An empty spill in `dir`.
    pub fn new(dir: &Path) -> SpillOut {
        SpillOut {
            spill: Spill::new(dir),
            opened: false,
        }
    }
}

impl Out for SpillOut {
    fn open(&mut self) -> Result<&mut dyn Write> {
        self.opened = true;
        Ok(&mut self.spill)
    }
    fn is_open(&self) -> bool {
        self.opened
    }
}

/// An output for a bundle entry: a spill, or nothing with `--check`.
pub enum EntryOut {
    /// `--check`.
    Null(NullOut),
    /// Kept until written into its archive.
    Spill(SpillOut),
}

impl Out for EntryOut {
    fn open(&mut self) -> Result<&mut dyn Write> {
        match self {
            EntryOut::Null(o) => o.open(),
            EntryOut::Spill(o) => o.open(),
        }
    }
    fn is_open(&self) -> bool {
        match self {
            EntryOut::Null(o) => o.is_open(),
            EntryOut::Spill(o) => o.is_open(),
        }
    }
}

/// The reading end of [`pump`].
pub struct PipeReader {
    rx: Receiver<io::Result<Vec<u8>>>,
    cur: Vec<u8>,
    pos: usize,
}

impl Read for PipeReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.cur.len() {
            match self.rx.recv() {
                Ok(Ok(block)) => {
                    self.cur = block;
                    self.pos = 0;
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.cur.len() - self.pos);
        buf[..n].copy_from_slice(&self.cur[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Runs `f` on a thread of its own with a reader that yields `src`'s bytes,
/// which this thread copies over (for readers that must stay on their
/// thread). When `expected` is given, an `src` that ends sooner is an error
/// (a truncated archive). At most four blocks of 256 KiB are in flight.
pub fn pump<T: Send>(
    src: &mut dyn Read,
    expected: Option<u64>,
    f: impl FnOnce(&mut PipeReader) -> T + Send,
) -> T {
    let (tx, rx) = bounded::<io::Result<Vec<u8>>>(4);
    std::thread::scope(|scope| {
        let worker = scope.spawn(move || {
            let mut reader = PipeReader {
                rx,
                cur: Vec::new(),
                pos: 0,
            };
            f(&mut reader)
        });
        let mut copied = 0u64;
        loop {
            let mut block = vec![0u8; 256 << 10];
            let msg = match src.read(&mut block) {
                Ok(0) => match expected {
                    Some(want) if copied < want => Err(super::own_error(
                        io::ErrorKind::UnexpectedEof,
                        format!("truncated: the data ends {} bytes early", want - copied),
                    )),
                    _ => break,
                },
                Ok(n) => {
                    block.truncate(n);
                    copied += n as u64;
                    Ok(block)
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => Err(e),
            };
            let last = msg.is_err();
            if tx.send(msg).is_err() || last {
                break; // the reader is done, or has been told why not
            }
        }
        drop(tx);
        match worker.join() {
            Ok(t) => t,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// Copies a finished temporary file into `out`.
pub fn copy_back(mut tmp: File, out: &mut dyn Write, name: &Path) -> Result<()> {
    let err = |e| Error::Output {
        path: name.to_path_buf(),
        source: e,
    };
    tmp.seek(SeekFrom::Start(0)).map_err(err)?;
    io::copy(&mut io::BufReader::with_capacity(256 << 10, tmp), out).map_err(err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spill_moves_to_a_file_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Spill::new(dir.path());
        let block = vec![7u8; Spill::MEMORY / 2 + 1];
        s.write_all(&block).unwrap();
        assert!(s.file.is_none());
        s.write_all(&block).unwrap();
        assert!(s.file.is_some());
        assert_eq!(s.len(), 2 * block.len() as u64);
        let mut back = Vec::new();
        s.reader().unwrap().read_to_end(&mut back).unwrap();
        assert_eq!(back.len(), 2 * block.len());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "unnamed");
    }

    #[test]
    fn pump_copies_and_reports_truncation() {
        let data = vec![b'x'; 600 << 10];
        let n = pump(&mut &data[..], Some(data.len() as u64), |r| {
            let mut v = Vec::new();
            r.read_to_end(&mut v).map(|_| v.len())
        });
        assert_eq!(n.unwrap(), data.len());
        let e = pump(&mut &data[..], Some(data.len() as u64 + 5), |r| {
            io::copy(r, &mut io::sink())
        })
        .unwrap_err();
        assert!(e.to_string().contains("ends 5 bytes early"), "{e}");
        // A reader that stops early does not block the pump.
        let first = pump(&mut &data[..], None, |r| {
            let mut b = [0u8; 10];
            r.read_exact(&mut b).map(|_| b[0])
        });
        assert_eq!(first.unwrap(), b'x');
    }
}
