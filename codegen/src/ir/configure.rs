//! Applying the codegen configuration (`spec::config`) to the intermediate representation,
//! once, before anything is generated: each `paginated` entry declares a `link` header on its
//! operation's `200` response, which makes the operation paginated like GitHub's other lists.
//! Every entry that cannot apply is reported, located in the configuration file.

use std::collections::BTreeSet;

use serde_json::json;

use super::{Api, Header, pagination};
use crate::diagnostic::{Diagnostic, Diagnostics, pointer};
use crate::spec::config::parse;
use crate::spec::load::SourceFile;

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
