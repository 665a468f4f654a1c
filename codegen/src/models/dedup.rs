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

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::{format_ident, quote};

use crate::output::render::Code;

/// With a fixed-seed fast hasher: SipHash was a tenth of this module's time, and the one
/// iteration (a round's disjoint sets of equal types) gives the same result in any order.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

/// A top-level item of the types module, with the type it belongs to.
pub struct Item {
    /// The item's code: typify's tokens, or text: one of our string enums' items, or a struct.
    pub code: Code,
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
    pub items: Vec<(Option<String>, Code)>,
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
            Some((owner, canonical)) if item.declares => out.push((item.owner.clone(), alias(&item.code, owner, canonical))),
            // A copy's impls go with it: the canonical type has them.
            Some(_) => {}
            None => out.push((item.owner, item.code)),
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
                read_pieces(&items[*index].code, name, &index_of, &mut texts, &mut pieces);
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
        let mut by_key: HashMap<Vec<u32>, Vec<u32>> = HashMap::default();
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

/// A piece of a type's code, as [`find_copies`] compares them.
enum Piece {
    /// The code between two type names, by its interned text (`u32::MAX` ends an item).
    Text(u32),
    /// The type's own name.
    Own,
    /// Another type's name, by index.
    Name(u32),
}

/// The item's code as pieces: doc comments left out, `own` as [`Piece::Own`], every type
/// name as [`Piece::Name`], the code between them as [`Piece::Text`].
///
/// It reads the item's text (for tokens, their `Display`: one pass, no copy of the tokens)
/// rather than the tokens themselves: walking into a token group clones the group's tokens,
/// which made this the costliest step of the models after typify. Two token items have the
/// same text exactly when they have the same tokens (the text spaces tokens apart, and keeps
/// joint punctuation such as `::` joint), so the comparison is the same; text items (our
/// string enums, the structs) are laid out the same way whatever their names (no line is
/// wrapped), and a doc comment's line goes with it.
fn read_pieces(code: &Code, own: &str, names: &HashMap<&str, u32>, texts: &mut Texts, out: &mut Vec<Piece>) {
    let mut text = std::mem::take(&mut texts.item);
    text.clear();
    match code {
        Code::Tokens(tokens) => {
            let _ = write!(text, "{tokens}");
        }
        Code::Item(item) => {
            let _ = write!(text, "{}", quote::ToTokens::to_token_stream(item));
        }
        Code::Text(code) => text.push_str(code),
    }
    let mut segment = std::mem::take(&mut texts.buffer);
    segment.clear();
    let bytes = text.as_bytes();
    let mut at = 0;
    // Where the text not yet copied into `segment` starts.
    let mut copied = 0;
    while at < bytes.len() {
        let start = at;
        match bytes[at] {
            b'#' if is_doc_attribute_at(&text[at + 1..]) => {
                let end = skip_group(bytes, text[at..].find('[').map_or(bytes.len(), |open| at + open));
                copied = leave_out(&text, &mut segment, copied, at, end);
                at = copied;
            }
            b'/' if bytes.get(at + 1) == Some(&b'/') => {
                let end = text[at..].find('\n').map_or(bytes.len(), |line_end| at + line_end);
                copied = leave_out(&text, &mut segment, copied, at, end);
                at = copied;
            }
            b'/' if bytes.get(at + 1) == Some(&b'*') => {
                let end = block_comment_end(bytes, at);
                copied = leave_out(&text, &mut segment, copied, at, end);
                at = copied;
            }
            b'"' => at = skip_string(bytes, at + 1),
            b'r' if matches!(bytes.get(at + 1), Some(b'"' | b'#')) && raw_string_start(bytes, at + 1) => at = skip_raw_string(bytes, at + 1),
            b'b' if matches!(bytes.get(at + 1), Some(b'"')) => at = skip_string(bytes, at + 2),
            b'b' if bytes.get(at + 1) == Some(&b'r') && raw_string_start(bytes, at + 2) => at = skip_raw_string(bytes, at + 2),
            b'\'' => at = skip_char_or_lifetime(bytes, at),
            b'0'..=b'9' => at = skip_word(bytes, at),
            byte if byte == b'_' || byte.is_ascii_alphabetic() => {
                at = skip_word(bytes, at);
                let word = &text[start..at];
                let piece = if word == own {
                    Some(Piece::Own)
                } else {
                    names.get(word).map(|other| Piece::Name(*other))
                };
                if let Some(piece) = piece {
                    segment.push_str(&text[copied..start]);
                    out.push(texts.piece(&segment));
                    segment.clear();
                    out.push(piece);
                    copied = at;
                }
            }
            _ => at += 1,
        }
    }
    segment.push_str(&text[copied..]);
    out.push(texts.piece(&segment));
    texts.buffer = segment;
    texts.item = text;
}

/// Copies the text from `copied` to a doc comment at `start..end` into `segment`, leaving out
/// the doc comment so that the text reads as if it had never been there: on a line of its own,
/// the line goes (its indentation and its line break); within a line, the spaces around it
/// become one. Returns where the text to copy resumes.
fn leave_out(text: &str, segment: &mut String, copied: usize, start: usize, end: usize) -> usize {
    let before = &text[copied..start];
    let kept = before.trim_end_matches(' ');
    segment.push_str(kept);
    let spaced = kept.len() < before.len();
    let bytes = text.as_bytes();
    let mut at = end;
    while bytes.get(at) == Some(&b' ') {
        at += 1;
    }
    if bytes.get(at) == Some(&b'\n') {
        at += 1;
    } else if spaced && at < bytes.len() {
        segment.push(' ');
    }
    at
}

/// The end of the block comment (`/* .. */`, nested ones included) that starts at `at`.
fn block_comment_end(bytes: &[u8], at: usize) -> usize {
    let mut depth = 0usize;
    let mut index = at;
    while index + 1 < bytes.len() {
        match (bytes[index], bytes[index + 1]) {
            (b'/', b'*') => (depth, index) = (depth + 1, index + 2),
            (b'*', b'/') => {
                (depth, index) = (depth - 1, index + 2);
                if depth == 0 {
                    return index;
                }
            }
            _ => index += 1,
        }
    }
    bytes.len()
}

/// Whether `rest` (the text after a `#`) starts a `doc` attribute: `[doc = ...]` or `[doc(...)]`.
fn is_doc_attribute_at(rest: &str) -> bool {
    let rest = rest.trim_start();
    let Some(inner) = rest.strip_prefix('[') else { return false };
    let inner = inner.trim_start();
    inner.strip_prefix("doc").is_some_and(|after| !after.starts_with(|c: char| c == '_' || c.is_ascii_alphanumeric()))
}

/// The end of the bracket group opening at `open`, string literals inside skipped.
fn skip_group(bytes: &[u8], open: usize) -> usize {
    let mut depth = 0usize;
    let mut at = open;
    while at < bytes.len() {
        match bytes[at] {
            b'[' | b'(' | b'{' => depth += 1,
            b']' | b')' | b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return at + 1;
                }
            }
            b'"' => {
                at = skip_string(bytes, at + 1);
                continue;
            }
            b'r' if raw_string_start(bytes, at + 1) && !bytes.get(at.wrapping_sub(1)).is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_') => {
                at = skip_raw_string(bytes, at + 1);
                continue;
            }
            _ => {}
        }
        at += 1;
    }
    bytes.len()
}

/// The end of a string literal whose text starts at `at` (after the opening quote).
fn skip_string(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return at + 1,
            _ => at += 1,
        }
    }
    bytes.len()
}

/// Whether a raw string's hashes and quote start at `at` (after its `r`).
fn raw_string_start(bytes: &[u8], at: usize) -> bool {
    let hashes = bytes[at.min(bytes.len())..].iter().take_while(|b| **b == b'#').count();
    bytes.get(at + hashes) == Some(&b'"')
}

/// The end of a raw string whose hashes start at `at` (after its `r`).
fn skip_raw_string(bytes: &[u8], at: usize) -> usize {
    let hashes = bytes[at..].iter().take_while(|b| **b == b'#').count();
    let mut end = at + hashes + 1;
    while end < bytes.len() {
        let closes = bytes[end] == b'"' && bytes.len() > end + hashes && bytes[end + 1..=end + hashes].iter().all(|b| *b == b'#');
        if closes {
            return end + 1 + hashes;
        }
        end += 1;
    }
    bytes.len()
}

/// The end of a character literal (`'a'`, `'\n'`) or a lifetime (`'a`) starting at `at`.
fn skip_char_or_lifetime(bytes: &[u8], at: usize) -> usize {
    if bytes.get(at + 1) == Some(&b'\\') {
        // The escaped character itself may be a quote (`'\''`): the closing one comes after.
        return bytes.get(at + 3..).and_then(|rest| rest.iter().position(|b| *b == b'\'')).map_or(bytes.len(), |end| at + 3 + end + 1);
    }
    // One character (of up to four bytes) and a closing quote: a character literal.
    let width = match bytes.get(at + 1) {
        Some(byte) if *byte < 0x80 => 1,
        Some(byte) if *byte >= 0xF0 => 4,
        Some(byte) if *byte >= 0xE0 => 3,
        Some(_) => 2,
        None => return bytes.len(),
    };
    if bytes.get(at + 1 + width) == Some(&b'\'') {
        return at + 2 + width;
    }
    skip_word(bytes, at + 1)
}

/// The end of the identifier or number starting at `at`.
fn skip_word(bytes: &[u8], at: usize) -> usize {
    bytes[at..].iter().position(|b| !(*b == b'_' || b.is_ascii_alphanumeric())).map_or(bytes.len(), |end| at + end)
}

/// Interned texts, and buffers reused from item to item.
#[derive(Default)]
struct Texts {
    ids: HashMap<String, u32>,
    /// The text of the item being read.
    item: String,
    /// The segment being collected.
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
fn alias(definition: &Code, name: &str, canonical: &str) -> Code {
    let note = format!("The same type as [`{canonical}`]: the schemas are identical.");
    match definition {
        Code::Tokens(definition) => Code::Tokens(alias_tokens(&definition.clone().into_iter().collect::<Vec<_>>(), name, canonical, &note)),
        Code::Item(item) => Code::Tokens(alias_tokens(&quote::ToTokens::to_token_stream(item).into_iter().collect::<Vec<_>>(), name, canonical, &note)),
        // Our string enums and the structs: their doc comments come first, before their
        // attributes.
        Code::Text(definition) => {
            let docs = leading_docs(definition);
            let mut text = docs.to_owned();
            if !docs.is_empty() {
                text.push_str("///\n");
            }
            let _ = writeln!(text, "///{note}\npub type {name} = {canonical};");
            Code::Text(text)
        }
    }
}

/// The doc comments (`///` lines, `/** */` blocks, `#[doc]` lines) that open `text`.
fn leading_docs(text: &str) -> &str {
    let bytes = text.as_bytes();
    let mut at = 0;
    loop {
        let rest = &text[at..];
        let end = if rest.starts_with("/**") {
            block_comment_end(bytes, at)
        } else if rest.starts_with("///") || rest.starts_with("#[doc") {
            rest.find('\n').map_or(bytes.len(), |line_end| at + line_end)
        } else {
            return &text[..at];
        };
        // The line break after it.
        at = (end + 1).min(bytes.len());
    }
}

fn alias_tokens(definition: &[TokenTree], name: &str, canonical: &str, note: &str) -> TokenStream {
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
                Item { code: Code::Tokens(tokens.into_iter().collect()), owner: owner.clone(), declares }
            })
            .collect()
    }

    fn merged(code: TokenStream) -> (String, BTreeMap<String, String>) {
        let merged = merge(items(code));
        let text = merged
            .items
            .iter()
            .map(|(_, item)| match item {
                Code::Tokens(tokens) => tokens.to_string(),
                Code::Item(item) => quote::ToTokens::to_token_stream(item).to_string(),
                Code::Text(text) => text.clone(),
            })
            .collect::<Vec<_>>()
            .join("\n");
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

    #[test]
    fn doc_comments_anywhere_do_not_count_and_names_inside_literals_are_text() {
        let (_, aliases) = merged(quote! {
            /// One [bracket] "quoted".
            pub struct First {
                /// A field, documented: `Other`.
                #[serde(rename = "Other")]
                pub a: Vec<Other>,
                #[doc = r#"raw ] "doc" with a bracket"#]
                pub c: char,
            }
            pub struct Second {
                #[serde(rename = "Other")]
                pub a: Vec<Other>,
                pub c: char,
            }
            pub struct Renamed {
                #[serde(rename = "Third")]
                pub a: Vec<Other>,
                pub c: char,
            }
            pub struct Other { pub x: char }
            pub struct Third { pub x: char }
        });
        let expected: BTreeMap<String, String> = [("Second", "First"), ("Third", "Other")].into_iter().map(|(a, b)| (a.to_owned(), b.to_owned())).collect();
        assert_eq!(aliases, expected, "a rename naming another type is text, not a mention of it");
        let merged = merge(items(quote! {
            pub struct Uses { #[serde(rename = "Other")] pub a: char, pub b: Third }
            pub struct Other { pub x: char }
            pub struct Third { pub y: i64 }
        }));
        let expected: BTreeSet<String> = ["Third".to_owned()].into_iter().collect();
        assert_eq!(merged.references["Uses"], expected);
    }

    #[test]
    fn text_items_match_whatever_their_doc_comments() {
        let text = |docs: &str, name: &str| {
            let declaration = format!("{docs}#[non_exhaustive]\npub enum {name} {{\n    ///`a`\n    A,\n}}\n");
            let methods = format!("impl {name} {{\n    /// The value.\n    pub fn as_str(&self) -> &str {{\n        \"a\"\n    }}\n}}\n");
            [(declaration, true), (methods, false)].map(|(code, declares)| Item { code: Code::Text(code), owner: Some(name.to_owned()), declares })
        };
        let mut items = Vec::new();
        items.extend(text("/**Two\nlines*/\n", "Long"));
        items.extend(text("", "Bare"));
        items.extend(text("///One line\n#[doc = \"x\\ny\"]\n", "Other"));
        let merged = merge(items);
        let expected: BTreeMap<String, String> = [("Long", "Bare"), ("Other", "Bare")].into_iter().map(|(a, b)| (a.to_owned(), b.to_owned())).collect();
        assert_eq!(merged.aliases, expected);
        let alias = merged.items.iter().find_map(|(owner, code)| match code {
            Code::Text(text) if owner.as_deref() == Some("Long") => Some(text.clone()),
            _ => None,
        });
        assert_eq!(alias.as_deref(), Some("/**Two\nlines*/\n///\n///The same type as [`Bare`]: the schemas are identical.\npub type Long = Bare;\n"));
    }
}
