//! Pinning: extracting the operations we support, and everything they reference, from GitHub's
//! full description into a small, canonical YAML file.
//!
//! The subset holds exactly the listed operations, the path-level parameters they inherit, and
//! the transitive closure of every `$ref` they use — nothing else. Keys are written sorted, so
//! the same inputs always give the same bytes, whatever order the upstream file uses.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::diagnostic::{Diagnostic, Diagnostics, pointer};
use crate::spec::openapi::{METHODS, resolve};

/// One line of the operations list: an operationId and where it must be found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinnedOperation {
    /// The operationId, e.g. `dependabot/get-org-public-key`.
    pub operation_id: String,
    /// The HTTP method in upper case, e.g. `GET`.
    pub method: String,
    /// The path template, e.g. `/orgs/{org}/dependabot/secrets/public-key`.
    pub path: String,
    /// 1-based line in the operations file, for error messages.
    pub line: usize,
}

/// Parses an operations list: one `operationId METHOD /path` per line, `#` comments and blank
/// lines ignored. Every malformed or repeated line is reported.
pub fn parse_operation_list(file: &str, text: &str) -> Result<Vec<PinnedOperation>, Diagnostics> {
    let mut operations = Vec::new();
    let mut problems = Vec::new();
    let mut seen = BTreeMap::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let content = raw.split('#').next().unwrap_or("").trim();
        if content.is_empty() {
            continue;
        }
        let fields: Vec<&str> = content.split_whitespace().collect();
        let [operation_id, method, path] = fields[..] else {
            problems.push(Diagnostic::new(
                file,
                format!(":{line}"),
                format!("line {line} has {} fields, expected 3: `{content}`", fields.len()),
                "write each operation as `operationId METHOD /path`, e.g. `dependabot/get-org-public-key GET /orgs/{org}/dependabot/secrets/public-key`",
            ));
            continue;
        };
        if !METHODS.contains(&method.to_ascii_lowercase().as_str()) || !path.starts_with('/') {
            problems.push(Diagnostic::new(
                file,
                format!(":{line}"),
                format!("line {line}: `{method} {path}` is not an HTTP method followed by a path"),
                "write each operation as `operationId METHOD /path`",
            ));
            continue;
        }
        if let Some(first) = seen.insert(operation_id.to_owned(), line) {
            problems.push(Diagnostic::new(
                file,
                format!(":{line}"),
                format!("operationId `{operation_id}` is listed twice (lines {first} and {line})"),
                "remove one of the two lines",
            ));
            continue;
        }
        operations.push(PinnedOperation {
            operation_id: operation_id.to_owned(),
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            line,
        });
    }
    if operations.is_empty() && problems.is_empty() {
        problems.push(Diagnostic::new(
            file,
            ":1",
            "the operations list is empty",
            "list at least one operation as `operationId METHOD /path`",
        ));
    }
    Diagnostics::check(problems)?;
    Ok(operations)
}

/// Returns the bytes unchanged, or decompressed when they are gzip (magic bytes `1f 8b`).
pub fn gunzip_if_needed(file: &str, bytes: &[u8]) -> Result<Vec<u8>, Diagnostics> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(bytes.to_vec());
    }
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .map_err(|error| {
            Diagnostics::one(Diagnostic::new(
                file,
                "#",
                format!("the file looks gzip-compressed but cannot be decompressed: {error}"),
                "re-download the file, or pass the uncompressed .json",
            ))
        })?;
    Ok(out)
}

/// The result of pinning: the subset and its provenance record, both as file contents.
#[derive(Debug, Clone)]
pub struct Pinned {
    /// The subset spec, YAML with sorted keys, starting with a one-line header.
    pub spec_yaml: String,
    /// Where the subset came from: upstream file, version and hash, operations, subset hash.
    pub provenance_yaml: String,
    /// How many component entries (schemas, parameters, ...) the subset carries.
    pub component_count: usize,
}

/// Names used in the files `pin` writes, so that they can point at each other.
#[derive(Debug, Clone)]
pub struct PinNames {
    /// The upstream description's path as it should be recorded, e.g. `spec/upstream/x.json.gz`.
    pub upstream: String,
    /// The operations list's path as it should be recorded.
    pub operations: String,
    /// The subset's path as it should be recorded.
    pub subset: String,
}

/// Extracts `operations` and their `$ref` closure from a full OpenAPI 3.0 description
/// (JSON, possibly gzip-compressed). Fails, naming each problem, if an operation is missing,
/// sits at another method or path, or references something the description lacks.
pub fn pin(names: &PinNames, upstream_bytes: &[u8], operations: &[PinnedOperation]) -> Result<Pinned, Diagnostics> {
    let file = names.upstream.as_str();
    let json_bytes = gunzip_if_needed(file, upstream_bytes)?;
    let upstream_sha256 = sha256_hex(&json_bytes);
    let upstream: Value = serde_json::from_slice(&json_bytes).map_err(|error| {
        Diagnostics::one(Diagnostic::new(
            file,
            "#",
            format!("the upstream description is not valid JSON: {error}"),
            "pass GitHub's description as published (api.github.com.json, optionally .gz)",
        ))
    })?;
    let version = upstream.get("openapi").and_then(Value::as_str).unwrap_or("");
    if !version.starts_with("3.0.") {
        return Err(Diagnostics::one(Diagnostic::new(
            file,
            "#/openapi",
            format!("expected an OpenAPI 3.0.x description, found `openapi: {version}`"),
            "pin from GitHub's 3.0 description (api.github.com.json), not the 3.1 one",
        )));
    }

    let mut problems = Vec::new();
    let mut paths = Map::new();
    let mut used_tags = BTreeSet::new();
    let index = index_operations(&upstream);
    for wanted in operations {
        let Some((path, method)) = index.get(wanted.operation_id.as_str()) else {
            problems.push(Diagnostic::new(
                file,
                "#/paths",
                format!(
                    "operationId `{}` ({} line {}) is not in the upstream description",
                    wanted.operation_id, names.operations, wanted.line
                ),
                "check the spelling against the upstream description, or remove the line if GitHub retired the operation",
            ));
            continue;
        };
        let method_upper = method.to_ascii_uppercase();
        if *path != wanted.path || method_upper != wanted.method {
            problems.push(
                Diagnostic::new(
                    file,
                    pointer::join(["paths", path, method]),
                    format!(
                        "operationId `{}` is `{method_upper} {path}` upstream, but {} line {} says `{} {}`",
                        wanted.operation_id, names.operations, wanted.line, wanted.method, wanted.path
                    ),
                    "update the line in the operations list to the upstream method and path",
                )
                .in_operation(&wanted.operation_id),
            );
            continue;
        }
        let item = &upstream["paths"][path.as_str()];
        let operation = &item[method.as_str()];
        if let Some(tags) = operation.get("tags").and_then(Value::as_array) {
            used_tags.extend(tags.iter().filter_map(Value::as_str).map(str::to_owned));
        }
        let entry = paths
            .entry(path.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        let Value::Object(entry) = entry else { unreachable!("path entries are objects") };
        // Path-level fields apply to every operation under the path, so they come along.
        for key in ["parameters", "summary", "description", "servers"] {
            if let Some(value) = item.get(key) {
                entry.insert(key.to_owned(), value.clone());
            }
        }
        entry.insert(method.clone(), operation.clone());
    }
    Diagnostics::check(problems)?;

    let mut subset = Map::new();
    for key in ["openapi", "info", "servers", "externalDocs"] {
        if let Some(value) = upstream.get(key) {
            subset.insert(key.to_owned(), value.clone());
        }
    }
    if let Some(tags) = upstream.get("tags").and_then(Value::as_array) {
        let kept: Vec<Value> = tags
            .iter()
            .filter(|tag| tag.get("name").and_then(Value::as_str).is_some_and(|n| used_tags.contains(n)))
            .cloned()
            .collect();
        if !kept.is_empty() {
            subset.insert("tags".to_owned(), Value::Array(kept));
        }
    }
    let paths = Value::Object(paths);
    let components = ref_closure(file, &upstream, &paths)?;
    let component_count = components.values().map(|kind| kind.as_object().map_or(0, Map::len)).sum();
    subset.insert("paths".to_owned(), paths);
    if !components.is_empty() {
        subset.insert("components".to_owned(), Value::Object(components));
    }

    let info_version = upstream["info"]["version"].as_str().unwrap_or("unknown").to_owned();
    let body = serde_yaml::to_string(&Value::Object(subset)).map_err(|error| {
        Diagnostics::one(Diagnostic::new(file, "#", format!("cannot write the subset as YAML: {error}"), "report this as a bug"))
    })?;
    let spec_yaml = format!(
        "# @generated by `cargo xtask pin` from {} (openapi description {info_version}); do not edit, re-pin instead.\n{body}",
        names.upstream
    );
    let provenance = json!({
        "upstream": {
            "file": names.upstream,
            "info_version": info_version,
            "json_sha256": upstream_sha256,
        },
        "operations_file": names.operations,
        "operations": operations.iter().map(|o| format!("{} {} {}", o.operation_id, o.method, o.path)).collect::<Vec<_>>(),
        "subset": {
            "file": names.subset,
            "sha256": sha256_hex(spec_yaml.as_bytes()),
            "component_count": component_count,
        },
    });
    let provenance_yaml = format!(
        "# @generated by `cargo xtask pin`: where {} came from. Do not edit.\n{}",
        names.subset,
        serde_yaml::to_string(&provenance).unwrap_or_default()
    );
    Ok(Pinned {
        spec_yaml,
        provenance_yaml,
        component_count,
    })
}

/// operationId -> (path, lower-case method), for every operation in the description.
fn index_operations(upstream: &Value) -> BTreeMap<&str, (String, String)> {
    let mut index = BTreeMap::new();
    let Some(paths) = upstream.get("paths").and_then(Value::as_object) else {
        return index;
    };
    for (path, item) in paths {
        for method in METHODS {
            if let Some(id) = item.get(method).and_then(|op| op.get("operationId")).and_then(Value::as_str) {
                index.insert(id, (path.clone(), method.to_owned()));
            }
        }
    }
    index
}

/// Copies every component that `root` references, directly or through other components.
fn ref_closure(file: &str, upstream: &Value, root: &Value) -> Result<Map<String, Value>, Diagnostics> {
    let mut components: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    let mut pending: Vec<(String, String)> = Vec::new(); // (reference, pointer of the $ref)
    collect_refs(root, &mut vec!["paths".to_owned()], &mut pending);
    let mut done = BTreeSet::new();
    let mut problems = Vec::new();
    while let Some((reference, at)) = pending.pop() {
        if !done.insert(reference.clone()) {
            continue;
        }
        let tokens = pointer::split(&reference).unwrap_or_default();
        let (Some(target), [components_key, kind, name]) = (resolve(upstream, &reference), tokens.as_slice()) else {
            problems.push(Diagnostic::new(
                file,
                at,
                format!("`$ref: {reference}` does not resolve to an entry under #/components"),
                "only local references to #/components/<kind>/<name> are supported; check the target exists",
            ));
            continue;
        };
        if components_key != "components" {
            problems.push(Diagnostic::new(file, at, format!("`$ref: {reference}` points outside #/components"), "move the referenced node under #/components"));
            continue;
        }
        components
            .entry(kind.clone())
            .or_default()
            .insert(name.clone(), target.clone());
        collect_refs(target, &mut tokens.clone(), &mut pending);
    }
    Diagnostics::check(problems)?;
    Ok(components
        .into_iter()
        .map(|(kind, entries)| (kind, Value::Object(entries)))
        .collect())
}

fn collect_refs(node: &Value, at: &mut Vec<String>, out: &mut Vec<(String, String)>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                at.push(key.clone());
                if key == "$ref" {
                    if let Value::String(reference) = value {
                        out.push((reference.clone(), pointer::join(at.iter())));
                    }
                } else {
                    collect_refs(value, at, out);
                }
                at.pop();
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                at.push(index.to_string());
                collect_refs(item, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> PinNames {
        PinNames {
            upstream: "up.json".into(),
            operations: "ops.txt".into(),
            subset: "sub.yaml".into(),
        }
    }

    fn upstream() -> Vec<u8> {
        serde_json::to_vec(&json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "9"},
            "tags": [{"name": "a"}, {"name": "unused"}],
            "paths": {
                "/a/{id}": {
                    "parameters": [{"$ref": "#/components/parameters/id"}],
                    "get": {"operationId": "a/get", "tags": ["a"], "responses": {"200": {"description": "ok",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/thing"}}}}}},
                    "delete": {"operationId": "a/delete", "responses": {"204": {"description": "gone"}}}
                }
            },
            "components": {
                "parameters": {"id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}},
                "schemas": {
                    "thing": {"type": "object", "properties": {"part": {"$ref": "#/components/schemas/part"}}},
                    "part": {"type": "string"},
                    "unrelated": {"type": "integer"}
                }
            }
        }))
        .unwrap()
    }

    #[test]
    fn keeps_only_listed_operations_and_their_closure() {
        let ops = parse_operation_list("ops.txt", "a/get GET /a/{id}\n").unwrap();
        let pinned = pin(&names(), &upstream(), &ops).unwrap();
        let tree: Value = serde_yaml::from_str(&pinned.spec_yaml).unwrap();
        assert!(tree["paths"]["/a/{id}"]["get"].is_object());
        assert!(tree["paths"]["/a/{id}"]["delete"].is_null());
        assert!(tree["paths"]["/a/{id}"]["parameters"].is_array());
        let schemas: Vec<&String> = tree["components"]["schemas"].as_object().unwrap().keys().collect();
        assert_eq!(schemas, ["part", "thing"]);
        assert_eq!(tree["tags"], json!([{"name": "a"}]));
        assert_eq!(pinned.component_count, 3);
    }

    #[test]
    fn pinning_twice_gives_identical_bytes() {
        let ops = parse_operation_list("ops.txt", "a/get GET /a/{id}\na/delete DELETE /a/{id}\n").unwrap();
        let first = pin(&names(), &upstream(), &ops).unwrap();
        let second = pin(&names(), &upstream(), &ops).unwrap();
        assert_eq!(first.spec_yaml, second.spec_yaml);
        assert_eq!(first.provenance_yaml, second.provenance_yaml);
    }

    #[test]
    fn a_missing_operation_is_named_with_its_line() {
        let ops = parse_operation_list("ops.txt", "a/get GET /a/{id}\n# c\nnope/x GET /x\n").unwrap();
        let error = pin(&names(), &upstream(), &ops).unwrap_err();
        assert_eq!(error.0.len(), 1);
        assert!(error.0[0].message.contains("`nope/x` (ops.txt line 3)"), "{error}");
    }

    #[test]
    fn a_wrong_method_or_path_is_reported() {
        let ops = parse_operation_list("ops.txt", "a/get POST /a/{id}\n").unwrap();
        let error = pin(&names(), &upstream(), &ops).unwrap_err();
        assert!(error.0[0].message.contains("is `GET /a/{id}` upstream"), "{error}");
        assert_eq!(error.0[0].pointer, "#/paths/~1a~1{id}/get");
    }

    #[test]
    fn malformed_and_duplicate_lines_are_all_reported() {
        let error = parse_operation_list("ops.txt", "a GET\nb GET /b\nb GET /b\nc FETCH /c\n").unwrap_err();
        assert_eq!(error.0.len(), 3, "{error}");
    }

    #[test]
    fn gzip_input_is_accepted() {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(&upstream()).unwrap();
        let gz = encoder.finish().unwrap();
        let ops = parse_operation_list("ops.txt", "a/get GET /a/{id}\n").unwrap();
        assert_eq!(pin(&names(), &gz, &ops).unwrap().spec_yaml, pin(&names(), &upstream(), &ops).unwrap().spec_yaml);
    }
}
