//! Checks a spec before generation, so the generators never meet input they would panic on.
//!
//! All problems are collected in one pass: OpenAPI version, local `$ref`s that resolve,
//! operationIds present and unique, and path template parameters that match the declared path
//! parameters in both directions.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::diagnostic::{Diagnostic, pointer};
use crate::spec::openapi::{METHODS, is_json, is_supported_request_media_type, operation_at, resolve, template_parameters};

/// Every problem found in `tree`; empty when the spec is fit for generation.
pub fn check(file: &str, tree: &Value) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    if !tree.is_object() {
        let found = match tree {
            Value::Null => "the file is empty",
            Value::Array(_) => "the document is a list",
            _ => "the document is a single value",
        };
        problems.push(Diagnostic::new(
            file,
            "#",
            format!("{found}, not an OpenAPI description (a mapping with `openapi`, `info` and `paths`)"),
            "check that this is the file you meant",
        ));
        return problems;
    }
    if let Some(version) = tree.get("swagger") {
        problems.push(Diagnostic::new(
            file,
            "#/swagger",
            format!("this is a Swagger {} description; this generator reads OpenAPI 3.0", version.as_str().unwrap_or("2.0")),
            "convert it to OpenAPI 3.0 first (e.g. with swagger2openapi), or use the 3.0 edition of the description",
        ));
        return problems;
    }
    match tree.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") => {}
        Some(v) => problems.push(Diagnostic::new(
            file,
            "#/openapi",
            format!("unsupported OpenAPI version `{v}`; this generator reads OpenAPI 3.0.x"),
            "use the 3.0 edition of the description (GitHub publishes both 3.0 and 3.1)",
        )),
        None if tree.get("openapi").is_some() => problems.push(Diagnostic::new(
            file,
            "#/openapi",
            format!("`openapi` must be a version string such as '3.0.3', found {}", tree["openapi"]),
            "quote the version: `openapi: '3.0.3'` (YAML reads 3.0 as a number)",
        )),
        None => problems.push(Diagnostic::new(
            file,
            "#",
            "the document has no `openapi` version field",
            "add `openapi: 3.0.3` at the top level; is this an OpenAPI description at all?",
        )),
    }
    check_refs(file, tree, tree, &mut Vec::new(), &mut problems);
    check_ref_cycles(file, tree, &mut problems);
    check_all_of(file, tree, tree, &mut Vec::new(), &mut problems);
    check_operations(file, tree, &mut problems);
    problems
}

/// `allOf` means "all of these at once": members that declare different types (a string that
/// is also an integer) can never be satisfied, and typify would silently generate a type no
/// value fits.
fn check_all_of(file: &str, root: &Value, node: &Value, at: &mut Vec<String>, problems: &mut Vec<Diagnostic>) {
    match node {
        Value::Object(map) => {
            if let Some(kind) = map.get("type").filter(|_| is_schema_position(at)) {
                let valid = kind.as_str().is_some_and(|t| matches!(t, "string" | "number" | "integer" | "boolean" | "array" | "object"));
                if !valid {
                    let help = match kind {
                        Value::Array(_) => "OpenAPI 3.0 takes one type; for `null` add `nullable: true` (type lists are OpenAPI 3.1)".to_owned(),
                        Value::String(t) if matches!(t.as_str(), "date" | "date-time" | "uuid" | "uri" | "email" | "byte" | "binary") => {
                            format!("write `type: string` with `format: {t}`")
                        }
                        _ => "use one of string, number, integer, boolean, array, object".to_owned(),
                    };
                    problems.push(with_operation(
                        root,
                        at,
                        Diagnostic::new(
                            file,
                            pointer::join(at.iter().chain(std::iter::once(&"type".to_owned()))),
                            format!("`type: {kind}` is not an OpenAPI 3.0 schema type"),
                            help,
                        ),
                    ));
                }
            }
            if let Some(Value::Array(members)) = map.get("allOf") {
                let mut types: Vec<&str> = members
                    .iter()
                    .map(|m| m.get("$ref").and_then(Value::as_str).and_then(|r| resolve(root, r)).unwrap_or(m))
                    .filter_map(|m| m.get("type").and_then(Value::as_str))
                    .chain(map.get("type").and_then(Value::as_str))
                    .collect();
                types.sort_unstable();
                types.dedup();
                // An integer is also a number; every other pair is incompatible.
                if types.len() > 1 && types != ["integer", "number"] {
                    problems.push(with_operation(
                        root,
                        at,
                        Diagnostic::new(
                            file,
                            pointer::join(at.iter().chain(std::iter::once(&"allOf".to_owned()))),
                            format!("`allOf` requires a value to be {} at once, which no value is", types.join(" and ")),
                            "use `oneOf`/`anyOf` if any of the types will do, or remove the member with the wrong type",
                        ),
                    ));
                }
            }
            for (key, value) in map {
                if key == "example" || key == "examples" || key.starts_with("x-") {
                    continue;
                }
                at.push(key.clone());
                check_all_of(file, root, value, at, problems);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                at.push(index.to_string());
                check_all_of(file, root, item, at, problems);
                at.pop();
            }
        }
        _ => {}
    }
}

/// True when the node at `at` is a schema (so its `type` is a schema type), judged by the keys
/// leading to it; `type` also names e.g. security schemes, which are not schemas.
fn is_schema_position(at: &[String]) -> bool {
    let t: Vec<&str> = at.iter().map(String::as_str).collect();
    matches!(
        t.as_slice(),
        [.., "schema" | "items" | "not" | "additionalProperties"]
            | ["components", "schemas", _]
            | [.., "properties", _]
            | [.., "allOf" | "anyOf" | "oneOf", _]
    )
}

/// A `$ref` that leads, through nothing but other `$ref`s, back to itself names no type at all.
/// (Recursion through properties or items is fine: that is a recursive type.)
fn check_ref_cycles(file: &str, tree: &Value, problems: &mut Vec<Diagnostic>) {
    let Some(components) = tree.get("components").and_then(Value::as_object) else { return };
    for (kind, entries) in components {
        for (name, node) in entries.as_object().into_iter().flatten() {
            let start = pointer::join(["components", kind.as_str(), name.as_str()]);
            let mut seen = vec![start.clone()];
            let mut current = node;
            while let Some(reference) = current.get("$ref").and_then(Value::as_str) {
                if reference == start {
                    problems.push(Diagnostic::new(
                        file,
                        start.clone(),
                        format!("`$ref` cycle: {} -> {reference}", seen.join(" -> ")),
                        "one of these entries must define something instead of only referring to the next",
                    ));
                    break;
                }
                if seen.iter().any(|s| s == reference) {
                    break; // a cycle that does not pass through `start`; reported from its own members
                }
                seen.push(reference.to_owned());
                match resolve(tree, reference) {
                    Some(next) => current = next,
                    None => break, // reported by check_refs
                }
            }
        }
    }
}

fn check_refs(file: &str, root: &Value, node: &Value, at: &mut Vec<String>, problems: &mut Vec<Diagnostic>) {
    match node {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref") {
                let here = pointer::join(at.iter());
                match reference.as_str() {
                    Some(r) if !r.starts_with('#') => problems.push(Diagnostic::new(
                        file,
                        here,
                        format!("external reference `{r}` is not supported"),
                        "inline the referenced document, or move its content under #/components",
                    )),
                    Some(r) if resolve(root, r).is_none() => problems.push(
                        with_operation(root, at, Diagnostic::new(
                            file,
                            here,
                            format!("`$ref: {r}` does not resolve"),
                            "add the missing component or correct the reference",
                        )),
                    ),
                    Some(_) => {}
                    None => problems.push(Diagnostic::new(file, here, "`$ref` must be a string", "write the reference as a string, e.g. `$ref: '#/components/schemas/name'`")),
                }
            }
            for (key, value) in map {
                if key == "$ref" || key == "example" || key == "examples" || key.starts_with("x-") {
                    continue;
                }
                at.push(key.clone());
                check_refs(file, root, value, at, problems);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                at.push(index.to_string());
                check_refs(file, root, item, at, problems);
                at.pop();
            }
        }
        _ => {}
    }
}

fn with_operation(root: &Value, at: &[String], diagnostic: Diagnostic) -> Diagnostic {
    match operation_at(root, at) {
        Some(id) => diagnostic.in_operation(id),
        None => diagnostic,
    }
}

fn check_operations(file: &str, tree: &Value, problems: &mut Vec<Diagnostic>) {
    let Some(paths) = tree.get("paths").and_then(Value::as_object) else {
        problems.push(Diagnostic::new(file, "#/paths", "the document has no `paths`", "add the operations to generate under `paths`"));
        return;
    };
    if paths.is_empty() {
        problems.push(Diagnostic::new(file, "#/paths", "`paths` is empty: there is nothing to generate", "add at least one operation"));
    }
    let mut seen_ids: BTreeMap<String, String> = BTreeMap::new();
    for (path, item) in paths {
        for method in METHODS {
            let Some(operation) = item.get(method) else { continue };
            let here = pointer::join(["paths", path, method]);
            let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
                problems.push(Diagnostic::new(
                    file,
                    here,
                    format!("`{} {path}` has no operationId", method.to_uppercase()),
                    "give the operation a unique `operationId`; method and type names are derived from it",
                ));
                continue;
            };
            if let Some(first) = seen_ids.insert(id.to_owned(), here.clone()) {
                problems.push(
                    Diagnostic::new(file, here.clone(), format!("operationId `{id}` is also used at {first}"), "operationIds must be unique; rename one of them")
                        .in_operation(id),
                );
            }
            check_path_parameters(file, tree, path, item, method, id, problems);
            check_request_body(file, tree, &here, operation, id, problems);
            check_responses(file, &here, operation, id, problems);
        }
    }
}

fn check_request_body(file: &str, tree: &Value, here: &str, operation: &Value, id: &str, problems: &mut Vec<Diagnostic>) {
    let Some(body) = operation.get("requestBody") else { return };
    let body = match body.get("$ref").and_then(Value::as_str) {
        Some(r) => match resolve(tree, r) {
            Some(target) => target,
            None => return,
        },
        None => body,
    };
    let Some(content) = body.get("content").and_then(Value::as_object) else { return };
    let at = format!("{here}/requestBody/content");
    let supported: Vec<&String> = content.keys().filter(|m| is_supported_request_media_type(m)).collect();
    if supported.is_empty() {
        let found: Vec<&String> = content.keys().collect();
        problems.push(
            Diagnostic::new(
                file,
                at,
                format!("unsupported request body media type {found:?}"),
                "send the body as application/json (or application/octet-stream, text/plain, application/x-www-form-urlencoded)",
            )
            .in_operation(id),
        );
    } else if supported.len() > 1 && !supported.iter().any(|m| is_json(m)) {
        problems.push(
            Diagnostic::new(
                file,
                at,
                format!("the request body offers several media types {supported:?} and none is JSON, so there is no single body type"),
                "keep one media type, or add application/json (which is then used)",
            )
            .in_operation(id),
        );
    }
}

fn check_responses(file: &str, here: &str, operation: &Value, id: &str, problems: &mut Vec<Diagnostic>) {
    let Some(responses) = operation.get("responses").and_then(Value::as_object) else { return };
    for status in responses.keys() {
        let valid = status == "default"
            || status.parse::<u16>().is_ok_and(|code| (100..=599).contains(&code))
            || (status.len() == 3 && matches!(status.as_bytes()[0], b'1'..=b'5') && status[1..].eq_ignore_ascii_case("XX"));
        if !valid {
            problems.push(
                Diagnostic::new(
                    file,
                    format!("{here}/responses/{}", pointer::escape(status)),
                    format!("`{status}` is not an HTTP status code"),
                    "use a code from 100 to 599, a range such as `4XX`, or `default`",
                )
                .in_operation(id),
            );
        }
    }
}

fn check_path_parameters(file: &str, tree: &Value, path: &str, item: &Value, method: &str, id: &str, problems: &mut Vec<Diagnostic>) {
    let mut declared = BTreeSet::new();
    for list in [item.get("parameters"), item.get(method).and_then(|o| o.get("parameters"))].into_iter().flatten() {
        for parameter in list.as_array().into_iter().flatten() {
            let parameter = match parameter.get("$ref").and_then(Value::as_str) {
                Some(r) => match resolve(tree, r) {
                    Some(target) => target,
                    None => continue, // reported by check_refs
                },
                None => parameter,
            };
            let location = parameter.get("in").and_then(Value::as_str);
            if !matches!(location, Some("path" | "query" | "header" | "cookie")) {
                let name = parameter.get("name").and_then(Value::as_str).unwrap_or("?");
                let (message, help) = match location {
                    Some("body" | "formData") => (
                        format!("parameter `{name}` has `in: {}`, which is Swagger 2.0", location.unwrap_or_default()),
                        "in OpenAPI 3.0 a body is described by the operation's `requestBody`",
                    ),
                    Some(other) => (format!("parameter `{name}` has `in: {other}`"), "use `in: path`, `query`, `header` or `cookie`"),
                    None => (format!("parameter `{name}` has no `in`"), "say where it goes: `in: path`, `query`, `header` or `cookie`"),
                };
                problems.push(Diagnostic::new(file, pointer::join(["paths", path, method]), message, help).in_operation(id));
                continue;
            }
            if location == Some("path")
                && let Some(name) = parameter.get("name").and_then(Value::as_str)
            {
                declared.insert(name.to_owned());
                if parameter.get("required") != Some(&Value::Bool(true)) {
                    problems.push(
                        Diagnostic::new(
                            file,
                            pointer::join(["paths", path, method]),
                            format!("path parameter `{name}` is not marked `required: true`"),
                            "path parameters are always required in OpenAPI 3.0: add `required: true`",
                        )
                        .in_operation(id),
                    );
                }
            }
        }
    }
    let in_template: BTreeSet<String> = template_parameters(path).into_iter().collect();
    let here = pointer::join(["paths", path, method]);
    for missing in in_template.difference(&declared) {
        problems.push(
            Diagnostic::new(
                file,
                here.clone(),
                format!("the path template has `{{{missing}}}` but the operation declares no path parameter `{missing}`"),
                format!("add `{{name: {missing}, in: path, required: true, schema: {{type: string}}}}` to the parameters"),
            )
            .in_operation(id),
        );
    }
    for extra in declared.difference(&in_template) {
        problems.push(
            Diagnostic::new(
                file,
                here.clone(),
                format!("path parameter `{extra}` is declared but the path template has no `{{{extra}}}`"),
                "remove the parameter or add the placeholder to the path",
            )
            .in_operation(id),
        );
    }
}
