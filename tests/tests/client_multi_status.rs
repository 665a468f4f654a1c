//! The three operations progenitor cannot express (two success types each) get client methods
//! whose result tells which documented status came back, with the typed body for it. Tested
//! over real loopback HTTP against a small axum server that answers like GitHub.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Json;
use axum::http::StatusCode;
use axum::routing::{post, put};
use github_client::{Client, DependabotCreateOrUpdateOrgSecretSuccess, Error, OrgsSetClusterDeploymentRecordsSuccess};
use github_models::{
    DependabotCreateOrUpdateOrgSecretRequest, DependabotCreateOrUpdateOrgSecretRequestVisibility, OrgsSetClusterDeploymentRecordsCluster,
    OrgsSetClusterDeploymentRecordsRequest,
};
use serde_json::{Value, json};

/// Starts `router` on an ephemeral loopback port and returns a client for it.
async fn serve(router: axum::Router) -> Client {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    Client::new(&format!("http://{address}"))
}

fn secret_body() -> DependabotCreateOrUpdateOrgSecretRequest {
    serde_json::from_value(json!({
        "encrypted_value": "c2VjcmV0",
        "key_id": "012345678912345678",
        "visibility": "selected",
        "selected_repository_ids": [1296269, "1296280"]
    }))
    .unwrap()
}

#[tokio::test]
async fn create_or_update_secret_tells_201_from_204() {
    // GitHub answers 201 with `{}` when the secret is created, 204 when it is updated.
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    let router = axum::Router::new().route(
        "/orgs/{org}/dependabot/secrets/{secret_name}",
        put(move |Json(body): Json<Value>| {
            let seen = seen.clone();
            async move {
                assert_eq!(body["visibility"], "selected");
                assert_eq!(body["selected_repository_ids"], json!([1296269, "1296280"]));
                if seen.fetch_add(1, Ordering::SeqCst) == 0 {
                    (StatusCode::CREATED, Json(json!({}))).into_response_parts()
                } else {
                    (StatusCode::NO_CONTENT, Json(Value::Null)).into_response_parts()
                }
            }
        }),
    );
    let client = serve(router).await;
    let body = secret_body();
    assert_eq!(body.visibility, DependabotCreateOrUpdateOrgSecretRequestVisibility::Selected);

    let first = client.dependabot_create_or_update_org_secret("octo-org", "MY_SECRET", &body).await.unwrap();
    assert_eq!(first.status(), 201);
    assert!(matches!(first.into_inner(), DependabotCreateOrUpdateOrgSecretSuccess::Created(_)));

    let second = client.dependabot_create_or_update_org_secret("octo-org", "MY_SECRET", &body).await.unwrap();
    assert_eq!(second.status(), 204);
    assert!(matches!(second.into_inner(), DependabotCreateOrUpdateOrgSecretSuccess::NoContent));
}

/// Builds a (status, JSON) response; `Value::Null` means an empty body.
trait IntoParts {
    fn into_response_parts(self) -> axum::response::Response;
}

impl IntoParts for (StatusCode, Json<Value>) {
    fn into_response_parts(self) -> axum::response::Response {
        use axum::response::IntoResponse;
        if self.1.0.is_null() { self.0.into_response() } else { self.into_response() }
    }
}

const DIGEST: &str = "sha256:1bb1e949e55dcefc6353e7b36c8897d2a107d8e8dca49d4e3c0ea8493fc0bc72";

fn cluster_request(partial: bool) -> OrgsSetClusterDeploymentRecordsRequest {
    serde_json::from_value(json!({
        "logical_environment": "prod",
        "partial_success": partial,
        "deployments": [{"name": "web", "deployment_name": "web-1", "digest": DIGEST}]
    }))
    .unwrap()
}

fn record() -> Value {
    json!({"id": 1, "digest": DIGEST, "cluster": "moda-1", "deployment_name": "web-1"})
}

#[tokio::test]
async fn set_cluster_records_tells_200_from_207_and_types_errors() {
    let router = axum::Router::new().route(
        "/orgs/{org}/artifacts/metadata/deployment-record/cluster/{cluster}",
        post(|axum::extract::Path((org, _cluster)): axum::extract::Path<(String, String)>, Json(body): Json<Value>| async move {
            use axum::response::IntoResponse;
            if org == "missing" {
                return (StatusCode::NOT_FOUND, Json(json!({"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}))).into_response();
            }
            if body["partial_success"] == true {
                let errors = json!([{"cause": "not_found", "deployment": {"name": "web", "digest": DIGEST}}]);
                (StatusCode::MULTI_STATUS, Json(json!({"total_count": 1, "deployment_records": [record()], "errors": errors}))).into_response()
            } else {
                (StatusCode::OK, Json(json!({"total_count": 1, "deployment_records": [record()]}))).into_response()
            }
        }),
    );
    let client = serve(router).await;
    let cluster = OrgsSetClusterDeploymentRecordsCluster::try_from("moda-1").unwrap();

    let all = client.orgs_set_cluster_deployment_records("octo-org", &cluster, &cluster_request(false)).await.unwrap();
    match all.into_inner() {
        OrgsSetClusterDeploymentRecordsSuccess::Ok(body) => {
            assert_eq!(body.total_count, 1);
            assert_eq!(body.deployment_records[0].cluster.as_deref(), Some("moda-1"));
        }
        other => panic!("expected 200, got {other:?}"),
    }

    let partial = client.orgs_set_cluster_deployment_records("octo-org", &cluster, &cluster_request(true)).await.unwrap();
    assert_eq!(partial.status(), 207);
    match partial.into_inner() {
        OrgsSetClusterDeploymentRecordsSuccess::MultiStatus(body) => {
            assert_eq!(body.errors.len(), 1);
            assert_eq!(body.errors[0].deployment.as_ref().and_then(|d| d.name.as_deref()), Some("web"));
        }
        other => panic!("expected 207, got {other:?}"),
    }

    // A documented error status arrives as a typed error body.
    match client.orgs_set_cluster_deployment_records("missing", &cluster, &cluster_request(false)).await {
        Err(Error::ErrorResponse(response)) => {
            assert_eq!(response.status(), 404);
            assert_eq!(response.into_inner().message.as_deref(), Some("Not Found"));
        }
        other => panic!("expected a 404 error response, got {other:?}"),
    }
}

#[tokio::test]
async fn an_undocumented_status_is_an_unexpected_response() {
    let router = axum::Router::new().route(
        "/orgs/{org}/dependabot/secrets/{secret_name}",
        put(|| async { StatusCode::IM_A_TEAPOT }),
    );
    let client = serve(router).await;
    match client.dependabot_create_or_update_org_secret("o", "S", &secret_body()).await {
        Err(Error::UnexpectedResponse(response)) => assert_eq!(response.status(), 418),
        other => panic!("expected an unexpected-response error, got {other:?}"),
    }
}

/// A 201 whose documented body is `empty-object` may come with no body, `null` or `{}`, and is
/// `Created` each time; a body that is not an object is still refused.
#[tokio::test]
async fn create_or_update_secret_accepts_201_without_a_body() {
    let answers = ["", "null", " {} ", "[1]"];
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    let router = axum::Router::new().route(
        "/orgs/{org}/dependabot/secrets/{secret_name}",
        put(move || {
            let answer = answers[seen.fetch_add(1, Ordering::SeqCst)];
            async move { (StatusCode::CREATED, [("content-type", "application/json")], answer) }
        }),
    );
    let client = serve(router).await;
    for answer in &answers[..3] {
        let created = client.dependabot_create_or_update_org_secret("octo-org", "MY_SECRET", &secret_body()).await;
        match created.map(|r| (r.status(), r.into_inner())) {
            Ok((status, DependabotCreateOrUpdateOrgSecretSuccess::Created(_))) => assert_eq!(status, 201),
            other => panic!("201 with {answer:?}: expected Created, got {other:?}"),
        }
    }
    let wrong = client.dependabot_create_or_update_org_secret("octo-org", "MY_SECRET", &secret_body()).await;
    assert!(matches!(wrong, Err(Error::InvalidResponsePayload(..))), "{wrong:?}");
}

/// A documented error status whose body does not match `basic-error` (GitHub's own examples
/// give `message` as an object) keeps its status, headers and body, as an unexpected response.
#[tokio::test]
async fn an_error_body_that_does_not_match_keeps_its_status() {
    let router = axum::Router::new().route(
        "/orgs/{org}/artifacts/metadata/deployment-record/cluster/{cluster}",
        post(|| async {
            let body = json!({"message": {"code": "forbidden"}, "documentation_url": "https://docs.github.com/rest"});
            (StatusCode::FORBIDDEN, [("x-ratelimit-remaining", "41")], Json(body))
        }),
    );
    let client = serve(router).await;
    let cluster = OrgsSetClusterDeploymentRecordsCluster::try_from("moda-1").unwrap();
    let error = client.orgs_set_cluster_deployment_records("octo-org", &cluster, &cluster_request(false)).await.unwrap_err();
    let Error::UnexpectedResponse(response) = error else { panic!("expected the response back, got {error:?}") };
    assert_eq!(response.status(), 403);
    assert_eq!(response.headers()["x-ratelimit-remaining"], "41");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["message"]["code"], "forbidden");
}
