//! Comparing two versions of a schema (a model, a parameter's, a body's) for the changes the
//! wire rules name: nullability, type, enum values, constraints, and an object's properties.
//!
//! References are followed on both sides, so a schema that moved (an inline array that became a
//! named constrained array) is compared by what it accepts, not by its name; the generated
//! code's type changes are [`super::rust_api`]'s to find. A reference to the same model on both
//! sides is not followed: that model is compared once, on its own.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{Change, Crates, Semver, wire};
use crate::ir::Api;
use crate::ir::rust_types::describe;
use crate::spec::openapi::ref_name;

/// Which way the values of a schema travel, which names the rules and decides who breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Clients send them.
    Request,
    /// Servers send them.
    Response,
}

/// What a compared schema is, at its root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Root {
    /// A parameter's schema.
    Parameter,
    /// A request or response body's.
    Body,
    /// A model's, which is the value of properties elsewhere.
    Model,
}

/// Where a comparison reports: the surface block, the direction, what the root is, and which
/// crates a change there touches.
pub struct Site<'a> {
    /// `model X` or `operation Y`.
    pub subject: &'a str,
    /// Which way the values travel.
    pub direction: Direction,
    /// What the root is.
    pub root: Root,
    /// The label of the root within the subject (`param per_page (query)`, `200 response`), or
    /// empty for a model.
    pub label: &'a str,
    /// What a change of this code level means for each crate.
    pub crates: fn(Semver) -> Crates,
}

/// The two versions' models, for following references.
pub struct Models<'a> {
    /// The old spec's IR.
    pub old: &'a Api,
    /// The new spec's IR.
    pub new: &'a Api,
}

impl Models<'_> {
    fn resolve<'v>(api: &'v Api, schema: &'v Value, depth: usize) -> &'v Value {
        match ref_name(schema).and_then(|name| api.models.iter().find(|m| m.name == name)) {
            Some(model) if depth < 16 => Self::resolve(api, &model.schema, depth + 1),
            _ => schema,
        }
    }
}

/// A schema reduced to what the rules compare: nullability and the single `allOf` reference
/// (`{allOf: [$ref], nullable: true}`, a nullable reference) unwrapped.
fn unwrap(schema: &Value) -> (&Value, bool) {
    let nullable = schema.get("nullable") == Some(&Value::Bool(true));
    match schema.get("allOf").and_then(Value::as_array) {
        Some(members) if members.len() == 1 && schema.get("properties").is_none() => (&members[0], nullable),
        _ => (schema, nullable),
    }
}

/// The JSON type and format of a schema, `None` for compositions and untyped schemas.
fn shape(schema: &Value) -> Option<String> {
    let ty = schema.get("type")?.as_str()?;
    Some(match schema.get("format").and_then(Value::as_str) {
        Some(format) => format!("{ty}({format})"),
        None => ty.to_owned(),
    })
}

fn number(schema: &Value, key: &str) -> Option<f64> {
    schema.get(key).and_then(Value::as_f64)
}

fn shown(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 { format!("{}", value as i64) } else { value.to_string() }
}

/// The rule id for `suffix` at `at` (a property path, empty at the root).
fn rule_id(site: &Site, at: &str, suffix: &str) -> String {
    let prefix = match (site.direction, site.root, at.is_empty()) {
        (Direction::Request, Root::Parameter, true) => "request-parameter",
        (Direction::Request, Root::Body, true) => "request-body",
        (Direction::Response, Root::Body, true) => "response-body",
        (Direction::Request, _, _) => "request-property",
        (Direction::Response, _, _) => "response-property",
    };
    format!("{prefix}-{suffix}")
}

/// Collects the changes of one comparison.
pub struct Comparison<'a> {
    models: &'a Models<'a>,
    site: &'a Site<'a>,
    /// Pairs of references being compared, so that a recursive schema ends.
    seen: BTreeSet<(String, String)>,
    /// The changes found.
    pub changes: Vec<Change>,
}

impl<'a> Comparison<'a> {
    /// A comparison reporting at `site`.
    pub fn new(models: &'a Models<'a>, site: &'a Site<'a>) -> Self {
        Self { models, site, seen: BTreeSet::new(), changes: Vec::new() }
    }

    fn push(&mut self, at: &str, rule: &str, message: String, code: Semver) {
        let place = match (self.site.label.is_empty(), at.is_empty()) {
            (true, _) => at.to_owned(),
            (false, true) => self.site.label.to_owned(),
            (false, false) => format!("{} {at}", self.site.label),
        };
        let crates = (self.site.crates)(code);
        self.changes.push(Change {
            wire: wire(rule),
            rule: rule.to_owned(),
            subject: self.site.subject.to_owned(),
            at: place,
            message,
            semver: crates.max(),
            crates,
        });
    }

    fn suffix(&mut self, at: &str, suffix: &str, message: String, code: Semver) {
        let rule = rule_id(self.site, at, suffix);
        self.push(at, &rule, message, code);
    }

    /// Compares the schema at `at` (a property path, empty at the root).
    pub fn compare(&mut self, at: &str, old: &Value, new: &Value) {
        self.compare_value(at, old, new, false);
    }

    /// [`Comparison::compare`]; `optional`: the value is an optional property in both
    /// versions, so its Rust type is an `Option` whether or not it is nullable, and a change of
    /// nullability changes only what the server's validators accept.
    fn compare_value(&mut self, at: &str, old: &Value, new: &Value, optional: bool) {
        let nullability = if optional { Semver::Patch } else { Semver::Major };
        let (old, old_nullable) = unwrap(old);
        let (new, new_nullable) = unwrap(new);
        match (old_nullable, new_nullable) {
            (false, true) => self.suffix(at, "became-nullable", "became nullable".to_owned(), nullability),
            (true, false) => self.suffix(at, "became-not-nullable", "is no longer nullable".to_owned(), nullability),
            _ => {}
        }
        match (ref_name(old), ref_name(new)) {
            // The same model on both sides: compared on its own.
            (Some(a), Some(b)) if a == b => return,
            (Some(a), Some(b)) if !self.seen.insert((a.to_owned(), b.to_owned())) => return,
            _ => {}
        }
        let old = Models::resolve(self.models.old, old, 0);
        let new = Models::resolve(self.models.new, new, 0);
        let (old, old_nullable_inner) = unwrap(old);
        let (new, new_nullable_inner) = unwrap(new);
        if old_nullable_inner != new_nullable_inner && old_nullable == new_nullable {
            let (suffix, words) = if new_nullable_inner { ("became-nullable", "became nullable") } else { ("became-not-nullable", "is no longer nullable") };
            self.suffix(at, suffix, words.to_owned(), nullability);
        }
        if ref_name(old).is_some() || ref_name(new).is_some() {
            return; // deeper than the resolution limit
        }
        let (old_shape, new_shape) = (shape(old), shape(new));
        let composed = |s: &Value| ["oneOf", "anyOf", "allOf"].iter().any(|k| s.get(*k).is_some());
        if old_shape != new_shape || (composed(old) || composed(new)) && describe(old) != describe(new) {
            let (a, b) = (old_shape.unwrap_or_else(|| describe(old)), new_shape.unwrap_or_else(|| describe(new)));
            self.suffix(at, "type-changed", format!("type changed from {a} to {b}"), Semver::Major);
            return;
        }
        self.enums(at, old, new);
        self.defaults(at, old, new);
        // A keyword applies to values of its own type only (JSON Schema): a `maxLength` on an
        // object constrains nothing.
        let ty = new.get("type").and_then(Value::as_str);
        if matches!(ty, Some("string") | None) {
            self.lengths(at, old, new);
        }
        if matches!(ty, Some("integer" | "number") | None) {
            self.numbers(at, old, new);
        }
        match ty {
            Some("array") => {
                self.items(at, old, new);
                if let (Some(a), Some(b)) = (old.get("items"), new.get("items")) {
                    self.compare(&format!("{at}[]"), a, b);
                }
            }
            Some("object") | None => self.object(at, old, new),
            _ => {}
        }
    }

    fn enums(&mut self, at: &str, old: &Value, new: &Value) {
        let values = |s: &Value| -> Option<Vec<String>> {
            s.get("enum")?.as_array().map(|v| v.iter().filter(|v| !v.is_null()).map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)).collect())
        };
        match (values(old), values(new)) {
            (None, Some(_)) => self.suffix(at, "became-enum", "was restricted to a list of values".to_owned(), Semver::Major),
            (Some(_), None) => self.suffix(at, "type-changed", "is no longer restricted to a list of values".to_owned(), Semver::Major),
            (Some(a), Some(b)) => {
                for added in b.iter().filter(|v| !a.contains(v)) {
                    self.suffix(at, "enum-value-added", format!("added the value `{added}`"), Semver::Minor);
                }
                for removed in a.iter().filter(|v| !b.contains(v)) {
                    self.suffix(at, "enum-value-removed", format!("removed the value `{removed}`"), Semver::Major);
                }
            }
            (None, None) => {}
        }
    }

    /// Length and pattern. A string with a length or a pattern is a validating newtype in the
    /// models, so setting the first or removing the last changes its type; a tighter bound
    /// makes values that built or parsed before fail (major), a looser one does not (minor).
    fn lengths(&mut self, at: &str, old: &Value, new: &Value) {
        let string_checks = |s: &Value| ["minLength", "maxLength", "pattern"].iter().any(|k| s.get(*k).is_some());
        let newtype_changes = string_checks(old) != string_checks(new);
        let code = |tighter: bool| match (newtype_changes, tighter) {
            (true, _) | (false, true) => Semver::Major,
            (false, false) => Semver::Minor,
        };
        for (key, name, upper) in [("maxLength", "max-length", true), ("minLength", "min-length", false)] {
            match (number(old, key), number(new, key)) {
                (Some(a), Some(b)) if a != b => {
                    let tighter = if upper { b < a } else { b > a };
                    let direction = if b > a { "increased" } else { "decreased" };
                    self.suffix(at, &format!("{name}-{direction}"), format!("{key} {direction} from {} to {}", shown(a), shown(b)), code(tighter));
                }
                (None, Some(b)) if upper => self.suffix(at, &format!("{name}-set"), format!("{key} set to {}", shown(b)), code(true)),
                (Some(a), None) if upper => self.suffix(at, &format!("{name}-unset"), format!("{key} {} removed", shown(a)), code(false)),
                (None, Some(b)) => self.suffix(at, &format!("{name}-increased"), format!("{key} set to {}", shown(b)), code(true)),
                (Some(a), None) => self.suffix(at, &format!("{name}-decreased"), format!("{key} {} removed", shown(a)), code(false)),
                _ => {}
            }
        }
        match (old.get("pattern").and_then(Value::as_str), new.get("pattern").and_then(Value::as_str)) {
            (None, Some(b)) => self.suffix(at, "pattern-added", format!("pattern {b} added"), code(true)),
            (Some(a), None) => self.suffix(at, "pattern-removed", format!("pattern {a} removed"), code(false)),
            (Some(a), Some(b)) if a != b => self.suffix(at, "pattern-changed", format!("pattern changed from {a} to {b}"), Semver::Major),
            _ => {}
        }
    }

    /// Numeric bounds, which the server's validators check (the models' types do not, but for
    /// the unsigned and non-zero types typify picks, which the generated code's diff shows).
    fn numbers(&mut self, at: &str, old: &Value, new: &Value) {
        for (key, upper) in [("maximum", true), ("minimum", false)] {
            let (a, b) = (number(old, key), number(new, key));
            if a == b {
                continue;
            }
            let tighter = match (a, b) {
                (Some(a), Some(b)) => if upper { b < a } else { b > a },
                (None, Some(_)) => true,
                _ => false,
            };
            let suffix = match (upper, tighter) {
                (true, true) => "max-decreased",
                (true, false) => "max-increased",
                (false, true) => "min-increased",
                (false, false) => "min-decreased",
            };
            let text = |v: Option<f64>| v.map_or_else(|| "none".to_owned(), shown);
            self.suffix(at, suffix, format!("{key} changed from {} to {}", text(a), text(b)), Semver::Patch);
        }
    }

    fn items(&mut self, at: &str, old: &Value, new: &Value) {
        let constrained = |s: &Value| ["minItems", "maxItems"].iter().any(|k| s.get(*k).is_some()) || s.get("uniqueItems") == Some(&Value::Bool(true));
        let newtype_changes = constrained(old) != constrained(new);
        let code = |tighter: bool| if newtype_changes || tighter { Semver::Major } else { Semver::Minor };
        match (number(old, "maxItems"), number(new, "maxItems")) {
            (Some(a), Some(b)) if b < a => self.suffix(at, "max-items-decreased", format!("maxItems decreased from {} to {}", shown(a), shown(b)), code(true)),
            (Some(a), Some(b)) if b > a => self.suffix(at, "max-items-increased", format!("maxItems increased from {} to {}", shown(a), shown(b)), code(false)),
            (None, Some(b)) => self.suffix(at, "max-items-set", format!("maxItems set to {}", shown(b)), code(true)),
            (Some(a), None) => self.suffix(at, "max-items-increased", format!("maxItems {} removed", shown(a)), code(false)),
            _ => {}
        }
        match (number(old, "minItems").unwrap_or(0.0), number(new, "minItems").unwrap_or(0.0)) {
            (a, b) if b > a => self.suffix(at, "min-items-increased", format!("minItems increased from {} to {}", shown(a), shown(b)), code(true)),
            (a, b) if b < a => self.suffix(at, "min-items-decreased", format!("minItems decreased from {} to {}", shown(a), shown(b)), code(false)),
            _ => {}
        }
        let unique = |s: &Value| s.get("uniqueItems") == Some(&Value::Bool(true));
        match (unique(old), unique(new)) {
            (false, true) => self.suffix(at, "unique-items-set", "items must now be unique".to_owned(), code(true)),
            (true, false) => self.suffix(at, "unique-items-unset", "items no longer need to be unique".to_owned(), code(false)),
            _ => {}
        }
    }

    /// A default fills in a field left out, in builders and when deserializing; typify makes a
    /// field with a default a plain field instead of an `Option`, so adding or removing one
    /// changes the field's type.
    fn defaults(&mut self, at: &str, old: &Value, new: &Value) {
        match (old.get("default"), new.get("default")) {
            (Some(a), Some(b)) if a != b => self.suffix(at, "default-value-changed", format!("default changed from {a} to {b}"), Semver::Minor),
            (None, Some(b)) => self.suffix(at, "default-value-added", format!("default {b} added"), Semver::Major),
            (Some(a), None) => self.suffix(at, "default-value-removed", format!("default {a} removed"), Semver::Major),
            _ => {}
        }
    }

    fn object(&mut self, at: &str, old: &Value, new: &Value) {
        let empty = serde_json::Map::new();
        let old_properties = old.get("properties").and_then(Value::as_object).unwrap_or(&empty);
        let new_properties = new.get("properties").and_then(Value::as_object).unwrap_or(&empty);
        let required = |s: &Value| -> BTreeSet<String> {
            s.get("required").and_then(Value::as_array).map(|r| r.iter().filter_map(Value::as_str).map(str::to_owned).collect()).unwrap_or_default()
        };
        let (old_required, new_required) = (required(old), required(new));
        let request = self.site.direction == Direction::Request;
        let path = |name: &str| if at.is_empty() { name.to_owned() } else { format!("{at}.{name}") };
        for (name, schema) in new_properties {
            let here = path(name);
            let is_required = new_required.contains(name);
            match old_properties.get(name) {
                None => {
                    let (rule, code) = match (request, is_required) {
                        (true, true) => ("new-required-request-property", Semver::Major),
                        (true, false) => ("new-optional-request-property", Semver::Minor),
                        (false, true) => ("response-required-property-added", Semver::Major),
                        (false, false) => ("response-optional-property-added", Semver::Minor),
                    };
                    let kind = if is_required { "required" } else { "optional" };
                    self.push(&here, rule, format!("added the {kind} property `{name}`: {}", describe(schema)), code);
                }
                Some(before) => {
                    let was_required = old_required.contains(name);
                    if was_required != is_required {
                        let (rule, words) = match (request, is_required) {
                            (true, true) => ("request-property-became-required", "became required"),
                            (true, false) => ("request-property-became-optional", "became optional"),
                            (false, true) => ("response-property-became-required", "became required"),
                            (false, false) => ("response-property-became-optional", "became optional"),
                        };
                        self.push(&here, rule, words.to_owned(), Semver::Major);
                    }
                    self.compare_value(&here, before, schema, !was_required && !is_required);
                }
            }
        }
        for (name, schema) in old_properties.iter().filter(|(name, _)| !new_properties.contains_key(*name)) {
            let was_required = old_required.contains(name);
            let rule = match (request, was_required) {
                (true, _) => "request-property-removed",
                (false, true) => "response-required-property-removed",
                (false, false) => "response-optional-property-removed",
            };
            self.push(&path(name), rule, format!("removed the property `{name}`: {}", describe(schema)), Semver::Major);
        }
        if let (Some(a @ Value::Object(_)), Some(b @ Value::Object(_))) = (old.get("additionalProperties"), new.get("additionalProperties")) {
            self.compare(&format!("{}*", if at.is_empty() { String::new() } else { format!("{at}.") }), a, b);
        }
    }
}
