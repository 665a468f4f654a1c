//! `mock-github --listen 127.0.0.1:8080 [--tokens FILE] [--rate-limit N]`: serves the mock
//! GitHub until Ctrl-C.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use mock_github::MockGitHub;
use mock_github::auth::{DEFAULT_RATE_LIMIT, MockAuth};
use mock_github::serve::ServeOptions;
use mock_github::tokens::Tokens;

#[derive(Parser)]
#[command(about = "An in-memory GitHub for Dependabot secrets, artifact metadata and dependency snapshots.")]
struct Cli {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The tokens to accept (YAML; see the README). Without it, any non-empty bearer token has every permission on every org.
    #[arg(long)]
    tokens: Option<PathBuf>,
    /// Requests per token and hour; once spent, requests are refused with 403 until the hour is over.
    #[arg(long, default_value_t = DEFAULT_RATE_LIMIT)]
    rate_limit: u64,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let tokens = match &cli.tokens {
        None => None,
        Some(path) => {
            let name = path.display().to_string();
            let loaded = std::fs::read_to_string(path)
                .map_err(|error| format!("{name}: cannot read the tokens file: {error}"))
                .and_then(|text| Tokens::from_yaml(&name, &text).map_err(|error| error.to_string()));
            match loaded {
                Ok(tokens) => Some(tokens),
                Err(error) => {
                    eprintln!("mock-github: {error}");
                    return ExitCode::FAILURE;
                }
            }
        }
    };
    let listener = match tokio::net::TcpListener::bind(cli.listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("mock-github: cannot listen on {}: {error}; pick another address with --listen", cli.listen);
            return ExitCode::FAILURE;
        }
    };
    let address = listener.local_addr().unwrap_or(cli.listen);
    let accepting = match &tokens {
        None => "no --tokens file: any non-empty bearer token has every permission on every org; a request without one gets 401".to_owned(),
        Some(tokens) => format!("accepting {} tokens ({})", tokens.len(), tokens.labels().collect::<Vec<_>>().join(", ")),
    };
    let mock = MockGitHub::new(format!("http://{address}")).with_auth(MockAuth::new(tokens, cli.rate_limit));
    eprintln!("mock-github: serving on http://{address} (Ctrl-C to stop)");
    eprintln!("mock-github: {accepting}; {} requests per token and hour", cli.rate_limit);
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
        eprintln!("mock-github: shutting down");
    };
    match mock_github::serve::serve(listener, mock.router(), ServeOptions::default(), shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("mock-github: server error: {error}");
            ExitCode::FAILURE
        }
    }
}
