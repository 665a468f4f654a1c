//! Facts about OpenAPI 3.0 documents that every stage needs: the HTTP methods a path item may
//! hold, which media types are JSON, how a local `$ref` resolves, the placeholders of a path
//! template, the order of status keys. They live here, below everything that uses them, so
//! that no stage has to reach into another for them.

use serde_json::Value;

use crate::diagnostic::pointer;

/// HTTP methods an OpenAPI 3.0 path item may hold, in the order the spec lists them.
pub const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// True for `application/json` and `+json` media types.
pub fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or("").trim();
    essence == "application/json" || essence.ends_with("+json")
}

/// Media types a request body may use; responses may use any (they are read as bytes).
pub fn is_supported_request_media_type(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or("").trim();
    is_json(essence) || matches!(essence, "application/octet-stream" | "text/plain" | "application/x-www-form-urlencoded")
}

/// Looks a local `#/...` reference up in the tree.
pub fn resolve<'a>(tree: &'a Value, reference: &str) -> Option<&'a Value> {
    let mut node = tree;
    for token in pointer::split(reference)? {
        node = match node {
            Value::Object(map) => map.get(&token)?,
            Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

/// `node`, or what its `$ref` (and theirs, in turn) leads to; a reference that does not resolve
/// stops the chain there.
pub fn deref<'a>(tree: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(reference) => resolve(tree, reference).map_or(node, |target| deref(tree, target)),
        None => node,
    }
}

/// The named schema a `$ref` schema points to, if it is one.
pub fn ref_name(schema: &Value) -> Option<&str> {
    schema.get("$ref")?.as_str()?.strip_prefix("#/components/schemas/")
}

/// The operationId of the operation that contains the node at `tokens`, if any.
pub fn operation_at(tree: &Value, tokens: &[String]) -> Option<String> {
    match tokens {
        [paths, path, method, ..] if paths == "paths" => tree
            .get("paths")?
            .get(path)?
            .get(method)?
            .get("operationId")?
            .as_str()
            .map(str::to_owned),
        _ => None,
    }
}

/// The `{name}` placeholders of a path template, in order.
pub fn template_parameters(path: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else { break };
        names.push(rest[start + 1..start + len].to_owned());
        rest = &rest[start + len + 1..];
    }
    names
}

/// Status keys ordered numerically, ranges (`2XX`) after codes, `default` last.
pub fn sorted_statuses(mut statuses: Vec<String>) -> Vec<String> {
    statuses.sort_by_key(|s| match s.parse::<u16>() {
        Ok(code) => (0, code, s.clone()),
        Err(_) if s == "default" => (2, 0, s.clone()),
        Err(_) => (1, 0, s.clone()),
    });
    statuses
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_sort_codes_then_ranges_then_default() {
        let sorted = sorted_statuses(["default", "404", "2XX", "201", "200"].map(str::to_owned).to_vec());
        assert_eq!(sorted, ["200", "201", "404", "2XX", "default"]);
    }

    #[test]
    fn json_media_types_and_template_parameters() {
        assert!(is_json("application/vnd.github+json; charset=utf-8"));
        assert!(!is_json("text/plain"));
        assert!(is_supported_request_media_type("text/plain"));
        assert!(!is_supported_request_media_type("multipart/form-data"));
        assert_eq!(template_parameters("/repos/{owner}/{repo}/compare/{base}...{head}"), ["owner", "repo", "base", "head"]);
    }
}
