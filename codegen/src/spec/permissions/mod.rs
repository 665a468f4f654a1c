//! Who may call each operation: the permissions a fine-grained token or a GitHub App needs, and
//! the OAuth scopes a classic token needs. GitHub's description declares no `securitySchemes`,
//! so these come from elsewhere and are pinned next to the spec subset (`spec/permissions.yaml`):
//!
//! - [`data`]: GitHub's docs data files (`spec/upstream/github-docs/`): the permission sets of
//!   each operation, cross-checked between the three files (`cargo xtask pin`);
//! - [`classic`]: the classic scopes, read from the operations' descriptions ("need the
//!   `admin:org` scope") and checked against their declaration in the codegen configuration;
//! - this module: the requirement types and the pinned file, written by `pin` and read by
//!   `regen` (the IR attaches each operation's requirements, see `ir::permissions`).
//!
//! A requirement is a list of alternatives, any one of which suffices, each a set of
//! permissions needed together: "Contents" (write) *or* "Artifact metadata" (write) is two sets
//! of one; "Organization Dependabot secrets" (write) *and* "Metadata" (read) is one set of two.

pub mod classic;
pub mod data;

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Diagnostics, pointer};
use crate::spec::load::SourceFile;
use crate::spec::pin::{PinnedOperation, sha256_hex};

/// How much of a permission: `write` includes `read`, `admin` includes both, as on GitHub.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Access {
    /// `read`.
    Read,
    /// `write`.
    Write,
    /// `admin`.
    Admin,
}

impl Access {
    /// The word GitHub uses: `read`, `write`, `admin`.
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Write => "write",
            Access::Admin => "admin",
        }
    }

    /// The access named by `word`, if it is one of GitHub's three.
    pub fn parse(word: &str) -> Option<Self> {
        match word {
            "read" => Some(Access::Read),
            "write" => Some(Access::Write),
            "admin" => Some(Access::Admin),
            _ => None,
        }
    }
}

/// One permission at one access level, e.g. `organization_dependabot_secrets=write`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Permission {
    /// GitHub's permission key (`contents`, `organization_dependabot_secrets`).
    pub name: String,
    /// The least access that suffices.
    pub access: Access,
}

impl Permission {
    /// Parses GitHub's `name=access` form (as in `X-Accepted-GitHub-Permissions`).
    pub fn parse(text: &str) -> Option<Self> {
        let (name, access) = text.split_once('=')?;
        let valid_name = !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid_name {
            return None;
        }
        Some(Self { name: name.to_owned(), access: Access::parse(access)? })
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.name, self.access.as_str())
    }
}

/// Permissions needed together, sorted by name.
pub type PermissionSet = Vec<Permission>;

/// What an operation requires of its caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirements {
    /// Fine-grained tokens and GitHub Apps (the docs derive both from one list): alternatives,
    /// any one of which suffices, each a set needed together; sorted. Empty: none needed.
    pub fine_grained: Vec<PermissionSet>,
    /// Classic tokens (OAuth apps, personal access tokens (classic)): any one of these scopes
    /// suffices; sorted. Empty: the description names none.
    pub classic_scopes: Vec<String>,
    /// When the classic scopes apply, if the description restricts them
    /// (`if the repository is private`).
    pub classic_scopes_condition: Option<String>,
}

impl Requirements {
    /// Puts every list in its canonical order, so that the same requirements always read (and
    /// pin) the same whatever order the data lists them in.
    pub fn canonical(mut self) -> Self {
        for set in &mut self.fine_grained {
            set.sort();
            set.dedup();
        }
        self.fine_grained.sort();
        self.fine_grained.dedup();
        self.classic_scopes.sort();
        self.classic_scopes.dedup();
        self
    }

    /// The fine-grained alternatives in GitHub's `X-Accepted-GitHub-Permissions` form: `,` joins
    /// a set, `; ` separates alternatives (`artifact_metadata=write; contents=write`).
    pub fn accepted_permissions_header(&self) -> String {
        self.fine_grained
            .iter()
            .map(|set| set.iter().map(ToString::to_string).collect::<Vec<_>>().join(","))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// The header line of `spec/permissions.yaml`; also how `regen` tells a pinned file from another.
pub const PINNED_HEADER_START: &str = "# @generated by `cargo xtask pin`";

/// Writes the pinned requirements file: one entry per operation, sorted by operationId, every
/// string quoted (scopes like `admin:org` hold a colon), flow lists so that one line shows one
/// requirement and a stricter requirement is a one-line diff.
pub fn render_pinned(sources: &str, requirements: &BTreeMap<String, Requirements>) -> String {
    let quote = |text: &str| serde_json::Value::from(text).to_string();
    let mut out = format!(
        "{PINNED_HEADER_START} from {sources}; do not edit, re-pin instead.\n\
         # Who may call each pinned operation. fine_grained (fine-grained tokens and GitHub Apps):\n\
         # alternatives, any one of which suffices, each a set of permissions needed together.\n\
         # classic_scopes (OAuth and classic tokens): any one of them suffices; [] when the\n\
         # description names none.\n\
         operations:\n"
    );
    for (operation, requirement) in requirements {
        let scopes: Vec<String> = requirement.classic_scopes.iter().map(|s| quote(s)).collect();
        let sets: Vec<String> = requirement
            .fine_grained
            .iter()
            .map(|set| format!("[{}]", set.iter().map(|p| quote(&p.to_string())).collect::<Vec<_>>().join(", ")))
            .collect();
        out.push_str(&format!("  {}:\n", quote(operation)));
        out.push_str(&format!("    classic_scopes: [{}]\n", scopes.join(", ")));
        if let Some(condition) = &requirement.classic_scopes_condition {
            out.push_str(&format!("    classic_scopes_condition: {}\n", quote(condition)));
        }
        out.push_str(&format!("    fine_grained: [{}]\n", sets.join(", ")));
    }
    out
}

/// What `cargo xtask pin` pins the requirements from.
#[derive(Debug, Clone, Copy)]
pub struct PinInputs<'a> {
    /// GitHub's permission data files.
    pub data: &'a data::PermissionData,
    /// Where the data folder is recorded in the pinned files (`spec/upstream/github-docs`):
    /// the project's copy, whatever folder the files were read from.
    pub data_folder: &'a str,
    /// The operations being pinned.
    pub operations: &'a [PinnedOperation],
    /// The pinned spec subset (its descriptions hold the classic scopes) and its name.
    pub subset: &'a SourceFile,
    /// The codegen configuration: the declared classic scopes and acknowledged data differences.
    pub config: &'a SourceFile,
    /// How the pinned requirements file is named (`spec/permissions.yaml`).
    pub output: &'a str,
}

/// The pinned requirements.
#[derive(Debug, Clone)]
pub struct PinnedPermissions {
    /// `spec/permissions.yaml`'s contents.
    pub yaml: String,
    /// The `upstream_permissions` section of `spec/provenance.yaml` (YAML, one top-level key):
    /// each data file with its sha256, and the pinned file's.
    pub provenance_yaml: String,
    /// The requirements, by operationId.
    pub requirements: BTreeMap<String, Requirements>,
}

/// Pins the requirements of `inputs.operations`: the permission sets from the data (checked,
/// see [`data`]) and the classic scopes from the descriptions (checked against their
/// declaration, see [`classic`]). Every problem of both is reported together; nothing is
/// returned unless every operation is covered.
pub fn pin(inputs: PinInputs<'_>) -> Result<PinnedPermissions, Diagnostics> {
    let config = crate::spec::config::parse(inputs.config)?;
    let acknowledged = data::Acknowledged { config_file: &inputs.config.name, entries: &config.permission_data_differences };
    let sets = data::permission_sets(inputs.data, inputs.operations, acknowledged);
    let tree: serde_json::Value = serde_yaml::from_str(&inputs.subset.text).map_err(|error| {
        Diagnostics::one(Diagnostic::new(&inputs.subset.name, "#", format!("the pinned subset does not parse: {error}"), "report this as a bug in `cargo xtask pin`"))
    })?;
    let described: BTreeMap<String, classic::DescribedOperation> = inputs
        .operations
        .iter()
        .map(|o| {
            let at = pointer::join(["paths", &o.path, &o.method.to_ascii_lowercase()]);
            let description = tree.pointer(&at[1..]).and_then(|op| op.get("description")).and_then(serde_json::Value::as_str).unwrap_or("");
            (o.operation_id.clone(), classic::DescribedOperation { file: inputs.subset.name.clone(), pointer: at, description: description.to_owned() })
        })
        .collect();
    let (named, mut problems) = classic::check_declared(&inputs.config.name, &config.classic_scopes, &described, true);
    let sets = match sets {
        Ok(sets) => sets,
        Err(Diagnostics(mut more)) => {
            more.append(&mut problems);
            return Err(Diagnostics(more));
        }
    };
    Diagnostics::check(problems)?;
    let requirements: BTreeMap<String, Requirements> = sets
        .into_iter()
        .map(|(id, fine_grained)| {
            let scopes = named.get(&id).cloned().unwrap_or_default();
            (id, Requirements { fine_grained, classic_scopes: scopes.scopes, classic_scopes_condition: scopes.condition }.canonical())
        })
        .collect();
    let prog_access = format!("{}/{}", inputs.data_folder, inputs.data.prog_access.relative);
    let sources = format!("{prog_access} and the descriptions in {} (classic scopes, as {} declares them)", inputs.subset.name, inputs.config.name);
    let yaml = render_pinned(&sources, &requirements);
    let mut files: Vec<serde_json::Value> = std::iter::once((&inputs.data.prog_access, "the permission sets of each operation"))
        .chain(inputs.data.flat.iter().map(|file| (file, "cross-checked against the permission sets")))
        .map(|(file, role)| serde_json::json!({"file": format!("{}/{}", inputs.data_folder, file.relative), "sha256": sha256_hex(&file.bytes), "role": role}))
        .collect();
    files.sort_by(|a, b| a["file"].as_str().cmp(&b["file"].as_str()));
    let section = serde_json::json!({"upstream_permissions": {
        "files": files,
        "pinned": {"file": inputs.output, "sha256": sha256_hex(yaml.as_bytes()), "operation_count": requirements.len()},
    }});
    let provenance_yaml = serde_yaml::to_string(&section).map_err(|error| {
        Diagnostics::one(Diagnostic::new(inputs.output, "#", format!("cannot write the provenance as YAML: {error}"), "report this as a bug"))
    })?;
    Ok(PinnedPermissions { yaml, provenance_yaml, requirements })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PinnedFile {
    operations: BTreeMap<String, PinnedEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PinnedEntry {
    classic_scopes: Vec<String>,
    #[serde(default)]
    classic_scopes_condition: Option<String>,
    fine_grained: Vec<Vec<String>>,
}

/// Reads a pinned requirements file (`spec/permissions.yaml`): operationId -> requirements.
/// Every problem is reported at its JSON pointer in the file.
pub fn parse_pinned(source: &SourceFile) -> Result<BTreeMap<String, Requirements>, Diagnostics> {
    let help = "the file is written by `cargo xtask pin`; re-pin rather than editing it";
    let deserializer = serde_yaml::Deserializer::from_str(&source.text);
    let file: PinnedFile = serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let tokens = path_tokens(error.path());
        Diagnostics::one(Diagnostic::new(&source.name, pointer::join(&tokens), format!("not a pinned requirements file: {}", error.inner()), help))
    })?;
    let mut problems = Vec::new();
    let mut out = BTreeMap::new();
    for (operation, entry) in file.operations {
        if entry.fine_grained.is_empty() {
            // `pin` never writes this: the data names at least one set for every operation.
            problems.push(
                Diagnostic::new(
                    &source.name,
                    pointer::join(["operations", &operation, "fine_grained"]),
                    "no permission set: every fine-grained token and app would be let in",
                    help,
                )
                .in_operation(&operation),
            );
        }
        let mut sets = Vec::new();
        for (alternative, set) in entry.fine_grained.iter().enumerate() {
            let mut parsed = Vec::new();
            for (index, text) in set.iter().enumerate() {
                match Permission::parse(text) {
                    Some(permission) => parsed.push(permission),
                    None => problems.push(
                        Diagnostic::new(
                            &source.name,
                            pointer::join(["operations", &operation, "fine_grained", &alternative.to_string(), &index.to_string()]),
                            format!("`{text}` is not a permission in GitHub's `name=access` form (access: read, write or admin)"),
                            help,
                        )
                        .in_operation(&operation),
                    ),
                }
            }
            if set.is_empty() {
                problems.push(
                    Diagnostic::new(
                        &source.name,
                        pointer::join(["operations", &operation, "fine_grained", &alternative.to_string()]),
                        "an empty permission set would let every fine-grained token in",
                        help,
                    )
                    .in_operation(&operation),
                );
            }
            sets.push(parsed);
        }
        let requirement = Requirements { fine_grained: sets, classic_scopes: entry.classic_scopes, classic_scopes_condition: entry.classic_scopes_condition };
        out.insert(operation, requirement.canonical());
    }
    Diagnostics::check(problems)?;
    Ok(out)
}

/// The JSON pointer tokens of a `serde_path_to_error` path.
pub(crate) fn path_tokens(path: &serde_path_to_error::Path) -> Vec<String> {
    path.iter()
        .filter_map(|segment| match segment {
            serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
            serde_path_to_error::Segment::Map { key } => Some(key.clone()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn permission(text: &str) -> Permission {
        Permission::parse(text).unwrap()
    }

    fn requirement() -> Requirements {
        Requirements {
            fine_grained: vec![vec![permission("contents=write")], vec![permission("artifact_metadata=write")]],
            classic_scopes: vec!["admin:org".to_owned()],
            classic_scopes_condition: Some("if the repository is private".to_owned()),
        }
        .canonical()
    }

    #[test]
    fn the_pinned_file_round_trips_and_sorts() {
        let mut all = BTreeMap::new();
        all.insert("orgs/x".to_owned(), requirement());
        all.insert("a/y".to_owned(), Requirements { fine_grained: vec![vec![permission("z=read"), permission("metadata=read")]], classic_scopes: vec![], classic_scopes_condition: None });
        let text = render_pinned("data.json", &all);
        assert!(text.contains("    fine_grained: [[\"artifact_metadata=write\"], [\"contents=write\"]]\n"), "{text}");
        assert!(text.contains("    classic_scopes: [\"admin:org\"]\n"), "{text}");
        let parsed = parse_pinned(&SourceFile::new("p.yaml", text)).unwrap();
        assert_eq!(parsed["orgs/x"], requirement());
        assert_eq!(parsed["a/y"].fine_grained, vec![vec![permission("metadata=read"), permission("z=read")]], "sets are sorted");
    }

    #[test]
    fn the_header_uses_githubs_separators() {
        let two = Requirements { fine_grained: vec![vec![permission("organization_dependabot_secrets=write"), permission("metadata=read")]], ..requirement() }.canonical();
        assert_eq!(two.accepted_permissions_header(), "metadata=read,organization_dependabot_secrets=write");
        assert_eq!(requirement().accepted_permissions_header(), "artifact_metadata=write; contents=write");
    }

    #[test]
    fn bad_entries_are_located() {
        let text = "operations:\n  \"a/b\":\n    classic_scopes: []\n    fine_grained: [[\"contents=owner\"]]\n";
        let error = parse_pinned(&SourceFile::new("p.yaml", text)).unwrap_err().to_string();
        assert!(error.contains("p.yaml#/operations/a~1b/fine_grained/0/0"), "{error}");
        let open = parse_pinned(&SourceFile::new("p.yaml", "operations:\n  a:\n    classic_scopes: []\n    fine_grained: []\n")).unwrap_err().to_string();
        assert!(open.contains("p.yaml#/operations/a/fine_grained") && open.contains("every fine-grained token and app would be let in"), "{open}");
        let unknown = parse_pinned(&SourceFile::new("p.yaml", "operations:\n  a:\n    classic_scopes: []\n    fine_grained: [[\"x=read\"]]\n    apps: []\n")).unwrap_err().to_string();
        assert!(unknown.contains("p.yaml#/operations/a"), "{unknown}");
        assert!(unknown.contains("unknown field `apps`"), "{unknown}");
    }
}
