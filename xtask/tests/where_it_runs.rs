//! The real `xtask` binary acts on the workspace that holds the current directory, not on the
//! one it was built in (with a shared `CARGO_TARGET_DIR`, cargo runs the binary built in one
//! checkout from another), and the headers it writes do not depend on where it ran or wrote.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::files;

/// The checkout these tests run in (cargo runs them in `xtask/`).
fn root() -> PathBuf {
    xtask::workspace_root().unwrap_or_else(|error| panic!("{error:#}"))
}

/// The paths whose files differ between two trees (missing on one side, or other bytes).
fn differences(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let paths: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    paths.into_iter().filter(|path| a.get(*path) != b.get(*path)).cloned().collect()
}

fn copy_tree(from: &Path, to: &Path) {
    for (relative, bytes) in files(from) {
        let target = to.join(relative);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::write(target, bytes).unwrap();
    }
}

/// A copy of this checkout's inputs (manifest, spec/, generated/, the xtask manifest), as a
/// second clone would have them.
fn clone_of_checkout(into: &Path) {
    let root = root();
    for file in ["Cargo.toml", "xtask/Cargo.toml"] {
        fs::create_dir_all(into.join(file).parent().unwrap()).unwrap();
        fs::copy(root.join(file), into.join(file)).unwrap();
    }
    copy_tree(&root.join("spec"), &into.join("spec"));
    copy_tree(&root.join("generated"), &into.join("generated"));
}

fn xtask(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).current_dir(cwd).args(args).output().unwrap()
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

/// `to` as a path relative to `from` (both absolute), through `..` as far up as needed.
fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let ups = from.components().filter(|c| matches!(c, Component::Normal(_))).count();
    let mut path: PathBuf = std::iter::repeat_n("..", ups).collect();
    path.push(to.strip_prefix("/").unwrap());
    path
}

#[test]
fn regen_and_pin_write_into_the_checkout_they_are_run_in_only() {
    let root = root();
    let (spec_before, generated_before) = (fs::read(root.join(xtask::PINNED_SPEC)).unwrap(), files(&root.join(xtask::GENERATED)));
    let dir = tempfile::tempdir().unwrap();
    let clone = dir.path().join("second-clone");
    clone_of_checkout(&clone);

    // regen, run from a folder inside the second clone, rebuilds that clone's generated/.
    fs::remove_dir_all(clone.join("generated/models")).unwrap();
    let output = xtask(&clone.join("generated"), &["regen"]);
    assert!(output.status.success(), "{}", text(&output));
    let stale = differences(&files(&clone.join("generated")), &generated_before);
    assert!(stale.is_empty(), "the clone's generated/ is not regenerated in full: {stale:?}\n{}", text(&output));

    // pin, run from the clone's root with a relative --from, re-pins the clone's spec.
    let output = xtask(&clone, &["pin", "--from", "spec/upstream/api.github.com-22.0.0.json.gz"]);
    assert!(output.status.success(), "{}", text(&output));
    let pinned = fs::read_to_string(clone.join(xtask::PINNED_SPEC)).unwrap();
    assert!(pinned.contains("22.0.0"), "the clone now pins 22.0.0:\n{}", &pinned[..pinned.len().min(400)]);

    assert!(fs::read(root.join(xtask::PINNED_SPEC)).unwrap() == spec_before, "{} of the checkout that built xtask was changed", xtask::PINNED_SPEC);
    let touched = differences(&files(&root.join(xtask::GENERATED)), &generated_before);
    assert!(touched.is_empty(), "generated/ of the checkout that built xtask was changed: {touched:?}");
}

#[test]
fn outside_the_project_it_refuses_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let output = xtask(dir.path(), &["regen"]);
    assert!(!output.status.success());
    let message = text(&output);
    assert!(message.contains("is not inside a Cargo workspace"), "{message}");
    assert!(message.contains("run `cargo xtask` from inside the project's checkout"), "{message}");
    assert!(fs::read_dir(dir.path()).unwrap().next().is_none(), "nothing written");

    // Another project's workspace is not ours either.
    fs::write(dir.path().join("Cargo.toml"), "[workspace]\nmembers = []\n").unwrap();
    let output = xtask(dir.path(), &["regen"]);
    let message = text(&output);
    assert!(!output.status.success() && message.contains("is not this project's"), "{message}");
    assert!(!dir.path().join("generated").exists(), "nothing written");
}

/// A workspace folder with the inventory spec in `api/`.
fn workspace_with_spec(folder: &Path) -> PathBuf {
    fs::create_dir_all(folder.join("api")).unwrap();
    fs::write(folder.join("Cargo.toml"), "[workspace]\nmembers = [\"crates/*\"]\n").unwrap();
    let spec = folder.join("api/inventory.yaml");
    fs::copy(root().join("tests/fixtures/inventory.yaml"), &spec).unwrap();
    spec
}

#[test]
fn the_same_inputs_give_the_same_bytes_from_any_folder_to_any_folder() {
    let root = root();
    let dir = tempfile::tempdir().unwrap();
    let (one, two) = (dir.path().join("alice/api-crates"), dir.path().join("bob/work/inventory"));
    let (spec_one, spec_two) = (workspace_with_spec(&one), workspace_with_spec(&two));

    // Alice from the checkout's root with absolute paths; Bob from its xtask/ folder, relative.
    let out_one = one.join("crates");
    let output = xtask(&root, &["regen", "--spec", spec_one.to_str().unwrap(), "--out", out_one.to_str().unwrap(), "--crate-prefix", "inventory"]);
    assert!(output.status.success(), "{}", text(&output));
    let cwd = root.join("xtask");
    let (spec_arg, out_arg) = (relative_path(&cwd, &spec_two), relative_path(&cwd, &two.join("crates")));
    let output = xtask(&cwd, &["regen", "--spec", spec_arg.to_str().unwrap(), "--out", out_arg.to_str().unwrap(), "--crate-prefix", "inventory"]);
    assert!(output.status.success(), "{}", text(&output));

    let (alice, bob) = (files(&out_one), files(&two.join("crates")));
    assert!(alice.len() >= 9, "{:?}", alice.keys());
    let differ = differences(&alice, &bob);
    assert!(differ.is_empty(), "{differ:?} differ; first lines:\n{}\n{}", first_line(&alice["models/src/lib.rs"]), first_line(&bob["models/src/lib.rs"]));
    let header = first_line(&alice["models/src/lib.rs"]);
    let hash = codegen::spec::pin::sha256_hex(&fs::read(&spec_one).unwrap());
    assert_eq!(
        header,
        format!("// @generated by `cargo xtask regen --spec api/inventory.yaml --crate-prefix inventory` from api/inventory.yaml (sha256 {hash}). Do not edit: change the spec or the generator and regenerate."),
        "the spec is named relative to the output's workspace, --out is left out"
    );

    // An output folder in no workspace, a spec outside the checkout: the spec's file name.
    let out_three = dir.path().join("loose/crates");
    let output = xtask(&root, &["regen", "--spec", spec_one.to_str().unwrap(), "--out", out_three.to_str().unwrap(), "--crate-prefix", "inventory"]);
    assert!(output.status.success(), "{}", text(&output));
    let temp = dir.path().to_str().unwrap();
    for (path, bytes) in files(&out_three) {
        assert!(!String::from_utf8_lossy(&bytes).contains(temp), "{path} names a folder of this machine: {}", first_line(&bytes));
    }
    assert!(first_line(&files(&out_three)["models/src/lib.rs"]).contains("`cargo xtask regen --spec inventory.yaml --crate-prefix inventory` from inventory.yaml"));
}

fn first_line(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).lines().next().unwrap_or_default().to_owned()
}
