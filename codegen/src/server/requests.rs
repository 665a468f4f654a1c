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

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::routes::Route;
use super::validation::Validators;
use super::{operation_line, parameter_fields, type_ident};
use crate::ir::{Operation, ParameterLocation, rust_types};
use crate::spec::openapi::{is_json, ref_name};

/// The `requests.rs` file: the runtime items the parsers use, then every operation's items.
pub fn file<'a>(imports: &BTreeSet<&'static str>, items: impl Iterator<Item = &'a TokenStream>) -> TokenStream {
    // `validation` is a module of the crate, not a runtime item.
    let validation = imports.contains("validation").then(|| quote! { use crate::validation; });
    let imports = imports.iter().filter(|i| **i != "validation").map(|i| format_ident!("{}", i));
    quote! {
        #![doc = "The inputs of every operation, validated against the spec: one struct per operation, the argument of its [`crate::Api`] method."]

        use crate::runtime::{#(#imports),*};
        #validation

        #(#items)*
    }
}

/// The struct of `operation`'s inputs and its `FromRawRequest` implementation.
pub fn request(operation: &Operation, route: &Route, models_crate: &str, validators: &mut Validators, imports: &mut BTreeSet<&'static str>) -> TokenStream {
    let name = type_ident(operation);
    imports.extend(["BodyMode", "FromRawRequest", "RawRequest", "Rejection"]);

    let mut fields = Vec::new();
    let mut reads = Vec::new();
    let mut idents = Vec::new();
    for (parameter, field) in parameter_fields(operation) {
        imports.extend(["FieldErrors", "Kind", "Parameter"]);
        let owned = rust_types::owned(&parameter.schema, models_crate);
        let default = default_of(&parameter.schema, validators);
        let wire_name = &parameter.name;
        let kind = kind(&parameter.schema, validators, 0);
        let mut descriptor = match parameter.location {
            ParameterLocation::Path => quote! { Parameter::path(#wire_name, #kind) },
            ParameterLocation::Query => quote! { Parameter::query(#wire_name, #kind) },
            _ => quote! { Parameter::header(#wire_name, #kind) },
        };
        let ty = match (&default, parameter.required) {
            (_, true) => {
                if parameter.location != ParameterLocation::Path {
                    descriptor = quote! { #descriptor.required() };
                }
                owned
            }
            (Some(json), false) => {
                descriptor = quote! { #descriptor.or_default(#json) };
                owned
            }
            (None, false) => quote! { Option<#owned> },
        };
        if let Some(path) = validators.parameter_check(operation, parameter) {
            imports.insert("validation");
            descriptor = quote! { #descriptor.checked_by(#path) };
        }
        let mut doc = format!("{} parameter `{}`", capitalized(parameter.location.as_str()), parameter.name);
        if let Some(description) = parameter.description.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            doc.push_str(": ");
            doc.push_str(description);
        }
        if let Some(json) = &default {
            doc.push_str(&format!("\n\nDefault when absent: `{json}`."));
        }
        fields.push(quote! {
            #[doc = #doc]
            pub #field: #ty,
        });
        reads.push(quote! {
            let #field: Option<#ty> = raw.parameter(#descriptor, &mut errors);
        });
        idents.push(field);
    }

    let mut body_mode = quote! { BodyMode::None };
    if let Some(body) = &operation.body {
        imports.insert("FieldErrors");
        let field = format_ident!("body");
        let required = body.required;
        if is_json(&body.media_type) {
            let model = rust_types::owned(&body.schema, models_crate);
            let ty = if required { model } else { quote! { Option<#model> } };
            let check = validators.body_check(operation, &body.schema);
            imports.insert("validation");
            let resource = ref_name(&body.schema).map_or_else(|| format!("{}Request", operation.type_base), str::to_owned);
            // The runtime deserializes such a body straight into its type first (see `exact.rs`).
            let typed_first = super::exact::typed_is_exact(&|name| validators.model_type(name), &body.schema);
            body_mode = quote! { BodyMode::Json { required: #required, typed_first: #typed_first } };
            let doc = format!("The JSON request body, validated against `{resource}` before the implementation is called.");
            fields.push(quote! {
                #[doc = #doc]
                pub #field: #ty,
            });
            reads.push(quote! {
                let #field: Option<#ty> = raw.json_body(#resource, #check, &mut errors);
            });
        } else {
            body_mode = quote! { BodyMode::Raw };
            let doc = format!("The request body (`{}`), as sent.", body.media_type);
            fields.push(quote! {
                #[doc = #doc]
                pub #field: ::axum::body::Bytes,
            });
            reads.push(quote! { let #field = Some(raw.raw_body()); });
        }
        idents.push(field);
    }

    // A raw body alone records no errors (it is taken as sent).
    let records_errors = !parameter_fields(operation).is_empty() || operation.body.as_ref().is_some_and(|b| is_json(&b.media_type));
    let errors = if records_errors { quote! { let mut errors = FieldErrors::default(); } } else { quote! { let errors = FieldErrors::default(); } };
    let construct = match idents.as_slice() {
        [] => quote! {
            fn from_raw(_raw: &mut RawRequest) -> Result<Self, Rejection> {
                Ok(Self {})
            }
        },
        [only] => quote! {
            fn from_raw(raw: &mut RawRequest) -> Result<Self, Rejection> {
                #errors
                #(#reads)*
                match #only {
                    Some(#only) => Ok(Self { #only }),
                    None => Err(errors.into_rejection()),
                }
            }
        },
        all => quote! {
            fn from_raw(raw: &mut RawRequest) -> Result<Self, Rejection> {
                #errors
                #(#reads)*
                // Every input was read and checked above, so the errors list all problems.
                match (#(#all),*) {
                    (#(Some(#all)),*) => Ok(Self { #(#all),* }),
                    _ => Err(errors.into_rejection()),
                }
            }
        },
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
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        // A parameter the spec adds later is then a new field, not a breaking change.
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        impl FromRawRequest for #name {
            const BODY: BodyMode = #body_mode;
            #path_const

            #construct
        }
    }
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

/// How the parameter's text becomes JSON: by the type of its (resolved) schema.
fn kind(schema: &Value, validators: &Validators, depth: usize) -> TokenStream {
    let schema = resolved(schema, validators);
    if let Some(variants) = schema.get("allOf").and_then(Value::as_array).filter(|v| v.len() == 1) {
        return kind(&variants[0], validators, depth);
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => quote! { Kind::String },
        Some("integer") => quote! { Kind::Integer },
        Some("number") => quote! { Kind::Number },
        Some("boolean") => quote! { Kind::Boolean },
        // Lists of lists cannot be written in a query string: the items are read as `Any`.
        Some("array") if depth == 0 => {
            let item = kind(schema.get("items").unwrap_or(&Value::Null), validators, depth + 1);
            quote! { Kind::List(&#item) }
        }
        _ => quote! { Kind::Any },
    }
}
