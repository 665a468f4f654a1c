//! The client crate: progenitor generates the methods it supports; operations with more than
//! one response type (which progenitor 0.15 rejects with a panic) get methods from
//! `multi_status.rs` that follow the same conventions and return a per-operation enum.
//!
//! progenitor is told that every named schema already exists in the models crate
//! (`with_replacement`), so the client reuses those types instead of generating copies.
//!
//! The `Client` carries a `ClientConfig` (progenitor's "inner type") and implements
//! progenitor's `ClientHooks` itself (`HooksMode::Expected`): the hand-written runtime, copied
//! from `codegen/templates/client/`, sets GitHub's headers in `pre` and retries in `exec`, and
//! replaces progenitor's constructors with its own (`Client::new`, `Client::new_with_client`
//! with the same signatures, plus `Client::builder`). `conveniences.rs` adds the methods built
//! on the generated ones (item streams, plaintext secret writes).

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use progenitor_impl::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use quote::quote;
use openapiv3::{PathItem, ReferenceOr};

pub mod conveniences;
mod format;
pub mod multi_status;
mod readers;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::ir::Api;
use crate::output::guard::catch_panic;
use crate::spec::load::parse_openapi;
use crate::spec::normalize::Normalized;

/// Generated client code.
pub struct ClientCode {
    /// progenitor's output (the `Client` type and its methods), without its `types` module and
    /// its constructors, formatted (without the file's header).
    pub progenitor: String,
    /// Methods and response enums for the operations progenitor cannot express.
    pub multi_status: TokenStream,
    /// operationIds handled by `multi_status`, sorted.
    pub multi_status_operations: BTreeSet<String>,
    /// Item streams and plaintext secret writes (`conveniences.rs`).
    pub conveniences: conveniences::Conveniences,
}

/// The client's hand-written runtime: `(module name, source)`, emitted as
/// `src/runtime/<module>.rs` with the header line. `sealing` only when a spec has secret writes.
pub const RUNTIME: [(&str, &str); 5] = [
    ("builder", include_str!("../../templates/client/builder.rs")),
    ("error", include_str!("../../templates/client/error.rs")),
    ("pagination", include_str!("../../templates/client/pagination.rs")),
    ("responses", include_str!("../../templates/client/responses.rs")),
    ("retry", include_str!("../../templates/client/retry.rs")),
];

/// The sealing runtime (`SecretValue`, `seal_secret`...), for specs with secret writes.
pub const SEALING_RUNTIME: (&str, &str) = ("sealing", include_str!("../../templates/client/sealing.rs"));

/// Generates the client for `api`, whose models live in the crate `models_crate`.
pub fn generate(file: &str, spec: &Normalized, api: &Api, models_crate: &str) -> Result<ClientCode, Diagnostics> {
    let multi_status_operations = crate::ir::multi_status_operations(api);

    // progenitor sees the spec without the operations it cannot handle, and with who may call
    // each operation in its description (progenitor documents a method with it, after what the
    // operation does). The changes are made to the typed spec, parsed from the normalized tree
    // in place: a copy of the tree to change would be the largest allocation of a run.
    let mut openapi = parse_openapi(file, &spec.tree)?;
    for item in openapi.paths.paths.values_mut() {
        let ReferenceOr::Item(item) = item else { continue };
        for (_, slot) in operation_slots(item) {
            if slot.as_ref().and_then(|op| op.operation_id.as_deref()).is_some_and(|id| multi_status_operations.contains(id)) {
                *slot = None;
            }
        }
    }
    openapi.paths.paths.retain(|_, item| matches!(item, ReferenceOr::Item(item) if item.iter().next().is_some()));
    for operation in &api.operations {
        let Some(permissions) = crate::ir::permissions::doc_paragraph(operation) else { continue };
        let Some(ReferenceOr::Item(item)) = openapi.paths.paths.get_mut(&operation.path) else { continue };
        let method = operation.method.to_ascii_lowercase();
        let Some(op) = operation_slots(item).into_iter().find(|(name, _)| *name == method).and_then(|(_, slot)| slot.as_mut()) else { continue };
        let description = op.description.as_deref().map(str::trim_end).unwrap_or("");
        op.description = Some(if description.is_empty() { permissions } else { format!("{description}\n\n{permissions}") });
    }

    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Positional)
        .with_tag(TagStyle::Merged)
        .with_inner_type(quote! { crate::ClientConfig })
        .with_hooks(HooksMode::Expected);
    for model in &api.models {
        settings.with_replacement(&model.name, format!("::{models_crate}::{}", model.name), std::iter::empty());
    }
    let mut generator = Generator::new(&settings);
    let tokens = match catch_panic(|| generator.generate_tokens(&openapi)) {
        Ok(Ok(tokens)) => tokens,
        Ok(Err(error)) => return Err(progenitor_problem(file, format!("progenitor could not generate the client: {error}"))),
        Err(panic) => return Err(progenitor_problem(file, format!("progenitor panicked: {panic}"))),
    };
    // The typed spec and progenitor's own copy of the schemas are done with; freed now, not
    // after the parse and the rewrite below, they no longer count in the peak memory, which
    // comes while typify runs beside this (the whole description: 628 -> 547 MiB).
    drop(generator);
    drop(openapi);
    // Without its `types` module and its constructors (which take the inner type as an
    // argument), its methods reading bodies with the runtime's readers, whose errors say where
    // a body does not fit; formatted a piece at a time (`format.rs`).
    let progenitor = format::progenitor_text(tokens, &readers::operation_ids(api)).map_err(|message| progenitor_problem(file, message))?;

    let multi_status = multi_status::generate(api, &multi_status_operations, models_crate);
    let conveniences = conveniences::generate(api, models_crate);
    Ok(ClientCode {
        progenitor,
        multi_status,
        multi_status_operations,
        conveniences,
    })
}

/// The operations of a path item by method, as the spec names them (`get`, `put`...).
fn operation_slots(item: &mut PathItem) -> [(&'static str, &mut Option<openapiv3::Operation>); 8] {
    [
        ("get", &mut item.get),
        ("put", &mut item.put),
        ("post", &mut item.post),
        ("delete", &mut item.delete),
        ("options", &mut item.options),
        ("head", &mut item.head),
        ("patch", &mut item.patch),
        ("trace", &mut item.trace),
    ]
}

fn progenitor_problem(file: &str, message: String) -> Diagnostics {
    Diagnostics::one(Diagnostic::new(
        file,
        "#/paths",
        message,
        "report this with the spec; the operations progenitor cannot handle should be routed to the multi-status generator",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runtime_templates_are_rust() {
        // They are copied verbatim, so nothing else would notice a syntax error before a build.
        for (module, source) in RUNTIME.into_iter().chain([SEALING_RUNTIME]) {
            if let Err(error) = syn::parse_file(source) {
                panic!("codegen/templates/client/{module}.rs does not parse: {error}");
            }
        }
    }
}
