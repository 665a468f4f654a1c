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
//!
//! This module walks the schemas and writes the functions; the code of each keyword's check is
//! in `scalars.rs` (strings, integers, numbers) and `containers.rs` (arrays, objects).

mod containers;
mod scalars;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::ir::{Api, Operation, Parameter, rust_types};
use crate::output::lines::Lines;
use crate::output::render::{doc_line, rust_string};
use crate::spec::naming::{fn_name, type_name};
use crate::spec::normalize::is_plain_scalar;
use crate::spec::openapi::ref_name;

/// The validators of an API, built up while the request parsers ask for them.
pub struct Validators<'a> {
    /// Named schemas of the models crate, as the IR holds them.
    models: BTreeMap<&'a str, &'a Value>,
    /// The named schemas clients read (whose types accept more than the schema).
    read_by_clients: BTreeSet<String>,
    /// Schemas that need a function: named ones (by their name) and the few inline parameter
    /// or body schemas normalization left in place (by a name derived from the operation).
    roots: BTreeMap<String, Value>,
    /// Function name of each root.
    idents: BTreeMap<String, String>,
    /// Which runtime helpers the generated code calls, for the `use` list.
    helpers: BTreeSet<&'static str>,
    uses_regress: bool,
}

/// The generated `validation.rs`, written as text (rustfmt's indentation, lines not wrapped).
pub struct ValidationFile {
    /// The `use` lines, for prettyplease to format (empty when there is no function).
    pub head: proc_macro2::TokenStream,
    /// Function name -> its code, in the file's order.
    pub functions: BTreeMap<String, String>,
    /// Whether a `pattern` is checked.
    pub uses_regress: bool,
}

impl<'a> Validators<'a> {
    /// An empty set of validators for the schemas of `api`.
    pub fn new(api: &'a Api) -> Self {
        Self {
            models: api.models.iter().map(|m| (m.name.as_str(), &m.schema)).collect(),
            read_by_clients: api.models.iter().filter(|m| m.read_by_clients).map(|m| m.name.clone()).collect(),
            roots: BTreeMap::new(),
            idents: BTreeMap::new(),
            helpers: BTreeSet::new(),
            uses_regress: false,
        }
    }

    /// The named schema `name`, if the models crate has it.
    pub fn model(&self, name: &str) -> Option<&'a Value> {
        self.models.get(name).copied()
    }

    /// The named schema `name` and how the models crate types it.
    pub fn model_type(&self, name: &str) -> Option<super::exact::ModelType<'a>> {
        let schema = *self.models.get(name)?;
        Some(super::exact::ModelType { schema, lenient: self.read_by_clients.contains(name) })
    }

    /// The validator of a parameter, as a path from `requests.rs`; `None` when its schema is a
    /// plain scalar, whose type the conversion from text already enforces.
    pub fn parameter_check(&mut self, operation: &Operation, parameter: &Parameter) -> Option<String> {
        if ref_name(&parameter.schema).is_none() && is_plain_scalar(&parameter.schema) {
            return None;
        }
        let fallback = format!("{}{}Parameter", operation.type_base, type_name(&parameter.name));
        Some(self.root(&parameter.schema, &fallback))
    }

    /// The validator of a request body schema, as a path from `requests.rs`.
    pub fn body_check(&mut self, operation: &Operation, schema: &Value) -> String {
        self.root(schema, &format!("{}Body", operation.type_base))
    }

    /// Registers `schema` (a `$ref`, or an inline schema named `fallback`) as needing a function.
    fn root(&mut self, schema: &Value, fallback: &str) -> String {
        let (name, schema) = match ref_name(schema) {
            Some(name) => (name.to_owned(), self.models.get(name).map_or(Value::Bool(true), |schema| (*schema).clone())),
            None => (fallback.to_owned(), schema.clone()),
        };
        let ident = self.ident_for(&name);
        self.roots.entry(name).or_insert(schema);
        format!("validation::{ident}")
    }

    fn ident_for(&mut self, name: &str) -> String {
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
        self.idents.insert(name.to_owned(), candidate.clone());
        candidate
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
                let mut body = self.check(&schema);
                if body.is_empty() {
                    body.line("let _ = (value, at, errors);");
                }
                let doc = if self.models.contains_key(name.as_str()) {
                    format!("Checks a value against the schema `{name}`, recording every violation in `errors`.")
                } else {
                    format!("Checks a value against the inline schema of `{name}`, recording every violation in `errors`.")
                };
                let mut text = String::new();
                doc_line(&mut text, "", &doc);
                let mut function = Lines::new();
                function.block(&format!("pub(crate) fn {ident}(value: &Value, at: &At<'_>, errors: &mut FieldErrors)"), body, "");
                function.write(&mut text, 0);
                functions.insert(ident, text);
            }
        }
        let head = if functions.is_empty() {
            proc_macro2::TokenStream::new()
        } else {
            let helpers = self.helpers.iter().map(|h| quote::format_ident!("{}", h));
            quote::quote! {
                use serde_json::Value;

                use crate::runtime::{At, FieldErrors, #(#helpers),*};
            }
        };
        ValidationFile { head, functions, uses_regress: self.uses_regress }
    }

    /// Code checking `value` (a `&Value`) at `at` (a `&At`) against `schema`, recording into
    /// `errors`. Empty when the schema accepts everything.
    fn check(&mut self, schema: &Value) -> Lines {
        let map = match schema {
            Value::Object(map) => map,
            Value::Bool(false) => return Lines::of("errors.invalid(at, \"is not allowed\");"),
            _ => return Lines::new(),
        };
        if let Some(name) = ref_name(schema) {
            let name = name.to_owned();
            let target = self.models.get(name.as_str()).map_or(Value::Bool(true), |schema| (*schema).clone());
            let ident = self.ident_for(&name);
            self.roots.entry(name).or_insert(target);
            return Lines::of(format!("{ident}(value, at, errors);"));
        }
        if map.contains_key("$ref") {
            return Lines::new(); // not a schema reference; validation rejected such specs
        }

        let mut parts = Lines::new();
        let ty = map.get("type").and_then(Value::as_str);
        let string_enum = enum_strings(map);
        match ty {
            Some("string") => parts.extend(self.string(map, true, string_enum.as_deref()).unwrap_or_default()),
            Some("integer") => parts.extend(self.integer(map)),
            Some("number") => parts.extend(self.number(map, true).unwrap_or_default()),
            Some("boolean") => parts.block("if !value.is_boolean()", Lines::of("errors.invalid(at, \"must be a boolean\");"), ""),
            Some("array") => parts.extend(self.array(map, true).unwrap_or_default()),
            Some("object") => parts.extend(self.object(map, true).unwrap_or_default()),
            _ => {
                // No type: each keyword applies to values of its own type only.
                for part in [self.object(map, false), self.array(map, false), self.string(map, false, None), self.number(map, false)] {
                    parts.extend(part.unwrap_or_default());
                }
            }
        }
        if ty != Some("string") || string_enum.is_none() {
            parts.extend(self.enumeration(map).unwrap_or_default());
        }
        // Each variant's code keeps its items (`static PATTERN`, `fn variant_0`) in blocks of
        // its own, so the variants can simply follow one another.
        if let Some(Value::Array(variants)) = map.get("allOf") {
            for variant in variants {
                parts.extend(self.check(variant));
            }
        }
        for (key, exactly_one) in [("anyOf", false), ("oneOf", true)] {
            if let Some(Value::Array(variants)) = map.get(key) {
                parts.extend(self.variants(variants, exactly_one).unwrap_or_default());
            }
        }

        let nullable = map.get("nullable") == Some(&Value::Bool(true));
        if nullable && !parts.is_empty() {
            let mut guarded = Lines::new();
            guarded.block("if !value.is_null()", parts, "");
            guarded
        } else {
            parts
        }
    }

    /// The name of runtime helper `name`, which the file then imports.
    fn helper(&mut self, name: &'static str) -> &'static str {
        self.helpers.insert(name);
        name
    }

    /// `enum` for schemas that are not typed strings (those are checked in `string`).
    fn enumeration(&mut self, map: &Map<String, Value>) -> Option<Lines> {
        let values = map.get("enum")?.as_array()?;
        let mut conditions = Vec::new();
        for v in values {
            conditions.push(match v {
                Value::String(s) => format!("value.as_str() == Some({})", rust_string(s)),
                Value::Bool(b) => format!("value.as_bool() == Some({b})"),
                Value::Null => "value.is_null()".to_owned(),
                Value::Number(n) => match n.as_i64() {
                    Some(i) => format!("{}(value) == Some({i})", self.helper("integer")),
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
        let mut code = Lines::new();
        code.block(&format!("if !({})", conditions.join(" || ")), invalid(&message), "");
        Some(code)
    }

    /// `anyOf` / `oneOf`: each variant is a small function; the value must pass one (exactly
    /// one for `oneOf`). A variant that accepts everything makes the check moot.
    fn variants(&mut self, variants: &[Value], exactly_one: bool) -> Option<Lines> {
        let mut body = Lines::new();
        let mut names = Vec::new();
        for (index, variant) in variants.iter().enumerate() {
            let code = self.check(variant);
            if code.is_empty() {
                return None;
            }
            let name = format!("variant_{index}");
            body.block(&format!("fn {name}(value: &Value, at: &At<'_>, errors: &mut FieldErrors)"), code, "");
            names.push(name);
        }
        if names.is_empty() {
            return None;
        }
        let expected = variants.iter().map(rust_types::describe).collect::<Vec<_>>().join(", ");
        let helper = self.helper("check_variants");
        body.line(format!("{helper}(value, at, errors, &[{}], {exactly_one}, {});", names.join(", "), rust_string(&expected)));
        let mut code = Lines::new();
        code.block("", body, "");
        Some(code)
    }
}

/// `errors.invalid(at, "message");`
fn invalid(message: &str) -> Lines {
    Lines::of(format!("errors.invalid(at, {});", rust_string(message)))
}

/// `head { one line }`
fn when(head: &str, line: Lines) -> Lines {
    let mut code = Lines::new();
    code.block(head, line, "");
    code
}

/// A value's check by JSON type, as `string`, `array`... write it: `checks` on the value as
/// `binding` (`text`, `items`...) when `accessor` (`as_str`...) gives one; with `typed`, any
/// other type is refused with `must be ...`, and no checks still check the type (`is`).
fn by_type(typed: bool, checks: Lines, accessor: &str, binding: &str, is: &str, must_be: &str) -> Option<Lines> {
    let refusal = format!("errors.invalid(at, {})", rust_string(must_be));
    match (typed, checks.is_empty()) {
        (true, true) => Some(when(&format!("if !value.{is}()"), Lines::of(format!("{refusal};")))),
        (true, false) => {
            let mut arms = Lines::new();
            arms.block(&format!("Some({binding}) =>"), checks, "");
            arms.line(format!("None => {refusal},"));
            Some(when(&format!("match value.{accessor}()"), arms))
        }
        (false, true) => None,
        (false, false) => Some(when(&format!("if let Some({binding}) = value.{accessor}()"), checks)),
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
