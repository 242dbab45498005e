//! Turning command-line flags and the environment into a validated
//! [`Config`]: inputs, output, threads, rules, key. All checks that can fail
//! before any data is read happen here.

use std::path::{Path, PathBuf};

use crate::cli::Cli;
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
    /// Pipeline settings.
    pub pipeline: pipeline::Options,
    /// Learned host names.
    pub learn: LearnMode,
}

impl Config {
    /// Resolves `cli` against the environment (`LOGSCRUB_KEY`).
    pub fn from_cli(cli: &Cli) -> Result<Config> {
        let env_key = std::env::var_os(KEY_ENV);
        let (key, key_source) = load_key(cli.key_file.as_deref(), env_key.as_deref())?;
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
        if let Some(out) = &cli.output {
            if inputs.len() > 1 {
                return Err(Error::Usage(
                    "-o/--output takes one input; redact several files one at a time or concatenate them on stdout".into(),
                ));
            }
            if out.as_os_str() == "-" {
                return Err(Error::Usage("-o -: leave out -o to write to stdout".into()));
            }
            for i in &inputs {
                if let Input::Path(p) = i
                    && same_file(p, out)
                {
                    return Err(Error::Usage(format!(
                        "output {} is the input; logscrub never writes over its input",
                        out.display()
                    )));
                }
            }
            if out.is_dir() {
                return Err(Error::Usage(format!(
                    "output {} is a folder; give a file name",
                    out.display()
                )));
            }
        }
        let threads = match cli.threads {
            Some(n) => usize::from(n),
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        };
        Ok(Config {
            inputs,
            output: cli.output.clone(),
            threads,
            rules: LoadOptions {
                no_defaults: cli.no_default_rules,
                paths: cli.rules.clone(),
                allow: cli.allow.clone(),
            },
            key,
            key_source,
            pipeline: pipeline::Options {
                chunk_bytes: cli.chunk_bytes,
                max_line_bytes: cli.max_line_bytes,
                line_buffered: cli.line_buffered,
                interrupt: None,
            },
            learn: cli.learn,
        })
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
