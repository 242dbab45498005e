//! Fuzzes whole runs over files and archives, as `logscrub -o OUT IN` does
//! them: a plain file (read twice), gzip, tar, tar.gz, zip, a zip inside a
//! zip, a zip inside a tar.gz, and a UTF-16 file, with entry names that hold
//! a host name.
//!
//! The first byte chooses the container, the next ones whether and where to
//! flip bits of the finished container; the rest is log text, around a line
//! with planted values. Invariants checked:
//! - no panic;
//! - no planted value in any output: file names, contents, and the contents
//!   of every archive and compressed stream in them, as bytes and as UTF-16;
//! - no temporary file left in the output folder;
//! - a damaged compressed stream (one that gzip itself rejects) fails the
//!   run: it is never written as if it were whole.
//!
//! Run with `cargo +nightly fuzz run bundle` in `fuzz/` (see the README).

#![no_main]

use std::io::{Cursor, Read, Write};
use std::path::Path;
use std::sync::{Arc, OnceLock};

use clap::Parser;
use libfuzzer_sys::fuzz_target;
use logscrub::cli::Cli;
use logscrub::config::Config;
use logscrub::redact::Redactor;

/// Values planted on their own line; none may reach any output.
const PLANTED: &[&str] = &[
    "db77.fuzz.internal",
    "10.123.45.67",
    "fuzz.person@example-corp.com",
    "FuzzS3cretValue",
];
const LINE: &str = "2026-12-04 10:00:00,000 INFO [main] c.a.Startup - connect to db77.fuzz.internal \
from 10.123.45.67 as fuzz.person@example-corp.com password=FuzzS3cretValue\n";
/// An entry name that holds a planted host.
const NAME: &str = "nodes/db77.fuzz.internal/app.log";

struct World {
    dir: tempfile::TempDir,
    redactor: Arc<Redactor>,
}

fn args(dir: &Path, input: &Path, out: &Path) -> Vec<String> {
    vec![
        "logscrub".into(),
        "-q".into(),
        "-j2".into(),
        "--key-file".into(),
        dir.join("key").display().to_string(),
        "-o".into(),
        out.display().to_string(),
        input.display().to_string(),
    ]
}

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("key"), "fuzz-key-material-0002-abcdefgh").unwrap();
        std::fs::create_dir(dir.path().join("probe")).unwrap();
        let cli = Cli::parse_from(args(
            dir.path(),
            &dir.path().join("probe"),
            &dir.path().join("probe-out"),
        ));
        let config = Config::from_cli(&cli).unwrap();
        let redactor = Arc::new(logscrub::build_redactor(&config).unwrap());
        World { dir, redactor }
    })
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn tar(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(1_700_000_000);
        h.set_cksum();
        b.append_data(&mut h, name, *data).unwrap();
    }
    b.into_inner().unwrap()
}

fn zip(entries: &[(&str, &[u8])], stored: bool) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let method = if stored {
        zip::CompressionMethod::Stored
    } else {
        zip::CompressionMethod::Deflated
    };
    let opts = zip::write::SimpleFileOptions::default().compression_method(method);
    for (name, data) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// The bytes a reader could see in `data`: itself, and what its gzip
/// streams and zip entries hold, recursively. Tar is plain text already.
fn expand(data: &[u8], depth: u32, out: &mut Vec<Vec<u8>>) {
    out.push(data.to_vec());
    if depth > 3 {
        return;
    }
    if data.starts_with(&[0x1f, 0x8b]) {
        let mut plain = Vec::new();
        // What decodes before any damage counts too.
        let _ = flate2::read::MultiGzDecoder::new(data).read_to_end(&mut plain);
        expand(&plain, depth + 1, out);
    } else if data.starts_with(b"PK") {
        if let Ok(mut z) = zip::ZipArchive::new(Cursor::new(data)) {
            for i in 0..z.len() {
                if let Ok(mut f) = z.by_index(i) {
                    out.push(f.name().as_bytes().to_vec());
                    let mut plain = Vec::new();
                    let _ = f.read_to_end(&mut plain);
                    expand(&plain, depth + 1, out);
                }
            }
        }
    }
}

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Every file below `dir`, with its path relative to it.
fn files(dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.push((p.display().to_string(), Vec::new()));
            files(&p, out);
        } else {
            out.push((p.display().to_string(), std::fs::read(&p).unwrap()));
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 8 {
        return;
    }
    let w = world();
    let kind = data[0] % 8;
    let flips = data[1] % 4;
    let at_flip: Vec<u16> = data[2..8]
        .chunks(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    // Log text: control bytes other than tab and newline become spaces, so
    // that the file is text and the planted line starts a line of its own.
    let text: Vec<u8> = data[8..]
        .iter()
        .map(|&b| if b < 0x20 && b != b'\t' && b != b'\n' { b' ' } else { b })
        .collect();
    // A planted value the fuzzer wrote into the text itself, where no
    // rule could know it, would be no leak of logscrub's.
    let text_wide = utf16(&String::from_utf8_lossy(&text));
    if PLANTED
        .iter()
        .any(|s| contains(&text, s.as_bytes()) || contains(&text_wide, &utf16(s)))
    {
        return;
    }
    let mid = text.len() / 2;
    let mut log = text[..mid].to_vec();
    log.push(b'\n');
    log.extend_from_slice(LINE.as_bytes());
    log.extend_from_slice(&text[mid..]);

    let (ext, mut bytes, compressed) = match kind {
        0 => ("log", log.clone(), false),
        1 => ("log.gz", gzip(&log), true),
        2 => ("tar", tar(&[(NAME, &log), ("b.log", LINE.as_bytes())]), false),
        3 => ("tar.gz", gzip(&tar(&[(NAME, &log)])), true),
        4 => ("zip", zip(&[(NAME, &log), ("b.txt", &text)], false), true),
        5 => {
            let inner = zip(&[(NAME, &log)], true);
            ("zip", zip(&[("inner/support.zip", &inner)], false), true)
        }
        6 => {
            let s = String::from_utf8_lossy(&log);
            let mut b = vec![0xff, 0xfe];
            b.extend_from_slice(&utf16(&s));
            ("log", b, false)
        }
        _ => {
            let inner = zip(&[(NAME, &log)], false);
            ("tar.gz", gzip(&tar(&[("support.zip", &inner)])), true)
        }
    };
    // Bits flip only where a checksum guards them: a flip in a plain file
    // or tar can turn `password=` into a word no rule knows, and no reader
    // could tell.
    if compressed && flips > 0 && !bytes.is_empty() {
        for f in &at_flip[..usize::from(flips)] {
            let i = usize::from(*f) % (bytes.len() * 8);
            bytes[i / 8] ^= 1 << (i % 8);
        }
    }
    let gzip_damaged = ext.ends_with("gz") && {
        let mut sink = Vec::new();
        flate2::read::MultiGzDecoder::new(&bytes[..])
            .read_to_end(&mut sink)
            .is_err()
    };

    let case = tempfile::tempdir_in(w.dir.path()).unwrap();
    // A folder in, a folder out: the redacted copy keeps the file's name.
    let input = case.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(input.join(format!("in.{ext}")), &bytes).unwrap();
    let out = case.path().join("out");
    let cli = Cli::parse_from(args(w.dir.path(), &input, &out));
    let config = Config::from_cli(&cli).unwrap();
    let failed = match logscrub::run_with(&config, Arc::clone(&w.redactor)) {
        Ok(report) => !report.errors.is_empty(),
        Err(_) => true,
    };
    if gzip_damaged {
        assert!(failed, "a damaged {ext} was accepted");
    }

    let mut outputs = Vec::new();
    files(&out, &mut outputs);
    for (path, content) in &outputs {
        assert!(
            !path.contains(".logscrub-") && !path.ends_with(".tmp"),
            "temporary file left: {path}"
        );
        let mut seen = vec![path.as_bytes().to_vec()];
        expand(content, 0, &mut seen);
        for s in PLANTED {
            let wide = utf16(s);
            for b in &seen {
                assert!(
                    !contains(b, s.as_bytes()) && !contains(b, &wide),
                    "{s} survived in {path} ({ext})"
                );
            }
        }
    }
});
