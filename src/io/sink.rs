//! Output files written atomically.
//!
//! An output file is written under a temporary name in its destination
//! folder and renamed into place only when complete ([`AtomicFile::commit`]).
//! Dropped without a commit (an error, a panic, Ctrl-C unwinding), the
//! temporary file is deleted, so a failed run leaves no partial output.

use std::fs;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A file that appears at its path only once committed.
pub struct AtomicFile {
    path: PathBuf,
    tmp: BufWriter<tempfile::NamedTempFile>,
    private: bool,
}

impl AtomicFile {
    /// Starts writing `path` (its folder must exist).
    pub fn create(path: &Path) -> Result<AtomicFile> {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let tmp = tempfile::Builder::new()
            .prefix(".logscrub-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(|e| Error::Output {
                path: path.to_path_buf(),
                source: e,
            })?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            tmp: BufWriter::with_capacity(256 << 10, tmp),
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

    /// Flushes, syncs and renames the file into place.
    pub fn commit(self) -> Result<()> {
        let err = |e: io::Error| Error::Output {
            path: self.path.clone(),
            source: e,
        };
        let tmp = self.tmp.into_inner().map_err(|e| err(e.into_error()))?;
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

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.tmp.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.tmp.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.tmp.flush()
    }
}

impl Seek for AtomicFile {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.tmp.seek(pos)
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
}
