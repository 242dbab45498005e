//! Hostile input through the binary: failures never show input bytes, and a
//! crashing worker writes nothing of its chunk.

use crate::util::*;

#[test]
fn a_failing_input_never_shows_its_bytes() {
    // An over-long line that holds a secret: the error names the line, not
    // its content.
    let mut input = b"ok 10.0.0.1\n".to_vec();
    input.extend_from_slice(b"password=TopSecretValue42 ");
    input.extend(std::iter::repeat_n(b'x', 10_000));
    input.push(b'\n');
    let out = logscrub()
        .args(["--max-line-bytes", "4K"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(!contains(&out.stderr, b"TopSecretValue42"));
    assert!(!contains(&out.stdout, b"TopSecretValue42"));
}

#[test]
fn a_crashing_worker_writes_nothing_of_its_chunk_and_shows_no_bytes() {
    if !cfg!(debug_assertions) {
        return; // the failure is injected in debug builds only
    }
    let mut input = String::new();
    for i in 0..2000 {
        input.push_str(&format!("line {i} from 10.0.{}.{}\n", i / 250, i % 250 + 1));
    }
    input.push_str("CRASH-HERE password=NeverShowMe99 jane@corp.com\n");
    for i in 0..10 {
        input.push_str(&format!("after {i}\n"));
    }
    let out = logscrub()
        .env("LOGSCRUB_DEBUG_PANIC", "CRASH-HERE")
        .args(["--chunk-bytes", "8K"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("internal error"), "{stderr}");
    for secret in ["NeverShowMe99", "jane@corp.com", "CRASH-HERE", "10.0."] {
        assert!(!stderr.contains(secret), "{secret} in stderr: {stderr}");
        assert!(
            !contains(&out.stdout, secret.as_bytes()),
            "{secret} in stdout"
        );
    }
    // Output stops at a line boundary before the failed chunk.
    assert!(out.stdout.is_empty() || out.stdout.ends_with(b"\n"));
    assert!(!contains(&out.stdout, b"after "));
}
