//! Every spec in `tests/fixtures/bad/` is refused by `cargo xtask regen` with exit code 1 and a
//! diagnostic naming the file, the JSON pointer and what to do (snapshotted in
//! `tests/snapshots/diagnostics/`), and the output folder is left byte-for-byte unchanged.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Every file under `dir`, relative path -> bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.insert(path.strip_prefix(dir).unwrap().to_path_buf(), fs::read(&path).unwrap());
            }
        }
    }
    out
}

fn copy_tree(from: &Path, to: &Path) {
    for (path, bytes) in tree(from) {
        let target = to.join(path);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::write(target, bytes).unwrap();
    }
}

/// Runs regen on `spec` (a path relative to the workspace root) into a copy of `generated/`;
/// returns stderr after checking the exit code and that the copy is unchanged.
fn refuse(spec: &str) -> String {
    let out = tempfile::tempdir().unwrap();
    copy_tree(&root().join("generated"), out.path());
    let before = tree(out.path());
    let result = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(root())
        .args(["regen", "--spec", spec, "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr).into_owned();
    assert_eq!(result.status.code(), Some(1), "{spec}: expected exit code 1\n{stderr}");
    assert!(tree(out.path()) == before, "{spec}: the output folder changed");
    let leftovers: Vec<_> = fs::read_dir(out.path().parent().unwrap())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".regen-"))
        .collect();
    assert!(leftovers.is_empty(), "{spec}: left {leftovers:?}");
    stderr
}

fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root().join("tests/snapshots/diagnostics"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings
}

#[test]
fn every_bad_spec_is_refused_with_a_located_diagnostic() {
    let mut names: Vec<String> = fs::read_dir(root().join("tests/fixtures/bad"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    assert!(names.len() >= 30, "the corpus has {} specs", names.len());
    for name in names {
        let spec = format!("tests/fixtures/bad/{name}");
        let stderr = refuse(&spec);
        assert!(stderr.contains(&spec), "{spec}: the diagnostic must name the file:\n{stderr}");
        assert!(stderr.contains("help: "), "{spec}: the diagnostic must say what to do:\n{stderr}");
        assert!(!stderr.contains("thread '") && !stderr.contains("stack backtrace"), "{spec}: a panic leaked out:\n{stderr}");
        settings().bind(|| insta::assert_snapshot!(name.trim_end_matches(".yaml").to_owned(), stderr));
    }
}

#[test]
fn a_huge_file_is_refused_without_reading_it_as_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("huge.yaml");
    let mut text = String::from("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx-padding: |\n");
    let line = format!("  {}\n", "x".repeat(1022));
    while text.len() <= 65 << 20 {
        text.push_str(&line);
    }
    fs::write(&spec, text).unwrap();
    let stderr = refuse(spec.to_str().unwrap());
    assert!(stderr.contains("specs above 64 MiB are refused"), "{stderr}");
}

#[test]
fn a_file_that_is_not_utf8_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("latin1.yaml");
    fs::write(&spec, b"openapi: 3.0.3\ninfo: {title: \xe9t\xe9, version: '1'}\n").unwrap();
    let stderr = refuse(spec.to_str().unwrap());
    assert!(stderr.contains("latin1.yaml"), "{stderr}");
    assert!(stderr.contains("UTF-8"), "{stderr}");
}
