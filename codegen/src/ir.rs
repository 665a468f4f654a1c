//! The intermediate representation: what each operation takes and returns, with every schema
//! already named (see `normalize.rs`). The client, server and API-surface generators all read
//! this, so they agree on names and on which statuses an operation documents.

use serde_json::Value;

use crate::diagnostic::pointer;
use crate::load::resolve;
use crate::normalize::{Normalized, Origin, fn_name, sorted_statuses, type_name};
use crate::validate::METHODS;

/// The whole API.
#[derive(Debug, Clone)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// Operations sorted by operationId.
    pub operations: Vec<Operation>,
    /// Named schemas sorted by Rust name.
    pub models: Vec<Model>,
}

/// A named schema: one Rust type in the models crate.
#[derive(Debug, Clone)]
pub struct Model {
    /// The Rust type name.
    pub name: String,
    /// Where it came from in the user's spec.
    pub origin: Origin,
    /// The (normalized) OpenAPI schema.
    pub schema: Value,
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The operationId, e.g. `dependabot/get-org-public-key`.
    pub id: String,
    /// The client method name, e.g. `dependabot_get_org_public_key`.
    pub fn_name: String,
    /// The prefix of type names derived from this operation, e.g. `DependabotGetOrgPublicKey`.
    pub type_base: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// Path template.
    pub path: String,
    /// JSON pointer of the operation in the spec.
    pub pointer: String,
    /// One-line summary.
    pub summary: Option<String>,
    /// Longer description.
    pub description: Option<String>,
    /// Link to the reference documentation.
    pub docs_url: Option<String>,
    /// Path-level and operation-level parameters, in spec order (path level first).
    pub parameters: Vec<Parameter>,
    /// The JSON request body, if any.
    pub body: Option<RequestBody>,
    /// Documented responses, by status (codes ascending, then ranges, then `default`).
    pub responses: Vec<Response>,
    /// How the operation's list is paged, when it is page-based with a `Link` header (see
    /// [`annotate`]); the client then gets a method streaming every item.
    pub pagination: Option<Pagination>,
    /// For an operation that writes a secret sealed for a public key (a body with
    /// `encrypted_value` and `key_id`): the operationId of the operation serving that key (see
    /// [`annotate`]); the client then gets a method taking the plaintext.
    pub sealed_with: Option<String>,
}

/// How a list operation is paged: GitHub's `page`/`per_page` query parameters, a `Link`
/// response header (RFC 8288) naming the `next` page, and a body holding one page of items.
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    /// The named schema of the page body, e.g. `DependabotListOrgSecretsResponse`.
    pub page_model: String,
    /// The body property holding the page's items, e.g. `secrets`.
    pub items_property: String,
    /// The schema of one item.
    pub item_schema: Value,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParameterLocation {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// In a request header.
    Header,
    /// In a cookie.
    Cookie,
}

impl ParameterLocation {
    /// The OpenAPI name of the location.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Path => "path",
            Self::Query => "query",
            Self::Header => "header",
            Self::Cookie => "cookie",
        }
    }
}

/// One parameter.
#[derive(Debug, Clone)]
pub struct Parameter {
    /// The name on the wire.
    pub name: String,
    /// The Rust argument name.
    pub rust_name: String,
    /// Where it goes.
    pub location: ParameterLocation,
    /// Whether it must be given.
    pub required: bool,
    /// Its schema: a `$ref` to a named schema or a plain scalar.
    pub schema: Value,
    /// Its description.
    pub description: Option<String>,
}

/// A request body.
#[derive(Debug, Clone)]
pub struct RequestBody {
    /// The media type, e.g. `application/json`.
    pub media_type: String,
    /// The schema: a `$ref` to a named schema or a plain scalar.
    pub schema: Value,
    /// Whether the body must be sent.
    pub required: bool,
}

/// One documented response.
#[derive(Debug, Clone)]
pub struct Response {
    /// `200`, `2XX` or `default`.
    pub status: String,
    /// The response's description.
    pub description: String,
    /// The body, if the response has one.
    pub body: Option<ResponseBody>,
    /// Declared response headers, sorted by lower-case name.
    pub headers: Vec<Header>,
}

impl Response {
    /// The numeric status, if this is a single code.
    pub fn code(&self) -> Option<u16> {
        self.status.parse().ok()
    }

    /// True for 2xx codes and the `2XX` range.
    pub fn is_success(&self) -> bool {
        self.status.starts_with('2')
    }
}

/// A response body.
#[derive(Debug, Clone)]
pub struct ResponseBody {
    /// The media type.
    pub media_type: String,
    /// The schema, if the media type has one.
    pub schema: Option<Value>,
}

/// A declared response header.
#[derive(Debug, Clone)]
pub struct Header {
    /// Lower-case header name.
    pub name: String,
    /// Its schema.
    pub schema: Value,
    /// Its description.
    pub description: Option<String>,
    /// `None` when the spec declares the header; otherwise the file that added it (the codegen
    /// configuration, see `config.rs`).
    pub added_by: Option<String>,
}

fn text(node: &Value, key: &str) -> Option<String> {
    node.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn deref<'a>(tree: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(reference) => resolve(tree, reference).map_or(node, |target| deref(tree, target)),
        None => node,
    }
}

/// Builds the IR from a normalized (and validated) spec.
pub fn build(spec: &Normalized) -> Api {
    let tree = &spec.tree;
    let mut operations = Vec::new();
    if let Some(paths) = tree.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let item = deref(tree, item);
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let Some(id) = op.get("operationId").and_then(Value::as_str) else { continue };
                operations.push(operation(tree, path, method, item, op, id));
            }
        }
    }
    operations.sort_by(|a, b| a.id.cmp(&b.id));
    let models = tree["components"]["schemas"]
        .as_object()
        .map(|schemas| {
            schemas
                .iter()
                .map(|(name, schema)| Model {
                    name: name.clone(),
                    origin: spec.origins.get(name).cloned().unwrap_or_else(|| Origin::Component(name.clone())),
                    schema: schema.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    Api {
        title: text(&tree["info"], "title").unwrap_or_default(),
        version: text(&tree["info"], "version").unwrap_or_default(),
        operations,
        models,
    }
}

fn operation(tree: &Value, path: &str, method: &str, item: &Value, op: &Value, id: &str) -> Operation {
    // Operation-level parameters override path-level ones with the same name and location.
    let mut parameters: Vec<Parameter> = Vec::new();
    for list in [item.get("parameters"), op.get("parameters")].into_iter().flatten() {
        for raw in list.as_array().into_iter().flatten() {
            let p = deref(tree, raw);
            let location = match p.get("in").and_then(Value::as_str) {
                Some("path") => ParameterLocation::Path,
                Some("query") => ParameterLocation::Query,
                Some("header") => ParameterLocation::Header,
                Some("cookie") => ParameterLocation::Cookie,
                _ => continue,
            };
            let name = text(p, "name").unwrap_or_default();
            let parameter = Parameter {
                rust_name: fn_name(&name),
                required: location == ParameterLocation::Path || p.get("required") == Some(&Value::Bool(true)),
                schema: p.get("schema").cloned().unwrap_or_else(|| serde_json::json!({"type": "string"})),
                description: text(p, "description"),
                name,
                location,
            };
            parameters.retain(|q| !(q.name == parameter.name && q.location == parameter.location));
            parameters.push(parameter);
        }
    }

    let body = op.get("requestBody").map(|b| deref(tree, b)).and_then(|b| {
        let content = b.get("content")?.as_object()?;
        // JSON is preferred; otherwise the first media type (sorted) is used.
        let (media_type, media) = content
            .iter()
            .find(|(m, _)| is_json(m))
            .or_else(|| content.iter().next())?;
        Some(RequestBody {
            media_type: media_type.clone(),
            schema: media.get("schema").cloned().unwrap_or_else(|| serde_json::json!({})),
            required: b.get("required") == Some(&Value::Bool(true)),
        })
    });

    let mut responses = Vec::new();
    if let Some(map) = op.get("responses").and_then(Value::as_object) {
        for status in sorted_statuses(map.keys().cloned().collect()) {
            let r = deref(tree, &map[&status]);
            let body = r.get("content").and_then(Value::as_object).and_then(|content| {
                let (media_type, media) = content.iter().find(|(m, _)| is_json(m)).or_else(|| content.iter().next())?;
                Some(ResponseBody {
                    media_type: media_type.clone(),
                    schema: media.get("schema").cloned(),
                })
            });
            let mut headers: Vec<Header> = r
                .get("headers")
                .and_then(Value::as_object)
                .map(|h| {
                    h.iter()
                        .map(|(name, header)| {
                            let header = deref(tree, header);
                            Header {
                                name: name.to_ascii_lowercase(),
                                schema: header.get("schema").cloned().unwrap_or(Value::Null),
                                description: text(header, "description"),
                                added_by: None,
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            headers.sort_by(|a, b| a.name.cmp(&b.name));
            responses.push(Response {
                description: text(r, "description").unwrap_or_default(),
                body,
                headers,
                status,
            });
        }
    }

    Operation {
        id: id.to_owned(),
        fn_name: fn_name(id),
        type_base: type_name(id),
        method: method.to_ascii_uppercase(),
        path: path.to_owned(),
        pointer: pointer::join(["paths", path, method]),
        summary: text(op, "summary"),
        description: text(op, "description"),
        docs_url: op.get("externalDocs").and_then(|d| text(d, "url")),
        parameters,
        body,
        responses,
        pagination: None,
        sealed_with: None,
    }
}

/// True for `application/json` and `+json` media types.
pub fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or("").trim();
    essence == "application/json" || essence.ends_with("+json")
}

/// The named schema a `$ref` schema points to, if it is one.
pub fn ref_name(schema: &Value) -> Option<&str> {
    schema.get("$ref")?.as_str()?.strip_prefix("#/components/schemas/")
}

/// The query parameters of GitHub's page-based pagination.
pub const PAGE_PARAMETERS: [&str; 2] = ["page", "per_page"];

/// Fills in what the client builds on top of single operations, from the spec alone:
///
/// - [`Operation::pagination`] for every list that is page-based (optional integer `page` and
///   `per_page` query parameters) and declares a `link` header on its `200` response, whose
///   body is a named object with exactly one array property (the items); lists that do not fit
///   are left alone. The codegen configuration (`config.rs`) runs first and may have declared
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
    if crate::client::needs_multi_status(operation) {
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
