//! The permission half of `cargo xtask pin`: reads GitHub's permission data files (by default
//! the project's copy in `spec/upstream/github-docs/`; `--permissions-data DIR` for a fresh
//! download) and the codegen configuration, and has `codegen` pin the requirements of every
//! pinned operation. Nothing is written here: `pin.rs` writes this and the spec subset together,
//! once both are known to be complete.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use codegen::spec::permissions::data::{DataFile, PermissionData};
use codegen::spec::permissions::{PinInputs, PinnedPermissions};

use crate::files::{display, read_text};
use crate::{CODEGEN_CONFIG, PERMISSION_DATA, PERMISSIONS};

/// The data file holding the permission sets.
const PROG_ACCESS: &str = "rest-prog-access.json";
/// The flat files, found in the one API-version folder of the data folder (`fpt-2026-03-10/`).
const FLAT: [&str; 2] = ["fine-grained-pat-permissions.json", "server-to-server-permissions.json"];

/// The pinned requirements, and the data files to copy into the project (path under the
/// workspace root, bytes) when they were read from elsewhere.
#[derive(Debug)]
pub struct PinnedRequirements {
    /// What codegen pinned.
    pub pinned: PinnedPermissions,
    /// `(target, bytes)` for every data file; the caller skips those already in place.
    pub copies: Vec<(PathBuf, Vec<u8>)>,
}

/// Pins the requirements of `operations`, whose subset is `subset` (the spec text `pin` is
/// about to write), from the data in `data_dir` (default: the project's copy).
pub fn pin(root: &Path, data_dir: Option<&Path>, operations: &[codegen::spec::pin::PinnedOperation], subset: &str) -> Result<PinnedRequirements> {
    let dir = data_dir.map_or_else(|| root.join(PERMISSION_DATA), Path::to_path_buf);
    let data = read_data(root, &dir)?;
    let config_path = root.join(CODEGEN_CONFIG);
    let config_text = read_text(&config_path).context("`pin` reads the declared classic scopes and the acknowledged data differences from it")?;
    let config = codegen::SourceFile::new(CODEGEN_CONFIG, config_text);
    let subset = codegen::SourceFile::new(crate::PINNED_SPEC, subset.to_owned());
    let inputs = PinInputs { data: &data, data_folder: PERMISSION_DATA, operations, subset: &subset, config: &config, output: PERMISSIONS };
    let pinned = codegen::spec::permissions::pin(inputs).map_err(|d| anyhow::anyhow!("{d}"))?;
    let mut copies: Vec<(PathBuf, Vec<u8>)> = std::iter::once(&data.prog_access)
        .chain(&data.flat)
        .map(|file| (root.join(PERMISSION_DATA).join(&file.relative), file.bytes.clone()))
        .collect();
    // Where the files came from travels with them.
    if let Ok(sources) = std::fs::read(dir.join("SOURCES.md")) {
        copies.push((root.join(PERMISSION_DATA).join("SOURCES.md"), sources));
    }
    Ok(PinnedRequirements { pinned, copies })
}

/// Reads the three data files of `dir`.
pub fn read_data(root: &Path, dir: &Path) -> Result<PermissionData> {
    let read = |relative: String| -> Result<DataFile> {
        let path = dir.join(&relative);
        let bytes = std::fs::read(&path)
            .with_context(|| format!("cannot read the permission data file {}; pass the folder holding GitHub's docs data with --permissions-data", path.display()))?;
        Ok(DataFile { name: display(root, &path), relative, bytes })
    };
    let mut versions: Vec<String> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot list the permission data folder {}; pass it with --permissions-data", dir.display()))?
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().join(FLAT[0]).is_file())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    versions.sort();
    let version = match versions.as_slice() {
        [one] => one.clone(),
        [] => bail!("{} holds no API-version folder with {}; the data folder has `{PROG_ACCESS}` and one folder such as `fpt-2026-03-10/` with the two permission files", dir.display(), FLAT[0]),
        several => bail!("{} holds several API-version folders ({}); keep the one the pinned requirements come from", dir.display(), several.join(", ")),
    };
    Ok(PermissionData {
        prog_access: read(PROG_ACCESS.to_owned())?,
        flat: FLAT.iter().map(|name| read(format!("{version}/{name}"))).collect::<Result<_>>()?,
    })
}

