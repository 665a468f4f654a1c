//! What went wrong with a request, as GitHub tells it: [`GitHubError`] gathers the status,
//! GitHub's `message`, `documentation_url` and validation `errors`, the rate-limit headers, and
//! what the operation accepts when the token lacks it (`X-Accepted-GitHub-Permissions`,
//! `X-Accepted-OAuth-Scopes`), from any error a client method returns
//! (`progenitor_client::Error<E>`), including the raw response kept for statuses the description
//! does not document.
//!
//! The generator copies this file verbatim from `codegen/templates/client/error.rs`.

use std::fmt;
use std::time::{Duration, SystemTime};

use progenitor_client::Error;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::Serialize;
use serde_json::Value;

use super::responses::ResponseMismatch;
use super::retry::{header_text, rate_limit_reset};

/// The most bytes of an error body read to find GitHub's message.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// The most characters of a non-JSON error body kept as the message.
const MAX_MESSAGE_CHARS: usize = 500;

/// A failed request, with what GitHub said about it. Made from a client method's error with
/// [`GitHubError::from_error`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct GitHubError {
    /// What kind of failure it was.
    pub kind: ErrorKind,
    /// The response's status, when a response came back.
    pub status: Option<StatusCode>,
    /// GitHub's `message` (`Not Found`, `Validation Failed`...), or a description of the
    /// failure when there was no JSON message.
    pub message: String,
    /// GitHub's `documentation_url`, the reference page of the operation or of the error.
    pub documentation_url: Option<String>,
    /// GitHub's validation `errors` (with a `422 Validation Failed`), one per failing field.
    pub errors: Vec<FieldError>,
    /// The rate-limit headers of the response.
    pub rate_limit: RateLimit,
    /// The response's `retry-after`, in seconds: how long GitHub asks to wait.
    pub retry_after: Option<Duration>,
    /// For a response body that does not fit its documented type: the operation, the status,
    /// the JSON path of the value that did not fit, and the body.
    pub mismatch: Option<ResponseMismatch>,
    /// What a fine-grained token or GitHub App would need (`X-Accepted-GitHub-Permissions`):
    /// alternatives, any one of which would do, each a set of permissions needed together.
    pub accepted_permissions: Vec<Vec<AcceptedPermission>>,
    /// What a classic token would need (`X-Accepted-OAuth-Scopes`): any one of these scopes.
    pub accepted_oauth_scopes: Vec<String>,
    /// The scopes the (classic) token has (`X-OAuth-Scopes`), when the response says.
    pub oauth_scopes: Option<Vec<String>>,
}

/// One permission an operation accepts, as `X-Accepted-GitHub-Permissions` names it:
/// `organization_dependabot_secrets=write`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AcceptedPermission {
    /// GitHub's permission key (`contents`, `organization_dependabot_secrets`).
    pub name: String,
    /// The access needed: `read`, `write` or `admin`.
    pub access: String,
}

impl fmt::Display for AcceptedPermission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.name, self.access)
    }
}

/// The kinds of [`GitHubError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A response with a status the method does not accept (`404`, `422`, `500`...).
    Status,
    /// No response: connecting failed, the request timed out, the connection broke.
    Communication,
    /// The request could not be built or was refused before it was sent.
    InvalidRequest,
    /// A response whose body could not be read or did not match the documented type.
    InvalidResponse,
    /// Anything else (an error from a hook).
    Other,
}

/// One entry of GitHub's validation `errors`: `{"resource": "Secret", "field": "visibility",
/// "code": "invalid"}`, or a plain message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct FieldError {
    /// The kind of object (`Secret`, `Issue`...).
    pub resource: Option<String>,
    /// The failing field.
    pub field: Option<String>,
    /// What is wrong: `missing`, `missing_field`, `invalid`, `already_exists`, `unprocessable`,
    /// or `custom` (then `message` says it).
    pub code: Option<String>,
    /// A message, for `custom` codes and plain-string entries.
    pub message: Option<String>,
}

/// GitHub's rate-limit headers (`x-ratelimit-*`), present on most responses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// `x-ratelimit-limit`: requests allowed per window.
    pub limit: Option<u64>,
    /// `x-ratelimit-remaining`: requests left in the window.
    pub remaining: Option<u64>,
    /// `x-ratelimit-used`: requests made in the window.
    pub used: Option<u64>,
    /// `x-ratelimit-reset`: when the window resets.
    pub reset: Option<SystemTime>,
    /// `x-ratelimit-resource`: which limit applies (`core`, `search`...).
    pub resource: Option<String>,
}

impl RateLimit {
    /// Reads the rate-limit headers of a response (any response: `ResponseValue::headers()`).
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let number = |name: &str| header_text(headers, name).and_then(|v| v.trim().parse().ok());
        Self {
            limit: number("x-ratelimit-limit"),
            remaining: number("x-ratelimit-remaining"),
            used: number("x-ratelimit-used"),
            reset: rate_limit_reset(headers),
            resource: header_text(headers, "x-ratelimit-resource").map(str::to_owned),
        }
    }
}

impl GitHubError {
    /// Gathers what GitHub said from a client method's error: for a response, its status,
    /// headers and JSON body (reading at most 64 KiB of an undocumented one); otherwise the
    /// failure's description.
    pub async fn from_error<E: Serialize>(error: Error<E>) -> Self {
        match error {
            Error::ErrorResponse(value) => {
                let status = value.status();
                let headers = value.headers().clone();
                let body = serde_json::to_value(value.into_inner()).unwrap_or(Value::Null);
                Self::from_response_parts(status, &headers, &body, None)
            }
            Error::UnexpectedResponse(response) => {
                let status = response.status();
                let headers = response.headers().clone();
                let bytes = read_capped(response).await;
                let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
                let text = String::from_utf8_lossy(&bytes).trim().chars().take(MAX_MESSAGE_CHARS).collect::<String>();
                Self::from_response_parts(status, &headers, &body, Some(text).filter(|t| !t.is_empty()))
            }
            Error::CommunicationError(e) => Self::without_response(ErrorKind::Communication, e.status(), e.to_string()),
            Error::InvalidUpgrade(e) | Error::ResponseBodyError(e) => Self::without_response(ErrorKind::InvalidResponse, e.status(), e.to_string()),
            Error::InvalidResponsePayload(_, e) => match ResponseMismatch::of(&e) {
                Some(mismatch) => Self {
                    status: Some(mismatch.status),
                    mismatch: Some(mismatch.clone()),
                    ..Self::without_response(ErrorKind::InvalidResponse, None, mismatch.to_string())
                },
                None => Self::without_response(ErrorKind::InvalidResponse, None, format!("the response body does not match the documented type: {e}")),
            },
            Error::InvalidRequest(message) => Self::without_response(ErrorKind::InvalidRequest, None, message),
            Error::Custom(message) => Self::without_response(ErrorKind::Other, None, message),
        }
    }

    /// Whether GitHub refused the request for a rate limit: `429`, or `403` with `retry-after`
    /// or no requests remaining.
    pub fn is_rate_limited(&self) -> bool {
        match self.status {
            Some(StatusCode::TOO_MANY_REQUESTS) => true,
            Some(StatusCode::FORBIDDEN) => self.retry_after.is_some() || self.rate_limit.remaining == Some(0),
            _ => false,
        }
    }

    /// What the token lacks, in words, when GitHub refused it for a permission or scope
    /// (a `403` naming what it accepts): `this operation needs organization_dependabot_secrets=write`.
    pub fn missing_access(&self) -> Option<String> {
        if self.status != Some(StatusCode::FORBIDDEN) || self.is_rate_limited() {
            return None;
        }
        let sets: Vec<String> = self
            .accepted_permissions
            .iter()
            .filter(|set| !set.is_empty())
            .map(|set| set.iter().map(ToString::to_string).collect::<Vec<_>>().join(" and "))
            .collect();
        if !sets.is_empty() {
            let needs = if sets.len() == 1 { sets[0].clone() } else { format!("one of {}", sets.join(" or ")) };
            return Some(format!("this operation needs {needs}"));
        }
        if !self.accepted_oauth_scopes.is_empty() {
            let scopes = self.accepted_oauth_scopes.join(" or ");
            let has = match self.oauth_scopes.as_deref() {
                Some([]) => " (the token has no scopes)".to_owned(),
                Some(held) => format!(" (the token has {})", held.join(", ")),
                None => String::new(),
            };
            return Some(format!("this operation needs the {scopes} scope{has}"));
        }
        None
    }

    fn without_response(kind: ErrorKind, status: Option<StatusCode>, message: String) -> Self {
        Self {
            kind,
            status,
            message,
            documentation_url: None,
            errors: Vec::new(),
            rate_limit: RateLimit::default(),
            retry_after: None,
            mismatch: None,
            accepted_permissions: Vec::new(),
            accepted_oauth_scopes: Vec::new(),
            oauth_scopes: None,
        }
    }

    fn from_response_parts(status: StatusCode, headers: &HeaderMap, body: &Value, text: Option<String>) -> Self {
        let string = |key: &str| body.get(key).and_then(Value::as_str).map(str::to_owned);
        let message = string("message").or(text).unwrap_or_else(|| status.canonical_reason().unwrap_or("unknown status").to_owned());
        let errors = body.get("errors").and_then(Value::as_array).map(|list| list.iter().map(FieldError::from_json).collect()).unwrap_or_default();
        Self {
            kind: ErrorKind::Status,
            status: Some(status),
            message,
            documentation_url: string("documentation_url"),
            errors,
            rate_limit: RateLimit::from_headers(headers),
            retry_after: header_text(headers, "retry-after").and_then(|v| v.trim().parse().ok()).map(Duration::from_secs),
            mismatch: None,
            accepted_permissions: header_text(headers, "x-accepted-github-permissions").map(accepted_permissions).unwrap_or_default(),
            accepted_oauth_scopes: header_text(headers, "x-accepted-oauth-scopes").map(scope_list).unwrap_or_default(),
            oauth_scopes: header_text(headers, "x-oauth-scopes").map(scope_list),
        }
    }
}

/// `X-Accepted-GitHub-Permissions`: `; ` separates alternatives, `,` joins a set
/// (`metadata=read,organization_dependabot_secrets=write; contents=write`).
fn accepted_permissions(text: &str) -> Vec<Vec<AcceptedPermission>> {
    text.split(';')
        .map(|set| {
            set.split(',')
                .filter_map(|item| {
                    let (name, access) = item.trim().split_once('=')?;
                    Some(AcceptedPermission { name: name.trim().to_owned(), access: access.trim().to_owned() })
                })
                .collect::<Vec<_>>()
        })
        .filter(|set| !set.is_empty())
        .collect()
}

/// `X-OAuth-Scopes` and `X-Accepted-OAuth-Scopes`: `admin:org, repo`.
fn scope_list(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

impl FieldError {
    fn from_json(value: &Value) -> Self {
        if let Some(message) = value.as_str() {
            return Self { message: Some(message.to_owned()), ..Self::default() };
        }
        let string = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
        Self {
            resource: string("resource"),
            field: string("field"),
            code: string("code"),
            message: string("message"),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let place = match (&self.resource, &self.field) {
            (Some(resource), Some(field)) => format!("{resource}.{field}"),
            (Some(only), None) | (None, Some(only)) => only.clone(),
            (None, None) => String::new(),
        };
        let parts: Vec<&str> = [Some(place.as_str()).filter(|p| !p.is_empty()), self.code.as_deref(), self.message.as_deref()].into_iter().flatten().collect();
        write!(f, "{}", parts.join(": "))
    }
}

impl fmt::Display for GitHubError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.status {
            // A body that did not fit: the message says which response.
            Some(_) if self.mismatch.is_some() => write!(f, "{}", self.message)?,
            Some(status) => write!(f, "GitHub answered {status}: {}", self.message)?,
            None => write!(f, "{}", self.message)?,
        }
        if !self.errors.is_empty() {
            let errors: Vec<String> = self.errors.iter().map(ToString::to_string).collect();
            write!(f, " ({})", errors.join("; "))?;
        }
        if let Some(missing) = self.missing_access() {
            write!(f, "; {missing}")?;
        }
        if let Some(url) = &self.documentation_url {
            write!(f, "; see {url}")?;
        }
        if self.is_rate_limited() {
            match (self.retry_after, self.rate_limit.reset.and_then(|r| r.duration_since(SystemTime::now()).ok())) {
                (Some(wait), _) => write!(f, "; rate limited, retry after {} s", wait.as_secs())?,
                (None, Some(wait)) => write!(f, "; rate limited, the limit resets in {} s", wait.as_secs())?,
                (None, None) => write!(f, "; rate limited")?,
            }
        }
        Ok(())
    }
}

impl std::error::Error for GitHubError {}

/// The start of a response's body, at most [`MAX_ERROR_BODY`] bytes.
async fn read_capped(mut response: reqwest::Response) -> Vec<u8> {
    let mut bytes = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        let room = MAX_ERROR_BODY.saturating_sub(bytes.len());
        bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if bytes.len() >= MAX_ERROR_BODY {
            break;
        }
    }
    bytes
}
