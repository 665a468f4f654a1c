//! Workspace automation behind `cargo xtask`. The code generator (`codegen`) builds files in
//! memory; this crate is the only place that reads the spec from disk and writes or checks the
//! generated tree.

pub mod changelog;
pub mod files;
pub mod permissions;
pub mod pin;
pub mod plan;
pub mod regen;
pub mod swap;
pub mod versions;

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

/// The workspace `cargo xtask` acts on: the one that contains the current directory, found as
/// cargo finds it (the nearest `Cargo.toml` with a `[workspace]` table, upward).
///
/// Not the folder this binary was built in: with a shared `CARGO_TARGET_DIR`, cargo runs an
/// `xtask` built in one checkout from another checkout of the same commit, and a path fixed at
/// build time would make it write into the first.
pub fn workspace_root() -> Result<PathBuf> {
    let cwd = std::env::current_dir().map_err(|error| anyhow::anyhow!("cannot read the current directory ({error}); run `cargo xtask` from inside the project's checkout"))?;
    let Some(root) = enclosing_workspace(&cwd) else {
        bail!("{} is not inside a Cargo workspace (no Cargo.toml with [workspace] here or above); run `cargo xtask` from inside the project's checkout", cwd.display());
    };
    if !root.join("xtask").join("Cargo.toml").is_file() || !root.join(PINNED_SPEC).is_file() {
        bail!(
            "the workspace at {} is not this project's (it has no xtask/Cargo.toml and {PINNED_SPEC}); run `cargo xtask` from inside the project's checkout",
            root.display()
        );
    }
    Ok(root)
}

/// The nearest folder at or above `dir` whose `Cargo.toml` has a `[workspace]` table, as cargo
/// looks for the workspace of a package. `dir` should be absolute.
pub fn enclosing_workspace(dir: &Path) -> Option<PathBuf> {
    dir.ancestors().find(|folder| is_workspace_root(folder)).map(Path::to_path_buf)
}

/// Whether `folder/Cargo.toml` declares a workspace: a `[workspace]` table header on a line of
/// its own (cargo's manifests are TOML; a dotted `workspace.x` key at the top level is not used
/// by this project and not looked for).
fn is_workspace_root(folder: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(folder.join("Cargo.toml")) else {
        return false;
    };
    text.lines().any(|line| {
        let line = line.split('#').next().unwrap_or("").trim();
        line == "[workspace]"
    })
}

/// The pinned spec, relative to the workspace root.
pub const PINNED_SPEC: &str = "spec/api.github.com.yaml";
/// Where the pinned spec's provenance is recorded, relative to the workspace root.
pub const PROVENANCE: &str = "spec/provenance.yaml";
/// The list of pinned operations, relative to the workspace root.
pub const OPERATIONS: &str = "spec/operations.txt";
/// Where upstream descriptions are kept, relative to the workspace root.
pub const UPSTREAM_DIR: &str = "spec/upstream";
/// The codegen configuration of the pinned spec (see `codegen::spec::config`), relative to the
/// workspace root.
pub const CODEGEN_CONFIG: &str = "spec/codegen.yaml";
/// The generated crates' versions, relative to the workspace root.
pub const VERSIONS: &str = "spec/versions.yaml";
/// The pinned permission requirements (written by `cargo xtask pin`, read by `regen`), relative
/// to the workspace root.
pub const PERMISSIONS: &str = "spec/permissions.yaml";
/// The project's copy of GitHub's permission data files, relative to the workspace root.
pub const PERMISSION_DATA: &str = "spec/upstream/github-docs";
/// The generated crates, relative to the workspace root.
pub const GENERATED: &str = "generated";

/// The crates of the 22.0.0 pin (see `tests/compat/README.md`), relative to the workspace root.
pub const COMPAT_GENERATED: &str = "tests/compat/generated";

/// How `tests/compat/generated` is generated: `cargo xtask regen --spec
/// tests/compat/api.github.com.yaml --out tests/compat/generated --crate-prefix github22 --config
/// spec/codegen.yaml --permissions spec/permissions.yaml`, which `tests/tests/regen_check.rs`
/// runs in memory to catch a stale tree.
pub fn compat_regen_options(root: &Path) -> regen::RegenOptions {
    let args = regen::RegenArgs {
        spec: Some(root.join("tests/compat/api.github.com.yaml")),
        out: Some(root.join(COMPAT_GENERATED)),
        crate_prefix: Some("github22".to_owned()),
        config: Some(root.join(CODEGEN_CONFIG)),
        permissions: Some(root.join(PERMISSIONS)),
        serde_derive_baseline: false,
    };
    regen::RegenOptions::from_args(root, &args)
}

/// Where the baseline of the `Deserialize` differential test is generated: the pinned spec's
/// models crate with serde's derive (`baseline-models`).
pub const DESERIALIZE_BASELINE: &str = "tests/deserialize-baseline";

/// What regenerates [`DESERIALIZE_BASELINE`]: `cargo xtask regen --out tests/deserialize-baseline
/// --crate-prefix baseline --serde-derive-baseline`.
pub fn deserialize_baseline_regen_options(root: &Path) -> regen::RegenOptions {
    let args = regen::RegenArgs {
        out: Some(root.join(DESERIALIZE_BASELINE)),
        crate_prefix: Some("baseline".to_owned()),
        serde_derive_baseline: true,
        ..regen::RegenArgs::default()
    };
    regen::RegenOptions::from_args(root, &args)
}
