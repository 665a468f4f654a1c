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
