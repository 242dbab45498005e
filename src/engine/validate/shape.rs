//! A secret known by its shape alone: a word of random characters with no
//! key before it and no provider prefix, told apart from the identifiers
//! logs are full of (commit ids, digests, UUIDs, request and block ids, class
//! and method names, paths, base64 of plain text).

use base64::Engine as _;

use super::numbers::shannon_entropy;

/// `v` without the `=` or `==` that pads base64 to a multiple of four.
pub(crate) fn unpadded(v: &[u8]) -> &[u8] {
    v.strip_suffix(b"==").or(v.strip_suffix(b"=")).unwrap_or(v)
}

/// The base64 of an HTTP Basic credential (RFC 7617): printable UTF-8 of
/// the form `user:password` once decoded, with at least one byte before
/// the colon. Padding may be missing.
pub fn basic_credential(value: &[u8]) -> bool {
    let Ok(plain) =
        base64::engine::general_purpose::STANDARD_NO_PAD.decode(unpadded(value.trim_ascii_end()))
    else {
        return false;
    };
    let Ok(text) = std::str::from_utf8(&plain) else {
        return false;
    };
    text.find(':').is_some_and(|i| i > 0) && !text.chars().any(char::is_control)
}

/// The class of a byte, for counting how often neighbours differ.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Upper,
    Lower,
    Digit,
    Other,
}

fn class(c: u8) -> Class {
    match c {
        b'A'..=b'Z' => Class::Upper,
        b'a'..=b'z' => Class::Lower,
        b'0'..=b'9' => Class::Digit,
        _ => Class::Other,
    }
}

/// How many neighbouring bytes are of different classes, per pair. Random
/// base62 changes class at about six pairs in ten; `registryReadWrite`,
/// `AbstractBeanFactory2` and `Log4jConfigurator` at two to three.
fn class_changes(v: &[u8]) -> f64 {
    if v.len() < 2 {
        return 0.0;
    }
    let changes = v.windows(2).filter(|w| class(w[0]) != class(w[1])).count();
    changes as f64 / (v.len() - 1) as f64
}

/// The longest run of letters of one case: identifiers are words
/// (`Connection`, `password`), random text rarely runs seven letters of one
/// case.
fn longest_word(v: &[u8]) -> usize {
    let (mut best, mut run, mut last) = (0, 0, Class::Other);
    for &c in v {
        let k = class(c);
        run = if k == last && matches!(k, Class::Lower | Class::Upper) {
            run + 1
        } else {
            1
        };
        last = k;
        best = best.max(run);
    }
    best
}

/// Base64 (standard or URL alphabet) that decodes to printable text: an
/// encoded class name, path, JSON header or message, not random bytes. The
/// word may begin inside longer base64 (a cut line, a prefix glued on), so
/// each of the first four offsets is tried.
fn base64_of_text(v: &[u8]) -> bool {
    let body = unpadded(v);
    let engines = [
        base64::engine::general_purpose::STANDARD_NO_PAD,
        base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ];
    (0..4.min(body.len())).any(|skip| {
        let body = &body[skip..];
        let body = &body[..body.len() - body.len() % 4];
        engines
            .iter()
            .filter_map(|e| e.decode(body).ok())
            .any(|bytes| {
                bytes.len() >= 6
                    && bytes
                        .iter()
                        .all(|&c| c.is_ascii_graphic() || matches!(c, b' ' | b'\t' | b'\r' | b'\n'))
            })
    })
}

/// A request id of Bitbucket and other Atlassian servers: a short id, then
/// counters joined by `x` (`8KJQAGx969x538x0`: minute of the day, request
/// number, concurrent requests).
fn x_joined_counters(v: &[u8]) -> bool {
    let mut parts = v.split(|&c| c == b'x');
    let _id = parts.next();
    let counters: Vec<&[u8]> = parts.collect();
    counters.len() >= 2
        && counters
            .iter()
            .all(|p| !p.is_empty() && p.iter().all(u8::is_ascii_digit))
}

/// A digest written with its algorithm: `sha512-...` (npm and Subresource
/// Integrity), `sha1-`, `md5-`.
fn named_digest(v: &[u8]) -> bool {
    let lower = |p: &[u8]| v.len() > p.len() && v[..p.len()].eq_ignore_ascii_case(p);
    let Some(rest) = [&b"sha"[..], b"md"]
        .into_iter()
        .find(|p| lower(p))
        .map(|p| &v[p.len()..])
    else {
        return false;
    };
    let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
    digits > 0 && rest.get(digits) == Some(&b'-')
}

/// True when `value`, a word of letters, digits and `+/_-` (and `=`
/// padding), reads as a random secret on its own:
///
/// - 15 to 512 bytes, with upper- and lower-case letters and digits, at
///   least two of each letter case; or, in one case only, 20 or more letters
///   and digits with no separator and letters beyond `a-f` (a base36 key, not
///   a hex digest, commit id or `blk_`/`application_` id);
/// - neighbours change class at least 45 times in 100 pairs and no run of
///   seven letters of one case (words, camel-case names);
/// - entropy near that of random text of its length;
/// - no path (`/` between word segments) and no base64 of plain text.
pub fn random_token(value: &[u8]) -> bool {
    let v = value
        .strip_suffix(b"==")
        .or(value.strip_suffix(b"="))
        .unwrap_or(value);
    let n = v.len();
    if !(15..=512).contains(&n) {
        return false;
    }
    let count = |k: Class| v.iter().filter(|&&c| class(c) == k).count();
    let (upper, lower, digit) = (
        count(Class::Upper),
        count(Class::Lower),
        count(Class::Digit),
    );
    let other = n - upper - lower - digit;
    let mixed = upper >= 2 && lower >= 2 && digit >= 1;
    let one_case = n >= 20
        && other == 0
        && digit >= 3
        && (upper == 0 || lower == 0)
        && v.iter()
            .any(|c| c.is_ascii_alphabetic() && !c.is_ascii_hexdigit());
    if !(mixed || one_case) || other * 4 > n {
        return false;
    }
    // Separators between words: `container_1445_0020_01`, `my-app-prod-2`,
    // `/opt/atlassian/jira`. Random text holds them singly and rarely.
    let parts = v.split(|c| matches!(c, b'/' | b'_' | b'-' | b'+'));
    let wordy = parts
        .filter(|p| p.len() >= 3 && p.iter().all(u8::is_ascii_lowercase))
        .count();
    if wordy >= 2 || v.starts_with(b"/") || x_joined_counters(v) {
        return false;
    }
    if class_changes(v) < 0.45 || longest_word(v) >= 7 {
        return false;
    }
    // Random text of n bytes from ~64 symbols reaches about log2(n) bits per
    // byte while n is small; ask for most of it.
    let want = ((n as f64).log2() * 0.85).min(4.2);
    if shannon_entropy(v) < want {
        return false;
    }
    !named_digest(v) && !base64_of_text(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_decode_to_user_and_password() {
        // svc_jira:Jira-Svc-2024! with and without padding; a user with an
        // empty password.
        for v in [
            "c3ZjX2ppcmE6SmlyYS1TdmMtMjAyNCE=",
            "c3ZjX2ppcmE6SmlyYS1TdmMtMjAyNCE",
            "amRvZTo=",
        ] {
            assert!(basic_credential(v.as_bytes()), "{v}");
        }
        // No colon ("realm"), a colon first (":x"), binary, not base64.
        for v in [
            "cmVhbG0=",
            "Ong=",
            "AAECAwQ6",
            "not base64!",
            "Authentication",
        ] {
            assert!(!basic_credential(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn random_words_pass() {
        for v in [
            "Vq3sLx9TzPe2KdRw",
            "Jd7Fq2LmZx0Rt5Nw8Ys4Kp1Hc6Vb3Ge9",
            "pT4_xQ9mLs-7vKd2Wn6Rz8Yb1Hf5Gj3Ca0EuNoXiMk",
            "Qm9+Lr2/Xt7Kp4ZsVn8Wd1Hb6Fy3Cg5Je0Ta==",
            "k3v9q2m8x7z4w1p6r5t0y8u2i4o6l3n9",
        ] {
            assert!(random_token(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn identifiers_fail() {
        for v in [
            // commit id, digest, UUID, request and block ids
            "6fb1cff7690db9ac066cadbbde8e3c078efdabcf",
            "d37a8b9e09642cb73cfcf4e1284815fc3d6a55a7714110187ac59856ae4ab5ad",
            "1ace4d19-fa7e-b4e2-c3f0-9129474bcd81",
            "blk_-1608999687919862906",
            "application_1485248649253_0052",
            "container_1445144423722_0020_01_000001",
            // names in code
            "registryReadWrite",
            "AbstractBeanFactoryAwareAdvisingPostProcessor2",
            "getMasterUserPassword",
            "Log4jConfigurator",
            "HikariPool-1-housekeeper",
            // Bitbucket request id
            "8KJQAGx969x538x0",
            // paths and plain text in base64
            "/opt/atlassian/jira/bin",
            "Y29tLmF0bGFzc2lhbi5qaXJhLnBsdWdpbg==",
            // too short
            "Ab3dE6",
        ] {
            assert!(!random_token(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn encoded_text_and_named_digests_fail() {
        for v in [
            // `{"alg":"HS256"}`, a JWT header
            "eyJhbGciOiJIUzI1NiJ9",
            // base64 of text, begun one character late
            "xMTIzNDU2Nzg5MDEyOm1hZGUtdXAtdG9rZW4tYm9keS0x",
            "sha512-7eNWVQ4vnakJkS1pAWTN3lg8zV5yPU8d0FZfWe7ihGyiRUIQfHOJMaidDn87XG3",
        ] {
            assert!(!random_token(v.as_bytes()), "{v}");
        }
    }
}
