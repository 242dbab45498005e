//! Zip and tar archives: reading entries with the `zip` and `tar` crates,
//! writing the redacted archive of the same kind.
//!
//! Entries are written in input order under their redacted names. What is
//! kept of an entry's metadata: its modification time and permission bits.
//! What is dropped because it can hold values: zip comments and extra
//! fields, tar owner names and ids (written as 0 and empty), gzip header
//! names.
//!
//! A zip is written in place when its destination is a file of its own, or
//! in a temporary file first when it is an entry of another archive. A tar
//! entry's size goes in its header before its data, so each redacted entry
//! is kept in a [`Spill`](super::out::Spill) until it is complete.

use std::collections::HashSet;
use std::io::{self, Read, Seek};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::limits::{Budget, Compressed, Inflated};
use super::names::{self, NameMap};
use super::out::{self, EntryOut, NullOut, Out, SpillOut, WriteSeek};
use super::{Annotate, At, Kind, LEVEL, MaybeGz, Records, Walker, bytes_path};
use crate::error::Result;
use crate::report::run::Reason;

/// A zip entry declared larger than this is written with zip64 headers,
/// since its redacted copy may pass 4 GiB.
const ZIP64_FROM: u64 = 1 << 30;

/// A seekable input that can cross threads.
pub trait ReadSeek: Read + Seek + Send {}
impl<T: Read + Seek + Send> ReadSeek for T {}

/// The zip output of one archive, or none (`--check`).
struct ZipOut<'w, W: WriteSeek + ?Sized> {
    writer: Option<ZipWriter<&'w mut W>>,
    files: HashSet<Vec<u8>>,
    dirs: HashSet<Vec<u8>>,
}

/// A zip entry being written.
struct ZipEntry<'z, 'w, W: WriteSeek + ?Sized> {
    /// The entry's data goes to the zip writer in fixed blocks, and a
    /// flush does not reach its compressor (see [`super::Blocks`]). The
    /// entry is complete when the next one starts.
    zip: super::Blocks<&'z mut ZipWriter<&'w mut W>>,
    name: String,
    options: SimpleFileOptions,
    opened: bool,
}

impl<W: WriteSeek + ?Sized> Out for ZipEntry<'_, '_, W> {
    fn open(&mut self) -> Result<&mut dyn io::Write> {
        if !self.opened {
            self.zip
                .inner
                .start_file(self.name.as_str(), self.options)
                .map_err(|e| crate::error::Error::Output {
                    path: self.name.clone().into(),
                    source: io::Error::other(e),
                })?;
            self.opened = true;
        }
        Ok(&mut self.zip)
    }
    fn is_open(&self) -> bool {
        self.opened
    }
}

/// What went wrong reading an archive, without quoting the library's
/// message unless it is one of logscrub's own: the tar reader's messages
/// hold raw header bytes and entry names.
fn why(e: &io::Error) -> String {
    if super::is_own(e) {
        e.to_string()
    } else if e.kind() == io::ErrorKind::UnexpectedEof {
        "truncated".into()
    } else {
        "a header or its data cannot be read".into()
    }
}

/// A tar entry whose read errors are logscrub's own messages ([`why`]).
struct Sanitized<R>(R);

impl<R: Read> Read for Sanitized<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf).map_err(|e| {
            if super::is_own(&e) || e.kind() == io::ErrorKind::Interrupted {
                e
            } else {
                let msg = if e.kind() == io::ErrorKind::UnexpectedEof {
                    "truncated"
                } else {
                    "the entry's data cannot be read"
                };
                super::own_error(e.kind(), msg.into())
            }
        })
    }
}

/// The records of the central directory that starts at `start`: every
/// entry the archive lists, whatever the end record declares, as its name
/// and the offset of its local header (`None` when a zip64 field holds it).
fn central_records(
    input: &mut dyn ReadSeek,
    start: u64,
) -> io::Result<Vec<(Vec<u8>, Option<u64>)>> {
    input.seek(io::SeekFrom::Start(start))?;
    let mut r = io::BufReader::with_capacity(64 << 10, input);
    let mut header = [0u8; 46];
    let mut records = Vec::new();
    loop {
        match r.read_exact(&mut header[..4]) {
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => break,
            r => r?,
        }
        if header[..4] != *b"PK\x01\x02" {
            break;
        }
        r.read_exact(&mut header[4..])?;
        let len = |at: usize| u16::from_le_bytes([header[at], header[at + 1]]);
        // File name, extra field and comment follow the fixed part.
        let mut name = vec![0u8; usize::from(len(28))];
        r.read_exact(&mut name)?;
        r.seek_relative(i64::from(len(30)) + i64::from(len(32)))?;
        let offset = u32::from_le_bytes([header[42], header[43], header[44], header[45]]);
        records.push((name, (offset != u32::MAX).then_some(u64::from(offset))));
    }
    Ok(records)
}

/// The number (from 1) of the first entry whose local header names it
/// otherwise than the central directory does. Readers differ in which name
/// they use, so such an entry would be redacted under one name and
/// unpacked under the other; a local header that cannot be read counts too.
fn local_name_differs(
    input: &mut dyn ReadSeek,
    records: &[(Vec<u8>, Option<u64>)],
) -> io::Result<Option<usize>> {
    for (i, (name, offset)) in records.iter().enumerate() {
        let Some(offset) = offset else { continue };
        input.seek(io::SeekFrom::Start(*offset))?;
        let mut header = [0u8; 30];
        if input.read_exact(&mut header).is_err() || header[..4] != *b"PK\x03\x04" {
            return Ok(Some(i + 1));
        }
        let n = usize::from(u16::from_le_bytes([header[26], header[27]]));
        let mut local = vec![0u8; n];
        if input.read_exact(&mut local).is_err() || local != *name {
            return Ok(Some(i + 1));
        }
    }
    Ok(None)
}

/// Refuses a second entry with the same redacted name.
fn unique(seen: &mut HashSet<Vec<u8>>, at: &At, red: &[u8]) -> Result<()> {
    if seen.insert(red.to_vec()) {
        Ok(())
    } else {
        Err(at.error(
            "another entry has the same name after redaction; rename one of them and run again",
        ))
    }
}

/// Where entry `i` named `raw` goes: its place below `at` and its redacted
/// path; `None` for the archive's own folder (`./`).
fn place(
    names: &mut NameMap<'_>,
    at: &At,
    i: usize,
    raw: &[u8],
    is_dir: bool,
) -> Result<Option<(At, Vec<u8>)>> {
    let comps =
        names::split_entry_name(raw).map_err(|why| at.error(format!("entry {}: {why}", i + 1)))?;
    if comps.is_empty() {
        if is_dir {
            return Ok(None);
        }
        return Err(at.error(format!("entry {}: its name is empty", i + 1)));
    }
    let red = names.redact(&comps, is_dir);
    Ok(Some((at.child(&comps, &red, true), names::join(&red))))
}

impl Walker<'_> {
    /// Redacts the zip archive `input` (the file at `at`) into `out`.
    pub(super) fn zip(
        &self,
        rec: &mut Records,
        at: &At,
        input: &mut dyn ReadSeek,
        out: &mut dyn Out,
        budget: &Budget,
    ) -> Result<()> {
        input
            .seek(io::SeekFrom::Start(0))
            .map_err(|e| at.input_error(e))?;
        let unreadable = |e| at.error(format!("not a readable zip archive: {e}"));
        let archive = ZipArchive::new(input).map_err(unreadable)?;
        let (start, names) = (archive.central_directory_start(), archive.len());
        let input = archive.into_inner();
        let records = central_records(input, start).map_err(|e| at.input_error(e))?;
        let listed = records.len();
        if listed != names {
            // The zip library keeps one entry per name; `unzip` shows every
            // record. Entries that one reader sees and another does not
            // must not pass as redacted.
            return Err(at.error(format!(
                "the central directory lists {listed} entries but only {names} can be read by name: two entries share a name, or the end record hides some; not redacted"
            )));
        }
        if let Some(n) = local_name_differs(input, &records).map_err(|e| at.input_error(e))? {
            return Err(at.error(format!(
                "entry {n}: its local header names it otherwise than the central directory (a damaged or crafted archive); not redacted"
            )));
        }
        let mut archive = ZipArchive::new(input).map_err(unreadable)?;
        if self.opts.check {
            let mut z: ZipOut<'_, std::fs::File> = ZipOut {
                writer: None,
                files: HashSet::new(),
                dirs: HashSet::new(),
            };
            return self.zip_entries(rec, at, &mut archive, &mut z, budget);
        }
        match out.open_seekable()? {
            Some(w) => self.zip_into(rec, at, &mut archive, w, budget),
            None => {
                let mut tmp = out::temp_file(&self.spill_dir).map_err(|e| at.output_error(e))?;
                self.zip_into(rec, at, &mut archive, &mut tmp, budget)?;
                out::copy_back(tmp, out.open()?, std::path::Path::new(&at.display))
            }
        }
    }

    fn zip_into<R: Read + Seek + Send, W: WriteSeek + ?Sized>(
        &self,
        rec: &mut Records,
        at: &At,
        archive: &mut ZipArchive<R>,
        w: &mut W,
        budget: &Budget,
    ) -> Result<()> {
        let mut z = ZipOut {
            writer: Some(ZipWriter::new(w)),
            files: HashSet::new(),
            dirs: HashSet::new(),
        };
        self.zip_entries(rec, at, archive, &mut z, budget)?;
        let writer = z.writer.take().expect("set just above");
        writer
            .finish()
            .map_err(|e| at.output_error(io::Error::other(e)))?;
        Ok(())
    }

    fn zip_entries<R: Read + Seek + Send, W: WriteSeek + ?Sized>(
        &self,
        rec: &mut Records,
        at: &At,
        archive: &mut ZipArchive<R>,
        z: &mut ZipOut<'_, W>,
        budget: &Budget,
    ) -> Result<()> {
        let mut names = NameMap::new(self.redactor);
        for i in 0..archive.len() {
            let raw = archive
                .name_for_index(i)
                .unwrap_or_default()
                .as_bytes()
                .to_vec();
            // What the zip crate calls a folder: a name ending in `/`.
            let is_dir = raw.ends_with(b"/") || raw.ends_with(b"\\");
            let Some((child, red_path)) = place(&mut names, at, i, &raw, is_dir)? else {
                continue;
            };
            let mut entry = archive
                .by_index(i)
                .map_err(|e| child.error(format!("cannot read entry: {e}")))?;
            if is_dir {
                if let Some(zw) = &mut z.writer
                    && z.dirs.insert(red_path.clone())
                {
                    let opts = SimpleFileOptions::default()
                        .last_modified_time(entry.last_modified().unwrap_or_default());
                    zw.add_directory(names::display(&red_path), opts)
                        .map_err(|e| child.output_error(io::Error::other(e)))?;
                }
                continue;
            }
            if entry.is_symlink() {
                rec.left_out.push(child.left_out(Reason::Link));
                continue;
            }
            let kind = Kind::from_name(&child.name);
            if !self.opts.filter.allows(&child.glob, kind.is_archive()) {
                rec.left_out.push(child.left_out(Reason::Excluded));
                continue;
            }
            if entry.encrypted() {
                return Err(child.error("entry is encrypted; logscrub cannot read it"));
            }
            unique(&mut z.files, &child, &red_path)?;
            let (size, compressed) = (entry.size(), entry.compressed_size());
            self.opts
                .limits
                .check_declared(budget, size, compressed)
                .map_err(|e| child.input_error(e))?;
            let options = SimpleFileOptions::default()
                .compression_method(CompressionMethod::Deflated)
                .compression_level(Some(i64::from(LEVEL)))
                .last_modified_time(entry.last_modified().unwrap_or_default())
                .unix_permissions(entry.unix_mode().unwrap_or(0o644) & 0o777)
                .large_file(size > ZIP64_FROM);
            let mut reader = Inflated::new(
                Annotate::new(&mut entry, "damaged zip entry"),
                self.opts.limits,
                budget,
                Compressed::Known(compressed),
            );
            match &mut z.writer {
                Some(zw) => {
                    let mut eo = ZipEntry {
                        zip: super::Blocks::new(zw),
                        name: names::display(&red_path),
                        options,
                        opened: false,
                    };
                    self.node(rec, &child, &mut reader, &mut eo, budget, None)?;
                    eo.zip.drain().map_err(|e| crate::error::Error::Output {
                        path: eo.name.clone().into(),
                        source: e,
                    })?;
                }
                None => self.node(rec, &child, &mut reader, &mut NullOut::new(), budget, None)?,
            }
        }
        Ok(())
    }

    /// Redacts the tar archive read from `input` (already decompressed for
    /// a `.tar.gz`) into `out`, compressed again when `gzip`.
    pub(super) fn tar(
        &self,
        rec: &mut Records,
        at: &At,
        input: &mut (dyn Read + Send),
        gzip: bool,
        out: &mut dyn Out,
        budget: &Budget,
    ) -> Result<()> {
        let mut archive = tar::Archive::new(input);
        let mut builder = if self.opts.check {
            None
        } else {
            Some(tar::Builder::new(MaybeGz::new(out.open()?, gzip)))
        };
        let mut names = NameMap::new(self.redactor);
        let mut files = HashSet::new();
        let mut dirs = HashSet::new();
        let damaged = |i: usize, e: io::Error| {
            at.error(format!(
                "damaged tar archive at entry {}: {}",
                i + 1,
                why(&e)
            ))
        };
        let entries = archive.entries().map_err(|e| damaged(0, e))?;
        for (i, entry) in entries.enumerate() {
            let mut entry = Sanitized(entry.map_err(|e| damaged(i, e))?);
            let entry = &mut entry;
            let raw = entry.0.path_bytes().into_owned();
            let kind_of_entry = entry.0.header().entry_type();
            let is_dir = kind_of_entry.is_dir();
            let Some((child, red_path)) = place(&mut names, at, i, &raw, is_dir)? else {
                continue;
            };
            let mode = entry.0.header().mode().unwrap_or(0o644) & 0o7777;
            let mtime = entry.0.header().mtime().unwrap_or(0);
            let header = |kind: tar::EntryType, size: u64| {
                let mut h = tar::Header::new_gnu();
                h.set_entry_type(kind);
                h.set_size(size);
                h.set_mode(mode);
                h.set_mtime(mtime);
                h.set_uid(0);
                h.set_gid(0);
                h
            };
            use tar::EntryType as T;
            match kind_of_entry {
                T::Directory => {
                    if let Some(b) = &mut builder
                        && dirs.insert(red_path.clone())
                    {
                        let mut h = header(T::Directory, 0);
                        b.append_data(&mut h, bytes_path(&red_path), io::empty())
                            .map_err(|e| child.output_error(e))?;
                    }
                    continue;
                }
                T::Regular | T::Continuous | T::GNUSparse => {}
                T::Symlink | T::Link => {
                    rec.left_out.push(child.left_out(Reason::Link));
                    continue;
                }
                T::XGlobalHeader | T::XHeader | T::GNULongName | T::GNULongLink => continue,
                _ => {
                    rec.left_out.push(child.left_out(Reason::NotAFile));
                    continue;
                }
            }
            let kind = Kind::from_name(&child.name);
            if !self.opts.filter.allows(&child.glob, kind.is_archive()) {
                rec.left_out.push(child.left_out(Reason::Excluded));
                continue;
            }
            unique(&mut files, &child, &red_path)?;
            let size = entry.0.size();
            let check = self.opts.check;
            // tar's entries cannot cross threads and the pipeline reads on
            // a thread of its own: this thread copies the entry over.
            let (result, done) = out::pump(entry, Some(size), |pipe| {
                let mut eo = if check {
                    EntryOut::Null(NullOut::new())
                } else {
                    EntryOut::Spill(SpillOut::new(&self.spill_dir))
                };
                let r = self.node(rec, &child, pipe, &mut eo, budget, None);
                (r, eo)
            });
            result?;
            if let (Some(b), EntryOut::Spill(mut so)) = (&mut builder, done)
                && so.is_open()
            {
                let mut h = header(T::Regular, so.spill.len());
                let data = so.spill.reader().map_err(|e| child.output_error(e))?;
                b.append_data(&mut h, bytes_path(&red_path), data)
                    .map_err(|e| child.output_error(e))?;
            }
        }
        // The reader stops at the first end-of-archive block: what follows
        // must be zero padding, read to its end, so that a compressed
        // layer's trailer (gzip's CRC and length) is checked and no entry
        // hides behind the end.
        let rest = archive.into_inner();
        let mut block = vec![0u8; 64 << 10];
        loop {
            let n = match rest.read(&mut block) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(at.error(format!(
                        "damaged data after the last tar entry: {}",
                        why(&e)
                    )));
                }
            };
            if block[..n].iter().any(|&c| c != 0) {
                return Err(at.error(
                    "data after the end of the tar archive that is not zero padding; another reader could see more entries there",
                ));
            }
        }
        if let Some(b) = builder {
            b.into_inner()
                .and_then(MaybeGz::finish)
                .map_err(|e| at.output_error(e))?;
        }
        Ok(())
    }
}
