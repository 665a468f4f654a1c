//! The checks of scalar keywords: strings (`minLength`, `maxLength`, `pattern`, string
//! `enum`s, the formats the models parse), integers (formats, bounds) and numbers (bounds,
//! `multipleOf`).

use proc_macro2::Literal;
use serde_json::{Map, Value};

use super::{Validators, bound, by_type, invalid, plural, when};
use crate::output::lines::Lines;
use crate::output::render::rust_string;

impl Validators<'_> {
    /// A string's keywords; `enum_values` are its `enum`'s, when they are all strings.
    pub(super) fn string(&mut self, map: &Map<String, Value>, typed: bool, enum_values: Option<&[String]>) -> Option<Lines> {
        let mut checks = Lines::new();
        let min = bound(map, "minLength").filter(|n| *n > 0);
        let max = bound(map, "maxLength");
        if min.is_some() || max.is_some() {
            checks.line("let length = text.chars().count();");
            match (min, max) {
                (Some(min), Some(max)) if min == max => {
                    let message = format!("must be exactly {min} {} long", plural(min, "character", "characters"));
                    checks.extend(when(&format!("if length != {min}"), invalid(&message)));
                }
                _ => {
                    match min {
                        Some(1) => checks.extend(when("if length == 0", invalid("must not be empty"))),
                        Some(min) => checks.extend(when(&format!("if length < {min}"), invalid(&format!("must be at least {min} characters long")))),
                        None => {}
                    }
                    if let Some(max) = max {
                        let message = format!("must be at most {max} {} long", plural(max, "character", "characters"));
                        checks.extend(when(&format!("if length > {max}"), invalid(&message)));
                    }
                }
            }
        }
        if let Some(pattern) = map.get("pattern").and_then(Value::as_str) {
            self.uses_regress = true;
            let message = format!("must match the pattern {pattern}");
            // A pattern that does not compile rejects every value; typify already refuses such specs.
            checks.line(format!(
                "static PATTERN: ::std::sync::LazyLock<Option<::regress::Regex>> = ::std::sync::LazyLock::new(|| ::regress::Regex::new({}).ok());",
                rust_string(pattern)
            ));
            checks.extend(when("if PATTERN.as_ref().is_none_or(|pattern| pattern.find(text).is_none())", invalid(&message)));
        }
        if let Some(values) = enum_values {
            let message = format!("must be one of: {}", values.join(", "));
            let alternatives: Vec<String> = values.iter().map(|v| rust_string(v)).collect();
            checks.extend(when(&format!("if !matches!(text, {})", alternatives.join(" | ")), invalid(&message)));
        }
        if let Some(format) = map.get("format").and_then(Value::as_str) {
            let condition = match format {
                "date-time" => Some((format!("!{}(text)", self.helper("is_date_time")), "must be a date-time like 2024-01-31T12:00:00Z")),
                "date" => Some((format!("!{}(text)", self.helper("is_date")), "must be a date like 2024-01-31")),
                "ipv4" => Some(("text.parse::<::std::net::Ipv4Addr>().is_err()".to_owned(), "must be an IPv4 address")),
                "ipv6" => Some(("text.parse::<::std::net::Ipv6Addr>().is_err()".to_owned(), "must be an IPv6 address")),
                "ip" => Some(("text.parse::<::std::net::IpAddr>().is_err()".to_owned(), "must be an IP address")),
                _ => None,
            };
            if let Some((condition, message)) = condition {
                checks.extend(when(&format!("if {condition}"), invalid(message)));
            }
        }
        by_type(typed, checks, "as_str", "text", "is_string", "must be a string")
    }

    /// A typed integer (untyped numeric keywords are checked by `number`).
    pub(super) fn integer(&mut self, map: &Map<String, Value>) -> Lines {
        let mut checks = self.bounds(map, true);
        if let Some((min, max)) = map.get("format").and_then(Value::as_str).and_then(integer_format) {
            let message = format!("must be between {min} and {max}");
            checks.extend(when(&format!("if !({min}..={max}).contains(&number)"), invalid(&message)));
        }
        if let Some(multiple) = map.get("multipleOf").and_then(Value::as_f64).filter(|m| *m > 0.0) {
            let message = format!("must be a multiple of {}", display_number(multiple));
            if multiple.fract() == 0.0 && multiple < 1e15 {
                checks.extend(when(&format!("if number % {} != 0", multiple as i128), invalid(&message)));
            } else {
                let helper = self.helper("is_multiple_of");
                checks.extend(when(&format!("if !{helper}(number as f64, {})", float(multiple)), invalid(&message)));
            }
        }
        let helper = self.helper("integer");
        let refusal = "errors.invalid(at, \"must be an integer\")";
        if checks.is_empty() {
            when(&format!("if {helper}(value).is_none()"), Lines::of(format!("{refusal};")))
        } else {
            let mut arms = Lines::new();
            arms.block("Some(number) =>", checks, "");
            arms.line(format!("None => {refusal},"));
            when(&format!("match {helper}(value)"), arms)
        }
    }

    /// A number's keywords (and an untyped schema's numeric ones).
    pub(super) fn number(&mut self, map: &Map<String, Value>, typed: bool) -> Option<Lines> {
        let mut checks = self.bounds(map, false);
        if let Some(multiple) = map.get("multipleOf").and_then(Value::as_f64).filter(|m| *m > 0.0) {
            let message = format!("must be a multiple of {}", display_number(multiple));
            let helper = self.helper("is_multiple_of");
            checks.extend(when(&format!("if !{helper}(number, {})", float(multiple)), invalid(&message)));
        }
        by_type(typed, checks, "as_f64", "number", "is_number", "must be a number")
    }

    /// `minimum`/`maximum` (with OpenAPI 3.0's boolean or JSON Schema's numeric exclusive
    /// forms) against `number`, an `i128` for integers and an `f64` otherwise.
    pub(super) fn bounds(&mut self, map: &Map<String, Value>, integer: bool) -> Lines {
        let mut checks = Lines::new();
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
                (true, false) => "<",
                (true, true) => "<=",
                (false, false) => ">",
                (false, true) => ">=",
            };
            let (left, right) = if integer && bound.fract() == 0.0 && bound.abs() < 1e15 {
                ("number", (bound as i128).to_string())
            } else if integer {
                ("(number as f64)", float(bound))
            } else {
                ("number", float(bound))
            };
            checks.extend(when(&format!("if {left} {operator} {right}"), invalid(&message)));
        }
        checks
    }
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


/// A float literal as Rust writes it (`2.0`, `-0.5`, `1e300`).
fn float(n: f64) -> String {
    let literal = Literal::f64_unsuffixed(n.abs()).to_string();
    if n < 0.0 { format!("-{literal}") } else { literal }
}

fn display_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { n.to_string() }
}
