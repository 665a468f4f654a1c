//! A struct field's `#[serde(...)]` options as typify writes them, read in one place for the
//! builders (what an unset field becomes) and for our `Deserialize` (the key, and what a
//! missing field becomes).

/// Where a missing field's value comes from, when its attributes say.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldDefault {
    /// `#[serde(default)]`: `Default::default()`.
    Default,
    /// `#[serde(default = "path")]`: the function at this path, relative to the types module
    /// (typify's `defaults::...`).
    Function(String),
}

/// The serde options of one field.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldAttrs {
    /// `rename = ".."`: the key in the JSON object.
    pub rename: Option<String>,
    /// `default` or `default = ".."`.
    pub default: Option<FieldDefault>,
    /// `flatten`.
    pub flatten: bool,
    /// `deserialize_with = ".."`.
    pub deserialize_with: Option<String>,
    /// Whether there is an option besides these and `skip_serializing_if` (none that typify
    /// writes today): whoever writes code that must agree with serde's should then leave the
    /// field to serde.
    pub other: bool,
}

/// The serde options of `field`; `None` when one of them does not parse.
pub fn read(field: &syn::Field) -> Option<FieldAttrs> {
    let mut attrs = FieldAttrs::default();
    for attr in field.attrs.iter().filter(|attr| attr.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                attrs.rename = Some(meta.value()?.parse::<syn::LitStr>()?.value());
            } else if meta.path.is_ident("default") {
                attrs.default = Some(match meta.value() {
                    Ok(value) => FieldDefault::Function(value.parse::<syn::LitStr>()?.value()),
                    Err(_) => FieldDefault::Default,
                });
            } else if meta.path.is_ident("flatten") {
                attrs.flatten = true;
            } else if meta.path.is_ident("deserialize_with") {
                attrs.deserialize_with = Some(meta.value()?.parse::<syn::LitStr>()?.value());
            } else if meta.path.is_ident("skip_serializing_if") {
                meta.value()?.parse::<syn::LitStr>()?;
            } else {
                attrs.other = true;
                if let Ok(value) = meta.value() {
                    value.parse::<syn::Expr>()?;
                }
            }
            Ok(())
        })
        .ok()?;
    }
    Some(attrs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_option_typify_writes_is_read() {
        let field: syn::Field = syn::parse_quote! {
            #[serde(rename = "type", default = "defaults::kind", skip_serializing_if = "Option::is_none")]
            #[serde(deserialize_with = "::std::option::Option::deserialize")]
            pub type_: ::std::option::Option<Kind>
        };
        let attrs = read(&field).unwrap();
        assert_eq!(
            attrs,
            FieldAttrs {
                rename: Some("type".to_owned()),
                default: Some(FieldDefault::Function("defaults::kind".to_owned())),
                flatten: false,
                deserialize_with: Some("::std::option::Option::deserialize".to_owned()),
                other: false,
            }
        );
        let field: syn::Field = syn::parse_quote! { #[serde(flatten, default, alias = "x")] pub rest: Rest };
        let attrs = read(&field).unwrap();
        assert!(attrs.flatten && attrs.other && attrs.default == Some(FieldDefault::Default));
    }
}
