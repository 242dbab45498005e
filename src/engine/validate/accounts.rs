//! User names and the home folders that reveal them.

use super::{is_placeholder, trim_quotes};

/// A user name: not a placeholder, not a number, not one of the names that
/// stand for nobody (`anonymous`, `unknown`, `-`).
pub fn user_name(value: &[u8]) -> bool {
    let v = trim_quotes(value);
    if v.len() < 2 || is_placeholder(v) || v.iter().all(u8::is_ascii_digit) {
        return false;
    }
    // `com.apple.iokit.IO80211Family`: a bundle or package name.
    if let Some(dot) = memchr::memchr(b'.', v)
        && super::host::is_code_root(&v[..dot].to_ascii_lowercase())
    {
        return false;
    }
    // `c.a.j.rest.v2.issue.UserResource`: a logger's class name with its
    // packages cut to their first letters.
    if v.len() > 4
        && v[0].is_ascii_lowercase()
        && v[1] == b'.'
        && v.iter().filter(|&&c| c == b'.').count() >= 2
        && v.rsplit(|&c| c == b'.')
            .next()
            .is_some_and(|last| last.first().is_some_and(u8::is_ascii_uppercase))
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

/// The system and service accounts of `rules/service-accounts.txt`, lower case.
static SERVICE_ACCOUNTS: std::sync::LazyLock<Vec<Vec<u8>>> = std::sync::LazyLock::new(|| {
    include_str!("../../../rules/service-accounts.txt")
        .lines()
        .map(|l| l.split('#').next().unwrap_or_default().trim())
        .filter(|l| !l.is_empty())
        .map(|l| l.to_ascii_lowercase().into_bytes())
        .collect()
});

/// An element of a list of users (`reviewers: [kmeyer, anna.berg]`): a
/// [`user_name`] that is no ordinary English or log word unless it is a
/// known given name (`grant`, `mark`), so `users: [all]` stays.
pub fn list_login(value: &[u8]) -> bool {
    let v = trim_quotes(value);
    if !user_name(v) || v.len() > 64 {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    let word = lower.iter().all(u8::is_ascii_lowercase);
    !(word
        && (crate::rules::dictionary::is_english_word(&lower)
            || crate::rules::dictionary::is_log_word(&lower))
        && !crate::rules::dictionary::is_given_name(&lower))
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_logins_are_no_words() {
        for u in ["kmeyer", "anna.berg", "grant", "JDOE2", "t_holt"] {
            assert!(list_login(u.as_bytes()), "{u}");
        }
        for u in ["all", "active", "none", "12", "disabled", "jira"] {
            assert!(!list_login(u.as_bytes()), "{u}");
        }
    }

    #[test]
    fn user_names() {
        for u in [
            "root",
            "jdoe",
            "anna.kowalski",
            "webmaster",
            "a.oyelaran",
            "j.Smith",
        ] {
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
            "c.a.j.rest.v2.issue.UserResource",
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
}
