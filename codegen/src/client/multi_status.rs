//! Client methods for operations with several response types, which progenitor 0.15 rejects
//! (`assertion failed: response_types.len() <= 1`): 201-with-body vs 204 for create-or-update
//! secret, 200 vs 207 for set-cluster-deployment-records.
//!
//! Each gets a method on the same `Client`, built and hooked exactly like progenitor's, whose
//! success value is an enum with one variant per documented success status, so the caller
//! can tell which status came back and has the typed body for it. When the error responses
//! differ in type too, they get an enum of their own.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{Api, BodyKind, Operation, Parameter, ParameterLocation, Response, body_kind, rust_types};
use crate::spec::naming::{fn_name, status_reason};
use crate::spec::openapi::{ref_name, template_parameters};

/// Methods and enums for the operations listed in `operation_ids`.
pub fn generate(api: &Api, operation_ids: &BTreeSet<String>, models_crate: &str) -> TokenStream {
    let (methods, enums): (Vec<_>, Vec<_>) = api
        .operations
        .iter()
        .filter(|o| operation_ids.contains(&o.id))
        .map(|o| operation(api, o, models_crate))
        .unzip();
    if methods.is_empty() {
        return TokenStream::new();
    }
    quote! {
        #[allow(unused_imports)]
        use progenitor_client::{encode_path, ClientHooks, OperationInfo, RequestBuilderExt};
        #[allow(unused_imports)]
        use crate::{ByteStream, Client, Error, ResponseValue};

        #(#enums)*

        impl Client {
            #(#methods)*
        }
    }
}

/// The name of the success enum of an operation, e.g. `DependabotCreateOrUpdateOrgSecretSuccess`.
pub fn success_enum_name(operation: &Operation) -> String {
    format!("{}Success", operation.type_base)
}

/// The name of the error enum of an operation whose error responses differ in type.
pub fn failure_enum_name(operation: &Operation) -> String {
    format!("{}Failure", operation.type_base)
}

fn variant_name(response: &Response) -> proc_macro2::Ident {
    format_ident!("{}", status_reason(&response.status))
}

fn body_type(response: &Response, models_crate: &str) -> Option<TokenStream> {
    match body_kind(response) {
        BodyKind::None => None,
        BodyKind::Raw => Some(quote! { ByteStream }),
        BodyKind::Json(_) => response.body.as_ref().and_then(|b| b.schema.as_ref()).map(|s| rust_types::owned(s, models_crate)),
    }
}

fn response_enum(name: &str, what: &str, operation: &Operation, responses: &[&Response], models_crate: &str) -> TokenStream {
    let ident = format_ident!("{}", name);
    let doc = format!("The documented {what} responses of `{}`, one variant per status.", operation.id);
    let variants = responses.iter().map(|r| {
        let variant = variant_name(r);
        let doc = format!("`{}`: {}", r.status, r.description.trim());
        match body_type(r, models_crate) {
            Some(ty) => quote! { #[doc = #doc] #variant(#ty), },
            None => quote! { #[doc = #doc] #variant, },
        }
    });
    quote! {
        #[doc = #doc]
        #[derive(Debug)]
        // A status the spec adds later is then a new variant, not a breaking change.
        #[non_exhaustive]
        pub enum #ident {
            #(#variants)*
        }
    }
}

/// Whether `response`'s body is a named object type without properties (`empty-object`),
/// which GitHub may send as no body or `null`: typify makes it an empty struct with `Default`.
fn is_empty_object(api: &Api, response: &Response) -> bool {
    let Some(name) = response.body.as_ref().and_then(|b| b.schema.as_ref()).and_then(ref_name) else { return false };
    let Some(model) = api.models.iter().find(|m| m.name == name) else { return false };
    let schema = &model.schema;
    let no_properties = schema.get("properties").is_none_or(|p| p.as_object().is_some_and(|p| p.is_empty()));
    let composed = ["allOf", "oneOf", "anyOf"].iter().any(|k| schema.get(k).is_some());
    schema["type"] == "object" && no_properties && !composed && schema["additionalProperties"] == false
}

/// A match arm turning `response` into `Ok(ResponseValue<Enum>)` or `Err(Error::ErrorResponse)`.
fn arm(api: &Api, operation: &Operation, response: &Response, enum_ident: Option<&proc_macro2::Ident>, is_error: bool, error_type: &TokenStream, models_crate: &str) -> TokenStream {
    let operation_id = &operation.id;
    let pattern = match (response.code(), response.status.as_str()) {
        (Some(code), _) => quote! { #code },
        (None, "default") => quote! { _ },
        (None, range) => {
            let hundreds = range.chars().next().and_then(|c| c.to_digit(10)).unwrap_or(5) as u16 * 100;
            let last = hundreds + 99;
            quote! { #hundreds..=#last }
        }
    };
    let kind = body_kind(response);
    let ty = body_type(response, models_crate);
    if is_error && matches!(kind, BodyKind::Json(_)) {
        // A body that does not match the documented error type must not lose the status:
        // see `templates/client/responses.rs`.
        let wrap = match enum_ident {
            Some(enum_ident) => {
                let variant = variant_name(response);
                quote! { #enum_ident::#variant }
            }
            None => quote! { ::std::convert::identity },
        };
        return quote! { #pattern => Err(crate::runtime::read_documented_error::<#ty, _>(response, #wrap).await), };
    }
    let read = match kind {
        BodyKind::None => quote! { ResponseValue::empty(response) },
        BodyKind::Raw => quote! { ResponseValue::stream(response) },
        BodyKind::Json(_) if is_empty_object(api, response) => {
            quote! { crate::runtime::read_empty_object::<#ty, #error_type>(response, #operation_id).await? }
        }
        BodyKind::Json(_) => quote! { crate::runtime::read_json::<#ty, #error_type>(response, #operation_id).await? },
    };
    let Some(enum_ident) = enum_ident else {
        return quote! { #pattern => Err(Error::ErrorResponse(#read)), };
    };
    let variant = variant_name(response);
    let inner = match kind {
        BodyKind::None => quote! { #enum_ident::#variant },
        _ => quote! { #enum_ident::#variant(value.into_inner()) },
    };
    let value = quote! { ResponseValue::new(#inner, status, headers) };
    let result = if is_error { quote! { Err(Error::ErrorResponse(#value)) } } else { quote! { Ok(#value) } };
    quote! {
        #pattern => {
            let value = #read;
            let (status, headers) = (value.status(), value.headers().clone());
            #result
        }
    }
}

/// The error body type `E` of an operation whose error responses share one type (`()` when
/// they have no body), as progenitor and [`generate`] name it in `Error<E>`.
pub fn single_error_type(operation: &Operation, models_crate: &str) -> TokenStream {
    let errors = operation.responses.iter().filter(|r| !r.is_success());
    errors.filter_map(|r| body_type(r, models_crate)).next().unwrap_or_else(|| quote! { () })
}

/// A method's parameters in argument order, as progenitor orders them: path parameters in
/// template order, then query parameters by name.
pub fn method_parameters(operation: &Operation) -> (Vec<&Parameter>, Vec<&Parameter>) {
    let template = template_parameters(&operation.path);
    let mut path_params: Vec<_> = operation.parameters.iter().filter(|p| p.location == ParameterLocation::Path).collect();
    path_params.sort_by_key(|p| template.iter().position(|t| *t == p.name));
    let mut query_params: Vec<_> = operation.parameters.iter().filter(|p| p.location == ParameterLocation::Query).collect();
    query_params.sort_by(|a, b| a.rust_name.cmp(&b.rust_name));
    (path_params, query_params)
}

/// The expression of an operation's URL in a `Client` method: the base URL and the path
/// template with each `{name}` replaced by the percent-encoded argument of that name.
pub fn url_expression(operation: &Operation) -> TokenStream {
    let (path_params, _) = method_parameters(operation);
    let mut format_string = String::from("{}");
    let mut rest = operation.path.as_str();
    let mut url_args = Vec::new();
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else { break };
        format_string.push_str(&rest[..start]);
        format_string.push_str("{}");
        let name = &rest[start + 1..start + len];
        let ident = format_ident!("{}", fn_name(name));
        let is_str = path_params
            .iter()
            .find(|p| p.name == name)
            // Only a plain string is taken as `&str`; a formatted one is a typed value.
            .is_some_and(|p| rust_types::is_plain_str_parameter(&p.schema));
        url_args.push(if is_str { quote! { encode_path(#ident) } } else { quote! { encode_path(&#ident.to_string()) } });
        rest = &rest[start + len + 1..];
    }
    format_string.push_str(rest);
    quote! { format!(#format_string, self.baseurl, #(#url_args),*) }
}

fn operation(api: &Api, operation: &Operation, models_crate: &str) -> (TokenStream, TokenStream) {
    let successes: Vec<&Response> = operation.responses.iter().filter(|r| r.is_success()).collect();
    let errors: Vec<&Response> = operation.responses.iter().filter(|r| !r.is_success()).collect();
    let success_name = success_enum_name(operation);
    let success_ident = format_ident!("{}", success_name);
    let mut enums = vec![response_enum(&success_name, "success", operation, &successes, models_crate)];

    let error_kinds: BTreeSet<BodyKind> = errors.iter().map(|r| body_kind(r)).collect();
    let (error_type, error_enum) = if error_kinds.len() > 1 {
        let name = failure_enum_name(operation);
        enums.push(response_enum(&name, "error", operation, &errors, models_crate));
        let ident = format_ident!("{}", name);
        (quote! { #ident }, Some(ident))
    } else {
        (single_error_type(operation, models_crate), None)
    };

    let (path_params, query_params) = method_parameters(operation);

    let mut arguments = Vec::new();
    let mut argument_docs = String::new();
    for p in path_params.iter().chain(query_params.iter()) {
        let ident = format_ident!("{}", p.rust_name);
        let ty = rust_types::borrowed_parameter(&p.schema, models_crate);
        let ty = if p.required || p.location == ParameterLocation::Path { ty } else { quote! { Option<#ty> } };
        arguments.push(quote! { #ident: #ty });
        argument_docs.push_str(&format!("\n- `{}`: {}", p.rust_name, p.description.as_deref().unwrap_or("").trim()));
    }
    let body = operation.body.as_ref().map(|b| rust_types::owned(&b.schema, models_crate));
    if let Some(ty) = &body {
        arguments.push(quote! { body: &'a #ty });
        argument_docs.push_str("\n- `body`");
    }

    let url = url_expression(operation);

    let method = format_ident!("{}", operation.method.to_ascii_lowercase());
    let queries = query_params.iter().map(|p| {
        let name = &p.name;
        let ident = format_ident!("{}", p.rust_name);
        quote! { .query(&progenitor_client::QueryParam::new(#name, &#ident)) }
    });
    let json_body = body.as_ref().map(|_| quote! { .json(&body) });

    let mut arms: Vec<TokenStream> = successes.iter().map(|r| arm(api, operation, r, Some(&success_ident), false, &error_type, models_crate)).collect();
    arms.extend(errors.iter().filter(|r| r.status != "default").map(|r| arm(api, operation, r, error_enum.as_ref(), true, &error_type, models_crate)));
    let default = errors.iter().find(|r| r.status == "default");
    match default {
        Some(r) => arms.push(arm(api, operation, r, error_enum.as_ref(), true, &error_type, models_crate)),
        None => arms.push(quote! { _ => Err(Error::UnexpectedResponse(response)), }),
    }

    let fn_ident = format_ident!("{}", operation.fn_name);
    let op_name = &operation.fn_name;
    let mut doc = operation.summary.clone().unwrap_or_default();
    if let Some(description) = &operation.description {
        doc.push_str("\n\n");
        doc.push_str(description.trim());
    }
    if let Some(permissions) = crate::ir::permissions::doc_paragraph(operation) {
        doc.push_str("\n\n");
        doc.push_str(&permissions);
    }
    doc.push_str(&format!(
        "\n\nSends a `{}` request to `{}`. The success value tells which documented status came back: see [`{success_name}`].\n\nArguments:{argument_docs}",
        operation.method, operation.path
    ));

    let method_tokens = quote! {
        #[doc = #doc]
        pub async fn #fn_ident<'a>(&'a self, #(#arguments),*) -> Result<ResponseValue<#success_ident>, Error<#error_type>> {
            let url = #url;
            #[allow(unused_mut)]
            let mut request = self
                .client
                .#method(url)
                .header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("application/json"),
                )
                #(#queries)*
                #json_body
                .build()?;
            let info = OperationInfo { operation_id: #op_name };
            self.pre(&mut request, &info).await?;
            let result = self.exec(request, &info).await;
            self.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                #(#arms)*
            }
        }
    };
    (method_tokens, quote! { #(#enums)* })
}
