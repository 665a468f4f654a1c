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

use std::path::PathBuf;

/// The workspace root (the folder holding the top-level `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().map(PathBuf::from).unwrap_or(manifest_dir)
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

/// How `tests/compat/generated` is generated: the command in its headers, which
/// `tests/tests/regen_check.rs` runs in memory to catch a stale tree.
pub fn compat_regen_options() -> regen::RegenOptions {
    let root = workspace_root();
    let spec = "tests/compat/api.github.com.yaml";
    regen::RegenOptions {
        spec: root.join(spec),
        spec_display: spec.to_owned(),
        out: root.join(COMPAT_GENERATED),
        command: format!("cargo xtask regen --spec {spec} --out {COMPAT_GENERATED} --crate-prefix github22 --config {CODEGEN_CONFIG} --permissions {PERMISSIONS}"),
        crate_prefix: "github22".to_owned(),
        config: Some(root.join(CODEGEN_CONFIG)),
        permissions: Some(root.join(PERMISSIONS)),
        versions: None,
    }
}
