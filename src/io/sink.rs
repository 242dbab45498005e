//! Output files written atomically.
//!
//! An output file is written under a temporary name in its destination
//! folder and renamed into place only when complete ([`AtomicFile::commit`]).
//! Dropped without a commit (an error, a panic, Ctrl-C unwinding), the
//! temporary file is deleted, so a failed run leaves no partial output.
//!
//! A destination that exists and is not a regular file (`/dev/null`, a
//! named pipe, a terminal) is written in place: renaming over it would
//! replace the device with a plain file.

use std::fs;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A file that appears at its path only once committed.
pub struct AtomicFile {
    path: PathBuf,
    out: Target,
    private: bool,
}

/// Where the bytes go until the commit.
enum Target {
    /// A temporary file beside the destination, renamed over it.
    Temp(BufWriter<tempfile::NamedTempFile>),
    /// The destination itself, a device or pipe that cannot be replaced.
    Direct(BufWriter<fs::File>),
}

/// True when `path` exists and is something other than a regular file or a
/// folder (after following links): a character device, a FIFO, a socket.
fn is_special(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

impl AtomicFile {
    /// Starts writing `path` (its folder must exist).
    pub fn create(path: &Path) -> Result<AtomicFile> {
        let err = |e: io::Error| Error::Output {
            path: path.to_path_buf(),
            source: e,
        };
        const BUF: usize = 256 << 10;
        let out = if is_special(path) {
            let file = fs::OpenOptions::new().write(true).open(path).map_err(err)?;
            Target::Direct(BufWriter::with_capacity(BUF, file))
        } else {
            let dir = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            let tmp = tempfile::Builder::new()
                .prefix(".logscrub-")
                .suffix(".tmp")
                .tempfile_in(dir)
                .map_err(err)?;
            Target::Temp(BufWriter::with_capacity(BUF, tmp))
        };
        Ok(AtomicFile {
            path: path.to_path_buf(),
            out,
            private: false,
        })
    }

    /// Like [`AtomicFile::create`], for a file only its owner may read
    /// (mode 0600 on Unix): the `--map` file.
    pub fn create_private(path: &Path) -> Result<AtomicFile> {
        let mut f = AtomicFile::create(path)?;
        f.private = true;
        Ok(f)
    }

    /// The final path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes, syncs and renames the file into place (a device or pipe is
    /// only flushed).
    pub fn commit(self) -> Result<()> {
        let err = |e: io::Error| Error::Output {
            path: self.path.clone(),
            source: e,
        };
        let tmp = match self.out {
            Target::Direct(mut w) => return w.flush().map_err(err),
            Target::Temp(w) => w.into_inner().map_err(|e| err(e.into_error()))?,
        };
        tmp.as_file().sync_all().map_err(err)?;
        // Give the output the ordinary mode of a new file rather than the
        // temporary file's owner-only one, unless it is private.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = if self.private { 0o600 } else { 0o644 };
            let set = fs::set_permissions(tmp.path(), fs::Permissions::from_mode(mode));
            if self.private {
                set.map_err(err)?;
            }
        }
        tmp.persist(&self.path).map_err(|e| err(e.error))?;
        Ok(())
    }
}

impl AtomicFile {
    /// The buffered writer the bytes go to, whichever the target.
    fn writer(&mut self) -> &mut dyn WriteSeek {
        match &mut self.out {
            Target::Temp(w) => w,
            Target::Direct(w) => w,
        }
    }
}

/// What both targets are: buffered, writable and seekable.
trait WriteSeek: Write + Seek {}
impl<T: Write + Seek> WriteSeek for T {}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer().write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.writer().write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer().flush()
    }
}

impl Seek for AtomicFile {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.writer().seek(pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appears_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.log");
        let mut f = AtomicFile::create(&p).unwrap();
        f.write_all(b"hello\n").unwrap();
        assert!(!p.exists());
        f.commit().unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"hello\n");
    }

    #[test]
    fn dropped_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.log");
        let mut f = AtomicFile::create(&p).unwrap();
        f.write_all(b"partial").unwrap();
        drop(f);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    /// A named pipe gets the bytes and stays a pipe (as `/dev/null` stays a
    /// device: renaming a file over it would break the whole machine).
    #[cfg(unix)]
    #[test]
    fn fifo_is_written_in_place() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("pipe");
        let status = std::process::Command::new("mkfifo").arg(&p).status();
        if !status.is_ok_and(|s| s.success()) {
            return; // no mkfifo on this machine
        }
        let reader = {
            let p = p.clone();
            std::thread::spawn(move || fs::read(p).unwrap())
        };
        let mut f = AtomicFile::create(&p).unwrap();
        f.write_all(b"through the pipe\n").unwrap();
        f.commit().unwrap();
        // Checked before joining: had the pipe been replaced, the reader
        // would wait for a writer forever.
        assert!(fs::metadata(&p).unwrap().file_type().is_fifo());
        assert_eq!(reader.join().unwrap(), b"through the pipe\n");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
