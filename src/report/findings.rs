//! Findings with places: for each value replaced, the file, line and byte
//! columns where it was, the rule, the label and the token, never the
//! value (`--findings`, `--check -v`).
//!
//! The places come from comparing each input line with its output line
//! (one line in is one line out): the output is the input with values
//! replaced by tokens, so every token that the input line does not hold
//! stands for the input bytes between the text around it. This sees every
//! replacement, whatever made it (a rule, a later round of a line, a host
//! name learned elsewhere in the run), in every kind of input: a [`Tap`]
//! sits on the decoded input and on the output before any re-encoding.
//!
//! File paths are the redacted ones the report uses; a record holds no
//! byte of the input.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::ops::Range;
use std::sync::{Arc, Mutex};

use serde::Serialize;

use crate::token;

/// One value that was replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Redacted path, as in the report (`support.zip/logs/app.log`, `-`).
    pub file: String,
    /// Line number, from 1.
    pub line: u64,
    /// First byte of the value in its line, from 1.
    pub column: usize,
    /// The byte after the value, from 1 (so `end_column - column` bytes).
    pub end_column: usize,
    /// Id of the rule that found it.
    pub rule: String,
    /// The token's label (`EMAIL`).
    pub label: String,
    /// The token that replaced it.
    pub token: String,
}

/// The findings of a run, gathered from the files' [`Tap`]s.
#[derive(Debug, Default)]
pub struct Collector {
    found: Mutex<Vec<Finding>>,
}

impl Collector {
    /// An empty collector.
    pub fn new() -> Collector {
        Collector::default()
    }

    /// A tap for the file shown as `file`.
    pub fn tap(&self, file: &str) -> Tap {
        Tap(Arc::new(Mutex::new(TapState {
            file: Arc::from(file),
            ..TapState::default()
        })))
    }

    /// Keeps what `tap` found, once its file is complete.
    pub fn finish(&self, tap: Tap) {
        let found = {
            let mut st = lock(&tap.0);
            st.finish_line();
            std::mem::take(&mut st.found)
        };
        if let Ok(mut all) = self.found.lock() {
            all.extend(found);
        }
    }

    /// All findings, in the order of `files` (the report's), each file's
    /// in line order; `rule_of` names the rule of a token.
    pub fn take(&self, files: &[&str], rule_of: impl Fn(&[u8]) -> Option<String>) -> Vec<Finding> {
        let mut all = self
            .found
            .lock()
            .map(|mut v| std::mem::take(&mut *v))
            .unwrap_or_default();
        let order: HashMap<&str, usize> = files.iter().enumerate().map(|(i, f)| (*f, i)).collect();
        all.sort_by_key(|f| {
            (
                order.get(&*f.file).copied().unwrap_or(usize::MAX),
                f.line,
                f.column,
            )
        });
        for f in &mut all {
            if let Some(r) = rule_of(f.token.as_bytes()) {
                f.rule = r;
            }
        }
        all
    }
}

fn lock(m: &Mutex<TapState>) -> std::sync::MutexGuard<'_, TapState> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Watches one file's decoded input and its output, line by line.
#[derive(Debug, Clone)]
pub struct Tap(Arc<Mutex<TapState>>);

#[derive(Debug, Default)]
struct TapState {
    file: Arc<str>,
    /// Input read and not yet compared, from `used` on.
    input: Vec<u8>,
    used: usize,
    /// The output line being written.
    out_line: Vec<u8>,
    /// Lines compared so far.
    line: u64,
    found: Vec<Finding>,
}

impl TapState {
    /// Compares the output line that just ended with its input line.
    fn end_line(&mut self, last: bool) {
        let rest = &self.input[self.used..];
        let len = match memchr::memchr(b'\n', rest) {
            Some(i) => i,
            None if last => rest.len(),
            // The input line has not been read yet: it cannot be (output
            // comes from input), so there is nothing to compare it with.
            None => return,
        };
        self.line += 1;
        let a = &self.input[self.used..self.used + len];
        if a != self.out_line.as_slice() {
            for (range, tok) in places(a, &self.out_line) {
                let token = &self.out_line[tok];
                let label = token::label_of(token).unwrap_or_default().to_vec();
                self.found.push(Finding {
                    file: self.file.to_string(),
                    line: self.line,
                    column: range.start + 1,
                    end_column: range.end + 1,
                    rule: String::from("?"),
                    label: String::from_utf8_lossy(&label).into_owned(),
                    token: String::from_utf8_lossy(token).into_owned(),
                });
            }
        }
        self.used = (self.used + len + 1).min(self.input.len());
        self.out_line.clear();
        if self.used > (1 << 20) && self.used * 2 > self.input.len() {
            self.input.drain(..self.used);
            self.used = 0;
        }
    }

    /// The last line, when it has no newline.
    fn finish_line(&mut self) {
        if !self.out_line.is_empty() || self.used < self.input.len() {
            self.end_line(true);
        }
    }
}

impl Tap {
    /// Records `bytes` as input read (a file held whole in memory).
    pub fn feed(&self, bytes: &[u8]) {
        lock(&self.0).input.extend_from_slice(bytes);
    }

    /// `inner`, its bytes recorded as this file's input.
    pub fn reader<R: Read>(tap: Option<&Tap>, inner: R) -> TapReader<R> {
        TapReader {
            inner,
            tap: tap.cloned(),
        }
    }

    /// `inner`, its bytes compared with the input as this file's output.
    pub fn writer<'w>(tap: Option<&Tap>, inner: &'w mut dyn Write) -> TapWriter<'w> {
        TapWriter {
            inner,
            tap: tap.cloned(),
        }
    }
}

/// A reader whose bytes a [`Tap`] sees (or none: then it only reads).
pub struct TapReader<R> {
    inner: R,
    tap: Option<Tap>,
}

impl<R: Read> Read for TapReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(t) = &self.tap {
            t.feed(&buf[..n]);
        }
        Ok(n)
    }
}

/// A writer whose bytes a [`Tap`] compares with the input.
pub struct TapWriter<'w> {
    inner: &'w mut dyn Write,
    tap: Option<Tap>,
}

impl Write for TapWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        if let Some(t) = &self.tap {
            let mut st = lock(&t.0);
            let mut rest = &buf[..n];
            while let Some(i) = memchr::memchr(b'\n', rest) {
                st.out_line.extend_from_slice(&rest[..i]);
                st.end_line(false);
                rest = &rest[i + 1..];
            }
            st.out_line.extend_from_slice(rest);
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Where the tokens of output line `b` that input line `a` does not hold
/// came from: for each, the input range it replaced and its range in `b`.
///
/// `a` is `b` with each such token put back as the bytes it replaced, so
/// the text between two tokens is found in `a` after the first one's value
/// (its first place will do) and the text after the last ends `a`. Tokens
/// with no text between them share the range of their values together.
fn places(a: &[u8], b: &[u8]) -> Vec<(Range<usize>, Range<usize>)> {
    let mut toks: Vec<Range<usize>> = Vec::new();
    let mut p = 0;
    while let Some(i) = memchr::memchr(b'<', &b[p..]) {
        let at = p + i;
        match token::token_at(b, at) {
            Some(end) => {
                if memchr::memmem::find(a, &b[at..end]).is_none() {
                    toks.push(at..end);
                }
                p = end;
            }
            None => p = at + 1,
        }
    }
    let mut out = Vec::with_capacity(toks.len());
    let Some(first) = toks.first() else {
        return out;
    };
    let tail = &b[toks[toks.len() - 1].end..];
    let tail_at = a.len().saturating_sub(tail.len());
    let mut pos = first.start.min(a.len());
    let mut i = 0;
    while i < toks.len() {
        // The tokens up to the next text between two of them.
        let mut j = i + 1;
        while j < toks.len() && toks[j].start == toks[j - 1].end {
            j += 1;
        }
        let end = if j == toks.len() {
            tail_at.max(pos)
        } else {
            let text = &b[toks[j - 1].end..toks[j].start];
            let from = (pos + 1).min(a.len());
            match memchr::memmem::find(&a[from..], text) {
                Some(k) if from + k + text.len() <= tail_at => from + k,
                // Out of step (cannot happen for output made from `a`):
                // the rest of the line is the place of the rest.
                _ => {
                    j = toks.len();
                    tail_at.max(pos)
                }
            }
        };
        for t in &toks[i..j] {
            out.push((pos..end, t.clone()));
        }
        if j < toks.len() {
            pos = end + (toks[j].start - toks[j - 1].end);
        }
        i = j;
    }
    out
}

/// `--findings-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One JSON object per line.
    Jsonl,
    /// SARIF 2.1.0, as code-scanning tools read it.
    Sarif,
}

impl Format {
    /// The format for `path`: `.sarif` is SARIF, anything else JSON Lines.
    pub fn for_path(path: &std::path::Path) -> Format {
        match path.extension() {
            Some(e) if e.eq_ignore_ascii_case("sarif") => Format::Sarif,
            _ => Format::Jsonl,
        }
    }
}

/// Renders `findings` as JSON Lines.
pub fn to_jsonl(findings: &[Finding]) -> Vec<u8> {
    let mut out = Vec::new();
    for f in findings {
        serde_json::to_writer(&mut out, f).expect("a finding serialises");
        out.push(b'\n');
    }
    out
}

/// The short list of `--check -v`: `file:line:column rule token`.
pub fn to_text(findings: &[Finding]) -> String {
    let mut s = String::new();
    for f in findings {
        s.push_str(&format!(
            "{}:{}:{} {} {}\n",
            f.file, f.line, f.column, f.rule, f.token
        ));
    }
    s
}

/// Percent-encodes a redacted path for a SARIF `uri` (`/` stays).
fn uri(path: &str) -> String {
    let mut s = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            s.push(char::from(b));
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// Renders `findings` as a SARIF 2.1.0 log; `rules` are the run's rules
/// (id, description), of which those found are listed.
pub fn to_sarif(findings: &[Finding], rules: &[(String, String)]) -> Vec<u8> {
    use serde_json::json;
    let used: std::collections::BTreeSet<&str> = findings.iter().map(|f| f.rule.as_str()).collect();
    let rules: Vec<_> = rules
        .iter()
        .filter(|(id, _)| used.contains(id.as_str()))
        .map(|(id, desc)| {
            let first = desc.lines().next().unwrap_or_default();
            json!({"id": id, "shortDescription": {"text": first}})
        })
        .collect();
    let results: Vec<_> = findings
        .iter()
        .map(|f| {
            json!({
                "ruleId": f.rule,
                "level": "error",
                "message": {"text": format!("{} value, redacted as {}", f.label, f.token)},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": uri(&f.file)},
                    "region": {
                        "startLine": f.line,
                        "startColumn": f.column,
                        "endColumn": f.end_column,
                    },
                }}],
                "partialFingerprints": {"logscrubToken/v1": f.token},
            })
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "logscrub",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    });
    let mut out = serde_json::to_vec_pretty(&log).expect("SARIF serialises");
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spots(a: &str, b: &str) -> Vec<(Range<usize>, String)> {
        places(a.as_bytes(), b.as_bytes())
            .into_iter()
            .map(|(r, t)| (r, b[t].to_owned()))
            .collect()
    }

    #[test]
    fn places_of_tokens_in_a_line() {
        assert_eq!(
            spots("mail jane@corp.com now", "mail <EMAIL-1f3a9c2d> now"),
            vec![(5..18, "<EMAIL-1f3a9c2d>".into())]
        );
        // Two values, text between them that the first value also holds.
        assert_eq!(
            spots(
                "a.b@c.de. then 10.0.0.1",
                "<EMAIL-1f3a9c2d>. then <IP-00aa11bb>"
            ),
            vec![
                (0..8, "<EMAIL-1f3a9c2d>".into()),
                (15..23, "<IP-00aa11bb>".into())
            ]
        );
        // A token the input held already is no finding.
        assert_eq!(
            spots(
                "<HOST-0000aaaa> x@y.org",
                "<HOST-0000aaaa> <EMAIL-1f3a9c2d>"
            ),
            vec![(16..23, "<EMAIL-1f3a9c2d>".into())]
        );
        // Adjacent tokens share their values' range.
        assert_eq!(
            spots("k=ab", "k=<A-00000000><B-11111111>"),
            vec![(2..4, "<A-00000000>".into()), (2..4, "<B-11111111>".into())]
        );
        assert!(spots("same", "same").is_empty());
    }

    #[test]
    fn tap_numbers_lines_across_writes() {
        let c = Collector::new();
        let tap = c.tap("app.log");
        let input = b"ok\nuser jane@corp.com\nlast 10.0.0.1";
        let mut r = Tap::reader(Some(&tap), &input[..]);
        let mut buf = Vec::new();
        r.read_to_end(&mut buf).unwrap();
        let mut sink = Vec::new();
        {
            let mut w = Tap::writer(Some(&tap), &mut sink);
            w.write_all(b"ok\nuser <EMAIL-1f3a9c2d>").unwrap();
            w.write_all(b"\nlast <IP-00aa11bb>").unwrap();
        }
        c.finish(tap);
        let f = c.take(&["app.log"], |_| Some("r".into()));
        let at: Vec<_> = f.iter().map(|f| (f.line, f.column, f.end_column)).collect();
        assert_eq!(at, vec![(2, 6, 19), (3, 6, 14)]);
        assert_eq!(f[0].label, "EMAIL");
        assert_eq!(to_text(&f[..1]), "app.log:2:6 r <EMAIL-1f3a9c2d>\n");
    }
}
