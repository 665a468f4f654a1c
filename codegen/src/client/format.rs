//! progenitor's output made into the text of `progenitor.rs` a piece at a time.
//!
//! Nearly all of it is one item, the inherent `impl Client` with a method per operation (on the
//! whole description 57,000 of its 57,400 lines). Parsed whole, that block had its tokens,
//! syn's buffer of them and its syntax tree in memory at once, while typify ran beside it at
//! its largest, which was often the run's peak. So each top-level item is parsed, changed and
//! formatted on its own, and an inherent impl a member at a time (whole description: peak RSS
//! 550 → 540 MiB and 575 → 541 MiB, medians of two sets of alternating runs; the peak now comes
//! at the end of the models). prettyplease lays out each item, and each member of an impl, on
//! lines of its own, so the text is the one the whole file formatted at once gives (the whole
//! description's output was compared byte for byte; a unit test compares a small one).
//!
//! The changes, as [`super::generate`] describes them: progenitor's `types` module and its
//! constructors (the inherent impl with `new_with_client`) are left out, and the operations'
//! methods read bodies with the runtime's readers ([`super::readers`]).

use std::collections::BTreeMap;

use proc_macro2::{Delimiter, TokenStream, TokenTree};

use super::readers;
use crate::output::render::top_level_items;

/// The text of `progenitor.rs` (without the header) from progenitor's `tokens`, or what does
/// not parse, or what was not as expected.
pub fn progenitor_text(tokens: TokenStream, operation_ids: &BTreeMap<&str, &str>) -> Result<String, String> {
    let mut text = String::new();
    let mut constructors = 0;
    for item in top_level_items(tokens) {
        match split_inherent_impl(item) {
            Ok((head, members)) => match impl_text(head, members, operation_ids)? {
                Some(block) => text.push_str(&block),
                None => constructors += 1,
            },
            Err(item) => {
                let item: syn::Item = parse(item.into_iter().collect())?;
                // Every type is a replacement, so progenitor's `types` module holds only a
                // duplicate of the models crate's conversion error; the crate re-exports the
                // models crate as `types` instead.
                if !matches!(&item, syn::Item::Mod(m) if m.ident == "types") {
                    text.push_str(&unparse(item));
                }
            }
        }
    }
    if constructors != 1 {
        return Err("progenitor's `impl Client { fn new ... fn new_with_client ... }` was not found exactly once".to_owned());
    }
    Ok(text)
}

/// An inherent impl of a plain type (`ATTRS impl Type { MEMBERS }`), as the impl without its
/// members and each member's tokens; any other item back as it came.
fn split_inherent_impl(item: Vec<TokenTree>) -> Result<(TokenStream, Vec<Vec<TokenTree>>), Vec<TokenTree>> {
    let attributes = item.chunks(2).take_while(|pair| matches!(pair, [TokenTree::Punct(p), TokenTree::Group(g)] if p.as_char() == '#' && g.delimiter() == Delimiter::Bracket)).count() * 2;
    let is_inherent_impl = matches!(
        &item[attributes..],
        [TokenTree::Ident(keyword), TokenTree::Ident(_), TokenTree::Group(body)] if *keyword == "impl" && body.delimiter() == Delimiter::Brace
    );
    if !is_inherent_impl {
        return Err(item);
    }
    let mut head = item;
    let Some(TokenTree::Group(body)) = head.pop() else { return Err(head) };
    // The group's tokens are shared with `body` until it is dropped: split while they are
    // not, so that they are moved rather than copied.
    let stream = body.stream();
    drop(body);
    let members = top_level_items(stream);
    head.push(TokenTree::Group(proc_macro2::Group::new(Delimiter::Brace, TokenStream::new())));
    Ok((head.into_iter().collect(), members))
}

/// The text of an inherent impl, formatted a member at a time; `None` for progenitor's
/// constructors, which the runtime replaces (`builder.rs` defines `new` and `new_with_client`
/// with their usual signatures).
fn impl_text(head: TokenStream, members: Vec<Vec<TokenTree>>, operation_ids: &BTreeMap<&str, &str>) -> Result<Option<String>, String> {
    let syn::Item::Impl(empty) = parse::<syn::Item>(head)? else { return Err("an `impl` block did not parse as one".to_owned()) };
    let mut text = String::new();
    // `ATTRS impl Type {\n`, as prettyplease writes it before the first member.
    let mut opening: Option<String> = None;
    for member in members {
        let mut member: syn::ImplItem = parse(member.into_iter().collect())?;
        if let syn::ImplItem::Fn(method) = &mut member {
            if method.sig.ident == "new_with_client" {
                return Ok(None);
            }
            readers::use_runtime_readers(method, operation_ids);
        }
        let mut block = empty.clone();
        block.items.push(member);
        let formatted = unparse(syn::Item::Impl(block));
        let opening = opening.get_or_insert_with(|| opening_of(&formatted).to_owned());
        if text.is_empty() {
            text.push_str(opening);
        }
        let Some(member) = formatted.strip_prefix(opening.as_str()).and_then(|rest| rest.strip_suffix("}\n")) else {
            return Err(format!("prettyplease wrote an impl block other than as `{opening}...}}`: {formatted}"));
        };
        text.push_str(member);
    }
    if text.is_empty() {
        return Ok(Some(unparse(syn::Item::Impl(empty))));
    }
    text.push_str("}\n");
    Ok(Some(text))
}

/// The lines of a formatted impl block up to and including its `impl ... {` line.
fn opening_of(formatted: &str) -> &str {
    let mut end = 0;
    for line in formatted.split_inclusive('\n') {
        end += line.len();
        if line.starts_with("impl") {
            break;
        }
    }
    &formatted[..end]
}

/// An item, or a member of an impl, from progenitor's tokens.
fn parse<T: syn::parse::Parse>(tokens: TokenStream) -> Result<T, String> {
    syn::parse2(tokens).map_err(|error| format!("progenitor produced code that does not parse: {error}"))
}

/// One item formatted as a file of its own.
fn unparse(item: syn::Item) -> String {
    prettyplease::unparse(&syn::File { shebang: None, attrs: Vec::new(), items: vec![item] })
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    #[test]
    fn a_piece_at_a_time_is_the_whole_file_formatted_at_once_without_the_left_out_items() {
        let tokens = quote! {
            #[allow(unused_imports)]
            use progenitor_client::{encode_path, ClientHooks};
            #[derive(Clone, Debug)]
            /// The client.
            pub struct Client { pub(crate) baseurl: String }
            impl ClientInfo<()> for Client { fn api_version() -> &'static str { "1" } }
            impl Client {
                pub fn new(baseurl: &str) -> Self { todo!() }
                pub fn new_with_client(baseurl: &str, client: reqwest::Client) -> Self { todo!() }
            }
            #[allow(clippy::all)]
            impl Client {
                /**Gets a thing.

Sends a `GET` request to `/things/{id}`*/
                pub async fn get_thing<'a>(&'a self, id: &'a str) -> Result<ResponseValue<types::Thing>, Error<()>> {
                    let url = format!("{}/things/{}", self.baseurl, encode_path(&id.to_string()));
                    match response.status().as_u16() {
                        200u16 => ResponseValue::from_response(response).await,
                        _ => Err(Error::UnexpectedResponse(response)),
                    }
                }
                pub async fn not_an_operation(&self) -> u32 where Self: Sized { 1 }
                const LIMIT: usize = 3;
            }
            impl Client {}
            pub mod types { pub struct ConversionError; }
            pub mod prelude { pub use super::Client; }
        };
        let operation_ids = BTreeMap::from([("get_thing", "things/get")]);
        let text = progenitor_text(tokens.clone(), &operation_ids).unwrap();

        // The same changes made to the whole file, which is then formatted at once.
        let mut file: syn::File = syn::parse2(tokens).unwrap();
        file.items.retain(|item| !matches!(item, syn::Item::Mod(m) if m.ident == "types"));
        file.items.remove(3);
        for item in &mut file.items {
            let syn::Item::Impl(block) = item else { continue };
            for member in &mut block.items {
                if let syn::ImplItem::Fn(method) = member {
                    readers::use_runtime_readers(method, &operation_ids);
                }
            }
        }
        assert_eq!(text, prettyplease::unparse(&file));
        assert!(text.contains("crate::runtime::read_json(response, \"things/get\")"), "{text}");
        assert!(!text.contains("new_with_client") && !text.contains("ConversionError"), "{text}");
    }

    #[test]
    fn the_constructors_must_be_there_once() {
        let without = quote! { pub struct Client {} impl Client { pub fn get(&self) {} } };
        let error = progenitor_text(without, &BTreeMap::new()).unwrap_err();
        assert!(error.contains("not found exactly once"), "{error}");
        let twice = quote! {
            impl Client { pub fn new_with_client() {} }
            impl Client { pub fn new_with_client() {} }
        };
        assert!(progenitor_text(twice, &BTreeMap::new()).is_err());
    }
}
