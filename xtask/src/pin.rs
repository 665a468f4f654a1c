//! `cargo xtask pin --from <description> [--operations <file>] [--permissions-data <dir>]`:
//! extract the pinned subset from a full upstream description, and pin who may call each
//! operation (`spec/permissions.yaml`, see `permissions.rs`). The upstream files are copied into
//! `spec/upstream/` so the pin can be redone offline; nothing is written unless every operation
//! was found and its requirements are complete.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::files::{display, read_text, write_atomic};
use crate::{OPERATIONS, PERMISSIONS, PINNED_SPEC, PROVENANCE, UPSTREAM_DIR};

/// Where `pin` reads from and writes to.
#[derive(Debug, Clone)]
pub struct PinOptions {
    /// The full description (`.json` or `.json.gz`).
    pub from: PathBuf,
    /// The operations list; default `spec/operations.txt`.
    pub operations: Option<PathBuf>,
    /// Another folder for the subset and its provenance (`api.github.com.yaml`,
    /// `provenance.yaml`), for a pin that is not the project's (the 22.0.0 pin the
    /// forward-compatibility test builds on); the upstream file is then not copied.
    pub into: Option<PathBuf>,
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
    let upstream_rel = match &options.into {
        // Recorded as given, relative to the workspace: the file is not copied.
        Some(_) => display(root, &options.from),
        None => format!("{UPSTREAM_DIR}/{file_name}"),
    };
    let (subset_rel, provenance_rel) = match &options.into {
        Some(dir) => {
            let dir = display(root, dir);
            (format!("{dir}/api.github.com.yaml"), format!("{dir}/provenance.yaml"))
        }
        None => (PINNED_SPEC.to_owned(), PROVENANCE.to_owned()),
    };
    let operations_path = options.operations.clone().unwrap_or_else(|| root.join(OPERATIONS));
    let operations_display = display(root, &operations_path);
    let operations_text = read_text(&operations_path)?;
    let operations = codegen::spec::pin::parse_operation_list(&operations_display, &operations_text).map_err(|d| anyhow::anyhow!("{d}"))?;

    let names = codegen::spec::pin::PinNames {
        upstream: upstream_rel.clone(),
        operations: operations_display,
        subset: subset_rel.clone(),
    };
    let pinned = codegen::spec::pin::pin(&names, &from_bytes, &operations).map_err(|d| anyhow::anyhow!("{d}"))?;
    // The permission requirements are the project's: a pin into another folder has none.
    let requirements = match options.into {
        None => Some(crate::permissions::pin(root, options.permissions_data.as_deref(), &operations, &pinned.spec_yaml)?),
        Some(_) => None,
    };
    // What the bump means for the generated crates, judged before anything is written.
    let bump = if options.into.is_none() { crate::changelog::bump_for_pin(root, &pinned.spec_yaml)? } else { None };

    // Everything checked: now write. The upstream copy first, so the provenance never names a
    // file that is not there.
    let upstream_target = root.join(&upstream_rel);
    let same_file = upstream_target.canonicalize().ok() == options.from.canonicalize().ok();
    if !same_file && options.into.is_none() {
        write_atomic(&upstream_target, &from_bytes)?;
    }
    if let Some(requirements) = &requirements {
        for (target, bytes) in &requirements.copies {
            if std::fs::read(target).ok().as_ref() != Some(bytes) {
                write_atomic(target, bytes)?;
            }
        }
    }
    write_atomic(&root.join(&subset_rel), pinned.spec_yaml.as_bytes())?;
    match &requirements {
        Some(requirements) => {
            write_atomic(&root.join(PERMISSIONS), requirements.pinned.yaml.as_bytes())?;
            let provenance = format!("{}{}", pinned.provenance_yaml, requirements.pinned.provenance_yaml);
            write_atomic(&root.join(&provenance_rel), provenance.as_bytes())?;
        }
        None => write_atomic(&root.join(&provenance_rel), pinned.provenance_yaml.as_bytes())?,
    }
    if let Some(bump) = &bump {
        write_atomic(&root.join(crate::VERSIONS), bump.versions_file.as_bytes())?;
    }
    println!(
        "pin: {} operations and {} components from {upstream_rel} into {subset_rel} ({} bytes); provenance in {provenance_rel}",
        operations.len(),
        pinned.component_count,
        pinned.spec_yaml.len()
    );
    if let Some(requirements) = &requirements {
        println!("pin: the requirements of {} operations into {PERMISSIONS}", requirements.pinned.requirements.len());
    }
    if let Some(bump) = bump {
        print!("{}", bump.summary);
        println!("run `cargo xtask changelog --from <the old pin>` to see every change, then `cargo xtask regen`");
    }
    Ok(())
}
