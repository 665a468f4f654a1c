//! The types no operation uses, behind the models crate's `webhooks` feature.
//!
//! GitHub's description defines the payloads of its webhooks as schemas too (on the whole
//! description, 797 of the 2,648 distinct types, and a third of the models' code), though no
//! operation sends or returns them. They are compiled only with `features = ["webhooks"]`: a
//! client or a server of the REST API does not pay for them, and an app that receives webhooks
//! has them. A type is used when an operation's parameters, body or responses reach it
//! ([`crate::ir::Model::used_by_operations`]), or a used type mentions it, or it is the
//! canonical type of a used alias; the rest get `#[cfg(feature = "webhooks")]`, with their
//! impls, builders and serde default functions.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{TokenStream, TokenTree};
use quote::{ToTokens, quote};

use crate::output::render::Code;

/// The types to put behind the feature: every name in `references` (type -> the types it
/// mentions, aliases included) that `roots` do not reach.
pub fn unused(roots: &BTreeSet<String>, references: &BTreeMap<String, BTreeSet<String>>, aliases: &BTreeMap<String, String>) -> BTreeSet<String> {
    let mut reached: BTreeSet<&str> = BTreeSet::new();
    let mut pending: Vec<&str> = roots.iter().map(String::as_str).collect();
    while let Some(name) = pending.pop() {
        if !reached.insert(name) {
            continue;
        }
        pending.extend(references.get(name).into_iter().flatten().map(String::as_str));
        pending.extend(aliases.get(name).map(String::as_str));
    }
    references.keys().filter(|name| !reached.contains(name.as_str())).cloned().collect()
}

/// The attribute that puts an item written as text behind the feature, on a line of its own.
pub const GATE: &str = "#[cfg(feature = \"webhooks\")]\n";

/// A types-module item behind the feature: tokens as [`gated`] puts them, text (our string
/// enums' items, one item each) with the attribute on a line of its own before it.
pub fn gated_code(code: Code) -> Code {
    match code {
        Code::Tokens(tokens) => Code::Tokens(gated(tokens)),
        Code::Item(mut item) => {
            if let Some(attrs) = item_attrs(&mut item) {
                attrs.insert(0, syn::parse_quote! { #[cfg(feature = "webhooks")] });
                Code::Item(item)
            } else {
                Code::Tokens(gated(item.into_token_stream()))
            }
        }
        Code::Text(text) => Code::Text(format!("{GATE}{text}")),
    }
}

/// The attributes of a struct or an enum (the items the rewrite parses).
fn item_attrs(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    match item {
        syn::Item::Struct(item) => Some(&mut item.attrs),
        syn::Item::Enum(item) => Some(&mut item.attrs),
        _ => None,
    }
}

/// The items of `code` behind the feature, each of them (a constrained newtype comes with its
/// impls).
pub fn gated(code: TokenStream) -> TokenStream {
    let mut out = TokenStream::new();
    for item in crate::output::render::top_level_items(code) {
        let item: TokenStream = item.into_iter().collect();
        out.extend(quote! {
            #[cfg(feature = "webhooks")]
            #item
        });
    }
    out
}

/// typify's `defaults` module (serde's default functions) with each function that names a
/// type in `unused` behind the feature; the others, some of which only gated types use, may
/// then be unused.
pub fn gate_defaults(item: TokenStream, unused: &BTreeSet<String>) -> TokenStream {
    let Ok(mut module) = syn::parse2::<syn::ItemMod>(item.clone()) else { return item };
    let Some((_, contents)) = &mut module.content else { return item };
    for member in contents.iter_mut() {
        if let syn::Item::Fn(function) = member
            && mentions(&function.to_token_stream(), unused)
        {
            function.attrs.push(syn::parse_quote! { #[cfg(feature = "webhooks")] });
        }
    }
    module.attrs.push(syn::parse_quote! { #[cfg_attr(not(feature = "webhooks"), allow(dead_code))] });
    module.into_token_stream()
}

/// Whether `tokens` name one of `names`.
fn mentions(tokens: &TokenStream, names: &BTreeSet<String>) -> bool {
    tokens.clone().into_iter().any(|token| match token {
        TokenTree::Ident(ident) => names.contains(&ident.to_string()),
        TokenTree::Group(group) => mentions(&group.stream(), names),
        _ => false,
    })
}

/// The names among `names` that `tokens` mention.
pub fn mentioned(tokens: &TokenStream, names: &BTreeSet<String>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    collect(tokens, names, &mut found);
    found
}

fn collect(tokens: &TokenStream, names: &BTreeSet<String>, found: &mut BTreeSet<String>) {
    for token in tokens.clone() {
        match token {
            TokenTree::Ident(ident) => {
                let text = ident.to_string();
                if names.contains(&text) {
                    found.insert(text);
                }
            }
            TokenTree::Group(group) => collect(&group.stream(), names, found),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|name| (*name).to_owned()).collect()
    }

    #[test]
    fn what_operations_do_not_reach_is_unused_and_aliases_keep_their_canonical_type() {
        let references: BTreeMap<String, BTreeSet<String>> = [
            ("Repository", set(&["User"])),
            ("User", set(&[])),
            ("RepositoryOwner", set(&[])),
            ("WebhookPush", set(&["Repository", "WebhookPushPusher"])),
            ("WebhookPushPusher", set(&[])),
        ]
        .into_iter()
        .map(|(name, mentions)| (name.to_owned(), mentions))
        .collect();
        // `RepositoryOwner` is an alias of the webhook's `WebhookPushPusher`.
        let aliases: BTreeMap<String, String> = [("RepositoryOwner".to_owned(), "WebhookPushPusher".to_owned())].into_iter().collect();
        assert_eq!(unused(&set(&["Repository"]), &references, &aliases), set(&["RepositoryOwner", "WebhookPush", "WebhookPushPusher"]));
        assert_eq!(unused(&set(&["Repository", "RepositoryOwner"]), &references, &aliases), set(&["WebhookPush"]));
    }

    #[test]
    fn every_item_of_a_type_is_gated() {
        let text = gated(quote! { pub struct A(Vec<B>); impl From<A> for Vec<B> { fn from(a: A) -> Self { a.0 } } }).to_string();
        assert_eq!(text.matches("# [cfg (feature = \"webhooks\")]").count(), 2, "{text}");
    }

    #[test]
    fn default_functions_of_unused_types_are_gated_too() {
        let defaults = quote! {
            pub mod defaults {
                pub(super) fn webhook_push_ref() -> super::WebhookPushRef { super::WebhookPushRef::Main }
                pub(super) fn page() -> i64 { 1 }
            }
        };
        let text = gate_defaults(defaults, &set(&["WebhookPushRef"])).to_string();
        assert!(text.contains("# [cfg (feature = \"webhooks\")] pub (super) fn webhook_push_ref"), "{text}");
        assert!(text.contains("} pub (super) fn page"), "{text}");
    }
}
