//! The Rust type that stands for a (normalized) schema at a use site: a named model, or a
//! plain scalar. Used where our own generators (multi-status client methods, server) name types.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::spec::openapi::ref_name;

/// The owned Rust type for `schema`, with named types taken from the crate `models_crate`.
pub fn owned(schema: &Value, models_crate: &str) -> TokenStream {
    if let Some(name) = ref_name(schema) {
        let krate = format_ident!("{}", models_crate);
        let ident = format_ident!("{}", name);
        return quote! { ::#krate::#ident };
    }
    let nullable = schema.get("nullable") == Some(&Value::Bool(true));
    let inner = match (schema.get("type").and_then(Value::as_str), schema.get("format").and_then(Value::as_str)) {
        _ if schema.get("allOf").and_then(Value::as_array).is_some_and(|v| v.len() == 1) => {
            owned(&schema["allOf"][0], models_crate)
        }
        // The same types typify (and so progenitor) gives these formats, so that our own
        // generators' signatures match progenitor's.
        (Some("string"), Some(format)) if typify_string_format(format).is_some() => typify_string_format(format).unwrap_or_default(),
        (Some("string"), _) => quote! { ::std::string::String },
        (Some("integer"), Some("int32")) => quote! { i32 },
        (Some("integer"), _) => quote! { i64 },
        (Some("number"), Some("float")) => quote! { f32 },
        (Some("number"), _) => quote! { f64 },
        (Some("boolean"), _) => quote! { bool },
        (Some("array"), _) => {
            let item = owned(schema.get("items").unwrap_or(&Value::Null), models_crate);
            quote! { ::std::vec::Vec<#item> }
        }
        _ => quote! { ::serde_json::Value },
    };
    if nullable { quote! { ::std::option::Option<#inner> } } else { inner }
}

/// The Rust type typify uses for a string `format`, when it uses one other than `String`.
fn typify_string_format(format: &str) -> Option<TokenStream> {
    Some(match format {
        "date-time" => quote! { ::chrono::DateTime<::chrono::offset::Utc> },
        "date" => quote! { ::chrono::naive::NaiveDate },
        "uuid" => quote! { ::uuid::Uuid },
        "ip" => quote! { ::std::net::IpAddr },
        "ipv4" => quote! { ::std::net::Ipv4Addr },
        "ipv6" => quote! { ::std::net::Ipv6Addr },
        _ => return None,
    })
}

/// True when a parameter of this schema is taken as `&str` (a string without a typed format).
pub fn is_plain_str_parameter(schema: &Value) -> bool {
    ref_name(schema).is_none()
        && schema.get("type").and_then(Value::as_str) == Some("string")
        && schema.get("format").and_then(Value::as_str).is_none_or(|f| typify_string_format(f).is_none())
}

/// The type a method takes for a parameter, as progenitor spells it: `&'a str` for plain
/// strings, `&'a T` for named types and formatted strings (`&'a DateTime<Utc>`), other scalars
/// by value.
pub fn borrowed_parameter(schema: &Value, models_crate: &str) -> TokenStream {
    let formatted = schema.get("format").and_then(Value::as_str).is_some_and(|f| typify_string_format(f).is_some());
    if ref_name(schema).is_some() || (schema.get("type").and_then(Value::as_str) == Some("string") && formatted) {
        let owned = owned(schema, models_crate);
        return quote! { &'a #owned };
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => quote! { &'a str },
        _ => owned(schema, models_crate),
    }
}

/// A short, human-readable rendering of the schema's type for documentation and the API
/// surface: `OrganizationDependabotSecret`, `string`, `integer(int64)`, `[Dependency]`.
pub fn describe(schema: &Value) -> String {
    if let Some(name) = ref_name(schema) {
        return name.to_owned();
    }
    let nullable = schema.get("nullable") == Some(&Value::Bool(true));
    let base = if let Some(variants) = schema.get("allOf").and_then(Value::as_array).filter(|v| v.len() == 1) {
        describe(&variants[0])
    } else if let Some(variants) = schema.get("anyOf").or_else(|| schema.get("oneOf")).and_then(Value::as_array) {
        let kind = if schema.get("anyOf").is_some() { "anyOf" } else { "oneOf" };
        format!("{kind}({})", variants.iter().map(describe).collect::<Vec<_>>().join(" | "))
    } else if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let values: Vec<String> = values.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)).collect();
        format!("enum({})", values.join(" | "))
    } else {
        match schema.get("type").and_then(Value::as_str) {
            Some("array") => format!("[{}]", describe(schema.get("items").unwrap_or(&Value::Null))),
            Some("object") => match (schema.get("properties").and_then(Value::as_object), schema.get("additionalProperties")) {
                (Some(p), _) if !p.is_empty() => "object".to_owned(),
                (_, Some(Value::Object(v))) if !v.is_empty() => format!("map<string, {}>", describe(&schema["additionalProperties"])),
                (_, Some(Value::Object(_) | Value::Bool(true))) => "map<string, any>".to_owned(),
                _ => "object".to_owned(),
            },
            Some(t) => match schema.get("format").and_then(Value::as_str) {
                Some(f) => format!("{t}({f})"),
                None => t.to_owned(),
            },
            None => "any".to_owned(),
        }
    };
    if nullable { format!("{base}?") } else { base }
}
