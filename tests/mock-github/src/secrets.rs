//! Dependabot secrets as GitHub keeps them: per organization (with a visibility and, for
//! `selected`, a set of repository ids) and per repository, each with timestamps. Names are
//! case-insensitive and stored upper-case, as GitHub does. Values are kept only as the sealed
//! box that was sent; they are never logged or printed.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use crate::keys::{KeyPair, SealError};

/// Who can use an organization secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Every repository of the organization.
    All,
    /// Private repositories only.
    Private,
    /// The selected repositories only.
    Selected,
}

/// An organization secret.
#[derive(Debug, Clone)]
pub struct OrgSecret {
    /// Upper-case name.
    pub name: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it was last written.
    pub updated_at: DateTime<Utc>,
    /// Who may use it.
    pub visibility: Visibility,
    /// Repository ids, meaningful when `visibility` is `Selected`.
    pub selected: BTreeSet<i64>,
    sealed_value: String,
}

/// A repository secret.
#[derive(Debug, Clone)]
pub struct RepoSecret {
    /// Upper-case name.
    pub name: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it was last written.
    pub updated_at: DateTime<Utc>,
    sealed_value: String,
}

/// A secret store with its key pair: one per organization and one per repository.
#[derive(Debug)]
pub struct Vault<S> {
    /// The key pair clients must seal values for.
    pub key: KeyPair,
    /// Secrets by upper-case name.
    pub secrets: BTreeMap<String, S>,
}

impl<S> Vault<S> {
    /// An empty vault with a fresh key pair.
    pub fn new(key_id: String) -> Self {
        Self { key: KeyPair::generate(key_id), secrets: BTreeMap::new() }
    }
}

/// Whether a write created the secret or updated it (GitHub answers 201 or 204).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// It did not exist before.
    Created,
    /// It existed and was replaced.
    Updated,
}

/// Why a write was refused (GitHub answers 422).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteError {
    /// A new secret needs a value.
    MissingValue,
    /// `encrypted_value` was given without `key_id`, or the other way round.
    ValueWithoutKeyId,
    /// The value is not a sealed box for the current key.
    Seal(SealError),
}

/// The canonical (upper-case) form of a secret name.
pub fn canonical_name(name: &str) -> String {
    name.to_ascii_uppercase()
}

fn check_value<S>(vault: &Vault<S>, exists: bool, encrypted_value: Option<&str>, key_id: Option<&str>) -> Result<Option<String>, WriteError> {
    match (encrypted_value, key_id) {
        (Some(value), Some(key_id)) => {
            // Opened only to prove it is sealed for our key; the plaintext is dropped at once.
            vault.key.open(key_id, value).map_err(WriteError::Seal)?;
            Ok(Some(value.to_owned()))
        }
        (None, None) if exists => Ok(None),
        (None, None) => Err(WriteError::MissingValue),
        _ => Err(WriteError::ValueWithoutKeyId),
    }
}

impl Vault<OrgSecret> {
    /// Creates or updates an organization secret.
    pub fn put(
        &mut self,
        name: &str,
        encrypted_value: Option<&str>,
        key_id: Option<&str>,
        visibility: Visibility,
        selected: Option<BTreeSet<i64>>,
        now: DateTime<Utc>,
    ) -> Result<Written, WriteError> {
        let name = canonical_name(name);
        let existing = self.secrets.get(&name);
        let value = check_value(self, existing.is_some(), encrypted_value, key_id)?;
        let written = if existing.is_some() { Written::Updated } else { Written::Created };
        let (created_at, old_value, old_selected) = match existing {
            Some(s) => (s.created_at, s.sealed_value.clone(), s.selected.clone()),
            None => (now, String::new(), BTreeSet::new()),
        };
        let secret = OrgSecret {
            name: name.clone(),
            created_at,
            updated_at: now,
            visibility,
            selected: selected.unwrap_or(old_selected),
            sealed_value: value.unwrap_or(old_value),
        };
        self.secrets.insert(name, secret);
        Ok(written)
    }

    /// The plaintext of a secret, opened with the private key (for tests of clients).
    pub fn reveal(&self, name: &str) -> Option<Vec<u8>> {
        let secret = self.secrets.get(&canonical_name(name))?;
        self.key.open(&self.key.key_id, &secret.sealed_value).ok()
    }
}

impl Vault<RepoSecret> {
    /// Creates or updates a repository secret.
    pub fn put(&mut self, name: &str, encrypted_value: Option<&str>, key_id: Option<&str>, now: DateTime<Utc>) -> Result<Written, WriteError> {
        let name = canonical_name(name);
        let existing = self.secrets.get(&name);
        let value = check_value(self, existing.is_some(), encrypted_value, key_id)?;
        let written = if existing.is_some() { Written::Updated } else { Written::Created };
        let (created_at, old_value) = existing.map_or((now, String::new()), |s| (s.created_at, s.sealed_value.clone()));
        let secret = RepoSecret { name: name.clone(), created_at, updated_at: now, sealed_value: value.unwrap_or(old_value) };
        self.secrets.insert(name, secret);
        Ok(written)
    }

    /// The plaintext of a secret, opened with the private key (for tests of clients).
    pub fn reveal(&self, name: &str) -> Option<Vec<u8>> {
        let secret = self.secrets.get(&canonical_name(name))?;
        self.key.open(&self.key.key_id, &secret.sealed_value).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::seal_for;

    #[test]
    fn first_write_creates_then_updates_keeping_created_at() {
        let mut vault: Vault<OrgSecret> = Vault::new("k1".into());
        let sealed = seal_for(&vault.key.public_key_base64(), b"v1").unwrap();
        let t0 = DateTime::from_timestamp(1_600_000_000, 0).unwrap();
        let t1 = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        assert_eq!(vault.put("my_secret", Some(&sealed), Some("k1"), Visibility::All, None, t0), Ok(Written::Created));
        assert_eq!(vault.put("MY_SECRET", Some(&sealed), Some("k1"), Visibility::Private, None, t1), Ok(Written::Updated));
        let secret = &vault.secrets["MY_SECRET"];
        assert_eq!((secret.created_at, secret.updated_at, secret.visibility), (t0, t1, Visibility::Private));
        assert_eq!(vault.reveal("my_secret").unwrap(), b"v1");
    }

    #[test]
    fn values_must_be_sealed_for_the_current_key() {
        let mut vault: Vault<RepoSecret> = Vault::new("k1".into());
        let now = Utc::now();
        assert_eq!(vault.put("S", None, None, now), Err(WriteError::MissingValue));
        assert_eq!(vault.put("S", Some("c2VjcmV0"), None, now), Err(WriteError::ValueWithoutKeyId));
        assert_eq!(vault.put("S", Some("c2VjcmV0"), Some("k1"), now), Err(WriteError::Seal(SealError::NotSealedForThisKey)));
        assert!(vault.secrets.is_empty(), "a refused write stores nothing");
    }
}
