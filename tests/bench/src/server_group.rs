//! Group `server`: requests per second through the generated router (`github_server::router`
//! with [`BenchApi`]) against hand-written axum handlers doing the same work ([`baseline_router`]):
//! the same path parameters and JSON body parsed into the same `github_models` types, the same
//! lookup, the same response. Both routers are served at once on loopback by one tokio runtime
//! with one worker thread; the load comes from a second runtime on its own thread (a fixed
//! number of keep-alive HTTP/1.1 connections, bounded in time and in count).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use github_models::{OrganizationDependabotSecret, OrgsSetClusterDeploymentRecordsCluster, OrgsSetClusterDeploymentRecordsRequest, OrgsSetClusterDeploymentRecordsResponse};
use github_server::{AllowEveryone, Anyone, Api, RequestContext, ServerError, requests, responses};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use serde_json::json;

use crate::report::{Better, Figure};

/// The organization secrets both servers look up (one, `NPM_TOKEN`).
pub struct Secrets {
    by_name: BTreeMap<String, OrganizationDependabotSecret>,
}

impl Secrets {
    pub fn new() -> Result<Arc<Self>> {
        let secret: OrganizationDependabotSecret = serde_json::from_value(json!({
            "name": "NPM_TOKEN",
            "created_at": "2019-08-10T14:59:22Z",
            "updated_at": "2020-01-10T14:59:22Z",
            "visibility": "selected",
            "selected_repositories_url": "https://api.github.com/orgs/octo-org/dependabot/secrets/NPM_TOKEN/repositories"
        }))
        .context("the benchmark's sample secret no longer fits OrganizationDependabotSecret: update server_group.rs")?;
        Ok(Arc::new(Self { by_name: BTreeMap::from([("NPM_TOKEN".to_owned(), secret)]) }))
    }

    /// The work both servers do for `dependabot/get-org-secret`: a case-insensitive lookup and
    /// a copy of the stored value.
    fn find(&self, name: &str) -> Option<OrganizationDependabotSecret> {
        self.by_name.get(&name.to_ascii_uppercase()).cloned()
    }
}

/// The work both servers do for `orgs/set-cluster-deployment-records` once the body is parsed.
fn records_response(body: &OrgsSetClusterDeploymentRecordsRequest) -> OrgsSetClusterDeploymentRecordsResponse {
    // Only `total_count` is required, and an `i64` always converts: the builder cannot fail.
    OrgsSetClusterDeploymentRecordsResponse::builder()
        .total_count(body.deployments.len() as i64)
        .build()
        .expect("a response with only its required field builds")
}

/// The generated server's side: an `Api` implementation doing the same work as the baseline.
pub struct BenchApi {
    secrets: Arc<Secrets>,
}

macro_rules! not_served {
    ($($method:ident: $operation:ident),* $(,)?) => {
        $(async fn $method(&self, _: RequestContext<Anyone>, _: requests::$operation) -> Result<responses::$operation, ServerError> {
            Err(ServerError::not_found())
        })*
    };
}

impl Api for BenchApi {
    type Caller = Anyone;

    async fn dependabot_get_org_secret(&self, _: RequestContext<Anyone>, request: requests::DependabotGetOrgSecret) -> Result<responses::DependabotGetOrgSecret, ServerError> {
        let secret = self.secrets.find(&request.secret_name).ok_or_else(ServerError::not_found)?;
        Ok(responses::DependabotGetOrgSecret::Ok(secret))
    }

    async fn orgs_set_cluster_deployment_records(&self, _: RequestContext<Anyone>, request: requests::OrgsSetClusterDeploymentRecords) -> Result<responses::OrgsSetClusterDeploymentRecords, ServerError> {
        Ok(responses::OrgsSetClusterDeploymentRecords::Ok(records_response(&request.body)))
    }

    not_served! {
        dependabot_add_selected_repo_to_org_secret: DependabotAddSelectedRepoToOrgSecret,
        dependabot_create_or_update_org_secret: DependabotCreateOrUpdateOrgSecret,
        dependabot_create_or_update_repo_secret: DependabotCreateOrUpdateRepoSecret,
        dependabot_delete_org_secret: DependabotDeleteOrgSecret,
        dependabot_delete_repo_secret: DependabotDeleteRepoSecret,
        dependabot_get_org_public_key: DependabotGetOrgPublicKey,
        dependabot_get_repo_public_key: DependabotGetRepoPublicKey,
        dependabot_get_repo_secret: DependabotGetRepoSecret,
        dependabot_list_org_secrets: DependabotListOrgSecrets,
        dependabot_list_repo_secrets: DependabotListRepoSecrets,
        dependabot_list_selected_repos_for_org_secret: DependabotListSelectedReposForOrgSecret,
        dependabot_remove_selected_repo_from_org_secret: DependabotRemoveSelectedRepoFromOrgSecret,
        dependabot_set_selected_repos_for_org_secret: DependabotSetSelectedReposForOrgSecret,
        dependency_graph_create_repository_snapshot: DependencyGraphCreateRepositorySnapshot,
        orgs_create_artifact_deployment_record: OrgsCreateArtifactDeploymentRecord,
        orgs_create_artifact_storage_record: OrgsCreateArtifactStorageRecord,
        orgs_list_artifact_deployment_records: OrgsListArtifactDeploymentRecords,
        orgs_list_artifact_storage_records: OrgsListArtifactStorageRecords,
    }
}

/// The generated router for the benchmark. The baseline authenticates no one, so neither does
/// this (`AllowEveryone`); the admission steps (API version, request id, grants) still run.
pub fn generated_router(secrets: Arc<Secrets>) -> axum::Router {
    github_server::router(BenchApi { secrets }, AllowEveryone)
}

/// The baseline: hand-written axum handlers for the same two routes, extracting the same types
/// with axum's own `Path` and `Json` (the models' `Deserialize` checks their constraints), and
/// the generated router's body limit (1 MiB).
pub fn baseline_router(secrets: Arc<Secrets>) -> axum::Router {
    async fn get_org_secret(State(secrets): State<Arc<Secrets>>, Path((_org, secret_name)): Path<(String, String)>) -> Response {
        match secrets.find(&secret_name) {
            Some(secret) => (StatusCode::OK, Json(secret)).into_response(),
            None => (StatusCode::NOT_FOUND, Json(json!({"message": "Not Found"}))).into_response(),
        }
    }
    async fn set_cluster_records(
        Path((_org, _cluster)): Path<(String, OrgsSetClusterDeploymentRecordsCluster)>,
        Json(body): Json<OrgsSetClusterDeploymentRecordsRequest>,
    ) -> Response {
        (StatusCode::OK, Json(records_response(&body))).into_response()
    }
    axum::Router::new()
        .route("/orgs/{org}/dependabot/secrets/{secret_name}", get(get_org_secret))
        .route("/orgs/{org}/artifacts/metadata/deployment-record/cluster/{cluster}", post(set_cluster_records))
        .layer(DefaultBodyLimit::max(github_server::DEFAULT_BODY_LIMIT))
        .with_state(secrets)
}

/// A `orgs/set-cluster-deployment-records` body with `count` valid deployments.
pub fn deployments_body(count: usize) -> Vec<u8> {
    let deployments: Vec<_> = (0..count)
        .map(|i| {
            json!({
                "name": format!("registry.example.com/octo-org/service-{i}"),
                "digest": format!("sha256:{i:064x}"),
                "version": format!("1.{}.{}", i / 100, i % 100),
                "status": "deployed",
                "deployment_name": format!("prod-namespace-service-{i}-app"),
                "github_repository": format!("service-{i}"),
                "tags": {"owning-team": "platform", "tier": "backend"},
                "runtime_risks": ["internet-exposed", "sensitive-data"],
            })
        })
        .collect();
    serde_json::to_vec(&json!({
        "logical_environment": "prod",
        "physical_environment": "pacific-east",
        "deployments": deployments,
        "return_records": false,
    }))
    .unwrap_or_default()
}

/// A request the load generator repeats.
#[derive(Clone)]
pub struct Call {
    pub name: &'static str,
    pub method: hyper::Method,
    pub path: String,
    pub body: Option<Bytes>,
}

/// The two calls of the server group.
pub fn calls() -> Vec<Call> {
    vec![
        Call { name: "dependabot/get-org-secret", method: hyper::Method::GET, path: "/orgs/octo-org/dependabot/secrets/npm_token".to_owned(), body: None },
        Call {
            name: "orgs/set-cluster-deployment-records (1,000 deployments)",
            method: hyper::Method::POST,
            path: "/orgs/octo-org/artifacts/metadata/deployment-record/cluster/prod-cluster-1".to_owned(),
            body: Some(Bytes::from(deployments_body(1000))),
        },
    ]
}

/// A tokio runtime serving both routers, with the ids of its worker threads (for CPU time).
pub struct Servers {
    runtime: tokio::runtime::Runtime,
    pub generated: SocketAddr,
    pub baseline: SocketAddr,
    worker_tids: Arc<std::sync::Mutex<Vec<String>>>,
}

impl Servers {
    /// Starts one runtime with `workers` worker threads serving both routers on 127.0.0.1.
    pub fn start(workers: usize) -> Result<Self> {
        let worker_tids: Arc<std::sync::Mutex<Vec<String>>> = Arc::default();
        let record = worker_tids.clone();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .thread_name("bench-server")
            .on_thread_start(move || {
                if let Ok(link) = std::fs::read_link("/proc/thread-self")
                    && let Some(tid) = link.file_name()
                {
                    record.lock().unwrap_or_else(|p| p.into_inner()).push(tid.to_string_lossy().into_owned());
                }
            })
            .enable_all()
            .build()
            .context("cannot start the server runtime")?;
        let secrets = Secrets::new()?;
        let (generated, baseline) = runtime.block_on(async {
            let generated = serve(generated_router(secrets.clone())).await?;
            let baseline = serve(baseline_router(secrets)).await?;
            anyhow::Ok((generated, baseline))
        })?;
        Ok(Self { runtime, generated, baseline, worker_tids })
    }

    /// Nanoseconds the server's worker threads have spent on a CPU so far (`schedstat`).
    pub fn cpu_ns(&self) -> Option<u64> {
        let tids = self.worker_tids.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let mut total = 0;
        for tid in tids {
            let text = std::fs::read_to_string(format!("/proc/self/task/{tid}/schedstat")).ok()?;
            total += text.split_whitespace().next()?.parse::<u64>().ok()?;
        }
        Some(total)
    }

    pub fn shutdown(self) {
        self.runtime.shutdown_timeout(Duration::from_secs(2));
    }
}

async fn serve(router: axum::Router) -> Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.context("cannot listen on 127.0.0.1")?;
    let address = listener.local_addr()?;
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, router).await {
            eprintln!("bench server stopped: {error}");
        }
    });
    Ok(address)
}

/// What one load run achieved.
#[derive(Debug, Clone, Copy)]
pub struct LoadResult {
    pub requests: u64,
    pub seconds: f64,
}

/// Sends `call` to `address` over `connections` keep-alive connections until `duration` has
/// passed or `max_requests` were answered; every answer must be a 200. Runs on the current
/// (load-generating) runtime.
pub async fn load(address: SocketAddr, call: &Call, connections: usize, duration: Duration, max_requests: u64) -> Result<LoadResult> {
    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let call = call.clone();
        let done = done.clone();
        tasks.push(tokio::spawn(async move {
            let stream = tokio::net::TcpStream::connect(address).await.context("cannot connect to the bench server")?;
            stream.set_nodelay(true)?;
            let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
            let driver = tokio::spawn(connection);
            while Instant::now() < deadline && done.load(Ordering::Relaxed) < max_requests {
                let mut builder = hyper::Request::builder().method(call.method.clone()).uri(&call.path).header("host", "127.0.0.1");
                if call.body.is_some() {
                    builder = builder.header("content-type", "application/json");
                }
                let request = builder.body(Full::new(call.body.clone().unwrap_or_default()))?;
                let response = sender.send_request(request).await?;
                let status = response.status();
                let body = response.into_body().collect().await?.to_bytes();
                if status != StatusCode::OK {
                    bail!("{} answered {status}: {}", call.name, String::from_utf8_lossy(&body));
                }
                done.fetch_add(1, Ordering::Relaxed);
            }
            driver.abort();
            anyhow::Ok(())
        }));
    }
    for task in tasks {
        task.await.context("a load task panicked")??;
    }
    Ok(LoadResult { requests: done.load(Ordering::Relaxed), seconds: started.elapsed().as_secs_f64() })
}

/// One response body, for the check that both servers answer the same.
async fn answer(address: SocketAddr, call: &Call) -> Result<(StatusCode, Bytes)> {
    let stream = tokio::net::TcpStream::connect(address).await?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    let driver = tokio::spawn(connection);
    let mut builder = hyper::Request::builder().method(call.method.clone()).uri(&call.path).header("host", "127.0.0.1");
    if call.body.is_some() {
        builder = builder.header("content-type", "application/json");
    }
    let response = sender.send_request(builder.body(Full::new(call.body.clone().unwrap_or_default()))?).await?;
    let status = response.status();
    let body = response.into_body().collect().await?.to_bytes();
    driver.abort();
    Ok((status, body))
}

/// Settings of the server group.
pub struct Settings {
    pub runs: usize,
    pub duration: Duration,
    pub connections: usize,
}

/// Runs the server group and adds its figures.
pub fn run(settings: &Settings, figures: &mut Vec<Figure>) -> Result<()> {
    let servers = Servers::start(1)?;
    let load_runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).thread_name("bench-load").enable_all().build()?;
    let result = load_runtime.block_on(measure(&servers, settings, figures));
    load_runtime.shutdown_timeout(Duration::from_secs(2));
    servers.shutdown();
    result
}

async fn measure(servers: &Servers, settings: &Settings, figures: &mut Vec<Figure>) -> Result<()> {
    const MAX_REQUESTS: u64 = 5_000_000;
    for call in calls() {
        let ours = answer(servers.generated, &call).await?;
        let theirs = answer(servers.baseline, &call).await?;
        if ours.0 != StatusCode::OK || ours != theirs {
            bail!(
                "the generated and the baseline server answer {} differently: {} {} vs {} {}",
                call.name,
                ours.0,
                String::from_utf8_lossy(&ours.1),
                theirs.0,
                String::from_utf8_lossy(&theirs.1)
            );
        }
        // Warm both up (connections, allocator, caches).
        for address in [servers.generated, servers.baseline] {
            load(address, &call, settings.connections, Duration::from_millis(300), MAX_REQUESTS).await?;
        }
        let (mut ours_rps, mut base_rps, mut ours_cpu, mut base_cpu) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for index in 0..settings.runs {
            let order = if index % 2 == 0 { [true, false] } else { [false, true] };
            for generated in order {
                let address = if generated { servers.generated } else { servers.baseline };
                let cpu_before = servers.cpu_ns();
                let result = load(address, &call, settings.connections, settings.duration, MAX_REQUESTS).await?;
                let cpu = match (cpu_before, servers.cpu_ns()) {
                    (Some(before), Some(after)) if result.requests > 0 => (after - before) as f64 / 1000.0 / result.requests as f64,
                    _ => f64::NAN,
                };
                let rps = result.requests as f64 / result.seconds;
                eprintln!("server {} run {}/{}: {} {rps:.0} req/s, {cpu:.1} µs server CPU/request", call.name, index + 1, settings.runs, if generated { "generated" } else { "baseline" });
                if generated {
                    ours_rps.push(rps);
                    ours_cpu.push(cpu);
                } else {
                    base_rps.push(rps);
                    base_cpu.push(cpu);
                }
            }
        }
        let note = format!("{} connections, {:.1} s per run, server on 1 worker thread", settings.connections, settings.duration.as_secs_f64());
        figures.push(Figure::compared("server", format!("{} throughput", call.name), "req/s", Better::Higher, ours_rps, base_rps, Some(0.9)).with_note(note));
        figures.push(Figure::compared("server", format!("{} server CPU per request", call.name), "µs", Better::Lower, ours_cpu, base_cpu, None));
    }
    Ok(())
}
