//! Encrypting secrets for GitHub: a secret's value is sent as a libsodium sealed box
//! (`crypto_box_seal`: X25519, XSalsa20-Poly1305) for the public key GitHub serves, base64
//! encoded, with the key's id. [`seal_secret`] does that with the `crypto_box` crate;
//! the generated `..._with_plaintext` methods fetch the key, seal and write in one call.
//!
//! The plaintext travels as a [`SecretValue`]: its `Debug` shows nothing, and its bytes are
//! overwritten with zeros (`zeroize`) when it is dropped, which sealing does as soon as it is done.
//!
//! The generator emits this file (copied verbatim from `codegen/templates/client/sealing.rs`)
//! only for specs with secret-writing operations.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use crypto_box::PublicKey;
use crypto_box::aead::OsRng;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use zeroize::Zeroizing;

/// A secret's plaintext. Never printed by `Debug`; zeroed in memory when dropped.
pub struct SecretValue(Zeroizing<Vec<u8>>);

impl SecretValue {
    /// Wraps plaintext bytes (a `String`, `Vec<u8>`, `&str`...). An owned `String` or
    /// `Vec<u8>` is moved in, not copied, so the only copy is the one that gets zeroed.
    pub fn new(plaintext: impl Into<Vec<u8>>) -> Self {
        Self(Zeroizing::new(plaintext.into()))
    }
}

impl From<String> for SecretValue {
    fn from(plaintext: String) -> Self {
        Self::new(plaintext)
    }
}

impl From<&str> for SecretValue {
    fn from(plaintext: &str) -> Self {
        Self::new(plaintext)
    }
}

impl From<Vec<u8>> for SecretValue {
    fn from(plaintext: Vec<u8>) -> Self {
        Self::new(plaintext)
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretValue(<redacted>)")
    }
}

/// A public key to seal secrets for: what GitHub's `.../secrets/public-key` operations return.
/// The generator implements it for those operations' response types.
pub trait SealingKey {
    /// The key's identifier, sent back as `key_id`.
    fn key_id(&self) -> &str;
    /// The X25519 public key, base64-encoded (32 bytes decoded).
    fn public_key_base64(&self) -> &str;
}

/// The request fields of a sealed secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedSecret {
    /// The sealed box, base64-encoded: the request's `encrypted_value`.
    pub encrypted_value: String,
    /// The id of the key it was sealed for: the request's `key_id`.
    pub key_id: String,
}

impl SealedSecret {
    /// `body` with its `encrypted_value` and `key_id` set to these (the other fields kept),
    /// for request bodies with more fields, such as an organization secret's `visibility`.
    pub fn fill<B: Serialize + DeserializeOwned>(&self, body: &B) -> Result<B, SealError> {
        let value = serde_json::to_value(body).map_err(|e| SealError::RequestBody(e.to_string()))?;
        self.insert_into(value)
    }

    /// A request body holding just `encrypted_value` and `key_id`, such as a repository
    /// secret's.
    pub fn to_request<B: DeserializeOwned>(&self) -> Result<B, SealError> {
        self.insert_into(Value::Object(serde_json::Map::new()))
    }

    fn insert_into<B: DeserializeOwned>(&self, mut value: Value) -> Result<B, SealError> {
        let Value::Object(fields) = &mut value else {
            return Err(SealError::RequestBody("the request body is not a JSON object".to_owned()));
        };
        fields.insert("encrypted_value".to_owned(), Value::String(self.encrypted_value.clone()));
        fields.insert("key_id".to_owned(), Value::String(self.key_id.clone()));
        serde_json::from_value(value).map_err(|e| SealError::RequestBody(e.to_string()))
    }
}

/// Why a secret could not be sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SealError {
    /// The public key is not a base64-encoded 32-byte X25519 key.
    InvalidPublicKey,
    /// Encryption failed (it does not, for valid keys).
    Encryption,
    /// The sealed value does not fit the request body type.
    RequestBody(String),
}

impl fmt::Display for SealError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidPublicKey => write!(f, "the public key is not a base64-encoded 32-byte X25519 key"),
            Self::Encryption => write!(f, "the secret could not be encrypted"),
            Self::RequestBody(reason) => write!(f, "the sealed secret does not fit the request body: {reason}"),
        }
    }
}

impl std::error::Error for SealError {}

/// Seals `plaintext` for `key`: a libsodium sealed box, base64-encoded, with the key's id —
/// the `encrypted_value` and `key_id` GitHub expects. `plaintext` is zeroed before this returns.
pub fn seal_secret(key: &impl SealingKey, plaintext: SecretValue) -> Result<SealedSecret, SealError> {
    let decoded = STANDARD.decode(key.public_key_base64().trim()).map_err(|_| SealError::InvalidPublicKey)?;
    let bytes: [u8; 32] = decoded.try_into().map_err(|_| SealError::InvalidPublicKey)?;
    let sealed = PublicKey::from(bytes).seal(&mut OsRng, &plaintext.0).map_err(|_| SealError::Encryption)?;
    drop(plaintext);
    Ok(SealedSecret {
        encrypted_value: STANDARD.encode(sealed),
        key_id: key.key_id().to_owned(),
    })
}

/// Whether a secret write created the secret or replaced its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretWrite {
    /// `201 Created`: there was no secret of that name.
    Created,
    /// `204 No Content`: the secret existed and now has the new value.
    Updated,
}

impl SecretWrite {
    /// `Created` for `201`, `Updated` for any other success status.
    pub fn from_status(status: reqwest::StatusCode) -> Self {
        if status == reqwest::StatusCode::CREATED { Self::Created } else { Self::Updated }
    }
}
