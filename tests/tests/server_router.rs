//! The generated server, driven with raw HTTP requests (`tower::ServiceExt::oneshot`): bad
//! input is answered in GitHub's error shapes (400, 413, 415, 422 listing every failing field,
//! 404, 405) without reaching the implementation, and valid input reaches it typed, with the
//! spec's defaults applied, and its typed responses go out with the right status, body and
//! headers.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use github_server::{AllowEveryone, Anyone, Api, Principal, RequestContext, RouterConfig, ServerError, requests, responses};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

const DIGEST: &str = "sha256:1bb1e949e55dcefc6353e7b36c8897d2a107d8e8dca49d4e3c0ea8493fc0bc72";

/// Builds a model from JSON; the test data is valid by construction.
macro_rules! model {
    ($($json:tt)+) => {
        serde_json::from_value(json!($($json)+)).expect("test data matches the model")
    };
}

/// What `dependabot_get_org_secret` found in its context: the request id and the `user-agent`
/// header.
type SeenContext = (String, Option<String>);

/// An implementation that answers from its input, so that the tests can see what reached it,
/// and counts its calls, so that they can see what did not.
#[derive(Clone, Default)]
struct Recorder {
    calls: Arc<AtomicUsize>,
    /// What each call of `dependabot_get_org_secret` found in its context.
    contexts: Arc<std::sync::Mutex<Vec<SeenContext>>>,
}

impl Recorder {
    fn called(&self) {
        self.calls.fetch_add(1, Ordering::SeqCst);
    }
}

fn unused() -> ServerError {
    ServerError::new(StatusCode::NOT_IMPLEMENTED, "not used by these tests")
}

impl Api for Recorder {
    type Caller = Anyone;

    async fn dependabot_add_selected_repo_to_org_secret(
        &self,
        _: RequestContext<Anyone>,
        request: requests::DependabotAddSelectedRepoToOrgSecret,
    ) -> Result<responses::DependabotAddSelectedRepoToOrgSecret, ServerError> {
        self.called();
        // The secret `ALL` has visibility `all`: GitHub answers 409.
        Ok(if request.secret_name == "ALL" {
            responses::DependabotAddSelectedRepoToOrgSecret::Conflict
        } else {
            assert_eq!(request.repository_id, 1296269, "the path parameter arrives as an integer");
            responses::DependabotAddSelectedRepoToOrgSecret::NoContent
        })
    }

    async fn dependabot_create_or_update_org_secret(
        &self,
        _: RequestContext<Anyone>,
        request: requests::DependabotCreateOrUpdateOrgSecret,
    ) -> Result<responses::DependabotCreateOrUpdateOrgSecret, ServerError> {
        self.called();
        assert_eq!(request.body.visibility, github_models::DependabotCreateOrUpdateOrgSecretRequestVisibility::Selected);
        Ok(if request.secret_name == "NEW" {
            responses::DependabotCreateOrUpdateOrgSecret::Created(github_models::EmptyObject::default())
        } else {
            responses::DependabotCreateOrUpdateOrgSecret::NoContent
        })
    }

    async fn dependabot_create_or_update_repo_secret(
        &self,
        _: RequestContext<Anyone>,
        _: requests::DependabotCreateOrUpdateRepoSecret,
    ) -> Result<responses::DependabotCreateOrUpdateRepoSecret, ServerError> {
        self.called();
        Ok(responses::DependabotCreateOrUpdateRepoSecret::NoContent)
    }

    async fn dependabot_delete_org_secret(&self, _: RequestContext<Anyone>, _: requests::DependabotDeleteOrgSecret) -> Result<responses::DependabotDeleteOrgSecret, ServerError> {
        self.called();
        Ok(responses::DependabotDeleteOrgSecret::NoContent)
    }

    async fn dependabot_delete_repo_secret(&self, _: RequestContext<Anyone>, _: requests::DependabotDeleteRepoSecret) -> Result<responses::DependabotDeleteRepoSecret, ServerError> {
        self.called();
        Err(unused())
    }

    async fn dependabot_get_org_public_key(&self, _: RequestContext<Anyone>, _: requests::DependabotGetOrgPublicKey) -> Result<responses::DependabotGetOrgPublicKey, ServerError> {
        self.called();
        Err(unused())
    }

    async fn dependabot_get_org_secret(&self, context: RequestContext<Anyone>, request: requests::DependabotGetOrgSecret) -> Result<responses::DependabotGetOrgSecret, ServerError> {
        self.called();
        assert_eq!(context.operation.operation_id, "dependabot/get-org-secret");
        assert_eq!(context.caller.grants(), &github_server::Grants::everything(), "AllowEveryone's caller");
        let agent = context.headers.get("user-agent").and_then(|v| v.to_str().ok()).map(str::to_owned);
        self.contexts.lock().unwrap().push((context.request_id.to_string(), agent));
        // The spec documents only 200; "no such secret" is the escape hatch.
        if request.secret_name != "NPM_TOKEN" {
            return Err(ServerError::not_found());
        }
        Ok(responses::DependabotGetOrgSecret::Ok(model!({
            "name": "NPM_TOKEN",
            "created_at": "2019-08-10T14:59:22Z",
            "updated_at": "2020-01-10T14:59:22Z",
            "visibility": "private"
        })))
    }

    async fn dependabot_get_repo_public_key(&self, _: RequestContext<Anyone>, _: requests::DependabotGetRepoPublicKey) -> Result<responses::DependabotGetRepoPublicKey, ServerError> {
        self.called();
        Err(unused())
    }

    async fn dependabot_get_repo_secret(&self, _: RequestContext<Anyone>, _: requests::DependabotGetRepoSecret) -> Result<responses::DependabotGetRepoSecret, ServerError> {
        self.called();
        Err(ServerError::internal("the secret store is down"))
    }

    async fn dependabot_list_org_secrets(&self, _: RequestContext<Anyone>, request: requests::DependabotListOrgSecrets) -> Result<responses::DependabotListOrgSecrets, ServerError> {
        self.called();
        // The link header tells the test which page and page size arrived.
        let next = format!(
            "<https://api.github.com/orgs/{}/dependabot/secrets?per_page={}&page={}>; rel=\"next\"",
            request.org,
            request.per_page,
            request.page + 1
        );
        Ok(responses::DependabotListOrgSecrets::Ok {
            body: model!({"total_count": 0, "secrets": []}),
            link: Some(next),
        })
    }

    async fn dependabot_list_repo_secrets(&self, _: RequestContext<Anyone>, _: requests::DependabotListRepoSecrets) -> Result<responses::DependabotListRepoSecrets, ServerError> {
        self.called();
        Ok(responses::DependabotListRepoSecrets::Ok {
            body: model!({"total_count": 0, "secrets": []}),
            link: None,
        })
    }

    async fn dependabot_list_selected_repos_for_org_secret(
        &self,
        _: RequestContext<Anyone>,
        _: requests::DependabotListSelectedReposForOrgSecret,
    ) -> Result<responses::DependabotListSelectedReposForOrgSecret, ServerError> {
        self.called();
        Err(unused())
    }

    async fn dependabot_remove_selected_repo_from_org_secret(
        &self,
        _: RequestContext<Anyone>,
        request: requests::DependabotRemoveSelectedRepoFromOrgSecret,
    ) -> Result<responses::DependabotRemoveSelectedRepoFromOrgSecret, ServerError> {
        self.called();
        Ok(if request.secret_name == "ALL" {
            responses::DependabotRemoveSelectedRepoFromOrgSecret::Conflict
        } else {
            responses::DependabotRemoveSelectedRepoFromOrgSecret::NoContent
        })
    }

    async fn dependabot_set_selected_repos_for_org_secret(
        &self,
        _: RequestContext<Anyone>,
        _: requests::DependabotSetSelectedReposForOrgSecret,
    ) -> Result<responses::DependabotSetSelectedReposForOrgSecret, ServerError> {
        self.called();
        Ok(responses::DependabotSetSelectedReposForOrgSecret::NoContent)
    }

    async fn dependency_graph_create_repository_snapshot(
        &self,
        _: RequestContext<Anyone>,
        request: requests::DependencyGraphCreateRepositorySnapshot,
    ) -> Result<responses::DependencyGraphCreateRepositorySnapshot, ServerError> {
        self.called();
        Ok(responses::DependencyGraphCreateRepositorySnapshot::Created(model!({
            "id": 12345,
            "created_at": request.body.scanned.to_rfc3339(),
            "result": "SUCCESS",
            "message": format!("{} manifests", request.body.manifests.len())
        })))
    }

    async fn orgs_create_artifact_deployment_record(
        &self,
        _: RequestContext<Anyone>,
        _: requests::OrgsCreateArtifactDeploymentRecord,
    ) -> Result<responses::OrgsCreateArtifactDeploymentRecord, ServerError> {
        self.called();
        Err(unused())
    }

    async fn orgs_create_artifact_storage_record(
        &self,
        _: RequestContext<Anyone>,
        _: requests::OrgsCreateArtifactStorageRecord,
    ) -> Result<responses::OrgsCreateArtifactStorageRecord, ServerError> {
        self.called();
        Err(unused())
    }

    async fn orgs_list_artifact_deployment_records(
        &self,
        _: RequestContext<Anyone>,
        request: requests::OrgsListArtifactDeploymentRecords,
    ) -> Result<responses::OrgsListArtifactDeploymentRecords, ServerError> {
        self.called();
        // The digest arrives as the models crate's validated newtype.
        let digest: &str = &request.subject_digest;
        Ok(responses::OrgsListArtifactDeploymentRecords::Ok(model!({
            "total_count": 1,
            "deployment_records": [{"id": 1, "digest": digest, "cluster": "moda-1"}]
        })))
    }

    async fn orgs_list_artifact_storage_records(
        &self,
        _: RequestContext<Anyone>,
        _: requests::OrgsListArtifactStorageRecords,
    ) -> Result<responses::OrgsListArtifactStorageRecords, ServerError> {
        self.called();
        Err(unused())
    }

    async fn orgs_set_cluster_deployment_records(
        &self,
        _: RequestContext<Anyone>,
        request: requests::OrgsSetClusterDeploymentRecords,
    ) -> Result<responses::OrgsSetClusterDeploymentRecords, ServerError> {
        self.called();
        if request.org == "locked" {
            return Ok(responses::OrgsSetClusterDeploymentRecords::Forbidden(model!({
                "message": "artifact metadata write permission required",
                "documentation_url": "https://docs.github.com/rest"
            })));
        }
        let count = request.body.deployments.len() as i64;
        let records: Vec<Value> = request
            .body
            .deployments
            .iter()
            .map(|d| json!({"digest": d.digest.as_str(), "deployment_name": d.deployment_name.as_str(), "cluster": request.cluster.as_str()}))
            .collect();
        Ok(if request.body.partial_success {
            responses::OrgsSetClusterDeploymentRecords::MultiStatus(model!({
                "total_count": count - 1,
                "deployment_records": &records[1..],
                "errors": [{"cause": "not_found", "deployment": {"name": "web", "digest": DIGEST}}]
            }))
        } else {
            responses::OrgsSetClusterDeploymentRecords::Ok(model!({"total_count": count, "deployment_records": records}))
        })
    }
}

/// The answer to one request: status, headers and the body as JSON (`Null` when empty).
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
}

async fn send(router: Router, method: Method, uri: &str, content_type: Option<&str>, body: impl Into<Body>) -> Answer {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    let response = router.oneshot(request.body(body.into()).unwrap()).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("every answer is JSON ({e}): {}", String::from_utf8_lossy(&bytes)))
    };
    Answer { status, headers, body }
}

async fn send_json(router: Router, method: Method, uri: &str, body: &Value) -> Answer {
    send(router, method, uri, Some("application/json"), body.to_string()).await
}

fn server() -> (Router, Recorder) {
    let recorder = Recorder::default();
    (github_server::router(recorder.clone(), AllowEveryone), recorder)
}

fn calls(recorder: &Recorder) -> usize {
    recorder.calls.load(Ordering::SeqCst)
}

const CLUSTER: &str = "/orgs/octo-org/artifacts/metadata/deployment-record/cluster/moda-1";
const SECRET: &str = "/orgs/octo-org/dependabot/secrets/NEW";

fn secret_body() -> Value {
    json!({"encrypted_value": "c2VjcmV0", "key_id": "012345678912345678", "visibility": "selected", "selected_repository_ids": [1296269, "1296280"]})
}

#[tokio::test]
async fn malformed_json_is_a_400_in_githubs_shape() {
    let (router, recorder) = server();
    let answer = send(router, Method::PUT, SECRET, Some("application/json"), r#"{"visibility": "selected""#).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.body, json!({"message": "Problems parsing JSON", "documentation_url": "https://docs.github.com/rest"}));
    assert_eq!(answer.headers["content-type"], "application/json");
    assert_eq!(calls(&recorder), 0);
}

#[tokio::test]
async fn every_schema_violation_of_a_body_is_listed_in_one_422() {
    let (router, recorder) = server();
    let body = json!({
        // `logical_environment` is missing, `partial_success` is not a boolean.
        "partial_success": "yes",
        "deployments": [
            {"name": "ok", "deployment_name": "web-0", "digest": DIGEST},
            {"deployment_name": "web-1", "digest": DIGEST},
            {"name": "web", "deployment_name": "", "digest": "sha256:XYZ"},
            {"name": "web", "deployment_name": "web-3", "digest": DIGEST, "runtime_risks": ["sensitive-data", "sensitive-data", "lava"], "status": "gone", "tags": {"team": 7}}
        ]
    });
    let answer = send_json(router, Method::POST, CLUSTER, &body).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", answer.body);
    let resource = "OrgsSetClusterDeploymentRecordsRequest";
    let error = |field: &str, code: &str, message: &str| json!({"resource": resource, "field": field, "code": code, "message": message});
    assert_eq!(
        answer.body,
        json!({
            "message": "Validation Failed",
            "errors": [
                error("deployments[1].name", "missing_field", "is required"),
                error("deployments[2].deployment_name", "invalid", "must not be empty"),
                error("deployments[2].digest", "invalid", "must be exactly 71 characters long"),
                error("deployments[2].digest", "invalid", "must match the pattern ^sha256:[a-f0-9]{64}$"),
                error("deployments[3].runtime_risks[1]", "invalid", "repeats item 0; the items must be unique"),
                error("deployments[3].runtime_risks[2]", "invalid", "must be one of: critical-resource, internet-exposed, lateral-movement, sensitive-data"),
                error("deployments[3].status", "invalid", "must be one of: deployed, decommissioned"),
                error("deployments[3].tags.team", "invalid", "must be a string"),
                error("logical_environment", "missing_field", "is required"),
                error("partial_success", "invalid", "must be a boolean"),
            ],
            "documentation_url": "https://docs.github.com/rest"
        })
    );
    assert_eq!(calls(&recorder), 0, "invalid input never reaches the implementation");
}

#[tokio::test]
async fn path_parameter_and_body_errors_are_reported_together() {
    let (router, recorder) = server();
    let uri = "/orgs/octo-org/artifacts/metadata/deployment-record/cluster/no%20spaces!";
    let answer = send_json(router, Method::POST, uri, &json!({"deployments": [], "logical_environment": ""})).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        answer.body["errors"],
        json!([
            {"resource": "path", "field": "cluster", "code": "invalid", "message": "must match the pattern ^[a-zA-Z0-9._-]+$"},
            {"resource": "OrgsSetClusterDeploymentRecordsRequest", "field": "logical_environment", "code": "invalid", "message": "must not be empty"},
        ])
    );
    assert_eq!(calls(&recorder), 0);
}

#[tokio::test]
async fn a_bad_digest_in_the_path_is_a_422() {
    let (router, recorder) = server();
    let answer = send(router, Method::GET, "/orgs/octo-org/artifacts/sha256:nothex/metadata/deployment-records", None, Body::empty()).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer.body["message"], "Validation Failed");
    assert_eq!(
        answer.body["errors"],
        json!([
            {"resource": "path", "field": "subject_digest", "code": "invalid", "message": "must be exactly 71 characters long"},
            {"resource": "path", "field": "subject_digest", "code": "invalid", "message": "must match the pattern ^sha256:[a-f0-9]{64}$"},
        ])
    );
    assert_eq!(calls(&recorder), 0);

    // A good digest reaches the implementation as the typed newtype.
    let (router, recorder) = server();
    let answer = send(router, Method::GET, &format!("/orgs/octo-org/artifacts/{DIGEST}/metadata/deployment-records"), None, Body::empty()).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.body["deployment_records"][0]["digest"], DIGEST);
    assert_eq!(calls(&recorder), 1);
}

#[tokio::test]
async fn query_parameters_are_typed_with_the_specs_defaults() {
    // Absent: the spec's defaults (30 per page, page 1) reach the implementation.
    let (router, _) = server();
    let answer = send(router, Method::GET, "/orgs/octo-org/dependabot/secrets", None, Body::empty()).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body, json!({"total_count": 0, "secrets": []}));
    assert_eq!(answer.headers["link"], "<https://api.github.com/orgs/octo-org/dependabot/secrets?per_page=30&page=2>; rel=\"next\"");

    let (router, _) = server();
    let answer = send(router, Method::GET, "/orgs/octo-org/dependabot/secrets?per_page=100&page=3&unknown=x", None, Body::empty()).await;
    assert_eq!(answer.headers["link"], "<https://api.github.com/orgs/octo-org/dependabot/secrets?per_page=100&page=4>; rel=\"next\"");

    // Not integers: one 422 naming both.
    let (router, recorder) = server();
    let answer = send(router, Method::GET, "/orgs/octo-org/dependabot/secrets?per_page=lots&page=1.5", None, Body::empty()).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        answer.body["errors"],
        json!([
            {"resource": "query", "field": "page", "code": "invalid", "message": "must be an integer"},
            {"resource": "query", "field": "per_page", "code": "invalid", "message": "must be an integer"},
        ])
    );
    assert_eq!(calls(&recorder), 0);

    // No link header when the implementation gives none.
    let (router, _) = server();
    let answer = send(router, Method::GET, "/repos/octo/hello/dependabot/secrets", None, Body::empty()).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.headers.get("link").is_none());
}

#[tokio::test]
async fn integer_path_parameters_are_checked() {
    let (router, recorder) = server();
    let answer = send(router, Method::PUT, "/orgs/octo-org/dependabot/secrets/S/repositories/abc", None, Body::empty()).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer.body["errors"], json!([{"resource": "path", "field": "repository_id", "code": "invalid", "message": "must be an integer"}]));
    assert_eq!(calls(&recorder), 0);
}

#[tokio::test]
async fn the_wrong_content_type_is_a_415() {
    let (router, recorder) = server();
    let answer = send(router.clone(), Method::PUT, SECRET, Some("text/plain"), secret_body().to_string()).await;
    assert_eq!(answer.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(answer.body["documentation_url"], "https://docs.github.com/rest");
    assert!(answer.body["message"].as_str().unwrap().starts_with("Unsupported Media Type"), "{}", answer.body);

    let answer = send(router.clone(), Method::PUT, SECRET, None, secret_body().to_string()).await;
    assert_eq!(answer.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "a JSON body needs its content type");
    assert_eq!(calls(&recorder), 0);

    // Parameters and `+json` types are fine.
    let answer = send(router, Method::PUT, SECRET, Some("application/vnd.github+json; charset=utf-8"), secret_body().to_string()).await;
    assert_eq!(answer.status, StatusCode::CREATED);
    assert_eq!(calls(&recorder), 1);
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_413() {
    // The default limit is 1 MiB.
    let (router, recorder) = server();
    let padding = "a".repeat(github_server::DEFAULT_BODY_LIMIT);
    let big = json!({"visibility": "selected", "key_id": padding}).to_string();
    let answer = send(router, Method::PUT, SECRET, Some("application/json"), big).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(answer.body, json!({"message": "Payload Too Large", "documentation_url": "https://docs.github.com/rest"}));
    assert_eq!(calls(&recorder), 0);

    // A smaller limit, set through the config.
    let recorder = Recorder::default();
    let router = github_server::router_with_config(recorder.clone(), AllowEveryone, RouterConfig::default().with_body_limit(64));
    let answer = send_json(router.clone(), Method::PUT, SECRET, &secret_body()).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    let answer = send_json(router, Method::PUT, SECRET, &json!({"visibility": "selected"})).await;
    assert_eq!(answer.status, StatusCode::CREATED, "a body under the limit is served");
    assert_eq!(calls(&recorder), 1);
}

#[tokio::test]
async fn unknown_routes_are_404_and_wrong_methods_405_in_json() {
    let (router, recorder) = server();
    let answer = send(router, Method::GET, "/orgs/octo-org/nothing-here", None, Body::empty()).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.body, json!({"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}));

    let (router, _) = server();
    let answer = send(router, Method::PATCH, SECRET, Some("application/json"), "{}").await;
    assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(answer.body, json!({"message": "Method Not Allowed", "documentation_url": "https://docs.github.com/rest"}));
    assert_eq!(answer.headers["allow"], "DELETE, GET, PUT");
    assert_eq!(calls(&recorder), 0);
}

#[tokio::test]
async fn create_or_update_secret_answers_201_with_a_body_or_204_without() {
    let (router, recorder) = server();
    let created = send_json(router.clone(), Method::PUT, SECRET, &secret_body()).await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert_eq!(created.body, json!({}));
    let updated = send_json(router, Method::PUT, "/orgs/octo-org/dependabot/secrets/OLD", &secret_body()).await;
    assert_eq!(updated.status, StatusCode::NO_CONTENT);
    assert_eq!(updated.body, Value::Null, "204 has no body");
    assert_eq!(calls(&recorder), 2);
}

#[tokio::test]
async fn secret_bodies_are_validated_field_by_field() {
    let (router, recorder) = server();
    let body = json!({"visibility": "everyone", "encrypted_value": "not base64!", "selected_repository_ids": [1, "2", true, null], "key_id": 5});
    let answer = send_json(router, Method::PUT, SECRET, &body).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<(&str, &str)> = answer.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        fields,
        [
            ("encrypted_value", "must match the pattern ^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$"),
            ("key_id", "must be a string"),
            ("selected_repository_ids[2]", "must be one of: string, integer"),
            ("selected_repository_ids[3]", "must be one of: string, integer"),
            ("visibility", "must be one of: all, private, selected"),
        ]
    );
    assert_eq!(calls(&recorder), 0);
}

#[tokio::test]
async fn set_cluster_records_answers_200_207_or_403_with_typed_bodies() {
    let deployments = json!([
        {"name": "web", "deployment_name": "web-1", "digest": DIGEST, "runtime_risks": ["internet-exposed"]},
        {"name": "api", "deployment_name": "api-1", "digest": DIGEST}
    ]);
    let (router, recorder) = server();
    let all = send_json(router.clone(), Method::POST, CLUSTER, &json!({"logical_environment": "prod", "deployments": deployments})).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    assert_eq!(all.body["total_count"], 2);
    assert_eq!(all.body["deployment_records"][1]["deployment_name"], "api-1");
    assert_eq!(all.body["deployment_records"][0]["cluster"], "moda-1");

    let partial = send_json(router.clone(), Method::POST, CLUSTER, &json!({"logical_environment": "prod", "partial_success": true, "deployments": deployments})).await;
    assert_eq!(partial.status, StatusCode::MULTI_STATUS);
    assert_eq!(partial.body["total_count"], 1);
    assert_eq!(partial.body["errors"][0]["cause"], "not_found");

    let uri = "/orgs/locked/artifacts/metadata/deployment-record/cluster/moda-1";
    let forbidden = send_json(router, Method::POST, uri, &json!({"logical_environment": "prod", "deployments": []})).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    assert_eq!(forbidden.body["message"], "artifact metadata write permission required");
    assert_eq!(calls(&recorder), 3);
}

#[tokio::test]
async fn add_and_remove_selected_repo_answer_204_or_409() {
    let (router, _) = server();
    let added = send(router.clone(), Method::PUT, "/orgs/octo-org/dependabot/secrets/S/repositories/1296269", None, Body::empty()).await;
    assert_eq!((added.status, added.body), (StatusCode::NO_CONTENT, Value::Null));
    let conflict = send(router.clone(), Method::PUT, "/orgs/octo-org/dependabot/secrets/ALL/repositories/1296269", None, Body::empty()).await;
    assert_eq!((conflict.status, conflict.body), (StatusCode::CONFLICT, Value::Null));
    let removed = send(router.clone(), Method::DELETE, "/orgs/octo-org/dependabot/secrets/S/repositories/1", None, Body::empty()).await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    let conflict = send(router, Method::DELETE, "/orgs/octo-org/dependabot/secrets/ALL/repositories/1", None, Body::empty()).await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn undocumented_errors_go_through_server_error() {
    let (router, _) = server();
    let found = send(router.clone(), Method::GET, "/orgs/octo-org/dependabot/secrets/NPM_TOKEN", None, Body::empty()).await;
    assert_eq!(found.status, StatusCode::OK);
    assert_eq!(found.body["visibility"], "private");
    assert_eq!(found.body["created_at"], "2019-08-10T14:59:22Z");

    let missing = send(router.clone(), Method::GET, "/orgs/octo-org/dependabot/secrets/NOPE", None, Body::empty()).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.body, json!({"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}));

    let down = send(router, Method::GET, "/repos/octo/hello/dependabot/secrets/X", None, Body::empty()).await;
    assert_eq!(down.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(down.body["message"], "the secret store is down");
}

#[tokio::test]
async fn snapshot_bodies_check_unknown_keys_dates_patterns_and_nested_maps() {
    let valid = json!({
        "version": 0,
        "sha": "ce587453ced02b1526dfb4cb910479d431683101",
        "ref": "refs/heads/main",
        "job": {"correlator": "workflow_job", "id": "1"},
        "detector": {"name": "octo-detector", "version": "0.0.1", "url": "https://github.com/octo-org/octo-repo"},
        "scanned": "2022-06-14T20:25:00Z",
        "manifests": {"package-lock.json": {"name": "package-lock.json", "resolved": {"@actions/core": {"package_url": "pkg:/npm/%40actions/core@1.1.9"}}}}
    });
    let uri = "/repos/octo/hello/dependency-graph/snapshots";
    let (router, recorder) = server();
    let answer = send_json(router.clone(), Method::POST, uri, &valid).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    assert_eq!(answer.body["message"], "1 manifests");

    let mut invalid = valid.clone();
    invalid["surprise"] = json!(true);
    invalid["scanned"] = json!("2022-02-30T20:25:00Z");
    invalid["ref"] = json!("main");
    invalid["job"] = json!({"correlator": "c", "id": "1", "extra": 1});
    invalid["manifests"]["package-lock.json"]["resolved"]["tunnel"] = json!({"package_url": "npm:tunnel", "scope": "prod"});
    invalid["metadata"] = json!({"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7, "h": 8, "i": [9]});
    let answer = send_json(router, Method::POST, uri, &invalid).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors: Vec<(&str, &str, &str)> = answer.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap(), e["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        errors,
        [
            ("job.extra", "custom", "is not a permitted key"),
            ("manifests[\"package-lock.json\"].resolved.tunnel.package_url", "invalid", "must match the pattern ^pkg"),
            ("manifests[\"package-lock.json\"].resolved.tunnel.scope", "invalid", "must be one of: runtime, development"),
            ("metadata", "invalid", "must have at most 8 keys"),
            ("metadata.i", "invalid", "must be one of: string, number, boolean"),
            ("ref", "invalid", "must match the pattern ^refs/"),
            ("scanned", "invalid", "must be a date-time like 2024-01-31T12:00:00Z"),
            ("surprise", "custom", "is not a permitted key"),
        ]
    );
    assert_eq!(calls(&recorder), 1);
}

#[tokio::test]
async fn a_flood_of_errors_is_capped_and_says_so() {
    let (router, _) = server();
    let deployments: Vec<Value> = (0..1001).map(|_| json!({})).collect();
    let answer = send_json(router, Method::POST, CLUSTER, &json!({"logical_environment": "prod", "deployments": deployments})).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = answer.body["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 101, "100 listed, then a note");
    assert_eq!(errors[0]["message"], "must have at most 1000 items");
    assert_eq!(errors[1]["field"], "deployments[0].deployment_name");
    // 1 size error + 3 missing fields in each of 1001 items, of which 100 are listed.
    assert_eq!(errors[100], json!({"resource": "OrgsSetClusterDeploymentRecordsRequest", "field": "(more)", "code": "custom", "message": "2904 more errors are not listed"}));
}

#[tokio::test]
async fn hostile_input_gets_a_4xx_never_a_500() {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let cases: Vec<(Method, &str, Option<&str>, Vec<u8>)> = vec![
        (Method::PUT, SECRET, Some("application/json"), deep.into_bytes()),
        (Method::PUT, SECRET, Some("application/json"), vec![0xff, 0xfe, b'{', b'}']),
        (Method::PUT, SECRET, Some("application/json"), b"null".to_vec()),
        (Method::PUT, SECRET, Some("application/json"), b"[]".to_vec()),
        (Method::PUT, SECRET, Some("application/json"), b"".to_vec()),
        (Method::PUT, SECRET, Some("application/json"), br#"{"visibility": "selected", "selected_repository_ids": [1e400]}"#.to_vec()),
        (Method::PUT, SECRET, Some("application/json"), br#"{"visibility": "selected", "selected_repository_ids": [18446744073709551616]}"#.to_vec()),
        (Method::PUT, SECRET, Some("application/jsonx"), b"{}".to_vec()),
        (Method::POST, "/repos/o/r/dependency-graph/snapshots", Some("application/json"), "{\"scanned\": \"2022-06-14T20:25:00\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}Z\"}".as_bytes().to_vec()),
        (Method::POST, "/repos/o/r/dependency-graph/snapshots", Some("application/json"), "{\"scanned\": \"\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\"}".as_bytes().to_vec()),
        (Method::GET, "/orgs/octo-org/artifacts/%FF%FE/metadata/deployment-records", None, Vec::new()),
        (Method::GET, "/orgs/octo-org/dependabot/secrets?per_page=99999999999999999999999", None, Vec::new()),
        (Method::GET, "/orgs/octo-org/dependabot/secrets?per_page=%FF", None, Vec::new()),
    ];
    for (method, uri, content_type, body) in cases {
        let (router, recorder) = server();
        let label = format!("{method} {uri} {content_type:?} {}", String::from_utf8_lossy(&body).chars().take(80).collect::<String>());
        let answer = send(router, method, uri, content_type, body).await;
        assert!(answer.status.is_client_error(), "{label}: {} {}", answer.status, answer.body);
        assert!(answer.body["message"].is_string(), "{label}: {}", answer.body);
        assert_eq!(calls(&recorder), 0, "{label}");
    }
}

#[tokio::test]
async fn every_method_receives_the_callers_context() {
    let (router, recorder) = server();
    let request = Request::builder().uri("/orgs/octo-org/dependabot/secrets/NPM_TOKEN").header("user-agent", "my-tool/1.0").body(Body::empty()).unwrap();
    let response = router.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let sent = response.headers()["x-github-request-id"].to_str().unwrap().to_owned();
    let seen = recorder.contexts.lock().unwrap().clone();
    assert_eq!(seen, [(sent, Some("my-tool/1.0".to_owned()))], "the id the method saw is the one sent back");
}
