//! Is a file text? Classifying content from its name and first bytes, and
//! the UTF-16 adapters that let UTF-16 text be redacted like UTF-8.
//!
//! A file is binary when its name has a well-known binary extension (heap
//! dumps, flight recordings, classes, images, ...), when its first
//! [`SNIFF_BYTES`] hold a NUL byte outside a long run of them, or when more
//! than a tenth of their other bytes are control characters that text does
//! not use. Runs of NUL bytes (what copytruncate log rotation leaves at the
//! start of a log) are text: they come through as bytes and the lines
//! around them are redacted. Everything else is text and
//! is redacted as bytes: invalid UTF-8 and Latin-1 come through as they
//! are. Binary content is never copied through: the caller leaves it out,
//! fails, or scans it, as `--binary` says.
//!
//! UTF-16 text starts with a byte-order mark (common in Windows logs). It
//! is decoded to UTF-8, redacted, and encoded back to UTF-16 in the same
//! byte order with its mark, so the output is the same kind of file. UTF-16
//! without a mark has NUL bytes and counts as binary; so does UTF-32.

use std::io::{self, Read, Write};

/// How many leading bytes decide whether a file is text.
pub const SNIFF_BYTES: usize = 8 << 10;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// Text, redacted as bytes.
    Text,
    /// UTF-16 text with a byte-order mark.
    Utf16(Endian),
    /// Not text, and why.
    Binary(&'static str),
}

/// UTF-16 byte order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endian {
    /// Little-endian (`FF FE`), what Windows writes.
    Little,
    /// Big-endian (`FE FF`).
    Big,
}

impl Content {
    /// The encoding name used in reports.
    pub fn encoding(self) -> &'static str {
        match self {
            Content::Text => "bytes",
            Content::Utf16(Endian::Little) => "utf-16le",
            Content::Utf16(Endian::Big) => "utf-16be",
            Content::Binary(_) => "binary",
        }
    }
}

/// Extensions of formats that are binary whatever their first bytes say.
const BINARY_EXTENSIONS: &[&str] = &[
    "hprof", "jfr", "class", "jar", "war", "ear", "png", "jpg", "jpeg", "gif", "bmp", "ico",
    "webp", "tif", "tiff", "pdf", "so", "dll", "dylib", "exe", "o", "a", "pyc", "core", "sqlite",
    "db", "bz2", "xz", "zst", "lz4", "7z", "rar", "p12", "pfx", "jks", "keystore", "der",
];

/// Classifies a file from its name and its first bytes.
pub fn classify(name: &[u8], head: &[u8]) -> Content {
    if let Some(ext) = name
        .iter()
        .rposition(|&c| c == b'.')
        .map(|i| name[i + 1..].to_ascii_lowercase())
        && BINARY_EXTENSIONS.iter().any(|e| e.as_bytes() == ext)
    {
        return Content::Binary("binary file type");
    }
    let head = &head[..head.len().min(SNIFF_BYTES)];
    if head.starts_with(&[0xFF, 0xFE, 0, 0]) || head.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return Content::Binary("UTF-32 text is not supported");
    }
    for (mark, endian) in [([0xFF, 0xFE], Endian::Little), ([0xFE, 0xFF], Endian::Big)] {
        if head.starts_with(&mark) {
            if eight_bit_pairs(&head[2..]) {
                return Content::Binary("a UTF-16 byte-order mark before 8-bit text");
            }
            return Content::Utf16(endian);
        }
    }
    let nul = nul_runs(head, head.len() == SNIFF_BYTES);
    if nul == Nul::Scattered {
        return Content::Binary("NUL bytes");
    }
    let odd = head
        .iter()
        .filter(|&&c| matches!(c, 1..=8 | 0x0E..=0x1A | 0x1C..=0x1F | 0x7F))
        .count();
    let text_bytes = match nul {
        Nul::Runs(n) => head.len() - n,
        _ => head.len(),
    };
    if odd * 10 > text_bytes {
        return Content::Binary("control characters");
    }
    Content::Text
}

/// True when most pairs of bytes after a UTF-16 mark are two characters
/// of ASCII text (`db`, `77`, ` I`) rather than one UTF-16 unit: 8-bit text
/// behind a stray mark, which read as UTF-16 would hide every value in it.
/// UTF-16 text of Latin script has a NUL byte in each such pair, and even
/// CJK text has both bytes in the ASCII range in a minority of its units.
fn eight_bit_pairs(body: &[u8]) -> bool {
    let ascii = |c: u8| (0x20..0x7f).contains(&c) || matches!(c, b'\t' | b'\n' | b'\r');
    let pairs = body.len() / 2;
    let both = body
        .chunks_exact(2)
        .filter(|p| ascii(p[0]) && ascii(p[1]))
        .count();
    pairs >= 4 && both * 2 > pairs
}

/// Shortest run of NUL bytes that text may hold. Log rotation by
/// copytruncate leaves the truncated length as a run of NUL bytes at the
/// start of the file (thousands of them) before the new lines; binary
/// formats scatter single NUL bytes and short runs among their data
/// (integers, padding), and UTF-16 without a mark has one in every other
/// byte.
const MIN_NUL_RUN: usize = 8;

/// The NUL bytes of a file's head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Nul {
    /// None.
    None,
    /// Only in runs of [`MIN_NUL_RUN`] and more: this many bytes in all.
    Runs(usize),
    /// A single one or a short run: not text.
    Scattered,
}

/// Finds the NUL bytes of `head`; a shorter run at its end counts as a run
/// when `cut` (the head stops inside the file, so the run may go on).
fn nul_runs(head: &[u8], cut: bool) -> Nul {
    let mut total = 0;
    let mut p = 0;
    while let Some(i) = memchr::memchr(0, &head[p..]) {
        let start = p + i;
        let end = head[start..]
            .iter()
            .position(|&c| c != 0)
            .map_or(head.len(), |k| start + k);
        if end - start < MIN_NUL_RUN && !(cut && end == head.len()) {
            return Nul::Scattered;
        }
        total += end - start;
        p = end;
    }
    if total == 0 {
        Nul::None
    } else {
        Nul::Runs(total)
    }
}

/// Reads up to `max` bytes (fewer only at the end of the input).
pub fn read_head(input: &mut dyn Read, max: usize) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(max.min(64 << 10));
    input.take(max as u64).read_to_end(&mut head)?;
    Ok(head)
}

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

/// Decodes UTF-16 (after its byte-order mark) into UTF-8.
pub struct Utf16Reader<R> {
    inner: R,
    endian: Endian,
    /// Undecoded input bytes.
    raw: Vec<u8>,
    /// Decoded UTF-8 not yet returned, from `pos`.
    out: Vec<u8>,
    pos: usize,
    /// Input bytes consumed so far (for error offsets).
    offset: u64,
    bom_skipped: bool,
    eof: bool,
}

impl<R: Read> Utf16Reader<R> {
    /// A decoder over `inner`, which starts with the byte-order mark.
    pub fn new(inner: R, endian: Endian) -> Utf16Reader<R> {
        Utf16Reader {
            inner,
            endian,
            raw: Vec::new(),
            out: Vec::new(),
            pos: 0,
            offset: 0,
            bom_skipped: false,
            eof: false,
        }
    }

    fn unit(&self, i: usize) -> u16 {
        let b = [self.raw[i], self.raw[i + 1]];
        match self.endian {
            Endian::Little => u16::from_le_bytes(b),
            Endian::Big => u16::from_be_bytes(b),
        }
    }

    /// Decodes as much of `raw` as forms whole characters.
    fn decode(&mut self) -> io::Result<()> {
        self.out.clear();
        self.pos = 0;
        let mut i = 0;
        if !self.bom_skipped && self.raw.len() >= 2 {
            i = 2;
            self.bom_skipped = true;
        }
        let mut buf = [0u8; 4];
        while i + 1 < self.raw.len() {
            let u = self.unit(i);
            let (c, used) = if (0xD800..0xDC00).contains(&u) {
                if i + 3 >= self.raw.len() {
                    if self.eof {
                        return Err(invalid(format!(
                            "invalid UTF-16: unpaired surrogate at byte {}",
                            self.offset + i as u64
                        )));
                    }
                    break; // wait for the low half
                }
                let lo = self.unit(i + 2);
                match char::decode_utf16([u, lo]).next() {
                    Some(Ok(c)) => (c, 4),
                    _ => {
                        return Err(invalid(format!(
                            "invalid UTF-16: unpaired surrogate at byte {}",
                            self.offset + i as u64
                        )));
                    }
                }
            } else {
                match char::from_u32(u32::from(u)) {
                    Some(c) => (c, 2),
                    None => {
                        return Err(invalid(format!(
                            "invalid UTF-16: unpaired surrogate at byte {}",
                            self.offset + i as u64
                        )));
                    }
                }
            };
            self.out
                .extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            i += used;
        }
        self.raw.drain(..i);
        self.offset += i as u64;
        if self.eof && !self.raw.is_empty() {
            return Err(invalid(format!(
                "invalid UTF-16: odd number of bytes ({} then end of file)",
                self.offset
            )));
        }
        Ok(())
    }
}

impl<R: Read> Read for Utf16Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.out.len() {
            if self.eof {
                return Ok(0);
            }
            let old = self.raw.len();
            self.raw.resize(old + (64 << 10), 0);
            let n = loop {
                match self.inner.read(&mut self.raw[old..]) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    r => break r,
                }
            };
            let n = match n {
                Ok(n) => n,
                Err(e) => {
                    self.raw.truncate(old);
                    return Err(e);
                }
            };
            self.raw.truncate(old + n);
            self.eof = n == 0;
            self.decode()?;
        }
        let n = buf.len().min(self.out.len() - self.pos);
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Encodes UTF-8 written to it as UTF-16 with a byte-order mark.
pub struct Utf16Writer<W: Write> {
    inner: W,
    endian: Endian,
    /// An incomplete UTF-8 sequence carried to the next write.
    pending: Vec<u8>,
    encoded: Vec<u8>,
}

impl<W: Write> Utf16Writer<W> {
    /// Writes the byte-order mark and returns the encoder.
    pub fn new(mut inner: W, endian: Endian) -> io::Result<Utf16Writer<W>> {
        inner.write_all(&Utf16Writer::<W>::unit_bytes(endian, 0xFEFF))?;
        Ok(Utf16Writer {
            inner,
            endian,
            pending: Vec::new(),
            encoded: Vec::new(),
        })
    }

    fn unit_bytes(endian: Endian, u: u16) -> [u8; 2] {
        match endian {
            Endian::Little => u.to_le_bytes(),
            Endian::Big => u.to_be_bytes(),
        }
    }

    /// Checks that nothing is left half-written and returns the writer.
    pub fn finish(mut self) -> io::Result<W> {
        if !self.pending.is_empty() {
            return Err(invalid(
                "redacted text is not valid UTF-8 and cannot be written as UTF-16".into(),
            ));
        }
        self.inner.flush()?;
        Ok(self.inner)
    }
}

impl<W: Write> Write for Utf16Writer<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        let valid = match std::str::from_utf8(&self.pending) {
            Ok(_) => self.pending.len(),
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(_) => {
                return Err(invalid(
                    "redacted text is not valid UTF-8 and cannot be written as UTF-16".into(),
                ));
            }
        };
        let text = std::str::from_utf8(&self.pending[..valid])
            .expect("checked to be valid UTF-8 just above");
        self.encoded.clear();
        for u in text.encode_utf16() {
            self.encoded
                .extend_from_slice(&Utf16Writer::<W>::unit_bytes(self.endian, u));
        }
        self.inner.write_all(&self.encoded)?;
        self.pending.drain(..valid);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(endian: Endian, s: &str) -> Vec<u8> {
        let mut w = Utf16Writer::new(Vec::new(), endian).unwrap();
        w.write_all(s.as_bytes()).unwrap();
        w.finish().unwrap()
    }

    #[test]
    fn classifies_by_name_and_bytes() {
        assert_eq!(classify(b"app.log", b"2024 INFO ok\n"), Content::Text);
        assert_eq!(classify(b"app.log", b"caf\xe9 latin-1\n"), Content::Text);
        assert_eq!(
            classify(b"java_pid1.hprof", b"looks like text"),
            Content::Binary("binary file type")
        );
        assert_eq!(
            classify(b"x.bin", b"JAVA PROFILE 1.0.2\0"),
            Content::Binary("NUL bytes")
        );
        assert_eq!(
            classify(b"x", &[1, 2, 3, 4, b'a', b'b']),
            Content::Binary("control characters")
        );
        assert_eq!(
            classify(b"w.log", &[0xFF, 0xFE, b'a', 0]),
            Content::Utf16(Endian::Little)
        );
        assert_eq!(
            classify(b"w.log", &[0xFE, 0xFF, 0, b'a']),
            Content::Utf16(Endian::Big)
        );
        assert!(matches!(
            classify(b"w.log", &[0xFF, 0xFE, 0, 0, b'a', 0, 0, 0]),
            Content::Binary(_)
        ));
        // UTF-16 without a mark has NUL bytes.
        assert!(matches!(classify(b"w.log", b"a\0b\0"), Content::Binary(_)));
    }

    #[test]
    fn runs_of_nul_bytes_around_text_are_text() {
        // What copytruncate leaves: the old length as NUL bytes, then lines.
        let mut rotated = vec![0u8; 5000];
        rotated.extend_from_slice(b"2024 INFO login from 10.1.2.3\n");
        assert_eq!(classify(b"catalina.out", &rotated), Content::Text);
        // A run inside, and one that the sniffed head cuts short.
        let mut inside = b"2024 INFO a\n".to_vec();
        inside.extend_from_slice(&[0; 64]);
        inside.extend_from_slice(b"2024 INFO b\n");
        assert_eq!(classify(b"a.log", &inside), Content::Text);
        let mut cut = b"2024 INFO a\n".repeat(SNIFF_BYTES / 12 + 1);
        cut.truncate(SNIFF_BYTES);
        cut[SNIFF_BYTES - 3..].fill(0);
        assert_eq!(classify(b"a.log", &cut), Content::Text);
        assert_eq!(classify(b"a.log", &[0; 100]), Content::Text);
        // Short runs among other bytes are binary data.
        assert_eq!(
            classify(b"x", b"\0\0\0\x01\0\0\0\x02 then text\n"),
            Content::Binary("NUL bytes")
        );
        // Long runs among control bytes are still binary.
        let mut dump = vec![0u8; 64];
        dump.extend_from_slice(&[1, 2, 3, 4, 5, 6, 7, 8, 0x10, 0x11]);
        assert_eq!(classify(b"x", &dump), Content::Binary("control characters"));
    }

    #[test]
    fn utf16_round_trips_in_both_byte_orders_and_any_read_size() {
        let text = "ligne 1 café ☕ 𝄞 10.1.2.3\r\nzwei\n";
        for endian in [Endian::Little, Endian::Big] {
            let encoded = utf16(endian, text);
            assert_eq!(classify(b"x", &encoded), Content::Utf16(endian));
            // One byte at a time splits every unit and surrogate pair.
            struct Trickle<'a>(&'a [u8]);
            impl Read for Trickle<'_> {
                fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                    if self.0.is_empty() || buf.is_empty() {
                        return Ok(0);
                    }
                    buf[0] = self.0[0];
                    self.0 = &self.0[1..];
                    Ok(1)
                }
            }
            let mut decoded = String::new();
            Utf16Reader::new(Trickle(&encoded), endian)
                .read_to_string(&mut decoded)
                .unwrap();
            assert_eq!(decoded, text);
            // Written in pieces that split UTF-8 sequences.
            let mut w = Utf16Writer::new(Vec::new(), endian).unwrap();
            for b in text.as_bytes() {
                w.write_all(std::slice::from_ref(b)).unwrap();
            }
            assert_eq!(w.finish().unwrap(), encoded);
        }
    }

    #[test]
    fn a_utf16_mark_before_8_bit_text_is_no_utf16() {
        let mut stray = vec![0xFE, 0xFF];
        stray.extend_from_slice(b"connect to db77.fuzz.internal as admin\n");
        assert!(matches!(classify(b"a.log", &stray), Content::Binary(_)));
        let mut stray = vec![0xFF, 0xFE];
        stray.extend_from_slice(b"password=Hunter2x\n");
        assert!(matches!(classify(b"a.log", &stray), Content::Binary(_)));
        // Real UTF-16, of Latin and of CJK script, stays UTF-16.
        let cjk: Vec<u8> =
            "2026-12-04 \u{670d}\u{52a1}\u{5668}\u{8fde}\u{63a5}\u{5931}\u{8d25} db01\r\n"
                .encode_utf16()
                .flat_map(u16::to_be_bytes)
                .collect();
        let mut be = vec![0xFE, 0xFF];
        be.extend_from_slice(&cjk);
        assert!(matches!(
            classify(b"a.log", &be),
            Content::Utf16(Endian::Big)
        ));
        let mut le = vec![0xFF, 0xFE];
        le.extend(b"INFO started\n".iter().flat_map(|&c| [c, 0]));
        assert!(matches!(
            classify(b"a.log", &le),
            Content::Utf16(Endian::Little)
        ));
    }

    #[test]
    fn bad_utf16_is_an_error_not_a_pass_through() {
        // A lone high surrogate, then an odd trailing byte.
        let mut d = String::new();
        let e = Utf16Reader::new(&[0xFF, 0xFE, 0x3D, 0xD8, b'a', 0][..], Endian::Little)
            .read_to_string(&mut d)
            .unwrap_err();
        assert!(
            e.to_string().contains("unpaired surrogate at byte 2"),
            "{e}"
        );
        let e = Utf16Reader::new(&[0xFF, 0xFE, b'a', 0, b'b'][..], Endian::Little)
            .read_to_string(&mut d)
            .unwrap_err();
        assert!(e.to_string().contains("odd number of bytes"), "{e}");
        let mut w = Utf16Writer::new(Vec::new(), Endian::Little).unwrap();
        assert!(w.write_all(b"\xff").is_err());
    }
}
