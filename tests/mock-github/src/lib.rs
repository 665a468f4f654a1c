//! A mock GitHub for the pinned operations: an in-memory implementation of the generated
//! server's [`Api`] trait that behaves like GitHub for Dependabot secrets, artifact metadata and
//! dependency snapshots, so teams can test their own tools against it.
//!
//! - Dependabot secrets per org and per repository, with timestamps, visibility and selected
//!   repositories; create-or-update answers 201 the first time and 204 after; a missing secret
//!   is 404; selected-repository changes on a secret whose visibility is not `selected` are 409.
//! - A real X25519 key pair per org and per repository; a value that is not a sealed box for the
//!   current key is refused with 422.
//! - Artifact deployment and storage records by digest; setting a cluster replaces its records.
//!   With `partial_success`, deployments naming a repository that starts with `missing-` are
//!   reported as unresolvable in a 207; without it, such a request is a 404.
//! - Page-based pagination (`per_page` default 30, at most 100) with RFC 8288 `Link` headers.
//! - Who may call ([`auth`], [`tokens`]): the generated router holds every caller to the
//!   operation's pinned requirements; the mock accepts the tokens of a tokens file (or, without
//!   one, any token with every permission), limits each token's requests per hour, leaves out of
//!   "List artifact storage records" the records of repositories the caller cannot read, and
//!   refuses (`403`) artifact records naming a repository outside the token's selection.
//!
//! Secret values and tokens are never logged; the request log has method, path, status, time
//! and the token's label only.

pub mod auth;
pub mod keys;
pub mod pagination;
pub mod records;
pub mod secrets;
pub mod serve;
pub mod tokens;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use axum::http::StatusCode;
use chrono::{SecondsFormat, Utc};
use github_server::{Api, Principal, RequestContext, ServerError, requests, responses};
use serde_json::{Value, json};

use crate::auth::{Caller, MockAuth};
use crate::pagination::Page;
use crate::records::{DeploymentRecord, Records, StorageRecord};
use crate::secrets::{OrgSecret, RepoSecret, Vault, Visibility, WriteError, Written, canonical_name};

/// The mock's whole state.
#[derive(Debug, Default)]
struct State {
    orgs: BTreeMap<String, Org>,
    repos: BTreeMap<(String, String), Vault<RepoSecret>>,
    next_key_id: u64,
    next_snapshot_id: i64,
}

#[derive(Debug)]
struct Org {
    vault: Vault<OrgSecret>,
    records: Records,
}

impl State {
    fn key_id(&mut self) -> String {
        self.next_key_id += 1;
        // GitHub's key ids are long decimal strings.
        format!("{}", 568_250_167_242_549_743u64 + self.next_key_id)
    }

    /// Every org exists (GitHub has them all); its state is made on first use.
    fn org(&mut self, org: &str) -> &mut Org {
        let key = org.to_ascii_lowercase();
        if !self.orgs.contains_key(&key) {
            let key_id = self.key_id();
            self.orgs.insert(key.clone(), Org { vault: Vault::new(key_id), records: Records::default() });
        }
        self.orgs.get_mut(&key).expect("inserted above")
    }

    fn repo(&mut self, owner: &str, repo: &str) -> &mut Vault<RepoSecret> {
        let key = (owner.to_ascii_lowercase(), repo.to_ascii_lowercase());
        if !self.repos.contains_key(&key) {
            let key_id = self.key_id();
            self.repos.insert(key.clone(), Vault::new(key_id));
        }
        self.repos.get_mut(&key).expect("inserted above")
    }
}

/// Where the mock's request log goes: one line per request.
pub type LogSink = Arc<dyn Fn(&str) + Send + Sync>;

/// The mock GitHub; cheap to clone (the state is shared).
#[derive(Clone)]
pub struct MockGitHub {
    state: Arc<Mutex<State>>,
    base_url: Arc<str>,
    auth: MockAuth,
    log: LogSink,
}

impl MockGitHub {
    /// A mock whose `Link` headers point at `base_url` (e.g. `http://127.0.0.1:8080`), accepting
    /// any non-empty bearer token with every permission ([`MockAuth::open`]), logging to stderr.
    pub fn new(base_url: impl Into<String>) -> Self {
        Self { state: Arc::default(), base_url: base_url.into().trim_end_matches('/').into(), auth: MockAuth::open(), log: Arc::new(|line: &str| eprintln!("{line}")) }
    }

    /// The same mock, accepting callers as `auth` says (a tokens file, a rate limit).
    #[must_use]
    pub fn with_auth(mut self, auth: MockAuth) -> Self {
        self.auth = auth;
        self
    }

    /// The same mock, writing its request log to `sink` instead of stderr.
    #[must_use]
    pub fn with_log(mut self, sink: LogSink) -> Self {
        self.log = sink;
        self
    }

    /// How the mock accepts callers.
    pub fn auth(&self) -> &MockAuth {
        &self.auth
    }

    /// The router serving the mock, with one log line per request.
    pub fn router(self) -> axum::Router {
        self.router_with_config(github_server::RouterConfig::default())
    }

    /// [`MockGitHub::router`] with the generated router configured by `config`.
    pub fn router_with_config(self, config: github_server::RouterConfig) -> axum::Router {
        let (auth, log) = (self.auth.clone(), self.log.clone());
        let logger = axum::middleware::from_fn(move |request, next| log_request(auth.clone(), log.clone(), request, next));
        github_server::router_with_config(self.clone(), self.auth, config).layer(logger)
    }

    /// The plaintext of an organization secret, opened with the org's private key: what GitHub
    /// would hand to Dependabot. For tests that check a client's encryption.
    pub fn reveal_org_secret(&self, org: &str, name: &str) -> Option<Vec<u8>> {
        self.lock().org(org).vault.reveal(name)
    }

    /// The plaintext of a repository secret (see [`MockGitHub::reveal_org_secret`]).
    pub fn reveal_repo_secret(&self, owner: &str, repo: &str, name: &str) -> Option<Vec<u8>> {
        self.lock().repo(owner, repo).reveal(name)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the maps half-updated in a way that
        // matters for a mock, so a poisoned lock is simply taken over.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The `Link` header for `page` of the list at the path made of `segments` (each
    /// percent-encoded: they may come from decoded path parameters).
    fn link(&self, segments: &[&str], page: &Page) -> Option<String> {
        let path: String = segments.iter().map(|s| format!("/{}", pagination::encode_segment(s))).collect();
        page.link_header(&format!("{}{path}", self.base_url))
    }
}

/// Logs `METHOD /path -> status in N ms (token LABEL)`; never bodies, query strings, or
/// headers but for the token's label.
async fn log_request(auth: MockAuth, log: LogSink, request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let caller = auth.describe(request.headers());
    let started = Instant::now();
    let response = next.run(request).await;
    log(&format!("{method} {path} -> {} in {:.1} ms ({caller})", response.status().as_u16(), started.elapsed().as_secs_f64() * 1000.0));
    response
}

fn now_string() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Builds a models type from JSON; the mock's own output must always fit the spec.
fn model<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, ServerError> {
    serde_json::from_value(value).map_err(|error| ServerError::internal(format!("the mock built an invalid response: {error}")))
}

fn unprocessable(message: impl Into<String>) -> ServerError {
    ServerError::new(StatusCode::UNPROCESSABLE_ENTITY, message.into())
}

fn write_error(error: WriteError) -> ServerError {
    unprocessable(match error {
        WriteError::MissingValue => "encrypted_value and key_id are required to create a secret".to_owned(),
        WriteError::ValueWithoutKeyId => "encrypted_value and key_id must be given together".to_owned(),
        WriteError::Seal(keys::SealError::WrongKeyId) => "key_id is not the current public key's id; fetch the public key again".to_owned(),
        WriteError::Seal(_) => "encrypted_value is not a sealed box for the current public key".to_owned(),
    })
}

fn visibility_name(visibility: Visibility) -> &'static str {
    match visibility {
        Visibility::All => "all",
        Visibility::Private => "private",
        Visibility::Selected => "selected",
    }
}

fn org_secret_json(base_url: &str, org: &str, secret: &OrgSecret) -> Value {
    let mut value = json!({
        "name": secret.name,
        "created_at": secret.created_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        "updated_at": secret.updated_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        "visibility": visibility_name(secret.visibility),
    });
    if secret.visibility == Visibility::Selected {
        value["selected_repositories_url"] = json!(format!("{base_url}/orgs/{org}/dependabot/secrets/{}/repositories", secret.name));
    }
    value
}

fn repo_secret_json(secret: &RepoSecret) -> Value {
    json!({
        "name": secret.name,
        "created_at": secret.created_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        "updated_at": secret.updated_at.to_rfc3339_opts(SecondsFormat::Secs, true),
    })
}

/// A `minimal-repository` for an id, with every field the spec requires.
fn minimal_repository(base_url: &str, org: &str, id: i64) -> Value {
    let name = format!("repo-{id}");
    let api = format!("{base_url}/repos/{org}/{name}");
    let mut repo = json!({
        "id": id, "node_id": format!("R_{id}"), "name": name, "full_name": format!("{org}/{name}"),
        "private": false, "fork": false, "description": null,
        "html_url": format!("https://github.com/{org}/{name}"), "url": api,
        "owner": {
            "login": org, "id": 1, "node_id": "O_1", "avatar_url": "https://avatars.githubusercontent.com/u/1",
            "gravatar_id": "", "url": format!("{base_url}/users/{org}"), "html_url": format!("https://github.com/{org}"),
            "followers_url": format!("{base_url}/users/{org}/followers"), "following_url": format!("{base_url}/users/{org}/following{{/other_user}}"),
            "gists_url": format!("{base_url}/users/{org}/gists{{/gist_id}}"), "starred_url": format!("{base_url}/users/{org}/starred{{/owner}}{{/repo}}"),
            "subscriptions_url": format!("{base_url}/users/{org}/subscriptions"), "organizations_url": format!("{base_url}/users/{org}/orgs"),
            "repos_url": format!("{base_url}/users/{org}/repos"), "events_url": format!("{base_url}/users/{org}/events{{/privacy}}"),
            "received_events_url": format!("{base_url}/users/{org}/received_events"), "type": "Organization", "site_admin": false
        }
    });
    for (field, suffix) in [
        ("archive_url", "/{archive_format}{/ref}"), ("assignees_url", "/assignees{/user}"), ("blobs_url", "/git/blobs{/sha}"),
        ("branches_url", "/branches{/branch}"), ("collaborators_url", "/collaborators{/collaborator}"), ("comments_url", "/comments{/number}"),
        ("commits_url", "/commits{/sha}"), ("compare_url", "/compare/{base}...{head}"), ("contents_url", "/contents/{+path}"),
        ("contributors_url", "/contributors"), ("deployments_url", "/deployments"), ("downloads_url", "/downloads"),
        ("events_url", "/events"), ("forks_url", "/forks"), ("git_commits_url", "/git/commits{/sha}"), ("git_refs_url", "/git/refs{/sha}"),
        ("git_tags_url", "/git/tags{/sha}"), ("hooks_url", "/hooks"), ("issue_comment_url", "/issues/comments{/number}"),
        ("issue_events_url", "/issues/events{/number}"), ("issues_url", "/issues{/number}"), ("keys_url", "/keys{/key_id}"),
        ("labels_url", "/labels{/name}"), ("languages_url", "/languages"), ("merges_url", "/merges"), ("milestones_url", "/milestones{/number}"),
        ("notifications_url", "/notifications{?since,all,participating}"), ("pulls_url", "/pulls{/number}"), ("releases_url", "/releases{/id}"),
        ("stargazers_url", "/stargazers"), ("statuses_url", "/statuses/{sha}"), ("subscribers_url", "/subscribers"),
        ("subscription_url", "/subscription"), ("tags_url", "/tags"), ("teams_url", "/teams"), ("trees_url", "/git/trees{/sha}"),
    ] {
        repo[field] = json!(format!("{api}{suffix}"));
    }
    repo
}

fn deployment_json(record: &DeploymentRecord) -> Value {
    json!({
        "id": record.id, "digest": record.digest, "logical_environment": record.logical_environment,
        "physical_environment": record.physical_environment, "cluster": record.cluster,
        "deployment_name": record.deployment_name, "tags": record.tags, "runtime_risks": record.runtime_risks,
        "attestation_id": null,
        "created_at": record.created_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        "updated_at": record.updated_at.to_rfc3339_opts(SecondsFormat::Secs, true),
    })
}

fn storage_json(record: &StorageRecord) -> Value {
    let created = record.created_at.to_rfc3339_opts(SecondsFormat::Secs, true);
    json!({
        "id": record.id, "name": record.name, "digest": record.digest, "artifact_url": record.artifact_url,
        "registry_url": record.registry_url, "repository": record.repository, "status": record.status,
        "created_at": created, "updated_at": created,
    })
}

/// The value of an enum (or string newtype) as it appears on the wire.
fn wire<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

fn is_unresolvable(repository: Option<&str>) -> bool {
    repository.is_some_and(|r| r.starts_with("missing-"))
}

/// Whether `caller` may reach the repository an artifact record names (`name` or `owner/name`),
/// as the records' readers and writers must (the router already checked the org).
fn may_reach(caller: &Caller, repository: Option<&str>) -> bool {
    repository.is_none_or(|r| caller.grants().may_see_repository(r.rsplit('/').next().unwrap_or(r)))
}

/// The `403` for an artifact record naming a repository outside the token's selection, in the
/// words of GitHub's example for set-cluster-deployment-records.
fn outside_selection() -> Result<github_models::BasicError, ServerError> {
    model(json!({"message": "artifact metadata write permission required on one or more repositories", "documentation_url": github_server::DOCUMENTATION_URL}))
}

impl Api for MockGitHub {
    type Caller = Caller;

    async fn dependabot_get_org_public_key(
        &self,
        _context: RequestContext<Caller>,
        request: requests::DependabotGetOrgPublicKey,
    ) -> Result<responses::DependabotGetOrgPublicKey, ServerError> {
        let mut state = self.lock();
        let key = &state.org(&request.org).vault.key;
        Ok(responses::DependabotGetOrgPublicKey::Ok(model(json!({"key_id": key.key_id, "key": key.public_key_base64()}))?))
    }

    async fn dependabot_get_repo_public_key(
        &self,
        _context: RequestContext<Caller>,
        request: requests::DependabotGetRepoPublicKey,
    ) -> Result<responses::DependabotGetRepoPublicKey, ServerError> {
        let mut state = self.lock();
        let key = &state.repo(&request.owner, &request.repo).key;
        Ok(responses::DependabotGetRepoPublicKey::Ok(model(json!({"key_id": key.key_id, "key": key.public_key_base64()}))?))
    }

    async fn dependabot_list_org_secrets(
        &self,
        _context: RequestContext<Caller>,
        request: requests::DependabotListOrgSecrets,
    ) -> Result<responses::DependabotListOrgSecrets, ServerError> {
        let mut state = self.lock();
        let secrets: Vec<&OrgSecret> = state.org(&request.org).vault.secrets.values().collect();
        let page = Page::new(request.page, request.per_page, secrets.len());
        let listed: Vec<Value> = secrets[page.range(secrets.len())].iter().map(|s| org_secret_json(&self.base_url, &request.org, s)).collect();
        let body = model(json!({"total_count": secrets.len(), "secrets": listed}))?;
        let link = self.link(&["orgs", &request.org, "dependabot", "secrets"], &page);
        Ok(responses::DependabotListOrgSecrets::Ok { body, link })
    }

    async fn dependabot_list_repo_secrets(
        &self,
        _context: RequestContext<Caller>,
        request: requests::DependabotListRepoSecrets,
    ) -> Result<responses::DependabotListRepoSecrets, ServerError> {
        let mut state = self.lock();
        let secrets: Vec<&RepoSecret> = state.repo(&request.owner, &request.repo).secrets.values().collect();
        let page = Page::new(request.page, request.per_page, secrets.len());
        let listed: Vec<Value> = secrets[page.range(secrets.len())].iter().map(|s| repo_secret_json(s)).collect();
        let body = model(json!({"total_count": secrets.len(), "secrets": listed}))?;
        let link = self.link(&["repos", &request.owner, &request.repo, "dependabot", "secrets"], &page);
        Ok(responses::DependabotListRepoSecrets::Ok { body, link })
    }

    async fn dependabot_get_org_secret(
        &self,
        _context: RequestContext<Caller>,
        request: requests::DependabotGetOrgSecret,
    ) -> Result<responses::DependabotGetOrgSecret, ServerError> {
        let mut state = self.lock();
        let secret = state.org(&request.org).vault.secrets.get(&canonical_name(&request.secret_name)).ok_or_else(ServerError::not_found)?;
        Ok(responses::DependabotGetOrgSecret::Ok(model(org_secret_json(&self.base_url, &request.org, secret))?))
    }

    async fn dependabot_get_repo_secret(
        &self,
        _context: RequestContext<Caller>,
        request: requests::DependabotGetRepoSecret,
    ) -> Result<responses::DependabotGetRepoSecret, ServerError> {
        let mut state = self.lock();
        let secret = state.repo(&request.owner, &request.repo).secrets.get(&canonical_name(&request.secret_name)).ok_or_else(ServerError::not_found)?;
        Ok(responses::DependabotGetRepoSecret::Ok(model(repo_secret_json(secret))?))
    }

    async fn dependabot_create_or_update_org_secret(
        &self,
        _context: RequestContext<Caller>,
        request: requests::DependabotCreateOrUpdateOrgSecret,
    ) -> Result<responses::DependabotCreateOrUpdateOrgSecret, ServerError> {
        use github_models::DependabotCreateOrUpdateOrgSecretRequestSelectedRepositoryIdsItem as Id;
        let body = request.body;
        let visibility = match wire(&body.visibility).as_str() {
            "all" => Visibility::All,
            "private" => Visibility::Private,
            _ => Visibility::Selected,
        };
        let mut selected = BTreeSet::new();
        for id in &body.selected_repository_ids {
            let id = match id {
                Id::Integer(i) => *i,
                Id::String(s) => s.parse().map_err(|_| unprocessable(format!("selected_repository_ids: `{s}` is not a repository id")))?,
                // The enum is non-exhaustive: a kind of id a later spec adds is not one this mock knows.
                other => return Err(unprocessable(format!("selected_repository_ids: `{other}` is not a repository id"))),
            };
            selected.insert(id);
        }
        let selected = (!body.selected_repository_ids.is_empty()).then_some(selected);
        let value = body.encrypted_value.as_ref().map(|v| v.as_str().to_owned());
        let mut state = self.lock();
        let written = state
            .org(&request.org)
            .vault
            .put(&request.secret_name, value.as_deref(), body.key_id.as_deref(), visibility, selected, Utc::now())
            .map_err(write_error)?;
        Ok(match written {
            Written::Created => responses::DependabotCreateOrUpdateOrgSecret::Created(model(json!({}))?),
            Written::Updated => responses::DependabotCreateOrUpdateOrgSecret::NoContent,
        })
    }

    async fn dependabot_create_or_update_repo_secret(
        &self,
        _context: RequestContext<Caller>,
        request: requests::DependabotCreateOrUpdateRepoSecret,
    ) -> Result<responses::DependabotCreateOrUpdateRepoSecret, ServerError> {
        let value = request.body.encrypted_value.as_ref().map(|v| v.as_str().to_owned());
        let mut state = self.lock();
        let written = state
            .repo(&request.owner, &request.repo)
            .put(&request.secret_name, value.as_deref(), request.body.key_id.as_deref(), Utc::now())
            .map_err(write_error)?;
        Ok(match written {
            Written::Created => responses::DependabotCreateOrUpdateRepoSecret::Created(model(json!({}))?),
            Written::Updated => responses::DependabotCreateOrUpdateRepoSecret::NoContent,
        })
    }

    async fn dependabot_delete_org_secret(
        &self,
        _context: RequestContext<Caller>,
        request: requests::DependabotDeleteOrgSecret,
    ) -> Result<responses::DependabotDeleteOrgSecret, ServerError> {
        let mut state = self.lock();
        state.org(&request.org).vault.secrets.remove(&canonical_name(&request.secret_name)).ok_or_else(ServerError::not_found)?;
        Ok(responses::DependabotDeleteOrgSecret::NoContent)
    }

    async fn dependabot_delete_repo_secret(
        &self,
        _context: RequestContext<Caller>,
        request: requests::DependabotDeleteRepoSecret,
    ) -> Result<responses::DependabotDeleteRepoSecret, ServerError> {
        let mut state = self.lock();
        state.repo(&request.owner, &request.repo).secrets.remove(&canonical_name(&request.secret_name)).ok_or_else(ServerError::not_found)?;
        Ok(responses::DependabotDeleteRepoSecret::NoContent)
    }

    async fn dependabot_list_selected_repos_for_org_secret(
        &self,
        _context: RequestContext<Caller>,
        request: requests::DependabotListSelectedReposForOrgSecret,
    ) -> Result<responses::DependabotListSelectedReposForOrgSecret, ServerError> {
        let mut state = self.lock();
        let secret = state.org(&request.org).vault.secrets.get(&canonical_name(&request.secret_name)).ok_or_else(ServerError::not_found)?;
        if secret.visibility != Visibility::Selected {
            return Err(ServerError::new(StatusCode::CONFLICT, "the secret's visibility is not `selected`"));
        }
        let ids: Vec<i64> = secret.selected.iter().copied().collect();
        let page = Page::new(request.page, request.per_page, ids.len());
        let repositories: Vec<Value> = ids[page.range(ids.len())].iter().map(|id| minimal_repository(&self.base_url, &request.org, *id)).collect();
        let body = model(json!({"total_count": ids.len(), "repositories": repositories}))?;
        // GitHub pages this list with `Link` too; spec/codegen.yaml declares the header.
        let link = self.link(&["orgs", &request.org, "dependabot", "secrets", &request.secret_name, "repositories"], &page);
        Ok(responses::DependabotListSelectedReposForOrgSecret::Ok { body, link })
    }

    async fn dependabot_set_selected_repos_for_org_secret(
        &self,
        _context: RequestContext<Caller>,
        request: requests::DependabotSetSelectedReposForOrgSecret,
    ) -> Result<responses::DependabotSetSelectedReposForOrgSecret, ServerError> {
        let mut state = self.lock();
        let secret = state.org(&request.org).vault.secrets.get_mut(&canonical_name(&request.secret_name)).ok_or_else(ServerError::not_found)?;
        if secret.visibility != Visibility::Selected {
            return Err(ServerError::new(StatusCode::CONFLICT, "the secret's visibility is not `selected`"));
        }
        secret.selected = request.body.selected_repository_ids.iter().copied().collect();
        Ok(responses::DependabotSetSelectedReposForOrgSecret::NoContent)
    }

    async fn dependabot_add_selected_repo_to_org_secret(
        &self,
        _context: RequestContext<Caller>,
        request: requests::DependabotAddSelectedRepoToOrgSecret,
    ) -> Result<responses::DependabotAddSelectedRepoToOrgSecret, ServerError> {
        let mut state = self.lock();
        let secret = state.org(&request.org).vault.secrets.get_mut(&canonical_name(&request.secret_name)).ok_or_else(ServerError::not_found)?;
        if secret.visibility != Visibility::Selected {
            return Ok(responses::DependabotAddSelectedRepoToOrgSecret::Conflict);
        }
        secret.selected.insert(request.repository_id);
        Ok(responses::DependabotAddSelectedRepoToOrgSecret::NoContent)
    }

    async fn dependabot_remove_selected_repo_from_org_secret(
        &self,
        _context: RequestContext<Caller>,
        request: requests::DependabotRemoveSelectedRepoFromOrgSecret,
    ) -> Result<responses::DependabotRemoveSelectedRepoFromOrgSecret, ServerError> {
        let mut state = self.lock();
        let secret = state.org(&request.org).vault.secrets.get_mut(&canonical_name(&request.secret_name)).ok_or_else(ServerError::not_found)?;
        if secret.visibility != Visibility::Selected {
            return Ok(responses::DependabotRemoveSelectedRepoFromOrgSecret::Conflict);
        }
        secret.selected.remove(&request.repository_id);
        Ok(responses::DependabotRemoveSelectedRepoFromOrgSecret::NoContent)
    }

    async fn dependency_graph_create_repository_snapshot(
        &self,
        _context: RequestContext<Caller>,
        _request: requests::DependencyGraphCreateRepositorySnapshot,
    ) -> Result<responses::DependencyGraphCreateRepositorySnapshot, ServerError> {
        let id = {
            let mut state = self.lock();
            state.next_snapshot_id += 1;
            state.next_snapshot_id
        };
        Ok(responses::DependencyGraphCreateRepositorySnapshot::Created(model(json!({
            "id": id,
            "created_at": now_string(),
            "message": "Dependency results for the repo have been successfully updated.",
            "result": "SUCCESS",
        }))?))
    }

    async fn orgs_create_artifact_deployment_record(
        &self,
        context: RequestContext<Caller>,
        request: requests::OrgsCreateArtifactDeploymentRecord,
    ) -> Result<responses::OrgsCreateArtifactDeploymentRecord, ServerError> {
        let body = request.body;
        let now = Utc::now();
        let record = DeploymentRecord {
            id: 0,
            name: body.name.to_string(),
            digest: body.digest.to_string(),
            version: body.version.as_ref().map(|v| v.as_str().to_owned()),
            status: wire(&body.status),
            logical_environment: body.logical_environment.to_string(),
            physical_environment: body.physical_environment.as_ref().map(|v| v.as_str().to_owned()).unwrap_or_default(),
            cluster: body.cluster.as_ref().map(|v| v.as_str().to_owned()).unwrap_or_default(),
            deployment_name: body.deployment_name.to_string(),
            github_repository: body.github_repository.as_ref().map(|v| v.as_str().to_owned()),
            tags: body.tags.map(|t| t.into_inner()).unwrap_or_default(),
            runtime_risks: body.runtime_risks.iter().flat_map(|r| r.iter().map(wire)).collect(),
            created_at: now,
            updated_at: now,
        };
        if is_unresolvable(record.github_repository.as_deref()) {
            return Ok(responses::OrgsCreateArtifactDeploymentRecord::NotFound(model(json!({"message": "Repository not found", "documentation_url": github_server::DOCUMENTATION_URL}))?));
        }
        if !may_reach(&context.caller, record.github_repository.as_deref()) {
            return Ok(responses::OrgsCreateArtifactDeploymentRecord::Forbidden(outside_selection()?));
        }
        let stored = self.lock().org(&request.org).records.upsert_deployment(record);
        let listed = if body.return_records { vec![deployment_json(&stored)] } else { Vec::new() };
        Ok(responses::OrgsCreateArtifactDeploymentRecord::Ok(model(json!({"total_count": 1, "deployment_records": listed}))?))
    }

    async fn orgs_set_cluster_deployment_records(
        &self,
        context: RequestContext<Caller>,
        request: requests::OrgsSetClusterDeploymentRecords,
    ) -> Result<responses::OrgsSetClusterDeploymentRecords, ServerError> {
        let body = request.body;
        let now = Utc::now();
        let cluster = request.cluster.to_string();
        let logical = body.logical_environment.to_string();
        let physical = body.physical_environment.as_ref().map(|v| v.as_str().to_owned()).unwrap_or_default();
        let mut accepted = Vec::new();
        let mut errors = Vec::new();
        if body.deployments.iter().any(|d| !may_reach(&context.caller, d.github_repository.as_ref().map(|r| r.as_str()))) {
            return Ok(responses::OrgsSetClusterDeploymentRecords::Forbidden(outside_selection()?));
        }
        for deployment in body.deployments.iter() {
            let repository = deployment.github_repository.as_ref().map(|v| v.as_str().to_owned());
            if is_unresolvable(repository.as_deref()) {
                errors.push(json!({"cause": "not_found", "deployment": {
                    "name": deployment.name.to_string(), "deployment_name": deployment.deployment_name.to_string(),
                    "digest": deployment.digest.to_string(), "github_repository": repository,
                }}));
                continue;
            }
            accepted.push(DeploymentRecord {
                id: 0,
                name: deployment.name.to_string(),
                digest: deployment.digest.to_string(),
                version: deployment.version.as_ref().map(|v| v.as_str().to_owned()),
                status: wire(&deployment.status),
                logical_environment: logical.clone(),
                physical_environment: physical.clone(),
                cluster: cluster.clone(),
                deployment_name: deployment.deployment_name.to_string(),
                github_repository: repository,
                tags: deployment.tags.clone(),
                runtime_risks: deployment.runtime_risks.iter().flat_map(|r| r.iter().map(wire)).collect(),
                created_at: now,
                updated_at: now,
            });
        }
        if !errors.is_empty() && !body.partial_success {
            return Ok(responses::OrgsSetClusterDeploymentRecords::NotFound(model(json!({
                "message": "Repository not found; set partial_success to store the other deployments",
                "documentation_url": github_server::DOCUMENTATION_URL,
            }))?));
        }
        let stored = self.lock().org(&request.org).records.replace_cluster(&cluster, &logical, &physical, accepted);
        let listed: Vec<Value> = if body.return_records { stored.iter().map(deployment_json).collect() } else { Vec::new() };
        if errors.is_empty() {
            Ok(responses::OrgsSetClusterDeploymentRecords::Ok(model(json!({"total_count": stored.len(), "deployment_records": listed}))?))
        } else {
            Ok(responses::OrgsSetClusterDeploymentRecords::MultiStatus(model(json!({
                "total_count": stored.len(), "deployment_records": listed, "errors": errors,
            }))?))
        }
    }

    async fn orgs_create_artifact_storage_record(
        &self,
        context: RequestContext<Caller>,
        request: requests::OrgsCreateArtifactStorageRecord,
    ) -> Result<responses::OrgsCreateArtifactStorageRecord, ServerError> {
        let body = request.body;
        let github_repository = body.github_repository.as_ref().map(|r| r.as_str().to_owned());
        if is_unresolvable(github_repository.as_deref()) {
            return Ok(responses::OrgsCreateArtifactStorageRecord::NotFound(model(json!({"message": "Repository not found", "documentation_url": github_server::DOCUMENTATION_URL}))?));
        }
        if !may_reach(&context.caller, github_repository.as_deref()) {
            return Ok(responses::OrgsCreateArtifactStorageRecord::Forbidden(outside_selection()?));
        }
        let record = StorageRecord {
            id: 0,
            name: body.name.to_string(),
            digest: body.digest.to_string(),
            artifact_url: body.artifact_url.as_ref().map(|v| v.as_str().to_owned()),
            registry_url: body.registry_url.to_string(),
            repository: body.repository.as_ref().map(|v| v.as_str().to_owned()),
            status: wire(&body.status),
            github_repository,
            created_at: Utc::now(),
        };
        let stored = self.lock().org(&request.org).records.add_storage(record);
        let listed = if body.return_records { vec![storage_json(&stored)] } else { Vec::new() };
        Ok(responses::OrgsCreateArtifactStorageRecord::Ok(model(json!({"total_count": 1, "storage_records": listed}))?))
    }

    async fn orgs_list_artifact_deployment_records(
        &self,
        _context: RequestContext<Caller>,
        request: requests::OrgsListArtifactDeploymentRecords,
    ) -> Result<responses::OrgsListArtifactDeploymentRecords, ServerError> {
        let records = self.lock().org(&request.org).records.deployments_of(request.subject_digest.as_str());
        let listed: Vec<Value> = records.iter().map(deployment_json).collect();
        Ok(responses::OrgsListArtifactDeploymentRecords::Ok(model(json!({"total_count": listed.len(), "deployment_records": listed}))?))
    }

    async fn orgs_list_artifact_storage_records(
        &self,
        context: RequestContext<Caller>,
        request: requests::OrgsListArtifactStorageRecords,
    ) -> Result<responses::OrgsListArtifactStorageRecords, ServerError> {
        let mut records = self.lock().org(&request.org).records.storage_of(request.subject_digest.as_str());
        // "If the authenticated user cannot read a repository, the attestations associated with
        // that repository will not be included in the response" (the reference page).
        records.retain(|record| may_reach(&context.caller, record.github_repository.as_deref()));
        let listed: Vec<Value> = records.iter().map(storage_json).collect();
        Ok(responses::OrgsListArtifactStorageRecords::Ok(model(json!({"total_count": listed.len(), "storage_records": listed}))?))
    }
}
