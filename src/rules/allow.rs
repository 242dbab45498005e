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
//! There is no default allow list: every finding is redacted unless the user
//! says otherwise. `examples/allow-public-services.txt` is a ready list of
//! well-known public service hosts (`github.com`, `repo1.maven.org`, ...)
//! for those who want them kept.

use std::collections::HashSet;
use std::path::Path;

use crate::error::{Error, Result};

/// A set of allowed values and domains.
#[derive(Debug, Clone, Default)]
pub struct AllowList {
    values: HashSet<Vec<u8>>,
    /// Lower-case domains of `*.domain` entries.
    domains: Vec<Vec<u8>>,
}

impl AllowList {
    /// Parses an allow file named `path` (for error messages).
    pub fn parse(path: &Path, text: &str) -> Result<AllowList> {
        let mut list = AllowList::default();
        list.add_text(path, text)?;
        Ok(list)
    }

    /// Adds the entries of an allow file.
    pub fn add_text(&mut self, path: &Path, text: &str) -> Result<()> {
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
                    self.domains.push(domain.to_vec());
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
    }

    /// True when the list has no entry.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty() && self.domains.is_empty()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.values.len() + self.domains.len()
    }

    /// True when `value` (a whole finding) is allowed.
    pub fn allows(&self, value: &[u8]) -> bool {
        if self.is_empty() || value.len() > 512 {
            return false;
        }
        let mut lower: Vec<u8> = value.to_ascii_lowercase();
        if lower.last() == Some(&b'.') {
            lower.pop();
        }
        if self.values.contains(&lower) {
            return true;
        }
        // A host, or the domain of an e-mail address.
        let host = match memchr::memrchr(b'@', &lower) {
            Some(at) => &lower[at + 1..],
            None => &lower[..],
        };
        self.domains.iter().any(|d| {
            host == d.as_slice()
                || (host.len() > d.len()
                    && host.ends_with(d)
                    && host[host.len() - d.len() - 1] == b'.')
        })
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
    fn bad_entries_name_the_line() {
        let e = AllowList::parse(Path::new("a.txt"), "ok\nbad entry\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("a.txt: line 2"), "{e}");
        assert!(AllowList::parse(Path::new("a.txt"), "a*b\n").is_err());
    }
}
