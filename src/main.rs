//! The `logscrub` binary: parse flags, run, map the outcome to an exit code.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::{CommandFactory, FromArgMatches};

use logscrub::cli::{Cli, ColorWhen, Command, KeyCommand, RulesCommand};
use logscrub::config::{Config, Target};
use logscrub::error::{Error, Result, exit};
use logscrub::report::run::RunReport;
use logscrub::rules::{LoadOptions, RuleSet, check};

fn main() -> ExitCode {
    // First, before any thread starts: every thread inherits the mask that
    // leaves the stop signals to the one thread that waits for them.
    let stop = Stop::install();
    // A panic message must never carry input bytes to stderr; say where it
    // happened and nothing else.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("logscrub: internal error{at}; please report it");
    }));
    let color = ColorWhen::from_args(std::env::args_os()).unwrap_or(ColorWhen::Auto);
    let parsed = Cli::command()
        .color(color.to_clap())
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => e.exit(), // --help, --version
        Err(e) => {
            // Usage errors carry the prefix of every logscrub message.
            let paint = Paint::new(color);
            let text = if paint.on {
                e.render().ansi().to_string()
            } else {
                e.render().to_string()
            };
            // clap's own `error:` (styled or not) gives way to the prefix.
            let text = match text.find("error:") {
                Some(i) if i < 16 => {
                    let rest = &text[i + "error:".len()..];
                    let rest = rest.strip_prefix("\x1b[0m").unwrap_or(rest);
                    rest.strip_prefix(' ').unwrap_or(rest)
                }
                _ => &text,
            };
            eprint!("{} {text}", paint.error());
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    let paint = Paint::new(cli.color);
    // A panic anywhere in the run (a bug, or a bound such as the rounds of
    // re-scanning a line) unwinds to here: temporary files are removed on
    // the way, the hook above has said where, and the exit code is that of
    // a failed input (3), not the runtime's 101.
    let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(&cli, &paint, &stop)));
    let Ok(ran) = ran else {
        return ExitCode::from(u8::try_from(exit::INPUT).unwrap_or(1));
    };
    let code = match ran {
        Ok(code) => code,
        Err(e) if e.is_broken_pipe() => exit::OK,
        Err(Error::Interrupted) => {
            let signal = stop.signal();
            eprintln!("{} interrupted ({})", paint.error(), signal.name);
            128 + signal.number
        }
        Err(e) => {
            eprintln!("{} {e}", paint.error());
            e.exit_code()
        }
    };
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

/// How logscrub's own messages look on stderr (`--color`): the `logscrub:`
/// prefix is red for errors and cyan for notes. Redacted data on
/// stdout is never coloured.
struct Paint {
    on: bool,
}

impl Paint {
    fn new(when: ColorWhen) -> Paint {
        Paint {
            on: when.stderr_colored(),
        }
    }

    fn prefix(&self, color: anstyle::AnsiColor) -> String {
        if self.on {
            let style = anstyle::Style::new().bold().fg_color(Some(color.into()));
            format!("{style}logscrub:{style:#}")
        } else {
            "logscrub:".to_owned()
        }
    }

    fn error(&self) -> String {
        self.prefix(anstyle::AnsiColor::Red)
    }

    fn note(&self) -> String {
        self.prefix(anstyle::AnsiColor::Cyan)
    }
}

fn run(cli: &Cli, paint: &Paint, stop: &Stop) -> Result<i32> {
    // Global flags (--rules, --allow, --no-default-rules, --color) may come
    // before a subcommand; the flags of a redaction run may not.
    if cli.command.is_some()
        && (!cli.inputs.is_empty()
            || cli.output.is_some()
            || cli.check
            || cli.report.is_some()
            || cli.findings.is_some()
            || cli.map.is_some())
    {
        return Err(Error::Usage(
            "inputs, -o, --check, --report, --findings and --map belong to a redaction run, not to a subcommand"
                .into(),
        ));
    }
    match &cli.command {
        Some(Command::Rules(cmd)) => rules(cli, cmd, paint),
        Some(Command::Learn { output, inputs }) => {
            let interrupted = stop.arm();
            let mut config = Config::for_learn(cli, inputs, output)?;
            config.set_interrupt(Arc::clone(&interrupted));
            let report = logscrub::learn(&config, output)?;
            if interrupted.load(Ordering::SeqCst) {
                return Err(Error::Interrupted);
            }
            for f in &report.errors {
                eprintln!("{} {}", paint.error(), f.message);
            }
            if report.errors.is_empty() {
                Ok(exit::OK)
            } else {
                eprintln!(
                    "{} no dictionary written: an input could not be read whole",
                    paint.error()
                );
                Ok(exit::INPUT)
            }
        }
        Some(Command::Key(KeyCommand::New)) => {
            use std::io::IsTerminal;
            let mut out = std::io::stdout().lock();
            if out.is_terminal() {
                return Err(Error::Usage(
                    "key new writes the key to stdout, which is a terminal here; \
                     redirect it into a file: logscrub key new > ~/.logscrub-key"
                        .into(),
                ));
            }
            let key = logscrub::redact::pseudonym::Key::new_material()?;
            out.write_all(key.as_bytes())
                .and_then(|()| out.flush())
                .map_err(|e| Error::Output {
                    path: "-".into(),
                    source: e,
                })?;
            Ok(exit::OK)
        }
        Some(Command::Completions { shell }) => {
            let mut out = std::io::stdout().lock();
            clap_complete::generate(*shell, &mut Cli::command(), "logscrub", &mut out);
            Ok(exit::OK)
        }
        Some(Command::Man { dir: Some(dir) }) => {
            let page = dir.join("logscrub.1");
            let out_err = |path: &std::path::Path| {
                let path = path.to_path_buf();
                move |e| Error::Output { path, source: e }
            };
            clap_mangen::generate_to(Cli::command(), dir).map_err(out_err(dir))?;
            std::fs::OpenOptions::new()
                .append(true)
                .open(&page)
                .and_then(|mut f| f.write_all(logscrub::cli::MAN_EXTRA.as_bytes()))
                .map_err(out_err(&page))?;
            Ok(exit::OK)
        }
        Some(Command::Man { dir: None }) => {
            let mut out = std::io::stdout().lock();
            clap_mangen::Man::new(Cli::command())
                .render(&mut out)
                .and_then(|()| out.write_all(logscrub::cli::MAN_EXTRA.as_bytes()))
                .map_err(|e| Error::Output {
                    path: "-".into(),
                    source: e,
                })?;
            Ok(exit::OK)
        }
        None => {
            // From here on a stop signal lets the run unwind, removing the
            // temporary files it made; before, it ends the process at once.
            let interrupted = stop.arm();
            let mut config = Config::from_cli(cli)?;
            config.set_interrupt(Arc::clone(&interrupted));
            if let Some(why) = config.key_weakness {
                let from = match config.key_source {
                    logscrub::config::KeySource::Env => "LOGSCRUB_KEY",
                    _ => "--key-file",
                };
                eprintln!(
                    "{} warning: the key from {from} looks weak ({why}): tokens of guessable \
                     values could be confirmed by whoever guesses the key too; make a strong \
                     one with `logscrub key new > FILE`",
                    paint.note()
                );
            }
            // A terminal on stdin is read, so a stack trace can be pasted;
            // one line says so, in case logscrub was started by mistake.
            if logscrub::reads_terminal(&config) && !config.quiet {
                eprintln!(
                    "{} reading stdin (a terminal); Ctrl-D ends, Ctrl-C stops; see --help for files",
                    paint.note()
                );
            }
            let report = logscrub::run(&config);
            if logscrub::redact::learn::cap_reached() {
                eprintln!(
                    "{} warning: the dictionary of learned values is full (--max-learned {}): \
                     values found after that are still redacted where a rule finds them, \
                     but not searched for elsewhere",
                    paint.note(),
                    config.max_learned
                );
            }
            let report = report?;
            if interrupted.load(Ordering::SeqCst) {
                return Err(Error::Interrupted);
            }
            Ok(finish(&config, &report, paint))
        }
    }
}

/// A stop signal, as the exit code and the message give it.
#[derive(Clone, Copy)]
struct Signal {
    number: i32,
    name: &'static str,
}

/// Ctrl-C (SIGINT) by default: what a stop without a known signal was.
const SIGINT: Signal = Signal {
    number: 2,
    name: "SIGINT",
};

/// How SIGINT (Ctrl-C), SIGTERM and SIGHUP stop logscrub. Once the run is
/// armed ([`Stop::arm`]) the first one sets a flag: the pipeline stops
/// between chunks, temporary output files are deleted as the run unwinds,
/// and the exit code is 128 + the signal's number (130, 143, 129). A second
/// one, or one before the run is armed, ends the process at once with that
/// code.
struct Stop {
    flag: Arc<AtomicBool>,
    armed: Arc<AtomicBool>,
    signal: Arc<std::sync::atomic::AtomicI32>,
}

impl Stop {
    fn install() -> Stop {
        let stop = Stop {
            flag: Arc::new(AtomicBool::new(false)),
            armed: Arc::new(AtomicBool::new(false)),
            signal: Arc::new(std::sync::atomic::AtomicI32::new(0)),
        };
        stop.listen();
        stop
    }

    /// Makes the next stop signal set the returned flag instead of ending
    /// the process.
    fn arm(&self) -> Arc<AtomicBool> {
        self.armed.store(true, Ordering::SeqCst);
        Arc::clone(&self.flag)
    }

    /// The signal that stopped the run.
    fn signal(&self) -> Signal {
        signal_named(self.signal.load(Ordering::SeqCst)).unwrap_or(SIGINT)
    }

    /// What a stop signal does: the first, once armed, sets the flag; any
    /// other ends the process.
    fn on_signal(
        flag: &AtomicBool,
        armed: &AtomicBool,
        seen: &std::sync::atomic::AtomicI32,
        n: i32,
    ) {
        if !armed.load(Ordering::SeqCst) || flag.load(Ordering::SeqCst) {
            std::process::exit(128 + n);
        }
        seen.store(n, Ordering::SeqCst);
        flag.store(true, Ordering::SeqCst);
    }

    /// Blocks the stop signals in this thread (and so in every thread
    /// started after it) and starts the one thread that waits for them.
    #[cfg(unix)]
    fn listen(&self) {
        use nix::sys::signal::{SigSet, Signal as Sig};
        let mut set = SigSet::empty();
        for s in [Sig::SIGINT, Sig::SIGTERM, Sig::SIGHUP] {
            set.add(s);
        }
        // If the signals cannot be blocked they keep their default effect
        // (the process ends; a temporary file is left for the OS to reap).
        if set.thread_block().is_err() {
            return;
        }
        let (flag, armed, seen) = (
            Arc::clone(&self.flag),
            Arc::clone(&self.armed),
            Arc::clone(&self.signal),
        );
        let spawned = std::thread::Builder::new()
            .name("logscrub-signals".into())
            .spawn(move || {
                while let Ok(sig) = set.wait() {
                    Stop::on_signal(&flag, &armed, &seen, sig as i32);
                }
            });
        if spawned.is_err() {
            let _ = set.thread_unblock();
        }
    }

    /// Ctrl-C only, where there are no Unix signals.
    #[cfg(not(unix))]
    fn listen(&self) {
        let (flag, armed, seen) = (
            Arc::clone(&self.flag),
            Arc::clone(&self.armed),
            Arc::clone(&self.signal),
        );
        let _ = ctrlc::set_handler(move || Stop::on_signal(&flag, &armed, &seen, SIGINT.number));
    }
}

/// The stop signal numbered `n`.
fn signal_named(n: i32) -> Option<Signal> {
    let name = match n {
        1 => "SIGHUP",
        2 => "SIGINT",
        15 => "SIGTERM",
        _ => return None,
    };
    Some(Signal { number: n, name })
}

/// Tells what happened on stderr and picks the exit code: 3 if anything
/// failed (or a file was left out of stdout), else 1 if `--check` found
/// something, else 0.
fn finish(config: &Config, report: &RunReport, paint: &Paint) -> i32 {
    let mut err = std::io::stderr().lock();
    for f in &report.errors {
        let _ = writeln!(err, "{} {}", paint.error(), f.message);
    }
    // On stdout a file left out is missing from the one stream the user
    // gets, which looks like success: it is an error (exit 3).
    if config.verbose {
        let _ = write!(
            err,
            "{}",
            logscrub::report::findings::to_text(&report.findings)
        );
    }
    let left_out_of_stdout = config.target == Target::Stdout && !report.left_out.is_empty();
    if config.target == Target::Stdout {
        // No summary around a pipe's data; but a file left out is said.
        for l in &report.left_out {
            let _ = writeln!(
                err,
                "{} {}: left out of stdout ({}: {}); --binary scan redacts it as bytes",
                paint.error(),
                l.path,
                l.reason.key(),
                l.reason.detail()
            );
        }
    } else if !config.quiet {
        let _ = write!(err, "{}", report.summary(10));
    }
    // Into a file or folder, a run that redacted no file because every one
    // was binary has written nothing of use; exit 0 would look like a
    // clean copy.
    let all_binary = matches!(config.target, Target::File(_) | Target::Folder(_))
        && report.files.is_empty()
        && report.binary_left_out() > 0;
    if all_binary {
        let _ = writeln!(
            err,
            "{} nothing was written: every file is binary and was left out; --binary scan redacts them as bytes",
            paint.error()
        );
    }
    if !report.errors.is_empty() || left_out_of_stdout || all_binary {
        exit::INPUT
    } else if config.check && report.has_findings() {
        exit::FINDINGS
    } else {
        exit::OK
    }
}

fn rules(cli: &Cli, cmd: &RulesCommand, paint: &Paint) -> Result<i32> {
    let mut opts = LoadOptions {
        no_defaults: cli.no_default_rules,
        no_default_allow: cli.no_default_allow,
        paths: cli.rules.clone(),
        allow: cli.allow.clone(),
    };
    if let RulesCommand::Check { paths } = cmd {
        opts.paths.extend(paths.iter().cloned());
    }
    let mut set = RuleSet::load(&opts)?;
    logscrub::rules::keywords::add(&mut set, &cli.keywords)?;
    // Compile everything, so that a bad regex is reported as a load error.
    logscrub::engine::Engine::new(&set)?;
    let stdout_err = |e| Error::Output {
        path: "-".into(),
        source: e,
    };
    let mut out = std::io::stdout().lock();
    match cmd {
        RulesCommand::List => {
            out.write_all(logscrub::render_rule_list(&set).as_bytes())
                .map_err(stdout_err)?;
            Ok(exit::OK)
        }
        RulesCommand::Check { .. } => {
            let failures = check::check(&set)?;
            // Counted apart: the files given and the built-in rules, so that
            // `rules check my.toml` says how many of its own rules it ran.
            let builtin = |r: &&logscrub::rules::Rule| r.source.starts_with("<embedded>");
            let tally = |rules: Vec<&logscrub::rules::Rule>| {
                let examples: usize = rules
                    .iter()
                    .map(|r| r.examples.len() + r.negative_examples.len())
                    .sum();
                (rules.len(), examples)
            };
            let (mine, theirs): (Vec<_>, Vec<_>) = set.rules().iter().partition(|r| !builtin(r));
            let ((n, e), (bn, be)) = (tally(mine), tally(theirs));
            if failures.is_empty() {
                let line = match (n, bn) {
                    (_, 0) => format!("{n} rules, {e} examples: all pass"),
                    (0, _) => format!("{bn} built-in rules, {be} examples: all pass"),
                    _ => format!(
                        "{n} rules, {e} examples: all pass (and {bn} built-in rules, {be} examples)"
                    ),
                };
                writeln!(out, "{line}").map_err(stdout_err)?;
                Ok(exit::OK)
            } else {
                // Every line of the failure list carries the prefix, as all
                // of logscrub's messages do.
                for line in check::render(&failures).lines() {
                    eprintln!("{} {line}", paint.error());
                }
                Err(Error::RuleCheck {
                    failures: failures.len(),
                })
            }
        }
    }
}
