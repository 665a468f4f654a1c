//! The checks of container keywords: arrays (`items`, `minItems`, `maxItems`, `uniqueItems`)
//! and objects (`properties`, `required`, `additionalProperties`, `minProperties`,
//! `maxProperties`).

use serde_json::{Map, Value};

use super::{Validators, bound, by_type, invalid, plural, when};
use crate::output::lines::Lines;
use crate::output::render::rust_string;

impl Validators<'_> {
    /// An array's keywords.
    pub(super) fn array(&mut self, map: &Map<String, Value>, typed: bool) -> Option<Lines> {
        let mut checks = Lines::new();
        if let Some(max) = bound(map, "maxItems") {
            let message = format!("must have at most {max} {}", plural(max, "item", "items"));
            checks.extend(when(&format!("if items.len() > {max}"), invalid(&message)));
        }
        match bound(map, "minItems") {
            Some(0) | None => {}
            Some(1) => checks.extend(when("if items.is_empty()", invalid("must have at least 1 item"))),
            Some(min) => checks.extend(when(&format!("if items.len() < {min}"), invalid(&format!("must have at least {min} items")))),
        }
        if map.get("uniqueItems") == Some(&Value::Bool(true)) {
            checks.line(format!("{}(items, at, errors);", self.helper("check_unique")));
        }
        if let Some(items) = map.get("items") {
            let code = self.check(items);
            if !code.is_empty() {
                let mut each = Lines::of("let at = &at.index(index);");
                each.extend(code);
                checks.extend(when("for (index, value) in items.iter().enumerate()", each));
            }
        }
        by_type(typed, checks, "as_array", "items", "is_array", "must be an array")
    }

    /// An object's keywords.
    pub(super) fn object(&mut self, map: &Map<String, Value>, typed: bool) -> Option<Lines> {
        let mut checks = Lines::new();
        if let Some(max) = bound(map, "maxProperties") {
            let message = format!("must have at most {max} {}", plural(max, "key", "keys"));
            checks.extend(when(&format!("if object.len() > {max}"), invalid(&message)));
        }
        match bound(map, "minProperties") {
            Some(0) | None => {}
            Some(1) => checks.extend(when("if object.is_empty()", invalid("must have at least 1 key"))),
            Some(min) => checks.extend(when(&format!("if object.len() < {min}"), invalid(&format!("must have at least {min} keys")))),
        }
        let empty = Map::new();
        let properties = map.get("properties").and_then(Value::as_object).unwrap_or(&empty);
        let required: Vec<&str> = map.get("required").and_then(Value::as_array).map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
        let missing = |name: &str| Lines::of(format!("errors.missing_field(&at.key({}));", rust_string(name)));
        for (name, schema) in properties {
            let code = self.check(schema);
            let is_required = required.contains(&name.as_str());
            let key = rust_string(name);
            let mut present = Lines::of(format!("let at = &at.key({key});"));
            match (is_required, code.is_empty()) {
                (true, true) => checks.extend(when(&format!("if !object.contains_key({key})"), missing(name))),
                (true, false) => {
                    present.extend(code);
                    let mut arms = Lines::new();
                    arms.block("Some(value) =>", present, "");
                    arms.line(format!("None => errors.missing_field(&at.key({key})),"));
                    checks.extend(when(&format!("match object.get({key})"), arms));
                }
                (false, false) => {
                    present.extend(code);
                    checks.extend(when(&format!("if let Some(value) = object.get({key})"), present));
                }
                (false, true) => {}
            }
        }
        // Required members the schema does not describe, sorted: `required` is a set.
        let mut undescribed: Vec<&&str> = required.iter().filter(|name| !properties.contains_key(**name)).collect();
        undescribed.sort();
        undescribed.dedup();
        for name in undescribed {
            checks.extend(when(&format!("if !object.contains_key({})", rust_string(name)), missing(name)));
        }
        let names: Vec<String> = properties.keys().map(|name| rust_string(name)).collect();
        let declared = format!("matches!(key.as_str(), {})", names.join(" | "));
        match map.get("additionalProperties") {
            Some(Value::Bool(false)) => {
                let record = Lines::of("errors.custom(&at.key(key), \"is not a permitted key\");");
                checks.extend(when("for key in object.keys()", if names.is_empty() { record } else { when(&format!("if !{declared}"), record) }));
            }
            Some(extra @ Value::Object(_)) => {
                let code = self.check(extra);
                if !code.is_empty() {
                    let mut each = Lines::new();
                    if !names.is_empty() {
                        each.extend(when(&format!("if {declared}"), Lines::of("continue;")));
                    }
                    each.line("let at = &at.key(key);");
                    each.extend(code);
                    checks.extend(when("for (key, value) in object", each));
                }
            }
            _ => {}
        }
        by_type(typed, checks, "as_object", "object", "is_object", "must be an object")
    }
}
