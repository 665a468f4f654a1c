//! The generated client against the mock GitHub (the generated server plus an in-memory
//! implementation), over real loopback HTTP, for every pinned operation: success and error
//! paths, pagination, 201-then-204, and secret values that only a correct sealed box unlocks.

use base64::Engine;
use github_client::{Client, DependabotCreateOrUpdateOrgSecretSuccess, DependabotCreateOrUpdateRepoSecretSuccess, Error, OrgsSetClusterDeploymentRecordsSuccess};
use github_client::types as models;
use mock_github::MockGitHub;
use mock_github::keys::seal_for;
use serde_json::{Value, json};

const DIGEST: &str = "sha256:1bb1e949e55dcefc6353e7b36c8897d2a107d8e8dca49d4e3c0ea8493fc0bc72";

/// A mock on an ephemeral port, a client for it, and its base URL.
async fn start() -> (MockGitHub, Client, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mock = MockGitHub::new(&base);
    let router = mock.clone().router();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (mock, Client::builder().base_url(&base).token("test-token").build().unwrap(), base)
}

/// The status of an error the spec does not document (so the client cannot type it).
fn unexpected_status<E: std::fmt::Debug>(result: Result<impl std::fmt::Debug, Error<E>>) -> u16 {
    match result {
        Err(Error::UnexpectedResponse(response)) => response.status().as_u16(),
        other => panic!("expected an undocumented error status, got {other:?}"),
    }
}

fn body<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).unwrap()
}

async fn org_secret_body(client: &Client, org: &str, plaintext: &str, visibility: &str, ids: Value) -> models::DependabotCreateOrUpdateOrgSecretRequest {
    let key = client.dependabot_get_org_public_key(org).await.unwrap().into_inner();
    let sealed = seal_for(&key.key, plaintext.as_bytes()).unwrap();
    body(json!({"encrypted_value": sealed, "key_id": key.key_id, "visibility": visibility, "selected_repository_ids": ids}))
}

#[tokio::test]
async fn public_keys_are_real_x25519_keys() {
    let (_, client, _) = start().await;
    let org = client.dependabot_get_org_public_key("octo-org").await.unwrap().into_inner();
    let repo = client.dependabot_get_repo_public_key("octocat", "hello-world").await.unwrap().into_inner();
    for key in [&org, &repo] {
        let bytes = base64::engine::general_purpose::STANDARD.decode(&key.key).unwrap();
        assert_eq!(bytes.len(), 32, "an X25519 public key is 32 bytes");
        assert!(!key.key_id.is_empty());
    }
    assert_ne!(org.key, repo.key);
    let again = client.dependabot_get_org_public_key("octo-org").await.unwrap().into_inner();
    assert_eq!((again.key, again.key_id), (org.key, org.key_id), "the key is stable per org");
}

#[tokio::test]
async fn org_secrets_are_created_then_updated_read_and_deleted() {
    let (mock, client, base) = start().await;
    let request = org_secret_body(&client, "octo-org", "hunter2", "private", json!([])).await;
    let first = client.dependabot_create_or_update_org_secret("octo-org", "npm_token", &request).await.unwrap();
    assert_eq!(first.status(), 201);
    assert!(matches!(first.into_inner(), DependabotCreateOrUpdateOrgSecretSuccess::Created(_)));
    assert_eq!(mock.reveal_org_secret("octo-org", "NPM_TOKEN").unwrap(), b"hunter2", "the mock opens the sealed box");

    let update = org_secret_body(&client, "octo-org", "hunter3", "selected", json!([1296269, "1296280"])).await;
    let second = client.dependabot_create_or_update_org_secret("octo-org", "npm_token", &update).await.unwrap();
    assert_eq!(second.status(), 204);
    assert!(matches!(second.into_inner(), DependabotCreateOrUpdateOrgSecretSuccess::NoContent));

    let secret = client.dependabot_get_org_secret("octo-org", "NPM_TOKEN").await.unwrap().into_inner();
    assert_eq!(secret.name, "NPM_TOKEN", "GitHub stores secret names upper-case");
    assert_eq!(secret.visibility, models::OrganizationDependabotSecretVisibility::Selected);
    assert_eq!(secret.selected_repositories_url.as_deref(), Some(format!("{base}/orgs/octo-org/dependabot/secrets/NPM_TOKEN/repositories").as_str()));
    assert!(secret.updated_at >= secret.created_at);
    assert_eq!(mock.reveal_org_secret("octo-org", "npm_token").unwrap(), b"hunter3");

    assert_eq!(client.dependabot_delete_org_secret("octo-org", "npm_token").await.unwrap().status(), 204);
    assert_eq!(unexpected_status(client.dependabot_get_org_secret("octo-org", "npm_token").await), 404);
    assert_eq!(unexpected_status(client.dependabot_delete_org_secret("octo-org", "npm_token").await), 404);
}

#[tokio::test]
async fn a_value_not_sealed_for_the_current_key_is_refused_with_422() {
    let (mock, client, _) = start().await;
    let key = client.dependabot_get_org_public_key("octo-org").await.unwrap().into_inner();
    let plain: models::DependabotCreateOrUpdateOrgSecretRequest =
        body(json!({"encrypted_value": "c2VjcmV0", "key_id": key.key_id, "visibility": "all"}));
    assert_eq!(unexpected_status(client.dependabot_create_or_update_org_secret("octo-org", "S", &plain).await), 422);

    let other_org_key = client.dependabot_get_org_public_key("other-org").await.unwrap().into_inner();
    let sealed_for_other = seal_for(&other_org_key.key, b"x").unwrap();
    let wrong_key: models::DependabotCreateOrUpdateOrgSecretRequest =
        body(json!({"encrypted_value": sealed_for_other, "key_id": key.key_id, "visibility": "all"}));
    assert_eq!(unexpected_status(client.dependabot_create_or_update_org_secret("octo-org", "S", &wrong_key).await), 422);
    let stale_id: models::DependabotCreateOrUpdateOrgSecretRequest =
        body(json!({"encrypted_value": sealed_for_other, "key_id": other_org_key.key_id, "visibility": "all"}));
    assert_eq!(unexpected_status(client.dependabot_create_or_update_org_secret("octo-org", "S", &stale_id).await), 422);
    assert!(mock.reveal_org_secret("octo-org", "S").is_none(), "nothing was stored");
}

#[tokio::test]
async fn selected_repositories_can_be_listed_set_added_and_removed() {
    let (_, client, _) = start().await;
    let request = org_secret_body(&client, "octo-org", "v", "selected", json!([1, 2])).await;
    client.dependabot_create_or_update_org_secret("octo-org", "DEPLOY", &request).await.unwrap();
    let ids = |list: models::DependabotListSelectedReposForOrgSecretResponse| list.repositories.iter().map(|r| r.id).collect::<Vec<_>>();

    let listed = client.dependabot_list_selected_repos_for_org_secret("octo-org", "DEPLOY", None, None).await.unwrap().into_inner();
    assert_eq!((listed.total_count, ids(listed.clone())), (2, vec![1, 2]));
    assert_eq!(listed.repositories[0].full_name, "octo-org/repo-1");

    let set: models::DependabotSetSelectedReposForOrgSecretRequest = body(json!({"selected_repository_ids": [3, 4, 5]}));
    assert_eq!(client.dependabot_set_selected_repos_for_org_secret("octo-org", "DEPLOY", &set).await.unwrap().status(), 204);
    assert_eq!(client.dependabot_add_selected_repo_to_org_secret("octo-org", "DEPLOY", 6).await.unwrap().status(), 204);
    assert_eq!(client.dependabot_remove_selected_repo_from_org_secret("octo-org", "DEPLOY", 3).await.unwrap().status(), 204);
    let listed = client.dependabot_list_selected_repos_for_org_secret("octo-org", "DEPLOY", Some(1), Some(2)).await.unwrap().into_inner();
    assert_eq!((listed.total_count, ids(listed)), (3, vec![4, 5]), "page 1 of size 2");

    // 409 when the secret's visibility is not `selected` (documented for add and remove).
    let all = org_secret_body(&client, "octo-org", "v", "all", json!([])).await;
    client.dependabot_create_or_update_org_secret("octo-org", "EVERYWHERE", &all).await.unwrap();
    for result in [
        client.dependabot_add_selected_repo_to_org_secret("octo-org", "EVERYWHERE", 7).await,
        client.dependabot_remove_selected_repo_from_org_secret("octo-org", "EVERYWHERE", 7).await,
    ] {
        match result {
            Err(Error::ErrorResponse(response)) => assert_eq!(response.status(), 409),
            other => panic!("expected a documented 409, got {other:?}"),
        }
    }
    assert_eq!(unexpected_status(client.dependabot_set_selected_repos_for_org_secret("octo-org", "EVERYWHERE", &set).await), 409);
    assert_eq!(unexpected_status(client.dependabot_list_selected_repos_for_org_secret("octo-org", "EVERYWHERE", None, None).await), 409);
    assert_eq!(unexpected_status(client.dependabot_add_selected_repo_to_org_secret("octo-org", "MISSING", 7).await), 404);
}

#[tokio::test]
async fn listing_more_than_100_secrets_pages_with_link_headers() {
    let (_, client, base) = start().await;
    let key = client.dependabot_get_org_public_key("big-org").await.unwrap().into_inner();
    for i in 0..250 {
        let request: models::DependabotCreateOrUpdateOrgSecretRequest = body(json!({
            "encrypted_value": seal_for(&key.key, b"v").unwrap(), "key_id": key.key_id, "visibility": "all"
        }));
        client.dependabot_create_or_update_org_secret("big-org", &format!("SECRET_{i:03}"), &request).await.unwrap();
    }
    let first = client.dependabot_list_org_secrets("big-org", None, Some(500)).await.unwrap();
    let link = first.headers().get("link").unwrap().to_str().unwrap().to_owned();
    let url = format!("{base}/orgs/big-org/dependabot/secrets");
    assert_eq!(link, format!("<{url}?per_page=100&page=2>; rel=\"next\", <{url}?per_page=100&page=3>; rel=\"last\""), "per_page above 100 is served as 100");
    let first = first.into_inner();
    assert_eq!((first.total_count, first.secrets.len()), (250, 100));
    assert_eq!(first.secrets[0].name, "SECRET_000");

    let last = client.dependabot_list_org_secrets("big-org", Some(3), Some(100)).await.unwrap();
    assert!(last.headers().get("link").unwrap().to_str().unwrap().contains("rel=\"prev\""));
    let last = last.into_inner();
    assert_eq!(last.secrets.len(), 50);
    assert_eq!(last.secrets[49].name, "SECRET_249");

    let default_page = client.dependabot_list_org_secrets("big-org", None, None).await.unwrap().into_inner();
    assert_eq!(default_page.secrets.len(), 30, "GitHub's default page size");
}

#[tokio::test]
async fn repo_secrets_round_trip() {
    let (mock, client, _) = start().await;
    let key = client.dependabot_get_repo_public_key("octocat", "hello-world").await.unwrap().into_inner();
    let request: models::DependabotCreateOrUpdateRepoSecretRequest =
        body(json!({"encrypted_value": seal_for(&key.key, b"s3cr3t").unwrap(), "key_id": key.key_id}));
    let first = client.dependabot_create_or_update_repo_secret("octocat", "hello-world", "token", &request).await.unwrap();
    assert!(matches!(first.into_inner(), DependabotCreateOrUpdateRepoSecretSuccess::Created(_)));
    let second = client.dependabot_create_or_update_repo_secret("octocat", "hello-world", "token", &request).await.unwrap();
    assert!(matches!(second.into_inner(), DependabotCreateOrUpdateRepoSecretSuccess::NoContent));
    assert_eq!(mock.reveal_repo_secret("octocat", "hello-world", "TOKEN").unwrap(), b"s3cr3t");

    let listed = client.dependabot_list_repo_secrets("octocat", "hello-world", None, None).await.unwrap();
    assert!(listed.headers().get("link").is_none(), "one page needs no Link header");
    let listed = listed.into_inner();
    assert_eq!((listed.total_count, listed.secrets[0].name.as_str()), (1, "TOKEN"));
    assert_eq!(client.dependabot_get_repo_secret("octocat", "hello-world", "TOKEN").await.unwrap().into_inner().name, "TOKEN");
    assert_eq!(client.dependabot_delete_repo_secret("octocat", "hello-world", "TOKEN").await.unwrap().status(), 204);
    assert_eq!(unexpected_status(client.dependabot_get_repo_secret("octocat", "hello-world", "TOKEN").await), 404);

    let unsealed: models::DependabotCreateOrUpdateRepoSecretRequest = body(json!({"encrypted_value": "c2VjcmV0", "key_id": key.key_id}));
    assert_eq!(unexpected_status(client.dependabot_create_or_update_repo_secret("octocat", "hello-world", "T", &unsealed).await), 422);
}

#[tokio::test]
async fn dependency_snapshots_are_accepted() {
    let (_, client, _) = start().await;
    let snapshot: models::Snapshot = body(json!({
        "version": 0, "sha": "ce587453ced02b1526dfb4cb910479d431683101", "ref": "refs/heads/main",
        "job": {"correlator": "ci_build", "id": "42"}, "detector": {"name": "d", "version": "1.0", "url": "https://example.com"},
        "scanned": "2022-06-14T20:25:00Z",
        "manifests": {"package-lock.json": {"name": "package-lock.json", "resolved": {
            "@actions/core": {"package_url": "pkg:/npm/%40actions/core@1.1.9", "relationship": "direct", "scope": "runtime"}
        }}}
    }));
    let created = client.dependency_graph_create_repository_snapshot("octocat", "hello-world", &snapshot).await.unwrap();
    assert_eq!(created.status(), 201);
    let created = created.into_inner();
    assert_eq!(created.result, "SUCCESS");
    assert!(created.id > 0);
}

#[tokio::test]
async fn deployment_and_storage_records_are_stored_by_digest() {
    let (_, client, _) = start().await;
    let record: models::OrgsCreateArtifactDeploymentRecordRequest = body(json!({
        "name": "web", "digest": DIGEST, "status": "deployed", "logical_environment": "prod",
        "physical_environment": "pacific-east", "cluster": "moda-1", "deployment_name": "web-1",
        "tags": {"team": "payments"}, "runtime_risks": ["internet-exposed"]
    }));
    let created = client.orgs_create_artifact_deployment_record("octo-org", &record).await.unwrap().into_inner();
    assert_eq!(created.deployment_records[0].cluster.as_deref(), Some("moda-1"));
    let digest = models::SubjectDigest::try_from(DIGEST).unwrap();
    let listed = client.orgs_list_artifact_deployment_records("octo-org", &digest).await.unwrap().into_inner();
    assert_eq!(listed.total_count, Some(1));
    assert_eq!(listed.deployment_records[0].tags["team"], "payments");

    let storage: models::OrgsCreateArtifactStorageRecordRequest = body(json!({
        "name": "web", "digest": DIGEST, "registry_url": "https://ghcr.io", "repository": "octo-org/web", "status": "active"
    }));
    let stored = client.orgs_create_artifact_storage_record("octo-org", &storage).await.unwrap().into_inner();
    assert_eq!(stored.storage_records[0].registry_url.as_deref(), Some("https://ghcr.io"));
    let digest = models::OrgsListArtifactStorageRecordsSubjectDigest::try_from(DIGEST).unwrap();
    let listed = client.orgs_list_artifact_storage_records("octo-org", &digest).await.unwrap().into_inner();
    assert_eq!(listed.storage_records.len(), 1);

    // A repository the mock cannot resolve: the documented 404 with GitHub's error body.
    let unresolvable: models::OrgsCreateArtifactStorageRecordRequest =
        body(json!({"name": "web", "digest": DIGEST, "registry_url": "https://ghcr.io", "github_repository": "missing-repo"}));
    match client.orgs_create_artifact_storage_record("octo-org", &unresolvable).await {
        Err(Error::ErrorResponse(response)) => {
            assert_eq!(response.status(), 404);
            assert_eq!(response.into_inner().message.as_deref(), Some("Repository not found"));
        }
        other => panic!("expected 404, got {other:?}"),
    }
}

#[tokio::test]
async fn setting_a_cluster_replaces_its_records_and_reports_partial_success() {
    let (_, client, _) = start().await;
    let cluster = models::OrgsSetClusterDeploymentRecordsCluster::try_from("moda-1").unwrap();
    let deployments = |names: &[&str], partial: bool| -> models::OrgsSetClusterDeploymentRecordsRequest {
        let list: Vec<Value> = names
            .iter()
            .map(|n| json!({"name": "web", "deployment_name": n, "digest": DIGEST, "github_repository": if n.starts_with("missing") { *n } else { "web" }}))
            .collect();
        body(json!({"logical_environment": "prod", "partial_success": partial, "deployments": list}))
    };
    let first = client.orgs_set_cluster_deployment_records("octo-org", &cluster, &deployments(&["a", "b"], false)).await.unwrap();
    assert!(matches!(first.into_inner(), OrgsSetClusterDeploymentRecordsSuccess::Ok(ref body) if body.total_count == 2));
    let second = client.orgs_set_cluster_deployment_records("octo-org", &cluster, &deployments(&["c"], false)).await.unwrap();
    assert!(matches!(second.into_inner(), OrgsSetClusterDeploymentRecordsSuccess::Ok(ref body) if body.total_count == 1));
    let digest = models::SubjectDigest::try_from(DIGEST).unwrap();
    let names: Vec<String> = client.orgs_list_artifact_deployment_records("octo-org", &digest).await.unwrap().into_inner()
        .deployment_records.into_iter().filter_map(|r| r.deployment_name).collect();
    assert_eq!(names, ["c"], "the cluster's earlier records were replaced");

    let partial = client.orgs_set_cluster_deployment_records("octo-org", &cluster, &deployments(&["d", "missing-x"], true)).await.unwrap();
    assert_eq!(partial.status(), 207);
    match partial.into_inner() {
        OrgsSetClusterDeploymentRecordsSuccess::MultiStatus(body) => {
            assert_eq!(body.total_count, 1);
            assert_eq!(body.errors.len(), 1);
        }
        other => panic!("expected 207, got {other:?}"),
    }
    match client.orgs_set_cluster_deployment_records("octo-org", &cluster, &deployments(&["missing-y"], false)).await {
        Err(Error::ErrorResponse(response)) => assert_eq!(response.status(), 404),
        other => panic!("expected 404, got {other:?}"),
    }
}

/// What the typed client cannot send: raw requests to the mock.
#[tokio::test]
async fn the_mock_refuses_broken_input_like_github() {
    let (_, _, base) = start().await;
    let http = reqwest::Client::new();
    let broken = http
        .put(format!("{base}/orgs/o/dependabot/secrets/S"))
        .bearer_auth("test-token")
        .header("content-type", "application/json")
        .body("{\"visibility\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(broken.status(), 400);
    let error: Value = broken.json().await.unwrap();
    assert_eq!(error["message"], "Problems parsing JSON");

    let bad_digest = http.get(format!("{base}/orgs/o/artifacts/sha256:nothex/metadata/deployment-records")).bearer_auth("test-token").send().await.unwrap();
    assert_eq!(bad_digest.status(), 422);
    let error: Value = bad_digest.json().await.unwrap();
    assert_eq!(error["message"], "Validation Failed");
    assert_eq!(error["errors"][0]["field"], "subject_digest");
}
