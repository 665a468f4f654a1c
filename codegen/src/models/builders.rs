//! A builder for every struct the models crate declares: the way to make a value of a
//! `#[non_exhaustive]` struct, and one that survives the spec adding optional fields.
//!
//! `Foo::builder()` gives a `builder::Foo` with one setter per field, taking anything that
//! converts into the field's type (`&str` for a constrained string, a `Vec` for a constrained
//! array); `.build()` gives the `Foo`, or a `BuildError` naming every required field that was
//! not set and every value that did not convert (`cluster: longer than 128 characters`).
//!
//! Builders are written from the struct typify declared, so they follow its fields exactly:
//! a required field must be set; an `Option` field is `None` unless set (also a required but
//! nullable one, which is then sent as `null`); a field with a default (`#[serde(default)]` or
//! `#[serde(default = "path")]`) gets that default, as deserialization would.
//!
//! The builders are one file, `types/builder.rs` (a child of the types module, so that it can
//! call typify's private `defaults`), written as text in rustfmt's layout rather than as tokens
//! for prettyplease: they are as regular as code gets, and formatting them would cost more than
//! generating every other model. Neither are they in the per-type snapshots: they follow the
//! structs, which are. `build()` and `builder()` are `#[inline]`: then rustc generates machine
//! code for them only in the crates that call them, not for every builder of the models crate.

use std::fmt::Write;

use super::serde_attrs::FieldDefault;

/// How a field is filled when its setter was not called.
enum Unset {
    /// It must be set.
    Required,
    /// `None`.
    None,
    /// `Default::default()`.
    Default,
    /// The value of the function at this path (typify's `defaults::...`, relative to the types
    /// module).
    Function(String),
}

/// One field, as the builder sees it.
struct Field {
    name: String,
    /// The type its setter converts into, as written from the builder module: the field's
    /// type, without the `Option` of an optional field.
    value_type: String,
    unset: Unset,
}

/// A struct's builder, written in the rewrite as soon as the struct is parsed, when it is not
/// yet known whether the struct goes behind the `webhooks` feature: [`file`] puts the
/// attribute where [`GATE_MARK`] stands.
pub struct Builder {
    /// The struct's name.
    name: String,
    /// The builder's items, with [`GATE_MARK`] where each one's `cfg` attribute goes.
    text: String,
}

/// Where a [`Builder`]'s `cfg` attribute goes: a character no generated code contains.
const GATE_MARK: char = '\0';

/// The builder of `item`, or `None` for a struct without named fields.
pub fn of(item: &syn::ItemStruct) -> Option<Builder> {
    let mark = GATE_MARK.to_string();
    builder(item, &mark).map(|text| Builder { name: item.ident.to_string(), text })
}

impl Builder {
    /// The name of the struct it builds.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// The `builders` of typify's structs, in their order: the text of `types/builder.rs`,
/// without the header line. Each of the `aliases` (copy -> canonical type) gets an alias of
/// its canonical type's builder, if it has one. The builders of the types in `gated` are
/// behind the `webhooks` feature, as the types are (`super::features`).
pub fn file(builders: &[&Builder], aliases: &std::collections::BTreeMap<String, String>, gated: &std::collections::BTreeSet<String>) -> String {
    let mut out = String::from(
        "//! Builders of the structs of this crate: `Type::builder()` returns `builder::Type`, with one\n\
         //! setter per field (taking what converts into the field's type) and `build()`, which names\n\
         //! every required field not set and every value that did not convert.\n\
         use std::fmt::Display;\n\
         \n\
         use crate::support::{BuildProblems, Slot, slot};\n",
    );
    let mut built = std::collections::BTreeSet::new();
    let cfg = |name: &str| if gated.contains(name) { "#[cfg(feature = \"webhooks\")]\n" } else { "" };
    for builder in builders {
        out.push_str(&builder.text.replace(GATE_MARK, cfg(&builder.name)));
        built.insert(builder.name.as_str());
    }
    for (copy, canonical) in aliases.iter().filter(|(_, canonical)| built.contains(canonical.as_str())) {
        let _ = writeln!(out, "/// Builds a [`{copy}`](super::{copy}), the same type as [`{canonical}`](super::{canonical}).\n{}pub type {copy} = {canonical};", cfg(copy));
    }
    out
}

/// The builder of one struct, and its `builder()` constructor; `cfg` (an attribute line, or
/// nothing) goes on each of its items.
fn builder(item: &syn::ItemStruct, cfg: &str) -> Option<String> {
    let syn::Fields::Named(named) = &item.fields else { return None };
    let fields: Vec<Field> = named.named.iter().map(field).collect::<Option<_>>()?;
    let name = item.ident.to_string();
    let mut out = String::new();
    let _ = write!(
        out,
        "{cfg}impl super::{name} {{\n    /// A builder for a `{name}`, with every field unset.\n    #[inline]\n    pub fn builder() -> {name} {{\n        <{name} as Default>::default()\n    }}\n}}\n\
         /// Builds a [`{name}`](super::{name}): one setter per field, taking what converts into the field's type, then [`build`](Self::build).\n\
         {cfg}#[derive(Clone, Debug, Default)]\n#[must_use]\npub struct {name} {{\n"
    );
    for field in &fields {
        let _ = writeln!(out, "    {}: Slot<{}>,", field.name, field.value_type);
    }
    let _ = writeln!(out, "}}\n{cfg}impl {name} {{");
    for field in &fields {
        let what = match field.unset {
            Unset::Required => "required",
            Unset::None => "`None` unless set",
            Unset::Default | Unset::Function(_) => "its default unless set",
        };
        let _ = write!(
            out,
            "    /// Sets [`{name}::{field}`](super::{name}::{field}) ({what}).\n    pub fn {setter}(mut self, value: impl TryInto<{ty}, Error: Display>) -> Self {{\n        self.{field} = slot(value);\n        self\n    }}\n",
            field = field.name,
            setter = setter_name(&field.name),
            ty = field.value_type,
        );
    }
    let _ = write!(
        out,
        "    /// The [`{name}`](super::{name}), or every required field not set and every value that did not convert.\n    #[inline]\n    pub fn build(self) -> Result<super::{name}, crate::BuildError> {{\n"
    );
    // `build`'s own locals must not shadow a field's.
    let taken = |local: &str| fields.iter().any(|f| f.name == local);
    let problems = if taken("problems") { "problems_" } else { "problems" };
    let built = if taken("built") { "built_" } else { "built" };
    let mutable = if fields.is_empty() { "" } else { "mut " };
    let _ = writeln!(out, "        let {mutable}{problems} = BuildProblems::new(\"{name}\");");
    for field in &fields {
        let take = if matches!(field.unset, Unset::Required) { "required" } else { "optional" };
        let _ = writeln!(out, "        let {0} = {problems}.{take}(\"{0}\", self.{0});", field.name);
    }
    let required: Vec<&str> = fields.iter().filter(|f| matches!(f.unset, Unset::Required)).map(|f| f.name.as_str()).collect();
    let values: Vec<String> = fields
        .iter()
        .map(|f| match &f.unset {
            Unset::Required | Unset::None => f.name.clone(),
            Unset::Default => format!("{0}: {0}.unwrap_or_default()", f.name),
            Unset::Function(path) => format!("{0}: {0}.unwrap_or_else(super::{path})", f.name),
        })
        .collect();
    let construct = if values.is_empty() { format!("super::{name} {{}}") } else { format!("super::{name} {{ {} }}", values.join(", ")) };
    if required.is_empty() {
        let _ = writeln!(out, "        let {built} = Some({construct});");
    } else {
        let _ = writeln!(
            out,
            "        let {built} = match ({0},) {{\n            ({1},) => Some({construct}),\n            _ => None,\n        }};",
            required.join(", "),
            required.iter().map(|r| format!("Some({r})")).collect::<Vec<_>>().join(", "),
        );
    }
    let _ = writeln!(out, "        {problems}.finish({built})\n    }}\n}}");
    Some(out)
}

/// The setter of the field `name`: the field's name, but for a field named like the builder's
/// own method (`build`: GitHub's Pages payloads have one), which gets a `_`, as typify's
/// fields named like keywords do (`type_`).
fn setter_name(name: &str) -> String {
    if name == "build" { format!("{name}_") } else { name.to_owned() }
}

/// The builder's view of a struct field, from its type and serde attributes.
fn field(field: &syn::Field) -> Option<Field> {
    let name = field.ident.as_ref()?.to_string();
    let attrs = super::serde_attrs::read(field)?;
    let default = attrs.default.map(|default| match default {
        FieldDefault::Default => Unset::Default,
        FieldDefault::Function(path) => Unset::Function(path),
    });
    let (value_type, unset) = match (default, option_inner(&field.ty)) {
        (Some(unset), _) => (&field.ty, unset),
        (None, _) if attrs.flatten => (&field.ty, Unset::Default),
        // An `Option` field: `None` when unset (a required nullable one is sent as `null`).
        (None, Some(inner)) => (inner, Unset::None),
        (None, None) => (&field.ty, Unset::Required),
    };
    Some(Field { name, value_type: type_text(value_type)?, unset })
}

/// `T` for a type written `::std::option::Option<T>` (typify's spelling) or `Option<T>`.
pub(super) fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(arguments) = &last.arguments else { return None };
    match arguments.args.first()? {
        syn::GenericArgument::Type(inner) if arguments.args.len() == 1 => Some(inner),
        _ => None,
    }
}

/// `ty` as written from the builder module, a child of the types module: typify names the
/// types module's own types without a path (`ManifestFile`), which there need `super::`. The
/// shapes typify gives fields (paths with generic arguments, tuples, arrays, references) are
/// written out; `None` for any other, which then gets no builder.
fn type_text(ty: &syn::Type) -> Option<String> {
    Some(match ty {
        syn::Type::Path(path) if path.qself.is_none() => {
            let mut out = String::new();
            let first = path.path.segments.first()?.ident.to_string();
            if path.path.leading_colon.is_some() {
                out.push_str("::");
            } else if !matches!(first.as_str(), "crate" | "super" | "self" | "Self") && !is_primitive(&first) {
                out.push_str("super::");
            }
            for (index, segment) in path.path.segments.iter().enumerate() {
                if index > 0 {
                    out.push_str("::");
                }
                out.push_str(&segment.ident.to_string());
                match &segment.arguments {
                    syn::PathArguments::None => {}
                    syn::PathArguments::AngleBracketed(arguments) => {
                        let args: Vec<String> = arguments
                            .args
                            .iter()
                            .map(|argument| match argument {
                                syn::GenericArgument::Type(inner) => type_text(inner),
                                syn::GenericArgument::Const(syn::Expr::Lit(literal)) => Some(quote::ToTokens::to_token_stream(literal).to_string()),
                                _ => None,
                            })
                            .collect::<Option<_>>()?;
                        out.push('<');
                        out.push_str(&args.join(", "));
                        out.push('>');
                    }
                    syn::PathArguments::Parenthesized(_) => return None,
                }
            }
            out
        }
        syn::Type::Tuple(tuple) => {
            let items: Vec<String> = tuple.elems.iter().map(type_text).collect::<Option<_>>()?;
            if items.len() == 1 { format!("({},)", items[0]) } else { format!("({})", items.join(", ")) }
        }
        syn::Type::Array(array) => match &array.len {
            syn::Expr::Lit(literal) => format!("[{}; {}]", type_text(&array.elem)?, quote::ToTokens::to_token_stream(literal)),
            _ => return None,
        },
        syn::Type::Reference(reference) if reference.lifetime.is_none() => {
            let mutable = if reference.mutability.is_some() { "mut " } else { "" };
            format!("&{mutable}{}", type_text(&reference.elem)?)
        }
        _ => return None,
    })
}

fn is_primitive(name: &str) -> bool {
    matches!(
        name,
        "bool" | "char" | "str" | "f32" | "f64" | "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64" | "u128" | "usize"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_required_optional_or_defaulted_as_typify_declared_them() {
        let item: syn::ItemStruct = syn::parse_quote! {
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
                pub pair: (i64, [u8; 4]),
            }
        };
        let code = builder(&item, "").unwrap();
        for expected in [
            "    name: Slot<super::Name>,\n",
            "    cluster: Slot<super::Cluster>,\n",
            "    license: Slot<crate::License>,\n",
            "    tags: Slot<::std::vec::Vec<::std::string::String>>,\n",
            "    pair: Slot<(i64, [u8; 4])>,\n",
            "    pub fn cluster(mut self, value: impl TryInto<super::Cluster, Error: Display>) -> Self {\n",
            "        let built = match (name, pair,) {\n            (Some(name), Some(pair),) => Some(super::Record { name, cluster, license, tags: tags.unwrap_or_default(), return_records: return_records.unwrap_or_else(super::defaults::default_bool::<true>), pair }),\n",
        ] {
            assert!(code.contains(expected), "missing {expected:?} in:\n{code}");
        }
        // The text is Rust.
        syn::parse_file(&code).unwrap();
    }

    #[test]
    fn a_gated_structs_builder_is_gated_where_its_mark_stood() {
        let item: syn::ItemStruct = syn::parse_quote! { pub struct Hook { pub id: i64 } };
        let built = of(&item).unwrap();
        assert_eq!(built.text.matches(GATE_MARK).count(), 3, "builder(), the builder struct, its impl");
        let aliases = std::collections::BTreeMap::from([("HookCopy".to_owned(), "Hook".to_owned())]);
        let gated = std::collections::BTreeSet::from(["Hook".to_owned(), "HookCopy".to_owned()]);
        let code = file(&[&built], &aliases, &gated);
        assert!(!code.contains(GATE_MARK), "{code}");
        assert_eq!(code.matches("#[cfg(feature = \"webhooks\")]\n").count(), 4, "three items and the alias: {code}");
        assert!(code.contains("#[cfg(feature = \"webhooks\")]\nimpl super::Hook {"), "{code}");
        assert!(code.contains("#[cfg(feature = \"webhooks\")]\npub type HookCopy = Hook;"), "{code}");
        let open = file(&[&built], &aliases, &std::collections::BTreeSet::new());
        assert!(!open.contains("cfg(") && !open.contains(GATE_MARK), "{open}");
        syn::parse_file(&code).unwrap();
    }

    #[test]
    fn fields_named_like_the_builders_own_methods_do_not_clash_with_them() {
        let item: syn::ItemStruct = syn::parse_quote! {
            pub struct PageBuild {
                pub build: Build,
                pub default: bool,
            }
        };
        let code = builder(&item, "").unwrap();
        assert!(code.contains("    pub fn build_(mut self, value: impl TryInto<super::Build, Error: Display>) -> Self {\n        self.build = slot(value);"), "{code}");
        assert!(code.contains("    pub fn build(self) -> Result<super::PageBuild, crate::BuildError> {"), "{code}");
        // `PageBuild::default` would be the setter of `default`.
        assert!(code.contains("        <PageBuild as Default>::default()\n"), "{code}");
        let file = syn::parse_file(&code).unwrap();
        let methods: Vec<String> = file.items.iter().filter_map(|item| match item {
            syn::Item::Impl(block) if matches!(&*block.self_ty, syn::Type::Path(path) if path.path.is_ident("PageBuild")) => Some(block.items.iter().filter_map(|member| match member {
                syn::ImplItem::Fn(method) => Some(method.sig.ident.to_string()),
                _ => None,
            }).collect::<Vec<_>>()),
            _ => None,
        }).flatten().collect();
        assert_eq!(methods, ["build_", "default", "build"]);
    }
}
