//! The one error type of the library, and how each kind maps to an exit code.
//!
//! Every variant carries the context a user needs to act (a file, a rule id,
//! a line number) and never a byte of the data being redacted: messages name
//! positions, not values. Rule patterns and ids are not secret and may appear.

use std::io;
use std::path::PathBuf;

/// What went wrong, with enough context to say where.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A rule file could not be read or parsed as a whole (TOML syntax, bad
    /// top-level key).
    #[error("{}: {reason}", path.display())]
    RuleFile {
        /// The rule file (`<embedded>/name.toml` for the built-in set).
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },

    /// One rule in a rule file is invalid: unknown key, bad regex, bad
    /// validator, duplicate id, ...
    #[error("{}: rule {id}: {reason}", path.display())]
    Rule {
        /// The rule file.
        path: PathBuf,
        /// The rule's id (or its position when it has none).
        id: String,
        /// What is wrong.
        reason: String,
    },

    /// Rule examples did not redact as their rule says (`logscrub rules check`).
    #[error("{failures} rule example(s) failed")]
    RuleCheck {
        /// How many examples failed.
        failures: usize,
    },

    /// The pseudonym key could not be loaded.
    #[error("key: {0}")]
    Key(String),

    /// Bad combination of options or arguments.
    #[error("{0}")]
    Usage(String),

    /// An input could not be read.
    #[error("{}: {source}", path.display())]
    Input {
        /// The input (`-` for stdin).
        path: PathBuf,
        /// The underlying I/O error.
        source: io::Error,
    },

    /// A line is longer than `--max-line-bytes`; nothing of it was written.
    #[error(
        "{}: line {line} is longer than {limit} bytes (see --max-line-bytes); output stops before it",
        path.display()
    )]
    LongLine {
        /// The input.
        path: PathBuf,
        /// 1-based line number.
        line: u64,
        /// The limit that was exceeded.
        limit: usize,
    },

    /// Processing a chunk of input failed unexpectedly (a bug); the chunk was
    /// not written.
    #[error(
        "{}: internal error while redacting near line {line}; output stops before it",
        path.display()
    )]
    Internal {
        /// The input.
        path: PathBuf,
        /// 1-based line number of the first line of the failed chunk.
        line: u64,
    },

    /// The output could not be written.
    #[error("{}: cannot write: {source}", path.display())]
    Output {
        /// The output (`-` for stdout).
        path: PathBuf,
        /// The underlying I/O error.
        source: io::Error,
    },

    /// A bundle, or a file in one, cannot be redacted: a hostile or damaged
    /// archive, nesting too deep, binary content under `--binary fail`.
    /// Nothing of the output file it belongs to was kept.
    #[error("{}: {problem}", path.display())]
    Bundle {
        /// The file, redacted path (`support.zip/logs/a.log`).
        path: PathBuf,
        /// What is wrong, without any value.
        problem: String,
    },

    /// Two different values of one label were given the same token: the
    /// output is redacted, but that token is ambiguous.
    #[error(
        "two different values were given the same token {token}; the output is redacted, \
         but that token stands for both. Run again with another key (`logscrub key new > FILE`)"
    )]
    Collision {
        /// The token (never a value).
        token: String,
    },

    /// The run was interrupted (Ctrl-C).
    #[error("interrupted")]
    Interrupted,
}

/// `Result` with the crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Exit codes, documented in the README.
pub mod exit {
    /// Success (and, with `--check`, nothing to redact).
    pub const OK: i32 = 0;
    /// `--check` found something that would be redacted.
    pub const FINDINGS: i32 = 1;
    /// Usage or configuration error: bad flag, bad rule file, bad key.
    pub const USAGE: i32 = 2;
    /// An input could not be read or processed, or the output not written;
    /// nothing partial of that input was kept.
    pub const INPUT: i32 = 3;
    /// Interrupted by Ctrl-C.
    pub const INTERRUPTED: i32 = 130;
}

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::RuleFile { .. }
            | Error::Rule { .. }
            | Error::RuleCheck { .. }
            | Error::Key(_)
            | Error::Usage(_) => exit::USAGE,
            Error::Input { .. }
            | Error::LongLine { .. }
            | Error::Internal { .. }
            | Error::Bundle { .. }
            | Error::Collision { .. }
            | Error::Output { .. } => exit::INPUT,
            Error::Interrupted => exit::INTERRUPTED,
        }
    }

    /// This error, with a write error naming `output` (what could not be
    /// written) rather than the input that was being redacted into it.
    pub fn at_output(self, output: &std::path::Path) -> Error {
        match self {
            Error::Output { source, .. } => Error::Output {
                path: output.to_path_buf(),
                source,
            },
            other => other,
        }
    }

    /// True when this error is a closed stdout (`logscrub big.log | head`),
    /// which ends the run quietly with success.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output { source, .. } if source.kind() == io::ErrorKind::BrokenPipe)
    }
}
