//! `spec/versions.yaml`: the generated crates' versions, which `cargo xtask regen` writes into
//! their manifests and `cargo xtask pin` bumps by the semver verdict of each bump of the pin.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Result, anyhow};
use codegen::{CrateNames, CrateVersions};

use crate::files::read_text;

/// Reads the versions file at `path` (named `display` in errors); every crate of `names` must
/// have a `major.minor.patch` version.
pub fn read(path: &Path, display: &str, names: &CrateNames) -> Result<CrateVersions> {
    let text = read_text(path)?;
    let map: BTreeMap<String, String> = serde_yaml::from_str(&text)
        .map_err(|error| anyhow!("{display}: {error}\n  help: write one `crate-name: major.minor.patch` line per generated crate"))?;
    let version = |name: &str| -> Result<String> {
        let version = map.get(name).ok_or_else(|| anyhow!("{display}: no version for `{name}`\n  help: add the line `{name}: 0.1.0`"))?;
        let valid = version.split('.').count() == 3 && version.split('.').all(|part| part.parse::<u64>().is_ok());
        if !valid {
            return Err(anyhow!("{display}: `{name}: {version}` is not a major.minor.patch version\n  help: write it like `0.2.0`"));
        }
        Ok(version.clone())
    };
    Ok(CrateVersions { models: version(&names.models)?, client: version(&names.client)?, server: version(&names.server)? })
}

/// The versions file's text.
pub fn render(versions: &CrateVersions, names: &CrateNames) -> String {
    format!(
        "# The generated crates' versions: `cargo xtask regen` writes them into the manifests, and `cargo xtask pin`\n\
         # bumps them by the semver verdict of each bump of the pin (below 1.0 a breaking change bumps the minor).\n\
         {}: {}\n{}: {}\n{}: {}\n",
        names.client, versions.client, names.models, versions.models, names.server, versions.server
    )
}
