//! The generated crates' manifests and `lib.rs` files.

use crate::render::Header;

/// Names of the generated crates.
#[derive(Debug, Clone)]
pub struct CrateNames {
    /// The package name of the models crate, e.g. `github-models`.
    pub models: String,
    /// The package name of the client crate, e.g. `github-client`.
    pub client: String,
}

impl CrateNames {
    /// `{prefix}-models` and `{prefix}-client`.
    pub fn with_prefix(prefix: &str) -> Self {
        Self {
            models: format!("{prefix}-models"),
            client: format!("{prefix}-client"),
        }
    }

    /// The Rust identifier of the models crate (`github_models`).
    pub fn models_ident(&self) -> String {
        self.models.replace('-', "_")
    }
}

/// Versions the generated code is written against; the workspace's Cargo.lock pins exact ones.
const SERDE: &str = r#"serde = { version = "1.0.200", features = ["derive"] }"#;
const SERDE_JSON: &str = r#"serde_json = "1.0.120""#;

/// `Cargo.toml` of the models crate.
pub fn models_manifest(header: &Header, names: &CrateNames, title: &str, uses_chrono: bool, uses_regress: bool) -> String {
    let mut deps = vec![SERDE.to_owned(), SERDE_JSON.to_owned()];
    if uses_chrono {
        deps.push(r#"chrono = { version = "0.4.38", default-features = false, features = ["serde", "std"] }"#.to_owned());
    }
    if uses_regress {
        deps.push(r#"regress = "0.10.3""#.to_owned());
    }
    deps.sort();
    header.toml_file(&format!(
        r#"[package]
name = "{name}"
version = "0.1.0"
edition = "2024"
rust-version = "1.88"
description = "Serde models for {title}: one type per schema, with the spec's constraints enforced."
publish = false

[dependencies]
{deps}
"#,
        name = names.models,
        deps = deps.join("\n"),
    ))
}

/// `Cargo.toml` of the client crate.
pub fn client_manifest(header: &Header, names: &CrateNames, title: &str) -> String {
    header.toml_file(&format!(
        r#"[package]
name = "{name}"
version = "0.1.0"
edition = "2024"
rust-version = "1.88"
description = "Async client (reqwest) for {title}."
publish = false

[dependencies]
{models} = {{ path = "../models" }}
progenitor-client = "0.15.1"
reqwest = {{ version = "0.13.4", default-features = false, features = ["json", "query", "rustls", "http2"] }}
{SERDE}
{SERDE_JSON}
"#,
        name = names.client,
        models = names.models,
    ))
}

/// `src/lib.rs` of the models crate.
pub fn models_lib(header: &Header, title: &str, version: &str) -> String {
    header.rust_source(&format!(
        r#"//! Models for {title} {version}: one Rust type per named schema of the spec, shared by the
//! generated client and server crates.
//!
//! Strings with a `pattern` or length bounds, enums, and arrays or maps with size or uniqueness
//! constraints are newtypes that check the constraint when they are built (`TryFrom`,
//! `FromStr`) or deserialized, so a value that breaks the spec cannot exist.
// The doc comments are GitHub's own descriptions, which mention URLs in prose.
#![allow(rustdoc::bare_urls)]

mod constrained;
// typify writes `Default` by hand for enums whose schema names a default variant.
#[allow(clippy::derivable_impls)]
mod types;

pub use constrained::*;
pub use types::*;
"#
    ))
}

/// `src/lib.rs` of the client crate.
pub fn client_lib(header: &Header, names: &CrateNames, title: &str, version: &str) -> String {
    header.rust_source(&format!(
        r#"//! Async client for {title} {version}, over reqwest.
//!
//! [`Client`] has one method per operation, named after its operationId
//! (`dependabot/get-org-public-key` is [`Client::dependabot_get_org_public_key`]). Operations
//! with more than one documented response type return an enum with one variant per status,
//! such as `...Success::Created(..)` and `...Success::NoContent`.
// The doc comments are GitHub's own descriptions, which mention URLs in prose.
#![allow(rustdoc::bare_urls)]

mod multi_status;
mod progenitor;

pub use multi_status::*;
pub use progenitor::*;

/// The models crate, re-exported: every parameter, body and response type lives there.
pub use {models} as types;
"#,
        models = names.models_ident(),
    ))
}
