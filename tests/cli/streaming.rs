//! logscrub as a pipe filter: latency, line buffering, Ctrl-C, memory on a
//! long stream.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;

use crate::util::*;

fn spawn(args: &[&str]) -> Child {
    Command::new(assert_cmd::cargo::cargo_bin("logscrub"))
        .env("LOGSCRUB_KEY", KEY)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("logscrub starts")
}

/// Reads lines from the child's stdout on a thread, so a test can wait for
/// one and fail instead of hanging when logscrub does.
fn line_reader(child: &mut Child) -> mpsc::Receiver<String> {
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

#[test]
fn a_line_comes_back_while_the_stream_stays_open() {
    let mut child = spawn(&[]);
    let lines = line_reader(&mut child);
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(b"2024-01-01 INFO login from 10.20.30.40\n")
        .unwrap();
    stdin.flush().unwrap();
    // stdin stays open: the line must come back on its own.
    let got = lines
        .recv_timeout(hang_limit())
        .expect("the line arrives before stdin closes");
    assert!(
        got.starts_with("2024-01-01 INFO login from <IPV4-"),
        "{got}"
    );
    stdin.write_all(b"second jane@corp.com\n").unwrap();
    let got = lines.recv_timeout(hang_limit()).unwrap();
    assert!(got.starts_with("second <EMAIL-"), "{got}");
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

#[test]
fn line_buffered_mode_flushes_every_line() {
    let mut child = spawn(&["--line-buffered"]);
    let lines = line_reader(&mut child);
    let mut stdin = child.stdin.take().unwrap();
    for i in 0..3 {
        writeln!(stdin, "event {i} from 10.0.0.{}", i + 1).unwrap();
        stdin.flush().unwrap();
        let got = lines.recv_timeout(hang_limit()).unwrap();
        assert!(got.starts_with(&format!("event {i} from <IPV4-")), "{got}");
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

#[test]
fn ctrl_c_stops_cleanly_and_leaves_no_output_file() {
    let dir = tmpdir();
    let out = dir.path().join("out.log");
    let mut child = spawn(&["-o", out.to_str().unwrap()]);
    let stdin = child.stdin.take().unwrap();
    endless(move || Ok(stdin), b"a line from 10.1.2.3\n");
    // The temporary output file is created after the Ctrl-C handler is in
    // place, and the input never ends: only the interrupt can stop the run.
    wait_until(&mut child, "the temporary output file appears", || {
        !ls(dir.path()).is_empty()
    });
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(stderr.contains("logscrub: interrupted"), "{stderr}");
    assert!(
        ls(dir.path()).is_empty(),
        "left behind: {:?}",
        ls(dir.path())
    );
}

fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Streams 512 MB through a pipe: the peak memory after the first 64 MB
/// is the peak memory at the end, give or take a few MiB. A leak of a few
/// KiB per 1 MiB chunk would show; a bigger stream would only take longer.
#[test]
fn memory_stays_bounded_on_a_long_stream() {
    if !std::path::Path::new("/proc/self/status").exists() {
        return; // peak RSS is read from /proc
    }
    let mut child = spawn(&["-j2"]);
    let pid = child.id();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let drain = std::thread::spawn(move || {
        let mut buf = vec![0u8; 1 << 20];
        let mut n = 0u64;
        while let Ok(k) = stdout.read(&mut buf) {
            if k == 0 {
                break;
            }
            n += k as u64;
        }
        n
    });
    let mut block = Vec::new();
    for i in 0..8192 {
        block.extend_from_slice(
            format!("2024-01-01 12:00:00,000 INFO  [worker-{i}] com.acme.jobs.Runner job {i} done in 12 ms\n")
                .as_bytes(),
        );
    }
    let total: u64 = 512_000_000;
    let blocks = total / block.len() as u64;
    let mut early = 0;
    for b in 0..blocks {
        stdin.write_all(&block).unwrap();
        if b == blocks / 8 {
            early = peak_rss_kib(pid);
        }
    }
    let late = peak_rss_kib(pid);
    drop(stdin);
    assert!(child.wait().unwrap().success());
    assert_eq!(drain.join().unwrap(), blocks * block.len() as u64);
    assert!(early > 0 && late > 0, "could not read VmHWM");
    assert!(
        late <= early + 16 * 1024,
        "peak RSS grew from {early} KiB to {late} KiB on a long stream"
    );
    assert!(late < 128 * 1024, "peak RSS {late} KiB");
}
