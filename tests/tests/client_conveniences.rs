//! The methods the generator builds on the operations' own, against the mock GitHub over
//! loopback: item streams following `Link` headers (and the RFC 8288 parser under them), and
//! secret writes from plaintext, sealed for the org's or repository's key and opened by the mock.

use std::sync::{Arc, Mutex};

use axum::extract::Request;
use axum::middleware::Next;
use futures::{StreamExt, TryStreamExt};
use github_client::types as models;
use github_client::{Client, Error, Link, RetryPolicy, SealError, SealedSecret, SealingKey, SecretValue, SecretWrite, next_link, parse_link_header, seal_secret};
use mock_github::MockGitHub;
use serde_json::json;

/// The mock on an ephemeral port, a client for it, and the path and query of every request.
async fn start() -> (MockGitHub, Client, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mock = MockGitHub::new(&base);
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = requests.clone();
    let router = mock.clone().router().layer(axum::middleware::from_fn(move |request: Request, next: Next| {
        let seen = seen.clone();
        async move {
            let uri = request.uri();
            seen.lock().unwrap().push(format!("{} {}", request.method(), uri.path_and_query().map(|p| p.as_str()).unwrap_or("")));
            next.run(request).await
        }
    }));
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let client = Client::builder().base_url(&base).token("test-token").build().unwrap();
    (mock, client, requests)
}

fn gets(requests: &Mutex<Vec<String>>, path: &str) -> Vec<String> {
    requests.lock().unwrap().iter().filter(|r| r.starts_with(&format!("GET {path}"))).cloned().collect()
}

fn link(target: &str, relations: &[&str]) -> Link {
    let parameters = vec![("rel".to_owned(), relations.join(" "))];
    Link { target: target.to_owned(), relations: relations.iter().map(|r| (*r).to_owned()).collect(), parameters }
}

#[test]
fn link_headers_are_parsed_as_rfc_8288_says() {
    // GitHub's form: several links, quoted rel.
    let github = r#"<https://api.github.com/orgs/o/dependabot/secrets?per_page=100&page=2>; rel="next", <https://api.github.com/orgs/o/dependabot/secrets?per_page=100&page=3>; rel="last""#;
    assert_eq!(
        parse_link_header(github),
        [
            link("https://api.github.com/orgs/o/dependabot/secrets?per_page=100&page=2", &["next"]),
            link("https://api.github.com/orgs/o/dependabot/secrets?per_page=100&page=3", &["last"]),
        ]
    );
    // Several relation types in one rel, an unquoted rel, case, extra parameters, commas and
    // semicolons inside the URI and inside quoted values, escapes.
    let tricky = r#"<https://h/a?x=1,2;y>;title="a, b; \"c\"";REL="Prev First" , </b>; rel=next ;type=text/html,<https://h/c>;anchor;rel=last"#;
    let links = parse_link_header(tricky);
    assert_eq!(links.len(), 3, "{links:?}");
    assert_eq!(links[0].target, "https://h/a?x=1,2;y");
    assert_eq!(links[0].relations, ["prev", "first"]);
    assert_eq!(links[0].parameters[0], ("title".to_owned(), "a, b; \"c\"".to_owned()));
    assert!(links[0].has_relation("PREV"));
    assert_eq!((links[1].target.as_str(), links[1].relations.as_slice()), ("/b", ["next".to_owned()].as_slice()));
    assert_eq!(links[1].parameters[1], ("type".to_owned(), "text/html".to_owned()));
    assert_eq!(links[2].parameters[0], ("anchor".to_owned(), String::new()));
    assert!(links[2].has_relation("last"));
    // Only the first rel counts; malformed entries are skipped, the rest kept.
    let first_rel = parse_link_header(r#"<a>; rel="next"; rel="last""#);
    assert_eq!(first_rel[0].relations, ["next"]);
    let malformed = parse_link_header(r#"garbage, <x>; rel="next"; =broken, <y> junk, <z>; rel="last", <unterminated"#);
    assert_eq!(malformed.iter().map(|l| l.target.as_str()).collect::<Vec<_>>(), ["z"]);
    assert!(parse_link_header("").is_empty());
    assert!(parse_link_header(" , ,").is_empty());

    // The next link may be in any of several `Link` header lines.
    let mut headers = reqwest::header::HeaderMap::new();
    headers.append("link", r#"<https://h/first>; rel="first""#.parse().unwrap());
    headers.append("link", r#"<https://h/2>; rel="last next""#.parse().unwrap());
    assert_eq!(next_link(&headers).as_deref(), Some("https://h/2"));
    assert_eq!(next_link(&reqwest::header::HeaderMap::new()), None);
}

#[test]
fn any_link_header_parses_without_panicking() {
    // Seeded pseudo-random strings over the characters that matter to the grammar, including
    // multi-byte ones next to the delimiters.
    let alphabet: Vec<char> = "<>;,=\"\\ \trelnxt/?&é€a".chars().collect();
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    for _ in 0..20_000 {
        let mut text = String::new();
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        for i in 0..(state % 40) {
            text.push(alphabet[((state >> (i % 50)) as usize + i as usize) % alphabet.len()]);
        }
        for link in parse_link_header(&text) {
            assert!(text.contains(&link.target), "{text:?} gave {link:?}");
        }
    }
}

#[tokio::test]
async fn the_stream_yields_all_250_secrets_in_order_in_3_requests() {
    let (mock, client, requests) = start().await;
    let key = client.dependabot_get_org_public_key("big-org").await.unwrap().into_inner();
    for i in 0..250 {
        let sealed = seal_secret(&key, SecretValue::from("v")).unwrap();
        let mut body: models::DependabotCreateOrUpdateOrgSecretRequest = serde_json::from_value(json!({"visibility": "all"})).unwrap();
        body = sealed.fill(&body).unwrap();
        client.dependabot_create_or_update_org_secret("big-org", &format!("SECRET_{i:03}"), &body).await.unwrap();
    }
    assert_eq!(mock.reveal_org_secret("big-org", "SECRET_249").unwrap(), b"v");

    let names: Vec<String> = client.dependabot_list_org_secrets_stream("big-org", Some(100)).map_ok(|s| s.name).try_collect().await.unwrap();
    assert_eq!(names.len(), 250);
    assert!(names.iter().enumerate().all(|(i, name)| *name == format!("SECRET_{i:03}")), "in order, each once");
    assert_eq!(
        gets(&requests, "/orgs/big-org/dependabot/secrets?"),
        [
            "GET /orgs/big-org/dependabot/secrets?per_page=100",
            "GET /orgs/big-org/dependabot/secrets?per_page=100&page=2",
            "GET /orgs/big-org/dependabot/secrets?per_page=100&page=3",
        ],
        "the first page as asked, then the `next` links; none after the last page"
    );

    // GitHub's default page size: 30 per page, 9 pages.
    requests.lock().unwrap().clear();
    let count = client.dependabot_list_org_secrets_stream("big-org", None).try_fold(0, |n, _| async move { Ok(n + 1) }).await.unwrap();
    assert_eq!(count, 250);
    let pages = requests.lock().unwrap().clone();
    assert_eq!(pages.len(), 9, "{pages:?}");
    assert_eq!(pages[0], "GET /orgs/big-org/dependabot/secrets");
    assert_eq!(pages[8], "GET /orgs/big-org/dependabot/secrets?per_page=30&page=9");

    // An empty list is one request and no item.
    let mut empty = client.dependabot_list_repo_secrets_stream("octocat", "empty", Some(10));
    assert!(empty.next().await.is_none());
}

#[tokio::test]
async fn the_stream_follows_the_link_header_the_configuration_declares() {
    // The spec declares no `Link` for this list; spec/codegen.yaml does, so the mock sends it
    // and the client has a stream for it.
    let (_, client, requests) = start().await;
    let ids: Vec<i64> = (1..=7).collect();
    let body: models::DependabotCreateOrUpdateOrgSecretRequest = serde_json::from_value(json!({"visibility": "selected", "selected_repository_ids": ids})).unwrap();
    let outcome = client.dependabot_create_or_update_org_secret_with_plaintext("octo-org", "DEPLOY_KEY", "v", &body).await.unwrap();
    assert_eq!(outcome, SecretWrite::Created);

    let first = client.dependabot_list_selected_repos_for_org_secret("octo-org", "DEPLOY_KEY", None, Some(3)).await.unwrap();
    assert!(first.headers().get("link").is_some(), "the mock sends the header");

    let repositories: Vec<models::MinimalRepository> = client.dependabot_list_selected_repos_for_org_secret_stream("octo-org", "DEPLOY_KEY", Some(3)).try_collect().await.unwrap();
    assert_eq!(repositories.iter().map(|r| r.id).collect::<Vec<_>>(), ids);
    assert_eq!(repositories[6].full_name, "octo-org/repo-7");
    let pages = gets(&requests, "/orgs/octo-org/dependabot/secrets/DEPLOY_KEY/repositories");
    assert_eq!(pages.len(), 1 + 3, "one page for the check above, then 3 pages of 3, 3 and 1");
    assert!(pages[3].ends_with("per_page=3&page=3"), "{pages:?}");
}

/// A server whose pages link as `links` says: page N of 2 items links to `links[N]`. Page
/// `fail_on` answers `500`; the second secret of page `garbled_on` has no `created_at` date.
async fn linked_pages(links: Vec<Option<String>>, fail_on: Option<usize>) -> String {
    linked_pages_garbled(links, fail_on, None).await
}

async fn linked_pages_garbled(links: Vec<Option<String>>, fail_on: Option<usize>, garbled_on: Option<usize>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let route = "/repos/{owner}/{repo}/dependabot/secrets";
    let router = axum::Router::new().route(
        route,
        axum::routing::get(move |axum::extract::Query(query): axum::extract::Query<std::collections::BTreeMap<String, String>>| {
            let links = links.clone();
            async move {
                use axum::response::IntoResponse;
                let page: usize = query.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
                if fail_on == Some(page) {
                    return (axum::http::StatusCode::INTERNAL_SERVER_ERROR, axum::Json(json!({"message": "Server Error"}))).into_response();
                }
                let secret = |i: usize| json!({"name": format!("S{page}_{i}"), "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z"});
                let mut second = secret(2);
                if garbled_on == Some(page) {
                    second["created_at"] = serde_json::Value::Null;
                }
                let body = axum::Json(json!({"total_count": 99, "secrets": [secret(1), second]}));
                match links.get(page - 1).cloned().flatten() {
                    Some(link) => ([("link", link)], body).into_response(),
                    None => body.into_response(),
                }
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    base
}

async fn collect(client: &Client) -> Vec<Result<String, String>> {
    client.dependabot_list_repo_secrets_stream("o", "r", Some(2)).map(|item| item.map(|s| s.name).map_err(|e| e.to_string())).collect().await
}

#[tokio::test]
async fn a_failing_page_ends_the_stream_after_the_items_already_read() {
    let base = linked_pages(vec![Some(r#"</repos/o/r/dependabot/secrets?per_page=2&page=2>; rel="next""#.to_owned())], Some(2)).await;
    let client = Client::builder().base_url(&base).retry_policy(RetryPolicy::disabled()).build().unwrap();
    let items = collect(&client).await;
    assert_eq!(items.len(), 3, "{items:?}");
    assert_eq!(items[..2], [Ok("S1_1".to_owned()), Ok("S1_2".to_owned())]);
    assert!(matches!(&items[2], Err(e) if e.contains("500")), "{items:?}");
}

/// A following page that does not fit its type says where, as the first page's answer does.
#[tokio::test]
async fn a_following_page_that_does_not_fit_names_the_operation_and_the_json_path() {
    let next = Some(r#"</repos/o/r/dependabot/secrets?per_page=2&page=2>; rel="next""#.to_owned());
    let base = linked_pages_garbled(vec![next], None, Some(2)).await;
    let client = Client::builder().base_url(&base).retry_policy(RetryPolicy::disabled()).build().unwrap();
    let items: Vec<_> = client.dependabot_list_repo_secrets_stream("o", "r", Some(2)).collect().await;
    assert_eq!(items.len(), 3, "two items of page 1, then the error");
    let Some(Err(error)) = items.last() else { panic!("{items:?}") };
    let Error::InvalidResponsePayload(_, cause) = error else { panic!("{error:?}") };
    let mismatch = github_client::ResponseMismatch::of(cause).expect("the error carries the mismatch");
    assert_eq!((mismatch.operation_id, mismatch.status.as_u16(), mismatch.path.as_str()), ("dependabot/list-repo-secrets", 200, "secrets[1].created_at"));
}

#[tokio::test]
async fn next_links_resolve_against_their_page_and_never_leave_the_origin_or_loop() {
    // Relative references (RFC 3986) resolve against the URL of the page they came with.
    let relative = vec![Some("<?per_page=2&page=2>; rel=next".to_owned()), Some("</repos/o/r/dependabot/secrets?per_page=2&page=3>; rel=next".to_owned())];
    let base = linked_pages(relative, None).await;
    let client = Client::builder().base_url(&base).build().unwrap();
    let items = collect(&client).await;
    assert_eq!(items, ["S1_1", "S1_2", "S2_1", "S2_2", "S3_1", "S3_2"].map(|s| Ok(s.to_owned())));

    // Another origin would receive the token: the stream ends with an error instead.
    let base = linked_pages(vec![Some(r#"<https://attacker.example/steal?page=2>; rel="next""#.to_owned())], None).await;
    let client = Client::builder().base_url(&base).token("ghp_s3cr3t").build().unwrap();
    let items = collect(&client).await;
    assert_eq!(items.len(), 3, "{items:?}");
    assert!(matches!(&items[2], Err(e) if e.contains("not following the `next` link to https://attacker.example")), "{items:?}");

    // A page whose `next` is itself ends the stream rather than loop.
    let looping = Some("</repos/o/r/dependabot/secrets?per_page=2&page=2>; rel=\"next\"".to_owned());
    let base = linked_pages(vec![looping.clone(), looping], None).await;
    let client = Client::builder().base_url(&base).build().unwrap();
    let items = collect(&client).await;
    assert_eq!(items.len(), 4, "pages 1 and 2, then page 2's link to itself ends the stream: {items:?}");
}

struct RawKey(&'static str);

impl SealingKey for RawKey {
    fn key_id(&self) -> &str {
        "1"
    }
    fn public_key_base64(&self) -> &str {
        self.0
    }
}

#[tokio::test]
async fn secrets_are_sealed_for_the_current_key_and_opened_by_the_mock() {
    let (mock, client, _) = start().await;
    // The one-call form, for an organization: created, then updated.
    let body: models::DependabotCreateOrUpdateOrgSecretRequest = serde_json::from_value(json!({"visibility": "selected", "selected_repository_ids": [1296269]})).unwrap();
    let first = client.dependabot_create_or_update_org_secret_with_plaintext("octo-org", "NPM_TOKEN", String::from("hunter2"), &body).await.unwrap();
    assert_eq!(first, SecretWrite::Created);
    assert_eq!(mock.reveal_org_secret("octo-org", "NPM_TOKEN").unwrap(), b"hunter2");
    let second = client.dependabot_create_or_update_org_secret_with_plaintext("octo-org", "NPM_TOKEN", "hunter3", &body).await.unwrap();
    assert_eq!(second, SecretWrite::Updated);
    assert_eq!(mock.reveal_org_secret("octo-org", "NPM_TOKEN").unwrap(), b"hunter3");
    let secret = client.dependabot_get_org_secret("octo-org", "NPM_TOKEN").await.unwrap().into_inner();
    assert_eq!(secret.visibility, models::OrganizationDependabotSecretVisibility::Selected, "the body's other fields were sent");

    // For a repository (the body has no other fields).
    let created = client.dependabot_create_or_update_repo_secret_with_plaintext("octocat", "hello-world", "TOKEN", SecretValue::new(b"s3cr3t".to_vec())).await.unwrap();
    assert_eq!(created, SecretWrite::Created);
    assert_eq!(mock.reveal_repo_secret("octocat", "hello-world", "TOKEN").unwrap(), b"s3cr3t");
    let updated = client.dependabot_create_or_update_repo_secret_with_plaintext("octocat", "hello-world", "TOKEN", "t0ken").await.unwrap();
    assert_eq!(updated, SecretWrite::Updated);
    assert_eq!(mock.reveal_repo_secret("octocat", "hello-world", "TOKEN").unwrap(), b"t0ken");

    // By hand: the sealed fields of a fetched key, in a request body.
    let key = client.dependabot_get_repo_public_key("octocat", "hello-world").await.unwrap().into_inner();
    let sealed = seal_secret(&key, SecretValue::from("by hand")).unwrap();
    assert_eq!(sealed.key_id, key.key_id);
    assert_ne!(sealed, seal_secret(&key, SecretValue::from("by hand")).unwrap(), "every seal uses a fresh ephemeral key");
    let request: models::DependabotCreateOrUpdateRepoSecretRequest = sealed.to_request().unwrap();
    client.dependabot_create_or_update_repo_secret("octocat", "hello-world", "MANUAL", &request).await.unwrap();
    assert_eq!(mock.reveal_repo_secret("octocat", "hello-world", "MANUAL").unwrap(), b"by hand");
}

#[test]
fn plaintext_is_never_printed_and_bad_keys_are_errors() {
    let value = SecretValue::from("hunter2");
    assert_eq!(format!("{value:?}"), "SecretValue(<redacted>)");
    assert_eq!(seal_secret(&RawKey("not base64!"), SecretValue::from("x")), Err(SealError::InvalidPublicKey));
    assert_eq!(seal_secret(&RawKey("c2hvcnQ="), SecretValue::from("x")), Err(SealError::InvalidPublicKey), "not 32 bytes");
    let sealed = seal_secret(&RawKey("2Sg8iYjAxxmI2LvUXpJjkYrMxURPc8r+dB7TJyvvcCU="), value).unwrap();
    // A sealed box is the 32-byte ephemeral key, a 16-byte tag and the ciphertext.
    use base64::Engine;
    assert_eq!(base64::engine::general_purpose::STANDARD.decode(&sealed.encrypted_value).unwrap().len(), 32 + 16 + 7);
    let wrong: Result<models::DependabotPublicKey, _> = SealedSecret { encrypted_value: "x".to_owned(), key_id: "1".to_owned() }.to_request();
    assert!(matches!(wrong, Err(SealError::RequestBody(_))), "the body type's own checks apply");
}

#[tokio::test]
async fn a_key_that_cannot_be_fetched_is_the_error_of_the_one_call_form() {
    let client = Client::builder().base_url("http://127.0.0.1:1").retry_policy(RetryPolicy::disabled()).build().unwrap();
    let result = client.dependabot_create_or_update_repo_secret_with_plaintext("o", "r", "S", "v").await;
    assert!(matches!(result, Err(Error::CommunicationError(_))), "{result:?}");
}
