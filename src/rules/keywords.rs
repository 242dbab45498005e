//! `--keywords FILE`: the customer's own words (company names, product
//! code names, project keys), each replaced everywhere as `<KEYWORD-...>`.
//!
//! A keywords file has the format of an allow file: one entry a line, `#`
//! starts a comment; an entry may be a phrase of several words. The entries
//! become one rule, `customer.keywords`, added to the set like any other,
//! so they are found in file contents and names, counted, listed in
//! findings and checked with `--check`. A keyword matches without regard to
//! case and wherever it stands, also inside paths and identifiers
//! (`/opt/phoenix/`, `com.acme.phoenix.Sync`, `PhoenixClient`); the spaces
//! of a phrase also match `-`, `_`, `.`, other spaces or nothing
//! (`Project Phoenix`, `project-phoenix`, `ProjectPhoenix`).

use std::path::{Path, PathBuf};

use super::RuleSet;
use crate::error::{Error, Result};

/// The id of the rule the keywords make.
pub const RULE_ID: &str = "customer.keywords";

/// Shortest keyword: a shorter one would match inside too many words.
pub const MIN_LEN: usize = 3;

/// The entries of a keywords file named `path`.
pub fn parse(path: &Path, text: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let entry = line.split('#').next().unwrap_or_default().trim();
        if entry.is_empty() {
            continue;
        }
        if entry.chars().count() < MIN_LEN {
            return Err(Error::RuleFile {
                path: path.to_path_buf(),
                reason: format!(
                    "line {}: a keyword has at least {MIN_LEN} characters (it matches inside words)",
                    i + 1
                ),
            });
        }
        out.push(entry.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    Ok(out)
}

/// The regex of one keyword: its words, their spaces matching any run of
/// spaces, `-`, `_` and `.`, or nothing.
fn pattern(keyword: &str) -> String {
    keyword
        .split(' ')
        .map(regex::escape)
        .collect::<Vec<_>>()
        .join(r"[\s._-]*")
}

/// Adds the rule of the keywords in `files` to `set` (nothing when there
/// are none).
pub fn add(set: &mut RuleSet, files: &[PathBuf]) -> Result<()> {
    let mut words = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(path).map_err(|e| Error::RuleFile {
            path: path.to_path_buf(),
            reason: format!("cannot read: {e}"),
        })?;
        words.extend(parse(path, &text)?);
    }
    if words.is_empty() {
        return Ok(());
    }
    // Longest first, so that a keyword that starts another loses to it.
    words.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    words.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    let alternation = words
        .iter()
        .map(|w| pattern(w))
        .collect::<Vec<_>>()
        .join("|");
    let quote = |s: &str| toml::Value::String(s.to_owned()).to_string();
    // A prefilter keyword per entry (its first word) when all are ASCII.
    let prefilter = if words.iter().all(|w| w.is_ascii()) {
        let firsts: Vec<String> = words
            .iter()
            .map(|w| quote(&w.split(' ').next().unwrap_or(w).to_ascii_lowercase()))
            .collect();
        format!("keywords = [{}]\n", firsts.join(", "))
    } else {
        String::new()
    };
    let toml = format!(
        "[[rule]]\nid = \"{RULE_ID}\"\nlabel = \"KEYWORD\"\n\
         description = \"The words and phrases of --keywords files, wherever they stand.\"\n\
         pattern = {}\n{prefilter}normalize = \"lowercase\"\npriority = 5\n\
         examples = [{{ input = {}, output = \"<KEYWORD>\" }}]\n\
         negative_examples = [\"x\"]\n",
        quote(&format!("(?i)(?:{alternation})")),
        quote(&words[0]),
    );
    set.add_text(Path::new("<--keywords>"), &toml)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_lines_without_comments_and_short_ones_are_refused() {
        let p = Path::new("k.txt");
        assert_eq!(
            parse(
                p,
                "# ours\nPhoenix\n  Project   Kestrel  # code name\n\nACME-42\n"
            )
            .unwrap(),
            ["Phoenix", "Project Kestrel", "ACME-42"]
        );
        let e = parse(p, "ok-word\nab\n").unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("at least 3"), "{e}");
    }

    #[test]
    fn keywords_match_any_case_inside_words_and_phrases_across_separators() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("k.txt");
        std::fs::write(&f, "phoenix\nProject Kestrel\nc++ (beta)\n").unwrap();
        let mut set = RuleSet::embedded().unwrap();
        add(&mut set, &[f]).unwrap();
        let engine = crate::engine::Engine::new(&set).unwrap();
        let key = crate::redact::pseudonym::Key::from_material(b"keywords-test-key").unwrap();
        let r =
            crate::redact::Redactor::new(engine, crate::redact::pseudonym::Pseudonymizer::new(key));
        let out = r.redact_bytes(
            b"PHOENIX at /opt/phoenix-app/x com.acme.phoenix.Sync PhoenixClient; \
              project-kestrel ProjectKestrel project  kestrel; C++ (Beta) phoeni\n",
        );
        let out = String::from_utf8(out).unwrap();
        assert!(!out.to_ascii_lowercase().contains("phoenix"), "{out}");
        assert!(!out.to_ascii_lowercase().contains("kestrel"), "{out}");
        assert!(!out.contains("C++"), "{out}");
        assert!(
            out.contains("/opt/<KEYWORD-") && out.contains("-app/x"),
            "{out}"
        );
        assert!(
            out.contains("<KEYWORD-") && out.ends_with("phoeni\n"),
            "{out}"
        );
        // One keyword, one token, whatever its case.
        let first = &out[..out.find('>').unwrap() + 1];
        assert_eq!(out.matches(first).count(), 4, "{out}");
    }
}
