//! A regen killed at any moment leaves the output folder completely old or completely new.
//! The real `xtask` binary is killed (SIGKILL) at the two points that matter — new tree staged,
//! trees swapped — and at a spread of arbitrary moments.

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

mod common;
use common::files;

const SPEC_V1: &str = "openapi: 3.0.3
info: {title: Crash, version: '1'}
paths:
  /things/{id}:
    get:
      operationId: things/get
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/thing'}}}
components:
  schemas:
    thing: {type: object, properties: {name: {type: string}}}
";

fn spec_v2() -> String {
    SPEC_V1.replace("properties: {name: {type: string}}", "properties: {name: {type: string}, size: {type: integer}}")
}

fn regen(spec: &Path, out: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.args(["regen", "--spec"]).arg(spec).arg("--out").arg(out).stdout(Stdio::piped()).stderr(Stdio::null());
    command
}

struct Scene {
    _dir: tempfile::TempDir,
    spec: PathBuf,
    out: PathBuf,
    old: BTreeMap<String, Vec<u8>>,
    new: BTreeMap<String, Vec<u8>>,
}

/// An output folder generated from v1, with the v2 tree computed elsewhere for comparison.
fn scene() -> Scene {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec.yaml");
    let out = dir.path().join("out");
    fs::write(&spec, spec_v2()).unwrap();
    let reference = dir.path().join("reference");
    assert!(regen(&spec, &reference).status().unwrap().success());
    fs::write(&spec, SPEC_V1).unwrap();
    assert!(regen(&spec, &out).status().unwrap().success());
    let old = files(&out);
    let new: BTreeMap<_, _> = files(&reference)
        .into_iter()
        .map(|(path, bytes)| (path, String::from_utf8(bytes).unwrap().replace("/reference", "/out").into_bytes()))
        .collect();
    fs::remove_dir_all(&reference).unwrap();
    fs::write(&spec, spec_v2()).unwrap();
    assert_ne!(old, new);
    Scene { _dir: dir, spec, out, old, new }
}

fn kill_at(scene: &Scene, point: &str) {
    let mut child = regen(&scene.spec, &scene.out).env("XTASK_REGEN_PAUSE", point).spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    assert_eq!(line.trim(), format!("paused at {point}"));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
}

#[test]
fn killed_after_staging_leaves_the_old_tree() {
    let scene = scene();
    kill_at(&scene, "staged");
    assert!(files(&scene.out) == scene.old, "the output must be exactly the old tree");
    // The next run cleans up and completes.
    assert!(regen(&scene.spec, &scene.out).status().unwrap().success());
    assert!(files(&scene.out) == scene.new);
    let leftovers: Vec<_> = fs::read_dir(scene.out.parent().unwrap()).unwrap().flatten().filter(|e| e.file_name().to_string_lossy().starts_with('.')).collect();
    assert!(leftovers.is_empty(), "no staging folder is left behind: {leftovers:?}");
}

#[test]
fn killed_after_the_swap_leaves_the_new_tree() {
    let scene = scene();
    kill_at(&scene, "swapped");
    assert!(files(&scene.out) == scene.new, "the output must be exactly the new tree");
    assert!(regen(&scene.spec, &scene.out).status().unwrap().success());
    assert!(files(&scene.out) == scene.new);
}

#[test]
fn killed_at_arbitrary_moments_the_tree_is_old_or_new() {
    let mut outcomes = BTreeMap::new();
    for delay_ms in [0u64, 2, 5, 10, 15, 20, 30, 45, 60, 90] {
        let scene = scene();
        let mut child = regen(&scene.spec, &scene.out).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        child.wait().unwrap();
        let now = files(&scene.out);
        let state = if now == scene.old {
            "old"
        } else if now == scene.new {
            "new"
        } else {
            panic!("killed after {delay_ms} ms: the tree is a mix of old and new");
        };
        *outcomes.entry(state).or_insert(0) += 1;
    }
    eprintln!("outcomes: {outcomes:?}");
}
