//! Validating newtypes for arrays and maps with constraints typify drops (`maxItems`,
//! `minItems`, `uniqueItems`, `maxProperties`, `minProperties`).
//!
//! Each constrained schema becomes a newtype whose only constructors check the constraints:
//! `TryFrom<Vec<T>>` (or `TryFrom<BTreeMap<String, T>>`) and `Deserialize`, which goes through
//! the same `TryFrom`. So a value that breaks the spec can be neither built nor deserialized.

use std::fmt::Write;

use proc_macro2::TokenStream;
use serde_json::{Value, json};

use crate::output::render::{doc_line, rust_string, type_text};

/// The schema of the elements: `items` for an array, `additionalProperties` for a map.
pub fn element_schema(schema: &Value) -> Value {
    if is_array(schema) {
        schema.get("items").cloned().unwrap_or_else(|| json!({}))
    } else {
        match schema.get("additionalProperties") {
            Some(Value::Object(s)) => Value::Object(s.clone()),
            _ => json!({}),
        }
    }
}

fn is_array(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("array")
}

fn bound(schema: &Value, key: &str) -> Option<usize> {
    schema.get(key).and_then(Value::as_u64).and_then(|n| usize::try_from(n).ok())
}

/// The constraints of `schema`, in words, for documentation.
pub fn describe(schema: &Value) -> String {
    let (min_key, max_key, noun) = if is_array(schema) {
        ("minItems", "maxItems", "items")
    } else {
        ("minProperties", "maxProperties", "entries")
    };
    let mut parts = Vec::new();
    match (bound(schema, min_key), bound(schema, max_key)) {
        (Some(min), Some(max)) if min == max => parts.push(format!("exactly {min} {noun}")),
        (Some(min), Some(max)) => parts.push(format!("{min} to {max} {noun}")),
        (Some(min), None) => parts.push(format!("at least {min} {noun}")),
        (None, Some(max)) => parts.push(format!("at most {max} {noun}")),
        (None, None) => {}
    }
    if schema.get("uniqueItems") == Some(&Value::Bool(true)) {
        parts.push("no duplicates".to_owned());
    }
    parts.join(", ")
}

/// The newtype for the constrained schema `name`, whose elements have type `element`: its
/// items as text in rustfmt's layout (regular code: written, not formatted by prettyplease).
pub fn newtype(name: &str, schema: &Value, element: &TokenStream) -> Vec<String> {
    let rules = describe(schema);
    let mut doc = schema.get("description").and_then(Value::as_str).unwrap_or("").trim().to_owned();
    if !doc.is_empty() {
        doc.push_str("\n\n");
    }
    doc.push_str(&format!("Constraints, checked when the value is built or deserialized: {rules}."));

    let array = is_array(schema);
    let (min_key, max_key) = if array { ("minItems", "maxItems") } else { ("minProperties", "maxProperties") };
    let noun = if array { "items" } else { "entries" };
    let mut checks = String::new();
    // A minimum of 0 holds for every value (and `len() < 0` is a warning).
    if let Some(min) = bound(schema, min_key).filter(|min| *min > 0) {
        let message = rust_string(&format!("{name}: at least {min} {noun} are required, found {{}}"));
        let _ = write!(checks, "        if value.len() < {min}usize {{\n            return Err(format!({message}, value.len()).into());\n        }}\n");
    }
    if let Some(max) = bound(schema, max_key) {
        let message = rust_string(&format!("{name}: at most {max} {noun} are allowed, found {{}}"));
        let _ = write!(checks, "        if value.len() > {max}usize {{\n            return Err(format!({message}, value.len()).into());\n        }}\n");
    }
    if array && schema.get("uniqueItems") == Some(&Value::Bool(true)) {
        let message = rust_string(&format!("{name}: items must be unique, but item {{}} repeats an earlier one"));
        let _ = write!(
            checks,
            "        for (index, item) in value.iter().enumerate() {{\n            if value[..index].contains(item) {{\n                return Err(format!({message}, index).into());\n            }}\n        }}\n"
        );
    }
    let element = type_text(element);
    let inner = if array { format!("::std::vec::Vec<{element}>") } else { format!("::std::collections::BTreeMap<::std::string::String, {element}>") };
    let inner_str = rust_string(&inner.replace(' ', ""));
    let deref_target = if array { format!("[{element}]") } else { inner.clone() };

    let mut declaration = String::new();
    doc_line(&mut declaration, "", &doc);
    let _ = write!(
        declaration,
        "#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]\n#[serde(try_from = {inner_str})]\npub struct {name}({inner});\n"
    );
    vec![
        declaration,
        format!("impl {name} {{\n    /// The elements, giving up the guarantee.\n    pub fn into_inner(self) -> {inner} {{\n        self.0\n    }}\n}}\n"),
        format!("impl ::std::ops::Deref for {name} {{\n    type Target = {deref_target};\n    fn deref(&self) -> &Self::Target {{\n        &self.0\n    }}\n}}\n"),
        format!(
            "impl ::std::convert::TryFrom<{inner}> for {name} {{\n    type Error = crate::error::ConversionError;\n    fn try_from(value: {inner}) -> ::std::result::Result<Self, Self::Error> {{\n{checks}        Ok(Self(value))\n    }}\n}}\n"
        ),
        format!("impl ::std::convert::From<{name}> for {inner} {{\n    fn from(value: {name}) -> Self {{\n        value.0\n    }}\n}}\n"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraints_read_as_words() {
        assert_eq!(describe(&json!({"type": "array", "maxItems": 4, "uniqueItems": true})), "at most 4 items, no duplicates");
        assert_eq!(describe(&json!({"type": "object", "maxProperties": 8})), "at most 8 entries");
        assert_eq!(describe(&json!({"type": "array", "minItems": 1, "maxItems": 3})), "1 to 3 items");
    }
}
