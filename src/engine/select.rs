//! Candidate selection in one walk over a chunk.
//!
//! Selection runs two automata over every byte: the keyword automaton
//! (Aho-Corasick, ASCII case-insensitive) and the gate (one lazy DFA over
//! the rules without keywords). Both are table walks in which each step
//! loads the next state from the one before, so a walk over one stretch of
//! bytes waits on memory, not on arithmetic. [`walk`] therefore cuts the
//! chunk at a line break into two halves and steps both automata over both
//! halves at once: four independent chains of loads that the CPU overlaps.
//! It costs about as much as one of the library searches alone.
//!
//! Cutting at a line break changes nothing: no keyword holds a line break
//! (a load check) and no gate match crosses one ([`super::pattern`]), and a
//! half that starts at a line start starts from the state a walk from the
//! chunk's start would be in there, as far as any match is concerned.
//!
//! The gate's lazy DFA may clear its cache when it fills up, which makes
//! the state of the other half meaningless; it may also give up on a byte
//! (a Unicode `\b` in a user rule). The walk then reports that the gate's
//! hits are incomplete and the caller runs the library's own search.

use aho_corasick::Anchored;
use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::nfa::contiguous;
use regex_automata::Input;
use regex_automata::hybrid::LazyStateID;
use regex_automata::hybrid::dfa::{Cache, DFA};

/// A hit of one automaton: `at` is a byte on the line it marks (a keyword's
/// first byte, or a gate match's last byte), `id` the pattern.
#[derive(Debug, Clone, Copy)]
pub struct Hit {
    /// A byte on the line.
    pub at: usize,
    /// The keyword or gate pattern.
    pub id: u32,
}

/// Hits of one walk, per half, each in input order.
#[derive(Debug, Default)]
pub struct Hits {
    /// Keyword hits of the first and the second half.
    pub keywords: [Vec<Hit>; 2],
    /// Gate hits of the first and the second half.
    pub gate: [Vec<Hit>; 2],
}

impl Hits {
    fn clear(&mut self) {
        self.keywords.iter_mut().for_each(Vec::clear);
        self.gate.iter_mut().for_each(Vec::clear);
    }
}

/// The keyword automaton: a DFA while its table is small, else the crate's
/// contiguous NFA (smaller, a little slower per byte).
#[derive(Debug)]
pub enum Keywords {
    /// A DFA.
    Dfa(aho_corasick::dfa::DFA),
    /// A contiguous NFA.
    Nfa(contiguous::NFA),
}

/// Keyword bytes up to which the keyword automaton is a DFA: its table grows
/// with them.
const DFA_KEYWORD_BYTES: usize = 16 << 10;

impl Keywords {
    /// Builds the automaton over `keywords` (lower case, none empty, none
    /// with a line break), matched ASCII case-insensitively, every
    /// occurrence reported.
    pub fn new(keywords: &[String]) -> Result<Keywords, String> {
        let bytes: usize = keywords.iter().map(String::len).sum();
        let err = |e: aho_corasick::BuildError| format!("cannot build keyword matcher: {e}");
        // No prefilter: most lines of a server log hold some keyword, and
        // without one the start state is not special, so the walk's common
        // path is one table load and one compare per byte.
        if bytes <= DFA_KEYWORD_BYTES {
            aho_corasick::dfa::DFA::builder()
                .ascii_case_insensitive(true)
                .prefilter(false)
                .start_kind(aho_corasick::StartKind::Unanchored)
                .build(keywords)
                .map(Keywords::Dfa)
                .map_err(err)
        } else {
            Keywords::nfa(keywords).map_err(err)
        }
    }

    /// The contiguous NFA over `keywords`, whatever their size.
    fn nfa<K: AsRef<[u8]>>(keywords: &[K]) -> Result<Keywords, aho_corasick::BuildError> {
        contiguous::NFA::builder()
            .ascii_case_insensitive(true)
            .prefilter(false)
            .build(keywords)
            .map(Keywords::Nfa)
    }
}

/// Walks `hay` with the keyword automaton and, when given, the gate; leaves
/// the hits in `hits`. Returns false when the gate's hits are incomplete
/// (see the module docs); the keyword hits are complete either way.
pub fn walk(
    keywords: &Keywords,
    gate: Option<(&DFA, &mut Cache)>,
    hay: &[u8],
    hits: &mut Hits,
) -> bool {
    let mut run = |gate| {
        hits.clear();
        match keywords {
            Keywords::Dfa(a) => walk_with(a, gate, hay, hits),
            Keywords::Nfa(a) => walk_with(a, gate, hay, hits),
        }
    };
    // Only the gate stops a walk; it is walked again for the keywords alone.
    run(gate) || !run(None)
}

/// The end of the first half: just past the first line break at or after
/// the middle; `hay.len()` when there is none (one half holds everything).
fn middle(hay: &[u8]) -> usize {
    let mid = hay.len() / 2;
    memchr::memchr(b'\n', &hay[mid..]).map_or(hay.len(), |i| mid + i + 1)
}

fn walk_with<A: Automaton>(
    ac: &A,
    gate: Option<(&DFA, &mut Cache)>,
    hay: &[u8],
    hits: &mut Hits,
) -> bool {
    let mid = middle(hay);
    let halves = [0..mid, mid..hay.len()];
    // Both halves in step for as long as the shorter one lasts, then the
    // rest of each on its own.
    let n = mid.min(hay.len() - mid);
    let start = ac
        .start_state(Anchored::No)
        .expect("the keyword automaton is built for unanchored searches");
    let mut kw = [start; 2];
    let [k0, k1] = &mut hits.keywords;
    let Some((dfa, cache)) = gate else {
        for i in 0..n {
            step_keywords(ac, &mut kw[0], hay, i, k0);
            step_keywords(ac, &mut kw[1], hay, mid + i, k1);
        }
        for (h, r) in halves.into_iter().enumerate() {
            for at in r.start + n..r.end {
                step_keywords(ac, &mut kw[h], hay, at, &mut hits.keywords[h]);
            }
        }
        return true;
    };
    let mut g = Gate {
        dfa,
        clears: cache.clear_count(),
        cache,
    };
    let sids = [g.start(hay, &halves[0]), g.start(hay, &halves[1])];
    let [Some(s0), Some(s1)] = sids else {
        return false;
    };
    let mut sids = [s0, s1];
    let [g0, g1] = &mut hits.gate;
    let (x, y) = (&hay[..n], &hay[mid..mid + n]);
    for i in 0..n {
        let (b0, b1) = (x[i], y[i]);
        step_keywords(ac, &mut kw[0], hay, i, k0);
        step_keywords(ac, &mut kw[1], hay, mid + i, k1);
        // The common case: neither state nor either next state is special.
        if !(sids[0].is_tagged() || sids[1].is_tagged()) {
            let n0 = g.dfa.next_state_untagged(g.cache, sids[0], b0);
            let n1 = g.dfa.next_state_untagged(g.cache, sids[1], b1);
            if !(n0.is_tagged() || n1.is_tagged()) {
                sids = [n0, n1];
                continue;
            }
        }
        if !(g.step(&mut sids[0], b0, i, g0) && g.step(&mut sids[1], b1, mid + i, g1)) {
            return false;
        }
    }
    for (h, r) in halves.into_iter().enumerate() {
        for at in r.start + n..r.end {
            step_keywords(ac, &mut kw[h], hay, at, &mut hits.keywords[h]);
            if !g.step(&mut sids[h], hay[at], at, &mut hits.gate[h]) {
                return false;
            }
        }
        if !g.finish(sids[h], hay, r.end, &mut hits.gate[h]) {
            return false;
        }
    }
    true
}

#[inline(always)]
fn step_keywords<A: Automaton>(
    ac: &A,
    sid: &mut StateID,
    hay: &[u8],
    at: usize,
    out: &mut Vec<Hit>,
) {
    *sid = ac.next_state(Anchored::No, *sid, hay[at]);
    if ac.is_special(*sid) && ac.is_match(*sid) {
        for i in 0..ac.match_len(*sid) {
            let p = ac.match_pattern(*sid, i);
            out.push(Hit {
                at: at + 1 - ac.pattern_len(p),
                id: p.as_u32(),
            });
        }
    }
}

struct Gate<'a> {
    dfa: &'a DFA,
    cache: &'a mut Cache,
    /// The cache's clear count when the walk started.
    clears: usize,
}

impl Gate<'_> {
    /// The start state of a half; None when the walk must stop.
    fn start(&mut self, hay: &[u8], half: &std::ops::Range<usize>) -> Option<LazyStateID> {
        let input = Input::new(hay).range(half.clone());
        match self.dfa.start_state_forward(self.cache, &input) {
            Ok(s) if self.cache.clear_count() == self.clears => Some(s),
            _ => None,
        }
    }

    /// One step on `byte`, the byte at `at`; false when the walk must stop.
    #[inline(always)]
    fn step(&mut self, sid: &mut LazyStateID, byte: u8, at: usize, out: &mut Vec<Hit>) -> bool {
        let fast = if sid.is_tagged() {
            None
        } else {
            Some(self.dfa.next_state_untagged(self.cache, *sid, byte)).filter(|n| !n.is_unknown())
        };
        let next = match fast {
            Some(n) => n,
            None => match self.dfa.next_state(self.cache, *sid, byte) {
                Ok(n) if self.cache.clear_count() == self.clears => n,
                _ => return false,
            },
        };
        if next.is_tagged() && !self.report(next, at, out) {
            return false;
        }
        *sid = next;
        true
    }

    /// The step past the half's last byte: the byte after it, or the end of
    /// the chunk, can still complete a match (`\b`, `$`).
    fn finish(&mut self, sid: LazyStateID, hay: &[u8], end: usize, out: &mut Vec<Hit>) -> bool {
        let next = match hay.get(end) {
            Some(&b) => self.dfa.next_state(self.cache, sid, b),
            None => self.dfa.next_eoi_state(self.cache, sid),
        };
        match next {
            // Past the end of the input, a state that cannot match is dead.
            Ok(s) => {
                self.cache.clear_count() == self.clears && (s.is_dead() || self.report(s, end, out))
            }
            Err(_) => false,
        }
    }

    /// Records the matches of `sid`, a state entered on the byte at `at`:
    /// matches are reported one byte late, so they end at `at`. False on a
    /// state the walk cannot go on from (dead or quit).
    #[inline(always)]
    fn report(&mut self, sid: LazyStateID, at: usize, out: &mut Vec<Hit>) -> bool {
        if sid.is_match() {
            for i in 0..self.dfa.match_len(self.cache, sid) {
                out.push(Hit {
                    at: at - 1,
                    id: self.dfa.match_pattern(self.cache, sid, i).as_u32(),
                });
            }
            true
        } else {
            !(sid.is_dead() || sid.is_quit())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::pattern;
    use regex_automata::hybrid::dfa::OverlappingState;

    const KEYWORDS: &[&str] = &["host", "pass", "password", "@", " - ", "://"];
    const GATE: &[&str] = &[
        r"\b[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\b",
        r"(?i)\b(?:[a-z0-9-]+\.)+(?:com|org|io)\b",
        r"^[A-Z][a-z]{2} [0-9]+ \S+",
        r"x+$",
    ];
    /// Pieces of generated input: keywords cut and whole, addresses, host
    /// names, line breaks of both kinds and bytes that are not ASCII.
    const PIECES: &[&str] = &[
        "host",
        "ho",
        "st",
        "PASSword",
        "pass",
        "@",
        " - ",
        "://",
        "10.0.0.1",
        "1.2.3",
        ".4",
        "a.example.com",
        "b.io",
        "org",
        ".",
        " ",
        "\n",
        "\r\n",
        "x",
        "xx",
        "Jan 12 web1",
        "\u{e9}",
        "-",
        "9",
    ];

    fn gate(cache_bytes: usize) -> DFA {
        let hirs: Vec<_> = GATE.iter().map(|p| pattern::parse(p).unwrap()).collect();
        let nfa = regex_automata::nfa::thompson::Compiler::new()
            .configure(regex_automata::nfa::thompson::Config::new().utf8(false))
            .build_many_from_hir(&hirs)
            .unwrap();
        DFA::builder()
            .configure(
                DFA::config()
                    .match_kind(regex_automata::MatchKind::All)
                    .cache_capacity(cache_bytes)
                    .skip_cache_capacity_check(true),
            )
            .build_from_nfa(nfa)
            .unwrap()
    }

    fn keywords() -> Keywords {
        Keywords::new(&KEYWORDS.iter().map(|k| k.to_string()).collect::<Vec<_>>()).unwrap()
    }

    /// The same keywords as the automaton used for very many keywords.
    fn keywords_nfa() -> Keywords {
        Keywords::nfa(KEYWORDS).unwrap()
    }

    /// (byte on the line, pattern), sorted.
    type Found = Vec<(usize, u32)>;

    /// What one library search each over the whole input reports: keywords,
    /// gate.
    fn reference(hay: &[u8], dfa: &DFA) -> (Found, Found) {
        let ac = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(KEYWORDS)
            .unwrap();
        let mut kw: Vec<_> = ac
            .find_overlapping_iter(hay)
            .map(|m| (m.start(), m.pattern().as_u32()))
            .collect();
        let mut cache = dfa.create_cache();
        let input = Input::new(hay);
        let mut state = OverlappingState::start();
        let mut g = Vec::new();
        loop {
            dfa.try_search_overlapping_fwd(&mut cache, &input, &mut state)
                .unwrap();
            let Some(m) = state.get_match() else { break };
            g.push((m.offset() - 1, m.pattern().as_u32()));
        }
        kw.sort_unstable();
        g.sort_unstable();
        (kw, g)
    }

    fn sorted(halves: &[Vec<Hit>; 2]) -> Found {
        let mut v: Vec<_> = halves.iter().flatten().map(|h| (h.at, h.id)).collect();
        v.sort_unstable();
        v
    }

    fn text(parts: &[usize]) -> Vec<u8> {
        parts.iter().flat_map(|&i| PIECES[i].bytes()).collect()
    }

    proptest::proptest! {
        #[test]
        fn walk_finds_what_whole_searches_find(
            parts in proptest::collection::vec(0..PIECES.len(), 0..80),
        ) {
            let hay = text(&parts);
            let dfa = gate(1 << 20);
            let mut cache = dfa.create_cache();
            let (kw, g) = reference(&hay, &dfa);
            for automaton in [keywords(), keywords_nfa()] {
                let mut hits = Hits::default();
                let complete = walk(&automaton, Some((&dfa, &mut cache)), &hay, &mut hits);
                proptest::prop_assert!(complete);
                proptest::prop_assert_eq!(sorted(&hits.keywords), kw.clone());
                proptest::prop_assert_eq!(sorted(&hits.gate), g.clone());
                // Each half's hits are in input order, the first half's first.
                for list in [&hits.keywords, &hits.gate] {
                    let flat: Vec<usize> = list.iter().flatten().map(|h| h.at).collect();
                    proptest::prop_assert!(flat.windows(2).all(|w| w[0] <= w[1]));
                }
            }
        }

        /// A cache so small that it is cleared during the walk: the walk
        /// says so, or its hits are right. It never panics.
        #[test]
        fn cache_clears_are_reported(
            parts in proptest::collection::vec(0..PIECES.len(), 0..200),
        ) {
            let hay = text(&parts);
            let dfa = gate(0);
            let mut cache = dfa.create_cache();
            let mut hits = Hits::default();
            if walk(&keywords(), Some((&dfa, &mut cache)), &hay, &mut hits) {
                proptest::prop_assert_eq!(sorted(&hits.gate), reference(&hay, &dfa).1);
            }
            proptest::prop_assert_eq!(sorted(&hits.keywords), reference(&hay, &dfa).0);
        }
    }

    #[test]
    fn small_cache_is_cleared_and_reported() {
        let hay = text(
            &(0..4000)
                .map(|i| (i * 7) % PIECES.len())
                .collect::<Vec<_>>(),
        );
        let dfa = gate(0);
        let mut cache = dfa.create_cache();
        let mut hits = Hits::default();
        assert!(!walk(
            &keywords(),
            Some((&dfa, &mut cache)),
            &hay,
            &mut hits
        ));
        assert!(cache.clear_count() > 0);
    }

    #[test]
    fn very_many_keywords_use_the_smaller_automaton() {
        assert!(matches!(keywords(), Keywords::Dfa(_)));
        let many: Vec<String> = (0..3000).map(|i| format!("keyword-{i:05}")).collect();
        let Keywords::Nfa(nfa) = Keywords::new(&many).unwrap() else {
            panic!("{} keyword bytes make a DFA", many.len() * 13);
        };
        let mut hits = Hits::default();
        assert!(walk(
            &Keywords::Nfa(nfa),
            None,
            b"x KEYWORD-02999 y",
            &mut hits
        ));
        assert_eq!(sorted(&hits.keywords), vec![(2, 2999)]);
    }

    #[test]
    fn without_a_gate_keywords_are_found() {
        let hay = b"a host\nb PASSWORD c\n\nhttp://x\n";
        let mut hits = Hits::default();
        assert!(walk(&keywords(), None, hay, &mut hits));
        let found = sorted(&hits.keywords);
        assert_eq!(found, vec![(2, 0), (9, 1), (9, 2), (25, 5)]);
        assert!(hits.gate.iter().all(Vec::is_empty));
    }

    #[test]
    fn a_gate_that_gives_up_is_reported() {
        // A Unicode word boundary: the lazy DFA quits on bytes that are not
        // ASCII.
        let hir = regex_syntax::ParserBuilder::new()
            .utf8(false)
            .build()
            .parse(r"\bab\b")
            .unwrap();
        let nfa = regex_automata::nfa::thompson::Compiler::new()
            .build_many_from_hir(&[hir])
            .unwrap();
        let dfa = DFA::builder()
            .configure(
                DFA::config()
                    .match_kind(regex_automata::MatchKind::All)
                    .unicode_word_boundary(true),
            )
            .build_from_nfa(nfa)
            .unwrap();
        let mut cache = dfa.create_cache();
        let mut hits = Hits::default();
        let ascii = b"x ab y\nab\n";
        assert!(walk(
            &keywords(),
            Some((&dfa, &mut cache)),
            ascii,
            &mut hits
        ));
        assert_eq!(sorted(&hits.gate), vec![(3, 0), (8, 0)]);
        let mixed = "x ab y\n\u{e9}ab\n".as_bytes();
        assert!(!walk(
            &keywords(),
            Some((&dfa, &mut cache)),
            mixed,
            &mut hits
        ));
    }
}
