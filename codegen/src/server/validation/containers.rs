//! The checks of container keywords: arrays (`items`, `minItems`, `maxItems`, `uniqueItems`)
//! and objects (`properties`, `required`, `additionalProperties`, `minProperties`,
//! `maxProperties`).

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::{Map, Value};

use super::{Validators, bound, plural};

impl Validators {

    pub(super) fn array(&mut self, map: &Map<String, Value>, typed: bool) -> Option<TokenStream> {
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

    pub(super) fn object(&mut self, map: &Map<String, Value>, typed: bool) -> Option<TokenStream> {
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
}
