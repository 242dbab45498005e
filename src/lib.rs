//! logscrub strips sensitive data from console logs before anyone stores
//! them: e-mail addresses, host names, IP and MAC addresses, user names,
//! tokens, passwords and private keys become typed, consistent pseudonyms
//! such as `<EMAIL-1f3a9c2d>`, and everything else comes through byte for
//! byte.
//!
//! # Pipeline
//!
//! ```text
//! rules/*.toml ──► rules::RuleSet ──► engine::Engine ─┐
//!                                                      ▼
//! input ──► io::pipeline (line-aligned chunks) ──► redact::Redactor ──► output
//!                 reader thread ─► rayon workers ─► writer (input order)
//! ```
//!
//! | Module | Owns | Must not |
//! | --- | --- | --- |
//! | [`cli`] | flag definitions and help text | read files or the environment |
//! | [`config`] | flags + environment → validated [`config::Config`] (key, threads, inputs) | process data |
//! | [`rules`] | rule-file syntax, loading embedded and user files, example checks | know about threads or I/O |
//! | [`engine`] | compiling rules into an immutable [`engine::Engine`]; finding spans | allocate output |
//! | [`redact`] | applying spans to produce output bytes; pseudonyms | read or write files |
//! | [`io`] | line-aligned chunking, the ordered parallel pipeline, atomic output files | know what a rule is |
//! | [`report`] | counts per rule and per input | ever hold a matched value |
//! | [`token`] | the `<LABEL-1f3a9c2d>` syntax | |
//!
//! Invariants, each tested: the output has as many lines as the input; a
//! line without findings is unchanged; output does not depend on the number
//! of threads or on where chunks are cut; redacting twice equals redacting
//! once; no value, key or input line ever reaches an error message.

// Documentation is part of the interface: every public item says what it is.
#![deny(missing_docs)]
// A broken intra-doc link is a lie in the docs.
#![deny(rustdoc::broken_intra_doc_links)]
// Nothing here needs unsafe; the crates we build on carry their own.
#![forbid(unsafe_code)]

pub mod cli;
pub mod config;
pub mod engine;
pub mod error;
pub mod io;
pub mod redact;
pub mod report;
pub mod rules;
pub mod token;

use std::fs::File;
use std::io::{IsTerminal, Seek, SeekFrom, Write};
use std::os::fd::AsFd;
use std::path::Path;
use std::sync::Arc;

use config::{Config, Input, LearnMode};
use engine::Engine;
use error::{Error, Result};
use io::pipeline::Pipeline;
use io::sink::AtomicFile;
use redact::Redactor;
use redact::learn::{LearnState, Learner};
use redact::pseudonym::Pseudonymizer;
use report::Counts;
use rules::RuleSet;

/// Builds the redactor a run would use: rules loaded and compiled, key set.
pub fn build_redactor(config: &Config) -> Result<Redactor> {
    let set = RuleSet::load(&config.rules)?;
    if set.is_empty() {
        return Err(Error::Usage(
            "no rules: --no-default-rules needs at least one --rules PATH".into(),
        ));
    }
    let engine = Engine::new(&set)?;
    let mut redactor = Redactor::new(engine, Pseudonymizer::new(config.key.clone()));
    redactor.set_learning(config.learn != LearnMode::Off);
    Ok(redactor)
}

/// Redacts every input of `config` into its output. Returns the totals.
pub fn run(config: &Config) -> Result<Counts> {
    let redactor = Arc::new(build_redactor(config)?);
    let pool = Arc::new(
        rayon::ThreadPoolBuilder::new()
            .num_threads(config.threads)
            .thread_name(|i| format!("logscrub-worker-{i}"))
            .build()
            .map_err(|e| Error::Usage(format!("cannot start {} threads: {e}", config.threads)))?,
    );
    let pipeline = Pipeline::new(
        Arc::clone(&redactor),
        Arc::clone(&pool),
        config.pipeline.clone(),
    );
    let learner = Pipeline::new(
        Arc::new(Learner::new(Arc::clone(&redactor))),
        pool,
        config.pipeline.clone(),
    );
    let mut total = redactor.new_counts();
    // Open every input first, so that a missing file fails the run before
    // any output is written.
    let mut sources = Vec::new();
    for input in &config.inputs {
        sources.push((input, open(input)?));
    }
    let run_one = |source: Source, name: &Path, out: &mut dyn Write, out_name: &Path| {
        let mut learned = LearnState::default();
        match source {
            Source::Stdin => pipeline.run(
                Box::new(std::io::stdin()),
                name,
                out,
                out_name,
                &mut learned,
            ),
            Source::File(mut f) => {
                if config.learn == LearnMode::Auto {
                    learned = learn_first(&learner, &mut f, name)?;
                }
                pipeline.run_scoped(&mut f, name, out, out_name, &mut learned)
            }
        }
    };
    match &config.output {
        Some(path) => {
            let mut file = AtomicFile::create(path)?;
            for (input, source) in sources {
                total.add(&run_one(source, input.name(), &mut file, path)?);
            }
            file.commit()?;
        }
        None => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            for (input, source) in sources {
                total.add(&run_one(source, input.name(), &mut lock, Path::new("-"))?);
            }
            lock.flush().map_err(|e| Error::Output {
                path: "-".into(),
                source: e,
            })?;
        }
    }
    Ok(total)
}

/// The first pass over a seekable input: learn every host name that the
/// learning rules find, then rewind to where the input started.
fn learn_first(learner: &Pipeline<Learner>, f: &mut File, name: &Path) -> Result<LearnState> {
    let err = |e| Error::Input {
        path: name.to_path_buf(),
        source: e,
    };
    let start = f.stream_position().map_err(err)?;
    let mut learned = LearnState::default();
    learner.run_scoped(f, name, &mut std::io::sink(), name, &mut learned)?;
    f.seek(SeekFrom::Start(start)).map_err(err)?;
    Ok(learned)
}

/// An opened input.
enum Source {
    /// A pipe or terminal: read once, as a stream.
    Stdin,
    /// A regular file (also stdin redirected from one).
    File(File),
}

fn open(input: &Input) -> Result<Source> {
    match input {
        Input::Stdin => {
            // `logscrub < app.log`: stdin is a file that can be read twice.
            let file = std::io::stdin()
                .as_fd()
                .try_clone_to_owned()
                .ok()
                .map(File::from)
                .filter(|f| f.metadata().is_ok_and(|m| m.is_file()));
            Ok(file.map_or(Source::Stdin, Source::File))
        }
        Input::Path(p) => {
            let err = |e| Error::Input {
                path: p.clone(),
                source: e,
            };
            let meta = std::fs::metadata(p).map_err(err)?;
            if meta.is_dir() {
                return Err(Error::Input {
                    path: p.clone(),
                    source: std::io::Error::other("is a folder"),
                });
            }
            Ok(Source::File(File::open(p).map_err(err)?))
        }
    }
}

/// True when the run would read an interactive terminal: then logscrub
/// prints a usage hint instead of waiting for typed input.
pub fn reads_terminal(config: &Config) -> bool {
    config.inputs.contains(&Input::Stdin) && std::io::stdin().is_terminal()
}

/// Renders `logscrub rules list`.
pub fn render_rule_list(set: &RuleSet) -> String {
    let width = set
        .rules()
        .iter()
        .map(|r| r.id.len())
        .max()
        .unwrap_or(2)
        .max(2);
    let lwidth = set
        .rules()
        .iter()
        .map(|r| r.label.len())
        .max()
        .unwrap_or(5)
        .max(5);
    let mut s = format!("{:width$}  {:lwidth$}  DESCRIPTION\n", "ID", "LABEL");
    for r in set.rules() {
        let first = r.description.lines().next().unwrap_or_default();
        s.push_str(&format!("{:width$}  {:lwidth$}  {first}\n", r.id, r.label));
    }
    s
}

/// Markers around the generated rule table in README.md.
pub const README_TABLE_START: &str =
    "<!-- rule-table:start (generated from rules/; LOGSCRUB_BLESS=1 cargo test updates it) -->";
/// End marker of the generated rule table.
pub const README_TABLE_END: &str = "<!-- rule-table:end -->";

/// Renders the README's table of what is redacted, from the rules.
pub fn render_rule_table(set: &RuleSet) -> String {
    let mut s = String::from("| Token | Rule | What it finds |\n| --- | --- | --- |\n");
    for r in set.rules() {
        let mut labels = vec![r.label.clone()];
        if let rules::Matcher::Regex { redact, .. } = &r.matcher {
            for g in redact {
                if !labels.contains(&g.label) {
                    labels.push(g.label.clone());
                }
            }
            if !redact.is_empty() && !redact.iter().any(|g| g.label == r.label) {
                labels.remove(0);
            }
        }
        let tokens: Vec<String> = labels.iter().map(|l| format!("`<{l}-…>`")).collect();
        let what = r
            .description
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        s.push_str(&format!(
            "| {} | `{}` | {} |\n",
            tokens.join(" "),
            r.id,
            what.replace('|', "\\|")
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's rule table is generated from `rules/`; this fails when it
    /// is stale. `LOGSCRUB_BLESS=1 cargo test` rewrites it.
    #[test]
    fn readme_rule_table_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
        let readme = std::fs::read_to_string(path).unwrap();
        let start = readme
            .find(README_TABLE_START)
            .expect("start marker in README.md");
        let body_start = start + README_TABLE_START.len() + 1;
        let end = readme
            .find(README_TABLE_END)
            .expect("end marker in README.md");
        let table = render_rule_table(&RuleSet::embedded().unwrap());
        if std::env::var_os("LOGSCRUB_BLESS").is_some() {
            let updated = format!("{}{}{}", &readme[..body_start], table, &readme[end..]);
            std::fs::write(path, updated).unwrap();
            return;
        }
        assert_eq!(
            &readme[body_start..end],
            table,
            "README.md's rule table is stale: run `LOGSCRUB_BLESS=1 cargo test`"
        );
    }
}
