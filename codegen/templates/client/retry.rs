//! Retrying requests GitHub asks to retry, within bounds.
//!
//! What is retried ([`RetryPolicy::wait_after_response`]):
//!
//! - `429 Too Many Requests`, and the rate-limit form of `403 Forbidden` (with a `retry-after`
//!   header, or `x-ratelimit-remaining: 0`): for every method, since GitHub refused the request
//!   without acting on it;
//! - `5xx` statuses other than `501 Not Implemented`, and timeouts: only for idempotent methods
//!   (`GET`, `HEAD`, `PUT`, `DELETE`, `OPTIONS`, `TRACE`), since a `POST` may have taken effect;
//! - failures to connect, for every method (nothing was sent).
//!
//! How long to wait: `retry-after` (in seconds) when the response has it; otherwise, when
//! `x-ratelimit-remaining` is `0`, until `x-ratelimit-reset`; otherwise an exponential backoff
//! with jitter (`initial_backoff`, doubling, at most `max_backoff`).
//!
//! Bounds: at most `max_retries` retries, and no wait that would end more than `max_elapsed`
//! after the first attempt started: when GitHub asks for a longer wait (a rate limit that
//! resets in half an hour), the response is returned at once, so the caller sees the
//! rate-limit headers (see `GitHubError`) instead of a hung call. [`RetryPolicy::disabled`]
//! sends every request once. A request whose body cannot be copied (a stream) is sent once.
//!
//! The generator copies this file verbatim from `codegen/templates/client/retry.rs`.

use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

/// When and how often a [`crate::Client`] retries (see the module documentation of the rules).
/// `RetryPolicy::default()` retries at most 3 times within 60 seconds, backing off from 1 to 30
/// seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    max_elapsed: Duration,
    initial_backoff: Duration,
    max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            max_elapsed: Duration::from_secs(60),
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// No retries: every request is sent once.
    pub fn disabled() -> Self {
        Self { max_retries: 0, ..Self::default() }
    }

    /// At most `retries` retries after the first attempt.
    pub fn with_max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// No wait may end more than `elapsed` after the first attempt started.
    pub fn with_max_elapsed(mut self, elapsed: Duration) -> Self {
        self.max_elapsed = elapsed;
        self
    }

    /// The first backoff, when the response does not say how long to wait.
    pub fn with_initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest backoff, when the response does not say how long to wait.
    pub fn with_max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The most retries after the first attempt.
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The bound on the total time spent waiting to retry, from the first attempt.
    pub fn max_elapsed(&self) -> Duration {
        self.max_elapsed
    }

    /// How long to wait before retrying a `method` request that got `status` and `headers`,
    /// after `retries` retries; `None` when it must not be retried (see the module
    /// documentation). The bounds on retries and time are applied by the caller.
    pub fn wait_after_response(&self, method: &Method, status: StatusCode, headers: &HeaderMap, retries: u32) -> Option<Duration> {
        let retry_after = header_text(headers, "retry-after");
        let exhausted = header_text(headers, "x-ratelimit-remaining").is_some_and(|v| v.trim() == "0");
        let rate_limited = status == StatusCode::TOO_MANY_REQUESTS || (status == StatusCode::FORBIDDEN && (retry_after.is_some() || exhausted));
        let server_error = status.is_server_error() && status != StatusCode::NOT_IMPLEMENTED;
        if !(rate_limited || (server_error && is_idempotent(method))) {
            return None;
        }
        if let Some(seconds) = retry_after.and_then(|v| v.trim().parse::<u64>().ok()) {
            return Some(Duration::from_secs(seconds));
        }
        if let Some(reset) = rate_limit_reset(headers).filter(|_| exhausted) {
            let until = reset.duration_since(SystemTime::now()).unwrap_or_default();
            return Some(until.max(Duration::from_secs(1)));
        }
        Some(self.backoff(retries))
    }

    /// How long to wait before retrying a `method` request that failed with `error`, after
    /// `retries` retries; `None` when it must not be retried.
    fn wait_after_error(&self, method: &Method, error: &reqwest::Error, retries: u32) -> Option<Duration> {
        let retry = error.is_connect() || ((error.is_timeout() || error.is_request()) && is_idempotent(method));
        retry.then(|| self.backoff(retries))
    }

    /// The backoff before retry number `retries + 1`: doubling from `initial_backoff`, at most
    /// `max_backoff`, scaled by a random factor in [0.5, 1) so that clients do not retry in step.
    fn backoff(&self, retries: u32) -> Duration {
        let doubled = self.initial_backoff.saturating_mul(1u32.checked_shl(retries).unwrap_or(u32::MAX));
        let capped = doubled.min(self.max_backoff);
        Duration::try_from_secs_f64(capped.as_secs_f64() * (0.5 + jitter() / 2.0)).unwrap_or(capped)
    }
}

/// `GET`, `HEAD`, `PUT`, `DELETE`, `OPTIONS` and `TRACE`: methods whose repetition has the
/// effect of a single request (RFC 9110, section 9.2.2).
pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE)
}

/// A header's value as text, if it is present and visible ASCII.
pub(crate) fn header_text<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// `x-ratelimit-reset` (seconds since the Unix epoch) as a time.
pub(crate) fn rate_limit_reset(headers: &HeaderMap) -> Option<SystemTime> {
    let seconds = header_text(headers, "x-ratelimit-reset")?.trim().parse::<u64>().ok()?;
    UNIX_EPOCH.checked_add(Duration::from_secs(seconds))
}

/// A random number in [0, 1), from the standard library's randomly seeded hasher (no
/// dependency needed for jitter).
fn jitter() -> f64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or_default());
    (hasher.finish() % 1_000_000) as f64 / 1_000_000.0
}

/// Sends `request` with `http`, retrying it as `policy` says.
pub(crate) async fn execute(http: &reqwest::Client, policy: &RetryPolicy, request: reqwest::Request) -> reqwest::Result<reqwest::Response> {
    let started = Instant::now();
    let method = request.method().clone();
    let mut request = request;
    let mut retries = 0;
    loop {
        let copy = if retries < policy.max_retries { request.try_clone() } else { None };
        let result = http.execute(request).await;
        let Some(copy) = copy else { return result };
        let wait = match &result {
            Ok(response) => policy.wait_after_response(&method, response.status(), response.headers(), retries),
            Err(error) => policy.wait_after_error(&method, error, retries),
        };
        let Some(wait) = wait else { return result };
        if started.elapsed().saturating_add(wait) > policy.max_elapsed {
            return result;
        }
        drop(result);
        tokio::time::sleep(wait).await;
        retries += 1;
        request = copy;
    }
}
