//! Group `client`: the time per call of the generated client (`dependabot_get_org_secret`)
//! against a raw `reqwest` call making the same request (same URL, `Accept` and `api-version`
//! headers) and parsing the same body type, both over one shared `reqwest::Client` (so the same
//! keep-alive connection pool) to the same local server. The server (the hand-written baseline
//! handler of the server group) runs on its own runtime thread; the calls are sequential on a
//! single-threaded runtime, alternating between the two sides in blocks of 100 calls.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use github_models::OrganizationDependabotSecret;

use crate::report::{Better, Figure};
use crate::server_group::Servers;

/// Settings of the client group.
pub struct Settings {
    pub runs: usize,
    /// Calls per run and side.
    pub calls: usize,
}

pub fn run(settings: &Settings, figures: &mut Vec<Figure>) -> Result<()> {
    let servers = Servers::start(1)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().context("cannot start the client runtime")?;
    let result = runtime.block_on(measure(&format!("http://{}", servers.baseline), settings, figures));
    drop(runtime);
    servers.shutdown();
    result
}

async fn generated_call(client: &github_client::Client) -> Result<OrganizationDependabotSecret> {
    Ok(client.dependabot_get_org_secret("octo-org", "npm_token").await.map_err(|e| anyhow::anyhow!("generated client: {e}"))?.into_inner())
}

async fn raw_call(http: &reqwest::Client, base: &str) -> Result<OrganizationDependabotSecret> {
    let response = http
        .get(format!("{base}/orgs/octo-org/dependabot/secrets/npm_token"))
        .header(reqwest::header::ACCEPT, "application/json")
        .header("api-version", "23.0.2")
        .send()
        .await?;
    if response.status() != reqwest::StatusCode::OK {
        bail!("raw reqwest: the server answered {}", response.status());
    }
    Ok(response.json().await?)
}

async fn measure(base: &str, settings: &Settings, figures: &mut Vec<Figure>) -> Result<()> {
    let timeout = Duration::from_secs(15);
    let http = reqwest::Client::builder().connect_timeout(timeout).timeout(timeout).build().context("cannot build the reqwest client")?;
    let client = github_client::Client::new_with_client(base, http.clone());
    if generated_call(&client).await? != raw_call(&http, base).await? {
        bail!("the generated client and raw reqwest parse different secrets");
    }
    // Warm-up: the connection, the allocator, the caches.
    for _ in 0..settings.calls.min(500) {
        generated_call(&client).await?;
        raw_call(&http, base).await?;
    }
    // Each run alternates blocks of calls between the two sides, so that the machine's load
    // (other builds on a 2-core box) hits both alike; a run's figure is each side's mean.
    const BLOCK: usize = 100;
    let blocks = settings.calls.div_ceil(BLOCK).max(1);
    let deadline = Instant::now() + Duration::from_secs(300);
    let (mut ours, mut raw) = (Vec::new(), Vec::new());
    for index in 0..settings.runs {
        let (mut ours_time, mut raw_time) = (Duration::ZERO, Duration::ZERO);
        for block in 0..blocks {
            let order = if (index + block) % 2 == 0 { [true, false] } else { [false, true] };
            for generated in order {
                let started = Instant::now();
                for _ in 0..BLOCK {
                    if generated {
                        std::hint::black_box(generated_call(&client).await?);
                    } else {
                        std::hint::black_box(raw_call(&http, base).await?);
                    }
                }
                if generated { ours_time += started.elapsed() } else { raw_time += started.elapsed() }
            }
        }
        let per_call = |time: Duration| time.as_secs_f64() * 1e6 / (blocks * BLOCK) as f64;
        eprintln!("client run {}/{}: generated {:.1} µs/call, raw reqwest {:.1} µs/call", index + 1, settings.runs, per_call(ours_time), per_call(raw_time));
        ours.push(per_call(ours_time));
        raw.push(per_call(raw_time));
        if Instant::now() > deadline {
            eprintln!("client: stopping after {} runs (5-minute budget)", index + 1);
            break;
        }
    }
    figures.push(
        Figure::compared("client", "dependabot_get_org_secret per call", "µs", Better::Lower, ours, raw, Some(1.1))
            .with_note(format!("{} sequential calls per side and run, in alternating blocks of {BLOCK}; one keep-alive connection", blocks * BLOCK)),
    );
    Ok(())
}
