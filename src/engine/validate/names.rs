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
/// (`J.`, `J`) and a possessive `'s`; `None` when a word is not made of letters
/// (with inner `'`, `’`, `-`) or is one of [`NOT_NAMES`].
fn name_parts(value: &[u8]) -> Option<Vec<String>> {
    let text = std::str::from_utf8(trim_quotes(value)).ok()?;
    let mut out = Vec::new();
    for raw in text.split(|c: char| c.is_whitespace() || c == ',') {
        let w = raw.trim_end_matches('.');
        if w.is_empty() || NAME_PARTICLES.contains(&w) {
            continue;
        }
        if w.chars().count() == 1 && w.starts_with(char::is_alphabetic) {
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
        // them an ordinary word: `Leigha Mackay`; or two words that no list
        // knows, neither an ordinary or log word, one of them with a
        // letter beyond ASCII or both name-shaped: `Csenger Gábor`,
        // `Tomomi Nishiyama`.
        return words.len() == 2
            && !ordinary_word(&head[0])
            && !ordinary_word(last)
            && head[0].chars().count() >= 3
            && (family_name(last) || unknown_pair(&head[0], last) && capitalised(value));
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

/// Every word of `value` starts with an upper-case letter: the patterns
/// take any lead byte of a Latin letter beyond ASCII for a capital, so
/// `été été` reaches the validator.
fn capitalised(value: &[u8]) -> bool {
    std::str::from_utf8(value).is_ok_and(|t| {
        t.split_whitespace()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase))
    })
}

/// Two words that no name list holds but read as a name: letters only,
/// three or more each, a vowel in each, and no public organisation or
/// product among them.
fn unknown_pair(a: &str, b: &str) -> bool {
    use crate::rules::dictionary::is_public_org;
    // `Tue Dec 08`, `Fri Jul 01`: day and month abbreviations of dates.
    const DATE_WORDS: &[&str] = &[
        "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "jan", "feb",
        "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    ];
    let shaped = |w: &str| {
        !DATE_WORDS.contains(&w)
            && w.chars().count() >= 3
            && w.chars()
                .any(|c| "aeiouyáéíóúàèìòùäëïöüåæøőűâêîôûãõ".contains(c))
            && w.chars().all(char::is_alphabetic)
            && !is_public_org(w.as_bytes())
    };
    shaped(a) && shaped(b)
}

/// Words around a lone given name that make it a person: a list of names,
/// a verb of speech or action after it, an actor word before it.
const NAME_VERBS: &[&str] = &[
    "added",
    "agreed",
    "approved",
    "asked",
    "assigned",
    "began",
    "called",
    "closed",
    "commented",
    "complained",
    "confirmed",
    "created",
    "deleted",
    "did",
    "emailed",
    "explained",
    "flew",
    "found",
    "had",
    "has",
    "is",
    "lives",
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
    "spent",
    "suggested",
    "talked",
    "thinks",
    "told",
    "updated",
    "wants",
    "was",
    "will",
    "wrote",
];
const NAME_ACTORS: &[&str] = &[
    "ask",
    "asked",
    "assignee",
    "at",
    "but",
    "by",
    "called",
    "cc",
    "contact",
    "daughter",
    "dear",
    "from",
    "given",
    "hello",
    "her",
    "hi",
    "him",
    "husband",
    "including",
    "is",
    "kid",
    "me",
    "named",
    "owner",
    "ping",
    "reporter",
    "reviewer",
    "said",
    "says",
    "son",
    "tell",
    "thanks",
    "to",
    "told",
    "under",
    "wife",
    "with",
];

/// True when `rest` starts with an ordinary word (`Start` in `Mark, Start`).
fn rest_is_ordinary_word(rest: &[u8]) -> bool {
    let n = rest
        .iter()
        .position(|c| !(c.is_ascii_alphabetic() || *c >= 0x80))
        .unwrap_or(rest.len());
    ordinary_word(&String::from_utf8_lossy(&rest[..n]).to_lowercase())
}

/// True when `before` ends in an ordinary word and `, ` or ` and `.
fn before_is_ordinary_word(before: &[u8]) -> bool {
    let b = before
        .strip_suffix(b", ")
        .or_else(|| before.strip_suffix(b" and "))
        .unwrap_or(before);
    let from = b
        .iter()
        .rposition(|c| !(c.is_ascii_alphabetic() || *c >= 0x80))
        .map_or(0, |i| i + 1);
    ordinary_word(&String::from_utf8_lossy(&b[from..]).to_lowercase())
}

/// True when `before` ends in a capitalised word and `, ` or ` and `: the
/// word after it is the next of a list of names (`Kónya, Becker`).
fn in_list_after(before: &[u8]) -> bool {
    let Some(b) = before
        .strip_suffix(b", ")
        .or_else(|| before.strip_suffix(b" and "))
    else {
        return false;
    };
    let word_start = b
        .iter()
        .rposition(|c| !(c.is_ascii_alphabetic() || *c >= 0x80 || *c == b'-'))
        .map_or(0, |i| i + 1);
    b.get(word_start)
        .is_some_and(|c| c.is_ascii_uppercase() || *c >= 0x80)
}

/// See [`Validator::IntroducedName`].
pub fn introduced_name(value: &[u8]) -> bool {
    let Some(words) = name_parts(value) else {
        return false;
    };
    if !(1..=3).contains(&words.len()) || is_placeholder(trim_quotes(value)) {
        return false;
    }
    let name_like =
        |w: &String| given_name(w) || family_name(w) || !w.split('-').any(ordinary_word);
    // After a known first name any capitalised word may follow
    // (`Dr. Justin Beet`); otherwise each word must read as a name.
    let first_known = (given_name(&words[0]) || family_name(&words[0]))
        && trim_quotes(value)
            .first()
            .is_some_and(u8::is_ascii_uppercase);
    words.iter().all(|w| w.chars().count() >= 2)
        && name_like(&words[0])
        && (first_known || words[1..].iter().all(name_like))
}

/// See [`Validator::GivenName`].
pub fn given_name_in_context(hay: &[u8], start: usize, end: usize) -> bool {
    let Some(words) = name_parts(&hay[start..end]) else {
        return false;
    };
    let [w] = words.as_slice() else {
        return false;
    };
    if w.chars().count() < 3 {
        return false;
    }
    let given = given_name(w);
    if !given && !family_name(w) {
        return false;
    }
    // A name that is also an ordinary word (`John`, `Reed`) counts only
    // where the words around it leave no other reading: in a list of
    // names, when addressed at the end of a sentence (`Remember me, Mary?`).
    let ordinary = ordinary_word(w);
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
        if capital_after(rest) && !(ordinary && rest_is_ordinary_word(rest)) {
            return true;
        }
    }
    if in_list_after(before) && !(ordinary && before_is_ordinary_word(before)) {
        return true;
    }
    // Family names count in lists only.
    if !given {
        return false;
    }
    // A speaker's label (`Oksana: "Who are you?"`) or a name addressed
    // (`Cora, can I speak to ...`), at the start of the line or of a
    // sentence; a name addressed at the end (`Remember me, Mary?`).
    let sentence_start = before.is_empty()
        || before.ends_with(b". ")
        || before.ends_with(b"? ")
        || before.ends_with(b"! ")
        || before.ends_with(b"\" ");
    let labelled = after
        .strip_prefix(b": ")
        .or_else(|| after.strip_prefix(b":"))
        .is_some_and(|rest| {
            rest.first()
                .is_some_and(|c| *c == b'"' || c.is_ascii_uppercase())
        });
    let addressed = after
        .strip_prefix(b", ")
        .is_some_and(|rest| rest.first().is_some_and(u8::is_ascii_lowercase));
    let addressed_last = (before.ends_with(b", ") || before.ends_with(b" me "))
        && matches!(after.first(), Some(b'?' | b'!'));
    if sentence_start && (labelled || addressed) && !ordinary || addressed_last {
        return true;
    }
    if ordinary {
        return false;
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

/// Legal forms that end an organisation's name (`Ltd.`, `GmbH`, `S.A.`),
/// compared without case and dots. The strong ones are never anything but
/// a legal form after capitalised words.
const STRONG_FORMS: &[&str] = &[
    "corp",
    "corporation",
    "gmbh",
    "inc",
    "incorporated",
    "limited",
    "llc",
    "llp",
    "ltd",
    "plc",
    "pty",
];
const WEAK_FORMS: &[&str] = &[
    "a/s", "ab", "ag", "as", "asa", "bhd", "bv", "co", "kg", "kgaa", "kk", "lp", "nv", "oy", "oyj",
    "pte", "sa", "sarl", "sas", "se", "sl", "slu", "spa", "srl", "ug",
];

/// See [`Validator::OrgName`]. `value` is capitalised words ending in one
/// or two legal forms (`Northwind Traders Ltd`, `Helvetia Logistik AG`,
/// `Acme Pty Ltd`, `Contoso, Inc.`).
pub fn org_name(hay: &[u8], start: usize, end: usize) -> bool {
    // The rule overlaps, so `Hat, Inc` of `Red Hat, Inc` is a candidate of
    // its own: a name starts after a phrase's lead word or no word at all.
    let before = &hay[..start];
    let word_start = before.strip_suffix(b" ").map(|b| {
        b.iter()
            .rposition(|c| !c.is_ascii_alphabetic())
            .map_or(0, |i| i + 1)
    });
    if let Some(from) = word_start {
        let prev = &before[from..start - 1];
        if prev.first().is_some_and(u8::is_ascii_uppercase)
            && !sentence_lead(&String::from_utf8_lossy(prev).to_lowercase())
        {
            return false;
        }
    }
    org_words(&hay[start..end])
}

fn org_words(value: &[u8]) -> bool {
    use crate::rules::dictionary::is_public_org;
    let Ok(text) = std::str::from_utf8(value) else {
        return false;
    };
    let words: Vec<&str> = text
        .split([' ', '\t', ','])
        .filter(|w| !w.is_empty())
        .collect();
    let form = |w: &str| {
        let bare: String = w
            .chars()
            .filter(|&c| c != '.')
            .collect::<String>()
            .to_lowercase();
        if STRONG_FORMS.contains(&bare.as_str()) {
            Some(true)
        } else if WEAK_FORMS.contains(&bare.as_str()) {
            Some(false)
        } else {
            None
        }
    };
    let mut name = words.as_slice();
    let mut strong = false;
    while let [rest @ .., last] = name
        && !rest.is_empty()
        && let Some(s) = form(last)
    {
        strong |= s;
        name = rest;
    }
    if name.len() == words.len() || name.len() > 4 {
        return false;
    }
    let lower: Vec<String> = name
        .iter()
        .map(|w| w.trim_end_matches(['\'', '’']).to_lowercase())
        .collect();
    let joined: String = lower.concat();
    if form(name[0]).is_some()
        || is_public_org(lower[0].as_bytes())
        || is_public_org(joined.as_bytes())
        || lower.iter().any(|w| NOT_NAMES.contains(&w.as_str()))
    {
        return false;
    }
    let plain = |w: &String| {
        matches!(w.as_str(), "&" | "and" | "und" | "of" | "de" | "et") || ordinary_word(w)
    };
    let ordinary = lower.iter().filter(|w| plain(w)).count();
    if ordinary == lower.len() {
        // `Blue River Logistics Ltd`, `Acme Corp`: ordinary words make a
        // name only before a form that is nothing else (`Denver, CO`).
        return strong && !sentence_lead(&lower[0]);
    }
    // `Contacted Northwind Traders Ltd`, `For Acme Inc`: a first word that
    // leads a sentence or a phrase is not the name's, and the match one
    // word later (the rule overlaps) is the name.
    !sentence_lead(&lower[0])
}

/// Words that start a phrase before a company's name rather than belong
/// to it: articles, prepositions, greetings, roles, and verbs in `-ed` or
/// `-ing` (`Contacted`, `Invoicing`).
fn sentence_lead(w: &str) -> bool {
    const LEADS: &[&str] = &[
        "a", "an", "and", "at", "by", "cc", "client", "contact", "customer", "dear", "for", "from",
        "hello", "hi", "if", "in", "is", "my", "of", "on", "or", "our", "partner", "per", "re",
        "thanks", "the", "their", "to", "vendor", "via", "was", "when", "with", "your",
    ];
    let suffix = w.len() >= 5 && (w.ends_with("ed") || w.ends_with("ing")) && w != "united";
    LEADS.contains(&w) || suffix && ordinary_word(w)
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
    fn organisations_before_a_legal_form() {
        for yes in [
            "Northwind Traders Ltd",
            "Helvetia Logistik AG",
            "Kestrel Biotech GmbH",
            "Contoso, Inc",
            "Tailspin Toys Pty Ltd",
            "Blue River Logistics Ltd",
            "Acme Corp",
            "Fabrikam GmbH & Co. KG",
        ] {
            assert!(org_words(yes.as_bytes()), "{yes}");
        }
        for no in [
            "Oracle Corporation",
            "Red Hat, Inc",
            "DigiCert Inc",
            "Atlassian Pty Ltd",
            "Pty Ltd",
            "Java SA",
            "Contacted Kestrel Biotech GmbH",
            "For Acme Inc",
            "Northwind Traders",
        ] {
            assert!(!org_words(no.as_bytes()), "{no}");
        }
        let line = b"vendor Red Hat, Inc and Contacted Acme Inc";
        let at = |w: &[u8]| line.windows(w.len()).position(|x| x == w).unwrap();
        let (hat, acme) = (at(b"Hat"), at(b"Acme"));
        assert!(!org_name(line, hat, hat + 8));
        assert!(org_name(line, acme, acme + 8));
    }

    #[test]
    fn person_names_in_prose() {
        for yes in [
            "Anna Kowalski",
            "Priya Raman",
            "Leigha Mackay",
            "Maria Anna Kowalski",
            "Brennan, Oksana",
            "Jean-Luc Picard",
            "Shane M Culp",
            "Csenger Gábor",
            "Tomomi Nishiyama",
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
            "Tue Dec",
            "Fri Jul",
            "été été",
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
    fn introduced_names() {
        for yes in [
            "Baader",
            "Richard McCray",
            "Justin Beet",
            "lena andersson",
            "Bojka Žilih",
        ] {
            assert!(introduced_name(yes.as_bytes()), "{yes}");
        }
        for no in ["going", "Running", "Index", "the administrator", "anna and"] {
            assert!(!introduced_name(no.as_bytes()), "{no}");
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
        assert!(at("Remember me, Mary? When", "Mary"));
        assert!(at("Ella: What a wife.", "Ella"));
        assert!(at("Cora, can I please speak to", "Cora"));
        assert!(at("founders: Monjeau, Graves and Reed.", "Graves"));
        assert!(at("Why is Natasja so impulsive?", "Natasja"));
        assert!(!at("Mark, Sweep and Compact", "Mark"));
        assert!(!at("will Mark as read", "Mark"));
    }
}
