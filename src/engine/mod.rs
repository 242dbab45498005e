//! The matcher: all rules compiled once into an immutable [`Engine`] that
//! every worker thread shares, and [`Engine::scan`], which finds the spans of
//! a chunk to redact.
//!
//! A scan has three parts:
//!
//! 1. **Candidate selection.** An Aho-Corasick automaton finds every rule
//!    keyword (ASCII case-insensitive, overlapping). A rule with keywords
//!    runs only on the lines that hold one of them; most log lines hold
//!    none, so most rules never look at most lines. Rules without keywords
//!    (IP addresses, host names, log columns) are compiled together into the
//!    gate, one lazy DFA that reports every match of every one of them: it
//!    tells each rule the lines it can match, and it runs on those alone.
//!    Both automata walk the chunk together, in one pass ([`select`]).
//! 2. **Full match.** A candidate's regex runs over the candidate lines,
//!    captures are resolved only when a rule redacts a group, and each hit
//!    passes the rule's context checks (`not_before`/`not_after`) and
//!    validators. Rule regexes are rewritten at load time so that no match
//!    spans a line break ([`pattern`]): a chunk-wide search is exactly a
//!    line-by-line search, so output never depends on where chunks are cut.
//! 3. **Blocks.** Multi-line rules (PEM private keys) are a small state
//!    machine over lines ([`Engine::scan`] takes the state at the chunk's
//!    start and returns the state at its end, which the pipeline threads
//!    through chunks in input order).
//!
//! Findings that overlap logscrub's own tokens are trimmed so a token is
//! never redacted again, and overlapping findings are unioned ([`spans`]).

pub mod pattern;
pub mod select;
pub mod spans;
pub mod validate;

use std::collections::HashMap;
use std::ops::Range;

use aho_corasick::{AhoCorasick, MatchKind};
use rayon::prelude::*;
use regex_automata::util::captures::Captures;
use regex_automata::{Anchored, Input, hybrid, meta};
use regex_syntax::hir::Hir;

use crate::error::{Error, Result};
use crate::rules::dictionary::{self, LearnKind};
use crate::rules::{AllowList, GroupRef, Matcher, Normalize, Rule, RuleSet};
pub use spans::Finding;

/// Bytes of context that `not_before`/`not_after` see.
pub const CONTEXT_BYTES: usize = 64;

/// The state of multi-line block rules between chunks: which block, if any,
/// is open at a chunk boundary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BlockState(Option<u32>);

impl BlockState {
    /// True when a block is open.
    pub fn is_open(&self) -> bool {
        self.0.is_some()
    }

    /// The state as a number: the open block's rule index, or `u32::MAX`.
    pub fn code(&self) -> u32 {
        self.0.unwrap_or(u32::MAX)
    }
}

/// All rules, compiled. Immutable and shared by all threads.
#[derive(Debug)]
pub struct Engine {
    rules: Vec<CompiledRule>,
    labels: Vec<String>,
    /// Per label: what its values are learned as (`rules/dictionary/`).
    learn_kinds: Vec<Option<LearnKind>>,
    regexes: Vec<meta::Regex>,
    /// The keywords of all keyword rules (see [`select`]).
    keywords: select::Keywords,
    /// Keyword id → indices into `keyword_rules`.
    keyword_targets: Vec<Vec<u32>>,
    /// Rules that run only on keyword lines.
    keyword_rules: Vec<u32>,
    /// Regex rules without keywords: run on every chunk.
    always_rules: Vec<u32>,
    /// All `always_rules` in one lazy DFA that reports every match of every
    /// rule: one pass over a chunk tells which lines each of them can match,
    /// and a rule runs on those lines only.
    gate: Option<hybrid::dfa::DFA>,
    /// The longest match of each of `always_rules`, when it is bounded.
    max_len: Vec<Option<usize>>,
    /// Block rules.
    block_rules: Vec<u32>,
    block_ac: Option<AhoCorasick>,
    /// Values that stay.
    allow: AllowList,
}

#[derive(Debug)]
struct CompiledRule {
    rule: Rule,
    kind: Kind,
    not_before: Option<regex::bytes::Regex>,
    not_after: Option<regex::bytes::Regex>,
}

#[derive(Debug)]
enum Kind {
    Regex {
        re: usize,
        /// (capture group index, label index); group 0 is the whole match.
        groups: Vec<(usize, u32)>,
    },
    Block {
        begin: usize,
        end: usize,
        body: usize,
        label: u32,
    },
    NextLine {
        begin: usize,
        value: usize,
        /// Capture group index of `value` in the `value` regex.
        group: usize,
        label: u32,
    },
}

/// Per-thread working memory for [`Engine::scan`]; reuse it across chunks.
#[derive(Debug)]
pub struct Scratch {
    caches: Vec<meta::Cache>,
    caps: Vec<Captures>,
    cands: Vec<Vec<Range<usize>>>,
    /// The findings of the last scan, sorted and merged.
    pub findings: Vec<Finding>,
    gate: Option<hybrid::dfa::Cache>,
    /// Hits of the selection walk.
    hits: select::Hits,
    /// Gated line ranges per always-rule.
    gated: Vec<Vec<Range<usize>>>,
    /// Block markers (`-----BEGIN ... KEY-----`) of this scan, in order: no
    /// other finding may cover them, so a block stays recognisable when the
    /// output is redacted again.
    protected: Vec<Range<usize>>,
}

impl Engine {
    /// Compiles `set`. Errors name the rule file, the rule id and the problem.
    pub fn new(set: &RuleSet) -> Result<Engine> {
        // Which keyword leads to which rule, before anything is compiled.
        let mut keywords: Vec<String> = Vec::new();
        let mut keyword_ids: HashMap<String, usize> = HashMap::new();
        let mut keyword_rules: Vec<u32> = Vec::new();
        let mut keyword_targets: Vec<Vec<u32>> = Vec::new();
        for (ri, rule) in set.rules().iter().enumerate() {
            if rule.keywords.is_empty() || !matches!(rule.matcher, Matcher::Regex { .. }) {
                continue;
            }
            let slot = keyword_rules.len() as u32;
            keyword_rules.push(ri as u32);
            for k in &rule.keywords {
                let lower = k.to_ascii_lowercase();
                let id = *keyword_ids.entry(lower.clone()).or_insert_with(|| {
                    keywords.push(lower);
                    keyword_targets.push(Vec::new());
                    keywords.len() - 1
                });
                if !keyword_targets[id].contains(&slot) {
                    keyword_targets[id].push(slot);
                }
            }
        }
        // Compiling the regexes is most of the start-up time and each rule's
        // are its own: compile them on all cores, the keyword automaton
        // beside them, then assemble in order (the first rule in order that
        // fails is the one reported).
        let (compiled, kw) = rayon::join(
            || -> Vec<Result<Compiled>> { set.rules().par_iter().map(compile_rule).collect() },
            || select::Keywords::new(&keywords),
        );
        let mut e = Engine {
            rules: Vec::new(),
            labels: Vec::new(),
            learn_kinds: Vec::new(),
            regexes: Vec::new(),
            keywords: kw.map_err(Error::Usage)?,
            keyword_targets,
            keyword_rules,
            always_rules: Vec::new(),
            gate: None,
            max_len: Vec::new(),
            block_rules: Vec::new(),
            block_ac: None,
            allow: set.allow().clone(),
        };
        let mut label_ids: HashMap<String, u32> = HashMap::new();
        let mut label = |name: &str, labels: &mut Vec<String>| -> u32 {
            *label_ids.entry(name.to_owned()).or_insert_with(|| {
                labels.push(name.to_owned());
                (labels.len() - 1) as u32
            })
        };
        let mut block_keywords: Vec<String> = Vec::new();
        let mut always_hirs = Vec::new();
        for (ri, (rule, compiled)) in set.rules().iter().zip(compiled).enumerate() {
            let err = |reason: String| Error::Rule {
                path: rule.source.clone(),
                id: rule.id.clone(),
                reason,
            };
            let Compiled {
                hir,
                regexes,
                not_before,
                not_after,
            } = compiled?;
            let first = e.regexes.len();
            e.regexes.extend(regexes);
            let kind = match &rule.matcher {
                Matcher::Regex { redact, .. } => {
                    if rule.keywords.is_empty() {
                        e.max_len
                            .extend(hir.as_ref().map(|h| h.properties().maximum_len()));
                        always_hirs.extend(hir);
                    }
                    let info = e.regexes[first].group_info();
                    let mut groups = Vec::new();
                    if redact.is_empty() {
                        groups.push((0, label(&rule.label, &mut e.labels)));
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
                        groups.push((idx, label(&g.label, &mut e.labels)));
                    }
                    Kind::Regex { re: first, groups }
                }
                Matcher::Block { .. } => Kind::Block {
                    begin: first,
                    end: first + 1,
                    body: first + 2,
                    label: label(&rule.label, &mut e.labels),
                },
                Matcher::NextLine { .. } => Kind::NextLine {
                    begin: first,
                    value: first + 1,
                    group: e.regexes[first + 1]
                        .group_info()
                        .to_index(regex_automata::PatternID::ZERO, "value")
                        .ok_or_else(|| err("`pattern` needs a capture group `value`".into()))?,
                    label: label(&rule.label, &mut e.labels),
                },
            };
            let ri = ri as u32;
            match kind {
                Kind::Block { .. } | Kind::NextLine { .. } => {
                    e.block_rules.push(ri);
                    block_keywords.extend(rule.keywords.iter().cloned());
                }
                Kind::Regex { .. } if rule.keywords.is_empty() => e.always_rules.push(ri),
                Kind::Regex { .. } => {}
            }
            e.rules.push(CompiledRule {
                rule: rule.clone(),
                kind,
                not_before,
                not_after,
            });
        }
        if !block_keywords.is_empty() {
            e.block_ac = Some(
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .build(&block_keywords)
                    .map_err(|x| Error::Usage(format!("cannot build keyword matcher: {x}")))?,
            );
        }
        // Values the dictionary derives (a login from an e-mail address, an
        // organisation from a domain) need their labels even when no rule
        // yields them.
        for name in ["USER", "NAME", "ORG"] {
            label(name, &mut e.labels);
        }
        e.learn_kinds = e
            .labels
            .iter()
            .map(|l| dictionary::kind_of_label(l))
            .collect();
        if always_hirs.len() > 1 {
            // Each rule compiled on its own above; should they not compile
            // together, every one of them runs on every line instead.
            e.gate = pattern::build_gate(&always_hirs).ok();
        }
        Ok(e)
    }

    /// True when `value` is on the allow list.
    pub fn allows(&self, value: &[u8]) -> bool {
        self.allow.allows(value)
    }

    /// What the value of `f` is learned as: the kind of its label
    /// (`rules/dictionary/labels.txt`), or a host name for a rule marked
    /// `learn = true` under its own label.
    pub fn learn_kind(&self, f: &Finding) -> Option<LearnKind> {
        self.learn_kinds[f.label as usize].or_else(|| {
            let r = &self.rules[f.rule as usize].rule;
            (r.learn && self.labels[f.label as usize] == r.label).then_some(LearnKind::Host)
        })
    }

    /// The index of `name` in the label table.
    pub fn label_id(&self, name: &str) -> Option<u32> {
        self.labels.iter().position(|l| l == name).map(|i| i as u32)
    }

    /// Fresh working memory for one thread.
    pub fn scratch(&self) -> Scratch {
        Scratch {
            caches: self.regexes.iter().map(|r| r.create_cache()).collect(),
            caps: self.regexes.iter().map(|r| r.create_captures()).collect(),
            cands: vec![Vec::new(); self.keyword_rules.len()],
            findings: Vec::new(),
            gate: self.gate.as_ref().map(|d| d.create_cache()),
            hits: select::Hits::default(),
            gated: vec![Vec::new(); self.always_rules.len()],
            protected: Vec::new(),
        }
    }

    /// Number of rules.
    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }

    /// The rule at `index`.
    pub fn rule(&self, index: u32) -> &Rule {
        &self.rules[index as usize].rule
    }

    /// Number of labels in the label table.
    pub fn label_count(&self) -> usize {
        self.labels.len()
    }

    /// The label at `index` of the label table.
    pub fn label(&self, index: u32) -> &str {
        &self.labels[index as usize]
    }

    /// How the rule at `index` normalises values.
    pub fn normalize(&self, index: u32) -> Normalize {
        self.rules[index as usize].rule.normalize
    }

    /// Finds what to redact in `hay`, a chunk of whole lines (the last may
    /// lack its newline). `start` is the block state at the chunk's start;
    /// the state at its end is returned. The findings are left sorted and
    /// merged in `s.findings`.
    pub fn scan(&self, hay: &[u8], start: BlockState, s: &mut Scratch) -> BlockState {
        self.scan_inner(hay, start, s, None)
    }

    /// [`Engine::scan`], which also leaves in `learn` what the rules that
    /// learn host names found, merged only among themselves: the findings a
    /// scan with those rules alone would make, since a union with another
    /// rule's finding must not hide a name.
    pub fn scan_learning(
        &self,
        hay: &[u8],
        start: BlockState,
        s: &mut Scratch,
        learn: &mut Vec<Finding>,
    ) -> BlockState {
        self.scan_inner(hay, start, s, Some(learn))
    }

    fn scan_inner(
        &self,
        hay: &[u8],
        start: BlockState,
        s: &mut Scratch,
        learn: Option<&mut Vec<Finding>>,
    ) -> BlockState {
        s.findings.clear();
        s.protected.clear();
        let end_state = self.scan_blocks(hay, start, s, true);
        self.select(hay, s);
        for slot in 0..self.keyword_rules.len() {
            let ranges = std::mem::take(&mut s.cands[slot]);
            for r in &ranges {
                self.run_rule(self.keyword_rules[slot], hay, r.clone(), s);
            }
            s.cands[slot] = ranges;
        }
        for (i, &ri) in self.always_rules.iter().enumerate() {
            let ranges = std::mem::take(&mut s.gated[i]);
            for r in &ranges {
                self.run_rule(ri, hay, r.clone(), s);
            }
            s.gated[i] = ranges;
        }
        if let Some(learn) = learn {
            learn.clear();
            learn.extend(s.findings.iter().filter(|f| self.learn_kind(f).is_some()));
            spans::merge(learn);
        }
        spans::merge(&mut s.findings);
        end_state
    }

    /// Candidate selection alone: which lines each rule will run on (the
    /// keyword scan and the gate). Returns the bytes of candidate lines over
    /// all rules; the benchmarks time this stage with it.
    pub fn select(&self, hay: &[u8], s: &mut Scratch) -> usize {
        let gate = self.gate.as_ref().zip(s.gate.as_mut());
        let gate_complete = select::walk(&self.keywords, gate, hay, &mut s.hits);
        s.cands.iter_mut().for_each(Vec::clear);
        let mut line = 0..0;
        for h in s.hits.keywords.iter().flatten() {
            line_around(hay, h.at, &mut line);
            for &slot in &self.keyword_targets[h.id as usize] {
                add_line(&mut s.cands[slot as usize], &line);
            }
        }
        s.gated.iter_mut().for_each(Vec::clear);
        // Without a gate, or without its cache (a scratch of another
        // engine), every rule without keywords runs on every line.
        if self.gate.is_none() || s.gate.is_none() {
            every_line(&mut s.gated, hay);
        } else if gate_complete {
            for h in s.hits.gate.iter().flatten() {
                line_around(hay, h.at, &mut line);
                let i = h.id as usize;
                add_match_end(&mut s.gated[i], line.start, h.at + 1, self.max_len[i]);
            }
        } else {
            self.gate_lines(hay, s);
        }
        s.cands
            .iter()
            .chain(&s.gated)
            .flatten()
            .map(|r| r.len())
            .sum()
    }

    /// The block state whose [`BlockState::code`] is `code`, if it names
    /// no block or one of this engine's block rules.
    pub fn block_state_from_code(&self, code: u32) -> Option<BlockState> {
        if code == u32::MAX {
            Some(BlockState(None))
        } else {
            self.block_rules
                .contains(&code)
                .then_some(BlockState(Some(code)))
        }
    }

    /// The block state after `hay`, without collecting findings: what the
    /// pipeline's sequential pass uses to give each chunk its start state.
    pub fn block_state_after(&self, hay: &[u8], start: BlockState, s: &mut Scratch) -> BlockState {
        if self.block_rules.is_empty() {
            return start;
        }
        self.scan_blocks(hay, start, s, false)
    }

    /// Where always-rules match, per rule: one overlapping pass of the gate
    /// over the chunk reports the end of every match of every rule, and each
    /// end marks its span for its rule ([`add_match_end`]). Should the lazy
    /// DFA ever give up, every rule runs on the whole chunk instead.
    fn gate_lines(&self, hay: &[u8], s: &mut Scratch) {
        for g in &mut s.gated {
            g.clear();
        }
        let (Some(gate), Some(cache)) = (&self.gate, s.gate.as_mut()) else {
            every_line(&mut s.gated, hay);
            return;
        };
        let input = Input::new(hay);
        let mut state = hybrid::dfa::OverlappingState::start();
        let mut line = 0..0;
        loop {
            if gate
                .try_search_overlapping_fwd(cache, &input, &mut state)
                .is_err()
            {
                every_line(&mut s.gated, hay);
                return;
            }
            let Some(m) = state.get_match() else { break };
            // Matches are never empty and never span a line break: the
            // last byte of this one is on its line.
            let at = m.offset() - 1;
            line_around(hay, at, &mut line);
            let i = m.pattern().as_usize();
            add_match_end(&mut s.gated[i], line.start, m.offset(), self.max_len[i]);
        }
    }

    fn run_rule(&self, ri: u32, hay: &[u8], range: Range<usize>, s: &mut Scratch) {
        let cr = &self.rules[ri as usize];
        let Kind::Regex { re, groups } = &cr.kind else {
            return;
        };
        let regex = &self.regexes[*re];
        let cache = &mut s.caches[*re];
        let mut input = Input::new(hay).range(range);
        // Validators run before the context checks: they are cheaper and
        // reject most candidates (a dotted class name is no host name).
        if let [(0, label)] = groups.as_slice() {
            while let Some(m) = regex.search_with(cache, &input) {
                if self.valid(cr, hay, m.start(), m.end())
                    && self.context_ok(cr, hay, m.start(), m.end())
                {
                    self.record(
                        ri,
                        *label,
                        hay,
                        m.start()..m.end(),
                        &s.protected,
                        &mut s.findings,
                    );
                }
                input.set_start(if cr.rule.overlap {
                    m.start() + 1
                } else {
                    m.end()
                });
            }
        } else {
            let caps = &mut s.caps[*re];
            loop {
                regex.search_captures_with(cache, &input, caps);
                let Some(m) = caps.get_match() else { break };
                input.set_start(match groups.first().and_then(|&(g, _)| caps.get_group(g)) {
                    Some(sp) if cr.rule.overlap => sp.start + 1,
                    _ => m.end(),
                });
                if cr.rule.require_all
                    && !groups.iter().all(|&(g, _)| {
                        caps.get_group(g).is_none_or(|sp| {
                            sp.start == sp.end || self.valid(cr, hay, sp.start, sp.end)
                        })
                    })
                {
                    continue;
                }
                let mut context = None;
                for &(g, label) in groups {
                    let Some(sp) = caps.get_group(g) else {
                        continue;
                    };
                    if sp.start == sp.end || !self.valid(cr, hay, sp.start, sp.end) {
                        continue;
                    }
                    if !*context.get_or_insert_with(|| self.context_ok(cr, hay, m.start(), m.end()))
                    {
                        break;
                    }
                    self.record(
                        ri,
                        label,
                        hay,
                        sp.start..sp.end,
                        &s.protected,
                        &mut s.findings,
                    );
                }
            }
        }
    }

    fn context_ok(&self, cr: &CompiledRule, hay: &[u8], start: usize, end: usize) -> bool {
        if let Some(re) = &cr.not_before {
            let from = start.saturating_sub(CONTEXT_BYTES);
            let mut before = &hay[from..start];
            if let Some(nl) = memchr::memrchr(b'\n', before) {
                before = &before[nl + 1..];
            }
            if re.is_match(before) {
                return false;
            }
        }
        if let Some(re) = &cr.not_after {
            let to = hay.len().min(end + CONTEXT_BYTES);
            let mut after = &hay[end..to];
            if let Some(nl) = memchr::memchr(b'\n', after) {
                after = &after[..nl];
            }
            if re.is_match(after) {
                return false;
            }
        }
        true
    }

    /// True when `hay[start..end]` passes the rule's validators.
    fn valid(&self, cr: &CompiledRule, hay: &[u8], start: usize, end: usize) -> bool {
        cr.rule
            .validators
            .iter()
            .all(|v| validate::check(v, hay, start, end))
    }

    /// Records a finding, minus any part that is already a logscrub token or
    /// a block marker.
    fn record(
        &self,
        ri: u32,
        label: u32,
        hay: &[u8],
        span: Range<usize>,
        protected: &[Range<usize>],
        out: &mut Vec<Finding>,
    ) {
        if self.allow.allows(&hay[span.clone()]) {
            return;
        }
        let priority = self.rules[ri as usize].rule.priority;
        free_pieces(hay, span, protected, |a, b| {
            out.push(Finding {
                start: a,
                end: b,
                rule: ri,
                label,
                priority,
            });
        });
    }

    /// The block state machine (see the module docs). With `record` false it
    /// only computes the end state.
    fn scan_blocks(
        &self,
        hay: &[u8],
        start: BlockState,
        s: &mut Scratch,
        record: bool,
    ) -> BlockState {
        let Some(ac) = &self.block_ac else {
            return start;
        };
        let mut state = start.0;
        let mut pos = 0;
        while pos < hay.len() {
            if let Some(ri) = state {
                let le = line_end(hay, pos);
                if let Kind::NextLine {
                    value,
                    group,
                    label,
                    ..
                } = self.rules[ri as usize].kind
                {
                    if hay[pos..le].trim_ascii().is_empty() {
                        pos = le + 1;
                        continue;
                    }
                    // The next line: its value is redacted, and the line is
                    // an ordinary line all the same (it may open a block).
                    if record {
                        let mut caps = self.regexes[value].create_captures();
                        self.regexes[value].search_captures_with(
                            &mut s.caches[value],
                            &Input::new(hay).range(pos..le),
                            &mut caps,
                        );
                        if let Some(sp) = caps.get_group(group) {
                            self.push_block_text(ri, label, hay, sp.start, sp.end, &mut s.findings);
                        }
                    }
                    state = None;
                    continue;
                }
                let Kind::Block {
                    end, body, label, ..
                } = self.rules[ri as usize].kind
                else {
                    unreachable!("block state always names a block or next-line rule")
                };
                let line = Input::new(hay).range(pos..le);
                if let Some(m) = self.regexes[end].search_with(&mut s.caches[end], &line) {
                    if record {
                        self.push_block_text(ri, label, hay, pos, m.start(), &mut s.findings);
                        s.protected.push(m.start()..m.end());
                    }
                    state = None;
                    pos = m.end();
                } else if hay[pos..le].trim_ascii().is_empty() {
                    pos = le + 1;
                } else if self.regexes[body]
                    .search_with(&mut s.caches[body], &line.anchored(Anchored::Yes))
                    .is_some()
                {
                    if record {
                        self.push_block_text(ri, label, hay, pos, le, &mut s.findings);
                    }
                    pos = le + 1;
                } else {
                    // Not a body line: the block ends here, and this line is
                    // an ordinary line again (it may open another block).
                    state = None;
                }
                continue;
            }
            let Some(k) = ac.find(aho_corasick::Input::new(hay).span(pos..hay.len())) else {
                break;
            };
            let ls = line_start(hay, k.start()).max(pos);
            let le = line_end(hay, k.start());
            let line = Input::new(hay).range(ls..le);
            let mut first: Option<(u32, regex_automata::Match)> = None;
            for &ri in &self.block_rules {
                let (Kind::Block { begin, .. } | Kind::NextLine { begin, .. }) =
                    self.rules[ri as usize].kind
                else {
                    continue;
                };
                if let Some(m) = self.regexes[begin].search_with(&mut s.caches[begin], &line)
                    && first.is_none_or(|(_, f)| m.start() < f.start())
                {
                    first = Some((ri, m));
                }
            }
            let Some((ri, m)) = first else {
                pos = le + 1;
                continue;
            };
            let Kind::Block { end, label, .. } = self.rules[ri as usize].kind else {
                // A next-line rule: the value is on the following line.
                state = Some(ri);
                pos = le + 1;
                continue;
            };
            if record {
                s.protected.push(m.start()..m.end());
            }
            let rest = Input::new(hay).range(m.end()..le);
            if let Some(e) = self.regexes[end].search_with(&mut s.caches[end], &rest) {
                // Begin and end on one line (a key with `\n` escapes).
                if record {
                    self.push_block_text(ri, label, hay, m.end(), e.start(), &mut s.findings);
                    s.protected.push(e.start()..e.end());
                }
                pos = e.end();
            } else {
                if record {
                    self.push_block_text(ri, label, hay, m.end(), le, &mut s.findings);
                }
                state = Some(ri);
                pos = le + 1;
            }
        }
        BlockState(state)
    }

    /// Records `hay[a..b]`, trimmed of white space, when it holds a letter or
    /// digit. A lone CR inside splits it: a finding never covers a line
    /// terminator.
    fn push_block_text(
        &self,
        ri: u32,
        label: u32,
        hay: &[u8],
        a: usize,
        b: usize,
        out: &mut Vec<Finding>,
    ) {
        let mut from = a;
        for piece in hay[a..b].split(|&c| c == b'\r') {
            let lead = piece.len() - piece.trim_ascii_start().len();
            let trimmed = piece.trim_ascii();
            if trimmed.iter().any(u8::is_ascii_alphanumeric) {
                let start = from + lead;
                let end = start + trimmed.len();
                if self.valid(&self.rules[ri as usize], hay, start, end) {
                    self.record(ri, label, hay, start..end, &[], out);
                }
            }
            from += piece.len() + 1;
        }
    }
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

/// Calls `f` for each piece of `hay[span]` that is neither inside a
/// logscrub token nor inside a `protected` range, and holds a letter or
/// digit.
fn free_pieces(
    hay: &[u8],
    span: Range<usize>,
    protected: &[Range<usize>],
    mut f: impl FnMut(usize, usize),
) {
    let (start, end) = (span.start, span.end);
    let near_token =
        memchr::memchr(b'<', &hay[start.saturating_sub(crate::token::MAX_LEN)..end]).is_some();
    // Markers are recorded in input order and never overlap, so the ones
    // that can touch the span are found by binary search: a line with
    // thousands of markers and findings stays linear.
    let first = protected.partition_point(|p| p.end <= start);
    let markers = protected[first..].iter().take_while(|p| p.start < end);
    let near_marker = protected.get(first).is_some_and(|p| p.start < end);
    if !near_token && !near_marker {
        f(start, end);
        return;
    }
    let mut holes: Vec<Range<usize>> = markers.cloned().collect();
    if near_token {
        crate::token::for_each_overlapping(hay, start, end, |ts, te| holes.push(ts..te));
    }
    holes.sort_by_key(|h| h.start);
    let mut emit = |a: usize, b: usize| {
        if a < b && has_content(&hay[a..b]) {
            f(a, b);
        }
    };
    let mut from = start;
    for h in holes {
        emit(from, h.start.clamp(from, end));
        from = from.max(h.end);
    }
    emit(from, end.max(from));
}

/// True when `piece` holds a letter or digit that is not part of a
/// backslash escape (`\n` between a key's markers is no content).
fn has_content(piece: &[u8]) -> bool {
    let mut i = 0;
    while i < piece.len() {
        if piece[i] == b'\\' {
            i += 2;
            continue;
        }
        if piece[i].is_ascii_alphanumeric() {
            return true;
        }
        i += 1;
    }
    false
}

/// Adds `line` (its newline excluded) to `ranges`, which grow in input
/// order: a line the last range reaches, or the line right after it,
/// extends that range, so one search covers a run of candidate lines.
fn add_line(ranges: &mut Vec<Range<usize>>, line: &Range<usize>) {
    match ranges.last_mut() {
        Some(last) if last.end + 1 >= line.start => last.end = last.end.max(line.end),
        _ => ranges.push(line.clone()),
    }
}

/// Gaps between spans up to which one search covers both: a search call
/// costs about as much as scanning this many bytes.
const SPAN_GAP: usize = 128;

/// Adds to `ranges` (in order) the span where a match of an always-rule
/// that ends at `end`, on the line that starts at `line_start`, can lie.
///
/// The gate reports every end of every match, so every match the rule's own
/// search finds ends at a reported end, and starts at most `max_len` bytes
/// before it. A search from the span's start therefore finds the same
/// matches as one from the line's start: no match starts before the span,
/// and none ends after the last reported end. Look-around (`\b`, `$`) still
/// sees the bytes around a span.
fn add_match_end(
    ranges: &mut Vec<Range<usize>>,
    line_start: usize,
    end: usize,
    max_len: Option<usize>,
) {
    let start = max_len.map_or(line_start, |n| end.saturating_sub(n).max(line_start));
    match ranges.last_mut() {
        Some(last) if last.end + SPAN_GAP >= start => last.end = last.end.max(end),
        _ => ranges.push(start..end),
    }
}

/// Every rule gated by `gated` runs on the whole of `hay`.
fn every_line(gated: &mut [Vec<Range<usize>>], hay: &[u8]) {
    for g in gated {
        g.clear();
        g.push(0..hay.len());
    }
}

/// Makes `line` the line (newline excluded) that holds `at`, unless it
/// already is: hits come in order, many on one line.
fn line_around(hay: &[u8], at: usize, line: &mut Range<usize>) {
    if !line.contains(&at) {
        *line = line_start(hay, at)..line_end(hay, at);
    }
}

fn line_start(hay: &[u8], p: usize) -> usize {
    memchr::memrchr(b'\n', &hay[..p]).map_or(0, |i| i + 1)
}

fn line_end(hay: &[u8], p: usize) -> usize {
    memchr::memchr(b'\n', &hay[p..]).map_or(hay.len(), |i| p + i)
}

/// The project's generator of support logs, for tests.
#[cfg(test)]
#[path = "../../tests/support/corpus.rs"]
mod test_corpus;

#[cfg(test)]
mod tests {
    use super::test_corpus as corpus;
    use super::*;
    use std::path::Path;

    fn engine(toml: &str) -> Engine {
        let mut set = RuleSet::default();
        set.add_text(Path::new("t.toml"), toml).unwrap();
        Engine::new(&set).unwrap()
    }

    fn spans(e: &Engine, hay: &str) -> Vec<(usize, usize)> {
        let mut s = e.scratch();
        e.scan(hay.as_bytes(), BlockState::default(), &mut s);
        s.findings.iter().map(|f| (f.start, f.end)).collect()
    }

    const PW: &str = r#"
[[rule]]
id = "t.pw"
label = "PASSWORD"
description = "pw"
pattern = 'pw=(?P<v>[^ ]+)'
redact = ["v"]
keywords = ["pw="]
validators = ["not-placeholder"]
examples = [{ input = "pw=x1", output = "pw=<PASSWORD>" }]
negative_examples = ["pw=****"]

[[rule]]
id = "t.pem"
label = "PRIVATE-KEY"
description = "pem"
kind = "block"
keywords = ["PRIVATE KEY"]
begin = '-----BEGIN PRIVATE KEY-----'
end = '-----END PRIVATE KEY-----'
body = '[A-Za-z0-9+/=]+'
examples = [{ input = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", output = "-----BEGIN PRIVATE KEY-----\n<PRIVATE-KEY>\n-----END PRIVATE KEY-----" }]
negative_examples = ["PRIVATE KEY"]
"#;

    #[test]
    fn block_states_round_trip_through_their_codes() {
        let e = engine(PW);
        let mut s = e.scratch();
        let open = e.block_state_after(
            b"x\n-----BEGIN PRIVATE KEY-----\nAAAA\n",
            BlockState::default(),
            &mut s,
        );
        assert!(open.is_open());
        for state in [open, BlockState::default()] {
            assert_eq!(e.block_state_from_code(state.code()), Some(state));
        }
        // Rule 0 is no block rule; 7 is no rule at all.
        assert_eq!(e.block_state_from_code(0), None);
        assert_eq!(e.block_state_from_code(7), None);
    }

    #[test]
    fn keyword_rules_run_on_keyword_lines_only() {
        let e = engine(PW);
        assert_eq!(spans(&e, "a pw=abc\nno\nPW=def pw=****"), vec![(5, 8)]);
    }

    #[test]
    fn own_tokens_are_never_redacted_again() {
        let e = engine(PW);
        assert_eq!(spans(&e, "pw=<PASSWORD-0011aabb>"), vec![]);
        assert_eq!(spans(&e, "pw=<PASSWORD-0011aabb>x9"), vec![(22, 24)]);
    }

    #[test]
    fn blocks_span_lines_and_stop_at_non_body_lines() {
        let e = engine(PW);
        let text =
            "x\n-----BEGIN PRIVATE KEY-----\nAAAA\r\nBBBB\n-----END PRIVATE KEY-----\nAAAA\n";
        let got = spans(&e, text);
        assert_eq!(got.len(), 2);
        assert_eq!(&text[got[0].0..got[0].1], "AAAA");
        assert_eq!(&text[got[1].0..got[1].1], "BBBB");

        // A block that never ends stops at the first line that is no body.
        let text = "-----BEGIN PRIVATE KEY-----\nAAAA\n2024-01-01 INFO next\nCCCC\n";
        assert_eq!(spans(&e, text).len(), 1);

        // Begin and end on one line.
        let text =
            r#"{"k":"-----BEGIN PRIVATE KEY-----\nAAAA\nBB==\n-----END PRIVATE KEY-----\n"}"#;
        let got = spans(&e, text);
        assert_eq!(&text[got[0].0..got[0].1], r"\nAAAA\nBB==\n");
    }

    #[test]
    fn block_state_carries_across_chunks() {
        let e = engine(PW);
        let mut s = e.scratch();
        let st = e.scan(
            b"-----BEGIN PRIVATE KEY-----\n",
            BlockState::default(),
            &mut s,
        );
        assert!(st.is_open());
        assert_eq!(
            e.block_state_after(
                b"-----BEGIN PRIVATE KEY-----\n",
                BlockState::default(),
                &mut s
            ),
            st
        );
        let st2 = e.scan(b"AAAA\n", st, &mut s);
        assert_eq!(s.findings.len(), 1);
        assert!(st2.is_open());
        let st3 = e.scan(b"-----END PRIVATE KEY-----\n", st2, &mut s);
        assert!(!st3.is_open());
    }

    /// Every finding of a scan, with its rule and label.
    fn findings(e: &Engine, hay: &[u8]) -> Vec<(usize, usize, u32, u32)> {
        let mut s = e.scratch();
        e.scan(hay, BlockState::default(), &mut s);
        s.findings
            .iter()
            .map(|f| (f.start, f.end, f.rule, f.label))
            .collect()
    }

    /// The default rules, and the same rules with no gate: each rule
    /// without keywords then runs on every line. Built once for all tests.
    fn with_and_without_gate() -> &'static (Engine, Engine) {
        static ENGINES: std::sync::LazyLock<(Engine, Engine)> = std::sync::LazyLock::new(|| {
            let set = RuleSet::embedded().unwrap();
            let plain = Engine::new(&set).unwrap();
            assert!(plain.gate.is_some());
            let mut ungated = Engine::new(&set).unwrap();
            ungated.gate = None;
            (plain, ungated)
        });
        &ENGINES
    }

    /// Pieces of lines where rules without keywords match, near each other
    /// and far apart.
    const GATE_PIECES: &[&str] = &[
        "10.0.0.1",
        "192.168.10.254",
        "1.2.3.4.5",
        "999.1.1.1",
        " ",
        "  ",
        "\n",
        "\r\n",
        ".",
        "-",
        "db-7.acme.com",
        "com.acme.Foo.bar",
        "a.b.c.d.e.f.g.h.io",
        "00:1a:2b:3c:4d:5e",
        "fe80::1",
        "2001:db8::7",
        "4111 1111 1111 1111",
        "DE89 3704 0044 0532 0130 00",
        "Jan 12 10:11:12 web-1 sshd[1]: ",
        "2024-01-02T10:11:12 host-10-1-2-3 ",
        "] alice @1X2X3X4 ",
        "x/10.1.2.3:",
        "srv01/10.0.0.9 ",
        "filler text that is long enough to keep spans apart",
        "v1.2.3",
        "\u{e9}",
    ];

    proptest::proptest! {
        #[test]
        fn gate_spans_find_what_whole_lines_find(
            parts in proptest::collection::vec(0..GATE_PIECES.len(), 0..60),
        ) {
            let hay: Vec<u8> = parts.iter().flat_map(|&i| GATE_PIECES[i].bytes()).collect();
            let (plain, ungated) = with_and_without_gate();
            proptest::prop_assert_eq!(findings(plain, &hay), findings(ungated, &hay));
        }
    }

    #[test]
    fn gate_spans_find_what_whole_lines_find_on_generated_logs() {
        let (plain, ungated) = with_and_without_gate();
        for (seed, density) in [(1, corpus::Density::Dense), (2, corpus::Density::Sparse)] {
            let (text, _) = corpus::generate(1 << 20, seed, density);
            assert_eq!(findings(plain, &text), findings(ungated, &text));
        }
    }

    #[test]
    fn rules_the_gate_cannot_combine_still_run() {
        // A Unicode `\b` makes the gate's DFA give up on non-ASCII bytes.
        let e = engine(
            r#"
[[rule]]
id = "t.u"
label = "ZZ"
description = "u"
pattern = '(?u:\b)zz[0-9]+(?u:\b)'
examples = [{ input = "zz1", output = "<ZZ>" }]
negative_examples = ["zz"]

[[rule]]
id = "t.n"
label = "N"
description = "n"
pattern = 'n[0-9]{3}'
examples = [{ input = "n123", output = "<N>" }]
negative_examples = ["n1"]
"#,
        );
        assert_eq!(
            spans(&e, "a zz12 b\né zz34 n123 ü"),
            vec![(2, 6), (12, 16), (17, 21)]
        );
    }

    #[test]
    fn unknown_group_is_a_load_error() {
        let mut set = RuleSet::default();
        set.add_text(
            Path::new("t.toml"),
            &PW.replace("redact = [\"v\"]", "redact = [\"w\"]"),
        )
        .unwrap();
        let e = Engine::new(&set).unwrap_err().to_string();
        assert!(
            e.contains("t.toml: rule t.pw: redact: the pattern has no capture group `w`"),
            "{e}"
        );
    }

    #[test]
    fn bad_regex_names_file_and_rule() {
        let mut set = RuleSet::default();
        set.add_text(Path::new("t.toml"), &PW.replace("pw=(?P<v>", "pw=((?P<v>"))
            .unwrap();
        let e = Engine::new(&set).unwrap_err().to_string();
        assert!(e.starts_with("t.toml: rule t.pw: bad regex"), "{e}");
    }
}
