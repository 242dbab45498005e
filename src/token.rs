//! The replacement token syntax: `<LABEL-1f3a9c2d>`.
//!
//! A token is `<`, an upper-case label (letters, digits, `_`, inner `-`; at
//! most 24 bytes), `-`, eight lower-case hex digits, `>`. It is obviously
//! synthetic, holds no line break, and the engine never redacts inside one,
//! so running logscrub on its own output changes nothing.

use crate::rules::is_valid_label;

/// Number of hex digits in a token.
pub const HEX_DIGITS: usize = 8;

/// Longest possible token: `<` + 24-byte label + `-` + 8 hex + `>`.
pub const MAX_LEN: usize = 1 + 24 + 1 + HEX_DIGITS + 1;

/// Appends `<label-hex>` for the first four bytes of `hash`.
pub fn write(out: &mut Vec<u8>, label: &str, hash: &[u8; 4]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'<');
    out.extend_from_slice(label.as_bytes());
    out.push(b'-');
    for b in hash {
        out.push(HEX[usize::from(b >> 4)]);
        out.push(HEX[usize::from(b & 0xf)]);
    }
    out.push(b'>');
}

/// If a token starts at `hay[at]`, returns its end offset.
pub fn token_at(hay: &[u8], at: usize) -> Option<usize> {
    if hay.get(at) != Some(&b'<') {
        return None;
    }
    let window = &hay[at + 1..hay.len().min(at + MAX_LEN)];
    let gt = memchr::memchr(b'>', window)?;
    let inner = &window[..gt];
    if inner.len() < HEX_DIGITS + 2 {
        return None;
    }
    let (label, hex) = inner.split_at(inner.len() - HEX_DIGITS);
    let label = label.strip_suffix(b"-")?;
    let hex_ok = hex
        .iter()
        .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c));
    let label_ok = std::str::from_utf8(label).is_ok_and(is_valid_label);
    (hex_ok && label_ok).then_some(at + 1 + gt + 1)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let mut out = b"x ".to_vec();
        write(&mut out, "PRIVATE-KEY", &[0x1f, 0x3a, 0x9c, 0x2d]);
        assert_eq!(out, b"x <PRIVATE-KEY-1f3a9c2d>");
        assert_eq!(token_at(&out, 2), Some(out.len()));
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
