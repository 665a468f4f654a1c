//! The hand-written part of the server, the same for every spec: errors in GitHub's shape,
//! reading a request (content type, size limit, JSON syntax) before any generated code sees
//! it, turning path, query and header text into typed values, and the primitives the
//! generated validators (`validation.rs`) call.
//!
//! The generator copies this file verbatim (from `codegen/templates/server_runtime.rs`), so its
//! comments survive; everything that depends on the spec lives in the other modules.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::fmt;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::RawPathParamsRejection;
use axum::extract::{FromRequest, FromRequestParts, Query, RawPathParams, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The request body limit of [`RouterConfig::default`]: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// How many field errors a `422` response lists at most. A 1 MiB body can break its schema a
/// hundred thousand times; listing them all would turn a small request into a huge response.
pub(crate) const MAX_LISTED_ERRORS: usize = 100;

/// How [`crate::router_with_config`] serves the API.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RouterConfig {
    /// The largest request body accepted, in bytes; a larger one is answered with `413`
    /// before it is parsed.
    pub body_limit: usize,
    /// Whether a JSON body whose type checks everything its schema says (the generator decides
    /// per operation) is deserialized straight into that type first, the JSON tree and the
    /// validators being used only when that fails, to list every failing field. On by default:
    /// it is faster, and the answers are the same either way (a test compares them); off, every
    /// body goes through the validators first.
    pub typed_first: bool,
    /// The values of `X-GitHub-Api-Version` served; a request naming another is answered with
    /// `400`, as GitHub does (one without the header is served). By default
    /// [`crate::DEFAULT_API_VERSIONS`].
    pub api_versions: Vec<String>,
}

impl Default for RouterConfig {
    fn default() -> Self {
        let api_versions = crate::DEFAULT_API_VERSIONS.iter().map(|v| (*v).to_owned()).collect();
        Self { body_limit: DEFAULT_BODY_LIMIT, typed_first: true, api_versions }
    }
}

impl RouterConfig {
    /// Sets [`RouterConfig::body_limit`].
    #[must_use]
    pub fn with_body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Sets [`RouterConfig::typed_first`].
    #[must_use]
    pub fn with_typed_first(mut self, typed_first: bool) -> Self {
        self.typed_first = typed_first;
        self
    }

    /// Sets [`RouterConfig::api_versions`].
    #[must_use]
    pub fn with_api_versions<V: Into<String>>(mut self, versions: impl IntoIterator<Item = V>) -> Self {
        self.api_versions = versions.into_iter().map(Into::into).collect();
        self
    }
}

/// An error response that the spec does not document for the operation: a `404` for a secret
/// that does not exist when the operation documents only `200`, a `401`, a `500`...
///
/// Documented responses are variants of the operation's enum in [`crate::responses`]; this is
/// the one escape hatch for everything else. It is sent in GitHub's error shape,
/// `{"message": ..., "documentation_url": ...}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerError {
    status: StatusCode,
    message: Cow<'static, str>,
}

impl ServerError {
    /// An error with this status and message.
    pub fn new(status: StatusCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self { status, message: message.into() }
    }

    /// `404 Not Found`, as GitHub answers for anything the caller may not see.
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "Not Found")
    }

    /// `401 Unauthorized`, with GitHub's message.
    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "Requires authentication")
    }

    /// `403 Forbidden` with a message.
    pub fn forbidden(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }

    /// `500 Internal Server Error` with a message.
    pub fn internal(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The message sent to the client.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.status, self.message)
    }
}

impl std::error::Error for ServerError {}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        error_response(self.status, &self.message, &[])
    }
}

/// GitHub's error body. Field order follows GitHub's responses.
#[derive(Serialize)]
struct ErrorBody<'a> {
    message: &'a str,
    #[serde(skip_serializing_if = "<[FieldError]>::is_empty")]
    errors: &'a [FieldError],
    #[serde(skip_serializing_if = "Option::is_none")]
    documentation_url: Option<&'a str>,
}

fn error_response(status: StatusCode, message: &str, errors: &[FieldError]) -> Response {
    let body = ErrorBody {
        message,
        errors,
        documentation_url: crate::DOCUMENTATION_URL,
    };
    (status, Json(body)).into_response()
}

/// An error in GitHub's shape naming `documentation_url` (a refusal names the operation's page).
pub(crate) fn error_response_with(status: StatusCode, message: &str, documentation_url: Option<&str>) -> Response {
    (status, Json(ErrorBody { message, errors: &[], documentation_url })).into_response()
}

/// One entry of a `422 Validation Failed` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct FieldError {
    /// The body's type name, or `path`, `query` or `header` for parameters.
    resource: &'static str,
    /// Where: `deployments[3].digest`, a parameter name, or `(body)` for the body itself.
    field: String,
    /// GitHub's codes: `missing_field`, `invalid`, `custom`.
    code: &'static str,
    /// What is wrong, in words.
    message: Cow<'static, str>,
}

/// Where a value sits in the request, built up while a validator descends and rendered only
/// when something is wrong, so that valid input costs no allocation.
#[derive(Debug, Clone, Copy)]
pub(crate) enum At<'a> {
    /// A parameter (its name) or the body (`""`).
    Root(&'a str),
    /// A member of an object.
    Key(&'a At<'a>, &'a str),
    /// An element of an array.
    Index(&'a At<'a>, usize),
}

impl<'a> At<'a> {
    /// The member `key` of the object here.
    #[allow(dead_code, reason = "used only by specs with object schemas in their inputs")]
    pub(crate) fn key(&'a self, key: &'a str) -> Self {
        At::Key(self, key)
    }

    /// The element `index` of the array here.
    pub(crate) fn index(&'a self, index: usize) -> Self {
        At::Index(self, index)
    }

    fn render(&self) -> String {
        let mut out = String::new();
        self.render_into(&mut out);
        if out.is_empty() {
            out.push_str("(body)");
        }
        out
    }

    fn render_into(&self, out: &mut String) {
        match self {
            At::Root(name) => out.push_str(name),
            At::Key(parent, key) => {
                parent.render_into(out);
                let plain = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                if plain {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(key);
                } else {
                    // Keys with dots, brackets or spaces (`package-lock.json`) stay unambiguous.
                    out.push('[');
                    out.push_str(&Value::from(*key).to_string());
                    out.push(']');
                }
            }
            At::Index(parent, index) => {
                parent.render_into(out);
                out.push_str(&format!("[{index}]"));
            }
        }
    }
}

/// Collects every problem with a request's input, so that one `422` lists them all.
#[derive(Debug, Default)]
pub(crate) struct FieldErrors {
    /// What the next errors are about (see [`FieldError`]); set by whoever starts a check.
    resource: &'static str,
    listed: Vec<FieldError>,
    /// Every error, including those beyond [`MAX_LISTED_ERRORS`].
    count: usize,
    /// The body, read as JSON only now (see [`RawRequest::json_body`]), is not JSON: the
    /// answer is `400`, as when the body is read before the parameters.
    malformed_json: bool,
}

impl FieldErrors {
    fn push(&mut self, at: &At<'_>, code: &'static str, message: Cow<'static, str>) {
        self.count += 1;
        if self.listed.len() < MAX_LISTED_ERRORS {
            self.listed.push(FieldError {
                resource: self.resource,
                field: at.render(),
                code,
                message,
            });
        }
    }

    /// A required member is absent.
    pub(crate) fn missing_field(&mut self, at: &At<'_>) {
        self.push(at, "missing_field", Cow::Borrowed("is required"));
    }

    /// The value here breaks its schema (type, format, length, pattern, bounds, size...).
    pub(crate) fn invalid(&mut self, at: &At<'_>, message: impl Into<Cow<'static, str>>) {
        self.push(at, "invalid", message.into());
    }

    /// Anything else, explained by the message: a member the schema does not allow, or a value
    /// the models crate refuses after validation passed.
    pub(crate) fn custom(&mut self, at: &At<'_>, message: impl Into<Cow<'static, str>>) {
        self.push(at, "custom", message.into());
    }

    /// True when nothing was recorded.
    pub(crate) fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The `422 Validation Failed` response listing the errors.
    #[allow(dead_code, reason = "used only by specs with operation inputs")]
    pub(crate) fn into_rejection(mut self) -> Rejection {
        if self.malformed_json {
            return Rejection::problems_parsing_json();
        }
        let unlisted = self.count - self.listed.len();
        if unlisted > 0 {
            self.listed.push(FieldError {
                resource: self.resource,
                field: "(more)".to_owned(),
                code: "custom",
                message: Cow::Owned(format!("{unlisted} more errors are not listed")),
            });
        }
        Rejection {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message: Cow::Borrowed("Validation Failed"),
            errors: self.listed,
        }
    }
}

/// Why a request was answered before it reached the [`crate::Api`] implementation.
#[derive(Debug)]
pub(crate) struct Rejection {
    status: StatusCode,
    message: Cow<'static, str>,
    errors: Vec<FieldError>,
}

impl Rejection {
    fn new(status: StatusCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self { status, message: message.into(), errors: Vec::new() }
    }

    fn problems_parsing_json() -> Self {
        Self::new(StatusCode::BAD_REQUEST, "Problems parsing JSON")
    }

    fn unsupported_media_type() -> Self {
        Self::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "Unsupported Media Type: send the body as application/json")
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        error_response(self.status, &self.message, &self.errors)
    }
}

/// A validator: checks `value` against one schema, recording every violation in `errors`.
pub(crate) type Check = fn(&Value, &At<'_>, &mut FieldErrors);

/// What an operation's request body is.
#[derive(Debug, Clone, Copy)]
pub(crate) enum BodyMode {
    /// No body; whatever is sent is ignored.
    None,
    /// JSON, `Content-Type: application/json` (or `+json`).
    #[allow(dead_code, reason = "used only by specs with JSON request bodies")]
    Json {
        /// Whether an empty body is an error.
        required: bool,
        /// Whether the body's type enforces everything its validator checks, so that a body
        /// that deserializes into it needs no validation (see [`RouterConfig::typed_first`]).
        typed_first: bool,
    },
    /// Bytes of another media type, passed through unchecked.
    #[allow(dead_code, reason = "used only by specs with non-JSON request bodies")]
    Raw,
}

/// Where a parameter is read from.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Location {
    /// A `{name}` segment of the path.
    #[allow(dead_code, reason = "used only by specs with path parameters")]
    Path,
    /// The query string; repeated keys give a list.
    #[allow(dead_code, reason = "used only by specs with query parameters")]
    Query,
    /// A request header; commas separate the items of a list.
    #[allow(dead_code, reason = "used only by specs with header parameters")]
    Header,
}

impl Location {
    fn as_str(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
        }
    }
}

/// How the text of a parameter becomes JSON before its schema is checked.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    /// Kept as text.
    #[allow(dead_code, reason = "used only by specs with string parameters")]
    String,
    /// An integer, or a `must be an integer` error.
    #[allow(dead_code, reason = "used only by specs with integer parameters")]
    Integer,
    /// A number, or an error.
    #[allow(dead_code, reason = "used only by specs with number parameters")]
    Number,
    /// `true` or `false`, or an error.
    #[allow(dead_code, reason = "used only by specs with boolean parameters")]
    Boolean,
    /// Whatever the text reads as (a number, a boolean), else text: for compositions.
    #[allow(dead_code, reason = "used only by specs with composed parameter schemas")]
    Any,
    /// A list of the inner kind.
    #[allow(dead_code, reason = "used only by specs with array parameters")]
    List(&'static Kind),
}

/// What happens when a parameter is absent.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Presence {
    /// A `missing_field` error.
    Required,
    /// `None`.
    #[allow(dead_code, reason = "used only by specs with query or header parameters")]
    Optional,
    /// The spec's `default`, as JSON text.
    #[allow(dead_code, reason = "used only by specs with parameter defaults")]
    Default(&'static str),
}

/// One parameter of an operation, as the generated request parsers describe it:
/// `Parameter::query("per_page", Kind::Integer).or_default("30")`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Parameter {
    location: Location,
    name: &'static str,
    kind: Kind,
    presence: Presence,
    check: Option<Check>,
}

impl Parameter {
    /// A path parameter (always required).
    #[allow(dead_code, reason = "used only by specs with path parameters")]
    pub(crate) fn path(name: &'static str, kind: Kind) -> Self {
        Self { location: Location::Path, name, kind, presence: Presence::Required, check: None }
    }

    /// An optional query parameter.
    #[allow(dead_code, reason = "used only by specs with query parameters")]
    pub(crate) fn query(name: &'static str, kind: Kind) -> Self {
        Self { location: Location::Query, name, kind, presence: Presence::Optional, check: None }
    }

    /// An optional header parameter.
    #[allow(dead_code, reason = "used only by specs with header parameters")]
    pub(crate) fn header(name: &'static str, kind: Kind) -> Self {
        Self { location: Location::Header, name, kind, presence: Presence::Optional, check: None }
    }

    /// Absent is a `missing_field` error.
    #[allow(dead_code, reason = "used only by specs with required query or header parameters")]
    pub(crate) fn required(self) -> Self {
        Self { presence: Presence::Required, ..self }
    }

    /// Absent means the spec's `default`, given as JSON text.
    #[allow(dead_code, reason = "used only by specs with parameter defaults")]
    pub(crate) fn or_default(self, json: &'static str) -> Self {
        Self { presence: Presence::Default(json), ..self }
    }

    /// The value must also pass `check`, the validator of the parameter's schema.
    #[allow(dead_code, reason = "used only by specs with constrained parameters")]
    pub(crate) fn checked_by(self, check: Check) -> Self {
        Self { check: Some(check), ..self }
    }
}

/// The parts of a request the generated parsers read, after the checks that come before
/// validation: route parameters decoded, query string split, body within the limit, of the
/// right content type, and syntactically valid JSON.
#[derive(Debug)]
pub(crate) struct RawRequest {
    path: Vec<(String, String)>,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    json: Option<Value>,
    /// A JSON body not parsed yet: its type is tried first (see [`BodyMode::Json`]).
    unparsed_json: Option<Bytes>,
    bytes: Bytes,
}

/// A piece of a path segment in the spec, for operations served under another template
/// than their path (see [`FromRawRequest::PATH`]).
#[allow(dead_code, reason = "used only by specs with such paths")]
#[derive(Debug, Clone, Copy)]
pub(crate) enum Piece {
    /// A parameter, by its name in the spec.
    Param(&'static str),
    /// Literal text between parameters, like the `...` of `{base}...{head}`.
    Text(&'static str),
}

/// An operation's typed input, parsed and validated from a [`RawRequest`].
pub(crate) trait FromRawRequest: Sized {
    /// What the operation's body is.
    const BODY: BodyMode;

    /// For an operation served under a route template other than its path (a parameter that
    /// is part of a segment, or a path that differs from another only in parameter names):
    /// for each parameter of the route, in order, the operation's pieces of that segment.
    const PATH: Option<&'static [&'static [Piece]]> = None;

    /// Reads every parameter and the body, validating all of them before failing, so that
    /// the `422` lists every problem.
    fn from_raw(raw: &mut RawRequest) -> Result<Self, Rejection>;
}

/// Reads, checks and validates the input of an operation: `415`, `413`, `400` or `422` when
/// something is wrong, in that order. The caller was admitted first (`crate::auth`). With
/// `typed_first` ([`RouterConfig::typed_first`]), a body whose type checks everything is read
/// straight into it.
pub(crate) async fn read<I: FromRawRequest>(request: Request, path: Vec<(String, String)>, headers: &mut HeaderMap, typed_first: bool) -> Result<I, Rejection> {
    let mut raw = RawRequest::read(request, path, I::BODY, typed_first).await?;
    let input = I::from_raw(&mut raw);
    // The request's headers go on to the implementation's context.
    *headers = std::mem::take(&mut raw.headers);
    input
}

/// The route's path parameters, in route order (none for a route without any).
pub(crate) async fn path_parameters(parts: &mut Parts) -> Result<Vec<(String, String)>, Rejection> {
    match RawPathParams::from_request_parts(parts, &()).await {
        Ok(params) => Ok(params.iter().map(|(name, value)| (name.to_owned(), value.to_owned())).collect()),
        Err(RawPathParamsRejection::InvalidUtf8InPathParam(rejection)) => Err(Rejection::new(StatusCode::BAD_REQUEST, rejection.body_text())),
        // A route without parameters.
        Err(_) => Ok(Vec::new()),
    }
}

/// Turns the implementation's answer into a response.
pub(crate) fn respond<R: IntoResponse>(result: Result<R, ServerError>) -> Response {
    match result {
        Ok(response) => response.into_response(),
        Err(error) => error.into_response(),
    }
}

fn is_json(content_type: &HeaderValue) -> bool {
    let Ok(text) = content_type.to_str() else { return false };
    let essence = text.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// The operation's path parameters from the route's (`matched`, in route order): each route
/// parameter's value is cut into the operation's `pieces` for that segment. `None` when a
/// value does not fit them (missing text, an empty parameter).
pub(crate) fn operation_path(pieces: &[&[Piece]], matched: Vec<(String, String)>) -> Option<Vec<(String, String)>> {
    if pieces.len() != matched.len() {
        return None;
    }
    let mut out = Vec::new();
    for (segment, (_, value)) in pieces.iter().zip(&matched) {
        let mut rest = value.as_str();
        for (index, piece) in segment.iter().enumerate() {
            match piece {
                Piece::Text(text) => rest = rest.strip_prefix(text)?,
                Piece::Param(name) => {
                    // Up to the next text (its first occurrence), or the end of the segment.
                    let end = match segment.get(index + 1) {
                        Some(Piece::Text(next)) => rest.find(next)?,
                        _ => rest.len(),
                    };
                    if end == 0 {
                        return None;
                    }
                    out.push(((*name).to_owned(), rest[..end].to_owned()));
                    rest = &rest[end..];
                }
            }
        }
        if !rest.is_empty() {
            return None;
        }
    }
    Some(out)
}

impl RawRequest {
    /// The request's parts as the operation reads them; `path` as admission read it (cut to
    /// the operation's own parameters).
    async fn read(request: Request, path: Vec<(String, String)>, body: BodyMode, typed_first_allowed: bool) -> Result<Self, Rejection> {
        let (mut parts, stream) = request.into_parts();
        let query = match Query::<Vec<(String, String)>>::try_from_uri(&parts.uri) {
            Ok(Query(pairs)) => pairs,
            Err(_) => return Err(Rejection::new(StatusCode::BAD_REQUEST, "Invalid query string")),
        };
        let content_type = parts.headers.get(header::CONTENT_TYPE).cloned();
        // Without a body to read, the request's headers are not needed again: no copy.
        let headers = match body {
            BodyMode::None => std::mem::take(&mut parts.headers),
            _ => parts.headers.clone(),
        };
        let mut raw = RawRequest { path, query, headers, json: None, unparsed_json: None, bytes: Bytes::new() };
        match body {
            BodyMode::None => {}
            BodyMode::Json { required, typed_first } => {
                // The content type is checked before the body is read, so that a large body
                // of the wrong type is not buffered for nothing.
                match &content_type {
                    Some(value) if !is_json(value) => return Err(Rejection::unsupported_media_type()),
                    None if required => return Err(Rejection::unsupported_media_type()),
                    _ => {}
                }
                let bytes = read_bytes(Request::from_parts(parts, stream)).await?;
                if bytes.is_empty() {
                    if required {
                        return Err(Rejection::problems_parsing_json());
                    }
                } else if content_type.is_none() {
                    return Err(Rejection::unsupported_media_type());
                } else if typed_first && typed_first_allowed {
                    raw.unparsed_json = Some(bytes);
                } else {
                    // serde_json limits nesting to 128 levels, which also bounds how deep the
                    // validators recurse.
                    let value: Value = serde_json::from_slice(&bytes).map_err(|_| Rejection::problems_parsing_json())?;
                    raw.json = Some(value);
                }
            }
            BodyMode::Raw => {
                raw.bytes = read_bytes(Request::from_parts(parts, stream)).await?;
            }
        }
        Ok(raw)
    }

    /// The typed value of `parameter`, or `None` after recording why not.
    #[allow(dead_code, reason = "used only by specs with parameters")]
    pub(crate) fn parameter<T: DeserializeOwned>(&mut self, parameter: Parameter, errors: &mut FieldErrors) -> Option<T> {
        errors.resource = parameter.location.as_str();
        let at = At::Root(parameter.name);
        // The common case, a string path parameter with nothing to check beyond its type:
        // moved straight into its type, not copied into a JSON value first (each path
        // parameter is read once).
        if let (Location::Path, Kind::String, None) = (parameter.location, parameter.kind, parameter.check)
            && let Some((_, text)) = self.path.iter_mut().find(|(name, _)| name == parameter.name)
        {
            let text = std::mem::take(text);
            return match T::deserialize(serde::de::value::StringDeserializer::<serde_json::Error>::new(text)) {
                Ok(typed) => Some(typed),
                Err(error) => {
                    errors.custom(&at, error.to_string());
                    None
                }
            };
        }
        let texts = self.texts(&parameter, &at, errors)?;
        let value = if texts.is_empty() {
            match parameter.presence {
                Presence::Required => {
                    errors.missing_field(&at);
                    return None;
                }
                // Deserializes into `None`.
                Presence::Optional => return deserialize(Value::Null, &at, errors),
                // The spec's default goes through the same checks as a value sent by the client.
                Presence::Default(json) => match serde_json::from_str(json) {
                    Ok(value) => value,
                    Err(_) => {
                        errors.custom(&at, "the API description's default for this parameter is not JSON");
                        return None;
                    }
                },
            }
        } else {
            convert(parameter.kind, &texts, &at, errors)?
        };
        let before = errors.count;
        if let Some(check) = parameter.check {
            check(&value, &at, errors);
        }
        if errors.count > before {
            return None;
        }
        deserialize(value, &at, errors)
    }

    /// The raw texts of a parameter: empty when it is absent.
    fn texts(&self, parameter: &Parameter, at: &At<'_>, errors: &mut FieldErrors) -> Option<Vec<String>> {
        let list = matches!(parameter.kind, Kind::List(_));
        let split = |text: &str| -> Vec<String> {
            if list { text.split(',').map(str::to_owned).collect() } else { vec![text.to_owned()] }
        };
        match parameter.location {
            Location::Path => Some(self.path.iter().find(|(name, _)| name == parameter.name).map(|(_, value)| split(value)).unwrap_or_default()),
            Location::Query => {
                let mut values = self.query.iter().filter(|(name, _)| name == parameter.name).map(|(_, value)| value.clone());
                // A scalar sent twice: the first one counts.
                Some(if list { values.collect() } else { values.next().into_iter().collect() })
            }
            Location::Header => {
                let mut texts = Vec::new();
                for value in self.headers.get_all(parameter.name) {
                    match value.to_str() {
                        Ok(text) => texts.extend(split(text).into_iter().map(|t| t.trim().to_owned())),
                        Err(_) => {
                            errors.invalid(at, "must be visible ASCII text");
                            return None;
                        }
                    }
                    if !list {
                        break;
                    }
                }
                Some(texts)
            }
        }
    }

    /// The typed JSON body, validated by `check` first, or `None` after recording why not.
    /// `resource` names the body's type in the errors. A body `read` left unparsed (its type
    /// checks everything `check` does) is deserialized straight into `T` first; only when that
    /// fails is it parsed as JSON and validated, to list what is wrong.
    #[allow(dead_code, reason = "used only by specs with JSON request bodies")]
    pub(crate) fn json_body<T: DeserializeOwned>(&mut self, resource: &'static str, check: Check, errors: &mut FieldErrors) -> Option<T> {
        errors.resource = resource;
        let at = At::Root("");
        if let Some(bytes) = self.unparsed_json.take() {
            // serde reads `null` as `None` for an optional property, which the validators
            // refuse: a body with a `null` anywhere (even in a string) takes their path.
            if memchr::memmem::find(&bytes, b"null").is_none()
                && let Ok(typed) = serde_json::from_slice::<T>(&bytes)
            {
                return Some(typed);
            }
            match serde_json::from_slice::<Value>(&bytes) {
                Ok(value) => self.json = Some(value),
                Err(_) => {
                    errors.malformed_json = true;
                    return None;
                }
            }
        }
        let Some(value) = self.json.take() else {
            // An optional body that was not sent: deserializes into `None`.
            return deserialize_body(&Value::Null, &at, errors);
        };
        let before = errors.count;
        check(&value, &at, errors);
        if errors.count > before {
            return None;
        }
        deserialize_body(&value, &at, errors)
    }

    /// The body of a non-JSON operation, as sent.
    #[allow(dead_code, reason = "used only by specs with non-JSON request bodies")]
    pub(crate) fn raw_body(&mut self) -> Bytes {
        std::mem::take(&mut self.bytes)
    }
}

async fn read_bytes(request: Request) -> Result<Bytes, Rejection> {
    // `Bytes` honours the `DefaultBodyLimit` the router sets, and says `413` when it is exceeded.
    Bytes::from_request(request, &()).await.map_err(|rejection| {
        let status = rejection.status();
        Rejection::new(status, status.canonical_reason().unwrap_or("Bad Request"))
    })
}

/// [`deserialize`] for a request body: from the value's JSON text, not from the tree, because
/// the typed-first path reads bodies from their bytes: with one way of reading them, each body
/// type's `Deserialize` is compiled once for `serde_json`'s reader, not a second time for its
/// tree (an eighth of the server crate's code). The text is the tree's, so duplicate keys
/// count once (the last), as the validators saw them.
fn deserialize_body<T: DeserializeOwned>(value: &Value, at: &At<'_>, errors: &mut FieldErrors) -> Option<T> {
    let parsed = serde_json::to_vec(value).and_then(|text| serde_json::from_slice(&text));
    match parsed {
        Ok(typed) => Some(typed),
        Err(error) => {
            // The message as the tree would give it: a place in a text the client did not send
            // would mislead.
            let message = error.to_string();
            let place = format!(" at line {} column {}", error.line(), error.column());
            errors.custom(at, message.strip_suffix(&place).unwrap_or(&message).to_owned());
            None
        }
    }
}

/// After validation passed, the models crate should accept the value; if it does not (a
/// constraint the validators do not know), the client still gets a `422`, never a `500`.
fn deserialize<T: DeserializeOwned>(value: Value, at: &At<'_>, errors: &mut FieldErrors) -> Option<T> {
    match serde_json::from_value(value) {
        Ok(typed) => Some(typed),
        Err(error) => {
            errors.custom(at, error.to_string());
            None
        }
    }
}

fn convert(kind: Kind, texts: &[String], at: &At<'_>, errors: &mut FieldErrors) -> Option<Value> {
    match kind {
        Kind::List(item) => {
            let mut items = Vec::with_capacity(texts.len());
            let mut ok = true;
            for (index, text) in texts.iter().enumerate() {
                match scalar(*item, text, &at.index(index), errors) {
                    Some(value) => items.push(value),
                    None => ok = false,
                }
            }
            ok.then_some(Value::Array(items))
        }
        _ => scalar(kind, texts.first().map_or("", String::as_str), at, errors),
    }
}

fn scalar(kind: Kind, text: &str, at: &At<'_>, errors: &mut FieldErrors) -> Option<Value> {
    let value = match kind {
        Kind::String | Kind::List(_) => Some(Value::from(text)),
        Kind::Integer => text.parse::<i64>().map(Value::from).or_else(|_| text.parse::<u64>().map(Value::from)).ok(),
        Kind::Number => text.parse::<f64>().ok().and_then(serde_json::Number::from_f64).map(Value::Number),
        Kind::Boolean => match text {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        Kind::Any => Some(match serde_json::from_str::<Value>(text) {
            Ok(value @ (Value::Bool(_) | Value::Number(_))) => value,
            _ => Value::from(text),
        }),
    };
    if value.is_none() {
        let expected = match kind {
            Kind::Integer => "must be an integer",
            Kind::Number => "must be a number",
            _ => "must be `true` or `false`",
        };
        errors.invalid(at, expected);
    }
    value
}

/// A JSON response with this status.
#[allow(dead_code, reason = "used only by specs with JSON responses")]
pub(crate) fn json_response<T: Serialize>(status: StatusCode, body: T) -> Response {
    (status, Json(body)).into_response()
}

/// A response without a body.
#[allow(dead_code, reason = "used only by specs with responses without a body")]
pub(crate) fn empty_response(status: StatusCode) -> Response {
    status.into_response()
}

/// A response whose body is not JSON.
#[allow(dead_code, reason = "used only by specs with non-JSON responses")]
pub(crate) fn raw_response(status: StatusCode, content_type: &'static str, body: Bytes) -> Response {
    (status, [(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// The status of a documented response code; the generator only emits valid codes.
#[allow(dead_code, reason = "used only by specs that document a response by its code")]
pub(crate) fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// Sets a documented response header, if the implementation gave one. A value that cannot be
/// a header (a line break) is the implementation's bug, answered with a `500`; so is a name
/// that cannot be one, which only a spec could give.
#[allow(dead_code, reason = "used only by specs that document response headers")]
pub(crate) fn set_header<V: fmt::Display>(response: &mut Response, name: &'static str, value: Option<V>) {
    let Some(value) = value else { return };
    match (HeaderName::from_bytes(name.as_bytes()), HeaderValue::try_from(value.to_string())) {
        (Ok(name), Ok(value)) => {
            response.headers_mut().insert(name, value);
        }
        _ => {
            *response = ServerError::internal(format!("the implementation returned an invalid `{name}` header")).into_response();
        }
    }
}

/// The answer for a path no operation serves.
pub(crate) async fn not_found() -> Response {
    crate::auth::with_request_id(error_response(StatusCode::NOT_FOUND, "Not Found", &[]))
}

/// The answer for a known path with a method it does not serve; `allow` lists those it does.
pub(crate) fn method_not_allowed(allow: &'static str) -> Response {
    let mut response = crate::auth::with_request_id(error_response(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed", &[]));
    if let Ok(value) = HeaderValue::from_str(allow) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

/// The value as an integer, if it is one (`1.0` is not: the models crate would refuse it).
#[allow(dead_code, reason = "used only by specs with integer schemas in their inputs")]
pub(crate) fn integer(value: &Value) -> Option<i128> {
    value.as_i64().map(i128::from).or_else(|| value.as_u64().map(i128::from))
}

/// Records an error at every item that repeats an earlier one. Items are compared by their
/// JSON text (objects have sorted keys), in `O(n log n)`, so a long array cannot stall the server.
#[allow(dead_code, reason = "used only by specs with `uniqueItems`")]
pub(crate) fn check_unique(items: &[Value], at: &At<'_>, errors: &mut FieldErrors) {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (index, item) in items.iter().enumerate() {
        match seen.entry(item.to_string()) {
            Entry::Vacant(entry) => {
                entry.insert(index);
            }
            Entry::Occupied(first) => {
                errors.invalid(&at.index(index), format!("repeats item {}; the items must be unique", first.get()));
            }
        }
    }
}

/// Checks `value` against the variants of an `anyOf` (or, with `exactly_one`, a `oneOf`),
/// recording one error here when it matches none (or several). `expected` lists the variants.
#[allow(dead_code, reason = "used only by specs with `anyOf` or `oneOf`")]
pub(crate) fn check_variants(value: &Value, at: &At<'_>, errors: &mut FieldErrors, variants: &[Check], exactly_one: bool, expected: &'static str) {
    let matching = variants
        .iter()
        .filter(|check| {
            let mut scratch = FieldErrors::default();
            check(value, at, &mut scratch);
            scratch.is_empty()
        })
        .count();
    if matching == 0 {
        errors.invalid(at, format!("must be one of: {expected}"));
    } else if exactly_one && matching > 1 {
        errors.invalid(at, format!("must match exactly one of: {expected}"));
    }
}

/// True when `multiple` divides `number` (JSON Schema's `multipleOf`).
#[allow(dead_code, reason = "used only by specs with `multipleOf`")]
pub(crate) fn is_multiple_of(number: f64, multiple: f64) -> bool {
    multiple > 0.0 && ((number / multiple).round() * multiple - number).abs() <= f64::EPSILON * number.abs().max(1.0)
}

/// An RFC 3339 date-time, `2024-01-31T12:00:00Z` or with an offset and fractional seconds:
/// what the models crate's date-time type accepts, never more.
#[allow(dead_code, reason = "used only by specs with `format: date-time`")]
pub(crate) fn is_date_time(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() < 20 || !is_date_bytes(&bytes[..10]) || bytes[10] != b'T' {
        return false;
    }
    let time = &bytes[11..];
    let two = |at: usize, max: u32| -> bool { digits(time, at, 2).is_some_and(|n| n <= max) };
    if !(two(0, 23) && time[2] == b':' && two(3, 59) && time[5] == b':' && two(6, 59)) {
        return false;
    }
    let mut rest = &time[8..];
    if let Some(fraction) = rest.strip_prefix(b".") {
        let count = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
        if !(1..=9).contains(&count) {
            return false;
        }
        rest = &fraction[count..];
    }
    match rest {
        [b'Z'] => true,
        [b'+' | b'-', offset @ ..] if offset.len() == 5 => {
            digits(offset, 0, 2).is_some_and(|h| h <= 23) && offset[2] == b':' && digits(offset, 3, 2).is_some_and(|m| m <= 59)
        }
        _ => false,
    }
}

/// An RFC 3339 full date, `2024-01-31`, with a day that exists in its month.
#[allow(dead_code, reason = "used only by specs with `format: date` or `date-time`")]
pub(crate) fn is_date(text: &str) -> bool {
    is_date_bytes(text.as_bytes())
}

#[allow(dead_code, reason = "used only by specs with date formats")]
fn is_date_bytes(bytes: &[u8]) -> bool {
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    let (Some(year), Some(month), Some(day)) = (digits(bytes, 0, 4), digits(bytes, 5, 2), digits(bytes, 8, 2)) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

#[allow(dead_code, reason = "used only by specs with date formats")]
fn digits(bytes: &[u8], start: usize, count: usize) -> Option<u32> {
    let slice = bytes.get(start..start + count)?;
    slice.iter().try_fold(0u32, |n, b| b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0')))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matched(values: &[&str]) -> Vec<(String, String)> {
        values.iter().enumerate().map(|(i, v)| (format!("route_{i}"), (*v).to_owned())).collect()
    }

    fn named(pairs: &[(&str, &str)]) -> Option<Vec<(String, String)>> {
        Some(pairs.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect())
    }

    #[test]
    fn a_body_the_models_refuse_after_validation_is_a_422_whose_message_has_no_place_in_a_text() {
        let mut errors = FieldErrors::default();
        let typed: Option<u8> = deserialize_body(&serde_json::json!(300), &At::Root(""), &mut errors);
        assert_eq!(typed, None);
        assert_eq!(errors.listed.len(), 1);
        assert_eq!(errors.listed[0].message, "invalid value: integer `300`, expected u8");
        let typed: Option<Vec<u8>> = deserialize_body(&serde_json::json!([1, 2]), &At::Root(""), &mut errors);
        assert_eq!(typed, Some(vec![1, 2]));
    }

    #[test]
    fn a_segment_is_cut_at_the_text_between_parameters() {
        let compare: &[&[Piece]] = &[&[Piece::Param("owner")], &[Piece::Param("base"), Piece::Text("..."), Piece::Param("head")]];
        assert_eq!(operation_path(compare, matched(&["octo", "main...feature/x"])), named(&[("owner", "octo"), ("base", "main"), ("head", "feature/x")]));
        // The first `...` separates: a head may contain dots, a base may not contain `...`.
        assert_eq!(operation_path(compare, matched(&["octo", "v1.0...v2...x"])), named(&[("owner", "octo"), ("base", "v1.0"), ("head", "v2...x")]));
        for no_fit in ["main", "...feature", "main...", ""] {
            assert_eq!(operation_path(compare, matched(&["octo", no_fit])), None, "{no_fit}");
        }
        let json: &[&[Piece]] = &[&[Piece::Param("name"), Piece::Text(".json")]];
        assert_eq!(operation_path(json, matched(&["data.json"])), named(&[("name", "data")]));
        assert_eq!(operation_path(json, matched(&["data.json.bak"])), None);
        assert_eq!(operation_path(json, matched(&["data"])), None);
    }

    #[test]
    fn parameters_are_renamed_by_position() {
        let delete: &[&[Piece]] = &[&[Piece::Param("org")], &[Piece::Param("attestation_id")]];
        assert_eq!(operation_path(delete, matched(&["octo", "42"])), named(&[("org", "octo"), ("attestation_id", "42")]));
        assert_eq!(operation_path(delete, matched(&["octo"])), None);
    }
}
