//! Our own `Deserialize` for the structs typify declares, in place of serde's derive: the same
//! behaviour at a fraction of the code, because the derive's output was most of what rustc spent
//! on a large models crate (BENCHMARKS.md: rustc's time for the whole description's models fell
//! from 66 s to 38 s with this).
//!
//! serde's derive writes, for every struct, a field-identifier enum with its own `Deserialize`
//! and visitor (matching each key as a string, as bytes and as an index), a `visit_seq` reading
//! the struct from an array, and a `visit_map` with a duplicate check, a value read and a
//! missing-field fallback spelled out per field. What we write is the `visit_map` alone: one
//! local per field, one match arm per key (a `&str` comparison), one line per field to finish,
//! with the per-field work in four shared functions (`field::read`, `field::required`,
//! `field::skip`, `field::unknown`, from `codegen/templates/models/fields.rs`).
//!
//! It behaves as the derive does for JSON objects, which `tests/tests/deserialize_equivalence.rs`
//! checks against a crate generated with the derive (`cargo xtask regen --serde-derive-baseline`)
//! on every pinned struct (the named schemas directly, the inline ones inside them): keys are
//! matched by their `rename`d name; a key seen twice is an error
//! (`duplicate field`); an undeclared key is skipped, or refused (`unknown field`, with the
//! expected names) under `deny_unknown_fields`; a missing field is `None` for an `Option`,
//! the default under `#[serde(default)]` or `default = "path"`, and `missing field` otherwise
//! (also for typify's required nullable fields, `deserialize_with = "Option::deserialize"`,
//! which may be `null` but must be present). The one difference: a struct is read from an
//! object only, not from a JSON array of its fields in declaration order, which serde's derive
//! also accepts and GitHub never sends.
//!
//! Structs with anything else (`flatten`, `transparent`, another `deserialize_with`, generics)
//! keep serde's derive. The impls are one file, `types/deserialize.rs`, written as text in
//! rustfmt's layout like the builders, and not in the per-type snapshots (the struct's fields
//! and serde attributes, which are, determine them).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use super::serde_attrs::{self, FieldDefault};

/// The module of `types/deserialize.rs` that the impls call.
const FIELD_HELPERS: &str = include_str!("../../templates/models/fields.rs");

/// How a missing field is filled.
#[derive(Debug, Clone, PartialEq)]
enum Missing {
    /// `missing field` error.
    Error,
    /// `None` (an `Option` field) or `Default::default()` (`#[serde(default)]`): both are
    /// `unwrap_or_default()`.
    Default,
    /// The value of the function at this path, relative to the types module (typify's
    /// `defaults::...`).
    Function(String),
}

/// One field as deserialization sees it.
#[derive(Debug, Clone, PartialEq)]
struct Field {
    /// The Rust field name (`type_`, or `r#type` as written).
    ident: String,
    /// The key in the JSON object.
    key: String,
    missing: Missing,
}

/// A struct whose `Deserialize` we write.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    name: String,
    fields: Vec<Field>,
    deny_unknown_fields: bool,
}

impl Object {
    /// Reads `item` if it derives `::serde::Deserialize` and uses only what this module
    /// implements, and then removes `::serde::Deserialize` from its derive: the impl written by
    /// [`file`] takes its place. Any other struct is left as it is and gets `None`.
    pub fn take_over(item: &mut syn::ItemStruct) -> Option<Object> {
        // The derive list is read once: where it names `Deserialize`, and what it keeps.
        let (index, kept) = item.attrs.iter().enumerate().find_map(|(index, attr)| {
            let paths = derived(attr)?;
            paths.iter().any(is_deserialize).then(|| (index, paths.into_iter().filter(|path| !is_deserialize(path)).collect::<Vec<_>>()))
        })?;
        let object = Object::read(item)?;
        if kept.is_empty() {
            item.attrs.remove(index);
        } else if let syn::Meta::List(list) = &mut item.attrs[index].meta {
            // The attribute's tokens are written, not parsed again.
            list.tokens = quote::quote! { #(#kept),* };
        }
        Some(object)
    }

    fn read(item: &syn::ItemStruct) -> Option<Object> {
        if !item.generics.params.is_empty() {
            return None;
        }
        let syn::Fields::Named(named) = &item.fields else { return None };
        let mut deny_unknown_fields = false;
        for attr in item.attrs.iter().filter(|attr| attr.path().is_ident("serde")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("deny_unknown_fields") {
                    deny_unknown_fields = true;
                    Ok(())
                } else {
                    Err(meta.error("not written by us"))
                }
            })
            .ok()?;
        }
        let fields = named.named.iter().map(field).collect::<Option<Vec<Field>>>()?;
        Some(Object { name: item.ident.to_string(), fields, deny_unknown_fields })
    }
}

/// The deserialization view of one field, or `None` if it uses a serde attribute we do not
/// write.
fn field(field: &syn::Field) -> Option<Field> {
    let ident = field.ident.as_ref()?.to_string();
    let attrs = serde_attrs::read(field)?;
    if attrs.flatten || attrs.other {
        return None;
    }
    // typify's required nullable field: `null` is `None`, but the key must be there.
    let nullable_but_required = match attrs.deserialize_with.as_deref() {
        None => false,
        Some("::std::option::Option::deserialize") if is_option(&field.ty) => true,
        Some(_) => return None,
    };
    let key = attrs.rename.unwrap_or_else(|| ident.strip_prefix("r#").unwrap_or(&ident).to_owned());
    let missing = match attrs.default {
        Some(FieldDefault::Default) => Missing::Default,
        Some(FieldDefault::Function(path)) => Missing::Function(path),
        None if nullable_but_required => Missing::Error,
        // serde fills a missing `Option` with `None` (its missing-field fallback deserializes
        // `none`), and fails for every other type.
        None if is_option(&field.ty) => Missing::Default,
        None => Missing::Error,
    };
    Some(Field { ident, key, missing })
}

/// Whether the type is written `Option<..>` (typify writes `::std::option::Option<..>`).
fn is_option(ty: &syn::Type) -> bool {
    super::builders::option_inner(ty).is_some()
}

/// The paths of the derives in `attrs`.
fn derived(attr: &syn::Attribute) -> Option<Vec<syn::Path>> {
    if !attr.path().is_ident("derive") {
        return None;
    }
    attr.parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated).ok().map(|paths| paths.into_iter().collect())
}

fn is_deserialize(path: &syn::Path) -> bool {
    path.segments.last().is_some_and(|last| last.ident == "Deserialize") && path.segments.len() <= 2 && path.segments.first().is_some_and(|first| first.ident == "serde" || path.segments.len() == 1)
}

/// The text of `types/deserialize.rs` (without the header line): the `Deserialize` impl of each
/// of `objects`, in their order; those of the types in `gated` behind the `webhooks` feature, as
/// the types are.
pub fn file(objects: &[&Object], gated: &BTreeSet<String>) -> String {
    let mut out = String::from(
        "//! `Deserialize` for the structs of this crate, written out rather than derived: serde's derive\n\
         //! is most of the code rustc checks in a large models crate. They behave as the derive does for\n\
         //! JSON objects (keys by name, duplicates and missing fields refused, undeclared keys skipped\n\
         //! or refused as the struct says), but read a struct from an object only, not from an array.\n\
         use std::fmt;\n\
         \n\
         use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};\n\
         \n\
         use crate::support::Text;\n\
         \n",
    );
    out.push_str(FIELD_HELPERS);
    for object in objects {
        let cfg = if gated.contains(&object.name) { "#[cfg(feature = \"webhooks\")]\n" } else { "" };
        out.push_str(&object.deserialize_impl(cfg));
    }
    out
}

impl Object {
    fn deserialize_impl(&self, cfg: &str) -> String {
        let name = &self.name;
        // The visitor's own names must not be a field's local.
        let free = |wanted: &str| {
            let mut candidate = wanted.to_owned();
            while self.fields.iter().any(|field| field.ident == candidate) {
                candidate.push('_');
            }
            candidate
        };
        let (map, key) = (free("map"), free("key"));
        let keys: Vec<String> = self.fields.iter().map(|field| format!("{:?}", field.key)).collect();
        let mut out = String::new();
        let _ = write!(
            out,
            "{cfg}impl<'de> Deserialize<'de> for super::{name} {{\n    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {{\n        const FIELDS: &[&str] = &[{}];\n        struct Fields;\n        impl<'de> Visitor<'de> for Fields {{\n            type Value = super::{name};\n            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {{\n                formatter.write_str(\"struct {name}\")\n            }}\n",
            keys.join(", ")
        );
        let _ = writeln!(out, "            fn visit_map<A: MapAccess<'de>>(self, mut {map}: A) -> Result<Self::Value, A::Error> {{");
        for field in &self.fields {
            let _ = writeln!(out, "                let mut {} = None;", field.ident);
        }
        let other = if self.deny_unknown_fields { format!("return Err(field::unknown({key}, FIELDS))") } else { format!("field::skip(&mut {map})?") };
        if self.fields.is_empty() {
            // Every key is one the struct does not declare: the first is refused, or all skipped.
            let head = if self.deny_unknown_fields { format!("if let Some({key}) = {map}.next_key::<Text<'de>>()?") } else { format!("while {map}.next_key::<Text<'de>>()?.is_some()") };
            let _ = writeln!(out, "                {head} {{\n                    {other};\n                }}");
        } else {
            let _ = writeln!(out, "                while let Some({key}) = {map}.next_key::<Text<'de>>()? {{\n                    match {key}.as_str() {{");
            for (field, quoted) in self.fields.iter().zip(&keys) {
                let _ = writeln!(out, "                        {quoted} => field::read(&mut {map}, &mut {}, {quoted})?,", field.ident);
            }
            let _ = writeln!(out, "                        _ => {other},\n                    }}\n                }}");
        }
        if self.fields.is_empty() {
            let _ = writeln!(out, "                Ok(super::{name} {{}})");
        } else {
            // The required fields are taken out before the struct is built, each by a statement of
            // its own: a `?` inside the struct expression would have to drop every field built
            // before it on its way out, and rustc writes those drops out per `?` (quadratic code
            // in a struct's field count: 35k lines of LLVM IR for one of 90 fields). The first
            // missing field in declaration order is still the one reported, as serde's derive does.
            for (field, quoted) in self.fields.iter().zip(&keys) {
                if matches!(field.missing, Missing::Error) {
                    let ident = &field.ident;
                    let _ = writeln!(out, "                let {ident} = field::required({ident}, {quoted})?;");
                }
            }
            let _ = writeln!(out, "                Ok(super::{name} {{");
            for field in &self.fields {
                let ident = &field.ident;
                let _ = match &field.missing {
                    Missing::Error => writeln!(out, "                    {ident},"),
                    Missing::Default => writeln!(out, "                    {ident}: {ident}.unwrap_or_default(),"),
                    Missing::Function(path) => writeln!(out, "                    {ident}: {ident}.unwrap_or_else(super::{path}),"),
                };
            }
            let _ = writeln!(out, "                }})");
        }
        let _ = write!(out, "            }}\n        }}\n        deserializer.deserialize_struct({name:?}, FIELDS, Fields)\n    }}\n}}\n");
        out
    }
}

/// The objects of `objects` that are not copies of another type (`aliases`, copy -> canonical):
/// a copy is an alias, and its canonical type has the impl.
pub fn canonical<'a>(objects: &'a [Object], aliases: &BTreeMap<String, String>) -> Vec<&'a Object> {
    objects.iter().filter(|object| !aliases.contains_key(&object.name)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(item: syn::ItemStruct) -> (Option<Object>, syn::ItemStruct) {
        let mut item = item;
        let object = Object::take_over(&mut item);
        (object, item)
    }

    #[test]
    fn every_kind_of_field_is_read_as_serde_would() {
        let (object, item) = object(syn::parse_quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
            #[serde(deny_unknown_fields)]
            pub struct Record {
                pub name: Name,
                #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                pub cluster: ::std::option::Option<Cluster>,
                #[serde(deserialize_with = "::std::option::Option::deserialize")]
                pub license: ::std::option::Option<crate::License>,
                #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                pub tags: ::std::vec::Vec<::std::string::String>,
                #[serde(default = "defaults::default_bool::<true>")]
                pub return_records: bool,
                #[serde(rename = "type")]
                pub type_: ::std::string::String,
                pub key: i64,
            }
        });
        let object = object.expect("taken over");
        assert_eq!(quote::ToTokens::to_token_stream(&item.attrs[0]).to_string(), "# [derive (:: serde :: Serialize , Clone , Debug , PartialEq)]");
        let code = file(&[&object], &BTreeSet::new());
        for expected in [
            "const FIELDS: &[&str] = &[\"name\", \"cluster\", \"license\", \"tags\", \"return_records\", \"type\", \"key\"];",
            // `key` is a field: the visitor's own local moves aside.
            "while let Some(key_) = map.next_key::<Text<'de>>()? {",
            "\"type\" => field::read(&mut map, &mut type_, \"type\")?,",
            "_ => return Err(field::unknown(key_, FIELDS)),",
            "let name = field::required(name, \"name\")?;",
            "                    name,\n",
            "cluster: cluster.unwrap_or_default(),",
            "let license = field::required(license, \"license\")?;",
            "tags: tags.unwrap_or_default(),",
            "return_records: return_records.unwrap_or_else(super::defaults::default_bool::<true>),",
            "deserializer.deserialize_struct(\"Record\", FIELDS, Fields)",
        ] {
            assert!(code.contains(expected), "missing {expected:?} in:\n{code}");
        }
        syn::parse_file(&code).expect("the text is Rust");
    }

    #[test]
    fn structs_using_other_serde_options_keep_the_derive() {
        for item in [
            syn::parse_quote! { #[derive(::serde::Deserialize)] pub struct A { #[serde(flatten)] pub rest: ::std::option::Option<B> } },
            syn::parse_quote! { #[derive(::serde::Deserialize)] #[serde(transparent)] pub struct A { pub inner: String } },
            syn::parse_quote! { #[derive(::serde::Deserialize)] pub struct A(pub String); },
            syn::parse_quote! { #[derive(::serde::Serialize)] pub struct A { pub a: i64 } },
            syn::parse_quote! { #[derive(::serde::Deserialize)] pub struct A { #[serde(deserialize_with = "mine")] pub a: ::std::option::Option<i64> } },
        ] {
            let (object, after) = object(item);
            assert!(object.is_none());
            assert!(quote::ToTokens::to_token_stream(&after).to_string().starts_with("# [derive"));
        }
    }

    #[test]
    fn a_struct_without_fields_skips_or_refuses_every_key() {
        let (strict, _) = object(syn::parse_quote! { #[derive(::serde::Deserialize)] #[serde(deny_unknown_fields)] pub struct Nothing {} });
        let code = file(&[&strict.unwrap()], &BTreeSet::new());
        assert!(code.contains("if let Some(key) = map.next_key::<Text<'de>>()? {\n                    return Err(field::unknown(key, FIELDS));\n                }"), "{code}");
        let (object, _) = object(syn::parse_quote! { #[derive(::serde::Deserialize, Default)] pub struct EmptyObject {} });
        let code = file(&[&object.unwrap()], &BTreeSet::new());
        assert!(code.contains("while map.next_key::<Text<'de>>()?.is_some() {\n                    field::skip(&mut map)?;\n                }"), "{code}");
        assert!(code.contains("Ok(super::EmptyObject {})"), "{code}");
        syn::parse_file(&code).expect("the text is Rust");
    }
}
