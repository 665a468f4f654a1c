//! The codegen configuration: facts the spec leaves out that the generated crates need, kept in
//! a small checked-in YAML file (for the pinned spec, `spec/codegen.yaml`) that `xtask` reads
//! and hands over in [`crate::Settings::config`].
//!
//! It is applied to the intermediate representation once, before anything is generated, so the
//! client, the server and the API surface all see the same operations. The file's format:
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

use std::collections::BTreeSet;

use serde::Deserialize;
use serde_json::json;

use crate::diagnostic::{Diagnostic, Diagnostics, pointer};
use crate::ir::{Api, Header, pagination};
use crate::load::SourceFile;

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

/// Applies the configuration in `source` to `api` (built from `spec_file`); every entry that
/// cannot apply is reported, all at once.
pub fn apply(source: &SourceFile, spec_file: &str, api: &mut Api) -> Result<(), Diagnostics> {
    let config = parse(source)?;
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for (index, entry) in config.paginated.iter().enumerate() {
        let at = |field: &str| pointer::join(["paginated", &index.to_string(), field]);
        let problem = |field: &str, message: String, help: String| {
            Diagnostic::new(&source.name, at(field), message, help).in_operation(entry.operation.clone())
        };
        if !seen.insert(entry.operation.clone()) {
            problems.push(problem("operation", format!("`{}` is listed twice", entry.operation), "keep one entry per operation".to_owned()));
            continue;
        }
        let Some(position) = api.operations.iter().position(|o| o.id == entry.operation) else {
            let help = match closest(&entry.operation, api.operations.iter().map(|o| o.id.as_str())) {
                Some(close) => format!("did you mean `{close}`? Entries name operations by their operationId in {spec_file}"),
                None => format!("name an operation by its operationId in {spec_file}"),
            };
            problems.push(problem("operation", format!("`{}` is not an operationId of {spec_file}", entry.operation), help));
            continue;
        };
        let operation = &api.operations[position];
        let Some(ok) = operation.responses.iter().position(|r| r.status == "200") else {
            problems.push(problem("operation", format!("`{}` documents no `200` response to add a `Link` header to", entry.operation), "remove the entry".to_owned()));
            continue;
        };
        if operation.responses[ok].headers.iter().any(|h| h.name == "link") {
            problems.push(problem(
                "operation",
                format!("`{}` already declares a `Link` header in {spec_file}, so it is paginated without this entry", entry.operation),
                "remove the entry: the spec now says what it added".to_owned(),
            ));
            continue;
        }
        let mut configured = operation.clone();
        let headers = &mut configured.responses[ok].headers;
        headers.push(Header {
            name: "link".to_owned(),
            schema: json!({"type": "string"}),
            description: Some(format!("Links to the other pages of the list (RFC 8288); declared by {}.", source.name)),
            added_by: Some(source.name.clone()),
        });
        headers.sort_by(|a, b| a.name.cmp(&b.name));
        match pagination(api, &configured, entry.items.as_deref()) {
            Ok(found) => {
                configured.pagination = Some(found);
                api.operations[position] = configured;
            }
            Err(reason) => {
                let field = if entry.items.is_some() && reason.contains("array property") { "items" } else { "operation" };
                problems.push(problem(
                    field,
                    format!("`{}` cannot be paginated: {reason}", entry.operation),
                    "list only page-based operations whose `200` body holds the items in one array property (name it with `items`)".to_owned(),
                ));
            }
        }
    }
    Diagnostics::check(problems)
}

/// The candidate closest to `wanted` by edit distance, when it is close enough to be a typo.
fn closest<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = wanted.chars().count() / 3 + 1;
    candidates.map(|c| (distance(wanted, c), c)).filter(|(d, _)| *d <= limit).min().map(|(_, c)| c)
}

/// Levenshtein distance between two strings, by characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_suggests_typos_only() {
        assert_eq!(distance("kitten", "sitting"), 3);
        let ids = ["dependabot/list-org-secrets", "dependabot/list-selected-repos-for-org-secret"];
        assert_eq!(closest("dependabot/list-selected-repo-for-org-secret", ids.into_iter()), Some(ids[1]));
        assert_eq!(closest("orgs/get", ids.into_iter()), None);
    }
}
