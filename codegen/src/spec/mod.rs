//! The input stage: reading a spec, checking it, pinning a subset of GitHub's description,
//! normalizing it so that every schema has a Rust name, and reading the codegen configuration.
//! Also the facts about OpenAPI ([`openapi`]) and the naming rules ([`naming`]) that every
//! later stage shares. Nothing here knows about the generated crates.
//!
//! - [`load`]: text (YAML or JSON) to a JSON tree, and a tree to `openapiv3` types, with every
//!   failure located by a JSON pointer;
//! - [`validate`]: every problem that would make a generator panic, reported together;
//! - [`pin`]: the listed operations and their `$ref` closure, from a full description;
//! - [`normalize`]: the spec rewritten so that every schema the generators see is named;
//! - [`config`]: the codegen configuration file, parsed (the IR applies it);
//! - [`permissions`]: who may call each operation, pinned from GitHub's docs data and the
//!   descriptions (`cargo xtask pin`), and the pinned file read back (`regen`).

pub mod config;
pub mod load;
pub mod naming;
pub mod normalize;
pub mod openapi;
pub mod permissions;
pub mod pin;
pub mod validate;
