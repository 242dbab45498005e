//! From inputs to output files: planning one job per output file, running
//! the jobs in parallel, and collecting what each did.
//!
//! A job is one input file (a log, a `.gz`, an archive) and the one output
//! file it becomes. Folders are walked (sorted by name, links not followed)
//! into one job per file, and their tree is created in the output folder
//! first, empty folders included. Jobs run on a pool of their own, because
//! each job's thread waits on the pipeline while the pipeline's pool does
//! the redaction; a job that fails leaves no output file, and the others
//! still complete.
//!
//! With stdout as the output ([`stream`]), inputs are redacted one after the
//! other in command-line order, as a pipe filter does; folders and archives
//! cannot go there.

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::limits::{Budget, Counting, Meter};
use super::names::{self, NameMap};
use super::out::{FileOut, NullOut, Out, WriterOut};
use super::{At, Kind, Records, Walker};
use crate::config::{Input, Target};
use crate::error::{Error, Result};
use crate::redact::Redactor;
use crate::redact::learn::LearnState;
use crate::report::run::{Failure, InputRecord, LeftOut, Reason, RunReport};

/// Inputs whose files add up to at least this many bytes show a progress bar
/// (when stderr is a terminal).
const PROGRESS_FROM: u64 = 16 << 20;

/// Where a job reads.
#[derive(Debug, Clone)]
enum Src {
    Stdin,
    File(PathBuf),
}

/// One output file to make.
#[derive(Debug, Clone)]
struct Job {
    /// Index of the command-line input it belongs to.
    input: usize,
    src: Src,
    /// `None` with `--check`.
    out: Option<PathBuf>,
    at: At,
}

/// What one job did.
struct Done {
    input: usize,
    rec: Records,
    bytes_read: u64,
    bytes_written: u64,
    error: Option<Failure>,
}

#[derive(Default)]
struct Plan {
    jobs: Vec<Job>,
    dirs: Vec<PathBuf>,
    left_out: Vec<LeftOut>,
    errors: Vec<(usize, Failure)>,
    inputs: Vec<InputRecord>,
}

/// An error as the report and stderr show it: its text passed through the
/// redactor (a library's message could quote a name from the input) with
/// control characters hidden.
pub fn failure(redactor: &Redactor, path: &str, e: &Error) -> Failure {
    Failure {
        path: path.to_string(),
        message: names::display(&redactor.redact_bytes(e.to_string().as_bytes())),
    }
}

/// A command-line input's place, with its name redacted, and that name as
/// bytes (for an output folder).
fn top_at(redactor: &Redactor, path: &Path) -> (At, Vec<u8>) {
    let base = path
        .file_name()
        .map(|n| n.as_encoded_bytes().to_vec())
        .or_else(|| {
            path.canonicalize()
                .ok()
                .and_then(|c| c.file_name().map(|n| n.as_encoded_bytes().to_vec()))
        })
        .unwrap_or_else(|| b"input".to_vec());
    let red = names::redact_name(redactor, &base);
    let changed = red != base;
    (At::top(names::display(&red), base, changed), red)
}

impl Walker<'_> {
    /// Redacts a top-level input file (its kind from its name) into `out`.
    fn top(
        &self,
        rec: &mut Records,
        at: &At,
        input: &mut Counting<File>,
        out: &mut dyn Out,
        budget: &Budget,
    ) -> Result<()> {
        if Kind::from_name(&at.name) == Kind::Zip {
            self.check_depth(at)?;
            self.zip(rec, at, input, out, budget)
        } else {
            let seed = self.learn_seed(at, input.get_mut())?;
            self.node(rec, at, input, out, budget, seed)
        }
    }

    fn run_job(&self, job: &Job) -> Done {
        let budget = Budget::new(self.opts.limits.max_unpacked);
        let meter = Meter::default();
        let mut rec = Records::default();
        let result = (|| -> Result<u64> {
            self.check_interrupt()?;
            match &job.src {
                Src::Stdin => match &job.out {
                    Some(p) => {
                        let mut o = FileOut::new(p.clone());
                        let gzip = Kind::from_name(p.as_os_str().as_encoded_bytes()) == Kind::Gzip;
                        self.stdin(&mut rec, &mut o, gzip)?;
                        o.commit()
                    }
                    None => {
                        self.stdin(&mut rec, &mut NullOut::new(), false)?;
                        Ok(0)
                    }
                },
                Src::File(p) => {
                    let f = File::open(p).map_err(|e| job.at.input_error(e))?;
                    let mut input = Counting::new(f, meter.clone(), self.progress.clone());
                    match &job.out {
                        Some(path) => {
                            let mut o = FileOut::new(path.clone());
                            self.top(&mut rec, &job.at, &mut input, &mut o, &budget)?;
                            o.commit()
                        }
                        None => {
                            self.top(&mut rec, &job.at, &mut input, &mut NullOut::new(), &budget)?;
                            Ok(0)
                        }
                    }
                }
            }
        })();
        match result {
            Ok(written) => Done {
                input: job.input,
                rec,
                bytes_read: meter.get(),
                bytes_written: written,
                error: None,
            },
            // Nothing of a failed output is kept, so nothing of it is
            // reported as redacted.
            Err(e) => Done {
                input: job.input,
                rec: Records::default(),
                bytes_read: meter.get(),
                bytes_written: 0,
                error: Some(failure(
                    self.redactor,
                    &job.at.display,
                    &match &job.out {
                        Some(out) => e.at_output(out),
                        None => e,
                    },
                )),
            },
        }
    }

    /// Walks the folder `dir` (below the input at `top`) into jobs.
    #[allow(clippy::too_many_arguments)] // one recursive walk's state
    fn walk(
        &self,
        plan: &mut Plan,
        input: usize,
        top: &At,
        dir: &Path,
        rel: &mut Vec<Vec<u8>>,
        names: &mut NameMap<'_>,
        out_root: Option<&Path>,
    ) {
        let here = if rel.is_empty() {
            top.clone()
        } else {
            top.child(rel, &names.redact(rel, true), false)
        };
        let mut entries =
            match std::fs::read_dir(dir).and_then(|r| r.collect::<io::Result<Vec<_>>>()) {
                Ok(e) => e,
                Err(e) => {
                    let err = here.input_error(e);
                    plan.errors
                        .push((input, failure(self.redactor, &here.display, &err)));
                    return;
                }
            };
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            rel.push(e.file_name().as_encoded_bytes().to_vec());
            let ft = e.file_type();
            let is_dir = ft.as_ref().is_ok_and(|t| t.is_dir());
            let red = names.redact(rel, is_dir);
            let at = top.child(rel, &red, false);
            let out = out_root.map(|o| o.join(super::bytes_path(&names::join(&red))));
            match ft {
                Err(err) => {
                    let err = at.input_error(err);
                    plan.errors
                        .push((input, failure(self.redactor, &at.display, &err)));
                }
                Ok(t) if t.is_symlink() => plan.left_out.push(at.left_out(Reason::Link)),
                Ok(t) if t.is_dir() => {
                    if !self.opts.filter.allows(&at.glob, true) {
                        plan.left_out.push(at.left_out(Reason::Excluded));
                    } else {
                        if let Some(o) = &out {
                            plan.dirs.push(o.clone());
                        }
                        self.walk(plan, input, top, &e.path(), rel, names, out_root);
                    }
                }
                Ok(t) if t.is_file() => {
                    let kind = Kind::from_name(&at.name);
                    if self.opts.filter.allows(&at.glob, kind.is_archive()) {
                        plan.jobs.push(Job {
                            input,
                            src: Src::File(e.path()),
                            out,
                            at,
                        });
                    } else {
                        plan.left_out.push(at.left_out(Reason::Excluded));
                    }
                }
                Ok(_) => plan.left_out.push(at.left_out(Reason::NotAFile)),
            }
            rel.pop();
        }
    }

    fn plan(&self, inputs: &[Input], target: &Target) -> Plan {
        let mut plan = Plan::default();
        let parents = match target {
            Target::Folder(_) if inputs.len() > 1 => parents_to_keep(self.redactor, inputs),
            _ => vec![Vec::new(); inputs.len()],
        };
        for (i, input) in inputs.iter().enumerate() {
            let path = match input {
                Input::Stdin => {
                    plan.inputs.push(record("-", "stdin"));
                    plan.jobs.push(Job {
                        input: i,
                        src: Src::Stdin,
                        out: match target {
                            Target::File(o) => Some(o.clone()),
                            _ => None,
                        },
                        at: At::top("-".into(), b"-".to_vec(), false),
                    });
                    continue;
                }
                Input::Path(p) => p,
            };
            let (mut top, red_name) = top_at(self.redactor, path);
            let out = match target {
                Target::File(o) => Some(o.clone()),
                Target::Folder(o) if inputs.len() == 1 => Some(o.clone()),
                Target::Folder(o) => {
                    let mut rel = parents[i].clone();
                    rel.push(red_name);
                    let rel = names::join(&rel);
                    let file = o.join(super::bytes_path(&rel));
                    if !parents[i].is_empty() {
                        top.display = names::display(&rel);
                        if let Some(dir) = file.parent() {
                            plan.dirs.push(dir.to_path_buf());
                        }
                    }
                    Some(file)
                }
                Target::Nothing | Target::Stdout => None,
            };
            match std::fs::metadata(path) {
                Err(e) => {
                    plan.inputs.push(record(&top.display, "file"));
                    let err = top.input_error(e);
                    plan.errors
                        .push((i, failure(self.redactor, &top.display, &err)));
                }
                Ok(m) if m.is_dir() => {
                    plan.inputs.push(record(&top.display, "folder"));
                    if let Some(o) = &out {
                        plan.dirs.push(o.clone());
                    }
                    let mut names = NameMap::new(self.redactor);
                    self.walk(
                        &mut plan,
                        i,
                        &top,
                        path,
                        &mut Vec::new(),
                        &mut names,
                        out.as_deref(),
                    );
                }
                Ok(_) => {
                    plan.inputs
                        .push(record(&top.display, Kind::from_name(&top.name).as_str()));
                    plan.jobs.push(Job {
                        input: i,
                        src: Src::File(path.clone()),
                        out,
                        at: top,
                    });
                }
            }
        }
        // Two files must not become one: names that redact alike, or two
        // inputs with the same name.
        let mut seen = HashSet::new();
        let redactor = self.redactor;
        plan.jobs.retain(|j| match &j.out {
            Some(o) if !seen.insert(o.clone()) => {
                let err = j.at.error(
                    "another file has the same name after redaction; its output would be overwritten",
                );
                plan.errors.push((j.input, failure(redactor, &j.at.display, &err)));
                false
            }
            _ => true,
        });
        plan
    }
}

/// For inputs that would land on the same name in an output folder
/// (`-o out/ node1/app.log node2/app.log`), the fewest of their parent
/// folders' names, redacted like the folders of a folder input, that tell
/// them apart
/// (`node1`, `node2`); empty for every other input. The same file given
/// twice cannot be told apart and is left to the duplicate check.
fn parents_to_keep(redactor: &Redactor, inputs: &[Input]) -> Vec<Vec<Vec<u8>>> {
    use std::collections::HashMap;
    use std::path::Component;
    let comps: Vec<Option<Vec<Vec<u8>>>> = inputs
        .iter()
        .map(|input| match input {
            Input::Path(p) => std::path::absolute(p).ok().map(|abs| {
                abs.components()
                    .filter_map(|c| match c {
                        Component::Normal(n) => Some(n.as_encoded_bytes().to_vec()),
                        _ => None,
                    })
                    .collect::<Vec<_>>()
            }),
            Input::Stdin => None,
        })
        .collect();
    let mut groups: HashMap<&[u8], Vec<usize>> = HashMap::new();
    for (i, c) in comps.iter().enumerate() {
        if let Some(base) = c.as_ref().and_then(|c| c.last()) {
            groups.entry(base.as_slice()).or_default().push(i);
        }
    }
    let mut keep = vec![Vec::new(); inputs.len()];
    let mut map = NameMap::new(redactor);
    for members in groups.values().filter(|m| m.len() > 1) {
        let parents = |i: usize| {
            let c = comps[i].as_deref().unwrap_or_default();
            &c[..c.len().saturating_sub(1)]
        };
        let deepest = members.iter().map(|&i| parents(i).len()).max().unwrap_or(0);
        let suffix = |i: usize, n: usize| {
            let p = parents(i);
            &p[p.len().saturating_sub(n)..]
        };
        let Some(n) = (1..=deepest).find(|&n| {
            let mut seen = HashSet::new();
            members.iter().all(|&i| seen.insert(suffix(i, n)))
        }) else {
            continue;
        };
        for &i in members {
            // Redacted with the whole path as context, as folder inputs
            // are (`/home/jdoe/` loses `jdoe`).
            let red = map.redact(parents(i), true);
            keep[i] = red[red.len().saturating_sub(n)..].to_vec();
        }
    }
    keep
}

fn record(path: &str, kind: &'static str) -> InputRecord {
    InputRecord {
        path: path.to_string(),
        kind,
        bytes_read: 0,
        bytes_written: 0,
        ok: true,
    }
}

/// Fails when the output folder `root`, or anything on the way from it to
/// `path` (`path` included), is a symbolic link.
fn refuse_links(root: &Path, path: &Path) -> Result<()> {
    let mut at = root.to_path_buf();
    let rest = path.strip_prefix(root).unwrap_or(Path::new(""));
    for comp in std::iter::once(None).chain(rest.components().map(Some)) {
        if let Some(c) = comp {
            at.push(c);
        }
        if std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Error::Output {
                path: at,
                source: io::Error::other(
                    "is a symbolic link; logscrub writes no output through a link (remove it, or choose another output folder)",
                ),
            });
        }
    }
    Ok(())
}

/// Redacts every input into `target` (a file, a folder, or nothing for
/// `--check`), `threads` files at a time. Failures are in the report.
pub fn run(
    walker: &Walker<'_>,
    inputs: &[Input],
    target: &Target,
    threads: usize,
    progress: bool,
) -> Result<RunReport> {
    let mut plan = walker.plan(inputs, target);
    if let Target::Folder(o) = target {
        plan.dirs.insert(0, o.clone());
        // Nothing is written through a link: one inside the output folder
        // could point into an input and have it overwritten.
        let files = plan.jobs.iter().filter_map(|j| j.out.as_deref());
        for p in plan.dirs.iter().map(PathBuf::as_path).chain(files) {
            refuse_links(o, p)?;
        }
    }
    for d in &plan.dirs {
        if let Err(e) = std::fs::create_dir_all(d) {
            return Err(Error::Output {
                path: d.clone(),
                source: e,
            });
        }
    }
    let total: u64 = plan
        .jobs
        .iter()
        .filter_map(|j| match &j.src {
            Src::File(p) => std::fs::metadata(p).ok().map(|m| m.len()),
            Src::Stdin => None,
        })
        .sum();
    let bar = (progress && total >= PROGRESS_FROM).then(|| {
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(total),
            indicatif::ProgressDrawTarget::stderr(),
        );
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} {bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        ) {
            bar.set_style(style);
        }
        bar
    });
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("logscrub-file-{i}"))
        .build()
        .map_err(|e| Error::Usage(format!("cannot start {threads} threads: {e}")))?;
    // Find once, redact everywhere: with several files (a folder, an
    // archive, several inputs) in `auto` mode, a learning pass over all of
    // them comes first, so that a value found in one file is replaced in
    // every file. Its failures are the redacting pass's to report.
    let several = plan.jobs.len() > 1
        || plan
            .jobs
            .iter()
            .any(|j| Kind::from_name(&j.at.name).is_archive());
    let mut dictionary = if walker.learn == crate::config::LearnMode::Auto && several {
        learning_pass(walker, &plan.jobs, &pool).0
    } else {
        LearnState::default()
    };
    dictionary.prepare();
    let walker = Walker {
        progress: bar.clone(),
        spill_dir: walker.spill_dir.clone(),
        dictionary: &dictionary,
        ..*walker
    };
    let done: Vec<Done> =
        pool.install(|| plan.jobs.par_iter().map(|j| walker.run_job(j)).collect());
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let mut report = RunReport {
        left_out: std::mem::take(&mut plan.left_out),
        ..RunReport::default()
    };
    for (i, f) in plan.errors {
        plan.inputs[i].ok = false;
        report.errors.push(f);
    }
    for d in done {
        let input = &mut plan.inputs[d.input];
        input.bytes_read += d.bytes_read;
        input.bytes_written += d.bytes_written;
        report.files.extend(d.rec.files);
        report.left_out.extend(d.rec.left_out);
        if let Some(f) = d.error {
            input.ok = false;
            report.errors.push(f);
        }
    }
    report.inputs = plan.inputs;
    Ok(report)
}

/// The learning pass over the files of `jobs`: they are only scanned, and
/// what their findings teach goes into one dictionary (in any order: see
/// [`LearnState::absorb`]).
fn learning_pass(
    walker: &Walker<'_>,
    jobs: &[Job],
    pool: &rayon::ThreadPool,
) -> (LearnState, Vec<Done>) {
    let collected = std::sync::Mutex::new(LearnState::default());
    let learning = Walker {
        spill_dir: walker.spill_dir.clone(),
        progress: None,
        collect: Some(&collected),
        ..*walker
    };
    let learn_jobs: Vec<Job> = jobs
        .iter()
        .filter(|j| matches!(j.src, Src::File(_)))
        .map(|j| Job {
            out: None,
            ..j.clone()
        })
        .collect();
    let done = pool.install(|| learn_jobs.par_iter().map(|j| learning.run_job(j)).collect());
    (collected.into_inner().unwrap_or_default(), done)
}

/// `logscrub learn`: the learning pass over every file of `inputs`, and
/// what failed (then the dictionary is incomplete).
pub fn learn(
    walker: &Walker<'_>,
    inputs: &[Input],
    threads: usize,
) -> Result<(LearnState, RunReport)> {
    let mut plan = walker.plan(inputs, &Target::Nothing);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("logscrub-file-{i}"))
        .build()
        .map_err(|e| Error::Usage(format!("cannot start {threads} threads: {e}")))?;
    let (learned, done) = learning_pass(walker, &plan.jobs, &pool);
    let mut report = RunReport {
        left_out: std::mem::take(&mut plan.left_out),
        ..RunReport::default()
    };
    report
        .errors
        .extend(plan.errors.into_iter().map(|(_, f)| f));
    for d in done {
        report.left_out.extend(d.rec.left_out);
        report.errors.extend(d.error);
    }
    report.inputs = plan.inputs;
    Ok((learned, report))
}

/// Redacts the inputs one after the other to stdout. Folders and archives
/// are refused before anything is written; the first error ends the run.
pub fn stream(walker: &Walker<'_>, inputs: &[Input]) -> Result<RunReport> {
    let mut report = RunReport::default();
    let mut opened = Vec::new();
    for input in inputs {
        match input {
            Input::Stdin => {
                report.inputs.push(record("-", "stdin"));
                opened.push(None);
            }
            Input::Path(p) => {
                let (at, _) = top_at(walker.redactor, p);
                let meta = std::fs::metadata(p).map_err(|e| at.input_error(e))?;
                let kind = Kind::from_name(&at.name);
                // Asking for a folder or an archive on stdout is a usage
                // error (exit 2), like an output of the wrong kind.
                if meta.is_dir() {
                    return Err(Error::Usage(format!(
                        "{}: is a folder: give -o FOLDER for a redacted copy of it, or --check",
                        at.display
                    )));
                }
                if kind.is_archive() {
                    return Err(Error::Usage(format!(
                        "{}: is a {} archive: give -o FILE for a redacted copy of it, or --check",
                        at.display,
                        kind.as_str()
                    )));
                }
                let file = File::open(p).map_err(|e| at.input_error(e))?;
                report.inputs.push(record(&at.display, kind.as_str()));
                opened.push(Some((at, file)));
            }
        }
    }
    let stdout = io::stdout();
    let mut lock = stdout.lock();
    let name = Path::new("-");
    let mut rec = Records::default();
    for (i, o) in opened.into_iter().enumerate() {
        match o {
            None => walker.stdin(&mut rec, &mut WriterOut::new(&mut lock), false)?,
            Some((at, file)) => {
                let budget = Budget::new(walker.opts.limits.max_unpacked);
                let meter = Meter::default();
                let mut input = Counting::new(file, meter.clone(), None);
                let seed = walker.learn_seed(&at, input.get_mut())?;
                walker.node(
                    &mut rec,
                    &at,
                    &mut input,
                    &mut WriterOut::new(&mut lock),
                    &budget,
                    seed,
                )?;
                report.inputs[i].bytes_read = meter.get();
            }
        }
    }
    lock.flush().map_err(|e| Error::Output {
        path: name.to_path_buf(),
        source: e,
    })?;
    report.files = rec.files;
    report.left_out = rec.left_out;
    Ok(report)
}
