//! Code generated from last month's spec keeps reading today's responses. The crates of the
//! 22.0.0 pin (`tests/compat`, crate `github22-client`) are served, over loopback HTTP, every
//! response example of the 23.0.2 pin, and mutated copies of them: a value the old spec does not
//! list in every string enum, and a field it does not declare in every object. Each must be read:
//!
//! - a status 22.0.0 documents gives its typed body, and an unlisted enum value comes back out
//!   unchanged when the body is serialized again;
//! - a status 22.0.0 does not document (23.0.2 added 403/404 to the artifact-metadata writes and a
//!   207 to set-cluster) comes back as an error that keeps the status and the body, which
//!   `GitHubError` reads.

use std::sync::{Arc, Mutex};

use github22_client::{Client, GitHubError, ResponseValue, RetryPolicy};
use serde_json::{Value, json};
use workspace_tests::{pinned_output, root};

const DIGEST: &str = "sha256:1bb1e949e55dcefc6353e7b36c8897d2a107d8e8dca49d4e3c0ea8493fc0bc72";

/// The value put into every string enum of a response: no version of the spec lists it.
const UNLISTED: &str = "added-by-github-later";

/// The field put into every object of a response.
const EXTRA_FIELD: &str = "added_by_github_later";

/// A JSON body example of one response of the 23.0.2 pin.
struct Example {
    operation_id: String,
    status: u16,
    value: Value,
    /// The body's schema in the 23.0.2 pin (normalized).
    schema: Value,
}

/// The JSON of `spec` at `node`, following a local `$ref`.
fn resolved(spec: &Value, node: &Value) -> Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(reference) => spec.pointer(&reference[1..]).cloned().unwrap_or(Value::Null),
        None => node.clone(),
    }
}

/// The media-type examples of every JSON response of the 23.0.2 pin.
fn examples() -> Vec<Example> {
    let spec: Value = serde_yaml::from_str(&std::fs::read_to_string(root().join(xtask::PINNED_SPEC)).unwrap()).unwrap();
    let mut out = Vec::new();
    for operation in &pinned_output().api.operations {
        let raw = &spec["paths"][operation.path.as_str()][operation.method.to_lowercase().as_str()];
        for response in &operation.responses {
            let content = &resolved(&spec, &raw["responses"][response.status.as_str()])["content"]["application/json"];
            let mut values: Vec<Value> = content["examples"].as_object().into_iter().flatten().map(|(_, e)| resolved(&spec, e)["value"].clone()).collect();
            values.extend(content.get("example").cloned());
            for value in values {
                out.push(Example {
                    operation_id: operation.id.clone(),
                    status: response.status.parse().unwrap(),
                    value,
                    schema: response.body.as_ref().and_then(|b| b.schema.clone()).unwrap_or(Value::Null),
                });
            }
        }
    }
    out
}

/// `schema` with `$ref`s to the 23.0.2 models and single-member `allOf`s (nullable references)
/// followed.
fn schema_of(schema: &Value) -> Value {
    if let Some(name) = codegen::spec::openapi::ref_name(schema) {
        return pinned_output().api.models.iter().find(|m| m.name == name).map(|m| schema_of(&m.schema)).unwrap_or(Value::Null);
    }
    match schema.get("allOf").and_then(Value::as_array) {
        Some(members) if members.len() == 1 => schema_of(&members[0]),
        _ => schema.clone(),
    }
}

/// `value` with [`UNLISTED`] in every string enum (also in enum properties the example leaves
/// out, and as the one item of enum arrays it leaves out) and [`EXTRA_FIELD`] in every object
/// its schema describes; the JSON pointers of the enum values put in go to `unlisted`.
/// Compositions (`oneOf`...) are left alone: which member a value is, is not known here.
fn mutate(value: &Value, schema: &Value, at: &str, unlisted: &mut Vec<String>) -> Value {
    let schema = schema_of(schema);
    match value {
        Value::Object(map) if schema.get("properties").is_some() || schema.get("additionalProperties").is_some() => {
            let mut out = serde_json::Map::new();
            for (key, child) in map {
                let child_schema = schema["properties"].get(key).cloned().unwrap_or_else(|| schema["additionalProperties"].clone());
                out.insert(key.clone(), mutate(child, &child_schema, &format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")), unlisted));
            }
            let properties = schema.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
            for (key, property) in properties.iter().filter(|(key, _)| !map.contains_key(*key)) {
                let property = schema_of(property);
                let here = format!("{at}/{key}");
                if is_string_enum(&property) {
                    out.insert(key.clone(), Value::from(UNLISTED));
                    unlisted.push(here);
                } else if property["type"] == "array" && is_string_enum(&schema_of(&property["items"])) {
                    out.insert(key.clone(), json!([UNLISTED]));
                    unlisted.push(format!("{here}/0"));
                }
            }
            if !properties.is_empty() {
                out.insert(EXTRA_FIELD.to_owned(), json!({"nested": [1, "two"], "flag": true}));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().enumerate().map(|(i, item)| mutate(item, &schema["items"], &format!("{at}/{i}"), unlisted)).collect()),
        Value::String(_) if is_string_enum(&schema) => {
            unlisted.push(at.to_owned());
            Value::from(UNLISTED)
        }
        other => other.clone(),
    }
}

fn is_string_enum(schema: &Value) -> bool {
    schema.get("enum").and_then(Value::as_array).is_some_and(|values| values.iter().any(Value::is_string))
}

/// What the old client made of a response: its body as JSON (`null` for none), or what
/// `GitHubError` read from the error.
type Outcome = Result<(u16, Value), GitHubError>;

/// Calls the old client's method of `operation_id`, with the 22.0.0 pin's own request example
/// as its body.
async fn call(client: &Client, operation_id: &str, requests: &Value) -> Outcome {
    use github22_client::{DependabotCreateOrUpdateOrgSecretSuccess as OrgSecret, DependabotCreateOrUpdateRepoSecretSuccess as RepoSecret};
    fn body<T: serde::de::DeserializeOwned>(requests: &Value, operation_id: &str) -> T {
        serde_json::from_value(requests[operation_id].clone()).unwrap_or_else(|error| panic!("the 22.0.0 request example of {operation_id}: {error}"))
    }
    fn json<T: serde::Serialize>(value: ResponseValue<T>) -> (u16, Value) {
        (value.status().as_u16(), serde_json::to_value(value.into_inner()).unwrap())
    }
    macro_rules! outcome {
        ($call:expr, $ok:expr) => {
            match $call.await {
                Ok(value) => Ok($ok(value)),
                Err(error) => Err(GitHubError::from_error(error).await),
            }
        };
    }
    let digest = github22_models::SubjectDigest::try_from(DIGEST).unwrap();
    let storage_digest = github22_models::OrgsListArtifactStorageRecordsSubjectDigest::try_from(DIGEST).unwrap();
    let cluster = github22_models::OrgsSetClusterDeploymentRecordsCluster::try_from("moda-1").unwrap();
    let (org, owner, repo, secret) = ("octo-org", "octocat", "hello-world", "MY_SECRET");
    let secret_json = |value: ResponseValue<OrgSecret>| match value.into_inner() {
        OrgSecret::Created(body) => (201, serde_json::to_value(body).unwrap()),
        OrgSecret::NoContent => (204, Value::Null),
        other => panic!("{other:?}"),
    };
    let repo_secret_json = |value: ResponseValue<RepoSecret>| match value.into_inner() {
        RepoSecret::Created(body) => (201, serde_json::to_value(body).unwrap()),
        RepoSecret::NoContent => (204, Value::Null),
        other => panic!("{other:?}"),
    };
    match operation_id {
        "orgs/create-artifact-deployment-record" => outcome!(client.orgs_create_artifact_deployment_record(org, &body(requests, operation_id)), json),
        "orgs/set-cluster-deployment-records" => outcome!(client.orgs_set_cluster_deployment_records(org, &cluster, &body(requests, operation_id)), json),
        "orgs/create-artifact-storage-record" => outcome!(client.orgs_create_artifact_storage_record(org, &body(requests, operation_id)), json),
        "orgs/list-artifact-deployment-records" => outcome!(client.orgs_list_artifact_deployment_records(org, &digest), json),
        "orgs/list-artifact-storage-records" => outcome!(client.orgs_list_artifact_storage_records(org, &storage_digest), json),
        "dependabot/list-org-secrets" => outcome!(client.dependabot_list_org_secrets(org, None, None), json),
        "dependabot/get-org-public-key" => outcome!(client.dependabot_get_org_public_key(org), json),
        "dependabot/get-org-secret" => outcome!(client.dependabot_get_org_secret(org, secret), json),
        "dependabot/create-or-update-org-secret" => outcome!(client.dependabot_create_or_update_org_secret(org, secret, &body(requests, operation_id)), secret_json),
        "dependabot/list-selected-repos-for-org-secret" => outcome!(client.dependabot_list_selected_repos_for_org_secret(org, secret, None, None), json),
        "dependabot/list-repo-secrets" => outcome!(client.dependabot_list_repo_secrets(owner, repo, None, None), json),
        "dependabot/get-repo-public-key" => outcome!(client.dependabot_get_repo_public_key(owner, repo), json),
        "dependabot/get-repo-secret" => outcome!(client.dependabot_get_repo_secret(owner, repo, secret), json),
        "dependabot/create-or-update-repo-secret" => {
            outcome!(client.dependabot_create_or_update_repo_secret(owner, repo, secret, &body(requests, operation_id)), repo_secret_json)
        }
        "dependency-graph/create-repository-snapshot" => outcome!(client.dependency_graph_create_repository_snapshot(owner, repo, &body(requests, operation_id)), json),
        other => panic!("no call for {other}: add it to `call`"),
    }
}

/// The 22.0.0 pin: its request body examples by operationId, and the statuses it documents.
fn old_pin() -> (Value, Vec<(String, u16)>) {
    let spec: Value = serde_yaml::from_str(&std::fs::read_to_string(root().join("tests/compat/api.github.com.yaml")).unwrap()).unwrap();
    let mut requests = serde_json::Map::new();
    let mut documented = Vec::new();
    for item in spec["paths"].as_object().unwrap().values() {
        for operation in item.as_object().unwrap().values().filter(|o| o.get("operationId").is_some()) {
            let id = operation["operationId"].as_str().unwrap().to_owned();
            let content = &resolved(&spec, &operation["requestBody"])["content"]["application/json"];
            let example = content["examples"].as_object().and_then(|e| e.values().next()).map(|e| resolved(&spec, e)["value"].clone());
            if let Some(example) = example.or_else(|| content.get("example").cloned()) {
                requests.insert(id.clone(), example);
            }
            for status in operation["responses"].as_object().unwrap().keys() {
                documented.push((id.clone(), status.parse().unwrap()));
            }
        }
    }
    (Value::Object(requests), documented)
}

/// A server answering every request with the body and status in `answer`, and a 22.0.0 client
/// pointed at it.
async fn serve() -> (Client, Arc<Mutex<(u16, Vec<u8>)>>) {
    let answer: Arc<Mutex<(u16, Vec<u8>)>> = Arc::new(Mutex::new((500, Vec::new())));
    let shared = answer.clone();
    let router = axum::Router::new().fallback(move || {
        let (status, body) = shared.lock().unwrap().clone();
        async move { (axum::http::StatusCode::from_u16(status).unwrap(), [("content-type", "application/json")], body) }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let client = Client::builder().base_url(format!("http://{address}")).retry_policy(RetryPolicy::disabled()).build().unwrap();
    (client, answer)
}

#[tokio::test]
async fn the_22_0_0_client_reads_every_23_0_2_response_and_mutations_of_them() {
    let (client, answer) = serve().await;
    let (requests, documented) = old_pin();
    let examples = examples();
    assert_eq!(examples.len(), 18, "the 23.0.2 pin has 18 JSON response examples");

    let mut failures = Vec::new();
    let mut typed = 0;
    let mut undocumented: Vec<String> = Vec::new();
    let mut enum_values_kept = 0;
    for example in &examples {
        let mut unlisted = Vec::new();
        let mutated = mutate(&example.value, &example.schema, "", &mut unlisted);
        for (kind, body, unlisted) in [("example", &example.value, Vec::new()), ("mutated", &mutated, unlisted)] {
            let label = format!("{} {} ({kind})", example.operation_id, example.status);
            *answer.lock().unwrap() = (example.status, serde_json::to_vec(body).unwrap());
            let known = documented.iter().any(|(id, status)| *id == example.operation_id && *status == example.status);
            match call(&client, &example.operation_id, &requests).await {
                Ok((status, back)) if known && example.status < 300 => {
                    typed += 1;
                    if status != example.status {
                        failures.push(format!("{label}: came back as {status}"));
                    }
                    // Every unlisted value the old types have a place for goes back out as it came.
                    for pointer in &unlisted {
                        match back.pointer(pointer) {
                            Some(value) if value == UNLISTED => enum_values_kept += 1,
                            Some(value) => failures.push(format!("{label}: the unlisted value at {pointer} came back as {value}")),
                            // A field 22.0.0 does not declare: ignored, as unknown fields are.
                            None => {}
                        }
                    }
                }
                Err(error) if error.status.map(|s| s.as_u16()) == Some(example.status) && (example.status >= 400 || !known) => {
                    if error.kind != github22_client::ErrorKind::Status {
                        failures.push(format!("{label}: {error:?}"));
                    }
                    if !known {
                        undocumented.push(label);
                    }
                }
                Ok((status, back)) => failures.push(format!("{label}: unexpected success {status} {back}")),
                Err(error) => failures.push(format!("{label}: not read: {error}")),
            }
        }
    }
    assert!(failures.is_empty(), "the 22.0.0 client does not read {} responses:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(typed, 2 * 15, "15 success examples have a status 22.0.0 documents, each read as is and mutated");
    // Four secret visibilities and three deployment records' runtime risks; the repositories'
    // `pull_request_creation_policy` is a field 22.0.0 does not declare, and the 207's values
    // come back in an undocumented status's body.
    assert_eq!(enum_values_kept, 7, "unlisted enum values read into the old types and serialized back unchanged");
    undocumented.sort();
    assert_eq!(
        undocumented,
        [
            "orgs/set-cluster-deployment-records 207 (example)",
            "orgs/set-cluster-deployment-records 207 (mutated)",
            "orgs/set-cluster-deployment-records 403 (example)",
            "orgs/set-cluster-deployment-records 403 (mutated)",
            "orgs/set-cluster-deployment-records 404 (example)",
            "orgs/set-cluster-deployment-records 404 (mutated)",
        ],
        "statuses 23.0.2 added come back as errors with their status and body"
    );
}

/// The mutations reach what they should: every string enum and every object of the examples.
#[test]
fn the_mutations_put_unlisted_values_and_fields_everywhere() {
    let secret = examples().into_iter().find(|e| e.operation_id == "dependabot/list-org-secrets").unwrap();
    let mut unlisted = Vec::new();
    let mutated = mutate(&secret.value, &secret.schema, "", &mut unlisted);
    assert_eq!(unlisted, ["/secrets/0/visibility", "/secrets/1/visibility", "/secrets/2/visibility"]);
    assert_eq!(mutated["secrets"][0]["visibility"], UNLISTED);
    assert!(mutated[EXTRA_FIELD].is_object() && mutated["secrets"][1][EXTRA_FIELD].is_object());
}
