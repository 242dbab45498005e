//! Where output goes and how it ends: every destination is checked before
//! any input is read, a stop signal leaves nothing behind, compressed
//! output is the same bytes in every run, hard links in a folder are
//! files, and a run that writes nothing because all was binary says so.

use std::io::Read;
use std::process::{Command, Stdio};

use crate::bundles::{gunzip, stderr, unzip, zip_of};
use crate::util::*;

const LOG: &str = "2024-03-01 10:00:01,123 INFO login of jane.doe@acme-corp.com from 10.20.30.40\n";

/// An input that logscrub would take long to read, were it read: a named
/// pipe nobody writes to. A run that opened it would hang (and the test
/// with it, until its hang limit); one that checks its destinations first
/// ends at once.
#[cfg(unix)]
fn unread_input(dir: &std::path::Path) -> std::path::PathBuf {
    let p = dir.join("never-read.log");
    let made = Command::new("mkfifo").arg(&p).status().unwrap();
    assert!(made.success());
    p
}

#[cfg(unix)]
#[test]
fn every_destination_is_checked_before_any_input_is_read() {
    let dir = tmpdir();
    let input = unread_input(dir.path());
    let missing = dir.path().join("no-such-folder");
    let out = dir.path().join("out.log");
    let cases: Vec<(Vec<std::ffi::OsString>, &str)> = vec![
        (
            vec!["--map".into(), missing.join("map.tsv").into()],
            "--map",
        ),
        (
            vec!["--report".into(), missing.join("r.json").into()],
            "--report",
        ),
        (vec!["-o".into(), missing.join("out.log").into()], "output"),
        // A folder where a file is to go.
        (
            vec![
                "-o".into(),
                out.clone().into(),
                "--report".into(),
                dir.path().into(),
            ],
            "--report",
        ),
    ];
    for (args, what) in cases {
        let o = logscrub()
            .args(&args)
            .arg(&input)
            .timeout(hang_limit())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).starts_with(&format!("logscrub: {what} ")),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    // A folder that cannot take a new file (not for root, who can write
    // anywhere).
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::PermissionsExt;
        let locked = dir.path().join("locked");
        std::fs::create_dir(&locked).unwrap();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
        let probe = locked.join("probe");
        if std::fs::write(&probe, b"").is_ok() {
            std::fs::remove_file(&probe).unwrap();
        } else {
            let o = logscrub()
                .arg("--map")
                .arg(locked.join("map.tsv"))
                .arg("-o")
                .arg(&out)
                .arg(&input)
                .timeout(hang_limit())
                .output()
                .unwrap();
            assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
            assert!(stderr(&o).contains("cannot be written"), "{}", stderr(&o));
        }
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(ls(&locked).is_empty());
        std::fs::remove_dir(&locked).unwrap();
    }
    // Nothing was made: no output, no probe left behind.
    assert_eq!(ls(dir.path()), vec!["never-read.log"]);
}

#[test]
fn a_report_never_goes_into_the_output() {
    let dir = tmpdir();
    let src = dir.path().join("logs");
    write(&src, "app.log", LOG);
    let out = dir.path().join("out");
    // Into the output folder, over a redacted file or beside it.
    for name in ["app.log", "report.json"] {
        let o = logscrub()
            .arg("-o")
            .arg(&out)
            .arg("--report")
            .arg(out.join(name))
            .arg(&src)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("would go into the output"),
            "{}",
            stderr(&o)
        );
        assert!(!out.exists());
    }
    // Over the output file.
    let input = write(dir.path(), "one.log", LOG);
    let o = logscrub()
        .arg("-o")
        .arg(dir.path().join("red.log"))
        .arg("--report")
        .arg(dir.path().join("red.log"))
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!dir.path().join("red.log").exists());
}

/// SIGINT, SIGTERM and SIGHUP stop a run the same way: the temporary
/// output file is removed and the exit code is 128 + the signal. The
/// input never ends, so only the signal can end the run; the test waits
/// for the temporary file to appear, not for any time.
#[cfg(unix)]
#[test]
fn stop_signals_remove_the_temporary_file_and_exit_128_plus_the_signal() {
    for (signal, code) in [("INT", 130), ("TERM", 143), ("HUP", 129)] {
        let dir = tmpdir();
        let out = dir.path().join("out.log");
        let mut child = Command::new(program())
            .env("LOGSCRUB_KEY", KEY)
            .arg("-o")
            .arg(&out)
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        endless(move || Ok(stdin), b"a line from 10.1.2.3\n");
        wait_until(&mut child, "the temporary output file appears", || {
            ls(dir.path()).iter().any(|n| n.starts_with(".logscrub-"))
        });
        let kill = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(child.id().to_string())
            .status()
            .unwrap();
        assert!(kill.success());
        let status = child.wait().unwrap();
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        assert_eq!(status.code(), Some(code), "SIG{signal}: {err}");
        assert!(
            err.contains(&format!("logscrub: interrupted (SIG{signal})")),
            "{err}"
        );
        assert!(
            ls(dir.path()).is_empty(),
            "SIG{signal} left {:?}",
            ls(dir.path())
        );
    }
}

/// Lines enough for many small chunks, so that the writer waits for the
/// workers now and then (where it used to flush the compressor).
fn many_lines() -> Vec<u8> {
    let mut s = String::new();
    for i in 0..20_000 {
        s.push_str(&format!(
            "2024-03-01 10:00:{:02},{:03} INFO request {i} from 10.{}.{}.{} by user{}@acme-corp.com\n",
            i % 60,
            i % 1000,
            i % 250,
            (i / 250) % 250,
            i % 7 + 1,
            i % 13
        ));
    }
    s.into_bytes()
}

#[test]
fn compressed_outputs_are_the_same_bytes_in_every_run_and_at_any_thread_count() {
    let dir = tmpdir();
    let text = many_lines();
    let gz_in = write(dir.path(), "app.log.gz", crate::bundles::gz(&text));
    let zip_in = write(
        dir.path(),
        "s.zip",
        zip_of(&[("a.log", &text), ("logs/b.log", &text[..text.len() / 3])]),
    );
    for (input, name) in [(&gz_in, "out.log.gz"), (&zip_in, "out.zip")] {
        let mut first: Option<Vec<u8>> = None;
        for (run, threads) in ["1", "2", "2", "4", "2"].iter().enumerate() {
            let out = dir.path().join(format!("{run}-{name}"));
            let o = logscrub()
                .args(["-q", "--chunk-bytes", "4K", "-j", threads, "-o"])
                .arg(&out)
                .arg(input)
                .output()
                .unwrap();
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
            let bytes = std::fs::read(&out).unwrap();
            match &first {
                None => first = Some(bytes),
                Some(f) => assert!(*f == bytes, "{name}: run {run} (-j{threads}) differs"),
            }
        }
        // And the bytes are the redacted input.
        let out = dir.path().join(format!("0-{name}"));
        let lines = if name.ends_with(".gz") {
            newlines(&gunzip(&std::fs::read(&out).unwrap()))
        } else {
            unzip(&out).iter().map(|(_, d)| newlines(d)).sum()
        };
        let want = if name.ends_with(".gz") {
            20_000
        } else {
            20_000 + newlines(&text[..text.len() / 3])
        };
        assert_eq!(lines, want, "{name}");
    }
}

/// A file with several hard links is an ordinary file: each of its names
/// is redacted like any file. Outputs are renamed into place, so an output
/// name that is a hard link of an input replaces the name, never the
/// input's bytes.
#[cfg(unix)]
#[test]
fn hard_links_in_a_folder_are_redacted_and_never_written_through() {
    let dir = tmpdir();
    let src = dir.path().join("logs");
    let a = write(&src, "a.log", LOG);
    std::fs::hard_link(&a, src.join("b.log")).unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    // An old output file that is the input under another name.
    std::fs::hard_link(&a, out.join("a.log")).unwrap();
    let o = logscrub()
        .arg("-q")
        .arg("-o")
        .arg(&out)
        .arg(&src)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(&a).unwrap(),
        LOG.as_bytes(),
        "the input changed"
    );
    assert_eq!(ls(&out), vec!["a.log", "b.log"]);
    for n in ["a.log", "b.log"] {
        let got = std::fs::read_to_string(out.join(n)).unwrap();
        assert!(
            got.contains("<EMAIL-") && got.contains("<IPV4-"),
            "{n}: {got}"
        );
        assert!(
            !got.contains("acme-corp") && !got.contains("10.20.30.40"),
            "{n}"
        );
    }
}

/// A run whose every input is binary, and so left out, writes nothing:
/// that is an error (exit 3) with a message that says so, not a success.
#[test]
fn a_run_that_writes_nothing_because_all_is_binary_fails() {
    let dir = tmpdir();
    let bin = write(dir.path(), "core.bin", b"\x00\x01 10.20.30.40 \x00");
    let folder = dir.path().join("dumps");
    write(&folder, "heap.hprof", b"JAVA PROFILE 1.0.2\x00 10.20.30.40");
    write(&folder, "x.bin", b"\x00\x00\x00 10.20.30.40");
    let out_file = dir.path().join("core.out");
    let out_dir = dir.path().join("out");
    for (out, input) in [(&out_file, &bin), (&out_dir, &folder)] {
        let o = logscrub().arg("-o").arg(out).arg(input).output().unwrap();
        assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("logscrub: nothing was written: every file is binary"),
            "{}",
            stderr(&o)
        );
        assert!(!out.exists() || ls(out).is_empty(), "{}", out.display());
    }
    // With --binary scan they are written, redacted as bytes.
    let o = logscrub()
        .args(["--binary", "scan", "-q", "-o"])
        .arg(&out_file)
        .arg(&bin)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        std::fs::read(&out_file)
            .unwrap()
            .starts_with(b"\x00\x01 <IPV4-")
    );
}

/// A rule that finds one byte per round after a token: a line of 100 such
/// bytes would need 100 rounds of re-scanning, past the bound of 64. That
/// ends the run as an internal error (exit 3, nothing written), never as a
/// crash with the runtime's exit code.
#[test]
fn a_line_that_never_settles_is_a_clean_error() {
    let dir = tmpdir();
    let rules = write(
        dir.path(),
        "chain.toml",
        r#"[[rule]]
id = "test.chain"
label = "CHAIN"
description = "one x at the start of a line or right after a token"
pattern = '''(?:^|>)(?P<v>x)'''
redact = ["v"]
examples = [{ input = "x", output = "<CHAIN>" }]
negative_examples = ["yx"]
"#,
    );
    let line = format!("{}\n", "x".repeat(100));
    let input = write(dir.path(), "in/chain.log", &line);
    let out = dir.path().join("out.log");
    let o = logscrub()
        .arg("--rules")
        .arg(&rules)
        .arg("-o")
        .arg(&out)
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("internal error"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("xxxx"), "{}", stderr(&o));
    assert_eq!(ls(dir.path()), vec!["chain.toml", "in"]);
    // Through a pipe: the chunk is not written.
    let o = logscrub()
        .arg("--rules")
        .arg(&rules)
        .write_stdin(line)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    assert!(stderr(&o).contains("internal error"), "{}", stderr(&o));
}

/// The dictionary of learned values has a cap: past it one warning says
/// so, what is known is still replaced everywhere, and a new value is
/// still redacted where its rule finds it, only not searched for
/// elsewhere.
#[test]
fn the_dictionary_of_learned_values_is_bounded() {
    let mut input = String::new();
    for i in 0..40 {
        input.push_str(&format!("GET https://srv-{i:02}.corp.local/status 200\n"));
    }
    input.push_str("retrying srv-00 and srv-39 by name\n");
    for args in [
        &["--max-learned", "8"][..],
        &["--max-learned", "8", "-j1"][..],
    ] {
        let o = logscrub()
            .args(args)
            .write_stdin(input.clone())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let text = String::from_utf8(o.stdout.clone()).unwrap();
        assert!(!text.contains("srv-00"), "{text}");
        assert!(!text.contains(".corp.local"), "{text}");
        let last = text.lines().last().unwrap();
        assert!(last.contains("srv-39"), "{last}");
        let warnings = stderr(&o)
            .matches("dictionary of learned values is full")
            .count();
        assert_eq!(warnings, 1, "{}", stderr(&o));
    }
    // Without the cap (the default is far larger) both are replaced.
    let o = logscrub().write_stdin(input).output().unwrap();
    let text = String::from_utf8(o.stdout.clone()).unwrap();
    assert!(!text.contains("srv-39"), "{text}");
    assert!(!stderr(&o).contains("full"), "{}", stderr(&o));
}
