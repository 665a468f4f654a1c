//! Naming what operations hold inline: request bodies, responses and parameter schemas become
//! named components, and a request body offered in several media types keeps one.

use serde_json::Value;

use super::{Namer, is_plain_scalar, is_ref};
use crate::diagnostic::pointer;
use crate::spec::naming::{status_reason, type_name};
use crate::spec::openapi::{METHODS, is_json, is_supported_request_media_type, sorted_statuses};

pub(super) fn hoist_operation_schemas(tree: &mut Value, namer: &mut Namer) {
    let Some(paths) = tree.get("paths").and_then(Value::as_object) else { return };
    // Collect first: hoisting writes into the tree we are walking.
    let mut work = Vec::new();
    for (path, item) in paths {
        for method in METHODS {
            if let Some(id) = item.get(method).and_then(|o| o.get("operationId")).and_then(Value::as_str) {
                work.push((path.clone(), method, type_name(id)));
            }
        }
        if item.get("parameters").is_some() {
            work.push((path.clone(), "parameters", String::new()));
        }
    }
    for (path, method, base) in work {
        let at = |rest: &[&str]| pointer::join(["paths", path.as_str(), method].iter().copied().chain(rest.iter().copied()));
        if method == "parameters" {
            // Path-level parameters are shared by the path's operations: name them after the path.
            hoist_parameters(tree, namer, &path, None, &type_name(&path), at(&[]));
            continue;
        }
        hoist_parameters(tree, namer, &path, Some(method), &base, at(&["parameters"]));
        // Request body.
        let body_schemas = media_schema_keys(&tree["paths"][path.as_str()][method]["requestBody"]);
        for media in body_schemas {
            let node = &tree["paths"][path.as_str()][method]["requestBody"]["content"][media.as_str()]["schema"];
            if !is_ref(node) {
                let schema = node.clone();
                let from = at(&["requestBody", "content", &media, "schema"]);
                let new = namer.hoist(tree, &format!("{base}Request"), schema, from);
                tree["paths"][path.as_str()][method]["requestBody"]["content"][media.as_str()]["schema"] = new;
            }
        }
        // Responses, in status order; the first success body is "the" response.
        let statuses: Vec<String> = tree["paths"][path.as_str()][method]["responses"]
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        let mut primary_taken = false;
        for status in sorted_statuses(statuses) {
            for media in media_schema_keys(&tree["paths"][path.as_str()][method]["responses"][status.as_str()]) {
                let node = &tree["paths"][path.as_str()][method]["responses"][status.as_str()]["content"][media.as_str()]["schema"];
                if is_ref(node) || is_plain_scalar(node) {
                    continue;
                }
                let success = status.starts_with('2');
                let wanted = if success && !primary_taken {
                    primary_taken = true;
                    format!("{base}Response")
                } else {
                    format!("{base}{}Response", status_reason(&status))
                };
                let schema = node.clone();
                let from = at(&["responses", &status, "content", &media, "schema"]);
                let new = namer.hoist(tree, &wanted, schema, from);
                tree["paths"][path.as_str()][method]["responses"][status.as_str()]["content"][media.as_str()]["schema"] = new;
            }
        }
    }
    // Shared responses and request bodies under #/components.
    for kind in ["responses", "requestBodies"] {
        let names: Vec<String> = tree["components"][kind].as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default();
        for name in names {
            for media in media_schema_keys(&tree["components"][kind][name.as_str()]) {
                let node = &tree["components"][kind][name.as_str()]["content"][media.as_str()]["schema"];
                if is_ref(node) || is_plain_scalar(node) {
                    continue;
                }
                let suffix = if kind == "responses" { "Response" } else { "Request" };
                let schema = node.clone();
                let from = pointer::join(["components", kind, &name, "content", &media, "schema"]);
                let new = namer.hoist(tree, &format!("{}{suffix}", type_name(&name)), schema, from);
                tree["components"][kind][name.as_str()]["content"][media.as_str()]["schema"] = new;
            }
        }
    }
}

/// A request body offered in several media types keeps one: JSON when offered, otherwise the
/// first supported one (sorted). Every generator then agrees on the body, and progenitor, which
/// rejects several, sees one.
pub(super) fn keep_one_request_media_type(tree: &mut Value) {
    if let Some(Value::Object(paths)) = tree.get_mut("paths") {
        for item in paths.values_mut() {
            for method in METHODS {
                if let Some(body) = item.get_mut(method).and_then(|op| op.get_mut("requestBody")) {
                    keep_one_request_media_type_of(body);
                }
            }
        }
    }
    if let Some(Value::Object(bodies)) = tree.get_mut("components").and_then(|c| c.get_mut("requestBodies")) {
        for body in bodies.values_mut() {
            keep_one_request_media_type_of(body);
        }
    }
}

fn keep_one_request_media_type_of(body: &mut Value) {
    let Some(Value::Object(content)) = body.get_mut("content") else { return };
    if content.len() < 2 {
        return;
    }
    let chosen = content
        .keys()
        .find(|m| is_json(m))
        .or_else(|| content.keys().find(|m| is_supported_request_media_type(m)))
        .cloned();
    if let Some(chosen) = chosen {
        content.retain(|media, _| *media == chosen);
    }
}

fn media_schema_keys(node: &Value) -> Vec<String> {
    node.get("content")
        .and_then(Value::as_object)
        .map(|content| content.iter().filter(|(_, m)| m.get("schema").is_some()).map(|(k, _)| k.clone()).collect())
        .unwrap_or_default()
}

fn hoist_parameters(tree: &mut Value, namer: &mut Namer, path: &str, method: Option<&str>, base: &str, list_pointer: String) {
    let list = match method {
        Some(m) => &tree["paths"][path][m]["parameters"],
        None => &tree["paths"][path]["parameters"],
    };
    let Some(count) = list.as_array().map(Vec::len) else { return };
    for index in 0..count {
        let parameter = match method {
            Some(m) => &tree["paths"][path][m]["parameters"][index],
            None => &tree["paths"][path]["parameters"][index],
        };
        if is_ref(parameter) {
            continue; // component parameters are handled once, by their own name
        }
        let schema = &parameter["schema"];
        if schema.is_null() || is_ref(schema) || is_plain_scalar(schema) {
            continue;
        }
        let name = parameter["name"].as_str().unwrap_or("param").to_owned();
        let schema = schema.clone();
        let from = format!("{list_pointer}/{index}/schema");
        let new = namer.hoist(tree, &format!("{base}{}", type_name(&name)), schema, from);
        match method {
            Some(m) => tree["paths"][path][m]["parameters"][index]["schema"] = new,
            None => tree["paths"][path]["parameters"][index]["schema"] = new,
        }
    }
}

pub(super) fn hoist_component_parameter_schemas(tree: &mut Value, namer: &mut Namer) {
    let names: Vec<String> = tree["components"]["parameters"].as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default();
    for name in names {
        let schema = &tree["components"]["parameters"][name.as_str()]["schema"];
        if schema.is_null() || is_ref(schema) || is_plain_scalar(schema) {
            continue;
        }
        let schema = schema.clone();
        let from = pointer::join(["components", "parameters", &name, "schema"]);
        let new = namer.hoist(tree, &type_name(&name), schema, from);
        tree["components"]["parameters"][name.as_str()]["schema"] = new;
    }
}
