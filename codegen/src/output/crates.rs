//! The generated crates' manifests and `lib.rs` files.

use crate::output::render::Header;

/// Names of the generated crates.
#[derive(Debug, Clone)]
pub struct CrateNames {
    /// The package name of the models crate, e.g. `github-models`.
    pub models: String,
    /// The package name of the client crate, e.g. `github-client`.
    pub client: String,
    /// The package name of the server crate, e.g. `github-server`.
    pub server: String,
}

impl CrateNames {
    /// `{prefix}-models`, `{prefix}-client` and `{prefix}-server`.
    pub fn with_prefix(prefix: &str) -> Self {
        Self {
            models: format!("{prefix}-models"),
            client: format!("{prefix}-client"),
            server: format!("{prefix}-server"),
        }
    }

    /// The Rust identifier of the models crate (`github_models`).
    pub fn models_ident(&self) -> String {
        self.models.replace('-', "_")
    }
}

/// The versions of the generated crates, written into their manifests: `cargo xtask pin` bumps
/// them by the semver verdict of each bump of the pin (`spec/versions.yaml`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrateVersions {
    /// The models crate's.
    pub models: String,
    /// The client crate's.
    pub client: String,
    /// The server crate's.
    pub server: String,
}

impl Default for CrateVersions {
    fn default() -> Self {
        Self { models: "0.1.0".to_owned(), client: "0.1.0".to_owned(), server: "0.1.0".to_owned() }
    }
}

/// Versions the generated code is written against; the workspace's Cargo.lock pins exact ones.
const SERDE: &str = r#"serde = { version = "1.0.200", features = ["derive"] }"#;
const SERDE_JSON: &str = r#"serde_json = "1.0.120""#;
const CHRONO: &str = r#"chrono = { version = "0.4.38", default-features = false, features = ["serde", "std"] }"#;

/// A generated crate's `Cargo.toml`: the same package fields for every crate, its own
/// description and dependencies (written sorted, so the file does not depend on push order).
fn manifest(header: &Header, name: &str, version: &str, description: &str, mut deps: Vec<String>) -> String {
    deps.sort();
    header.toml_file(&format!(
        r#"[package]
name = "{name}"
version = "{version}"
edition = "2024"
rust-version = "1.88"
description = "{description}"
publish = false

[dependencies]
{deps}
"#,
        deps = deps.join("\n"),
    ))
}

/// `Cargo.toml` of the models crate; `webhooks`: some types are behind that feature
/// (`models::features`), which docs.rs then turns on.
pub fn models_manifest(header: &Header, names: &CrateNames, version: &str, title: &str, uses_chrono: bool, uses_regress: bool, webhooks: bool) -> String {
    let mut deps = vec![SERDE.to_owned(), SERDE_JSON.to_owned()];
    if uses_chrono {
        deps.push(CHRONO.to_owned());
    }
    if uses_regress {
        deps.push(r#"regress = "0.10.3""#.to_owned());
    }
    let mut text = manifest(header, &names.models, version, &format!("Serde models for {title}: one type per schema, with the spec's constraints enforced."), deps);
    if webhooks {
        text.push_str("\n[features]\n# The types of the schemas no operation uses: GitHub's webhook payloads, mostly.\nwebhooks = []\n\n[package.metadata.docs.rs]\nall-features = true\n");
    }
    text
}

/// What the client crate's code uses beyond its fixed dependencies.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClientNeeds {
    /// The spec has secret writes, so the crate seals secrets (`crypto_box`, `base64`, `zeroize`).
    pub sealing: bool,
    /// Parameters with a `date-time` format, which progenitor spells as `chrono` types.
    pub chrono: bool,
}

/// `Cargo.toml` of the client crate.
pub fn client_manifest(header: &Header, names: &CrateNames, version: &str, title: &str, needs: ClientNeeds) -> String {
    let mut deps = vec![
        format!(r#"{} = {{ path = "../models" }}"#, names.models),
        r#"futures-util = { version = "0.3.31", default-features = false }"#.to_owned(),
        r#"progenitor-client = "0.15.1""#.to_owned(),
        r#"reqwest = { version = "0.13.4", default-features = false, features = ["json", "query", "rustls", "http2"] }"#.to_owned(),
        SERDE.to_owned(),
        SERDE_JSON.to_owned(),
        // Where a response body does not fit its type (`runtime/responses.rs`).
        r#"serde_path_to_error = "0.1.16""#.to_owned(),
        // The body of a `ResponseMismatch`, as reqwest gives it.
        r#"bytes = "1.6""#.to_owned(),
        // The version reqwest 0.13 is built on, so `reqwest::Response: From<http::Response<_>>`
        // (`runtime/responses.rs` rebuilds a response whose error body did not fit).
        r#"http = "1.1""#.to_owned(),
        // Only the timer, for the waits between retries; reqwest brings the rest of tokio.
        r#"tokio = { version = "1.40", default-features = false, features = ["time"] }"#.to_owned(),
    ];
    if needs.chrono {
        deps.push(CHRONO.to_owned());
    }
    if needs.sealing {
        deps.push(r#"base64 = "0.22.1""#.to_owned());
        deps.push(r#"crypto_box = { version = "0.9.1", features = ["seal", "std"] }"#.to_owned());
        deps.push(r#"zeroize = "1.8.1""#.to_owned());
    }
    manifest(header, &names.client, version, &format!("Async client (reqwest) for {title}."), deps)
}

/// `Cargo.toml` of the server crate. axum without default features: the crate needs only
/// routing, JSON and query strings; an application adds `tokio`/`http1` to serve.
pub fn server_manifest(header: &Header, names: &CrateNames, version: &str, title: &str, uses_regress: bool, uses_chrono: bool) -> String {
    let mut deps = vec![
        r#"axum = { version = "0.8.4", default-features = false, features = ["json", "query"] }"#.to_owned(),
        format!(r#"{} = {{ path = "../models" }}"#, names.models),
        // To look for `null` in a JSON body before deserializing it straight into its type.
        r#"memchr = "2.7""#.to_owned(),
        SERDE.to_owned(),
        SERDE_JSON.to_owned(),
    ];
    if uses_regress {
        deps.push(r#"regress = "0.10.3""#.to_owned());
    }
    if uses_chrono {
        deps.push(CHRONO.to_owned());
    }
    manifest(header, &names.server, version, &format!("axum server for {title}: one trait method per operation, every request validated against the spec."), deps)
}

/// `src/lib.rs` of the models crate. `has_constrained` says whether `constrained.rs` declares
/// anything (a spec without constrained arrays or maps would otherwise get an unused re-export);
/// `uses_chrono`, whether date-times appear in the types (then `chrono` is re-exported, so that
/// users build them with the crate's own version).
pub fn models_lib(header: &Header, title: &str, version: &str, has_constrained: bool, uses_chrono: bool, webhooks: bool) -> String {
    let webhooks = if webhooks {
        "\n//!\n//! The types of the schemas no operation sends or returns (GitHub's webhook payloads, mostly)\n//! are compiled only with the `webhooks` feature: `features = [\"webhooks\"]`."
    } else {
        ""
    };
    let mut reexport = if has_constrained { "pub use constrained::*;\n".to_owned() } else { String::new() };
    if uses_chrono {
        reexport.push_str("/// The date-time crate of the types' `date-time` fields, re-exported: `chrono::Utc::now()`.\npub use chrono;\n");
    }
    header.rust_source(&format!(
        r#"//! Models for {title} {version}: one Rust type per named schema of the spec, shared by the
//! generated client and server crates.
//!
//! Strings with a `pattern` or length bounds, enums, and arrays or maps with size or uniqueness
//! constraints are newtypes that check the constraint when they are built (`TryFrom`,
//! `FromStr`) or deserialized, so a value that breaks the spec cannot exist.
//!
//! The types are made to survive what GitHub changes without notice:
//!
//! - Structs and enums are `#[non_exhaustive]`: build a struct with its builder
//!   (`Type::builder().field(..).build()?`, which names every missing or invalid field in a
//!   [`BuildError`]), match an enum with a wildcard arm. A field or value added to the spec is
//!   then an addition, not a breaking change.
//! - Enums that responses carry keep values the spec does not list in `Unknown`
//!   ([`UnknownValue`]) and send them back unchanged; structs that responses carry ignore
//!   fields the spec does not declare. Types only requests use stay as strict as the spec.{webhooks}
// The doc comments are GitHub's own descriptions, which mention URLs in prose.
#![allow(rustdoc::bare_urls)]

mod constrained;
mod support;
// typify writes `Default` by hand for enums whose schema names a default variant.
#[allow(clippy::derivable_impls)]
mod types;

{reexport}pub use support::{{BuildError, UnknownValue}};
pub use types::*;
"#
    ))
}

/// `src/lib.rs` of the client crate.
pub fn client_lib(header: &Header, names: &CrateNames, title: &str, version: &str, uses_sealing: bool) -> String {
    let sealing = if uses_sealing {
        "\n//! - Secret writes also get a `..._with_plaintext` method that fetches the public key, seals\n//!   the value and writes it; [`seal_secret`] seals one yourself."
    } else {
        ""
    };
    header.rust_source(&format!(
        r#"//! Async client for {title} {version}, over reqwest.
//!
//! Build a [`Client`] with [`Client::builder`]: the token, GitHub's `Accept`,
//! `X-GitHub-Api-Version` and `User-Agent` headers, timeouts and the [`RetryPolicy`] apply to
//! every request. For GitHub Enterprise Server, set the base URL to `https://HOST/api/v3`.
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {{
//! let client = {client}::Client::builder().token("ghp_...").build()?;
//! let enterprise = {client}::Client::builder().base_url("https://github.example.com/api/v3").build()?;
//! # let _ = (client, enterprise); Ok(()) }}
//! ```
//!
//! - [`Client`] has one method per operation, named after its operationId
//!   (`dependabot/get-org-public-key` is `Client::dependabot_get_org_public_key`). Operations
//!   with more than one documented response type return an enum with one variant per status,
//!   such as `...Success::Created(..)` and `...Success::NoContent`.
//! - Paginated lists also get a `..._stream` method yielding every item of every page
//!   ([`ItemStream`], following the `Link` header).{sealing}
//! - Errors are progenitor's [`Error`]; [`GitHubError::from_error`] reads GitHub's message,
//!   validation errors and rate-limit headers from one.
// The doc comments are GitHub's own descriptions, which mention URLs in prose.
#![allow(rustdoc::bare_urls)]

mod conveniences;
mod multi_status;
mod progenitor;
mod runtime;

pub use multi_status::*;
pub use progenitor::*;
pub use runtime::*;

/// The models crate, re-exported: every parameter, body and response type lives there.
pub use {models} as types;

/// The HTTP client crate this client is built with, re-exported so that a `reqwest::Client`
/// of the same version can be given to [`ClientBuilder::http_client`].
pub use reqwest;
"#,
        client = names.client.replace('-', "_"),
        models = names.models_ident(),
    ))
}

/// `src/runtime/mod.rs` of the client crate: the hand-written modules (`modules`, each copied
/// from `codegen/templates/client/`) and their re-exports.
/// `streams`: whether the spec has paginated lists (otherwise the stream machinery is unused).
pub fn client_runtime_mod(header: &Header, modules: &[&str], streams: bool) -> String {
    let declarations: String = modules
        .iter()
        .map(|m| match (*m, streams) {
            ("pagination", false) => "// No paginated list in this spec: only the `Link` parser is used.\n#[allow(dead_code)]\nmod pagination;\n".to_owned(),
            _ => format!("mod {m};\n"),
        })
        .collect();
    let exports: String = modules
        .iter()
        .map(|m| match *m {
            // Helpers of the generated methods, not part of the client's API, but for the mismatch.
            "responses" => format!("pub(crate) use {m}::*;\npub use {m}::ResponseMismatch;\n"),
            _ => format!("pub use {m}::*;\n"),
        })
        .collect();
    header.rust_source(&format!(
        r#"//! The hand-written part of the client, the same for every spec: the builder and the hooks
//! every request goes through (headers, retries), errors, pagination{sealing}.
//! Each module is copied verbatim from `codegen/templates/client/`.

{declarations}
{exports}"#,
        sealing = if modules.contains(&"sealing") { ", sealing secrets" } else { "" },
    ))
}

/// `src/lib.rs` of the server crate. `documentation_url` is the spec's `externalDocs` URL,
/// which every error body names, as GitHub's do.
pub fn server_lib(header: &Header, names: &CrateNames, title: &str, version: &str, documentation_url: Option<&str>) -> String {
    let documentation_url = match documentation_url {
        Some(url) => format!("Some({url:?})"),
        None => "None".to_owned(),
    };
    header.rust_source(&format!(
        r#"//! An axum server for {title} {version}: implement [`Api`], serve [`router`].
//!
//! - [`Api`] has one method per operation, named after its operationId like the client's
//!   (`dependabot/get-org-secret` is [`Api::dependabot_get_org_secret`]). It takes the
//!   operation's inputs as one struct from [`requests`] and returns the operation's enum from
//!   [`responses`], with one variant per documented status (`Created(..)`, `NoContent`...), or
//!   a [`ServerError`] for anything the spec does not document.
//! - An [`Authenticator`] (yours) turns a request's headers into a caller ([`Principal`], your
//!   type) with its [`Grants`], or a [`Refusal`]. The router holds every caller to the
//!   operation's [`Requirements`] ([`requirements`]: the permissions of fine-grained tokens and
//!   GitHub Apps, the scopes of classic tokens, the one owner and the repositories a token is
//!   limited to) before the body is read, and answers as GitHub does: `401`, `403` naming what
//!   would do (`X-Accepted-GitHub-Permissions`, `X-Accepted-OAuth-Scopes`), `404` for what the
//!   caller may not see. Every method receives a [`RequestContext`] with the caller, the headers
//!   and the request id. There is no default: serving without authentication is
//!   [`AllowEveryone`], by name.
//! - [`router`] (or [`router_with_config`], to set the body limit or the API versions) serves
//!   every operation at its path. A request reaches the implementation only when it is valid:
//!   its parameters and JSON body are checked against the spec by validators generated from the
//!   schemas, and every failing field is listed in a `422 Validation Failed`. Malformed JSON is
//!   a `400`, a wrong content type a `415`, a body over the limit a `413`, an unknown path a
//!   `404` and a wrong method a `405`; every error body is JSON in GitHub's shape.
//!
//! ```ignore
//! use {server}::{{Api, Authenticator, Grants, Principal, Refusal, RequestContext, Requirements, ServerError, bearer_token, requests, responses}};
//!
//! struct Caller {{ grants: Grants }}
//!
//! impl Principal for Caller {{
//!     fn grants(&self) -> &Grants {{ &self.grants }}
//! }}
//!
//! struct Tokens;
//!
//! impl Authenticator for Tokens {{
//!     type Principal = Caller;
//!
//!     async fn authenticate(&self, headers: &axum::http::HeaderMap, _: &'static Requirements) -> Result<Caller, Refusal> {{
//!         let Some(token) = bearer_token(headers)? else {{ return Err(Refusal::missing_credentials()) }};
//!         // Look the token up (compare in constant time); never log it.
//!         Err(Refusal::bad_credentials())
//!     }}
//! }}
//!
//! struct Secrets;
//!
//! impl Api for Secrets {{
//!     type Caller = Caller;
//!
//!     async fn dependabot_get_org_secret(
//!         &self,
//!         context: RequestContext<Caller>,
//!         request: requests::DependabotGetOrgSecret,
//!     ) -> Result<responses::DependabotGetOrgSecret, ServerError> {{
//!         // Look the secret up; the spec documents only `200`, so "no such secret" is a `ServerError`.
//!         Err(ServerError::not_found())
//!     }}
//!     // ... one method per operation
//! }}
//!
//! let app = {server}::router(Secrets, Tokens);
//! ```
// The doc comments are GitHub's own descriptions, which mention URLs in prose.
#![allow(rustdoc::bare_urls)]

mod api;
mod auth;
pub mod requests;
pub mod requirements;
pub mod responses;
mod router;
mod runtime;
mod validation;

pub use api::Api;
pub use auth::{{
    Access, AllowEveryone, Anyone, Authenticator, DEFAULT_API_VERSIONS, GrantedPermissions, Grants, Permission, Principal, Refusal, Repositories, RequestContext,
    RequestId, Requirements, TokenKind, bearer_token,
}};
pub use router::{{router, router_with_config}};
pub use runtime::{{DEFAULT_BODY_LIMIT, RouterConfig, ServerError}};

/// The models crate, re-exported: every parameter, body and response type lives there.
pub use {models} as models;

/// The `documentation_url` of every error body this server sends: the spec's `externalDocs`.
pub const DOCUMENTATION_URL: Option<&str> = {documentation_url};
"#,
        server = names.server.replace('-', "_"),
        models = names.models_ident(),
    ))
}
