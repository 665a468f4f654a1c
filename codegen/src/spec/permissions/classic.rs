//! Classic OAuth scopes. No data file has them; GitHub's descriptions say them in a sentence
//! ("OAuth app tokens and personal access tokens (classic) need the `admin:org` scope to use
//! this endpoint."). They are read from there and also declared in the codegen configuration
//! (`classic_scopes`), and the two must agree: a description that changes its scope on a spec
//! bump then fails `pin` and `regen` with both places named, instead of silently changing who
//! may call the operation.
//!
//! Only the two sentence forms the pinned operations use are read; a description that mentions
//! a classic scope in any other form is an error rather than a guess (GitHub's whole
//! description has a dozen other phrasings: "`a` or `b` scope", "also required"...).

use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, pointer};
use crate::spec::config::ClassicScopesEntry;

/// The classic scopes one description names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClassicScopes {
    /// The scopes, any one of which suffices; empty when the description names none.
    pub scopes: Vec<String>,
    /// When they apply, if the sentence restricts them (`if the repository is private`).
    pub condition: Option<String>,
}

/// The sentences read, each as (the text before the scope, the text after it).
const SENTENCES: [(&str, &str); 2] = [
    ("OAuth app tokens and personal access tokens (classic) need the `", "` scope to use this endpoint"),
    ("You must authenticate using an access token with the `", "` scope to use this endpoint"),
];

/// What may close a scope sentence, and the condition it states.
const ENDINGS: [(&str, Option<&str>); 2] = [(".", None), (" if the repository is private.", Some("if the repository is private"))];

/// The classic scopes `description` names, or why they cannot be read.
pub fn from_description(description: &str) -> Result<ClassicScopes, String> {
    // Descriptions wrap lines mid-sentence (`access\ntoken`).
    let text = description.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut found: Vec<(String, Option<String>)> = Vec::new();
    let mut rest = text.clone();
    for (before, after) in SENTENCES {
        while let Some(start) = rest.find(before) {
            let scope_start = start + before.len();
            let Some(scope_len) = rest[scope_start..].find('`') else { break };
            let scope = rest[scope_start..scope_start + scope_len].to_owned();
            let tail = &rest[scope_start + scope_len..];
            let Some(ending) = tail.strip_prefix(after).and_then(|t| ENDINGS.iter().find(|(end, _)| t.starts_with(end))) else {
                return Err(format!("the sentence `{}` does not end as expected", excerpt(&rest[start..])));
            };
            if scope.is_empty() || scope.contains(' ') {
                return Err(format!("`{scope}` in `{}` is not a scope", excerpt(&rest[start..])));
            }
            found.push((scope, ending.1.map(str::to_owned)));
            let end = scope_start + scope_len + after.len() + ending.0.len();
            rest.replace_range(start..end, "");
        }
    }
    // Anything still speaking of a scope is a phrasing this reader does not know.
    for marker in ["` scope", "(classic) need", "scopes to use this endpoint"] {
        if let Some(at) = rest.find(marker) {
            let start = rest[..at].rfind(". ").map_or(0, |dot| dot + 2);
            return Err(format!("the description names a classic scope in a form the generator does not read: `{}`", excerpt(&rest[start..])));
        }
    }
    match found.as_slice() {
        [] => Ok(ClassicScopes::default()),
        [(scope, condition)] => Ok(ClassicScopes { scopes: vec![scope.clone()], condition: condition.clone() }),
        _ => Err(format!("the description has {} scope sentences; which one applies is not clear", found.len())),
    }
}

fn excerpt(text: &str) -> String {
    let end = text.find(". ").map_or(text.len(), |dot| dot + 1);
    text[..end].chars().take(200).collect()
}

/// Where one operation's description is, for diagnostics.
#[derive(Debug, Clone)]
pub struct DescribedOperation {
    /// The spec file.
    pub file: String,
    /// JSON pointer of the operation in it.
    pub pointer: String,
    /// Its description (empty when it has none).
    pub description: String,
}

/// Checks the `classic_scopes` declarations of the codegen configuration `config_file` against
/// the descriptions of `operations` (operationId -> where): every declared operation exists and
/// its declaration says what its description says; with `every_operation`, each of
/// `operations` is declared exactly once. Returns what each description names (operations
/// whose description cannot be read are reported and left out), and every problem.
pub fn check_declared(
    config_file: &str,
    declared: &[ClassicScopesEntry],
    operations: &BTreeMap<String, DescribedOperation>,
    every_operation: bool,
) -> (BTreeMap<String, ClassicScopes>, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let mut named = BTreeMap::new();
    for (id, operation) in operations {
        match from_description(&operation.description) {
            Ok(scopes) => {
                named.insert(id.clone(), scopes);
            }
            Err(why) => problems.push(
                Diagnostic::new(
                    &operation.file,
                    format!("{}/description", operation.pointer),
                    why,
                    "declare the scopes in the codegen configuration and extend `codegen::spec::permissions::classic` to read this phrasing",
                )
                .in_operation(id),
            ),
        }
    }
    let mut seen: BTreeMap<&str, String> = BTreeMap::new();
    for (index, entry) in declared.iter().enumerate() {
        let at = |field: &str| pointer::join(["classic_scopes", &index.to_string(), field]);
        let mut scopes = entry.scopes.clone();
        scopes.sort();
        let condition = entry.condition.clone();
        for (position, id) in entry.operations.iter().enumerate() {
            let here = pointer::join(["classic_scopes", &index.to_string(), "operations", &position.to_string()]);
            if let Some(first) = seen.insert(id, here.clone()) {
                problems.push(Diagnostic::new(config_file, here, format!("`{id}` is declared twice (first at {first})"), "keep one declaration per operation").in_operation(id));
                continue;
            }
            let Some(operation) = operations.get(id) else {
                problems.push(
                    Diagnostic::new(config_file, here, format!("`{id}` is not one of the spec's operations"), "name an operation by its operationId, or remove it").in_operation(id),
                );
                continue;
            };
            let Some(described) = named.get(id) else { continue };
            if described.scopes != scopes || described.condition != condition {
                problems.push(
                    Diagnostic::new(
                        config_file,
                        at("scopes"),
                        format!(
                            "declared classic scopes {} for `{id}`, but its description in {} says {}",
                            show(&scopes, condition.as_deref()),
                            operation.file,
                            show(&described.scopes, described.condition.as_deref())
                        ),
                        format!(
                            "if GitHub changed the description (see {}{}/description), review the change and move `{id}` to an entry that says the same; otherwise correct the entry",
                            operation.file, operation.pointer
                        ),
                    )
                    .in_operation(id),
                );
            }
        }
    }
    if every_operation {
        for id in operations.keys().filter(|id| !seen.contains_key(id.as_str())) {
            let says = named.get(id).map_or_else(|| "(unreadable)".to_owned(), |s| show(&s.scopes, s.condition.as_deref()));
            problems.push(
                Diagnostic::new(config_file, "#/classic_scopes", format!("`{id}` has no classic scopes declared (its description says {says})"), "add it to the entry with those scopes (`scopes: []` when the description names none)")
                    .in_operation(id),
            );
        }
    }
    (named, problems)
}

/// `[admin:org]`, `[repo] if the repository is private`, `no scope`.
pub fn show(scopes: &[String], condition: Option<&str>) -> String {
    let list = if scopes.is_empty() { "no scope".to_owned() } else { format!("[{}]", scopes.join(", ")) };
    match condition {
        Some(condition) => format!("{list} {condition}"),
        None => list,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_sentences_are_read_across_line_breaks() {
        let org = "Lists all secrets.\n\nOAuth app tokens and personal access tokens (classic) need the `admin:org` scope to use this\nendpoint.";
        assert_eq!(from_description(org).unwrap(), ClassicScopes { scopes: vec!["admin:org".into()], condition: None });
        let put = "Creates a secret.\n\nYou must authenticate using an access\ntoken with the `admin:org` scope to use this endpoint. GitHub Apps must have the `dependabot_secrets` organization permission to use this endpoint.";
        assert_eq!(from_description(put).unwrap().scopes, ["admin:org"]);
        let private = "Anyone with read access can use this endpoint.\n\nOAuth app tokens and personal access tokens (classic) need the `repo` scope to use this endpoint if the repository is private.";
        assert_eq!(from_description(private).unwrap().condition.as_deref(), Some("if the repository is private"));
        assert_eq!(from_description("Fine-grained access tokens require the `artifact-metadata:read` permission.").unwrap(), ClassicScopes::default());
    }

    #[test]
    fn other_phrasings_are_refused_not_guessed() {
        for text in [
            "OAuth tokens and personal access tokens (classic) need the `repo` scope to use this endpoint.",
            "OAuth app tokens and personal access tokens (classic) need the `repo` or `public_repo` scope to use this endpoint.",
            "If the repository is private, the `repo` scope is also required.",
        ] {
            let error = from_description(text).unwrap_err();
            assert!(error.contains("does not read") || error.contains("does not end"), "{text}: {error}");
        }
    }
}
