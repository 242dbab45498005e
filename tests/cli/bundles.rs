//! Support bundles: folders, .gz, .zip, .tar(.gz) in and out; the report,
//! the check gate, the map file; hostile archives.
//!
//! Every archive here is built by the test with the same crates logscrub
//! reads them with, so each case says exactly what is in it.

use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;
use zip::write::SimpleFileOptions;

use crate::util::*;

/// Values planted in the bundles below; none may survive anywhere.
const PLANTED: &[&str] = &[
    "jane.doe@acme-corp.com",
    "10.20.30.40",
    "db01.acme.local",
    "build-01.acme.local",
    "S3cretPassw0rd",
    "hunter2hunter2",
    "172.16.9.8",
    "ops@acme-corp.com",
];

const BITBUCKET_LOG: &str = "\
2024-03-01 10:00:01,123 INFO  [http-nio-7990-exec-1] jane.doe@acme-corp.com @1A2B3C 10.20.30.40 \"GET /rest/api/1.0/projects HTTP/1.1\" c.a.s.i.w.filters.LoggingFilter request done
2024-03-01 10:00:02,456 ERROR [ssh-scm-request-handler] c.a.b.i.s.git.GitScmCommand Database URL: jdbc:postgresql://db01.acme.local:5432/bitbucket password=S3cretPassw0rd
\tat com.atlassian.bitbucket.internal.scm.git.GitScmCommand.call(GitScmCommand.java:42)
2024-03-01 10:00:03,789 WARN  [mirror] push to https://ops@acme-corp.com@build-01.acme.local/scm/pay/checkout.git failed
";

const ACCESS_LOG: &str = "\
10.20.30.40 | https | i@1A2B3C | jane.doe@acme-corp.com | 2024-03-01 10:00:01,123 | \"GET /projects HTTP/1.1\" | \"\" \"Mozilla/5.0\" | 200 | 0 | 0 | - | 12 | - |
172.16.9.8 | ssh | o@1A2B3D | - | 2024-03-01 10:00:04,000 | SSH - git-upload-pack '/pay/checkout.git' | \"\" \"git/2.39\" | - | 0 | 0 | - | 30 | - |
";

const CATALINA: &str = "\
01-Mar-2024 10:00:00.000 INFO [main] org.apache.catalina.startup.Catalina.start Server startup in [4242] milliseconds
01-Mar-2024 10:00:05.000 SEVERE [main] Connection to db01.acme.local:5432 refused, user=bitbucket password=hunter2hunter2
";

const PROPERTIES: &str = "\
jdbc.url=jdbc:postgresql://db01.acme.local:5432/bitbucket
jdbc.user=bitbucket
jdbc.password=S3cretPassw0rd
setup.sysadmin.emailAddress=ops@acme-corp.com
";

/// A heap dump: binary, and full of the values it saw.
fn hprof() -> Vec<u8> {
    let mut v = b"JAVA PROFILE 1.0.2\0".to_vec();
    v.extend_from_slice(b"\x01\x02 password=S3cretPassw0rd jane.doe@acme-corp.com \x00\x00");
    v
}

pub(crate) fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

pub(crate) fn gunzip(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    MultiGzDecoder::new(data).read_to_end(&mut out).unwrap();
    out
}

/// Builds a zip in memory; `f` adds the entries.
pub(crate) fn zip_with(
    f: impl FnOnce(&mut zip::ZipWriter<Cursor<Vec<u8>>>, SimpleFileOptions),
) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    f(&mut z, SimpleFileOptions::default());
    z.finish().unwrap().into_inner()
}

/// A zip of `(name, data)` files.
pub(crate) fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    zip_with(|z, o| {
        for (name, data) in entries {
            z.start_file(*name, o).unwrap();
            z.write_all(data).unwrap();
        }
    })
}

/// The entries of a zip file: name and content, in order (folders have
/// empty content and a name ending in `/`).
pub(crate) fn unzip(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut a = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..a.len())
        .map(|i| {
            let mut f = a.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().to_string(), data)
        })
        .collect()
}

/// A tar of `(name, data)` files.
pub(crate) fn tar_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        b.append_data(&mut h, name, *data).unwrap();
    }
    b.into_inner().unwrap()
}

/// The entries of a tar: name, content, owner name.
pub(crate) fn untar(data: &[u8]) -> Vec<(String, Vec<u8>, String)> {
    let mut a = tar::Archive::new(data);
    a.entries()
        .unwrap()
        .map(|e| {
            let mut e = e.unwrap();
            let name = String::from_utf8(e.path_bytes().into_owned()).unwrap();
            let owner = e.header().username().unwrap().unwrap_or("").to_string();
            let mut d = Vec::new();
            e.read_to_end(&mut d).unwrap();
            (name, d, owner)
        })
        .collect()
}

/// Every file below `dir`, relative, sorted.
fn tree(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            if p.is_dir() {
                out.push(format!("{rel}/"));
                walk(root, &p, out);
            } else {
                out.push(rel);
            }
        }
    }
    let mut v = Vec::new();
    walk(dir, dir, &mut v);
    v.sort();
    v
}

/// Asserts that no planted value is in `bytes` (named `what`).
pub(crate) fn assert_clean(what: &str, bytes: &[u8]) {
    for v in PLANTED {
        assert!(
            !contains(bytes, v.as_bytes()),
            "{v} leaked into {what}:\n{}",
            String::from_utf8_lossy(bytes)
        );
    }
}

/// Runs logscrub with the arguments, asserts its exit code and that its
/// stderr contains `want`, and returns the output.
macro_rules! expect {
    ($code:expr, $want:expr, $($arg:expr),+ $(,)?) => {{
        let o = logscrub()$(.arg($arg))+.output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(o.status.code(), Some($code), "{err}");
        assert!(err.contains($want), "wanted {:?} in stderr:\n{err}", $want);
        o
    }};
}

/// Redacts `input` into `out` with `flags`, expecting exit 3, `want` on
/// stderr, no value there, and no output file. Returns stderr.
fn fails_cleanly(flags: &[&str], input: &Path, out: &Path, want: &str) -> String {
    let o = logscrub()
        .args(flags)
        .arg("-o")
        .arg(out)
        .arg(input)
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(err.contains(want), "wanted {want:?} in stderr:\n{err}");
    assert_clean("stderr", err.as_bytes());
    assert!(!out.exists(), "nothing half-written: {}", out.display());
    err
}

pub(crate) fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The Atlassian-style support zip of the issue, plus a folder named after
/// a build host.
fn support_zip() -> Vec<u8> {
    let gz_catalina = gz(CATALINA.as_bytes());
    let heap = hprof();
    zip_with(|z, o| {
        z.add_directory("application-logs/", o).unwrap();
        for (name, data) in [
            (
                "application-logs/atlassian-bitbucket.log",
                BITBUCKET_LOG.as_bytes(),
            ),
            (
                "application-logs/atlassian-bitbucket-access.log",
                ACCESS_LOG.as_bytes(),
            ),
            ("application-logs/catalina.out.gz", &gz_catalina[..]),
            ("heap/java_pid4242.hprof", &heap[..]),
            (
                "bitbucket-home/shared/bitbucket.properties",
                PROPERTIES.as_bytes(),
            ),
            (
                "nodes/build-01.acme.local/atlassian-bitbucket.log",
                BITBUCKET_LOG.as_bytes(),
            ),
        ] {
            z.start_file(name, o).unwrap();
            z.write_all(data).unwrap();
        }
    })
}

#[test]
fn support_zip_comes_out_as_a_redacted_zip_with_the_same_tree() {
    let dir = tmpdir();
    let input = write(dir.path(), "support.zip", support_zip());
    let out = dir.path().join("redacted.zip");
    let report = dir.path().join("report.json");
    let o = expect!(0, "", "-o", &out, "--report", &report, &input);
    assert!(o.stdout.is_empty());

    let entries = unzip(&out);
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    // The same tree, in the same order, with the host name in a path
    // redacted and the heap dump left out.
    assert_eq!(names.len(), 6, "{names:?}");
    assert_eq!(names[0], "application-logs/");
    assert_eq!(names[1], "application-logs/atlassian-bitbucket.log");
    assert_eq!(names[2], "application-logs/atlassian-bitbucket-access.log");
    assert_eq!(names[3], "application-logs/catalina.out.gz");
    assert_eq!(names[4], "bitbucket-home/shared/bitbucket.properties");
    assert!(
        names[5].starts_with("nodes/[HOST-") && names[5].ends_with("]/atlassian-bitbucket.log"),
        "{}",
        names[5]
    );
    for (name, data) in &entries {
        assert_clean(name, name.as_bytes());
        let text = if name.ends_with(".gz") {
            gunzip(data)
        } else {
            data.clone()
        };
        assert_clean(name, &text);
    }
    // Lines are kept; stack frames and class names stay readable.
    let log = String::from_utf8(entries[1].1.clone()).unwrap();
    assert_eq!(log.lines().count(), BITBUCKET_LOG.lines().count());
    assert!(log.contains(
        "\tat com.atlassian.bitbucket.internal.scm.git.GitScmCommand.call(GitScmCommand.java:42)"
    ));
    assert!(
        log.contains("<EMAIL-") && log.contains("<HOST-") && log.contains("<PASSWORD-"),
        "{log}"
    );
    let catalina = String::from_utf8(gunzip(&entries[3].1)).unwrap();
    assert!(
        catalina.contains("Server startup in [4242] milliseconds"),
        "{catalina}"
    );

    // The report lists every file, redacted or left out, and no value.
    let raw = std::fs::read(&report).unwrap();
    assert_clean("the report", &raw);
    let r = json(&report);
    assert_eq!(r["version"], 1);
    assert_eq!(r["mode"], "redact");
    let files: Vec<&str> = r["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(files.len(), 5, "{files:?}");
    assert!(files.contains(&"support.zip/application-logs/catalina.out.gz"));
    assert!(files.contains(&"support.zip/bitbucket-home/shared/bitbucket.properties"));
    let left = &r["left_out"][0];
    assert_eq!(left["path"], "support.zip/heap/java_pid4242.hprof");
    assert_eq!(left["reason"], "binary");
    assert_eq!(r["totals"]["names_redacted"], 1);
    assert!(r["totals"]["replacements"].as_u64().unwrap() >= 15, "{r}");
    assert!(r["duration_ms"].is_u64());
    let props = r["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with(".properties"))
        .unwrap();
    let ids: Vec<&str> = props["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"secret.key-value") && ids.iter().any(|i| i.starts_with("net.host")),
        "{ids:?}"
    );
    assert!(props["lines_changed"].as_u64().unwrap() >= 3);
    assert!(props["bytes_in"].as_u64().unwrap() == PROPERTIES.len() as u64);

    // A short summary on stderr names what was left out; no value there.
    let err = stderr(&o);
    assert!(
        err.starts_with("logscrub: 5 files redacted, 1 left out"),
        "{err}"
    );
    assert!(
        err.contains("left out: support.zip/heap/java_pid4242.hprof (binary"),
        "{err}"
    );
    assert_clean("stderr", err.as_bytes());
    assert_eq!(
        ls(dir.path()),
        vec!["redacted.zip", "report.json", "support.zip"],
        "no temp files"
    );
}

#[test]
fn check_is_an_upload_gate_exit_1_on_findings_0_when_clean() {
    let dir = tmpdir();
    let input = write(dir.path(), "support.zip", support_zip());
    let out = dir.path().join("redacted.zip");
    let o = expect!(1, "", "--check", &input);
    assert!(o.stdout.is_empty());
    assert!(
        stderr(&o).starts_with("logscrub: check: "),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        ls(dir.path()),
        vec!["support.zip"],
        "--check writes nothing"
    );
    // The redacted copy passes the gate.
    logscrub()
        .arg("-q")
        .arg("-o")
        .arg(&out)
        .arg(&input)
        .assert()
        .code(0)
        .stderr("");
    expect!(0, "nothing to redact", "--check", &out);
    // A clean stdin passes, a dirty one does not.
    logscrub()
        .arg("--check")
        .write_stdin("all quiet\n")
        .assert()
        .code(0)
        .stdout("");
    logscrub()
        .arg("--check")
        .write_stdin("from 10.1.2.3\n")
        .assert()
        .code(1)
        .stdout("");
    // --check writes nothing, so -o and --map make no sense with it.
    logscrub()
        .arg("--check")
        .arg("-o")
        .arg(&out)
        .arg(&input)
        .assert()
        .code(2);
    let map = dir.path().join("map.tsv");
    logscrub()
        .arg("--check")
        .arg("--map")
        .arg(&map)
        .arg(&input)
        .assert()
        .code(2);
    assert!(!map.exists(), "--check wrote a map");
}

#[test]
fn check_counts_a_name_or_a_binary_file_as_a_finding() {
    let dir = tmpdir();
    let named = write(dir.path(), "logs/db01.acme.local.log", "nothing here\n");
    logscrub()
        .arg("--check")
        .arg(named.parent().unwrap())
        .assert()
        .code(1);
    std::fs::remove_file(&named).unwrap();
    write(dir.path(), "logs/heap.hprof", hprof());
    logscrub()
        .arg("--check")
        .arg(dir.path().join("logs"))
        .assert()
        .code(1)
        .stderr(predicates::str::contains("1 binary file to leave out"));
}

#[test]
fn folder_in_folder_out_mirrors_the_tree() {
    let dir = tmpdir();
    let src = dir.path().join("logs");
    write(&src, "app/atlassian-bitbucket.log", BITBUCKET_LOG);
    write(&src, "app/catalina.out.gz", gz(CATALINA.as_bytes()));
    write(&src, "hosts/db01.acme.local/access.log", ACCESS_LOG);
    write(&src, "conf/bitbucket.properties", PROPERTIES);
    std::fs::create_dir_all(src.join("empty")).unwrap();
    for i in 0..6 {
        write(
            &src,
            &format!("many/part-{i}.log"),
            format!("{i} from 10.20.30.40\n"),
        );
    }
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc/hostname", src.join("app/link.log")).unwrap();
    let out = dir.path().join("out");
    let report = dir.path().join("r.json");
    expect!(0, "", "-j2", "-o", &out, "--report", &report, &src);
    let t = tree(&out);
    let host_dir = t
        .iter()
        .find(|p| p.starts_with("hosts/[HOST-") && p.ends_with("]/"))
        .expect("host folder");
    assert!(
        t.contains(&"app/atlassian-bitbucket.log".to_string()),
        "{t:?}"
    );
    assert!(t.contains(&"app/catalina.out.gz".to_string()));
    assert!(
        t.contains(&"empty/".to_string()),
        "empty folders are mirrored: {t:?}"
    );
    assert!(t.contains(&format!("{host_dir}access.log")), "{t:?}");
    assert!(
        !t.iter().any(|p| p.contains("link.log")),
        "links are not followed: {t:?}"
    );
    // app/ and 2 files, conf/ and 1, empty/, hosts/ and host/ and 1, many/ and 6.
    assert_eq!(t.len(), 3 + 2 + 1 + 3 + 7, "{t:?}");
    for p in &t {
        assert_clean(p, p.as_bytes());
        let full = out.join(p);
        if full.is_file() {
            let data = std::fs::read(&full).unwrap();
            let text = if p.ends_with(".gz") {
                gunzip(&data)
            } else {
                data
            };
            assert_clean(p, &text);
        }
    }
    let r = json(&report);
    assert_eq!(r["files"].as_array().unwrap().len(), 10);
    #[cfg(unix)]
    assert_eq!(r["left_out"][0]["reason"], "link");
    assert_eq!(r["inputs"][0]["kind"], "folder");
    // Same input, same key, same output: the parallel walk is deterministic.
    let out2 = dir.path().join("out2");
    logscrub()
        .arg("-j1")
        .arg("-q")
        .arg("-o")
        .arg(&out2)
        .arg(&src)
        .assert()
        .success();
    assert_eq!(tree(&out2), t);
    for p in &t {
        if out.join(p).is_file() {
            assert_eq!(
                std::fs::read(out.join(p)).unwrap(),
                std::fs::read(out2.join(p)).unwrap(),
                "{p}"
            );
        }
    }
}

#[test]
fn inputs_with_the_same_name_keep_the_parent_folders_that_tell_them_apart() {
    let dir = tmpdir();
    let n1 = write(dir.path(), "logs/node1/app.log", "a 10.20.30.40\n");
    let n2 = write(dir.path(), "logs/node2/app.log", "b 10.20.30.41\n");
    let j = write(dir.path(), "home/jdoe/app.log", "c 10.20.30.42\n");
    let k = write(dir.path(), "home/asmith/app.log", "d 10.20.30.43\n");
    let other = write(dir.path(), "other.log", "e\n");
    let out = dir.path().join("out/");
    expect!(0, "", "-o", &out, &n1, &n2, &j, &k, &other);
    let mut files = Vec::new();
    for top in ls(&out) {
        let p = out.join(&top);
        if p.is_dir() {
            files.extend(ls(&p).into_iter().map(|f| format!("{top}/{f}")));
        } else {
            files.push(top);
        }
    }
    files.sort();
    assert_eq!(files.len(), 5, "{files:?}");
    assert!(files.contains(&"node1/app.log".to_string()), "{files:?}");
    assert!(files.contains(&"node2/app.log".to_string()), "{files:?}");
    assert!(files.contains(&"other.log".to_string()), "{files:?}");
    // User folders are redacted as in a folder input.
    for f in &files {
        assert!(!f.contains("jdoe") && !f.contains("asmith"), "{files:?}");
    }
    assert_eq!(
        std::fs::read_to_string(out.join("node2/app.log"))
            .unwrap()
            .split(' ')
            .next(),
        Some("b")
    );
}

#[test]
fn several_inputs_go_into_an_output_folder_under_their_redacted_names() {
    let dir = tmpdir();
    let a = write(dir.path(), "in/app.log", "a 10.20.30.40\n");
    let b = write(
        dir.path(),
        "in/sosreport-db01.acme.local.tar",
        tar_of(&[("var/log/messages", b"b 10.20.30.40\n")]),
    );
    let c = write(
        dir.path(),
        "in/support.zip",
        zip_of(&[("x.log", b"c 10.20.30.40\n")]),
    );
    let out = dir.path().join("out/");
    expect!(0, "", "-o", &out, &a, &b, &c);
    let names = ls(&out);
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names.contains(&"app.log".to_string()) && names.contains(&"support.zip".to_string()));
    let tar_name = names.iter().find(|n| n.ends_with(".tar")).unwrap();
    assert!(
        tar_name.starts_with('[') && tar_name.ends_with("].tar"),
        "{tar_name}"
    );
    assert_clean("a name", tar_name.as_bytes());
    let entries = untar(&std::fs::read(out.join(tar_name)).unwrap());
    assert_eq!(entries[0].0, "var/log/messages");
    let token = |b: &[u8]| {
        String::from_utf8_lossy(b)
            .split_whitespace()
            .nth(1)
            .unwrap()
            .to_string()
    };
    let app = std::fs::read(out.join("app.log")).unwrap();
    assert_eq!(
        token(&app),
        token(&entries[0].1),
        "same value, same token in every file"
    );
    assert_eq!(token(&app), token(&unzip(&out.join("support.zip"))[0].1));
}

#[test]
fn gz_stays_gz_and_every_member_is_read() {
    let dir = tmpdir();
    // Two gzip members, as `cat a.gz b.gz` and log rotation make.
    let mut data = gz(b"first jane.doe@acme-corp.com\n");
    data.extend(gz(b"second 10.20.30.40\n"));
    let input = write(dir.path(), "catalina.out.gz", &data);
    let out = dir.path().join("redacted.out.gz");
    logscrub()
        .arg("-q")
        .arg("-o")
        .arg(&out)
        .arg(&input)
        .assert()
        .success();
    let text = String::from_utf8(gunzip(&std::fs::read(&out).unwrap())).unwrap();
    assert!(
        text.starts_with("first <EMAIL-") && text.contains("\nsecond <IPV4-"),
        "{text}"
    );
    // To stdout, a .gz comes out as redacted text, like zcat | logscrub.
    let o = logscrub().arg(&input).output().unwrap();
    assert_eq!(String::from_utf8(o.stdout).unwrap(), text);
    assert!(o.stderr.is_empty());
}

#[test]
fn tar_gz_round_trip_keeps_modes_and_drops_owner_names() {
    let dir = tmpdir();
    let mut b = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_size(CATALINA.len() as u64);
    h.set_mode(0o640);
    h.set_mtime(1_700_000_000);
    h.set_username("jdoe").unwrap();
    h.set_groupname("acme-admins").unwrap();
    b.append_data(&mut h, "logs/catalina.out", CATALINA.as_bytes())
        .unwrap();
    let input = write(dir.path(), "logs.tgz", gz(&b.into_inner().unwrap()));
    let out = dir.path().join("redacted.tar.gz");
    // .tgz and .tar.gz are the same kind.
    logscrub()
        .arg("-q")
        .arg("-o")
        .arg(&out)
        .arg(&input)
        .assert()
        .success();
    let raw = gunzip(&std::fs::read(&out).unwrap());
    assert!(
        !contains(&raw, b"jdoe") && !contains(&raw, b"acme-admins"),
        "owner names dropped"
    );
    let mut a = tar::Archive::new(&raw[..]);
    let e = a.entries().unwrap().next().unwrap().unwrap();
    assert_eq!(e.header().mode().unwrap(), 0o640);
    assert_eq!(e.header().mtime().unwrap(), 1_700_000_000);
    let entries = untar(&raw);
    assert_eq!(entries[0].0, "logs/catalina.out");
    assert_clean("the tar entry", &entries[0].1);
}

#[test]
fn the_output_has_the_kind_of_its_input() {
    let dir = tmpdir();
    let input = write(dir.path(), "support.zip", zip_of(&[("a.log", b"x\n")]));
    logscrub()
        .arg("-o")
        .arg(dir.path().join("out.tar.gz"))
        .arg(&input)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "must be the same kind of file, with a .zip name",
        ));
    let log = write(dir.path(), "a.log", "x\n");
    logscrub()
        .arg("-o")
        .arg(dir.path().join("a.log.gz"))
        .arg(&log)
        .assert()
        .code(2);
    // Folders and archives cannot go to stdout: a usage error.
    logscrub()
        .arg(&input)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("is a zip archive: give -o FILE"));
    // One file needs an output file, not a folder (existing or not).
    for out in [dir.path().to_path_buf(), dir.path().join("newdir/")] {
        logscrub()
            .arg("-o")
            .arg(&out)
            .arg(&log)
            .assert()
            .code(2)
            .stderr(predicates::str::contains("needs an output file name"));
    }
    assert_eq!(ls(dir.path()), vec!["a.log", "support.zip"]);
}

#[test]
fn outputs_never_go_over_or_into_an_input() {
    let dir = tmpdir();
    let src = dir.path().join("logs");
    write(&src, "a.log", "10.20.30.40\n");
    let zip = write(dir.path(), "s.zip", zip_of(&[("a.log", b"x\n")]));
    let refuse = |args: &[&Path], what: &str| {
        let mut cmd = logscrub();
        for a in args {
            cmd.arg(a);
        }
        cmd.assert()
            .code(2)
            .stderr(predicates::str::contains(what.to_string()));
    };
    refuse(
        &[Path::new("-o"), &src.join("out"), &src],
        "inside the input folder",
    );
    refuse(
        &[Path::new("-o"), &src, &src],
        "never writes over its input",
    );
    refuse(
        &[Path::new("-o"), &zip, &zip],
        "never writes over its input",
    );
    refuse(
        &[Path::new("-o"), dir.path(), &src, &zip],
        "inside the output folder",
    );
    refuse(
        &[
            Path::new("--report"),
            &src.join("r.json"),
            Path::new("--check"),
            &src,
        ],
        "inside the input folder",
    );
    refuse(
        &[
            Path::new("-o"),
            &dir.path().join("out"),
            Path::new("--map"),
            &dir.path().join("out/map.tsv"),
            &src,
        ],
        "--map",
    );
    assert_eq!(ls(&src), vec!["a.log"]);
    assert_eq!(ls(dir.path()), vec!["logs", "s.zip"]);
}

#[test]
fn binary_files_are_left_out_by_default_and_never_copied_through() {
    let dir = tmpdir();
    let input = write(
        dir.path(),
        "s.zip",
        zip_of(&[
            ("a.log", b"10.20.30.40\n"),
            ("dump.bin", b"x\x00 10.20.30.40 \x00"),
            ("heap.hprof", b"10.20.30.40"),
        ]),
    );
    let out = dir.path().join("out.zip");
    let o = expect!(0, "", "-o", &out, &input);
    let names: Vec<String> = unzip(&out).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, vec!["a.log"]);
    let err = stderr(&o);
    assert!(
        err.contains("left out: s.zip/dump.bin (binary: NUL bytes)"),
        "{err}"
    );
    assert!(
        err.contains("left out: s.zip/heap.hprof (binary: binary file type)"),
        "{err}"
    );

    // fail: an error naming the file; no output.
    std::fs::remove_file(&out).unwrap();
    fails_cleanly(
        &["--binary", "fail"],
        &input,
        &out,
        "logscrub: s.zip/dump.bin: binary content (NUL bytes)",
    );

    // scan: kept, and redacted as bytes.
    expect!(0, "", "--binary", "scan", "-o", &out, &input);
    let entries = unzip(&out);
    assert_eq!(entries.len(), 3);
    for (n, d) in &entries {
        assert_clean(n, d);
    }
    assert!(entries[1].1.starts_with(b"x\x00 <IPV4-"));

    // A binary file given to stdout is left out, and that is an error:
    // empty output with exit 0 would look like a clean log.
    let bin = write(dir.path(), "core.bin", b"\x00\x01 10.20.30.40");
    let o = expect!(3, "", &bin);
    assert!(o.stdout.is_empty());
    assert!(
        stderr(&o).contains("logscrub: core.bin: left out of stdout (binary: NUL bytes)"),
        "{}",
        stderr(&o)
    );
}

fn utf16le(text: &str) -> Vec<u8> {
    let mut v = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        v.extend_from_slice(&u.to_le_bytes());
    }
    v
}

#[test]
fn utf16_text_is_decoded_redacted_and_written_back_as_utf16() {
    let dir = tmpdir();
    let text = "Windows log: user jane.doe@acme-corp.com from 10.20.30.40 café\r\nline two\r\n";
    let input = write(dir.path(), "win/setup.log", utf16le(text));
    let out = dir.path().join("out");
    let report = dir.path().join("r.json");
    logscrub()
        .arg("-q")
        .arg("-o")
        .arg(&out)
        .arg("--report")
        .arg(&report)
        .arg(input.parent().unwrap())
        .assert()
        .success();
    let bytes = std::fs::read(out.join("setup.log")).unwrap();
    assert_eq!(&bytes[..2], &[0xFF, 0xFE], "the byte-order mark is kept");
    let units: Vec<u16> = bytes[2..]
        .chunks(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let back = String::from_utf16(&units).unwrap();
    assert!(
        back.starts_with("Windows log: user <EMAIL-") && back.contains("<IPV4-"),
        "{back}"
    );
    assert!(back.ends_with(" café\r\nline two\r\n"), "{back}");
    assert_clean("the UTF-16 output", back.as_bytes());
    assert_eq!(json(&report)["files"][0]["encoding"], "utf-16le");

    // Broken UTF-16 is refused, never passed through.
    let mut bad = utf16le("10.20.30.40 ");
    bad.extend_from_slice(&[0x3D, 0xD8, b'x', 0]);
    let bad = write(dir.path(), "bad.log", bad);
    fails_cleanly(
        &[],
        &bad,
        &dir.path().join("bad-out.log"),
        "bad.log: invalid UTF-16: unpaired surrogate at byte 26",
    );
}

#[test]
fn include_and_exclude_select_files() {
    let dir = tmpdir();
    let input = write(
        dir.path(),
        "s.zip",
        zip_of(&[
            ("application-logs/a.log", b"1\n"),
            ("application-logs/b.txt", b"2\n"),
            ("audit/c.log", b"3\n"),
            ("d.log", b"4\n"),
        ]),
    );
    let out = dir.path().join("out.zip");
    let report = dir.path().join("r.json");
    logscrub()
        .args(["-q", "--include", "*.log", "--exclude", "audit", "--report"])
        .arg(&report)
        .arg("-o")
        .arg(&out)
        .arg(&input)
        .assert()
        .success();
    let names: Vec<String> = unzip(&out).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, vec!["application-logs/a.log", "d.log"]);
    let left: Vec<String> = json(&report)["left_out"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            format!(
                "{} {}",
                l["path"].as_str().unwrap(),
                l["reason"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        left,
        vec![
            "s.zip/application-logs/b.txt excluded",
            "s.zip/audit/c.log excluded"
        ]
    );
    logscrub()
        .args(["--include", "a[", "--check"])
        .arg(&input)
        .assert()
        .code(2);
    // A glob with `/` matches the path inside the input.
    logscrub()
        .args(["-q", "--include", "application-logs/*"])
        .arg("-o")
        .arg(dir.path().join("o2.zip"))
        .arg(&input)
        .assert()
        .success();
    let names: Vec<String> = unzip(&dir.path().join("o2.zip"))
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(
        names,
        vec!["application-logs/a.log", "application-logs/b.txt"]
    );
}

#[test]
fn the_map_file_is_private_and_stays_out_of_output_and_report() {
    let dir = tmpdir();
    let input = write(dir.path(), "support.zip", support_zip());
    let out = dir.path().join("redacted.zip");
    let report = dir.path().join("report.json");
    let map = dir.path().join("private/map.tsv");
    std::fs::create_dir_all(map.parent().unwrap()).unwrap();
    let o = expect!(
        0, "", "-o", &out, "--report", &report, "--map", &map, &input
    );
    let text = std::fs::read_to_string(&map).unwrap();
    assert!(text.contains("Never upload it"), "{text}");
    // Each token maps to what it replaced; names' tokens too.
    let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("<HOST-") && l.ends_with("\tbuild-01.acme.local")),
        "{text}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("<EMAIL-") && l.ends_with("\tjane.doe@acme-corp.com"))
    );
    let host_line = lines
        .iter()
        .find(|l| l.ends_with("\tbuild-01.acme.local"))
        .unwrap();
    let token = host_line.split('\t').next().unwrap();
    let in_name = format!("[{}]", &token[1..token.len() - 1]);
    assert!(
        unzip(&out).iter().any(|(n, _)| n.contains(&in_name)),
        "the name's token is in the map"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&map).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(
            std::fs::metadata(&out).unwrap().permissions().mode() & 0o777,
            0o644
        );
    }
    assert_clean("the report", &std::fs::read(&report).unwrap());
    for (n, d) in unzip(&out) {
        assert!(!contains(&d, b"Never upload"), "{n}");
    }
    assert_clean("stderr", &o.stderr);
}

#[test]
fn zip_slip_entries_are_refused_and_nothing_is_written() {
    let dir = tmpdir();
    for (name, entry, why) in [
        (
            "dotdot.zip",
            "logs/../../db01.acme.local.log",
            "entry 2: its name climbs out of the archive with `..` (zip slip)",
        ),
        (
            "absolute.zip",
            "/etc/db01.acme.local.log",
            "entry 2: its name is an absolute path",
        ),
        (
            "windows.zip",
            "C:\\Users\\db01.acme.local.log",
            "entry 2: its name is an absolute Windows path",
        ),
    ] {
        let input = write(
            dir.path(),
            name,
            zip_of(&[("ok.log", b"fine\n"), (entry, b"pwned\n")]),
        );
        let out = dir.path().join("out.zip");
        fails_cleanly(&[], &input, &out, &format!("logscrub: {name}: {why}"));
    }
    // The same in a tar: the tar crate refuses to write `..`, so the name is
    // set in the raw header.
    let mut h = tar::Header::new_old();
    h.as_old_mut().name[..10].copy_from_slice(b"../evil.sh");
    h.set_size(6);
    h.set_cksum();
    let mut b = tar::Builder::new(Vec::new());
    b.append(&h, &b"pwned\n"[..]).unwrap();
    let input = write(dir.path(), "slip.tar", b.into_inner().unwrap());
    let out = dir.path().join("out.tar");
    fails_cleanly(&[], &input, &out, "slip.tar: entry 1: its name climbs out");
    assert!(!dir.path().parent().unwrap().join("evil.sh").exists());
}

#[test]
fn links_in_archives_are_left_out_never_followed() {
    let dir = tmpdir();
    let target = write(dir.path(), "secret.txt", "password=S3cretPassw0rd\n");
    let zip = zip_with(|z, o| {
        z.start_file("a.log", o).unwrap();
        z.write_all(b"ok\n").unwrap();
        z.add_symlink("link.log", target.to_string_lossy(), o)
            .unwrap();
    });
    let input = write(dir.path(), "links.zip", zip);
    let out = dir.path().join("out.zip");
    let o = expect!(0, "", "-o", &out, &input);
    assert_eq!(unzip(&out).len(), 1);
    assert!(
        stderr(&o).contains("left out: links.zip/link.log (link: links are never followed)"),
        "{}",
        stderr(&o)
    );

    let mut b = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(tar::EntryType::Symlink);
    h.set_size(0);
    b.append_link(&mut h, "sym.log", &target).unwrap();
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(tar::EntryType::Link);
    h.set_size(0);
    b.append_link(&mut h, "hard.log", "a.log").unwrap();
    let input = write(dir.path(), "links.tar", b.into_inner().unwrap());
    let out = dir.path().join("out.tar");
    let o = expect!(0, "", "-o", &out, &input);
    assert!(untar(&std::fs::read(&out).unwrap()).is_empty());
    let err = stderr(&o);
    assert!(
        err.contains("links.tar/sym.log (link") && err.contains("links.tar/hard.log (link"),
        "{err}"
    );
    assert!(!contains(&std::fs::read(&out).unwrap(), b"S3cretPassw0rd"));
}

#[test]
fn zip_bombs_are_stopped_by_the_ratio_and_size_limits() {
    let dir = tmpdir();
    // 40 MiB of one repeated line: it compresses about 1000 times.
    let zeros = format!("{}\n", "0".repeat(1023))
        .repeat(40 << 10)
        .into_bytes();
    // A zip entry declaring 40 MiB from ~100 KiB: stopped before it is read.
    let input = write(dir.path(), "bomb.zip", zip_of(&[("zeros.log", &zeros)]));
    let out = dir.path().join("out.zip");
    fails_cleanly(
        &["--max-ratio", "250"],
        &input,
        &out,
        "bomb.zip/zeros.log: expands more than 250 times its compressed size (--max-ratio)",
    );
    // A gzip stream declares nothing: stopped once past the floor.
    let input = write(dir.path(), "bomb.log.gz", gz(&zeros));
    let out = dir.path().join("out.log.gz");
    fails_cleanly(
        &["--max-ratio", "250"],
        &input,
        &out,
        "bomb.log.gz: expands more than 250 times",
    );
    // Raising the limit lets it through.
    logscrub()
        .args(["-q", "--max-ratio", "5000", "-o"])
        .arg(&out)
        .arg(&input)
        .assert()
        .success();
    // The size limit counts everything an input unpacks to.
    std::fs::remove_file(&out).unwrap();
    fails_cleanly(
        &["--max-unpacked", "1M"],
        &input,
        &out,
        "unpacks to more than 1 MiB (--max-unpacked)",
    );
}

#[test]
fn a_zip_of_one_repeated_log_line_is_no_bomb() {
    let dir = tmpdir();
    // 21 MiB of one line over and over, as a stuck retry loop logs it:
    // deflate packs it about 300 times, which is no zip bomb.
    let line = "2024-01-01 12:00:00,123 ERROR [http-nio-7990-exec-5] c.a.b.s.RepositoryService \
                Connection refused: connect to database\n";
    let flood = line.repeat(180_000).into_bytes();
    let zip = zip_with(|z, o| {
        z.start_file("app.log", o.compression_level(Some(9)))
            .unwrap();
        z.write_all(&flood).unwrap();
    });
    let input = write(dir.path(), "flood.zip", zip);
    let ratio = flood.len() as u64 / std::fs::metadata(&input).unwrap().len();
    assert!(ratio > 250, "the flood compresses only {ratio} times");
    let out = dir.path().join("out.zip");
    logscrub()
        .args(["-q", "-o"])
        .arg(&out)
        .arg(&input)
        .assert()
        .success();
    let entries = unzip(&out);
    assert_eq!(newlines(&entries[0].1), 180_000);
}

#[test]
fn nesting_deeper_than_max_depth_is_refused() {
    let dir = tmpdir();
    let mut z = zip_of(&[("deep.log", b"10.20.30.40\n")]);
    for level in 1..4 {
        z = zip_of(&[(&format!("level{level}.zip"), &z)]);
    }
    // support.zip > level3.zip > level2.zip > level1.zip: 4 layers.
    let input = write(dir.path(), "support.zip", z);
    let out = dir.path().join("out.zip");
    fails_cleanly(
        &[],
        &input,
        &out,
        "support.zip/level3.zip/level2.zip/level1.zip: archives nested more than 3 deep (--max-depth)",
    );
    logscrub()
        .args(["-q", "--max-depth", "4", "-o"])
        .arg(&out)
        .arg(&input)
        .assert()
        .success();
    // Nested archives come out nested, redacted all the way down.
    let l3 = unzip(&out);
    assert_eq!(l3[0].0, "level3.zip");
    let p = write(dir.path(), "l3.zip", &l3[0].1);
    let p = write(dir.path(), "l2.zip", &unzip(&p)[0].1);
    let p = write(dir.path(), "l1.zip", &unzip(&p)[0].1);
    let leaf = unzip(&p);
    assert_eq!(leaf[0].0, "deep.log");
    assert!(leaf[0].1.starts_with(b"<IPV4-"));
}

#[test]
fn damaged_archives_fail_with_a_clear_error_and_no_output() {
    let dir = tmpdir();
    let mut log = String::new();
    for i in 0..20_000 {
        log.push_str(&format!(
            "{i} request from 10.20.30.40 for jane.doe@acme-corp.com\n"
        ));
    }
    let gzd = gz(log.as_bytes());
    let zipd = zip_of(&[("a.log", log.as_bytes())]);
    let tard = tar_of(&[("a.log", log.as_bytes())]);
    let mut crc = zipd.clone();
    crc[100] ^= 0xFF; // inside a.log's compressed data
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "cut.log.gz",
            gzd[..gzd.len() / 2].to_vec(),
            "cut.log.gz: damaged or truncated gzip data",
        ),
        (
            "cut.zip",
            zipd[..zipd.len() / 2].to_vec(),
            "cut.zip: not a readable zip archive",
        ),
        ("crc.zip", crc, "crc.zip/a.log: damaged zip entry"),
        (
            "cut.tar",
            tard[..tard.len() / 2].to_vec(),
            "cut.tar/a.log: truncated: the data ends",
        ),
        (
            "cut.tar.gz",
            gz(&tard)[..gz(&tard).len() / 2].to_vec(),
            "cut.tar.gz",
        ),
        (
            "notgzip.gz",
            b"plain text, not gzip\n".to_vec(),
            "notgzip.gz: damaged or truncated gzip data",
        ),
    ];
    for (name, data, want) in cases {
        let input = write(dir.path(), name, data);
        let out = dir.path().join(format!("out-{name}"));
        fails_cleanly(&[], &input, &out, &format!("logscrub: {want}"));
    }
    let left: Vec<String> = ls(dir.path())
        .into_iter()
        .filter(|n| n.starts_with("out-") || n.starts_with(".logscrub"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn one_failing_file_does_not_stop_the_others() {
    let dir = tmpdir();
    let src = dir.path().join("logs");
    for i in 0..5 {
        write(&src, &format!("ok-{i}.log"), format!("{i} 10.20.30.40\n"));
    }
    let g = gz(b"10.20.30.40\n".repeat(1000).as_slice());
    write(&src, "broken.log.gz", &g[..g.len() - 20]);
    let out = dir.path().join("out");
    let report = dir.path().join("r.json");
    expect!(
        3,
        "logscrub: logs/broken.log.gz: damaged or truncated gzip data",
        "-j2",
        "-o",
        &out,
        "--report",
        &report,
        &src
    );
    assert_eq!(
        ls(&out),
        vec!["ok-0.log", "ok-1.log", "ok-2.log", "ok-3.log", "ok-4.log"]
    );
    let r = json(&report);
    assert_eq!(r["totals"]["failed"], 1);
    assert_eq!(r["errors"][0]["path"], "logs/broken.log.gz");
    assert_eq!(r["inputs"][0]["ok"], false);
    assert_eq!(r["files"].as_array().unwrap().len(), 5);
    // A missing input is an input error too; the others still complete.
    expect!(
        3,
        "nope.log",
        "-o",
        dir.path().join("out2/"),
        src.join("ok-0.log"),
        dir.path().join("nope.log")
    );
    assert_eq!(ls(&dir.path().join("out2")), vec!["ok-0.log"]);
}

#[test]
fn names_that_redact_alike_fail_rather_than_overwrite() {
    let dir = tmpdir();
    let input = write(
        dir.path(),
        "s.zip",
        zip_of(&[
            ("db01.acme.local.log", b"a\n"),
            ("DB01.ACME.LOCAL.log", b"b\n"),
        ]),
    );
    fails_cleanly(
        &[],
        &input,
        &dir.path().join("out.zip"),
        "another entry has the same name after redaction",
    );
}

#[test]
fn summary_goes_to_stderr_for_file_runs_and_quiet_silences_it() {
    let dir = tmpdir();
    let input = write(dir.path(), "app.log", "from 10.20.30.40\n");
    let o = expect!(0, "", "-o", dir.path().join("out.log"), &input);
    let err = stderr(&o);
    assert!(
        err.starts_with("logscrub: 1 file redacted, 0 left out ("),
        "{err}"
    );
    assert!(err.contains("  net.ipv4 1\n"), "{err}");
    let o = logscrub()
        .arg("-q")
        .arg("-o")
        .arg(dir.path().join("out2.log"))
        .arg(&input)
        .output()
        .unwrap();
    assert!(o.status.success() && o.stderr.is_empty());
    // To stdout, the data stands alone: no summary.
    let o = logscrub().arg(&input).output().unwrap();
    assert!(o.status.success() && o.stderr.is_empty());
}

#[test]
fn no_progress_bar_when_stderr_is_not_a_terminal() {
    // Large enough for a bar (16 MiB and more), but stderr is a pipe here.
    let dir = tmpdir();
    let line = "2024-03-01 INFO request served in 12 ms by worker 7\n";
    let input = write(dir.path(), "big.log", line.repeat((17 << 20) / line.len()));
    let o = logscrub()
        .arg("-o")
        .arg(dir.path().join("out.log"))
        .arg(&input)
        .output()
        .unwrap();
    assert!(o.status.success());
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "only the summary: {err:?}");
    assert!(!err.contains('\r') && !err.contains('\u{1b}'), "{err:?}");
}

/// Paths of an output folder and its input, for the README's workflow.
fn workflow_paths(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    (
        dir.join("support.zip"),
        dir.join("redacted.zip"),
        dir.join("report.json"),
    )
}

#[test]
fn readme_support_zip_workflow_works_as_shown() {
    // The README's three steps: redact, check, upload (here: read back).
    let dir = tmpdir();
    let (support, redacted, report) = workflow_paths(dir.path());
    std::fs::write(&support, support_zip()).unwrap();
    let map = dir.path().join("logscrub-map.tsv");
    logscrub()
        .current_dir(dir.path())
        .args([
            "-o",
            "redacted.zip",
            "--report",
            "report.json",
            "--map",
            "logscrub-map.tsv",
            "support.zip",
        ])
        .assert()
        .success();
    logscrub()
        .current_dir(dir.path())
        .args(["--check", "redacted.zip"])
        .assert()
        .code(0);
    assert!(redacted.exists() && report.exists() && map.exists());
    assert_eq!(json(&report)["left_out"][0]["reason"], "binary");
}

/// Ctrl-C stops the run of a named input and removes what it had started
/// writing. The input is a named pipe that is fed until logscrub stops
/// reading it, so the run cannot end before the interrupt however fast or
/// slow the machine is.
#[cfg(target_os = "linux")]
#[test]
fn ctrl_c_exits_130_and_leaves_no_partial_file() {
    use std::process::{Command, Stdio};
    let dir = tmpdir();
    let input = dir.path().join("big.log");
    let mkfifo = Command::new("mkfifo").arg(&input).status().unwrap();
    assert!(mkfifo.success());
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let bin = program();
    let mut child = Command::new(bin)
        .env("LOGSCRUB_KEY", KEY)
        // No first pass: the output file is opened at once.
        .args(["--learn", "stream"])
        .arg("-o")
        .arg(out.join("big.log"))
        .arg(&input)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let fifo = input.clone();
    endless(
        move || std::fs::OpenOptions::new().write(true).open(fifo),
        b"2024-03-01 INFO request from 10.20.30.40 by jane.doe@acme-corp.com\n",
    );
    // The temporary file is created after the Ctrl-C handler is in place.
    wait_until(&mut child, "the temporary output file appears", || {
        !ls(&out).is_empty()
    });
    let kill = Command::new("kill")
        .arg("-INT")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(kill.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("logscrub: interrupted"),
        "{}",
        stderr(&o)
    );
    assert!(ls(&out).is_empty(), "left behind: {:?}", ls(&out));
}
