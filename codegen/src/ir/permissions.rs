//! Who may call each operation, attached to the IR once, before anything is generated, so that
//! the client's and the server's documentation, the server's checks and the API surface all
//! read the same requirements (see `spec::permissions` for where they come from).
//!
//! The pinned file (`spec/permissions.yaml`) must cover every operation and nothing else, and
//! its classic scopes must still be what the descriptions say, and what the codegen
//! configuration declares: a spec bump that changes a description's scope sentence fails
//! `regen` until the pin and the declaration are reviewed.
//!
//! Also decided here, for the server: which path parameter names the resource owner (`org`,
//! `owner`) and which the repository (`repo`), so that a token limited to one owner or to
//! some repositories can be held to them.

use std::collections::BTreeMap;

use super::{Api, Operation, ParameterLocation};
use crate::diagnostic::{Diagnostic, Diagnostics, pointer};
use crate::spec::load::SourceFile;
use crate::spec::permissions::classic::{DescribedOperation, check_declared, show};
use crate::spec::permissions::{Requirements, parse_pinned};

/// Path parameter names that name the account owning the resource.
const OWNER_PARAMETERS: [&str; 2] = ["org", "owner"];
/// Path parameter names that name a repository (of that owner).
const REPOSITORY_PARAMETERS: [&str; 1] = ["repo"];

/// What the server holds a caller to for one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    /// The permissions and scopes the operation needs.
    pub requirements: Requirements,
    /// The path parameter naming the resource's owner (`org`, `owner`), if any.
    pub owner_parameter: Option<String>,
    /// The path parameter naming the repository (`repo`), if any.
    pub repository_parameter: Option<String>,
}

/// Attaches the requirements pinned in `permissions` to every operation of `api` (built from
/// `spec_file`); `config` is the codegen configuration, whose `classic_scopes` declarations are
/// checked too. Every problem is reported, all at once.
pub fn attach(permissions: &SourceFile, config: Option<&SourceFile>, spec_file: &str, api: &mut Api) -> Result<(), Diagnostics> {
    let pinned = parse_pinned(permissions)?;
    let mut problems = Vec::new();
    let re_pin = "re-pin (`cargo xtask pin --from spec/upstream/<description>`) and review the change";
    for id in pinned.keys().filter(|id| !api.operations.iter().any(|o| &o.id == *id)) {
        problems.push(
            Diagnostic::new(&permissions.name, pointer::join(["operations", id]), format!("`{id}` is not an operation of {spec_file}"), re_pin).in_operation(id),
        );
    }
    let described: BTreeMap<String, DescribedOperation> = api
        .operations
        .iter()
        .map(|o| {
            let description = DescribedOperation { file: spec_file.to_owned(), pointer: o.pointer.clone(), description: o.description.clone().unwrap_or_default() };
            (o.id.clone(), description)
        })
        .collect();
    let declared = match config {
        Some(config) => {
            let parsed = crate::spec::config::parse(config)?;
            Some((config.name.clone(), parsed.classic_scopes))
        }
        None => None,
    };
    let (named, mut found) = match &declared {
        Some((name, entries)) => check_declared(name, entries, &described, true),
        None => check_declared("", &[], &described, false),
    };
    problems.append(&mut found);
    for operation in &mut api.operations {
        let Some(requirements) = pinned.get(&operation.id) else {
            problems.push(
                Diagnostic::new(&permissions.name, "#/operations", format!("`{}` has no requirements in {}", operation.id, permissions.name), re_pin).in_operation(&operation.id),
            );
            continue;
        };
        if let Some(said) = named.get(&operation.id) {
            let pinned_scopes = (&requirements.classic_scopes, &requirements.classic_scopes_condition);
            if pinned_scopes != (&said.scopes, &said.condition) {
                problems.push(
                    Diagnostic::new(
                        &permissions.name,
                        pointer::join(["operations", &operation.id, "classic_scopes"]),
                        format!(
                            "pinned classic scopes {} for `{}`, but its description in {spec_file} says {}",
                            show(&requirements.classic_scopes, requirements.classic_scopes_condition.as_deref()),
                            operation.id,
                            show(&said.scopes, said.condition.as_deref())
                        ),
                        re_pin,
                    )
                    .in_operation(&operation.id),
                );
            }
        }
        let path_parameter = |names: &[&str]| {
            operation.parameters.iter().find(|p| p.location == ParameterLocation::Path && names.contains(&p.name.as_str())).map(|p| p.name.clone())
        };
        operation.authorization = Some(Authorization {
            requirements: requirements.clone(),
            owner_parameter: path_parameter(&OWNER_PARAMETERS),
            repository_parameter: path_parameter(&REPOSITORY_PARAMETERS),
        });
    }
    Diagnostics::check(problems)
}

/// One line for the API surface:
/// `fine-grained/app metadata=read, organization_dependabot_secrets=write; classic admin:org`
/// (`|` between alternatives).
pub fn surface_line(requirements: &Requirements) -> String {
    let sets: Vec<String> = requirements.fine_grained.iter().map(|set| set.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")).collect();
    let fine_grained = if sets.is_empty() { "(none needed)".to_owned() } else { sets.join(" | ") };
    let classic = if requirements.classic_scopes.is_empty() { "(no scope named)".to_owned() } else { requirements.classic_scopes.join(" | ") };
    let condition = requirements.classic_scopes_condition.as_deref().map(|c| format!(" ({c})")).unwrap_or_default();
    format!("fine-grained/app {fine_grained}; classic {classic}{condition}")
}

/// The rustdoc paragraph of an operation's client method and trait method, or `None` when the
/// generator had no requirements for it.
pub fn doc_paragraph(operation: &Operation) -> Option<String> {
    let requirements = &operation.authorization.as_ref()?.requirements;
    let code = |items: Vec<String>, joint: &str| items.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(joint);
    let sets: Vec<String> = requirements.fine_grained.iter().map(|set| code(set.iter().map(ToString::to_string).collect(), " and ")).collect();
    // `a` or `b`; `a` and `b`, or `c`.
    let separator = if requirements.fine_grained.iter().all(|set| set.len() == 1) { " or " } else { ", or " };
    let fine_grained = if sets.is_empty() { "no permission".to_owned() } else { sets.join(separator) };
    let classic = match requirements.classic_scopes.as_slice() {
        [] => "no particular scope (the description names none)".to_owned(),
        [one] => format!("the `{one}` scope"),
        several => format!("one of the scopes {}", code(several.to_vec(), ", ")),
    };
    let condition = requirements.classic_scopes_condition.as_deref().map(|c| format!(" {c}")).unwrap_or_default();
    Some(format!("Permissions: fine-grained tokens and GitHub Apps need {fine_grained}; classic tokens need {classic}{condition}."))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::permissions::Permission;

    fn requirements(sets: &[&[&str]], scopes: &[&str]) -> Requirements {
        Requirements {
            fine_grained: sets.iter().map(|set| set.iter().map(|p| Permission::parse(p).unwrap()).collect()).collect(),
            classic_scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
            classic_scopes_condition: None,
        }
    }

    #[test]
    fn the_surface_line_shows_sets_alternatives_and_scopes() {
        let together = requirements(&[&["metadata=read", "organization_dependabot_secrets=write"]], &["admin:org"]);
        assert_eq!(surface_line(&together), "fine-grained/app metadata=read, organization_dependabot_secrets=write; classic admin:org");
        let either = requirements(&[&["artifact_metadata=write"], &["contents=write"]], &[]);
        assert_eq!(surface_line(&either), "fine-grained/app artifact_metadata=write | contents=write; classic (no scope named)");
    }
}
