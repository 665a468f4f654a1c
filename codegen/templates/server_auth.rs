//! Who is calling, and whether they may: the authentication hook an implementation provides
//! ([`Authenticator`]), what a caller was granted ([`Grants`]), and the checks the router makes
//! against each operation's [`Requirements`] (generated in [`crate::requirements`]) before the
//! request's body is even read.
//!
//! For every request the router, in this order:
//!
//! 1. answers `400` when `X-GitHub-Api-Version` names a version it does not serve;
//! 2. asks the [`Authenticator`] who the caller is, from the headers alone: a refusal is sent as
//!    it is (`401 Requires authentication` without credentials, `401 Bad credentials` for
//!    credentials it does not accept, or the implementer's own, such as a rate limit);
//! 3. answers `404 Not Found` when the operation's owner (`{org}`, `{owner}`) or repository
//!    (`{repo}`) is outside what the caller may see, as GitHub hides what a token cannot reach;
//! 4. answers `403` when the caller lacks what the operation needs, naming what would do in
//!    `X-Accepted-GitHub-Permissions` (fine-grained tokens, GitHub Apps) or
//!    `X-Accepted-OAuth-Scopes` (classic tokens), as GitHub does;
//! 5. only then reads, parses and validates the body (`415`, `413`, `400`, `422`), and calls the
//!    [`crate::Api`] method with a [`RequestContext`]: the caller, the headers, the request id.
//!
//! Every answer carries `X-GitHub-Request-Id`; every answer to a classic token carries
//! `X-OAuth-Scopes` (its scopes) and `X-Accepted-OAuth-Scopes`; every answer to a fine-grained
//! token or app carries `X-Accepted-GitHub-Permissions`; and every answer to an authenticated
//! caller carries the headers its [`Principal::response_headers`] adds (rate limits...).
//!
//! There is no default authenticator: [`crate::router`] takes one. Serving without
//! authentication is [`AllowEveryone`], chosen by name.
//!
//! The generator copies this file verbatim (from `codegen/templates/server_auth.rs`).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::runtime::{FromRawRequest, error_response_with, operation_path, path_parameters};

/// The API versions [`crate::RouterConfig::default`] serves (`X-GitHub-Api-Version`).
pub const DEFAULT_API_VERSIONS: [&str; 2] = ["2022-11-28", "2026-03-10"];

/// How much of a permission: `write` includes `read`, `admin` includes both, as on GitHub.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Access {
    /// `read`.
    Read,
    /// `write`.
    Write,
    /// `admin`.
    Admin,
}

impl Access {
    /// GitHub's word for it: `read`, `write` or `admin`.
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Write => "write",
            Access::Admin => "admin",
        }
    }

    /// The access GitHub's word names.
    pub fn parse(word: &str) -> Option<Self> {
        match word {
            "read" => Some(Access::Read),
            "write" => Some(Access::Write),
            "admin" => Some(Access::Admin),
            _ => None,
        }
    }
}

impl fmt::Display for Access {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One permission at the least access that suffices, e.g. `organization_dependabot_secrets=write`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Permission {
    /// GitHub's permission key.
    pub name: &'static str,
    /// The least access that suffices.
    pub access: Access,
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.name, self.access)
    }
}

/// What one operation requires of its caller, as pinned with the spec. The router checks it
/// before the implementation runs; [`RequestContext::operation`] hands it to the method too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Requirements {
    /// The operationId.
    pub operation_id: &'static str,
    /// The operation's reference page, named in every refusal's `documentation_url`.
    pub documentation_url: Option<&'static str>,
    /// Fine-grained tokens and GitHub Apps: alternatives, any one of which suffices, each a set
    /// of permissions needed together. `None` when the generator had no requirements for the
    /// operation: then any authenticated caller may call it.
    pub fine_grained: Option<&'static [&'static [Permission]]>,
    /// Classic tokens: any one of these scopes suffices (none listed: any classic token).
    /// `None` as for `fine_grained`.
    pub classic_scopes: Option<&'static [&'static str]>,
    /// When the classic scopes apply, as the description words it (`if the repository is
    /// private`). The router cannot know, and requires them always.
    pub classic_scopes_condition: Option<&'static str>,
    /// The path parameter naming the resource's owner (`org`, `owner`), if any.
    pub owner_parameter: Option<&'static str>,
    /// The path parameter naming the repository (`repo`), if any.
    pub repository_parameter: Option<&'static str>,
    /// `fine_grained` as GitHub's `X-Accepted-GitHub-Permissions` writes it: `,` joins a set,
    /// `; ` separates alternatives (`artifact_metadata=write; contents=write`). Written by the
    /// generator, so that no request pays for formatting it.
    pub x_accepted_github_permissions: &'static str,
    /// `classic_scopes` as GitHub's `X-Accepted-OAuth-Scopes` writes them: `admin:org, repo`.
    pub x_accepted_oauth_scopes: &'static str,
}

impl Requirements {
    /// The fine-grained alternatives as GitHub's `X-Accepted-GitHub-Permissions` writes them
    /// (see [`Requirements::x_accepted_github_permissions`]).
    pub fn accepted_permissions(&self) -> &'static str {
        self.x_accepted_github_permissions
    }

    /// The classic scopes as GitHub's `X-Accepted-OAuth-Scopes` writes them: `admin:org, repo`.
    pub fn accepted_oauth_scopes(&self) -> &'static str {
        self.x_accepted_oauth_scopes
    }
}

/// The kind of credentials a caller presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenKind {
    /// A fine-grained personal access token: permissions, one owner, some or all repositories.
    FineGrained,
    /// An OAuth app token or a personal access token (classic): scopes.
    Classic,
    /// A GitHub App (installation or user access token): permissions, like a fine-grained token.
    App,
}

/// The permissions a caller holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GrantedPermissions {
    /// Every permission at `admin`.
    All,
    /// These, by GitHub's permission key.
    Only(BTreeMap<String, Access>),
}

/// The repositories of its owner a caller may reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Repositories {
    /// All of them.
    All,
    /// These, by name (compared without regard to ASCII case, as GitHub compares names).
    Only(BTreeSet<String>),
}

/// What a caller was granted: what the router holds it to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Grants {
    /// The kind of token.
    pub kind: TokenKind,
    /// Its permissions (fine-grained tokens and apps).
    pub permissions: GrantedPermissions,
    /// Its scopes (classic tokens).
    pub scopes: BTreeSet<String>,
    /// The one account (organization or user) it acts on; `None`: any.
    pub owner: Option<String>,
    /// The repositories of that owner it may reach.
    pub repositories: Repositories,
}

impl Grants {
    /// A fine-grained token acting on `owner`, with `permissions`, on all its repositories.
    pub fn fine_grained<N: Into<String>>(owner: impl Into<String>, permissions: impl IntoIterator<Item = (N, Access)>) -> Self {
        Self::with_permissions(TokenKind::FineGrained, owner.into(), permissions)
    }

    /// A GitHub App installed on `owner`, with `permissions`, on all its repositories.
    pub fn app<N: Into<String>>(owner: impl Into<String>, permissions: impl IntoIterator<Item = (N, Access)>) -> Self {
        Self::with_permissions(TokenKind::App, owner.into(), permissions)
    }

    /// A classic token with `scopes`, on every owner its user can reach.
    pub fn classic<S: Into<String>>(scopes: impl IntoIterator<Item = S>) -> Self {
        Self {
            kind: TokenKind::Classic,
            permissions: GrantedPermissions::Only(BTreeMap::new()),
            scopes: scopes.into_iter().map(Into::into).collect(),
            owner: None,
            repositories: Repositories::All,
        }
    }

    /// Every permission on every owner and repository: what [`AllowEveryone`] grants.
    pub fn everything() -> Self {
        Self { kind: TokenKind::FineGrained, permissions: GrantedPermissions::All, scopes: BTreeSet::new(), owner: None, repositories: Repositories::All }
    }

    /// The same grants, limited to these repositories of the owner.
    #[must_use]
    pub fn with_repositories<S: AsRef<str>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.repositories = Repositories::Only(names.into_iter().map(|n| n.as_ref().to_ascii_lowercase()).collect());
        self
    }

    /// The same grants, limited to one owner.
    #[must_use]
    pub fn with_owner(mut self, owner: impl Into<String>) -> Self {
        self.owner = Some(owner.into());
        self
    }

    fn with_permissions<N: Into<String>>(kind: TokenKind, owner: String, permissions: impl IntoIterator<Item = (N, Access)>) -> Self {
        let permissions = permissions.into_iter().map(|(name, access)| (name.into(), access)).collect();
        Self { kind, permissions: GrantedPermissions::Only(permissions), scopes: BTreeSet::new(), owner: Some(owner), repositories: Repositories::All }
    }

    /// Whether the caller holds `permission` (at its access or more).
    pub fn has(&self, permission: Permission) -> bool {
        match &self.permissions {
            GrantedPermissions::All => true,
            GrantedPermissions::Only(held) => held.get(permission.name).is_some_and(|access| *access >= permission.access),
        }
    }

    /// Whether the caller may see the account `owner`.
    pub fn may_see_owner(&self, owner: &str) -> bool {
        self.owner.as_deref().is_none_or(|own| own.eq_ignore_ascii_case(owner))
    }

    /// Whether the caller may reach the repository `name` of an owner it may see.
    pub fn may_see_repository(&self, name: &str) -> bool {
        match &self.repositories {
            Repositories::All => true,
            Repositories::Only(names) => names.contains(&name.to_ascii_lowercase()),
        }
    }

    /// Why the caller may not call `operation`, as GitHub words it, or `None` when it may.
    pub fn refusal(&self, operation: &Requirements) -> Option<&'static str> {
        match self.kind {
            TokenKind::FineGrained | TokenKind::App => {
                let sets = operation.fine_grained.filter(|sets| !sets.is_empty())?;
                if sets.iter().any(|set| set.iter().all(|permission| self.has(*permission))) {
                    return None;
                }
                Some(if self.kind == TokenKind::App { "Resource not accessible by integration" } else { "Resource not accessible by personal access token" })
            }
            TokenKind::Classic => {
                let scopes = operation.classic_scopes.filter(|scopes| !scopes.is_empty())?;
                if scopes.iter().any(|scope| self.scopes.contains(*scope)) {
                    return None;
                }
                Some("Resource not accessible by personal access token")
            }
        }
    }
}

/// A caller, as the [`Authenticator`] made it: whatever the implementation wants to know about
/// it, plus the grants the router checks.
pub trait Principal: Send + Sync + 'static {
    /// What the caller was granted.
    fn grants(&self) -> &Grants;

    /// Headers every answer to this caller carries, whatever the answer (GitHub's
    /// `x-ratelimit-*`, for example). None by default.
    fn response_headers(&self, headers: &mut HeaderMap) {
        let _ = headers;
    }
}

/// The authentication hook: turns a request's headers into a caller, or a refusal. It runs
/// before anything else reads the request, so an unauthenticated request never has its body
/// read. [`bearer_token`] reads GitHub's `Authorization` header; compare tokens in constant time
/// (the `subtle` crate), and never log them.
pub trait Authenticator: Send + Sync + 'static {
    /// The caller this hook makes; every [`crate::Api`] method receives it in its context.
    type Principal: Principal;

    /// Who sends a request with these `headers` to `operation`, or why it is refused.
    fn authenticate(&self, headers: &HeaderMap, operation: &'static Requirements) -> impl Future<Output = Result<Self::Principal, Refusal>> + Send;
}

/// Why a request was refused before it reached the implementation: sent as GitHub's error body,
/// `{"message", "documentation_url"}` of the operation, with any headers added.
#[derive(Debug, Clone)]
pub struct Refusal {
    status: StatusCode,
    message: Cow<'static, str>,
    // Not a `HeaderMap`: that would make every `Result<_, Refusal>` four times as large.
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl Refusal {
    /// `401 Requires authentication`: no credentials were sent.
    pub fn missing_credentials() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "Requires authentication")
    }

    /// `401 Bad credentials`: credentials the hook does not accept.
    pub fn bad_credentials() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "Bad credentials")
    }

    /// A refusal with this status and message (a rate limit: `403`, with its headers).
    pub fn new(status: StatusCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self { status, message: message.into(), headers: Vec::new() }
    }

    /// The same refusal, sent with one more header.
    #[must_use]
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.retain(|(existing, _)| *existing != name);
        self.headers.push((name, value));
        self
    }

    /// The status sent.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The message sent.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// The token of `Authorization: Bearer <token>` (or GitHub's older `token <token>`): `Ok(None)`
/// without an `Authorization` header, `Err(Refusal::bad_credentials())` for one that holds no
/// token in either form.
pub fn bearer_token(headers: &HeaderMap) -> Result<Option<&str>, Refusal> {
    let Some(value) = headers.get(header::AUTHORIZATION) else { return Ok(None) };
    let text = value.to_str().map_err(|_| Refusal::bad_credentials())?.trim();
    let (scheme, token) = text.split_once(' ').ok_or_else(Refusal::bad_credentials)?;
    let token = token.trim();
    if !(scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("token")) || token.is_empty() {
        return Err(Refusal::bad_credentials());
    }
    Ok(Some(token))
}

/// Lets every request in, as a caller with every permission ([`Grants::everything`]): serving
/// without authentication, for tests and for servers behind a gateway that already
/// authenticates. Nothing uses it unless named.
#[derive(Debug, Clone, Copy, Default)]
pub struct AllowEveryone;

/// The caller [`AllowEveryone`] makes.
#[derive(Debug, Clone)]
pub struct Anyone {
    grants: Grants,
}

impl Principal for Anyone {
    fn grants(&self) -> &Grants {
        &self.grants
    }
}

impl Authenticator for AllowEveryone {
    type Principal = Anyone;

    async fn authenticate(&self, _headers: &HeaderMap, _operation: &'static Requirements) -> Result<Anyone, Refusal> {
        Ok(Anyone { grants: Grants::everything() })
    }
}

/// The id of one request, sent back in `X-GitHub-Request-Id` (in GitHub's shape,
/// `8C1A:2B3C:1D4E5F:2A3B4C:65A1B2C3`), unique within the process.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RequestId(String);

impl RequestId {
    /// A new id.
    pub fn new() -> Self {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        static SEED: OnceLock<u64> = OnceLock::new();
        // The standard library's hasher keys are random per process: a seed without a dependency.
        let seed = *SEED.get_or_init(|| std::collections::hash_map::RandomState::new().build_hasher().finish());
        Self(request_id_text(seed, COUNTER.fetch_add(1, Ordering::Relaxed)))
    }

    /// The id's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id as the `X-GitHub-Request-Id` header's value.
    fn header_value(&self) -> HeaderValue {
        // Hex digits and colons: always a valid value.
        HeaderValue::from_str(&self.0).unwrap_or_else(|_| HeaderValue::from_static("0000:0000:0:0:00000000"))
    }
}

/// The text of the id numbered `count` in a process seeded with `seed`:
/// `format!("{:04X}:{:04X}:{:X}:{:X}:{:08X}", ..)` written out, because `format!` was 2.6k of
/// the 16k instructions admission added to a request (callgrind; now 0.5k: one allocation, no
/// formatting machinery; a test compares the two).
fn request_id_text(seed: u64, count: u64) -> String {
    fn push_hex(out: &mut String, value: u64, min_digits: u32) {
        let digits = min_digits.max((64 - value.leading_zeros()).div_ceil(4)).max(1);
        for index in (0..digits).rev() {
            out.push(char::from(b"0123456789ABCDEF"[((value >> (4 * index)) & 0xf) as usize]));
        }
    }
    let mixed = seed ^ count.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let mut out = String::with_capacity(32);
    push_hex(&mut out, seed >> 48, 4);
    out.push(':');
    push_hex(&mut out, (seed >> 32) & 0xffff, 4);
    out.push(':');
    push_hex(&mut out, mixed & 0xff_ffff, 1);
    out.push(':');
    push_hex(&mut out, (mixed >> 24) & 0xff_ffff, 1);
    out.push(':');
    push_hex(&mut out, count & 0xffff_ffff, 8);
    out
}

impl Default for RequestId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What every [`crate::Api`] method receives besides its inputs: who calls, the request's
/// headers, its id, and the operation's requirements. Its `Debug` does not show credentials.
#[non_exhaustive]
pub struct RequestContext<P> {
    /// The caller, as the [`Authenticator`] made it.
    pub caller: P,
    /// The request's headers (`Authorization` included: handle with care).
    pub headers: HeaderMap,
    /// The id sent back in `X-GitHub-Request-Id`.
    pub request_id: RequestId,
    /// What the operation requires.
    pub operation: &'static Requirements,
}

impl<P> RequestContext<P> {
    /// A context, for calling an implementation's methods directly (in its tests).
    pub fn new(caller: P, headers: HeaderMap, request_id: RequestId, operation: &'static Requirements) -> Self {
        Self { caller, headers, request_id, operation }
    }
}

/// Headers that carry credentials, shown as `(redacted)` by [`RequestContext`]'s `Debug`.
const CREDENTIAL_HEADERS: [HeaderName; 3] = [header::AUTHORIZATION, header::PROXY_AUTHORIZATION, header::COOKIE];

impl<P: fmt::Debug> fmt::Debug for RequestContext<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| (name.as_str(), if CREDENTIAL_HEADERS.contains(name) { "(redacted)" } else { value.to_str().unwrap_or("(not text)") }))
            .collect();
        f.debug_struct("RequestContext")
            .field("caller", &self.caller)
            .field("headers", &headers)
            .field("request_id", &self.request_id)
            .field("operation", &self.operation.operation_id)
            .finish()
    }
}

/// An implementation and its authenticator, as the router serves them.
pub(crate) struct Served<A, U> {
    pub(crate) api: A,
    authenticator: U,
    api_versions: Vec<HeaderValue>,
    /// [`crate::RouterConfig::typed_first`], for `read`.
    pub(crate) typed_first: bool,
}

impl<A, U> Served<A, U> {
    pub(crate) fn new(api: A, authenticator: U, config: &crate::RouterConfig) -> Self {
        let api_versions = config.api_versions.iter().filter_map(|v| HeaderValue::from_str(v).ok()).collect();
        Self { api, authenticator, api_versions, typed_first: config.typed_first }
    }
}

/// The headers every answer to one request carries, added to whatever the answer is: the
/// request id, then the principal's (`Principal::response_headers`), then the token's scopes
/// and what the operation accepts, each replacing a header of the same name before it.
///
/// Not one `HeaderMap`: building a map (two allocations and hashing) and merging it into the
/// response's cost about 1k instructions per request (callgrind); the principal's map stays
/// empty, and allocates nothing, unless it adds headers.
#[must_use]
pub(crate) struct Answer {
    request_id: HeaderValue,
    principal: HeaderMap,
    /// `X-OAuth-Scopes`, for a classic token.
    scopes: Option<HeaderValue>,
    /// `X-Accepted-OAuth-Scopes` or `X-Accepted-GitHub-Permissions`.
    accepted: Option<(HeaderName, HeaderValue)>,
}

impl Answer {
    fn new(request_id: &RequestId) -> Self {
        Self { request_id: request_id.header_value(), principal: HeaderMap::new(), scopes: None, accepted: None }
    }

    /// `response` with the headers added.
    pub(crate) fn finish(self, mut response: Response) -> Response {
        // Moved, not copied; each name replaces the response's own, and a name the
        // implementation gave several values (`Principal::response_headers`) keeps them all.
        let headers = response.headers_mut();
        headers.insert(REQUEST_ID, self.request_id);
        if !self.principal.is_empty() {
            headers.extend(self.principal);
        }
        if let Some(scopes) = self.scopes {
            headers.insert(HeaderName::from_static("x-oauth-scopes"), scopes);
        }
        if let Some((name, value)) = self.accepted {
            headers.insert(name, value);
        }
        response
    }

    fn refuse(self, operation: &Requirements, status: StatusCode, message: &str) -> Response {
        self.finish(error_response_with(status, message, operation.documentation_url.or(crate::DOCUMENTATION_URL)))
    }
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-github-request-id");
const API_VERSION: HeaderName = HeaderName::from_static("x-github-api-version");

/// A fresh `X-GitHub-Request-Id` on an answer that no operation gave (an unknown route).
pub(crate) fn with_request_id(mut response: Response) -> Response {
    response.headers_mut().insert(REQUEST_ID, RequestId::new().header_value());
    response
}

impl<A: Send + Sync, U: Authenticator> Served<A, U> {
    /// Steps 1 to 4 of the module's list for a request to `operation` (whose input is `I`): the
    /// caller's context, the request to read the input from, and the headers of the answer; or
    /// the refusal, ready to send.
    pub(crate) async fn admit<I: FromRawRequest>(&self, operation: &'static Requirements, request: Request) -> Result<Admitted<U::Principal>, Response> {
        let request_id = RequestId::new();
        let mut answer = Answer::new(&request_id);
        if let Some(version) = request.headers().get(API_VERSION)
            && !self.api_versions.contains(version)
        {
            let supported: Vec<&str> = self.api_versions.iter().filter_map(|v| v.to_str().ok()).collect();
            let message = format!("Unsupported 'X-GitHub-Api-Version': {}. Supported versions: {}", version.to_str().unwrap_or("(not text)"), supported.join(", "));
            return Err(answer.refuse(operation, StatusCode::BAD_REQUEST, &message));
        }
        let (mut parts, body) = request.into_parts();
        // The operation's own path parameters, read once: for the owner and repository checks,
        // to tell a URL its route matched but its path does not (`{base}...{head}`) before
        // anything else, and for `read` after admission.
        // A parameter that is not UTF-8 is refused once the caller is admitted, as `read`
        // refuses a bad input: an unauthenticated request learns nothing about its URL.
        let (path, unreadable_path) = match path_parameters(&mut parts).await {
            Ok(path) => (path, None),
            Err(rejection) => (Vec::new(), Some(rejection)),
        };
        let path = match I::PATH {
            Some(pieces) => match operation_path(pieces, path) {
                Some(path) => path,
                None => return Err(answer.refuse(operation, StatusCode::NOT_FOUND, "Not Found")),
            },
            None => path,
        };
        let caller = match self.authenticator.authenticate(&parts.headers, operation).await {
            Ok(caller) => caller,
            Err(refusal) => {
                let Refusal { status, message, headers } = refusal;
                let mut response = answer.refuse(operation, status, &message);
                response.headers_mut().extend(headers);
                return Err(response);
            }
        };
        caller.response_headers(&mut answer.principal);
        let grants = caller.grants();
        match grants.kind {
            TokenKind::Classic => {
                // A value that cannot be a header (a scope with a line break, from an
                // implementation's grants) is left out rather than failing the answer.
                answer.scopes = HeaderValue::from_str(&grants.scopes.iter().map(String::as_str).collect::<Vec<_>>().join(", ")).ok();
                if operation.classic_scopes.is_some() {
                    answer.accepted = Some((HeaderName::from_static("x-accepted-oauth-scopes"), static_value(operation.x_accepted_oauth_scopes)));
                }
            }
            TokenKind::FineGrained | TokenKind::App => {
                if operation.fine_grained.is_some() {
                    answer.accepted = Some((HeaderName::from_static("x-accepted-github-permissions"), static_value(operation.x_accepted_github_permissions)));
                }
            }
        }
        let parameter = |name: Option<&str>| name.and_then(|name| path.iter().find(|(n, _)| n == name)).map(|(_, value)| value.as_str());
        let owner_hidden = parameter(operation.owner_parameter).is_some_and(|owner| !grants.may_see_owner(owner));
        let repository_hidden = parameter(operation.repository_parameter).is_some_and(|repo| !grants.may_see_repository(repo));
        if owner_hidden || repository_hidden {
            return Err(answer.refuse(operation, StatusCode::NOT_FOUND, "Not Found"));
        }
        if let Some(message) = grants.refusal(operation) {
            return Err(answer.refuse(operation, StatusCode::FORBIDDEN, message));
        }
        if let Some(rejection) = unreadable_path {
            return Err(answer.finish(rejection.into_response()));
        }
        // The headers move into the context once `read` is done with them (no copy).
        let context = RequestContext::new(caller, HeaderMap::new(), request_id, operation);
        Ok(Admitted { context, request: Request::from_parts(parts, body), path, answer })
    }
}

/// An admitted request: the caller's context (its headers are put in by `read`), the request,
/// its path parameters as the operation names them, and the headers every answer carries.
pub(crate) struct Admitted<P> {
    pub(crate) context: RequestContext<P>,
    pub(crate) request: Request,
    pub(crate) path: Vec<(String, String)>,
    pub(crate) answer: Answer,
}

/// A header value the generator wrote (`Requirements`' header texts), without a copy.
fn static_value(text: &'static str) -> HeaderValue {
    // `from_static` panics on a byte a header may not hold; the generator writes visible ASCII.
    if text.bytes().all(|byte| (0x20..0x7f).contains(&byte)) { HeaderValue::from_static(text) } else { HeaderValue::from_static("") }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SETS: &[&[Permission]] = &[
        &[Permission { name: "metadata", access: Access::Read }, Permission { name: "organization_dependabot_secrets", access: Access::Write }],
        &[Permission { name: "contents", access: Access::Write }],
    ];

    const OPERATION: Requirements = Requirements {
        operation_id: "x/y",
        documentation_url: None,
        fine_grained: Some(SETS),
        classic_scopes: Some(&["admin:org"]),
        classic_scopes_condition: None,
        owner_parameter: Some("org"),
        repository_parameter: None,
        x_accepted_github_permissions: "metadata=read,organization_dependabot_secrets=write; contents=write",
        x_accepted_oauth_scopes: "admin:org",
    };

    #[test]
    fn a_set_needs_all_of_its_permissions_and_any_set_will_do() {
        let one_of_two = Grants::fine_grained("o", [("organization_dependabot_secrets", Access::Admin)]);
        assert_eq!(one_of_two.refusal(&OPERATION), Some("Resource not accessible by personal access token"));
        let both = Grants::fine_grained("o", [("organization_dependabot_secrets", Access::Write), ("metadata", Access::Read)]);
        assert_eq!(both.refusal(&OPERATION), None);
        let read_is_not_write = Grants::app("o", [("contents", Access::Read)]);
        assert_eq!(read_is_not_write.refusal(&OPERATION), Some("Resource not accessible by integration"));
        assert_eq!(Grants::app("o", [("contents", Access::Admin)]).refusal(&OPERATION), None, "admin includes write");
        assert_eq!(Grants::classic(["repo"]).refusal(&OPERATION), Some("Resource not accessible by personal access token"));
        assert_eq!(Grants::classic(["repo", "admin:org"]).refusal(&OPERATION), None);
    }

    #[test]
    fn owners_and_repositories_are_compared_without_case() {
        let grants = Grants::fine_grained("Octo-Org", [("contents", Access::Read)]).with_repositories(["Hello-World"]);
        assert!(grants.may_see_owner("octo-org") && !grants.may_see_owner("other-org"));
        assert!(grants.may_see_repository("hello-world") && !grants.may_see_repository("secret-repo"));
        assert!(Grants::classic(["repo"]).may_see_owner("anyone"));
    }

    #[test]
    fn bearer_tokens_are_read_in_both_of_githubs_forms() {
        let headers = |value: &str| HeaderMap::from_iter([(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap())]);
        assert_eq!(bearer_token(&headers("Bearer ghp_x")).unwrap(), Some("ghp_x"));
        assert_eq!(bearer_token(&headers("token ghp_x")).unwrap(), Some("ghp_x"));
        assert_eq!(bearer_token(&HeaderMap::new()).unwrap(), None);
        for bad in ["Basic dXNlcg==", "Bearer ", "ghp_x"] {
            assert_eq!(bearer_token(&headers(bad)).unwrap_err().message(), "Bad credentials", "{bad}");
        }
    }

    #[test]
    fn the_context_never_shows_credentials() {
        let headers = HeaderMap::from_iter([(header::AUTHORIZATION, HeaderValue::from_static("Bearer ghp_secret")), (header::ACCEPT, HeaderValue::from_static("application/json"))]);
        let context = RequestContext::new("caller", headers, RequestId::new(), &OPERATION);
        let shown = format!("{context:?}");
        assert!(!shown.contains("ghp_secret") && shown.contains("(redacted)") && shown.contains("application/json"), "{shown}");
    }

    #[test]
    fn an_answer_replaces_the_responses_headers_and_keeps_several_values() {
        let mut answer = Answer::new(&RequestId::new());
        answer.principal.append(header::LINK, HeaderValue::from_static("<a>"));
        answer.principal.append(header::LINK, HeaderValue::from_static("<b>"));
        let mut response = StatusCode::OK.into_response();
        response.headers_mut().insert(header::LINK, HeaderValue::from_static("<old>"));
        let response = answer.finish(response);
        let links: Vec<_> = response.headers().get_all(header::LINK).iter().collect();
        assert_eq!(links, ["<a>", "<b>"]);
        assert!(response.headers().contains_key(REQUEST_ID));
    }

    #[test]
    fn request_ids_are_written_as_format_would() {
        for (seed, count) in [(0, 0), (u64::MAX, u64::MAX), (0x0123_4567_89ab_cdef, 42), (0x8c1a_2b3c_0000_0001, 1 << 40), (7, 0xffff_ffff)] {
            let mixed = seed ^ count.wrapping_mul(0x9e37_79b9_7f4a_7c15);
            let expected = format!("{:04X}:{:04X}:{:X}:{:X}:{:08X}", seed >> 48, (seed >> 32) & 0xffff, mixed & 0xff_ffff, (mixed >> 24) & 0xff_ffff, count & 0xffff_ffff);
            assert_eq!(request_id_text(seed, count), expected);
        }
    }

    #[test]
    fn request_ids_differ() {
        assert_ne!(RequestId::new(), RequestId::new());
    }
}
