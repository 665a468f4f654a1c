//! Which request bodies the models' own `Deserialize` checks as strictly as the validators, so
//! that the router may deserialize them straight from the bytes and skip the JSON tree and the
//! validators when that succeeds (they still run, to list every failing field, when it fails).
//!
//! What must hold: *the typed deserialization accepts a body only if the validators do*. The
//! other direction does not matter: a body the type refuses takes the validating path, which
//! answers exactly as it would without this shortcut. So a schema qualifies when every keyword
//! in it is one the generated types enforce the same way:
//!
//! - `type` (string, integer, number, boolean, array, object), `required` on properties without
//!   a `default` (typify makes them plain fields, so a missing one is an error), `properties`,
//!   `items`, string `enum`s (typify's enums accept exactly their values);
//! - `additionalProperties` absent, `true` (both ignore unknown properties) or `false` (typify's
//!   `deny_unknown_fields`); a schema for the values of a map without `properties`;
//! - `minLength`, `maxLength` and `pattern` on a string without `format`: typify's string
//!   newtypes count `chars()` and match with `regress`, as the validators do;
//! - `maxItems`, `minItems`, `uniqueItems`, `maxProperties`, `minProperties`: only on named
//!   schemas, whose types are the validating newtypes of `models::constrained` (normalize names every
//!   such container);
//! - integer formats `int32` and `int64` (the Rust type's range is the format's), number format
//!   `double`, string formats the validators do not check; annotations (`description`, `example`, `default`, `x-...`...).
//!
//! A body that reaches a schema clients read disqualifies too: its type keeps enum values the
//! spec does not list and ignores fields it does not declare ([`crate::ir::Model::read_by_clients`]),
//! which the validators refuse in a request.
//!
//! Anything else disqualifies the body: `nullable` (serde reads a missing `Option` field as
//! `None` even when it is required), numeric bounds and `multipleOf`, `date-time` and `date`
//! (chrono's parser is not the validators'), `allOf`/`anyOf`/`oneOf`/`not`, non-string enums,
//! schemas without a `type`. A `null` anywhere in a body also sends it down the validating path
//! (serde reads `null` as `None` for an optional property, the validators refuse it); the
//! runtime checks that on the bytes.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::spec::openapi::ref_name;

/// Keywords that describe a schema without constraining its values.
const ANNOTATIONS: [&str; 10] = ["description", "title", "example", "examples", "default", "deprecated", "readOnly", "writeOnly", "externalDocs", "xml"];

/// A named schema, and how the models crate types it.
#[derive(Clone, Copy)]
pub struct ModelType<'a> {
    /// The schema.
    pub schema: &'a Value,
    /// Whether its type accepts more than the schema: clients read it, so its enums keep unlisted
    /// values and its structs ignore undeclared fields.
    pub lenient: bool,
}

/// Whether deserializing `schema`'s type from JSON accepts only what its validator accepts;
/// `model` finds a named schema by its Rust name (the validators' own lookup).
pub fn typed_is_exact<'a>(model: &'a dyn Fn(&str) -> Option<ModelType<'a>>, schema: &'a Value) -> bool {
    Walk { model, seen: BTreeSet::new() }.exact(schema, false)
}

struct Walk<'a> {
    model: &'a dyn Fn(&str) -> Option<ModelType<'a>>,
    /// Named schemas being checked: a cycle adds nothing new.
    seen: BTreeSet<&'a str>,
}

impl<'a> Walk<'a> {
    /// `named`: `schema` is a component's own schema, which gets a type of its own (and a
    /// validating newtype when it constrains a container).
    fn exact(&mut self, schema: &'a Value, named: bool) -> bool {
        if let Some(name) = ref_name(schema) {
            let Some(target) = (self.model)(name) else { return false };
            if target.lenient {
                return false;
            }
            return !self.seen.insert(name) || self.exact(target.schema, true);
        }
        let Value::Object(map) = schema else { return false };
        let allowed = |key: &str| ANNOTATIONS.contains(&key) || key.starts_with("x-");
        let rest: Vec<&str> = map.keys().map(String::as_str).filter(|k| !allowed(k)).collect();
        let only = |keys: &[&str]| rest.iter().all(|k| keys.contains(k));
        match map.get("type").and_then(Value::as_str) {
            Some("boolean") => only(&["type"]),
            // The Rust type's range is the format's (`i32`, `i64`); a `float` is an `f32`, into
            // which serde_json reads a number too large as infinity.
            Some("integer") => only(&["type", "format"]) && map.get("format").is_none_or(|f| f == "int32" || f == "int64"),
            Some("number") => only(&["type", "format"]) && map.get("format").is_none_or(|f| f == "double"),
            Some("string") => self.string(map, &rest),
            Some("array") => {
                let container = if named { &["type", "items", "maxItems", "minItems", "uniqueItems"][..] } else { &["type", "items"][..] };
                only(container) && map.get("items").is_none_or(|items| self.exact(items, false))
            }
            Some("object") => {
                let container = if named {
                    &["type", "properties", "required", "additionalProperties", "maxProperties", "minProperties"][..]
                } else {
                    &["type", "properties", "required", "additionalProperties"][..]
                };
                only(container) && self.object(map)
            }
            _ => false,
        }
    }

    fn string(&self, map: &Map<String, Value>, rest: &[&str]) -> bool {
        let has = |key: &str| rest.contains(&key);
        if has("enum") {
            let strings = map["enum"].as_array().is_some_and(|values| values.iter().all(Value::is_string));
            return strings && rest.iter().all(|k| ["type", "enum"].contains(k));
        }
        let checked = has("minLength") || has("maxLength") || has("pattern");
        match map.get("format").and_then(Value::as_str) {
            // The validators check these with parsers of their own.
            Some("date-time" | "date") => false,
            // typify may pick a type for the format and drop the length or pattern.
            Some(_) if checked => false,
            _ => rest.iter().all(|k| ["type", "format", "minLength", "maxLength", "pattern"].contains(k)),
        }
    }

    fn object(&mut self, map: &'a Map<String, Value>) -> bool {
        static EMPTY: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);
        let properties = map.get("properties").and_then(Value::as_object).unwrap_or(&EMPTY);
        let required: Vec<&str> = map.get("required").and_then(Value::as_array).map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
        for name in &required {
            // A required property that is not declared, or that has a default (typify fills
            // it in when it is missing), is not enforced by the type.
            match properties.get(*name) {
                Some(property) if property.get("default").is_none() => {}
                _ => return false,
            }
        }
        let additional = match map.get("additionalProperties") {
            None | Some(Value::Bool(_)) => true,
            // Values of a map: its type is a map of the values' type.
            Some(values) if properties.is_empty() => self.exact(values, false),
            Some(_) => false,
        };
        additional && properties.values().all(|property| self.exact(property, false))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn plain_typed_schemas_qualify_and_others_do_not() {
        let models = json!({
            "Tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}, "maxItems": 4, "uniqueItems": true},
            "Body": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string", "minLength": 1, "maxLength": 10, "pattern": "^[a-z]+$", "description": "x"},
                    "count": {"type": "integer", "format": "int32"},
                    "tags": {"$ref": "#/components/schemas/Tags"},
                    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                    "self": {"$ref": "#/components/schemas/Body"}
                }
            }
        });
        let body = json!({"$ref": "#/components/schemas/Body"});
        let refused = [
            ("nullable", json!({"type": "string", "nullable": true})),
            ("bounds", json!({"type": "integer", "minimum": 1})),
            ("date-time", json!({"type": "string", "format": "date-time"})),
            ("format with a length", json!({"type": "string", "format": "uri", "maxLength": 5})),
            ("oneOf", json!({"oneOf": [{"type": "string"}, {"type": "integer"}]})),
            ("no type", json!({"description": "anything"})),
            ("inline constrained array", json!({"type": "array", "items": {"type": "string"}, "maxItems": 2})),
            ("required with a default", json!({"type": "object", "required": ["a"], "properties": {"a": {"type": "boolean", "default": true}}})),
            ("required but undeclared", json!({"type": "object", "required": ["a"]})),
            ("number enum", json!({"type": "integer", "enum": [1, 2]})),
            ("float", json!({"type": "number", "format": "float"})),
            ("dangling ref", json!({"$ref": "#/components/schemas/Missing"})),
        ];
        let model = |name: &str| models.get(name).map(|schema| ModelType { schema, lenient: false });
        assert!(typed_is_exact(&model, &body));
        for (what, schema) in &refused {
            assert!(!typed_is_exact(&model, schema), "{what}");
        }
        let read_by_clients = |name: &str| models.get(name).map(|schema| ModelType { schema, lenient: name == "Tags" });
        assert!(!typed_is_exact(&read_by_clients, &body), "the body reaches a type that keeps unlisted values");
    }
}
