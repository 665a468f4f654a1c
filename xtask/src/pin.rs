//! `cargo xtask pin --from <description> [--operations <file>] [--permissions-data <dir>]`:
//! extract the pinned subset from a full upstream description, and pin who may call each
//! operation (`spec/permissions.yaml`, see `permissions.rs`). The upstream files are copied into
//! `spec/upstream/` so the pin can be redone offline; nothing is written unless every operation
//! was found and its requirements are complete.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::files::{read_text, write_atomic};
use crate::{OPERATIONS, PERMISSIONS, PINNED_SPEC, PROVENANCE, UPSTREAM_DIR};

/// Where `pin` reads from.
#[derive(Debug, Clone)]
pub struct PinOptions {
    /// The full description (`.json` or `.json.gz`).
    pub from: PathBuf,
    /// The operations list; default `spec/operations.txt`.
    pub operations: Option<PathBuf>,
    /// The folder of GitHub's permission data files; default `spec/upstream/github-docs`.
    pub permissions_data: Option<PathBuf>,
}

/// Pins into the workspace at `root`.
pub fn run(root: &Path, options: &PinOptions) -> Result<()> {
    let from_bytes = std::fs::read(&options.from)
        .with_context(|| format!("cannot read the upstream description {}; pass a GitHub api.github.com.json(.gz) with --from", options.from.display()))?;
    let file_name = options
        .from
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .context("--from must name a file")?;
    let upstream_rel = format!("{UPSTREAM_DIR}/{file_name}");
    let operations_path = options.operations.clone().unwrap_or_else(|| root.join(OPERATIONS));
    let operations_display = relative_display(root, &operations_path);
    let operations_text = read_text(&operations_path)?;
    let operations = codegen::spec::pin::parse_operation_list(&operations_display, &operations_text).map_err(|d| anyhow::anyhow!("{d}"))?;

    let names = codegen::spec::pin::PinNames {
        upstream: upstream_rel.clone(),
        operations: operations_display,
        subset: PINNED_SPEC.to_owned(),
    };
    let pinned = codegen::spec::pin::pin(&names, &from_bytes, &operations).map_err(|d| anyhow::anyhow!("{d}"))?;
    let requirements = crate::permissions::pin(root, options.permissions_data.as_deref(), &operations, &pinned.spec_yaml)?;

    // Everything checked: now write. The upstream copy first, so the provenance never names a
    // file that is not there.
    let upstream_target = root.join(&upstream_rel);
    let same_file = upstream_target.canonicalize().ok() == options.from.canonicalize().ok();
    if !same_file {
        write_atomic(&upstream_target, &from_bytes)?;
    }
    for (target, bytes) in &requirements.copies {
        if std::fs::read(target).ok().as_ref() != Some(bytes) {
            write_atomic(target, bytes)?;
        }
    }
    write_atomic(&root.join(PINNED_SPEC), pinned.spec_yaml.as_bytes())?;
    write_atomic(&root.join(PERMISSIONS), requirements.pinned.yaml.as_bytes())?;
    let provenance = format!("{}{}", pinned.provenance_yaml, requirements.pinned.provenance_yaml);
    write_atomic(&root.join(PROVENANCE), provenance.as_bytes())?;
    println!(
        "pin: {} operations and {} components from {upstream_rel} into {PINNED_SPEC} ({} bytes); provenance in {PROVENANCE}",
        operations.len(),
        pinned.component_count,
        pinned.spec_yaml.len()
    );
    println!("pin: the requirements of {} operations into {PERMISSIONS}", requirements.pinned.requirements.len());
    Ok(())
}

fn relative_display(root: &Path, path: &Path) -> String {
    let absolute = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    absolute.strip_prefix(&root).unwrap_or(path).display().to_string()
}
