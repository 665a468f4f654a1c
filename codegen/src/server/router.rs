//! The handlers (one per operation) and the `router` function serving them at their paths.
//!
//! Each handler first admits the caller (`crate::auth`: API version, authentication, owner and
//! repository, permissions: `400`, `401`, `404`, `403`), then reads and validates the input, then
//! calls the trait; the headers of the admission (`X-GitHub-Request-Id`, the accepted
//! permissions or scopes, the caller's own) go on whatever the answer is.
//!
//! OpenAPI path templates (`/orgs/{org}`) are already axum 0.8 route syntax. Each path's
//! method router gets a fallback answering `405` in GitHub's error shape (with `Allow`), and
//! the router a fallback answering `404`; the body limit is axum's `DefaultBodyLimit`, which
//! the runtime's body reader honours.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::requirements::const_ident;
use super::routes::Route;
use super::{method_ident, operation_line, type_ident};
use crate::ir::{Api, Operation};
use crate::output::render::{Code, doc_line};

/// The handler of `operation`: admits the caller, reads and validates the input, calls the
/// trait, responds. As text: the same code for every operation but for its names, written in
/// rustfmt's layout rather than as tokens for prettyplease to parse back.
pub fn handler(operation: &Operation) -> String {
    let method = method_ident(operation);
    let ty = type_ident(operation);
    let requirements = const_ident(operation);
    let doc = format!("Serves {}: admits the caller, validates the request, then calls [`Api::{method}`].", operation_line(operation));
    let mut text = String::new();
    doc_line(&mut text, "", &doc);
    let _ = writeln!(
        text,
        "async fn {method}<A: Api, U: Authenticator<Principal = A::Caller>>(State(served): State<Arc<Served<A, U>>>, request: Request) -> Response {{
    let Admitted {{ mut context, request, path, answer }} = match served.admit::<requests::{ty}>(&requirements::{requirements}, request).await {{
        Ok(admitted) => admitted,
        Err(refusal) => return refusal,
    }};
    let response = match read::<requests::{ty}>(request, path, &mut context.headers, served.typed_first).await {{
        Ok(input) => respond(served.api.{method}(context, input).await),
        Err(rejection) => rejection.into_response(),
    }};
    answer.finish(response)
}}"
    );
    text
}

/// The `router.rs` file: `router`, `router_with_config` and the handlers (as text).
pub fn file<'a>(api: &Api, routes: &BTreeMap<String, Route>, handlers: impl Iterator<Item = &'a String>) -> Vec<Code> {
    // Routes in order, each with its operations by method (see `routes.rs` for operations
    // served under a template other than their path).
    let mut paths: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
    for operation in &api.operations {
        let template = routes.get(&operation.id).map_or(operation.path.as_str(), |route| route.template.as_str());
        paths.entry(template).or_default().push(operation);
    }
    let mut routing_functions: BTreeSet<String> = BTreeSet::new();
    let routes = paths.iter().map(|(path, operations)| {
        let mut operations = operations.clone();
        operations.sort_by(|a, b| a.method.cmp(&b.method));
        let mut chain = TokenStream::new();
        for (index, operation) in operations.iter().enumerate() {
            let verb = format_ident!("{}", operation.method.to_ascii_lowercase());
            let handler = method_ident(operation);
            if index == 0 {
                routing_functions.insert(verb.to_string());
                chain = quote! { #verb(#handler::<A, U>) };
            } else {
                chain = quote! { #chain.#verb(#handler::<A, U>) };
            }
        }
        let allow = operations.iter().map(|o| o.method.as_str()).collect::<Vec<_>>().join(", ");
        quote! {
            .route(#path, #chain.fallback(|| async { method_not_allowed(#allow) }))
        }
    });
    let routes: Vec<TokenStream> = routes.collect();
    let routing_functions = routing_functions.iter().map(|f| format_ident!("{}", f));
    let router_doc = format!(
        "The axum router serving every operation of {} with `api`, its callers authenticated by `authenticator`, with the default [`RouterConfig`] (a body limit of [`crate::DEFAULT_BODY_LIMIT`] bytes).\n\nThere is no default authenticator: to serve without authentication, pass [`crate::AllowEveryone`].",
        api.title
    );
    let head = quote! {
        use std::sync::Arc;

        use axum::Router;
        use axum::extract::{DefaultBodyLimit, Request, State};
        use axum::response::{IntoResponse, Response};
        use axum::routing::{#(#routing_functions),*};

        use crate::auth::{Admitted, Served};
        use crate::runtime::{method_not_allowed, not_found, read, respond};
        use crate::{Api, Authenticator, RouterConfig, requests, requirements};

        #[doc = #router_doc]
        pub fn router<A: Api, U: Authenticator<Principal = A::Caller>>(api: A, authenticator: U) -> Router {
            router_with_config(api, authenticator, RouterConfig::default())
        }

        /// The axum router serving every operation with `api`, its callers authenticated by
        /// `authenticator`, configured by `config`.
        ///
        /// Before an implementation method runs, its request has been checked in this order:
        /// route and method (`404`, `405`), the `X-GitHub-Api-Version` (`400`), the caller,
        /// from the headers alone (`401` without or with refused credentials), the owner and
        /// repository it may see (`404`), the permissions or scopes the operation requires
        /// (`403`), then the content type of a JSON body (`415`), body size (`413`), JSON syntax
        /// (`400 Problems parsing JSON`), then every path, query and header parameter and the
        /// body against the spec, all at once (`422 Validation Failed`, listing each failing
        /// field). Every error body is JSON in GitHub's shape, and every answer carries an
        /// `X-GitHub-Request-Id`.
        pub fn router_with_config<A: Api, U: Authenticator<Principal = A::Caller>>(api: A, authenticator: U, config: RouterConfig) -> Router {
            let served = Served::new(api, authenticator, &config);
            Router::new()
                #(#routes)*
                .fallback(not_found)
                .layer(DefaultBodyLimit::max(config.body_limit))
                .with_state(Arc::new(served))
        }
    };
    let mut code = vec![Code::Tokens(head)];
    code.extend(handlers.map(|handler| Code::Text(handler.clone())));
    code
}
