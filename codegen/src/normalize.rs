//! Normalization: every schema the generators see gets a stable, readable Rust name.
//!
//! typify and progenitor name inline schemas themselves, and progenitor would generate its own
//! copies of them. To have one definition per type, shared by every generated crate, this pass
//! rewrites the spec (in memory) so that:
//!
//! 1. every `#/components/schemas` entry is keyed by its Rust type name
//!    (`organization-dependabot-secret` becomes `OrganizationDependabotSecret`), with every
//!    `$ref` rewritten to match;
//! 2. inline request bodies, responses and non-scalar parameters become named components:
//!    `{Operation}Request`, `{Operation}Response` for the first success body, and
//!    `{Operation}{Reason}Response` (e.g. `...MultiStatusResponse`) for the others;
//! 3. arrays and maps with constraints typify does not enforce (`maxItems`, `minItems`,
//!    `uniqueItems`, `maxProperties`, `minProperties`) become named components, so that the
//!    models crate can give each a validating newtype (see `constrained.rs`).
//!
//! Names derive from operationIds, property names and status codes only, so they survive
//! unrelated spec changes. Where each name came from is kept in [`Origin`].

use std::collections::BTreeMap;

use heck::{ToSnakeCase, ToUpperCamelCase};
use serde_json::{Map, Value, json};

use crate::diagnostic::{Diagnostic, Diagnostics, pointer};
use crate::validate::METHODS;

/// Where a named schema of the normalized spec came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A `#/components/schemas` entry of the original spec, under its original key.
    Component(String),
    /// An inline schema of the original spec, at this JSON pointer.
    Inline(String),
}

/// The normalized spec and the provenance of each of its named schemas.
#[derive(Debug, Clone)]
pub struct Normalized {
    /// The rewritten spec; its `#/components/schemas` keys are Rust type names.
    pub tree: Value,
    /// Rust type name -> where the schema came from.
    pub origins: BTreeMap<String, Origin>,
}

/// The Rust type name for a spec name: UpperCamelCase, made a valid identifier.
pub fn type_name(name: &str) -> String {
    let cleaned: String = name.chars().map(|c| if c.is_alphanumeric() { c } else { '-' }).collect();
    let mut out = cleaned.to_upper_camel_case();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'X');
    }
    if out == "Self" {
        out.push('_');
    }
    out
}

/// The Rust function or field name for a spec name: snake_case, e.g. `dependabot_get_org_public_key`.
pub fn fn_name(name: &str) -> String {
    let cleaned: String = name.chars().map(|c| if c.is_alphanumeric() { c } else { '-' }).collect();
    let mut out = cleaned.to_snake_case();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "x_");
    }
    // Keywords cannot name a function or argument; a trailing underscore is the Rust idiom.
    if syn::parse_str::<syn::Ident>(&out).is_err() {
        out.push('_');
    }
    out
}

/// The UpperCamelCase reason phrase of a status code (`207` -> `MultiStatus`), for names.
pub fn status_reason(status: &str) -> String {
    match status.parse::<u16>().ok().and_then(|c| http::StatusCode::from_u16(c).ok()) {
        Some(code) => match code.canonical_reason() {
            Some(reason) => type_name(reason),
            None => format!("Status{status}"),
        },
        None if status == "default" => "Default".to_owned(),
        None => format!("Status{}", status.to_ascii_lowercase()),
    }
}

/// Rewrites `tree` as described in the module documentation.
pub fn normalize(file: &str, tree: &Value) -> Result<Normalized, Diagnostics> {
    let mut tree = tree.clone();
    fence_code_blocks(&mut tree);
    let mut origins = BTreeMap::new();
    rename_components(file, &mut tree, &mut origins)?;
    let mut namer = Namer { origins };
    keep_one_request_media_type(&mut tree);
    hoist_operation_schemas(&mut tree, &mut namer);
    hoist_component_parameter_schemas(&mut tree, &mut namer);
    hoist_constrained_containers(&mut tree, &mut namer);
    hoist_shadowed_inline_schemas(&mut tree, &mut namer);
    split_nullable_compositions(&mut tree, &mut namer);
    Ok(Normalized { tree, origins: namer.origins })
}

/// Descriptions become doc comments, where rustdoc compiles every code block without a
/// language as a Rust doctest. GitHub's descriptions hold JavaScript and shell examples in
/// such blocks, so they are marked `text`.
fn fence_code_blocks(node: &mut Value) {
    match node {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                match (key.as_str(), value) {
                    ("example" | "examples", _) => {}
                    ("description" | "summary", Value::String(text)) => *text = mark_fences(text),
                    (_, value) => fence_code_blocks(value),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(fence_code_blocks),
        _ => {}
    }
}

/// Adds `text` to every opening code fence that has no language.
pub fn mark_fences(text: &str) -> String {
    let mut inside = false;
    let mut out = Vec::new();
    for line in text.split('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            if !inside && trimmed.trim_end() == "```" {
                out.push(line.replacen("```", "```text", 1));
            } else {
                out.push(line.to_owned());
            }
            inside = !inside;
        } else {
            out.push(line.to_owned());
        }
    }
    out.join("\n")
}

fn schemas_mut(tree: &mut Value) -> &mut Map<String, Value> {
    let components = object_entry(tree, "components");
    let schemas = object_entry(components, "schemas");
    match schemas {
        Value::Object(map) => map,
        _ => unreachable!("object_entry returns an object"),
    }
}

fn object_entry<'a>(node: &'a mut Value, key: &str) -> &'a mut Value {
    if !node.is_object() {
        *node = Value::Object(Map::new());
    }
    let Value::Object(map) = node else { unreachable!() };
    let entry = map.entry(key.to_owned()).or_insert_with(|| Value::Object(Map::new()));
    if !entry.is_object() {
        *entry = Value::Object(Map::new());
    }
    entry
}

fn rename_components(file: &str, tree: &mut Value, origins: &mut BTreeMap<String, Origin>) -> Result<(), Diagnostics> {
    let old = std::mem::take(schemas_mut(tree));
    let mut renamed = Map::new();
    let mut mapping = BTreeMap::new();
    let mut problems = Vec::new();
    for (name, schema) in old {
        let rust = type_name(&name);
        if let Some(Origin::Component(first)) = origins.get(&rust) {
            problems.push(Diagnostic::new(
                file,
                pointer::join(["components", "schemas", &name]),
                format!("schemas `{first}` and `{name}` would both become the Rust type `{rust}`"),
                "rename one of the two schemas so that their names differ in more than punctuation or case",
            ));
            continue;
        }
        origins.insert(rust.clone(), Origin::Component(name.clone()));
        mapping.insert(format!("#/components/schemas/{}", pointer::escape(&name)), format!("#/components/schemas/{rust}"));
        renamed.insert(rust, schema);
    }
    Diagnostics::check(problems)?;
    *schemas_mut(tree) = renamed;
    rewrite_refs(tree, &mapping);
    Ok(())
}

fn rewrite_refs(node: &mut Value, mapping: &BTreeMap<String, String>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref")
                && let Some(new) = mapping.get(reference.as_str())
            {
                *reference = new.clone();
            }
            for (key, value) in map.iter_mut() {
                if key != "example" && key != "examples" {
                    rewrite_refs(value, mapping);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| rewrite_refs(item, mapping)),
        _ => {}
    }
}

/// Hands out unique component names and records where each schema came from.
struct Namer {
    origins: BTreeMap<String, Origin>,
}

impl Namer {
    /// The JSON pointer, in the user's spec, of the schema now named `name`.
    fn pointer_of(&self, name: &str) -> String {
        match self.origins.get(name) {
            Some(Origin::Component(original)) => pointer::join(["components", "schemas", original]),
            Some(Origin::Inline(at)) => at.clone(),
            None => pointer::join(["components", "schemas", name]),
        }
    }

    /// Names the schemas that a pass cut out of component `parent` (leaving placeholders),
    /// and puts a reference where each was; returns the new names, to be visited in turn.
    /// Each entry is (wanted name, schema, pointer suffix below the parent).
    fn hoist_placeholders(&mut self, tree: &mut Value, parent: &str, cut: Vec<(String, Value, String)>) -> Vec<String> {
        let parent_pointer = self.pointer_of(parent);
        let mut new_names = Vec::new();
        for (wanted, mut child, suffix) in cut {
            // The name stands for the non-null type; the use site stays nullable.
            let nullable = strip_nullable(&mut child);
            let reference = self.hoist(tree, &wanted, child, format!("{parent_pointer}{suffix}"));
            new_names.push(reference["$ref"].as_str().unwrap_or_default().rsplit('/').next().unwrap_or_default().to_owned());
            let mut schema = schemas_mut(tree).remove(parent).unwrap_or(Value::Null);
            replace_placeholder(&mut schema, &wanted, &reference, nullable);
            schemas_mut(tree).insert(parent.to_owned(), schema);
        }
        new_names
    }

    /// Adds `schema` as a component named `wanted` (or `wanted2`, ... on a clash) and returns the
    /// `$ref` that replaces it.
    fn hoist(&mut self, tree: &mut Value, wanted: &str, schema: Value, from: String) -> Value {
        let mut name = wanted.to_owned();
        let mut n = 2;
        while self.origins.contains_key(&name) {
            name = format!("{wanted}{n}");
            n += 1;
        }
        self.origins.insert(name.clone(), Origin::Inline(from));
        schemas_mut(tree).insert(name.clone(), schema);
        json!({ "$ref": format!("#/components/schemas/{name}") })
    }
}

/// True for schemas that map to a plain Rust scalar without a named type of their own.
pub fn is_plain_scalar(schema: &Value) -> bool {
    let Some(map) = schema.as_object() else { return false };
    let scalar = matches!(map.get("type").and_then(Value::as_str), Some("string" | "integer" | "number" | "boolean"));
    let constrained = [
        "enum", "pattern", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum",
        "exclusiveMaximum", "multipleOf", "nullable", "allOf", "anyOf", "oneOf", "not",
    ]
    .iter()
    .any(|key| map.contains_key(*key));
    scalar && !constrained
}

fn is_ref(schema: &Value) -> bool {
    schema.get("$ref").is_some()
}

fn hoist_operation_schemas(tree: &mut Value, namer: &mut Namer) {
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
fn keep_one_request_media_type(tree: &mut Value) {
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
        .find(|m| crate::ir::is_json(m))
        .or_else(|| content.keys().find(|m| crate::validate::is_supported_request_media_type(m)))
        .cloned();
    if let Some(chosen) = chosen {
        content.retain(|media, _| *media == chosen);
    }
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

fn hoist_component_parameter_schemas(tree: &mut Value, namer: &mut Namer) {
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

/// True for arrays and maps carrying a constraint typify would drop.
pub fn is_constrained_container(schema: &Value) -> bool {
    let Some(map) = schema.as_object() else { return false };
    let array = map.get("type").and_then(Value::as_str) == Some("array")
        && ["maxItems", "minItems", "uniqueItems"].iter().any(|k| match map.get(*k) {
            Some(Value::Bool(b)) => *b,
            Some(v) => !v.is_null(),
            None => false,
        });
    let is_map = map.get("type").and_then(Value::as_str) == Some("object")
        && map.get("properties").and_then(Value::as_object).is_none_or(Map::is_empty)
        && ["maxProperties", "minProperties"].iter().any(|k| map.contains_key(*k));
    array || is_map
}

fn hoist_constrained_containers(tree: &mut Value, namer: &mut Namer) {
    // A worklist, because hoisting one schema can expose others (a constrained array's items).
    let mut pending: Vec<String> = schemas_mut(tree).keys().cloned().collect();
    while let Some(name) = pending.pop() {
        let Some(mut schema) = schemas_mut(tree).remove(&name) else { continue };
        let mut hoisted = Vec::new();
        let root_constrained = is_constrained_container(&schema);
        if root_constrained {
            // The container keeps its name; its element schema must be nameable too.
            name_elements(&mut schema, &name, &mut hoisted);
        } else {
            visit_children(&mut schema, &name, "", &mut hoisted);
        }
        schemas_mut(tree).insert(name.clone(), schema);
        pending.extend(namer.hoist_placeholders(tree, &name, hoisted));
    }
}

/// typify names the type of an inline schema after its parent and its place (`Parent` +
/// `Status` for property `status`, `Parent` + `Item` for array items). When that name is
/// already a component's (GitHub has both `code-scanning-variant-analysis-status` and an inline
/// `status` enum in `code-scanning-variant-analysis`), typify emits two types with one name. Such
/// inline schemas are hoisted first, under a free name, so every Rust type name is unique.
fn hoist_shadowed_inline_schemas(tree: &mut Value, namer: &mut Namer) {
    let mut pending: Vec<String> = schemas_mut(tree).keys().cloned().collect();
    while let Some(name) = pending.pop() {
        let Some(mut schema) = schemas_mut(tree).remove(&name) else { continue };
        let taken: std::collections::BTreeSet<String> = namer.origins.keys().cloned().collect();
        let mut hoisted = Vec::new();
        find_shadowed(&mut schema, &name, "", &taken, &mut hoisted);
        schemas_mut(tree).insert(name.clone(), schema);
        pending.extend(namer.hoist_placeholders(tree, &name, hoisted));
    }
}

/// A nullable `oneOf`/`anyOf`/`allOf` component becomes two: `{Name}Inner` holds the
/// composition and `{Name}` is a nullable reference to it. typify would otherwise give the
/// `Option` wrapper and the composition the same name.
fn split_nullable_compositions(tree: &mut Value, namer: &mut Namer) {
    let names: Vec<String> = schemas_mut(tree)
        .iter()
        .filter(|(_, schema)| {
            schema.get("nullable") == Some(&Value::Bool(true))
                && schema.get("type").is_none()
                && ["oneOf", "anyOf", "allOf"].iter().any(|k| schema.get(*k).is_some())
        })
        .map(|(name, _)| name.clone())
        .collect();
    for name in names {
        let Some(mut body) = schemas_mut(tree).remove(&name) else { continue };
        strip_nullable(&mut body);
        let description = body.get("description").cloned();
        let from = namer.pointer_of(&name);
        let reference = namer.hoist(tree, &format!("{name}Inner"), body, from);
        let mut wrapper = json!({ "allOf": [reference], "nullable": true });
        if let Some(description) = description {
            wrapper["description"] = description;
        }
        schemas_mut(tree).insert(name, wrapper);
    }
}

/// True when typify would declare a type of its own for this inline schema.
fn gets_named_type(schema: &Value) -> bool {
    let Some(map) = schema.as_object() else { return false };
    if is_ref(schema) || is_plain_scalar(schema) {
        return false;
    }
    // `{allOf: [$ref], nullable: true}` is a nullable reference: `Option<T>`, no new type.
    let single_ref = map.get("allOf").and_then(Value::as_array).is_some_and(|v| v.len() == 1 && is_ref(&v[0]));
    if single_ref && !map.contains_key("properties") && !map.contains_key("oneOf") && !map.contains_key("anyOf") {
        return false;
    }
    map.get("properties").and_then(Value::as_object).is_some_and(|p| !p.is_empty())
        || ["enum", "pattern", "minLength", "maxLength", "oneOf", "anyOf", "allOf"].iter().any(|k| map.contains_key(*k))
}

fn find_shadowed(schema: &mut Value, parent: &str, at: &str, taken: &std::collections::BTreeSet<String>, out: &mut Vec<(String, Value, String)>) {
    let Some(map) = schema.as_object_mut() else { return };
    let visit = |child: &mut Value, wanted: String, here: String, out: &mut Vec<(String, Value, String)>| {
        if is_ref(child) {
            return;
        }
        if gets_named_type(child) && taken.contains(&wanted) {
            let taken_child = std::mem::replace(child, json!({ PLACEHOLDER: wanted }));
            out.push((wanted, taken_child, here));
        } else {
            find_shadowed(child, &wanted, &here, taken, out);
        }
    };
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        for (property, child) in properties.iter_mut() {
            visit(child, format!("{parent}{}", type_name(property)), format!("{at}/properties/{}", pointer::escape(property)), out);
        }
    }
    if let Some(child @ Value::Object(_)) = map.get_mut("additionalProperties") {
        visit(child, format!("{parent}Value"), format!("{at}/additionalProperties"), out);
    }
    if let Some(child) = map.get_mut("items") {
        visit(child, format!("{parent}Item"), format!("{at}/items"), out);
    }
}

const PLACEHOLDER: &str = "x-codegen-hoist";

/// Replaces constrained containers below `schema` with placeholders, collecting them with the
/// pointer suffix (relative to the component) where each was found.
fn visit_children(schema: &mut Value, parent: &str, at: &str, out: &mut Vec<(String, Value, String)>) {
    let Some(map) = schema.as_object_mut() else { return };
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        for (property, child) in properties.iter_mut() {
            let here = format!("{at}/properties/{}", pointer::escape(property));
            visit(child, &format!("{parent}{}", type_name(property)), &here, out);
        }
    }
    if let Some(child @ Value::Object(_)) = map.get_mut("additionalProperties") {
        visit(child, &format!("{parent}Value"), &format!("{at}/additionalProperties"), out);
    }
    if let Some(child) = map.get_mut("items") {
        visit(child, &format!("{parent}Item"), &format!("{at}/items"), out);
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(variants)) = map.get_mut(key) {
            for (index, child) in variants.iter_mut().enumerate() {
                visit(child, &format!("{parent}Variant{index}"), &format!("{at}/{key}/{index}"), out);
            }
        }
    }
}

fn visit(child: &mut Value, wanted: &str, at: &str, out: &mut Vec<(String, Value, String)>) {
    if is_ref(child) {
        return;
    }
    if is_constrained_container(child) {
        let taken = std::mem::replace(child, json!({ PLACEHOLDER: wanted }));
        out.push((wanted.to_owned(), taken, at.to_owned()));
    } else {
        visit_children(child, wanted, at, out);
    }
}

/// A constrained container's items or values must be a reference or a plain scalar, so that
/// its newtype can name the element type.
fn name_elements(schema: &mut Value, name: &str, out: &mut Vec<(String, Value, String)>) {
    for (key, suffix) in [("items", "Item"), ("additionalProperties", "Value")] {
        if let Some(child @ Value::Object(_)) = schema.get_mut(key) {
            let plain = is_ref(child) || is_plain_scalar(child) || child.as_object().is_some_and(Map::is_empty);
            if !plain {
                let wanted = format!("{name}{suffix}");
                let taken = std::mem::replace(child, json!({ PLACEHOLDER: wanted }));
                out.push((wanted, taken, format!("/{key}")));
            }
        }
    }
}

/// Removes `nullable: true` from a schema about to be named, returning whether it was there:
/// the name stands for the non-null type and the use site stays nullable.
fn strip_nullable(schema: &mut Value) -> bool {
    schema.as_object_mut().and_then(|m| m.remove("nullable")).is_some_and(|v| v == Value::Bool(true))
}

fn replace_placeholder(node: &mut Value, wanted: &str, reference: &Value, nullable: bool) -> bool {
    if node.get(PLACEHOLDER).and_then(Value::as_str) == Some(wanted) {
        *node = if nullable {
            // OpenAPI 3.0 ignores siblings of `$ref`; `allOf` + `nullable` is the standard idiom.
            json!({ "allOf": [reference], "nullable": true })
        } else {
            reference.clone()
        };
        return true;
    }
    match node {
        Value::Object(map) => map.values_mut().any(|v| replace_placeholder(v, wanted, reference, nullable)),
        Value::Array(items) => items.iter_mut().any(|v| replace_placeholder(v, wanted, reference, nullable)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_code_fences_are_marked_text() {
        assert_eq!(mark_fences("a\n```\nx\n```\n```js\ny\n```"), "a\n```text\nx\n```\n```js\ny\n```");
    }

    #[test]
    fn names_are_rust_identifiers() {
        assert_eq!(type_name("organization-dependabot-secret"), "OrganizationDependabotSecret");
        assert_eq!(type_name("orgs/set-cluster-deployment-records"), "OrgsSetClusterDeploymentRecords");
        assert_eq!(type_name("207"), "X207");
        assert_eq!(fn_name("dependabot/get-org-public-key"), "dependabot_get_org_public_key");
        assert_eq!(fn_name("type"), "type_");
        assert_eq!(fn_name("2fa/enable"), "x_2fa_enable");
        assert_eq!(status_reason("207"), "MultiStatus");
        assert_eq!(status_reason("404"), "NotFound");
        assert_eq!(status_reason("default"), "Default");
    }

    fn spec() -> Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/x/{d}": {"post": {
                "operationId": "tag/do-thing",
                "parameters": [{"name": "d", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^a"}}],
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {
                    "risks": {"type": "array", "maxItems": 2, "items": {"type": "string", "enum": ["a", "b"]}},
                    "meta": {"$ref": "#/components/schemas/meta-data"}
                }}}}},
                "responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}},
                    "207": {"description": "partial", "content": {"application/json": {"schema": {"type": "object"}}}},
                    "404": {"description": "no", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/meta-data"}}}}
                }
            }}},
            "components": {"schemas": {"meta-data": {"type": "object", "maxProperties": 8,
                "additionalProperties": {"nullable": true, "anyOf": [{"type": "string"}, {"type": "number"}]}}}}
        })
    }

    #[test]
    fn inline_schemas_get_stable_names() {
        let n = normalize("t.json", &spec()).unwrap();
        let names: Vec<&String> = n.origins.keys().collect();
        assert_eq!(
            names,
            [
                "MetaData",
                "MetaDataValue",
                "TagDoThingD",
                "TagDoThingMultiStatusResponse",
                "TagDoThingRequest",
                "TagDoThingRequestRisks",
                "TagDoThingRequestRisksItem",
                "TagDoThingResponse",
            ]
        );
        let op = &n.tree["paths"]["/x/{d}"]["post"];
        assert_eq!(op["responses"]["404"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/MetaData");
        let schemas = &n.tree["components"]["schemas"];
        assert_eq!(schemas["TagDoThingRequest"]["properties"]["risks"]["$ref"], "#/components/schemas/TagDoThingRequestRisks");
        assert_eq!(schemas["TagDoThingRequestRisks"]["items"]["$ref"], "#/components/schemas/TagDoThingRequestRisksItem");
        // The map value was nullable: the name stands for the non-null type, the use stays nullable.
        assert_eq!(schemas["MetaData"]["additionalProperties"], json!({"allOf": [{"$ref": "#/components/schemas/MetaDataValue"}], "nullable": true}));
        assert!(schemas["MetaDataValue"].get("nullable").is_none());
        assert_eq!(n.origins["TagDoThingRequest"], Origin::Inline("#/paths/~1x~1{d}/post/requestBody/content/application~1json/schema".into()));
    }

    #[test]
    fn inline_schemas_that_would_shadow_a_component_are_hoisted_under_a_free_name() {
        let spec = json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {
                "analysis": {"type": "object", "properties": {"status": {"type": "string", "enum": ["a", "b"]}}},
                "analysis-status": {"type": "string", "enum": ["x", "y"]}
            }}
        });
        let n = normalize("t.json", &spec).unwrap();
        let schemas = &n.tree["components"]["schemas"];
        assert_eq!(schemas["Analysis"]["properties"]["status"]["$ref"], "#/components/schemas/AnalysisStatus2");
        assert_eq!(schemas["AnalysisStatus2"]["enum"], json!(["a", "b"]));
        assert_eq!(schemas["AnalysisStatus"]["enum"], json!(["x", "y"]));
    }

    #[test]
    fn nullable_compositions_are_split_so_the_option_and_the_enum_have_different_names() {
        let spec = json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {"location": {"nullable": true, "description": "d", "oneOf": [{"type": "string"}, {"type": "integer"}]}}}
        });
        let n = normalize("t.json", &spec).unwrap();
        let schemas = &n.tree["components"]["schemas"];
        assert_eq!(schemas["Location"], json!({"allOf": [{"$ref": "#/components/schemas/LocationInner"}], "nullable": true, "description": "d"}));
        assert!(schemas["LocationInner"].get("nullable").is_none());
        assert!(schemas["LocationInner"]["oneOf"].is_array());
    }

    #[test]
    fn normalizing_is_deterministic() {
        let a = normalize("t.json", &spec()).unwrap();
        let b = normalize("t.json", &spec()).unwrap();
        assert_eq!(serde_json::to_string(&a.tree).unwrap(), serde_json::to_string(&b.tree).unwrap());
    }
}
