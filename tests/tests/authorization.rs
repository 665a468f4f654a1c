//! Who may call, end to end: the generated client against the mock GitHub over loopback HTTP,
//! for every one of the 20 operations, with tokens derived from the operation's pinned
//! requirements (`github_server::requirements`, held against the reference pages in
//! `permissions.rs`): no token, a refused token, a token lacking the permission (fine-grained,
//! app, classic), a token with it, a token for another org, a token limited to other
//! repositories. Each is answered as GitHub does, the client says what is missing, and no token
//! ever appears in the mock's log.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use github_client::types as models;
use github_client::{Client, GitHubError, RetryPolicy};
use github_server::{Access, Grants, Requirements, requirements};
use mock_github::MockGitHub;
use mock_github::auth::MockAuth;
use mock_github::keys::seal_for;
use mock_github::tokens::{Token, Tokens};
use serde_json::{Value, json};

const ORG: &str = "octo-org";
const REPO: &str = "hello-world";
const DIGEST: &str = "sha256:1bb1e949e55dcefc6353e7b36c8897d2a107d8e8dca49d4e3c0ea8493fc0bc72";

/// Every token value the tests use: none may appear in a log line.
const SECRETS: [&str; 7] = ["ghp_admin_0001", "github_pat_good_0002", "github_pat_lacking_0003", "ghs_app_lacking_0004", "ghp_classic_bare_0005", "github_pat_other_org_0006", "github_pat_other_repo_0007"];

/// A mock with `tokens` on an ephemeral port, its base URL, and its log lines.
async fn start(tokens: Tokens, rate_limit: u64) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let log = Arc::new(Mutex::new(Vec::new()));
    let sink = log.clone();
    let mock = MockGitHub::new(&base).with_auth(MockAuth::new(Some(tokens), rate_limit)).with_log(Arc::new(move |line: &str| sink.lock().unwrap().push(line.to_owned())));
    let router = mock.router();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (base, log)
}

fn client(base: &str, token: Option<&str>) -> Client {
    let builder = Client::builder().base_url(base).retry_policy(RetryPolicy::disabled());
    match token {
        Some(token) => builder.token(token).build().unwrap(),
        None => builder.build().unwrap(),
    }
}

fn body<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).unwrap()
}

/// The first permission set an operation accepts, as grants.
fn granted(set: &[github_server::Permission]) -> Vec<(String, Access)> {
    set.iter().map(|p| (p.name.to_owned(), p.access)).collect()
}

/// Grants that fall just short of every alternative: a set of several without its last
/// permission, `write` as `read`, `read` as an unrelated permission.
fn lacking(operation: &Requirements) -> Vec<(String, Access)> {
    let set = operation.fine_grained.expect("pinned")[0];
    if set.len() > 1 {
        granted(&set[..set.len() - 1])
    } else if set[0].access > Access::Read {
        vec![(set[0].name.to_owned(), Access::Read)]
    } else {
        vec![("metadata".to_owned(), Access::Read)]
    }
}

/// The tokens for one operation's cases.
fn tokens_for(operation: &Requirements) -> Tokens {
    let set = operation.fine_grained.expect("pinned")[0];
    Tokens::new(vec![
        Token::new("admin", SECRETS[0], Grants::classic(["repo", "admin:org"])),
        Token::new("good", SECRETS[1], Grants::fine_grained(ORG, granted(set))),
        Token::new("lacking", SECRETS[2], Grants::fine_grained(ORG, lacking(operation))),
        Token::new("app-lacking", SECRETS[3], Grants::app(ORG, lacking(operation))),
        Token::new("classic-bare", SECRETS[4], Grants::classic(["read:user"])),
        Token::new("other-org", SECRETS[5], Grants::fine_grained("other-org", granted(set))),
        Token::new("other-repo", SECRETS[6], Grants::fine_grained(ORG, granted(set)).with_repositories(["other-repo"])),
    ])
}

/// What the calls need: bodies sealed for the mock's keys (fetched by the admin token).
struct Fixture {
    org_secret: models::DependabotCreateOrUpdateOrgSecretRequest,
    repo_secret: models::DependabotCreateOrUpdateRepoSecretRequest,
}

/// Creates, with the admin token, what the calls read: a `selected` org secret `S` and a repo
/// secret `S`.
async fn fixture(admin: &Client) -> Fixture {
    let key = admin.dependabot_get_org_public_key(ORG).await.unwrap().into_inner();
    let org_secret: models::DependabotCreateOrUpdateOrgSecretRequest =
        body(json!({"encrypted_value": seal_for(&key.key, b"v").unwrap(), "key_id": key.key_id, "visibility": "selected", "selected_repository_ids": [1]}));
    admin.dependabot_create_or_update_org_secret(ORG, "S", &org_secret).await.unwrap();
    let key = admin.dependabot_get_repo_public_key(ORG, REPO).await.unwrap().into_inner();
    let repo_secret: models::DependabotCreateOrUpdateRepoSecretRequest = body(json!({"encrypted_value": seal_for(&key.key, b"v").unwrap(), "key_id": key.key_id}));
    admin.dependabot_create_or_update_repo_secret(ORG, REPO, "S", &repo_secret).await.unwrap();
    Fixture { org_secret, repo_secret }
}

/// Calls `operation` on `octo-org` (and `octo-org/hello-world`) with valid input: the status,
/// or what GitHub said.
async fn call(client: &Client, operation: &str, fixture: &Fixture) -> Result<u16, GitHubError> {
    macro_rules! status {
        ($call:expr) => {
            match $call.await {
                Ok(response) => Ok(response.status().as_u16()),
                Err(error) => Err(GitHubError::from_error(error).await),
            }
        };
    }
    let digest = models::SubjectDigest::try_from(DIGEST).unwrap();
    let storage_digest = models::OrgsListArtifactStorageRecordsSubjectDigest::try_from(DIGEST).unwrap();
    let cluster = models::OrgsSetClusterDeploymentRecordsCluster::try_from("moda-1").unwrap();
    match operation {
        "dependabot/add-selected-repo-to-org-secret" => status!(client.dependabot_add_selected_repo_to_org_secret(ORG, "S", 2)),
        "dependabot/create-or-update-org-secret" => status!(client.dependabot_create_or_update_org_secret(ORG, "S", &fixture.org_secret)),
        "dependabot/create-or-update-repo-secret" => status!(client.dependabot_create_or_update_repo_secret(ORG, REPO, "S", &fixture.repo_secret)),
        "dependabot/delete-org-secret" => status!(client.dependabot_delete_org_secret(ORG, "S")),
        "dependabot/delete-repo-secret" => status!(client.dependabot_delete_repo_secret(ORG, REPO, "S")),
        "dependabot/get-org-public-key" => status!(client.dependabot_get_org_public_key(ORG)),
        "dependabot/get-org-secret" => status!(client.dependabot_get_org_secret(ORG, "S")),
        "dependabot/get-repo-public-key" => status!(client.dependabot_get_repo_public_key(ORG, REPO)),
        "dependabot/get-repo-secret" => status!(client.dependabot_get_repo_secret(ORG, REPO, "S")),
        "dependabot/list-org-secrets" => status!(client.dependabot_list_org_secrets(ORG, None, None)),
        "dependabot/list-repo-secrets" => status!(client.dependabot_list_repo_secrets(ORG, REPO, None, None)),
        "dependabot/list-selected-repos-for-org-secret" => status!(client.dependabot_list_selected_repos_for_org_secret(ORG, "S", None, None)),
        "dependabot/remove-selected-repo-from-org-secret" => status!(client.dependabot_remove_selected_repo_from_org_secret(ORG, "S", 1)),
        "dependabot/set-selected-repos-for-org-secret" => {
            let ids: models::DependabotSetSelectedReposForOrgSecretRequest = body(json!({"selected_repository_ids": [1, 2]}));
            status!(client.dependabot_set_selected_repos_for_org_secret(ORG, "S", &ids))
        }
        "dependency-graph/create-repository-snapshot" => {
            let snapshot: models::Snapshot = body(json!({
                "version": 0, "sha": "ce587453ced02b1526dfb4cb910479d431683101", "ref": "refs/heads/main",
                "job": {"correlator": "ci", "id": "1"}, "detector": {"name": "d", "version": "1", "url": "https://example.com"},
                "scanned": "2022-06-14T20:25:00Z", "manifests": {},
            }));
            status!(client.dependency_graph_create_repository_snapshot(ORG, REPO, &snapshot))
        }
        "orgs/create-artifact-deployment-record" => {
            let record: models::OrgsCreateArtifactDeploymentRecordRequest =
                body(json!({"name": "web", "digest": DIGEST, "status": "deployed", "logical_environment": "prod", "deployment_name": "web-1"}));
            status!(client.orgs_create_artifact_deployment_record(ORG, &record))
        }
        "orgs/create-artifact-storage-record" => {
            let record: models::OrgsCreateArtifactStorageRecordRequest = body(json!({"name": "web", "digest": DIGEST, "registry_url": "https://ghcr.io"}));
            status!(client.orgs_create_artifact_storage_record(ORG, &record))
        }
        "orgs/list-artifact-deployment-records" => status!(client.orgs_list_artifact_deployment_records(ORG, &digest)),
        "orgs/list-artifact-storage-records" => status!(client.orgs_list_artifact_storage_records(ORG, &storage_digest)),
        "orgs/set-cluster-deployment-records" => {
            let records: models::OrgsSetClusterDeploymentRecordsRequest =
                body(json!({"logical_environment": "prod", "deployments": [{"name": "web", "deployment_name": "web-1", "digest": DIGEST}]}));
            status!(client.orgs_set_cluster_deployment_records(ORG, &cluster, &records))
        }
        other => panic!("no call for {other}: add one"),
    }
}

fn refused(result: Result<u16, GitHubError>, what: &str) -> GitHubError {
    match result {
        Err(error) => error,
        Ok(status) => panic!("{what}: expected a refusal, got {status}"),
    }
}

/// One operation through every case; returns the log.
async fn check(operation: &'static Requirements) -> Vec<String> {
    let id = operation.operation_id;
    let (base, log) = start(tokens_for(operation), 1000).await;
    let admin = client(&base, Some(SECRETS[0]));
    let fixture = fixture(&admin).await;
    let docs = operation.documentation_url.unwrap();

    let none = refused(call(&client(&base, None), id, &fixture).await, id);
    assert_eq!((none.status.map(|s| s.as_u16()), none.message.as_str()), (Some(401), "Requires authentication"), "{id}: no token");
    assert_eq!(none.documentation_url.as_deref(), Some(docs), "{id}: the refusal names the operation's page");

    let bad = refused(call(&client(&base, Some("ghp_not_a_token")), id, &fixture).await, id);
    assert_eq!((bad.status.map(|s| s.as_u16()), bad.message.as_str()), (Some(401), "Bad credentials"), "{id}: unknown token");

    let lacking = refused(call(&client(&base, Some(SECRETS[2])), id, &fixture).await, id);
    assert_eq!((lacking.status.map(|s| s.as_u16()), lacking.message.as_str()), (Some(403), "Resource not accessible by personal access token"), "{id}");
    let accepted: Vec<String> = lacking.accepted_permissions.iter().map(|set| set.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")).collect();
    assert_eq!(accepted.join("; "), operation.accepted_permissions(), "{id}: X-Accepted-GitHub-Permissions as pinned");
    let missing = lacking.missing_access().unwrap_or_else(|| panic!("{id}: the client says nothing is missing"));
    assert!(missing.starts_with("this operation needs ") && lacking.to_string().contains(&missing), "{id}: {lacking}");
    for set in operation.fine_grained.unwrap() {
        for permission in *set {
            assert!(missing.contains(&permission.to_string()), "{id}: {missing} names {permission}");
        }
    }

    let app = refused(call(&client(&base, Some(SECRETS[3])), id, &fixture).await, id);
    assert_eq!((app.status.map(|s| s.as_u16()), app.message.as_str()), (Some(403), "Resource not accessible by integration"), "{id}: app");

    let classic = call(&client(&base, Some(SECRETS[4])), id, &fixture).await;
    match operation.classic_scopes.unwrap() {
        [] => assert!(classic.is_ok(), "{id}: the description names no classic scope: {classic:?}"),
        scopes => {
            let classic = refused(classic, id);
            assert_eq!(classic.status.map(|s| s.as_u16()), Some(403), "{id}: classic token without the scope");
            assert_eq!(classic.accepted_oauth_scopes, scopes, "{id}: X-Accepted-OAuth-Scopes");
            assert_eq!(classic.oauth_scopes.as_deref(), Some(&["read:user".to_owned()][..]), "{id}: X-OAuth-Scopes");
            assert_eq!(classic.missing_access().unwrap(), format!("this operation needs the {} scope (the token has read:user)", scopes.join(" or ")));
        }
    }

    let other_org = refused(call(&client(&base, Some(SECRETS[5])), id, &fixture).await, id);
    assert_eq!((other_org.status.map(|s| s.as_u16()), other_org.message.as_str()), (Some(404), "Not Found"), "{id}: a token for another org");

    let other_repo = call(&client(&base, Some(SECRETS[6])), id, &fixture).await;
    if operation.repository_parameter.is_some() {
        assert_eq!(refused(other_repo, id).status.map(|s| s.as_u16()), Some(404), "{id}: a repository outside the token's selection");
    } else {
        assert!(other_repo.is_ok(), "{id}: an org-level operation is not limited by the repository selection: {other_repo:?}");
    }

    // Last, and with the secrets made again (an org-level call above may have deleted one).
    let fixture = self::fixture(&admin).await;
    let good = call(&client(&base, Some(SECRETS[1])), id, &fixture).await;
    assert!(matches!(good, Ok(200..=299)), "{id}: a token with the permission: {good:?}");
    log.lock().unwrap().clone()
}

#[tokio::test]
async fn every_operation_answers_each_kind_of_caller_as_github_does() {
    assert_eq!(requirements::ALL.len(), 20);
    for operation in requirements::ALL {
        let lines = check(operation).await;
        assert!(lines.iter().any(|l| l.ends_with("(token good)")) && lines.iter().any(|l| l.ends_with("(no token)")), "{lines:?}");
        assert!(lines.iter().any(|l| l.contains(" -> 401 ") && l.ends_with("(unrecognised token)")), "{lines:?}");
        for line in &lines {
            for secret in SECRETS.iter().chain(&["ghp_not_a_token"]) {
                assert!(!line.contains(secret), "a token in the log: {line}");
            }
        }
    }
}

#[tokio::test]
async fn every_answer_carries_a_request_id_and_the_rate_limit() {
    let (base, _) = start(tokens_for(&requirements::DEPENDABOT_GET_ORG_SECRET), 1000).await;
    let http = reqwest::Client::new();
    let get = |path: &str, token: Option<&str>| {
        let request = http.get(format!("{base}{path}"));
        match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    };
    let mut ids = Vec::new();
    for (path, token, status) in [
        ("/orgs/octo-org/dependabot/secrets/S", Some(SECRETS[1]), 404), // no such secret: the implementation's 404
        ("/orgs/octo-org/dependabot/secrets/S", None, 401),
        ("/orgs/octo-org/dependabot/secrets/S", Some(SECRETS[2]), 403),
        ("/nowhere", None, 404),
    ] {
        let response = get(path, token).send().await.unwrap();
        assert_eq!(response.status().as_u16(), status, "{path}");
        let id = response.headers()["x-github-request-id"].to_str().unwrap().to_owned();
        assert_eq!(id.split(':').count(), 5, "GitHub's shape: {id}");
        ids.push(id);
        if token.is_some_and(|t| t == SECRETS[1] || t == SECRETS[2]) {
            for header in ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-used", "x-ratelimit-reset", "x-ratelimit-resource"] {
                assert!(response.headers().contains_key(header), "{header} on a {status}");
            }
            assert_eq!(response.headers()["x-accepted-github-permissions"], "organization_dependabot_secrets=read");
        }
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 4, "one id per request");
}

#[tokio::test]
async fn a_spent_rate_limit_is_a_403_the_client_returns_at_once() {
    let (base, _) = start(tokens_for(&requirements::DEPENDABOT_LIST_ORG_SECRETS), 3).await;
    let good = Client::builder().base_url(&base).token(SECRETS[1]).build().unwrap(); // the default retry policy
    for remaining in [2, 1, 0] {
        let page = good.dependabot_list_org_secrets(ORG, None, None).await.unwrap();
        let headers = page.headers();
        assert_eq!((headers["x-ratelimit-limit"].to_str().unwrap(), headers["x-ratelimit-remaining"].to_str().unwrap()), ("3", remaining.to_string().as_str()));
        assert_eq!(headers["x-ratelimit-used"].to_str().unwrap(), (3 - remaining).to_string());
        assert_eq!(headers["x-ratelimit-resource"], "core");
    }
    let started = Instant::now();
    let error = GitHubError::from_error(good.dependabot_list_org_secrets(ORG, None, None).await.unwrap_err()).await;
    assert!(started.elapsed() < Duration::from_secs(5), "the reset is an hour away: no waiting ({:?})", started.elapsed());
    assert_eq!(error.status.map(|s| s.as_u16()), Some(403));
    assert!(error.is_rate_limited() && error.rate_limit.remaining == Some(0), "{error}");
    let reset = error.rate_limit.reset.unwrap().duration_since(std::time::SystemTime::now()).unwrap();
    assert!(reset > Duration::from_secs(3500) && reset <= Duration::from_secs(3600), "{reset:?}");
    assert!(error.to_string().contains("rate limited, the limit resets in"), "{error}");
    assert!(error.missing_access().is_none(), "a rate limit is not a missing permission");
    // Each token has its own budget.
    let other = client(&base, Some(SECRETS[0]));
    assert!(other.dependabot_list_org_secrets(ORG, None, None).await.is_ok());
}

#[tokio::test]
async fn storage_records_of_repositories_the_caller_cannot_read_are_left_out() {
    let tokens = Tokens::new(vec![
        Token::new("all", SECRETS[0], Grants::fine_grained(ORG, [("artifact_metadata", Access::Write)])),
        Token::new("web-only", SECRETS[1], Grants::fine_grained(ORG, [("artifact_metadata", Access::Write)]).with_repositories(["web"])),
    ]);
    let (base, _) = start(tokens, 1000).await;
    let (all, web_only) = (client(&base, Some(SECRETS[0])), client(&base, Some(SECRETS[1])));
    for repository in ["web", "billing"] {
        let record: models::OrgsCreateArtifactStorageRecordRequest =
            body(json!({"name": repository, "digest": DIGEST, "registry_url": "https://ghcr.io", "github_repository": repository}));
        all.orgs_create_artifact_storage_record(ORG, &record).await.unwrap();
    }
    let digest = models::OrgsListArtifactStorageRecordsSubjectDigest::try_from(DIGEST).unwrap();
    let names = |list: models::OrgsListArtifactStorageRecordsResponse| list.storage_records.into_iter().filter_map(|r| r.name).collect::<Vec<_>>();
    assert_eq!(names(all.orgs_list_artifact_storage_records(ORG, &digest).await.unwrap().into_inner()), ["web", "billing"]);
    assert_eq!(names(web_only.orgs_list_artifact_storage_records(ORG, &digest).await.unwrap().into_inner()), ["web"], "billing is outside the token's repositories");
    // Writing a record for a repository outside the selection is the documented 403.
    let record: models::OrgsCreateArtifactStorageRecordRequest = body(json!({"name": "x", "digest": DIGEST, "registry_url": "https://ghcr.io", "github_repository": "billing"}));
    let error = GitHubError::from_error(web_only.orgs_create_artifact_storage_record(ORG, &record).await.unwrap_err()).await;
    assert_eq!(error.status.map(|s| s.as_u16()), Some(403), "{error}");
}
