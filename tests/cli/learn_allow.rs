//! `--allow` and `--learn`.

use crate::util::*;

#[test]
fn allow_entries_exempt_only_their_own_values() {
    let dir = tmpdir();
    let allow = write(
        dir.path(),
        "allow.txt",
        "# vendor\n*.vendor.com\n10.0.0.1\n",
    );
    let input = "api.vendor.com jane@vendor.com 10.0.0.1 10.0.0.2 https://bob:pw123@api.vendor.com/x db.acme.com\n";
    let out = logscrub()
        .arg("--allow")
        .arg(&allow)
        .write_stdin(input)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for kept in [
        "api.vendor.com jane@vendor.com 10.0.0.1 ",
        "@api.vendor.com/x",
    ] {
        assert!(text.contains(kept), "{kept} missing: {text}");
    }
    for gone in ["10.0.0.2", "bob", "pw123", "db.acme.com"] {
        assert!(!text.contains(gone), "{gone} kept: {text}");
    }
}

#[test]
fn exact_allow_entry_does_not_cover_subdomains() {
    let dir = tmpdir();
    let allow = write(dir.path(), "allow.txt", "atlassian.net\n");
    let out = logscrub()
        .arg("--allow")
        .arg(&allow)
        .write_stdin("see atlassian.net and acme.atlassian.net\n")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("see atlassian.net and <HOST-"), "{text}");
}

#[test]
fn bad_allow_file_names_the_line() {
    let dir = tmpdir();
    let allow = write(dir.path(), "allow.txt", "ok.com\ntwo words\n");
    logscrub()
        .arg("--allow")
        .arg(&allow)
        .write_stdin("x\n")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("allow.txt: line 2"));
}

const LEARN_LOG: &str = "node jira-prod-01 restarted\nBase URL is https://jira-prod-01:8443/jira\nnode jira-prod-01 ready\n";

fn learn_run(mode: &str, via_file: bool) -> Vec<String> {
    let dir = tmpdir();
    let input = write(dir.path(), "app.log", LEARN_LOG);
    let mut cmd = logscrub();
    cmd.args(["--learn", mode]);
    let out = if via_file {
        cmd.arg(&input).output().unwrap()
    } else {
        cmd.write_stdin(LEARN_LOG).output().unwrap()
    };
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn learned_hosts_in_files_are_replaced_everywhere() {
    let lines = learn_run("auto", true);
    assert!(
        lines.iter().all(|l| !l.contains("jira-prod-01")),
        "{lines:?}"
    );
    // The same token everywhere.
    let token = &token_of(&lines[1], "HOST").expect("a host token");
    assert!(
        lines[0].contains(token) && lines[2].contains(token),
        "{lines:?}"
    );
}

#[test]
fn learned_hosts_on_a_pipe_count_from_where_they_are_found() {
    let lines = learn_run("auto", false);
    assert_eq!(lines[0], "node jira-prod-01 restarted");
    assert!(
        !lines[1].contains("jira-prod-01") && !lines[2].contains("jira-prod-01"),
        "{lines:?}"
    );
    assert_eq!(
        learn_run("stream", true),
        lines,
        "stream mode reads files like a pipe"
    );
}

#[test]
fn learning_off_redacts_only_reliable_positions() {
    let lines = learn_run("off", true);
    assert_eq!(lines[0], "node jira-prod-01 restarted");
    assert!(!lines[1].contains("jira-prod-01"));
    assert_eq!(lines[2], "node jira-prod-01 ready");
}

#[test]
fn stdin_redirected_from_a_file_is_read_like_a_file() {
    let dir = tmpdir();
    let input = write(dir.path(), "app.log", LEARN_LOG);
    // A real redirection (`logscrub < app.log`), not a pipe.
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("logscrub"))
        .env("LOGSCRUB_KEY", KEY)
        .stdin(std::fs::File::open(&input).unwrap())
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("jira-prod-01"), "{text}");
}

/// A named pipe (as `<(cat app.log)` gives) can be read only once: in
/// `auto` mode it is redacted without the rewinding first pass instead of
/// failing with "Illegal seek".
#[cfg(unix)]
#[test]
fn named_pipe_input_learns_as_it_goes() {
    let dir = tmpdir();
    let fifo = dir.path().join("app.log");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, LEARN_LOG).unwrap())
    };
    let out = logscrub().arg(&fifo).output().unwrap();
    writer.join().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    // A small input is held whole and learned at once; a large one learns
    // from where a name is found. Either way the later mentions are gone.
    assert!(lines[0].starts_with("node "), "{text}");
    assert!(!lines[1].contains("jira-prod-01") && !lines[2].contains("jira-prod-01"));
}

/// Find once, redact everywhere: a value a rule finds in one file of a
/// folder is replaced wherever it appears as a whole token, in every file,
/// also before the line that revealed it; with `--learn off` it is not.
#[test]
fn a_value_found_in_one_file_is_gone_from_every_file() {
    let dir = tmpdir();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    write(
        &input,
        "a.log",
        "reviewers [zkowalczyk, hnguyen7] opened by zkowalczyk\n",
    );
    write(
        &input,
        "b.log",
        "x\nuser=zkowalczyk logged in as hnguyen7? no: user=hnguyen7\n",
    );
    write(
        &input,
        "c.log",
        "refs/heads/zkowalczyk/fix zkowalczyk's page ~hnguyen7\n",
    );
    for (mode, leaks) in [("auto", false), ("off", true)] {
        let out = dir.path().join(format!("out-{mode}"));
        let run = logscrub()
            .args(["-q", "--learn", mode, "-o"])
            .arg(&out)
            .arg(&input)
            .output()
            .unwrap();
        assert!(run.status.success(), "{mode}: {run:?}");
        let mut all = Vec::new();
        for f in ["a.log", "b.log", "c.log"] {
            all.extend(std::fs::read(out.join(f)).unwrap());
        }
        let text = String::from_utf8(all).unwrap();
        assert_eq!(
            text.contains("zkowalczyk") || text.contains("hnguyen7"),
            leaks,
            "{mode}: {text}"
        );
        if !leaks {
            // One value, one token, in every file.
            assert!(text.contains("refs/heads/<USER-"), "{text}");
            assert!(text.contains("'s page ~<USER-"), "{text}");
        }
    }
}

/// A pipe learns a value from the line where it is first found: earlier
/// on that line too, never on lines before it.
#[test]
fn a_pipe_learns_from_the_whole_line_that_reveals_a_value() {
    let out = logscrub()
        .write_stdin(
            "early vkrasnova7\nopened by vkrasnova7 for user=vkrasnova7\nlater vkrasnova7\n",
        )
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0], "early vkrasnova7",
        "a pipe cannot take back line 1"
    );
    assert!(
        !lines[1].contains("vkrasnova7") && !lines[2].contains("vkrasnova7"),
        "{text}"
    );
}

/// Ordinary words, service accounts and code identifiers are not learned
/// even when a rule finds them in a user position.
#[test]
fn words_and_service_accounts_are_not_learned() {
    let out = logscrub()
        .write_stdin("user=admin user=jenkins user=server\nthe admin server of jenkins restarted\n")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.ends_with("the admin server of jenkins restarted\n"),
        "{text}"
    );
}

/// public services stay by default, a customer's names under
/// them do not, and `--no-default-allow` redacts them all.
#[test]
fn public_services_stay_unless_no_default_allow() {
    let input = "See https://confluence.atlassian.com/x/AAA and http://www.slf4j.org/codes.html \
                 xmlns=\"http://www.w3.org/2001/XMLSchema\" from notifications@github.com; \
                 https://acme.atlassian.net/browse/X-1 https://github.com/globex/app.git \
                 jdoe@github.com\n";
    let out = logscrub().write_stdin(input).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for kept in [
        "https://confluence.atlassian.com/x/AAA",
        "http://www.slf4j.org/codes.html",
        "http://www.w3.org/2001/XMLSchema",
        "notifications@github.com",
        "https://github.com/<USER-",
    ] {
        assert!(text.contains(kept), "{kept} missing: {text}");
    }
    for gone in ["acme.atlassian.net", "globex", "jdoe"] {
        assert!(!text.contains(gone), "{gone} kept: {text}");
    }
    let out = logscrub()
        .arg("--no-default-allow")
        .write_stdin(input)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for gone in [
        "confluence.atlassian.com",
        "www.slf4j.org",
        "www.w3.org",
        "notifications@github.com",
    ] {
        assert!(!text.contains(gone), "{gone} kept: {text}");
    }
}

/// an application's home folder and service-account homes are
/// no user's; a person's home still goes.
#[test]
fn app_and_service_homes_stay() {
    let input = "dir /opt/atlassian/jira/home/log, target/jira/home/indexes, /home/jenkins/ws, \
                 /home/priya.kumar/ws, c3p0-0.9.5.2, vm://bamboo, kubernetes.io/ingress.class\n";
    let out = logscrub().write_stdin(input).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for kept in [
        "/opt/atlassian/jira/home/log",
        "target/jira/home/indexes",
        "/home/jenkins/ws",
        "c3p0-0.9.5.2",
        "vm://bamboo",
        "kubernetes.io/ingress.class",
    ] {
        assert!(text.contains(kept), "{kept} missing: {text}");
    }
    assert!(!text.contains("priya"), "{text}");
}
