//! One text, every way in: as a file argument, on stdin from a file, with
//! `-o`, as a `.gz`, as a zip, tar and tar.gz entry, inside a folder. Each
//! gives the same redacted bytes and the same `--check` verdict. A pipe is
//! the one exception the README names: it cannot be read twice, so a value
//! is replaced from the line that reveals it on.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::bundles::{gunzip, gz, tar_of, untar, unzip, zip_of};
use crate::util::*;

/// A bare machine name, a login and a phrase-like password appear before
/// the lines that reveal them; the filler puts the revealing lines several
/// chunks later (the tests cut chunks at 4 KiB).
fn text() -> Vec<u8> {
    let mut t = String::new();
    t.push_str("2026-03-01 10:00:00,001 WARN [pool-1] retrying jira-prd-07 after timeout\n");
    t.push_str("2026-03-01 10:00:00,002 INFO [pool-1] akowalski opened the board\n");
    for i in 0..400 {
        t.push_str(&format!(
            "2026-03-01 10:00:{:02},{:03} INFO [http-nio-8080-exec-{}] c.a.j.web.Dispatcher served request {i}\n",
            i % 60,
            i % 1000,
            i % 7
        ));
    }
    t.push_str("2026-03-01 10:01:00,000 INFO [main] base url https://jira-prd-07:8443/jira user=akowalski\n");
    t.push_str("2026-03-01 10:01:00,001 INFO [main] login akowalski from jira-prd-07\n");
    t.into_bytes()
}

const CHUNK: &str = "--chunk-bytes=4KiB";

/// logscrub with the test key and small chunks, as a plain command whose
/// stdin can be a file (seekable), a pipe or nothing.
fn plain() -> std::process::Command {
    let mut cmd = std::process::Command::new(program());
    cmd.env("LOGSCRUB_KEY", KEY)
        .env_remove("NO_COLOR")
        .arg(CHUNK);
    cmd
}

/// Runs logscrub with `args` and `stdin` (a file), returns its stdout.
fn stdout_of(args: &[&str], stdin: Option<&Path>) -> Vec<u8> {
    let mut cmd = plain();
    cmd.args(args);
    cmd.stdin(match stdin {
        Some(p) => Stdio::from(std::fs::File::open(p).unwrap()),
        None => Stdio::null(),
    });
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Runs logscrub with `args` and checks it succeeded.
fn run(args: &[&str]) {
    let out = logscrub().arg(CHUNK).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `cat FILE | logscrub ARGS`: a real pipe, not a seekable file.
fn piped(file: &Path, args: &[&str]) -> std::process::Output {
    let mut cat = std::process::Command::new("cat")
        .arg(file)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let out = plain()
        .args(args)
        .stdin(cat.stdout.take().unwrap())
        .output()
        .unwrap();
    cat.wait().unwrap();
    out
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `text` written in `d` in every shape the tests read it in.
struct Inputs {
    file: PathBuf,
    gzf: PathBuf,
    zipf: PathBuf,
    tarf: PathBuf,
    tgzf: PathBuf,
    folder: PathBuf,
}

fn inputs(d: &Path, text: &[u8]) -> Inputs {
    let folder = d.join("in");
    write(&folder, "logs/app.log", text);
    Inputs {
        file: write(d, "app.log", text),
        gzf: write(d, "app.log.gz", gz(text)),
        zipf: write(d, "bundle.zip", zip_of(&[("logs/app.log", text)])),
        tarf: write(d, "bundle.tar", tar_of(&[("logs/app.log", text)])),
        tgzf: write(d, "bundle.tar.gz", gz(&tar_of(&[("logs/app.log", text)]))),
        folder,
    }
}

#[test]
fn every_entry_point_gives_the_same_bytes() {
    let dir = tmpdir();
    let d = dir.path();
    let text = text();
    let Inputs {
        file,
        gzf,
        zipf,
        tarf,
        tgzf,
        folder,
    } = inputs(d, &text);

    let want = stdout_of(&[s(&file)], None);
    for value in ["jira-prd-07", "akowalski"] {
        assert!(
            !contains(&want, value.as_bytes()),
            "{value} survives in\n{}",
            String::from_utf8_lossy(&want)
        );
    }
    assert_eq!(newlines(&want), newlines(&text));

    let mut got: Vec<(&str, Vec<u8>)> = Vec::new();
    got.push(("< file", stdout_of(&[], Some(&file))));
    got.push(("file.gz to stdout", stdout_of(&[s(&gzf)], None)));
    got.push(("< file.gz", stdout_of(&[], Some(&gzf))));
    let o = d.join("o1.log");
    run(&["-o", s(&o), s(&file)]);
    got.push(("-o out file", std::fs::read(&o).unwrap()));
    let o = d.join("o2.log");
    let out = plain()
        .args(["-o", s(&o)])
        .stdin(std::fs::File::open(&file).unwrap())
        .output()
        .unwrap();
    assert!(out.status.success());
    got.push(("-o out < file", std::fs::read(&o).unwrap()));
    let o = d.join("o3.log.gz");
    run(&["-o", s(&o), s(&gzf)]);
    got.push(("-o out.gz file.gz", gunzip(&std::fs::read(&o).unwrap())));
    let o = d.join("o4.zip");
    run(&["-o", s(&o), s(&zipf)]);
    let entries = unzip(&o);
    assert_eq!(entries.len(), 1);
    got.push(("zip entry", entries[0].1.clone()));
    for (name, input) in [("tar entry", &tarf), ("tar.gz entry", &tgzf)] {
        let o = d.join(format!(
            "o-{}",
            input.file_name().unwrap().to_str().unwrap()
        ));
        run(&["-o", s(&o), s(input)]);
        let mut raw = std::fs::read(&o).unwrap();
        if name == "tar.gz entry" {
            raw = gunzip(&raw);
        }
        let entries = untar(&raw);
        let file = entries.iter().find(|e| e.0.ends_with("app.log")).unwrap();
        got.push((name, file.1.clone()));
    }
    let o = d.join("o-folder");
    run(&["-o", s(&o), s(&folder)]);
    got.push((
        "file in a folder",
        std::fs::read(o.join("logs/app.log")).unwrap(),
    ));
    let gz_piped = piped(&gzf, &[]);
    assert!(gz_piped.status.success());
    got.push(("cat file.gz |", gz_piped.stdout));

    for (how, bytes) in &got {
        assert!(
            bytes == &want,
            "{how} differs from the file argument:\n{}",
            String::from_utf8_lossy(bytes)
        );
    }
}

#[test]
fn a_pipe_replaces_a_value_from_the_line_that_reveals_it_on() {
    let dir = tmpdir();
    let text = text();
    let file = write(dir.path(), "app.log", &text);
    let whole = stdout_of(&[s(&file)], None);
    let out = piped(&file, &[]);
    assert!(out.status.success());
    let lines =
        |b: &[u8]| -> Vec<Vec<u8>> { b.split(|&c| c == b'\n').map(<[u8]>::to_vec).collect() };
    let (pipe, whole) = (lines(&out.stdout), lines(&whole));
    assert_eq!(pipe.len(), whole.len());
    // Line 403 reveals the host (a URL) and the login (`user=`): from there
    // on the pipe and the file agree byte for byte; before it, the bare
    // mentions are what the README says a pipe cannot know yet.
    let reveal = pipe
        .iter()
        .position(|l| contains(l, b"https://<HOST-"))
        .expect("the URL line");
    assert_eq!(pipe[reveal..], whole[reveal..]);
    assert!(contains(&pipe[0], b"jira-prd-07"));
    assert!(
        pipe[1..reveal]
            .iter()
            .all(|l| whole.contains(l) || contains(l, b"akowalski"))
    );
}

#[test]
fn check_gives_one_verdict_and_one_count_at_every_entry_point() {
    let dir = tmpdir();
    let d = dir.path();
    let text = text();
    let Inputs {
        file,
        gzf,
        zipf,
        tarf,
        folder,
        ..
    } = inputs(d, &text);
    let summary = |o: &std::process::Output| -> String {
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(o.status.code(), Some(1), "--check finds values: {err}");
        // "check: N values to redact on M of K lines in ...": the counts,
        // without the number of files or the time.
        let at = err.find("check: ").expect("a summary") + "check: ".len();
        let rest = &err[at..];
        rest[..rest.find(" in ").expect("a summary")].to_owned()
    };
    let want = summary(
        &logscrub()
            .arg(CHUNK)
            .args(["--check", s(&file)])
            .output()
            .unwrap(),
    );
    assert!(want.starts_with("6 values to redact on 4 of"), "{want}");
    for input in [&gzf, &zipf, &tarf, &folder] {
        let o = logscrub()
            .arg(CHUNK)
            .args(["--check", s(input)])
            .output()
            .unwrap();
        assert_eq!(summary(&o), want, "--check {}", input.display());
    }
    let o = plain()
        .arg("--check")
        .stdin(std::fs::File::open(&file).unwrap())
        .output()
        .unwrap();
    assert_eq!(summary(&o), want, "--check < file");
}

#[test]
fn archives_on_stdin_are_never_passed_through() {
    let dir = tmpdir();
    let d = dir.path();
    let text = text();
    for (name, bytes) in [
        ("bundle.zip", zip_of(&[("logs/app.log", &text)])),
        ("bundle.tar", tar_of(&[("logs/app.log", &text)])),
        ("bundle.tar.gz", gz(&tar_of(&[("logs/app.log", &text)]))),
    ] {
        let f = write(d, name, &bytes);
        for out in [piped(&f, &[]), {
            plain()
                .stdin(std::fs::File::open(&f).unwrap())
                .output()
                .unwrap()
        }] {
            assert_eq!(out.status.code(), Some(3), "{name} on stdin");
            assert!(out.stdout.is_empty(), "{name}: nothing written");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains("by name"), "{name}: {err}");
        }
    }
}
