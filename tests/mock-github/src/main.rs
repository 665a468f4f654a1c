//! `mock-github --listen 127.0.0.1:8080`: serves the mock GitHub until Ctrl-C.

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::Parser;
use mock_github::MockGitHub;
use mock_github::serve::ServeOptions;

#[derive(Parser)]
#[command(about = "An in-memory GitHub for Dependabot secrets, artifact metadata and dependency snapshots.")]
struct Cli {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let listener = match tokio::net::TcpListener::bind(cli.listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("mock-github: cannot listen on {}: {error}; pick another address with --listen", cli.listen);
            return ExitCode::FAILURE;
        }
    };
    let address = listener.local_addr().unwrap_or(cli.listen);
    let mock = MockGitHub::new(format!("http://{address}"));
    eprintln!("mock-github: serving on http://{address} (Ctrl-C to stop)");
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
