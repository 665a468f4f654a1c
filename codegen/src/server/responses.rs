//! One enum per operation (module `responses` of the server crate), a variant per documented
//! status, named after its reason phrase like the client's multi-status enums (`Created`,
//! `NoContent`, `MultiStatus`...). A variant carries the typed body of its status and, where the
//! spec declares response headers, a typed optional field per header; a status without either
//! is a unit variant. Ranges (`4XX`) and `default` carry the status to send.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{ident, method_ident, operation_line, type_ident};
use crate::ir::{Api, BodyKind, Operation, Response, body_kind, rust_types};
use crate::spec::naming::{fn_name, status_reason};

/// The `responses.rs` file.
pub fn file<'a>(api: &Api, items: impl Iterator<Item = &'a TokenStream>) -> TokenStream {
    let doc = format!(
        "The documented responses of every operation of {} {}: one enum per operation, one variant per status.",
        api.title, api.version
    );
    quote! {
        #![doc = #doc]

        use axum::response::{IntoResponse, Response};

        use crate::runtime;

        #(#items)*
    }
}

/// A variant's body.
enum Body {
    None,
    Json(TokenStream),
    Raw(String),
}

fn body(response: &Response, models_crate: &str) -> Body {
    match body_kind(response) {
        BodyKind::None => Body::None,
        BodyKind::Json(_) => match response.body.as_ref().and_then(|b| b.schema.as_ref()) {
            Some(schema) => Body::Json(rust_types::owned(schema, models_crate)),
            None => Body::Raw(response.body.as_ref().map(|b| b.media_type.clone()).unwrap_or_default()),
        },
        BodyKind::Raw => Body::Raw(response.body.as_ref().map(|b| b.media_type.clone()).unwrap_or_default()),
    }
}

/// The response enum of `operation` and its `IntoResponse` implementation.
pub fn response(operation: &Operation, models_crate: &str) -> TokenStream {
    let name = type_ident(operation);
    let mut variants = Vec::new();
    let mut arms = Vec::new();
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
                let ty = if header.schema.is_null() { quote! { ::std::string::String } } else { rust_types::owned(&header.schema, models_crate) };
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
        let status_field = ranged.then(|| quote! { status });
        let body_field = match &body {
            Body::None => None,
            Body::Json(ty) => Some(ty.clone()),
            Body::Raw(_) => Some(quote! { ::axum::body::Bytes }),
        };
        let named = ranged || !headers.is_empty();
        let declaration = if !named {
            match &body_field {
                None => quote! { #variant },
                Some(ty) => quote! { #variant(#ty) },
            }
        } else {
            let status = status_field.as_ref().map(|_| quote! { #[doc = "The status to send."] status: ::axum::http::StatusCode, });
            let body = body_field.as_ref().map(|ty| quote! { #[doc = "The body."] body: #ty, });
            let header_fields = headers.iter().map(|(field, ty, _, doc)| quote! { #[doc = #doc] #field: Option<#ty>, });
            quote! { #variant { #status #body #(#header_fields)* } }
        };
        variants.push(quote! { #[doc = #doc] #declaration, });

        let binding = {
            let mut bound: Vec<TokenStream> = Vec::new();
            if ranged {
                bound.push(quote! { status });
            }
            if body_field.is_some() {
                bound.push(quote! { body });
            }
            bound.extend(headers.iter().map(|(field, ..)| quote! { #field }));
            match (named, body_field.is_some()) {
                (true, _) => quote! { Self::#variant { #(#bound),* } },
                (false, true) => quote! { Self::#variant(body) },
                (false, false) => quote! { Self::#variant },
            }
        };
        let status = match response.code() {
            Some(code) => {
                let code = Literal::u16_unsuffixed(code);
                quote! { runtime::status(#code) }
            }
            None => quote! { status },
        };
        let build = match &body {
            Body::None => quote! { runtime::empty_response(#status) },
            Body::Json(_) => quote! { runtime::json_response(#status, body) },
            Body::Raw(media_type) => quote! { runtime::raw_response(#status, #media_type, body) },
        };
        arms.push(if headers.is_empty() {
            quote! { #binding => #build, }
        } else {
            let sets = headers.iter().map(|(field, _, wire, _)| quote! { runtime::set_header(&mut response, #wire, #field); });
            quote! {
                #binding => {
                    let mut response = #build;
                    #(#sets)*
                    response
                }
            }
        });
    }

    let method = method_ident(operation);
    let doc = format!(
        "The documented responses of {}, one variant per status: what [`crate::Api::{method}`] returns. Anything the spec does not document is a [`crate::ServerError`].",
        operation_line(operation)
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        // A status the spec adds later is then a new variant, not a breaking change.
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
        }

        impl IntoResponse for #name {
            fn into_response(self) -> Response {
                match self {
                    #(#arms)*
                }
            }
        }
    }
}
