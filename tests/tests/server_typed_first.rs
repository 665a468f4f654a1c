//! The router deserializes some JSON bodies straight into their type and validates them only
//! when that fails (`RouterConfig::typed_first`, decided per operation by
//! `codegen/src/server/exact.rs`). That is a shortcut, not a different behaviour: here the same
//! requests, valid and mutated, go to a router with the shortcut and to one without, and every
//! answer must be the same, status and body.

use axum::body::Body;
use axum::http::Request;
use github_server::RouterConfig;
use http_body_util::BodyExt;
use mock_github::MockGitHub;
use mock_github::auth::MockAuth;
use serde_json::{Value, json};
use tower::ServiceExt;
use workspace_tests::Rng;

const DIGEST: &str = "sha256:1bb1e949e55dcefc6353e7b36c8897d2a107d8e8dca49d4e3c0ea8493fc0bc72";

/// The operations whose bodies take the shortcut in the pinned spec, each with a valid body.
fn operations() -> Vec<(&'static str, &'static str, Value)> {
    let deployment = |i: usize| {
        json!({"name": format!("registry.example.com/svc-{i}"), "digest": DIGEST, "version": "1.2.3", "status": "deployed",
               "deployment_name": format!("prod-svc-{i}-app"), "github_repository": format!("svc-{i}"),
               "tags": {"team": "platform", "tier": "backend"}, "runtime_risks": ["internet-exposed", "sensitive-data"]})
    };
    vec![
        (
            "POST",
            "/orgs/octo-org/artifacts/metadata/deployment-record/cluster/moda-1",
            json!({"logical_environment": "prod", "physical_environment": "pacific-east", "partial_success": true,
                   "return_records": false, "deployments": (0..5).map(deployment).collect::<Vec<_>>()}),
        ),
        (
            "POST",
            "/orgs/octo-org/artifacts/metadata/deployment-record",
            json!({"name": "web", "digest": DIGEST, "version": "1.0", "status": "deployed", "logical_environment": "prod",
                   "physical_environment": "eu", "cluster": "moda-1", "deployment_name": "web-1", "tags": {"a": "b"},
                   "runtime_risks": ["internet-exposed"], "github_repository": "hello-world"}),
        ),
        ("PUT", "/orgs/octo-org/dependabot/secrets/MY_SECRET/repositories", json!({"selected_repository_ids": [1, 2, 3]})),
    ]
}

/// Replaces, removes or adds something somewhere in `value`: values of the wrong type, too long,
/// not matching a pattern, `null`s, unknown properties, unicode, too many items.
fn mutate(rng: &mut Rng, value: &mut Value, depth: usize) {
    let hostile = |rng: &mut Rng| -> Value {
        match rng.below(14) {
            0 => Value::Null,
            1 => json!(-1),
            2 => json!(1.5),
            3 => json!("é".repeat(rng.below(300))),
            4 => json!([]),
            5 => json!({}),
            6 => json!(true),
            7 => json!(u64::MAX),
            8 => json!("sha256:0000"),
            9 => json!("decommissioned"),
            10 => json!(["critical-resource", "critical-resource"]),
            11 => json!("a-b.c_d"),
            12 => json!(""),
            _ => json!("internet-exposed"),
        }
    };
    match value {
        Value::Object(map) if !map.is_empty() && depth < 5 => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let key = keys[rng.below(keys.len())].clone();
            match rng.below(5) {
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
        Value::Array(items) if !items.is_empty() && depth < 5 => {
            let index = rng.below(items.len());
            match rng.below(6) {
                0 => {
                    let copy = items[index].clone();
                    items.extend(std::iter::repeat_n(copy, rng.below(1100)));
                }
                1 => {
                    items.remove(index);
                }
                _ => mutate(rng, &mut items[index], depth + 1),
            }
        }
        other => *other = hostile(rng),
    }
}

/// The body text: usually the mutated value, sometimes with a key repeated or cut short.
fn text(rng: &mut Rng, value: &Value) -> Vec<u8> {
    let text = serde_json::to_string(value).expect("values serialize");
    match rng.below(10) {
        // A repeated key: serde's derived types refuse it, the JSON tree keeps the last one.
        0 if text.starts_with('{') && text.len() > 2 => {
            let first = text[1..].split(',').next().unwrap_or("").to_owned();
            format!("{{{first},{}", &text[1..]).into_bytes()
        }
        1 => text.as_bytes()[..rng.below(text.len())].to_vec(),
        2 => format!(" \n{text}\t ").into_bytes(),
        _ => text.into_bytes(),
    }
}

async fn answer(router: &axum::Router, method: &str, path: &str, body: &[u8]) -> (u16, String) {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", "Bearer typed-first")
        .header("content-type", "application/json")
        .body(Body::from(body.to_vec()))
        .expect("a valid request");
    let response = router.clone().oneshot(request).await.expect("the router is infallible");
    let status = response.status().as_u16();
    let bytes = response.into_body().collect().await.expect("the body streams").to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn the_typed_first_shortcut_answers_like_the_validators() {
    let cases: u64 = std::env::var("FUZZ_CASES").ok().and_then(|v| v.parse().ok()).map_or(3_000, |n: u64| n / 4);
    let seed: u64 = std::env::var("FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0x7e57_f1a5_0000_0001);
    // Any token, and no rate limit to run into: the answers compared are the body's.
    let mock = || MockGitHub::new("http://127.0.0.1:1").with_auth(MockAuth::new(None, u64::MAX));
    let shortcut = mock().router_with_config(RouterConfig::default());
    let validators_only = mock().router_with_config(RouterConfig::default().with_typed_first(false));
    let operations = operations();
    let mut statuses = std::collections::BTreeMap::new();
    for case in 0..cases {
        let mut rng = Rng(seed ^ case.wrapping_add(1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let (method, path, valid) = &operations[rng.below(operations.len())];
        let mut value = valid.clone();
        for _ in 0..rng.below(4) {
            mutate(&mut rng, &mut value, 0);
        }
        let body = text(&mut rng, &value);
        let mut fast = answer(&shortcut, method, path, &body).await;
        let mut slow = answer(&validators_only, method, path, &body).await;
        if fast.0 < 300 && slow.0 < 300 {
            // Successes carry the mocks' own timestamps: the statuses are what must agree.
            (fast.1, slow.1) = (String::new(), String::new());
        }
        assert_eq!(fast, slow, "case {case} (FUZZ_SEED={seed}): {method} {path} {}", String::from_utf8_lossy(&body));
        *statuses.entry(fast.0).or_insert(0u64) += 1;
    }
    eprintln!("{cases} cases, statuses: {statuses:?}");
    // Both kinds of answer must be common for the comparison to mean something.
    let count = |range: std::ops::Range<u16>| statuses.iter().filter(|(s, _)| range.contains(s)).map(|(_, n)| n).sum::<u64>();
    assert!(count(200..300) * 5 > cases && count(400..500) * 5 > cases, "{statuses:?}");
}
