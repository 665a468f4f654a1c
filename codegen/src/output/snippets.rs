//! Per-operation and per-type excerpts of the generated code, for snapshots a reviewer can
//! read: a spec change touches only the excerpts of the operations and types it changes.

use std::collections::BTreeMap;

use crate::output::render::item_source;

/// Splits a models file into one excerpt per type: its definition and every `impl` for it.
/// Items that are not about one type (helper modules) go under `"(support)"`.
pub fn by_type(file: &syn::File) -> BTreeMap<String, String> {
    let declared: Vec<String> = file
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            syn::Item::Type(t) => Some(t.ident.to_string()),
            _ => None,
        })
        .collect();
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for item in &file.items {
        let key = match item {
            syn::Item::Struct(s) => s.ident.to_string(),
            syn::Item::Enum(e) => e.ident.to_string(),
            syn::Item::Type(t) => t.ident.to_string(),
            syn::Item::Impl(i) => impl_owner(i, &declared).unwrap_or_else(|| "(support)".to_owned()),
            _ => "(support)".to_owned(),
        };
        let entry = out.entry(key).or_default();
        if !entry.is_empty() {
            entry.push('\n');
        }
        entry.push_str(&item_source(item));
    }
    out
}

/// The declared type an `impl` is about: its self type, or for `impl From<Ours> for String`,
/// the declared type named in the trait's arguments.
fn impl_owner(block: &syn::ItemImpl, declared: &[String]) -> Option<String> {
    let own = self_type_name(&block.self_ty).filter(|name| declared.contains(name));
    own.or_else(|| {
        let (_, trait_path, _) = block.trait_.as_ref()?;
        let last = trait_path.segments.last()?;
        let syn::PathArguments::AngleBracketed(arguments) = &last.arguments else { return None };
        arguments.args.iter().find_map(|argument| match argument {
            syn::GenericArgument::Type(ty) => self_type_name(ty).filter(|name| declared.contains(name)),
            _ => None,
        })
    })
}

fn self_type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        syn::Type::Reference(r) => self_type_name(&r.elem),
        _ => None,
    }
}

/// Extracts the `impl Client` methods of a client file, by method name, each wrapped in its
/// own `impl Client { ... }` so it reads as Rust.
pub fn client_methods(file: &syn::File) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for item in &file.items {
        let syn::Item::Impl(block) = item else { continue };
        if block.trait_.is_some() || self_type_name(&block.self_ty).as_deref() != Some("Client") {
            continue;
        }
        // The block without its methods, cloned once per method: cloning the whole block
        // for each method made this quadratic (90% of generating GitHub's whole description).
        let shell = syn::ItemImpl {
            attrs: Vec::new(),
            defaultness: block.defaultness,
            unsafety: block.unsafety,
            impl_token: block.impl_token,
            generics: block.generics.clone(),
            trait_: block.trait_.clone(),
            self_ty: block.self_ty.clone(),
            brace_token: block.brace_token,
            items: Vec::new(),
        };
        for member in &block.items {
            let syn::ImplItem::Fn(method) = member else { continue };
            let mut single = shell.clone();
            single.items = vec![member.clone()];
            out.insert(method.sig.ident.to_string(), item_source(&syn::Item::Impl(single)));
        }
    }
    out
}
