//! The client crate: progenitor generates the methods it supports; operations with more than
//! one response type (which progenitor 0.15 rejects with a panic) get methods from
//! `multi_status.rs` that follow the same conventions and return a per-operation enum.
//!
//! progenitor is told that every named schema already exists in the models crate
//! (`with_replacement`), so the client reuses those types instead of generating copies.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use progenitor_impl::{GenerationSettings, Generator, InterfaceStyle, TagStyle};
use serde_json::Value;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::guard::catch_panic;
use crate::ir::{Api, Operation, ref_name};
use crate::load::parse_openapi;
use crate::multi_status;
use crate::normalize::Normalized;
use crate::validate::METHODS;

/// Generated client code.
pub struct ClientCode {
    /// progenitor's output (the `Client` type and its methods), without its `types` module.
    pub progenitor: syn::File,
    /// Methods and response enums for the operations progenitor cannot express.
    pub multi_status: TokenStream,
    /// operationIds handled by `multi_status`, sorted.
    pub multi_status_operations: BTreeSet<String>,
}

/// What a response carries, as progenitor compares responses.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum BodyKind {
    /// No body.
    None,
    /// JSON of this schema (a named type, or a scalar's JSON).
    Json(String),
    /// Anything else, read as bytes.
    Raw,
}

/// The kind of body of a response.
pub fn body_kind(response: &crate::ir::Response) -> BodyKind {
    match &response.body {
        None => BodyKind::None,
        Some(body) if crate::ir::is_json(&body.media_type) => match &body.schema {
            Some(schema) => BodyKind::Json(ref_name(schema).map(str::to_owned).unwrap_or_else(|| schema.to_string())),
            None => BodyKind::Raw,
        },
        Some(_) => BodyKind::Raw,
    }
}

/// True when progenitor 0.15 cannot generate `operation`: it allows one success type and one
/// error type per operation (`default` counts as both).
pub fn needs_multi_status(operation: &Operation) -> bool {
    let kinds = |keep: fn(&crate::ir::Response) -> bool| -> BTreeSet<BodyKind> {
        operation.responses.iter().filter(|r| keep(r)).map(body_kind).collect()
    };
    let success = kinds(|r| r.is_success() || r.status == "default");
    let error = kinds(|r| r.status.starts_with('4') || r.status.starts_with('5') || r.status == "default");
    success.len() > 1 || error.len() > 1
}

/// Generates the client for `api`, whose models live in the crate `models_crate`.
pub fn generate(file: &str, spec: &Normalized, api: &Api, models_crate: &str) -> Result<ClientCode, Diagnostics> {
    let multi_status_operations: BTreeSet<String> =
        api.operations.iter().filter(|o| needs_multi_status(o)).map(|o| o.id.clone()).collect();

    // progenitor sees the spec without the operations it cannot handle.
    let mut tree = spec.tree.clone();
    if let Some(Value::Object(paths)) = tree.get_mut("paths") {
        for item in paths.values_mut() {
            for method in METHODS {
                let drop = item
                    .get(method)
                    .and_then(|op| op.get("operationId"))
                    .and_then(Value::as_str)
                    .is_some_and(|id| multi_status_operations.contains(id));
                if drop {
                    if let Some(map) = item.as_object_mut() {
                        map.remove(method);
                    }
                }
            }
        }
        paths.retain(|_, item| METHODS.iter().any(|m| item.get(*m).is_some()));
    }
    let openapi = parse_openapi(file, &tree)?;

    let mut settings = GenerationSettings::new();
    settings.with_interface(InterfaceStyle::Positional).with_tag(TagStyle::Merged);
    for model in &api.models {
        settings.with_replacement(&model.name, format!("::{models_crate}::{}", model.name), std::iter::empty());
    }
    let mut generator = Generator::new(&settings);
    let tokens = match catch_panic(|| generator.generate_tokens(&openapi)) {
        Ok(Ok(tokens)) => tokens,
        Ok(Err(error)) => return Err(progenitor_problem(file, format!("progenitor could not generate the client: {error}"))),
        Err(panic) => return Err(progenitor_problem(file, format!("progenitor panicked: {panic}"))),
    };
    let mut progenitor: syn::File = syn::parse2(tokens)
        .map_err(|error| progenitor_problem(file, format!("progenitor produced code that does not parse: {error}")))?;
    // Every type is a replacement, so progenitor's `types` module holds only a duplicate of the
    // models crate's conversion error; the crate re-exports the models crate as `types` instead.
    progenitor.items.retain(|item| !matches!(item, syn::Item::Mod(m) if m.ident == "types"));

    let multi_status = multi_status::generate(api, &multi_status_operations, models_crate);
    Ok(ClientCode {
        progenitor,
        multi_status,
        multi_status_operations,
    })
}

fn progenitor_problem(file: &str, message: String) -> Diagnostics {
    Diagnostics::one(Diagnostic::new(
        file,
        "#/paths",
        message,
        "report this with the spec; the operations progenitor cannot handle should be routed to the multi-status generator",
    ))
}
