//! The replacement token syntax, in one place.
//!
//! ```text
//! token   = "<" LABEL "-" body ">"
//! LABEL   = upper-case letters, digits, "_", inner "-"; at most 24 bytes
//! body    = plain | ipv4 | ipv6 | host | email
//! plain   = 18 hex digits                         <USER-5f0c2e9a1b7d3c8e41>
//! ipv4    = 2hex "-" 2hex "-" 2hex "-" 2hex       <IPV4-3f-2a-77-ab>
//! ipv6    = 8hex "-" 4hex "-" 4hex "-" 16hex      <IPV6-3f2a77ab-91c0-0d4e-5b6a7c8d9e0f1a2b>
//! host    = 18hex ("." 8hex)* ["." suffix]        <HOST-5f0c2e9a1b7d3c8e41.7d41e0a3.internal>
//! email   = 18hex "@" 8hex ("." 8hex)* ["." suffix]  <EMAIL-5f0c2e9a1b7d3c8e41@7d41e0a3.com>
//! suffix  = 1 to 3 labels of lower-case letters, digits and inner "-"
//! ```
//!
//! Hex digits are lower case. Address groups are joined by `-`, not `.` or
//! `:`, so that no token reads as an address (`<IPV4-51-21-55-18>` is none).
//! The suffix is one [`crate::engine::validate::host::kept_suffix_len`] keeps. At
//! most [`MAX_DOMAIN_GROUPS`] domain groups are shown. Tokens of earlier
//! versions (8 hex digits) are still read as tokens, so output redacted by
//! them is left alone. A token is
//! obviously synthetic, holds no line break, and the engine never redacts
//! inside one, so running logscrub on its own output changes nothing.
//!
//! **Why 18 hex digits.** A plain token and the first group of a host or
//! e-mail token are the first 72 bits of a keyed hash. By the birthday bound
//! the chance that some two of n distinct values of one label share a token
//! is about n(n-1)/2 / 2^72: for n = 10 million, 5·10^13 / 4.7·10^21 ≈ 1.1·10^-8,
//! below one in a million with room to spare. 64 bits (16 digits) would give
//! 2.7·10^-6, too much; the 32 bits of earlier versions gave ~116 colliding
//! pairs per million values. Collisions among the values a run sees are
//! detected all the same ([`crate::redact::pseudonym`]). Address tokens
//! cannot collide at all: their groups are keyed permutations.
//!
//! **Structure.** The groups of an address token are keyed per prefix, so
//! addresses in one /8, /16, /24 (IPv6 /32, /48, /64) share leading groups;
//! the 8-digit domain groups of host and e-mail tokens are keyed per domain,
//! so hosts and addresses of one domain share them. Domain groups are hints
//! (32 bits each): the first group tells values apart.

use crate::rules::is_valid_label;

/// Number of hex digits in a plain token and in the first group of a host
/// or e-mail token (72 bits).
pub const HEX_DIGITS: usize = 18;

/// Hex digits of a token written by earlier versions (still recognised).
pub const LEGACY_HEX_DIGITS: usize = 8;

/// Hex digits of each domain group of a host or e-mail token.
pub const DOMAIN_DIGITS: usize = 8;

/// Most domain groups a host or e-mail token shows.
pub const MAX_DOMAIN_GROUPS: usize = 4;

/// Longest kept suffix (`internal`, `co.uk`, `atlassian.net`).
pub const MAX_SUFFIX_LEN: usize = 24;

/// Most labels in a kept suffix.
pub const MAX_SUFFIX_LABELS: usize = 3;

/// Longest label.
const MAX_LABEL: usize = 24;

/// Longest body: 18 hex, the domain groups, the suffix.
const MAX_BODY: usize = HEX_DIGITS + MAX_DOMAIN_GROUPS * (1 + DOMAIN_DIGITS) + 1 + MAX_SUFFIX_LEN;

/// Longest possible token.
pub const MAX_LEN: usize = 1 + MAX_LABEL + 1 + MAX_BODY + 1;

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends `bytes` as lower-case hex.
pub fn push_hex(out: &mut Vec<u8>, bytes: &[u8]) {
    for b in bytes {
        out.push(HEX[usize::from(b >> 4)]);
        out.push(HEX[usize::from(b & 0xf)]);
    }
}

/// Appends the low `digits` hex digits of `v`.
pub fn push_hex_digits(out: &mut Vec<u8>, v: u64, digits: usize) {
    for i in (0..digits).rev() {
        out.push(HEX[((v >> (4 * i)) & 0xf) as usize]);
    }
}

/// Appends `<label-` (a token's start); the body and [`close`] follow.
pub fn open(out: &mut Vec<u8>, label: &str) {
    out.push(b'<');
    out.extend_from_slice(label.as_bytes());
    out.push(b'-');
}

/// Ends a token begun with [`open`].
pub fn close(out: &mut Vec<u8>) {
    out.push(b'>');
}

/// Appends the plain token `<label-hex>` for the first 9 bytes of `id`.
pub fn write(out: &mut Vec<u8>, label: &str, id: &[u8; HEX_DIGITS / 2]) {
    open(out, label);
    push_hex(out, id);
    close(out);
}

/// If a token starts at `hay[at]`, returns its end offset.
pub fn token_at(hay: &[u8], at: usize) -> Option<usize> {
    if hay.get(at) != Some(&b'<') {
        return None;
    }
    let window = &hay[at + 1..hay.len().min(at + MAX_LEN)];
    let gt = memchr::memchr(b'>', window)?;
    split(&window[..gt])?;
    Some(at + 1 + gt + 1)
}

/// The label of a token (`token` is all of it, `<` to `>`).
pub fn label_of(token: &[u8]) -> Option<&[u8]> {
    let inner = token.strip_prefix(b"<")?.strip_suffix(b">")?;
    split(inner).map(|(label, _)| label)
}

/// Splits a token's inside into label and body, if it is one.
fn split(inner: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut from = 0;
    while let Some(i) = memchr::memchr(b'-', &inner[from..]) {
        let dash = from + i;
        if dash > MAX_LABEL {
            return None;
        }
        let (label, body) = (&inner[..dash], &inner[dash + 1..]);
        if is_body(body) && std::str::from_utf8(label).is_ok_and(is_valid_label) {
            return Some((label, body));
        }
        from = dash + 1;
    }
    None
}

fn is_hex(s: &[u8], n: usize) -> bool {
    s.len() == n
        && s.iter()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
}

fn is_body(body: &[u8]) -> bool {
    if body.len() > MAX_BODY {
        return false;
    }
    if is_hex(body, HEX_DIGITS) || is_hex(body, LEGACY_HEX_DIGITS) {
        return true;
    }
    let groups: Vec<&[u8]> = body.split(|&c| c == b'-').collect();
    let widths =
        |w: &[usize]| groups.len() == w.len() && groups.iter().zip(w).all(|(g, &n)| is_hex(g, n));
    if widths(&[2, 2, 2, 2]) || widths(&[8, 4, 4, 16]) {
        return true;
    }
    // host or e-mail: 18 hex, then `.` or `@`, then domain groups and a suffix.
    let Some(rest) = body
        .get(HEX_DIGITS..)
        .filter(|_| is_hex(&body[..HEX_DIGITS], HEX_DIGITS))
    else {
        return false;
    };
    let email = match rest.first() {
        Some(b'.') => false,
        Some(b'@') => true,
        _ => return false,
    };
    let parts: Vec<&[u8]> = rest[1..].split(|&c| c == b'.').collect();
    let groups = parts
        .iter()
        .take_while(|p| is_hex(p, DOMAIN_DIGITS))
        .count()
        .min(MAX_DOMAIN_GROUPS);
    let suffix = &parts[groups..];
    if email && groups == 0 {
        return false;
    }
    if suffix.is_empty() {
        return groups > 0;
    }
    let kept = &rest[1 + groups * (DOMAIN_DIGITS + 1)..];
    suffix.len() <= MAX_SUFFIX_LABELS
        && suffix.iter().all(|l| is_suffix_label(l))
        && crate::engine::validate::host::is_kept_suffix(kept)
}

/// A label of a kept suffix: lower-case letters, digits, inner `-`.
pub fn is_suffix_label(l: &[u8]) -> bool {
    !l.is_empty()
        && l.len() <= MAX_SUFFIX_LEN
        && l.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && l[0] != b'-'
        && l[l.len() - 1] != b'-'
}

/// Calls `f(start, end)` for every token that overlaps `hay[start..end]`.
pub fn for_each_overlapping(hay: &[u8], start: usize, end: usize, mut f: impl FnMut(usize, usize)) {
    let from = start.saturating_sub(MAX_LEN - 1);
    let mut p = from;
    while let Some(i) = memchr::memchr(b'<', &hay[p..end]) {
        let at = p + i;
        if let Some(te) = token_at(hay, at)
            && te > start
        {
            f(at, te);
        }
        p = at + 1;
    }
}

/// A regular expression (Rust `regex` syntax) that matches every token
/// this module writes, for tests and for tools that read redacted logs.
pub const PATTERN: &str = r"<[A-Z0-9][A-Z0-9_-]{0,23}-(?:[0-9a-f]{18}(?:(?:\.|@)[0-9a-z.-]{1,69})?|[0-9a-f]{8}|[0-9a-f]{2}(?:-[0-9a-f]{2}){3}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{16})>";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let mut out = b"x ".to_vec();
        write(
            &mut out,
            "PRIVATE-KEY",
            &[0x1f, 0x3a, 0x9c, 0x2d, 0, 1, 2, 3, 0xff],
        );
        assert_eq!(out, b"x <PRIVATE-KEY-1f3a9c2d00010203ff>");
        assert_eq!(token_at(&out, 2), Some(out.len()));
        assert_eq!(label_of(&out[2..]), Some(&b"PRIVATE-KEY"[..]));
    }

    #[test]
    fn structured_bodies_are_tokens() {
        for s in [
            "<IPV4-3f-2a-77-ab>",
            "<IPV6-3f2a77ab-91c0-0d4e-5b6a7c8d9e0f1a2b>",
            "<HOST-5f0c2e9a1b7d3c8e41.7d41e0a3.internal>",
            "<HOST-5f0c2e9a1b7d3c8e41.7d41e0a3.00aa11bb.co.uk>",
            "<HOST-5f0c2e9a1b7d3c8e41.com>",
            "<EMAIL-5f0c2e9a1b7d3c8e41@7d41e0a3.com>",
            "<EMAIL-5f0c2e9a1b7d3c8e41@7d41e0a3>",
            "<USER-1f3a9c2d>",
        ] {
            assert_eq!(token_at(s.as_bytes(), 0), Some(s.len()), "{s}");
            let re = regex::Regex::new(&format!("^{PATTERN}$")).unwrap();
            assert!(re.is_match(s), "{s}");
        }
        assert_eq!(
            label_of(b"<IPV4-3f-2a-77-ab>"),
            Some(&b"IPV4"[..]),
            "a label ending in a digit"
        );
    }

    #[test]
    fn rejects_lookalikes() {
        for s in [
            "<EMAIL-1f3a9c2>",
            "<email-1f3a9c2d>",
            "<EMAIL-1F3A9C2D>",
            "<EMAIL1f3a9c2d>",
            "<-1f3a9c2d>",
            "<EMAIL-1f3a9c2dd>",
            "<a href=x>",
            "<IPV4-10.0.1.5>",
            "<IPV4-3f-2a-77>",
            "<IPV4-3f.2a.77.ab>",
            "<HOST-5f0c2e9a1b7d3c8e41.acme.com>",
            "<HOST-5f0c2e9a1b7d3c8e41.>",
            "<HOST-5f0c2e9a1b7d3c8e41.Acme.com>",
            "<HOST-5f0c2e9a1b7d3c8e41.a.b.c.d>",
            "<EMAIL-5f0c2e9a1b7d3c8e41@acme.com>",
            "<HOST-db01.acme.internal>",
        ] {
            assert_eq!(token_at(s.as_bytes(), 0), None, "{s}");
        }
    }

    #[test]
    fn finds_overlapping_tokens() {
        let hay = b"u=<USER-00000000>:<PASSWORD-11111111>@h";
        let mut seen = Vec::new();
        for_each_overlapping(hay, 4, 20, |s, e| seen.push((s, e)));
        assert_eq!(seen, vec![(2, 17), (18, 37)]);
    }
}
