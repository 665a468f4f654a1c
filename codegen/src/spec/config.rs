//! The codegen configuration: facts the spec leaves out that the generated crates need, kept in
//! a small checked-in YAML file (for the pinned spec, `spec/codegen.yaml`) that `xtask` reads
//! and hands over in [`crate::Settings::config`].
//!
//! This module reads the file; `ir::configure` applies it to the intermediate representation
//! once, before anything is generated, so the client, the server and the API surface all see
//! the same operations. The file's format:
//!
//! ```yaml
//! paginated:
//!   - operation: dependabot/list-selected-repos-for-org-secret   # an operationId of the spec
//!     why: GitHub sends `Link` on this list, the description declares no header   # for reviewers
//!     items: repositories   # optional: the body property holding the items
//! ```
//!
//! Each `paginated` entry declares a `link` response header (a string, RFC 8288) on the
//! operation's `200` response, as GitHub's description does for its other lists, which makes
//! the operation paginated like them: the client gets an item stream, the server's response a
//! `link` field, the surface shows the header as added by the file. An entry that cannot apply
//! is an error located in the file: an unknown operationId (with the closest one suggested), an
//! operation that already declares the header (the entry is stale), one that is not page-based,
//! or a body without a clear items array.
//!
//! Two more sections are about who may call each operation (see `spec::permissions`):
//!
//! ```yaml
//! classic_scopes:             # what each description says classic tokens need, declared
//!   - operations: [dependabot/list-org-secrets]
//!     scopes: [admin:org]     # any one suffices; [] when the description names none
//!     condition: if the repository is private   # optional, as the description words it
//! permission_data_differences:   # where GitHub's docs data files disagree, acknowledged
//!   - file: fpt-2026-03-10/fine-grained-pat-permissions.json
//!     operations: [orgs/create-artifact-storage-record]
//!     lacks: [contents]       # permissions rest-prog-access.json names and the file does not
//!     why: the seeds and rest-prog-access.json accept Contents too
//! ```

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Diagnostics, pointer};
use crate::spec::load::SourceFile;

/// The parsed configuration file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// List operations GitHub paginates with a `Link` header that the spec does not declare.
    #[serde(default)]
    pub paginated: Vec<Paginated>,
    /// The classic OAuth scopes of each operation, as its description states them; `pin` and
    /// `regen` check that the two agree (see `spec::permissions::classic`).
    #[serde(default)]
    pub classic_scopes: Vec<ClassicScopesEntry>,
    /// Differences between GitHub's permission data files that `pin` accepts (see
    /// `spec::permissions::data`); any other difference fails the pin.
    #[serde(default)]
    pub permission_data_differences: Vec<DataDifference>,
}

/// One `classic_scopes` entry: operations that need the same scopes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassicScopesEntry {
    /// The operationIds.
    pub operations: Vec<String>,
    /// The scopes, any one of which suffices; empty when the descriptions name none.
    pub scopes: Vec<String>,
    /// When the scopes apply, worded as in the description (`if the repository is private`).
    #[serde(default)]
    pub condition: Option<String>,
}

/// One `permission_data_differences` entry: a data file that leaves out permissions
/// `rest-prog-access.json` names for some operations.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataDifference {
    /// The data file, relative to the data folder
    /// (`fpt-2026-03-10/fine-grained-pat-permissions.json`).
    pub file: String,
    /// The operationIds it concerns.
    pub operations: Vec<String>,
    /// The permission keys the file does not list for them.
    pub lacks: Vec<String>,
    /// Why the difference is accepted (required: it decides who may call).
    pub why: String,
}

/// One `paginated` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Paginated {
    /// The operationId.
    pub operation: String,
    /// Why the entry exists, for reviewers (required, so that none is left unexplained).
    pub why: String,
    /// The body property holding one page's items, when the body has several arrays.
    #[serde(default)]
    pub items: Option<String>,
}

/// Parses the configuration file; a problem is reported at its JSON pointer in the file.
pub fn parse(source: &SourceFile) -> Result<Config, Diagnostics> {
    let help = "see the comment at the top of the file, or the `config` module of codegen, for the format";
    let deserializer = serde_yaml::Deserializer::from_str(&source.text);
    let config: Config = serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let tokens: Vec<String> = error
            .path()
            .iter()
            .filter_map(|segment| match segment {
                serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
                serde_path_to_error::Segment::Map { key } => Some(key.clone()),
                _ => None,
            })
            .collect();
        Diagnostics::one(Diagnostic::new(&source.name, pointer::join(&tokens), format!("the codegen configuration is not valid: {}", error.inner()), help))
    })?;
    let mut problems = Vec::new();
    for (index, entry) in config.permission_data_differences.iter().enumerate() {
        if entry.why.trim().is_empty() {
            problems.push(Diagnostic::new(
                &source.name,
                pointer::join(["permission_data_differences", &index.to_string(), "why"]),
                format!("the difference acknowledged for `{}` does not say why it is accepted", entry.file),
                "say in one line which source is right and why",
            ));
        }
    }
    for (index, entry) in config.paginated.iter().enumerate() {
        if entry.why.trim().is_empty() {
            problems.push(Diagnostic::new(
                &source.name,
                pointer::join(["paginated", &index.to_string(), "why"]),
                format!("the entry for `{}` does not say why it is needed", entry.operation),
                "say in one line what GitHub does that the description does not declare",
            ));
        }
    }
    Diagnostics::check(problems)?;
    Ok(config)
}
