//! Hostile input against the generated router, with the mock GitHub behind it: random methods,
//! paths, query strings, headers (credentials and API versions among them) and bodies (invalid
//! UTF-8, deep nesting, huge numbers and strings, duplicate keys, truncated JSON, mutated valid
//! bodies). For every request: no panic, no 5xx, every error body is JSON in GitHub's shape, and
//! a request without valid credentials never gets past authentication.
//!
//! The generator is seeded, so a failure names a reproducible case. `cargo test` runs
//! `FUZZ_CASES` cases (default 20,000); a longer run: `FUZZ_CASES=200000 cargo test --release
//! -p workspace-tests --test server_fuzz -- --nocapture`.

use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use std::sync::Arc;

use mock_github::MockGitHub;
use mock_github::auth::MockAuth;
use serde_json::{Value, json};
use tower::ServiceExt;
use workspace_tests::Rng;

const DIGEST: &str = "sha256:1bb1e949e55dcefc6353e7b36c8897d2a107d8e8dca49d4e3c0ea8493fc0bc72";

const ROUTES: [(&str, &str); 20] = [
    ("POST", "/orgs/{org}/artifacts/metadata/deployment-record"),
    ("POST", "/orgs/{org}/artifacts/metadata/deployment-record/cluster/{cluster}"),
    ("POST", "/orgs/{org}/artifacts/metadata/storage-record"),
    ("GET", "/orgs/{org}/artifacts/{digest}/metadata/deployment-records"),
    ("GET", "/orgs/{org}/artifacts/{digest}/metadata/storage-records"),
    ("POST", "/repos/{owner}/{repo}/dependency-graph/snapshots"),
    ("GET", "/orgs/{org}/dependabot/secrets"),
    ("GET", "/orgs/{org}/dependabot/secrets/public-key"),
    ("GET", "/orgs/{org}/dependabot/secrets/{name}"),
    ("PUT", "/orgs/{org}/dependabot/secrets/{name}"),
    ("DELETE", "/orgs/{org}/dependabot/secrets/{name}"),
    ("GET", "/orgs/{org}/dependabot/secrets/{name}/repositories"),
    ("PUT", "/orgs/{org}/dependabot/secrets/{name}/repositories"),
    ("PUT", "/orgs/{org}/dependabot/secrets/{name}/repositories/{id}"),
    ("DELETE", "/orgs/{org}/dependabot/secrets/{name}/repositories/{id}"),
    ("GET", "/repos/{owner}/{repo}/dependabot/secrets"),
    ("GET", "/repos/{owner}/{repo}/dependabot/secrets/public-key"),
    ("GET", "/repos/{owner}/{repo}/dependabot/secrets/{name}"),
    ("PUT", "/repos/{owner}/{repo}/dependabot/secrets/{name}"),
    ("DELETE", "/repos/{owner}/{repo}/dependabot/secrets/{name}"),
];

/// Valid bodies to mutate, so that the fuzzer gets past the first checks often.
fn seeds() -> Vec<Value> {
    vec![
        json!({"name": "web", "digest": DIGEST, "status": "deployed", "logical_environment": "prod", "deployment_name": "web-1", "runtime_risks": ["internet-exposed"], "tags": {"a": "b"}}),
        json!({"logical_environment": "prod", "partial_success": true, "deployments": [{"name": "n", "deployment_name": "d", "digest": DIGEST}]}),
        json!({"name": "web", "digest": DIGEST, "registry_url": "https://ghcr.io", "status": "active"}),
        json!({"version": 0, "sha": "ce587453ced02b1526dfb4cb910479d431683101", "ref": "refs/heads/main", "job": {"correlator": "c", "id": "1"},
               "detector": {"name": "d", "version": "1", "url": "https://x"}, "scanned": "2022-06-14T20:25:00Z",
               "manifests": {"m": {"name": "m", "resolved": {"p": {"package_url": "pkg:npm/x@1", "scope": "runtime"}}}}}),
        json!({"encrypted_value": "c2VjcmV0", "key_id": "1", "visibility": "selected", "selected_repository_ids": [1, "2"]}),
        json!({"selected_repository_ids": [1, 2, 3]}),
    ]
}

fn segment(rng: &mut Rng) -> String {
    match rng.below(12) {
        0 => String::new(),
        1 => "%00".to_owned(),
        2 => "..".to_owned(),
        3 => "ü%C3%BC%FF".to_owned(),
        4 => "x".repeat(rng.below(5000)),
        5 => DIGEST.to_owned(),
        6 => "sha256:zz".to_owned(),
        7 => "-1".to_owned(),
        8 => "99999999999999999999999".to_owned(),
        9 => "a%2Fb".to_owned(),
        _ => ["octo-org", "SECRET", "1296269", "moda-1", "r"][rng.below(5)].to_owned(),
    }
}

fn path(rng: &mut Rng) -> (String, String) {
    if rng.chance(5) {
        let junk: String = (0..rng.below(40)).map(|_| *rng.pick(&['/', 'a', '{', '%', '?', '#', '.'])).collect();
        return (rng.pick(&["GET", "POST"]).to_string(), format!("/{junk}"));
    }
    let (method, template) = *rng.pick(&ROUTES);
    let mut out = String::new();
    for part in template.split('/').filter(|p| !p.is_empty()) {
        out.push('/');
        if part.starts_with('{') {
            out.push_str(&segment(rng));
        } else if rng.chance(2) {
            out.push_str("nope");
        } else {
            out.push_str(part);
        }
    }
    let method = if rng.chance(10) {
        rng.pick(&["GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS", "FOO"]).to_string()
    } else {
        method.to_owned()
    };
    (method, out)
}

fn query(rng: &mut Rng) -> String {
    if rng.chance(50) {
        return String::new();
    }
    let values = ["1", "0", "-5", "101", "abc", "1e99", "", "18446744073709551616", "3.5", "%ZZ", "30&per_page=2"];
    let keys = ["page", "per_page", "page", "x", "", "per_page[]"];
    let pairs: Vec<String> = (0..1 + rng.below(4)).map(|_| format!("{}={}", rng.pick(&keys), rng.pick(&values))).collect();
    format!("?{}", pairs.join("&"))
}

/// Replaces a random node of `value` with something hostile.
fn mutate(rng: &mut Rng, value: &mut Value, depth: usize) {
    let hostile = |rng: &mut Rng| -> Value {
        match rng.below(10) {
            0 => Value::Null,
            1 => json!(-1),
            2 => json!(1.5e300),
            3 => json!("x".repeat(rng.below(3000))),
            4 => json!([]),
            5 => json!({}),
            6 => json!(true),
            7 => json!(u64::MAX),
            8 => json!([[[[[[[[[[1]]]]]]]]]]),
            _ => json!("sha256:0000"),
        }
    };
    match value {
        Value::Object(map) if !map.is_empty() && depth < 6 => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let key = rng.pick(&keys).clone();
            match rng.below(4) {
                0 => {
                    map.remove(&key);
                }
                1 => {
                    map.insert(format!("extra{}", rng.below(3)), hostile(rng));
                }
                2 => {
                    map.insert(key, hostile(rng));
                }
                _ => mutate(rng, map.get_mut(&key).expect("key exists"), depth + 1),
            }
        }
        Value::Array(items) if !items.is_empty() && depth < 6 => {
            let index = rng.below(items.len());
            if rng.chance(30) {
                let copy = items[index].clone();
                items.extend(std::iter::repeat_n(copy, rng.below(1200)));
            } else {
                mutate(rng, &mut items[index], depth + 1);
            }
        }
        other => *other = hostile(rng),
    }
}

fn body(rng: &mut Rng, seeds: &[Value]) -> Vec<u8> {
    match rng.below(12) {
        0 => Vec::new(),
        1 => vec![0xff, 0xfe, b'{', 0x80],
        2 => format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes(),
        3 => br#"{"visibility": "all", "visibility": "nope", "visibility": "selected"}"#.to_vec(),
        4 => b"{\"name\": 1e999999}".to_vec(),
        5 => {
            let mut text = serde_json::to_vec(rng.pick(seeds)).expect("seeds serialize");
            let cut = rng.below(text.len().max(1));
            text.truncate(cut);
            text
        }
        6 => format!("\"{}\"", "a".repeat(rng.below(1_200_000))).into_bytes(),
        _ => {
            let mut value = rng.pick(seeds).clone();
            for _ in 0..rng.below(4) {
                mutate(rng, &mut value, 0);
            }
            serde_json::to_vec(&value).expect("values serialize")
        }
    }
}

/// An `Authorization` header, and whether it carries a token the (open) mock accepts.
fn authorization(rng: &mut Rng) -> (Option<Vec<u8>>, bool) {
    match rng.below(10) {
        0 => (None, false),
        1 => (Some(rng.pick(&["Basic dXNlcjpwYXNz", "Bearer", "Bearer    ", "token", "ghp_no_scheme", ""]).as_bytes().to_vec()), false),
        2 => (Some(b"Bearer \xff\xfe".to_vec()), false),
        3 => (Some(format!("Bearer {}", "t".repeat(rng.below(20_000) + 1)).into_bytes()), true),
        4 => (Some(b"token fuzz-token".to_vec()), true),
        _ => (Some(b"Bearer fuzz-token".to_vec()), true),
    }
}

fn content_type(rng: &mut Rng) -> Option<&'static str> {
    *rng.pick(&[
        Some("application/json"),
        Some("application/json"),
        Some("application/json; charset=utf-8"),
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("application/json\u{0}"),
        None,
    ])
}

#[tokio::test]
async fn hostile_requests_never_crash_the_server_or_get_a_5xx() {
    let cases: u64 = std::env::var("FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000);
    let seed: u64 = std::env::var("FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0x5eed_1234_abcd_0001);
    // Any token, and no rate limit: every case with a token reaches the checks after it.
    let router = MockGitHub::new("http://127.0.0.1:1").with_auth(MockAuth::new(None, u64::MAX)).with_log(Arc::new(|_: &str| {})).router();
    let seeds = seeds();
    let mut statuses = std::collections::BTreeMap::new();
    for case in 0..cases {
        let mut rng = Rng(seed ^ (case.wrapping_add(1)).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let (method, path) = path(&mut rng);
        let uri = format!("{path}{}", query(&mut rng));
        let body = body(&mut rng, &seeds);
        let mut builder = Request::builder().method(method.as_str()).uri(uri.as_str());
        if let Some(content_type) = content_type(&mut rng) {
            builder = builder.header("content-type", content_type);
        }
        if rng.chance(5) {
            builder = builder.header("content-length", "999999999999");
        }
        let (credentials, authenticated) = authorization(&mut rng);
        if let Some(value) = credentials {
            builder = builder.header("authorization", value);
        }
        let version = rng.chance(5).then(|| *rng.pick(&["2022-11-28", "2026-03-10", "2020-01-01", "latest", ""]));
        if let Some(version) = version {
            builder = builder.header("x-github-api-version", version);
        }
        let Ok(request) = builder.body(Body::from(body)) else {
            continue; // not even a valid HTTP request (e.g. an unparsable URI): nothing to send
        };
        let response = router.clone().oneshot(request).await.expect("the router is infallible");
        let status = response.status().as_u16();
        *statuses.entry(status).or_insert(0u64) += 1;
        let bytes = response.into_body().collect().await.expect("the body streams").to_bytes();
        let context = format!("case {case} (FUZZ_SEED={seed}): {method} {uri} -> {status}");
        assert!(status < 500, "{context}: {}", String::from_utf8_lossy(&bytes));
        if !authenticated {
            // Refused at the door (401), or never an operation's (unknown route 404, 405), or
            // a version no operation serves (400): nothing further was read.
            let bad_version = version.is_some_and(|v| !["2022-11-28", "2026-03-10"].contains(&v));
            assert!(matches!(status, 401 | 404 | 405) || (status == 400 && bad_version), "{context}: without valid credentials: {}", String::from_utf8_lossy(&bytes));
        }
        // A response to HEAD has no body, by HTTP's rules.
        if status >= 400 && method != "HEAD" {
            let error: Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{context}: error body is not JSON ({e})"));
            assert!(error["message"].is_string(), "{context}: no message in {error}");
            // GitHub's basic shape is {message, documentation_url}; a validation failure also
            // lists what failed.
            if error["message"] == "Validation Failed" {
                assert_eq!(status, 422, "{context}");
                let errors = error["errors"].as_array().unwrap_or_else(|| panic!("{context}: no errors listed: {error}"));
                assert!(!errors.is_empty(), "{context}: empty error list");
                for entry in errors {
                    for key in ["resource", "field", "code"] {
                        assert!(entry[key].is_string(), "{context}: error entry without {key}: {entry}");
                    }
                }
            }
        }
    }
    eprintln!("{cases} cases, statuses: {statuses:?}");
    assert!(statuses.keys().any(|s| (200..300).contains(s)), "some requests must get through: {statuses:?}");
    assert!(statuses.contains_key(&422) && statuses.contains_key(&400) && statuses.contains_key(&401), "{statuses:?}");
}
