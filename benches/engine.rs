//! Stage benchmarks, in bytes per second, on generated support logs that
//! are dense in findings (one every 5 to 20 lines) and sparse (one every
//! 300 to 700 lines, mostly stack traces):
//!
//! - `select`: candidate selection (the keyword scan and the gate);
//! - `scan`: the whole engine (selection, rule regexes, validators, merge);
//! - `redact`: scan plus writing the output with tokens (the replacement
//!   stage is the difference to `scan`);
//! - `pipeline`: read, chunk, redact and write in order, 1 and 2 threads.
//!
//! `cargo bench --bench engine`; `benches/e2e.sh` measures the binary.

#[path = "../tests/support/corpus.rs"]
mod corpus;

use std::path::Path;
use std::sync::Arc;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

use logscrub::engine::{BlockState, Engine};
use logscrub::io::pipeline::{Options, Pipeline};
use logscrub::redact::Redactor;
use logscrub::redact::learn::LearnState;
use logscrub::redact::pseudonym::{Key, Pseudonymizer};
use logscrub::rules::RuleSet;

const SIZE: usize = 4 << 20;

fn inputs() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("dense", corpus::generate(SIZE, 1, corpus::Density::Dense).0),
        (
            "sparse",
            corpus::generate(SIZE, 2, corpus::Density::Sparse).0,
        ),
    ]
}

fn redactor() -> Arc<Redactor> {
    Arc::new(Redactor::new(
        Engine::new(&RuleSet::embedded().unwrap()).unwrap(),
        Pseudonymizer::new(Key::from_material(b"benchmark-key-material").unwrap()),
    ))
}

/// 1 MiB line-aligned chunks, as the pipeline cuts them.
fn chunks(data: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < data.len() {
        let mut end = (pos + (1 << 20)).min(data.len());
        if end < data.len() {
            end = pos + memchr::memrchr(b'\n', &data[pos..end]).map_or(end - pos, |i| i + 1);
        }
        out.push(&data[pos..end]);
        pos = end;
    }
    out
}

fn stages(c: &mut Criterion) {
    let r = redactor();
    let engine = r.engine();
    for (name, data) in inputs() {
        let parts = chunks(&data);
        let mut g = c.benchmark_group("stages");
        g.throughput(Throughput::Bytes(data.len() as u64));
        g.sample_size(10);
        let mut s = engine.scratch();
        g.bench_function(BenchmarkId::new("select", name), |b| {
            b.iter(|| {
                parts
                    .iter()
                    .map(|p| engine.select(p, &mut s))
                    .sum::<usize>()
            })
        });
        g.bench_function(BenchmarkId::new("scan", name), |b| {
            b.iter(|| {
                parts
                    .iter()
                    .map(|p| {
                        engine.scan(p, BlockState::default(), &mut s);
                        s.findings.len()
                    })
                    .sum::<usize>()
            })
        });
        let mut rs = r.scratch();
        let mut counts = r.new_counts();
        g.bench_function(BenchmarkId::new("redact", name), |b| {
            b.iter(|| {
                parts
                    .iter()
                    .map(|p| {
                        let (out, _) =
                            r.redact(p, BlockState::default(), &mut rs, Vec::new(), &mut counts);
                        out.as_bytes().len()
                    })
                    .sum::<usize>()
            })
        });
        g.finish();
    }
}

fn pipeline(c: &mut Criterion) {
    let r = redactor();
    for (name, data) in inputs() {
        let mut g = c.benchmark_group("pipeline");
        g.throughput(Throughput::Bytes(data.len() as u64));
        g.sample_size(10);
        for threads in [1, 2] {
            let pool = Arc::new(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap(),
            );
            let p = Pipeline::new(Arc::clone(&r), pool, Options::default());
            let mut out = Vec::with_capacity(data.len() * 2);
            g.bench_function(BenchmarkId::new(format!("j{threads}"), name), |b| {
                b.iter(|| {
                    out.clear();
                    let mut input = &data[..];
                    p.run_scoped(
                        &mut input,
                        Path::new("-"),
                        &mut out,
                        Path::new("-"),
                        &mut LearnState::default(),
                    )
                    .unwrap()
                })
            });
        }
        g.finish();
    }
}

criterion_group!(benches, stages, pipeline);
criterion_main!(benches);
