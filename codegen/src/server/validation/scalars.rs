//! The checks of scalar keywords: strings (`minLength`, `maxLength`, `pattern`, string
//! `enum`s, the formats the models parse), integers (formats, bounds) and numbers (bounds,
//! `multipleOf`).

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::{Map, Value};

use super::{Validators, bound, plural, signed};

impl Validators {

    pub(super) fn string(&mut self, map: &Map<String, Value>, typed: bool, enum_values: Option<&[String]>) -> Option<TokenStream> {
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
    pub(super) fn integer(&mut self, map: &Map<String, Value>) -> TokenStream {
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

    pub(super) fn number(&mut self, map: &Map<String, Value>, typed: bool) -> Option<TokenStream> {
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
    pub(super) fn bounds(&mut self, map: &Map<String, Value>, integer: bool) -> Vec<TokenStream> {
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


fn float(n: f64) -> TokenStream {
    let literal = Literal::f64_unsuffixed(n.abs());
    if n < 0.0 { quote! { -#literal } } else { quote! { #literal } }
}

fn display_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { n.to_string() }
}
