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
use std::fmt::Write;

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use typify::{TypeDetails, TypeSpace};

use super::builders::{self, Builder};
use super::dedup;
use super::deserialize::Object;
use super::enums::{StringEnum, is_replaced_impl};
use super::newtypes::Newtype;
use crate::output::render::{Code, struct_text, top_level_items};

/// typify's output, rewritten.
pub struct Rewritten {
    /// The items of the types module, each with the type it belongs to.
    pub items: Vec<(Option<String>, Code)>,
    /// The builders of the structs (copies included: an alias's struct has one).
    pub builders: Vec<Builder>,
    /// The structs whose `Deserialize` we write instead of serde's derive (copies included).
    pub objects: Vec<Object>,
    /// The types that are copies of another (see [`super::dedup`]): copy -> canonical type.
    pub aliases: std::collections::BTreeMap<String, String>,
    /// Type -> the other types it mentions.
    pub references: std::collections::BTreeMap<String, BTreeSet<String>>,
}

/// The share of typify's items, from the end, that a second thread rewrites while this one
/// rewrites the rest (see [`rewrite`]). They go over as text and are lexed again there, which
/// costs this thread the text and the other one the lexing; on the whole description, both
/// halves end together at about this split.
const HANDED_SHARE: (usize, usize) = (9, 16);

/// Below this many items, the second thread costs more than it saves.
const HANDED_MIN_ITEMS: usize = 256;

/// How many items go over to the second thread at a time.
const BATCH: usize = 64;

/// Rewrites typify's `types` as described above; `read` names the types clients read. Without
/// `own_deserialize`, the structs keep serde's derived `Deserialize`.
///
/// Every item is rewritten on its own, but for the impls, which follow their type; so the
/// items are cut in two at a type's declaration, and the second part is rewritten on a second
/// thread while this one rewrites the first. proc_macro2's tokens cannot cross threads, so
/// that part goes over as text, a batch at a time, and the other thread starts on the first
/// batch while this one writes the rest. Copies are then found over both parts (`dedup`); the
/// output does not depend on the cut. The error (a panic of the other thread, or a text that
/// does not lex again) would be a bug.
///
/// `spent` (typify's type space, no longer needed) is dropped on this thread once the other
/// one has its items: freeing it then overlaps the other thread's work.
pub fn rewrite(types: TokenStream, read: &BTreeSet<String>, own_deserialize: bool, spent: impl Sized) -> Result<Rewritten, String> {
    let items = top_level_items(types);
    let cut = cut_point(&items);
    rewrite_items(items, cut, read, own_deserialize, spent)
}

/// [`rewrite`] of typify's `items`, the ones from `cut` on (a type's declaration, or
/// `items.len()`) on the second thread.
fn rewrite_items(mut items: Vec<Vec<TokenTree>>, cut: usize, read: &BTreeSet<String>, own_deserialize: bool, spent: impl Sized) -> Result<Rewritten, String> {
    let mut handed = items.split_off(cut);
    let (mine, theirs) = std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::channel::<Vec<String>>();
        let helper = (!handed.is_empty())
            .then(|| {
                std::thread::Builder::new()
                    .name("codegen-models-rewrite".to_owned())
                    .stack_size(crate::output::guard::GENERATOR_STACK)
                    .spawn_scoped(scope, move || {
                        let mut rewriter = Rewriter::new(read, own_deserialize);
                        for batch in receive {
                            for text in batch {
                                rewriter.push(lex(&text)?.into_iter().collect());
                            }
                        }
                        Ok::<SentChunk, String>(rewriter.finish().into_sent())
                    })
                    .ok()
            })
            .flatten();
        if helper.is_some() {
            let mut batch = Vec::with_capacity(BATCH);
            for item in handed.drain(..) {
                batch.push(tokens_text(item));
                if batch.len() == BATCH {
                    // A closed channel: the other thread failed; its join says why.
                    let _ = send.send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)));
                }
            }
            let _ = send.send(batch);
        }
        drop(send);
        drop(spent);
        let mut rewriter = Rewriter::new(read, own_deserialize);
        for item in items {
            rewriter.push(item);
        }
        // No second thread could be started: this one does its part too.
        for item in handed {
            rewriter.push(item);
        }
        let theirs = helper.map(|handle| handle.join().map_err(|panic| format!("the models' second rewrite thread failed: {}", crate::output::guard::panic_message(panic.as_ref()))));
        (rewriter.finish(), theirs)
    });
    let Chunk { mut items, mut builders, mut objects } = mine;
    if let Some(theirs) = theirs {
        let theirs = Chunk::received(theirs??)?;
        items.extend(theirs.items);
        builders.extend(theirs.builders);
        objects.extend(theirs.objects);
    }
    let merged = dedup::merge(items);
    Ok(Rewritten { items: merged.items, builders, objects, aliases: merged.aliases, references: merged.references })
}

/// Where [`rewrite`] cuts `items`: the first declaration of a type in the last
/// [`HANDED_SHARE`], so that each type's impls stay with it; `items.len()` (nothing handed
/// over) for a small spec.
fn cut_point(items: &[Vec<TokenTree>]) -> usize {
    if items.len() < HANDED_MIN_ITEMS {
        return items.len();
    }
    let (handed, of) = HANDED_SHARE;
    let from = items.len() - items.len() * handed / of;
    (from..items.len()).find(|&index| declared(&items[index]).is_some()).unwrap_or(items.len())
}

/// The text of an item's tokens, as `TokenStream`'s `Display` writes it (a space between
/// tokens, none after joint punctuation), without collecting them into a stream first:
/// collecting them then writing the stream was 2-9% slower on the whole description (two sets
/// of 8 and 10 alternating runs). The unit test below lexes this text again at every cut.
fn tokens_text(item: Vec<TokenTree>) -> String {
    let mut text = String::new();
    let mut joint = true;
    for token in item {
        if !joint {
            text.push(' ');
        }
        joint = matches!(&token, TokenTree::Punct(punct) if punct.spacing() == proc_macro2::Spacing::Joint);
        let _ = write!(text, "{token}");
    }
    text
}

/// What the rewrite makes of a run of typify's items, before copies are merged.
struct Chunk {
    items: Vec<dedup::Item>,
    builders: Vec<Builder>,
    objects: Vec<Object>,
}

/// A [`Chunk`] as it crosses threads: its code as text.
struct SentChunk {
    items: Vec<(SentCode, Option<String>, bool)>,
    builders: Vec<Builder>,
    objects: Vec<Object>,
}

/// A [`Code`] as text: the text of tokens or of an item is lexed and parsed again.
enum SentCode {
    Tokens(String),
    Item(String),
    Text(String),
}

/// The rewrite of a run of typify's items, one at a time; the run starts with a type's
/// declaration (or is all of them).
struct Rewriter<'a> {
    read: &'a BTreeSet<String>,
    own_deserialize: bool,
    /// The string enums so far: their impls, which follow them, are replaced too.
    enums: BTreeSet<String>,
    /// The type the items belong to, the one declared last.
    owner: Option<String>,
    /// The newtype declared last, whose impls typify writes right after it.
    newtype: Option<Newtype>,
    chunk: Chunk,
}

impl<'a> Rewriter<'a> {
    fn new(read: &'a BTreeSet<String>, own_deserialize: bool) -> Self {
        Rewriter { read, own_deserialize, enums: BTreeSet::new(), owner: None, newtype: None, chunk: Chunk { items: Vec::new(), builders: Vec::new(), objects: Vec::new() } }
    }

    /// Rewrites the next item.
    fn push(&mut self, item: Vec<TokenTree>) {
        let parsed = self.parse(item);
        if !matches!(parsed, Parsed::Tokens(_)) {
            self.newtype = None;
        }
        let items = &mut self.chunk.items;
        match parsed {
            Parsed::Enum(string_enum) => {
                let name = string_enum.item.ident.to_string();
                let open = self.read.contains(&name);
                for (index, text) in string_enum.generate(open).into_iter().enumerate() {
                    items.push(dedup::Item { code: Code::Text(text), owner: Some(name.clone()), declares: index == 0 });
                }
                self.owner = Some(name);
            }
            Parsed::Struct(mut item) => {
                let name = item.ident.to_string();
                if self.read.contains(&name) {
                    allow_unknown_fields(&mut item.attrs);
                }
                if self.own_deserialize {
                    self.chunk.objects.extend(Object::take_over(&mut item));
                }
                // Written as text from the parsed struct, not formatted by prettyplease (which
                // would parse it again from tokens); so is its builder.
                self.newtype = Newtype::recognize(&item);
                self.chunk.builders.extend(builders::of(&item));
                let code = match struct_text(&item) {
                    Some(text) => Code::Text(text),
                    None => Code::Item(Box::new(syn::Item::Struct(item))),
                };
                items.push(dedup::Item { code, owner: Some(name.clone()), declares: true });
                self.owner = Some(name);
            }
            Parsed::Tokens(item) if is_replaced_impl(&item, &self.enums) => {}
            Parsed::Tokens(item) if let Some(text) = self.newtype.as_ref().and_then(|newtype| newtype.impl_text(&item)) => {
                items.push(dedup::Item { code: Code::Text(text), owner: self.owner.clone(), declares: false });
            }
            Parsed::Tokens(item) => match declared(&item) {
                Some((_, name)) => {
                    self.newtype = None;
                    items.push(dedup::Item { code: Code::Tokens(item.into_iter().collect()), owner: Some(name.clone()), declares: true });
                    self.owner = Some(name);
                }
                // An impl belongs to the type before it (typify writes a type's impls right
                // after it), if it names that type; anything else belongs to no type.
                None if is_impl_of(&item, self.owner.as_deref()) => items.push(dedup::Item { code: Code::Tokens(item.into_iter().collect()), owner: self.owner.clone(), declares: false }),
                None => {
                    self.newtype = None;
                    items.push(dedup::Item { code: Code::Tokens(item.into_iter().collect()), owner: None, declares: false });
                    self.owner = None;
                }
            },
        }
    }

    /// `item` parsed, if it is a struct or an enum the rewrite changes.
    fn parse(&mut self, item: Vec<TokenTree>) -> Parsed {
        match declared(&item) {
            Some(("enum", name)) => match syn::parse2::<syn::ItemEnum>(item.iter().cloned().collect()) {
                Ok(parsed) if StringEnum::recognize(&parsed) => {
                    self.enums.insert(name);
                    Parsed::Enum(StringEnum::new(parsed))
                }
                // Other enums (typify's untagged ones) only change where clients read them.
                Ok(mut parsed) if self.read.contains(&name) => {
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
        }
    }

    fn finish(self) -> Chunk {
        self.chunk
    }
}

impl Chunk {
    /// The chunk as it crosses threads.
    fn into_sent(self) -> SentChunk {
        let items = self
            .items
            .into_iter()
            .map(|item| {
                let code = match item.code {
                    Code::Tokens(tokens) => SentCode::Tokens(tokens.to_string()),
                    Code::Item(parsed) => SentCode::Item(parsed.into_token_stream().to_string()),
                    Code::Text(text) => SentCode::Text(text),
                };
                (code, item.owner, item.declares)
            })
            .collect();
        SentChunk { items, builders: self.builders, objects: self.objects }
    }

    /// The chunk that crossed threads as `sent`.
    fn received(sent: SentChunk) -> Result<Chunk, String> {
        let items = sent
            .items
            .into_iter()
            .map(|(code, owner, declares)| {
                let code = match code {
                    SentCode::Tokens(text) => Code::Tokens(lex(&text)?),
                    SentCode::Item(text) => Code::Item(Box::new(syn::parse2(lex(&text)?).map_err(|error| format!("a rewritten item does not parse again: {error}"))?)),
                    SentCode::Text(text) => Code::Text(text),
                };
                Ok(dedup::Item { code, owner, declares })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Chunk { items, builders: sent.builders, objects: sent.objects })
    }
}

/// The tokens of `text`, the text of tokens typify or the rewrite made.
fn lex(text: &str) -> Result<TokenStream, String> {
    text.parse::<TokenStream>().map_err(|error| format!("the text of typify's tokens does not lex again: {error}"))
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

    /// The rewrite as text: the items with their owners, the aliases, the references, the
    /// builders and the `Deserialize` takeovers.
    fn described(rewritten: Rewritten) -> String {
        let mut out = String::new();
        for (owner, code) in &rewritten.items {
            let code = match code {
                Code::Tokens(tokens) => tokens.to_string(),
                Code::Item(item) => item.to_token_stream().to_string(),
                Code::Text(text) => text.clone(),
            };
            let _ = writeln!(out, "{owner:?}: {code}");
        }
        let builders: Vec<&Builder> = rewritten.builders.iter().collect();
        let _ = write!(out, "{:?}\n{:?}\n{:?}\n{}", rewritten.aliases, rewritten.references, rewritten.objects, builders::file(&builders, &rewritten.aliases, &BTreeSet::new()));
        out
    }

    #[test]
    fn the_second_thread_changes_nothing_wherever_the_items_are_cut() {
        let schemas = serde_json::json!({
            "State": { "type": "string", "enum": ["open", "closed"] },
            "Other": { "type": "string", "enum": ["open", "closed"] },
            "Alpha": { "type": "object", "required": ["name"], "properties": {
                "name": { "type": "string", "maxLength": 10 },
                "count": { "type": "integer", "default": 3 },
                "state": { "type": "string", "enum": ["open", "closed"] },
                "link": { "type": "object", "properties": { "href": { "type": "string" } } },
            } },
            "Beta": { "type": "object", "properties": { "href": { "type": "string" } } },
            "Either": { "oneOf": [{ "type": "string" }, { "type": "object", "properties": { "id": { "type": "integer" } } }] },
            "Zeta": { "type": "object", "properties": { "state": { "type": "string", "enum": ["open", "closed"] }, "limit": { "type": "integer", "minimum": -5 } } },
        });
        let mut settings = typify::TypeSpaceSettings::default();
        settings.with_derive("PartialEq".to_owned()).with_map_type("::std::collections::BTreeMap".to_owned()).with_attr("#[non_exhaustive]".to_owned());
        let mut type_space = TypeSpace::new(&settings);
        let definitions = schemas.as_object().unwrap().iter().map(|(name, schema)| (name.clone(), serde_json::from_value(schema.clone()).unwrap()));
        type_space.add_ref_types(definitions).unwrap();
        let items = top_level_items(type_space.to_stream());
        let read: BTreeSet<String> = ["Alpha", "Zeta", "ZetaState"].map(str::to_owned).into();
        let whole = described(rewrite_items(items.clone(), items.len(), &read, true, ()).unwrap());
        // Copies across any cut, an open enum (read) beside closed ones, a newtype, a default.
        for expected in ["\"AlphaLink\": \"Beta\"", "\"State\": \"Other\"", "Unknown(", "pub struct AlphaName(", "pub mod defaults"] {
            assert!(whole.contains(expected), "{expected} missing: {whole}");
        }
        assert!(!whole.contains("\"ZetaState\": \"Other\""), "an open enum is no copy of a closed one: {whole}");
        let cuts: Vec<usize> = (0..items.len()).filter(|&at| declared(&items[at]).is_some()).collect();
        assert!(cuts.len() >= 8, "{cuts:?}");
        for cut in cuts {
            let split = described(rewrite_items(items.clone(), cut, &read, true, ()).unwrap());
            assert_eq!(split, whole, "cut before item {cut}");
        }
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
