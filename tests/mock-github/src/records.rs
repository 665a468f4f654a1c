//! Artifact metadata as the mock keeps it: deployment records (upserted by their identity:
//! logical environment, physical environment, cluster and deployment name) and storage
//! records, both listed by artifact digest.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

/// One deployment record.
#[derive(Debug, Clone, PartialEq)]
pub struct DeploymentRecord {
    /// Assigned by the mock, increasing.
    pub id: i64,
    /// The artifact's name.
    pub name: String,
    /// `sha256:` + 64 hex digits.
    pub digest: String,
    /// The artifact version, if given.
    pub version: Option<String>,
    /// `deployed` or `decommissioned`.
    pub status: String,
    /// E.g. `prod`.
    pub logical_environment: String,
    /// E.g. `pacific-east`; empty when not given.
    pub physical_environment: String,
    /// The cluster; empty when not given.
    pub cluster: String,
    /// Unique within a cluster.
    pub deployment_name: String,
    /// The repository the artifact was built from, if given.
    pub github_repository: Option<String>,
    /// Free-form tags.
    pub tags: BTreeMap<String, String>,
    /// E.g. `internet-exposed`.
    pub runtime_risks: Vec<String>,
    /// When the record was first written.
    pub created_at: DateTime<Utc>,
    /// When the record was last written.
    pub updated_at: DateTime<Utc>,
}

impl DeploymentRecord {
    /// What makes two records the same deployment.
    fn identity(&self) -> (&str, &str, &str, &str) {
        (&self.logical_environment, &self.physical_environment, &self.cluster, &self.deployment_name)
    }
}

/// One storage record.
#[derive(Debug, Clone, PartialEq)]
pub struct StorageRecord {
    /// Assigned by the mock, increasing.
    pub id: i64,
    /// The artifact's name.
    pub name: String,
    /// `sha256:` + 64 hex digits.
    pub digest: String,
    /// Where the artifact can be downloaded, if given.
    pub artifact_url: Option<String>,
    /// The registry holding the artifact.
    pub registry_url: String,
    /// The repository within the registry, if given.
    pub repository: Option<String>,
    /// `active`, `eol` or `deleted`.
    pub status: String,
    /// The GitHub repository the artifact belongs to, if given: a caller that cannot read it
    /// does not see the record.
    pub github_repository: Option<String>,
    /// When the record was written.
    pub created_at: DateTime<Utc>,
}

/// The records of one organization.
#[derive(Debug, Default)]
pub struct Records {
    deployments: Vec<DeploymentRecord>,
    storage: Vec<StorageRecord>,
    next_id: i64,
}

impl Records {
    fn next_id(&mut self) -> i64 {
        self.next_id += 1;
        self.next_id
    }

    /// Creates a deployment record, or updates the one with the same identity; returns it.
    pub fn upsert_deployment(&mut self, mut record: DeploymentRecord) -> DeploymentRecord {
        if let Some(existing) = self.deployments.iter_mut().find(|r| r.identity() == record.identity()) {
            record.id = existing.id;
            record.created_at = existing.created_at;
            *existing = record.clone();
            return record;
        }
        record.id = self.next_id();
        self.deployments.push(record.clone());
        record
    }

    /// Replaces every record of `cluster` in the given environments with `records`.
    pub fn replace_cluster(&mut self, cluster: &str, logical: &str, physical: &str, records: Vec<DeploymentRecord>) -> Vec<DeploymentRecord> {
        self.deployments
            .retain(|r| !(r.cluster == cluster && r.logical_environment == logical && r.physical_environment == physical));
        records.into_iter().map(|r| self.upsert_deployment(r)).collect()
    }

    /// Deployment records of an artifact, oldest first.
    pub fn deployments_of(&self, digest: &str) -> Vec<DeploymentRecord> {
        self.deployments.iter().filter(|r| r.digest == digest).cloned().collect()
    }

    /// Adds a storage record; returns it.
    pub fn add_storage(&mut self, mut record: StorageRecord) -> StorageRecord {
        record.id = self.next_id();
        self.storage.push(record.clone());
        record
    }

    /// Storage records of an artifact, oldest first.
    pub fn storage_of(&self, digest: &str) -> Vec<StorageRecord> {
        self.storage.iter().filter(|r| r.digest == digest).cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(cluster: &str, name: &str, digest: &str) -> DeploymentRecord {
        DeploymentRecord {
            id: 0,
            name: "web".into(),
            digest: digest.into(),
            version: None,
            status: "deployed".into(),
            logical_environment: "prod".into(),
            physical_environment: "".into(),
            cluster: cluster.into(),
            deployment_name: name.into(),
            github_repository: None,
            tags: BTreeMap::new(),
            runtime_risks: Vec::new(),
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn the_same_deployment_is_updated_not_duplicated() {
        let mut records = Records::default();
        let first = records.upsert_deployment(record("c1", "web-1", "sha256:a"));
        let second = records.upsert_deployment(record("c1", "web-1", "sha256:b"));
        assert_eq!(first.id, second.id);
        assert!(records.deployments_of("sha256:a").is_empty());
        assert_eq!(records.deployments_of("sha256:b").len(), 1);
    }

    #[test]
    fn setting_a_cluster_replaces_its_records_only() {
        let mut records = Records::default();
        records.upsert_deployment(record("c1", "old", "sha256:a"));
        records.upsert_deployment(record("c2", "other", "sha256:a"));
        records.replace_cluster("c1", "prod", "", vec![record("c1", "new", "sha256:a")]);
        let names: Vec<String> = records.deployments_of("sha256:a").into_iter().map(|r| r.deployment_name).collect();
        assert_eq!(names, ["other", "new"]);
    }
}
