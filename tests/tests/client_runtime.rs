//! The client's hand-written runtime, over real loopback HTTP against small axum servers that
//! answer from a script: the builder (headers GitHub asks for, base URLs, timeouts, a caller's
//! `reqwest::Client`), the retry policy (what is retried, how long it waits, its bounds, turning
//! it off), and `GitHubError` (message, validation errors, rate-limit headers).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post, put};
use github_client::types as models;
use github_client::{
    BuildError, Client, ClientInfo, DEFAULT_API_VERSION, DEFAULT_USER_AGENT, Error, ErrorKind, GITHUB_MEDIA_TYPE, GitHubError, ResponseMismatch, RetryPolicy,
};
use serde_json::{Value, json};

/// One scripted answer.
#[derive(Clone)]
struct Answer {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Value,
    delay: Duration,
}

fn answer(status: u16, headers: &[(&'static str, &str)], body: Value) -> Answer {
    Answer {
        status,
        headers: headers.iter().map(|(n, v)| (*n, (*v).to_owned())).collect(),
        body,
        delay: Duration::ZERO,
    }
}

fn key() -> Answer {
    answer(200, &[], json!({"key_id": "012345678912345678", "key": "2Sg8iYjAxxmI2LvUXpJjkYrMxURPc8r+dB7TJyvvcCU="}))
}

/// A server answering the public-key `GET` and the storage-record `POST` with `answers` in
/// turn (the last one repeats), recording when each request came and its headers.
#[derive(Clone)]
struct Script {
    answers: Arc<Vec<Answer>>,
    seen: Arc<Mutex<Vec<(Instant, HeaderMap)>>>,
}

impl Script {
    fn new(answers: Vec<Answer>) -> Self {
        Self { answers: Arc::new(answers), seen: Arc::default() }
    }

    /// Serves the script on an ephemeral loopback port, under `prefix`; returns the base URL.
    async fn serve(&self, prefix: &str) -> String {
        let routes = axum::Router::new()
            .route("/orgs/{org}/dependabot/secrets/public-key", get(respond))
            .route("/orgs/{org}/dependabot/secrets", get(respond))
            .route("/orgs/{org}/artifacts/metadata/storage-record", post(respond))
            .route("/repos/{owner}/{repo}/dependabot/secrets/{name}", put(respond))
            .with_state(self.clone());
        let router = if prefix.is_empty() { routes } else { axum::Router::new().nest(prefix, routes) };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}{prefix}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        base
    }

    fn requests(&self) -> usize {
        self.seen.lock().unwrap().len()
    }

    fn headers(&self, index: usize) -> HeaderMap {
        self.seen.lock().unwrap()[index].1.clone()
    }

    /// The time between request `index` and the one before it.
    fn gap(&self, index: usize) -> Duration {
        let seen = self.seen.lock().unwrap();
        seen[index].0 - seen[index - 1].0
    }
}

async fn respond(State(script): State<Script>, headers: HeaderMap) -> axum::response::Response {
    let index = {
        let mut seen = script.seen.lock().unwrap();
        seen.push((Instant::now(), headers));
        seen.len() - 1
    };
    let answer = script.answers[index.min(script.answers.len() - 1)].clone();
    tokio::time::sleep(answer.delay).await;
    let status = StatusCode::from_u16(answer.status).unwrap();
    // A JSON string is sent as a plain-text body (a proxy's error page).
    let mut response = match answer.body {
        Value::String(text) => (status, text).into_response(),
        body => (status, axum::Json(body)).into_response(),
    };
    for (name, value) in answer.headers {
        response.headers_mut().insert(name, value.parse().unwrap());
    }
    response
}

/// Retries that back off quickly, so the tests do not wait for the default one second.
fn quick_retries() -> RetryPolicy {
    RetryPolicy::default().with_initial_backoff(Duration::from_millis(20)).with_max_backoff(Duration::from_millis(50))
}

fn client(base: &str, policy: RetryPolicy) -> Client {
    Client::builder().base_url(base).retry_policy(policy).build().unwrap()
}

fn storage_record() -> models::OrgsCreateArtifactStorageRecordRequest {
    serde_json::from_value(json!({"name": "web", "digest": "sha256:1bb1e949e55dcefc6353e7b36c8897d2a107d8e8dca49d4e3c0ea8493fc0bc72", "registry_url": "https://ghcr.io"})).unwrap()
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).map(|v| v.to_str().unwrap())
}

fn in_seconds(seconds: u64) -> String {
    (SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() + seconds).to_string()
}

#[tokio::test]
async fn the_builder_sends_the_headers_github_asks_for() {
    let script = Script::new(vec![key()]);
    let base = script.serve("").await;
    let client = Client::builder().base_url(&base).token("ghp_s3cr3t").build().unwrap();
    client.dependabot_get_org_public_key("octo-org").await.unwrap();
    let headers = script.headers(0);
    assert_eq!(header(&headers, "authorization"), Some("Bearer ghp_s3cr3t"));
    assert_eq!(header(&headers, "accept"), Some("application/vnd.github+json"), "GitHub's media type replaces progenitor's application/json");
    assert_eq!(header(&headers, "x-github-api-version"), Some("2022-11-28"));
    assert_eq!(header(&headers, "user-agent"), Some(DEFAULT_USER_AGENT));
    let versions = xtask::versions::read(&workspace_tests::root().join(xtask::VERSIONS), xtask::VERSIONS, &codegen::CrateNames::with_prefix("github")).unwrap();
    assert_eq!(DEFAULT_USER_AGENT, format!("github-client/{}", versions.client), "the crate's version, from {}", xtask::VERSIONS);
    assert_eq!(header(&headers, "api-version"), None, "progenitor's document version is not sent as if it were GitHub's");

    // Multi-status methods go through the same hooks.
    let body: models::DependabotCreateOrUpdateRepoSecretRequest = serde_json::from_value(json!({})).unwrap();
    let _ = client.dependabot_create_or_update_repo_secret("o", "r", "S", &body).await;
    for name in ["authorization", "accept", "x-github-api-version", "user-agent", "api-version"] {
        assert_eq!(header(&script.headers(1), name), header(&script.headers(0), name), "{name}");
    }

    let anonymous = Client::new(&base);
    anonymous.dependabot_get_org_public_key("octo-org").await.unwrap();
    let headers = script.headers(2);
    assert_eq!(header(&headers, "authorization"), None, "Client::new has no token");
    assert_eq!(header(&headers, "x-github-api-version"), Some(DEFAULT_API_VERSION));
    assert_eq!(header(&headers, "accept"), Some(GITHUB_MEDIA_TYPE));
}

#[tokio::test]
async fn the_builders_settings_win_over_a_callers_reqwest_client() {
    let script = Script::new(vec![key()]);
    let base = script.serve("").await;
    let mut defaults = reqwest::header::HeaderMap::new();
    defaults.insert("x-github-api-version", "2000-01-01".parse().unwrap());
    defaults.insert("x-custom", "kept".parse().unwrap());
    let http = reqwest::Client::builder().user_agent("theirs/1").default_headers(defaults).build().unwrap();
    let client = Client::builder().base_url(&base).http_client(http).user_agent("my-tool/2.0").api_version("2026-03-10").build().unwrap();
    assert_eq!(client.inner().user_agent(), Some("my-tool/2.0"));
    assert_eq!(client.inner().api_version(), Some("2026-03-10"));
    client.dependabot_get_org_public_key("octo-org").await.unwrap();
    let headers = script.headers(0);
    assert_eq!(header(&headers, "user-agent"), Some("my-tool/2.0"));
    assert_eq!(header(&headers, "x-github-api-version"), Some("2026-03-10"));
    assert_eq!(header(&headers, "x-custom"), Some("kept"), "the reqwest client's other defaults are still sent");
}

#[tokio::test]
async fn new_with_client_leaves_the_headers_to_the_reqwest_client() {
    let script = Script::new(vec![key()]);
    let base = script.serve("").await;
    let mut defaults = reqwest::header::HeaderMap::new();
    defaults.insert("authorization", "Bearer from-reqwest".parse().unwrap());
    let http = reqwest::Client::builder().user_agent("legacy/1").default_headers(defaults).build().unwrap();
    let client = Client::new_with_client(&base, http);
    assert!(!client.inner().is_authenticated());
    client.dependabot_get_org_public_key("octo-org").await.unwrap();
    let headers = script.headers(0);
    assert_eq!(header(&headers, "user-agent"), Some("legacy/1"));
    assert_eq!(header(&headers, "authorization"), Some("Bearer from-reqwest"));
    assert_eq!(header(&headers, "accept"), Some(GITHUB_MEDIA_TYPE));
    assert_eq!(header(&headers, "x-github-api-version"), None);
}

#[tokio::test]
async fn an_enterprise_server_base_url_keeps_its_path() {
    let script = Script::new(vec![key()]);
    let base = script.serve("/api/v3").await;
    assert!(base.ends_with("/api/v3"));
    let client = Client::builder().base_url(format!("{base}/")).build().unwrap();
    assert_eq!(client.baseurl(), base, "a trailing slash is ignored");
    let key = client.dependabot_get_org_public_key("octo-org").await.unwrap().into_inner();
    assert_eq!(key.key_id, "012345678912345678");
}

#[test]
fn bad_settings_are_build_errors_that_never_show_the_token() {
    let error = |builder: github_client::ClientBuilder| builder.build().map(|_| ()).unwrap_err();
    assert!(matches!(error(Client::builder().base_url("api.github.com")), BuildError::BaseUrl(_)));
    assert!(matches!(error(Client::builder().base_url("ftp://example.com")), BuildError::BaseUrl(_)));
    assert!(matches!(error(Client::builder().base_url("https://h/api/v3?x=1")), BuildError::BaseUrl(_)));
    let bad_token = error(Client::builder().token("ghp_line\nbreak"));
    assert!(matches!(bad_token, BuildError::Header("the token")));
    assert!(!bad_token.to_string().contains("ghp_line"), "{bad_token}");
    assert!(matches!(error(Client::builder().user_agent("a\u{7f}b")), BuildError::Header("the user agent")));
    let both = Client::builder().http_client(reqwest::Client::new()).connect_timeout(Duration::from_secs(1));
    assert!(matches!(error(both), BuildError::ConnectTimeoutWithHttpClient));

    let builder = Client::builder().token("ghp_s3cr3t");
    assert!(!format!("{builder:?}").contains("ghp_s3cr3t"));
    let client = builder.build().unwrap();
    assert!(!format!("{client:?}").contains("ghp_s3cr3t"), "{client:?}");
    assert!(client.inner().is_authenticated());
    assert_eq!(client.baseurl(), "https://api.github.com");
}

#[tokio::test]
async fn the_timeout_applies_to_each_attempt() {
    let mut slow = key();
    slow.delay = Duration::from_secs(5);
    let script = Script::new(vec![slow, key()]);
    let base = script.serve("").await;
    let started = Instant::now();
    let no_retries = Client::builder().base_url(&base).timeout(Duration::from_millis(300)).retry_policy(RetryPolicy::disabled()).build().unwrap();
    match no_retries.dependabot_get_org_public_key("octo-org").await {
        Err(Error::CommunicationError(error)) => assert!(error.is_timeout(), "{error}"),
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(3));

    // A timed-out GET is retried; the second attempt is answered at once.
    let script = Script::new(vec![{ let mut slow = key(); slow.delay = Duration::from_secs(5); slow }, key()]);
    let base = script.serve("").await;
    let retrying = Client::builder().base_url(&base).timeout(Duration::from_millis(300)).retry_policy(quick_retries()).build().unwrap();
    retrying.dependabot_get_org_public_key("octo-org").await.unwrap();
    assert_eq!(script.requests(), 2);
}

#[tokio::test]
async fn a_429_then_a_503_then_200_is_retried_honouring_retry_after() {
    let script = Script::new(vec![
        answer(429, &[("retry-after", "1")], json!({"message": "Too Many Requests"})),
        answer(503, &[], json!({"message": "Service Unavailable"})),
        key(),
    ]);
    let base = script.serve("").await;
    let key = client(&base, quick_retries()).dependabot_get_org_public_key("octo-org").await.unwrap().into_inner();
    assert_eq!(key.key_id, "012345678912345678");
    assert_eq!(script.requests(), 3);
    assert!(script.gap(1) >= Duration::from_millis(950), "retry-after: 1 is honoured ({:?})", script.gap(1));
    assert!(script.gap(2) < Duration::from_millis(900), "a 503 without retry-after backs off ({:?})", script.gap(2));
}

#[tokio::test]
async fn a_post_is_not_retried_on_5xx_but_is_on_rate_limits() {
    let script = Script::new(vec![answer(503, &[], json!({"message": "Service Unavailable"})), answer(200, &[], json!({}))]);
    let base = script.serve("").await;
    match client(&base, quick_retries()).orgs_create_artifact_storage_record("octo-org", &storage_record()).await {
        Err(Error::UnexpectedResponse(response)) => assert_eq!(response.status(), 503),
        other => panic!("expected the 503, got {other:?}"),
    }
    assert_eq!(script.requests(), 1, "a POST may have taken effect: not retried");

    // GitHub refused the request without acting on it: a POST is retried too.
    let script = Script::new(vec![
        answer(429, &[("retry-after", "0")], json!({"message": "Too Many Requests"})),
        answer(403, &[("retry-after", "0")], json!({"message": "You have exceeded a secondary rate limit"})),
        answer(200, &[], json!({"storage_records": [], "total_count": 0})),
    ]);
    let base = script.serve("").await;
    client(&base, quick_retries()).orgs_create_artifact_storage_record("octo-org", &storage_record()).await.unwrap();
    assert_eq!(script.requests(), 3);
}

#[tokio::test]
async fn a_plain_403_is_not_retried() {
    let script = Script::new(vec![answer(403, &[], json!({"message": "Resource not accessible by integration"})), key()]);
    let base = script.serve("").await;
    let error = client(&base, quick_retries()).dependabot_get_org_public_key("octo-org").await.unwrap_err();
    let error = GitHubError::from_error(error).await;
    assert_eq!((error.status.map(|s| s.as_u16()), error.message.as_str()), (Some(403), "Resource not accessible by integration"));
    assert!(!error.is_rate_limited());
    assert_eq!(script.requests(), 1);
}

#[tokio::test]
async fn an_exhausted_rate_limit_waits_until_it_resets() {
    let reset = in_seconds(2);
    let script = Script::new(vec![
        answer(403, &[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", &reset)], json!({"message": "API rate limit exceeded"})),
        key(),
    ]);
    let base = script.serve("").await;
    client(&base, quick_retries()).dependabot_get_org_public_key("octo-org").await.unwrap();
    assert_eq!(script.requests(), 2);
    assert!(script.gap(1) >= Duration::from_millis(950), "waited for x-ratelimit-reset ({:?})", script.gap(1));
}

#[tokio::test]
async fn retries_are_bounded_in_number_and_can_be_turned_off() {
    let script = Script::new(vec![answer(502, &[], json!({"message": "Bad Gateway"}))]);
    let base = script.serve("").await;
    let result = client(&base, quick_retries().with_max_retries(2)).dependabot_get_org_public_key("octo-org").await;
    assert!(matches!(result, Err(Error::UnexpectedResponse(ref r)) if r.status() == 502));
    assert_eq!(script.requests(), 3, "the first attempt and 2 retries");

    let script = Script::new(vec![answer(503, &[], json!({})), key()]);
    let base = script.serve("").await;
    assert!(client(&base, RetryPolicy::disabled()).dependabot_get_org_public_key("octo-org").await.is_err());
    assert_eq!(script.requests(), 1);
}

#[tokio::test]
async fn a_wait_beyond_the_time_bound_is_not_taken() {
    let reset = in_seconds(3600);
    let script = Script::new(vec![
        answer(429, &[("retry-after", "3600"), ("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", &reset), ("x-ratelimit-limit", "5000"), ("x-ratelimit-resource", "core")], json!({"message": "API rate limit exceeded for user ID 1.", "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"})),
        key(),
    ]);
    let base = script.serve("").await;
    let started = Instant::now();
    let error = client(&base, RetryPolicy::default()).dependabot_get_org_public_key("octo-org").await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5), "returned at once ({:?})", started.elapsed());
    assert_eq!(script.requests(), 1);
    let error = GitHubError::from_error(error).await;
    assert!(error.is_rate_limited());
    assert_eq!(error.retry_after, Some(Duration::from_secs(3600)));
    assert_eq!((error.rate_limit.limit, error.rate_limit.remaining, error.rate_limit.resource.as_deref()), (Some(5000), Some(0), Some("core")));
    assert_eq!(error.rate_limit.reset, Some(UNIX_EPOCH + Duration::from_secs(reset.parse().unwrap())));
    assert!(error.to_string().contains("rate limited, retry after 3600 s"), "{error}");

    // A smaller bound cuts shorter waits too.
    let script = Script::new(vec![answer(503, &[("retry-after", "2")], json!({})), key()]);
    let base = script.serve("").await;
    let bounded = quick_retries().with_max_elapsed(Duration::from_secs(1));
    assert_eq!(bounded.max_elapsed(), Duration::from_secs(1));
    assert!(client(&base, bounded).dependabot_get_org_public_key("octo-org").await.is_err());
    assert_eq!(script.requests(), 1);
}

#[tokio::test]
async fn github_errors_carry_the_message_validation_errors_and_rate_limit() {
    let script = Script::new(vec![answer(
        422,
        &[("x-ratelimit-limit", "5000"), ("x-ratelimit-remaining", "4999"), ("x-ratelimit-used", "1"), ("x-ratelimit-reset", "1700000000")],
        json!({
            "message": "Validation Failed",
            "errors": [{"resource": "Secret", "field": "visibility", "code": "invalid"}, "selected_repository_ids must be empty"],
            "documentation_url": "https://docs.github.com/rest/dependabot/secrets",
        }),
    )]);
    let base = script.serve("").await;
    let error = client(&base, quick_retries()).dependabot_get_org_public_key("octo-org").await.unwrap_err();
    assert!(matches!(error, Error::UnexpectedResponse(_)), "422 is not documented for this operation");
    let error = GitHubError::from_error(error).await;
    assert_eq!(error.kind, ErrorKind::Status);
    assert_eq!(error.status, Some(reqwest::StatusCode::UNPROCESSABLE_ENTITY));
    assert_eq!(error.message, "Validation Failed");
    assert_eq!(error.documentation_url.as_deref(), Some("https://docs.github.com/rest/dependabot/secrets"));
    assert_eq!(error.errors.len(), 2);
    assert_eq!((error.errors[0].resource.as_deref(), error.errors[0].field.as_deref(), error.errors[0].code.as_deref()), (Some("Secret"), Some("visibility"), Some("invalid")));
    assert_eq!(error.errors[1].message.as_deref(), Some("selected_repository_ids must be empty"));
    assert_eq!((error.rate_limit.limit, error.rate_limit.remaining, error.rate_limit.used), (Some(5000), Some(4999), Some(1)));
    assert_eq!(error.rate_limit.reset, Some(UNIX_EPOCH + Duration::from_secs(1_700_000_000)));
    assert!(!error.is_rate_limited());
    let text = error.to_string();
    assert!(text.contains("422 Unprocessable Entity: Validation Failed (Secret.visibility: invalid; selected_repository_ids must be empty); see https://docs.github.com/rest/dependabot/secrets"), "{text}");
    assert_eq!(script.requests(), 1, "a 422 is not retried");
}

#[tokio::test]
async fn github_errors_come_from_documented_error_types_and_failures_without_a_response() {
    // 404 is documented for this operation, with GitHub's `basic-error` body.
    let script = Script::new(vec![answer(404, &[], json!({"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}))]);
    let base = script.serve("").await;
    let error = client(&base, quick_retries()).orgs_create_artifact_storage_record("octo-org", &storage_record()).await.unwrap_err();
    assert!(matches!(error, Error::ErrorResponse(_)));
    let error = GitHubError::from_error(error).await;
    assert_eq!((error.status.map(|s| s.as_u16()), error.message.as_str()), (Some(404), "Not Found"));
    assert_eq!(error.documentation_url.as_deref(), Some("https://docs.github.com/rest"));

    // A proxy's HTML error page: its text is the message.
    let script = Script::new(vec![answer(502, &[], json!("<html>502 Bad Gateway</html>"))]);
    let base = script.serve("").await;
    let error = GitHubError::from_error(client(&base, RetryPolicy::disabled()).dependabot_get_org_public_key("o").await.unwrap_err()).await;
    assert_eq!(error.message, "<html>502 Bad Gateway</html>");

    // Nothing listens on port 1.
    let error = client("http://127.0.0.1:1", RetryPolicy::disabled()).dependabot_get_org_public_key("o").await.unwrap_err();
    let error = GitHubError::from_error(error).await;
    assert_eq!((error.kind, error.status), (ErrorKind::Communication, None));
}

/// A response that really does not fit its type (a required date is `null` in the fourth secret
/// of a page) is an error that says where: the operation, the status, the JSON path, and the
/// body as received.
#[tokio::test]
async fn a_response_that_does_not_fit_names_the_operation_the_status_and_the_json_path() {
    let mut secrets: Vec<Value> = (0..5)
        .map(|i| json!({"name": format!("S{i}"), "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z", "visibility": "all"}))
        .collect();
    secrets[3]["created_at"] = Value::Null;
    let body = json!({"total_count": 5, "secrets": secrets});
    let script = Script::new(vec![answer(200, &[], body.clone())]);
    let base = script.serve("").await;
    let error = client(&base, RetryPolicy::disabled()).dependabot_list_org_secrets("octo-org", None, None).await.unwrap_err();
    let Error::InvalidResponsePayload(_, cause) = &error else { panic!("{error:?}") };
    let mismatch = ResponseMismatch::of(cause).expect("the error carries the mismatch").clone();
    assert_eq!((mismatch.operation_id, mismatch.status.as_u16(), mismatch.path.as_str()), ("dependabot/list-org-secrets", 200, "secrets[3].created_at"));
    assert_eq!(mismatch.type_name, "DependabotListOrgSecretsResponse");
    assert!(mismatch.message.starts_with("invalid type: null"), "{}", mismatch.message);
    assert!(mismatch.message.contains("line 1 column"), "serde's place is kept too: {}", mismatch.message);
    assert_eq!(serde_json::from_slice::<Value>(&mismatch.body).unwrap(), body, "the body is kept as received");

    let github = GitHubError::from_error(error).await;
    assert_eq!(github.kind, ErrorKind::InvalidResponse);
    assert_eq!(github.status.map(|s| s.as_u16()), Some(200));
    assert_eq!(github.mismatch, Some(mismatch));
    let text = github.to_string();
    assert!(
        text.starts_with("the 200 response of `dependabot/list-org-secrets` does not fit `DependabotListOrgSecretsResponse` at `secrets[3].created_at`: invalid type: null"),
        "{text}"
    );
}
