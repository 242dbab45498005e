//! Turning command-line flags and the environment into a validated
//! [`Config`]: inputs, output, threads, rules, key. All checks that can fail
//! before any data is read happen here.

use std::path::{Path, PathBuf};

use crate::bundle::{self, Kind};
use crate::cli::{Binary, Cli};
use crate::error::{Error, Result};
use crate::io::pipeline;
use crate::redact::pseudonym::Key;
use crate::rules::LoadOptions;

/// Environment variable holding key material (at least 16 bytes).
pub const KEY_ENV: &str = "LOGSCRUB_KEY";

/// One input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Standard input.
    Stdin,
    /// A file.
    Path(PathBuf),
}

impl Input {
    /// The name used in messages.
    pub fn name(&self) -> &Path {
        match self {
            Input::Stdin => Path::new("-"),
            Input::Path(p) => p,
        }
    }
}

/// Where a key came from (for messages; never the key itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySource {
    /// `--key-file`.
    File,
    /// `LOGSCRUB_KEY`.
    Env,
    /// Random, this run only.
    Random,
}

/// How host names learned in reliable positions are used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LearnMode {
    /// Files (and stdin redirected from a file) get a first pass, so a
    /// learned name is replaced everywhere; a pipe counts names from where
    /// they are found on.
    #[default]
    Auto,
    /// No first pass: names count from where they are found on.
    Stream,
    /// Do not replace learned names elsewhere.
    Off,
}

/// Where the redacted data goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// stdout, inputs one after the other (no `-o`).
    Stdout,
    /// Nowhere (`--check`).
    Nothing,
    /// One output file of the same kind as the one input.
    File(PathBuf),
    /// A folder mirroring a folder input, or holding several inputs.
    Folder(PathBuf),
}

/// A validated run configuration.
#[derive(Debug)]
pub struct Config {
    /// Inputs in order.
    pub inputs: Vec<Input>,
    /// Output file; `None` is stdout.
    pub output: Option<PathBuf>,
    /// Worker threads.
    pub threads: usize,
    /// Which rules to load.
    pub rules: LoadOptions,
    /// The pseudonym key.
    pub key: Key,
    /// Where the key came from.
    pub key_source: KeySource,
    /// `--dictionary` files.
    pub dictionaries: Vec<PathBuf>,
    /// `--keywords` files.
    pub keywords: Vec<PathBuf>,
    /// Why the key is obviously weak, if it is (a warning, never the key).
    pub key_weakness: Option<&'static str>,
    /// `--plain-tokens`.
    pub plain_tokens: bool,
    /// Pipeline settings.
    pub pipeline: pipeline::Options,
    /// Learned host names.
    pub learn: LearnMode,
    /// Most values a dictionary of learned values holds.
    pub max_learned: usize,
    /// Where the redacted data goes.
    pub target: Target,
    /// `--check`: write nothing, exit 1 on findings.
    pub check: bool,
    /// `--report`.
    pub report: Option<PathBuf>,
    /// `--map`.
    pub map: Option<PathBuf>,
    /// `--findings` and its format.
    pub findings: Option<(PathBuf, crate::report::findings::Format)>,
    /// `--verbose`: list findings on stderr.
    pub verbose: bool,
    /// `--quiet`: no summary, no progress.
    pub quiet: bool,
    /// Show a progress bar (stderr is a terminal, not quiet).
    pub progress: bool,
    /// Bundle policies and limits.
    pub bundle: bundle::Options,
}

impl Config {
    /// Resolves `cli` against the environment (`LOGSCRUB_KEY`).
    pub fn from_cli(cli: &Cli) -> Result<Config> {
        let env_key = std::env::var_os(KEY_ENV);
        let (key, key_source) = load_key(cli.key_file.as_deref(), env_key.as_deref())?;
        let key_weakness = match (key_source, &cli.key_file, &env_key) {
            (KeySource::File, Some(path), _) => std::fs::read(path)
                .ok()
                .and_then(|m| crate::redact::pseudonym::weakness(&m)),
            (KeySource::Env, _, Some(v)) => {
                crate::redact::pseudonym::weakness(v.as_encoded_bytes())
            }
            _ => None,
        };
        let inputs: Vec<Input> = if cli.inputs.is_empty() {
            vec![Input::Stdin]
        } else {
            cli.inputs
                .iter()
                .map(|p| {
                    if p.as_os_str() == "-" {
                        Input::Stdin
                    } else {
                        Input::Path(p.clone())
                    }
                })
                .collect()
        };
        if inputs.iter().filter(|i| **i == Input::Stdin).count() > 1 {
            return Err(Error::Usage("stdin (`-`) can be read only once".into()));
        }
        let target = resolve_target(cli, &inputs)?;
        check_paths(&inputs, &target, cli.report.as_deref(), cli.map.as_deref())?;
        check_destinations(&target, cli.report.as_deref(), cli.map.as_deref())?;
        if let Some(f) = &cli.findings {
            if f.as_os_str() == "-" {
                if target == Target::Stdout {
                    return Err(Error::Usage(
                        "--findings -: stdout carries the redacted text; give a file for the findings, or use --check or -o".into(),
                    ));
                }
            } else {
                check_findings_path(&inputs, f, cli.report.as_deref(), cli.map.as_deref())?;
            }
        }
        let threads = match cli.threads {
            Some(n) => usize::from(n),
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        };
        Ok(Config {
            inputs,
            output: match &target {
                Target::File(p) | Target::Folder(p) => Some(p.clone()),
                Target::Stdout | Target::Nothing => None,
            },
            threads,
            rules: LoadOptions {
                no_defaults: cli.no_default_rules,
                no_default_allow: cli.no_default_allow,
                paths: cli.rules.clone(),
                allow: cli.allow.clone(),
            },
            key,
            key_source,
            dictionaries: cli.dictionary.clone(),
            keywords: cli.keywords.clone(),
            key_weakness,
            plain_tokens: cli.plain_tokens,
            pipeline: pipeline::Options {
                chunk_bytes: cli.chunk_bytes,
                max_line_bytes: cli.max_line_bytes,
                line_buffered: cli.line_buffered,
                fill_chunks: false,
                interrupt: None,
            },
            learn: cli.learn,
            max_learned: cli.max_learned,
            target,
            check: cli.check,
            report: cli.report.clone(),
            map: cli.map.clone(),
            findings: cli.findings.clone().map(|p| {
                let format = cli
                    .findings_format
                    .unwrap_or_else(|| crate::report::findings::Format::for_path(&p));
                (p, format)
            }),
            verbose: cli.verbose,
            quiet: cli.quiet,
            progress: !cli.quiet && std::io::IsTerminal::is_terminal(&std::io::stderr()),
            bundle: bundle::Options {
                binary: match cli.binary {
                    Binary::Skip => bundle::BinaryPolicy::Skip,
                    Binary::Fail => bundle::BinaryPolicy::Fail,
                    Binary::Scan => bundle::BinaryPolicy::Scan,
                },
                filter: bundle::Filter::new(&cli.include, &cli.exclude)?,
                limits: bundle::limits::Limits {
                    max_depth: cli.max_depth,
                    max_unpacked: cli.max_unpacked as u64,
                    max_ratio: cli.max_ratio,
                },
                check: cli.check,
                max_line_bytes: cli.max_line_bytes,
                interrupt: None,
            },
        })
    }

    /// Makes the run stop, removing what it had started writing, once
    /// `flag` is set (by a Ctrl-C handler).
    pub fn set_interrupt(&mut self, flag: std::sync::Arc<std::sync::atomic::AtomicBool>) {
        self.pipeline.interrupt = Some(flag.clone());
        self.bundle.interrupt = Some(flag);
    }
}

impl Config {
    /// The configuration of `logscrub learn -o out INPUTS`: the inputs are
    /// read, nothing is written but `out`, which may not be an input or in
    /// an input folder.
    pub fn for_learn(cli: &Cli, inputs: &[PathBuf], out: &Path) -> Result<Config> {
        let mut c = Config::from_cli(cli)?;
        if c.key_source == KeySource::Random {
            return Err(Error::Usage(
                "learn needs a key (--key-file or LOGSCRUB_KEY): a dictionary is of use only with the key it was made with".into(),
            ));
        }
        if inputs.iter().any(|p| p.as_os_str() == "-") {
            return Err(Error::Usage(
                "learn reads files, folders and archives, not stdin".into(),
            ));
        }
        c.inputs = inputs.iter().map(|p| Input::Path(p.clone())).collect();
        check_paths(&c.inputs, &Target::File(out.to_path_buf()), None, None)?;
        c.target = Target::Nothing;
        c.output = None;
        c.check = true;
        c.bundle.check = true;
        c.progress = false;
        Ok(c)
    }
}

/// What `-o` means for these inputs.
fn resolve_target(cli: &Cli, inputs: &[Input]) -> Result<Target> {
    let Some(out) = &cli.output else {
        return Ok(if cli.check {
            Target::Nothing
        } else {
            Target::Stdout
        });
    };
    // `-o -` is stdout, as in most tools that take an output path.
    if out.as_os_str() == "-" {
        return Ok(Target::Stdout);
    }
    let folder_named = out.is_dir() || out.as_os_str().as_encoded_bytes().ends_with(b"/");
    if inputs.len() > 1 {
        if inputs.contains(&Input::Stdin) {
            return Err(Error::Usage(
                "stdin (`-`) cannot go into an output folder; redact it on its own".into(),
            ));
        }
        // `-o both.log a.log b.log` could mean a folder or the two
        // concatenated; guessing either is a surprise, so a folder must be
        // said to be one.
        if !folder_named {
            return Err(Error::Usage(format!(
                "output {0}: several inputs go into a folder; write it as {0}/ (or create it first), \
                 or leave out -o to concatenate them on stdout",
                out.display()
            )));
        }
        return Ok(Target::Folder(out.clone()));
    }
    if let Input::Path(p) = &inputs[0]
        && p.is_dir()
    {
        if out.exists() && !out.is_dir() {
            return Err(Error::Usage(format!(
                "output {} is a file; a folder input needs an output folder",
                out.display()
            )));
        }
        return Ok(Target::Folder(out.clone()));
    }
    if folder_named {
        return Err(Error::Usage(format!(
            "output {} is a folder; one input file needs an output file name",
            out.display()
        )));
    }
    if let Input::Path(p) = &inputs[0] {
        let name = |p: &Path| {
            p.file_name()
                .map_or(Vec::new(), |n| n.as_encoded_bytes().to_vec())
        };
        let (kin, kout) = (Kind::from_name(&name(p)), Kind::from_name(&name(out)));
        if kin != kout {
            let want = match kin {
                Kind::Plain => "a name without .gz, .zip, .tar or .tgz",
                Kind::Gzip => "a .gz name",
                Kind::Zip => "a .zip name",
                Kind::Tar => "a .tar name",
                Kind::TarGz => "a .tar.gz or .tgz name",
            };
            return Err(Error::Usage(format!(
                "output {}: the redacted copy of {} must be the same kind of file, with {want}",
                out.display(),
                p.display()
            )));
        }
    }
    Ok(Target::File(out.clone()))
}

/// Refuses outputs (the target, the report, the map) that would write over
/// an input or into an input folder, inputs inside the output folder, and
/// a map file that would travel with the output.
fn check_paths(
    inputs: &[Input],
    target: &Target,
    report: Option<&Path>,
    map: Option<&Path>,
) -> Result<()> {
    let mut outputs: Vec<(&str, &Path)> = Vec::new();
    match target {
        Target::File(p) | Target::Folder(p) => outputs.push(("output", p)),
        Target::Stdout | Target::Nothing => {}
    }
    outputs.extend(report.map(|p| ("--report", p)));
    outputs.extend(map.map(|p| ("--map", p)));
    for input in inputs {
        let Input::Path(inp) = input else { continue };
        let in_abs = absolute(inp);
        for (what, out) in &outputs {
            if same_file(inp, out) || absolute(out) == in_abs {
                return Err(Error::Usage(format!(
                    "{what} {} is the input; logscrub never writes over its input",
                    out.display()
                )));
            }
            if inp.is_dir() && absolute(out).starts_with(&in_abs) {
                return Err(Error::Usage(format!(
                    "{what} {} is inside the input folder {}; logscrub never writes into its input",
                    out.display(),
                    inp.display()
                )));
            }
        }
        if let Target::Folder(o) = target
            && in_abs.starts_with(absolute(o))
        {
            return Err(Error::Usage(format!(
                "input {} is inside the output folder {}",
                inp.display(),
                o.display()
            )));
        }
    }
    if let (Some(r), Some(m)) = (report, map)
        && absolute(r) == absolute(m)
    {
        return Err(Error::Usage(
            "--report and --map must be different files".into(),
        ));
    }
    if let Some(r) = report {
        let clash = match target {
            Target::File(o) => absolute(r) == absolute(o),
            // The report would replace a redacted file, or travel with
            // the output as a file the input never had.
            Target::Folder(o) => absolute(r).starts_with(absolute(o)),
            Target::Stdout | Target::Nothing => false,
        };
        if clash {
            return Err(Error::Usage(format!(
                "--report {} would go into the output; write it beside the output instead",
                r.display()
            )));
        }
    }
    if let Some(m) = map {
        let in_output = match target {
            Target::File(o) => absolute(m) == absolute(o),
            Target::Folder(o) => absolute(m).starts_with(absolute(o)),
            Target::Stdout | Target::Nothing => false,
        };
        if in_output {
            return Err(Error::Usage(format!(
                "--map {} would go into the output; it holds the original values and must stay apart",
                m.display()
            )));
        }
    }
    Ok(())
}

/// Checks, before any input is read, that every destination can be
/// written: its folder exists (an output folder's nearest existing
/// ancestor, as the folder is created), is a folder, and takes a new file;
/// and the destination itself is not a folder. A run that could only fail
/// at its end (a `--map` that cannot be written leaves tokens that no one
/// can read back) is refused at once, with exit 2.
fn check_destinations(target: &Target, report: Option<&Path>, map: Option<&Path>) -> Result<()> {
    let mut files: Vec<(&str, &Path)> = Vec::new();
    match target {
        Target::File(p) => files.push(("output", p)),
        Target::Folder(p) => {
            if p.exists() && !p.is_dir() {
                return Err(Error::Usage(format!(
                    "output {} is not a folder",
                    p.display()
                )));
            }
            let mut at = p.as_path();
            while !at.exists() {
                match at.parent() {
                    Some(parent) if !parent.as_os_str().is_empty() => at = parent,
                    _ => {
                        at = Path::new(".");
                        break;
                    }
                }
            }
            writable_folder("output", p, at)?;
        }
        Target::Stdout | Target::Nothing => {}
    }
    files.extend(report.map(|p| ("--report", p)));
    files.extend(map.map(|p| ("--map", p)));
    for (what, p) in files {
        if p.is_dir() {
            return Err(Error::Usage(format!(
                "{what} {} is a folder; it needs a file name",
                p.display()
            )));
        }
        // A device or pipe (`/dev/null`, `/dev/stdout`) is written in place.
        if std::fs::metadata(p).is_ok_and(|m| !m.is_file()) {
            continue;
        }
        let dir = match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        writable_folder(what, p, dir)?;
    }
    Ok(())
}

/// Refuses a `--findings` file that is an input or the report or map.
fn check_findings_path(
    inputs: &[Input],
    findings: &Path,
    report: Option<&Path>,
    map: Option<&Path>,
) -> Result<()> {
    for input in inputs {
        if let Input::Path(inp) = input
            && (same_file(inp, findings)
                || absolute(inp) == absolute(findings)
                || inp.is_dir() && absolute(findings).starts_with(absolute(inp)))
        {
            return Err(Error::Usage(format!(
                "--findings {} is or is inside the input {}; logscrub never writes into its input",
                findings.display(),
                inp.display()
            )));
        }
    }
    for (what, other) in [("--report", report), ("--map", map)] {
        if other.is_some_and(|o| absolute(o) == absolute(findings)) {
            return Err(Error::Usage(format!(
                "--findings and {what} must be different files"
            )));
        }
    }
    Ok(())
}

/// Fails unless `dir` is a folder in which a new file can be made (tried
/// with a temporary file that is removed at once).
fn writable_folder(what: &str, dest: &Path, dir: &Path) -> Result<()> {
    let refuse = |why: String| {
        Err(Error::Usage(format!(
            "{what} {}: cannot be written: {why}",
            dest.display()
        )))
    };
    if !dir.is_dir() {
        return refuse(format!("no folder {}", dir.display()));
    }
    match tempfile::Builder::new()
        .prefix(".logscrub-")
        .suffix(".tmp")
        .tempfile_in(dir)
    {
        Ok(probe) => {
            drop(probe);
            Ok(())
        }
        Err(e) => refuse(format!("{}: {}", dir.display(), e.kind())),
    }
}

/// `p` made absolute, with its longest existing ancestor resolved (links,
/// `..`) and the rest appended as written.
fn absolute(p: &Path) -> PathBuf {
    let base = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut rest = Vec::new();
    let mut cur = base.as_path();
    loop {
        if let Ok(c) = cur.canonicalize() {
            let mut out = c;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return out;
        }
        match (cur.parent(), cur.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                cur = parent;
            }
            _ => return base,
        }
    }
}

/// The key from `--key-file`, else `LOGSCRUB_KEY`, else random.
pub fn load_key(file: Option<&Path>, env: Option<&std::ffi::OsStr>) -> Result<(Key, KeySource)> {
    if let Some(path) = file {
        let bytes = std::fs::read(path)
            .map_err(|e| Error::Key(format!("{}: cannot read: {e}", path.display())))?;
        let key = Key::from_material(&bytes).map_err(|e| match e {
            Error::Key(m) => Error::Key(format!("{}: {m}", path.display())),
            other => other,
        })?;
        return Ok((key, KeySource::File));
    }
    if let Some(v) = env {
        let bytes = v.as_encoded_bytes();
        let key = Key::from_material(bytes).map_err(|e| match e {
            Error::Key(m) => Error::Key(format!("{KEY_ENV}: {m}")),
            other => other,
        })?;
        return Ok((key, KeySource::Env));
    }
    Ok((Key::random()?, KeySource::Random))
}

/// True when `a` and `b` name the same existing file, or would once `b` is
/// created (same canonical path).
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(ma), Ok(mb)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return ma.dev() == mb.dev() && ma.ino() == mb.ino();
        }
    }
    match (a.canonicalize(), canonical_target(b)) {
        (Ok(x), Some(y)) => x == y,
        _ => false,
    }
}

fn canonical_target(p: &Path) -> Option<PathBuf> {
    if let Ok(c) = p.canonicalize() {
        return Some(c);
    }
    let parent = match p.parent() {
        Some(x) if !x.as_os_str().is_empty() => x,
        _ => Path::new("."),
    };
    Some(parent.canonicalize().ok()?.join(p.file_name()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn key_precedence_and_length() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("k");
        std::fs::write(&f, b"0123456789abcdefXYZ").unwrap();
        let (_, src) = load_key(Some(&f), Some(OsStr::new("ignored-because-file-wins"))).unwrap();
        assert_eq!(src, KeySource::File);
        let (_, src) = load_key(None, Some(OsStr::new("0123456789abcdef"))).unwrap();
        assert_eq!(src, KeySource::Env);
        let (_, src) = load_key(None, None).unwrap();
        assert_eq!(src, KeySource::Random);
        let e = load_key(None, Some(OsStr::new("short-secret"))).unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("LOGSCRUB_KEY") && !msg.contains("short-secret"),
            "{msg}"
        );
        std::fs::write(&f, b"tiny").unwrap();
        let msg = load_key(Some(&f), None).unwrap_err().to_string();
        assert!(
            msg.contains("at least 16") && !msg.contains("tiny"),
            "{msg}"
        );
    }

    #[test]
    fn same_file_detects_links_and_new_files() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.log");
        std::fs::write(&a, b"x").unwrap();
        assert!(same_file(&a, &dir.path().join(".").join("a.log")));
        assert!(!same_file(&a, &dir.path().join("b.log")));
    }
}
