//! Fuzzes the engine and the pipeline on arbitrary bytes.
//!
//! The first bytes of the input choose a chunk size, a secret to plant and
//! where to plant it; the rest is the log. Invariants checked:
//! - no panic;
//! - the output has as many `\n` and `\r` bytes as the input;
//! - redacting the output again changes nothing;
//! - the chunked, multi-threaded pipeline gives the same bytes as redacting
//!   the whole input in one call;
//! - the planted secret never survives.

#![no_main]

use std::path::Path;
use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use logscrub::engine::Engine;
use logscrub::io::pipeline::{Options, Pipeline};
use logscrub::redact::Redactor;
use logscrub::redact::learn::LearnState;
use logscrub::redact::pseudonym::{Key, Pseudonymizer};
use logscrub::rules::RuleSet;

struct World {
    redactor: Arc<Redactor>,
    pool: Arc<rayon::ThreadPool>,
}

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| World {
        redactor: Arc::new(Redactor::new(
            Engine::new(&RuleSet::embedded().unwrap()).unwrap(),
            Pseudonymizer::new(Key::from_material(b"fuzz-key-material-0001").unwrap()),
        )),
        pool: Arc::new(rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap()),
    })
}

const SECRETS: &[(&str, &str)] = &[
    ("10.123.45.67", ""),
    ("fuzz.person@example-corp.com", ""),
    ("FuzzS3cretValue", "password="),
    ("db77.fuzz.internal", ""),
    ("AKIAFUZZFUZZFUZZFUZZ", ""),
    ("ZnV6enVzZXI6ZnV6enBhc3M=", "Authorization: Basic "),
    ("2001:db8:f00d::77", ""),
];

fn count(b: &[u8], c: u8) -> usize {
    b.iter().filter(|&&x| x == c).count()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let w = world();
    let chunk = 1 + usize::from(data[0]) * 7;
    let (secret, context) = SECRETS[usize::from(data[1]) % SECRETS.len()];
    let log = &data[4..];
    let at = if log.is_empty() {
        0
    } else {
        usize::from(u16::from_le_bytes([data[2], data[3]])) % (log.len() + 1)
    };

    // 1. Arbitrary bytes: structure, idempotence, chunking.
    let whole = w.redactor.redact_bytes(log);
    assert_eq!(count(&whole, b'\n'), count(log, b'\n'));
    assert_eq!(count(&whole, b'\r'), count(log, b'\r'));
    let again = w.redactor.redact_bytes(&whole);
    assert_eq!(again, whole, "redacting twice differs from once");
    let pipeline = Pipeline::new(
        Arc::clone(&w.redactor),
        Arc::clone(&w.pool),
        Options {
            chunk_bytes: chunk,
            ..Options::default()
        },
    );
    let mut out = Vec::new();
    let mut reader = log;
    pipeline
        .run_scoped(
            &mut reader,
            Path::new("-"),
            &mut out,
            Path::new("-"),
            &mut LearnState::default(),
        )
        .unwrap();
    assert_eq!(out, whole, "chunked output differs");

    // 2. A secret planted on its own line stays gone, wherever that line is.
    let mut planted = log[..at].to_vec();
    planted.extend_from_slice(b"\n ");
    planted.extend_from_slice(context.as_bytes());
    planted.extend_from_slice(secret.as_bytes());
    planted.extend_from_slice(b" \n");
    planted.extend_from_slice(&log[at..]);
    let red = w.redactor.redact_bytes(&planted);
    let line_of_secret = count(&planted[..at], b'\n') + 1;
    let line = red.split(|&c| c == b'\n').nth(line_of_secret).unwrap_or_default();
    assert!(
        !contains(line, secret.as_bytes()),
        "planted secret survived: {:?}",
        String::from_utf8_lossy(line)
    );
});
