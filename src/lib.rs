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
//! | [`bundle`] | folders, gzip, zip and tar in and out: walking, names, binary policy, bomb limits | hold a value outside the redactor |
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

pub mod bundle;
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
use std::path::Path;
use std::sync::Arc;

use bundle::{Walker, plan};
use config::{Config, Input, LearnMode, Target};
use engine::Engine;
use error::{Error, Result};
use io::pipeline::Pipeline;
use io::sink::AtomicFile;
use redact::Redactor;
use redact::dictfile::Dictionary;
use redact::learn::LearnState;
use redact::pseudonym::Pseudonymizer;
use redact::replay::{FirstPass, Seed};
use report::run::RunReport;
use rules::RuleSet;

/// Builds the redactor a run would use: rules loaded and compiled, key set.
pub fn build_redactor(config: &Config) -> Result<Redactor> {
    let mut set = RuleSet::load(&config.rules)?;
    rules::keywords::add(&mut set, &config.keywords)?;
    if set.is_empty() {
        return Err(Error::Usage(
            "no rules: --no-default-rules needs at least one --rules PATH".into(),
        ));
    }
    let engine = Engine::new(&set)?;
    let mut pseudo = Pseudonymizer::new(config.key.clone());
    if config.plain_tokens {
        pseudo = pseudo.plain();
    }
    let mut redactor = Redactor::new(engine, pseudo);
    redactor.set_learning(config.learn != LearnMode::Off);
    Ok(redactor)
}

/// The pool of the pipeline's workers.
fn worker_pool(config: &Config) -> Result<Arc<rayon::ThreadPool>> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .thread_name(|i| format!("logscrub-worker-{i}"))
        .build()
        .map_err(|e| Error::Usage(format!("cannot start {} threads: {e}", config.threads)))?;
    Ok(Arc::new(pool))
}

/// The `--dictionary` files of `config`, merged, their rules and labels
/// those of `engine`.
fn load_dictionaries(config: &Config, engine: &Engine) -> Result<Dictionary> {
    if !config.dictionaries.is_empty() && config.key_source == config::KeySource::Random {
        return Err(Error::Usage(
            "--dictionary needs the key its file was made with: give --key-file or LOGSCRUB_KEY"
                .into(),
        ));
    }
    let mut dict = Dictionary::new(&config.key);
    for path in &config.dictionaries {
        dict.load(path, engine)?;
    }
    Ok(dict)
}

/// `logscrub learn`: runs the learning pass over `config`'s inputs and
/// writes what it learned, merged with the `--dictionary` files, to `out`
/// as keyed hashes ([`redact::dictfile`]). When an input failed nothing is
/// written; the failures are in the report.
pub fn learn(config: &Config, out: &Path) -> Result<RunReport> {
    redact::learn::set_cap(config.max_learned);
    let redactor = Arc::new(build_redactor(config)?);
    let mut dict = load_dictionaries(config, redactor.engine())?;
    let file = AtomicFile::create(out)?;
    let pipeline = Pipeline::new(
        Arc::clone(&redactor),
        worker_pool(config)?,
        config.pipeline.clone(),
    );
    let learner = pipeline.filling(Arc::new(FirstPass::new(Arc::clone(&redactor))));
    let walker = Walker {
        redactor: &redactor,
        pipeline: &pipeline,
        opts: &config.bundle,
        spill_dir: std::env::temp_dir(),
        progress: None,
        plain: false,
        learn: LearnMode::Auto,
        learner: &learner,
        dictionary: &LearnState::default(),
        collect: None,
        findings: None,
    };
    let (learned, report) = bundle::plan::learn(&walker, &config.inputs, config.threads)?;
    if report.errors.is_empty() {
        dict.add_learned(&learned);
        write_whole(file, &dict.render(redactor.engine()))?;
    }
    Ok(report)
}

/// Redacts every input of `config` into its target, then writes the
/// `--report` and `--map` files. Returns what was done, file by file.
///
/// Writing to stdout, the first error ends the run and is returned. Writing
/// files, each input file is done or failed on its own: failures are in the
/// report's `errors`, and the others still complete.
pub fn run(config: &Config) -> Result<RunReport> {
    let mut redactor = build_redactor(config)?;
    let dict = load_dictionaries(config, redactor.engine())?;
    redactor = redactor.with_dictionary(dict);
    if config.map.is_some() {
        redactor = redactor.with_map();
    }
    if config.findings.is_some() || config.verbose {
        redactor = redactor.with_token_rules();
    }
    run_with(config, Arc::new(redactor))
}

/// [`run`] with a redactor built beforehand, for callers that redact many
/// small runs with one set of rules (the fuzz targets): compiling the rules
/// is the costly part of a run's start. The redactor must be the one
/// [`run`] would build for `config` (dictionaries, `--map` and token
/// rules included).
pub fn run_with(config: &Config, redactor: Arc<Redactor>) -> Result<RunReport> {
    let start = std::time::Instant::now();
    redact::learn::set_cap(config.max_learned);
    // The findings file's place is tried before any input is read.
    // `--findings -` is stdout, written once the run is over (the
    // configuration refused it when stdout carries the redacted text).
    let findings_to_stdout = matches!(&config.findings, Some((p, _)) if p.as_os_str() == "-");
    let findings_file = match &config.findings {
        Some((path, _)) if !findings_to_stdout => Some(AtomicFile::create(path).map_err(|e| {
            let why = match e {
                Error::Output { source, .. } => std::io::Error::from(source.kind()).to_string(),
                other => other.to_string(),
            };
            Error::Usage(format!(
                "--findings {}: cannot write there: {why}",
                path.display()
            ))
        })?),
        _ => None,
    };
    let collector =
        (config.findings.is_some() || config.verbose).then(report::findings::Collector::new);
    let pipeline = Pipeline::new(
        Arc::clone(&redactor),
        worker_pool(config)?,
        config.pipeline.clone(),
    );
    let learner = pipeline.filling(Arc::new(FirstPass::new(Arc::clone(&redactor))));
    // Spills hold unredacted bytes (a zip nested in an archive, a first
    // pass's findings): they go to the system's temporary folder, never
    // beside the output, where a later `zip -r out/` could pick them up.
    let spill_dir = std::env::temp_dir();
    let walker = Walker {
        redactor: &redactor,
        pipeline: &pipeline,
        opts: &config.bundle,
        spill_dir,
        progress: None,
        plain: config.target == Target::Stdout,
        learn: config.learn,
        learner: &learner,
        dictionary: &LearnState::default(),
        collect: None,
        findings: collector.as_ref(),
    };
    let mut report = match &config.target {
        Target::Stdout => {
            plan::stream(&walker, &config.inputs).map_err(|e| e.at_output(Path::new("stdout")))?
        }
        target => plan::run(
            &walker,
            &config.inputs,
            target,
            config.threads,
            config.progress,
        )?,
    };
    report.check = config.check;
    report.rule_ids = (0..redactor.engine().rule_count())
        .map(|i| redactor.engine().rule(i as u32).id.clone())
        .collect();
    report.labels = (0..redactor.engine().label_count())
        .map(|i| redactor.engine().label(i as u32).to_owned())
        .collect();
    report.duration = start.elapsed();
    if let Some(c) = &collector {
        let files: Vec<&str> = report.files.iter().map(|f| f.path.as_str()).collect();
        report.findings = c.take(&files, |t| redactor.rule_of_token(t));
    }
    // A file that failed has findings nobody knows: then no findings file
    // is written at all (its temporary file goes), rather than one that
    // looks complete.
    if let (Some((_, format)), true) = (&config.findings, report.errors.is_empty()) {
        let bytes = match format {
            report::findings::Format::Jsonl => report::findings::to_jsonl(&report.findings),
            report::findings::Format::Sarif => {
                let rules: Vec<(String, String)> = (0..redactor.engine().rule_count())
                    .map(|i| {
                        let r = redactor.engine().rule(i as u32);
                        (r.id.clone(), r.description.clone())
                    })
                    .collect();
                report::findings::to_sarif(&report.findings, &rules)
            }
        };
        if let Some(file) = findings_file {
            write_whole(file, &bytes)?;
        } else if findings_to_stdout {
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)
                .and_then(|()| out.flush())
                .map_err(|source| Error::Output {
                    path: std::path::PathBuf::from("-"),
                    source,
                })?;
        }
    }
    if let Some(path) = &config.report {
        write_whole(AtomicFile::create(path)?, &report.to_json())?;
    }
    if let (Some(path), Some(map)) = (&config.map, redactor.token_map()) {
        write_whole(AtomicFile::create_private(path)?, &map.render())?;
    }
    // Two values behind one token: what was written is redacted, but a
    // reader would take them for one value, so the run fails (exit 3).
    if let Some(token) = redactor.pseudonymizer().collision() {
        return Err(Error::Collision { token });
    }
    Ok(report)
}

/// The first pass over a seekable input ([`redact::replay`]): learn every
/// host name, store the findings of every chunk (in an unnamed temporary
/// file in `dir`), then rewind to where the input started.
///
/// `None` when the input holds a line longer than the limit: then it is
/// redacted in one pass, learning as it goes, which writes every line
/// before the long one and stops there with its real line number.
pub fn learn_first(
    learner: &Pipeline<FirstPass>,
    f: &mut File,
    name: &Path,
    dir: &Path,
) -> Result<Option<Seed>> {
    let err = |e| Error::Input {
        path: name.to_path_buf(),
        source: e,
    };
    let start = f.stream_position().map_err(err)?;
    let seed = match FirstPass::run(learner, f, name, dir) {
        Ok(seed) => Some(seed),
        Err(Error::LongLine { .. }) => None,
        Err(e) => return Err(e),
    };
    f.seek(SeekFrom::Start(start)).map_err(err)?;
    Ok(seed)
}

/// Writes `bytes` to `file` and puts it in place.
fn write_whole(mut file: AtomicFile, bytes: &[u8]) -> Result<()> {
    file.write_all(bytes).map_err(|e| Error::Output {
        path: file.path().to_path_buf(),
        source: e,
    })?;
    file.commit()
}

/// True when the run reads an interactive terminal: then logscrub says on
/// stderr that it is reading stdin and how to end it.
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
