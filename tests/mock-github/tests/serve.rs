//! The mock as its users run it: the real binary (request log without secret values or tokens,
//! a tokens file, rate limits, a clean exit on Ctrl-C) and the connection limits that are on by
//! default.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use mock_github::MockGitHub;
use mock_github::serve::{ServeOptions, serve};

/// Sends raw bytes and returns everything the server answers before closing (or `within`).
fn exchange(address: &str, request: &[u8], within: Duration) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(within)).unwrap();
    stream.write_all(request).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

#[test]
fn the_binary_logs_requests_without_secrets_and_stops_on_ctrl_c() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mock-github"))
        .args(["--listen", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut log = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    log.read_line(&mut first).unwrap();
    let address = first.split("http://").nth(1).and_then(|rest| rest.split_whitespace().next()).unwrap().to_owned();
    let mut second = String::new();
    log.read_line(&mut second).unwrap();
    assert!(second.contains("no --tokens file: any non-empty bearer token has every permission on every org"), "the mock says it lets any token in: {second}");

    let key = exchange(&address, b"GET /orgs/octo-org/dependabot/secrets/public-key HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nConnection: close\r\n\r\n", Duration::from_secs(5));
    assert!(key.starts_with("HTTP/1.1 200"), "{key}");
    let secret = r#"{"encrypted_value":"TOP-SECRET-c2VjcmV0","key_id":"1","visibility":"all"}"#;
    let put = format!(
        "PUT /orgs/octo-org/dependabot/secrets/S HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{secret}",
        secret.len()
    );
    let refused = exchange(&address, put.as_bytes(), Duration::from_secs(5));
    assert!(refused.starts_with("HTTP/1.1 422"), "not a valid sealed box: {refused}");

    let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let started = Instant::now();
    let exit = child.wait().unwrap();
    assert!(started.elapsed() < Duration::from_secs(6), "the mock stops promptly");
    assert!(exit.success(), "Ctrl-C is a clean exit: {exit:?}");
    let mut rest = String::new();
    log.read_to_string(&mut rest).unwrap();
    assert!(rest.contains("GET /orgs/octo-org/dependabot/secrets/public-key -> 200 in "), "{rest}");
    assert!(rest.contains("PUT /orgs/octo-org/dependabot/secrets/S -> 422 in "), "{rest}");
    assert!(rest.contains("shutting down"), "{rest}");
    assert!(!rest.contains("TOP-SECRET") && !rest.contains("c2VjcmV0"), "secret values are never logged: {rest}");
}

/// Starts the mock in-process with short timeouts; returns its address.
fn start_with_short_timeouts() -> String {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let options = ServeOptions {
        header_read_timeout: Duration::from_millis(300),
        body_read_timeout: Duration::from_millis(300),
        shutdown_grace: Duration::from_secs(1),
    };
    let router = MockGitHub::new(format!("http://{address}")).router();
    std::thread::spawn(move || runtime.block_on(serve(listener, router, options, std::future::pending())));
    address
}

#[test]
fn a_client_that_trickles_headers_is_cut_off() {
    let address = start_with_short_timeouts();
    let started = Instant::now();
    let answer = exchange(&address, b"GET /orgs/o/dependabot/secrets HTTP/1.1\r\nHost: x\r\n", Duration::from_secs(5));
    let waited = started.elapsed();
    assert!(waited < Duration::from_secs(3), "the connection is closed after the header timeout, not held open ({waited:?})");
    assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 408"), "{answer}");
}

#[test]
fn a_client_that_never_finishes_its_body_gets_an_error() {
    let address = start_with_short_timeouts();
    let started = Instant::now();
    let answer = exchange(
        &address,
        b"PUT /orgs/o/dependabot/secrets/S HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"vis",
        Duration::from_secs(5),
    );
    let waited = started.elapsed();
    assert!(waited < Duration::from_secs(3), "answered after the body timeout ({waited:?}): {answer}");
    assert!(answer.starts_with("HTTP/1.1 4"), "a client error, never a 5xx: {answer}");
    assert!(answer.contains("\"message\""), "in GitHub's error shape: {answer}");
}

#[test]
fn the_body_limit_is_on_by_default() {
    let address = start_with_short_timeouts();
    let body = format!("{{\"visibility\": \"{}\"}}", "x".repeat(2 << 20));
    let request = format!(
        "PUT /orgs/o/dependabot/secrets/S HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let answer = exchange(&address, request.as_bytes(), Duration::from_secs(5));
    assert!(answer.starts_with("HTTP/1.1 413"), "{}", &answer[..answer.len().min(200)]);
}

/// A tokens file in the temporary folder, removed when dropped.
struct TokensFile(std::path::PathBuf);

impl TokensFile {
    fn new(name: &str, text: &str) -> Self {
        let path = std::env::temp_dir().join(format!("mock-github-{}-{name}.yaml", std::process::id()));
        std::fs::write(&path, text).unwrap();
        Self(path)
    }
}

impl Drop for TokensFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

const TOKENS: &str = "tokens:
  - label: ci-readonly
    token: github_pat_11readonly
    kind: fine-grained
    owner: octo-org
    repositories: all
    permissions: {organization_dependabot_secrets: read, dependabot_secrets: read, artifact_metadata: read, metadata: read}
  - label: admin
    token: ghp_admin
    kind: classic
    scopes: [repo, admin:org]
";

fn get(address: &str, path: &str, token: Option<&str>) -> String {
    let authorization = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    exchange(address, format!("GET {path} HTTP/1.1\r\nHost: x\r\n{authorization}Connection: close\r\n\r\n").as_bytes(), Duration::from_secs(5))
}

#[test]
fn the_binary_serves_a_tokens_file_and_logs_labels_never_tokens() {
    let file = TokensFile::new("good", TOKENS);
    let mut child = Command::new(env!("CARGO_BIN_EXE_mock-github"))
        .args(["--listen", "127.0.0.1:0", "--rate-limit", "2", "--tokens"])
        .arg(&file.0)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut log = BufReader::new(child.stderr.take().unwrap());
    let (mut first, mut second) = (String::new(), String::new());
    log.read_line(&mut first).unwrap();
    log.read_line(&mut second).unwrap();
    let address = first.split("http://").nth(1).and_then(|rest| rest.split_whitespace().next()).unwrap().to_owned();
    assert_eq!(second.trim_end(), "mock-github: accepting 2 tokens (ci-readonly, admin); 2 requests per token and hour");

    let key = "/orgs/octo-org/dependabot/secrets/public-key";
    let first_answer = get(&address, key, Some("github_pat_11readonly"));
    assert!(first_answer.starts_with("HTTP/1.1 200") && first_answer.contains("x-ratelimit-remaining: 1\r\n"), "{first_answer}");
    assert!(get(&address, key, None).starts_with("HTTP/1.1 401"));
    assert!(get(&address, key, Some("ghp_guess")).starts_with("HTTP/1.1 401"));
    assert!(get(&address, "/orgs/octo-org/dependabot/secrets", Some("ghp_admin")).starts_with("HTTP/1.1 200"));
    let write = exchange(&address, b"DELETE /orgs/octo-org/dependabot/secrets/S HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer github_pat_11readonly\r\nConnection: close\r\n\r\n", Duration::from_secs(5));
    assert!(write.starts_with("HTTP/1.1 403") && write.contains("x-accepted-github-permissions: organization_dependabot_secrets=write\r\n"), "{write}");
    let spent = get(&address, key, Some("github_pat_11readonly"));
    assert!(spent.starts_with("HTTP/1.1 403") && spent.contains("x-ratelimit-remaining: 0\r\n") && spent.contains("API rate limit exceeded"), "{spent}");

    Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(child.wait().unwrap().success());
    let mut rest = String::new();
    log.read_to_string(&mut rest).unwrap();
    assert!(rest.contains(&format!("GET {key} -> 200 in ")) && rest.contains("(token ci-readonly)"), "{rest}");
    assert!(rest.contains("-> 401 in ") && rest.contains("(no token)") && rest.contains("(unrecognised token)"), "{rest}");
    assert!(rest.contains("(token admin)"), "{rest}");
    for token in ["github_pat_11readonly", "ghp_admin", "ghp_guess"] {
        assert!(!rest.contains(token), "a token in the log: {rest}");
    }
}

#[test]
fn a_bad_tokens_file_is_refused_naming_the_file_and_the_entry() {
    let file = TokensFile::new("bad", &TOKENS.replace("metadata: read}", "metadata: owner}"));
    let output = Command::new(env!("CARGO_BIN_EXE_mock-github")).args(["--listen", "127.0.0.1:0", "--tokens"]).arg(&file.0).output().unwrap();
    assert!(!output.status.success());
    let error = String::from_utf8_lossy(&output.stderr);
    let expected = format!("{}: tokens[0].permissions.metadata: `owner` is not an access level (read, write, admin)", file.0.display());
    assert!(error.contains(&expected), "{error}");
    assert!(!error.contains("serving"), "nothing is served: {error}");
}
