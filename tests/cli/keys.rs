//! Pseudonym keys: consistency across runs, and the key never shows.

use crate::util::*;

const LINE: &str = "login jane@corp.com from 10.20.30.40\n";

fn run_with(env_key: Option<&str>, key_file: Option<&std::path::Path>) -> String {
    let mut cmd = logscrub();
    cmd.env_remove("LOGSCRUB_KEY");
    if let Some(k) = env_key {
        cmd.env("LOGSCRUB_KEY", k);
    }
    if let Some(f) = key_file {
        cmd.arg("--key-file").arg(f);
    }
    let out = cmd.write_stdin(LINE).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stderr.is_empty());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn same_key_same_tokens_across_runs_other_key_other_tokens() {
    let dir = tmpdir();
    let k1 = write(dir.path(), "k1", "first-key-material-0001");
    let k2 = write(dir.path(), "k2", "other-key-material-0002");
    let a = run_with(None, Some(&k1));
    assert_eq!(a, run_with(None, Some(&k1)));
    assert_ne!(a, run_with(None, Some(&k2)));
    // The environment variable with the same bytes gives the same tokens.
    assert_eq!(a, run_with(Some("first-key-material-0001"), None));
    // --key-file wins over LOGSCRUB_KEY.
    assert_eq!(a, run_with(Some("other-key-material-0002"), Some(&k1)));
}

#[test]
fn without_a_key_tokens_are_consistent_within_a_run_only() {
    let two_lines = format!("{LINE}{LINE}");
    let mut cmd = logscrub();
    cmd.env_remove("LOGSCRUB_KEY");
    let out = cmd.write_stdin(two_lines.clone()).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], lines[1], "consistent within the run");
    let mut cmd = logscrub();
    cmd.env_remove("LOGSCRUB_KEY");
    let again = cmd.write_stdin(two_lines).output().unwrap();
    assert_ne!(text.as_bytes(), &again.stdout[..], "random key per run");
}

#[test]
fn the_key_never_appears_in_output_or_errors() {
    let secret_key = "SECRET-KEY-MATERIAL-DO-NOT-LEAK";
    let dir = tmpdir();
    let kf = write(dir.path(), "k", secret_key);
    let out = logscrub()
        .arg("--key-file")
        .arg(&kf)
        .write_stdin("hello 10.0.0.1 jane@corp.com\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!contains(&out.stdout, secret_key.as_bytes()));
    assert!(!contains(&out.stderr, secret_key.as_bytes()));
    // Errors name the key source, never the material.
    let short = write(dir.path(), "short", "tiny-k3y");
    let out = logscrub()
        .arg("--key-file")
        .arg(&short)
        .write_stdin("x\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("at least 16"), "{stderr}");
    assert!(!stderr.contains("tiny-k3y"), "{stderr}");
    let out = logscrub()
        .env("LOGSCRUB_KEY", "short-env-k3y")
        .write_stdin("x\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!contains(&out.stderr, b"short-env-k3y"));
}

#[test]
fn missing_key_file_is_a_usage_error() {
    let dir = tmpdir();
    logscrub()
        .arg("--key-file")
        .arg(dir.path().join("none"))
        .write_stdin("x\n")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("key: "));
}

#[test]
fn key_new_prints_a_strong_random_key_that_works_as_a_key_file() {
    let dir = tmpdir();
    let a = logscrub().args(["key", "new"]).output().unwrap();
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    let b = logscrub().args(["key", "new"]).output().unwrap();
    assert_eq!(a.stdout.len(), 44, "32 bytes in base64, no newline");
    assert_ne!(a.stdout, b.stdout);
    let kf = write(dir.path(), "k", &a.stdout);
    // No warning, and the same text through the variable gives the same
    // tokens.
    let env = String::from_utf8(a.stdout).unwrap();
    assert_eq!(run_with(Some(&env), None), run_with(None, Some(&kf)));
}

#[test]
fn weak_keys_are_used_with_a_warning_that_never_shows_them() {
    let dir = tmpdir();
    for (material, why) in [
        ("aaaaaaaaaaaaaaaaaaaaaaaa", "one byte repeated"),
        ("Password1234567!\n", "dictionary word"),
        ("abcdabcdabcdabcdabcdabcd", "pattern repeated"),
    ] {
        let kf = write(dir.path(), "weak", material);
        let out = logscrub()
            .arg("--key-file")
            .arg(&kf)
            .write_stdin(LINE)
            .output()
            .unwrap();
        assert!(out.status.success());
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.contains("warning: the key from --key-file looks weak") && err.contains(why),
            "{err}"
        );
        assert!(err.contains("logscrub key new"), "{err}");
        assert!(!err.contains(material.trim_end()), "{err}");
        let out = logscrub()
            .env("LOGSCRUB_KEY", material.trim_end())
            .write_stdin(LINE)
            .output()
            .unwrap();
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains("key from LOGSCRUB_KEY looks weak"), "{err}");
    }
}
