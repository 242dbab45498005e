//! The command line: clap derive types and nothing else. Turning these into
//! a validated configuration is [`crate::config`]'s job.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::config::LearnMode;

const EXAMPLES: &str = "\
Examples:
  logscrub atlassian-bitbucket.log > redacted.log
  logscrub -o redacted.log atlassian-bitbucket.log
  logscrub -o redacted.zip --report report.json support.zip
  logscrub --check redacted.zip && upload redacted.zip
  logscrub --check -v --findings findings.sarif support.zip
  tail -f catalina.out | logscrub
  logscrub --key-file ~/.logscrub-key app.log          # same tokens across runs
  logscrub learn -o names.dict --key-file ~/.logscrub-key bundle-a/
  logscrub --key-file ~/.logscrub-key --dictionary names.dict -o out/ bundle-b/
  logscrub rules list
  logscrub rules check my-rules.toml";

/// Strip sensitive data from console logs.
///
/// Every e-mail address, host name, IP and MAC address, user name, token,
/// password and private key that a rule finds is replaced by a typed,
/// consistent pseudonym such as <USER-5f0c2e9a1b7d3c8e41>. Everything else comes
/// through byte for byte, and each input line stays one output line.
///
/// With no INPUT (or `-`), logscrub reads stdin and writes stdout, as a pipe
/// filter; a terminal on stdin is read too (paste, then Ctrl-D).
#[derive(Debug, Parser)]
#[command(
    name = "logscrub",
    version,
    max_term_width = 100,
    after_help = EXAMPLES
)]
pub struct Cli {
    /// Log files, folders, .gz files, .zip/.tar/.tar.gz/.tgz archives to
    /// redact; `-` or none reads stdin.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// Write the redacted copy to PATH instead of stdout (`-` is stdout).
    ///
    /// For one file, PATH is a file of the same kind (`-o redacted.zip
    /// support.zip`; a .gz stays a .gz). For a folder, PATH is a folder that
    /// gets the same tree. Several inputs go into the folder PATH, which must
    /// be written with a trailing `/` or exist. Every file appears only when
    /// complete; on error nothing of it is left behind. PATH may not be an
    /// input or inside an input folder.
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,

    /// Worker threads (default: all cores).
    #[arg(short = 'j', long, global = true, value_name = "NUM", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,

    /// Load rules from a TOML file, or from every *.toml file in a folder.
    ///
    /// Added to the built-in rules; repeat for more files.
    #[arg(long = "rules", value_name = "PATH", global = true)]
    pub rules: Vec<PathBuf>,

    /// Leave out the built-in rules (use only --rules files).
    #[arg(long, global = true)]
    pub no_default_rules: bool,

    /// Keep the values and domains listed in FILE (one per line; `*.domain`
    /// for a domain and its subdomains).
    ///
    /// An entry exempts only findings whose whole value it matches; it never
    /// silences another finding on the same line. Repeat for more files.
    #[arg(long = "allow", value_name = "FILE", global = true)]
    pub allow: Vec<PathBuf>,

    /// Replace each word or phrase listed in FILE wherever it appears, in
    /// any case, also inside paths and identifiers, as <KEYWORD-...>.
    ///
    /// One entry a line, `#` comments (the format of --allow); a phrase's
    /// spaces also match `-`, `_`, `.` or nothing. For company names,
    /// product code names, project keys. Repeat for more files.
    #[arg(long = "keywords", value_name = "FILE", global = true)]
    pub keywords: Vec<PathBuf>,

    /// Leave out the built-in allow list of public services.
    ///
    /// By default documentation, vendor, standards, registry and certificate
    /// authority hosts (`docs.atlassian.com`, `www.w3.org`, `repo1.maven.org`)
    /// and public no-reply addresses stay readable; with this flag they are
    /// redacted like any other value.
    #[arg(long, global = true)]
    pub no_default_allow: bool,

    /// Pseudonym key: the file's bytes (at least 16) key the token hashes.
    ///
    /// The same key gives the same tokens in every run and on every machine.
    /// Without it, LOGSCRUB_KEY is used; without that, a random key makes
    /// tokens consistent within this run only.
    #[arg(long, value_name = "PATH", global = true)]
    pub key_file: Option<PathBuf>,

    /// Also replace the values of a dictionary FILE made by `logscrub
    /// learn`, wherever they appear (repeatable; the files merge).
    ///
    /// The file holds keyed hashes, no values: it needs the key it was made
    /// with (--key-file or LOGSCRUB_KEY), and a file made with another key
    /// is refused. Each value gets the token it would get had this run
    /// learned it.
    #[arg(long = "dictionary", value_name = "FILE", global = true)]
    pub dictionary: Vec<PathBuf>,
    /// Write every token in the plain form `<LABEL-5f0c2e9a1b7d3c8e41>`.
    ///
    /// By default address, host and e-mail tokens keep structure: addresses
    /// of one subnet share leading groups (`<IPV4-3f-2a-77-ab>`), hosts and
    /// e-mail addresses of one domain share its groups and keep the public
    /// or private suffix (`<HOST-5f0c2e9a1b7d3c8e41.7d41e0a3.internal>`).
    #[arg(long)]
    pub plain_tokens: bool,

    /// Longest line accepted (bytes; K, M, G, KiB, MiB, GiB suffixes).
    ///
    /// A longer line stops the run with an error (exit 3); nothing of it is
    /// written.
    #[arg(long, value_name = "BYTES", value_parser = parse_bytes, default_value = "16MiB")]
    pub max_line_bytes: usize,

    /// Replace host names found in a reliable position (URL, `user@host`,
    /// syslog host column) also where they appear bare.
    ///
    /// auto: files get a first pass so names are replaced everywhere; on a
    /// pipe, from where they are first found on. stream: never a first pass.
    /// off: only the reliable positions themselves.
    #[arg(long, value_name = "MODE", value_enum, default_value_t = LearnMode::Auto)]
    pub learn: LearnMode,

    /// Most values one dictionary of learned values may hold (see --learn).
    ///
    /// Past it nothing more is learned, with one warning: what is known is
    /// still replaced everywhere, and a new value is still redacted where a
    /// rule finds it, only not searched for elsewhere. Each value costs
    /// about 150 bytes of memory.
    #[arg(long, value_name = "NUM", global = true, default_value_t = crate::redact::learn::DEFAULT_CAP)]
    pub max_learned: usize,

    /// Flush output after every line that arrives.
    #[arg(long)]
    pub line_buffered: bool,

    /// Size of the chunks the input is cut into for the worker threads.
    #[arg(long, value_name = "BYTES", value_parser = parse_bytes, default_value = "1MiB", hide = true)]
    pub chunk_bytes: usize,

    /// Write nothing; exit 1 if anything would be redacted, 0 if clean.
    ///
    /// "Anything" is a value in a file, a file or folder name, or a binary
    /// file that would be left out: a gate for upload scripts.
    #[arg(long, conflicts_with_all = ["output", "map"])]
    pub check: bool,

    /// Write one record per value found to PATH: file, line, byte columns,
    /// rule, label and token, never the value.
    ///
    /// JSON Lines, or SARIF 2.1.0 for a `.sarif` PATH or with
    /// `--findings-format sarif`. With --check or a normal run; the file
    /// appears only when complete. `-` is stdout, with --check or -o.
    #[arg(long, value_name = "PATH")]
    pub findings: Option<PathBuf>,

    /// Format of the --findings file (default: by its extension).
    #[arg(long, value_name = "FORMAT", value_enum, requires = "findings")]
    pub findings_format: Option<crate::report::findings::Format>,

    /// List every value found on stderr, one line each:
    /// `file:line:column rule token`.
    #[arg(short, long)]
    pub verbose: bool,

    /// Write a JSON report to PATH: per file and per rule counts, lines
    /// changed, bytes, duration, files left out and why.
    ///
    /// The report holds no value from the input.
    #[arg(long, value_name = "PATH")]
    pub report: Option<PathBuf>,

    /// Write each token and the original value it replaced to PATH (mode
    /// 0600), for your own use.
    ///
    /// The map undoes the redaction: never upload it. It may not go into
    /// the output.
    #[arg(long, value_name = "PATH")]
    pub map: Option<PathBuf>,

    /// What to do with binary files (heap dumps, images, classes, NUL bytes).
    #[arg(long, value_name = "POLICY", value_enum, default_value_t = Binary::Skip)]
    pub binary: Binary,

    /// Redact only files matching GLOB (repeatable).
    ///
    /// A glob without `/` matches file names in any folder (`*.log`); one
    /// with `/` matches the path inside the input (`application-logs/**`).
    /// Others are left out and named in the report; archives are always
    /// opened so their files can match.
    #[arg(long, value_name = "GLOB", global = true)]
    pub include: Vec<String>,

    /// Leave out files matching GLOB, or in a folder matching it
    /// (repeatable; wins over --include).
    #[arg(long, value_name = "GLOB", global = true)]
    pub exclude: Vec<String>,

    /// Deepest nesting of archives and .gz files opened (a .gz in a .tar.gz
    /// in a .zip is 3).
    #[arg(long, value_name = "NUM", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=32))]
    pub max_depth: u32,

    /// Most bytes one input may unpack to, all archives in it together.
    #[arg(long, value_name = "BYTES", value_parser = parse_bytes, default_value = "64GiB")]
    pub max_unpacked: usize,

    /// Largest compression ratio a stream may have once past 16 MiB
    /// unpacked (zip bomb guard; the default is more than deflate can reach,
    /// so that floods of one repeated line pass).
    #[arg(long, value_name = "NUM", default_value_t = crate::bundle::limits::DEFAULT_MAX_RATIO, value_parser = clap::value_parser!(u64).range(2..))]
    pub max_ratio: u64,

    /// No summary on stderr and no progress bar; errors still show.
    #[arg(short, long)]
    pub quiet: bool,

    /// When to colour messages on stderr: auto, always or never.
    ///
    /// auto colours a terminal unless NO_COLOR is set. Redacted data on
    /// stdout is never coloured.
    #[arg(long, value_name = "WHEN", value_enum, default_value_t = ColorWhen::Auto, global = true)]
    pub color: ColorWhen,

    /// Subcommands.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// `--binary`: what happens to files that are not text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Binary {
    /// Leave them out of the output and name them in the summary and report.
    Skip,
    /// Stop with an error (exit 3).
    Fail,
    /// Redact them as bytes, like text, and keep them.
    Scan,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorWhen {
    /// Colour a terminal, unless NO_COLOR is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// True when NO_COLOR is set to something non-empty (<https://no-color.org>).
fn no_color_set() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

impl ColorWhen {
    /// The `--color` value given in `args`, if any (read before clap parses
    /// them, so that clap's own messages follow it).
    pub fn from_args<I: IntoIterator<Item = std::ffi::OsString>>(args: I) -> Option<ColorWhen> {
        let mut it = args.into_iter();
        let mut value = None;
        while let Some(a) = it.next() {
            let a = a.to_string_lossy().into_owned();
            if a == "--" {
                break;
            }
            if let Some(v) = a.strip_prefix("--color=") {
                value = Some(v.to_owned());
            } else if a == "--color" {
                value = it.next().map(|v| v.to_string_lossy().into_owned());
            }
        }
        match value.as_deref() {
            Some("always") => Some(ColorWhen::Always),
            Some("never") => Some(ColorWhen::Never),
            Some("auto") => Some(ColorWhen::Auto),
            _ => None,
        }
    }

    /// True when logscrub's own messages on stderr are coloured: `always`,
    /// or `auto` with stderr a terminal and NO_COLOR unset or empty.
    pub fn stderr_colored(self) -> bool {
        use std::io::IsTerminal;
        match self {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => !no_color_set() && std::io::stderr().is_terminal(),
        }
    }

    /// The matching clap setting; `auto` also honours NO_COLOR.
    pub fn to_clap(self) -> clap::ColorChoice {
        match self {
            ColorWhen::Always => clap::ColorChoice::Always,
            ColorWhen::Never => clap::ColorChoice::Never,
            ColorWhen::Auto if no_color_set() => clap::ColorChoice::Never,
            ColorWhen::Auto => clap::ColorChoice::Auto,
        }
    }
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List or check the rules.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Run the learning pass only, and write what it learned as a
    /// dictionary of keyed hashes (no values) for --dictionary.
    ///
    /// Every file of the INPUTs (folders and archives opened) is scanned,
    /// nothing is written but FILE. Needs a key (--key-file or
    /// LOGSCRUB_KEY). --dictionary files given are merged in: with no
    /// INPUT, `learn` merges dictionaries. Fails (exit 3, no FILE) when an
    /// input cannot be read.
    Learn {
        /// The dictionary to write.
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
        /// Log files, folders, .gz files and archives to learn from.
        #[arg(value_name = "INPUT")]
        inputs: Vec<PathBuf>,
    },
    /// Make a pseudonym key.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    ///
    /// For example: `logscrub completions bash > /etc/bash_completion.d/logscrub`.
    Completions {
        /// The shell.
        #[arg(value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `logscrub man > logscrub.1`; with
    /// DIR, write it and the pages of the subcommands (`logscrub-rules.1`,
    /// ...) into DIR instead.
    Man {
        /// A folder for all the pages.
        #[arg(value_name = "DIR")]
        dir: Option<std::path::PathBuf>,
    },
}

/// `logscrub key ...`
#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Print a new random key (32 bytes from the operating system, base64,
    /// no final newline): `logscrub key new > ~/.logscrub-key`.
    ///
    /// Refuses to print to a terminal. Keep the file private (`chmod 600`);
    /// use it with --key-file or LOGSCRUB_KEY="$(cat FILE)".
    New,
}

/// `logscrub rules ...`
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the rules that a run would use (built-in plus --rules).
    List,
    /// Run every rule's examples and negative examples.
    ///
    /// Checks the built-in rules (unless --no-default-rules), the --rules
    /// files, and the PATHs given here. Exits 2 if any example fails.
    Check {
        /// More rule files or folders to check.
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
}

/// The manual page's sections that clap does not make: EXIT STATUS and
/// ENVIRONMENT, in roff, appended to the page of `logscrub`.
pub const MAN_EXTRA: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
Success; with \fB\-\-check\fR, nothing to redact. Also when stdout is closed early (a broken pipe).
.TP
\fB1\fR
\fB\-\-check\fR found something that would be redacted.
.TP
\fB2\fR
Usage or configuration error: a bad flag, rule file or key; a failed \fBrules check\fR; a destination that cannot be written (checked before any input is read).
.TP
\fB3\fR
An input could not be read or redacted, or an output not written; nothing partial of it was kept.
.TP
\fB130\fR, \fB143\fR, \fB129\fR
Stopped by Ctrl\-C (SIGINT), SIGTERM or SIGHUP (128 + the signal's number); temporary output files are removed.
.SH ENVIRONMENT
.TP
\fBLOGSCRUB_KEY\fR
Pseudonym key material (at least 16 bytes), used when \fB\-\-key\-file\fR is not given: the same key gives the same tokens in every run.
.TP
\fBNO_COLOR\fR
When set and not empty, \fB\-\-color auto\fR does not colour messages (https://no\-color.org).
"#;

/// Parses `4096`, `64K`, `1MiB`, `16M`, `2G`.
pub fn parse_bytes(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: usize = num
        .parse()
        .map_err(|_| format!("`{s}` is not a size (e.g. 4096, 64K, 16MiB)"))?;
    let mult: usize = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return Err(format!("`{s}`: unknown unit (use K, M, G, KiB, MiB, GiB)")),
    };
    let v = n
        .checked_mul(mult)
        .ok_or_else(|| format!("`{s}` is too large"))?;
    if v == 0 {
        return Err("size must be at least 1 byte".into());
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn color_is_found_before_parsing() {
        let args = |v: &[&str]| v.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        assert_eq!(
            ColorWhen::from_args(args(&["logscrub", "--color=never"])),
            Some(ColorWhen::Never)
        );
        assert_eq!(
            ColorWhen::from_args(args(&["logscrub", "--color", "always", "x"])),
            Some(ColorWhen::Always)
        );
        assert_eq!(
            ColorWhen::from_args(args(&["logscrub", "--", "--color=never"])),
            None
        );
        assert_eq!(ColorWhen::from_args(args(&["logscrub", "x.log"])), None);
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_bytes("4096"), Ok(4096));
        assert_eq!(parse_bytes("64K"), Ok(64 << 10));
        assert_eq!(parse_bytes("16MiB"), Ok(16 << 20));
        assert_eq!(parse_bytes("1g"), Ok(1 << 30));
        assert!(parse_bytes("0").is_err());
        assert!(parse_bytes("12X").is_err());
        assert!(parse_bytes("M").is_err());
    }
}
