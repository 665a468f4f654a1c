//! typify's output, item by item, made into types that survive spec changes:
//!
//! - every string enum is written by [`super::enums`] (open, with `Unknown`, when clients read
//!   it), in place of typify's enum and its `Display`, `FromStr` and `TryFrom` impls;
//! - a struct or enum clients read loses `#[serde(deny_unknown_fields)]`: a response with a
//!   field the description does not declare yet still parses (the server's validators still
//!   refuse undeclared fields in requests, where the spec says so);
//! - a struct's `Deserialize` is ours rather than serde's derive, where it can be
//!   ([`super::deserialize`]): the same behaviour, much less code to compile;
//! - a type that is a copy of another under another name becomes an alias of it
//!   ([`super::dedup`]);
//! - the impls typify writes for its newtypes come out as text ([`super::newtypes`]).
//!
//! The structs go on to their builders ([`super::builders`]), and the items to
//! [`super::features`], which puts the types no operation uses behind a feature.
//!
//! Only structs, enums and the impls of string enums are parsed; everything else passes through
//! as tokens, so this costs little next to typify itself. The string enums come out as text
//! ([`StringEnum::generate`]), the structs too, written from their parsed items
//! ([`struct_text`]), the rest as tokens for prettyplease.

use std::collections::BTreeSet;

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use typify::{TypeDetails, TypeSpace};

use super::dedup;
use super::deserialize::Object;
use super::enums::{StringEnum, is_replaced_impl};
use super::newtypes::Newtype;
use crate::output::render::{Code, struct_text, top_level_items};

/// typify's output, rewritten.
pub struct Rewritten {
    /// The items of the types module, each with the type it belongs to.
    pub items: Vec<(Option<String>, Code)>,
    /// The structs, for their builders (copies included: an alias's struct is among them).
    pub structs: Vec<syn::ItemStruct>,
    /// The structs whose `Deserialize` we write instead of serde's derive (copies included).
    pub objects: Vec<Object>,
    /// The types that are copies of another (see [`super::dedup`]): copy -> canonical type.
    pub aliases: std::collections::BTreeMap<String, String>,
    /// Type -> the other types it mentions.
    pub references: std::collections::BTreeMap<String, BTreeSet<String>>,
}

/// Rewrites typify's `types` as described above; `read` names the types clients read. Without
/// `own_deserialize`, the structs keep serde's derived `Deserialize`.
pub fn rewrite(types: TokenStream, read: &BTreeSet<String>, own_deserialize: bool) -> Rewritten {
    let items = top_level_items(types);
    // The string enums first: their impls, which follow them, are replaced too.
    let mut enums: BTreeSet<String> = BTreeSet::new();
    let mut parsed: Vec<Parsed> = Vec::with_capacity(items.len());
    for item in items {
        let kept = match declared(&item) {
            Some(("enum", name)) => match syn::parse2::<syn::ItemEnum>(item.iter().cloned().collect()) {
                Ok(parsed) if StringEnum::recognize(&parsed) => {
                    enums.insert(name);
                    Parsed::Enum(StringEnum::new(parsed))
                }
                // Other enums (typify's untagged ones) only change where clients read them.
                Ok(mut parsed) if read.contains(&name) => {
                    allow_unknown_fields(&mut parsed.attrs);
                    Parsed::Tokens(parsed.into_token_stream().into_iter().collect())
                }
                _ => Parsed::Tokens(item),
            },
            Some(("struct", _)) => match syn::parse2::<syn::ItemStruct>(item.iter().cloned().collect()) {
                Ok(parsed) => Parsed::Struct(parsed),
                Err(_) => Parsed::Tokens(item),
            },
            _ => Parsed::Tokens(item),
        };
        parsed.push(kept);
    }
    let mut items: Vec<dedup::Item> = Vec::with_capacity(parsed.len());
    let mut structs: Vec<syn::ItemStruct> = Vec::new();
    let mut objects: Vec<Object> = Vec::new();
    let mut owner: Option<String> = None;
    // The newtype declared last, whose impls typify writes right after it.
    let mut newtype: Option<Newtype> = None;
    for item in parsed {
        if !matches!(item, Parsed::Tokens(_)) {
            newtype = None;
        }
        match item {
            Parsed::Enum(string_enum) => {
                let name = string_enum.item.ident.to_string();
                let open = read.contains(&name);
                for (index, text) in string_enum.generate(open).into_iter().enumerate() {
                    items.push(dedup::Item { code: Code::Text(text), owner: Some(name.clone()), declares: index == 0 });
                }
                owner = Some(name);
            }
            Parsed::Struct(mut item) => {
                let name = item.ident.to_string();
                if read.contains(&name) {
                    allow_unknown_fields(&mut item.attrs);
                }
                if own_deserialize {
                    objects.extend(Object::take_over(&mut item));
                }
                // Written as text from the parsed struct, not formatted by prettyplease (which
                // would parse it again from tokens); the builders read the struct itself.
                newtype = Newtype::recognize(&item);
                let code = match struct_text(&item) {
                    Some(text) => Code::Text(text),
                    None => Code::Item(Box::new(syn::Item::Struct(item.clone()))),
                };
                structs.push(item);
                items.push(dedup::Item { code, owner: Some(name.clone()), declares: true });
                owner = Some(name);
            }
            Parsed::Tokens(item) if is_replaced_impl(&item, &enums) => {}
            Parsed::Tokens(item) if let Some(text) = newtype.as_ref().and_then(|newtype| newtype.impl_text(&item)) => {
                items.push(dedup::Item { code: Code::Text(text), owner: owner.clone(), declares: false });
            }
            Parsed::Tokens(item) => match declared(&item) {
                Some((_, name)) => {
                    newtype = None;
                    items.push(dedup::Item { code: Code::Tokens(item.into_iter().collect()), owner: Some(name.clone()), declares: true });
                    owner = Some(name);
                }
                // An impl belongs to the type before it (typify writes a type's impls right
                // after it), if it names that type; anything else belongs to no type.
                None if is_impl_of(&item, owner.as_deref()) => items.push(dedup::Item { code: Code::Tokens(item.into_iter().collect()), owner: owner.clone(), declares: false }),
                None => {
                    newtype = None;
                    items.push(dedup::Item { code: Code::Tokens(item.into_iter().collect()), owner: None, declares: false });
                    owner = None;
                }
            },
        }
    }
    let merged = dedup::merge(items);
    Rewritten { items: merged.items, structs, objects, aliases: merged.aliases, references: merged.references }
}

/// Whether `item` is an `impl` that names the type `owner`.
fn is_impl_of(item: &[TokenTree], owner: Option<&str>) -> bool {
    let Some(owner) = owner else { return false };
    let starts_with_impl = matches!(item.first(), Some(TokenTree::Ident(ident)) if ident == "impl");
    starts_with_impl && item.iter().any(|token| matches!(token, TokenTree::Ident(ident) if ident == owner))
}

/// A top-level item, parsed when the rewrite changes it.
enum Parsed {
    Enum(StringEnum),
    Struct(syn::ItemStruct),
    Tokens(Vec<TokenTree>),
}

/// The keyword and name of a `struct` or `enum` item, read from its tokens: attributes
/// (`#` and a bracket group) and the visibility come first.
fn declared(item: &[TokenTree]) -> Option<(&'static str, String)> {
    let mut tokens = item.iter().peekable();
    while let Some(token) = tokens.next() {
        match token {
            TokenTree::Punct(p) if p.as_char() == '#' => {
                tokens.next();
            }
            TokenTree::Ident(ident) if ident == "pub" => {
                if matches!(tokens.peek(), Some(TokenTree::Group(g)) if g.delimiter() == proc_macro2::Delimiter::Parenthesis) {
                    tokens.next();
                }
            }
            TokenTree::Ident(ident) if ident == "struct" || ident == "enum" => {
                let keyword = if ident == "struct" { "struct" } else { "enum" };
                return match tokens.next() {
                    Some(TokenTree::Ident(name)) => Some((keyword, name.to_string())),
                    _ => None,
                };
            }
            _ => return None,
        }
    }
    None
}

/// Drops `deny_unknown_fields` from an item's `#[serde(...)]` attributes.
fn allow_unknown_fields(attrs: &mut Vec<syn::Attribute>) {
    attrs.retain_mut(|attr| {
        if !attr.path().is_ident("serde") {
            return true;
        }
        let Ok(list) = attr.meta.require_list() else { return true };
        let Ok(nested) = list.parse_args_with(syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated) else { return true };
        let kept: Vec<&syn::Meta> = nested.iter().filter(|meta| !meta.path().is_ident("deny_unknown_fields")).collect();
        if kept.len() == nested.len() {
            return true;
        }
        if kept.is_empty() {
            return false;
        }
        *attr = syn::parse_quote! { #[serde(#(#kept),*)] };
        true
    });
}

/// The names of the types typify declared for `roots` and for everything they contain
/// (properties, items, map values, variants, newtype contents), transitively.
pub fn contained_types(type_space: &TypeSpace, roots: &BTreeSet<String>) -> BTreeSet<String> {
    let named: std::collections::BTreeMap<String, typify::Type<'_>> = type_space
        .iter_types()
        .filter(|t| matches!(t.details(), TypeDetails::Struct(_) | TypeDetails::Enum(_) | TypeDetails::Newtype(_)))
        .map(|t| (t.name(), t))
        .collect();
    let mut found: BTreeSet<String> = BTreeSet::new();
    let mut pending: Vec<typify::TypeId> = Vec::new();
    let mut seen_ids: BTreeSet<typify::TypeId> = BTreeSet::new();
    let visit = |ty: &typify::Type<'_>, pending: &mut Vec<typify::TypeId>, found: &mut BTreeSet<String>| match ty.details() {
        TypeDetails::Struct(details) => {
            found.insert(ty.name());
            pending.extend(details.properties().map(|(_, id)| id));
        }
        TypeDetails::Enum(details) => {
            found.insert(ty.name());
            for (_, variant) in details.variants() {
                match variant {
                    typify::TypeEnumVariant::Simple => {}
                    typify::TypeEnumVariant::Tuple(ids) => pending.extend(ids),
                    typify::TypeEnumVariant::Struct(properties) => pending.extend(properties.into_iter().map(|(_, id)| id)),
                }
            }
        }
        TypeDetails::Newtype(details) => {
            found.insert(ty.name());
            pending.push(details.inner());
        }
        TypeDetails::Option(id) | TypeDetails::Vec(id) | TypeDetails::Set(id) | TypeDetails::Box(id) | TypeDetails::Array(id, _) => pending.push(id),
        TypeDetails::Map(key, value) => pending.extend([key, value]),
        TypeDetails::Tuple(ids) => pending.extend(ids),
        TypeDetails::Builtin(_) | TypeDetails::Unit | TypeDetails::String => {}
    };
    for root in roots {
        if let Some(ty) = named.get(root) {
            visit(ty, &mut pending, &mut found);
        }
    }
    while let Some(id) = pending.pop() {
        if !seen_ids.insert(id.clone()) {
            continue;
        }
        if let Ok(ty) = type_space.get_type(&id)
            && !found.contains(&ty.name())
        {
            visit(&ty, &mut pending, &mut found);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn deny_unknown_fields_goes_and_other_serde_options_stay() {
        let mut alone: syn::ItemStruct = syn::parse_quote! { #[derive(Debug)] #[serde(deny_unknown_fields)] pub struct A {} };
        allow_unknown_fields(&mut alone.attrs);
        assert_eq!(alone.to_token_stream().to_string(), "# [derive (Debug)] pub struct A { }");
        let mut shared: syn::ItemStruct = syn::parse_quote! { #[serde(deny_unknown_fields, rename_all = "camelCase")] pub struct B {} };
        allow_unknown_fields(&mut shared.attrs);
        assert_eq!(shared.to_token_stream().to_string(), "# [serde (rename_all = \"camelCase\")] pub struct B { }");
    }

    #[test]
    fn items_are_recognized_by_their_tokens() {
        let items = top_level_items(quote! {
            #[doc = "x"] #[derive(Debug)] pub struct S { pub a: i64 }
            pub(crate) enum E { A }
            impl S {}
            pub mod m {}
        });
        let kinds: Vec<Option<(&str, String)>> = items.iter().map(|item| declared(item)).collect();
        assert_eq!(kinds, [Some(("struct", "S".to_owned())), Some(("enum", "E".to_owned())), None, None]);
    }
}
