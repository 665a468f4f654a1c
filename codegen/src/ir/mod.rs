//! The intermediate representation: what each operation takes and returns, with every schema
//! already named (see `spec::normalize`). The client, server and API-surface generators all read
//! this, so they agree on names and on which statuses an operation documents.
//!
//! What two generators must agree on is decided here, never in one of them: which operations
//! need a per-status enum ([`needs_multi_status`]), which lists are paged and which writes are
//! sealed, with the names of the methods built on them ([`mod@annotate`]), and the Rust type of a
//! schema at a use site ([`rust_types`]). [`configure`] applies the codegen configuration;
//! [`permissions`] attaches who may call each operation.

use serde_json::Value;

use crate::diagnostic::pointer;
use crate::spec::naming::{fn_name, type_name};
use crate::spec::normalize::{Normalized, Origin};
use crate::spec::openapi::{METHODS, deref, is_json, ref_name, sorted_statuses};

pub mod annotate;
pub mod configure;
pub mod permissions;
pub mod reach;
pub mod rust_types;

pub use annotate::{annotate, pagination};

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
    /// Whether a response body can hold a value of this schema, so that clients read it: its
    /// Rust type then keeps string values the spec does not list and ignores fields it does not
    /// declare, because GitHub adds both without waiting for a new description (see
    /// [`reach`]). A schema only requests use stays as strict as the spec.
    pub read_by_clients: bool,
    /// Whether any operation's parameters, request body or responses can hold a value of this
    /// schema. The others (GitHub's webhook payloads, mostly) are in the models crate behind
    /// its `webhooks` feature (see [`reach`]).
    pub used_by_operations: bool,
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
    /// [`annotate()`]); the client then gets a method streaming every item.
    pub pagination: Option<Pagination>,
    /// For an operation that writes a secret sealed for a public key (a body with
    /// `encrypted_value` and `key_id`): the operationId of the operation serving that key (see
    /// [`annotate()`]); the client then gets a method taking the plaintext.
    pub sealed_with: Option<String>,
    /// Who may call the operation, when the generator was given pinned requirements (see
    /// [`permissions`]); `None` otherwise.
    pub authorization: Option<permissions::Authorization>,
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
    /// configuration, see `spec::config`).
    pub added_by: Option<String>,
}

fn text(node: &Value, key: &str) -> Option<String> {
    node.get(key).and_then(Value::as_str).map(str::to_owned)
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
                    read_by_clients: false,
                    used_by_operations: false,
                })
                .collect()
        })
        .unwrap_or_default();
    let mut api = Api {
        title: text(&tree["info"], "title").unwrap_or_default(),
        version: text(&tree["info"], "version").unwrap_or_default(),
        operations,
        models,
    };
    reach::mark_read_by_clients(&mut api);
    reach::mark_used_by_operations(&mut api);
    api
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
        authorization: None,
    }
}


/// What a response carries, as the client generators compare responses: two responses of an
/// operation with different kinds cannot share one Rust type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum BodyKind {
    /// No body.
    None,
    /// JSON of this schema (a named type, or a scalar's JSON).
    Json(String),
    /// Anything else, read as bytes.
    Raw,
}

/// The kind of body of a response.
pub fn body_kind(response: &Response) -> BodyKind {
    match &response.body {
        None => BodyKind::None,
        Some(body) if is_json(&body.media_type) => match &body.schema {
            Some(schema) => BodyKind::Json(ref_name(schema).map(str::to_owned).unwrap_or_else(|| schema.to_string())),
            None => BodyKind::Raw,
        },
        Some(_) => BodyKind::Raw,
    }
}

/// The operationIds of `api` that [`needs_multi_status`], sorted.
pub fn multi_status_operations(api: &Api) -> std::collections::BTreeSet<String> {
    api.operations.iter().filter(|o| needs_multi_status(o)).map(|o| o.id.clone()).collect()
}

/// True when `operation`'s responses need a per-status enum: progenitor 0.15 allows one success
/// type and one error type per operation (`default` counts as both), so the client gets such
/// operations' methods from its own multi-status generator, and the item stream leaves them out.
pub fn needs_multi_status(operation: &Operation) -> bool {
    let kinds = |keep: fn(&Response) -> bool| -> std::collections::BTreeSet<BodyKind> {
        operation.responses.iter().filter(|r| keep(r)).map(body_kind).collect()
    };
    let success = kinds(|r| r.is_success() || r.status == "default");
    let error = kinds(|r| r.status.starts_with('4') || r.status.starts_with('5') || r.status == "default");
    success.len() > 1 || error.len() > 1
}
