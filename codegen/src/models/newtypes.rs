//! typify's impls for its newtypes (`pub struct Name(Inner);`), written as text in rustfmt's
//! layout instead of being formatted by prettyplease: `Deref`, both `From`s, `Display`,
//! `FromStr`, the `TryFrom`s and, for a constrained string (`maxLength`, `minLength`,
//! `pattern`), its checking `FromStr` and `Deserialize`.
//!
//! The code stays typify's: a text replaces typify's impl only if it is the same code, compared
//! without layout (`same_code`: spaces only between words, and without the trailing commas
//! typify writes in arguments, which prettyplease leaves out as well). An impl of another
//! shape, such as a `Default` or what a newer typify writes, stays as tokens for prettyplease.
//! Formatting these impls was most of what prettyplease still did for the models of the pinned
//! spec (18 constrained strings with six impls each); the check costs about a quarter of that
//! (callgrind: 8M instructions where formatting them took about 36M).

use std::fmt::Write;

use proc_macro2::{Delimiter, TokenStream, TokenTree};

use crate::output::render::syn_type_text;

/// The traits whose impls typify writes for a newtype.
const TRAITS: [&str; 6] = ["Deref", "From", "Display", "FromStr", "TryFrom", "Deserialize"];

/// A newtype typify declared, whose impls follow it.
pub struct Newtype {
    name: String,
    /// The wrapped type as text (`::std::string::String`).
    inner: String,
    /// Whether typify checks constraints (the field is private then): its conversions go
    /// through the checking `FromStr` and fail with `ConversionError`.
    constrained: bool,
}

impl Newtype {
    /// The newtype `item` declares, if it is one: a tuple struct with a single field.
    pub fn recognize(item: &syn::ItemStruct) -> Option<Self> {
        let syn::Fields::Unnamed(fields) = &item.fields else { return None };
        let mut fields = fields.unnamed.iter();
        let (Some(field), None) = (fields.next(), fields.next()) else { return None };
        if !item.generics.params.is_empty() || !field.attrs.is_empty() {
            return None;
        }
        Some(Self { name: item.ident.to_string(), inner: syn_type_text(&field.ty), constrained: matches!(field.vis, syn::Visibility::Inherited) })
    }

    /// `item` as text, if it is one of the impls typify writes for this newtype (see the
    /// module's documentation); `None` leaves it to prettyplease.
    pub fn impl_text(&self, item: &[TokenTree]) -> Option<String> {
        let text = self.candidate(item)?;
        same_code(item, &text).then_some(text)
    }

    /// What the impl would be as text, judged by its trait and type alone.
    fn candidate(&self, item: &[TokenTree]) -> Option<String> {
        let (Some(TokenTree::Ident(first)), Some(TokenTree::Group(body))) = (item.first(), item.last()) else { return None };
        if first != "impl" || body.delimiter() != Delimiter::Brace {
            return None;
        }
        let header = &item[..item.len() - 1];
        let for_at = header.iter().position(|token| matches!(token, TokenTree::Ident(ident) if ident == "for"))?;
        let for_self = matches!(&header[for_at + 1..], [TokenTree::Ident(ident)] if *ident == self.name);
        let trait_tokens = &header[..for_at];
        // The trait's own name comes before its generic arguments (`From<Name>`).
        let trait_name = trait_tokens.iter().find_map(|token| match token {
            TokenTree::Ident(ident) => TRAITS.iter().find(|name| ident == *name).copied(),
            _ => None,
        });
        let (name, inner) = (&self.name, &self.inner);
        let borrowed = trait_tokens.iter().any(|token| matches!(token, TokenTree::Punct(punct) if punct.as_char() == '&'));
        Some(match trait_name? {
            "Deref" if for_self => {
                format!("impl ::std::ops::Deref for {name} {{\n    type Target = {inner};\n    fn deref(&self) -> &{inner} {{\n        &self.0\n    }}\n}}\n")
            }
            // `From<Name> for Inner`: the type after `for` is the inner one.
            "From" if !for_self => format!("impl ::std::convert::From<{name}> for {inner} {{\n    fn from(value: {name}) -> Self {{\n        value.0\n    }}\n}}\n"),
            "From" => format!("impl ::std::convert::From<{inner}> for {name} {{\n    fn from(value: {inner}) -> Self {{\n        Self(value)\n    }}\n}}\n"),
            "Display" if for_self => format!(
                "impl ::std::fmt::Display for {name} {{\n    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {{\n        self.0.fmt(f)\n    }}\n}}\n"
            ),
            "FromStr" if for_self && self.constrained => self.checking_from_str(body.stream())?,
            // typify's rule: a string's `FromStr` cannot fail, another type's is the inner one's.
            "FromStr" if for_self && inner == "::std::string::String" => format!(
                "impl ::std::str::FromStr for {name} {{\n    type Err = ::std::convert::Infallible;\n    fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {{\n        Ok(Self(value.to_string()))\n    }}\n}}\n"
            ),
            "FromStr" if for_self => format!(
                "impl ::std::str::FromStr for {name} {{\n    type Err = <{inner} as ::std::str::FromStr>::Err;\n    fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {{\n        Ok(Self(value.parse()?))\n    }}\n}}\n"
            ),
            "TryFrom" if for_self && self.constrained => {
                let source = if borrowed { "&str" } else { "::std::string::String" };
                format!(
                    "impl ::std::convert::TryFrom<{source}> for {name} {{\n    type Error = self::error::ConversionError;\n    fn try_from(value: {source}) -> ::std::result::Result<Self, self::error::ConversionError> {{\n        value.parse()\n    }}\n}}\n"
                )
            }
            "TryFrom" if for_self => {
                let source = if borrowed { "&str" } else { "String" };
                format!(
                    "impl ::std::convert::TryFrom<{source}> for {name} {{\n    type Error = <{inner} as ::std::str::FromStr>::Err;\n    fn try_from(value: {source}) -> ::std::result::Result<Self, Self::Error> {{\n        value.parse()\n    }}\n}}\n"
                )
            }
            "Deserialize" if for_self && self.constrained => format!(
                "impl<'de> ::serde::Deserialize<'de> for {name} {{\n    fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>\n    where\n        D: ::serde::Deserializer<'de>,\n    {{\n        ::std::string::String::deserialize(deserializer)?\n            .parse()\n            .map_err(|e: self::error::ConversionError| {{\n                <D::Error as ::serde::de::Error>::custom(e.to_string())\n            }})\n    }}\n}}\n"
            ),
            _ => return None,
        })
    }

    /// The `FromStr` of a constrained string, its checks read from typify's: in its order, a
    /// length bound is `count() > N` or `count() < N` and its message, a pattern is
    /// `Regex::new(P)` and its message.
    fn checking_from_str(&self, body: TokenStream) -> Option<String> {
        let mut leaves = Vec::new();
        flatten(body, &mut leaves);
        let mut literals = leaves.iter().filter_map(|token| match token {
            TokenTree::Literal(literal) => Some(literal.to_string()),
            _ => None,
        });
        let mut checks = String::new();
        for (at, token) in leaves.iter().enumerate() {
            let TokenTree::Ident(ident) = token else { continue };
            if ident == "count" {
                let Some(TokenTree::Punct(comparison)) = leaves.get(at + 1) else { return None };
                let (bound, message) = (literals.next()?, literals.next()?);
                let _ = write!(checks, "        if value.chars().count() {} {bound} {{\n            return Err({message}.into());\n        }}\n", comparison.as_char());
            } else if ident == "Regex" && matches!(leaves.get(at + 3), Some(TokenTree::Ident(new)) if new == "new") {
                let (pattern, message) = (literals.next()?, literals.next()?);
                let _ = write!(
                    checks,
                    "        static PATTERN: ::std::sync::LazyLock<::regress::Regex> = ::std::sync::LazyLock::new(|| {{\n            ::regress::Regex::new({pattern}).unwrap()\n        }});\n        if PATTERN.find(value).is_none() {{\n            return Err({message}.into());\n        }}\n"
                );
            }
        }
        let name = &self.name;
        Some(format!(
            "impl ::std::str::FromStr for {name} {{\n    type Err = self::error::ConversionError;\n    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {{\n{checks}        Ok(Self(value.to_string()))\n    }}\n}}\n"
        ))
    }
}

/// The tokens of `stream` without their groups, in order.
fn flatten(stream: TokenStream, out: &mut Vec<TokenTree>) {
    for token in stream {
        match token {
            TokenTree::Group(group) => flatten(group.stream(), out),
            other => out.push(other),
        }
    }
}

/// Whether `text` is the code of `tokens`: the two are the same once both are written
/// [`compact`]ly. Writing tokens out (their `Display`) is the cheapest way through them, and
/// much cheaper than lexing the text to compare tokens: this check costs a fraction of what
/// formatting the impls did.
fn same_code(tokens: &[TokenTree], text: &str) -> bool {
    let mut written = String::with_capacity(text.len() * 2);
    for token in tokens {
        let _ = write!(written, "{token} ");
    }
    compact(&written) == compact(text)
}

/// Code without the spaces that do not separate two words (in string literals, every space
/// stays), and without a comma before a closing parenthesis: two texts of the same tokens
/// give the same compact text, whatever their layout. (Bytes, not characters: a byte of a
/// non-ASCII character counts as a word's on both sides.)
fn compact(code: &str) -> Vec<u8> {
    let word = |byte: u8| byte.is_ascii_alphanumeric() || byte == b'_' || byte >= 0x80;
    let mut out: Vec<u8> = Vec::with_capacity(code.len());
    let mut space = false;
    let mut bytes = code.bytes();
    while let Some(byte) = bytes.next() {
        if byte.is_ascii_whitespace() {
            space = true;
            continue;
        }
        if space && word(byte) && out.last().is_some_and(|last| word(*last)) {
            out.push(b' ');
        }
        space = false;
        if byte == b')' && out.last() == Some(&b',') {
            out.pop();
        }
        out.push(byte);
        if byte == b'"' {
            while let Some(inside) = bytes.next() {
                out.push(inside);
                match inside {
                    b'\\' => out.extend(bytes.next()),
                    b'"' => break,
                    _ => {}
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::render::top_level_items;

    /// typify's output for one schema, as top-level items.
    fn typify(schema: serde_json::Value) -> Vec<Vec<TokenTree>> {
        let mut settings = typify::TypeSpaceSettings::default();
        settings.with_derive("PartialEq".to_owned());
        let mut type_space = typify::TypeSpace::new(&settings);
        let schema: schemars::schema::Schema = serde_json::from_value(schema).unwrap();
        type_space.add_ref_types([("Checked".to_owned(), schema)]).unwrap();
        top_level_items(type_space.to_stream())
    }

    /// Each impl that follows the newtype, written as text or left as tokens (`None`).
    fn impls(schema: serde_json::Value) -> Vec<(String, Option<String>)> {
        let items = typify(schema);
        let at = items.iter().position(|item| item.iter().any(|t| matches!(t, TokenTree::Ident(i) if i == "struct"))).unwrap();
        let declared: syn::ItemStruct = syn::parse2(items[at].iter().cloned().collect()).unwrap();
        let newtype = Newtype::recognize(&declared).expect("typify wrote a newtype");
        items[at + 1..]
            .iter()
            .take_while(|item| matches!(item.first(), Some(TokenTree::Ident(i)) if i == "impl"))
            .map(|item| {
                let tokens: TokenStream = item.iter().cloned().collect();
                (tokens.to_string(), newtype.impl_text(item))
            })
            .collect()
    }

    #[test]
    fn every_impl_of_a_constrained_string_is_written_as_text() {
        let written = impls(serde_json::json!({ "type": "string", "maxLength": 64, "minLength": 1, "pattern": "^[a-z]+\"$" }));
        assert_eq!(written.len(), 6, "Deref, From, FromStr, two TryFrom, Deserialize: {written:#?}");
        for (tokens, text) in &written {
            assert!(text.is_some(), "left as tokens: {tokens}");
        }
        let from_str = written.iter().find_map(|(_, text)| text.as_ref().filter(|text| text.contains("FromStr for"))).unwrap();
        assert!(from_str.contains("if value.chars().count() > 64usize {\n            return Err(\"longer than 64 characters\".into());"), "{from_str}");
        assert!(from_str.contains("count() < 1usize"), "{from_str}");
        assert!(from_str.contains(r#"::regress::Regex::new("^[a-z]+\"$").unwrap()"#), "{from_str}");
    }

    #[test]
    fn the_impls_of_a_plain_newtype_are_written_as_text_and_a_default_stays_as_tokens() {
        let written = impls(serde_json::json!({ "type": "integer", "format": "int64", "default": 30 }));
        let left: Vec<&String> = written.iter().filter(|(_, text)| text.is_none()).map(|(tokens, _)| tokens).collect();
        assert!(written.len() >= 5, "{written:#?}");
        assert!(left.iter().all(|tokens| tokens.contains("Default")), "only the Default stays as tokens: {left:#?}");
    }

    #[test]
    fn compact_code_keeps_what_separates_tokens_and_every_space_in_strings() {
        assert_eq!(compact("impl :: std :: ops :: Deref for  A {\n    f (x , ) }"), b"impl::std::ops::Deref for A{f(x)}");
        assert_eq!(compact(r#"Err ( "longer  than \" 64" . into ( ) )"#), br#"Err("longer  than \" 64".into())"#);
        assert_ne!(compact("a b"), compact("ab"));
    }

    #[test]
    fn an_impl_that_is_not_typifys_code_stays_as_tokens() {
        let newtype = Newtype { name: "Checked".to_owned(), inner: "::std::string::String".to_owned(), constrained: true };
        let changed: TokenStream = quote::quote! {
            impl ::std::ops::Deref for Checked { type Target = ::std::string::String; fn deref(&self) -> &::std::string::String { &self.1 } }
        };
        let items = top_level_items(changed);
        assert_eq!(newtype.impl_text(&items[0]), None);
    }
}
