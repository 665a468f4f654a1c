//! Who may call the mock: its [`Authenticator`] for the generated router, and GitHub's rate
//! limits per token.
//!
//! - With a tokens file ([`crate::tokens`]), only its tokens are accepted, each with its grants.
//! - Without one ([`MockAuth::open`]), any non-empty bearer token is accepted with every
//!   permission on every owner, and the binary says so when it starts.
//! - Either way a request without a token is `401 Requires authentication`, and a token the
//!   mock does not accept `401 Bad credentials`.
//!
//! Each token has its own budget (5,000 requests an hour by default), reported on every answer
//! to it in `x-ratelimit-limit`, `-remaining`, `-used`, `-reset` (UTC epoch seconds) and
//! `-resource` (`core`); once spent, requests are refused with `403` and
//! `x-ratelimit-remaining: 0` until the hour is over, as GitHub does. Requests without a valid
//! token are not counted (GitHub limits those per IP address, which the mock does not model).

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use github_server::{Authenticator, Grants, Principal, Refusal, Requirements, bearer_token};

use crate::tokens::Tokens;

/// GitHub's primary rate limit for a token: requests per hour.
pub const DEFAULT_RATE_LIMIT: u64 = 5000;

/// How long a rate-limit window lasts.
const WINDOW: Duration = Duration::from_secs(3600);

/// The mock's authenticator; cheap to clone (shared).
#[derive(Clone)]
pub struct MockAuth {
    inner: Arc<Inner>,
}

struct Inner {
    tokens: Option<Tokens>,
    limit: u64,
    /// Budgets by token. The keys are tokens, so this map is never shown (no `Debug`).
    budgets: Mutex<HashMap<String, Budget>>,
}

#[derive(Clone, Copy)]
struct Budget {
    reset: SystemTime,
    used: u64,
}

impl fmt::Debug for MockAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockAuth").field("tokens", &self.inner.tokens).field("limit", &self.inner.limit).finish_non_exhaustive()
    }
}

impl MockAuth {
    /// Any non-empty bearer token, with every permission on every owner, and GitHub's default
    /// rate limit.
    pub fn open() -> Self {
        Self::new(None, DEFAULT_RATE_LIMIT)
    }

    /// Only `tokens`, each with its grants, and GitHub's default rate limit.
    pub fn with_tokens(tokens: Tokens) -> Self {
        Self::new(Some(tokens), DEFAULT_RATE_LIMIT)
    }

    /// `tokens` (any token when `None`), with `rate_limit` requests per token and hour.
    pub fn new(tokens: Option<Tokens>, rate_limit: u64) -> Self {
        Self { inner: Arc::new(Inner { tokens, limit: rate_limit, budgets: Mutex::default() }) }
    }

    /// Whether any token is accepted (no tokens file).
    pub fn is_open(&self) -> bool {
        self.inner.tokens.is_none()
    }

    /// The requests per token and hour.
    pub fn rate_limit(&self) -> u64 {
        self.inner.limit
    }

    /// How the log names the sender of `headers`: the token's label, `no token`, or
    /// `unrecognised token`. Never the token.
    pub fn describe(&self, headers: &HeaderMap) -> String {
        match bearer_token(headers) {
            Ok(None) => "no token".to_owned(),
            Err(_) => "unrecognised token".to_owned(),
            Ok(Some(token)) => match &self.inner.tokens {
                None => "any token".to_owned(),
                Some(tokens) => tokens.find(token).map_or_else(|| "unrecognised token".to_owned(), |t| format!("token {}", t.label)),
            },
        }
    }

    /// Spends one request of `token`'s budget: what remains, or the refusal once it is spent.
    fn spend(&self, token: &str) -> Result<RateLimit, Refusal> {
        let now = SystemTime::now();
        let mut budgets = self.inner.budgets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let budget = budgets.entry(token.to_owned()).or_insert(Budget { reset: now + WINDOW, used: 0 });
        if now >= budget.reset {
            *budget = Budget { reset: now + WINDOW, used: 0 };
        }
        let limit = self.inner.limit;
        if budget.used >= limit {
            let rate = RateLimit { limit, used: budget.used, reset: budget.reset };
            let mut refusal = Refusal::new(StatusCode::FORBIDDEN, "API rate limit exceeded for this token. Check the x-ratelimit-reset header for when it resets.");
            for (name, value) in rate.headers() {
                refusal = refusal.with_header(name, value);
            }
            return Err(refusal);
        }
        budget.used += 1;
        Ok(RateLimit { limit, used: budget.used, reset: budget.reset })
    }
}

/// One token's budget as an answer reports it.
#[derive(Debug, Clone, Copy)]
struct RateLimit {
    limit: u64,
    used: u64,
    reset: SystemTime,
}

impl RateLimit {
    fn headers(&self) -> Vec<(HeaderName, HeaderValue)> {
        let reset = self.reset.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
        [
            ("x-ratelimit-limit", self.limit.to_string()),
            ("x-ratelimit-remaining", self.limit.saturating_sub(self.used).to_string()),
            ("x-ratelimit-used", self.used.to_string()),
            ("x-ratelimit-reset", reset.to_string()),
            ("x-ratelimit-resource", "core".to_owned()),
        ]
        .into_iter()
        .filter_map(|(name, value)| Some((HeaderName::from_static(name), HeaderValue::from_str(&value).ok()?)))
        .collect()
    }
}

/// A caller of the mock: its label (never its token), grants and rate-limit budget.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The token's label (`any token` without a tokens file).
    pub label: String,
    grants: Grants,
    rate: RateLimit,
}

impl Principal for Caller {
    fn grants(&self) -> &Grants {
        &self.grants
    }

    fn response_headers(&self, headers: &mut HeaderMap) {
        headers.extend(self.rate.headers());
    }
}

impl Authenticator for MockAuth {
    type Principal = Caller;

    async fn authenticate(&self, headers: &HeaderMap, _operation: &'static Requirements) -> Result<Caller, Refusal> {
        let Some(token) = bearer_token(headers)? else { return Err(Refusal::missing_credentials()) };
        let (label, grants) = match &self.inner.tokens {
            None => ("any token".to_owned(), Grants::everything()),
            Some(tokens) => {
                let found = tokens.find(token).ok_or_else(Refusal::bad_credentials)?;
                (found.label.clone(), found.grants.clone())
            }
        };
        let rate = self.spend(token)?;
        Ok(Caller { label, grants, rate })
    }
}
