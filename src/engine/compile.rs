//! Compiling a rule set into an [`Engine`]: the keyword index, each rule's
//! regexes (on all cores), labels, block rules and the gate.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, MatchKind};
use rayon::prelude::*;
use regex_automata::meta;
use regex_syntax::hir::Hir;

use super::{CompiledRule, Engine, Kind, pattern, scan, select};
use crate::error::{Error, Result};
use crate::rules::dictionary;
use crate::rules::{GroupRef, Matcher, Rule, RuleSet, Validator};

impl Engine {
    /// Compiles `set`. Errors name the rule file, the rule id and the problem.
    pub fn new(set: &RuleSet) -> Result<Engine> {
        let index = KeywordIndex::of(set);
        // Compiling the regexes is most of the start-up time and each rule's
        // are its own: compile them on all cores, the keyword automaton
        // beside them, then assemble in order (the first rule in order that
        // fails is the one reported).
        let (compiled, kw) = rayon::join(
            || -> Vec<Result<Compiled>> { set.rules().par_iter().map(compile_rule).collect() },
            || select::Keywords::new(&index.keywords),
        );
        let mut e = Engine {
            rules: Vec::new(),
            labels: Vec::new(),
            learn_kinds: Vec::new(),
            regexes: Vec::new(),
            keywords: kw.map_err(Error::Usage)?,
            keyword_targets: index.targets,
            keyword_rules: index.rules,
            always_rules: Vec::new(),
            gate: None,
            max_len: Vec::new(),
            word_rules: Vec::new(),
            word_runs: true,
            block_rules: Vec::new(),
            block_ac: None,
            allow: set.allow().clone(),
        };
        let mut labels = Labels::default();
        let mut block_keywords: Vec<String> = Vec::new();
        let mut always_hirs = Vec::new();
        for (ri, (rule, compiled)) in set.rules().iter().zip(compiled).enumerate() {
            let Compiled {
                hir,
                regexes,
                not_before,
                not_after,
            } = compiled?;
            let first = e.regexes.len();
            e.regexes.extend(regexes);
            let kind = e.kind_of(rule, first, &mut labels)?;
            let ri = ri as u32;
            match kind {
                Kind::Block { .. } | Kind::NextLine { .. } => {
                    e.block_rules.push(ri);
                    block_keywords.extend(rule.keywords.iter().cloned());
                }
                Kind::Regex { .. }
                    if rule.keywords.is_empty()
                        && rule.validators.contains(&Validator::RandomToken)
                        && hir
                            .as_ref()
                            .is_some_and(|h| pattern::bytes_within(h, &scan::is_token_byte)) =>
                {
                    e.word_rules.push(ri);
                }
                Kind::Regex { .. } if rule.keywords.is_empty() => {
                    e.always_rules.push(ri);
                    e.max_len
                        .extend(hir.as_ref().map(|h| h.properties().maximum_len()));
                    always_hirs.extend(hir);
                }
                Kind::Regex { .. } => {}
            }
            e.rules.push(CompiledRule {
                rule: rule.clone(),
                kind,
                not_before,
                not_after,
            });
        }
        e.block_ac = block_matcher(&block_keywords)?;
        // Values the dictionary derives (a login from an e-mail address, an
        // organisation from a domain) need their labels even when no rule
        // yields them.
        for name in ["USER", "NAME", "ORG"] {
            labels.id(name);
        }
        e.learn_kinds = labels
            .names
            .iter()
            .map(|l| dictionary::kind_of_label(l))
            .collect();
        e.labels = labels.names;
        if always_hirs.len() > 1 {
            // Each rule compiled on its own above; should they not compile
            // together, every one of them runs on every line instead.
            e.gate = pattern::build_gate(&always_hirs).ok();
        }
        Ok(e)
    }

    /// How `rule`, whose regexes start at `self.regexes[first]`, runs: the
    /// capture groups it redacts and their labels, or its block parts.
    fn kind_of(&self, rule: &Rule, first: usize, labels: &mut Labels) -> Result<Kind> {
        let err = |reason: String| Error::Rule {
            path: rule.source.clone(),
            id: rule.id.clone(),
            reason,
        };
        Ok(match &rule.matcher {
            Matcher::Regex { redact, .. } => {
                let info = self.regexes[first].group_info();
                let mut groups = Vec::new();
                if redact.is_empty() {
                    groups.push((0, labels.id(&rule.label)));
                }
                for g in redact {
                    let idx = match &g.group {
                        GroupRef::Index(i) => {
                            (*i < info.group_len(regex_automata::PatternID::ZERO)).then_some(*i)
                        }
                        GroupRef::Name(n) => info.to_index(regex_automata::PatternID::ZERO, n),
                    }
                    .ok_or_else(|| {
                        err(format!(
                            "redact: the pattern has no capture group `{}`",
                            g.group
                        ))
                    })?;
                    groups.push((idx, labels.id(&g.label)));
                }
                Kind::Regex { re: first, groups }
            }
            Matcher::Block { .. } => Kind::Block {
                begin: first,
                end: first + 1,
                body: first + 2,
                label: labels.id(&rule.label),
            },
            Matcher::NextLine { .. } => Kind::NextLine {
                begin: first,
                value: first + 1,
                group: self.regexes[first + 1]
                    .group_info()
                    .to_index(regex_automata::PatternID::ZERO, "value")
                    .ok_or_else(|| err("`pattern` needs a capture group `value`".into()))?,
                label: labels.id(&rule.label),
            },
        })
    }
}

/// Which keyword leads to which rule, worked out before anything compiles.
struct KeywordIndex {
    /// Distinct keywords, lower-case, in first-seen order.
    keywords: Vec<String>,
    /// Keyword id → slots in `rules`.
    targets: Vec<Vec<u32>>,
    /// Slot → rule index: the regex rules that have keywords.
    rules: Vec<u32>,
}

impl KeywordIndex {
    fn of(set: &RuleSet) -> KeywordIndex {
        let mut index = KeywordIndex {
            keywords: Vec::new(),
            targets: Vec::new(),
            rules: Vec::new(),
        };
        let mut ids: HashMap<String, usize> = HashMap::new();
        for (ri, rule) in set.rules().iter().enumerate() {
            if rule.keywords.is_empty() || !matches!(rule.matcher, Matcher::Regex { .. }) {
                continue;
            }
            let slot = index.rules.len() as u32;
            index.rules.push(ri as u32);
            for k in &rule.keywords {
                let lower = k.to_ascii_lowercase();
                let id = *ids.entry(lower.clone()).or_insert_with(|| {
                    index.keywords.push(lower);
                    index.targets.push(Vec::new());
                    index.keywords.len() - 1
                });
                if !index.targets[id].contains(&slot) {
                    index.targets[id].push(slot);
                }
            }
        }
        index
    }
}

/// Label names and their ids, in first-seen order.
#[derive(Default)]
struct Labels {
    names: Vec<String>,
    ids: HashMap<String, u32>,
}

impl Labels {
    fn id(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        self.names.push(name.to_owned());
        let id = (self.names.len() - 1) as u32;
        self.ids.insert(name.to_owned(), id);
        id
    }
}

/// The automaton that finds the begin keywords of block and next-line rules.
fn block_matcher(keywords: &[String]) -> Result<Option<AhoCorasick>> {
    if keywords.is_empty() {
        return Ok(None);
    }
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .build(keywords)
        .map(Some)
        .map_err(|x| Error::Usage(format!("cannot build keyword matcher: {x}")))
}

/// One rule's regexes, compiled: what needs no other rule.
struct Compiled {
    /// The parsed pattern of a regex rule (the gate combines them).
    hir: Option<Hir>,
    /// A regex rule's pattern; a block rule's begin, end and body.
    regexes: Vec<meta::Regex>,
    not_before: Option<regex::bytes::Regex>,
    not_after: Option<regex::bytes::Regex>,
}

/// Compiles `rule`'s regexes. Errors name the rule file, the rule id and
/// the problem.
fn compile_rule(rule: &Rule) -> Result<Compiled> {
    let err = |reason: String| Error::Rule {
        path: rule.source.clone(),
        id: rule.id.clone(),
        reason,
    };
    let ctx = |p: &Option<String>, before: bool| -> Result<Option<regex::bytes::Regex>> {
        let Some(p) = p else { return Ok(None) };
        let full = if before {
            format!("(?:{p})\\z")
        } else {
            format!("\\A(?:{p})")
        };
        regex::bytes::RegexBuilder::new(&full)
            .unicode(false)
            .build()
            .map(Some)
            .map_err(|x| {
                err(format!(
                    "bad `{}` regex: {x}",
                    if before { "not_before" } else { "not_after" }
                ))
            })
    };
    let not_before = ctx(&rule.not_before, true)?;
    let not_after = ctx(&rule.not_after, false)?;
    let (hir, regexes) = match &rule.matcher {
        Matcher::Regex { pattern, .. } => {
            let hir = pattern::parse(pattern).map_err(&err)?;
            let re = pattern::build(&hir).map_err(&err)?;
            (Some(hir), vec![re])
        }
        Matcher::NextLine { begin, pattern } => {
            let one = |p: &str, what: &str| {
                pattern::compile(p).map_err(|m| err(format!("`{what}`: {m}")))
            };
            (None, vec![one(begin, "begin")?, one(pattern, "pattern")?])
        }
        Matcher::Block { begin, end, body } => {
            let one = |p: &str, what: &str| {
                pattern::compile(p).map_err(|m| err(format!("`{what}`: {m}")))
            };
            let body = format!("^(?:{body})$");
            (
                None,
                vec![one(begin, "begin")?, one(end, "end")?, one(&body, "body")?],
            )
        }
    };
    Ok(Compiled {
        hir,
        regexes,
        not_before,
        not_after,
    })
}
