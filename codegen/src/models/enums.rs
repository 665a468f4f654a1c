//! String enums, written by us in place of typify's: the same names, variants, documentation
//! and wire values, plus what typify cannot give them.
//!
//! - An enum that responses carry ([`crate::ir::Model::read_by_clients`]) is *open*: a value
//!   the description does not list deserializes into `Unknown(UnknownValue)` and serializes back
//!   unchanged, so a response with a value GitHub added yesterday still parses. `UnknownValue`
//!   has no public constructor: a request cannot carry an unlisted value by accident.
//! - Every enum is `#[non_exhaustive]` (typify's attribute, kept), so a value added to the spec
//!   is a new variant, not a breaking change; `FromStr`/`TryFrom` accept listed values only and
//!   say which those are.
//! - Their methods are `#[inline]`: rustc then generates machine code for them only where they
//!   are called, not for each of the thousands of enums of a large description.

use std::fmt::Write;

use quote::format_ident;

use crate::output::render::{doc_line, rust_string};

/// A typify enum whose variants are all unit variants, each standing for one string.
pub struct StringEnum {
    /// The enum as typify declared it.
    pub item: syn::ItemEnum,
    /// (variant, wire value), in declaration order.
    pub values: Vec<(syn::Ident, String)>,
}

impl StringEnum {
    /// Whether `item` is a string enum: every variant a unit variant, named by its ident or by
    /// `#[serde(rename = "...")]`, and no serde attribute on the enum itself (`untagged`,
    /// `tag`... are other shapes).
    pub fn recognize(item: &syn::ItemEnum) -> bool {
        !item.attrs.iter().any(|attr| attr.path().is_ident("serde")) && !item.variants.is_empty() && values(item).is_some()
    }

    /// The string enum `item` (which [`StringEnum::recognize`] accepted).
    pub fn new(item: syn::ItemEnum) -> Self {
        let values = values(&item).unwrap_or_default();
        Self { item, values }
    }

    /// The name of the variant that holds an unlisted value: `Unknown`, unless the spec lists a
    /// value that typify named so (GitHub's `validity`, `severity` and others list `unknown`),
    /// then `Unlisted` (and `_` appended while that clashes too).
    fn catch_all_ident(&self) -> syn::Ident {
        let taken = |name: &str| self.values.iter().any(|(ident, _)| ident == name);
        let mut name = if taken("Unknown") { "Unlisted".to_owned() } else { "Unknown".to_owned() };
        while taken(&name) {
            name.push('_');
        }
        format_ident!("{name}")
    }

    /// The enum and its impls, one text per top-level item (the enum first), in rustfmt's
    /// layout; `open` adds the catch-all variant ([`Self::catch_all_ident`]).
    ///
    /// Written as text, as the builders are, rather than as tokens for prettyplease: they are
    /// regular code, a third of the models' lines on a large description, and parsing tokens
    /// back to format them was most of what generating them cost.
    pub fn generate(&self, open: bool) -> Vec<String> {
        let name = self.item.ident.to_string();
        let unknown = self.catch_all_ident().to_string();
        let values: Vec<(String, String)> = self.values.iter().map(|(ident, text)| (ident.to_string(), rust_string(text))).collect();

        let mut declaration = String::new();
        let docs = self.item.attrs.iter().filter(|attr| attr.path().is_ident("doc"));
        docs.for_each(|attr| attribute(&mut declaration, "", attr));
        if open {
            declaration.push_str("///\n");
            let _ = writeln!(
                declaration,
                "///Responses carry this enum, and GitHub adds values without waiting for a new description: a value not listed here comes back as [`Self::{unknown}`], which serializes as it came."
            );
        }
        // typify's other attributes (`#[non_exhaustive]`), but not its derives: serde is ours.
        let attrs = self.item.attrs.iter().filter(|attr| !attr.path().is_ident("doc") && !attr.path().is_ident("derive"));
        attrs.for_each(|attr| attribute(&mut declaration, "", attr));
        // typify names a variant after a value that starts with a sign in lower case (`+1` is
        // `plus1`); other code of typify's may name it so, and it stays.
        if values.iter().any(|(ident, _)| ident.starts_with(|c: char| c.is_ascii_lowercase())) {
            declaration.push_str("#[allow(non_camel_case_types)]\n");
        }
        let _ = writeln!(declaration, "#[derive(Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]\npub enum {name} {{");
        for (variant, (ident, text)) in self.item.variants.iter().zip(&self.values) {
            let mut documented = false;
            for attr in variant.attrs.iter().filter(|attr| attr.path().is_ident("doc")) {
                attribute(&mut declaration, "    ", attr);
                documented = true;
            }
            // The wire value, where the spec gives the variant no description.
            if !documented {
                doc_line(&mut declaration, "    ", &format!("`{text}`"));
            }
            let _ = writeln!(declaration, "    {ident},");
        }
        if open {
            let _ = writeln!(declaration, "    ///A value the API description does not list, kept as received.\n    {unknown}(crate::UnknownValue),");
        }
        declaration.push_str("}\n");

        let mut as_str = String::new();
        let _ = writeln!(as_str, "impl {name} {{\n    /// The value as it is sent and received.\n    #[inline]\n    pub fn as_str(&self) -> &str {{\n        match self {{");
        for (ident, text) in &values {
            let _ = writeln!(as_str, "            Self::{ident} => {text},");
        }
        if open {
            let _ = writeln!(as_str, "            Self::{unknown}(value) => value.as_str(),");
        }
        as_str.push_str("        }\n    }\n}\n");

        let listed = self.values.iter().map(|(_, text)| format!("`{text}`")).collect::<Vec<_>>().join(", ");
        let not_listed = rust_string(&format!("`{{value}}` is not one of {listed}"));
        let mut from_str = String::new();
        let _ = writeln!(
            from_str,
            "impl ::std::str::FromStr for {name} {{\n    type Err = self::error::ConversionError;\n    #[inline]\n    fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {{\n        match value {{"
        );
        for (ident, text) in &values {
            let _ = writeln!(from_str, "            {text} => Ok(Self::{ident}),");
        }
        let _ = writeln!(from_str, "            _ => Err(format!({not_listed}).into()),\n        }}\n    }}\n}}");

        let mut deserialize = String::new();
        let _ = writeln!(
            deserialize,
            "impl<'de> ::serde::Deserialize<'de> for {name} {{\n    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {{\n        let text = crate::support::Text::deserialize(deserializer)?;\n        match text.as_str() {{"
        );
        for (ident, text) in &values {
            let _ = writeln!(deserialize, "            {text} => Ok(Self::{ident}),");
        }
        if open {
            let _ = writeln!(deserialize, "            _ => Ok(Self::{unknown}(text.into_unknown())),");
        } else {
            let expected = values.iter().map(|(_, text)| text.as_str()).collect::<Vec<_>>().join(", ");
            let _ = writeln!(deserialize, "            other => Err(::serde::de::Error::unknown_variant(other, &[{expected}])),");
        }
        deserialize.push_str("        }\n    }\n}\n");

        let display = format!(
            "impl ::std::fmt::Display for {name} {{\n    #[inline]\n    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {{\n        f.write_str(self.as_str())\n    }}\n}}\n"
        );
        let try_from = |source: &str| {
            format!(
                "impl ::std::convert::TryFrom<{source}> for {name} {{\n    type Error = self::error::ConversionError;\n    #[inline]\n    fn try_from(value: {source}) -> ::std::result::Result<Self, self::error::ConversionError> {{\n        value.parse()\n    }}\n}}\n"
            )
        };
        let serialize = format!(
            "impl ::serde::Serialize for {name} {{\n    fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {{\n        serializer.serialize_str(self.as_str())\n    }}\n}}\n"
        );
        vec![
            declaration,
            as_str,
            display,
            from_str,
            try_from("&str"),
            try_from("&::std::string::String"),
            try_from("::std::string::String"),
            serialize,
            deserialize,
        ]
    }
}

/// An attribute of typify's on a line of its own: a doc comment as prettyplease writes one
/// (`///text`), anything else as prettyplease formats it.
fn attribute(out: &mut String, indent: &str, attr: &syn::Attribute) {
    if let syn::Meta::NameValue(syn::MetaNameValue { path, value: syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(text), .. }), .. }) = &attr.meta
        && path.is_ident("doc")
    {
        return doc_line(out, indent, &text.value());
    }
    let formatted = prettyplease::unparse(&syn::parse_quote! { #attr struct S; });
    for line in formatted.lines().filter(|line| *line != "struct S;") {
        let _ = writeln!(out, "{indent}{line}");
    }
}

/// Each variant's wire value, if every variant is a unit variant named by its ident or by
/// `#[serde(rename = "...")]` alone.
fn values(item: &syn::ItemEnum) -> Option<Vec<(syn::Ident, String)>> {
    let mut values = Vec::new();
    for variant in &item.variants {
        if !matches!(variant.fields, syn::Fields::Unit) || variant.discriminant.is_some() {
            return None;
        }
        let mut value = variant.ident.to_string();
        for attr in variant.attrs.iter().filter(|attr| attr.path().is_ident("serde")) {
            let mut renamed = None;
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    renamed = Some(meta.value()?.parse::<syn::LitStr>()?.value());
                    Ok(())
                } else {
                    Err(meta.error("not a rename"))
                }
            })
            .ok()?;
            value = renamed?;
        }
        values.push((variant.ident.clone(), value));
    }
    Some(values)
}

/// Whether `item` is one of the impls typify writes for a string enum, which [`StringEnum`]
/// writes itself: `Display`, `FromStr` and `TryFrom` for one of `enums`.
pub fn is_replaced_impl(item: &[proc_macro2::TokenTree], enums: &std::collections::BTreeSet<String>) -> bool {
    use proc_macro2::TokenTree;
    let Some(TokenTree::Ident(first)) = item.first() else { return false };
    if first != "impl" {
        return false;
    }
    // `impl <trait path> for <Type> { ... }`: the trait's last name and the type's name.
    let Some(for_at) = item.iter().position(|t| matches!(t, TokenTree::Ident(i) if i == "for")) else { return false };
    let Some(TokenTree::Ident(self_type)) = item.get(for_at + 1) else { return false };
    let trait_name = item[1..for_at].iter().rev().find_map(|t| match t {
        TokenTree::Ident(i) if ["Display", "FromStr", "TryFrom"].iter().any(|name| i == name) => Some(i.to_string()),
        _ => None,
    });
    trait_name.is_some() && enums.contains(&self_type.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn variant_names(open: bool, values: &str) -> Vec<String> {
        let item: syn::ItemEnum = syn::parse_str(&format!("pub enum Validity {{ {values} }}")).unwrap();
        let generated: syn::File = syn::parse_file(&StringEnum::new(item).generate(open).concat()).unwrap();
        let Some(syn::Item::Enum(item)) = generated.items.first() else { panic!("the enum comes first") };
        item.variants.iter().map(|variant| variant.ident.to_string()).collect()
    }

    #[test]
    fn a_lower_case_variant_is_allowed() {
        let item: syn::ItemEnum = syn::parse_quote! { pub enum Content { #[serde(rename = "+1")] plus1, #[serde(rename = "-1")] Minus1 } };
        let text = StringEnum::new(item).generate(false).concat();
        assert!(text.contains("#[allow(non_camel_case_types)]\n#[derive"), "{text}");
        let item: syn::ItemEnum = syn::parse_quote! { pub enum Content { Laugh } };
        assert!(!StringEnum::new(item).generate(false).concat().contains("allow"));
    }

    #[test]
    fn the_catch_all_does_not_clash_with_a_listed_value_named_unknown() {
        assert_eq!(variant_names(true, "Active, Inactive"), ["Active", "Inactive", "Unknown"]);
        assert_eq!(variant_names(true, "Active, Unknown"), ["Active", "Unknown", "Unlisted"]);
        assert_eq!(variant_names(true, "Unknown, Unlisted"), ["Unknown", "Unlisted", "Unlisted_"]);
        assert_eq!(variant_names(false, "Active, Unknown"), ["Active", "Unknown"], "a closed enum has no catch-all");
    }
}
