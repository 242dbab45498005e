//! The `logscrub` binary: parse flags, run, map the outcome to an exit code.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::{CommandFactory, FromArgMatches};

use logscrub::cli::{Cli, ColorWhen, Command, RulesCommand};
use logscrub::config::{Config, Target};
use logscrub::error::{Error, Result, exit};
use logscrub::report::run::RunReport;
use logscrub::rules::{LoadOptions, RuleSet, check};

fn main() -> ExitCode {
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
    let matches = Cli::command().color(color.to_clap()).get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let paint = Paint::new(cli.color);
    let code = match run(&cli, &paint) {
        Ok(code) => code,
        Err(e) if e.is_broken_pipe() => exit::OK,
        Err(e) => {
            eprintln!("{} {e}", paint.error());
            e.exit_code()
        }
    };
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

/// How logscrub's own messages look on stderr (`--color`): the `logscrub:`
/// prefix is red for errors and yellow for warnings. Redacted data on
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

    fn warning(&self) -> String {
        self.prefix(anstyle::AnsiColor::Yellow)
    }
}

fn run(cli: &Cli, paint: &Paint) -> Result<i32> {
    // Global flags (--rules, --allow, --no-default-rules, --color) may come
    // before a subcommand; the flags of a redaction run may not.
    if cli.command.is_some()
        && (!cli.inputs.is_empty()
            || cli.output.is_some()
            || cli.check
            || cli.report.is_some()
            || cli.map.is_some())
    {
        return Err(Error::Usage(
            "inputs, -o, --check, --report and --map belong to a redaction run, not to a subcommand"
                .into(),
        ));
    }
    match &cli.command {
        Some(Command::Rules(cmd)) => rules(cli, cmd),
        Some(Command::Completions { shell }) => {
            let mut out = std::io::stdout().lock();
            clap_complete::generate(*shell, &mut Cli::command(), "logscrub", &mut out);
            Ok(exit::OK)
        }
        Some(Command::Man { dir: Some(dir) }) => {
            clap_mangen::generate_to(Cli::command(), dir).map_err(|e| Error::Output {
                path: dir.clone(),
                source: e,
            })?;
            Ok(exit::OK)
        }
        Some(Command::Man { dir: None }) => {
            let mut out = std::io::stdout().lock();
            clap_mangen::Man::new(Cli::command())
                .render(&mut out)
                .map_err(|e| Error::Output {
                    path: "-".into(),
                    source: e,
                })?;
            Ok(exit::OK)
        }
        None => {
            let mut config = Config::from_cli(cli)?;
            let interrupted = interrupt_flag();
            config.set_interrupt(Arc::clone(&interrupted));
            if logscrub::reads_terminal(&config) {
                return Err(Error::Usage(
                    "no input: give a file, or pipe a log in (e.g. `logscrub app.log`, `cat app.log | logscrub`); see --help".into(),
                ));
            }
            let report = logscrub::run(&config)?;
            if interrupted.load(Ordering::SeqCst) {
                return Err(Error::Interrupted);
            }
            Ok(finish(&config, &report, paint))
        }
    }
}

/// A flag that Ctrl-C sets. The pipeline stops between chunks, temporary
/// output files are deleted as the run unwinds, and the exit code is 130. A
/// second Ctrl-C ends the process at once.
fn interrupt_flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let handler_flag = Arc::clone(&flag);
    // If no handler can be installed, Ctrl-C keeps its default effect (the
    // process ends and the temporary file is left for the OS to reap).
    let _ = ctrlc::set_handler(move || {
        if handler_flag.swap(true, Ordering::SeqCst) {
            std::process::exit(exit::INTERRUPTED);
        }
    });
    flag
}

/// Tells what happened on stderr and picks the exit code: 3 if anything
/// failed, else 1 if `--check` found something, else 0.
fn finish(config: &Config, report: &RunReport, paint: &Paint) -> i32 {
    let mut err = std::io::stderr().lock();
    for f in &report.errors {
        let _ = writeln!(err, "{} {}", paint.error(), f.message);
    }
    if config.target == Target::Stdout {
        // No summary around a pipe's data; but a file left out is said.
        for l in &report.left_out {
            let _ = writeln!(
                err,
                "{} {}: left out ({}: {}); --binary scan redacts it as bytes",
                paint.warning(),
                l.path,
                l.reason.key(),
                l.reason.detail()
            );
        }
    } else if !config.quiet {
        let _ = write!(err, "{}", report.summary(10));
    }
    if !report.errors.is_empty() {
        exit::INPUT
    } else if config.check && report.has_findings() {
        exit::FINDINGS
    } else {
        exit::OK
    }
}

fn rules(cli: &Cli, cmd: &RulesCommand) -> Result<i32> {
    let mut opts = LoadOptions {
        no_defaults: cli.no_default_rules,
        no_default_allow: cli.no_default_allow,
        paths: cli.rules.clone(),
        allow: cli.allow.clone(),
    };
    if let RulesCommand::Check { paths } = cmd {
        opts.paths.extend(paths.iter().cloned());
    }
    let set = RuleSet::load(&opts)?;
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
            let examples: usize = set
                .rules()
                .iter()
                .map(|r| r.examples.len() + r.negative_examples.len())
                .sum();
            if failures.is_empty() {
                writeln!(out, "{} rules, {examples} examples: all pass", set.len())
                    .map_err(stdout_err)?;
                Ok(exit::OK)
            } else {
                eprint!("{}", check::render(&failures));
                Err(Error::RuleCheck {
                    failures: failures.len(),
                })
            }
        }
    }
}
