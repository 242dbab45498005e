//! The named checks a rule can put on a candidate (`validators = [...]`).
//!
//! Each check is cheap, allocation-free and linear in the value's length.
//! A check sees the candidate value and, for the few that need context, the
//! line around it (`hay[start..end]` is the value).

use std::net::{Ipv4Addr, Ipv6Addr};

use base64::Engine as _;

use crate::rules::Validator;

/// Runs one validator.
pub fn check(v: &Validator, hay: &[u8], start: usize, end: usize) -> bool {
    let value = &hay[start..end];
    match v {
        Validator::Luhn => luhn(value),
        Validator::Iban => iban(value),
        Validator::Ipv4 => ipv4_identifies_host(value),
        Validator::Ipv6 => ipv6_identifies_host(value),
        Validator::Mac => mac(value),
        Validator::Hostname => crate::engine::hostname::is_host(hay, start, end),
        Validator::EmailDomain => email_domain(value),
        Validator::Entropy(min) => shannon_entropy(value) >= *min,
        Validator::AtlassianCrc32 => atlassian_crc32(value),
        Validator::GithubCrc32 => github_crc32(value),
        Validator::DcToken => dc_token(value),
        Validator::NotPlaceholder => !is_placeholder(value) && !repeats_own_key(hay, start, end),
        Validator::Phone => phone(value),
        Validator::HostPosition => {
            crate::engine::hostname::is_host_in_position(value)
                && !crate::engine::hostname::is_in_jvm_transport(hay, start)
        }
        Validator::UserName => user_name(value),
        Validator::PersonName => person_name(value),
        Validator::NameWords => name_words(value),
        Validator::GivenName => given_name_in_context(hay, start, end),
        Validator::PropertiesValue => properties_value(hay, start, end),
        Validator::HomeUser => home_user(hay, start, end),
    }
}

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

/// Parses dotted-quad text, allowing zero-padded octets (`010.001.002.003`),
/// which `std::net` alone refuses.
pub fn parse_ipv4(value: &[u8]) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut parts = value.split(|&c| c == b'.');
    for o in &mut octets {
        let p = parts.next()?;
        if p.is_empty() || p.len() > 3 || !p.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let v = p.iter().fold(0u32, |a, &c| a * 10 + u32::from(c - b'0'));
        *o = u8::try_from(v).ok()?;
    }
    if parts.next().is_some() {
        return None;
    }
    Some(Ipv4Addr::from(octets))
}

/// An IPv4 address that can identify a machine: not in `0.0.0.0/8` ("this
/// network", RFC 1122 3.2.1.3: no host has such an address, while versions
/// such as `c3p0-0.9.5.2` look like one), not loopback, not a netmask or
/// broadcast (`255.x.x.x`).
pub fn ipv4_identifies_host(value: &[u8]) -> bool {
    match parse_ipv4(value) {
        Some(ip) => !(ip.octets()[0] == 0 || ip.is_loopback() || ip.octets()[0] == 255),
        None => false,
    }
}

/// Parses IPv6 text (an optional `%zone` is ignored) with `std::net`.
pub fn parse_ipv6(value: &[u8]) -> Option<Ipv6Addr> {
    let addr = match memchr::memchr(b'%', value) {
        Some(i) => &value[..i],
        None => value,
    };
    std::str::from_utf8(addr).ok()?.parse().ok()
}

/// An IPv6 address that can identify a machine: not `::` or `::1`, and not
/// an IPv4-mapped loopback.
pub fn ipv6_identifies_host(value: &[u8]) -> bool {
    match parse_ipv6(value) {
        Some(ip) => {
            if ip.is_unspecified() || ip.is_loopback() {
                return false;
            }
            match ip.to_ipv4_mapped() {
                Some(v4) => ipv4_identifies_host(v4.to_string().as_bytes()),
                None => true,
            }
        }
        None => false,
    }
}

/// A MAC address that is not all zeros and not broadcast.
pub fn mac(value: &[u8]) -> bool {
    let hex = value.iter().filter(|c| c.is_ascii_hexdigit());
    let (mut zeros, mut fs, mut n) = (0, 0, 0);
    for &c in hex {
        n += 1;
        match c {
            b'0' => zeros += 1,
            b'f' | b'F' => fs += 1,
            _ => {}
        }
    }
    n == 12 && zeros != 12 && fs != 12
}

/// The domain of `local@domain` has a known suffix, and the address is not a
/// protocol identifier such as `curve25519-sha256@libssh.org`.
pub fn email_domain(value: &[u8]) -> bool {
    let Some(at) = memchr::memrchr(b'@', value) else {
        // URL-encoded form: jane%40corp.com
        return match memchr::memmem::find(value, b"%40") {
            Some(i) => email_domain_part(&value[i + 3..]),
            None => false,
        };
    };
    email_domain_part(&value[at + 1..])
}

fn email_domain_part(domain: &[u8]) -> bool {
    let mut buf = [0u8; 256];
    let Some(lower) = lowercase_into(domain, &mut buf) else {
        return false;
    };
    let lower = lower.strip_suffix(b".").unwrap_or(lower);
    if matches!(lower, b"libssh.org" | b"openssh.com") {
        return false;
    }
    crate::engine::hostname::has_host_suffix(lower) && !crate::engine::hostname::is_reserved(lower)
}

/// ASCII-lowercases `s` into `buf`; `None` if it does not fit.
pub fn lowercase_into<'a>(s: &[u8], buf: &'a mut [u8]) -> Option<&'a [u8]> {
    let out = buf.get_mut(..s.len())?;
    for (o, &c) in out.iter_mut().zip(s) {
        *o = c.to_ascii_lowercase();
    }
    Some(out)
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
    // not phone numbers.
    !contains_date(value)
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

/// A user name: not a placeholder, not a number, not one of the names that
/// stand for nobody (`anonymous`, `unknown`, `-`).
pub fn user_name(value: &[u8]) -> bool {
    let v = trim_quotes(value);
    if v.len() < 2 || is_placeholder(v) || v.iter().all(u8::is_ascii_digit) {
        return false;
    }
    // `com.apple.iokit.IO80211Family`: a bundle or package name.
    if let Some(dot) = memchr::memchr(b'.', v)
        && crate::engine::hostname::is_code_root(&v[..dot].to_ascii_lowercase())
    {
        return false;
    }
    const NOBODY: &[&[u8]] = &[
        b"anonymous",
        b"anon",
        b"unknown",
        b"nobody",
        b"none",
        b"system",
        b"invalid",
        b"user",
        b"users",
        b"username",
        b"null",
        // Shared home folders, no person's.
        b"shared",
        b"public",
        b"default",
        b"default user",
        b"all users",
        b".localized",
        // Words that follow "for user" / "by user" in prose.
        b"input",
        b"profile",
        b"profiles",
        b"account",
        b"accounts",
        b"data",
        b"session",
        b"sessions",
        b"request",
        b"requests",
        b"details",
        b"info",
        b"information",
        b"name",
        b"names",
        b"directory",
        b"management",
        b"authentication",
        b"interaction",
        b"action",
        b"is",
        b"are",
        b"was",
        b"has",
        b"the",
        b"a",
        b"an",
        b"and",
        b"or",
        b"to",
        b"of",
        b"in",
        b"on",
        b"with",
        b"from",
        b"by",
        b"as",
        b"be",
        b"not",
        b"if",
        b"that",
        b"this",
    ];
    !NOBODY.iter().any(|w| v.eq_ignore_ascii_case(w))
}

/// Lower-case particles that may stand inside a name (`van der`, `de la`).
const NAME_PARTICLES: &[&str] = &[
    "al", "bin", "da", "das", "de", "del", "della", "den", "der", "di", "do", "dos", "du", "el",
    "la", "le", "op", "ten", "ter", "van", "von", "y", "zu",
];

/// Capitalised words that are given names in some list but, in a log, name
/// a month, a day or a product far more often than a person.
const NOT_NAMES: &[&str] = &[
    "april",
    "august",
    "june",
    "may",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "july",
    "september",
    "october",
    "november",
    "december",
    "java",
    "jenkins",
    "maven",
    "hudson",
    "gradle",
    "spring",
    "tomcat",
    "jetty",
    "jira",
    "confluence",
    "bitbucket",
    "bamboo",
    "crowd",
    "fisheye",
    "crucible",
    "atlassian",
    "oracle",
    "apache",
    "linux",
    "windows",
    "mac",
    "chrome",
    "firefox",
    "safari",
    "edge",
    "ruby",
    "rust",
    "python",
    "perl",
    "elastic",
    "kafka",
    "redis",
    "docker",
    "helm",
];

/// The words of a name candidate, lower case, without particles, initials
/// (`J.`) and a possessive `'s`; `None` when a word is not made of letters
/// (with inner `'`, `’`, `-`) or is one of [`NOT_NAMES`].
fn name_parts(value: &[u8]) -> Option<Vec<String>> {
    let text = std::str::from_utf8(trim_quotes(value)).ok()?;
    let mut out = Vec::new();
    for raw in text.split(|c: char| c.is_whitespace() || c == ',') {
        let w = raw.trim_end_matches('.');
        if w.is_empty() || NAME_PARTICLES.contains(&w) {
            continue;
        }
        if w.chars().count() == 1 && raw.ends_with('.') {
            continue;
        }
        let w = w
            .strip_suffix("'s")
            .or_else(|| w.strip_suffix("’s"))
            .unwrap_or(w);
        let letters = w
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, '\'' | '’' | '-'));
        if !letters || !w.starts_with(char::is_alphabetic) {
            return None;
        }
        // `PoolableConnectionFactory`: humps make a code identifier;
        // `McDonald` and `DiCaprio` have one.
        let humps = w
            .chars()
            .zip(w.chars().skip(1))
            .filter(|(a, b)| a.is_lowercase() && b.is_uppercase())
            .count();
        if humps > 1 {
            return None;
        }
        let lower = w.to_lowercase();
        if NOT_NAMES.contains(&lower.as_str()) {
            return None;
        }
        out.push(lower);
    }
    Some(out)
}

/// A word of ordinary English or of log vocabulary.
fn ordinary_word(w: &str) -> bool {
    use crate::rules::dictionary::{is_english_word, is_log_word};
    let b = w.as_bytes();
    is_english_word(b) || is_log_word(b) || w.chars().count() < 3 && w.is_ascii()
}

/// A known given name, or a hyphenated one whose first part is (`jean-luc`).
fn given_name(w: &str) -> bool {
    use crate::rules::dictionary::is_given_name;
    is_given_name(w.as_bytes())
        || w.split_once('-')
            .is_some_and(|(a, _)| is_given_name(a.as_bytes()))
}

/// A known family name, or a hyphenated one with a known part.
fn family_name(w: &str) -> bool {
    use crate::rules::dictionary::is_family_name;
    is_family_name(w.as_bytes()) || w.split('-').any(|p| is_family_name(p.as_bytes()))
}

/// See [`Validator::PersonName`]. `Kowalski, Anna` is read family name first.
pub fn person_name(value: &[u8]) -> bool {
    let Some(mut words) = name_parts(value) else {
        return false;
    };
    if !(2..=3).contains(&words.len()) {
        return false;
    }
    if memchr::memchr(b',', value).is_some() {
        // `Family, Given`: the family name must be a known one, or a list
        // of given names (`Oksana, Wei`) would read as one name.
        if !family_name(&words[0]) {
            return false;
        }
        words.rotate_left(1);
    }
    let (head, last) = words.split_at(words.len() - 1);
    let last = &last[0];
    // The first word is a given name; of three, the second may be instead
    // (`Maria Anna Kowalski`, where `maria` is also an English word).
    let given_at = if given_name(&head[0]) {
        0
    } else if head.len() == 2 && given_name(&head[1]) && !ordinary_word(&head[0]) {
        1
    } else {
        // An unknown first word before a known family name, neither of
        // them an ordinary word: `Leigha Mackay`.
        return words.len() == 2
            && family_name(last)
            && !ordinary_word(&head[0])
            && !ordinary_word(last)
            && head[0].chars().count() >= 3;
    };
    let middle_ok = head[1..]
        .iter()
        .all(|w| given_name(w) || family_name(w) || !ordinary_word(w));
    let strong_given = head[given_at..]
        .iter()
        .any(|w| given_name(w) && !ordinary_word(w));
    let all_ordinary = words.iter().all(|w| ordinary_word(w));
    middle_ok
        && if family_name(last) {
            !all_ordinary
        } else {
            strong_given && !ordinary_word(last) && last.chars().count() >= 3
        }
}

/// Words around a lone given name that make it a person: a list of names,
/// a verb of speech or action after it, an actor word before it.
const NAME_VERBS: &[&str] = &[
    "added",
    "agreed",
    "approved",
    "asked",
    "assigned",
    "called",
    "closed",
    "commented",
    "complained",
    "confirmed",
    "created",
    "deleted",
    "did",
    "emailed",
    "found",
    "had",
    "has",
    "is",
    "mentioned",
    "merged",
    "noted",
    "opened",
    "pinged",
    "pushed",
    "replied",
    "reported",
    "requested",
    "said",
    "says",
    "sent",
    "shouted",
    "suggested",
    "thinks",
    "told",
    "updated",
    "wants",
    "was",
    "will",
    "wrote",
];
const NAME_ACTORS: &[&str] = &[
    "ask", "asked", "assignee", "by", "cc", "contact", "dear", "from", "hello", "hi", "owner",
    "ping", "reporter", "reviewer", "tell", "thanks", "to", "told", "with",
];

/// See [`Validator::GivenName`].
pub fn given_name_in_context(hay: &[u8], start: usize, end: usize) -> bool {
    let Some(words) = name_parts(&hay[start..end]) else {
        return false;
    };
    let [w] = words.as_slice() else {
        return false;
    };
    if !given_name(w) || ordinary_word(w) || w.chars().count() < 3 {
        return false;
    }
    let line_start = memchr::memrchr(b'\n', &hay[..start]).map_or(0, |i| i + 1);
    let line_end = memchr::memchr(b'\n', &hay[end..]).map_or(hay.len(), |i| end + i);
    let before = &hay[line_start..start];
    let after = &hay[end..line_end];
    let capital_after = |rest: &[u8]| {
        rest.first()
            .is_some_and(|c| c.is_ascii_uppercase() || *c >= 0x80)
    };
    if let Some(rest) = after
        .strip_prefix(b", ")
        .or_else(|| after.strip_prefix(b" and "))
    {
        if capital_after(rest) {
            return true;
        }
    }
    if let Some(b) = before
        .strip_suffix(b", ")
        .or_else(|| before.strip_suffix(b" and "))
    {
        let word_start = b
            .iter()
            .rposition(|c| !(c.is_ascii_alphabetic() || *c >= 0x80 || *c == b'-'))
            .map_or(0, |i| i + 1);
        if b.get(word_start)
            .is_some_and(|c| c.is_ascii_uppercase() || *c >= 0x80)
        {
            return true;
        }
    }
    let next_word = |t: &[u8]| -> String {
        let t = t.strip_prefix(b" ").unwrap_or(&[]);
        let n = t
            .iter()
            .position(|c| !c.is_ascii_alphabetic())
            .unwrap_or(t.len());
        String::from_utf8_lossy(&t[..n]).to_ascii_lowercase()
    };
    if NAME_VERBS.contains(&next_word(after).as_str()) {
        return true;
    }
    let before = before
        .strip_suffix(b" ")
        .or_else(|| before.strip_suffix(b": "))
        .or_else(|| before.strip_suffix(b"@"));
    let Some(before) = before else { return false };
    let from = before
        .iter()
        .rposition(|c| !c.is_ascii_alphabetic())
        .map_or(0, |i| i + 1);
    let prev = String::from_utf8_lossy(&before[from..]).to_ascii_lowercase();
    NAME_ACTORS.contains(&prev.as_str())
}

/// See [`Validator::NameWords`].
pub fn name_words(value: &[u8]) -> bool {
    let Some(words) = name_parts(value) else {
        return false;
    };
    if !(1..=4).contains(&words.len()) || is_placeholder(trim_quotes(value)) {
        return false;
    }
    let known = words
        .iter()
        .filter(|w| given_name(w) || family_name(w))
        .count();
    let ordinary = words.iter().filter(|w| ordinary_word(w)).count();
    let given_and_family = words.iter().enumerate().any(|(i, g)| {
        given_name(g)
            && words
                .iter()
                .enumerate()
                .any(|(j, f)| i != j && family_name(f))
    });
    given_and_family
        || known > 0 && ordinary < words.len()
        || words
            .iter()
            .all(|w| !ordinary_word(w) && w.chars().count() >= 3)
}

/// The system and service accounts of `rules/service-accounts.txt`, lower case.
static SERVICE_ACCOUNTS: std::sync::LazyLock<Vec<Vec<u8>>> = std::sync::LazyLock::new(|| {
    include_str!("../../rules/service-accounts.txt")
        .lines()
        .map(|l| l.split('#').next().unwrap_or_default().trim())
        .filter(|l| !l.is_empty())
        .map(|l| l.to_ascii_lowercase().into_bytes())
        .collect()
});

/// True when `name` is a system or service account
/// (`rules/service-accounts.txt`): `jenkins`, `bamboo`, `www-data`.
pub fn is_service_account(name: &[u8]) -> bool {
    SERVICE_ACCOUNTS
        .iter()
        .any(|a| name.eq_ignore_ascii_case(a))
}

/// The user of a home-folder path (`hay[start..end]`, right after `/home/`,
/// `/Users/`, ...): a [`user_name`] that is no system or service account, and
/// not a folder of an application's own `home` folder deeper in a path
/// (`/opt/atlassian/jira/home/log`, `target/jira/home/database`). A `home`
/// below another folder (`/nfs/home/alice`) is still a user's unless the
/// folder above is an application's or the name below is one an application
/// keeps in its home (`log`, `indexes`, `attachments`, ...).
pub fn home_user(hay: &[u8], start: usize, end: usize) -> bool {
    let value = &hay[start..end];
    if !user_name(value) || is_service_account(trim_quotes(value)) {
        return false;
    }
    let before = &hay[..start];
    let above = if let Some(p) = before.strip_suffix(b"/home/") {
        p
    } else if before.len() >= 10 && before[before.len() - 10..].eq_ignore_ascii_case(b"%2Fhome%2F")
    {
        &before[..before.len() - 10]
    } else {
        return true;
    };
    // `/home/` at the start of a path: `/home/alice`, `file:///home/alice`,
    // `sftp://host/home/alice` (the part before is a host, not a folder).
    let Some(&last) = above.last() else {
        return true;
    };
    if !(last.is_ascii_alphanumeric() || matches!(last, b'_' | b'-' | b'.')) {
        return true;
    }
    let seg_start = above
        .iter()
        .rposition(|&c| matches!(c, b'/' | b'%' | b' ' | b'\t' | b'=' | b':' | b'"' | b'\''))
        .map_or(0, |i| i + 1);
    // After `%2F` the folder name starts two bytes later.
    let seg = &above[seg_start..];
    let seg = if seg_start > 0 && above[seg_start - 1] == b'%' {
        seg.get(2..).unwrap_or_default()
    } else {
        seg
    };
    // `sftp://files.acme.com/home/carol`: the folder above is a URL's host.
    if above[..seg_start].ends_with(b"//") {
        return true;
    }
    let lower_is = |list: &[&[u8]], w: &[u8]| list.iter().any(|x| w.eq_ignore_ascii_case(x));
    !(lower_is(APP_FOLDERS, seg) || lower_is(APP_HOME_CONTENTS, trim_quotes(value)))
}

/// Folders that hold an application, not people: `.../jira/home/...`.
const APP_FOLDERS: &[&[u8]] = &[
    b"atlassian",
    b"application-data",
    b"jira",
    b"jira-software",
    b"jira-core",
    b"servicedesk",
    b"confluence",
    b"bitbucket",
    b"stash",
    b"bamboo",
    b"bamboo-agent",
    b"crowd",
    b"fisheye",
    b"crucible",
    b"fecru",
    b"synchrony",
    b"target",
];

/// What applications keep in their home folder (Jira, Confluence,
/// Bitbucket, Bamboo and Crowd home layouts).
const APP_HOME_CONTENTS: &[&[u8]] = &[
    b"log",
    b"logs",
    b"database",
    b"db",
    b"backup",
    b"backups",
    b"index",
    b"indexes",
    b"caches",
    b"cache",
    b"attachments",
    b"plugins",
    b"export",
    b"import",
    b"tmp",
    b"temp",
    b"analytics-logs",
    b"xml-data",
    b"artifacts",
    b"bin",
    b"lib",
    b"conf",
    b"config",
    b"work",
    b"lock",
];

/// A shell or environment variable name as people write them: a letter or
/// `_` first, then letters, digits and `_`, in upper case (`DB_PASSWORD`,
/// `PASS`), or in lower case when it names a credential (`$password`,
/// `$db_pass`). A password that merely starts with `$` is mixed-case, starts
/// with a digit or names nothing (`$VRhuMz62HSX6`, `$988QE8P2EN`,
/// `$uperman1`) and is no placeholder.
fn shell_variable(name: &[u8]) -> bool {
    let word = name.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_');
    let starts = name
        .first()
        .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_');
    let upper = name.iter().any(u8::is_ascii_uppercase);
    let lower = name.iter().any(u8::is_ascii_lowercase);
    word && starts && (!lower || (!upper && names_credential(name)))
}

/// True when `name` (lower case) holds a word that names a credential.
fn names_credential(name: &[u8]) -> bool {
    const WORDS: &[&[u8]] = &[b"pass", b"pwd", b"secret", b"token", b"cred"];
    WORDS
        .iter()
        .any(|w| name.windows(w.len()).any(|x| x.eq_ignore_ascii_case(w)))
}

/// What a bracketed placeholder may say: a mask word, or the name of the
/// thing that belongs there (`<password>`, `[TOKEN]`).
const BRACKET_WORDS: &[&[u8]] = &[
    b"redacted",
    b"masked",
    b"hidden",
    b"protected",
    b"removed",
    b"omitted",
    b"filtered",
    b"sanitized",
    b"secure",
    b"sensitive",
    b"not shown",
    b"password",
    b"passwd",
    b"pass",
    b"pwd",
    b"secret",
    b"token",
    b"key",
    b"apikey",
    b"api-key",
    b"api_key",
    b"credentials",
    b"value",
];

/// A bracketed value that only stands for one: `[PROTECTED]`, `<redacted>`,
/// `(hidden)`, `<password>`, `[****]`, or a description in words
/// (`[Shared Access key goes here]`, `<your password here>`). A bracketed
/// value that could be typed as a password stays one: `<Hunter2PLANTED>`,
/// `[...]`, `(...)`.
fn bracket_placeholder(v: &[u8]) -> bool {
    let (Some(&first), Some(&last)) = (v.first(), v.last()) else {
        return false;
    };
    if v.len() < 2
        || !matches!(
            (first, last),
            (b'[', b']') | (b'<', b'>') | (b'(', b')') | (b'{', b'}')
        )
    {
        return false;
    }
    // `{0}`, `{3}`: a format string's argument.
    let inner = &v[1..v.len() - 1];
    if first == b'{' {
        return !inner.is_empty() && inner.iter().all(u8::is_ascii_digit);
    }
    let inner = trim_quotes(&v[1..v.len() - 1]);
    // `<YOUR_ACCOUNT_KEY>`, `[DB_PASSWORD]`: a name in capitals.
    let name = inner.contains(&b'_') && inner.iter().all(|&c| c.is_ascii_uppercase() || c == b'_');
    let words = inner.contains(&b' ')
        && inner
            .iter()
            .all(|&c| c.is_ascii_alphabetic() || matches!(c, b' ' | b'\'' | b'-' | b'_'));
    words
        || name
        || (!inner.is_empty() && inner.iter().all(|&c| c == b'*'))
        || BRACKET_WORDS.iter().any(|w| inner.eq_ignore_ascii_case(w))
}

/// A reference to a value kept elsewhere, written in a configuration
/// language or code: `var.db_password` (Terraform), `env.X`,
/// `process.env.X`, `secrets.X`; a method call (`Buffer.from(`,
/// `System.getenv(`, `getMasterUserPassword()`); `$(cmd)`.
fn reference(v: &[u8]) -> bool {
    let ident = |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'$');
    const ROOTS: &[&[u8]] = &[
        b"var.",
        b"env.",
        b"local.",
        b"process.env.",
        b"secrets.",
        b"vars.",
    ];
    if let Some(root) = ROOTS.iter().find(|r| v.starts_with(r)) {
        let rest = &v[root.len()..];
        return !rest.is_empty() && rest.iter().all(|c| ident(c) || *c == b'.');
    }
    // `$(cmd)`, `$(dirname $0)/../bin/get`: command substitution; `#{x}`:
    // Ruby interpolation; `arn:aws:...`: an AWS resource name.
    if v.starts_with(b"$(") || v.starts_with(b"#{") || v.starts_with(b"arn:aws") {
        return true;
    }
    // `+ getPassword() +`: code that builds a string.
    if v.len() > 2 && (v.starts_with(b"+ ") || v.starts_with(b"+new ")) {
        return true;
    }
    // `/run/secrets/db_password`: a file path, two or more segments in lower
    // case (base64 such as `/FZQw.../BYFU...` is no path).
    if v.first() == Some(&b'/')
        && v[1..].contains(&b'/')
        && v.iter().all(|&c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'/' | b'.' | b'_' | b'-')
        })
    {
        return true;
    }
    // `a.b(`..., or `name()` alone: code, not a value.
    let Some(paren) = memchr::memchr(b'(', v) else {
        return false;
    };
    let callee = &v[..paren];
    let starts = callee
        .first()
        .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, b'_' | b'$'));
    let dotted = callee.contains(&b'.')
        && !callee.ends_with(b".")
        && callee.iter().all(|c| ident(c) || *c == b'.');
    let no_args = &v[paren..] == b"()" && callee.iter().all(ident);
    starts && (dotted || no_args)
}

/// A value `hay[start..end]` that runs to the end of its line belongs to a
/// properties, ini or YAML line, unless key and separator read as a shell
/// assignment (`PGPASSWORD=x psql -h db`: an upper-case name right before
/// `=`), where a space ends the value. A value without white space passes.
pub fn properties_value(hay: &[u8], start: usize, end: usize) -> bool {
    if !hay[start..end].iter().any(u8::is_ascii_whitespace) {
        return true;
    }
    // `Password: [PROTECTED] (set)`: a mask followed by words is the mask
    // and a comment, which the key's own rule judges.
    let first = hay[start..end]
        .split(u8::is_ascii_whitespace)
        .next()
        .unwrap_or_default();
    if is_placeholder(first) {
        return false;
    }
    let before = &hay[..start];
    let line = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    let head = &before[line..];
    let Some(sep) = head.iter().rposition(|&c| c == b'=' || c == b':') else {
        return true;
    };
    if head[sep] == b':' || head[sep + 1..].iter().any(u8::is_ascii_whitespace) {
        return true;
    }
    let key = &head[..sep];
    let key = key.strip_suffix(b":").unwrap_or(key);
    if key.last().is_none_or(u8::is_ascii_whitespace) {
        return true;
    }
    let name_start = key
        .iter()
        .rposition(|c| !(c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-')))
        .map_or(0, |i| i + 1);
    let name = &key[name_start..];
    name.iter().any(|c| c.is_ascii_lowercase() || *c == b'.')
}

/// Placeholders and already-masked values, which stay as they are.
pub fn is_placeholder(value: &[u8]) -> bool {
    let v = trim_quotes(value);
    // Empty, or one or two punctuation characters repeated (`|` after an
    // empty `key= `, the `/` of a cookie's `Path=/`): no secret. Punctuation
    // of more kinds can be typed as a password (`!@#$%^&*()_+`).
    if !v.iter().any(u8::is_ascii_alphanumeric) {
        let mut kinds = [false; 256];
        v.iter().for_each(|&c| kinds[usize::from(c)] = true);
        if kinds.iter().filter(|&&k| k).count() <= 2 {
            return true;
        }
    }
    // Masks: ****, xxxx, ...., ----, ####
    if v.iter()
        .all(|&c| matches!(c, b'*' | b'x' | b'X' | b'.' | b'-' | b'#' | b'?'))
    {
        return true;
    }
    // `android.os.BinderProxy@2bd79ce`: a Java object's identity, no secret.
    let v = v.strip_suffix(b":").unwrap_or(v);
    if let Some(at) = memchr::memrchr(b'@', v) {
        let (name, hash) = (&v[..at], &v[at + 1..]);
        if identity_hash(hash)
            && !name.is_empty()
            && name
                .iter()
                .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'$' | b'_'))
        {
            return true;
        }
    }
    // `Token{a64f992`: the start of an object's `toString()`.
    if let Some(brace) = memchr::memchr(b'{', v) {
        let (name, hash) = (&v[..brace], &v[brace + 1..]);
        if identity_hash(hash)
            && name.first().is_some_and(u8::is_ascii_alphabetic)
            && name.iter().all(u8::is_ascii_alphanumeric)
        {
            return true;
        }
    }
    // `id:263466287238`: a numeric id, no secret.
    if let Some(digits) = v.strip_prefix(b"id:").or_else(|| v.strip_prefix(b"id=")) {
        if !digits.is_empty() && digits.iter().all(u8::is_ascii_digit) {
            return true;
        }
    }
    let first = v[0];
    if bracket_placeholder(v)
        || reference(v)
        || v.starts_with(b"${")
        || v.starts_with(b"{{")
        || v.starts_with(b"%(")
        || v == b"%s"
        || (first == b'$'
            && shell_variable(v[1..].split(|&c| c == b'/').next().unwrap_or_default()))
        || your_placeholder(v)
    {
        return true;
    }
    const WORDS: &[&[u8]] = &[
        b"null",
        b"none",
        b"nil",
        b"undefined",
        b"true",
        b"false",
        b"empty",
        b"redacted",
        b"masked",
        b"hidden",
        b"protected",
        b"sanitized",
        // Atlassian's support zip puts this in place of every password.
        b"sanitized by support utility",
        b"removed",
        b"omitted",
        b"n/a",
        b"na",
        b"required",
        b"optional",
        b"string",
        b"no-check",
        b"nocheck",
        // HTTP authentication scheme names, never the credential itself.
        b"basic",
        b"bearer",
        b"digest",
        b"negotiate",
        b"ntlm",
        b"token",
        b"jwt",
        b"apikey",
        b"sso-key",
        b"ssws",
    ];
    WORDS.iter().any(|w| v.eq_ignore_ascii_case(w))
}

/// 4 to 8 lower-case hex digits: `Object.hashCode()` as `toString()` shows it.
fn identity_hash(hash: &[u8]) -> bool {
    (4..=8).contains(&hash.len())
        && hash
            .iter()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
}

/// `YOUR_API_KEY`, `your-token-here`: an instruction, not a value.
fn your_placeholder(v: &[u8]) -> bool {
    let prefix = v.get(..5).unwrap_or_default();
    let words = v
        .iter()
        .all(|&c| c.is_ascii_alphabetic() || matches!(c, b'_' | b'-'));
    let shouted = !v.iter().any(u8::is_ascii_lowercase);
    let here = v.len() > 4 && v[v.len() - 4..].eq_ignore_ascii_case(b"here");
    v.len() > 5
        && (prefix.eq_ignore_ascii_case(b"your_") || prefix.eq_ignore_ascii_case(b"your-"))
        && words
        && (shouted || here)
}

/// True when the value `hay[start..end]` repeats the name of the key it is
/// assigned to (`access_token=ACCESS_TOKEN`, `"password": "password"`):
/// a template's placeholder. `db.password=password` is no such repeat and
/// stays a password.
pub fn repeats_own_key(hay: &[u8], start: usize, end: usize) -> bool {
    let mut value = trim_quotes(&hay[start..end]);
    // `$accountKey`, `%PASSWORD%`, `{{apiKey}}`, `:token`: the key's name as
    // a variable.
    while let [b'$' | b'%' | b'@' | b':' | b'{' | b'<', rest @ ..] = value {
        value = rest;
    }
    while let [rest @ .., b'%' | b'}' | b'>'] = value {
        value = rest;
    }
    let mut i = start;
    let skip = |i: &mut usize, set: &[u8]| {
        while *i > 0 && set.contains(&hay[*i - 1]) {
            *i -= 1;
        }
    };
    skip(&mut i, b"\"' \t\\");
    if i == 0 || !matches!(hay[i - 1], b'=' | b':') {
        return false;
    }
    i -= 1;
    skip(&mut i, b"=:>");
    skip(&mut i, b"\"' \t\\");
    let key_end = i;
    while i > 0 && (hay[i - 1].is_ascii_alphanumeric() || matches!(hay[i - 1], b'_' | b'.' | b'-'))
    {
        i -= 1;
    }
    let key = &hay[i..key_end];
    let norm = |c: &u8| match c {
        b'-' | b'.' => b'_',
        c => c.to_ascii_lowercase(),
    };
    !key.is_empty() && key.len() == value.len() && key.iter().map(norm).eq(value.iter().map(norm))
}

fn trim_quotes(v: &[u8]) -> &[u8] {
    let mut v = v;
    while let [b'"' | b'\'' | b' ', rest @ ..] = v {
        v = rest;
    }
    while let [rest @ .., b'"' | b'\'' | b' '] = v {
        v = rest;
    }
    v
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
    fn ipv4_policy() {
        assert!(ipv4_identifies_host(b"10.1.2.3"));
        assert!(ipv4_identifies_host(b"010.001.002.003"));
        assert!(!ipv4_identifies_host(b"127.0.0.1"));
        assert!(!ipv4_identifies_host(b"0.0.0.0"));
        assert!(!ipv4_identifies_host(b"255.255.255.0"));
        assert!(!ipv4_identifies_host(b"256.1.1.1"));
        assert!(!ipv4_identifies_host(b"1.2.3"));
        assert!(!ipv4_identifies_host(b"1.2.3.4.5"));
    }

    #[test]
    fn ipv6_policy() {
        assert!(ipv6_identifies_host(b"fe80::1%eth0"));
        assert!(ipv6_identifies_host(b"2001:db8::1"));
        assert!(ipv6_identifies_host(b"::ffff:10.1.2.3"));
        assert!(!ipv6_identifies_host(b"::ffff:127.0.0.1"));
        assert!(!ipv6_identifies_host(b"::1"));
        assert!(!ipv6_identifies_host(b"0:0:0:0:0:0:0:1"));
        assert!(!ipv6_identifies_host(b"12:34:56"));
    }

    #[test]
    fn mac_policy() {
        assert!(mac(b"00:1a:2b:3c:4d:5e"));
        assert!(mac(b"001a.2b3c.4d5e"));
        assert!(!mac(b"00:00:00:00:00:00"));
        assert!(!mac(b"ff:ff:ff:ff:ff:ff"));
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
    fn placeholders() {
        for p in [
            "",
            "****",
            "[PROTECTED]",
            "<redacted>",
            "${DB_PASSWORD}",
            "{{ secret }}",
            "%s",
            "null",
            "\"\"",
            "$PASS",
            "$DB_PASSWORD_2",
            "$password",
            "android.os.BinderProxy@2bd79ce",
        ] {
            assert!(is_placeholder(p.as_bytes()), "{p}");
        }
        for s in [
            "hunter2",
            "S3cr3t!",
            "[abc",
            "x1y2",
            "$VRhuMz62HSX6SQCjGydS",
            "$988QE8P2EN",
            "$r7TSmZI4O_",
        ] {
            assert!(!is_placeholder(s.as_bytes()), "{s}");
        }
    }

    /// a default or odd-looking password is still one; only
    /// unmistakable masks, references and descriptions stay.
    #[test]
    fn placeholders_that_are_passwords() {
        for s in [
            "$uperman1",
            "<Hunter2PLANTED>",
            "[...]",
            "(...)",
            "!@#$%^&*()_+",
            "changeme",
            "secret",
            "password",
            "Summer(2024)",
            "$monkey",
            "your_dog",
            "/FZQwfvNltw4sZnayvYnmDpeWc/BYFUGtsCLwSZ5gVdP",
        ] {
            assert!(!is_placeholder(s.as_bytes()), "{s}");
        }
        for p in [
            "****",
            "[PROTECTED]",
            "${VAR}",
            "$(cat /run/secrets/db)",
            "Sanitized by Support Utility",
            "[Shared Access key goes here]",
            "<your password here>",
            "<password>",
            "(hidden)",
            "var.db_password",
            "env.PERKEEP_TEST_PASSWORD",
            "process.env.REACT_APP_PASSWORD",
            "Buffer.from(",
            "getMasterUserPassword()",
            "Token{a64f992",
            "id:263466287238",
            "YOUR_API_KEY",
            "/run/secrets/db_password",
            "/",
            "|",
        ] {
            assert!(is_placeholder(p.as_bytes()), "{p}");
        }
    }

    #[test]
    fn value_repeating_its_key() {
        let at = |line: &str, value: &str| {
            let start = line.find(value).unwrap();
            repeats_own_key(line.as_bytes(), start, start + value.len())
        };
        assert!(at("access_token=ACCESS_TOKEN", "ACCESS_TOKEN"));
        assert!(at("{\"api-key\": \"API_KEY\"}", "API_KEY"));
        assert!(!at("db.password=password", "password"));
        assert!(!at("access_token=ACCESS_TOKEN2", "ACCESS_TOKEN2"));
    }

    #[test]
    fn properties_values() {
        let at = |line: &str, value: &str| {
            let start = line.find(value).unwrap();
            properties_value(line.as_bytes(), start, start + value.len())
        };
        assert!(at("ldap.password = pass word", "pass word"));
        assert!(at("jdbc.password=pass word", "pass word"));
        assert!(at("password: pass word", "pass word"));
        assert!(at("x\npassword=pass word", "pass word"));
        assert!(at("PGPASSWORD=nospace", "nospace"));
        assert!(!at("PGPASSWORD=Pg!pw42 psql -h db", "Pg!pw42 psql -h db"));
        assert!(!at("Password: [PROTECTED] (set)", "[PROTECTED] (set)"));
    }

    #[test]
    fn phones() {
        for p in [
            "+1 (335) 592-5572",
            "+33 6 01 48 41 43",
            "+33549710285",
            "(075) 3410 6665",
            "555-123-4567",
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
        ] {
            assert!(!phone(p.as_bytes()), "{p}");
        }
    }

    #[test]
    fn user_names() {
        for u in ["root", "jdoe", "anna.kowalski", "webmaster"] {
            assert!(user_name(u.as_bytes()), "{u}");
        }
        for u in [
            "anonymous",
            "-",
            "unknown",
            "12345",
            "x",
            "[hidden]",
            "null",
        ] {
            assert!(!user_name(u.as_bytes()), "{u}");
        }
    }

    #[test]
    fn home_users() {
        let user = |line: &str, name: &str| {
            let start = line.find(name).unwrap();
            home_user(line.as_bytes(), start, start + name.len())
        };
        assert!(user("Opening /home/alice/notes.txt", "alice"));
        assert!(user("dir=/nfs/home/alice/x", "alice"));
        assert!(user("sftp://files.acme.com/home/carol/x", "carol"));
        assert!(user("path=%2Fhome%2Fdave%2Fx", "dave"));
        assert!(!user("Opening /home/jenkins/workspace", "jenkins"));
        assert!(!user("Opening /home/Bamboo/agent", "Bamboo"));
        assert!(!user(
            "Log directory /opt/atlassian/jira/home/log ok",
            "log"
        ));
        assert!(!user("/Users/bob/cf/target/jira/home/database", "database"));
        assert!(!user("/srv/acme/home/indexes", "indexes"));
        assert!(!user("/data/jira/home/dbconfig.xml", "dbconfig.xml"));
        assert!(!user("p=%2Fopt%2Fjira%2Fhome%2Fcaches", "caches"));
    }

    #[test]
    fn service_accounts_come_from_the_data_file() {
        assert!(is_service_account(b"jenkins"));
        assert!(is_service_account(b"WWW-DATA"));
        assert!(!is_service_account(b"jjenkins"));
        assert!(!is_service_account(b"# where the names come from"));
    }

    #[test]
    fn email_domains() {
        assert!(email_domain(b"jane@corp.com"));
        assert!(email_domain(b"jane%40corp.com"));
        assert!(email_domain(b"ops@build.acme.internal"));
        assert!(!email_domain(b"curve25519-sha256@libssh.org"));
        assert!(!email_domain(b"icon@2x.png"));
        assert!(!email_domain(b"test@example.com"));
    }
}

#[cfg(test)]
mod name_tests {
    use super::*;

    #[test]
    fn person_names_in_prose() {
        for yes in [
            "Anna Kowalski",
            "Priya Raman",
            "Leigha Mackay",
            "Maria Anna Kowalski",
            "Brennan, Oksana",
            "Jean-Luc Picard",
        ] {
            assert!(person_name(yes.as_bytes()), "{yes}");
        }
        for no in [
            "Will Retry",
            "Grant Access",
            "Jira Software",
            "Retry Anna",
            "Oksana, Wei",
            "Spring Boot",
            "May Cause",
            "PoolableConnectionFactory Started",
        ] {
            assert!(!person_name(no.as_bytes()), "{no}");
        }
    }

    #[test]
    fn names_in_name_positions() {
        for yes in ["Sedlock, David", "Mark Smith", "Oksana", "Kowalski"] {
            assert!(name_words(yes.as_bytes()), "{yes}");
        }
        for no in [
            "Login Page",
            "Support",
            "Jira Administrators",
            "PoolableConnectionFactory",
            "${NAME}",
        ] {
            assert!(!name_words(no.as_bytes()), "{no}");
        }
    }

    #[test]
    fn lone_given_names_need_their_context() {
        let at = |line: &str, word: &str| {
            let s = line.find(word).unwrap();
            given_name_in_context(line.as_bytes(), s, s + word.len())
        };
        assert!(at("thanks to Oksana, Wei and Priya", "Oksana"));
        assert!(at("thanks to Oksana, Wei and Priya", "Priya"));
        assert!(at("Oksana complained that", "Oksana"));
        assert!(at("reviewed by Oksana", "Oksana"));
        assert!(!at("Oksana", "Oksana"));
        assert!(!at("Apache Felix started", "Felix"));
        assert!(!at("Grace period, Ends", "Grace"));
    }
}
