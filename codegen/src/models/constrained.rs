//! Validating newtypes for arrays and maps with constraints typify drops (`maxItems`,
//! `minItems`, `uniqueItems`, `maxProperties`, `minProperties`).
//!
//! Each constrained schema becomes a newtype whose only constructors check the constraints:
//! `TryFrom<Vec<T>>` (or `TryFrom<BTreeMap<String, T>>`) and `Deserialize`, which goes through
//! the same `TryFrom`. So a value that breaks the spec can be neither built nor deserialized.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::{Value, json};

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

/// The newtype for the constrained schema `name`, whose elements have type `element`.
pub fn newtype(name: &str, schema: &Value, element: TokenStream) -> TokenStream {
    let ident = format_ident!("{}", name);
    let rules = describe(schema);
    let mut doc = schema.get("description").and_then(Value::as_str).unwrap_or("").trim().to_owned();
    if !doc.is_empty() {
        doc.push_str("\n\n");
    }
    doc.push_str(&format!("Constraints, checked when the value is built or deserialized: {rules}."));

    let array = is_array(schema);
    let (min_key, max_key) = if array { ("minItems", "maxItems") } else { ("minProperties", "maxProperties") };
    let noun = if array { "items" } else { "entries" };
    // A minimum of 0 holds for every value (and `len() < 0` is a warning).
    let min_check = bound(schema, min_key).filter(|min| *min > 0).map(|min| {
        let message = format!("{name}: at least {min} {noun} are required, found {{}}");
        quote! {
            if value.len() < #min {
                return Err(format!(#message, value.len()).into());
            }
        }
    });
    let max_check = bound(schema, max_key).map(|max| {
        let message = format!("{name}: at most {max} {noun} are allowed, found {{}}");
        quote! {
            if value.len() > #max {
                return Err(format!(#message, value.len()).into());
            }
        }
    });
    let unique_check = (array && schema.get("uniqueItems") == Some(&Value::Bool(true))).then(|| {
        let message = format!("{name}: items must be unique, but item {{}} repeats an earlier one");
        quote! {
            for (index, item) in value.iter().enumerate() {
                if value[..index].contains(item) {
                    return Err(format!(#message, index).into());
                }
            }
        }
    });
    let inner = if array {
        quote! { ::std::vec::Vec<#element> }
    } else {
        quote! { ::std::collections::BTreeMap<::std::string::String, #element> }
    };
    let inner_str = inner.to_string().replace(' ', "");
    let deref_target = if array { quote! { [#element] } } else { inner.clone() };

    quote! {
        #[doc = #doc]
        #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
        #[serde(try_from = #inner_str)]
        pub struct #ident(#inner);

        impl #ident {
            /// The elements, giving up the guarantee.
            pub fn into_inner(self) -> #inner {
                self.0
            }
        }

        impl ::std::ops::Deref for #ident {
            type Target = #deref_target;
            fn deref(&self) -> &Self::Target {
                &self.0
            }
        }

        impl ::std::convert::TryFrom<#inner> for #ident {
            type Error = crate::error::ConversionError;
            fn try_from(value: #inner) -> ::std::result::Result<Self, Self::Error> {
                #min_check
                #max_check
                #unique_check
                Ok(Self(value))
            }
        }

        impl ::std::convert::From<#ident> for #inner {
            fn from(value: #ident) -> Self {
                value.0
            }
        }
    }
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
