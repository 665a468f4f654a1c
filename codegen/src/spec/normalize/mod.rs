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
//!    models crate can give each a validating newtype (`models::constrained`).
//!
//! Names derive from operationIds, property names and status codes only, so they survive
//! unrelated spec changes. Where each name came from is kept in [`Origin`].
//!
//! The passes over operations (bodies, responses, parameters, media types) are in
//! `operations.rs`; those over component schemas (constrained containers, shadowed inline
//! schemas, nullable compositions) in `schemas.rs`.

mod operations;
mod schemas;

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::diagnostic::{Diagnostic, Diagnostics, pointer};
use crate::spec::naming::type_name;
use operations::{hoist_component_parameter_schemas, hoist_operation_schemas, keep_one_request_media_type};
use schemas::{hoist_constrained_containers, hoist_shadowed_inline_schemas, split_nullable_compositions};

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
                    // Most descriptions have no code block: they are left as they are, not copied.
                    ("description" | "summary", Value::String(text)) if text.contains("```") => *text = mark_fences(text),
                    ("description" | "summary", Value::String(_)) => {}
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

const PLACEHOLDER: &str = "x-codegen-hoist";

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
