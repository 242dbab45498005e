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

mod compile;
mod encoded;
pub mod pattern;
mod scan;
pub mod select;
pub mod spans;
pub mod validate;

use std::ops::Range;

use aho_corasick::AhoCorasick;
use regex_automata::util::captures::Captures;
use regex_automata::{hybrid, meta};

use crate::rules::dictionary::LearnKind;
use crate::rules::{AllowList, Normalize, Rule};
pub use spans::Finding;

/// Bytes of context that `not_before`/`not_after` see.
pub const CONTEXT_BYTES: usize = 64;

/// The state of multi-line block rules between chunks: which block, if any,
/// is open at a chunk boundary, and how many lines in a row since its last
/// body line were no key material (a log line written into the middle of a
/// private key does not end it; see [`BLOCK_GAP_LINES`]), and whether its
/// BEGIN marker followed other text on its line (then the key's lines may
/// carry that prefix too).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BlockState(Option<(u32, u8, bool)>);

/// How many lines in a row that are not body lines an open block survives.
/// After such a line, a line continues the block only when it clearly is key
/// material (see `scan::key_like`), so prose after a key that lost its END
/// marker stays.
pub const BLOCK_GAP_LINES: u8 = 4;

impl BlockState {
    /// True when a block is open.
    pub fn is_open(&self) -> bool {
        self.0.is_some()
    }

    /// The state as a number: the open block's rule index in the low 24 bits,
    /// the gap count in the next 4, the prefix flag above them, or `u32::MAX`
    /// when no block is open.
    pub fn code(&self) -> u32 {
        self.0.map_or(u32::MAX, |(rule, gap, prefixed)| {
            rule | (u32::from(gap) << 24) | (u32::from(prefixed) << 28)
        })
    }

    /// The state a [`code`](Self::code) stands for, unchecked against any
    /// engine's rules (see `Engine::block_state_from_code`); `None` when the
    /// code holds bits no state sets or a gap above [`BLOCK_GAP_LINES`].
    fn decode(code: u32) -> Option<Self> {
        if code == u32::MAX {
            return Some(BlockState(None));
        }
        let (rule, gap, prefixed) = (code & 0x00ff_ffff, ((code >> 24) & 0x0f) as u8, code >> 28);
        (gap <= BLOCK_GAP_LINES && prefixed <= 1).then_some(BlockState(Some((
            rule,
            gap,
            prefixed == 1,
        ))))
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
    /// Rules without keywords whose values are random-looking words
    /// (validator `random-token`): kept out of the gate, whose lazy DFA their
    /// long counted repetition would multiply, and run only on the runs of
    /// word bytes that can hold such a value ([`scan::token_runs`]).
    word_rules: Vec<u32>,
    /// False: `word_rules` run on every line (the tests' reference).
    word_runs: bool,
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
    /// The token runs of the last scan (see `Engine::word_rules`).
    runs: Vec<Range<usize>>,
    /// Gated line ranges per always-rule.
    gated: Vec<Vec<Range<usize>>>,
    /// Block markers (`-----BEGIN ... KEY-----`) of this scan, in order: no
    /// other finding may cover them, so a block stays recognisable when the
    /// output is redacted again.
    protected: Vec<Range<usize>>,
    /// Each line is scanned as if alone: no block stays open into the
    /// next line ([`Engine::scan_lines_apart`]).
    lines_apart: bool,
}

impl Engine {
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
            runs: Vec::new(),
            protected: Vec::new(),
            lines_apart: false,
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
}

/// The project's generator of support logs, for tests.
#[cfg(test)]
#[path = "../../tests/support/corpus.rs"]
mod test_corpus;

#[cfg(test)]
mod tests {
    use super::test_corpus as corpus;
    use super::*;
    use crate::rules::RuleSet;
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
        let gapped = e.block_state_after(b"2024-01-01 INFO x\n", open, &mut s);
        assert!(gapped.is_open());
        assert_ne!(gapped, open);
        for state in [open, gapped, BlockState::default()] {
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

        // A log line written into the middle of a key does not end it: key
        // material after it still goes, up to the END marker.
        let key = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC";
        let text = format!(
            "-----BEGIN PRIVATE KEY-----\n{key}\n2024-01-01 WARN [pool-1] reset\n{key}\n-----END PRIVATE KEY-----\n"
        );
        let got = spans(&e, &text);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got.iter().all(|&(a, b)| &text[a..b] == key));
        // But only for a few lines: after more gap lines than the bound, a
        // key-like line is an ordinary line again.
        let gap = "2024-01-01 INFO x\n".repeat(usize::from(BLOCK_GAP_LINES) + 1);
        let text = format!("-----BEGIN PRIVATE KEY-----\n{key}\n{gap}{key}\n");
        assert_eq!(spans(&e, &text).len(), 1);
        // And a short word after the gap is no key material.
        let text = format!("-----BEGIN PRIVATE KEY-----\n{key}\nINFO x y\ndone\n");
        assert_eq!(spans(&e, &text).len(), 1);

        // Every line of the key behind a log prefix: the key material goes,
        // the prefixes stay, also on the END line.
        let text = format!(
            "#6 0.245 -----BEGIN PRIVATE KEY-----\n#6 0.245 {key}\n#6 0.246 AB==\n#6 0.246 -----END PRIVATE KEY-----\n#7 DONE 0.3s\n"
        );
        let got = spans(&e, &text);
        let found: Vec<&str> = got.iter().map(|&(a, b)| &text[a..b]).collect();
        assert_eq!(found, [key, "AB=="]);

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

    /// The default rules, and the same rules with no gate and no word runs:
    /// each rule without keywords then runs on every line. Built once for all tests.
    fn with_and_without_gate() -> &'static (Engine, Engine) {
        static ENGINES: std::sync::LazyLock<(Engine, Engine)> = std::sync::LazyLock::new(|| {
            let set = RuleSet::embedded().unwrap();
            let plain = Engine::new(&set).unwrap();
            assert!(plain.gate.is_some());
            let mut ungated = Engine::new(&set).unwrap();
            ungated.gate = None;
            ungated.word_runs = false;
            (plain, ungated)
        });
        &ENGINES
    }

    /// Pieces of lines where rules without keywords match, near each other
    /// and far apart.
    const GATE_PIECES: &[&str] = &[
        "Jd7Fq2LmZx0Rt5Nw8Ys4Kp1Hc6Vb3Ge9",
        "Qm9+Lr2/Xt7Kp4ZsVn8Wd1Hb6Fy3Cg5Je0Ta==",
        "pT4_xQ9mLs-7vKd2Wn6Rz8Yb1Hf5Gj3Ca0EuNoXiMk",
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
