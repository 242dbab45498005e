//! Allow lists: values that stay even though a rule finds them.
//!
//! An allow file holds one entry per line; `#` starts a comment. An entry is
//! either a value (`jira.vendor.com`, `10.0.0.1`, `support@vendor.com`),
//! which exempts exactly that value (compared without regard to ASCII case),
//! or `*.domain`, which exempts `domain`, every host name under it and every
//! e-mail address at those names. An entry exempts only findings whose whole
//! value it matches: it never silences another finding on the same line, and
//! `atlassian.net` does not exempt a customer's `acme.atlassian.net`.
//!
//! The built-in list (`rules/allow-public.txt`, embedded like the rules) keeps
//! public documentation, vendor, standards, registry and certificate
//! authority hosts and a few public no-reply addresses; `--no-default-allow`
//! leaves it out. It is written in the same format with one difference: its
//! `*.domain` entries cover host names only, never e-mail addresses, because a
//! person's address at a public service (`jdoe@github.com`) is still
//! personal. Multi-tenant domains (`atlassian.net`, `jira.com`,
//! `amazonaws.com`) have exact entries only, so a customer's
//! `acme.atlassian.net` is still redacted.

use std::collections::HashSet;
use std::path::Path;

use crate::error::{Error, Result};

/// The built-in allow list, compiled into the binary.
pub const BUILTIN: (&str, &str) = (
    "allow-public.txt",
    include_str!("../../rules/allow-public.txt"),
);

/// What a `*.domain` entry covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wildcard {
    /// The domain, its host names and e-mail addresses there (`--allow` files).
    HostsAndMail,
    /// The domain and its host names only (the built-in list).
    HostsOnly,
}

/// A set of allowed values and domains.
#[derive(Debug, Clone, Default)]
pub struct AllowList {
    values: HashSet<Vec<u8>>,
    /// Lower-case domains of `*.domain` entries that cover hosts and mail.
    domains: HashSet<Vec<u8>>,
    /// Lower-case domains of `*.domain` entries that cover hosts only.
    host_domains: HashSet<Vec<u8>>,
}

impl AllowList {
    /// Parses an allow file named `path` (for error messages).
    pub fn parse(path: &Path, text: &str) -> Result<AllowList> {
        let mut list = AllowList::default();
        list.add_text(path, text)?;
        Ok(list)
    }

    /// The built-in list of public services.
    pub fn builtin() -> Result<AllowList> {
        let mut list = AllowList::default();
        list.add_text_with(
            &Path::new("<embedded>").join(BUILTIN.0),
            BUILTIN.1,
            Wildcard::HostsOnly,
        )?;
        Ok(list)
    }

    /// Adds the entries of an allow file.
    pub fn add_text(&mut self, path: &Path, text: &str) -> Result<()> {
        self.add_text_with(path, text, Wildcard::HostsAndMail)
    }

    /// Adds the entries of an allow file whose `*.domain` entries cover
    /// what `wildcard` says.
    pub fn add_text_with(&mut self, path: &Path, text: &str, wildcard: Wildcard) -> Result<()> {
        for (i, line) in text.lines().enumerate() {
            let entry = line.split('#').next().unwrap_or_default().trim();
            if entry.is_empty() {
                continue;
            }
            if entry.contains(char::is_whitespace) {
                return Err(Error::RuleFile {
                    path: path.to_path_buf(),
                    reason: format!("line {}: an allow entry is one value without spaces", i + 1),
                });
            }
            let lower = entry.to_ascii_lowercase().into_bytes();
            match lower.strip_prefix(b"*.") {
                Some(domain) if !domain.is_empty() && !domain.contains(&b'*') => {
                    match wildcard {
                        Wildcard::HostsAndMail => self.domains.insert(domain.to_vec()),
                        Wildcard::HostsOnly => self.host_domains.insert(domain.to_vec()),
                    };
                }
                _ if lower.contains(&b'*') => {
                    return Err(Error::RuleFile {
                        path: path.to_path_buf(),
                        reason: format!(
                            "line {}: `*` is allowed only as `*.domain` at the start",
                            i + 1
                        ),
                    });
                }
                _ => {
                    self.values.insert(lower);
                }
            }
        }
        Ok(())
    }

    /// Adds every entry of `other`.
    pub fn extend(&mut self, other: &AllowList) {
        self.values.extend(other.values.iter().cloned());
        self.domains.extend(other.domains.iter().cloned());
        self.host_domains.extend(other.host_domains.iter().cloned());
    }

    /// True when the list has no entry.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty() && self.domains.is_empty() && self.host_domains.is_empty()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.values.len() + self.domains.len() + self.host_domains.len()
    }

    /// True when `value` (a whole finding) is allowed.
    pub fn allows(&self, value: &[u8]) -> bool {
        // Every finding of a run comes here, and the built-in list is on by
        // default: no allocation, and one set lookup per label.
        if self.is_empty() || value.len() > 512 {
            return false;
        }
        let mut buf = [0u8; 512];
        let lower = &mut buf[..value.len()];
        lower.copy_from_slice(value);
        lower.make_ascii_lowercase();
        let lower: &[u8] = lower.strip_suffix(b".").unwrap_or(lower);
        if self.values.contains(lower) {
            return true;
        }
        if self.domains.is_empty() && self.host_domains.is_empty() {
            return false;
        }
        // A host, or the domain of an e-mail address.
        let (host, mail) = match memchr::memrchr(b'@', lower) {
            Some(at) => (&lower[at + 1..], true),
            None => (lower, false),
        };
        // `host` and every name it ends in at a label boundary.
        let mut rest = host;
        loop {
            if self.domains.contains(rest) || (!mail && self.host_domains.contains(rest)) {
                return true;
            }
            match memchr::memchr(b'.', rest) {
                Some(dot) => rest = &rest[dot + 1..],
                None => return false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(text: &str) -> AllowList {
        AllowList::parse(Path::new("allow.txt"), text).unwrap()
    }

    #[test]
    fn exact_values_only_match_themselves() {
        let l = list("# vendor\natlassian.net\n10.0.0.1  # build box\n");
        assert!(l.allows(b"atlassian.net"));
        assert!(l.allows(b"Atlassian.NET."));
        assert!(l.allows(b"10.0.0.1"));
        assert!(!l.allows(b"acme.atlassian.net"));
        assert!(!l.allows(b"10.0.0.10"));
    }

    #[test]
    fn wildcard_domains_cover_hosts_and_mail() {
        let l = list("*.vendor.com\n");
        assert!(l.allows(b"vendor.com"));
        assert!(l.allows(b"api.vendor.com"));
        assert!(l.allows(b"support@vendor.com"));
        assert!(!l.allows(b"evilvendor.com"));
        assert!(!l.allows(b"vendor.com.evil.io"));
    }

    #[test]
    fn host_only_wildcards_leave_mail_alone() {
        let mut l = AllowList::default();
        l.add_text_with(Path::new("a.txt"), "*.apache.org\n", Wildcard::HostsOnly)
            .unwrap();
        assert!(l.allows(b"apache.org"));
        assert!(l.allows(b"logging.apache.org"));
        assert!(!l.allows(b"jdoe@apache.org"));
        assert!(!l.allows(b"jdoe@logging.apache.org"));
        assert!(!l.allows(b"apache.org.evil.io"));
    }

    #[test]
    fn builtin_list_keeps_public_services_only() {
        let l = AllowList::builtin().unwrap();
        for public in [
            "confluence.atlassian.com",
            "docs.atlassian.com",
            "www.slf4j.org",
            "www.w3.org",
            "maven.apache.org",
            "repo1.maven.org",
            "github.com",
            "www.oracle.com",
            "jdbc.postgresql.org",
            "tomcat.apache.org",
            "schemas.xmlsoap.org",
            "java.sun.com",
            "xmlns.jcp.org",
            "www.springframework.org",
            "hibernate.org",
            "ocsp.digicert.com",
            "kubernetes.io",
            "networking.k8s.io",
            "notifications@github.com",
            "noreply@github.com",
        ] {
            assert!(l.allows(public.as_bytes()), "{public}");
        }
        for customer in [
            "acme.atlassian.net",
            "acme.jira.com",
            "acme-builds.s3.amazonaws.com",
            "acme.github.io",
            "jdoe@github.com",
            "jdoe@atlassian.com",
            "noreply@acme.com",
            "12345+jdoe@users.noreply.github.com",
            "build01.internal.atlassian.com",
        ] {
            assert!(!l.allows(customer.as_bytes()), "{customer}");
        }
    }

    #[test]
    fn bad_entries_name_the_line() {
        let e = AllowList::parse(Path::new("a.txt"), "ok\nbad entry\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("a.txt: line 2"), "{e}");
        assert!(AllowList::parse(Path::new("a.txt"), "a*b\n").is_err());
    }
}
