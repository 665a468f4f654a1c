//! The key pairs the mock serves for Dependabot secrets: a real X25519 key pair per org and per
//! repository, as GitHub has. A submitted `encrypted_value` must be a libsodium sealed box
//! (`crypto_box_seal`) for the current public key; the mock opens it to prove it.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use crypto_box::{PublicKey, SecretKey, aead::OsRng};

/// One key pair with the identifier GitHub gives it.
pub struct KeyPair {
    /// The identifier clients send back as `key_id`.
    pub key_id: String,
    secret: SecretKey,
}

impl std::fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print key material.
        f.debug_struct("KeyPair").field("key_id", &self.key_id).finish_non_exhaustive()
    }
}

/// Why an encrypted value was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SealError {
    /// `key_id` is not the current key's.
    WrongKeyId,
    /// `encrypted_value` is not base64.
    NotBase64,
    /// It is base64 but not a sealed box for this key.
    NotSealedForThisKey,
}

impl KeyPair {
    /// A fresh random key pair with identifier `key_id`.
    pub fn generate(key_id: String) -> Self {
        Self { key_id, secret: SecretKey::generate(&mut OsRng) }
    }

    /// The public key.
    pub fn public_key(&self) -> PublicKey {
        self.secret.public_key()
    }

    /// The public key, base64-encoded, as the public-key operations serve it.
    pub fn public_key_base64(&self) -> String {
        STANDARD.encode(self.public_key().as_bytes())
    }

    /// Opens a base64 sealed box sent with `key_id`, returning the plaintext.
    pub fn open(&self, key_id: &str, encrypted_value: &str) -> Result<Vec<u8>, SealError> {
        if key_id != self.key_id {
            return Err(SealError::WrongKeyId);
        }
        let sealed = STANDARD.decode(encrypted_value).map_err(|_| SealError::NotBase64)?;
        self.secret.unseal(&sealed).map_err(|_| SealError::NotSealedForThisKey)
    }
}

/// Seals `plaintext` for a base64 public key, as a GitHub client must (used by tests).
pub fn seal_for(public_key_base64: &str, plaintext: &[u8]) -> Option<String> {
    let bytes: [u8; 32] = STANDARD.decode(public_key_base64).ok()?.try_into().ok()?;
    let sealed = PublicKey::from(bytes).seal(&mut OsRng, plaintext).ok()?;
    Some(STANDARD.encode(sealed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_box_for_the_current_key_opens() {
        let pair = KeyPair::generate("568250167242549743".to_owned());
        let sealed = seal_for(&pair.public_key_base64(), b"hunter2").unwrap();
        assert_eq!(pair.open("568250167242549743", &sealed).unwrap(), b"hunter2");
    }

    #[test]
    fn anything_else_is_refused() {
        let pair = KeyPair::generate("1".to_owned());
        let other = KeyPair::generate("1".to_owned());
        let sealed_for_other = seal_for(&other.public_key_base64(), b"x").unwrap();
        assert_eq!(pair.open("2", &sealed_for_other), Err(SealError::WrongKeyId));
        assert_eq!(pair.open("1", "not base64!"), Err(SealError::NotBase64));
        assert_eq!(pair.open("1", &sealed_for_other), Err(SealError::NotSealedForThisKey));
        assert_eq!(pair.open("1", "c2VjcmV0"), Err(SealError::NotSealedForThisKey), "plain base64 is not a sealed box");
        assert!(!format!("{pair:?}").contains(&pair.public_key_base64()));
    }
}
