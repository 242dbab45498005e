//! The data behind the run's dictionary of found values
//! ([`crate::redact::learn`]): which labels teach, and the word lists that
//! keep ordinary words, log vocabulary and service accounts from being
//! learned. All of it lives in `rules/dictionary/` and is embedded here;
//! `rules/dictionary/README.md` says where each list comes from.

/// What a learned value is, which decides what else it teaches and which
/// guards apply (see `rules/dictionary/labels.txt`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LearnKind {
    /// A machine: a host name, a bucket.
    Host,
    /// An account name.
    User,
    /// An e-mail address: teaches its login, the person's name and the
    /// organisation of its domain.
    Email,
    /// A person's name: teaches its parts and the logins made from them.
    Name,
    /// An organisation.
    Org,
    /// A password, token, session id or other credential.
    Secret,
}

const LABELS: &str = include_str!("../../rules/dictionary/labels.txt");
const ENGLISH: &str = include_str!("../../rules/dictionary/english-words.txt");
const LOG_WORDS: &str = include_str!("../../rules/dictionary/log-words.txt");
const ACCOUNTS: &str = include_str!("../../rules/dictionary/accounts.txt");
const PUBLIC_ORGS: &str = include_str!("../../rules/dictionary/public-orgs.txt");
const GIVEN_NAMES: &str = include_str!("../../rules/dictionary/given-names.txt");
const FAMILY_NAMES: &str = include_str!("../../rules/dictionary/family-names.txt");

/// The kind that values of `label` are learned as, if any.
pub fn kind_of_label(label: &str) -> Option<LearnKind> {
    LABELS.lines().find_map(|line| {
        let line = line.split('#').next().unwrap_or_default();
        let mut words = line.split_whitespace();
        let (l, k) = (words.next()?, words.next()?);
        if l != label {
            return None;
        }
        Some(match k {
            "host" => LearnKind::Host,
            "user" => LearnKind::User,
            "email" => LearnKind::Email,
            "name" => LearnKind::Name,
            "org" => LearnKind::Org,
            "secret" => LearnKind::Secret,
            // A test keeps the file to these names.
            _ => return None,
        })
    })
}

/// True when `word` (lower case) is an ordinary English word.
pub fn is_english_word(word: &[u8]) -> bool {
    in_sorted(ENGLISH, word)
}

/// True when `word` (lower case) is log vocabulary: product, protocol,
/// format and library names that are no English words.
pub fn is_log_word(word: &[u8]) -> bool {
    in_sorted(LOG_WORDS, word)
}

/// True when `word` (lower case) is a well-known system, service or role
/// account, which says nothing about a person.
pub fn is_service_account(word: &[u8]) -> bool {
    in_sorted(ACCOUNTS, word)
}

/// True when `label` (lower case, one domain label) is a public mail
/// provider's or well-known service's: its domain names no customer.
pub fn is_public_org(label: &[u8]) -> bool {
    in_sorted(PUBLIC_ORGS, label)
}

/// True when `word` (lower case) is a given name of the bundled name lists.
pub fn is_given_name(word: &[u8]) -> bool {
    in_sorted(GIVEN_NAMES, word)
}

/// True when `word` (lower case) is a family name of the bundled name lists.
pub fn is_family_name(word: &[u8]) -> bool {
    in_sorted(FAMILY_NAMES, word)
}

/// Binary search of `word` among the lines of `list`, which are sorted
/// bytewise (a test checks it): no set is built at start-up.
fn in_sorted(list: &str, word: &[u8]) -> bool {
    let list = list.as_bytes();
    let (mut lo, mut hi) = (0, list.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        // The line holding `mid`.
        let start = memchr::memrchr(b'\n', &list[lo..mid]).map_or(lo, |i| lo + i + 1);
        let end = memchr::memchr(b'\n', &list[mid..hi]).map_or(hi, |i| mid + i);
        match list[start..end].cmp(word) {
            std::cmp::Ordering::Equal => return true,
            std::cmp::Ordering::Less => lo = end + 1,
            std::cmp::Ordering::Greater => hi = start,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_lists_are_sorted_lower_case_lines() {
        for (name, list) in [
            ("english-words.txt", ENGLISH),
            ("log-words.txt", LOG_WORDS),
            ("accounts.txt", ACCOUNTS),
            ("public-orgs.txt", PUBLIC_ORGS),
            ("given-names.txt", GIVEN_NAMES),
            ("family-names.txt", FAMILY_NAMES),
        ] {
            let lines: Vec<&str> = list.lines().collect();
            assert!(!lines.is_empty(), "{name} is empty");
            for w in lines.windows(2) {
                assert!(w[0] < w[1], "{name}: {:?} before {:?}", w[0], w[1]);
            }
            for l in &lines {
                assert!(
                    !l.is_empty() && !l.bytes().any(|c| c.is_ascii_uppercase() || c == b' '),
                    "{name}: {l:?}"
                );
            }
            // Every line is found; a word between two lines is not.
            for w in lines.windows(2) {
                assert!(in_sorted(list, w[0].as_bytes()), "{name}: {}", w[0]);
                let between = format!("{}\u{1}", w[0]);
                assert!(!in_sorted(list, between.as_bytes()), "{name}: {between:?}");
            }
        }
    }

    #[test]
    fn look_ups() {
        assert!(is_english_word(b"server") && is_english_word(b"mark"));
        assert!(!is_english_word(b"kowalski") && !is_english_word(b"jdoe"));
        assert!(!is_english_word(b"") && !is_english_word(b"zzzzzz"));
        assert!(is_log_word(b"slf4j") && is_log_word(b"sha256"));
        assert!(is_service_account(b"root") && is_service_account(b"jenkins"));
        assert!(is_public_org(b"gmail") && !is_public_org(b"northwind"));
        assert!(is_given_name(b"anna") && is_given_name("józef".as_bytes()));
        assert!(is_family_name(b"shevchenko") && !is_family_name(b"exception"));
    }

    #[test]
    fn every_label_line_names_a_kind() {
        for line in LABELS.lines() {
            let line = line.split('#').next().unwrap_or_default();
            let words: Vec<&str> = line.split_whitespace().collect();
            if words.is_empty() {
                continue;
            }
            assert_eq!(words.len(), 2, "labels.txt: {line:?}");
            assert!(kind_of_label(words[0]).is_some(), "labels.txt: {line:?}");
        }
        assert_eq!(kind_of_label("USER"), Some(LearnKind::User));
        assert_eq!(kind_of_label("IPV4"), None);
    }
}
