//! The API surface: a compact text listing every operation (method, path, parameters, body,
//! responses) and every model (fields with types and constraints). It is snapshot-tested, so
//! a change to the pinned spec shows up in review as a diff that reads like a changelog.
//! Descriptions are left out on purpose: they change often and say nothing about types.

use std::fmt::Write;

use serde_json::Value;

use crate::ir::{Api, Model, Operation, ref_name};
use crate::normalize::Origin;
use crate::rust_types::describe;

/// Constraint keywords shown next to a type, in this order.
const CONSTRAINTS: [&str; 14] = [
    "minLength", "maxLength", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "multipleOf", "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties", "default",
];

/// Renders the surface of the whole API.
pub fn render(api: &Api, multi_status: &std::collections::BTreeSet<String>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {} {}: {} operations, {} models", api.title, api.version, api.operations.len(), api.models.len());
    for operation in &api.operations {
        out.push('\n');
        out.push_str(&render_operation(api, operation, multi_status.contains(&operation.id)));
    }
    for model in &api.models {
        out.push('\n');
        out.push_str(&render_model(model));
    }
    out
}

/// Renders one operation of `api`.
pub fn render_operation(api: &Api, operation: &Operation, multi_status: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "operation {}", operation.id);
    let _ = writeln!(out, "  {} {}", operation.method, operation.path);
    let returns = if multi_status { format!(" -> {}Success", operation.type_base) } else { String::new() };
    let _ = writeln!(out, "  client: Client::{}{returns}", operation.fn_name);
    out.push_str(&render_conveniences(api, operation));
    for p in &operation.parameters {
        let required = if p.required { ", required" } else { "" };
        let _ = writeln!(out, "  param {} ({}{required}): {}{}", p.name, p.location.as_str(), describe(&p.schema), constraints(&p.schema));
    }
    if let Some(body) = &operation.body {
        let required = if body.required { ", required" } else { "" };
        let _ = writeln!(out, "  body ({}{required}): {}", body.media_type, describe(&body.schema));
    }
    for r in &operation.responses {
        let body = match &r.body {
            None => "no body".to_owned(),
            Some(b) => match &b.schema {
                Some(schema) if crate::ir::is_json(&b.media_type) => describe(schema),
                Some(schema) => format!("{} ({})", describe(schema), b.media_type),
                None => format!("bytes ({})", b.media_type),
            },
        };
        let headers = if r.headers.is_empty() {
            String::new()
        } else {
            let names: Vec<String> = r
                .headers
                .iter()
                .map(|h| match &h.added_by {
                    Some(file) => format!("{} (added by {file})", h.name),
                    None => h.name.clone(),
                })
                .collect();
            format!("; headers: {}", names.join(", "))
        };
        let _ = writeln!(out, "  {} {body}{headers}", r.status);
    }
    out
}

/// The client methods built on an operation's own (item stream, plaintext secret write), one
/// line each, appended to its entry.
fn render_conveniences(api: &Api, operation: &Operation) -> String {
    let mut out = String::new();
    if let (Some(name), Some(pagination)) = (crate::conveniences::stream_method(api, operation), &operation.pagination) {
        let _ = writeln!(
            out,
            "  stream: Client::{name} -> {} (the `{}` of each page, following Link rel=\"next\")",
            describe(&pagination.item_schema),
            pagination.items_property
        );
    }
    if let (Some(name), Some(key)) = (crate::conveniences::plaintext_method(api, operation), &operation.sealed_with) {
        let _ = writeln!(out, "  sealed: Client::{name} (plaintext sealed for the key from {key})");
    }
    out
}

/// Renders one model.
pub fn render_model(model: &Model) -> String {
    let mut out = String::new();
    let from = match &model.origin {
        Origin::Component(name) => format!("#/components/schemas/{name}"),
        Origin::Inline(pointer) => format!("inline at {pointer}"),
    };
    let _ = writeln!(out, "model {} ({from})", model.name);
    render_schema_body(&model.schema, 1, &mut out);
    out
}

fn render_schema_body(schema: &Value, depth: usize, out: &mut String) {
    let indent = "  ".repeat(depth);
    let properties = schema.get("properties").and_then(Value::as_object).filter(|p| !p.is_empty());
    let Some(properties) = properties else {
        let _ = writeln!(out, "{indent}{}{}", describe(schema), constraints(schema));
        return;
    };
    let required: Vec<&str> = schema.get("required").and_then(Value::as_array).map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    let nullable = if schema.get("nullable") == Some(&Value::Bool(true)) { " (nullable)" } else { "" };
    let closed = if schema.get("additionalProperties") == Some(&Value::Bool(false)) { ", no other fields" } else { "" };
    let _ = writeln!(out, "{indent}object{nullable}{closed}");
    for (name, property) in properties {
        let marker = if required.contains(&name.as_str()) { " (required)" } else { "" };
        let items = property.get("items").filter(|_| property.get("type").and_then(Value::as_str) == Some("array"));
        if has_inline_properties(property) {
            let _ = writeln!(out, "{indent}  {name}{marker}:");
            render_schema_body(property, depth + 2, out);
        } else if let Some(items) = items.filter(|items| has_inline_properties(items)) {
            let _ = writeln!(out, "{indent}  {name}{marker}: [object]{}", constraints(property));
            render_schema_body(items, depth + 2, out);
        } else {
            let _ = writeln!(out, "{indent}  {name}{marker}: {}{}", describe(property), constraints(property));
        }
    }
    let missing: Vec<&&str> = required.iter().filter(|r| !properties.contains_key(**r)).collect();
    if !missing.is_empty() {
        let _ = writeln!(out, "{indent}  required but undeclared: {missing:?}");
    }
}

fn has_inline_properties(schema: &Value) -> bool {
    ref_name(schema).is_none() && schema.get("properties").and_then(Value::as_object).is_some_and(|p| !p.is_empty())
}

/// The constraints of a schema, e.g. ` maxLength=71 pattern=^sha256:[a-f0-9]{64}$`.
fn constraints(schema: &Value) -> String {
    let mut out = String::new();
    for key in CONSTRAINTS {
        if let Some(value) = schema.get(key) {
            let shown = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
            let _ = write!(out, " {key}={shown}");
        }
    }
    out
}

/// A changelog between two surfaces: which operations and models were added, removed or
/// changed, each change shown as the lines that differ (with one line of context).
pub fn changelog(old: &str, new: &str) -> String {
    let old_blocks = blocks(old);
    let new_blocks = blocks(new);
    let mut out = String::new();
    for (key, new_block) in &new_blocks {
        match old_blocks.get(key) {
            None => {
                let _ = writeln!(out, "added {}", first_line(new_block));
            }
            Some(old_block) if old_block != new_block => {
                let _ = writeln!(out, "changed {}", first_line(new_block));
                let diff = similar::TextDiff::from_lines(old_block.as_str(), new_block.as_str());
                for group in diff.grouped_ops(1) {
                    for op in group {
                        for change in diff.iter_changes(&op) {
                            let sign = match change.tag() {
                                similar::ChangeTag::Delete => '-',
                                similar::ChangeTag::Insert => '+',
                                similar::ChangeTag::Equal => ' ',
                            };
                            let _ = write!(out, "{sign} {}", change.value());
                        }
                    }
                }
            }
            Some(_) => {}
        }
    }
    for (key, old_block) in &old_blocks {
        if !new_blocks.contains_key(key) {
            let _ = writeln!(out, "removed {}", first_line(old_block));
        }
    }
    if out.is_empty() {
        out.push_str("no changes\n");
    }
    out
}

/// The surface's blocks (separated by blank lines), keyed by kind and name.
fn blocks(surface: &str) -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::new();
    for block in surface.split("\n\n") {
        let first = first_line(block);
        let mut words = first.split_whitespace();
        if let (Some(kind @ ("operation" | "model")), Some(name)) = (words.next(), words.next()) {
            let mut text = block.trim_end_matches('\n').to_owned();
            text.push('\n');
            // Operations first, then models.
            let order = if kind == "operation" { 0 } else { 1 };
            out.insert(format!("{order} {name}"), text);
        }
    }
    out
}

fn first_line(block: &str) -> &str {
    block.lines().next().unwrap_or("")
}
