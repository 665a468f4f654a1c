//! How the client's methods read response bodies.
//!
//! - A JSON body that does not fit its type is an `Error::InvalidResponsePayload` that says
//!   where: its `serde_json::Error` carries a [`ResponseMismatch`] with the operation, the status,
//!   the JSON path of the value that did not fit (`secrets[3].created_at`) and the body as
//!   received ([`ResponseMismatch::of`] finds it; [`crate::GitHubError::from_error`] shows it),
//!   not only serde's "line 1 column 239".
//! - A documented error status whose body does not match its documented type stays an error
//!   *with its status*: the response comes back whole (body included) as
//!   `Error::UnexpectedResponse`, which [`GitHubError::from_error`](crate::GitHubError::from_error)
//!   reads like any other. `from_response` would give `InvalidResponsePayload`, which carries
//!   neither status nor headers. GitHub's own description has such bodies: the 403 and 404
//!   examples of `orgs/set-cluster-deployment-records` give `message` as an object.
//! - A success whose documented body is an object without properties (`empty-object`) accepts
//!   no body and `null` as well as `{}`: the description's 201 examples of the Dependabot
//!   create-or-update secret operations are `null`.
//!
//! The generator copies this file verbatim from `codegen/templates/client/responses.rs`.

// A client uses the readers its responses need: some may be unused.
#![allow(dead_code)]

use std::fmt;

use bytes::Bytes;
use progenitor_client::{Error, ResponseValue};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

/// A response body that does not fit the type the API description gives it: which operation,
/// which status, where in the body, and the body itself.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResponseMismatch {
    /// The operationId, e.g. `dependabot/list-org-secrets`.
    pub operation_id: &'static str,
    /// The response's status.
    pub status: StatusCode,
    /// The type the body should have been, e.g. `DependabotListOrgSecretsResponse`.
    pub type_name: &'static str,
    /// The JSON path of the value that did not fit, e.g. `secrets[3].created_at` (`.` for the
    /// body itself).
    pub path: String,
    /// What did not fit, from serde, with the line and column.
    pub message: String,
    /// The body as received.
    pub body: Bytes,
}

impl ResponseMismatch {
    /// The mismatch an `Error::InvalidResponsePayload` of this client carries, if any.
    pub fn of(error: &serde_json::Error) -> Option<&ResponseMismatch> {
        std::error::Error::source(error)?.downcast_ref::<ResponseMismatch>()
    }
}

impl fmt::Display for ResponseMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the {} response of `{}` does not fit `{}` at `{}`: {}",
            self.status.as_u16(),
            self.operation_id,
            self.type_name,
            self.path,
            self.message
        )
    }
}

impl std::error::Error for ResponseMismatch {}

/// Carries a [`ResponseMismatch`] inside a `serde_json::Error` (the type progenitor's
/// `Error::InvalidResponsePayload` holds): an I/O error whose source is the mismatch, which is
/// how [`ResponseMismatch::of`] finds it again.
#[derive(Debug)]
struct Carrier(ResponseMismatch);

impl fmt::Display for Carrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for Carrier {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

/// Deserializes `bytes` as `T`; a mismatch names the operation, the status and the JSON path.
fn parse<T: DeserializeOwned>(bytes: &Bytes, operation_id: &'static str, status: StatusCode) -> Result<T, serde_json::Error> {
    let mismatch = |path: String, message: String| {
        let full_name = std::any::type_name::<T>();
        let type_name = full_name.rsplit("::").next().unwrap_or(full_name);
        let mismatch = ResponseMismatch { operation_id, status, type_name, path, message, body: bytes.clone() };
        serde_json::Error::io(std::io::Error::new(std::io::ErrorKind::InvalidData, Carrier(mismatch)))
    };
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| mismatch(error.path().to_string(), error.into_inner().to_string()))?;
    // Trailing bytes after the value.
    deserializer.end().map_err(|error| mismatch(".".to_owned(), error.to_string()))?;
    Ok(value)
}

/// Reads a documented JSON response of `operation_id` as `T`, or `Error::InvalidResponsePayload`
/// carrying a [`ResponseMismatch`].
pub(crate) async fn read_json<T: DeserializeOwned, E>(response: reqwest::Response, operation_id: &'static str) -> Result<ResponseValue<T>, Error<E>> {
    let (status, headers) = (response.status(), response.headers().clone());
    let bytes = response.bytes().await.map_err(Error::ResponseBodyError)?;
    let body = parse(&bytes, operation_id, status).map_err(|error| Error::InvalidResponsePayload(bytes.clone(), error))?;
    Ok(ResponseValue::new(body, status, headers))
}

/// Reads a documented error response: `Error::ErrorResponse` with the body as `T` (wrapped by
/// `wrap`, e.g. into a variant of the operation's error enum) when it matches the documented
/// type, otherwise `Error::UnexpectedResponse` with the status, headers and body as received.
pub(crate) async fn read_documented_error<T: DeserializeOwned, E>(response: reqwest::Response, wrap: impl FnOnce(T) -> E) -> Error<E> {
    let (status, headers, version) = (response.status(), response.headers().clone(), response.version());
    let bytes = match response.bytes().await {
        Ok(bytes) => bytes,
        Err(error) => return Error::ResponseBodyError(error),
    };
    match serde_json::from_slice::<T>(&bytes) {
        Ok(body) => Error::ErrorResponse(ResponseValue::new(wrap(body), status, headers)),
        Err(_) => {
            let mut rebuilt = http::Response::new(bytes);
            *rebuilt.status_mut() = status;
            *rebuilt.headers_mut() = headers;
            *rebuilt.version_mut() = version;
            Error::UnexpectedResponse(reqwest::Response::from(rebuilt))
        }
    }
}

/// Reads a success response whose documented body is an object without properties: no body,
/// `null` and `{}` all give `T::default()`; anything else must deserialize as `T`.
pub(crate) async fn read_empty_object<T: DeserializeOwned + Default, E>(response: reqwest::Response, operation_id: &'static str) -> Result<ResponseValue<T>, Error<E>> {
    let (status, headers) = (response.status(), response.headers().clone());
    let bytes = response.bytes().await.map_err(Error::ResponseBodyError)?;
    let text = bytes.trim_ascii();
    let body = if text.is_empty() || text == b"null" {
        T::default()
    } else {
        parse(&bytes, operation_id, status).map_err(|error| Error::InvalidResponsePayload(bytes.clone(), error))?
    };
    Ok(ResponseValue::new(body, status, headers))
}
