//! Token forms on the command line: structure kept for addresses, hosts
//! and e-mail addresses, the plain form on request, and both settled
//! (a second run, `--check`, `--map` and file names agree with the first).

use crate::bundles::{unzip, zip_of};
use crate::util::*;

const LOG: &str = "\
node 10.0.1.5 joined; peer 10.0.1.6 up; proxy 172.16.9.1; gateway 11.0.1.5
v6 2001:db8:1:2::5 and 2001:db8:1:3::5
jdbc:postgresql://db01.prod.acme.internal:5432/x replica db02.prod.acme.internal:5432
mail from jane.doe@acme.internal to https://build.beta.internal/job
";

fn redact(args: &[&str], input: &str) -> String {
    let out = logscrub().args(args).write_stdin(input).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The groups of a token's body (after `<LABEL-`).
fn groups(token: &str) -> Vec<&str> {
    let body = &token[token.find('-').unwrap() + 1..token.len() - 1];
    body.split(['.', '@', '-']).collect()
}

#[test]
fn addresses_of_one_subnet_share_a_token_prefix_and_other_networks_do_not() {
    let text = redact(&[], LOG);
    let ips = tokens_of(&text, "IPV4");
    assert_eq!(ips.len(), 4, "{text}");
    let (a, b, other, gateway) = (
        groups(&ips[0]),
        groups(&ips[1]),
        groups(&ips[2]),
        groups(&ips[3]),
    );
    assert_eq!(a[..3], b[..3], "one /24: {} {}", ips[0], ips[1]);
    assert_ne!(a[3], b[3]);
    assert_ne!(a[0], other[0], "another /8: {}", ips[2]);
    assert_ne!(
        a[0], gateway[0],
        "another /8, same lower octets: {}",
        ips[3]
    );
    let v6 = tokens_of(&text, "IPV6");
    assert_eq!(groups(&v6[0])[..2], groups(&v6[1])[..2], "one /48");
    assert_ne!(groups(&v6[0])[2], groups(&v6[1])[2], "two /64s");
    for raw in ["10.0.1", "2001:db8", "acme", "db01", "jane", "beta"] {
        assert!(!text.contains(raw), "{raw} in {text}");
    }
}

#[test]
fn hosts_and_addresses_of_one_domain_share_its_part() {
    let text = redact(&[], LOG);
    let hosts = tokens_of(&text, "HOST");
    let db01 = groups(&hosts[0]);
    let db02 = groups(&hosts[1]);
    let build = groups(&hosts[2]);
    assert!(
        hosts[0].ends_with(".internal>"),
        "the private suffix stays: {text}"
    );
    assert_eq!(db01[1..], db02[1..], "{} {}", hosts[0], hosts[1]);
    assert_ne!(db01[0], db02[0]);
    assert_ne!(db01[1..3], build[1..3], "another domain: {}", hosts[2]);
    let mail = token_of(&text, "EMAIL").unwrap();
    assert_eq!(groups(&mail)[1..], db01[2..], "{mail} and {}", hosts[0]);
}

#[test]
fn plain_tokens_show_no_structure_and_match_the_first_group() {
    let structured = redact(&[], LOG);
    let plain = redact(&["--plain-tokens"], LOG);
    let re = regex::Regex::new(r"^<[A-Z0-9-]+-[0-9a-f]{18}>$").unwrap();
    let ts = tokens(&plain);
    assert!(!ts.is_empty());
    assert!(ts.iter().all(|t| re.is_match(t)), "{plain}");
    let host = token_of(&structured, "HOST").unwrap();
    assert!(
        plain.contains(&format!("<HOST-{}>", groups(&host)[0])),
        "{plain}"
    );
}

#[test]
fn structured_tokens_are_settled_and_agree_across_threads_checks_and_maps() {
    let text = redact(&[], LOG);
    assert_eq!(redact(&[], &text), text, "a second run changes nothing");
    assert_eq!(redact(&["--plain-tokens"], &text), text);
    let dir = tmpdir();
    let big: String = LOG.repeat(3000);
    let input = write(dir.path(), "big.log", &big);
    let one = redact(
        &["-j1", "--chunk-bytes", "4096", input.to_str().unwrap()],
        "",
    );
    let four = redact(
        &["-j4", "--chunk-bytes", "4096", input.to_str().unwrap()],
        "",
    );
    assert_eq!(one, four);
    let out = write(dir.path(), "out.log", &text);
    logscrub().arg("--check").arg(&out).assert().code(0);
    let map = dir.path().join("map.tsv");
    let src = write(dir.path(), "in.log", LOG);
    let got = redact(&["--map", map.to_str().unwrap(), src.to_str().unwrap()], "");
    let map = std::fs::read_to_string(&map).unwrap();
    for t in tokens(&got) {
        assert!(
            map.lines().any(|l| l.starts_with(&format!("{t}\t"))),
            "{t} not in map"
        );
    }
    assert!(
        map.lines()
            .any(|l| l.ends_with("\tdb01.prod.acme.internal"))
    );
}

#[test]
fn file_names_with_structured_tokens_are_settled() {
    let dir = tmpdir();
    let zip = write(
        dir.path(),
        "bundle.zip",
        zip_of(&[("nodes/db01.prod.acme.internal/app.log", b"ok 10.0.1.5\n")]),
    );
    let out = dir.path().join("out.zip");
    logscrub()
        .arg("-q")
        .arg("-o")
        .arg(&out)
        .arg(&zip)
        .assert()
        .success();
    let entries = unzip(&out);
    let name = &entries[0].0;
    assert!(
        name.starts_with("nodes/[HOST-") && name.ends_with(".internal]/app.log"),
        "{name}"
    );
    logscrub().arg("--check").arg(&out).assert().code(0);
    let again = dir.path().join("again.zip");
    logscrub()
        .arg("-q")
        .arg("-o")
        .arg(&again)
        .arg(&out)
        .assert()
        .success();
    assert_eq!(unzip(&again), entries);
}

#[test]
fn no_token_reads_as_an_address() {
    let text = redact(
        &[],
        &(0..=255)
            .map(|i| format!("h 10.0.{i}.1\n"))
            .collect::<String>(),
    );
    let ip = regex::Regex::new(r"\d+\.\d+\.\d+\.\d+").unwrap();
    assert!(!ip.is_match(&text), "{text}");
    assert_eq!(tokens(&text).len(), 256);
}
