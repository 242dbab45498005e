//! Running every rule's examples (`logscrub rules check`, and `cargo test`
//! over the embedded set).
//!
//! For each rule:
//! - each example's input, redacted by the **whole** rule set, must equal
//!   the expected output, where `<LABEL>` stands for any token of that label;
//! - the rule itself must find something in each example's input (so an
//!   example cannot pass only because another rule covers it);
//! - each negative example must come through unchanged;
//! - redacting an example's output again must change nothing.

use std::path::{Path, PathBuf};

use crate::engine::Engine;
use crate::error::Result;
use crate::redact::Redactor;
use crate::redact::pseudonym::{Key, Pseudonymizer};
use crate::rules::{Rule, RuleSet};

/// One failed expectation.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The rule file.
    pub source: PathBuf,
    /// The rule id.
    pub id: String,
    /// What failed, with expected and actual text (example text only, which
    /// comes from the rule file, never from user input).
    pub message: String,
}

/// Checks every rule of `set`. Returns the failures (empty when all pass).
pub fn check(set: &RuleSet) -> Result<Vec<Failure>> {
    let key = Key::from_material(b"logscrub rules check key")?;
    let redactor = Redactor::new(Engine::new(set)?, Pseudonymizer::new(key.clone()));
    // Each rule alone, compiled once: for the "finds something itself" check
    // and for naming the rules behind a failure.
    let alones = set
        .rules()
        .iter()
        .map(|rule| single_rule_engine(rule, set.allow()))
        .collect::<Result<Vec<_>>>()?;
    let mut failures = Vec::new();
    for (rule, alone) in set.rules().iter().zip(&alones) {
        let fail = |message: String| Failure {
            source: rule.source.clone(),
            id: rule.id.clone(),
            message,
        };
        for (i, ex) in rule.examples.iter().enumerate() {
            let n = i + 1;
            let out = redactor.redact_bytes(ex.input.as_bytes());
            let got = placeholders(&out);
            let want = placeholders(ex.output.as_bytes());
            if got != want {
                failures.push(fail(format!(
                    "example {n}:\n    input:    {}\n    expected: {}\n    got:      {}{}",
                    show(ex.input.as_bytes()),
                    show(&want),
                    show(&got),
                    finders(set, &alones, ex.input.as_bytes())
                )));
                continue;
            }
            if !finds(alone, ex.input.as_bytes()) {
                failures.push(fail(format!(
                    "example {n}: the rule alone finds nothing in {} (another rule redacts it)",
                    show(ex.input.as_bytes())
                )));
            }
            let again = redactor.redact_bytes(&out);
            if again != out {
                failures.push(fail(format!(
                    "example {n}: redacting the output again changes it:\n    once:  {}\n    twice: {}",
                    show(&out),
                    show(&again)
                )));
            }
        }
        for (i, neg) in rule.negative_examples.iter().enumerate() {
            let out = redactor.redact_bytes(neg.as_bytes());
            if out != neg.as_bytes() {
                failures.push(fail(format!(
                    "negative example {}: must pass unchanged:\n    input: {}\n    got:   {}{}",
                    i + 1,
                    show(neg.as_bytes()),
                    show(&placeholders(&out)),
                    finders(set, &alones, neg.as_bytes())
                )));
            }
        }
    }
    Ok(failures)
}

/// True when `engine` finds anything in `text`.
fn finds(engine: &Engine, text: &[u8]) -> bool {
    let mut s = engine.scratch();
    engine.scan(text, Default::default(), &mut s);
    !s.findings.is_empty()
}

/// Which rules (`alones`: each rule of `set` on its own) find something in
/// `text`, each with its file: when a user rule breaks another rule's
/// example, the message names the user rule.
fn finders(set: &RuleSet, alones: &[Engine], text: &[u8]) -> String {
    let found: Vec<String> = set
        .rules()
        .iter()
        .zip(alones)
        .filter(|(_, alone)| finds(alone, text))
        .map(|(rule, _)| format!("{} ({})", rule.id, display(&rule.source)))
        .collect();
    if found.is_empty() {
        String::new()
    } else {
        format!("\n    found by: {}", found.join(", "))
    }
}

fn single_rule_engine(rule: &Rule, set_allow: &crate::rules::AllowList) -> Result<Engine> {
    let mut one = RuleSet::default();
    one.push_checked(rule.clone());
    one.set_allow(set_allow.clone());
    Engine::new(&one)
}

/// Replaces every token `<LABEL-1f3a9c2d>` with `<LABEL>`.
pub fn placeholders(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        if let Some(end) = crate::token::token_at(text, i) {
            out.push(b'<');
            out.extend_from_slice(crate::token::label_of(&text[i..end]).unwrap_or_default());
            out.push(b'>');
            i = end;
        } else {
            out.push(text[i]);
            i += 1;
        }
    }
    out
}

fn show(b: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(b))
}

/// Renders failures for the terminal.
pub fn render(failures: &[Failure]) -> String {
    let mut s = String::new();
    for f in failures {
        s.push_str(&format!(
            "{}: rule {}: {}\n",
            display(&f.source),
            f.id,
            f.message
        ));
    }
    s
}

fn display(p: &Path) -> String {
    p.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_form() {
        assert_eq!(
            placeholders(b"a <EMAIL-1f3a9c2d> b <PRIVATE-KEY-00000000>"),
            b"a <EMAIL> b <PRIVATE-KEY>"
        );
        assert_eq!(placeholders(b"<EMAIL> <x>"), b"<EMAIL> <x>");
    }

    #[test]
    fn embedded_rules_pass_their_examples() {
        let set = RuleSet::embedded().unwrap();
        let failures = check(&set).unwrap();
        assert!(failures.is_empty(), "\n{}", render(&failures));
    }

    #[test]
    fn a_wrong_example_is_reported() {
        let mut set = RuleSet::default();
        set.add_text(
            Path::new("t.toml"),
            r#"
[[rule]]
id = "t.x"
label = "X"
description = "x"
pattern = 'x[0-9]+'
examples = [{ input = "a x12", output = "a x12" }]
negative_examples = ["x12"]
"#,
        )
        .unwrap();
        let f = check(&set).unwrap();
        assert_eq!(f.len(), 2, "{}", render(&f));
        assert!(f[0].message.contains("expected"));
        assert!(f[1].message.contains("negative example 1"));
        assert!(
            f[1].message.contains("found by: t.x (t.toml)"),
            "{}",
            render(&f)
        );
    }

    /// A user rule that over-matches breaks another rule's negative example;
    /// the failure names the user rule and its file.
    #[test]
    fn a_failure_names_the_rules_that_found_something() {
        let mut set = RuleSet::default();
        set.add_text(
            Path::new("base.toml"),
            r#"
[[rule]]
id = "base.num"
label = "NUM"
description = "n"
pattern = 'n[0-9]+'
examples = [{ input = "a n12", output = "a <NUM>" }]
negative_examples = ["plain words"]
"#,
        )
        .unwrap();
        set.add_text(
            Path::new("mine.toml"),
            r#"
[[rule]]
id = "mine.words"
label = "W"
description = "w"
pattern = 'plain'
examples = [{ input = "plain", output = "<W>" }]
negative_examples = ["other"]
"#,
        )
        .unwrap();
        let f = check(&set).unwrap();
        assert_eq!(f.len(), 1, "{}", render(&f));
        assert_eq!(f[0].id, "base.num");
        assert!(
            f[0].message.contains("found by: mine.words (mine.toml)"),
            "{}",
            render(&f)
        );
    }
}
