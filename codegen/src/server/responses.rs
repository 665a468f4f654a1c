//! One enum per operation (module `responses` of the server crate), a variant per documented
//! status, named after its reason phrase like the client's multi-status enums (`Created`,
//! `NoContent`, `MultiStatus`...). A variant carries the typed body of its status and, where the
//! spec declares response headers, a typed optional field per header; a status without either
//! is a unit variant. Ranges (`4XX`) and `default` carry the status to send.

use std::fmt::Write;

use quote::quote;

use super::{ident, method_ident, operation_line, type_ident};
use crate::ir::{Api, BodyKind, Operation, Response, body_kind, rust_types};
use crate::output::render::{Code, doc_line, rust_string, type_text};
use crate::spec::naming::{fn_name, status_reason};

/// The `responses.rs` file: its imports, then each operation's enum and impl (as text).
pub fn file<'a>(api: &Api, items: impl Iterator<Item = &'a String>) -> Vec<Code> {
    let doc = format!(
        "The documented responses of every operation of {} {}: one enum per operation, one variant per status.",
        api.title, api.version
    );
    let head = quote! {
        #![doc = #doc]

        use axum::response::{IntoResponse, Response};

        use crate::runtime;
    };
    let mut code = vec![Code::Tokens(head)];
    code.extend(items.map(|item| Code::Text(item.clone())));
    code
}

/// A variant's body.
enum Body {
    None,
    /// The Rust type, as text.
    Json(String),
    Raw(String),
}

fn body(response: &Response, models_crate: &str) -> Body {
    match body_kind(response) {
        BodyKind::None => Body::None,
        BodyKind::Json(_) => match response.body.as_ref().and_then(|b| b.schema.as_ref()) {
            Some(schema) => Body::Json(type_text(&rust_types::owned(schema, models_crate))),
            None => Body::Raw(response.body.as_ref().map(|b| b.media_type.clone()).unwrap_or_default()),
        },
        BodyKind::Raw => Body::Raw(response.body.as_ref().map(|b| b.media_type.clone()).unwrap_or_default()),
    }
}

/// The response enum of `operation` and its `IntoResponse` implementation, as text: regular
/// code, written in rustfmt's layout rather than as tokens for prettyplease to parse back.
pub fn response(operation: &Operation, models_crate: &str) -> String {
    let name = type_ident(operation);
    let mut variants = String::new();
    let mut arms = String::new();
    for response in &operation.responses {
        let variant = ident(&status_reason(&response.status));
        let body = body(response, models_crate);
        let headers: Vec<_> = response
            .headers
            .iter()
            .map(|header| {
                let mut field = fn_name(&header.name);
                if field == "body" || field == "status" {
                    field.push_str("_header");
                }
                let ty = if header.schema.is_null() { "::std::string::String".to_owned() } else { type_text(&rust_types::owned(&header.schema, models_crate)) };
                let mut doc = format!("The `{}` response header.", header.name);
                if let Some(description) = header.description.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
                    doc = format!("{doc} {description}");
                }
                (ident(&field), ty, header.name.clone(), doc)
            })
            .collect();
        let ranged = response.code().is_none();
        let mut doc = format!("`{}`: {}", response.status, response.description.trim());
        if response.status == "default" {
            doc.push_str("\n\nFor any status the other variants do not cover; `status` says which.");
        } else if ranged {
            doc.push_str(&format!("\n\n`status` says which status in `{}` to send.", response.status));
        }

        // The variant's shape: unit, a tuple of the body, or named fields.
        let body_type = match &body {
            Body::None => None,
            Body::Json(ty) => Some(ty.as_str()),
            Body::Raw(_) => Some("::axum::body::Bytes"),
        };
        let named = ranged || !headers.is_empty();
        doc_line(&mut variants, "    ", &doc);
        match (named, body_type) {
            (false, None) => {
                let _ = writeln!(variants, "    {variant},");
            }
            (false, Some(ty)) => {
                let _ = writeln!(variants, "    {variant}({ty}),");
            }
            (true, _) => {
                let _ = writeln!(variants, "    {variant} {{");
                if ranged {
                    variants.push_str("        ///The status to send.\n        status: ::axum::http::StatusCode,\n");
                }
                if let Some(ty) = body_type {
                    let _ = writeln!(variants, "        ///The body.\n        body: {ty},");
                }
                for (field, ty, _, doc) in &headers {
                    doc_line(&mut variants, "        ", doc);
                    let _ = writeln!(variants, "        {field}: Option<{ty}>,");
                }
                variants.push_str("    },\n");
            }
        }

        let binding = {
            let mut bound: Vec<String> = Vec::new();
            if ranged {
                bound.push("status".to_owned());
            }
            if body_type.is_some() {
                bound.push("body".to_owned());
            }
            bound.extend(headers.iter().map(|(field, ..)| field.to_string()));
            match (named, body_type.is_some()) {
                (true, _) => format!("Self::{variant} {{ {} }}", bound.join(", ")),
                (false, true) => format!("Self::{variant}(body)"),
                (false, false) => format!("Self::{variant}"),
            }
        };
        let status = match response.code() {
            Some(code) => format!("runtime::status({code})"),
            None => "status".to_owned(),
        };
        let build = match &body {
            Body::None => format!("runtime::empty_response({status})"),
            Body::Json(_) => format!("runtime::json_response({status}, body)"),
            Body::Raw(media_type) => format!("runtime::raw_response({status}, {}, body)", rust_string(media_type)),
        };
        if headers.is_empty() {
            let _ = writeln!(arms, "            {binding} => {build},");
        } else {
            let _ = writeln!(arms, "            {binding} => {{\n                let mut response = {build};");
            for (field, _, wire, _) in &headers {
                let _ = writeln!(arms, "                runtime::set_header(&mut response, {}, {field});", rust_string(wire));
            }
            arms.push_str("                response\n            }\n");
        }
    }

    let method = method_ident(operation);
    let doc = format!(
        "The documented responses of {}, one variant per status: what [`crate::Api::{method}`] returns. Anything the spec does not document is a [`crate::ServerError`].",
        operation_line(operation)
    );
    let mut text = String::new();
    doc_line(&mut text, "", &doc);
    // A status the spec adds later is then a new variant, not a breaking change.
    let _ = write!(
        text,
        "#[derive(Debug, Clone, PartialEq)]\n#[non_exhaustive]\npub enum {name} {{\n{variants}}}\nimpl IntoResponse for {name} {{\n    fn into_response(self) -> Response {{\n        match self {{\n{arms}        }}\n    }}\n}}\n"
    );
    text
}
