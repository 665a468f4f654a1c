//! One input struct per operation (module `requests` of the server crate), named after the
//! operation like its response enum, and the parser that fills it from a request.
//!
//! A struct, rather than one argument per input, because implementations then name what they
//! use (`request.per_page`), a spec that reorders parameters cannot swap two of the same type
//! silently, and a spec that adds one breaks no destructuring that ends in `..`.
//!
//! Path, query and header parameters are read; cookie parameters are not (GitHub has none).
//! A parameter's text becomes JSON by its schema's type, then goes through the same validator
//! and deserialization as a body, so both report errors the same way.

use std::collections::BTreeSet;
use std::fmt::Write;

use quote::{format_ident, quote};
use serde_json::Value;

use super::routes::Route;
use super::validation::Validators;
use super::{operation_line, parameter_fields, type_ident};
use crate::ir::{Operation, ParameterLocation, rust_types};
use crate::output::render::{Code, doc_line, rust_string, type_text};
use crate::spec::openapi::{is_json, ref_name};

/// The `requests.rs` file: the runtime items the parsers use, then every operation's items
/// (as text).
pub fn file<'a>(imports: &BTreeSet<&'static str>, items: impl Iterator<Item = &'a String>) -> Vec<Code> {
    // `validation` is a module of the crate, not a runtime item.
    let validation = imports.contains("validation").then(|| quote! { use crate::validation; });
    let imports = imports.iter().filter(|i| **i != "validation").map(|i| format_ident!("{}", i));
    let head = quote! {
        #![doc = "The inputs of every operation, validated against the spec: one struct per operation, the argument of its [`crate::Api`] method."]

        use crate::runtime::{#(#imports),*};
        #validation
    };
    let mut code = vec![Code::Tokens(head)];
    code.extend(items.map(|item| Code::Text(item.clone())));
    code
}

/// The struct of `operation`'s inputs and its `FromRawRequest` implementation, as text:
/// regular code, written in rustfmt's layout rather than as tokens for prettyplease to parse
/// back.
pub fn request(operation: &Operation, route: &Route, models_crate: &str, validators: &mut Validators, imports: &mut BTreeSet<&'static str>) -> String {
    let name = type_ident(operation);
    imports.extend(["BodyMode", "FromRawRequest", "RawRequest", "Rejection"]);

    let mut fields = String::new();
    let mut reads = String::new();
    let mut idents: Vec<String> = Vec::new();
    for (parameter, field) in parameter_fields(operation) {
        imports.extend(["FieldErrors", "Kind", "Parameter"]);
        let owned = type_text(&rust_types::owned(&parameter.schema, models_crate));
        let default = default_of(&parameter.schema, validators);
        let wire_name = rust_string(&parameter.name);
        let kind = kind(&parameter.schema, validators, 0);
        let mut descriptor = match parameter.location {
            ParameterLocation::Path => format!("Parameter::path({wire_name}, {kind})"),
            ParameterLocation::Query => format!("Parameter::query({wire_name}, {kind})"),
            _ => format!("Parameter::header({wire_name}, {kind})"),
        };
        let ty = match (&default, parameter.required) {
            (_, true) => {
                if parameter.location != ParameterLocation::Path {
                    descriptor.push_str(".required()");
                }
                owned
            }
            (Some(json), false) => {
                let _ = write!(descriptor, ".or_default({})", rust_string(json));
                owned
            }
            (None, false) => format!("Option<{owned}>"),
        };
        if let Some(path) = validators.parameter_check(operation, parameter) {
            imports.insert("validation");
            let _ = write!(descriptor, ".checked_by({path})");
        }
        let mut doc = format!("{} parameter `{}`", capitalized(parameter.location.as_str()), parameter.name);
        if let Some(description) = parameter.description.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            doc.push_str(": ");
            doc.push_str(description);
        }
        if let Some(json) = &default {
            doc.push_str(&format!("\n\nDefault when absent: `{json}`."));
        }
        doc_line(&mut fields, "    ", &doc);
        let _ = writeln!(fields, "    pub {field}: {ty},");
        let _ = writeln!(reads, "        let {field}: Option<{ty}> = raw.parameter({descriptor}, &mut errors);");
        idents.push(field.to_string());
    }

    let mut body_mode = "BodyMode::None".to_owned();
    if let Some(body) = &operation.body {
        imports.insert("FieldErrors");
        let required = body.required;
        if is_json(&body.media_type) {
            let model = type_text(&rust_types::owned(&body.schema, models_crate));
            let ty = if required { model } else { format!("Option<{model}>") };
            let check = validators.body_check(operation, &body.schema);
            imports.insert("validation");
            let resource = ref_name(&body.schema).map_or_else(|| format!("{}Request", operation.type_base), str::to_owned);
            // The runtime deserializes such a body straight into its type first (see `exact.rs`).
            let typed_first = super::exact::typed_is_exact(&|name| validators.model_type(name), &body.schema);
            body_mode = format!("BodyMode::Json {{ required: {required}, typed_first: {typed_first} }}");
            doc_line(&mut fields, "    ", &format!("The JSON request body, validated against `{resource}` before the implementation is called."));
            let _ = writeln!(fields, "    pub body: {ty},");
            let _ = writeln!(reads, "        let body: Option<{ty}> = raw.json_body({}, {check}, &mut errors);", rust_string(&resource));
        } else {
            body_mode = "BodyMode::Raw".to_owned();
            doc_line(&mut fields, "    ", &format!("The request body (`{}`), as sent.", body.media_type));
            fields.push_str("    pub body: ::axum::body::Bytes,\n");
            reads.push_str("        let body = Some(raw.raw_body());\n");
        }
        idents.push("body".to_owned());
    }

    // A raw body alone records no errors (it is taken as sent).
    let records_errors = !parameter_fields(operation).is_empty() || operation.body.as_ref().is_some_and(|b| is_json(&b.media_type));
    let errors = if records_errors { "let mut errors = FieldErrors::default();" } else { "let errors = FieldErrors::default();" };
    let construct = match idents.as_slice() {
        [] => "    fn from_raw(_raw: &mut RawRequest) -> Result<Self, Rejection> {\n        Ok(Self {})\n    }\n".to_owned(),
        [only] => format!(
            "    fn from_raw(raw: &mut RawRequest) -> Result<Self, Rejection> {{\n        {errors}\n{reads}        match {only} {{\n            Some({only}) => Ok(Self {{ {only} }}),\n            None => Err(errors.into_rejection()),\n        }}\n    }}\n"
        ),
        all => {
            let names = all.join(", ");
            let somes = all.iter().map(|name| format!("Some({name})")).collect::<Vec<_>>().join(", ");
            format!(
                "    fn from_raw(raw: &mut RawRequest) -> Result<Self, Rejection> {{\n        {errors}\n{reads}        // Every input was read and checked above, so the errors list all problems.\n        match ({names}) {{\n            ({somes}) => Ok(Self {{ {names} }}),\n            _ => Err(errors.into_rejection()),\n        }}\n    }}\n"
            )
        }
    };

    // Served under another template (see `routes.rs`): how its parameters are found.
    let path_const = route.path_const();
    if path_const.is_some() {
        imports.insert("Piece");
    }
    let doc = format!(
        "The inputs of {}, validated against the spec: the argument of [`crate::Api::{}`].",
        operation_line(operation),
        operation.fn_name
    );
    let mut text = String::new();
    doc_line(&mut text, "", &doc);
    // A parameter the spec adds later is then a new field, not a breaking change.
    let _ = write!(text, "#[derive(Debug, Clone, PartialEq)]\n#[non_exhaustive]\npub struct {name} {{\n{fields}}}\nimpl FromRawRequest for {name} {{\n    const BODY: BodyMode = {body_mode};\n");
    if let Some(path_const) = path_const {
        let _ = writeln!(text, "    {path_const}");
    }
    let _ = writeln!(text, "{construct}}}");
    text
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
}

/// The named schema behind a `$ref` (or the schema itself).
fn resolved<'a>(schema: &'a Value, validators: &'a Validators) -> &'a Value {
    let mut current = schema;
    for _ in 0..16 {
        match ref_name(current).and_then(|name| validators.model(name)) {
            Some(target) => current = target,
            None => break,
        }
    }
    current
}

/// The spec's `default` for a parameter, as JSON text.
fn default_of(schema: &Value, validators: &Validators) -> Option<String> {
    let schema = resolved(schema, validators);
    schema.get("default").map(Value::to_string)
}

/// How the parameter's text becomes JSON: by the type of its (resolved) schema (as code).
fn kind(schema: &Value, validators: &Validators, depth: usize) -> String {
    let schema = resolved(schema, validators);
    if let Some(variants) = schema.get("allOf").and_then(Value::as_array).filter(|v| v.len() == 1) {
        return kind(&variants[0], validators, depth);
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => "Kind::String".to_owned(),
        Some("integer") => "Kind::Integer".to_owned(),
        Some("number") => "Kind::Number".to_owned(),
        Some("boolean") => "Kind::Boolean".to_owned(),
        // Lists of lists cannot be written in a query string: the items are read as `Any`.
        Some("array") if depth == 0 => {
            let item = kind(schema.get("items").unwrap_or(&Value::Null), validators, depth + 1);
            format!("Kind::List(&{item})")
        }
        _ => "Kind::Any".to_owned(),
    }
}
