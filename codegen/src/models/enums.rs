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

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

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

    /// The enum and its impls; `open` adds the catch-all variant ([`Self::catch_all_ident`]).
    pub fn generate(&self, open: bool) -> TokenStream {
        let name = &self.item.ident;
        let docs = self.item.attrs.iter().filter(|attr| attr.path().is_ident("doc"));
        // typify's other attributes (`#[non_exhaustive]`), but not its derives: serde is ours.
        let attrs = self.item.attrs.iter().filter(|attr| !attr.path().is_ident("doc") && !attr.path().is_ident("derive"));
        let variants = self.item.variants.iter().zip(&self.values).map(|(variant, (_, text))| {
            let ident = &variant.ident;
            let docs: Vec<&syn::Attribute> = variant.attrs.iter().filter(|attr| attr.path().is_ident("doc")).collect();
            // The wire value, where the spec gives the variant no description.
            let value_doc = docs.is_empty().then(|| {
                let text = format!("`{text}`");
                quote! { #[doc = #text] }
            });
            quote! { #(#docs)* #value_doc #ident, }
        });
        let idents: Vec<&syn::Ident> = self.values.iter().map(|(ident, _)| ident).collect();
        let texts: Vec<&String> = self.values.iter().map(|(_, text)| text).collect();
        let listed = texts.iter().map(|text| format!("`{text}`")).collect::<Vec<_>>().join(", ");
        let not_listed = format!("`{{value}}` is not one of {listed}");
        let unknown_ident = self.catch_all_ident();
        let (open_doc, unknown_variant, unknown_str, unknown_read) = if open {
            let doc = format!("Responses carry this enum, and GitHub adds values without waiting for a new description: a value not listed here comes back as [`Self::{unknown_ident}`], which serializes as it came.");
            (
                quote! {
                    #[doc = ""]
                    #[doc = #doc]
                },
                quote! {
                    #[doc = "A value the API description does not list, kept as received."]
                    #unknown_ident(crate::UnknownValue),
                },
                quote! { Self::#unknown_ident(value) => value.as_str(), },
                quote! { _ => Ok(Self::#unknown_ident(text.into_unknown())), },
            )
        } else {
            let expected = texts.iter().map(|text| quote! { #text });
            (
                quote! {},
                quote! {},
                quote! {},
                quote! { other => Err(::serde::de::Error::unknown_variant(other, &[#(#expected),*])), },
            )
        };
        // typify names a variant after a value that starts with a sign in lower case (`+1` is
        // `plus1`); other code of typify's may name it so, and it stays.
        let lower_case = idents.iter().any(|ident| ident.to_string().starts_with(|c: char| c.is_ascii_lowercase()));
        let allow = lower_case.then(|| quote! { #[allow(non_camel_case_types)] });
        quote! {
            #(#docs)*
            #open_doc
            #(#attrs)*
            #allow
            #[derive(Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
            pub enum #name {
                #(#variants)*
                #unknown_variant
            }

            impl #name {
                /// The value as it is sent and received.
                #[inline]
                pub fn as_str(&self) -> &str {
                    match self {
                        #(Self::#idents => #texts,)*
                        #unknown_str
                    }
                }
            }

            impl ::std::fmt::Display for #name {
                #[inline]
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }

            impl ::std::str::FromStr for #name {
                type Err = self::error::ConversionError;
                #[inline]
                fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
                    match value {
                        #(#texts => Ok(Self::#idents),)*
                        _ => Err(format!(#not_listed).into()),
                    }
                }
            }

            impl ::std::convert::TryFrom<&str> for #name {
                type Error = self::error::ConversionError;
                #[inline]
                fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
                    value.parse()
                }
            }

            impl ::std::convert::TryFrom<&::std::string::String> for #name {
                type Error = self::error::ConversionError;
                #[inline]
                fn try_from(value: &::std::string::String) -> ::std::result::Result<Self, self::error::ConversionError> {
                    value.parse()
                }
            }

            impl ::std::convert::TryFrom<::std::string::String> for #name {
                type Error = self::error::ConversionError;
                #[inline]
                fn try_from(value: ::std::string::String) -> ::std::result::Result<Self, self::error::ConversionError> {
                    value.parse()
                }
            }

            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }

            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    let text = crate::support::Text::deserialize(deserializer)?;
                    match text.as_str() {
                        #(#texts => Ok(Self::#idents),)*
                        #unknown_read
                    }
                }
            }
        }
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
        let generated: syn::File = syn::parse2(StringEnum::new(item).generate(open)).unwrap();
        let Some(syn::Item::Enum(item)) = generated.items.first() else { panic!("the enum comes first") };
        item.variants.iter().map(|variant| variant.ident.to_string()).collect()
    }

    #[test]
    fn a_lower_case_variant_is_allowed() {
        let item: syn::ItemEnum = syn::parse_quote! { pub enum Content { #[serde(rename = "+1")] plus1, #[serde(rename = "-1")] Minus1 } };
        let text = StringEnum::new(item).generate(false).to_string();
        assert!(text.contains("# [allow (non_camel_case_types)] # [derive"), "{text}");
        let item: syn::ItemEnum = syn::parse_quote! { pub enum Content { Laugh } };
        assert!(!StringEnum::new(item).generate(false).to_string().contains("allow"));
    }

    #[test]
    fn the_catch_all_does_not_clash_with_a_listed_value_named_unknown() {
        assert_eq!(variant_names(true, "Active, Inactive"), ["Active", "Inactive", "Unknown"]);
        assert_eq!(variant_names(true, "Active, Unknown"), ["Active", "Unknown", "Unlisted"]);
        assert_eq!(variant_names(true, "Unknown, Unlisted"), ["Unknown", "Unlisted", "Unlisted_"]);
        assert_eq!(variant_names(false, "Active, Unknown"), ["Active", "Unknown"], "a closed enum has no catch-all");
    }
}
