//! Loading rule files: the embedded defaults and user files, one loader.
//!
//! Errors name the file, the rule id (or its position when the id is
//! missing) and the problem. Ids are unique across everything loaded; a
//! duplicate names both files.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use super::spec::RuleSpec;
use super::{
    AllowList, EMBEDDED, Example, GroupRef, Matcher, Normalize, RedactGroup, Rule, Validator,
    is_valid_label,
};
use crate::error::{Error, Result};

/// Which rules to load.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Leave out the embedded default set.
    pub no_defaults: bool,
    /// Leave out the built-in allow list of public services.
    pub no_default_allow: bool,
    /// Rule files, or folders whose `*.toml` files are loaded in name order.
    pub paths: Vec<PathBuf>,
    /// Allow files (values and domains that stay).
    pub allow: Vec<PathBuf>,
}

/// An ordered, id-unique collection of rules.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
    allow: AllowList,
}

impl RuleSet {
    /// The embedded default rule set, with the built-in allow list.
    pub fn embedded() -> Result<RuleSet> {
        RuleSet::load(&LoadOptions::default())
    }

    /// Loads what `opts` asks for: the defaults (unless left out), then each
    /// path in order.
    pub fn load(opts: &LoadOptions) -> Result<RuleSet> {
        let mut set = RuleSet::default();
        if !opts.no_defaults {
            for (name, text) in EMBEDDED {
                set.add_text(&Path::new("<embedded>").join(name), text)?;
            }
        }
        if !opts.no_default_allow {
            set.allow = AllowList::builtin()?;
        }
        for path in &opts.paths {
            set.add_path(path)?;
        }
        for path in &opts.allow {
            let text = fs::read_to_string(path).map_err(|e| Error::RuleFile {
                path: path.to_path_buf(),
                reason: format!("cannot read: {e}"),
            })?;
            set.allow.add_text(path, &text)?;
        }
        Ok(set)
    }

    /// Adds a rule file, or every `*.toml` file in a folder (in name order).
    pub fn add_path(&mut self, path: &Path) -> Result<()> {
        let file_err = |reason: String| Error::RuleFile {
            path: path.to_path_buf(),
            reason,
        };
        let meta = fs::metadata(path).map_err(|e| file_err(format!("cannot read: {e}")))?;
        if meta.is_dir() {
            let mut files = Vec::new();
            for entry in fs::read_dir(path).map_err(|e| file_err(format!("cannot read: {e}")))? {
                let entry = entry.map_err(|e| file_err(format!("cannot read: {e}")))?;
                let p = entry.path();
                if p.extension().is_some_and(|x| x == "toml") && p.is_file() {
                    files.push(p);
                }
            }
            if files.is_empty() {
                return Err(file_err("folder holds no *.toml rule file".into()));
            }
            files.sort();
            for f in files {
                self.add_file(&f)?;
            }
            Ok(())
        } else {
            self.add_file(path)
        }
    }

    fn add_file(&mut self, path: &Path) -> Result<()> {
        let text = fs::read_to_string(path).map_err(|e| Error::RuleFile {
            path: path.to_path_buf(),
            reason: format!("cannot read: {e}"),
        })?;
        self.add_text(path, &text)
    }

    /// Parses `text` as a rule file named `path` and adds its rules.
    pub fn add_text(&mut self, path: &Path, text: &str) -> Result<()> {
        let rules = parse_file(path, text)?;
        let mut seen: HashMap<&str, &Path> = self
            .rules
            .iter()
            .map(|r| (r.id.as_str(), r.source.as_path()))
            .collect();
        for r in &rules {
            if let Some(other) = seen.insert(&r.id, path) {
                return Err(Error::Rule {
                    path: path.to_path_buf(),
                    id: r.id.clone(),
                    reason: format!("duplicate id: also defined in {}", other.display()),
                });
            }
        }
        self.rules.extend(rules);
        Ok(())
    }

    /// Replaces the allow list.
    pub(crate) fn set_allow(&mut self, allow: AllowList) {
        self.allow = allow;
    }

    /// Adds a rule that was already validated (a rule of another set).
    pub(crate) fn push_checked(&mut self, rule: Rule) {
        self.rules.push(rule);
    }

    /// The allow list (values and domains that stay).
    pub fn allow(&self) -> &AllowList {
        &self.allow
    }

    /// The rules, in load order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// True when there is no rule.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

/// Parses one rule file.
pub fn parse_file(path: &Path, text: &str) -> Result<Vec<Rule>> {
    let file_err = |reason: String| Error::RuleFile {
        path: path.to_path_buf(),
        reason,
    };
    let table: toml::Table =
        toml::from_str(text).map_err(|e| file_err(format!("not valid TOML: {e}")))?;
    let mut rules = Vec::new();
    for (key, value) in table {
        if key != "rule" {
            return Err(file_err(format!(
                "unknown top-level key `{key}` (a rule file holds only [[rule]] tables)"
            )));
        }
        let toml::Value::Array(items) = value else {
            return Err(file_err(
                "`rule` must be an array of tables: [[rule]]".into(),
            ));
        };
        for (i, item) in items.into_iter().enumerate() {
            let id = item
                .get("id")
                .and_then(|v| v.as_str())
                .map(str::to_owned)
                .unwrap_or_else(|| format!("#{} (no id)", i + 1));
            let rule_err = |reason: String| Error::Rule {
                path: path.to_path_buf(),
                id: id.clone(),
                reason,
            };
            let spec: RuleSpec = item
                .try_into()
                .map_err(|e: toml::de::Error| rule_err(e.message().trim().to_owned()))?;
            rules.push(validate(path, spec).map_err(rule_err)?);
        }
    }
    Ok(rules)
}

fn validate(path: &Path, s: RuleSpec) -> std::result::Result<Rule, String> {
    let id_ok = !s.id.is_empty()
        && s.id.bytes().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'.' | b'-' | b'_')
        })
        && s.id.as_bytes()[0].is_ascii_alphanumeric();
    if !id_ok {
        return Err("id must be lower-case letters, digits, `.`, `-` and `_`".into());
    }
    if !is_valid_label(&s.label) {
        return Err(format!(
            "label `{}` must be upper-case letters, digits, `_` or inner `-`, starting with a letter, at most 24 bytes",
            s.label
        ));
    }
    if s.description.trim().is_empty() {
        return Err("description is empty".into());
    }
    let matcher = match s.kind.as_deref().unwrap_or("regex") {
        "regex" => {
            for (k, v) in [("begin", &s.begin), ("end", &s.end), ("body", &s.body)] {
                if v.is_some() {
                    return Err(format!("`{k}` belongs to block rules (kind = \"block\")"));
                }
            }
            let pattern = s.pattern.clone().ok_or("missing `pattern`")?;
            let redact = s
                .redact
                .iter()
                .map(|g| parse_redact(g, &s.label))
                .collect::<std::result::Result<Vec<_>, _>>()?;
            Matcher::Regex { pattern, redact }
        }
        "block" => {
            if s.pattern.is_some() || !s.redact.is_empty() {
                return Err(
                    "block rules take `begin`, `end` and `body`, not `pattern` or `redact`".into(),
                );
            }
            Matcher::Block {
                begin: s.begin.clone().ok_or("block rule: missing `begin`")?,
                end: s.end.clone().ok_or("block rule: missing `end`")?,
                body: s.body.clone().ok_or("block rule: missing `body`")?,
            }
        }
        "next-line" => {
            if s.end.is_some() || s.body.is_some() || !s.redact.is_empty() {
                return Err(
                    "next-line rules take `begin` and `pattern` (with a group `value`), not `end`, `body` or `redact`"
                        .into(),
                );
            }
            Matcher::NextLine {
                begin: s.begin.clone().ok_or("next-line rule: missing `begin`")?,
                pattern: s
                    .pattern
                    .clone()
                    .ok_or("next-line rule: missing `pattern`")?,
            }
        }
        other => {
            return Err(format!(
                "unknown kind `{other}` (known: regex, block, next-line)"
            ));
        }
    };
    if s.keywords.iter().any(|k| k.is_empty()) {
        return Err("keywords must not be empty strings".into());
    }
    if s.keywords.iter().any(|k| k.contains(['\n', '\r'])) {
        return Err("keywords must not hold a line break: rules match within one line".into());
    }
    let multi_line = !matches!(matcher, Matcher::Regex { .. });
    if s.learn && multi_line {
        return Err("block and next-line rules cannot `learn`".into());
    }
    if s.list && multi_line {
        return Err("`list` belongs to regex rules".into());
    }
    if s.list && s.require_all {
        return Err(
            "`list` and `require_all` do not go together: each element stands alone".into(),
        );
    }
    if multi_line && s.keywords.is_empty() {
        return Err(
            "block and next-line rules need `keywords` that every begin marker contains".into(),
        );
    }
    let validators = s
        .validators
        .iter()
        .map(|v| Validator::parse(v))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let normalize = match &s.normalize {
        Some(n) => Normalize::parse(n)?,
        None => Normalize::None,
    };
    if s.examples.is_empty() {
        return Err("needs at least one entry in `examples`".into());
    }
    if s.negative_examples.is_empty() {
        return Err("needs at least one entry in `negative_examples`".into());
    }
    for (i, e) in s.examples.iter().enumerate() {
        if e.input.lines().count() != e.output.lines().count() {
            return Err(format!(
                "example {}: input and output have different line counts",
                i + 1
            ));
        }
    }
    Ok(Rule {
        id: s.id,
        label: s.label,
        description: s.description.trim().to_owned(),
        source: path.to_path_buf(),
        matcher,
        keywords: s.keywords,
        validators,
        normalize,
        priority: s.priority,
        require_all: s.require_all,
        overlap: s.overlap,
        list: s.list,
        learn: s.learn,
        not_before: s.not_before,
        not_after: s.not_after,
        references: s.references,
        examples: s
            .examples
            .into_iter()
            .map(|e| Example {
                input: e.input,
                output: e.output,
            })
            .collect(),
        negative_examples: s.negative_examples,
    })
}

/// `"name"`, `"name:LABEL"`, `"2"` or `"2:LABEL"`.
fn parse_redact(s: &str, default_label: &str) -> std::result::Result<RedactGroup, String> {
    let (group, label) = match s.split_once(':') {
        Some((g, l)) => (g, l),
        None => (s, default_label),
    };
    if !is_valid_label(label) {
        return Err(format!("redact `{s}`: bad label `{label}`"));
    }
    let group = if let Ok(n) = group.parse::<usize>() {
        GroupRef::Index(n)
    } else if !group.is_empty()
        && group
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_')
    {
        GroupRef::Name(group.to_owned())
    } else {
        return Err(format!("redact `{s}`: bad capture group name"));
    };
    Ok(RedactGroup {
        group,
        label: label.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[[rule]]
id = "t.thing"
label = "THING"
description = "a thing"
pattern = 'thing-[0-9]+'
examples = [{ input = "a thing-12 b", output = "a <THING> b" }]
negative_examples = ["thing"]
"#;

    fn err(text: &str) -> String {
        parse_file(Path::new("x.toml"), text)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn good_file_loads() {
        let rules = parse_file(Path::new("x.toml"), GOOD).unwrap();
        assert_eq!(rules.len(), 1);
        assert_eq!(rules[0].id, "t.thing");
    }

    #[test]
    fn unknown_key_names_file_rule_and_key() {
        let e = err(&GOOD.replace("pattern =", "patern ="));
        assert!(e.starts_with("x.toml: rule t.thing: "), "{e}");
        assert!(e.contains("patern"), "{e}");
    }

    #[test]
    fn missing_id_names_position() {
        let e = err(&GOOD.replace("id = \"t.thing\"\n", ""));
        assert!(e.contains("rule #1 (no id)"), "{e}");
    }

    #[test]
    fn bad_toml_names_file() {
        let e = err("[[rule]\nid=");
        assert!(e.starts_with("x.toml: not valid TOML"), "{e}");
    }

    #[test]
    fn unknown_top_level_key() {
        let e = err("version = 1\n");
        assert!(e.contains("unknown top-level key `version`"), "{e}");
    }

    #[test]
    fn bad_validator_and_label() {
        let e = err(&GOOD.replace(
            "label = \"THING\"",
            "label = \"THING\"\nvalidators = [\"lunh\"]",
        ));
        assert!(e.contains("unknown validator `lunh`"), "{e}");
        let e = err(&GOOD.replace("label = \"THING\"", "label = \"thing\""));
        assert!(e.contains("label `thing`"), "{e}");
    }

    #[test]
    fn list_goes_with_regex_rules_alone() {
        let with = |extra: &str| GOOD.replace("pattern =", &format!("{extra}\npattern ="));
        assert!(parse_file(Path::new("x.toml"), &with("list = true")).is_ok());
        let e = err(&with("list = true\nrequire_all = true"));
        assert!(e.contains("rule t.thing: `list` and `require_all`"), "{e}");
    }

    #[test]
    fn keywords_are_checked() {
        let with = |k: &str| GOOD.replace("pattern =", &format!("keywords = [{k}]\npattern ="));
        assert!(parse_file(Path::new("x.toml"), &with("\"thing\"")).is_ok());
        let e = err(&with("\"\""));
        assert!(
            e.contains("rule t.thing: keywords must not be empty"),
            "{e}"
        );
        let e = err(&with("\"a\\nb\""));
        assert!(
            e.contains("rule t.thing: keywords must not hold a line break"),
            "{e}"
        );
    }

    #[test]
    fn examples_required() {
        let e = err(&GOOD.replace("negative_examples = [\"thing\"]", ""));
        assert!(e.contains("negative_examples"), "{e}");
    }

    #[test]
    fn duplicate_ids_name_both_files() {
        let mut set = RuleSet::default();
        set.add_text(Path::new("a.toml"), GOOD).unwrap();
        let e = set
            .add_text(Path::new("b.toml"), GOOD)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("b.toml: rule t.thing: duplicate id: also defined in a.toml"),
            "{e}"
        );
    }

    #[test]
    fn redact_groups_parse() {
        assert_eq!(
            parse_redact("pw:PASSWORD", "X").unwrap(),
            RedactGroup {
                group: GroupRef::Name("pw".into()),
                label: "PASSWORD".into()
            }
        );
        assert_eq!(
            parse_redact("2", "X").unwrap(),
            RedactGroup {
                group: GroupRef::Index(2),
                label: "X".into()
            }
        );
        assert!(parse_redact("a b", "X").is_err());
        assert!(parse_redact("a:lower", "X").is_err());
    }
}
