//! `cargo xtask`: see `cargo xtask --help`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::pin::PinOptions;
use xtask::regen::{RegenArgs, RegenOptions};
use xtask::workspace_root;

#[derive(Parser)]
#[command(about = "Workspace automation: regenerate the crates from the pinned spec, re-pin the spec, or run the benchmarks.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate the models, client and server crates from the spec into generated/.
    Regen {
        /// Write nothing; fail with a diff if the generated files are not up to date.
        #[arg(long)]
        check: bool,
        /// Another OpenAPI 3.0 file (YAML or JSON) to generate from [default: spec/api.github.com.yaml].
        #[arg(long)]
        spec: Option<PathBuf>,
        /// Another folder to generate into [default: generated/].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Name the generated crates PREFIX-models, PREFIX-client and PREFIX-server.
        #[arg(long, default_value = "github")]
        crate_prefix: String,
        /// The codegen configuration (YAML; see spec/codegen.yaml) [default: spec/codegen.yaml for the pinned spec, none with --spec].
        #[arg(long)]
        config: Option<PathBuf>,
        /// The pinned permission requirements (see spec/permissions.yaml) [default: spec/permissions.yaml for the pinned spec, none with --spec].
        #[arg(long)]
        permissions: Option<PathBuf>,
        /// Generate only the models crate, with serde's derived `Deserialize` on every struct
        /// instead of the generator's own: the baseline of tests/tests/deserialize_equivalence.rs.
        #[arg(long)]
        serde_derive_baseline: bool,
        /// Show the full diff and the changed files.
        #[arg(short, long)]
        verbose: bool,
    },
    /// Extract the pinned subset of operations from a full upstream description.
    Pin {
        /// GitHub's full description, .json or .json.gz (e.g. spec/upstream/api.github.com-23.0.2.json.gz).
        #[arg(long)]
        from: PathBuf,
        /// The operations to pin, one `operationId METHOD /path` per line [default: spec/operations.txt].
        #[arg(long)]
        operations: Option<PathBuf>,
        /// Write the subset and its provenance into this folder instead of spec/ (and do not copy the upstream file).
        #[arg(long)]
        into: Option<PathBuf>,
        /// GitHub's permission data: rest-prog-access.json and an API-version folder with the two permission files [default: spec/upstream/github-docs].
        #[arg(long)]
        permissions_data: Option<PathBuf>,
    },
    /// What a spec change means for the generated crates' semver and on the wire: the API-surface changelog with a verdict on every change.
    Changelog {
        /// The old spec: YAML, JSON or .gz; a full upstream description is cut down to spec/operations.txt [default: spec/api.github.com.yaml].
        #[arg(long)]
        from: Option<PathBuf>,
        /// The new spec, likewise [default: spec/api.github.com.yaml].
        #[arg(long)]
        to: Option<PathBuf>,
        /// Print the verdict as JSON (`semver`, and per change its `semver`, `wire` and `rule`).
        #[arg(long)]
        json: bool,
    },
    /// Run the benchmarks (`cargo run --release -p bench -- ARGS`; see BENCHMARKS.md and `cargo xtask bench --help`).
    #[command(disable_help_flag = true)]
    Bench {
        /// Passed to the bench binary: --quick, --skip-compile, --groups codegen,server,... , --runs N, --help.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

/// The benchmarks live in their own crate (`tests/bench`) so that xtask stays quick to build.
fn bench(root: &std::path::Path, args: &[String]) -> anyhow::Result<()> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = std::process::Command::new(cargo)
        .current_dir(root)
        .args(["run", "--release", "-p", "bench", "--"])
        .args(args)
        .status()
        .map_err(|error| anyhow::anyhow!("cannot run cargo: {error}"))?;
    if !status.success() {
        anyhow::bail!("the benchmarks failed ({status})");
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = workspace_root().and_then(|root| match cli.command {
        Command::Regen { check, spec, out, crate_prefix, config, permissions, serde_derive_baseline, verbose } => {
            let args = RegenArgs { spec, out, crate_prefix: Some(crate_prefix), config, permissions, serde_derive_baseline };
            xtask::regen::run(&RegenOptions::from_args(&root, &args), check, verbose)
        }
        Command::Pin { from, operations, into, permissions_data } => xtask::pin::run(&root, &PinOptions { from, operations, into, permissions_data }),
        Command::Changelog { from, to, json } => xtask::changelog::run(&root, &xtask::changelog::ChangelogOptions { from, to, json }),
        Command::Bench { args } => bench(&root, &args),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{error:#}");
            ExitCode::FAILURE
        }
    }
}
