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
