//! The models enforce the spec's constraints when values are built (`TryFrom`, `FromStr`) or
//! deserialized: `pattern`, `minLength`/`maxLength`, `enum`, `maxItems`, `uniqueItems`,
//! `maxProperties`, `additionalProperties: false`.

use github_models::{
    ArtifactDeploymentRecord, Metadata, OrganizationDependabotSecret, OrgsCreateArtifactDeploymentRecordRequestRuntimeRisks,
    OrgsCreateArtifactDeploymentRecordRequestRuntimeRisksItem as Risk, OrgsCreateArtifactDeploymentRecordRequestTags,
    OrgsSetClusterDeploymentRecordsRequest, Snapshot, SnapshotSha, SubjectDigest,
};
use serde_json::json;

const DIGEST: &str = "sha256:1bb1e949e55dcefc6353e7b36c8897d2a107d8e8dca49d4e3c0ea8493fc0bc72";

#[test]
fn pattern_and_length_are_checked_when_building_strings() {
    assert!(SubjectDigest::try_from(DIGEST).is_ok());
    let error = SubjectDigest::try_from("sha256:not-hex").unwrap_err().to_string();
    assert!(error.contains("shorter than 71") || error.contains("pattern"), "{error}");
    assert!(SubjectDigest::try_from(DIGEST.to_uppercase().as_str()).is_err(), "the pattern is lower-case hex");
    assert!(SnapshotSha::try_from("a".repeat(39).as_str()).is_err());
    assert!(SnapshotSha::try_from("a".repeat(64).as_str()).is_ok());
    assert!(SnapshotSha::try_from("a".repeat(65).as_str()).is_err());
}

#[test]
fn max_items_and_unique_items_are_checked_when_building_arrays() {
    let four = vec![Risk::CriticalResource, Risk::InternetExposed, Risk::LateralMovement, Risk::SensitiveData];
    let risks = OrgsCreateArtifactDeploymentRecordRequestRuntimeRisks::try_from(four.clone()).unwrap();
    assert_eq!(risks.len(), 4);
    assert_eq!(risks.into_inner(), four);

    let error = OrgsCreateArtifactDeploymentRecordRequestRuntimeRisks::try_from(vec![Risk::CriticalResource, Risk::CriticalResource])
        .unwrap_err()
        .to_string();
    assert!(error.contains("items must be unique, but item 1 repeats"), "{error}");
}

#[test]
fn array_constraints_are_checked_when_deserializing() {
    let record = |risks: serde_json::Value| json!({"id": 1, "digest": DIGEST, "runtime_risks": risks});
    assert!(serde_json::from_value::<ArtifactDeploymentRecord>(record(json!(["internet-exposed"]))).is_ok());
    let error = serde_json::from_value::<ArtifactDeploymentRecord>(record(json!(["internet-exposed", "internet-exposed"])))
        .unwrap_err()
        .to_string();
    assert!(error.contains("must be unique"), "{error}");
    let error = serde_json::from_value::<ArtifactDeploymentRecord>(record(json!(["nope"]))).unwrap_err().to_string();
    assert!(error.contains("unknown variant `nope`"), "{error}");

    // set-cluster-deployment-records accepts at most 1,000 deployments.
    let deployment = json!({"name": "n", "deployment_name": "d", "digest": DIGEST});
    let body = |n: usize| json!({"logical_environment": "prod", "deployments": vec![deployment.clone(); n]});
    assert!(serde_json::from_value::<OrgsSetClusterDeploymentRecordsRequest>(body(1000)).is_ok());
    let error = serde_json::from_value::<OrgsSetClusterDeploymentRecordsRequest>(body(1001)).unwrap_err().to_string();
    assert!(error.contains("at most 1000 items are allowed, found 1001"), "{error}");
}

#[test]
fn max_properties_is_checked_for_maps() {
    let entries = |n: usize| (0..n).map(|i| (format!("k{i}"), json!("v"))).collect::<serde_json::Map<_, _>>();
    assert!(serde_json::from_value::<Metadata>(serde_json::Value::Object(entries(8))).is_ok());
    let error = serde_json::from_value::<Metadata>(serde_json::Value::Object(entries(9))).unwrap_err().to_string();
    assert!(error.contains("at most 8 entries"), "{error}");

    let tags = |n: usize| (0..n).map(|i| (format!("k{i}"), "v".to_owned())).collect::<std::collections::BTreeMap<_, _>>();
    assert!(OrgsCreateArtifactDeploymentRecordRequestTags::try_from(tags(5)).is_ok());
    assert!(OrgsCreateArtifactDeploymentRecordRequestTags::try_from(tags(6)).is_err());
}

#[test]
fn metadata_values_are_scalars_or_null() {
    let ok = json!({"a": "s", "b": 1.5, "c": true, "d": null});
    assert!(serde_json::from_value::<Metadata>(ok).is_ok());
    assert!(serde_json::from_value::<Metadata>(json!({"a": {"nested": 1}})).is_err());
}

#[test]
fn enums_reject_unknown_values_and_closed_objects_reject_unknown_fields() {
    let secret = |visibility: &str| {
        json!({"name": "S", "created_at": "2020-01-01T00:00:00Z", "updated_at": "2020-01-01T00:00:00Z", "visibility": visibility})
    };
    assert!(serde_json::from_value::<OrganizationDependabotSecret>(secret("selected")).is_ok());
    assert!(serde_json::from_value::<OrganizationDependabotSecret>(secret("public")).is_err());

    let snapshot = json!({
        "version": 0, "sha": "ce587453ced02b1526dfb4cb910479d431683101", "ref": "refs/heads/main",
        "job": {"correlator": "c", "id": "1"}, "detector": {"name": "d", "version": "1", "url": "https://x"},
        "scanned": "2022-06-14T20:25:00Z"
    });
    assert!(serde_json::from_value::<Snapshot>(snapshot.clone()).is_ok());
    let mut extra = snapshot.clone();
    extra["unexpected"] = json!(1);
    assert!(serde_json::from_value::<Snapshot>(extra).unwrap_err().to_string().contains("unknown field `unexpected`"));
    let mut bad_ref = snapshot;
    bad_ref["ref"] = json!("main");
    assert!(serde_json::from_value::<Snapshot>(bad_ref).is_err(), "ref must match ^refs/");
}
