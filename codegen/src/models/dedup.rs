//! One definition for each distinct type: typify names every inline schema after where it
//! appears, so GitHub's description, which repeats the same small schemas everywhere (the
//! `read`/`write` enum of each of the 40-odd app permissions, in every webhook payload that
//! carries an app; the `Link` object; `open`/`closed`), gives thousands of types that differ
//! only in name. On the whole description half of the 7,846 types are such copies.
//!
//! Each copy becomes an alias of one canonical type (`pub type Copy = Canonical;`, keeping its
//! own doc comment): the same fields, serde behaviour and impls, compiled once. Two types are
//! copies when their definitions and impls are the same token for token, doc comments aside,
//! with their own name replaced and every type they mention replaced by its canonical type, so
//! that two structs whose fields are copies of each other are copies too (rounds until nothing
//! changes). The canonical type of a set of copies is the one with the shortest name (then the
//! first in alphabetical order): names typify derives from a parent get longer with nesting, so
//! the shortest is the most general.
//!
//! Copies are found in the final code (after the string enums are written and the structs
//! clients read lose `deny_unknown_fields`), so an open and a closed enum with the same values
//! stay two types.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::{format_ident, quote};

/// A top-level item of the types module, with the type it belongs to.
pub struct Item {
    /// The item's tokens.
    pub tokens: Vec<TokenTree>,
    /// The struct or enum this item declares, or the one it follows (its impls); `None` for
    /// items that belong to no type (modules, uses).
    pub owner: Option<String>,
    /// Whether this item declares `owner`.
    pub declares: bool,
}

/// The outcome: the items to emit and, for each copy, its canonical type.
pub struct Merged {
    /// The items, in their order, with every copy's items replaced by its alias.
    pub items: Vec<TokenStream>,
    /// Copy -> canonical type.
    pub aliases: BTreeMap<String, String>,
}

/// Replaces copies by aliases, as the module documentation says.
pub fn merge(items: Vec<Item>) -> Merged {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (index, item) in items.iter().enumerate() {
        if let Some(owner) = &item.owner {
            groups.entry(owner.clone()).or_default().push(index);
        }
    }
    let aliases = find_copies(&items, &groups);

    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match item.owner.as_deref().and_then(|owner| aliases.get(owner).map(|canonical| (owner, canonical))) {
            Some((owner, canonical)) if item.declares => out.push(alias(&item.tokens, owner, canonical)),
            // A copy's impls go with it: the canonical type has them.
            Some(_) => {}
            None => out.push(item.tokens.into_iter().collect()),
        }
    }
    Merged { items: out, aliases }
}

/// Copy -> canonical type, for every type that has a copy with another name.
fn find_copies<'a>(items: &[Item], groups: &'a BTreeMap<String, Vec<usize>>) -> BTreeMap<String, String> {
    let names: BTreeSet<&'a str> = groups.keys().map(String::as_str).collect();
    let mut canonical: HashMap<&'a str, &'a str> = names.iter().map(|name| (*name, *name)).collect();
    loop {
        let mut by_key: HashMap<String, Vec<&'a str>> = HashMap::new();
        for (name, indices) in groups {
            let mut key = String::new();
            for index in indices {
                write_key(&items[*index].tokens, name, &canonical, &mut key);
                key.push('\n');
            }
            by_key.entry(key).or_default().push(name.as_str());
        }
        let mut changed = false;
        for members in by_key.values() {
            let Some(chosen) = members.iter().copied().min_by(|a, b| (a.len(), *a).cmp(&(b.len(), *b))) else { continue };
            for member in members {
                // Membership only grows from round to round, so the canonical type of a set
                // only gets shorter: compare with the one already chosen.
                let current = canonical[member];
                let best = if (chosen.len(), chosen) < (current.len(), current) { chosen } else { current };
                if best != current {
                    canonical.insert(member, best);
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    names.iter().filter_map(|name| Some((name.to_string(), resolve(&canonical, name)?.to_owned()))).collect()
}

/// The canonical type of `name`, following chains (a type whose chosen canonical type was
/// itself merged into another later); `None` when `name` is canonical.
fn resolve<'a>(canonical: &HashMap<&'a str, &'a str>, name: &'a str) -> Option<&'a str> {
    let mut current = name;
    while let Some(next) = canonical.get(current).filter(|next| **next != current) {
        current = next;
    }
    (current != name).then_some(current)
}

/// The item's tokens as a comparison key: doc comments left out, `own` as `Self`, every type
/// name as its current canonical type.
fn write_key(tokens: &[TokenTree], own: &str, canonical: &HashMap<&str, &str>, key: &mut String) {
    let mut index = 0;
    while index < tokens.len() {
        match &tokens[index] {
            TokenTree::Punct(p) if p.as_char() == '#' && tokens.get(index + 1).is_some_and(is_doc_attribute) => {
                index += 2;
                continue;
            }
            TokenTree::Ident(ident) => {
                let text = ident.to_string();
                if text == own {
                    key.push_str("Self");
                } else {
                    key.push_str(canonical.get(text.as_str()).copied().unwrap_or(&text));
                }
            }
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Parenthesis => ('(', ')'),
                    Delimiter::Brace => ('{', '}'),
                    Delimiter::Bracket => ('[', ']'),
                    Delimiter::None => (' ', ' '),
                };
                key.push(open);
                let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                write_key(&inner, own, canonical, key);
                key.push(close);
            }
            TokenTree::Punct(p) => key.push(p.as_char()),
            TokenTree::Literal(literal) => key.push_str(&literal.to_string()),
        }
        key.push(' ');
        index += 1;
    }
}

fn is_doc_attribute(token: &TokenTree) -> bool {
    match token {
        TokenTree::Group(group) if group.delimiter() == Delimiter::Bracket => {
            matches!(group.stream().into_iter().next(), Some(TokenTree::Ident(ident)) if ident == "doc")
        }
        _ => false,
    }
}

/// `pub type Copy = Canonical;`, with the copy's doc comment.
fn alias(definition: &[TokenTree], name: &str, canonical: &str) -> TokenStream {
    let mut docs = TokenStream::new();
    let mut index = 0;
    while index + 1 < definition.len() {
        match (&definition[index], &definition[index + 1]) {
            (TokenTree::Punct(p), attribute) if p.as_char() == '#' => {
                if is_doc_attribute(attribute) {
                    docs.extend([definition[index].clone(), attribute.clone()]);
                }
                index += 2;
            }
            _ => break,
        }
    }
    let separator = (!docs.is_empty()).then(|| quote! { #[doc = ""] });
    let note = format!("The same type as [`{canonical}`]: the schemas are identical.");
    let (name, canonical) = (format_ident!("{name}"), format_ident!("{canonical}"));
    quote! {
        #docs
        #separator
        #[doc = #note]
        pub type #name = #canonical;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::render::top_level_items;

    /// Items as `rewrite` hands them over: each impl owned by the type before it.
    fn items(code: TokenStream) -> Vec<Item> {
        let mut owner = None;
        top_level_items(code)
            .into_iter()
            .map(|tokens| {
                let declared = tokens.windows(2).find_map(|pair| match pair {
                    [TokenTree::Ident(keyword), TokenTree::Ident(name)] if keyword == "struct" || keyword == "enum" => Some(name.to_string()),
                    _ => None,
                });
                let declares = declared.is_some();
                if declared.is_some() {
                    owner = declared;
                }
                Item { tokens, owner: owner.clone(), declares }
            })
            .collect()
    }

    fn merged(code: TokenStream) -> (String, BTreeMap<String, String>) {
        let merged = merge(items(code));
        let text = merged.items.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n");
        (text, merged.aliases)
    }

    #[test]
    fn copies_become_aliases_of_the_shortest_name_and_nested_copies_follow() {
        let (text, aliases) = merged(quote! {
            /// Read or write.
            pub enum AppPermissionsActions { Read, Write }
            impl AppPermissionsActions { pub fn as_str(&self) -> &str { "x" } }
            /// Read or write, for checks.
            pub enum Checks { Read, Write }
            impl Checks { pub fn as_str(&self) -> &str { "x" } }
            pub struct Outer { pub a: AppPermissionsActions }
            pub struct OuterCopy { pub a: Checks }
            pub struct Different { pub a: Checks, pub b: i64 }
        });
        let expected: BTreeMap<String, String> =
            [("AppPermissionsActions", "Checks"), ("OuterCopy", "Outer")].into_iter().map(|(a, b)| (a.to_owned(), b.to_owned())).collect();
        assert_eq!(aliases, expected);
        assert!(text.contains("# [doc = r\" Read or write.\"] # [doc = \"\"] # [doc = \"The same type as [`Checks`]: the schemas are identical.\"] pub type AppPermissionsActions = Checks ;"), "{text}");
        assert_eq!(text.matches("pub fn as_str").count(), 1, "the copy's impl goes: {text}");
        assert!(text.contains("pub struct Different"), "{text}");
    }

    #[test]
    fn types_that_differ_in_a_token_or_in_what_they_mention_stay_apart() {
        let (_, aliases) = merged(quote! {
            pub struct A { pub x: i64 }
            pub struct B { pub x: i32 }
            pub struct Open { pub v: Kind }
            pub struct Closed { pub v: Other }
            pub enum Kind { One }
            pub enum Other { One, Two }
            pub struct Tree { pub children: Vec<Tree> }
            pub struct Node { pub children: Vec<Node> }
        });
        let expected: BTreeMap<String, String> = [("Tree".to_owned(), "Node".to_owned())].into_iter().collect();
        assert_eq!(aliases, expected, "recursive types match through `Self`");
    }
}
