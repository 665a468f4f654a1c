//! How the methods of `multi_status.rs` read response bodies where progenitor's
//! `ResponseValue::from_response` would turn what GitHub sends into a decoding error:
//!
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
//! The generator copies this file verbatim from `codegen/templates/client/responses.rs`, into
//! clients that have such methods.

// A client uses the readers its responses need: one of the two may be unused.
#![allow(dead_code)]

use progenitor_client::{Error, ResponseValue};
use serde::de::DeserializeOwned;

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
pub(crate) async fn read_empty_object<T: DeserializeOwned + Default, E>(response: reqwest::Response) -> Result<ResponseValue<T>, Error<E>> {
    let (status, headers) = (response.status(), response.headers().clone());
    let bytes = response.bytes().await.map_err(Error::ResponseBodyError)?;
    let text = bytes.trim_ascii();
    let body = if text.is_empty() || text == b"null" {
        T::default()
    } else {
        serde_json::from_slice(text).map_err(|error| Error::InvalidResponsePayload(bytes.clone(), error))?
    };
    Ok(ResponseValue::new(body, status, headers))
}
