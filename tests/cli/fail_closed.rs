//! Fail closed where input is read:
//! compressed or archived stdin is never passed through, damaged
//! compressed streams are errors however far they are read, and duplicate
//! or hidden archive entries, links on the way to an output and misplaced
//! report and map files are refused.

use crate::bundles::{assert_clean, gunzip, gz, stderr, tar_of, zip_of};
use crate::util::*;

const SECRET_LOG: &str = "\
2024-03-01 10:00:01,123 INFO login of jane.doe@acme-corp.com from 10.20.30.40
2024-03-01 10:00:02,456 ERROR jdbc:postgresql://db01.acme.local:5432/bitbucket password=S3cretPassw0rd
";

/// Runs logscrub with `args` and `stdin` given both ways: as a pipe and as
/// a redirected file (which logscrub can seek in).
fn both_ways(args: &[&str], stdin: &[u8]) -> [std::process::Output; 2] {
    let dir = tmpdir();
    let file = write(dir.path(), "stdin", stdin);
    let piped = logscrub().args(args).write_stdin(stdin).output().unwrap();
    let redirected = logscrub()
        .args(args)
        .pipe_stdin(&file)
        .unwrap()
        .output()
        .unwrap();
    [piped, redirected]
}

// `cat x.log.gz | logscrub` gave the compressed bytes back,
// unredacted, with exit 0.
#[test]
fn gzip_on_stdin_is_decoded_and_redacted_every_member() {
    // Two members, the secrets in the second.
    let mut data = gz(b"2024-03-01 10:00:00,000 INFO start\n");
    data.extend(gz(SECRET_LOG.as_bytes()));
    for o in both_ways(&[], &data) {
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let text = String::from_utf8(o.stdout.clone()).unwrap();
        assert!(
            text.starts_with("2024-03-01 10:00:00,000 INFO start\n"),
            "{text}"
        );
        assert!(text.contains("password=<PASSWORD-"), "{text}");
        assert_eq!(newlines(&o.stdout), 3);
        assert_clean("stdout", &o.stdout);
    }
    // To a file named `.gz` it stays gzip; to any other name it is text.
    let dir = tmpdir();
    let out = dir.path().join("out.log.gz");
    let o = logscrub()
        .arg("-o")
        .arg(&out)
        .write_stdin(data.clone())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let back = gunzip(&std::fs::read(&out).unwrap());
    assert_eq!(newlines(&back), 3);
    assert_clean("out.log.gz", &back);
    let out = dir.path().join("out.log");
    let o = logscrub()
        .arg("-o")
        .arg(&out)
        .write_stdin(data.clone())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let back = std::fs::read(&out).unwrap();
    assert!(back.starts_with(b"2024-03-01 10:00:00,000 INFO start\n"));
    assert_clean("out.log", &back);
    // --check reads it too: there is something to redact.
    for o in both_ways(&["--check"], &data) {
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    }
}

#[test]
fn damaged_gzip_on_stdin_fails_and_shows_no_value() {
    let good = gz(SECRET_LOG.as_bytes());
    let mut crc = good.clone();
    let at = crc.len() - 8; // the CRC in the trailer
    crc[at] ^= 1;
    let mut tail = good.clone();
    tail.extend_from_slice(b"not gzip\n");
    let cut = good[..good.len() - 3].to_vec();
    for data in [crc, tail, cut] {
        for o in both_ways(&[], &data) {
            assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
            assert!(
                stderr(&o).contains("-: damaged or truncated gzip data"),
                "{}",
                stderr(&o)
            );
            assert_clean("stdout", &o.stdout);
            assert_clean("stderr", &o.stderr);
        }
    }
}

// `cat support.zip | logscrub > out` gave the zip back unchanged
// with exit 0.
#[test]
fn archives_and_other_compressed_data_on_stdin_are_refused() {
    let log = SECRET_LOG.as_bytes();
    let tar = tar_of(&[("logs/app.log", log)]);
    // Formats logscrub does not decode are known by their magic numbers;
    // what follows the magic does not matter.
    let magic = |m: &[u8]| {
        let mut v = m.to_vec();
        v.extend_from_slice(b"\x00\x01 body password=S3cretPassw0rd\n");
        v
    };
    let (by_name, unpack, decompress) =
        ("pass the file by name", "unpack it", "decompress it first");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("a zip archive", zip_of(&[("app.log", log)]), by_name),
        ("a tar archive", tar.clone(), by_name),
        ("a gzip-compressed tar archive", gz(&tar), by_name),
        ("xz-compressed data", magic(b"\xfd7zXZ\x00"), decompress),
        (
            "zstd-compressed data",
            magic(b"\x28\xb5\x2f\xfd"),
            decompress,
        ),
        ("bzip2-compressed data", magic(b"BZh91AY&SY"), decompress),
        (
            "lz4-compressed data",
            magic(b"\x04\x22\x4d\x18"),
            decompress,
        ),
        ("a 7z archive", magic(b"7z\xbc\xaf\x27\x1c"), unpack),
        ("a rar archive", magic(b"Rar!\x1a\x07\x00"), unpack),
    ];
    let dir = tmpdir();
    let out = dir.path().join("out.log");
    for (what, data, hint) in cases {
        for args in [
            &[][..],
            &["--check"][..],
            &["-o", out.to_str().unwrap()][..],
        ] {
            for o in both_ways(args, &data) {
                let err = stderr(&o);
                assert_eq!(o.status.code(), Some(3), "{what} {args:?}: {err}");
                assert!(
                    err.contains(&format!("logscrub: -: stdin holds {what}")),
                    "{err}"
                );
                assert!(err.contains(hint), "{what}: {err}");
                assert!(o.stdout.is_empty(), "{what}: nothing passed through");
                assert_clean("stderr", &o.stderr);
                assert!(!out.exists(), "{what}: no output file");
            }
        }
    }
}

#[test]
fn text_on_stdin_that_starts_like_a_magic_number_is_text() {
    for text in [
        "BZh9 is a word here\n",
        "PK is a column name 10.20.30.40\n",
        "\x1f\n",
    ] {
        for o in both_ways(&[], text.as_bytes()) {
            assert_eq!(o.status.code(), Some(0), "{text:?}: {}", stderr(&o));
            assert_eq!(newlines(&o.stdout), 1);
            assert!(!contains(&o.stdout, b"10.20.30.40"));
        }
    }
}

// a `.tar.gz` whose gzip trailer is damaged was accepted,
// because the tar reader stops at the end-of-archive block.
#[test]
fn a_tar_gz_is_read_to_its_verified_end() {
    let dir = tmpdir();
    let tar = tar_of(&[("logs/app.log", SECRET_LOG.as_bytes())]);
    let good = gz(&tar);
    let mut crc = good.clone();
    let at = crc.len() - 8;
    crc[at] ^= 0x10;
    let mut len = good.clone();
    let at = len.len() - 1;
    len[at] ^= 0x01;
    // An entry behind the end-of-archive blocks, which `tar -i` would show.
    let mut hidden = tar.clone();
    hidden.extend(tar_of(&[("logs/hidden.log", SECRET_LOG.as_bytes())]));
    let mut junk = tar.clone();
    junk.extend_from_slice(b"password=S3cretPassw0rd\n");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "crc.tar.gz",
            crc,
            "crc.tar.gz: damaged data after the last tar entry: damaged or truncated gzip data",
        ),
        (
            "len.tar.gz",
            len,
            "len.tar.gz: damaged data after the last tar entry: damaged or truncated gzip data",
        ),
        (
            "hidden.tar.gz",
            gz(&hidden),
            "hidden.tar.gz: data after the end of the tar archive",
        ),
        (
            "hidden.tar",
            hidden.clone(),
            "hidden.tar: data after the end of the tar archive",
        ),
        (
            "junk.tar",
            junk,
            "junk.tar: data after the end of the tar archive",
        ),
    ];
    for (name, data, want) in cases {
        let input = write(dir.path(), name, data);
        let out = dir.path().join(format!("out-{name}"));
        for check in [false, true] {
            let mut cmd = logscrub();
            if check {
                cmd.arg("--check");
            } else {
                cmd.arg("-o").arg(&out);
            }
            let o = cmd.arg(&input).output().unwrap();
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(3), "{name}: {err}");
            assert!(err.contains(&format!("logscrub: {want}")), "{name}: {err}");
            assert_clean("stderr", err.as_bytes());
            assert!(!out.exists(), "{name}: nothing half-written");
        }
    }
    // Zero padding after the end, as `tar` writes it, is fine.
    let mut padded = tar.clone();
    padded.extend(std::iter::repeat_n(0u8, 10240));
    let input = write(dir.path(), "padded.tar.gz", gz(&padded));
    let o = logscrub().arg("--check").arg(&input).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

// the tar library's messages quote raw header bytes and
// entry names (`numeric field was not a number: hunter2-PLAN ...`).
#[test]
fn tar_errors_name_the_entry_number_not_its_bytes() {
    let dir = tmpdir();
    let mut tar = tar_of(&[
        ("logs/a.log", b"ok\n".as_slice()),
        ("logs/jane.doe@acme-corp.com.log", SECRET_LOG.as_bytes()),
    ]);
    // The second header starts after the first header and its one block of
    // data; its checksum field now holds a password.
    tar[1024 + 148..1024 + 156].copy_from_slice(b"hunter2h");
    let input = write(dir.path(), "bad.tar", &tar);
    let report = dir.path().join("report.json");
    let out = dir.path().join("out.tar");
    let o = logscrub()
        .arg("--report")
        .arg(&report)
        .arg("-o")
        .arg(&out)
        .arg(&input)
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(
        err.contains(
            "logscrub: bad.tar: damaged tar archive at entry 2: a header or its data cannot be read"
        ),
        "{err}"
    );
    let report = std::fs::read(&report).unwrap();
    for (what, bytes) in [("stderr", err.as_bytes()), ("report", &report[..])] {
        assert_clean(what, bytes);
        assert!(!contains(bytes, b"hunter2h"), "{what}");
        assert!(!contains(bytes, b"jane.doe"), "{what}");
    }
}

/// `zip` with a byte string replaced everywhere (in the local header and
/// in the central directory), for names no zip writer would allow.
fn patched(mut zip: Vec<u8>, from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let mut i = 0;
    let mut seen = 0;
    while i + from.len() <= zip.len() {
        if &zip[i..i + from.len()] == from {
            zip[i..i + from.len()].copy_from_slice(to);
            seen += 1;
        }
        i += 1;
    }
    assert!(seen > 0);
    zip
}

// a zip holding `app.log` with secrets and then a clean
// `app.log` passed `--check` with exit 0 while `unzip -p` printed the
// secret, and `-o` dropped the first entry.
#[test]
fn two_zip_entries_with_one_name_are_refused() {
    let dir = tmpdir();
    let zip = zip_of(&[
        ("app.log", SECRET_LOG.as_bytes()),
        (
            "app.lo2",
            b"2024-03-01 10:00:00,000 INFO nothing here\n".as_slice(),
        ),
    ]);
    let twice = patched(zip.clone(), b"app.lo2", b"app.log");
    // The end record says one entry; the central directory holds two.
    let mut hidden = zip.clone();
    let eocd = hidden.len() - 22;
    assert_eq!(&hidden[eocd..eocd + 4], b"PK\x05\x06");
    hidden[eocd + 8..eocd + 12].copy_from_slice(&[1, 0, 1, 0]);
    for (name, data) in [("twice.zip", twice), ("hidden.zip", hidden)] {
        let input = write(dir.path(), name, data);
        let out = dir.path().join(format!("out-{name}"));
        for args in [
            vec!["--check".to_string()],
            vec!["-o".into(), out.display().to_string()],
        ] {
            let o = logscrub().args(&args).arg(&input).output().unwrap();
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(3), "{name} {args:?}: {err}");
            assert!(
                err.contains(&format!(
                    "logscrub: {name}: the central directory lists 2 entries but only 1 can be read by name"
                )),
                "{err}"
            );
            assert_clean("stderr", err.as_bytes());
            assert!(!out.exists());
        }
    }
    // The same archive with distinct names is redacted.
    let input = write(dir.path(), "fine.zip", zip);
    let o = logscrub().arg("--check").arg(&input).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

// a link inside the output folder let logscrub replace
// its own input with the redacted copy, exit 0.
#[cfg(unix)]
#[test]
fn a_link_inside_the_output_folder_is_refused() {
    let dir = tmpdir();
    let d = dir.path();
    let input = write(d, "in/sub/a.log", SECRET_LOG);
    std::fs::create_dir(d.join("out")).unwrap();
    std::os::unix::fs::symlink("../in/sub", d.join("out/sub")).unwrap();
    let o = logscrub()
        .current_dir(d)
        .args(["-q", "-o", "out", "in"])
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(
        err.contains("logscrub: out/sub: cannot write: is a symbolic link"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&input).unwrap(),
        SECRET_LOG,
        "the input is untouched"
    );
    assert_eq!(ls(&d.join("in/sub")), ["a.log"]);
    // A link as the output folder itself, or as an output file, likewise.
    std::fs::remove_file(d.join("out/sub")).unwrap();
    std::fs::create_dir(d.join("elsewhere")).unwrap();
    std::os::unix::fs::symlink("elsewhere", d.join("linked-out")).unwrap();
    let o = logscrub()
        .current_dir(d)
        .args(["-q", "-o", "linked-out", "in"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(ls(&d.join("elsewhere")).is_empty());
    std::fs::create_dir(d.join("out/sub")).unwrap();
    std::os::unix::fs::symlink("../../in/sub/a.log", d.join("out/sub/a.log")).unwrap();
    let o = logscrub()
        .current_dir(d)
        .args(["-q", "-o", "out", "in"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("out/sub/a.log: cannot write: is a symbolic link"));
    assert_eq!(std::fs::read_to_string(&input).unwrap(), SECRET_LOG);
}

// a zip inside another archive was copied raw to a
// temporary file in the output folder. Spills go to the system's temporary
// folder: with `TMPDIR` unusable, the run cannot spill and fails.
#[test]
fn unredacted_spills_go_to_the_system_temporary_folder() {
    let dir = tmpdir();
    let inner = zip_of(&[("app.log", SECRET_LOG.as_bytes())]);
    let outer = write(dir.path(), "outer.zip", zip_of(&[("inner.zip", &inner)]));
    let out = dir.path().join("out.zip");
    let o = logscrub()
        .env("TMPDIR", dir.path().join("no-such-folder"))
        .arg("-o")
        .arg(&out)
        .arg(&outer)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(!out.exists());
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let o = logscrub()
        .env("TMPDIR", &tmp)
        .arg("-o")
        .arg(&out)
        .arg(&outer)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}
