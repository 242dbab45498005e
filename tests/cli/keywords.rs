//! `--keywords`: the customer's own words, replaced everywhere.

use crate::util::*;

#[test]
fn keywords_go_everywhere_also_from_names_and_are_checked() {
    let dir = tmpdir();
    let words = write(
        dir.path(),
        "keywords.txt",
        "# code names\nPhoenix\nBlue Heron  # project\n",
    );
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    write(
        &input,
        "phoenix-sync.log",
        "INFO [PhoenixScheduler] com.acme.phoenix.Sync started for BLUE-HERON in /srv/blueheron/data\nplain line\n",
    );
    let out = dir.path().join("out");
    let report = dir.path().join("report.json");
    let run = logscrub()
        .arg("-q")
        .arg("--keywords")
        .arg(&words)
        .arg("--report")
        .arg(&report)
        .arg("-o")
        .arg(&out)
        .arg(&input)
        .output()
        .unwrap();
    assert!(run.status.success(), "{run:?}");
    let files = ls(&out);
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(
        files[0].starts_with("[KEYWORD-") && files[0].ends_with("]-sync.log"),
        "{files:?}"
    );
    let text = std::fs::read_to_string(out.join(&files[0])).unwrap();
    let lower = text.to_ascii_lowercase();
    assert!(
        !lower.contains("phoenix") && !lower.contains("heron"),
        "{text}"
    );
    assert!(text.contains("Scheduler] com.acme.<KEYWORD-"), "{text}");
    assert!(text.ends_with("plain line\n"), "{text}");
    let report = std::fs::read_to_string(&report).unwrap();
    assert!(report.contains("customer.keywords"), "{report}");
    // --check finds them; a bad file is a usage error naming the line.
    let run = logscrub()
        .arg("--keywords")
        .arg(&words)
        .arg("--check")
        .write_stdin("nothing but phoenix\n")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let bad = write(dir.path(), "bad.txt", "fine\nab\n");
    let run = logscrub()
        .arg("--keywords")
        .arg(&bad)
        .write_stdin("x\n")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("line 2"));
}
