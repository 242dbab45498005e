//! Person and organisation names: found in running text and in the positions
//! that say name, then replaced wherever they appear in the run.

use crate::util::*;

fn redact_folder(files: &[(&str, &str)]) -> String {
    let dir = tmpdir();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    for (name, text) in files {
        write(&input, name, text);
    }
    let out = dir.path().join("out");
    let run = logscrub()
        .arg("-q")
        .arg("-o")
        .arg(&out)
        .arg(&input)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let mut all = String::new();
    for (name, _) in files {
        all += &std::fs::read_to_string(out.join(name)).unwrap();
    }
    all
}

#[test]
fn names_in_prose_go_and_ordinary_words_stay() {
    let input = "\
2024-03-12 10:04:01,648 INFO [mail] notification sent to Priya Raman for change by Lior Cohen
Follow-up: Oksana complained that the index is stale; thanks to Oksana, Wei and Priya
From: Sedlock, David
Will retry in 30 seconds; Grant Access denied; Jira Software 9.12.3 started
at com.atlassian.jira.Anna.Kowalski(Kowalski.java:12)
";
    let out = logscrub().write_stdin(input).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for gone in [
        "Priya", "Raman", "Lior", "Oksana", "Wei", "Sedlock", "David",
    ] {
        assert!(!text.contains(gone), "{gone} kept:\n{text}");
    }
    for kept in [
        "Will retry in 30 seconds; Grant Access denied; Jira Software 9.12.3 started",
        "at com.atlassian.jira.Anna.Kowalski(Kowalski.java:12)",
    ] {
        assert!(text.contains(kept), "{kept:?} lost:\n{text}");
    }
    assert_eq!(newlines(text.as_bytes()), newlines(input.as_bytes()));
}

#[test]
fn a_name_found_in_one_file_is_gone_from_the_others() {
    let text = redact_folder(&[
        (
            "mail.log",
            "From: Sedlock, David <dsedlock@kestrel-mutual.com>\n",
        ),
        (
            "app.log",
            "ticket UW-12 closed by Sedlock\nreassigned, Sedlock was on leave\n",
        ),
    ]);
    assert!(!text.contains("Sedlock"), "{text}");
    assert!(text.contains("ticket UW-12 closed by <NAME-"), "{text}");
}

#[test]
fn an_organisation_found_in_a_field_is_gone_in_its_short_forms() {
    let text = redact_folder(&[
        (
            "application.xml",
            "<organisation>Kestrel Mutual Insurance Company</organisation>\n",
        ),
        (
            "bitbucket.properties",
            "setup.displayName=Kestrel Mutual Bitbucket\nlicensee: Kestrel Mutual Insurance\n",
        ),
    ]);
    assert!(!text.contains("Kestrel Mutual"), "{text}");
    assert!(text.contains("setup.displayName=<ORG-"), "{text}");
    assert!(text.contains(" Bitbucket\n"), "{text}");
}

#[test]
fn an_organisation_is_gone_by_its_rare_first_word_but_not_by_an_ordinary_one() {
    let text = redact_folder(&[
        (
            "license.log",
            "Licensed to Bluewater Freight Holdings Ltd\nLicensed to Blue River Logistics Ltd\n",
        ),
        (
            "error.log",
            "client denied by server configuration: /var/www/bluewater/status\nthe blue button\n",
        ),
    ]);
    assert!(!text.contains("bluewater"), "{text}");
    assert!(text.contains("/var/www/<ORG-"), "{text}");
    assert!(text.contains("the blue button"), "{text}");
}
