//! Scanning a chunk: candidate selection, full matches, context checks and
//! validators, and the block state machine.

use std::ops::Range;

use regex_automata::{Anchored, Input, hybrid};

use super::{
    BLOCK_GAP_LINES, BlockState, CONTEXT_BYTES, CompiledRule, Engine, Finding, Kind, Scratch,
    select, spans, validate,
};

impl Engine {
    /// Finds what to redact in `hay`, a chunk of whole lines (the last may
    /// lack its newline). `start` is the block state at the chunk's start;
    /// the state at its end is returned. The findings are left sorted and
    /// merged in `s.findings`.
    pub fn scan(&self, hay: &[u8], start: BlockState, s: &mut Scratch) -> BlockState {
        self.scan_depth(hay, start, s, None, 0)
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
        self.scan_depth(hay, start, s, Some(learn), 0)
    }

    /// The scan; `depth` counts the base64 layers `hay` was decoded from
    /// ([`Engine::scan_encoded`]).
    pub(super) fn scan_depth(
        &self,
        hay: &[u8],
        start: BlockState,
        s: &mut Scratch,
        learn: Option<&mut Vec<Finding>>,
        depth: u8,
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
        s.runs.clear();
        if !self.word_rules.is_empty() {
            let mut runs = std::mem::take(&mut s.runs);
            runs.clear();
            if self.word_runs {
                token_runs(hay, |r| runs.push(r));
            } else {
                every_line(std::slice::from_mut(&mut runs), hay);
            }
            for &ri in &self.word_rules {
                for r in &runs {
                    self.run_rule(ri, hay, r.clone(), s);
                }
            }
            s.runs = runs;
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
        // After the learning findings: an encoded run is redacted whole,
        // and its text is no name to search for elsewhere.
        if depth < 2 {
            self.scan_encoded(hay, s, depth);
        }
        spans::merge(&mut s.findings);
        end_state
    }

    /// [`Engine::scan`] of lines that are each scanned as if alone: no block
    /// opened on one line goes on into the next. The redactor scans the
    /// lines it changed again this way, gathered in one buffer, so that
    /// what it finds in a line does not depend on which other lines (of
    /// which chunk) share the buffer.
    pub fn scan_lines_apart(&self, hay: &[u8], s: &mut Scratch) {
        s.lines_apart = true;
        self.scan(hay, BlockState::default(), s);
        s.lines_apart = false;
    }

    /// True when the scan makes the token runs `s.runs` (the word rules
    /// run on them) rather than running the word rules on whole lines.
    pub(super) fn uses_token_runs(&self) -> bool {
        !self.word_rules.is_empty() && self.word_runs
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
        BlockState::decode(code).filter(|state| {
            state
                .0
                .is_none_or(|(rule, ..)| self.block_rules.contains(&rule))
        })
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
                // A list's elements are checked one by one in `record`.
                if (cr.rule.list || self.valid(cr, hay, m.start(), m.end()))
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
                    if sp.start == sp.end
                        || (!cr.rule.list && !self.valid(cr, hay, sp.start, sp.end))
                    {
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
    /// a block marker. A list rule's span is cut into its elements (see
    /// [`list_elements`]), and each that passes the validators is a finding
    /// of its own.
    fn record(
        &self,
        ri: u32,
        label: u32,
        hay: &[u8],
        span: Range<usize>,
        protected: &[Range<usize>],
        out: &mut Vec<Finding>,
    ) {
        let cr = &self.rules[ri as usize];
        let priority = cr.rule.priority;
        let mut one = |a: usize, b: usize| {
            if self.allow.allows(&hay[a..b]) {
                return;
            }
            free_pieces(hay, a..b, protected, |start, end| {
                out.push(Finding {
                    start,
                    end,
                    rule: ri,
                    label,
                    priority,
                });
            });
        };
        if cr.rule.list {
            list_elements(hay, span, |a, b| {
                if self.valid(cr, hay, a, b) {
                    one(a, b);
                }
            });
        } else {
            one(span.start, span.end);
        }
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
            if s.lines_apart {
                // At the start of a line (or after an END marker, where no
                // block is open anyway).
                state = None;
            }
            if let Some((ri, gap, prefixed)) = state {
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
                        // On a prefixed line only key material before END
                        // goes, not the prefix.
                        let (a, b) = if prefixed {
                            last_field(hay, pos, m.start())
                        } else {
                            (pos, m.start())
                        };
                        if !prefixed || key_like(&hay[a..b]) {
                            self.push_block_text(ri, label, hay, a, b, &mut s.findings);
                        }
                        s.protected.push(m.start()..m.end());
                    }
                    state = None;
                    pos = m.end();
                } else if hay[pos..le].trim_ascii().is_empty() {
                    pos = le + 1;
                } else if let Some((a, b)) = self.body_part(body, hay, pos, le, gap, prefixed, s) {
                    if record {
                        self.push_block_text(ri, label, hay, a, b, &mut s.findings);
                    }
                    state = Some((ri, 0, prefixed));
                    pos = le + 1;
                } else if gap < BLOCK_GAP_LINES
                    && ac
                        .find(aho_corasick::Input::new(hay).span(pos..le))
                        .is_none()
                {
                    // Not a body line (a log line written between two lines
                    // of the key): an ordinary line, and the block stays open
                    // for a few more lines in case key material follows.
                    state = Some((ri, gap + 1, prefixed));
                    pos = le + 1;
                } else {
                    // The block ends here, and this line is an ordinary line
                    // again (it may open another block).
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
                // An END marker with no block open (its BEGIN was in another
                // scan): protected all the same, so that no other rule takes
                // it for a value.
                if record {
                    for &ri in &self.block_rules {
                        if let Kind::Block { end, .. } = self.rules[ri as usize].kind
                            && let Some(e) =
                                self.regexes[end].search_with(&mut s.caches[end], &line)
                        {
                            s.protected.push(e.start()..e.end());
                        }
                    }
                }
                pos = le + 1;
                continue;
            };
            let Kind::Block { end, label, .. } = self.rules[ri as usize].kind else {
                // A next-line rule: the value is on the following line.
                state = Some((ri, 0, false));
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
                // A BEGIN marker after other text (a timestamp, a build
                // step's `#6 0.245`): every line of the key may carry that
                // prefix, and the key material is each line's last field.
                let prefixed = !hay[ls..m.start()].trim_ascii().is_empty();
                state = Some((ri, 0, prefixed));
                pos = le + 1;
            }
        }
        BlockState(state)
    }

    /// The part of the line `hay[pos..le]` inside an open block that is key
    /// material: the whole line when it is a body line (after a gap, only
    /// when it clearly is key material), or in a prefixed block its last
    /// field when that is.
    #[allow(clippy::too_many_arguments)]
    fn body_part(
        &self,
        body: usize,
        hay: &[u8],
        pos: usize,
        le: usize,
        gap: u8,
        prefixed: bool,
        s: &mut Scratch,
    ) -> Option<(usize, usize)> {
        let is_body = |a: usize, b: usize, s: &mut Scratch| {
            self.regexes[body]
                .search_with(
                    &mut s.caches[body],
                    &Input::new(&hay[a..b]).anchored(Anchored::Yes),
                )
                .is_some()
        };
        if is_body(pos, le, s) && (gap == 0 || key_like(&hay[pos..le])) {
            return Some((pos, le));
        }
        if !prefixed {
            return None;
        }
        let (a, b) = last_field(hay, pos, le);
        let f = &hay[a..b];
        // Without a gap, a long field of base64 alone is key material too,
        // even with no digit in it (`xEwiqYgUxxGAKICTkEQIwRDDFmgQhEGb...`),
        // and so is a short last line that ends in padding.
        let base64 = f
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'='));
        let plain = gap == 0 && base64 && (f.len() >= 40 || (f.len() >= 4 && f.ends_with(b"=")));
        (is_body(a, b, s) && (key_like(f) || plain)).then_some((a, b))
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

/// Calls `f` for each piece of `hay[span]` that is neither inside a
/// logscrub token nor inside a `protected` range, and holds a letter or
/// digit.
/// The bytes of a random-looking token: letters, digits, `+/_-` and `=`
/// padding (what `random-token` rules may match).
pub(super) fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'_' | b'-' | b'=')
}

/// The shortest value `random-token` accepts, without its padding.
const TOKEN_MIN: usize = 15;

/// Calls `f` with each maximal run of token bytes that can hold a value
/// `random-token` accepts: 15 bytes or more, with a letter and a digit. A
/// random-token rule whose pattern matches token bytes alone runs on these
/// runs only: a table walk over the chunk instead of a place in the gate.
fn token_runs(hay: &[u8], mut f: impl FnMut(Range<usize>)) {
    const CLASS: [u8; 256] = {
        let mut t = [0u8; 256];
        let mut b = 0;
        while b < 256 {
            let c = b as u8;
            t[b] = if c.is_ascii_digit() {
                3
            } else if c.is_ascii_alphabetic() {
                2
            } else if matches!(c, b'+' | b'/' | b'_' | b'-' | b'=') {
                1
            } else {
                0
            };
            b += 1;
        }
        t
    };
    let mut i = 0;
    while i < hay.len() {
        if CLASS[hay[i] as usize] == 0 {
            i += 1;
            continue;
        }
        let start = i;
        let (mut letter, mut digit) = (false, false);
        while i < hay.len() {
            match CLASS[hay[i] as usize] {
                0 => break,
                2 => letter = true,
                3 => digit = true,
                _ => {}
            }
            i += 1;
        }
        if i - start >= TOKEN_MIN && letter && digit {
            f(start..i);
        }
    }
}

/// Calls `f` with each element of the list `hay[span]`: the runs between
/// `,`, `;`, `|` and white space, trimmed of quotes and brackets, without a
/// trailing `:port`. The words `and`, `or` and `&` separate elements.
fn list_elements(hay: &[u8], span: Range<usize>, mut f: impl FnMut(usize, usize)) {
    let is_sep = |c: u8| matches!(c, b',' | b';' | b'|' | b' ' | b'\t');
    let mut i = span.start;
    while i < span.end {
        while i < span.end && is_sep(hay[i]) {
            i += 1;
        }
        let mut a = i;
        while i < span.end && !is_sep(hay[i]) {
            i += 1;
        }
        let mut b = i;
        while a < b && matches!(hay[a], b'"' | b'\'' | b'`' | b'[' | b'(' | b'{' | b'<') {
            a += 1;
        }
        while a < b && matches!(hay[b - 1], b'"' | b'\'' | b'`' | b']' | b')' | b'}' | b'>') {
            b -= 1;
        }
        if let Some(colon) = memchr::memrchr(b':', &hay[a..b]) {
            let port = &hay[a + colon + 1..b];
            if !port.is_empty() && port.len() <= 5 && port.iter().all(u8::is_ascii_digit) {
                b = a + colon;
            }
        }
        let element = &hay[a..b];
        if !element.is_empty()
            && !element.eq_ignore_ascii_case(b"and")
            && !element.eq_ignore_ascii_case(b"or")
            && element != b"&"
        {
            f(a, b);
        }
    }
}

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

/// The last field of `hay[a..b]`: the bytes after its last space or tab,
/// trailing white space left out.
fn last_field(hay: &[u8], a: usize, b: usize) -> (usize, usize) {
    let b = a + hay[a..b].trim_ascii_end().len();
    let start = hay[a..b]
        .iter()
        .rposition(|&c| c == b' ' || c == b'\t')
        .map_or(a, |i| a + i + 1);
    (start, b)
}

/// True when `line` (trimmed) clearly is a line of base64 key material: at
/// least 16 bytes of the base64 alphabet with upper- and lower-case letters
/// and a digit, `+` or `/`. Only lines after a gap in a block must pass it.
fn key_like(line: &[u8]) -> bool {
    let t = line.trim_ascii();
    t.len() >= 16
        && t.iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
        && t.iter().any(u8::is_ascii_uppercase)
        && t.iter().any(u8::is_ascii_lowercase)
        && t.iter()
            .any(|&b| b.is_ascii_digit() || matches!(b, b'+' | b'/'))
}

#[cfg(test)]
mod tests {
    use super::list_elements;

    fn elements(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        list_elements(text.as_bytes(), 0..text.len(), |a, b| out.push(&text[a..b]));
        out
    }

    #[test]
    fn token_runs_are_long_with_a_letter_and_a_digit() {
        let text = "at Foo.run(x) Jd7Fq2LmZx0Rt5Nw8Ys4 abcdefghijklmnopq 123456789012345678 \
                    Qm9+Lr2/Xt7Kp4Zs== short1";
        let mut runs = Vec::new();
        super::token_runs(text.as_bytes(), |r| runs.push(&text[r]));
        assert_eq!(runs, ["Jd7Fq2LmZx0Rt5Nw8Ys4", "Qm9+Lr2/Xt7Kp4Zs=="]);
    }

    #[test]
    fn list_elements_are_trimmed_and_lose_their_ports() {
        assert_eq!(
            elements("[kmeyer, \"anna.berg\", 'jlo']"),
            ["kmeyer", "anna.berg", "jlo"]
        );
        assert_eq!(elements("a:5701,b:5701;c"), ["a", "b", "c"]);
        assert_eq!(
            elements("kmeyer, tholt and rsingh & bo"),
            ["kmeyer", "tholt", "rsingh", "bo"]
        );
        // Not a port: letters after the colon, or more than five digits.
        assert_eq!(elements("ver:x1 id:123456"), ["ver:x1", "id:123456"]);
        assert_eq!(elements(" , [] ,"), Vec::<&str>::new());
    }
}
