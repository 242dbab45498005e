//! Person names, in prose and in name positions, looked up in the name
//! lists and guarded by the word lists.

use super::{is_placeholder, trim_quotes};

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

#[cfg(test)]
mod tests {
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
