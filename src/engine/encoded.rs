//! Values hidden in base64: a Kubernetes secret's `data:`, a docker
//! `config.json` `"auth"`, a PEM key pasted encoded, a Basic header's
//! value logged without its header. A run of base64 that decodes to text
//! is scanned as text; when the text holds anything a rule finds, the whole
//! encoded run is redacted under the label of what was found inside.

use std::ops::Range;

use base64::Engine as _;

use super::{BlockState, Engine, Finding, Scratch};

/// Shortest run of base64 worth decoding (12 bytes of text).
const MIN_RUN: usize = 16;
/// Longest run decoded; longer ones are data, not a setting.
const MAX_RUN: usize = 64 * 1024;
/// Shortest decoded text scanned.
const MIN_TEXT: usize = 8;

impl Engine {
    /// Adds to `s.findings` a finding for each run of base64 in `hay` that
    /// no finding overlaps yet and that decodes to text in which a rule
    /// finds something. Decoded text is scanned once more for base64 inside
    /// it (a docker `config.json` holds an encoded `"auth"`), no deeper.
    pub(super) fn scan_encoded(&self, hay: &[u8], s: &mut Scratch, depth: u8) {
        // Every run worth decoding lies inside one of the scan's token runs
        // (long words of letters, digits and `+/_-=` with a letter and a
        // digit), when the scan made them; else the whole chunk is walked.
        let mut texts = Vec::new();
        let mut each = |r: Range<usize>| {
            if let Some(t) = decode_text(&hay[r.clone()]) {
                texts.push((r, t));
            }
        };
        if self.uses_token_runs() {
            for r in &s.runs {
                base64_runs(hay, r.clone(), &mut each);
            }
        } else {
            base64_runs(hay, 0..hay.len(), &mut each);
        }
        if texts.is_empty() {
            return;
        }
        let mut covered: Vec<(usize, usize)> =
            s.findings.iter().map(|f| (f.start, f.end)).collect();
        covered.sort_unstable();
        // Each end becomes the furthest end so far: see `overlaps`.
        let mut furthest = 0;
        for c in &mut covered {
            furthest = furthest.max(c.1);
            c.1 = furthest;
        }
        let saved = std::mem::take(&mut s.findings);
        let saved_protected = std::mem::take(&mut s.protected);
        let mut found = Vec::new();
        for (r, text) in texts {
            if overlaps(&covered, &r) {
                continue;
            }
            self.scan_depth(&text, BlockState::default(), s, None, depth + 1);
            if let Some(inner) = s
                .findings
                .iter()
                .max_by_key(|f| (f.priority, f.end - f.start))
            {
                found.push(Finding {
                    start: r.start,
                    end: r.end,
                    rule: inner.rule,
                    label: inner.label,
                    priority: inner.priority,
                });
            }
        }
        s.findings = saved;
        s.protected = saved_protected;
        s.findings.extend(found);
    }
}

/// True when a span of `covered` overlaps `r`. `covered` is sorted by
/// start, and each end is the furthest end of the spans up to it.
fn overlaps(covered: &[(usize, usize)], r: &Range<usize>) -> bool {
    let upto = covered.partition_point(|&(s, _)| s < r.end);
    upto > 0 && covered[upto - 1].1 > r.start
}

/// The bytes of the base64 alphabet, `A-Z a-z 0-9 + /`.
static B64: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric() || b == b'+' || b == b'/';
        c += 1;
    }
    t
};

/// Calls `f` with each run of the base64 alphabet, then up to two `=`, in
/// `hay[within]` that is [`MIN_RUN`] to [`MAX_RUN`] bytes long, holds a
/// letter and a digit, and stands on its own in `hay`: not inside a longer
/// word of `-`, `_`, `.` or `%` (a URL-safe token, a file name, an
/// escape), and of a length base64 can have.
fn base64_runs(hay: &[u8], within: Range<usize>, mut f: impl FnMut(Range<usize>)) {
    let b64 = |c: u8| B64[usize::from(c)];
    let joined = |c: u8| matches!(c, b'-' | b'_' | b'.' | b'%' | b'\\');
    let mut i = within.start;
    while i < within.end {
        if !b64(hay[i]) {
            i += 1;
            continue;
        }
        let start = i;
        let (mut letter, mut digit) = (false, false);
        while i < within.end && b64(hay[i]) {
            letter |= hay[i].is_ascii_alphabetic();
            digit |= hay[i].is_ascii_digit();
            i += 1;
        }
        let body = i - start;
        let mut end = i;
        while end < within.end && end - i < 2 && hay[end] == b'=' {
            end += 1;
        }
        i = end;
        if !((MIN_RUN..=MAX_RUN).contains(&body) && letter && digit) {
            continue;
        }
        let padded = end > body + start;
        let length_ok = if padded {
            (end - start) % 4 == 0
        } else {
            body % 4 != 1
        };
        let before_ok = start == 0 || !joined(hay[start - 1]);
        let after_ok = end == hay.len() || !(joined(hay[end]) || hay[end] == b'=');
        if length_ok && before_ok && after_ok {
            f(start..end);
        }
    }
}

/// The text `run` encodes: UTF-8 of [`MIN_TEXT`] bytes or more with no
/// control character but tab, CR and LF, and with something other than
/// letters and digits in it (a key, a space, a colon: words, not noise).
fn decode_text(run: &[u8]) -> Option<Vec<u8>> {
    let body = super::validate::unpadded(run);
    // Most runs are hex digests, ids and paths: their first bytes already
    // decode to something that is no text.
    let head = &body[..body.len().min(16)];
    let quick = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(&head[..head.len() / 4 * 4])
        .ok()?;
    if !quick.iter().all(|&b| is_text_byte(b)) {
        return None;
    }
    let text = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(body)
        .ok()?;
    if text.len() < MIN_TEXT || !text.iter().all(|&b| is_text_byte(b)) {
        return None;
    }
    std::str::from_utf8(&text).ok()?;
    text.iter()
        .any(|b| !b.is_ascii_alphanumeric())
        .then_some(text)
}

/// A byte of printable text: not a control character other than tab, CR
/// and LF (bytes of multi-byte UTF-8 characters pass; the whole text is
/// checked as UTF-8 after).
fn is_text_byte(b: u8) -> bool {
    b >= 0x20 && b != 0x7f || matches!(b, b'\t' | b'\n' | b'\r')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        base64_runs(text.as_bytes(), 0..text.len(), |r| out.push(&text[r]));
        out
    }

    #[test]
    fn runs_stand_alone_and_have_a_base64_length() {
        assert_eq!(
            runs("displayName: TWFyaWEgU2NobWlkdA== short QWxhZGRp x"),
            ["TWFyaWEgU2NobWlkdA=="]
        );
        // Inside a URL-safe token or a file name; one byte too many.
        assert!(runs("tok-TWFyaWEgU2NobWlkdA== a.TWFyaWEgU2NobWlkdA").is_empty());
        assert!(runs("TWFyaWEgU2NobWlkdA=").is_empty());
    }

    #[test]
    fn only_text_is_decoded() {
        let text = |s: &str| decode_text(s.as_bytes()).map(|t| String::from_utf8(t).unwrap());
        assert_eq!(
            text("TWFyaWEgU2NobWlkdA==").as_deref(),
            Some("Maria Schmidt")
        );
        // A hex digest and a path decode to bytes that are no text; a run
        // of letters alone decodes to letters alone.
        assert_eq!(text("5a690d7bc1b03803464ca42549b87104d8819f07"), None);
        assert_eq!(text("opt/atlassian/jira/bin/lib"), None);
        assert_eq!(text("YWJjZGVmZ2hpamtsbW5vcA"), None);
    }

    #[test]
    fn an_encoded_run_goes_whole_when_its_text_holds_a_finding() {
        let engine = Engine::new(&crate::rules::RuleSet::embedded().unwrap()).unwrap();
        let mut s = engine.scratch();
        let enc = |t: &str| base64::engine::general_purpose::STANDARD.encode(t);
        let secret = enc(r#"{"auths":{"r":{"username":"ci","password":"Rg-Pull-8812"}}}"#);
        let plain = enc("Hello world, nothing to see here");
        let hay = format!("a: {secret}\nb: {plain}\n");
        engine.scan(hay.as_bytes(), BlockState::default(), &mut s);
        let spans: Vec<&str> = s.findings.iter().map(|f| &hay[f.start..f.end]).collect();
        assert_eq!(spans, [secret.as_str()]);
        assert_eq!(engine.label(s.findings[0].label), "PASSWORD");
    }

    #[test]
    fn overlap_is_any_shared_byte() {
        let covered = [(0, 4), (10, 20), (12, 20)];
        assert!(overlaps(&covered, &(3..5)));
        assert!(overlaps(&covered, &(15..30)));
        assert!(!overlaps(&covered, &(4..10)));
        assert!(!overlaps(&covered, &(20..25)));
    }
}
