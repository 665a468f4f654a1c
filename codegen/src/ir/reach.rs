//! Which named schemas clients read: those a response body can hold, directly or through
//! properties, items, map values and compositions. Their Rust types must survive what GitHub
//! sends tomorrow (string values the spec does not list, fields it does not declare), while
//! schemas only requests use stay as strict as the spec says. The models generator, the
//! server's typed-first shortcut and the semver verdicts all go by this one answer.

use std::collections::BTreeSet;

use serde_json::Value;

use super::Api;
use crate::spec::openapi::ref_name;

/// Sets [`super::Model::read_by_clients`] on every model a response body reaches.
pub(super) fn mark_read_by_clients(api: &mut Api) {
    let roots: Vec<&Value> = api
        .operations
        .iter()
        .flat_map(|operation| &operation.responses)
        .filter_map(|response| response.body.as_ref()?.schema.as_ref())
        .collect();
    let reached = models_reached(api, roots);
    for model in &mut api.models {
        model.read_by_clients = reached.contains(&model.name);
    }
}

/// Sets [`super::Model::used_by_operations`] on every model an operation's parameters, request
/// body or responses reach.
pub(super) fn mark_used_by_operations(api: &mut Api) {
    let roots: Vec<&Value> = api
        .operations
        .iter()
        .flat_map(|operation| {
            let parameters = operation.parameters.iter().map(|parameter| &parameter.schema);
            let body = operation.body.iter().map(|body| &body.schema);
            let responses = operation.responses.iter().filter_map(|response| response.body.as_ref()?.schema.as_ref());
            parameters.chain(body).chain(responses)
        })
        .collect();
    let reached = models_reached(api, roots);
    for model in &mut api.models {
        model.used_by_operations = reached.contains(&model.name);
    }
}

/// The names of the models that values of the schemas `roots` can hold, transitively.
pub fn models_reached(api: &Api, roots: Vec<&Value>) -> BTreeSet<String> {
    let schemas: std::collections::BTreeMap<&str, &Value> = api.models.iter().map(|m| (m.name.as_str(), &m.schema)).collect();
    let mut reached: BTreeSet<String> = BTreeSet::new();
    let mut pending = roots;
    while let Some(schema) = pending.pop() {
        if let Some(name) = ref_name(schema) {
            if reached.insert(name.to_owned())
                && let Some(target) = schemas.get(name)
            {
                pending.push(target);
            }
            continue;
        }
        pending.extend(children(schema));
    }
    reached
}

/// The sub-schemas of a schema whose values are part of its value.
fn children(schema: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        out.extend(properties.values());
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child @ Value::Object(_)) = schema.get(key) {
            out.push(child);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(variants)) = schema.get(key) {
            out.extend(variants);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::spec::normalize::normalize;

    #[test]
    fn models_a_response_reaches_are_read_by_clients_and_request_only_ones_are_not() {
        let spec = json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/x": {"post": {
                "operationId": "x/post",
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/order"}}}},
                "responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object", "properties": {
                        "items": {"type": "array", "items": {"$ref": "#/components/schemas/item"}}
                    }}}}},
                    "404": {"description": "no", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/error"}}}}
                }
            }}},
            "components": {"schemas": {
                "order": {"type": "object", "properties": {"kind": {"$ref": "#/components/schemas/kind"}}},
                "kind": {"type": "string", "enum": ["a", "b"]},
                "item": {"allOf": [{"$ref": "#/components/schemas/base"}]},
                "base": {"type": "object", "properties": {"state": {"type": "string", "enum": ["on", "off"]}}},
                "error": {"type": "object", "properties": {"message": {"type": "string"}}}
            }}
        });
        let api = super::super::build(&normalize("t.json", &spec).unwrap());
        let read: Vec<(&str, bool)> = api.models.iter().map(|m| (m.name.as_str(), m.read_by_clients)).collect();
        assert_eq!(
            read,
            [("Base", true), ("Error", true), ("Item", true), ("Kind", false), ("Order", false), ("XPostResponse", true)]
        );
    }
}
