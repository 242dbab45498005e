//! What a finding teaches the run's dictionary ([`super::learn`]).
//!
//! A value found under a label listed in `rules/dictionary/labels.txt` is
//! learned as its kind, with the forms derived from it:
//!
//! | kind | learned | derived |
//! | --- | --- | --- |
//! | host | the name; its first label | the organisation of its domain (`northwind` of `db07.prod.northwind.internal`) |
//! | user | the login | a person's name from `first.last` |
//! | e-mail | — (found everywhere by its shape) | the login (local part), a person's name from `first.last@`, the organisation of the domain |
//! | name | the whole name | its rarer parts (`Kowalski`), the logins made from it (`akowalski`, `anna.kowalski`, `kowalskia`, `anna_kowalski`, `anna.k`) |
//! | organisation | the name | |
//! | secret | the value | |
//!
//! Guards keep ordinary text out of the dictionary, since a learned value
//! is replaced wherever it appears as a whole token: no English word, log
//! vocabulary, service or role account, public mail provider or service,
//! value on the allow list, code identifier (`com.acme.Foo`), number, or
//! value shorter than [`MIN_WORD`] letters (a value with a digit, `-`, `_`
//! or mixed case, and a login of three lower-case letters that abbreviates
//! no month, weekday, time zone or unit, may be [`MIN_NAME`] long).

use super::learn::machine_like;
use super::{Learned, Redactor};
use crate::rules::dictionary::{self, LearnKind};

/// Shortest learned value made of letters only.
pub const MIN_WORD: usize = 4;
/// Shortest learned value that reads as a machine or login name.
pub const MIN_NAME: usize = 3;
/// Shortest learned secret.
pub const MIN_SECRET: usize = 6;

/// The label indices of derived values.
#[derive(Debug, Clone, Copy)]
pub(super) struct Derived {
    user: u32,
    name: u32,
    org: u32,
}

impl Derived {
    pub(super) fn new(engine: &crate::engine::Engine) -> Derived {
        // The engine always has these labels.
        let id = |n| engine.label_id(n).unwrap_or(0);
        Derived {
            user: id("USER"),
            name: id("NAME"),
            org: id("ORG"),
        }
    }
}

/// Collects what `value` (found by `rule` under `label`, its token ending
/// at output offset `at`) teaches.
pub(super) struct Teach<'a> {
    pub(super) redactor: &'a Redactor,
    pub(super) rule: u32,
    pub(super) at: usize,
    pub(super) out: &'a mut Vec<Learned>,
}

impl Teach<'_> {
    pub(super) fn value(&mut self, kind: LearnKind, label: u32, value: &[u8]) {
        let d = self.redactor.derived;
        match kind {
            LearnKind::Host => self.host(label, value),
            LearnKind::User => {
                if let Some((first, last)) = split_login(value) {
                    self.person(d.name, &first, &last, false);
                }
                if login_ok(value) {
                    self.push_login(label, value);
                }
            }
            LearnKind::Email => self.email(value),
            LearnKind::Name => self.name(label, value),
            LearnKind::Org => self.org(label, value),
            LearnKind::Secret => {
                if secret_ok(value) {
                    self.push_secret(label, value);
                }
            }
        }
    }

    /// Learns `v` unless it is allowed or made of ordinary words only
    /// (`jira-software`, `Jira Software`, `tar.gz`).
    fn push(&mut self, label: u32, v: &[u8]) {
        if !words_only(v) {
            self.push_secret(label, v);
        }
    }

    /// Learns the login `v`: also `carol.smith`, whose parts are ordinary
    /// words but a given and a family name joined the way logins are.
    fn push_login(&mut self, label: u32, v: &[u8]) {
        if named_login(v) {
            self.push_secret(label, v);
        } else {
            self.push(label, v);
        }
    }

    fn push_secret(&mut self, label: u32, v: &[u8]) {
        if self.redactor.engine().allows(v) {
            return;
        }
        self.out.push(Learned {
            at: self.at,
            name: v.to_ascii_lowercase(),
            rule: self.rule,
            label,
        });
    }

    /// An organisation found in a field that says organisation: a name of
    /// several words is learned even when each is an ordinary word (`Blue
    /// River Logistics`), with its short forms: without the legal form
    /// (`Kestrel Mutual Insurance Company` → `Kestrel Mutual Insurance`) and
    /// its first two words (`Kestrel Mutual`), and its first word when that
    /// is a rare word (`Bluewater` of `Bluewater Freight Holdings Ltd`).
    fn org(&mut self, label: u32, value: &[u8]) {
        let v = trim(value);
        if !org_ok(v) {
            return;
        }
        let words: Vec<&[u8]> = v.split(|&c| c == b' ').filter(|w| !w.is_empty()).collect();
        if words.len() < 2 || words.iter().any(|w| w.iter().any(u8::is_ascii_digit)) {
            self.push(label, v);
            return;
        }
        self.push_secret(label, v);
        let mut core = words.as_slice();
        while let [rest @ .., last] = core
            && rest.len() >= 2
            && legal_form(last)
        {
            core = rest;
        }
        if core.len() < words.len() {
            self.push_secret(label, &v[..core_len(v, core.len())]);
        }
        if core.len() >= 3 && !ORG_LEADS.contains(&words[0].to_ascii_lowercase().as_slice()) {
            self.push_secret(label, &v[..core_len(v, 2)]);
        }
        // The first word alone is what a company calls itself in its own
        // paths and names (`/var/www/bluewater`, `bluewater-admins`), when
        // it is a rare word: no English, log or public name, five letters
        // or more.
        let first = words[0];
        if first.len() >= 5 && ascii_letters(first) && part_ok(first) {
            let lower = first.to_ascii_lowercase();
            if !dictionary::is_public_org(&lower) && !ORG_LEADS.contains(&lower.as_slice()) {
                self.push_secret(label, first);
            }
        }
    }

    fn host(&mut self, label: u32, value: &[u8]) {
        let value = value.strip_suffix(b".").unwrap_or(value);
        if self.redactor.engine().allows(value) {
            return;
        }
        let first = value.split(|&c| c == b'.').next().unwrap_or_default();
        if host_ok(value) {
            self.push(label, value);
        }
        // The first label alone only when it reads as a machine (`db07`):
        // `caldav.163.com` and `wiki.acme.com` start with service words.
        if first.len() < value.len()
            && host_ok(first)
            && machine_like(first)
            && first.len() >= MIN_WORD
        {
            self.push(label, first);
        }
        if let Some(org) = domain_org(value) {
            self.push(self.redactor.derived.org, org);
        }
    }

    fn email(&mut self, value: &[u8]) {
        let mut decoded = Vec::with_capacity(value.len());
        crate::redact::pseudonym::normalize(crate::rules::Normalize::Email, value, &mut decoded);
        let Some(at) = decoded.iter().rposition(|&c| c == b'@') else {
            return;
        };
        let (local, domain) = (&decoded[..at], &decoded[at + 1..]);
        let d = self.redactor.derived;
        let public = domain_org_label(domain).is_none_or(dictionary::is_public_org);
        if login_ok(local) {
            self.push_login(d.user, local);
        }
        if let Some((first, last)) = split_login(local) {
            self.person(d.name, &first, &last, false);
        }
        if !public && let Some(org) = domain_org(domain) {
            self.push(d.org, org);
        }
    }

    fn name(&mut self, label: u32, value: &[u8]) {
        let value = trim(value);
        // `Kowalski, Anna` as mail headers write it.
        let (first, last) = match memchr::memchr(b',', value) {
            Some(i) => (trim(&value[i + 1..]), trim(&value[..i])),
            None => match memchr::memrchr(b' ', value) {
                Some(i) => (trim(&value[..i]), trim(&value[i + 1..])),
                None => {
                    if part_ok(value) {
                        self.push(label, value);
                    }
                    return;
                }
            },
        };
        if first.is_empty() || last.is_empty() {
            return;
        }
        if value.len() <= 64 && value.split(|&c| c == b' ').count() <= 5 {
            self.push(label, value);
        }
        self.person(label, first, last, true);
    }

    /// A person `first last`: the rarer parts, the whole name (unless it
    /// is the name just learned as found) and the logins made from it.
    fn person(&mut self, name_label: u32, first: &[u8], last: &[u8], found_whole: bool) {
        let last = last.rsplit(|&c| c == b' ').next().unwrap_or(last);
        let given = first.split(|&c| c == b' ').next().unwrap_or(first);
        for part in [given, last] {
            if part_ok(part) {
                self.push(name_label, part);
            }
        }
        if !found_whole && letters(given) && letters(last) {
            let mut whole = given.to_vec();
            whole.push(b' ');
            whole.extend_from_slice(last);
            self.push(name_label, &whole);
        }
        if !(ascii_letters(given) && ascii_letters(last)) || given.len() < 2 || last.len() < 2 {
            return;
        }
        let user = self.redactor.derived.user;
        let (g, l) = (given.to_ascii_lowercase(), last.to_ascii_lowercase());
        let mut logins = vec![
            [&g[..], b".", &l].concat(),
            [&g[..], b"_", &l].concat(),
            [&g[..1], &l].concat(),
            [&l[..], &g[..1]].concat(),
            [&g[..], b".", &l[..1]].concat(),
        ];
        logins.retain(|v| v.len() >= 5 && login_ok(v));
        for v in logins {
            self.push_login(user, &v);
        }
    }
}

fn trim(v: &[u8]) -> &[u8] {
    let v = v.trim_ascii();
    let v = v.strip_prefix(b"\"").unwrap_or(v);
    v.strip_suffix(b"\"").unwrap_or(v).trim_ascii()
}

fn ascii_letters(v: &[u8]) -> bool {
    !v.is_empty() && v.iter().all(u8::is_ascii_alphabetic)
}

/// Letters of any script, and the apostrophes and hyphens of names.
fn letters(v: &[u8]) -> bool {
    std::str::from_utf8(v).is_ok_and(|s| {
        s.chars().next().is_some_and(char::is_alphabetic)
            && s.chars()
                .all(|c| c.is_alphabetic() || matches!(c, '\'' | '-' | '’'))
    })
}

/// True when `v` (any case) is ordinary text rather than a name.
fn common(v: &[u8]) -> bool {
    let lower = v.to_ascii_lowercase();
    dictionary::is_english_word(&lower)
        || dictionary::is_log_word(&lower)
        || dictionary::is_service_account(&lower)
}

/// True when `v` holds no digit and each of its parts (split at spaces,
/// `-`, `.`, `_`) is ordinary text.
fn words_only(v: &[u8]) -> bool {
    !v.iter().any(u8::is_ascii_digit)
        && v.split(|&c| matches!(c, b' ' | b'-' | b'.' | b'_'))
            .filter(|p| !p.is_empty())
            .all(|p| common(p) || p.len() <= 2)
}

/// `carol.smith`, `carol_smith`: a known given name and a known family
/// name joined by `.` or `_`, neither of them log vocabulary.
fn named_login(v: &[u8]) -> bool {
    let Some(i) = v.iter().position(|&c| matches!(c, b'.' | b'_')) else {
        return false;
    };
    let (g, l) = (v[..i].to_ascii_lowercase(), v[i + 1..].to_ascii_lowercase());
    ascii_letters(&g)
        && ascii_letters(&l)
        && g.len() >= 3
        && l.len() >= 3
        && dictionary::is_given_name(&g)
        && dictionary::is_family_name(&l)
        && !dictionary::is_log_word(&g)
        && !dictionary::is_log_word(&l)
}

fn host_ok(v: &[u8]) -> bool {
    super::learn::learnable(v)
        && !common(v)
        && (machine_like(v) && v.len() >= MIN_NAME || v.len() >= MIN_WORD)
        && !code_identifier(v)
        && !camel_case(v)
}

/// `sparkExecutorActorSystem`, `ActiveObjects`: letters with two or more
/// humps are a code identifier, not a machine or an account.
fn camel_case(v: &[u8]) -> bool {
    v.iter().all(u8::is_ascii_alphabetic)
        && v.windows(2)
            .filter(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase())
            .count()
            >= 2
}

/// `jA9JBXgf022479`: both cases and digits make an id (a queue or message
/// id), not a login.
fn id_like(v: &[u8]) -> bool {
    v.iter().any(u8::is_ascii_uppercase)
        && v.iter().any(u8::is_ascii_lowercase)
        && v.iter().any(u8::is_ascii_digit)
}

/// A name part worth learning alone: a rarer word of letters.
fn part_ok(v: &[u8]) -> bool {
    letters(v)
        && v.len() >= MIN_WORD
        && v.len() <= 40
        && !common(v)
        && !dictionary::is_english_word(&lowercase_utf8(v))
}

fn lowercase_utf8(v: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(v).to_lowercase().into_bytes()
}

fn login_ok(v: &[u8]) -> bool {
    let ok_bytes = v
        .iter()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'_'));
    ok_bytes
        && v.len() <= 64
        && v.iter().any(u8::is_ascii_alphabetic)
        && v[0].is_ascii_alphanumeric()
        && !common(v)
        && (v.len() >= MIN_WORD || (v.len() >= MIN_NAME && (machine_like(v) || short_login(v))))
        && !code_identifier(v)
        && !camel_case(v)
        && !id_like(v)
}

/// A login of three lower-case letters (`uwe`, `ivo`, `kai`), which a rule
/// found where the position says user: learned unless it abbreviates a
/// month, a weekday, a time zone or a unit, which logs write everywhere
/// (English and log words are refused before).
fn short_login(v: &[u8]) -> bool {
    const ABBREVIATIONS: &[&[u8]] = &[
        b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov",
        b"dec", b"mon", b"tue", b"wed", b"thu", b"fri", b"sat", b"sun", b"utc", b"gmt", b"cet",
        b"eet", b"wet", b"bst", b"est", b"edt", b"cst", b"cdt", b"mst", b"mdt", b"pst", b"pdt",
        b"ist", b"jst", b"aet", b"kib", b"mib", b"gib", b"tib", b"kbs", b"mbs", b"sec", b"min",
        b"hrs", b"day", b"pts", b"tty", b"uid", b"gid", b"pid", b"sql", b"rpc", b"acl",
    ];
    v.len() == MIN_NAME && v.iter().all(u8::is_ascii_lowercase) && !ABBREVIATIONS.contains(&v)
}

/// Legal forms and generic words that end organisation names.
const LEGAL_FORMS: &[&[u8]] = &[
    b"ag",
    b"as",
    b"ab",
    b"bv",
    b"co",
    b"company",
    b"corp",
    b"corporation",
    b"gmbh",
    b"group",
    b"holding",
    b"holdings",
    b"inc",
    b"limited",
    b"llc",
    b"llp",
    b"ltd",
    b"nv",
    b"oy",
    b"plc",
    b"pty",
    b"sa",
    b"sarl",
    b"sas",
    b"spa",
    b"srl",
];

/// True when `word` (any case, a trailing `.` allowed) is one of
/// [`LEGAL_FORMS`]: `Ltd.`, `GmbH`.
fn legal_form(word: &[u8]) -> bool {
    let lower = word.to_ascii_lowercase();
    let bare = lower.trim_ascii_end();
    LEGAL_FORMS.contains(&bare.strip_suffix(b".").unwrap_or(bare))
}

/// First words after which two words are no name of their own.
const ORG_LEADS: &[&[u8]] = &[
    b"the", b"a", b"an", b"of", b"and", b"new", b"first", b"united",
];

/// The length of the first `n` space-separated words of `v`.
fn core_len(v: &[u8], n: usize) -> usize {
    let mut seen = 0;
    let mut in_word = false;
    for (i, &c) in v.iter().enumerate() {
        if c == b' ' {
            if in_word {
                seen += 1;
                if seen == n {
                    return i;
                }
            }
            in_word = false;
        } else {
            in_word = true;
        }
    }
    v.len()
}

fn org_ok(v: &[u8]) -> bool {
    let v = trim(v);
    v.len() >= MIN_WORD
        && v.len() <= 64
        && !common(v)
        && !dictionary::is_public_org(&v.to_ascii_lowercase())
}

fn secret_ok(v: &[u8]) -> bool {
    v.len() >= MIN_SECRET
        && v.len() <= 128
        && !v.iter().any(|c| c.is_ascii_control())
        && v.iter().any(u8::is_ascii_alphabetic)
        && !common(v)
        // A mask or a token of logscrub's own.
        && !v.iter().all(|&c| c == b'*' || c == b'x' || c == b'X')
        && !v.starts_with(b"<")
}

/// `com.acme.Foo`, `org.apache.catalina`: a dotted name that starts with a
/// package root is code, whatever the rule thought.
fn code_identifier(v: &[u8]) -> bool {
    let first = v.split(|&c| c == b'.').next().unwrap_or_default();
    v.contains(&b'.') && crate::engine::validate::host::is_code_root(first)
}

/// `anna.kowalski`, `anna_kowalski`, `Anna-Kowalski`: a login made of a
/// given and a family name, both letters only.
fn split_login(v: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let i = v.iter().position(|&c| matches!(c, b'.' | b'_' | b'-'))?;
    let (g, l) = (&v[..i], &v[i + 1..]);
    if !(ascii_letters(g) && ascii_letters(l)) || g.len() < 2 || l.len() < 2 {
        return None;
    }
    let cap = |w: &[u8]| {
        let mut w = w.to_ascii_lowercase();
        w[0] = w[0].to_ascii_uppercase();
        w
    };
    Some((cap(g), cap(l)))
}

/// The label of `domain` right before its public (or private) suffix:
/// `northwind` of `db07.prod.northwind.internal`, `acme` of `acme.co.uk`.
fn domain_org_label(domain: &[u8]) -> Option<&[u8]> {
    let domain = domain.strip_suffix(b".").unwrap_or(domain);
    let registrable = psl::domain(domain)?;
    let reg = registrable.as_bytes();
    let label = reg.split(|&c| c == b'.').next()?;
    (label.len() < reg.len()).then_some(label)
}

/// The organisation a host or mail domain names, when it is worth learning.
fn domain_org(domain: &[u8]) -> Option<&[u8]> {
    let label = domain_org_label(domain)?;
    let ok = label.len() >= MIN_WORD
        && label.iter().any(u8::is_ascii_alphabetic)
        && label
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && !common(label)
        && !dictionary::is_public_org(&label.to_ascii_lowercase())
        && !crate::engine::validate::host::is_reserved(domain);
    ok.then_some(label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organisations_of_domains() {
        assert_eq!(
            domain_org(b"db07.prod.northwind.internal"),
            Some(&b"northwind"[..])
        );
        assert_eq!(
            domain_org(b"wiki.acme-energie.co.uk"),
            Some(&b"acme-energie"[..])
        );
        assert_eq!(
            domain_org(b"nordlicht-energie.de"),
            Some(&b"nordlicht-energie"[..])
        );
        for public in [
            "gmail.com",
            "www.slf4j.org",
            "docs.oracle.com",
            "example.com",
            "www.w3.org",
        ] {
            assert_eq!(domain_org(public.as_bytes()), None, "{public}");
        }
    }

    #[test]
    fn logins_and_guards() {
        for ok in [
            "jdoe",
            "akowalski",
            "e104233",
            "svc-build",
            "anna.kowalski",
            "bob7",
            "uwe",
            "ivo",
        ] {
            assert!(login_ok(ok.as_bytes()), "{ok}");
        }
        for no in [
            "root",
            "admin",
            "server",
            "mark",
            "jira",
            "sha256",
            "com.acme.Foo",
            "12345",
            "ab",
            "-x",
            "sparkExecutorActorSystem",
            "jA9JBXgf022479",
            "preauth",
            "jan",
            "utc",
            "UTC",
            "bob",
        ] {
            assert!(!login_ok(no.as_bytes()), "{no}");
        }
        assert_eq!(
            split_login(b"anna.kowalski"),
            Some((b"Anna".to_vec(), b"Kowalski".to_vec()))
        );
        assert_eq!(split_login(b"jdoe"), None);
        assert_eq!(split_login(b"svc-build7"), None);
        assert!(secret_ok(b"Tr0ub4dor&3-Northwind") && secret_ok(b"hunter2x"));
        for no in [
            "password",
            "secret",
            "******",
            "12345678",
            "<PASSWORD-1a2b3c4d>",
        ] {
            assert!(!secret_ok(no.as_bytes()), "{no}");
        }
        assert!(part_ok("Kowalski".as_bytes()) && part_ok("Müller".as_bytes()));
        for words in ["jira-software", "Jira Software", "tar.sz", "svc-build"] {
            assert!(words_only(words.as_bytes()), "{words}");
        }
        for name in ["anna.kowalski", "jira-prod-01", "Anna Kowalski", "db07"] {
            assert!(!words_only(name.as_bytes()), "{name}");
        }
        assert!(!part_ok(b"Mark") && !part_ok(b"Smith") && !part_ok(b"Li"));
        assert!(words_only(b"carol.smith") && named_login(b"carol.smith"));
        for no in ["log.level", "jira.home", "carol", "max_size", "a.smith"] {
            assert!(!named_login(no.as_bytes()), "{no}");
        }
    }
}
