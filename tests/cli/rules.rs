//! Rule files: loading, errors, `rules list`, `rules check`.

use crate::util::*;

const GOOD: &str = r#"
[[rule]]
id = "acme.ticket"
label = "TICKET"
description = "ACME support ticket numbers"
pattern = 'ACME-[0-9]{6}'
keywords = ["ACME-"]
examples = [{ input = "see ACME-123456 now", output = "see <TICKET> now" }]
negative_examples = ["ACME-12"]
"#;

#[test]
fn user_rules_add_to_the_defaults() {
    let dir = tmpdir();
    let rules = write(dir.path(), "acme.toml", GOOD);
    let out = logscrub()
        .arg("--rules")
        .arg(&rules)
        .write_stdin("ticket ACME-123456 from 10.1.2.3\n")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("<TICKET-") && text.contains("<IPV4-"),
        "{text}"
    );
}

#[test]
fn no_default_rules_uses_only_user_rules() {
    let dir = tmpdir();
    write(dir.path(), "rules/acme.toml", GOOD);
    let out = logscrub()
        .arg("--no-default-rules")
        .arg("--rules")
        .arg(dir.path().join("rules"))
        .write_stdin("ticket ACME-123456 from 10.1.2.3\n")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("<TICKET-") && text.contains("10.1.2.3"),
        "{text}"
    );
}

#[test]
fn no_rules_at_all_is_a_usage_error() {
    logscrub()
        .arg("--no-default-rules")
        .write_stdin("x\n")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no rules"));
}

fn load_error(text: &str) -> String {
    let dir = tmpdir();
    let rules = write(dir.path(), "bad.toml", text);
    let out = logscrub()
        .arg("--rules")
        .arg(&rules)
        .write_stdin("x\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        out.stdout.is_empty(),
        "nothing is written on a bad rule file"
    );
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn unknown_key_names_file_rule_and_key() {
    let e = load_error(&GOOD.replace("keywords =", "keywordz ="));
    assert!(e.contains("bad.toml: rule acme.ticket:"), "{e}");
    assert!(e.contains("keywordz"), "{e}");
}

#[test]
fn bad_regex_names_file_rule_and_problem() {
    let e = load_error(&GOOD.replace("[0-9]{6}", "[0-9{6}"));
    assert!(e.contains("bad.toml: rule acme.ticket: bad regex"), "{e}");
}

#[test]
fn regex_that_matches_empty_text_is_refused() {
    let e = load_error(&GOOD.replace("'ACME-[0-9]{6}'", "'[0-9]*'"));
    assert!(
        e.contains("rule acme.ticket: regex can match empty text"),
        "{e}"
    );
}

#[test]
fn bad_toml_names_the_file() {
    let e = load_error("[[rule]\nid = ");
    assert!(e.contains("bad.toml: not valid TOML"), "{e}");
}

#[test]
fn duplicate_of_a_builtin_id_is_refused() {
    let e = load_error(&GOOD.replace("acme.ticket", "net.email"));
    assert!(e.contains("duplicate id"), "{e}");
}

#[test]
fn rules_list_shows_ids_and_labels() {
    let out = logscrub().args(["rules", "list"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("ID "), "{text}");
    for id in ["net.email", "net.ipv4", "secret.pem-private-key"] {
        assert!(text.contains(id), "{id} missing:\n{text}");
    }
}

#[test]
fn rules_check_passes_on_builtins_and_good_files() {
    let dir = tmpdir();
    let rules = write(dir.path(), "acme.toml", GOOD);
    logscrub()
        .args(["rules", "check"])
        .arg(&rules)
        .assert()
        .success()
        .stdout(predicates::str::starts_with(
            "1 rules, 2 examples: all pass (and ",
        ))
        .stdout(predicates::str::contains(" built-in rules, "));
    // The file's own rules alone.
    logscrub()
        .args(["--no-default-rules", "rules", "check"])
        .arg(&rules)
        .assert()
        .success()
        .stdout("1 rules, 2 examples: all pass\n");
}

#[test]
fn rules_check_reports_a_failing_example() {
    let dir = tmpdir();
    let rules = write(
        dir.path(),
        "acme.toml",
        GOOD.replace(
            "output = \"see <TICKET> now\"",
            "output = \"see <OTHER> now\"",
        ),
    );
    let out = logscrub()
        .args(["rules", "check"])
        .arg(&rules)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("acme.toml: rule acme.ticket: example 1"),
        "{stderr}"
    );
    assert!(stderr.contains("expected: \"see <OTHER> now\""), "{stderr}");
    assert!(
        stderr.lines().all(|l| l.starts_with("logscrub: ")),
        "{stderr}"
    );
}

#[test]
fn rule_flags_may_come_before_the_rules_subcommand() {
    let dir = tmpdir();
    let rules = write(dir.path(), "good.toml", GOOD);
    for args in [
        vec![
            "--rules".into(),
            rules.clone().into_os_string(),
            "rules".into(),
            "list".into(),
        ],
        vec![
            "rules".into(),
            "list".into(),
            "--rules".into(),
            rules.clone().into_os_string(),
        ],
    ] {
        let out = logscrub().args(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        assert!(contains(&out.stdout, b"acme.ticket"), "{args:?}");
    }
    // The flags of a redaction run make no sense there.
    logscrub()
        .arg("-o")
        .arg(dir.path().join("x.log"))
        .args(["rules", "list"])
        .assert()
        .code(2);
    assert!(!dir.path().join("x.log").exists());
}
