//! Compiling rule regexes so that a match never leaves its line.
//!
//! Rules are matched over whole chunks of many lines at once (one regex call
//! per chunk instead of one per line), yet each rule must behave exactly as
//! if it ran line by line, or the output would depend on where chunks are
//! cut. This module guarantees it structurally, by rewriting the parsed
//! pattern before it is compiled:
//!
//! - `\n` and `\r` are removed from every class (`\s`, `[^"]`, `.` with
//!   `(?s)`), so no match can contain a line terminator. A finding therefore
//!   never swallows a CR of a CRLF ending or a lone CR;
//! - a literal `\n` or `\r` is a load error;
//! - `^`, `$`, `\A` and `\z` become line anchors (CR or LF), so a pattern
//!   anchored at the start of "the text" means the start of the line;
//! - a pattern that can match the empty string is a load error.
//!
//! Patterns are parsed bytes-first: ASCII classes and case folding (Unicode
//! off), and `.` matches any byte, so logs that are not UTF-8 are scanned as
//! they are. This also keeps the regex crate on its fast DFA engines.

use regex_automata::nfa::thompson;
use regex_automata::{hybrid, meta};
use regex_syntax::hir::{
    self, Class, ClassBytes, ClassBytesRange, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Look,
};

/// Parses `pattern` and compiles it into a line-bound regex.
pub fn compile(pattern: &str) -> Result<meta::Regex, String> {
    build(&parse(pattern)?)
}

/// Compiles a parsed, line-bound pattern.
pub fn build(hir: &Hir) -> Result<meta::Regex, String> {
    meta::Builder::new()
        .configure(config())
        .build_from_hir(hir)
        .map_err(|e| format!("regex does not compile: {e}"))
}

/// Compiles several patterns into one lazy DFA that reports every match
/// of every pattern (`MatchKind::All`, searched with overlapping semantics).
pub fn build_gate(hirs: &[Hir]) -> Result<hybrid::dfa::DFA, String> {
    let err = |e: String| format!("regexes do not compile together: {e}");
    let nfa = thompson::Compiler::new()
        .configure(thompson::Config::new().utf8(false))
        .build_many_from_hir(hirs)
        .map_err(|e| err(e.to_string()))?;
    hybrid::dfa::DFA::builder()
        .configure(
            hybrid::dfa::DFA::config()
                .match_kind(regex_automata::MatchKind::All)
                // A user rule may ask for a Unicode `\b`: the DFA then
                // gives up on non-ASCII bytes, and the caller falls back.
                .unicode_word_boundary(true)
                .cache_capacity(CACHE_BYTES),
        )
        .build_from_nfa(nfa)
        .map_err(|e| err(e.to_string()))
}

/// Room for the lazy DFA of large or combined patterns, so that it does not
/// clear its cache and fall back to slower engines.
const CACHE_BYTES: usize = 8 << 20;

fn config() -> meta::Config {
    meta::Config::new()
        .utf8_empty(false)
        .hybrid_cache_capacity(CACHE_BYTES)
}

/// True when every byte any match of `hir` holds is one for which `allowed`
/// is true, and the pattern looks at nothing around its match (no anchor or
/// word boundary): its matches then lie inside the runs of allowed bytes,
/// and searching each run alone finds what a search of the line finds.
pub fn bytes_within(hir: &Hir, allowed: &dyn Fn(u8) -> bool) -> bool {
    match hir.kind() {
        HirKind::Empty => true,
        HirKind::Literal(hir::Literal(bytes)) => bytes.iter().all(|&b| allowed(b)),
        HirKind::Class(Class::Bytes(c)) => c
            .ranges()
            .iter()
            .all(|r| (r.start()..=r.end()).all(allowed)),
        HirKind::Class(Class::Unicode(c)) => c.ranges().iter().all(|r| {
            u8::try_from(u32::from(r.end())).is_ok_and(|end| (r.start() as u8..=end).all(allowed))
        }),
        HirKind::Look(_) => false,
        HirKind::Repetition(r) => bytes_within(&r.sub, allowed),
        HirKind::Capture(c) => bytes_within(&c.sub, allowed),
        HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().all(|h| bytes_within(h, allowed)),
    }
}

/// Parses and rewrites `pattern` (see the module docs).
pub fn parse(pattern: &str) -> Result<Hir, String> {
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
        .map_err(|e| format!("bad regex:\n{e}"))?;
    let hir = line_bound(hir)?;
    if hir.properties().minimum_len().unwrap_or(1) == 0 {
        return Err("regex can match empty text; every match must hold at least one byte".into());
    }
    Ok(hir)
}

fn line_bound(h: Hir) -> Result<Hir, String> {
    Ok(match h.into_kind() {
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(hir::Literal(bytes)) => {
            if bytes.iter().any(|&b| b == b'\n' || b == b'\r') {
                return Err(
                    "regex contains a literal line break; rules match within one line".into(),
                );
            }
            Hir::literal(bytes)
        }
        HirKind::Class(Class::Bytes(c)) => {
            let mut c = c;
            c.difference(&ClassBytes::new([
                ClassBytesRange::new(b'\n', b'\n'),
                ClassBytesRange::new(b'\r', b'\r'),
            ]));
            if c.ranges().is_empty() {
                Hir::fail()
            } else {
                Hir::class(Class::Bytes(c))
            }
        }
        HirKind::Class(Class::Unicode(c)) => {
            let mut c = c;
            c.difference(&ClassUnicode::new([
                ClassUnicodeRange::new('\n', '\n'),
                ClassUnicodeRange::new('\r', '\r'),
            ]));
            if c.ranges().is_empty() {
                Hir::fail()
            } else {
                Hir::class(Class::Unicode(c))
            }
        }
        HirKind::Look(look) => Hir::look(match look {
            Look::Start | Look::StartLF | Look::StartCRLF => Look::StartCRLF,
            Look::End | Look::EndLF | Look::EndCRLF => Look::EndCRLF,
            other => other,
        }),
        HirKind::Repetition(r) => Hir::repetition(hir::Repetition {
            sub: Box::new(line_bound(*r.sub)?),
            ..r
        }),
        HirKind::Capture(c) => Hir::capture(hir::Capture {
            sub: Box::new(line_bound(*c.sub)?),
            ..c
        }),
        HirKind::Concat(subs) => Hir::concat(
            subs.into_iter()
                .map(line_bound)
                .collect::<Result<Vec<_>, _>>()?,
        ),
        HirKind::Alternation(subs) => Hir::alternation(
            subs.into_iter()
                .map(line_bound)
                .collect::<Result<Vec<_>, _>>()?,
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex_automata::Input;

    fn find_all(pattern: &str, hay: &[u8]) -> Vec<(usize, usize)> {
        let re = compile(pattern).unwrap();
        re.find_iter(Input::new(hay))
            .map(|m| (m.start(), m.end()))
            .collect()
    }

    #[test]
    fn bytes_within_sees_every_byte_and_every_look() {
        let token = |b: u8| b.is_ascii_alphanumeric() || b == b'-';
        let within = |p: &str| bytes_within(&parse(p).unwrap(), &token);
        assert!(within(r"[A-Za-z0-9][A-Za-z0-9-]{14,}|abc"));
        assert!(within(r"(?i)(?P<v>x-[0-9]+)"));
        assert!(!within(r"key=[A-Za-z0-9]{15,}"));
        assert!(!within(r"\b[A-Za-z0-9]{15,}"));
        assert!(!within(r"^[a-z]{15,}"));
        assert!(!within(r"[a-z]+\s[a-z]+"));
    }

    #[test]
    fn classes_never_cross_lines() {
        assert_eq!(find_all(r"a\s+b", b"a\nb a  b"), vec![(4, 8)]);
        assert_eq!(find_all(r"x[^y]+", b"x1\r\nx2"), vec![(0, 2), (4, 6)]);
        assert_eq!(find_all(r"(?s)q.+", b"q1\nq2"), vec![(0, 2), (3, 5)]);
    }

    #[test]
    fn anchors_are_line_anchors() {
        assert_eq!(
            find_all(r"^ab", b"ab\nab\r\nab"),
            vec![(0, 2), (3, 5), (7, 9)]
        );
        assert_eq!(
            find_all(r"ab$", b"ab\r\nab\nab"),
            vec![(0, 2), (4, 6), (7, 9)]
        );
        assert_eq!(find_all(r"\Aab\z", b"ab\nab"), vec![(0, 2), (3, 5)]);
    }

    #[test]
    fn bytes_not_utf8() {
        assert_eq!(find_all(r"k=.+", b"k=\xff\xfe\n"), vec![(0, 4)]);
    }

    #[test]
    fn rejects_line_breaks_and_empty_matches() {
        assert!(compile(r"a\nb").unwrap_err().contains("line break"));
        assert!(compile(r"a*").unwrap_err().contains("empty"));
        assert!(compile(r"(").unwrap_err().contains("bad regex"));
        assert!(compile(r"\pL").is_err(), "Unicode classes are off");
    }
}
