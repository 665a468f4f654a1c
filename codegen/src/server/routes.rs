//! Where the router serves each operation. Most paths are axum routes as they stand
//! (`/orgs/{org}` is axum 0.8 syntax); two kinds are not, and are served under another route
//! whose matched parameters the runtime turns back into the operation's:
//!
//! - A parameter that is only part of a segment, like `/compare/{base}...{head}`: the route
//!   takes the whole segment (`/compare/{base_head}`), the runtime splits it at the literal
//!   text (`...`); a URL whose segment does not fit is a `404`.
//! - Templates that differ only in parameter names, like `GET /attestations/{subject_digest}`
//!   and `DELETE /attestations/{attestation_id}` (GitHub's description has two such pairs):
//!   a router cannot have both, so both operations are served at the first template and the
//!   runtime gives each its own names.
//!
//! What no router can serve is left out of the server with a diagnostic: two operations with
//! the same method whose templates match the same URLs (GitHub's deprecated
//! `GET /repos/{owner}/{repo}/compare/{base}...{head}` and its successor `.../compare/{basehead}`:
//! the successor is served), two parameters in one segment with no text between them, a path
//! not starting with `/`, a `{*wildcard}`.

use std::collections::BTreeMap;

use crate::diagnostic::Diagnostic;
use crate::ir::{Api, Operation};
use crate::output::render::rust_string;

/// A piece of a path segment of the spec: a parameter, or literal text around parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// A parameter, by its name in the spec.
    Param(String),
    /// Literal text.
    Text(String),
}

/// Where an operation is served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The axum route template.
    pub template: String,
    /// For each parameter of `template`, in order, the operation's pieces it holds; `None`
    /// when the template is the operation's own path.
    pub pieces: Option<Vec<Vec<Piece>>>,
}

impl Route {
    /// The `FromRawRequest::PATH` override for the operation's request, if it needs one (as text).
    pub fn path_const(&self) -> Option<String> {
        let segments = self.pieces.as_ref()?.iter().map(|pieces| {
            let pieces = pieces.iter().map(|piece| match piece {
                Piece::Param(name) => format!("Piece::Param({})", rust_string(name)),
                Piece::Text(text) => format!("Piece::Text({})", rust_string(text)),
            });
            format!("&[{}]", pieces.collect::<Vec<_>>().join(", "))
        });
        Some(format!("const PATH: Option<&'static [&'static [Piece]]> = Some(&[{}]);", segments.collect::<Vec<_>>().join(", ")))
    }
}

/// A path's segments, each as its pieces.
type Segments = Vec<Vec<Piece>>;

/// The route of every operation the server can serve (by operationId), and a diagnostic for
/// each one it cannot.
pub fn plan(file: &str, api: &Api) -> (BTreeMap<String, Route>, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    // Each operation's segments, as pieces, grouped by shape: the route with `{}` for each
    // parameter. Operations are in operationId order, paths compared in text order, so the
    // template a group is served at does not depend on the spec's key order.
    let mut groups: BTreeMap<String, Vec<(&Operation, Segments)>> = BTreeMap::new();
    for operation in &api.operations {
        let problem = |message: String, help: &str| {
            Diagnostic::new(file, operation.pointer.clone(), message, help).in_operation(operation.id.clone())
        };
        match segments(&operation.path) {
            Ok(segments) => {
                let shape = segments
                    .iter()
                    .map(|pieces| match pieces.as_slice() {
                        [Piece::Text(text)] => text.as_str(),
                        _ => "{}",
                    })
                    .collect::<Vec<_>>()
                    .join("/");
                groups.entry(shape).or_default().push((operation, segments));
            }
            Err(why) => problems.push(problem(
                format!("the server cannot route `{}`: {why}", operation.path),
                "make each parameter a whole path segment (`/files/{name}`), or separate parameters in one segment with text (`{base}...{head}`)",
            )),
        }
    }

    let mut routes = BTreeMap::new();
    for members in groups.values_mut() {
        members.sort_by(|(a, _), (b, _)| (&a.path, &a.id).cmp(&(&b.path, &b.id)));
        let (_, first) = &members[0];
        let template = template_of(first);
        let mut methods: BTreeMap<&str, &Operation> = BTreeMap::new();
        for (operation, segments) in members.iter() {
            if let Some(other) = methods.insert(operation.method.as_str(), operation) {
                methods.insert(operation.method.as_str(), other);
                problems.push(
                    Diagnostic::new(
                        file,
                        operation.pointer.clone(),
                        format!(
                            "`{} {}` and `{} {}` (`{}`) match the same URLs, so no router can tell them apart; the server serves them as `{}`",
                            operation.method, operation.path, other.method, other.path, other.id, other.id
                        ),
                        "if both are needed, give them different paths in the spec; GitHub's description marks such duplicates deprecated",
                    )
                    .in_operation(operation.id.clone()),
                );
                continue;
            }
            let own = template_of(segments) == template && segments.iter().all(|s| s.len() == 1);
            let pieces = (!own).then(|| segments.iter().filter(|s| !matches!(s.as_slice(), [Piece::Text(_)])).cloned().collect());
            routes.insert(operation.id.clone(), Route { template: template.clone(), pieces });
        }
    }
    problems.sort_by(|a, b| (&a.operation_id, &a.pointer).cmp(&(&b.operation_id, &b.pointer)));
    (routes, problems)
}

/// The segments of `path` as pieces, or why no route can serve it.
fn segments(path: &str) -> Result<Segments, &'static str> {
    let Some(rest) = path.strip_prefix('/') else { return Err("paths must start with `/`") };
    let mut out = Vec::new();
    for segment in rest.split('/') {
        let mut pieces = Vec::new();
        let mut text = segment;
        while let Some(start) = text.find('{') {
            let end = text[start..].find('}').ok_or("a `{` without its `}`")? + start;
            if start > 0 {
                pieces.push(Piece::Text(text[..start].to_owned()));
            }
            let name = &text[start + 1..end];
            if name.is_empty() || name.starts_with('*') || name.contains('{') {
                return Err("a parameter must be named, like `{name}` (no wildcards)");
            }
            if matches!(pieces.last(), Some(Piece::Param(_))) {
                return Err("two parameters in one segment need text between them to be told apart");
            }
            pieces.push(Piece::Param(name.to_owned()));
            text = &text[end + 1..];
        }
        if text.contains('}') {
            return Err("a `}` without its `{`");
        }
        if !text.is_empty() || pieces.is_empty() {
            pieces.push(Piece::Text(text.to_owned()));
        }
        out.push(pieces);
    }
    Ok(out)
}

/// The axum template serving `segments`: a segment holding one or more parameters becomes one
/// parameter, named after them (`{base}...{head}` is `{base_head}`).
fn template_of(segments: &[Vec<Piece>]) -> String {
    let parts: Vec<String> = segments
        .iter()
        .map(|pieces| match pieces.as_slice() {
            [Piece::Text(text)] => text.clone(),
            _ => {
                let names: Vec<&str> = pieces.iter().filter_map(|p| if let Piece::Param(name) = p { Some(name.as_str()) } else { None }).collect();
                format!("{{{}}}", names.join("_"))
            }
        })
        .collect();
    format!("/{}", parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_split_into_parameters_and_text() {
        let param = |n: &str| Piece::Param(n.to_owned());
        let text = |t: &str| Piece::Text(t.to_owned());
        let compare = segments("/repos/{owner}/compare/{base}...{head}").unwrap();
        assert_eq!(compare, vec![vec![text("repos")], vec![param("owner")], vec![text("compare")], vec![param("base"), text("..."), param("head")]]);
        assert_eq!(template_of(&compare), "/repos/{owner}/compare/{base_head}");
        assert_eq!(segments("/files/{name}.json").unwrap()[1], vec![param("name"), text(".json")]);
        assert_eq!(segments("/").unwrap(), vec![vec![text("")]]);
        for bad in ["files/{x}", "/a/{x}{y}", "/a/{*rest}", "/a/{}", "/a/{x", "/a/x}"] {
            assert!(segments(bad).is_err(), "{bad}");
        }
    }
}
