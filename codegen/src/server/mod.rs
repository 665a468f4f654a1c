//! The server crate (axum): a trait with one method per operation, typed inputs and one
//! response enum per operation, validation of every input against the spec before the trait
//! is called, and a router. One module per concern:
//!
//! - `api_trait`: the `Api` trait;
//! - `requests`: one input struct per operation and the code that fills it from a request;
//! - `responses`: one enum per operation, a variant per documented status;
//! - `validation`: one validator per named schema reachable from an input, generated from
//!   the schema (no run-time interpretation of the spec);
//! - `router`: the handlers and the `router` function;
//! - `requirements`: who may call each operation, as data the router checks;
//! - the static runtime (errors, request reading, validator primitives) is the template
//!   `codegen/templates/server_runtime.rs`, and authentication and the checks against the
//!   requirements are `codegen/templates/server_auth.rs`, both copied verbatim so that their
//!   comments survive.
//!
//! Like the client, everything reads the IR, so names and statuses agree across crates, and
//! every type comes from the models crate.

mod api_trait;
mod exact;
mod requests;
mod requirements;
mod responses;
mod router;
mod routes;
mod validation;

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::ir::{Api, Operation, Parameter, ParameterLocation};
use crate::output::render::Code;
use crate::spec::openapi::template_parameters;

/// The static part of the server crate, emitted as `src/runtime.rs` with the header line.
pub const RUNTIME: &str = include_str!("../../templates/server_runtime.rs");

/// Authentication and authorization (the hook's traits, grants, the checks), emitted as
/// `src/auth.rs` with the header line.
pub const AUTH: &str = include_str!("../../templates/server_auth.rs");

/// Generated server code, one token stream (or list of items) per source file, plus per-item
/// views for snapshots.
pub struct ServerCode {
    /// `src/api.rs`: the trait (as text).
    pub api: Vec<Code>,
    /// `src/requests.rs`: the input structs and their parsers (as text).
    pub requests: Vec<Code>,
    /// `src/responses.rs`: the response enums (as text).
    pub responses: Vec<Code>,
    /// `src/validation.rs`: its `use` lines and the validators (as text).
    pub validation: Vec<Code>,
    /// `src/router.rs`: the handlers (as text) and the router.
    pub router: Vec<Code>,
    /// `src/requirements.rs`: who may call each operation (its constants as text).
    pub requirements: Vec<Code>,
    /// Whether a validator checks a `pattern` (the crate then depends on `regress`).
    pub uses_regress: bool,
    /// operationId -> the server code of that operation; empty unless asked for.
    pub operation_code: BTreeMap<String, String>,
    /// Validator function name -> its code; empty unless asked for.
    pub validation_code: BTreeMap<String, String>,
    /// Operations left out of the server because axum cannot route them, each with why.
    pub skipped: Vec<Diagnostic>,
}

/// The items generated for one operation, kept apart for the per-operation snapshots.
struct OperationItems {
    /// As text (see [`requirements::constant`]).
    requirements: String,
    /// As text (see [`api_trait::method`]).
    trait_method: String,
    /// As text (see [`requests::request`]).
    request: String,
    /// As text (see [`responses::response`]).
    response: String,
    /// As text (see [`router::handler`]).
    handler: String,
}

/// Generates the server for `api`, whose models live in the crate `models_crate`; `file`
/// names the spec in diagnostics. `views`: also format each operation's and each validator's
/// code on its own, for the snapshot tests (it costs another parse and format of most of the
/// crate, so regen does not ask for it).
pub fn generate(file: &str, api: &Api, models_crate: &str, views: bool) -> Result<ServerCode, Diagnostics> {
    // An operation axum cannot route is left out of the server (models and client still have
    // it) and reported, rather than failing the whole run: one odd path in a description of
    // a thousand operations should not cost the other 999.
    let (routes, skipped) = routes::plan(file, api);
    // The validators read the models' schemas where the IR holds them; the routable API needs
    // only the operations (a copy of every schema would be the server's largest allocation).
    let mut validators = validation::Validators::new(api);
    let routable = Api {
        title: api.title.clone(),
        version: api.version.clone(),
        operations: api.operations.iter().filter(|o| routes.contains_key(&o.id)).cloned().collect(),
        models: Vec::new(),
    };
    let api = &routable;
    let mut request_imports = BTreeSet::new();
    let mut per_operation = Vec::new();
    for (operation, route) in api.operations.iter().filter_map(|o| Some((o, routes.get(&o.id)?))) {
        per_operation.push(OperationItems {
            requirements: requirements::constant(operation),
            trait_method: api_trait::method(operation),
            request: requests::request(operation, route, models_crate, &mut validators, &mut request_imports),
            response: responses::response(operation, models_crate),
            handler: router::handler(operation),
        });
    }
    let validation = validators.file();
    let operation_code = api
        .operations
        .iter()
        .zip(&per_operation)
        .filter(|_| views)
        .map(|(operation, items)| {
            let OperationItems { requirements, trait_method, request, response, handler } = items;
            let requirements: TokenStream = requirements.parse().unwrap_or_default();
            let trait_method: TokenStream = trait_method.parse().unwrap_or_default();
            let response: TokenStream = response.parse().unwrap_or_default();
            let handler: TokenStream = handler.parse().unwrap_or_default();
            let request: TokenStream = request.parse().unwrap_or_default();
            let code = quote! {
                #requirements
                pub trait Api { #trait_method }
                #request
                #response
                #handler
            };
            (operation.id.clone(), unparse(code))
        })
        .collect();

    Ok(ServerCode {
        api: api_trait::file(api, per_operation.iter().map(|items| &items.trait_method)),
        requests: requests::file(&request_imports, per_operation.iter().map(|items| &items.request)),
        responses: responses::file(api, per_operation.iter().map(|items| &items.response)),
        router: router::file(api, &routes, per_operation.iter().map(|items| &items.handler)),
        requirements: requirements::file(api, per_operation.iter().map(|items| &items.requirements)),
        validation: std::iter::once(Code::Tokens(validation.head)).chain(validation.functions.values().cloned().map(Code::Text)).collect(),
        uses_regress: validation.uses_regress,
        operation_code,
        validation_code: validation.functions.into_iter().filter(|_| views).map(|(name, text)| (name, unparse_text(&text))).collect(),
        skipped,
    })
}

/// Formats items for a snapshot; code that does not parse shows up as such (the generated
/// files would fail to render too, with a diagnostic).
/// [`unparse`] of code written as text: the snapshots show prettyplease's layout of its tokens,
/// so they change only when the code does.
fn unparse_text(text: &str) -> String {
    match text.parse::<TokenStream>() {
        Ok(tokens) => unparse(tokens),
        Err(error) => format!("(generated code does not lex: {error})\n"),
    }
}

fn unparse(tokens: TokenStream) -> String {
    match syn::parse2::<syn::File>(tokens) {
        Ok(file) => prettyplease::unparse(&file),
        Err(error) => format!("(generated code does not parse: {error})\n"),
    }
}

/// A Rust identifier for a spec name already in snake_case or UpperCamelCase: keywords become
/// raw identifiers (`r#type`), names that cannot be raw get a trailing `_`, a leading digit
/// gets a leading `_`.
pub(crate) fn ident(name: &str) -> Ident {
    let name = if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) { format!("_{name}") } else { name.to_owned() };
    if syn::parse_str::<syn::Ident>(&name).is_ok() {
        return format_ident!("{}", name);
    }
    match name.as_str() {
        "self" | "Self" | "super" | "crate" | "_" => format_ident!("{}_", name),
        _ => Ident::new_raw(&name, Span::call_site()),
    }
}

/// The request-struct fields of an operation's parameters, in the order the struct lists
/// them (path parameters in template order, then query and header parameters by name), with
/// unique Rust names.
pub(crate) fn parameter_fields(operation: &Operation) -> Vec<(&Parameter, Ident)> {
    let template = template_parameters(&operation.path);
    let mut ordered: Vec<&Parameter> = operation
        .parameters
        .iter()
        .filter(|p| matches!(p.location, ParameterLocation::Path | ParameterLocation::Query | ParameterLocation::Header))
        .collect();
    ordered.sort_by_key(|p| {
        let position = template.iter().position(|t| *t == p.name).unwrap_or(usize::MAX);
        (p.location, position, p.rust_name.clone())
    });
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    for parameter in ordered {
        let mut name = parameter.rust_name.clone();
        if name == "body" || taken.contains(&name) {
            name = format!("{name}_{}", parameter.location.as_str());
        }
        taken.insert(name.clone());
        out.push((parameter, ident(&name)));
    }
    out
}

/// The documentation line naming an operation: `` `GET /path` (`operation/id`) ``.
pub(crate) fn operation_line(operation: &Operation) -> String {
    format!("`{} {}` (`{}`)", operation.method, operation.path, operation.id)
}

/// The type name of an operation's request struct and response enum.
pub(crate) fn type_ident(operation: &Operation) -> Ident {
    ident(&operation.type_base)
}

/// The trait method (and handler) name of an operation.
pub(crate) fn method_ident(operation: &Operation) -> Ident {
    ident(&operation.fn_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A spec with the path shapes `routes.rs` handles, and one it cannot.
    const SHAPES: &str = r#"openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /files/{name}.json:
    get:
      operationId: files/get
      parameters: [{name: name, in: path, required: true, schema: {type: string}}]
      responses: {'204': {description: ok}}
  /a/{x}{y}:
    get:
      operationId: glued/get
      parameters: [{name: x, in: path, required: true, schema: {type: string}}, {name: y, in: path, required: true, schema: {type: string}}]
      responses: {'204': {description: ok}}
  /things/{thing_id}:
    delete:
      operationId: things/delete
      parameters: [{name: thing_id, in: path, required: true, schema: {type: integer}}]
      responses: {'204': {description: ok}}
  /things/{digest}:
    get:
      operationId: things/get
      parameters: [{name: digest, in: path, required: true, schema: {type: string}}]
      responses: {'204': {description: ok}}
  /things/{name}/:
    get:
      operationId: things/get-slash
      parameters: [{name: name, in: path, required: true, schema: {type: string}}]
      responses: {'204': {description: ok}}
  /ok:
    get:
      operationId: ok/get
      responses: {'204': {description: ok}}
"#;

    #[test]
    fn paths_axum_cannot_take_as_they_are_are_served_under_another_route() {
        let source = crate::SourceFile::new("t.yaml", SHAPES.to_owned());
        let output = crate::generate(&source, &crate::Settings::default()).unwrap();
        let (api, router, requests) = (&output.files["server/src/api.rs"], &output.files["server/src/router.rs"], &output.files["server/src/requests.rs"]);
        for served in ["files_get", "things_delete", "things_get", "things_get_slash", "ok_get"] {
            assert!(api.contains(&format!("fn {served}(")), "{served} is served");
        }
        // `{name}.json` is the whole segment `{name}`, cut at `.json` by the runtime.
        assert!(router.contains(r#""/files/{name}""#), "{router}");
        assert!(requests.contains(r#"&[&[Piece::Param("name"), Piece::Text(".json")]]"#), "{requests}");
        // The two templates that differ only in names share the first one, in text order.
        assert!(router.contains(r#""/things/{digest}""#) && !router.contains(r#""/things/{thing_id}""#), "{router}");
        assert!(requests.contains(r#"&[&[Piece::Param("thing_id")]]"#), "{requests}");
        assert_eq!(requests.matches("const PATH").count(), 2, "only the two that need it: {requests}");
    }

    #[test]
    fn an_unroutable_operation_is_left_out_of_the_server_and_reported_where_it_is() {
        let source = crate::SourceFile::new("t.yaml", SHAPES.to_owned());
        let output = crate::generate(&source, &crate::Settings::default()).unwrap();
        assert!(!output.files["server/src/api.rs"].contains("fn glued_get"));
        assert!(output.files["client/src/progenitor.rs"].contains("fn glued_get"), "the client still has it");
        let error = crate::Diagnostics(output.skipped.clone()).to_string();
        assert_eq!(output.skipped.len(), 1, "{error}");
        assert!(error.contains("the server cannot route `/a/{x}{y}`: two parameters in one segment need text between them"), "{error}");
        assert!(error.contains("t.yaml#/paths/~1a~1{x}{y}/get"), "{error}");
        assert!(error.contains("operation: glued/get"), "{error}");
    }

    #[test]
    fn two_operations_with_one_method_at_one_shape_cannot_both_be_served() {
        let spec = SHAPES.replace("    delete:\n      operationId: things/delete", "    get:\n      operationId: things/delete");
        let output = crate::generate(&crate::SourceFile::new("t.yaml", spec), &crate::Settings::default()).unwrap();
        let error = crate::Diagnostics(output.skipped.clone()).to_string();
        assert!(error.contains("`GET /things/{thing_id}` and `GET /things/{digest}` (`things/get`) match the same URLs"), "{error}");
        assert!(output.files["server/src/api.rs"].contains("fn things_get("));
    }

    #[test]
    fn the_runtime_template_is_rust() {
        // It is copied verbatim, so nothing else would notice a syntax error before a build.
        syn::parse_file(RUNTIME).expect("codegen/templates/server_runtime.rs parses");
        syn::parse_file(AUTH).expect("codegen/templates/server_auth.rs parses");
    }

    #[test]
    fn identifiers_are_valid_rust() {
        assert_eq!(ident("per_page").to_string(), "per_page");
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("self").to_string(), "self_");
        assert_eq!(ident("1st").to_string(), "_1st");
    }
}
