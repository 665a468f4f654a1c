//! The public Rust API of the generated crates, read from their files, and its semver diff: the
//! verdict "judged from the code we generate". Each crate's items become entries (`struct X`,
//! `X.field: Type`, `enum X`, `X::Variant(..)`, `X: Clone`, `Client::method(..) -> ..`,
//! `Api::method(..)`), and two versions' entries are compared by Cargo's semver rules:
//!
//! - an entry removed, or changed (a field's type, a method's signature), is major;
//! - an entry added is minor, except a field of a struct or a variant of an enum that is not
//!   `#[non_exhaustive]`, and a method of the `Api` trait (every implementation must add it),
//!   which are major.
//!
//! cargo-semver-checks cannot see type changes; this can. What it cannot see is behaviour: a
//! tighter constraint on an unchanged type. The spec rules (`super::rules`) judge those.

use std::collections::BTreeMap;

use quote::ToTokens;

use super::Semver;

/// The crates, by the folder of their files in the generator's output.
pub const CRATES: [&str; 3] = ["models", "client", "server"];

/// The files whose items make a crate's API; the hand-written runtimes are the same for every
/// spec, and builders follow their structs.
const API_FILES: [(&str, &str); 8] = [
    ("models", "models/src/types.rs"),
    ("models", "models/src/constrained.rs"),
    ("client", "client/src/progenitor.rs"),
    ("client", "client/src/multi_status.rs"),
    ("client", "client/src/conveniences.rs"),
    ("server", "server/src/api.rs"),
    ("server", "server/src/requests.rs"),
    ("server", "server/src/responses.rs"),
];

/// One API entry: what it is (for the rules) and its text (compared).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    kind: Kind,
    text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// A type, with whether it is `#[non_exhaustive]`.
    Type { non_exhaustive: bool },
    /// A field or a variant of the type whose entry is `owner_key` (`struct X`).
    Member { owner_key: String },
    /// A trait the type `owner` derives or implements.
    Derive { owner: String },
    /// A method of the `Api` trait.
    TraitMethod,
    /// Anything else (inherent methods, trait impls, derives).
    Other,
}

/// One difference between two versions of a crate's API.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ApiChange {
    /// The crate folder: `models`, `client` or `server`.
    #[serde(rename = "crate")]
    pub krate: &'static str,
    /// What it asks of the crate's version.
    pub semver: Semver,
    /// What changed, e.g. `changed MinimalRepositoryLicense.url: Option<String> -> Option<Option<String>>`.
    pub what: String,
}

/// The API entries of every crate in `files` (the generator's output), by crate and key.
fn entries(files: &BTreeMap<String, String>) -> BTreeMap<&'static str, BTreeMap<String, Entry>> {
    let mut out: BTreeMap<&'static str, BTreeMap<String, Entry>> = BTreeMap::new();
    for (krate, path) in API_FILES {
        let Some(text) = files.get(path) else { continue };
        let Ok(file) = syn::parse_file(text) else { continue };
        let module = match path {
            "server/src/requests.rs" => "requests::",
            "server/src/responses.rs" => "responses::",
            _ => "",
        };
        let entries = out.entry(krate).or_default();
        for item in &file.items {
            item_entries(item, module, entries);
        }
    }
    out
}

fn tokens(node: &impl ToTokens) -> String {
    node.to_token_stream().to_string()
}

fn is_public(visibility: &syn::Visibility) -> bool {
    matches!(visibility, syn::Visibility::Public(_))
}

fn has_attr(attrs: &[syn::Attribute], name: &str) -> bool {
    attrs.iter().any(|attr| attr.path().is_ident(name))
}

/// The traits an item derives, as entries `X: Trait`.
fn derives(attrs: &[syn::Attribute], name: &str, entries: &mut BTreeMap<String, Entry>) {
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("derive")) {
        let _ = attr.parse_nested_meta(|meta| {
            let last = meta.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
            let kind = Kind::Derive { owner: name.to_owned() };
            entries.insert(format!("{name}: {last}"), Entry { kind, text: String::new() });
            Ok(())
        });
    }
}

/// A variant's fields without their attributes: `(T)`, `{ body: T, link: Option<String> }`.
fn fields_text(fields: &syn::Fields) -> String {
    let each = |field: &syn::Field| match &field.ident {
        Some(name) => format!("{name}: {}", readable(&tokens(&field.ty))),
        None => readable(&tokens(&field.ty)),
    };
    match fields {
        syn::Fields::Unit => String::new(),
        syn::Fields::Unnamed(unnamed) => format!("({})", unnamed.unnamed.iter().map(each).collect::<Vec<_>>().join(", ")),
        syn::Fields::Named(named) => format!("{{ {} }}", named.named.iter().map(each).collect::<Vec<_>>().join(", ")),
    }
}

/// A method as two entries, so that a change reads as what changed: its arguments (`name(..)`)
/// and what it returns (`name returns`).
fn method_entries(name: &str, signature: &syn::Signature, kind: Kind, entries: &mut BTreeMap<String, Entry>) {
    let inputs = signature.inputs.iter().map(tokens).collect::<Vec<_>>().join(", ");
    let output = match &signature.output {
        syn::ReturnType::Default => "()".to_owned(),
        syn::ReturnType::Type(_, ty) => tokens(ty),
    };
    let asyncness = if signature.asyncness.is_some() { "async " } else { "" };
    entries.insert(format!("{name}(..)"), Entry { kind: kind.clone(), text: format!("{asyncness}{}({inputs})", tokens(&signature.generics)) });
    // The return type is not a separate item: adding the method is reported once, above.
    let returns = match kind {
        Kind::TraitMethod | Kind::Other => Kind::Member { owner_key: format!("{name}(..)") },
        other => other,
    };
    entries.insert(format!("{name} returns"), Entry { kind: returns, text: output });
}

fn item_entries(item: &syn::Item, module: &str, entries: &mut BTreeMap<String, Entry>) {
    match item {
        syn::Item::Struct(item) if is_public(&item.vis) => {
            let name = format!("{module}{}", item.ident);
            let non_exhaustive = has_attr(&item.attrs, "non_exhaustive");
            entries.insert(format!("struct {name}"), Entry { kind: Kind::Type { non_exhaustive }, text: String::new() });
            derives(&item.attrs, &name, entries);
            for (index, field) in item.fields.iter().enumerate().filter(|(_, f)| is_public(&f.vis)) {
                let field_name = field.ident.as_ref().map_or_else(|| index.to_string(), ToString::to_string);
                let kind = Kind::Member { owner_key: format!("struct {name}") };
                entries.insert(format!("{name}.{field_name}"), Entry { kind, text: tokens(&field.ty) });
            }
        }
        syn::Item::Enum(item) if is_public(&item.vis) => {
            let name = format!("{module}{}", item.ident);
            let non_exhaustive = has_attr(&item.attrs, "non_exhaustive");
            entries.insert(format!("enum {name}"), Entry { kind: Kind::Type { non_exhaustive }, text: String::new() });
            derives(&item.attrs, &name, entries);
            for variant in &item.variants {
                let kind = Kind::Member { owner_key: format!("enum {name}") };
                entries.insert(format!("{name}::{}", variant.ident), Entry { kind, text: fields_text(&variant.fields) });
            }
        }
        syn::Item::Impl(block) => {
            let self_type = tokens(&block.self_ty);
            match &block.trait_ {
                Some((_, path, _)) => {
                    let owner = format!("{module}{}", readable(&self_type));
                    entries.insert(format!("{owner}: {}", readable(&tokens(path))), Entry { kind: Kind::Derive { owner }, text: String::new() });
                }
                None => {
                    for member in &block.items {
                        if let syn::ImplItem::Fn(method) = member
                            && is_public(&method.vis)
                        {
                            method_entries(&format!("{module}{self_type}::{}", method.sig.ident), &method.sig, Kind::Other, entries);
                        }
                    }
                }
            }
        }
        syn::Item::Trait(item) if is_public(&item.vis) => {
            entries.insert(format!("trait {}", item.ident), Entry { kind: Kind::Other, text: tokens(&item.supertraits) });
            for member in &item.items {
                if let syn::TraitItem::Fn(method) = member {
                    // A method with a default body can be added without breaking implementations.
                    let kind = if method.default.is_some() { Kind::Other } else { Kind::TraitMethod };
                    method_entries(&format!("{}::{}", item.ident, method.sig.ident), &method.sig, kind, entries);
                }
            }
        }
        syn::Item::Fn(item) if is_public(&item.vis) => {
            entries.insert(format!("fn {module}{}", item.sig.ident), Entry { kind: Kind::Other, text: tokens(&item.sig) });
        }
        syn::Item::Type(item) if is_public(&item.vis) => {
            entries.insert(format!("type {module}{}", item.ident), Entry { kind: Kind::Other, text: tokens(&item.ty) });
        }
        syn::Item::Const(item) if is_public(&item.vis) => {
            entries.insert(format!("const {module}{}", item.ident), Entry { kind: Kind::Other, text: tokens(&item.ty) });
        }
        _ => {}
    }
}

/// Shortens token text for reading: `:: std :: option :: Option < :: x_models :: T >` is
/// `Option<T>`.
fn readable(text: &str) -> String {
    // The models crate's path first (`:: github_models ::`): every type lives there.
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut kept: Vec<&str> = Vec::with_capacity(words.len());
    let mut index = 0;
    while index < words.len() {
        if words[index] == "::" && words.get(index + 1).is_some_and(|w| w.ends_with("_models")) && words.get(index + 2) == Some(&"::") {
            index += 3;
            continue;
        }
        kept.push(words[index]);
        index += 1;
    }
    let mut out = kept
        .join(" ")
        .replace(" :: ", "::")
        .replace(":: ", "::")
        .replace(" < ", "<")
        .replace(" <", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
        .replace(",>", ">")
        .replace(",)", ")")
        .replace("& ", "&")
        .replace(" : ", ": ")
        .replace("( ", "(")
        .replace(" (", "(");
    for prefix in ["::std::option::", "::std::string::", "::std::vec::", "::std::collections::", "::std::boxed::", "::std::result::", "::std::convert::", "::std::fmt::", "::std::str::", "::std::ops::"] {
        out = out.replace(prefix, "");
    }
    out
}

/// Whether `entries` declare the type `name` (a struct or an enum).
fn has_type(entries: &BTreeMap<String, Entry>, name: &str) -> bool {
    entries.contains_key(&format!("struct {name}")) || entries.contains_key(&format!("enum {name}"))
}

/// How the API of each crate changed from `old` to `new` (the generator's files of each).
pub fn diff(old: &BTreeMap<String, String>, new: &BTreeMap<String, String>) -> Vec<ApiChange> {
    let (old, new) = (entries(old), entries(new));
    let empty = BTreeMap::new();
    let mut out = Vec::new();
    for krate in CRATES {
        let (before, after) = (old.get(krate).unwrap_or(&empty), new.get(krate).unwrap_or(&empty));
        for (key, entry) in before {
            match after.get(key) {
                // A removed type's members and traits go with it.
                None if matches!(&entry.kind, Kind::Member { owner_key } if !after.contains_key(owner_key)) => {}
                None if matches!(&entry.kind, Kind::Derive { owner } if !has_type(after, owner)) => {}
                None => out.push(ApiChange { krate, semver: Semver::Major, what: format!("removed {key}") }),
                Some(now) if now.kind != entry.kind || now.text != entry.text => {
                    let semver = match (&entry.kind, &now.kind) {
                        // No longer `#[non_exhaustive]`: what compiled still does.
                        (Kind::Type { non_exhaustive: true }, Kind::Type { non_exhaustive: false }) => Semver::Minor,
                        _ => Semver::Major,
                    };
                    let what = match (&entry.kind, &now.kind) {
                        (Kind::Type { .. }, Kind::Type { non_exhaustive }) => {
                            format!("{key} {} #[non_exhaustive]", if *non_exhaustive { "became" } else { "is no longer" })
                        }
                        _ => format!("changed {key}: {} -> {}", readable(&entry.text), readable(&now.text)),
                    };
                    out.push(ApiChange { krate, semver, what });
                }
                Some(_) => {}
            }
        }
        for (key, entry) in after.iter().filter(|(key, _)| !before.contains_key(*key)) {
            let (semver, why) = match &entry.kind {
                Kind::TraitMethod => (Semver::Major, " (every implementation must add it)"),
                Kind::Derive { owner } if !has_type(before, owner) => continue,
                Kind::Derive { .. } => (Semver::Minor, ""),
                // A method's return type, reported with the method.
                Kind::Member { owner_key } if owner_key.ends_with("(..)") => continue,
                Kind::Member { owner_key } => match after.get(owner_key).map(|owner| &owner.kind) {
                    // A new type's members are part of the new type.
                    _ if !before.contains_key(owner_key) => continue,
                    Some(Kind::Type { non_exhaustive: true }) => (Semver::Minor, ""),
                    _ => (Semver::Major, " (to a type that is not #[non_exhaustive])"),
                },
                Kind::Type { .. } | Kind::Other => (Semver::Minor, ""),
            };
            let shown = if entry.text.is_empty() { key.clone() } else { format!("{key}: {}", readable(&entry.text)) };
            out.push(ApiChange { krate, semver, what: format!("added {shown}{why}") });
        }
    }
    out.sort_by(|a, b| (a.krate, std::cmp::Reverse(a.semver), &a.what).cmp(&(b.krate, std::cmp::Reverse(b.semver), &b.what)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(types: &str, api: &str) -> BTreeMap<String, String> {
        BTreeMap::from([("models/src/types.rs".to_owned(), types.to_owned()), ("server/src/api.rs".to_owned(), api.to_owned())])
    }

    #[test]
    fn type_changes_additions_and_trait_methods_get_their_semver() {
        let old = files(
            "#[non_exhaustive] #[derive(Clone, Copy)] pub struct A { pub x: i64 } pub struct B { pub y: String } pub enum E { One }",
            "pub trait Api { fn a(&self); }",
        );
        let new = files(
            "#[non_exhaustive] #[derive(Clone)] pub struct A { pub x: Option<i64>, pub z: bool } pub struct B { pub y: String, pub w: u8 } #[non_exhaustive] pub enum E { One, Two }",
            "pub trait Api { fn a(&self); fn b(&self); }",
        );
        let found: Vec<(&str, Semver, String)> = diff(&old, &new).into_iter().map(|c| (c.krate, c.semver, c.what)).collect();
        assert_eq!(
            found,
            [
                ("models", Semver::Major, "added B.w: u8 (to a type that is not #[non_exhaustive])".to_owned()),
                ("models", Semver::Major, "changed A.x: i64 -> Option<i64>".to_owned()),
                ("models", Semver::Major, "enum E became #[non_exhaustive]".to_owned()),
                ("models", Semver::Major, "removed A: Copy".to_owned()),
                ("models", Semver::Minor, "added A.z: bool".to_owned()),
                ("models", Semver::Minor, "added E::Two".to_owned()),
                ("server", Semver::Major, "added Api::b(..): (&self) (every implementation must add it)".to_owned()),
            ]
        );
    }
}
