//! What the client builds on top of single operations, decided from the spec alone (and the
//! codegen configuration, applied first): which lists are paged with a `Link` header, which
//! writes take a secret sealed for a public key, and the names of the methods built on them.
//! The client generates those methods; the API surface lists them.

use serde_json::Value;

use super::{Api, Model, Operation, Pagination, ParameterLocation, needs_multi_status};
use crate::spec::openapi::{is_json, ref_name};

/// The query parameters of GitHub's page-based pagination.
pub const PAGE_PARAMETERS: [&str; 2] = ["page", "per_page"];

/// Fills in what the client builds on top of single operations, from the spec alone:
///
/// - [`Operation::pagination`] for every list that is page-based (optional integer `page` and
///   `per_page` query parameters) and declares a `link` header on its `200` response, whose
///   body is a named object with exactly one array property (the items); lists that do not fit
///   are left alone. The codegen configuration (`ir::configure`) runs first and may have declared
///   the header, or named the items property, where the spec is silent.
/// - [`Operation::sealed_with`] for every `PUT` whose body has `encrypted_value` and `key_id`,
///   when the spec also has the `GET .../public-key` beside it that serves the key to seal with.
pub fn annotate(api: &mut Api) {
    for index in 0..api.operations.len() {
        let operation = &api.operations[index];
        let pagination = match &operation.pagination {
            Some(configured) => Some(configured.clone()),
            None => pagination(api, operation, None).ok(),
        };
        let sealed_with = sealing_key_operation(api, operation);
        let operation = &mut api.operations[index];
        operation.pagination = pagination;
        operation.sealed_with = sealed_with;
    }
}

/// How `operation` is paged, or why it is not: `items` names the body property holding the
/// items when the spec's body does not make it obvious.
pub fn pagination(api: &Api, operation: &Operation, items: Option<&str>) -> Result<Pagination, String> {
    if needs_multi_status(operation) {
        return Err("its responses need a per-status enum, which the item stream does not handle".to_owned());
    }
    let optional_integer = |name: &str| {
        operation.parameters.iter().any(|p| {
            p.location == ParameterLocation::Query && p.name == name && !p.required && p.schema.get("type").and_then(Value::as_str) == Some("integer")
        })
    };
    if !PAGE_PARAMETERS.iter().all(|name| optional_integer(name)) {
        return Err("it has no optional integer `page` and `per_page` query parameters, so it is not page-based".to_owned());
    }
    let Some(ok) = operation.responses.iter().find(|r| r.status == "200") else {
        return Err("it documents no `200` response".to_owned());
    };
    if !ok.headers.iter().any(|h| h.name == "link") {
        return Err("its `200` response declares no `Link` header".to_owned());
    }
    let Some(page_model) = ok.body.as_ref().filter(|b| is_json(&b.media_type)).and_then(|b| b.schema.as_ref()).and_then(ref_name) else {
        return Err("its `200` response has no JSON body of a named schema".to_owned());
    };
    let Some(model) = api.models.iter().find(|m| m.name == page_model) else {
        return Err(format!("its `200` body `{page_model}` is not a model"));
    };
    let arrays: Vec<(&String, &Value)> = model
        .schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(_, schema)| {
            schema.get("type").and_then(Value::as_str) == Some("array") && schema.get("items").is_some() && schema.get("nullable") != Some(&Value::Bool(true))
        })
        .collect();
    let names = || arrays.iter().map(|(name, _)| format!("`{name}`")).collect::<Vec<_>>().join(", ");
    let (name, schema) = match (items, arrays.as_slice()) {
        (Some(wanted), _) => *arrays
            .iter()
            .find(|(name, _)| name.as_str() == wanted)
            .ok_or_else(|| format!("`{wanted}` is not an array property of its `200` body `{page_model}` (array properties: {})", if arrays.is_empty() { "none".to_owned() } else { names() }))?,
        (None, [one]) => *one,
        (None, []) => return Err(format!("its `200` body `{page_model}` has no array property to take the items from")),
        (None, _) => return Err(format!("its `200` body `{page_model}` has several array properties ({}); name the one holding the items", names())),
    };
    let item_schema = schema["items"].clone();
    let scalar = matches!(item_schema.get("type").and_then(Value::as_str), Some("string" | "integer" | "number" | "boolean"));
    if ref_name(&item_schema).is_none() && !scalar {
        return Err(format!("the items of `{page_model}.{name}` are an inline schema without a name"));
    }
    Ok(Pagination {
        page_model: page_model.to_owned(),
        items_property: name.clone(),
        item_schema,
    })
}

/// The operationId of the `GET .../public-key` operation serving the key that `operation`'s
/// `encrypted_value` must be sealed for, when `operation` is such a secret write: a `PUT` to
/// `.../{name}` with only path parameters and a body with string `encrypted_value` and `key_id`,
/// beside a `GET .../public-key` (whose path parameters it has) answering `200` with a named
/// object with string `key` and `key_id`.
fn sealing_key_operation(api: &Api, operation: &Operation) -> Option<String> {
    let model_of = |schema: Option<&Value>| schema.and_then(ref_name).and_then(|name| api.models.iter().find(|m| m.name == name));
    let has_strings = |model: &Model, names: [&str; 2]| {
        names.iter().all(|name| model.schema["properties"][*name]["type"].as_str() == Some("string"))
    };
    if operation.method != "PUT" || operation.parameters.iter().any(|p| p.location != ParameterLocation::Path) {
        return None;
    }
    let body = model_of(operation.body.as_ref().filter(|b| is_json(&b.media_type)).map(|b| &b.schema))?;
    if !has_strings(body, ["encrypted_value", "key_id"]) {
        return None;
    }
    let (parent, last) = operation.path.rsplit_once('/')?;
    if !(last.starts_with('{') && last.ends_with('}')) {
        return None;
    }
    let key_path = format!("{parent}/public-key");
    let key_operation = api.operations.iter().find(|o| o.method == "GET" && o.path == key_path)?;
    let shares_parameters = key_operation.parameters.iter().all(|p| {
        p.location == ParameterLocation::Path && operation.parameters.iter().any(|q| q.name == p.name)
    });
    let ok = key_operation.responses.iter().find(|r| r.status == "200")?;
    let key = model_of(ok.body.as_ref().filter(|b| is_json(&b.media_type)).and_then(|b| b.schema.as_ref()))?;
    let required = |name: &str| key.schema["required"].as_array().is_some_and(|r| r.iter().any(|v| v == name));
    (shares_parameters && has_strings(key, ["key", "key_id"]) && required("key") && required("key_id")).then(|| key_operation.id.clone())
}


/// The name of the item-stream method of `operation`, when it gets one: it is paginated, and
/// the name is not already an operation's method.
pub fn stream_method(api: &Api, operation: &Operation) -> Option<String> {
    operation.pagination.as_ref()?;
    free_name(api, format!("{}_stream", operation.fn_name))
}

/// The name of the plaintext secret-writing method of `operation`, when it gets one.
pub fn plaintext_method(api: &Api, operation: &Operation) -> Option<String> {
    sealing_key_of(api, operation)?;
    free_name(api, format!("{}_with_plaintext", operation.fn_name))
}

fn free_name(api: &Api, name: String) -> Option<String> {
    (!api.operations.iter().any(|o| o.fn_name == name)).then_some(name)
}

/// The operation serving the public key that `operation`'s secret is sealed for.
pub fn sealing_key_of<'a>(api: &'a Api, operation: &Operation) -> Option<&'a Operation> {
    let id = operation.sealed_with.as_ref()?;
    api.operations.iter().find(|o| &o.id == id)
}
