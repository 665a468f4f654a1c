//! The `Api` trait: one method per operation, taking the request's context (the authenticated
//! caller, the headers, the request id) and the operation's validated inputs, and returning its
//! documented responses or a `ServerError`.
//!
//! Methods are declared as `fn ... -> impl Future<Output = ...> + Send` rather than `async fn`
//! so that the future is known to be `Send` (axum needs that to spawn it); implementations can
//! still write `async fn`.

use std::fmt::Write;

use super::{method_ident, operation_line, type_ident};
use crate::ir::{Api, Operation};
use crate::output::render::{Code, doc_line};

/// The `api.rs` file.
pub fn file<'a>(api: &Api, methods: impl Iterator<Item = &'a String>) -> Vec<Code> {
    let doc = format!(
        r#"The operations of {title} {version}, one method per operation: implement this and serve it with [`crate::router`].

Each method is named after its operationId (`dependabot/get-org-secret` is `dependabot_get_org_secret`,
as in the client) and takes the request's [`RequestContext`] (the caller the [`crate::Authenticator`]
made, the headers, the request id, the operation's [`crate::Requirements`]) and one struct of the
operation's inputs from [`crate::requests`]: path, query and header parameters (with the spec's
defaults applied) and the body, typed with the models crate. By the time a method runs, the router
has authenticated the caller, held it to the operation's requirements and checked the inputs
against the spec, so a method only sees callers that may call it and valid input. It returns the
operation's enum from [`crate::responses`], one variant per documented status, or a [`ServerError`]
for anything the spec does not document (a `404` for a missing resource, a `500`...).

Methods can be implemented with `async fn`; the future must be `Send`."#,
        title = api.title,
        version = api.version,
    );
    let mut text = String::from("use std::future::Future;\nuse crate::{Principal, RequestContext, ServerError, requests, responses};\n");
    doc_line(&mut text, "", &doc);
    text.push_str("pub trait Api: Send + Sync + 'static {\n    /// The caller every method receives in its context: the [`crate::Authenticator::Principal`]\n    /// of the authenticator the router is given.\n    type Caller: Principal;\n");
    methods.for_each(|method| text.push_str(method));
    text.push_str("}\n");
    vec![Code::Text(text)]
}

/// The trait method of `operation`, as text (the trait is regular code, written in rustfmt's
/// layout rather than as tokens for prettyplease to parse back).
pub fn method(operation: &Operation) -> String {
    let method = method_ident(operation);
    let ty = type_ident(operation);
    let mut doc = operation.summary.clone().unwrap_or_else(|| operation.id.clone());
    doc.push_str(&format!(
        "\n\nServes {}. Returns a variant of [`responses::{ty}`], or a [`ServerError`] for anything the spec does not document.",
        operation_line(operation)
    ));
    if let Some(permissions) = crate::ir::permissions::doc_paragraph(operation) {
        doc.push_str(&format!("\n\n{permissions} The router has checked them (see [`crate::requirements::{}`]).", super::requirements::const_ident(operation)));
    }
    if let Some(url) = &operation.docs_url {
        doc.push_str(&format!("\n\nReference: <{url}>"));
    }
    let mut text = String::new();
    doc_line(&mut text, "    ", &doc);
    let _ = writeln!(
        text,
        "    fn {method}(\n        &self,\n        context: RequestContext<Self::Caller>,\n        request: requests::{ty},\n    ) -> impl Future<Output = Result<responses::{ty}, ServerError>> + Send;"
    );
    text
}
