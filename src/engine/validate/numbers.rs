//! Checksums and number shapes: payment cards, IBANs, the CRC-32 inside
//! token formats, entropy, phone numbers.

use base64::Engine as _;

/// Luhn checksum over the digits of `value` (spaces and dashes ignored),
/// 12 to 19 digits.
pub fn luhn(value: &[u8]) -> bool {
    let mut sum = 0u32;
    let mut n = 0usize;
    for &c in value.iter().rev() {
        match c {
            b'0'..=b'9' => {
                let mut d = u32::from(c - b'0');
                if n % 2 == 1 {
                    d *= 2;
                    if d > 9 {
                        d -= 9;
                    }
                }
                sum += d;
                n += 1;
            }
            b' ' | b'-' => {}
            _ => return false,
        }
    }
    (12..=19).contains(&n) && sum % 10 == 0
}

/// IBAN: two letters, two check digits, 11 to 30 alphanumerics (spaces
/// ignored), ISO 7064 mod 97 == 1.
pub fn iban(value: &[u8]) -> bool {
    let mut compact = [0u8; 34];
    let mut n = 0;
    for &c in value {
        if c == b' ' {
            continue;
        }
        if !c.is_ascii_alphanumeric() || n == compact.len() {
            return false;
        }
        compact[n] = c.to_ascii_uppercase();
        n += 1;
    }
    let s = &compact[..n];
    if !(15..=34).contains(&n)
        || !s[0].is_ascii_uppercase()
        || !s[1].is_ascii_uppercase()
        || !s[2].is_ascii_digit()
        || !s[3].is_ascii_digit()
    {
        return false;
    }
    let mut rem = 0u32;
    for &c in s[4..].iter().chain(&s[..4]) {
        if c.is_ascii_digit() {
            rem = (rem * 10 + u32::from(c - b'0')) % 97;
        } else {
            rem = (rem * 100 + u32::from(c - b'A' + 10)) % 97;
        }
    }
    rem == 1
}

/// Shannon entropy in bits per byte.
pub fn shannon_entropy(value: &[u8]) -> f64 {
    if value.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &c in value {
        counts[usize::from(c)] += 1;
    }
    let n = value.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

/// Atlassian `ATATT3...`/`ATCTT3...` tokens end in 8 upper-case hex digits
/// holding the CRC-32 (IEEE) of everything before them.
pub fn atlassian_crc32(value: &[u8]) -> bool {
    if value.len() < 20 {
        return false;
    }
    let (body, sum) = value.split_at(value.len() - 8);
    let Some(expected) = std::str::from_utf8(sum)
        .ok()
        .and_then(|s| u32::from_str_radix(s, 16).ok())
    else {
        return false;
    };
    crc32fast::hash(body) == expected
}

/// GitHub `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_` tokens: 30 random base62
/// characters followed by their CRC-32 in 6 base62 digits (0-9, A-Z, a-z).
pub fn github_crc32(value: &[u8]) -> bool {
    if value.len() != 40 || value[3] != b'_' {
        return false;
    }
    let random = &value[4..34];
    let mut crc = crc32fast::hash(random);
    const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut enc = [b'0'; 6];
    for slot in enc.iter_mut().rev() {
        *slot = ALPHABET[(crc % 62) as usize];
        crc /= 62;
    }
    enc == value[34..40]
}

/// Atlassian Data Center personal and HTTP access tokens: the base64 text
/// (an optional `BBDC-` prefix aside) decodes to 12 ASCII digits, `:`, and
/// 20 bytes.
pub fn dc_token(value: &[u8]) -> bool {
    let body = value.strip_prefix(b"BBDC-").unwrap_or(value);
    let mut out = [0u8; 48];
    let engines = [
        &base64::engine::general_purpose::STANDARD_NO_PAD,
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ];
    let trimmed = body.strip_suffix(b"=").unwrap_or(body);
    engines
        .iter()
        .any(|e| match e.decode_slice(trimmed, &mut out) {
            Ok(33) => out[..12].iter().all(u8::is_ascii_digit) && out[12] == b':',
            _ => false,
        })
}

/// A phone number: 7 to 15 digits (separators `+ ( ) . - /` and spaces
/// allowed), not all one digit, and not shaped like a date or time.
pub fn phone(value: &[u8]) -> bool {
    let digits = value.iter().filter(|c| c.is_ascii_digit()).count();
    if !(7..=15).contains(&digits) {
        return false;
    }
    if !value
        .iter()
        .all(|&c| c.is_ascii_digit() || matches!(c, b'+' | b'(' | b')' | b'.' | b'-' | b'/' | b' '))
    {
        return false;
    }
    let first = value.iter().find(|c| c.is_ascii_digit());
    if value
        .iter()
        .filter(|c| c.is_ascii_digit())
        .all(|c| Some(c) == first)
    {
        return false;
    }
    // 2024-04-26, 26/04/2024, 2024.04.26 (and what follows them): dates are
    // not phone numbers; nor is an IPv4 address (`192.168.100.200`).
    !contains_date(value) && super::network::parse_ipv4(value).is_none() && !dotted_version(value)
}

/// True when a `.` in `v` stands next to a single digit (`1.2.3.4567`,
/// `17.0.9`): a version, not a phone number's groups (`930.167.3943`).
fn dotted_version(v: &[u8]) -> bool {
    let run =
        |digits: &mut dyn Iterator<Item = &u8>| digits.take_while(|c| c.is_ascii_digit()).count();
    v.iter().enumerate().any(|(i, &c)| {
        c == b'.' && (run(&mut v[..i].iter().rev()) == 1 || run(&mut v[i + 1..].iter()) == 1)
    })
}

/// A UK National Insurance number whose prefix is allocated: the two
/// letters are none of `BG`, `GB`, `KN`, `NK`, `NT`, `TN`, `ZZ`.
pub fn uk_nino(value: &[u8]) -> bool {
    value.len() >= 9
        && !matches!(
            &value[..2],
            b"BG" | b"GB" | b"KN" | b"NK" | b"NT" | b"TN" | b"ZZ"
        )
}

/// True when `v` holds `dddd-dd-dd`, `dd-dd-dddd` (any of `-./` as
/// separator).
fn contains_date(v: &[u8]) -> bool {
    let shape: Vec<u8> = v
        .iter()
        .map(|&c| match c {
            b'0'..=b'9' => b'd',
            b'-' | b'.' | b'/' => b's',
            _ => b' ',
        })
        .collect();
    let has = |pat: &[u8]| {
        shape.windows(pat.len()).enumerate().any(|(i, w)| {
            w == pat && (i == 0 || shape[i - 1] != b'd') && shape.get(i + pat.len()) != Some(&b'd')
        })
    };
    has(b"ddddsddsdd") || has(b"ddsddsdddd")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_cards() {
        assert!(luhn(b"4111111111111111"));
        assert!(luhn(b"4111 1111 1111 1111"));
        assert!(luhn(b"4111-1111-1111-1111"));
        assert!(!luhn(b"4111111111111112"));
        assert!(!luhn(b"1234"));
    }

    #[test]
    fn iban_mod97() {
        assert!(iban(b"GB82WEST12345698765432"));
        assert!(iban(b"GB82 WEST 1234 5698 7654 32"));
        assert!(!iban(b"GB82WEST12345698765433"));
        assert!(!iban(b"1234"));
    }

    #[test]
    fn entropy() {
        assert_eq!(shannon_entropy(b"aaaa"), 0.0);
        assert!((shannon_entropy(b"abcd") - 2.0).abs() < 1e-9);
    }

    #[test]
    fn atlassian_checksum() {
        let body = b"ATATT3xFfGF0abcdefghijklmnopqrstuvwxyz0123456789_-ABCDEFGH=";
        let token = format!(
            "{}{:08X}",
            std::str::from_utf8(body).unwrap(),
            crc32fast::hash(body)
        );
        assert!(atlassian_crc32(token.as_bytes()));
        let mut bad = token.into_bytes();
        bad[20] ^= 1;
        assert!(!atlassian_crc32(&bad));
    }

    #[test]
    fn github_checksum() {
        // Build a token the way the format describes and check it round-trips.
        let random = b"abcdefghijABCDEFGHIJ0123456789";
        let mut crc = crc32fast::hash(random);
        let alphabet = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        let mut enc = [b'0'; 6];
        for slot in enc.iter_mut().rev() {
            *slot = alphabet[(crc % 62) as usize];
            crc /= 62;
        }
        let mut token = b"ghp_".to_vec();
        token.extend_from_slice(random);
        token.extend_from_slice(&enc);
        assert!(github_crc32(&token));
        token[10] = b'z';
        assert!(!github_crc32(&token));
    }

    #[test]
    fn dc_token_structure() {
        let mut raw = b"123456789012:".to_vec();
        raw.extend_from_slice(&[7u8; 20]);
        let b64 = base64::engine::general_purpose::STANDARD_NO_PAD.encode(&raw);
        assert_eq!(b64.len(), 44);
        assert!(dc_token(b64.as_bytes()));
        assert!(dc_token(format!("BBDC-{b64}").as_bytes()));
        let other = base64::engine::general_purpose::STANDARD_NO_PAD.encode([b'a'; 33]);
        assert!(!dc_token(other.as_bytes()));
    }

    #[test]
    fn phones() {
        for p in [
            "+1 (335) 592-5572",
            "+33 6 01 48 41 43",
            "+33549710285",
            "(075) 3410 6665",
            "555-123-4567",
            "930.167.3943",
        ] {
            assert!(phone(p.as_bytes()), "{p}");
        }
        for p in [
            "2024-04-26",
            "12/31/2024",
            "1234",
            "0000000",
            "1714103842383123",
            "12:30:45",
            "192.168.100.200",
            "1.2.3.4567",
        ] {
            assert!(!phone(p.as_bytes()), "{p}");
        }
    }
}
