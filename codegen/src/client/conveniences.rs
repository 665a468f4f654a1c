//! Client methods built on the generated ones, from what the IR says about operations
//! (`ir::annotate` and the codegen configuration), never written per operation:
//!
//! - for each paginated list ([`crate::ir::Operation::pagination`]), `<method>_stream`: every
//!   item of every page, following the `Link` header (runtime: `templates/client/pagination.rs`);
//! - for each secret write ([`crate::ir::Operation::sealed_with`]), `<method>_with_plaintext`:
//!   fetch the public key, seal the plaintext, write, and say whether the secret was created or
//!   updated (runtime: `templates/client/sealing.rs`); and `SealingKey` for the key's type.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::multi_status::{method_parameters, single_error_type, url_expression};
use crate::ir::annotate::{plaintext_method, sealing_key_of, stream_method};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::ir::{Api, Operation, Pagination, ParameterLocation, rust_types};
use crate::spec::naming::fn_name;
use crate::spec::openapi::ref_name;

/// The generated `conveniences.rs` of the client, and whether it needs the sealing runtime.
pub struct Conveniences {
    /// The methods' code (text: a token stream cannot move between the generator threads).
    methods: Vec<String>,
    /// The models that are public keys, each to get a `SealingKey` impl.
    keys: BTreeSet<String>,
    /// The models crate.
    krate: String,
    /// Whether any secret-writing method was generated.
    pub uses_sealing: bool,
}

/// The model type named by `key_operation`'s `200` body.
fn key_model(key_operation: &Operation) -> Option<&str> {
    let ok = key_operation.responses.iter().find(|r| r.status == "200")?;
    ok.body.as_ref()?.schema.as_ref().and_then(ref_name)
}

/// Generates the conveniences of every operation of `api`, whose models live in `models_crate`.
pub fn generate(api: &Api, models_crate: &str) -> Conveniences {
    let mut methods = Vec::new();
    let mut keys = BTreeSet::new();
    for operation in &api.operations {
        if let (Some(name), Some(pagination)) = (stream_method(api, operation), &operation.pagination) {
            methods.push(stream(operation, pagination, &name, models_crate));
        }
        let key = sealing_key_of(api, operation).and_then(|key_operation| Some((key_operation, key_model(key_operation)?)));
        if let (Some(name), Some((key_operation, model))) = (plaintext_method(api, operation), key) {
            methods.push(plaintext(api, operation, key_operation, &name, models_crate));
            keys.insert(model.to_owned());
        }
    }
    let uses_sealing = !keys.is_empty();
    Conveniences { methods: methods.iter().map(ToString::to_string).collect(), keys, krate: models_crate.to_owned(), uses_sealing }
}

impl Conveniences {
    /// Whether the methods' code mentions `text` (`chrono::`, for the manifest).
    pub fn mentions(&self, text: &str) -> bool {
        self.methods.iter().any(|method| method.replace(' ', "").contains(text))
    }

    /// The file's code. `canonical` names the type a model name stands for (a model that is a
    /// copy of another is an alias of it, `models::dedup`), so that two keys of one type get
    /// one `SealingKey` impl.
    pub fn file(&self, canonical: impl Fn(&str) -> String) -> Result<TokenStream, Diagnostics> {
        let krate = format_ident!("{}", self.krate);
        let keys: BTreeSet<String> = self.keys.iter().map(|key| canonical(key)).collect();
        let key_impls = keys.iter().map(|model| {
            let ident = format_ident!("{}", model);
            quote! {
                impl crate::SealingKey for ::#krate::#ident {
                    fn key_id(&self) -> &str {
                        &self.key_id
                    }
                    fn public_key_base64(&self) -> &str {
                        &self.key
                    }
                }
            }
        });
        let imports = if self.uses_sealing {
            quote! { use crate::{Client, Error, ItemStream, SecretValue, SecretWrite, seal_secret}; }
        } else {
            quote! { use crate::{Client, ItemStream}; }
        };
        let imports = quote! {
            #imports
            use progenitor_client::encode_path;
        };
        let methods = self
            .methods
            .iter()
            .map(|method| method.parse::<TokenStream>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|error| Diagnostics::one(Diagnostic::new("(generated code)", "#", format!("a generated client convenience does not read back as tokens: {error}"), "this is a bug in the code generator; please report it with the spec")))?;
        Ok(if methods.is_empty() {
            quote! {
                //! Methods built on the generated ones: none for this spec (no paginated lists with
                //! a `Link` header, no secret writes).
            }
        } else {
            quote! {
                //! Methods built on the generated ones: item streams over paginated lists, and
                //! secret writes that take the plaintext and seal it.
                #[allow(unused_imports)]
                #imports

                #(#key_impls)*

                impl Client {
                    #(#methods)*
                }
            }
        })
    }
}

/// `<method>_stream`: the operation's arguments without `page`, yielding each item.
fn stream(operation: &Operation, pagination: &Pagination, name: &str, models_crate: &str) -> TokenStream {
    let (path, query) = method_parameters(operation);
    let mut arguments = Vec::new();
    let mut call = Vec::new();
    for p in path.iter().chain(query.iter()) {
        let ident = format_ident!("{}", p.rust_name);
        if p.location == ParameterLocation::Query && p.name == "page" {
            call.push(quote! { None });
            continue;
        }
        let ty = rust_types::borrowed_parameter(&p.schema, models_crate);
        let ty = if p.required || p.location == ParameterLocation::Path { ty } else { quote! { Option<#ty> } };
        arguments.push(quote! { #ident: #ty });
        call.push(quote! { #ident });
    }
    let item = rust_types::owned(&pagination.item_schema, models_crate);
    let krate = format_ident!("{}", models_crate);
    let page = format_ident!("{}", pagination.page_model);
    let field = format_ident!("{}", fn_name(&pagination.items_property));
    let error = single_error_type(operation, models_crate);
    let method = format_ident!("{}", operation.fn_name);
    let stream = format_ident!("{}", name);
    let operation_name = &operation.fn_name;
    let operation_id = &operation.id;
    let url = url_expression(operation);
    let per_page_default = query
        .iter()
        .find(|p| p.name == "per_page")
        .and_then(|p| p.schema.get("default"))
        .map(|d| format!(" (`None`: the API's default, {d})"))
        .unwrap_or_default();
    let doc = format!(
        "Every item of `{id}` (`{method} {path}`), page after page: the `{items}` of each page, following the `Link: <...>; rel=\"next\"` header until the last page.\n\n\
         The first page is [`Client::{fn_name}`] without `page`; `per_page` sets the page size{per_page_default}. Each page is one request through the client's hooks (headers, retries). A failed request is the stream's last item.",
        id = operation.id,
        method = operation.method,
        path = operation.path,
        items = pagination.items_property,
        fn_name = operation.fn_name,
    );
    quote! {
        #[doc = #doc]
        pub fn #stream<'a>(&'a self, #(#arguments),*) -> ItemStream<'a, #item, #error> {
            let first_url = #url;
            crate::runtime::paginate(self, #operation_name, #operation_id, &first_url, self.#method(#(#call),*), |page: ::#krate::#page| page.#field)
        }
    }
}

/// `<method>_with_plaintext`: fetch the key, seal, write.
fn plaintext(api: &Api, operation: &Operation, key_operation: &Operation, name: &str, models_crate: &str) -> TokenStream {
    let (path, _) = method_parameters(operation);
    let arguments: Vec<TokenStream> = path
        .iter()
        .map(|p| {
            let ident = format_ident!("{}", p.rust_name);
            let ty = rust_types::borrowed_parameter(&p.schema, models_crate);
            quote! { #ident: #ty }
        })
        .collect();
    let call: Vec<TokenStream> = path.iter().map(|p| { let ident = format_ident!("{}", p.rust_name); quote! { #ident } }).collect();
    let (key_path, _) = method_parameters(key_operation);
    let key_call: Vec<TokenStream> = key_path.iter().map(|p| { let ident = format_ident!("{}", p.rust_name); quote! { #ident } }).collect();

    // The body type, and whether it has fields besides the sealed ones (then the caller gives them).
    let body_model = operation.body.as_ref().and_then(|b| ref_name(&b.schema)).unwrap_or_default();
    let other_fields: Vec<String> = api
        .models
        .iter()
        .find(|m| m.name == body_model)
        .and_then(|m| m.schema.get("properties").and_then(serde_json::Value::as_object))
        .map(|p| p.keys().filter(|k| *k != "encrypted_value" && *k != "key_id").map(|k| format!("`{k}`")).collect())
        .unwrap_or_default();
    let krate = format_ident!("{}", models_crate);
    let body_ident = format_ident!("{}", body_model);
    let body_type = quote! { ::#krate::#body_ident };
    let (body_argument, build_body, body_doc) = if other_fields.is_empty() {
        (quote! {}, quote! { sealed.to_request() }, String::new())
    } else {
        (
            quote! { , body: &'a #body_type },
            quote! { sealed.fill(body) },
            format!(
                " `body` gives the other fields ({}); its `encrypted_value` and `key_id` are replaced (leave them `None`).",
                other_fields.join(", ")
            ),
        )
    };
    let method = format_ident!("{}", operation.fn_name);
    let key_method = format_ident!("{}", key_operation.fn_name);
    let ident = format_ident!("{}", name);
    let doc = format!(
        "Creates or updates a secret from its plaintext: fetches the public key with [`Client::{key_fn}`], seals `value` for it ([`crate::seal_secret`]), and sends `{id}` with [`Client::{fn_name}`].{body_doc}\n\n\
         Returns whether the secret was created or updated. `value` is zeroed in memory once sealed. Errors of either request are returned untyped ([`Error`]), as is a key that cannot be used (`Error::InvalidRequest`).",
        key_fn = key_operation.fn_name,
        id = operation.id,
        fn_name = operation.fn_name,
    );
    quote! {
        #[doc = #doc]
        pub async fn #ident<'a>(&'a self, #(#arguments,)* value: impl Into<SecretValue> #body_argument) -> Result<SecretWrite, Error> {
            let value = value.into();
            let key = self.#key_method(#(#key_call),*).await.map_err(Error::into_untyped)?.into_inner();
            let sealed = seal_secret(&key, value).map_err(|e| Error::InvalidRequest(e.to_string()))?;
            let body: #body_type = #build_body.map_err(|e| Error::InvalidRequest(e.to_string()))?;
            let response = self.#method(#(#call,)* &body).await.map_err(Error::into_untyped)?;
            Ok(SecretWrite::from_status(response.status()))
        }
    }
}
