//! `logscrub learn` and `--dictionary`: a learning pass written as keyed
//! hashes, loaded by later runs and other machines.

use std::path::{Path, PathBuf};

use crate::util::*;

/// Bundle A teaches values in positions the rules know; bundle B mentions
/// them only where no rule looks.
const A: &[(&str, &str)] = &[
    (
        "access.log",
        "2024-03-01 10:00:01,123 INFO [http-nio-8080-exec-1] user=jkowalczyk logged in from db07.prod.northwind.internal\n",
    ),
    (
        "mail.log",
        "From: \"Kowalski, Anna\" <anna.kowalski@nordlicht-energie.de>\npassword=Tr0ub4dor&3x\n",
    ),
];
const B: &[(&str, &str)] = &[
    (
        "other.log",
        "2024-03-02 11:00:00 WARN cleanup of /home/jkowalczyk/tmp failed on db07\n\
         Ticket raised by Anna Kowalski for nordlicht-energie (akowalski): tried \"Tr0ub4dor&3x\" twice\n\
         nothing to see here\n",
    ),
    ("quiet.log", "INFO all good on node db07 today\n"),
];
const VALUES: &[&str] = &[
    "jkowalczyk",
    "db07",
    "Anna Kowalski",
    "nordlicht",
    "akowalski",
    "Tr0ub4dor",
];

fn tree(dir: &Path, name: &str, files: &[(&str, &str)]) -> PathBuf {
    let d = dir.join(name);
    std::fs::create_dir_all(&d).unwrap();
    for (f, text) in files {
        write(&d, f, text);
    }
    d
}

fn key(dir: &Path) -> PathBuf {
    write(dir, "key", "dictionary test key material, 32+")
}

fn learn(dir: &Path, out: &str, args: &[&Path]) -> PathBuf {
    let dict = dir.join(out);
    let run = logscrub()
        .arg("learn")
        .arg("--key-file")
        .arg(key(dir))
        .arg("-o")
        .arg(&dict)
        .args(args)
        .output()
        .unwrap();
    assert!(run.status.success(), "{run:?}");
    dict
}

/// Redacts `input` into `out` with the dictionaries `dicts`.
fn redact(dir: &Path, input: &Path, out: &str, dicts: &[&Path]) -> PathBuf {
    let o = dir.join(out);
    let mut cmd = logscrub();
    cmd.args(["-q", "--key-file"]).arg(key(dir));
    for d in dicts {
        cmd.arg("--dictionary").arg(d);
    }
    let run = cmd.arg("-o").arg(&o).arg(input).output().unwrap();
    assert!(run.status.success(), "{run:?}");
    o
}

fn read(dir: &Path, name: &str) -> String {
    String::from_utf8(std::fs::read(dir.join(name)).unwrap()).unwrap()
}

#[test]
fn a_dictionary_carries_what_one_bundle_taught_to_another() {
    let dir = tmpdir();
    let a = tree(dir.path(), "a", A);
    let b = tree(dir.path(), "b", B);
    let dict = learn(dir.path(), "a.dict", &[&a]);
    // The file names no value.
    let text = std::fs::read_to_string(&dict).unwrap();
    assert!(text.starts_with("logscrub-dictionary 1\nkey "), "{text}");
    for v in VALUES.iter().chain(&["kowalski", "northwind", "anna"]) {
        assert!(
            !text.to_lowercase().contains(&v.to_lowercase()),
            "{v}: {text}"
        );
    }
    // Without it, bundle B keeps A's values; with it they are gone, with
    // the tokens one run over both bundles gives them.
    let alone = redact(dir.path(), &b, "alone", &[]);
    let before = read(&alone, "other.log");
    for v in ["db07", "nordlicht", "Tr0ub4dor"] {
        assert!(before.contains(v), "{v}: {before}");
    }
    let with = redact(dir.path(), &b, "with", &[&dict]);
    let both = tree(dir.path(), "ab", &[A, B].concat());
    let one_run = redact(dir.path(), &both, "one-run", &[]);
    for (f, _) in B {
        let got = read(&with, f);
        for v in VALUES {
            assert!(!got.contains(v), "{v} in {f}: {got}");
        }
        assert_eq!(got, read(&one_run, f), "{f}");
    }
    assert!(read(&with, "other.log").contains("nothing to see here"));
}

#[test]
fn dictionaries_of_halves_merged_redact_as_one_run_over_the_whole() {
    let dir = tmpdir();
    let files = [A, B].concat();
    let whole = tree(dir.path(), "whole", &files);
    let (first, second) = files.split_at(2);
    let h1 = tree(dir.path(), "h1", first);
    let h2 = tree(dir.path(), "h2", second);
    let d1 = learn(dir.path(), "h1.dict", &[&h1]);
    let d2 = learn(dir.path(), "h2.dict", &[&h2]);
    // Merging is a union whose bytes do not depend on the order, and it is
    // what one learning pass over the whole tree writes.
    let (m12, m21) = (dir.path().join("m12.dict"), dir.path().join("m21.dict"));
    for (m, ds) in [(&m12, [&d1, &d2]), (&m21, [&d2, &d1])] {
        let run = logscrub()
            .arg("learn")
            .arg("--key-file")
            .arg(key(dir.path()))
            .arg("--dictionary")
            .arg(ds[0])
            .arg("--dictionary")
            .arg(ds[1])
            .arg("-o")
            .arg(m)
            .output()
            .unwrap();
        assert!(run.status.success(), "{run:?}");
    }
    let all = learn(dir.path(), "whole.dict", &[&whole]);
    assert_eq!(std::fs::read(&m12).unwrap(), std::fs::read(&m21).unwrap());
    assert_eq!(std::fs::read(&m12).unwrap(), std::fs::read(&all).unwrap());
    // Each half redacted with the merged dictionary: the same bytes as one
    // run over the whole tree.
    let one_run = redact(dir.path(), &whole, "one-run", &[]);
    let o1 = redact(dir.path(), &h1, "o1", &[&m12]);
    let o2 = redact(dir.path(), &h2, "o2", &[&d1, &d2]);
    for (f, _) in first {
        assert_eq!(read(&o1, f), read(&one_run, f), "{f}");
    }
    for (f, _) in second {
        assert_eq!(read(&o2, f), read(&one_run, f), "{f}");
    }
}

#[test]
fn a_dictionary_of_another_key_or_format_is_refused() {
    let dir = tmpdir();
    let a = tree(dir.path(), "a", A);
    let dict = learn(dir.path(), "a.dict", &[&a]);
    let other = write(dir.path(), "other-key", "another key entirely, 32 bytes+");
    let run = logscrub()
        .arg("--key-file")
        .arg(&other)
        .arg("--dictionary")
        .arg(&dict)
        .write_stdin("x\n")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("made with another key"), "{err}");
    assert!(run.stdout.is_empty());
    // No key at all: refused before anything is read.
    let run = logscrub()
        .env_remove("LOGSCRUB_KEY")
        .arg("--dictionary")
        .arg(&dict)
        .write_stdin("x\n")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2), "{run:?}");
    let bad = write(dir.path(), "bad.dict", "user=jdoe\n");
    let run = logscrub()
        .arg("--key-file")
        .arg(key(dir.path()))
        .arg("--dictionary")
        .arg(&bad)
        .write_stdin("x\n")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("not a logscrub dictionary"));
    // `learn` without a key, or into its own input, writes nothing.
    let run = logscrub()
        .env_remove("LOGSCRUB_KEY")
        .args(["learn", "-o"])
        .arg(dir.path().join("x.dict"))
        .arg(&a)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(!dir.path().join("x.dict").exists());
    let run = logscrub()
        .arg("learn")
        .arg("--key-file")
        .arg(key(dir.path()))
        .arg("-o")
        .arg(a.join("in.dict"))
        .arg(&a)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(!a.join("in.dict").exists());
}

#[test]
fn learn_fails_whole_when_an_input_cannot_be_read() {
    let dir = tmpdir();
    let a = tree(dir.path(), "a", A);
    let run = logscrub()
        .arg("learn")
        .arg("--key-file")
        .arg(key(dir.path()))
        .arg("-o")
        .arg(dir.path().join("a.dict"))
        .arg(&a)
        .arg(dir.path().join("missing.log"))
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(3), "{run:?}");
    assert!(!dir.path().join("a.dict").exists());
}
