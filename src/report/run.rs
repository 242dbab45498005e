//! What a run did, file by file: the `--report` JSON and the summary on
//! stderr.
//!
//! A [`RunReport`] holds paths and numbers. Paths are the redacted ones
//! (names inside bundles are redacted like content), and messages were
//! redacted before they got here, so the report holds no value and no hash
//! of one: it can travel with the redacted bundle.
//!
//! The JSON has a top-level `version` ([`REPORT_VERSION`]) and stable
//! snake_case keys; a key is added in a compatible way or the version goes
//! up.

use std::time::Duration;

use serde::Serialize;

use super::Counts;

/// Version of the JSON layout.
pub const REPORT_VERSION: u32 = 1;

/// One redacted file (a text file, a gzip file's content, an archive entry).
#[derive(Debug, Clone)]
pub struct FileRecord {
    /// Redacted path, from the input's name down (`support.zip/logs/a.log`).
    pub path: String,
    /// `bytes` or `utf-16le`/`utf-16be`.
    pub encoding: &'static str,
    /// Replacements and sizes.
    pub counts: Counts,
    /// True when a component of the path was redacted.
    pub name_redacted: bool,
}

/// Why a file was left out of the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Not text (`--binary skip`); the detail says how it was recognised.
    Binary(&'static str),
    /// Matched `--exclude`, or not `--include`.
    Excluded,
    /// A symbolic or hard link: never followed, never recreated.
    Link,
    /// A device, pipe or socket.
    NotAFile,
}

impl Reason {
    /// The `reason` key in the report.
    pub fn key(self) -> &'static str {
        match self {
            Reason::Binary(_) => "binary",
            Reason::Excluded => "excluded",
            Reason::Link => "link",
            Reason::NotAFile => "not_a_file",
        }
    }

    /// A short explanation.
    pub fn detail(self) -> &'static str {
        match self {
            Reason::Binary(d) => d,
            Reason::Excluded => "excluded by --include/--exclude",
            Reason::Link => "links are never followed",
            Reason::NotAFile => "not a regular file",
        }
    }
}

/// A file left out of the output.
#[derive(Debug, Clone)]
pub struct LeftOut {
    /// Redacted path.
    pub path: String,
    /// Why.
    pub reason: Reason,
}

/// A file or input that failed; nothing of its output was kept.
#[derive(Debug, Clone)]
pub struct Failure {
    /// Redacted path of what failed (an input, or the entry inside it).
    pub path: String,
    /// What went wrong, without any value.
    pub message: String,
}

/// One input as given on the command line.
#[derive(Debug, Clone)]
pub struct InputRecord {
    /// Redacted name.
    pub path: String,
    /// `file`, `folder`, `gzip`, `zip`, `tar`, `tar.gz` or `stdin`.
    pub kind: &'static str,
    /// Bytes read from disk (compressed size for archives).
    pub bytes_read: u64,
    /// Bytes written (0 with `--check`).
    pub bytes_written: u64,
    /// False when it failed (see `errors`); its output was not kept.
    pub ok: bool,
}

/// Everything a run did.
#[derive(Debug, Clone, Default)]
pub struct RunReport {
    /// `--check`: nothing was written.
    pub check: bool,
    /// Wall-clock time.
    pub duration: Duration,
    /// Rule ids, indexed like [`Counts::per_rule`].
    pub rule_ids: Vec<String>,
    /// The labels, indexed like [`Counts::learned`].
    pub labels: Vec<String>,
    /// Inputs in command-line order.
    pub inputs: Vec<InputRecord>,
    /// Redacted files, in input order.
    pub files: Vec<FileRecord>,
    /// Files left out.
    pub left_out: Vec<LeftOut>,
    /// Failures.
    pub errors: Vec<Failure>,
    /// Each value found, with its place (`--findings`, `--verbose`).
    pub findings: Vec<super::findings::Finding>,
}

impl RunReport {
    /// Sum of all files' counts.
    pub fn totals(&self) -> Counts {
        let mut t = Counts::new(self.rule_ids.len());
        for f in &self.files {
            t.add(&f.counts);
        }
        t
    }

    /// Files whose name was redacted (left-out ones included).
    pub fn names_redacted(&self) -> usize {
        self.files.iter().filter(|f| f.name_redacted).count()
    }

    /// Binary files left out.
    pub fn binary_left_out(&self) -> usize {
        self.left_out
            .iter()
            .filter(|l| matches!(l.reason, Reason::Binary(_)))
            .count()
    }

    /// For `--check`: would the output differ from the input? True when a
    /// value or a name would be redacted, or a binary file left out.
    pub fn has_findings(&self) -> bool {
        self.totals().replacements() > 0 || self.names_redacted() > 0 || self.binary_left_out() > 0
    }

    /// Replacements of values known from the dictionary, per label (in
    /// label order), from `c`.
    fn learned_by_label<'a>(&'a self, c: &Counts) -> std::collections::BTreeMap<&'a str, u64> {
        let mut by = std::collections::BTreeMap::new();
        for (i, &n) in c.learned.iter().enumerate() {
            if n > 0 {
                let label = self.labels.get(i).map_or("?", String::as_str);
                *by.entry(label).or_insert(0) += n;
            }
        }
        by
    }

    /// The `--report` JSON.
    pub fn to_json(&self) -> Vec<u8> {
        let totals = self.totals();
        let per_rule = |c: &Counts| -> Vec<RuleJson<'_>> {
            c.per_rule
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(|(i, n)| RuleJson {
                    id: self.rule_ids.get(i).map_or("?", String::as_str),
                    replacements: *n,
                })
                .collect()
        };
        let json = ReportJson {
            version: REPORT_VERSION,
            logscrub: env!("CARGO_PKG_VERSION"),
            mode: if self.check { "check" } else { "redact" },
            duration_ms: self.duration.as_millis() as u64,
            totals: TotalsJson {
                inputs: self.inputs.len(),
                files: self.files.len(),
                left_out: self.left_out.len(),
                failed: self.errors.len(),
                replacements: totals.replacements(),
                names_redacted: self.names_redacted(),
                lines: totals.lines,
                lines_changed: totals.lines_changed,
                bytes_in: totals.bytes_in,
                bytes_out: totals.bytes_out,
                from_dictionary: self.learned_by_label(&totals),
            },
            rules: per_rule(&totals),
            inputs: self
                .inputs
                .iter()
                .map(|i| InputJson {
                    path: &i.path,
                    kind: i.kind,
                    bytes_read: i.bytes_read,
                    bytes_written: i.bytes_written,
                    ok: i.ok,
                })
                .collect(),
            files: self
                .files
                .iter()
                .map(|f| FileJson {
                    path: &f.path,
                    encoding: f.encoding,
                    name_redacted: f.name_redacted,
                    replacements: f.counts.replacements(),
                    lines: f.counts.lines,
                    lines_changed: f.counts.lines_changed,
                    bytes_in: f.counts.bytes_in,
                    bytes_out: f.counts.bytes_out,
                    from_dictionary: self.learned_by_label(&f.counts),
                    rules: per_rule(&f.counts),
                })
                .collect(),
            left_out: self
                .left_out
                .iter()
                .map(|l| LeftOutJson {
                    path: &l.path,
                    reason: l.reason.key(),
                    detail: l.reason.detail(),
                })
                .collect(),
            errors: self
                .errors
                .iter()
                .map(|e| ErrorJson {
                    path: &e.path,
                    error: &e.message,
                })
                .collect(),
        };
        let mut out = serde_json::to_vec_pretty(&json).expect("the report serialises");
        out.push(b'\n');
        out
    }

    /// The short human summary for stderr; at most `list` left-out files
    /// are named.
    pub fn summary(&self, list: usize) -> String {
        let t = self.totals();
        let secs = self.duration.as_secs_f64();
        let mut s = String::new();
        let failed = if self.errors.is_empty() {
            String::new()
        } else {
            format!(", {} failed", self.errors.len())
        };
        let files = |n: usize| count(n as u64, "file", "files");
        let names = count(self.names_redacted() as u64, "name", "names");
        if self.check {
            if self.has_findings() {
                s.push_str(&format!(
                    "logscrub: check: {} to redact on {} of {} in {}, {names} to redact, {} to leave out{failed} ({secs:.1} s)\n",
                    count(t.replacements(), "value", "values"),
                    t.lines_changed,
                    count(t.lines, "line", "lines"),
                    files(self.files.iter().filter(|f| f.counts.replacements() > 0).count()),
                    count(self.binary_left_out() as u64, "binary file", "binary files"),
                ));
            } else if self.errors.is_empty() {
                s.push_str(&format!(
                    "logscrub: check: nothing to redact in {} ({}) ({secs:.1} s)\n",
                    files(self.files.len()),
                    count(t.lines, "line", "lines"),
                ));
            } else {
                // A file that failed was not checked: never call it clean.
                s.push_str(&format!(
                    "logscrub: check: {} could not be checked; nothing to redact in the {} read ({}) ({secs:.1} s)\n",
                    files(self.errors.len()),
                    files(self.files.len()),
                    count(t.lines, "line", "lines"),
                ));
            }
        } else {
            s.push_str(&format!(
                "logscrub: {} redacted, {} left out{failed} ({secs:.1} s): {} on {} of {}, {names}\n",
                files(self.files.len()),
                self.left_out.len(),
                count(t.replacements(), "value", "values"),
                t.lines_changed,
                count(t.lines, "line", "lines"),
            ));
        }
        let mut by_rule: Vec<(u64, &str)> = t
            .per_rule
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(i, n)| (*n, self.rule_ids.get(i).map_or("?", String::as_str)))
            .collect();
        by_rule.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        if !by_rule.is_empty() {
            let parts: Vec<String> = by_rule.iter().map(|(n, id)| format!("{id} {n}")).collect();
            s.push_str(&format!("  {}\n", parts.join(", ")));
        }
        let learned = self.learned_by_label(&t);
        if !learned.is_empty() {
            let parts: Vec<String> = learned.iter().map(|(l, n)| format!("{l} {n}")).collect();
            s.push_str(&format!(
                "  of these, known from the dictionary rather than found where they stand: {}\n",
                parts.join(", ")
            ));
        }
        for l in self.left_out.iter().take(list) {
            s.push_str(&format!(
                "  left out: {} ({}: {})\n",
                l.path,
                l.reason.key(),
                l.reason.detail()
            ));
        }
        if self.left_out.len() > list {
            s.push_str(&format!(
                "  left out: {} more (see --report)\n",
                self.left_out.len() - list
            ));
        }
        s
    }
}

/// `1 file`, `2 files`.
fn count(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

#[derive(Serialize)]
struct ReportJson<'a> {
    version: u32,
    logscrub: &'static str,
    mode: &'static str,
    duration_ms: u64,
    totals: TotalsJson<'a>,
    rules: Vec<RuleJson<'a>>,
    inputs: Vec<InputJson<'a>>,
    files: Vec<FileJson<'a>>,
    left_out: Vec<LeftOutJson<'a>>,
    errors: Vec<ErrorJson<'a>>,
}

#[derive(Serialize)]
struct TotalsJson<'a> {
    inputs: usize,
    files: usize,
    left_out: usize,
    failed: usize,
    replacements: u64,
    names_redacted: usize,
    lines: u64,
    lines_changed: u64,
    bytes_in: u64,
    bytes_out: u64,
    /// Replacements of values known from the dictionary, per label.
    from_dictionary: std::collections::BTreeMap<&'a str, u64>,
}

#[derive(Serialize)]
struct RuleJson<'a> {
    id: &'a str,
    replacements: u64,
}

#[derive(Serialize)]
struct InputJson<'a> {
    path: &'a str,
    kind: &'static str,
    bytes_read: u64,
    bytes_written: u64,
    ok: bool,
}

#[derive(Serialize)]
struct FileJson<'a> {
    path: &'a str,
    encoding: &'static str,
    name_redacted: bool,
    replacements: u64,
    lines: u64,
    lines_changed: u64,
    bytes_in: u64,
    bytes_out: u64,
    from_dictionary: std::collections::BTreeMap<&'a str, u64>,
    rules: Vec<RuleJson<'a>>,
}

#[derive(Serialize)]
struct LeftOutJson<'a> {
    path: &'a str,
    reason: &'static str,
    detail: &'static str,
}

#[derive(Serialize)]
struct ErrorJson<'a> {
    path: &'a str,
    error: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> RunReport {
        let mut c = Counts::new(2);
        c.per_rule[1] = 3;
        c.lines = 10;
        c.lines_changed = 2;
        c.count_learned(1);
        c.count_learned(1);
        RunReport {
            check: false,
            duration: Duration::from_millis(1500),
            rule_ids: vec!["net.email".into(), "net.ipv4".into()],
            labels: vec!["EMAIL".into(), "IPV4".into()],
            inputs: vec![],
            files: vec![FileRecord {
                path: "s.zip/a.log".into(),
                encoding: "bytes",
                counts: c,
                name_redacted: false,
            }],
            left_out: vec![LeftOut {
                path: "s.zip/h.hprof".into(),
                reason: Reason::Binary("binary file type"),
            }],
            errors: vec![],
            findings: vec![],
        }
    }

    #[test]
    fn json_has_version_rule_ids_and_reasons() {
        let r = sample();
        let v: serde_json::Value = serde_json::from_slice(&r.to_json()).unwrap();
        assert_eq!(v["version"], 1);
        assert_eq!(v["mode"], "redact");
        assert_eq!(v["duration_ms"], 1500);
        assert_eq!(v["totals"]["replacements"], 3);
        assert_eq!(v["rules"][0]["id"], "net.ipv4");
        assert_eq!(v["files"][0]["rules"][0]["replacements"], 3);
        assert_eq!(v["totals"]["from_dictionary"]["IPV4"], 2);
        assert_eq!(v["files"][0]["from_dictionary"]["IPV4"], 2);
        assert_eq!(v["left_out"][0]["reason"], "binary");
        assert!(r.has_findings());
    }

    #[test]
    fn summary_lists_rules_and_left_out_files() {
        let s = sample().summary(10);
        assert!(
            s.starts_with("logscrub: 1 file redacted, 1 left out (1.5 s): 3 values on 2 of 10 lines, 0 names\n"),
            "{s}"
        );
        assert!(s.contains("  net.ipv4 3\n"), "{s}");
        assert!(
            s.contains("known from the dictionary rather than found where they stand: IPV4 2\n"),
            "{s}"
        );
        assert!(
            s.contains("left out: s.zip/h.hprof (binary: binary file type)"),
            "{s}"
        );
        assert!(
            sample()
                .summary(0)
                .contains("left out: 1 more (see --report)")
        );
    }
}
