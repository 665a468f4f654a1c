//! Building a [`Client`]: base URL, token, the headers GitHub asks for, timeouts and retries.
//!
//! Every request of every method goes through [`ClientConfig::prepare`] (progenitor's `pre`
//! hook) and the retry loop (its `exec` hook), so the generated methods, the multi-status
//! methods, the item streams and the secret helpers all send the same headers.
//!
//! **Headers.** The builder sets, on every request: `Authorization: Bearer <token>` (when a
//! token is given), `X-GitHub-Api-Version` ([`DEFAULT_API_VERSION`] unless changed) and
//! `User-Agent` ([`DEFAULT_USER_AGENT`] unless changed); they take precedence over the default
//! headers of a `reqwest::Client` passed with [`ClientBuilder::http_client`].
//!
//! **`Accept`.** progenitor's methods send `Accept: application/json`; GitHub recommends its own
//! media type, which is also JSON, so that value is replaced by [`GITHUB_MEDIA_TYPE`]
//! (`application/vnd.github+json`) and the responses parse as before. progenitor also sends
//! `api-version: <the OpenAPI document's version>`, which is not GitHub's API version (that
//! travels in `X-GitHub-Api-Version`); it is removed so that it cannot be mistaken for one.
//!
//! The generator copies this file verbatim from `codegen/templates/client/builder.rs`.

use std::fmt;
use std::time::Duration;

use progenitor_client::{ClientHooks, Error, OperationInfo};
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue, USER_AGENT};

use super::retry::{RetryPolicy, execute};
use crate::Client;

/// The base URL of GitHub.com's REST API, the builder's default. GitHub Enterprise Server
/// serves the API at `https://HOST/api/v3`.
pub const GITHUB_API_URL: &str = "https://api.github.com";

/// The media type GitHub recommends in `Accept`, sent instead of progenitor's `application/json`.
pub const GITHUB_MEDIA_TYPE: &str = "application/vnd.github+json";

/// The REST API version sent in `X-GitHub-Api-Version` unless [`ClientBuilder::api_version`]
/// says otherwise.
pub const DEFAULT_API_VERSION: &str = "2022-11-28";

/// The `User-Agent` sent unless [`ClientBuilder::user_agent`] says otherwise: this crate's
/// name and version. GitHub refuses requests without one.
pub const DEFAULT_USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// How long one request may take (each attempt of a retried one), unless changed.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// How long connecting may take, when the builder makes the `reqwest::Client`.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The header naming GitHub's REST API version.
const API_VERSION_HEADER: &str = "x-github-api-version";

/// The header progenitor adds with the OpenAPI document's version.
const PROGENITOR_VERSION_HEADER: &str = "api-version";

/// What a [`Client`] does to every request: the headers it sets, the timeout, the retry policy.
/// Made by [`ClientBuilder::build`]; read it with `ClientInfo::inner`.
#[derive(Clone)]
pub struct ClientConfig {
    /// Set on every request, replacing any value the request or the `reqwest::Client` has.
    headers: HeaderMap,
    /// Replaces progenitor's `Accept: application/json`.
    accept: HeaderValue,
    /// Per-request timeout, when the request has none.
    timeout: Option<Duration>,
    retry: RetryPolicy,
}

impl ClientConfig {
    /// The configuration of [`Client::new_with_client`]: the caller's `reqwest::Client`
    /// supplies the headers; only `Accept` is made GitHub's and the default retry policy applies.
    fn passthrough() -> Self {
        Self {
            headers: HeaderMap::new(),
            accept: HeaderValue::from_static(GITHUB_MEDIA_TYPE),
            timeout: None,
            retry: RetryPolicy::default(),
        }
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The `X-GitHub-Api-Version` sent, if the client sets one.
    pub fn api_version(&self) -> Option<&str> {
        self.headers.get(API_VERSION_HEADER).and_then(|v| v.to_str().ok())
    }

    /// The `User-Agent` sent, if the client sets one.
    pub fn user_agent(&self) -> Option<&str> {
        self.headers.get(USER_AGENT).and_then(|v| v.to_str().ok())
    }

    /// Whether requests carry a token.
    pub fn is_authenticated(&self) -> bool {
        self.headers.contains_key(AUTHORIZATION)
    }

    /// The per-request timeout, if the client sets one.
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// Applies the configuration to a request about to be sent (see the module documentation).
    pub fn prepare(&self, request: &mut reqwest::Request) {
        let headers = request.headers_mut();
        headers.remove(PROGENITOR_VERSION_HEADER);
        let progenitor_accept = headers.get(ACCEPT).is_none_or(|v| v.as_bytes() == b"application/json");
        if progenitor_accept {
            headers.insert(ACCEPT, self.accept.clone());
        }
        for (name, value) in &self.headers {
            headers.insert(name.clone(), value.clone());
        }
        if request.timeout().is_none() {
            *request.timeout_mut() = self.timeout;
        }
    }
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the token.
        f.debug_struct("ClientConfig")
            .field("authenticated", &self.is_authenticated())
            .field("api_version", &self.api_version())
            .field("user_agent", &self.user_agent())
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish()
    }
}

impl ClientHooks<ClientConfig> for Client {
    async fn pre<E>(&self, request: &mut reqwest::Request, _info: &OperationInfo) -> Result<(), Error<E>> {
        self.inner.prepare(request);
        Ok(())
    }

    async fn exec(&self, request: reqwest::Request, _info: &OperationInfo) -> reqwest::Result<reqwest::Response> {
        execute(&self.client, &self.inner.retry, request).await
    }
}

impl Client {
    /// Starts configuring a client: `Client::builder().token(token).build()?` for GitHub.com,
    /// `.base_url("https://HOST/api/v3")` for GitHub Enterprise Server.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client for `baseurl` with the builder's defaults and no token (what progenitor's
    /// constructor was; [`Client::builder`] checks the URL and reports problems as errors).
    ///
    /// Like `reqwest::Client::new`, this panics only if the TLS backend cannot be initialized.
    pub fn new(baseurl: &str) -> Self {
        let builder = ClientBuilder::default();
        let http = builder.http_builder().build().unwrap_or_default();
        // The defaults are valid header values; the fallback only keeps this free of panics.
        let config = builder.config(HeaderMap::new()).unwrap_or_else(|_| ClientConfig::passthrough());
        Self::new_with_client(baseurl, http).with_config(config)
    }

    /// A client for `baseurl` that sends requests with `client` as it is: its default headers
    /// (token, `User-Agent`, `X-GitHub-Api-Version`) and timeouts are the only ones used;
    /// `Accept` becomes GitHub's media type and the default [`RetryPolicy`] applies. To have
    /// the builder's headers on top of your own `reqwest::Client`, use
    /// [`ClientBuilder::http_client`].
    pub fn new_with_client(baseurl: &str, client: reqwest::Client) -> Self {
        Self {
            baseurl: baseurl.trim_end_matches('/').to_owned(),
            client,
            inner: ClientConfig::passthrough(),
        }
    }

    fn with_config(mut self, config: ClientConfig) -> Self {
        self.inner = config;
        self
    }
}

/// Configures a [`Client`]; made by [`Client::builder`].
#[derive(Clone)]
pub struct ClientBuilder {
    base_url: String,
    token: Option<String>,
    api_version: String,
    user_agent: String,
    timeout: Duration,
    connect_timeout: Option<Duration>,
    http_client: Option<reqwest::Client>,
    retry: RetryPolicy,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            base_url: GITHUB_API_URL.to_owned(),
            token: None,
            api_version: DEFAULT_API_VERSION.to_owned(),
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: None,
            http_client: None,
            retry: RetryPolicy::default(),
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the token.
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("api_version", &self.api_version)
            .field("user_agent", &self.user_agent)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("http_client", &self.http_client.is_some())
            .field("retry", &self.retry)
            .finish()
    }
}

impl ClientBuilder {
    /// The API's base URL: [`GITHUB_API_URL`] by default, `https://HOST/api/v3` for GitHub
    /// Enterprise Server. A trailing `/` is ignored.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Authenticates every request with `Authorization: Bearer <token>` (a personal access
    /// token, a GitHub App installation token, `GITHUB_TOKEN` in Actions...). Never printed.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// The REST API version sent in `X-GitHub-Api-Version` ([`DEFAULT_API_VERSION`] by default).
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = version.into();
        self
    }

    /// The `User-Agent` sent ([`DEFAULT_USER_AGENT`] by default). GitHub asks for the name of
    /// your application or your GitHub user name.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// How long one request may take before it fails (each attempt, when retried);
    /// [`DEFAULT_TIMEOUT`] by default.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long connecting may take ([`DEFAULT_CONNECT_TIMEOUT`] by default). Only for the
    /// `reqwest::Client` the builder makes: with [`ClientBuilder::http_client`], set it on yours.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Sends requests with your own `reqwest::Client` (proxies, TLS roots, connection pools...).
    /// The builder's headers and timeout still apply to every request, over the client's own
    /// default headers.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// How failed requests are retried ([`RetryPolicy::default`]); [`RetryPolicy::disabled`]
    /// turns retries off.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The client, or why it cannot be made: a base URL that is not an `http(s)` URL, a
    /// token, version or user agent that cannot be a header value, a connect timeout with your
    /// own `reqwest::Client`, or a `reqwest::Client` that cannot be built.
    pub fn build(self) -> Result<Client, BuildError> {
        let base_url = self.base_url.trim_end_matches('/').to_owned();
        let parsed = reqwest::Url::parse(&base_url).map_err(|error| BuildError::BaseUrl(format!("`{base_url}` is not a URL: {error}")))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(BuildError::BaseUrl(format!("`{base_url}` is not an http(s) URL with a host")));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(BuildError::BaseUrl(format!("`{base_url}` has a query or fragment; give the API's root only")));
        }
        let mut headers = HeaderMap::new();
        if let Some(token) = &self.token {
            let mut value = HeaderValue::from_str(&format!("Bearer {}", token.trim())).map_err(|_| BuildError::Header("the token"))?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
        let http = match (&self.http_client, self.connect_timeout) {
            (Some(_), Some(_)) => return Err(BuildError::ConnectTimeoutWithHttpClient),
            (Some(client), None) => client.clone(),
            (None, _) => self.http_builder().build().map_err(BuildError::Http)?,
        };
        let config = self.config(headers)?;
        Ok(Client::new_with_client(&base_url, http).with_config(config))
    }

    /// The `reqwest::Client` the builder makes when none is given.
    fn http_builder(&self) -> reqwest::ClientBuilder {
        reqwest::Client::builder().connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
    }

    /// The configuration, with `headers` (the token's) plus the version and user agent.
    fn config(&self, mut headers: HeaderMap) -> Result<ClientConfig, BuildError> {
        let version = HeaderValue::from_str(&self.api_version).map_err(|_| BuildError::Header("the API version"))?;
        let user_agent = HeaderValue::from_str(&self.user_agent).map_err(|_| BuildError::Header("the user agent"))?;
        headers.insert(API_VERSION_HEADER, version);
        headers.insert(USER_AGENT, user_agent);
        Ok(ClientConfig {
            headers,
            accept: HeaderValue::from_static(GITHUB_MEDIA_TYPE),
            timeout: Some(self.timeout),
            retry: self.retry.clone(),
        })
    }
}

/// Why [`ClientBuilder::build`] failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// The base URL is not an `http(s)` URL with a host, or has a query or fragment.
    BaseUrl(String),
    /// This setting contains characters a header value cannot hold (it is not shown, since it
    /// may be the token).
    Header(&'static str),
    /// A connect timeout was set together with a caller's `reqwest::Client`, which the builder
    /// cannot change.
    ConnectTimeoutWithHttpClient,
    /// reqwest could not build its client (e.g. the TLS backend failed to initialize).
    Http(reqwest::Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BaseUrl(reason) => write!(f, "invalid base URL: {reason}"),
            Self::Header(what) => write!(f, "{what} cannot be sent in an HTTP header (it contains control or non-visible characters)"),
            Self::ConnectTimeoutWithHttpClient => {
                write!(f, "a connect timeout cannot be applied to a caller's reqwest::Client; set it on that client")
            }
            Self::Http(error) => write!(f, "the HTTP client could not be built: {error}"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Http(error) => Some(error),
            _ => None,
        }
    }
}
