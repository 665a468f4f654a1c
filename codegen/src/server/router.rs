//! The handlers (one per operation) and the `router` function serving them at their paths.
//!
//! OpenAPI path templates (`/orgs/{org}`) are already axum 0.8 route syntax. Each path's
//! method router gets a fallback answering `405` in GitHub's error shape (with `Allow`), and
//! the router a fallback answering `404`; the body limit is axum's `DefaultBodyLimit`, which
//! the runtime's body reader honours.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::routes::Route;
use super::{method_ident, operation_line, type_ident};
use crate::ir::{Api, Operation};

/// The handler of `operation`: reads and validates the input, calls the trait, responds.
pub fn handler(operation: &Operation) -> TokenStream {
    let method = method_ident(operation);
    let ty = type_ident(operation);
    let doc = format!("Serves {}: validates the request, then calls [`Api::{method}`].", operation_line(operation));
    quote! {
        #[doc = #doc]
        async fn #method<A: Api>(State(api): State<Arc<A>>, request: Request) -> Response {
            match read::<requests::#ty>(request).await {
                Ok(input) => respond(api.#method(input).await),
                Err(rejection) => rejection.into_response(),
            }
        }
    }
}

/// The `router.rs` file: `router`, `router_with_config` and the handlers.
pub fn file<'a>(api: &Api, routes: &BTreeMap<String, Route>, handlers: impl Iterator<Item = &'a TokenStream>) -> TokenStream {
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
                chain = quote! { #verb(#handler::<A>) };
            } else {
                chain = quote! { #chain.#verb(#handler::<A>) };
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
        "The axum router serving every operation of {} with `api`, with the default [`RouterConfig`] (a body limit of [`crate::DEFAULT_BODY_LIMIT`] bytes).",
        api.title
    );
    quote! {
        use std::sync::Arc;

        use axum::Router;
        use axum::extract::{DefaultBodyLimit, Request, State};
        use axum::response::{IntoResponse, Response};
        use axum::routing::{#(#routing_functions),*};

        use crate::runtime::{method_not_allowed, not_found, read, respond};
        use crate::{Api, RouterConfig, requests};

        #[doc = #router_doc]
        pub fn router<A: Api>(api: A) -> Router {
            router_with_config(api, RouterConfig::default())
        }

        /// The axum router serving every operation with `api`, configured by `config`.
        ///
        /// Before an implementation method runs, its request has been checked in this order:
        /// route and method (`404`, `405`), content type of a JSON body (`415`), body size
        /// (`413`), JSON syntax (`400 Problems parsing JSON`), then every path, query and header
        /// parameter and the body against the spec, all at once (`422 Validation Failed`,
        /// listing each failing field). Every error body is JSON in GitHub's shape.
        pub fn router_with_config<A: Api>(api: A, config: RouterConfig) -> Router {
            Router::new()
                #(#routes)*
                .fallback(not_found)
                .layer(DefaultBodyLimit::max(config.body_limit))
                // `read` finds `typed_first` here.
                .layer(::axum::Extension(config))
                .with_state(Arc::new(api))
        }

        #(#handlers)*
    }
}
