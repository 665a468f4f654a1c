//! The mock as its users run it: the real binary (request log without secret values, a clean
//! exit on Ctrl-C) and the connection limits that are on by default.

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
