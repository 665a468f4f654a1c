//! The spec's own examples, for every request body and response of the pinned operations:
//! each deserializes into the generated type and serializes back to equivalent JSON (except
//! the seven that contradict their own schema upstream, listed below); each request example
//! passes the server's validation; each response example, served over loopback HTTP, is
//! accepted by the client, those seven included.

use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;
use workspace_tests::{pinned_output, root};

const DIGEST: &str = "sha256:1bb1e949e55dcefc6353e7b36c8897d2a107d8e8dca49d4e3c0ea8493fc0bc72";

/// Deserializes into the named models type and serializes back; `None` for unknown names.
fn round_trip(type_name: &str, value: &Value) -> Option<Result<Value, String>> {
    macro_rules! types {
        ($($ty:ident),* $(,)?) => {
            match type_name {
                $(stringify!($ty) => Some(
                    serde_json::from_value::<github_models::$ty>(value.clone())
                        .map_err(|e| e.to_string())
                        .and_then(|typed| serde_json::to_value(&typed).map_err(|e| e.to_string())),
                ),)*
                _ => None,
            }
        };
    }
    types!(
        OrgsCreateArtifactDeploymentRecordRequest, OrgsSetClusterDeploymentRecordsRequest, OrgsCreateArtifactStorageRecordRequest,
        DependabotCreateOrUpdateOrgSecretRequest, DependabotSetSelectedReposForOrgSecretRequest, DependabotCreateOrUpdateRepoSecretRequest,
        Snapshot, OrgsCreateArtifactDeploymentRecordResponse, OrgsSetClusterDeploymentRecordsResponse,
        OrgsSetClusterDeploymentRecordsMultiStatusResponse, BasicError, OrgsCreateArtifactStorageRecordResponse,
        OrgsListArtifactDeploymentRecordsResponse, OrgsListArtifactStorageRecordsResponse, DependabotListOrgSecretsResponse,
        DependabotPublicKey, OrganizationDependabotSecret, EmptyObject, DependabotListSelectedReposForOrgSecretResponse,
        DependabotListRepoSecretsResponse, DependabotSecret, DependencyGraphCreateRepositorySnapshotResponse,
    )
}

/// Examples in the pinned spec that contradict their own schema upstream (GitHub's description
/// 23.0.2), by operation, status and the first difference. They are asserted to still fail the
/// round trip, so this list shrinks when GitHub fixes them. The client still accepts each of
/// them (`every_response_example_is_accepted_by_the_client`): the `null` 201 as an empty
/// object, the unknown `created` by ignoring it, the 403/404 as errors with their status.
const UPSTREAM_INCONSISTENCIES: [(&str, &str, &str); 7] = [
    // `value: null` for a 201 whose schema is `empty-object`.
    ("dependabot/create-or-update-org-secret", "201", "invalid type: null, expected struct EmptyObject"),
    ("dependabot/create-or-update-repo-secret", "201", "invalid type: null, expected struct EmptyObject"),
    // The deployment-record examples say `created`; the schema names the field `created_at`.
    ("orgs/create-artifact-deployment-record", "200", "created"),
    ("orgs/list-artifact-deployment-records", "200", "created"),
    ("orgs/set-cluster-deployment-records", "200", "created"),
    // `message` is an object in these examples; `basic-error` says it is a string.
    ("orgs/set-cluster-deployment-records", "403", "invalid type: map, expected a string"),
    ("orgs/set-cluster-deployment-records", "404", "invalid type: map, expected a string"),
];

/// A schema of the normalized spec, following `$ref`s.
fn schema_of(schema: &Value) -> Value {
    match codegen::spec::openapi::ref_name(schema) {
        Some(name) => pinned_output().api.models.iter().find(|m| m.name == name).map(|m| schema_of(&m.schema)).unwrap_or(Value::Null),
        None => schema.clone(),
    }
}

/// Equal as JSON, where an absent key equals `null`, an empty collection (the models leave out
/// `None` and empty maps) or the schema's `default` (the models fill it in), and numbers
/// compare by value.
fn equivalent(example: &Value, back: &Value, schema: &Value) -> Result<(), String> {
    let schema = schema_of(schema);
    let empty = |v: Option<&Value>| match v {
        None | Some(Value::Null) => true,
        Some(Value::Object(m)) => m.is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        _ => false,
    };
    match (example, back) {
        (Value::Object(x), Value::Object(y)) => {
            for key in x.keys().chain(y.keys()) {
                let property = schema["properties"].get(key).cloned().unwrap_or_else(|| schema["additionalProperties"].clone());
                match (x.get(key), y.get(key)) {
                    (Some(p), Some(q)) => equivalent(p, q, &property).map_err(|e| format!("{key}.{e}"))?,
                    (p, q) if empty(p) && empty(q) => {}
                    (None, Some(q)) if schema_of(&property).get("default") == Some(q) => {}
                    (p, q) => return Err(format!("{key}: {p:?} vs {q:?}")),
                }
            }
            Ok(())
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .try_for_each(|(i, (p, q))| equivalent(p, q, &schema["items"]).map_err(|e| format!("[{i}].{e}"))),
        (Value::Number(x), Value::Number(y)) if x.as_f64() == y.as_f64() => Ok(()),
        (x, y) if x == y => Ok(()),
        (x, y) => Err(format!(" {x} vs {y}")),
    }
}

struct Example {
    operation_id: String,
    method: String,
    path: String,
    /// `request` or a status code.
    what: String,
    /// The Rust type of the body.
    type_name: String,
    value: Value,
}

/// Every media-type example of a JSON request body or response in the pinned spec.
fn examples() -> Vec<Example> {
    let spec: Value = serde_yaml::from_str(&std::fs::read_to_string(root().join(xtask::PINNED_SPEC)).unwrap()).unwrap();
    let resolve = |node: &Value| -> Value {
        match node.get("$ref").and_then(Value::as_str) {
            Some(r) => spec.pointer(&r[1..]).cloned().unwrap_or(Value::Null),
            None => node.clone(),
        }
    };
    let mut out = Vec::new();
    for operation in &pinned_output().api.operations {
        let raw = &spec["paths"][operation.path.as_str()][operation.method.to_lowercase().as_str()];
        let mut media = vec![("request".to_owned(), resolve(&raw["requestBody"]), operation.body.as_ref().map(|b| b.schema.clone()))];
        for response in &operation.responses {
            let raw_response = resolve(&raw["responses"][response.status.as_str()]);
            media.push((response.status.clone(), raw_response, response.body.as_ref().and_then(|b| b.schema.clone())));
        }
        for (what, node, schema) in media {
            let content = &node["content"]["application/json"];
            let mut values: Vec<Value> = content["examples"].as_object().into_iter().flatten().map(|(_, e)| resolve(e)["value"].clone()).collect();
            if let Some(example) = content.get("example") {
                values.push(example.clone());
            }
            for value in values {
                let type_name = schema.as_ref().and_then(|s| codegen::spec::openapi::ref_name(s)).unwrap_or("(inline)").to_owned();
                out.push(Example {
                    operation_id: operation.id.clone(),
                    method: operation.method.clone(),
                    path: operation.path.clone(),
                    what: what.clone(),
                    type_name,
                    value,
                });
            }
        }
    }
    out
}

#[test]
fn every_example_deserializes_and_round_trips() {
    let examples = examples();
    assert_eq!(examples.len(), 25, "the pinned spec has 25 JSON body examples");
    let mut failures = Vec::new();
    let mut known = Vec::new();
    for example in &examples {
        let label = format!("{} {} ({})", example.operation_id, example.what, example.type_name);
        let problem = match round_trip(&example.type_name, &example.value) {
            None => Some(format!("no type to check it against; add {} to `types!`", example.type_name)),
            Some(Err(error)) => Some(format!("does not deserialize: {error}")),
            Some(Ok(back)) => {
                let schema = serde_json::json!({"$ref": format!("#/components/schemas/{}", example.type_name)});
                equivalent(&example.value, &back, &schema).err().map(|d| format!("changed in the round trip at {d}"))
            }
        };
        let Some(problem) = problem else { continue };
        let is_known = UPSTREAM_INCONSISTENCIES
            .iter()
            .any(|(id, what, text)| *id == example.operation_id && *what == example.what && problem.contains(text));
        if is_known {
            known.push((example.operation_id.clone(), example.what.clone()));
        } else {
            failures.push(format!("{label}: {problem}"));
        }
    }
    assert!(failures.is_empty(), "{} of {} examples fail:\n{}", failures.len(), examples.len(), failures.join("\n"));
    assert_eq!(
        known.len(),
        UPSTREAM_INCONSISTENCIES.len(),
        "an upstream inconsistency is gone (fixed upstream?): remove it from the list. Still present: {known:?}"
    );
}

#[tokio::test]
async fn every_request_example_passes_the_servers_validation() {
    let router = mock_github::MockGitHub::new("http://127.0.0.1:1").router();
    let mut checked = 0;
    for example in examples().into_iter().filter(|e| e.what == "request") {
        let path = example
            .path
            .replace("{org}", "octo-org")
            .replace("{owner}", "octocat")
            .replace("{repo}", "hello-world")
            .replace("{secret_name}", "MY_SECRET")
            .replace("{cluster}", "moda-1")
            .replace("{subject_digest}", DIGEST);
        let request = Request::builder()
            .method(example.method.as_str())
            .uri(path.as_str())
            .header("authorization", "Bearer spec-examples")
            .header("content-type", "application/json")
            .body(Body::from(serde_json::to_vec(&example.value).unwrap()))
            .unwrap();
        let response = router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        // The mock may still refuse the content (the example's encrypted_value is not sealed
        // for its key), but not as invalid input.
        assert!(
            !matches!(status.as_u16(), 400 | 413 | 415) && body["message"] != "Validation Failed",
            "{} request example was refused by validation: {status} {body}",
            example.operation_id
        );
        checked += 1;
    }
    assert_eq!(checked, 7, "seven operations have request examples");
}

/// What the client made of a response: the body it returned as JSON (`null` for no body), or
/// what `GitHubError` read from the error.
type ClientOutcome = Result<(u16, Value), github_client::GitHubError>;

/// Calls the client method of `operation_id` against `client`, with the operation's request
/// example as its body; `None` for an operation this test does not know.
async fn call(client: &github_client::Client, operation_id: &str, requests: &[Example]) -> Option<ClientOutcome> {
    use github_client::{DependabotCreateOrUpdateOrgSecretSuccess as OrgSecret, DependabotCreateOrUpdateRepoSecretSuccess as RepoSecret};
    use github_client::{GitHubError, OrgsSetClusterDeploymentRecordsSuccess as SetCluster, ResponseValue};
    fn body<T: serde::de::DeserializeOwned>(requests: &[Example], operation_id: &str) -> T {
        let example = requests.iter().find(|e| e.operation_id == operation_id).expect("a request example");
        serde_json::from_value(example.value.clone()).expect("the request example deserializes")
    }
    fn json<T: serde::Serialize>(value: ResponseValue<T>) -> (u16, Value) {
        (value.status().as_u16(), serde_json::to_value(value.into_inner()).unwrap())
    }
    fn enum_json<T>(value: ResponseValue<T>, body: impl FnOnce(T) -> Value) -> (u16, Value) {
        (value.status().as_u16(), body(value.into_inner()))
    }
    macro_rules! outcome {
        ($call:expr, $ok:expr) => {
            match $call.await {
                Ok(value) => Ok($ok(value)),
                Err(error) => Err(GitHubError::from_error(error).await),
            }
        };
    }
    let digest = github_models::SubjectDigest::try_from(DIGEST).unwrap();
    let storage_digest = github_models::OrgsListArtifactStorageRecordsSubjectDigest::try_from(DIGEST).unwrap();
    let cluster = github_models::OrgsSetClusterDeploymentRecordsCluster::try_from("moda-1").unwrap();
    let (org, owner, repo, secret) = ("octo-org", "octocat", "hello-world", "MY_SECRET");
    Some(match operation_id {
        "orgs/create-artifact-deployment-record" => outcome!(client.orgs_create_artifact_deployment_record(org, &body(requests, operation_id)), json),
        "orgs/set-cluster-deployment-records" => outcome!(client.orgs_set_cluster_deployment_records(org, &cluster, &body(requests, operation_id)), |v| enum_json(
            v,
            |s| match s {
                SetCluster::Ok(b) => serde_json::to_value(b).unwrap(),
                SetCluster::MultiStatus(b) => serde_json::to_value(b).unwrap(),
                other => panic!("a status the spec does not document: {other:?}"),
            }
        )),
        "orgs/create-artifact-storage-record" => outcome!(client.orgs_create_artifact_storage_record(org, &body(requests, operation_id)), json),
        "orgs/list-artifact-deployment-records" => outcome!(client.orgs_list_artifact_deployment_records(org, &digest), json),
        "orgs/list-artifact-storage-records" => outcome!(client.orgs_list_artifact_storage_records(org, &storage_digest), json),
        "dependabot/list-org-secrets" => outcome!(client.dependabot_list_org_secrets(org, None, None), json),
        "dependabot/get-org-public-key" => outcome!(client.dependabot_get_org_public_key(org), json),
        "dependabot/get-org-secret" => outcome!(client.dependabot_get_org_secret(org, secret), json),
        "dependabot/create-or-update-org-secret" => {
            outcome!(client.dependabot_create_or_update_org_secret(org, secret, &body(requests, operation_id)), |v| enum_json(v, |s| match s {
                OrgSecret::Created(b) => serde_json::to_value(b).unwrap(),
                OrgSecret::NoContent => Value::Null,
                other => panic!("a status the spec does not document: {other:?}"),
            }))
        }
        "dependabot/list-selected-repos-for-org-secret" => outcome!(client.dependabot_list_selected_repos_for_org_secret(org, secret, None, None), json),
        "dependabot/list-repo-secrets" => outcome!(client.dependabot_list_repo_secrets(owner, repo, None, None), json),
        "dependabot/get-repo-public-key" => outcome!(client.dependabot_get_repo_public_key(owner, repo), json),
        "dependabot/get-repo-secret" => outcome!(client.dependabot_get_repo_secret(owner, repo, secret), json),
        "dependabot/create-or-update-repo-secret" => {
            outcome!(client.dependabot_create_or_update_repo_secret(owner, repo, secret, &body(requests, operation_id)), |v| enum_json(
                v,
                |s| match s {
                    RepoSecret::Created(b) => serde_json::to_value(b).unwrap(),
                    RepoSecret::NoContent => Value::Null,
                    other => panic!("a status the spec does not document: {other:?}"),
                }
            ))
        }
        "dependency-graph/create-repository-snapshot" => {
            outcome!(client.dependency_graph_create_repository_snapshot(owner, repo, &body(requests, operation_id)), json)
        }
        _ => return None,
    })
}

/// Each response example, served over loopback HTTP with its status by a server that answers
/// every request with it, is accepted by the client method of its operation: a success gives
/// the body the models make of the example; an error status gives a `GitHubError` with that
/// status, whether or not the body matches the documented error type.
#[tokio::test]
async fn every_response_example_is_accepted_by_the_client() {
    use std::sync::{Arc, Mutex};
    let examples = examples();
    let (requests, responses): (Vec<Example>, Vec<Example>) = examples.into_iter().partition(|e| e.what == "request");
    let answer: Arc<Mutex<(u16, Vec<u8>)>> = Arc::new(Mutex::new((500, Vec::new())));
    let shared = answer.clone();
    let router = axum::Router::new().fallback(move || {
        let (status, body) = shared.lock().unwrap().clone();
        async move { (axum::http::StatusCode::from_u16(status).unwrap(), [("content-type", "application/json")], body) }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let client = github_client::Client::builder()
        .base_url(format!("http://{address}"))
        .retry_policy(github_client::RetryPolicy::disabled())
        .build()
        .unwrap();

    let mut failures = Vec::new();
    let (mut successes, mut errors) = (0, 0);
    for example in &responses {
        let status: u16 = example.what.parse().unwrap();
        *answer.lock().unwrap() = (status, serde_json::to_vec(&example.value).unwrap());
        let label = format!("{} {}", example.operation_id, example.what);
        let Some(outcome) = call(&client, &example.operation_id, &requests).await else {
            failures.push(format!("{label}: no client call for this operation in `call`"));
            continue;
        };
        match outcome {
            Ok((got_status, body)) if status < 300 => {
                // What the models make of the example; an empty object for `null` (see
                // `templates/client/responses.rs`).
                let expected = match (&example.value, example.type_name.as_str()) {
                    (Value::Null, "EmptyObject") => serde_json::json!({}),
                    _ => round_trip(&example.type_name, &example.value).unwrap().unwrap(),
                };
                if got_status != status || body != expected {
                    failures.push(format!("{label}: got {got_status} {body}, expected {status} {expected}"));
                }
                successes += 1;
            }
            Err(error) if status >= 400 => {
                if error.status.map(|s| s.as_u16()) != Some(status) || error.kind != github_client::ErrorKind::Status {
                    failures.push(format!("{label}: the error lost its status: {error:?}"));
                }
                errors += 1;
            }
            Ok((got, body)) => failures.push(format!("{label}: an error status came back as a success {got} {body}")),
            Err(error) => failures.push(format!("{label}: refused: {error:?}")),
        }
    }
    assert!(failures.is_empty(), "{} of {} response examples are not accepted:\n{}", failures.len(), responses.len(), failures.join("\n"));
    assert_eq!((successes, errors), (16, 2), "16 success and 2 error response examples");
}
