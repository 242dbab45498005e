//! Hostile bytes through the library: NUL bytes, invalid UTF-8, mixed line
//! endings, 100,000 findings on one line, a 1 MB token, adjacent and nested
//! findings, a PEM block that never ends, and long degenerate inputs built
//! from every rule's own examples.
//!
//! None may panic, lose a line, or let a planted value through. The inputs
//! are large (hundreds of KB on one line) so that anything superlinear in
//! the engine, a validator or the redaction step would take minutes instead
//! of milliseconds; timing itself is measured by the benchmarks.

use std::sync::OnceLock;

use logscrub::engine::Engine;
use logscrub::redact::Redactor;
use logscrub::redact::pseudonym::{Key, Pseudonymizer};
use logscrub::rules::RuleSet;

fn redactor() -> &'static Redactor {
    static R: OnceLock<Redactor> = OnceLock::new();
    R.get_or_init(|| {
        Redactor::new(
            Engine::new(&RuleSet::embedded().unwrap()).unwrap(),
            Pseudonymizer::new(Key::from_material(b"hostile-test-key-material").unwrap()),
        )
    })
}

fn redact(input: &[u8]) -> Vec<u8> {
    let out = redactor().redact_bytes(input);
    assert_eq!(
        out.iter().filter(|&&c| c == b'\n').count(),
        input.iter().filter(|&&c| c == b'\n').count(),
        "line count"
    );
    assert_eq!(
        out.iter().filter(|&&c| c == b'\r').count(),
        input.iter().filter(|&&c| c == b'\r').count(),
        "CR count"
    );
    out
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn nul_bytes_invalid_utf8_and_mixed_endings() {
    let input = b"\x00\x00 10.1.2.3\x00\r\n\xff\xfe\xfd jane@corp.com \xc0\xaf\r\xe2\x82 db01.acme.lan\n\x00\n";
    let out = redact(input);
    for v in [&b"10.1.2.3"[..], b"jane@corp.com", b"db01.acme.lan"] {
        assert!(!contains(&out, v));
    }
    assert!(out.starts_with(b"\x00\x00 <IPV4-"));
    assert!(contains(&out, b"\xff\xfe\xfd <EMAIL-"));
    assert!(out.ends_with(b"\n\x00\n"));
}

#[test]
fn a_hundred_thousand_findings_on_one_line() {
    let mut line = Vec::new();
    for i in 0..100_000u32 {
        line.extend_from_slice(
            format!("10.{}.{}.{} ", (i >> 16) & 255, (i >> 8) & 255, i & 255 | 1).as_bytes(),
        );
    }
    line.push(b'\n');
    let out = redact(&line);
    let tokens = out.windows(6).filter(|w| w == b"<IPV4-").count();
    assert_eq!(tokens, 100_000);
}

#[test]
fn a_one_megabyte_token() {
    // Mid-line, so the value ends at the space (a line that starts with
    // `password=` is a properties line, whose value runs to its end).
    let mut input = b"login with password=".to_vec();
    input.extend(
        (0..1 << 20)
            .map(|i| b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"[i % 62]),
    );
    input.extend_from_slice(b" done\n");
    let out = redact(&input);
    assert!(out.starts_with(b"login with password=<PASSWORD-"));
    assert!(out.ends_with(b"> done\n"));
    assert!(out.len() < 100);
}

#[test]
fn adjacent_and_nested_findings_leave_no_byte() {
    let input = b"10.1.2.3,10.1.2.4;jane@corp.com,ops@corp.com https://bob:pw99@jane.acme.com/x \
        Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2lnbmF0dXJlX3ZhbHVl\n";
    let out = redact(input);
    for v in [
        &b"10.1.2.3"[..],
        b"10.1.2.4",
        b"jane@corp.com",
        b"ops@corp",
        b"bob",
        b"pw99",
        b"jane.acme",
        b"eyJ",
        b"c2lnbmF0",
    ] {
        assert!(!contains(&out, v), "{}", String::from_utf8_lossy(v));
    }
}

#[test]
fn a_pem_block_that_never_ends() {
    let mut input = b"-----BEGIN RSA PRIVATE KEY-----\n".to_vec();
    for i in 0..100_000 {
        input.extend_from_slice(
            format!("MIIEowIBAAKCAQEA{i:08}QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo\n").as_bytes(),
        );
    }
    let out = redact(&input);
    assert!(!contains(&out, b"MIIEow"));
    // A line that is no key material ends the block.
    input.extend_from_slice(b"2024-01-01 INFO next record\nMIIEowIBAAKCAQEAstays\n");
    let out = redact(&input);
    assert!(out.ends_with(b"2024-01-01 INFO next record\nMIIEowIBAAKCAQEAstays\n"));
}

/// For every rule: its examples glued into one long line, and long runs of
/// each byte they contain, so that every pattern meets long near-misses.
#[test]
fn degenerate_inputs_for_every_rule() {
    let set = RuleSet::embedded().unwrap();
    for rule in set.rules() {
        let mut glued = Vec::new();
        let mut bytes: Vec<u8> = Vec::new();
        for ex in &rule.examples {
            let one: Vec<u8> = ex
                .input
                .bytes()
                .map(|c| if c == b'\n' { b' ' } else { c })
                .collect();
            bytes.extend(one.iter().copied());
            glued.extend_from_slice(&one);
        }
        bytes.sort_unstable();
        bytes.dedup();
        let mut line = Vec::new();
        while line.len() < 256 << 10 {
            line.extend_from_slice(&glued);
        }
        line.push(b'\n');
        redact(&line);
        for b in bytes {
            let mut run = vec![b; 64 << 10];
            run.push(b'\n');
            redact(&run);
            // Alternating with a separator: `a.a.a.a`, `1:1:1:1`, `x@x@x`.
            let mut alt: Vec<u8> = [b, b'.', b, b':', b, b'@', b, b'-']
                .iter()
                .copied()
                .cycle()
                .take(64 << 10)
                .collect();
            alt.push(b'\n');
            redact(&alt);
        }
    }
}

#[test]
fn many_markers_and_findings_on_one_line() {
    let mut line = Vec::new();
    for _ in 0..5_000 {
        line.extend_from_slice(
            b"-----BEGIN PRIVATE KEY-----\\nQUJD\\n-----END PRIVATE KEY----- 10.9.8.7 ",
        );
    }
    line.push(b'\n');
    let out = redact(&line);
    assert!(!contains(&out, b"10.9.8.7"));
    assert!(!contains(&out, b"QUJD"));
}
