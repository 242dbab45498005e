//! Findings with places: `--findings` (JSON Lines, SARIF) and `--check -v`.

use std::io::Write;

use crate::util::*;

const LOG: &str = "2024-01-01 INFO start\n\
                   2024-01-01 INFO login from 10.1.2.3 by jane@corp.com\n\
                   2024-01-01 INFO nothing here\n\
                   2024-01-01 WARN password=hunter2x to 10.1.2.3\n";

const SECRETS: [&str; 3] = ["10.1.2.3", "jane@corp.com", "hunter2x"];

fn records(path: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Puts each record's token in place of its columns of the input line:
/// that must give the output line.
fn replay(input: &str, recs: &[serde_json::Value], line: u64) -> String {
    let text = input.lines().nth(line as usize - 1).unwrap();
    let mut mine: Vec<_> = recs.iter().filter(|r| r["line"] == line).collect();
    mine.sort_by_key(|r| r["column"].as_u64());
    let (mut s, mut p) = (String::new(), 0);
    for r in mine {
        let c = r["column"].as_u64().unwrap() as usize - 1;
        s.push_str(&text[p..c]);
        s.push_str(r["token"].as_str().unwrap());
        p = r["end_column"].as_u64().unwrap() as usize - 1;
    }
    s.push_str(&text[p..]);
    s
}

#[test]
fn check_writes_one_record_per_finding_with_its_place() {
    let dir = tmpdir();
    let input = write(dir.path(), "app.log", LOG);
    let out = dir.path().join("found.jsonl");
    logscrub()
        .arg("--check")
        .arg("--findings")
        .arg(&out)
        .arg(&input)
        .assert()
        .code(1);
    let text = std::fs::read_to_string(&out).unwrap();
    for s in SECRETS {
        assert!(!text.contains(s), "{s} in the findings:\n{text}");
    }
    let recs = records(&out);
    let at: Vec<_> = recs
        .iter()
        .map(|r| {
            (
                r["file"].as_str().unwrap().to_owned(),
                r["line"].as_u64().unwrap(),
                r["column"].as_u64().unwrap(),
                r["end_column"].as_u64().unwrap(),
                r["rule"].as_str().unwrap().to_owned(),
                r["label"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    // The report names a file given by path by its name.
    let file = String::from("app.log");
    assert_eq!(
        at[..2],
        [
            (file.clone(), 2, 28, 36, "net.ipv4".into(), "IPV4".into()),
            (file.clone(), 2, 40, 53, "net.email".into(), "EMAIL".into()),
        ],
        "{text}"
    );
    assert!(at.iter().any(|a| a.1 == 4 && a.5 == "PASSWORD"), "{text}");
    // The same value has the same token in both places.
    let ips: Vec<_> = recs.iter().filter(|r| r["label"] == "IPV4").collect();
    assert_eq!(ips.len(), 2);
    assert_eq!(ips[0]["token"], ips[1]["token"]);
    for r in &recs {
        assert!(r.get("value").is_none());
    }
}

#[test]
fn a_normal_run_writes_findings_that_match_its_output() {
    let dir = tmpdir();
    let input = write(dir.path(), "app.log", LOG);
    let out = dir.path().join("red.log");
    let found = dir.path().join("found.jsonl");
    logscrub()
        .arg("-o")
        .arg(&out)
        .arg("--findings")
        .arg(&found)
        .arg(&input)
        .assert()
        .success();
    let redacted = std::fs::read_to_string(&out).unwrap();
    let recs = records(&found);
    assert!(!recs.is_empty());
    for line in [2, 4] {
        assert_eq!(
            replay(LOG, &recs, line),
            redacted.lines().nth(line as usize - 1).unwrap()
        );
    }
}

#[test]
fn check_verbose_lists_file_line_column_rule_token_on_stderr() {
    let dir = tmpdir();
    let input = write(dir.path(), "app.log", LOG);
    let out = logscrub()
        .current_dir(dir.path())
        .args(["--check", "-v", "app.log"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("app.log:")).collect();
    assert!(
        lines[0].starts_with("app.log:2:28 net.ipv4 <IPV4-"),
        "{err}"
    );
    assert!(
        lines[1].starts_with("app.log:2:40 net.email <EMAIL-"),
        "{err}"
    );
    assert!(lines.len() >= 4, "{err}");
    for s in SECRETS {
        assert!(!err.contains(s), "{s} on stderr:\n{err}");
    }
    drop(input);
}

#[test]
fn sarif_by_extension_or_flag() {
    let dir = tmpdir();
    let input = write(dir.path(), "app.log", LOG);
    for (name, flag) in [("found.sarif", None), ("found.json", Some("sarif"))] {
        let out = dir.path().join(name);
        let mut cmd = logscrub();
        cmd.arg("--check").arg("--findings").arg(&out);
        if let Some(f) = flag {
            cmd.args(["--findings-format", f]);
        }
        cmd.arg(&input).assert().code(1);
        let text = std::fs::read_to_string(&out).unwrap();
        for s in SECRETS {
            assert!(!text.contains(s), "{s} in SARIF:\n{text}");
        }
        let log: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(log["version"], "2.1.0");
        let run = &log["runs"][0];
        assert_eq!(run["tool"]["driver"]["name"], "logscrub");
        let results = run["results"].as_array().unwrap();
        assert_eq!(results[0]["ruleId"], "net.ipv4");
        let region = &results[0]["locations"][0]["physicalLocation"]["region"];
        assert_eq!(
            (
                &region["startLine"],
                &region["startColumn"],
                &region["endColumn"]
            ),
            (&2.into(), &28.into(), &36.into())
        );
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert!(rules.iter().any(|r| r["id"] == "net.email"));
    }
}

#[test]
fn archives_folders_and_stdin_name_their_files_as_the_report_does() {
    let dir = tmpdir();
    let mut zip = zip::ZipWriter::new(std::fs::File::create(dir.path().join("b.zip")).unwrap());
    zip.start_file("logs/app.log", zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(LOG.as_bytes()).unwrap();
    zip.finish().unwrap();
    write(dir.path(), "folder/sub/app.log", LOG);
    let found = dir.path().join("f.jsonl");
    let report = dir.path().join("r.json");
    logscrub()
        .current_dir(dir.path())
        .args(["--check", "--findings", "f.jsonl", "--report", "r.json"])
        .args(["b.zip", "folder"])
        .assert()
        .code(1);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let files: Vec<&str> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    let recs = records(&found);
    let mut seen: Vec<&str> = recs.iter().map(|r| r["file"].as_str().unwrap()).collect();
    seen.dedup();
    assert_eq!(seen, files);
    assert_eq!(seen, ["b.zip/logs/app.log", "folder/sub/app.log"]);
    assert_eq!(
        recs.len() as u64,
        report["totals"]["replacements"].as_u64().unwrap()
    );

    logscrub()
        .current_dir(dir.path())
        .args(["--check", "--findings", "f.jsonl", "-"])
        .write_stdin(LOG)
        .assert()
        .code(1);
    let recs = records(&found);
    assert!(recs.iter().all(|r| r["file"] == "-"));
    assert_eq!(recs[0]["line"], 2);
}

#[test]
fn findings_file_names_are_redacted_as_in_the_output() {
    let dir = tmpdir();
    write(dir.path(), "in/jane@corp.com.log", LOG);
    logscrub()
        .current_dir(dir.path())
        .args(["--check", "--findings", "f.jsonl", "in"])
        .assert()
        .code(1);
    let text = std::fs::read_to_string(dir.path().join("f.jsonl")).unwrap();
    assert!(!text.contains("jane@corp.com"), "{text}");
    assert!(text.contains("\"file\":\"in/[EMAIL-"), "{text}");
}

#[test]
fn a_bad_findings_destination_is_refused_before_reading() {
    let dir = tmpdir();
    write(dir.path(), "app.log", LOG);
    // stdin is never read: the run stops before it.
    let out = logscrub()
        .current_dir(dir.path())
        .args(["--check", "--findings", "no/such/folder/f.jsonl", "-"])
        .write_stdin(LOG)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("logscrub: --findings no/such/folder/f.jsonl: cannot write there"),
        "{err}"
    );
    logscrub()
        .current_dir(dir.path())
        .args(["--check", "--findings", "app.log", "app.log"])
        .assert()
        .code(2);
    assert_eq!(ls(dir.path()), ["app.log"]);
}

#[test]
fn a_failed_run_leaves_no_findings_file() {
    let dir = tmpdir();
    write(
        dir.path(),
        "app.log",
        format!("{LOG}{}\n", "x".repeat(5000)),
    );
    logscrub()
        .current_dir(dir.path())
        .args(["--check", "--max-line-bytes", "4K", "--findings", "f.jsonl"])
        .arg("app.log")
        .assert()
        .code(3);
    assert_eq!(ls(dir.path()), ["app.log"]);
}

#[test]
fn findings_dash_is_stdout_when_stdout_is_free() {
    let dir = tmpdir();
    write(dir.path(), "app.log", LOG);
    // --check writes no text: the records go to stdout, and no file named `-` appears.
    let out = logscrub()
        .current_dir(dir.path())
        .args(["--check", "--findings", "-", "app.log"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let text = String::from_utf8(out.stdout).unwrap();
    let recs: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(recs.len(), 4, "{text}");
    assert!(recs.iter().all(|r| r["file"] == "app.log"), "{text}");
    for s in SECRETS {
        assert!(!text.contains(s), "{s} in the findings:\n{text}");
    }
    // With -o the text goes to its file and SARIF to stdout.
    let out = logscrub()
        .current_dir(dir.path())
        .args(["-q", "-o", "red.log", "--findings", "-"])
        .args(["--findings-format", "sarif", "app.log"])
        .assert()
        .success()
        .get_output()
        .clone();
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 4);
    assert_eq!(ls(dir.path()), ["app.log", "red.log"]);
}

#[test]
fn findings_dash_is_refused_when_stdout_carries_the_text() {
    let dir = tmpdir();
    write(dir.path(), "app.log", LOG);
    let out = logscrub()
        .current_dir(dir.path())
        .args(["--findings", "-", "app.log"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("logscrub: --findings -: stdout carries the redacted text"),
        "{err}"
    );
    assert_eq!(ls(dir.path()), ["app.log"]);
}
