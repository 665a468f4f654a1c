//! The models enforce the spec's constraints when values are built (builders, `TryFrom`,
//! `FromStr`) or deserialized: `pattern`, `minLength`/`maxLength`, `enum`, `maxItems`,
//! `uniqueItems`, `maxProperties`, `additionalProperties: false` — except where that would
//! make a response from tomorrow's GitHub unreadable: enums and objects that responses carry
//! keep values and fields the spec does not list.

use github_models::{
    ArtifactDeploymentRecord, ArtifactDeploymentRecordRuntimeRisksItem, DependabotCreateOrUpdateOrgSecretRequest,
    DependabotCreateOrUpdateOrgSecretRequestVisibility, DependabotListOrgSecretsResponse, EmptyObject, Metadata, OrganizationDependabotSecret,
    OrganizationDependabotSecretVisibility, OrgsCreateArtifactDeploymentRecordRequest, OrgsCreateArtifactDeploymentRecordRequestRuntimeRisks,
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
    // A risk GitHub added after this spec: responses carry the enum, so the value is kept.
    let record = serde_json::from_value::<ArtifactDeploymentRecord>(record(json!(["supply-chain"]))).unwrap();
    let risks = record.runtime_risks.unwrap();
    assert!(matches!(&risks[0], ArtifactDeploymentRecordRuntimeRisksItem::Unknown(value) if value.as_str() == "supply-chain"));

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

fn secret(visibility: &str) -> serde_json::Value {
    json!({"name": "S", "created_at": "2020-01-01T00:00:00Z", "updated_at": "2020-01-01T00:00:00Z", "visibility": visibility})
}

#[test]
fn enums_that_responses_carry_keep_values_the_spec_does_not_list() {
    let listed = serde_json::from_value::<OrganizationDependabotSecret>(secret("selected")).unwrap();
    assert_eq!(listed.visibility, OrganizationDependabotSecretVisibility::Selected);

    // One secret with a visibility GitHub added does not cost the whole page.
    let sent = json!({"total_count": 2, "secrets": [secret("private"), secret("internal")]});
    let page: DependabotListOrgSecretsResponse = serde_json::from_value(sent.clone()).unwrap();
    let unknown = &page.secrets[1].visibility;
    assert!(matches!(unknown, OrganizationDependabotSecretVisibility::Unknown(value) if value.as_str() == "internal"), "{unknown:?}");
    assert_eq!(unknown.as_str(), "internal");
    assert_eq!(unknown.to_string(), "internal");
    // ... and it goes back out as it came.
    assert_eq!(serde_json::to_value(&page).unwrap(), sent);
    // A value that is not a string is still an error.
    assert!(serde_json::from_value::<OrganizationDependabotSecret>(json!({"name": "S", "created_at": "x", "updated_at": "x", "visibility": 3})).is_err());
}

#[test]
fn values_the_spec_does_not_list_cannot_be_built() {
    // Building from text accepts listed values only, also for an enum that keeps unlisted ones.
    let error = "internal".parse::<OrganizationDependabotSecretVisibility>().unwrap_err().to_string();
    assert_eq!(error, "`internal` is not one of `all`, `private`, `selected`");
    assert_eq!("all".parse::<OrganizationDependabotSecretVisibility>().unwrap(), OrganizationDependabotSecretVisibility::All);
    // Requests stay strict: an enum only requests use refuses what the spec does not list.
    assert!("internal".parse::<DependabotCreateOrUpdateOrgSecretRequestVisibility>().is_err());
    let body = serde_json::from_value::<DependabotCreateOrUpdateOrgSecretRequest>(json!({"visibility": "internal"}));
    assert!(body.unwrap_err().to_string().contains("unknown variant `internal`, expected one of `all`, `private`, `selected`"));
}

#[test]
fn objects_that_responses_carry_ignore_fields_the_spec_does_not_declare() {
    let mut extra = secret("all");
    extra["added_by_github_tomorrow"] = json!({"nested": [1, 2]});
    assert!(serde_json::from_value::<OrganizationDependabotSecret>(extra).is_ok());
    // `empty-object` declares no fields at all (`additionalProperties: false`), and is a response.
    assert!(serde_json::from_value::<EmptyObject>(json!({"id": 1})).is_ok());
}

#[test]
fn builders_check_every_field_and_name_each_problem() {
    let record = OrgsCreateArtifactDeploymentRecordRequest::builder()
        .name("web")
        .digest(DIGEST)
        .status("deployed")
        .logical_environment("prod")
        .deployment_name("web-1")
        .cluster("moda-1")
        .build()
        .unwrap();
    assert_eq!(record.cluster.as_ref().map(|c| c.as_str()), Some("moda-1"));
    assert!(record.return_records, "an unset field with a default gets it");
    assert_eq!(serde_json::to_value(&record).unwrap()["status"], "deployed");

    let error = OrgsCreateArtifactDeploymentRecordRequest::builder()
        .name("web")
        .digest(format!("sha256:{}", "z".repeat(64)).as_str())
        .status("gone")
        .cluster("c".repeat(129))
        .build()
        .unwrap_err();
    assert_eq!(error.type_name(), "OrgsCreateArtifactDeploymentRecordRequest");
    let problems: Vec<(&str, &str)> = error.problems().collect();
    assert_eq!(
        problems,
        [
            ("cluster", "longer than 128 characters"),
            ("deployment_name", "is required"),
            ("digest", "doesn't match pattern \"^sha256:[a-f0-9]{64}$\""),
            ("logical_environment", "is required"),
            ("status", "`gone` is not one of `deployed`, `decommissioned`"),
        ],
        "{error}"
    );
    assert!(error.to_string().starts_with("cannot build OrgsCreateArtifactDeploymentRecordRequest: cluster: longer than 128 characters; deployment_name: is required"), "{error}");
}

#[test]
fn objects_only_requests_use_refuse_undeclared_fields() {
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
