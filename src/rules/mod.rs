//! Rules as data: the validated in-memory form of `rules/*.toml`.
//!
//! The default rule set is embedded in the binary ([`embedded`]); user rule
//! files (`--rules PATH`) go through the same loader ([`load`]). A [`Rule`] is
//! checked for shape here (ids, labels, validator names, capture-group
//! syntax); its regexes are compiled by [`crate::engine`], which reports
//! compile errors with the same file-and-rule context. [`check`] runs every
//! rule's examples.

pub mod allow;
pub mod check;
pub mod dictionary;
mod embedded;
pub mod keywords;
pub mod load;
pub mod spec;

use std::fmt;
use std::path::PathBuf;

pub use allow::AllowList;
pub use embedded::EMBEDDED;
pub use load::{LoadOptions, RuleSet};

/// One validated rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Stable dotted id.
    pub id: String,
    /// Default label for replacement tokens.
    pub label: String,
    /// Human description.
    pub description: String,
    /// Where the rule was loaded from.
    pub source: PathBuf,
    /// How the rule finds text.
    pub matcher: Matcher,
    /// Prefilter keywords (ASCII case-insensitive).
    pub keywords: Vec<String>,
    /// Checks a candidate must pass.
    pub validators: Vec<Validator>,
    /// How a value is normalised before hashing.
    pub normalize: Normalize,
    /// Tie-breaker for overlapping findings.
    pub priority: i32,
    /// Drop a match unless all its redacted groups pass the validators.
    pub require_all: bool,
    /// Candidates may overlap: the search goes on from just after the
    /// start of each one.
    pub overlap: bool,
    /// Each redacted group is a list whose elements are values of their own.
    pub list: bool,
    /// Values found are host names to learn and replace everywhere.
    pub learn: bool,
    /// Reject a candidate when the text before it ends with this regex.
    pub not_before: Option<String>,
    /// Reject a candidate when the text after it starts with this regex.
    pub not_after: Option<String>,
    /// Documentation links.
    pub references: Vec<String>,
    /// Inputs with their expected redaction.
    pub examples: Vec<Example>,
    /// Inputs that must pass unchanged.
    pub negative_examples: Vec<String>,
}

/// How a rule finds text.
#[derive(Debug, Clone)]
pub enum Matcher {
    /// A regex, matched within one line.
    Regex {
        /// The pattern as written.
        pattern: String,
        /// Which parts of a match to redact.
        redact: Vec<RedactGroup>,
    },
    /// A multi-line block: the lines between `begin` and `end` whose whole
    /// content matches `body` (PEM private keys).
    Block {
        /// Opening marker.
        begin: String,
        /// Closing marker.
        end: String,
        /// A whole body line.
        body: String,
    },
    /// A value on the line after its key: `begin` finds the key line, and
    /// the group `value` of `pattern` on the next non-blank line is redacted
    /// (YAML `password:` with the value below it, HAR `"name"` / `"value"`).
    NextLine {
        /// The key line's marker.
        begin: String,
        /// What the next line looks like, with a group `value`.
        pattern: String,
    },
}

/// One capture group to redact, with its label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedactGroup {
    /// Group name or number.
    pub group: GroupRef,
    /// Label for this group's tokens.
    pub label: String,
}

/// A capture group, by name or by number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupRef {
    /// `(?P<name>...)`.
    Name(String),
    /// Group number (0 is the whole match).
    Index(usize),
}

impl fmt::Display for GroupRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GroupRef::Name(n) => f.write_str(n),
            GroupRef::Index(i) => write!(f, "{i}"),
        }
    }
}

/// An example: input text and the expected redaction.
#[derive(Debug, Clone)]
pub struct Example {
    /// Input text.
    pub input: String,
    /// Expected output; `<LABEL>` stands for any token of that label.
    pub output: String,
}

/// A named check on a candidate value. Implemented in
/// [`crate::engine::validate`].
#[derive(Debug, Clone, PartialEq)]
pub enum Validator {
    /// Luhn checksum (payment cards).
    Luhn,
    /// IBAN: country, length, ISO 7064 mod-97.
    Iban,
    /// An IPv4 address that identifies a host: not loopback, unspecified or
    /// a netmask.
    Ipv4,
    /// An IPv6 address (std::net) that is not loopback or unspecified.
    Ipv6,
    /// A MAC address that is not all zeros or broadcast.
    Mac,
    /// A host name: known public suffix (or a private one such as `.local`),
    /// and not a Java class, logger, stack frame or file name.
    Hostname,
    /// The domain of an e-mail address has a known suffix, and the address is
    /// not a protocol identifier (`curve25519-sha256@libssh.org`).
    EmailDomain,
    /// Shannon entropy of the value at least this many bits per byte.
    Entropy(f64),
    /// Atlassian `ATATT`/`ATCTT` token: CRC-32 of the body in the last 8 hex
    /// digits.
    AtlassianCrc32,
    /// GitHub `ghp_` style token: base62 CRC-32 in the last 6 characters.
    GithubCrc32,
    /// Atlassian Data Center token: base64 of `<12 digits>:<20 bytes>`.
    DcToken,
    /// Not a placeholder or an already-masked value (`****`, `[PROTECTED]`,
    /// `${VAR}`, `null`, ...).
    NotPlaceholder,
    /// A phone number: 7 to 15 digits, not a date, time or run of one digit.
    Phone,
    /// A host name found in a position that says host (URL authority,
    /// `user@host`, syslog host column): anything but `localhost`, reserved
    /// names, bare numbers and IP addresses (the IP rules take those).
    HostPosition,
    /// A user name: not a placeholder (`anonymous`, `unknown`, `-`, `null`),
    /// not a number, not a token.
    UserName,
    /// No system or service account (`root`, `jira`, `atlbitbucket`): the
    /// lists in `rules/service-accounts.txt` and `rules/dictionary/`.
    NoServiceAccount,
    /// An element of a list of users: a user name that is no ordinary or log
    /// word unless it is a known given name.
    ListLogin,
    /// An element of a list of hosts: a name in host position that holds a
    /// dot, digit, `-` or `_`, or is no ordinary or log word.
    ListHost,
    /// An element of a bare list of machine names that differ only at the
    /// end (`conf-node-a,conf-node-b`, `osrch-a1,osrch-a2`): see
    /// `sibling_host` in the engine's host checks.
    SiblingHost,
    /// A person's name in running text: two or three capitalised words
    /// whose first is a known given name and whose last is a known family
    /// name or no ordinary word (`rules/dictionary/given-names.txt`,
    /// `family-names.txt`). Two ordinary words (`Will Retry`, `Grant Access`)
    /// are no name.
    PersonName,
    /// A person's name in a position that says name (`From:`, `Regards,`,
    /// `Name <email>`, `CN=`): one to four capitalised words, not all of them
    /// ordinary or log words unless one is a known given or family name.
    NameWords,
    /// An organisation's name before its legal form (`Northwind Traders
    /// Ltd`): no word that leads a phrase first (`Contacted`, `For`); ordinary
    /// words only before a form that is nothing else (`Ltd`, `GmbH`, `Inc`,
    /// not `CO`, `SA`); no public vendor, provider or
    /// certificate authority (`rules/dictionary/public-orgs.txt`).
    OrgName,
    /// A lone known given name that is no ordinary word, where the words
    /// around it make it a person: in a list of capitalised words
    /// (`Sipho, Wei and Sun-hee`), before a verb (`Grace complained`), or
    /// after an actor word (`by Oksana`, `cc: Oksana`, `@Oksana`).
    GivenName,
    /// A name in a position that introduces a person (`my name is`,
    /// `Mr.`, `Name:`), in any case: one to three words, each a known given
    /// or family name or no ordinary or log word (each part of a hyphenated
    /// word), so `Mr. Baker` and `my name is lena andersson` count and
    /// `I am going` does not.
    IntroducedName,
    /// A UK National Insurance number's prefix is allocated: not `BG`,
    /// `GB`, `KN`, `NK`, `NT`, `TN` or `ZZ` (the letters the pattern
    /// excludes are excluded there).
    UkNino,
    /// A value that runs to the end of a properties, ini or YAML line: no
    /// space inside, or a key and separator that are not a shell
    /// assignment's (`ldap.password = a b`, `password: a b`, but not
    /// `PGPASSWORD=x psql -h db`).
    PropertiesValue,
    /// The user of a home-folder path: a user name that is no system or
    /// service account (`rules/service-accounts.txt`) and no folder of an
    /// application's own `home` (`/opt/atlassian/jira/home/log`).
    HomeUser,
    /// A word of random characters with no key or prefix before it: mixed
    /// letters and digits that change class often, no words, near-random
    /// entropy; not a hex digest, UUID, id, identifier, path or base64 of
    /// plain text.
    RandomToken,
    /// The base64 of an HTTP Basic credential: it decodes to printable
    /// UTF-8 of the form `user:password`, a colon after at least one byte.
    BasicCredential,
}

impl Validator {
    /// Names accepted in rule files, for error messages.
    pub const NAMES: &'static str = "luhn, iban, ipv4, ipv6, mac, hostname, host-position, email-domain, user-name, no-service-account, list-login, list-host, sibling-host, home-user, phone, entropy(BITS), atlassian-crc32, github-crc32, dc-token, not-placeholder, properties-value, person-name, name-words, org-name, given-name, introduced-name, uk-nino, random-token, basic-credential";

    /// Parses `name` or `name(arg)`.
    pub fn parse(s: &str) -> Result<Validator, String> {
        let s = s.trim();
        let (name, arg) = match s.find('(') {
            Some(i) if s.ends_with(')') => (&s[..i], Some(&s[i + 1..s.len() - 1])),
            Some(_) => return Err(format!("validator `{s}`: missing `)`")),
            None => (s, None),
        };
        let no_arg = |v: Validator| match arg {
            None => Ok(v),
            Some(_) => Err(format!("validator `{name}` takes no argument")),
        };
        match name {
            "luhn" => no_arg(Validator::Luhn),
            "iban" => no_arg(Validator::Iban),
            "ipv4" => no_arg(Validator::Ipv4),
            "ipv6" => no_arg(Validator::Ipv6),
            "mac" => no_arg(Validator::Mac),
            "hostname" => no_arg(Validator::Hostname),
            "email-domain" => no_arg(Validator::EmailDomain),
            "atlassian-crc32" => no_arg(Validator::AtlassianCrc32),
            "github-crc32" => no_arg(Validator::GithubCrc32),
            "dc-token" => no_arg(Validator::DcToken),
            "not-placeholder" => no_arg(Validator::NotPlaceholder),
            "phone" => no_arg(Validator::Phone),
            "host-position" => no_arg(Validator::HostPosition),
            "user-name" => no_arg(Validator::UserName),
            "list-login" => no_arg(Validator::ListLogin),
            "no-service-account" => no_arg(Validator::NoServiceAccount),
            "list-host" => no_arg(Validator::ListHost),
            "sibling-host" => no_arg(Validator::SiblingHost),
            "person-name" => no_arg(Validator::PersonName),
            "name-words" => no_arg(Validator::NameWords),
            "org-name" => no_arg(Validator::OrgName),
            "given-name" => no_arg(Validator::GivenName),
            "introduced-name" => no_arg(Validator::IntroducedName),
            "uk-nino" => no_arg(Validator::UkNino),
            "properties-value" => no_arg(Validator::PropertiesValue),
            "home-user" => no_arg(Validator::HomeUser),
            "random-token" => no_arg(Validator::RandomToken),
            "basic-credential" => no_arg(Validator::BasicCredential),
            "entropy" => {
                let arg = arg.ok_or("validator `entropy` needs a minimum, e.g. `entropy(3.0)`")?;
                let bits: f64 = arg
                    .trim()
                    .parse()
                    .map_err(|_| format!("validator `entropy({arg})`: not a number"))?;
                if !(0.0..=8.0).contains(&bits) {
                    return Err(format!(
                        "validator `entropy({arg})`: bits per byte must be 0 to 8"
                    ));
                }
                Ok(Validator::Entropy(bits))
            }
            _ => Err(format!(
                "unknown validator `{name}` (known: {})",
                Validator::NAMES
            )),
        }
    }
}

/// How a value is normalised before it is hashed into a pseudonym, so that
/// spellings of the same thing get the same token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Normalize {
    /// Hash the bytes as they are.
    #[default]
    None,
    /// ASCII lower case (host names, user names).
    Lowercase,
    /// Percent-decode, then ASCII lower case (e-mail addresses, which also
    /// appear as `jane%40corp.com`).
    Email,
    /// Canonical IP address text (`FE80:0000::1` and `fe80::1` agree).
    Ip,
    /// Digits only (cards written with spaces or dashes).
    Digits,
    /// Letters and digits only, upper case (IBANs written in groups).
    CompactUpper,
}

impl Normalize {
    /// Names accepted in rule files.
    pub const NAMES: &'static str = "none, lowercase, email, ip, digits, compact-upper";

    /// Parses a rule-file name.
    pub fn parse(s: &str) -> Result<Normalize, String> {
        Ok(match s {
            "none" => Normalize::None,
            "lowercase" => Normalize::Lowercase,
            "email" => Normalize::Email,
            "ip" => Normalize::Ip,
            "digits" => Normalize::Digits,
            "compact-upper" => Normalize::CompactUpper,
            _ => {
                return Err(format!(
                    "unknown normalize `{s}` (known: {})",
                    Normalize::NAMES
                ));
            }
        })
    }
}

/// True when `label` is a valid token label: upper-case ASCII letters,
/// digits, `_` and inner `-`, starting with a letter, at most 24 bytes.
pub fn is_valid_label(label: &str) -> bool {
    let b = label.as_bytes();
    !b.is_empty()
        && b.len() <= 24
        && b[0].is_ascii_uppercase()
        && !label.ends_with('-')
        && b.iter()
            .all(|&c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_' || c == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validator_names_parse() {
        assert_eq!(Validator::parse("luhn"), Ok(Validator::Luhn));
        assert_eq!(
            Validator::parse("entropy(3.5)"),
            Ok(Validator::Entropy(3.5))
        );
        assert!(Validator::parse("entropy").is_err());
        assert!(Validator::parse("entropy(x)").is_err());
        assert!(Validator::parse("entropy(9)").is_err());
        assert!(Validator::parse("luhn(1)").is_err());
        assert!(
            Validator::parse("lunh")
                .unwrap_err()
                .contains("unknown validator")
        );
    }

    #[test]
    fn labels() {
        assert!(is_valid_label("EMAIL"));
        assert!(is_valid_label("PRIVATE-KEY"));
        assert!(is_valid_label("IPV4"));
        assert!(!is_valid_label("email"));
        assert!(!is_valid_label("4EMAIL"));
        assert!(!is_valid_label("EMAIL-"));
        assert!(!is_valid_label(""));
        assert!(!is_valid_label("E<MAIL"));
    }
}
