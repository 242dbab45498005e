//! Damaged compressed archives fail closed: every single
//! bit flip of a small `.tar.gz` with planted values, and one flip per byte
//! (chosen with a fixed seed) of a `.tar.gz` nested in a tar, either fails (an input error, exit 3) or gives an
//! output that holds no planted value, and is accepted only when the
//! damage is in a gzip header field that does not touch the data.
//!
//! Run through the library's bundle walker, not the binary, so that all
//! flips (a few thousand) take seconds.

use std::io::{Cursor, Read, Write};
use std::sync::{Arc, OnceLock};

use flate2::Compression;
use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;

use logscrub::bundle::limits::Budget;
use logscrub::bundle::out::{Out, SpillOut};
use logscrub::bundle::{At, Options, Records, Walker};
use logscrub::config::LearnMode;
use logscrub::engine::Engine;
use logscrub::error::{Error, exit};
use logscrub::io::pipeline::{self, Pipeline};
use logscrub::redact::Redactor;
use logscrub::redact::pseudonym::{Key, Pseudonymizer};
use logscrub::redact::replay::FirstPass;
use logscrub::rules::RuleSet;

/// Values planted in the archives; none may come out in clear.
const PLANTED: &[&str] = &[
    "Hunter2PLANTED",
    "jane.planted@acme-corp.com",
    "10.77.88.99",
    "db-planted-01.acme.local",
];

const LOG: &str = "\
2024-03-01 10:00:01,123 INFO login of jane.planted@acme-corp.com from 10.77.88.99
2024-03-01 10:00:02,456 ERROR jdbc:postgresql://db-planted-01.acme.local:5432/x password=Hunter2PLANTED
\tat com.atlassian.bitbucket.internal.Foo.call(Foo.java:42)
";

fn redactor() -> Arc<Redactor> {
    static R: OnceLock<Arc<Redactor>> = OnceLock::new();
    R.get_or_init(|| {
        let engine = Engine::new(&RuleSet::embedded().unwrap()).unwrap();
        let key = Key::from_material(b"archive-flip-test-key-material").unwrap();
        Arc::new(Redactor::new(engine, Pseudonymizer::new(key)))
    })
    .clone()
}

fn pool() -> Arc<rayon::ThreadPool> {
    static P: OnceLock<Arc<rayon::ThreadPool>> = OnceLock::new();
    P.get_or_init(|| {
        Arc::new(
            rayon::ThreadPoolBuilder::new()
                .num_threads(2)
                .build()
                .unwrap(),
        )
    })
    .clone()
}

/// Redacts the archive `data` named `name` as `logscrub -o` would, and
/// returns the redacted archive's bytes.
fn redact(name: &str, data: &[u8]) -> Result<Vec<u8>, Error> {
    let redactor = redactor();
    let pipeline = Pipeline::new(Arc::clone(&redactor), pool(), pipeline::Options::default());
    let learner = pipeline.filling(Arc::new(FirstPass::new(Arc::clone(&redactor))));
    let opts = Options {
        max_line_bytes: pipeline::DEFAULT_MAX_LINE_BYTES,
        ..Options::default()
    };
    let tmp = std::env::temp_dir();
    let walker = Walker {
        redactor: &redactor,
        pipeline: &pipeline,
        opts: &opts,
        spill_dir: tmp.clone(),
        progress: None,
        plain: false,
        learn: LearnMode::Auto,
        learner: &learner,
        dictionary: &logscrub::redact::learn::LearnState::default(),
        collect: None,
        findings: None,
    };
    let at = At::top(name.into(), name.as_bytes().to_vec(), false);
    let budget = Budget::new(opts.limits.max_unpacked);
    let mut out = SpillOut::new(&tmp);
    walker.node(
        &mut Records::default(),
        &at,
        &mut Cursor::new(data),
        &mut out,
        &budget,
        None,
    )?;
    let mut bytes = Vec::new();
    if out.is_open() {
        out.spill.reader().unwrap().read_to_end(&mut bytes).unwrap();
    }
    Ok(bytes)
}

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// The whole decompressed content, or `None` when gzip itself rejects it.
fn gunzip(data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    MultiGzDecoder::new(data).read_to_end(&mut out).ok()?;
    Some(out)
}

fn tar_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        b.append_data(&mut h, name, *data).unwrap();
    }
    b.into_inner().unwrap()
}

fn holds_planted(bytes: &[u8]) -> bool {
    PLANTED
        .iter()
        .any(|v| bytes.windows(v.len()).any(|w| w == v.as_bytes()))
}

#[derive(Debug, Default)]
struct Tally {
    flips: usize,
    failed: usize,
    accepted: usize,
    accepted_damaged: usize,
    leaked: usize,
    message_leaked: usize,
}

/// Which bits of a byte to flip: all eight, or one chosen by a generator
/// with a fixed seed (xorshift), so that every run flips the same ones.
enum Bits {
    All,
    OneSeeded(u64),
}

/// Flips bits of `data[range]` one at a time and redacts the result as
/// `name`; `damaged` tells whether gzip itself sees damage, `plain` gives
/// the clear content of a redacted output.
fn flip(
    name: &str,
    data: &[u8],
    range: std::ops::Range<usize>,
    mut bits: Bits,
    damaged: impl Fn(&[u8]) -> bool,
    plain: impl Fn(&[u8]) -> Vec<u8>,
) -> Tally {
    let mut t = Tally::default();
    for byte in range {
        let chosen: Vec<u8> = match &mut bits {
            Bits::All => (0..8).collect(),
            Bits::OneSeeded(state) => {
                *state ^= *state << 13;
                *state ^= *state >> 7;
                *state ^= *state << 17;
                vec![(*state % 8) as u8]
            }
        };
        for bit in chosen {
            let mut d = data.to_vec();
            d[byte] ^= 1 << bit;
            t.flips += 1;
            match redact(name, &d) {
                Err(e) => {
                    assert_eq!(e.exit_code(), exit::INPUT, "byte {byte} bit {bit}: {e}");
                    t.failed += 1;
                    t.message_leaked += usize::from(holds_planted(e.to_string().as_bytes()));
                }
                Ok(out) => {
                    t.accepted += 1;
                    t.accepted_damaged += usize::from(damaged(&d));
                    if holds_planted(&plain(&out)) {
                        t.leaked += 1;
                    }
                }
            }
        }
    }
    eprintln!("{name}: {t:?}");
    t
}

fn archive() -> Vec<u8> {
    tar_of(&[
        ("logs/app.log", LOG.as_bytes()),
        ("logs/b.log", LOG.as_bytes()),
    ])
}

// The tar reader stopped at the end-of-archive block, so
// the gzip trailer (CRC, length) was never checked and flips in the data
// went through.
#[test]
fn every_bit_flip_of_a_tar_gz_fails_or_leaks_nothing() {
    let tgz = gz(&archive());
    let original = gunzip(&tgz).unwrap();
    let t = flip(
        "logs.tar.gz",
        &tgz,
        0..tgz.len(),
        Bits::All,
        |d| gunzip(d).is_none_or(|c| c != original),
        |out| gunzip(out).expect("logscrub writes valid gzip"),
    );
    assert_eq!((t.leaked, t.message_leaked), (0, 0), "{t:?}");
    assert_eq!(t.accepted_damaged, 0, "{t:?}");
    assert!(t.failed > t.flips / 2, "most flips are damage: {t:?}");
}

#[test]
fn every_bit_flip_of_a_tar_gz_in_a_tar_fails_or_leaks_nothing() {
    let inner = gz(&archive());
    let original = gunzip(&inner).unwrap();
    let outer = tar_of(&[("node1/logs.tar.gz", &inner)]);
    // The inner archive's bytes follow the outer entry's 512-byte header.
    let start = 512;
    assert_eq!(&outer[start..start + inner.len()], &inner[..]);
    let t = flip(
        "bundle.tar",
        &outer,
        start..start + inner.len(),
        Bits::OneSeeded(0x5eed_1919),
        |d| gunzip(&d[start..start + inner.len()]).is_none_or(|c| c != original),
        |out| {
            let mut a = tar::Archive::new(out);
            let mut all = Vec::new();
            for e in a.entries().unwrap() {
                let mut data = Vec::new();
                e.unwrap().read_to_end(&mut data).unwrap();
                all.extend(gunzip(&data).expect("logscrub writes valid gzip"));
            }
            all
        },
    );
    assert_eq!((t.leaked, t.message_leaked), (0, 0), "{t:?}");
    assert_eq!(t.accepted_damaged, 0, "{t:?}");
}

#[test]
fn an_undamaged_tar_gz_is_redacted() {
    let out = redact("logs.tar.gz", &gz(&archive())).unwrap();
    let plain = gunzip(&out).unwrap();
    assert!(!holds_planted(&plain));
    assert!(plain.windows(10).any(|w| w == b"<PASSWORD-"));
}

#[test]
fn a_zip_whose_local_and_central_names_differ_is_refused() {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    w.start_file(
        "nodes/db77.prod.acme.internal/app.log",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    w.write_all(b"connect to db77.prod.acme.internal\n")
        .unwrap();
    let good = w.finish().unwrap().into_inner();
    let out = redact("logs.zip", &good).unwrap();
    assert!(!out.windows(9).any(|w| w == b"acme.inte"));
    // The name's second copy, in the central directory, loses its `/`: a
    // reader of the central directory sees `internaloapp.log`, one of the
    // local headers the name with the host.
    let mut bad = good.clone();
    let name = b"internal/app.log";
    let central = bad.windows(name.len()).rposition(|w| w == name).unwrap();
    bad[central + 8] = b'o';
    let err = redact("logs.zip", &bad).unwrap_err();
    assert!(err.to_string().contains("local header"), "{err}");
}
