//! The generated router's admission, driven with raw HTTP requests (`tower::ServiceExt::oneshot`)
//! against the mock: authentication comes before anything reads the body (an unauthenticated
//! malformed, mistyped or oversized body is a `401`, not a `400`, `415` or `413`), the
//! `X-GitHub-Api-Version` is checked first, refusals are GitHub's bodies naming the operation's
//! page, and an authenticated request still gets the validation answers it always did.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use github_server::{Access, Grants, RouterConfig};
use http_body_util::BodyExt;
use mock_github::MockGitHub;
use mock_github::auth::MockAuth;
use mock_github::tokens::{Token, Tokens};
use serde_json::{Value, json};
use tower::ServiceExt;

const SECRET: &str = "/orgs/octo-org/dependabot/secrets/NPM_TOKEN";
const SECRET_DOCS: &str = "https://docs.github.com/rest/reference/dependabot#create-or-update-an-organization-secret";

fn router(config: RouterConfig) -> Router {
    let tokens = Tokens::new(vec![
        Token::new("writer", "ghp_writer", Grants::fine_grained("octo-org", [("organization_dependabot_secrets", Access::Write)])),
        Token::new("reader", "ghp_reader", Grants::fine_grained("octo-org", [("organization_dependabot_secrets", Access::Read)])),
    ]);
    MockGitHub::new("http://127.0.0.1:1").with_auth(MockAuth::with_tokens(tokens)).with_log(std::sync::Arc::new(|_: &str| {})).router_with_config(config)
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
}

async fn send(router: &Router, method: Method, uri: &str, headers: &[(&str, &str)], body: impl Into<Body>) -> Answer {
    let mut request = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = router.clone().oneshot(request.body(body.into()).unwrap()).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Answer { status, headers, body: serde_json::from_slice(&bytes).unwrap_or(Value::Null) }
}

const JSON: (&str, &str) = ("content-type", "application/json");

#[tokio::test]
async fn no_body_is_read_before_the_caller_is_known() {
    let router = router(RouterConfig::default().with_body_limit(64));
    let big = format!("{{\"visibility\": \"{}\"}}", "x".repeat(1000));
    for (what, content_type, body) in [
        ("malformed JSON", JSON, r#"{"visibility": "#.to_owned()),
        ("a body of the wrong type", ("content-type", "text/plain"), "visibility=all".to_owned()),
        ("a body over the limit", JSON, big.clone()),
        ("a body that breaks the schema", JSON, r#"{"visibility": "everyone"}"#.to_owned()),
    ] {
        let anonymous = send(&router, Method::PUT, SECRET, &[content_type], body.clone()).await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED, "{what} without a token");
        assert_eq!(anonymous.body, json!({"message": "Requires authentication", "documentation_url": SECRET_DOCS}), "{what}");
        let refused = send(&router, Method::PUT, SECRET, &[content_type, ("authorization", "Bearer ghp_unknown")], body.clone()).await;
        assert_eq!((refused.status, &refused.body["message"]), (StatusCode::UNAUTHORIZED, &json!("Bad credentials")), "{what} with an unknown token");
        let reader = send(&router, Method::PUT, SECRET, &[content_type, ("authorization", "Bearer ghp_reader")], body.clone()).await;
        assert_eq!(reader.status, StatusCode::FORBIDDEN, "{what} with a token lacking the permission");
        assert_eq!(reader.headers["x-accepted-github-permissions"], "organization_dependabot_secrets=write");
        assert_eq!(reader.body, json!({"message": "Resource not accessible by personal access token", "documentation_url": SECRET_DOCS}));
    }
    // Admitted, the same bodies get the answers they always did.
    let writer = [JSON, ("authorization", "Bearer ghp_writer")];
    assert_eq!(send(&router, Method::PUT, SECRET, &writer, r#"{"visibility": "#).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(send(&router, Method::PUT, SECRET, &[("content-type", "text/plain"), writer[1]], "v").await.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(send(&router, Method::PUT, SECRET, &writer, big).await.status, StatusCode::PAYLOAD_TOO_LARGE);
    let invalid = send(&router, Method::PUT, SECRET, &writer, r#"{"visibility": "everyone"}"#).await;
    assert_eq!((invalid.status, &invalid.body["message"]), (StatusCode::UNPROCESSABLE_ENTITY, &json!("Validation Failed")));
    assert!(invalid.headers.contains_key("x-ratelimit-remaining") && invalid.headers.contains_key("x-github-request-id"), "on every answer to a token");
}

#[tokio::test]
async fn an_unsupported_api_version_is_a_400_and_a_supported_one_is_served() {
    let router = router(RouterConfig::default());
    let reader = ("authorization", "Bearer ghp_reader");
    let list = "/orgs/octo-org/dependabot/secrets";
    for version in github_server::DEFAULT_API_VERSIONS {
        assert_eq!(send(&router, Method::GET, list, &[reader, ("x-github-api-version", version)], Body::empty()).await.status, StatusCode::OK, "{version}");
    }
    let old = send(&router, Method::GET, list, &[reader, ("x-github-api-version", "2020-01-01")], Body::empty()).await;
    assert_eq!(old.status, StatusCode::BAD_REQUEST);
    assert_eq!(old.body["message"], "Unsupported 'X-GitHub-Api-Version': 2020-01-01. Supported versions: 2022-11-28, 2026-03-10");
    let only_new = router_with_versions(["2026-03-10"]);
    assert_eq!(send(&only_new, Method::GET, list, &[reader, ("x-github-api-version", "2022-11-28")], Body::empty()).await.status, StatusCode::BAD_REQUEST);
}

fn router_with_versions<const N: usize>(versions: [&str; N]) -> Router {
    router(RouterConfig::default().with_api_versions(versions))
}

#[tokio::test]
async fn unknown_routes_and_methods_are_answered_without_authentication() {
    let router = router(RouterConfig::default());
    let nowhere = send(&router, Method::GET, "/nowhere", &[], Body::empty()).await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
    let wrong_method = send(&router, Method::PATCH, SECRET, &[], Body::empty()).await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    for answer in [nowhere, wrong_method] {
        assert!(answer.headers.contains_key("x-github-request-id"));
        assert!(!answer.headers.contains_key("x-ratelimit-limit"), "no token, no budget");
    }
}

#[tokio::test]
async fn a_classic_token_is_told_its_scopes_on_every_answer() {
    let tokens = Tokens::new(vec![Token::new("classic", "ghp_classic", Grants::classic(["repo", "gist"]))]);
    let router = MockGitHub::new("http://127.0.0.1:1").with_auth(MockAuth::with_tokens(tokens)).with_log(std::sync::Arc::new(|_: &str| {})).router();
    let classic = ("authorization", "token ghp_classic");
    let repo = send(&router, Method::GET, "/repos/octo-org/hello-world/dependabot/secrets", &[classic], Body::empty()).await;
    assert_eq!(repo.status, StatusCode::OK);
    assert_eq!((repo.headers["x-oauth-scopes"].to_str().unwrap(), repo.headers["x-accepted-oauth-scopes"].to_str().unwrap()), ("gist, repo", "repo"));
    let org = send(&router, Method::GET, "/orgs/octo-org/dependabot/secrets", &[classic], Body::empty()).await;
    assert_eq!(org.status, StatusCode::FORBIDDEN);
    assert_eq!((org.headers["x-oauth-scopes"].to_str().unwrap(), org.headers["x-accepted-oauth-scopes"].to_str().unwrap()), ("gist, repo", "admin:org"));
    assert!(!org.headers.contains_key("x-accepted-github-permissions"), "that header is for fine-grained tokens and apps");
}
