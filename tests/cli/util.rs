//! Small helpers shared by the CLI tests.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// A fixed key for tests that compare tokens.
pub const KEY: &str = "logscrub-test-key-0123456789";

/// The logscrub binary under test, with a fixed key and no inherited key
/// variable. `LOGSCRUB_TEST_PROGRAM` may point at another build (release).
pub fn logscrub() -> Command {
    let mut cmd = match std::env::var_os("LOGSCRUB_TEST_PROGRAM") {
        Some(p) => Command::new(p),
        None => Command::cargo_bin("logscrub").expect("the logscrub binary is built"),
    };
    cmd.env("LOGSCRUB_KEY", KEY);
    cmd.env_remove("NO_COLOR");
    cmd
}

/// The path of the logscrub binary under test (`LOGSCRUB_TEST_PROGRAM` or
/// this build's), for tests that need a plain `std::process::Command`.
pub fn program() -> PathBuf {
    match std::env::var_os("LOGSCRUB_TEST_PROGRAM") {
        Some(p) => PathBuf::from(p),
        None => assert_cmd::cargo::cargo_bin("logscrub"),
    }
}

/// A temporary folder that is deleted when dropped.
pub fn tmpdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// Writes `contents` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, contents).unwrap();
    p
}

/// The project folder.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Names of the files in `dir`.
pub fn ls(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Counts `\n` bytes.
pub fn newlines(b: &[u8]) -> usize {
    b.iter().filter(|&&c| c == b'\n').count()
}

/// True when `needle` occurs in `hay`.
pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// How long a test waits for an event before it calls the run hung. Tests
/// wait for events (a line read, a file appearing, a process ending), never
/// for time; this bound only turns a hang into a failure, so it is far
/// longer than any run takes on a loaded machine, and longer again for an
/// unoptimised build.
pub fn hang_limit() -> std::time::Duration {
    std::time::Duration::from_secs(if cfg!(debug_assertions) { 600 } else { 300 })
}

/// Waits until `ready()` holds, failing if `child` exits first (with its
/// stderr) or nothing happens within [`hang_limit`].
pub fn wait_until(child: &mut std::process::Child, what: &str, mut ready: impl FnMut() -> bool) {
    let start = std::time::Instant::now();
    while !ready() {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut e, &mut err);
            }
            panic!("logscrub exited ({status}) before {what}: {err}");
        }
        assert!(start.elapsed() < hang_limit(), "hung waiting for {what}");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// Feeds `line` over and over, on a thread, to what `open` opens, until
/// the reader goes away (a write fails): an input that ends only when
/// logscrub does.
pub fn endless<W: std::io::Write>(
    open: impl FnOnce() -> std::io::Result<W> + Send + 'static,
    line: &'static [u8],
) {
    std::thread::spawn(move || {
        if let Ok(mut sink) = open() {
            while sink.write_all(line).is_ok() {}
        }
    });
}

/// The tokens logscrub writes, every form (`logscrub::token::PATTERN`).
pub fn token_regex() -> regex::Regex {
    regex::Regex::new(logscrub::token::PATTERN).expect("the token pattern compiles")
}

/// The tokens in `text`, in order.
pub fn tokens(text: &str) -> Vec<String> {
    token_regex()
        .find_iter(text)
        .map(|m| m.as_str().to_owned())
        .collect()
}

/// The tokens with `label` in `text`, in order.
pub fn tokens_of(text: &str, label: &str) -> Vec<String> {
    let start = format!("<{label}-");
    tokens(text)
        .into_iter()
        .filter(|t| t.starts_with(&start))
        .collect()
}

/// The first token with `label` in `text`.
pub fn token_of(text: &str, label: &str) -> Option<String> {
    tokens_of(text, label).into_iter().next()
}
