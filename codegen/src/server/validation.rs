//! Validators generated from the schemas: one function per named schema reachable from an
//! operation's parameters or body, each checking one `serde_json::Value` and recording every
//! violation (not only the first) with the path where it sits, so that a `422` lists them all.
//!
//! Inline sub-schemas become nested blocks of their parent's function; `$ref`s become calls.
//! The checks follow JSON Schema semantics as OpenAPI 3.0 defines them: `type` (with
//! `nullable`), `required`, `properties`, `additionalProperties`, `minProperties` and
//! `maxProperties`, `items`, `minItems`, `maxItems`, `uniqueItems`, `enum`, `minLength`,
//! `maxLength`, `pattern` (ECMAScript regular expressions, via `regress`, like the models),
//! `minimum`, `maximum` and their exclusive forms, `multipleOf`, integer formats and the
//! `date`, `date-time` and IP formats (those the models crate parses), `allOf`, `anyOf`,
//! `oneOf`. `not`, `discriminator`, `readOnly`/`writeOnly` and other formats are not checked.
//! Keywords that apply to one JSON type only apply when the value has that type, as in JSON
//! Schema; `type` itself is what rejects other types.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::{Map, Value};

use crate::ir::{Api, Operation, Parameter, ref_name};
use crate::normalize::{fn_name, is_plain_scalar};
use crate::rust_types;

/// The validators of an API, built up while the request parsers ask for them.
pub struct Validators {
    /// Named schemas of the models crate.
    models: BTreeMap<String, Value>,
    /// Schemas that need a function: named ones (by their name) and the few inline parameter
    /// or body schemas normalization left in place (by a name derived from the operation).
    roots: BTreeMap<String, Value>,
    /// Function name of each root.
    idents: BTreeMap<String, Ident>,
    /// Which runtime helpers the generated code calls, for the `use` list.
    helpers: BTreeSet<&'static str>,
    uses_regress: bool,
}

/// The generated `validation.rs`.
pub struct ValidationFile {
    /// The whole file.
    pub tokens: TokenStream,
    /// Function name -> its code, for snapshots.
    pub functions: BTreeMap<String, TokenStream>,
    /// Whether a `pattern` is checked.
    pub uses_regress: bool,
}

impl Validators {
    /// An empty set of validators for the schemas of `api`.
    pub fn new(api: &Api) -> Self {
        Self {
            models: api.models.iter().map(|m| (m.name.clone(), m.schema.clone())).collect(),
            roots: BTreeMap::new(),
            idents: BTreeMap::new(),
            helpers: BTreeSet::new(),
            uses_regress: false,
        }
    }

    /// The named schema `name`, if the models crate has it.
    pub fn model(&self, name: &str) -> Option<&Value> {
        self.models.get(name)
    }

    /// The validator of a parameter, as a path from `requests.rs`; `None` when its schema is a
    /// plain scalar, whose type the conversion from text already enforces.
    pub fn parameter_check(&mut self, operation: &Operation, parameter: &Parameter) -> Option<TokenStream> {
        if ref_name(&parameter.schema).is_none() && is_plain_scalar(&parameter.schema) {
            return None;
        }
        let fallback = format!("{}{}Parameter", operation.type_base, crate::normalize::type_name(&parameter.name));
        Some(self.root(&parameter.schema, &fallback))
    }

    /// The validator of a request body schema, as a path from `requests.rs`.
    pub fn body_check(&mut self, operation: &Operation, schema: &Value) -> TokenStream {
        self.root(schema, &format!("{}Body", operation.type_base))
    }

    /// Registers `schema` (a `$ref`, or an inline schema named `fallback`) as needing a function.
    fn root(&mut self, schema: &Value, fallback: &str) -> TokenStream {
        let (name, schema) = match ref_name(schema) {
            Some(name) => (name.to_owned(), self.models.get(name).cloned().unwrap_or(Value::Bool(true))),
            None => (fallback.to_owned(), schema.clone()),
        };
        let ident = self.ident_for(&name);
        self.roots.entry(name).or_insert(schema);
        quote! { validation::#ident }
    }

    fn ident_for(&mut self, name: &str) -> Ident {
        if let Some(ident) = self.idents.get(name) {
            return ident.clone();
        }
        let base = format!("validate_{}", fn_name(name));
        let mut candidate = base.clone();
        let mut n = 2;
        while self.idents.values().any(|i| *i == candidate) {
            candidate = format!("{base}_{n}");
            n += 1;
        }
        let ident = format_ident!("{}", candidate);
        self.idents.insert(name.to_owned(), ident.clone());
        ident
    }

    /// Generates every registered function and those of the named schemas they reach.
    pub fn file(mut self) -> ValidationFile {
        let mut functions = BTreeMap::new();
        let mut done: BTreeSet<String> = BTreeSet::new();
        // A worklist: generating a function registers the named schemas it calls.
        loop {
            let pending: Vec<(String, Value)> =
                self.roots.iter().filter(|(name, _)| !done.contains(*name)).map(|(n, s)| (n.clone(), s.clone())).collect();
            if pending.is_empty() {
                break;
            }
            for (name, schema) in pending {
                done.insert(name.clone());
                let ident = self.ident_for(&name);
                let body = self.check(&schema);
                let body = if body.is_empty() { quote! { let _ = (value, at, errors); } } else { body };
                let doc = if self.models.contains_key(&name) {
                    format!("Checks a value against the schema `{name}`, recording every violation in `errors`.")
                } else {
                    format!("Checks a value against the inline schema of `{name}`, recording every violation in `errors`.")
                };
                functions.insert(
                    ident.to_string(),
                    quote! {
                        #[doc = #doc]
                        pub(crate) fn #ident(value: &Value, at: &At<'_>, errors: &mut FieldErrors) {
                            #body
                        }
                    },
                );
            }
        }
        let items: Vec<&TokenStream> = functions.values().collect();
        let tokens = if items.is_empty() {
            TokenStream::new()
        } else {
            let helpers = self.helpers.iter().map(|h| format_ident!("{}", h));
            quote! {
                use serde_json::Value;

                use crate::runtime::{At, FieldErrors, #(#helpers),*};

                #(#items)*
            }
        };
        ValidationFile { tokens, functions, uses_regress: self.uses_regress }
    }

    /// Code checking `value` (a `&Value`) at `at` (a `&At`) against `schema`, recording into
    /// `errors`. Empty when the schema accepts everything.
    fn check(&mut self, schema: &Value) -> TokenStream {
        let map = match schema {
            Value::Object(map) => map,
            Value::Bool(false) => return quote! { errors.invalid(at, "is not allowed"); },
            _ => return TokenStream::new(),
        };
        if let Some(name) = ref_name(schema) {
            let name = name.to_owned();
            let target = self.models.get(&name).cloned().unwrap_or(Value::Bool(true));
            let ident = self.ident_for(&name);
            self.roots.entry(name).or_insert(target);
            return quote! { #ident(value, at, errors); };
        }
        if map.contains_key("$ref") {
            return TokenStream::new(); // not a schema reference; validation rejected such specs
        }

        let mut parts: Vec<TokenStream> = Vec::new();
        let ty = map.get("type").and_then(Value::as_str);
        let string_enum = enum_strings(map);
        match ty {
            Some("string") => parts.extend(self.string(map, true, string_enum.as_deref())),
            Some("integer") => parts.push(self.integer(map)),
            Some("number") => parts.extend(self.number(map, true)),
            Some("boolean") => parts.push(quote! {
                if !value.is_boolean() {
                    errors.invalid(at, "must be a boolean");
                }
            }),
            Some("array") => parts.extend(self.array(map, true)),
            Some("object") => parts.extend(self.object(map, true)),
            _ => {
                // No type: each keyword applies to values of its own type only.
                parts.extend(self.object(map, false));
                parts.extend(self.array(map, false));
                parts.extend(self.string(map, false, None));
                parts.extend(self.number(map, false));
            }
        }
        if ty != Some("string") || string_enum.is_none() {
            parts.extend(self.enumeration(map));
        }
        // Each variant's code keeps its items (`static PATTERN`, `fn variant_0`) in blocks of
        // its own, so the variants can simply follow one another.
        if let Some(Value::Array(variants)) = map.get("allOf") {
            for variant in variants {
                let code = self.check(variant);
                if !code.is_empty() {
                    parts.push(code);
                }
            }
        }
        for (key, exactly_one) in [("anyOf", false), ("oneOf", true)] {
            if let Some(Value::Array(variants)) = map.get(key) {
                parts.extend(self.variants(variants, exactly_one));
            }
        }

        let nullable = map.get("nullable") == Some(&Value::Bool(true));
        if parts.is_empty() {
            TokenStream::new()
        } else if nullable {
            quote! {
                if !value.is_null() {
                    #(#parts)*
                }
            }
        } else {
            quote! { #(#parts)* }
        }
    }

    fn helper(&mut self, name: &'static str) -> Ident {
        self.helpers.insert(name);
        format_ident!("{}", name)
    }

    fn string(&mut self, map: &Map<String, Value>, typed: bool, enum_values: Option<&[String]>) -> Option<TokenStream> {
        let mut checks = Vec::new();
        let min = bound(map, "minLength").filter(|n| *n > 0);
        let max = bound(map, "maxLength");
        if min.is_some() || max.is_some() {
            checks.push(quote! { let length = text.chars().count(); });
            match (min, max) {
                (Some(min), Some(max)) if min == max => {
                    let message = format!("must be exactly {min} {} long", plural(min, "character", "characters"));
                    let min = Literal::u64_unsuffixed(min);
                    checks.push(quote! { if length != #min { errors.invalid(at, #message); } });
                }
                _ => {
                    match min {
                        Some(1) => checks.push(quote! { if length == 0 { errors.invalid(at, "must not be empty"); } }),
                        Some(min) => {
                            let message = format!("must be at least {min} characters long");
                            let min = Literal::u64_unsuffixed(min);
                            checks.push(quote! { if length < #min { errors.invalid(at, #message); } });
                        }
                        None => {}
                    }
                    if let Some(max) = max {
                        let message = format!("must be at most {max} {} long", plural(max, "character", "characters"));
                        let max = Literal::u64_unsuffixed(max);
                        checks.push(quote! { if length > #max { errors.invalid(at, #message); } });
                    }
                }
            }
        }
        if let Some(pattern) = map.get("pattern").and_then(Value::as_str) {
            self.uses_regress = true;
            let message = format!("must match the pattern {pattern}");
            // A pattern that does not compile rejects every value; typify already refuses such specs.
            checks.push(quote! {
                static PATTERN: ::std::sync::LazyLock<Option<::regress::Regex>> =
                    ::std::sync::LazyLock::new(|| ::regress::Regex::new(#pattern).ok());
                if PATTERN.as_ref().is_none_or(|pattern| pattern.find(text).is_none()) {
                    errors.invalid(at, #message);
                }
            });
        }
        if let Some(values) = enum_values {
            let message = format!("must be one of: {}", values.join(", "));
            checks.push(quote! {
                if !matches!(text, #(#values)|*) {
                    errors.invalid(at, #message);
                }
            });
        }
        if let Some(format) = map.get("format").and_then(Value::as_str) {
            let condition = match format {
                "date-time" => {
                    let helper = self.helper("is_date_time");
                    Some((quote! { !#helper(text) }, "must be a date-time like 2024-01-31T12:00:00Z"))
                }
                "date" => {
                    let helper = self.helper("is_date");
                    Some((quote! { !#helper(text) }, "must be a date like 2024-01-31"))
                }
                "ipv4" => Some((quote! { text.parse::<::std::net::Ipv4Addr>().is_err() }, "must be an IPv4 address")),
                "ipv6" => Some((quote! { text.parse::<::std::net::Ipv6Addr>().is_err() }, "must be an IPv6 address")),
                "ip" => Some((quote! { text.parse::<::std::net::IpAddr>().is_err() }, "must be an IP address")),
                _ => None,
            };
            if let Some((condition, message)) = condition {
                checks.push(quote! { if #condition { errors.invalid(at, #message); } });
            }
        }
        match (typed, checks.is_empty()) {
            (true, true) => Some(quote! {
                if !value.is_string() {
                    errors.invalid(at, "must be a string");
                }
            }),
            (true, false) => Some(quote! {
                match value.as_str() {
                    Some(text) => { #(#checks)* }
                    None => errors.invalid(at, "must be a string"),
                }
            }),
            (false, true) => None,
            (false, false) => Some(quote! {
                if let Some(text) = value.as_str() { #(#checks)* }
            }),
        }
    }

    /// A typed integer (untyped numeric keywords are checked by `number`).
    fn integer(&mut self, map: &Map<String, Value>) -> TokenStream {
        let mut checks = self.bounds(map, true);
        if let Some((min, max)) = map.get("format").and_then(Value::as_str).and_then(integer_format) {
            let message = format!("must be between {min} and {max}");
            let (min, max) = (signed(min), signed(max));
            checks.push(quote! {
                if !(#min..=#max).contains(&number) {
                    errors.invalid(at, #message);
                }
            });
        }
        if let Some(multiple) = map.get("multipleOf").and_then(Value::as_f64).filter(|m| *m > 0.0) {
            let message = format!("must be a multiple of {}", display_number(multiple));
            if multiple.fract() == 0.0 && multiple < 1e15 {
                let multiple = Literal::i128_unsuffixed(multiple as i128);
                checks.push(quote! { if number % #multiple != 0 { errors.invalid(at, #message); } });
            } else {
                let helper = self.helper("is_multiple_of");
                let multiple = Literal::f64_unsuffixed(multiple);
                checks.push(quote! { if !#helper(number as f64, #multiple) { errors.invalid(at, #message); } });
            }
        }
        let helper = self.helper("integer");
        if checks.is_empty() {
            quote! {
                if #helper(value).is_none() {
                    errors.invalid(at, "must be an integer");
                }
            }
        } else {
            quote! {
                match #helper(value) {
                    Some(number) => { #(#checks)* }
                    None => errors.invalid(at, "must be an integer"),
                }
            }
        }
    }

    fn number(&mut self, map: &Map<String, Value>, typed: bool) -> Option<TokenStream> {
        let mut checks = self.bounds(map, false);
        if let Some(multiple) = map.get("multipleOf").and_then(Value::as_f64).filter(|m| *m > 0.0) {
            let message = format!("must be a multiple of {}", display_number(multiple));
            let helper = self.helper("is_multiple_of");
            let multiple = Literal::f64_unsuffixed(multiple);
            checks.push(quote! { if !#helper(number, #multiple) { errors.invalid(at, #message); } });
        }
        match (typed, checks.is_empty()) {
            (true, true) => Some(quote! {
                if !value.is_number() {
                    errors.invalid(at, "must be a number");
                }
            }),
            (true, false) => Some(quote! {
                match value.as_f64() {
                    Some(number) => { #(#checks)* }
                    None => errors.invalid(at, "must be a number"),
                }
            }),
            (false, true) => None,
            (false, false) => Some(quote! {
                if let Some(number) = value.as_f64() { #(#checks)* }
            }),
        }
    }

    /// `minimum`/`maximum` (with OpenAPI 3.0's boolean or JSON Schema's numeric exclusive
    /// forms) against `number`, an `i128` for integers and an `f64` otherwise.
    fn bounds(&mut self, map: &Map<String, Value>, integer: bool) -> Vec<TokenStream> {
        let mut checks = Vec::new();
        for (key, exclusive_key, lower) in [("minimum", "exclusiveMinimum", true), ("maximum", "exclusiveMaximum", false)] {
            let (bound, exclusive) = match (map.get(key).and_then(Value::as_f64), map.get(exclusive_key)) {
                (Some(bound), Some(Value::Bool(true))) => (bound, true),
                (bound, Some(Value::Number(n))) => match (bound, n.as_f64()) {
                    // Both forms: the stricter one applies.
                    (Some(b), Some(e)) if (lower && b > e) || (!lower && b < e) => (b, false),
                    (_, Some(e)) => (e, true),
                    (Some(b), None) => (b, false),
                    (None, None) => continue,
                },
                (Some(bound), _) => (bound, false),
                (None, _) => continue,
            };
            if !bound.is_finite() {
                continue;
            }
            let words = match (lower, exclusive) {
                (true, false) => "at least",
                (true, true) => "greater than",
                (false, false) => "at most",
                (false, true) => "less than",
            };
            let message = format!("must be {words} {}", display_number(bound));
            let operator = match (lower, exclusive) {
                (true, false) => quote! { < },
                (true, true) => quote! { <= },
                (false, false) => quote! { > },
                (false, true) => quote! { >= },
            };
            let (left, right) = if integer && bound.fract() == 0.0 && bound.abs() < 1e15 {
                (quote! { number }, signed(bound as i128))
            } else if integer {
                (quote! { (number as f64) }, float(bound))
            } else {
                (quote! { number }, float(bound))
            };
            checks.push(quote! { if #left #operator #right { errors.invalid(at, #message); } });
        }
        checks
    }

    fn array(&mut self, map: &Map<String, Value>, typed: bool) -> Option<TokenStream> {
        let mut checks = Vec::new();
        if let Some(max) = bound(map, "maxItems") {
            let message = format!("must have at most {max} {}", plural(max, "item", "items"));
            let max = Literal::u64_unsuffixed(max);
            checks.push(quote! { if items.len() > #max { errors.invalid(at, #message); } });
        }
        match bound(map, "minItems") {
            Some(0) | None => {}
            Some(1) => checks.push(quote! { if items.is_empty() { errors.invalid(at, "must have at least 1 item"); } }),
            Some(min) => {
                let message = format!("must have at least {min} items");
                let min = Literal::u64_unsuffixed(min);
                checks.push(quote! { if items.len() < #min { errors.invalid(at, #message); } });
            }
        }
        if map.get("uniqueItems") == Some(&Value::Bool(true)) {
            let helper = self.helper("check_unique");
            checks.push(quote! { #helper(items, at, errors); });
        }
        if let Some(items) = map.get("items") {
            let code = self.check(items);
            if !code.is_empty() {
                checks.push(quote! {
                    for (index, value) in items.iter().enumerate() {
                        let at = &at.index(index);
                        #code
                    }
                });
            }
        }
        match (typed, checks.is_empty()) {
            (true, true) => Some(quote! {
                if !value.is_array() {
                    errors.invalid(at, "must be an array");
                }
            }),
            (true, false) => Some(quote! {
                match value.as_array() {
                    Some(items) => { #(#checks)* }
                    None => errors.invalid(at, "must be an array"),
                }
            }),
            (false, true) => None,
            (false, false) => Some(quote! {
                if let Some(items) = value.as_array() { #(#checks)* }
            }),
        }
    }

    fn object(&mut self, map: &Map<String, Value>, typed: bool) -> Option<TokenStream> {
        let mut checks = Vec::new();
        if let Some(max) = bound(map, "maxProperties") {
            let message = format!("must have at most {max} {}", plural(max, "key", "keys"));
            let max = Literal::u64_unsuffixed(max);
            checks.push(quote! { if object.len() > #max { errors.invalid(at, #message); } });
        }
        match bound(map, "minProperties") {
            Some(0) | None => {}
            Some(1) => checks.push(quote! { if object.is_empty() { errors.invalid(at, "must have at least 1 key"); } }),
            Some(min) => {
                let message = format!("must have at least {min} keys");
                let min = Literal::u64_unsuffixed(min);
                checks.push(quote! { if object.len() < #min { errors.invalid(at, #message); } });
            }
        }
        let empty = Map::new();
        let properties = map.get("properties").and_then(Value::as_object).unwrap_or(&empty);
        let required: Vec<&str> = map.get("required").and_then(Value::as_array).map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
        for (name, schema) in properties {
            let code = self.check(schema);
            let is_required = required.contains(&name.as_str());
            match (is_required, code.is_empty()) {
                (true, true) => checks.push(quote! {
                    if !object.contains_key(#name) {
                        errors.missing_field(&at.key(#name));
                    }
                }),
                (true, false) => checks.push(quote! {
                    match object.get(#name) {
                        Some(value) => {
                            let at = &at.key(#name);
                            #code
                        }
                        None => errors.missing_field(&at.key(#name)),
                    }
                }),
                (false, false) => checks.push(quote! {
                    if let Some(value) = object.get(#name) {
                        let at = &at.key(#name);
                        #code
                    }
                }),
                (false, true) => {}
            }
        }
        // Required members the schema does not describe, sorted: `required` is a set.
        let mut undescribed: Vec<&&str> = required.iter().filter(|name| !properties.contains_key(**name)).collect();
        undescribed.sort();
        undescribed.dedup();
        for name in undescribed {
            checks.push(quote! {
                if !object.contains_key(#name) {
                    errors.missing_field(&at.key(#name));
                }
            });
        }
        let names: Vec<&String> = properties.keys().collect();
        let declared = if names.is_empty() { quote! { false } } else { quote! { matches!(key.as_str(), #(#names)|*) } };
        match map.get("additionalProperties") {
            Some(Value::Bool(false)) => {
                let record = quote! { errors.custom(&at.key(key), "is not a permitted key"); };
                checks.push(if names.is_empty() {
                    quote! { for key in object.keys() { #record } }
                } else {
                    quote! { for key in object.keys() { if !#declared { #record } } }
                });
            }
            Some(extra @ Value::Object(_)) => {
                let code = self.check(extra);
                if !code.is_empty() {
                    let skip = if names.is_empty() { quote! {} } else { quote! { if #declared { continue; } } };
                    checks.push(quote! {
                        for (key, value) in object {
                            #skip
                            let at = &at.key(key);
                            #code
                        }
                    });
                }
            }
            _ => {}
        }
        match (typed, checks.is_empty()) {
            (true, true) => Some(quote! {
                if !value.is_object() {
                    errors.invalid(at, "must be an object");
                }
            }),
            (true, false) => Some(quote! {
                match value.as_object() {
                    Some(object) => { #(#checks)* }
                    None => errors.invalid(at, "must be an object"),
                }
            }),
            (false, true) => None,
            (false, false) => Some(quote! {
                if let Some(object) = value.as_object() { #(#checks)* }
            }),
        }
    }

    /// `enum` for schemas that are not typed strings (those are checked in `string`).
    fn enumeration(&mut self, map: &Map<String, Value>) -> Option<TokenStream> {
        let values = map.get("enum")?.as_array()?;
        let mut conditions = Vec::new();
        for v in values {
            conditions.push(match v {
                Value::String(s) => quote! { value.as_str() == Some(#s) },
                Value::Bool(b) => quote! { value.as_bool() == Some(#b) },
                Value::Null => quote! { value.is_null() },
                Value::Number(n) => match n.as_i64() {
                    Some(i) => {
                        let helper = self.helper("integer");
                        let i = signed(i128::from(i));
                        quote! { #helper(value) == Some(#i) }
                    }
                    None => return None, // fractional enums: not checked
                },
                _ => return None, // object and array enums: not checked
            });
        }
        if conditions.is_empty() {
            return None;
        }
        let shown: Vec<String> = values.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)).collect();
        let message = format!("must be one of: {}", shown.join(", "));
        Some(quote! {
            if !(#(#conditions)||*) {
                errors.invalid(at, #message);
            }
        })
    }

    /// `anyOf` / `oneOf`: each variant is a small function; the value must pass one (exactly
    /// one for `oneOf`). A variant that accepts everything makes the check moot.
    fn variants(&mut self, variants: &[Value], exactly_one: bool) -> Option<TokenStream> {
        let mut functions = Vec::new();
        let mut names = Vec::new();
        for (index, variant) in variants.iter().enumerate() {
            let code = self.check(variant);
            if code.is_empty() {
                return None;
            }
            let name = format_ident!("variant_{}", index);
            functions.push(quote! {
                fn #name(value: &Value, at: &At<'_>, errors: &mut FieldErrors) { #code }
            });
            names.push(name);
        }
        if names.is_empty() {
            return None;
        }
        let expected = variants.iter().map(rust_types::describe).collect::<Vec<_>>().join(", ");
        let helper = self.helper("check_variants");
        Some(quote! {
            {
                #(#functions)*
                #helper(value, at, errors, &[#(#names),*], #exactly_one, #expected);
            }
        })
    }
}

/// The values of a string `enum` (without `null`, which `nullable` covers).
fn enum_strings(map: &Map<String, Value>) -> Option<Vec<String>> {
    let values = map.get("enum")?.as_array()?;
    let strings: Option<Vec<String>> = values.iter().filter(|v| !v.is_null()).map(|v| v.as_str().map(str::to_owned)).collect();
    strings.filter(|s| !s.is_empty())
}

fn bound(map: &Map<String, Value>, key: &str) -> Option<u64> {
    map.get(key).and_then(Value::as_u64)
}

fn plural(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

/// The bounds of the integer formats the models crate maps to narrower Rust types.
fn integer_format(format: &str) -> Option<(i128, i128)> {
    Some(match format {
        "int8" => (i8::MIN.into(), i8::MAX.into()),
        "uint8" => (0, u8::MAX.into()),
        "int16" => (i16::MIN.into(), i16::MAX.into()),
        "uint16" => (0, u16::MAX.into()),
        "int" | "int32" => (i32::MIN.into(), i32::MAX.into()),
        "uint" | "uint32" => (0, u32::MAX.into()),
        "int64" => (i64::MIN.into(), i64::MAX.into()),
        "uint64" => (0, u64::MAX.into()),
        _ => return None,
    })
}

/// An integer literal; negative ones as `-` and a literal, which is how Rust parses them.
fn signed(n: i128) -> TokenStream {
    let literal = Literal::u128_unsuffixed(n.unsigned_abs());
    if n < 0 { quote! { -#literal } } else { quote! { #literal } }
}

fn float(n: f64) -> TokenStream {
    let literal = Literal::f64_unsuffixed(n.abs());
    if n < 0.0 { quote! { -#literal } } else { quote! { #literal } }
}

fn display_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { n.to_string() }
}
