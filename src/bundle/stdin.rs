//! stdin: what it holds is decided from its first bytes, and compressed or
//! archived data is never passed through as if it were text.
//!
//! Redacting the bytes of a zip or a `.gz` as text would find nothing in
//! them and give them back unredacted, so before anything is redacted
//! [`sniff`] looks at the head of stdin:
//!
//! - **gzip** (`1f 8b`) is decoded, every member verified to its end (CRC
//!   and length), and redacted as text, as a `.gz` file is. A tar inside it
//!   is refused like a tar.
//! - **zip, tar, 7z, rar** and **xz, zstd, bzip2, lz4** data are refused
//!   with a message that says what to do instead. A tar is known by its
//!   `ustar` magic at offset 257 or, for older formats, by a valid header
//!   checksum in its first 512 bytes.
//! - Anything else is text (binary bytes are redacted as bytes, as stdin
//!   always was).
//!
//! A pipe must not wait for bytes that have not come (`tail -f | logscrub`
//! shows each line as it arrives), so the decision is taken as soon as the
//! bytes read tell: the magic numbers are in the first ten bytes, and a
//! first read that holds a line break and no NUL byte is text, because a
//! tar header pads its fields with NUL bytes and its magic holds one. (A
//! crafted tar without NUL bytes before offset 257, arriving in pieces,
//! would be redacted as text: scanned, never passed through unscanned.)

use std::fs::File;
use std::io::{self, Cursor, Read, Seek, SeekFrom};
use std::path::Path;

use super::limits::Budget;
use super::out::Out;
use super::{At, LearnMode, MaybeGz, Records, Walker};
use crate::error::{Error, Result};
use crate::report::findings::Tap;
use crate::report::run::FileRecord;

/// Bytes that decide what stdin holds: one tar header block.
const HEAD: usize = 512;

/// What stdin holds, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Head {
    /// Text (or bytes that are redacted as text).
    Text,
    /// gzip data: decoded and redacted.
    Gzip,
    /// An archive or compressed data logscrub does not read from stdin:
    /// what it is, and what to do instead.
    Refused(&'static str, &'static str),
}

const ZIP: &str = "pass the file by name (`logscrub -o redacted.zip support.zip`)";
const TAR: &str = "pass the file by name (`logscrub -o redacted.tar logs.tar`)";
const TAR_GZ: &str = "pass the file by name (`logscrub -o redacted.tar.gz logs.tar.gz`)";
const UNPACK: &str = "unpack it and pass the folder by name (`logscrub -o redacted/ folder/`)";
const DECOMPRESS: &str =
    "decompress it first (`xz -dc app.log.xz | logscrub`, `zstd -dc`, `bzip2 -dc`, `lz4 -dc`)";

/// Magic numbers at offset 0, and what they mean.
const MAGIC: &[(&[u8], Head)] = &[
    (b"\x1f\x8b", Head::Gzip),
    (b"PK\x03\x04", Head::Refused("a zip archive", ZIP)),
    (b"PK\x05\x06", Head::Refused("a zip archive", ZIP)),
    (b"PK\x07\x08", Head::Refused("a zip archive", ZIP)),
    (b"7z\xbc\xaf\x27\x1c", Head::Refused("a 7z archive", UNPACK)),
    (b"Rar!\x1a\x07", Head::Refused("a rar archive", UNPACK)),
    (
        b"\xfd7zXZ\x00",
        Head::Refused("xz-compressed data", DECOMPRESS),
    ),
    (
        b"\x28\xb5\x2f\xfd",
        Head::Refused("zstd-compressed data", DECOMPRESS),
    ),
    (
        b"\x04\x22\x4d\x18",
        Head::Refused("lz4-compressed data", DECOMPRESS),
    ),
    // bzip2: `BZh`, the block size `1`-`9` (written as `9` here, see
    // `decide`), then the magic of a block or of the end of the stream.
    (
        b"BZh91AY&SY",
        Head::Refused("bzip2-compressed data", DECOMPRESS),
    ),
    (
        b"BZh9\x17\x72\x45\x38\x50\x90",
        Head::Refused("bzip2-compressed data", DECOMPRESS),
    ),
];

/// Decides what `head` (the first bytes of stdin) is, or `None` when more
/// bytes are needed; `complete` says no more will come (the end of the
/// input, or [`HEAD`] bytes read).
pub fn decide(head: &[u8], complete: bool) -> Option<Head> {
    let mut start = [0u8; 10];
    let n = head.len().min(start.len());
    start[..n].copy_from_slice(&head[..n]);
    if start.starts_with(b"BZh") && (b'1'..=b'9').contains(&start[3]) {
        start[3] = b'9';
    }
    let start = &start[..n];
    let mut undecided = false;
    for (magic, head) in MAGIC {
        if start.starts_with(magic) {
            return Some(*head);
        }
        undecided |= magic.starts_with(start);
    }
    if undecided && !complete {
        return None;
    }
    if is_tar(head) {
        return Some(Head::Refused("a tar archive", TAR));
    }
    if complete || memchr::memchr(b'\n', head).is_some() && memchr::memchr(0, head).is_none() {
        Some(Head::Text)
    } else {
        None
    }
}

/// True when `head` starts with a tar header: the `ustar` magic of POSIX
/// and GNU tar, or (older formats) a valid header checksum.
pub fn is_tar(head: &[u8]) -> bool {
    if head.get(257..262) == Some(b"ustar") {
        return true;
    }
    let Some(block) = head.get(..512) else {
        return false;
    };
    // The checksum: octal digits, maybe after spaces, then NUL or space.
    let field = &block[148..156];
    let digits = field.iter().skip_while(|&&c| c == b' ');
    let mut want = 0u32;
    let mut seen = 0;
    let mut in_digits = true;
    for &c in digits {
        match c {
            b'0'..=b'7' if in_digits => {
                want = want * 8 + u32::from(c - b'0');
                seen += 1;
            }
            b' ' | 0 => in_digits = false,
            _ => return false,
        }
    }
    let sum: u32 = block
        .iter()
        .enumerate()
        .map(|(i, &c)| u32::from(if (148..156).contains(&i) { b' ' } else { c }))
        .sum();
    seen > 0 && sum == want
}

/// Reads from `input` until [`decide`] can tell what it is; returns the
/// bytes read and the decision.
pub fn sniff(input: &mut dyn Read) -> io::Result<(Vec<u8>, Head)> {
    let mut head = Vec::with_capacity(HEAD);
    let mut buf = [0u8; HEAD];
    loop {
        let n = match input.read(&mut buf[..HEAD - head.len()]) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        head.extend_from_slice(&buf[..n]);
        if let Some(h) = decide(&head, n == 0 || head.len() == HEAD) {
            return Ok((head, h));
        }
    }
}

/// stdin as a file, when it is one (redirected from a regular file).
fn seekable_stdin() -> Option<File> {
    use std::os::fd::AsFd;
    io::stdin()
        .as_fd()
        .try_clone_to_owned()
        .ok()
        .map(File::from)
        .filter(|f| f.metadata().is_ok_and(|m| m.is_file()))
}

impl Walker<'_> {
    /// Redacts stdin into `out`, gzip-compressed when `gzip` (an output
    /// file named `.gz`). A file redirected to stdin (`< app.log`) is read
    /// as a file is, twice when learning in `auto` mode; a pipe streams.
    pub(crate) fn stdin(&self, rec: &mut Records, out: &mut dyn Out, gzip: bool) -> Result<()> {
        let at = At::top("-".into(), b"-".to_vec(), false);
        let budget = Budget::new(self.opts.limits.max_unpacked);
        let name = Path::new("-");
        match seekable_stdin() {
            Some(mut f) => {
                let start = f.stream_position().map_err(|e| at.input_error(e))?;
                let (_, head) = sniff(&mut f).map_err(|e| at.input_error(e))?;
                f.seek(SeekFrom::Start(start))
                    .map_err(|e| at.input_error(e))?;
                match head {
                    Head::Gzip => return self.stdin_gzip(rec, &at, &mut f, out, gzip, &budget),
                    Head::Refused(what, hint) => return Err(refused(&at, what, hint)),
                    Head::Text => {}
                }
                let mut w = MaybeGz::new(out.open()?, gzip && !self.plain);
                let tap = self.findings.map(|c| c.tap("-"));
                let seed = match self.learn {
                    LearnMode::Auto => {
                        crate::learn_first(self.learner, &mut f, name, &self.spill_dir)?
                    }
                    _ => None,
                };
                let counts = if let Some(mut seed) = seed {
                    seed.learned.absorb(self.dictionary);
                    seed.replay(
                        self.pipeline,
                        &mut Tap::reader(tap.as_ref(), &mut f),
                        name,
                        &mut Tap::writer(tap.as_ref(), &mut w),
                        name,
                    )?
                } else {
                    let mut learned = self.dictionary.fork();
                    self.pipeline.run_scoped(
                        &mut Tap::reader(tap.as_ref(), &mut f),
                        name,
                        &mut Tap::writer(tap.as_ref(), &mut w),
                        name,
                        &mut learned,
                    )?
                };
                w.finish().map_err(|e| at.output_error(e))?;
                self.found(tap);
                rec.files.push(text_record(counts));
            }
            None => {
                let (head, kind) = sniff(&mut io::stdin()).map_err(|e| at.input_error(e))?;
                let mut input = Cursor::new(head).chain(io::stdin());
                match kind {
                    Head::Gzip => {
                        return self.stdin_gzip(rec, &at, &mut input, out, gzip, &budget);
                    }
                    Head::Refused(what, hint) => return Err(refused(&at, what, hint)),
                    Head::Text => {}
                }
                let mut w = MaybeGz::new(out.open()?, gzip && !self.plain);
                let tap = self.findings.map(|c| c.tap("-"));
                // Read on a thread of its own that is not waited for: a
                // pipe may block forever, and Ctrl-C must still end the run.
                let counts = self.pipeline.run(
                    Box::new(Tap::reader(tap.as_ref(), input)),
                    name,
                    &mut Tap::writer(tap.as_ref(), &mut w),
                    name,
                    &mut self.dictionary.fork(),
                )?;
                w.finish().map_err(|e| at.output_error(e))?;
                self.found(tap);
                rec.files.push(text_record(counts));
            }
        }
        Ok(())
    }

    /// Keeps what `tap` found in stdin, now complete.
    fn found(&self, tap: Option<Tap>) {
        if let (Some(c), Some(t)) = (self.findings, tap) {
            c.finish(t);
        }
    }

    /// Decodes gzip data on stdin and redacts it as a `.gz` file's content.
    fn stdin_gzip(
        &self,
        rec: &mut Records,
        at: &At,
        input: &mut (dyn Read + Send),
        out: &mut dyn Out,
        gzip: bool,
        budget: &Budget,
    ) -> Result<()> {
        self.check_depth(at)?;
        let mut plain = self.gunzip(input, budget);
        let head = super::sniff::read_head(&mut plain, HEAD).map_err(|e| at.input_error(e))?;
        if is_tar(&head) {
            return Err(refused(at, "a gzip-compressed tar archive", TAR_GZ));
        }
        let mut plain = Cursor::new(head).chain(plain);
        self.leaf(rec, at, b"-", gzip, &mut plain, out, None)
    }
}

fn text_record(counts: crate::report::Counts) -> FileRecord {
    FileRecord {
        path: "-".into(),
        encoding: "bytes",
        counts,
        name_redacted: false,
    }
}

fn refused(at: &At, what: &str, hint: &str) -> Error {
    at.error(format!(
        "stdin holds {what}, which is not redacted from stdin: {hint}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_numbers_decide_and_text_does_not_wait() {
        assert_eq!(decide(b"\x1f\x8b\x08\0", false), Some(Head::Gzip));
        assert!(matches!(
            decide(b"PK\x03\x04rest", false),
            Some(Head::Refused("a zip archive", _))
        ));
        assert!(matches!(
            decide(b"BZh51AY&SYxx", false),
            Some(Head::Refused("bzip2-compressed data", _))
        ));
        assert!(matches!(
            decide(b"\xfd7zXZ\0\0", false),
            Some(Head::Refused("xz-compressed data", _))
        ));
        // A prefix of a magic waits, unless nothing more comes.
        assert_eq!(decide(b"\x1f", false), None);
        assert_eq!(decide(b"\x1f", true), Some(Head::Text));
        assert_eq!(decide(b"BZh", false), None);
        // `BZh` that goes on as text is text.
        assert_eq!(decide(b"BZh9 is not bzip2\n", false), Some(Head::Text));
        // A line with no NUL is text at once; without a line break, wait.
        assert_eq!(decide(b"2024 INFO start\n", false), Some(Head::Text));
        assert_eq!(decide(b"2024 INFO sta", false), None);
        assert_eq!(decide(b"a\0b\n", false), None);
        assert_eq!(decide(b"", true), Some(Head::Text));
    }

    #[test]
    fn tar_headers_are_known_by_magic_or_checksum() {
        let mut h = tar::Header::new_gnu();
        h.set_path("logs/app.log").unwrap();
        h.set_size(10);
        h.set_cksum();
        assert!(is_tar(h.as_bytes()));
        let mut old = tar::Header::new_old();
        old.set_path("app.log").unwrap();
        old.set_size(10);
        old.set_cksum();
        assert!(old.as_bytes()[257..262] != *b"ustar");
        assert!(is_tar(old.as_bytes()));
        let mut bad = *old.as_bytes();
        bad[0] ^= 1;
        assert!(!is_tar(&bad));
        assert!(!is_tar(&[0u8; 512]));
        assert!(!is_tar(&b"x".repeat(600)));
        assert!(matches!(
            decide(h.as_bytes(), true),
            Some(Head::Refused("a tar archive", _))
        ));
    }
}
