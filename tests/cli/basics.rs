//! Inputs, outputs, exit codes.

use crate::util::*;

const LOG: &str = "2024-01-01 INFO login from 10.1.2.3 by jane@corp.com\n\
                   2024-01-01 INFO nothing here\r\n\
                   2024-01-01 WARN password=hunter2x\n";

#[test]
fn stdin_to_stdout_redacts_and_keeps_lines() {
    let out = logscrub()
        .write_stdin(LOG)
        .assert()
        .success()
        .get_output()
        .clone();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(newlines(text.as_bytes()), 3);
    for secret in ["10.1.2.3", "jane@corp.com", "hunter2x"] {
        assert!(!text.contains(secret), "{secret} leaked:\n{text}");
    }
    assert!(text.contains("2024-01-01 INFO nothing here\r\n"), "{text}");
    assert!(text.contains("<IPV4-") && text.contains("<EMAIL-") && text.contains("<PASSWORD-"));
    assert!(out.stderr.is_empty());
}

#[test]
fn dash_means_stdin() {
    let a = logscrub().arg("-").write_stdin(LOG).output().unwrap();
    let b = logscrub().write_stdin(LOG).output().unwrap();
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn file_to_stdout_and_to_output_file_agree() {
    let dir = tmpdir();
    let input = write(dir.path(), "app.log", LOG);
    let out_path = dir.path().join("redacted.log");
    let stdout = logscrub().arg(&input).output().unwrap();
    assert!(stdout.status.success());
    logscrub()
        .arg("-o")
        .arg(&out_path)
        .arg(&input)
        .assert()
        .success()
        .stdout("");
    assert_eq!(std::fs::read(&out_path).unwrap(), stdout.stdout);
    assert_eq!(
        std::fs::read(&input).unwrap(),
        LOG.as_bytes(),
        "input untouched"
    );
    assert_eq!(
        ls(dir.path()),
        vec!["app.log", "redacted.log"],
        "no temp files left"
    );
}

#[test]
fn several_inputs_are_concatenated_on_stdout() {
    let dir = tmpdir();
    let a = write(dir.path(), "a.log", "a 10.0.0.1\n");
    let b = write(dir.path(), "b.log", "b 10.0.0.1\n");
    let out = logscrub().arg(&a).arg(&b).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        &lines[0][2..],
        &lines[1][2..],
        "same value, same token across files"
    );
}

#[test]
fn missing_input_is_an_input_error_and_writes_nothing() {
    let dir = tmpdir();
    let out_path = dir.path().join("out.log");
    let assert = logscrub()
        .arg("-o")
        .arg(&out_path)
        .arg(dir.path().join("nope.log"))
        .assert()
        .code(3);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(stderr.starts_with("logscrub: "), "{stderr}");
    assert!(stderr.contains("nope.log"), "{stderr}");
    assert!(
        ls(dir.path()).is_empty(),
        "no output file: {:?}",
        ls(dir.path())
    );
}

#[test]
fn output_over_input_is_refused() {
    let dir = tmpdir();
    let input = write(dir.path(), "app.log", LOG);
    logscrub()
        .arg("-o")
        .arg(&input)
        .arg(&input)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("never writes over its input"));
    assert_eq!(std::fs::read(&input).unwrap(), LOG.as_bytes());
}

#[test]
fn folder_to_stdout_is_a_usage_error() {
    let dir = tmpdir();
    logscrub()
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("is a folder"));
}

#[test]
fn bad_flags_are_usage_errors() {
    logscrub().arg("--no-such-flag").assert().code(2);
    logscrub()
        .args(["-j", "0"])
        .write_stdin("x\n")
        .assert()
        .code(2);
    logscrub()
        .args(["--max-line-bytes", "12X"])
        .write_stdin("x\n")
        .assert()
        .code(2);
}

#[test]
fn help_and_version() {
    logscrub()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicates::str::contains("Examples:"));
    logscrub()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicates::str::starts_with("logscrub "));
}

#[test]
fn bytes_come_through_byte_identical() {
    // CRLF, a lone CR, invalid UTF-8, NUL, no final newline.
    let input: &[u8] = b"a\r\nb\rc\n\xff\xfe bad utf8 \x00 nul\nlast line without newline";
    let out = logscrub().write_stdin(input).output().unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, input);
}

#[test]
fn findings_next_to_invalid_utf8_are_redacted_and_the_rest_kept() {
    let input: &[u8] = b"\xff\xfe 10.9.8.7 \xc3\x28\r\n";
    let out = logscrub().write_stdin(input).output().unwrap();
    assert!(out.stdout.starts_with(b"\xff\xfe <IPV4-"));
    assert!(out.stdout.ends_with(b"> \xc3\x28\r\n"));
}

#[test]
fn threads_do_not_change_output() {
    let mut big = String::new();
    for i in 0..20_000 {
        big.push_str(&format!(
            "2024-01-01 12:00:{:02} INFO [t-{i}] user{i}@corp{}.com from 10.{}.{}.{} ok\n",
            i % 60,
            i % 7,
            i % 250,
            (i / 250) % 250,
            i % 200 + 1
        ));
    }
    let one = logscrub()
        .args(["-j1", "--chunk-bytes", "4K"])
        .write_stdin(big.clone())
        .output()
        .unwrap();
    let two = logscrub()
        .args(["-j2"])
        .write_stdin(big.clone())
        .output()
        .unwrap();
    let four = logscrub()
        .args(["-j4", "--chunk-bytes", "333"])
        .write_stdin(big)
        .output()
        .unwrap();
    assert!(one.status.success() && two.status.success() && four.status.success());
    assert_eq!(one.stdout, two.stdout);
    assert_eq!(one.stdout, four.stdout);
    assert_eq!(newlines(&one.stdout), 20_000);
}

#[test]
fn a_line_longer_than_the_limit_stops_output_before_it() {
    let mut input = b"first 10.0.0.1\nsecond\n".to_vec();
    input.extend(std::iter::repeat_n(b'a', 5000));
    input.extend_from_slice(b" 10.0.0.2\nafter\n");
    let out = logscrub()
        .args(["--max-line-bytes", "4K"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("line 3 is longer than 4096 bytes"),
        "{stderr}"
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with("first <IPV4-") && stdout.ends_with("\nsecond\n"),
        "{stdout}"
    );
}

#[test]
fn a_long_line_in_a_file_writes_every_line_before_it_and_names_its_number() {
    // Large enough for the first pass that files on disk get, with the
    // long line after 2,000 good ones.
    let dir = tmpdir();
    let mut input = Vec::new();
    for i in 0..2000 {
        input.extend_from_slice(format!("2024 INFO line {i} from 10.0.0.1\n").as_bytes());
    }
    input.extend(std::iter::repeat_n(b'a', 100_000));
    input.extend_from_slice(b" 10.0.0.2\nafter\n");
    let file = write(dir.path(), "app.log", &input);
    let by_name = logscrub()
        .args(["--max-line-bytes", "64K"])
        .arg(&file)
        .output()
        .unwrap();
    let redirected = logscrub()
        .args(["--max-line-bytes", "64K"])
        .pipe_stdin(&file)
        .unwrap()
        .output()
        .unwrap();
    for (out, name) in [(by_name, "app.log"), (redirected, "-")] {
        assert_eq!(out.status.code(), Some(3));
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(
            stderr.contains(&format!("{name}: line 2001 is longer than 65536 bytes")),
            "{stderr}"
        );
        assert_eq!(newlines(&out.stdout), 2000);
        assert!(!contains(&out.stdout, b"10.0.0.1"));
        let text = String::from_utf8_lossy(&out.stdout);
        let last = text.lines().last().unwrap();
        assert!(
            last.starts_with("2024 INFO line 1999 from <IPV4-"),
            "{last}"
        );
    }
}

#[test]
fn a_long_line_under_the_limit_is_redacted_whole() {
    let mut line = "x".repeat(3_000_000);
    line.push_str(" ops@corp.com ");
    line.push_str(&"y".repeat(3_000_000));
    line.push('\n');
    let out = logscrub().write_stdin(line).output().unwrap();
    assert!(out.status.success());
    assert!(!contains(&out.stdout, b"ops@corp.com"));
    assert_eq!(newlines(&out.stdout), 1);
}

#[test]
fn broken_pipe_is_quiet_success() {
    use std::io::{Read, Write};
    use std::process::{Command, Stdio};
    let bin = assert_cmd::cargo::cargo_bin("logscrub");
    let mut child = Command::new(bin)
        .env("LOGSCRUB_KEY", KEY)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let line = b"2024-01-01 INFO request from 10.1.2.3 done\n".repeat(1000);
        for _ in 0..400 {
            if stdin.write_all(&line).is_err() {
                break;
            }
        }
    });
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let status = child.wait().unwrap();
    writer.join().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(status.success(), "status {status:?}, stderr {stderr}");
    assert_eq!(stderr, "");
}

#[test]
fn man_page_and_completions_come_from_the_cli_definition() {
    let man = logscrub().arg("man").output().unwrap();
    assert!(man.status.success());
    let man = String::from_utf8(man.stdout).unwrap();
    assert!(
        man.contains(".TH logscrub 1") && man.contains(r"\-\-max\-line\-bytes"),
        "{man}"
    );
    // With a folder, the pages the main page refers to are there too.
    let dir = tmpdir();
    logscrub().arg("man").arg(dir.path()).assert().success();
    let pages = ls(dir.path());
    for page in ["logscrub.1", "logscrub-rules.1", "logscrub-rules-check.1"] {
        assert!(pages.contains(&page.to_string()), "{pages:?}");
    }
    assert!(man.contains(r"logscrub\-rules(1)"), "{man}");
    for section in [
        ".SH \"EXIT STATUS\"",
        ".SH ENVIRONMENT",
        "LOGSCRUB_KEY",
        "NO_COLOR",
    ] {
        assert!(man.contains(section), "{section} missing:\n{man}");
        let page = std::fs::read_to_string(dir.path().join("logscrub.1")).unwrap();
        assert!(page.contains(section), "{section} missing in logscrub.1");
    }
    for shell in ["bash", "zsh", "fish"] {
        let out = logscrub().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        assert!(contains(&out.stdout, b"key-file"), "{shell}");
    }
}

#[test]
fn color_follows_the_flag_and_no_color() {
    let esc = |args: &[&str], no_color: bool| {
        let mut cmd = logscrub();
        if no_color {
            cmd.env("NO_COLOR", "1");
        }
        let out = cmd.args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        contains(&out.stderr, b"\x1b[")
    };
    assert!(esc(&["--color", "always", "--nope"], false));
    assert!(!esc(&["--color", "never", "--nope"], false));
    // On a pipe, auto means no colour.
    assert!(!esc(&["--nope"], false));
    assert!(!esc(&["--color=auto", "--nope"], true));
}

#[test]
fn color_applies_to_logscrubs_own_messages() {
    let stderr = |when: &str| {
        let out = logscrub()
            .args(["--color", when, "no-such-file.log"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(3));
        String::from_utf8(out.stderr).unwrap()
    };
    let plain = stderr("never");
    assert!(plain.starts_with("logscrub: no-such-file.log"), "{plain}");
    assert!(!plain.contains('\x1b'), "{plain}");
    let colored = stderr("always");
    assert!(colored.starts_with("\x1b["), "{colored:?}");
    assert!(colored.contains("logscrub:"), "{colored:?}");
    // Only the prefix is styled: the message itself is the same.
    assert!(
        colored.ends_with(&plain["logscrub:".len()..]),
        "{colored:?}"
    );
}

#[test]
fn check_never_calls_a_failed_file_clean() {
    let out = logscrub()
        .args(["--check", "no-such-file.log"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("1 file could not be checked"), "{err}");
}

#[test]
fn dash_output_means_stdout() {
    let dir = tmpdir();
    let a = write(dir.path(), "a.log", "a 10.0.0.1\n");
    let b = write(dir.path(), "b.log", "b 10.0.0.1\n");
    let plain = logscrub().arg(&a).arg(&b).output().unwrap();
    let dash = logscrub()
        .current_dir(dir.path())
        .args(["-o", "-"])
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    assert!(
        dash.status.success(),
        "{}",
        String::from_utf8_lossy(&dash.stderr)
    );
    assert_eq!(dash.stdout, plain.stdout);
    assert!(dash.stderr.is_empty());
    assert_eq!(ls(dir.path()), vec!["a.log", "b.log"], "no file named -");
}

#[test]
fn several_inputs_need_an_output_written_as_a_folder() {
    let dir = tmpdir();
    let a = write(dir.path(), "a.log", "a 10.0.0.1\n");
    let b = write(dir.path(), "b.log", "b 10.0.0.1\n");
    // Neither a folder nor concatenated: refused, and nothing is created.
    logscrub()
        .arg("-o")
        .arg(dir.path().join("both.log"))
        .arg(&a)
        .arg(&b)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "several inputs go into a folder; write it as",
        ));
    assert_eq!(ls(dir.path()), vec!["a.log", "b.log"]);
    // A trailing `/` or an existing folder says it is one.
    logscrub()
        .arg("-o")
        .arg(dir.path().join("new/"))
        .arg(&a)
        .arg(&b)
        .assert()
        .success();
    assert_eq!(ls(&dir.path().join("new")), vec!["a.log", "b.log"]);
    std::fs::create_dir(dir.path().join("old")).unwrap();
    logscrub()
        .arg("-o")
        .arg(dir.path().join("old"))
        .arg(&a)
        .arg(&b)
        .assert()
        .success();
    assert_eq!(ls(&dir.path().join("old")), vec!["a.log", "b.log"]);
}

/// A terminal on stdin is read (a pasted stack trace), with one line on
/// stderr that says so. Runs where util-linux `script` can give logscrub a
/// terminal.
#[cfg(target_os = "linux")]
#[test]
fn a_terminal_on_stdin_is_read_with_a_hint() {
    use std::process::{Command, Stdio};
    let has_script = Command::new("script")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !has_script {
        return;
    }
    let bin = program();
    // `script` runs logscrub on a terminal, types stdin into it and ends
    // with Ctrl-D when stdin closes; its output is the terminal's. The line
    // is typed once the hint is out, so that its echo cannot run into the
    // hint; only the redacted copy of it is looked for.
    let mut child = Command::new("script")
        .arg("-qec")
        .arg(format!("{} --color never", bin.display()))
        .arg("/dev/null")
        .env("LOGSCRUB_KEY", KEY)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = std::io::Read::read(&mut stdout, &mut buf) {
            if tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    let hint: &[u8] = b"logscrub: reading stdin (a terminal); Ctrl-D ends";
    while !contains(&seen, hint) {
        let part = rx
            .recv_timeout(hang_limit())
            .unwrap_or_else(|_| panic!("no hint: {}", String::from_utf8_lossy(&seen)));
        seen.extend(part);
    }
    let mut stdin = child.stdin.take().unwrap();
    std::io::Write::write_all(&mut stdin, b"login from 10.1.2.3\n").unwrap();
    drop(stdin);
    while let Ok(part) = rx.recv_timeout(hang_limit()) {
        seen.extend(part);
    }
    let status = child.wait().unwrap();
    let text = String::from_utf8_lossy(&seen);
    assert!(status.success(), "{text}");
    assert!(text.contains("login from <IPV4-"), "{text}");
}

#[test]
fn usage_errors_carry_the_prefix() {
    let o = logscrub().arg("--no-such-flag").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.starts_with("logscrub: unexpected argument '--no-such-flag'"),
        "{err}"
    );
    assert!(err.contains("Usage: logscrub"), "{err}");
}

/// A write error names what could not be written, not the input.
#[cfg(target_os = "linux")]
#[test]
fn write_errors_name_the_output() {
    let dir = tmpdir();
    let input = write(dir.path(), "x.log", "a 10.0.0.1\n");
    let o = logscrub()
        .args(["-o", "/dev/full"])
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.starts_with("logscrub: /dev/full: cannot write"),
        "{err}"
    );
    let full = std::fs::File::create("/dev/full").unwrap();
    let bin = program();
    let o = std::process::Command::new(bin)
        .env("LOGSCRUB_KEY", KEY)
        .arg(&input)
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.starts_with("logscrub: stdout: cannot write"), "{err}");
}

#[test]
fn a_log_that_starts_with_nul_bytes_is_text() {
    // copytruncate rotation leaves the old length as NUL bytes before the
    // new lines; a run can also sit between lines.
    let dir = tmpdir();
    let mut data = vec![0u8; 20_000];
    data.extend_from_slice(b"2024-01-01 INFO login from 10.1.2.3\n");
    data.extend_from_slice(&[0u8; 300]);
    data.extend_from_slice(b"2024-01-01 INFO by jane@corp.com\n");
    let input = write(dir.path(), "catalina.out", &data);
    let out = logscrub()
        .arg(&input)
        .assert()
        .success()
        .get_output()
        .clone();
    let text = out.stdout;
    assert!(text.starts_with(&[0u8; 20_000]));
    assert!(!contains(&text, b"10.1.2.3") && !contains(&text, b"jane@corp.com"));
    assert!(contains(&text, b"2024-01-01 INFO login from <IPV4-"));
    assert!(contains(&text, &[0u8; 300]));
    assert_eq!(newlines(&text), 2);
    // Into a folder, it is redacted too, not left out.
    let folder = write(dir.path(), "logs/catalina.out", &data);
    let red = dir.path().join("red");
    logscrub()
        .arg("-q")
        .arg("-o")
        .arg(&red)
        .arg(folder.parent().unwrap())
        .assert()
        .success();
    assert_eq!(std::fs::read(red.join("catalina.out")).unwrap(), text);
    // A file with NUL bytes scattered among its data stays binary.
    let bin = write(
        dir.path(),
        "core",
        b"\x7fELF\x02\x01\x01\0\0\0\0\0 10.1.2.3\n",
    );
    logscrub().arg(&bin).assert().code(3);
}
