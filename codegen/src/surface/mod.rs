//! The API surface: a compact text listing every operation (method, path, parameters, body,
//! responses) and every model (fields with types and constraints). It is snapshot-tested, so
//! a change to the pinned spec shows up in review as a diff that reads like a changelog.
//! Descriptions are left out on purpose: they change often and say nothing about types.
//! [`changelog()`] compares two surfaces.

pub mod changelog;
pub mod semver;

pub use changelog::changelog;

use std::fmt::Write;

use serde_json::Value;

use crate::ir::annotate::{plaintext_method, stream_method};
use crate::ir::rust_types::describe;
use crate::ir::{Api, Model, Operation};
use crate::spec::normalize::Origin;
use crate::spec::openapi::{is_json, ref_name};

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
    if let Some(authorization) = &operation.authorization {
        let _ = writeln!(out, "  permissions: {}", crate::ir::permissions::surface_line(&authorization.requirements));
    }
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
                Some(schema) if is_json(&b.media_type) => describe(schema),
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
    if let (Some(name), Some(pagination)) = (stream_method(api, operation), &operation.pagination) {
        let _ = writeln!(
            out,
            "  stream: Client::{name} -> {} (the `{}` of each page, following Link rel=\"next\")",
            describe(&pagination.item_schema),
            pagination.items_property
        );
    }
    if let (Some(name), Some(key)) = (plaintext_method(api, operation), &operation.sealed_with) {
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
