//! Accuracy over fixtures the project owns: a generated corpus of realistic
//! support logs (`support/corpus.rs`, dense and sparse, two seeds) goes
//! through the default rules. No planted secret may survive on its line,
//! canaries (class names, file names, versions, commit ids, UUIDs,
//! timestamps, `localhost`, `example.com`) must stay, and lines without a
//! planted secret must come through unchanged, which bounds over-redaction.

#[path = "support/corpus.rs"]
mod corpus;

use std::collections::HashSet;

use logscrub::engine::Engine;
use logscrub::redact::Redactor;
use logscrub::redact::pseudonym::{Key, Pseudonymizer};
use logscrub::rules::RuleSet;

fn redactor() -> Redactor {
    let engine = Engine::new(&RuleSet::embedded().unwrap()).unwrap();
    Redactor::new(
        engine,
        Pseudonymizer::new(Key::from_material(b"accuracy-test-key-material").unwrap()),
    )
}

fn check(seed: u64, density: corpus::Density) {
    let (input, truth) = corpus::generate(3_000_000, seed, density);
    let output = redactor().redact_bytes(&input);
    let in_lines: Vec<&[u8]> = input.split(|&c| c == b'\n').collect();
    let out_lines: Vec<&[u8]> = output.split(|&c| c == b'\n').collect();
    assert_eq!(in_lines.len(), out_lines.len(), "line count");
    let contains =
        |hay: &[u8], needle: &str| hay.windows(needle.len()).any(|w| w == needle.as_bytes());

    let mut leaks = Vec::new();
    let (mut canaries, mut lost) = (0usize, Vec::new());
    let mut secret_lines = HashSet::new();
    for p in &truth {
        if p.secret {
            secret_lines.insert(p.line);
            if contains(out_lines[p.line], &p.value) {
                leaks.push(format!("{} line {}: {:?}", p.kind, p.line + 1, p.value));
            }
        } else {
            canaries += 1;
            if !contains(out_lines[p.line], &p.value) {
                lost.push(format!("{} line {}: {:?}", p.kind, p.line + 1, p.value));
            }
        }
    }
    let secrets = truth.iter().filter(|p| p.secret).count();
    assert!(
        secrets > 100 || matches!(density, corpus::Density::Sparse),
        "too few secrets: {secrets}"
    );
    assert!(
        leaks.is_empty(),
        "{} of {secrets} secrets leaked:\n{}",
        leaks.len(),
        leaks.join("\n")
    );
    // At most 0.5% of canaries lost.
    assert!(
        lost.len() * 200 <= canaries,
        "{} of {canaries} canaries lost:\n{}",
        lost.len(),
        lost.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
    );
    // Lines without a planted secret come through unchanged (at most 0.2%
    // may differ).
    let clean: Vec<usize> = (0..in_lines.len())
        .filter(|i| !secret_lines.contains(i))
        .collect();
    let changed: Vec<usize> = clean
        .iter()
        .copied()
        .filter(|&i| in_lines[i] != out_lines[i])
        .collect();
    assert!(
        changed.len() * 500 <= clean.len(),
        "{} of {} clean lines changed, e.g.:\n{}",
        changed.len(),
        clean.len(),
        changed
            .iter()
            .take(10)
            .map(|&i| format!(
                "{}\n  -> {}",
                String::from_utf8_lossy(in_lines[i]),
                String::from_utf8_lossy(out_lines[i])
            ))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn dense_corpus_seed_1() {
    check(1, corpus::Density::Dense);
}

#[test]
fn dense_corpus_seed_42() {
    check(42, corpus::Density::Dense);
}

#[test]
fn sparse_corpus() {
    check(7, corpus::Density::Sparse);
}

#[test]
fn generator_is_deterministic() {
    let (a, ta) = corpus::generate(100_000, 5, corpus::Density::Dense);
    let (b, tb) = corpus::generate(100_000, 5, corpus::Density::Dense);
    assert_eq!(a, b);
    assert_eq!(ta.len(), tb.len());
    let (c, _) = corpus::generate(100_000, 6, corpus::Density::Dense);
    assert_ne!(a, c);
}
