//! Limits that stop hostile archives: zip bombs and deep nesting.
//!
//! Every decompressed stream (a gzip file, a zip entry, the gzip layer of a
//! `.tar.gz`) is read through [`Inflated`], which checks two limits as the
//! bytes come out, so a bomb is stopped after at most the limit, never after
//! it has filled a disk:
//!
//! - **unpacked size**: all decompressed bytes of one input (an archive and
//!   everything nested in it) together, `--max-unpacked` (default
//!   [`DEFAULT_MAX_UNPACKED`]);
//! - **ratio**: a stream that has produced more than [`RATIO_FLOOR`] bytes
//!   may not have produced more than `--max-ratio` (default
//!   [`DEFAULT_MAX_RATIO`]) times the compressed bytes it has read. Ordinary
//!   logs compress 5 to 30 times, and a flood of one repeated log line
//!   about 300 times (700 for very short lines); deflate cannot exceed about
//!   1,030, so the default refuses only what deflate cannot honestly reach
//!   (a zip entry whose declared sizes claim more). Bombs that deflate
//!   honestly are stopped by the unpacked size and by the nesting depth,
//!   never by a ratio that a log can also have. Below the floor the ratio is not checked: a small file
//!   cannot hurt, and tiny repetitive files do compress that well.
//!
//! Sizes that a zip archive declares are checked before an entry is opened
//! (a declared bomb fails at once), and the real bytes are checked anyway
//! because declarations can lie. Nesting deeper than `--max-depth` archive
//! layers (default [`DEFAULT_MAX_DEPTH`]) is refused by the walker.

use std::io::{self, Read, Seek, SeekFrom};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Default deepest nesting of archives and compressed files: a `.gz` inside
/// a `.tar.gz` inside a `.zip` is 3.
pub const DEFAULT_MAX_DEPTH: u32 = 3;

/// Default limit of decompressed bytes per input: 64 GiB.
pub const DEFAULT_MAX_UNPACKED: u64 = 64 << 30;

/// Default largest compression ratio: above deflate's limit (about 1,030).
pub const DEFAULT_MAX_RATIO: u64 = 1100;

/// Decompressed bytes a stream may produce before its ratio is checked.
pub const RATIO_FLOOR: u64 = 16 << 20;

/// The limits of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Deepest nesting of archive and compression layers.
    pub max_depth: u32,
    /// Decompressed bytes allowed per input.
    pub max_unpacked: u64,
    /// Largest decompressed/compressed ratio of one stream.
    pub max_ratio: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_depth: DEFAULT_MAX_DEPTH,
            max_unpacked: DEFAULT_MAX_UNPACKED,
            max_ratio: DEFAULT_MAX_RATIO,
        }
    }
}

impl Limits {
    /// Checks what a zip entry declares before it is opened.
    pub fn check_declared(&self, budget: &Budget, size: u64, compressed: u64) -> io::Result<()> {
        if size > budget.remaining() {
            return Err(self.unpacked_error());
        }
        if size > RATIO_FLOOR && size / compressed.max(1) > self.max_ratio {
            return Err(self.ratio_error());
        }
        Ok(())
    }

    fn unpacked_error(&self) -> io::Error {
        super::own_error(
            io::ErrorKind::Other,
            format!(
                "unpacks to more than {} (--max-unpacked); stopped as a possible zip bomb",
                human_bytes(self.max_unpacked)
            ),
        )
    }

    fn ratio_error(&self) -> io::Error {
        super::own_error(
            io::ErrorKind::Other,
            format!(
                "expands more than {} times its compressed size (--max-ratio); stopped as a possible zip bomb",
                self.max_ratio
            ),
        )
    }
}

/// The decompressed bytes one input may still produce.
#[derive(Debug)]
pub struct Budget {
    used: AtomicU64,
    limit: u64,
}

impl Budget {
    /// A budget of `limit` bytes.
    pub fn new(limit: u64) -> Budget {
        Budget {
            used: AtomicU64::new(0),
            limit,
        }
    }

    /// Bytes not used yet.
    pub fn remaining(&self) -> u64 {
        self.limit.saturating_sub(self.used.load(Ordering::Relaxed))
    }

    /// Uses `n` bytes; false when that goes over the limit.
    fn take(&self, n: u64) -> bool {
        self.used.fetch_add(n, Ordering::Relaxed) + n <= self.limit
    }
}

/// A shared byte counter.
#[derive(Debug, Clone, Default)]
pub struct Meter(Arc<AtomicU64>);

impl Meter {
    /// Bytes counted so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Counts the bytes read through it into a [`Meter`], and advances a
/// progress bar when there is one.
pub struct Counting<R> {
    inner: R,
    meter: Meter,
    progress: Option<indicatif::ProgressBar>,
}

impl<R: Read> Counting<R> {
    /// Counts `inner` into `meter`.
    pub fn new(inner: R, meter: Meter, progress: Option<indicatif::ProgressBar>) -> Counting<R> {
        Counting {
            inner,
            meter,
            progress,
        }
    }
}

impl<R> Counting<R> {
    /// The reader underneath, for reading that must not be counted (a first
    /// pass that learns host names).
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.meter.0.fetch_add(n as u64, Ordering::Relaxed);
        if let Some(p) = &self.progress {
            p.inc(n as u64);
        }
        Ok(n)
    }
}

impl<R: Seek> Seek for Counting<R> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// Where the compressed size of a stream comes from.
#[derive(Debug, Clone)]
pub enum Compressed {
    /// Declared up front (a zip entry, whose reader cannot read more).
    Known(u64),
    /// Counted as the decoder reads it.
    Counted(Meter),
}

/// The decompressed side of a stream, checked against the limits.
pub struct Inflated<'b, R> {
    inner: R,
    limits: Limits,
    budget: &'b Budget,
    compressed: Compressed,
    out: u64,
}

impl<'b, R: Read> Inflated<'b, R> {
    /// Checks `inner`'s output against `limits` and `budget`.
    pub fn new(inner: R, limits: Limits, budget: &'b Budget, compressed: Compressed) -> Self {
        Inflated {
            inner,
            limits,
            budget,
            compressed,
            out: 0,
        }
    }

    /// The wrapped reader.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }
}

impl<R: Read> Read for Inflated<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.out += n as u64;
        if !self.budget.take(n as u64) {
            return Err(self.limits.unpacked_error());
        }
        if self.out > RATIO_FLOOR {
            let compressed = match &self.compressed {
                Compressed::Known(c) => *c,
                Compressed::Counted(m) => m.get(),
            };
            if self.out / compressed.max(1) > self.limits.max_ratio {
                return Err(self.limits.ratio_error());
            }
        }
        Ok(n)
    }
}

/// `1.5 GiB`, `64 MiB`, `512 B`.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else if v.fract() == 0.0 {
        format!("{v:.0} {}", UNITS[u])
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_and_ratio_stop_a_stream() {
        let zeros = vec![0u8; (RATIO_FLOOR as usize) + (1 << 20)];
        let limits = Limits {
            max_depth: 3,
            max_unpacked: 1 << 40,
            max_ratio: 100,
        };
        let budget = Budget::new(limits.max_unpacked);
        // 17 MiB out of a claimed 1 KiB: over the ratio once past the floor.
        let mut r = Inflated::new(&zeros[..], limits, &budget, Compressed::Known(1024));
        let e = io::copy(&mut r, &mut io::sink()).unwrap_err();
        assert!(e.to_string().contains("--max-ratio"), "{e}");
        // The same bytes from 1 MiB of input are fine.
        let budget = Budget::new(limits.max_unpacked);
        let mut r = Inflated::new(&zeros[..], limits, &budget, Compressed::Known(1 << 20));
        assert_eq!(
            io::copy(&mut r, &mut io::sink()).unwrap(),
            zeros.len() as u64
        );
        // The budget is shared by every stream of an input.
        let budget = Budget::new(zeros.len() as u64 + 10);
        let mut r = Inflated::new(&zeros[..], limits, &budget, Compressed::Known(1 << 30));
        io::copy(&mut r, &mut io::sink()).unwrap();
        let mut r = Inflated::new(&zeros[..], limits, &budget, Compressed::Known(1 << 30));
        let e = io::copy(&mut r, &mut io::sink()).unwrap_err();
        assert!(e.to_string().contains("--max-unpacked"), "{e}");
        assert!(limits.check_declared(&budget, 11, 11).is_err());
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(64 << 30), "64 GiB");
        assert_eq!(human_bytes(3 << 19), "1.5 MiB");
    }
}
