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
use std::fmt::Write;

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
    /// The items, in their order, with every copy's items replaced by its alias; each with the
    /// type it belongs to.
    pub items: Vec<(Option<String>, TokenStream)>,
    /// Copy -> canonical type.
    pub aliases: BTreeMap<String, String>,
    /// Type -> the other types its items mention (before merging).
    pub references: BTreeMap<String, BTreeSet<String>>,
}

/// Replaces copies by aliases, as the module documentation says.
pub fn merge(items: Vec<Item>) -> Merged {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (index, item) in items.iter().enumerate() {
        if let Some(owner) = &item.owner {
            groups.entry(owner.clone()).or_default().push(index);
        }
    }
    let (aliases, references) = find_copies(&items, &groups);

    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match item.owner.as_deref().and_then(|owner| aliases.get(owner).map(|canonical| (owner, canonical))) {
            Some((owner, canonical)) if item.declares => out.push((item.owner.clone(), alias(&item.tokens, owner, canonical))),
            // A copy's impls go with it: the canonical type has them.
            Some(_) => {}
            None => out.push((item.owner, item.tokens.into_iter().collect())),
        }
    }
    Merged { items: out, aliases, references }
}

/// Copy -> canonical type, for every type that has a copy with another name; and what each
/// type mentions.
///
/// Each type's tokens are read once into [`Piece`]s; a round then only rewrites the names in
/// them, so that the rounds cost little next to the one walk over the tokens.
fn find_copies(items: &[Item], groups: &BTreeMap<String, Vec<usize>>) -> (BTreeMap<String, String>, BTreeMap<String, BTreeSet<String>>) {
    let names: Vec<&str> = groups.keys().map(String::as_str).collect();
    let index_of: HashMap<&str, u32> = names.iter().enumerate().map(|(index, name)| (*name, index as u32)).collect();
    let mut texts = Texts::default();
    let pieces: Vec<Vec<Piece>> = groups
        .iter()
        .map(|(name, indices)| {
            let mut pieces = Vec::new();
            for index in indices {
                read_pieces(&items[*index].tokens, name, &index_of, &mut texts, &mut pieces);
                pieces.push(Piece::Text(u32::MAX));
            }
            pieces
        })
        .collect();

    let references = pieces
        .iter()
        .enumerate()
        .map(|(index, pieces)| {
            let mentioned = pieces.iter().filter_map(|piece| match piece {
                Piece::Name(other) => Some(names[*other as usize].to_owned()),
                _ => None,
            });
            (names[index].to_owned(), mentioned.collect())
        })
        .collect();
    // By index into `names`; the order that picks the canonical type of a set.
    let rank = |index: u32| (names[index as usize].len(), names[index as usize]);
    let mut canonical: Vec<u32> = (0..names.len() as u32).collect();
    loop {
        let mut by_key: HashMap<Vec<u32>, Vec<u32>> = HashMap::new();
        for (index, pieces) in pieces.iter().enumerate() {
            // Texts are even, names odd (their canonical type's index), the type itself 1.
            let key: Vec<u32> = pieces
                .iter()
                .map(|piece| match piece {
                    Piece::Text(id) => id.wrapping_mul(2),
                    Piece::Own => 1,
                    Piece::Name(other) => canonical[*other as usize] * 2 + 3,
                })
                .collect();
            by_key.entry(key).or_default().push(index as u32);
        }
        let mut changed = false;
        for members in by_key.values().filter(|members| members.len() > 1) {
            let Some(chosen) = members.iter().copied().min_by_key(|member| rank(*member)) else { continue };
            for member in members {
                // Membership only grows from round to round, so the canonical type of a set
                // only gets shorter: compare with the one already chosen.
                let current = canonical[*member as usize];
                if rank(chosen) < rank(current) {
                    canonical[*member as usize] = chosen;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    let aliases = (0..names.len())
        .filter_map(|index| {
            // Follow chains: a type whose chosen canonical type was merged into another later.
            let mut current = index;
            while canonical[current] as usize != current {
                current = canonical[current] as usize;
            }
            (current != index).then(|| (names[index].to_owned(), names[current].to_owned()))
        })
        .collect();
    (aliases, references)
}

/// A token of a type's code, as [`find_copies`] compares them.
enum Piece {
    /// Any token but a type name, by its interned text (`u32::MAX` ends an item).
    Text(u32),
    /// The type's own name.
    Own,
    /// Another type's name, by index.
    Name(u32),
}

/// The item's tokens as pieces: doc comments left out, `own` as [`Piece::Own`], every type
/// name as [`Piece::Name`].
fn read_pieces(tokens: &[TokenTree], own: &str, names: &HashMap<&str, u32>, texts: &mut Texts, out: &mut Vec<Piece>) {
    let mut index = 0;
    while index < tokens.len() {
        match &tokens[index] {
            TokenTree::Punct(p) if p.as_char() == '#' && tokens.get(index + 1).is_some_and(is_doc_attribute) => {
                index += 2;
                continue;
            }
            TokenTree::Ident(ident) => {
                texts.buffer.clear();
                let _ = write!(texts.buffer, "{ident}");
                let name = texts.buffer.as_str();
                if name == own {
                    out.push(Piece::Own);
                } else if let Some(other) = names.get(name) {
                    out.push(Piece::Name(*other));
                } else {
                    out.push(texts.buffered());
                }
            }
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::None => ("\u{2}", "\u{3}"),
                };
                out.push(texts.piece(open));
                let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                read_pieces(&inner, own, names, texts, out);
                out.push(texts.piece(close));
            }
            TokenTree::Punct(p) => {
                // Joint punctuation (`::`, `->`) stays apart from a lone one.
                texts.buffer.clear();
                texts.buffer.push(p.as_char());
                if p.spacing() == proc_macro2::Spacing::Joint {
                    texts.buffer.push('j');
                }
                out.push(texts.buffered());
            }
            TokenTree::Literal(literal) => {
                texts.buffer.clear();
                let _ = write!(texts.buffer, "{literal}");
                out.push(texts.buffered());
            }
        }
        index += 1;
    }
}

/// Interned token texts, and a buffer to write a token into without allocating.
#[derive(Default)]
struct Texts {
    ids: HashMap<String, u32>,
    buffer: String,
}

impl Texts {
    fn piece(&mut self, text: &str) -> Piece {
        if let Some(id) = self.ids.get(text) {
            return Piece::Text(*id);
        }
        let id = self.ids.len() as u32;
        self.ids.insert(text.to_owned(), id);
        Piece::Text(id)
    }

    /// The piece of the text in `buffer`.
    fn buffered(&mut self) -> Piece {
        let text = std::mem::take(&mut self.buffer);
        let piece = self.piece(&text);
        self.buffer = text;
        piece
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
        let text = merged.items.iter().map(|(_, item)| item.to_string()).collect::<Vec<_>>().join("\n");
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
