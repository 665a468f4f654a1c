//! Turning generated code into files, usable from every stage: the one-line header and
//! prettyplease formatting ([`render`]), code written as indented text ([`lines`]), the crates' manifests and `lib.rs` files ([`crates`]),
//! the per-item excerpts of the snapshot tests ([`snippets`]), and the boundary that turns a
//! panic inside typify or progenitor into a diagnostic ([`guard`]).

pub mod crates;
pub mod guard;
pub mod lines;
pub mod render;
pub mod snippets;
