//! OpenAPI 3.0 Schema Objects differ from the JSON Schema that typify reads: `nullable`,
//! boolean `exclusiveMinimum`, `example`, `discriminator`, `x-` extensions. This converts one
//! into the other, on JSON trees, so that typify sees exactly what the spec means.

use serde_json::{Map, Value, json};

use crate::spec::naming::type_name;

/// Keys that carry over unchanged (their values converted recursively where they hold schemas).
const PLAIN_KEYS: [&str; 19] = [
    "description", "default", "enum", "format", "pattern", "minLength", "maxLength",
    "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties", "required",
    "multipleOf", "readOnly", "writeOnly", "deprecated", "minimum", "maximum",
];

/// Converts an OpenAPI 3.0 Schema Object to JSON Schema (draft 7, as schemars models it).
/// References keep their `#/components/schemas/...` form; typify keys them by their last segment.
pub fn convert(schema: &Value) -> Value {
    let Some(map) = schema.as_object() else {
        return schema.clone(); // `true`/`false` schemas
    };
    if let Some(reference) = map.get("$ref") {
        // OpenAPI 3.0 ignores every sibling of `$ref`.
        return json!({ "$ref": reference });
    }
    let mut out = Map::new();
    // Not `title`: typify names types after titles, and in GitHub's description many different
    // schemas share one ("Installation", "Auto merge"), which gives clashing Rust types. Names
    // come from definition names and property paths instead, which are unique; a title with no
    // description becomes the description.
    if let (Some(title), None) = (map.get("title"), map.get("description")) {
        out.insert("description".to_owned(), title.clone());
    }
    for key in PLAIN_KEYS {
        if let Some(value) = map.get(key) {
            out.insert(key.to_owned(), value.clone());
        }
    }
    if let Some(t) = map.get("type") {
        out.insert("type".to_owned(), t.clone());
    }
    // Boolean exclusive bounds (3.0) become numeric ones (draft 6+).
    for (flag, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        match map.get(flag) {
            Some(Value::Bool(true)) => {
                if let Some(value) = out.remove(bound) {
                    out.insert(flag.to_owned(), value);
                }
            }
            Some(number @ Value::Number(_)) => {
                out.insert(flag.to_owned(), number.clone());
            }
            _ => {}
        }
    }
    if let Some(Value::Object(properties)) = map.get("properties") {
        let converted: Map<String, Value> = properties.iter().map(|(k, v)| (k.clone(), convert(v))).collect();
        out.insert("properties".to_owned(), Value::Object(converted));
    }
    match map.get("additionalProperties") {
        Some(Value::Bool(b)) => {
            out.insert("additionalProperties".to_owned(), Value::Bool(*b));
        }
        Some(schema @ Value::Object(_)) => {
            out.insert("additionalProperties".to_owned(), convert(schema));
        }
        _ => {}
    }
    if let Some(items) = map.get("items") {
        out.insert("items".to_owned(), convert(items));
    }
    if let Some(not) = map.get("not") {
        out.insert("not".to_owned(), convert(not));
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(variants)) = map.get(key) {
            out.insert(key.to_owned(), Value::Array(variants.iter().map(convert).collect()));
        }
    }
    if variant_names_collide(&out) {
        // typify cannot name these variants apart (`reactions-+1` and `reactions--1` are both
        // `ReactionsXX1`) and panics. The model becomes a plain string that documents the
        // allowed values; the server's validators still check them against the spec.
        if let Some(Value::Array(values)) = out.remove("enum") {
            let listed: Vec<String> = values.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), |s| format!("`{s}`"))).collect();
            let note = format!("One of: {}.", listed.join(", "));
            let description = match out.get("description").and_then(Value::as_str) {
                Some(d) => format!("{d}\n\n{note}"),
                None => note,
            };
            out.insert("description".to_owned(), Value::String(description));
        }
    }
    if map.get("nullable") == Some(&Value::Bool(true)) {
        return make_nullable(out);
    }
    Value::Object(out)
}

/// True when a string enum's values would get the same Rust variant name, both in typify's
/// first attempt (UpperCamelCase) and its second (other characters spelled `X`).
fn variant_names_collide(schema: &Map<String, Value>) -> bool {
    let Some(Value::Array(values)) = schema.get("enum") else { return false };
    let texts: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
    let collide = |name: &dyn Fn(&str) -> String| {
        let mut names: Vec<String> = texts.iter().map(|t| name(t)).collect();
        names.sort();
        names.windows(2).any(|w| w[0] == w[1])
    };
    let first = |t: &str| type_name(t);
    let second = |t: &str| type_name(&t.replace(|c: char| c == '_' || !c.is_alphanumeric(), "X"));
    texts.len() == values.len() && !matches!(texts.as_slice(), ["+1", "-1"] | ["-1", "+1"]) && collide(&first) && collide(&second)
}

fn make_nullable(mut out: Map<String, Value>) -> Value {
    match out.get("type").cloned() {
        Some(Value::String(t)) => {
            out.insert("type".to_owned(), json!([t, "null"]));
            if let Some(Value::Array(values)) = out.get_mut("enum")
                && !values.contains(&Value::Null)
            {
                values.push(Value::Null);
            }
            Value::Object(out)
        }
        _ => {
            // A composition (e.g. `allOf: [$ref]`): wrap it, keeping the documentation outside.
            let mut outer = Map::new();
            for key in ["description", "default"] {
                if let Some(value) = out.remove(key) {
                    outer.insert(key.to_owned(), value);
                }
            }
            let inner = match (out.len(), out.get("allOf")) {
                (1, Some(Value::Array(variants))) if variants.len() == 1 => variants[0].clone(),
                _ => Value::Object(out),
            };
            outer.insert("anyOf".to_owned(), json!([inner, { "type": "null" }]));
            Value::Object(outer)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullable_becomes_a_null_type() {
        assert_eq!(convert(&json!({"type": "string", "nullable": true})), json!({"type": ["string", "null"]}));
        assert_eq!(
            convert(&json!({"type": "string", "enum": ["a"], "nullable": true})),
            json!({"type": ["string", "null"], "enum": ["a", null]})
        );
        assert_eq!(
            convert(&json!({"allOf": [{"$ref": "#/components/schemas/A"}], "nullable": true, "description": "d"})),
            json!({"description": "d", "anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]})
        );
    }

    #[test]
    fn enums_whose_variants_cannot_be_named_apart_become_documented_strings() {
        let converted = convert(&json!({"type": "string", "enum": ["reactions-+1", "reactions--1", "created"]}));
        assert_eq!(converted, json!({"type": "string", "description": "One of: `reactions-+1`, `reactions--1`, `created`."}));
        let fine = json!({"type": "string", "enum": ["a-b", "c"]});
        assert_eq!(convert(&fine), fine);
    }

    #[test]
    fn openapi_only_keys_are_dropped_and_bounds_converted() {
        let converted = convert(&json!({
            "type": "integer", "minimum": 1, "exclusiveMinimum": true, "example": 3, "x-github": {}
        }));
        assert_eq!(converted, json!({"type": "integer", "exclusiveMinimum": 1}));
        assert_eq!(convert(&json!({"$ref": "#/a", "description": "ignored"})), json!({"$ref": "#/a"}));
    }
}
