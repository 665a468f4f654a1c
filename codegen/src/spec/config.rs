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
