//! The spec's own examples, for every request body and response of the pinned operations:
//! each deserializes into the generated type (as the client does with a response) and
//! serializes back to equivalent JSON; each request example also passes the server's
//! validation.

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
/// 23.0.2), by operation, status and the first difference. They are asserted to still fail, so
/// this list shrinks when GitHub fixes them.
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
    match codegen::ir::ref_name(schema) {
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
                let type_name = schema.as_ref().and_then(|s| codegen::ir::ref_name(s)).unwrap_or("(inline)").to_owned();
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
