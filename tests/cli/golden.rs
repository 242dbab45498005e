//! Golden cases: `tests/golden/<case>/` holds `input.log`, `expected.log`,
//! optional `args` (one flag per line) and optional `canaries.txt` (values
//! that must appear nowhere in the output, one per line).
//!
//! Comparison is byte-exact. `LOGSCRUB_BLESS=1 cargo test` rewrites the
//! expected files; review that diff like code. The canary check does not
//! depend on blessing, so a wrongly blessed file cannot hide a leak.

use std::path::Path;

use crate::util::*;

fn run_case(dir: &Path) -> Result<(), String> {
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let input = std::fs::read(dir.join("input.log")).map_err(|e| format!("{name}: {e}"))?;
    let args: Vec<String> = std::fs::read_to_string(dir.join("args"))
        .map(|s| {
            s.lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let out = logscrub()
        .current_dir(root())
        .args(&args)
        .write_stdin(input.clone())
        .output()
        .unwrap();
    if !out.status.success() {
        return Err(format!(
            "{name}: exit {:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    if newlines(&out.stdout) != newlines(&input) {
        return Err(format!("{name}: line count changed"));
    }
    if let Ok(canaries) = std::fs::read_to_string(dir.join("canaries.txt")) {
        for c in canaries
            .lines()
            .map(str::trim)
            .filter(|c| !c.is_empty() && !c.starts_with('#'))
        {
            if contains(&out.stdout, c.as_bytes()) || contains(&out.stderr, c.as_bytes()) {
                return Err(format!("{name}: canary {c:?} leaked"));
            }
        }
    }
    let expected_path = dir.join("expected.log");
    if std::env::var_os("LOGSCRUB_BLESS").is_some() {
        std::fs::write(&expected_path, &out.stdout).unwrap();
        return Ok(());
    }
    let expected = std::fs::read(&expected_path)
        .map_err(|e| format!("{name}: {e} (run with LOGSCRUB_BLESS=1 to create it)"))?;
    if expected != out.stdout {
        return Err(format!(
            "{name}: output differs from expected.log\n\
             ----- expected -----\n{}\n----- actual -----\n{}\n--------------------",
            String::from_utf8_lossy(&expected),
            String::from_utf8_lossy(&out.stdout)
        ));
    }
    Ok(())
}

#[test]
fn golden_cases() {
    let base = root().join("tests/golden");
    let mut cases: Vec<_> = std::fs::read_dir(&base)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 4,
        "golden cases missing in {}",
        base.display()
    );
    let failures: Vec<String> = cases.iter().filter_map(|c| run_case(c).err()).collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}
