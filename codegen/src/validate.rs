//! Checks a spec before generation, so the generators never meet input they would panic on.
//!
//! All problems are collected in one pass: OpenAPI version, local `$ref`s that resolve,
//! operationIds present and unique, and path template parameters that match the declared path
//! parameters in both directions.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::diagnostic::{Diagnostic, pointer};
use crate::load::resolve;

/// HTTP methods an OpenAPI 3.0 path item may hold, in the order the spec lists them.
pub const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Every problem found in `tree`; empty when the spec is fit for generation.
pub fn check(file: &str, tree: &Value) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    match tree.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") => {}
        Some(v) => problems.push(Diagnostic::new(
            file,
            "#/openapi",
            format!("unsupported OpenAPI version `{v}`; this generator reads OpenAPI 3.0.x"),
            "use the 3.0 edition of the description (GitHub publishes both 3.0 and 3.1)",
        )),
        None => problems.push(Diagnostic::new(
            file,
            "#",
            "the document has no `openapi` version field",
            "add `openapi: 3.0.3` at the top level; is this an OpenAPI description at all?",
        )),
    }
    check_refs(file, tree, tree, &mut Vec::new(), &mut problems);
    check_operations(file, tree, &mut problems);
    problems
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
    match crate::load::operation_at(root, at) {
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
        }
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
            if parameter.get("in").and_then(Value::as_str) == Some("path") {
                if let Some(name) = parameter.get("name").and_then(Value::as_str) {
                    declared.insert(name.to_owned());
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
