//! `cargo xtask bench`: benchmarks of the generator and of the generated crates, each figure
//! measured side by side with a baseline in the same run and reported as ours / baseline (the
//! median of several runs). Prints a table and writes the same figures as JSON
//! (`target/bench/results.json`). See BENCHMARKS.md for the groups and the latest results.

mod child;
mod client_group;
mod codegen_group;
mod compile_group;
mod report;
mod server_group;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use serde_json::json;

use codegen_group::Spec;
use report::Figure;

/// The benchmark groups, in the order they run (with `--groups`, in the order given).
///
/// The server and client groups come first: run after the codegen group in the same process,
/// the server group's `get-org-secret` ratio read 0.73-0.78x instead of 0.92-0.98x alone or
/// after the codegen group in another process (2026-12-01, reproduced with
/// `--groups codegen,server --pinned-only`; the codegen group's work is all in child processes,
/// and the cause was not found).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Group {
    /// Generated router vs hand-written axum handlers: requests per second.
    Server,
    /// Generated client vs raw reqwest: time per call.
    Client,
    /// codegen::generate vs progenitor alone: wall time and peak RSS.
    Codegen,
    /// Where codegen's time goes: the pipeline's public steps timed one by one.
    Stages,
    /// Clean and incremental builds of the generated crates (minutes).
    Compile,
}

#[derive(Parser)]
#[command(about = "Benchmarks: codegen, server, client and compile times against baselines measured in the same run.")]
struct Cli {
    #[command(subcommand)]
    child: Option<ChildCommand>,
    /// Groups to run, comma-separated [default: all].
    #[arg(long, value_delimiter = ',', value_enum)]
    groups: Vec<Group>,
    /// Leave out the compile group (the slow one).
    #[arg(long)]
    skip_compile: bool,
    /// Fewer and shorter runs, and the pinned spec only (no whole description): for a quick look.
    #[arg(long)]
    quick: bool,
    /// Leave out GitHub's whole description (codegen, stages, compile) but keep the full run counts.
    #[arg(long)]
    pinned_only: bool,
    /// Runs per measurement and side [default: 5 (21 for the pinned spec's codegen), 3 with --quick; stages and compile use at most 3, compiling the whole description 1].
    #[arg(long)]
    runs: Option<usize>,
    /// Where to write the JSON results [default: target/bench/results.json].
    #[arg(long)]
    out: Option<PathBuf>,
}

/// The work of one child process (used by the parent; not for people).
#[derive(Subcommand)]
enum ChildCommand {
    #[command(hide = true)]
    Child {
        #[command(subcommand)]
        work: ChildWork,
    },
}

#[derive(Subcommand)]
enum ChildWork {
    CodegenOurs { #[arg(long)] spec: PathBuf, #[arg(long)] display: String },
    CodegenBaseline { #[arg(long)] spec: PathBuf, #[arg(long)] display: String, #[arg(long)] exclude: PathBuf },
    Discover { #[arg(long)] spec: PathBuf, #[arg(long)] display: String, #[arg(long)] out: PathBuf },
    Stages { #[arg(long)] spec: PathBuf, #[arg(long)] display: String },
    WriteCrates { #[arg(long)] spec: PathBuf, #[arg(long)] display: String, #[arg(long)] out: PathBuf },
    /// `cargo COMMAND --offline ARGS` in DIR, timed, with the peak memory of its largest process;
    /// `--incremental 0` or `1` sets `CARGO_INCREMENTAL`.
    Cargo { #[arg(long)] dir: PathBuf, #[arg(long)] target_dir: PathBuf, #[arg(long)] incremental: u8, #[arg(long)] command: String, #[arg(trailing_var_arg = true, allow_hyphen_values = true)] args: Vec<String> },
}

/// The repository root: the folder at or above the current directory that holds the pinned
/// spec (`cargo xtask bench` runs this binary there). Not the folder this binary was built in,
/// which a shared target folder can make another checkout.
fn workspace_root() -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    cwd.ancestors().find(|dir| dir.join(PINNED_SPEC).is_file() && dir.join("Cargo.toml").is_file()).map(Path::to_path_buf).unwrap_or(cwd)
}

const PINNED_SPEC: &str = "spec/api.github.com.yaml";
const WHOLE_SPEC: &str = "spec/upstream/api.github.com-23.0.2.json.gz";

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.child {
        Some(ChildCommand::Child { work }) => run_child(work),
        None => run_parent(&cli),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run_child(work: ChildWork) -> Result<()> {
    let report = match work {
        ChildWork::CodegenOurs { spec, display } => codegen_group::child_ours(&spec, &display)?,
        ChildWork::CodegenBaseline { spec, display, exclude } => codegen_group::child_baseline(&spec, &display, &exclude)?,
        ChildWork::Discover { spec, display, out } => codegen_group::child_discover(&spec, &display, &out)?,
        ChildWork::Stages { spec, display } => codegen_group::child_stages(&spec, &display)?,
        ChildWork::WriteCrates { spec, display, out } => compile_group::child_write_crates(&spec, &display, &out)?,
        ChildWork::Cargo { dir, target_dir, incremental, command, args } => compile_group::child_cargo(&dir, &target_dir, incremental != 0, &command, &args)?,
    };
    println!("{report}");
    Ok(())
}

/// How many runs and how long, from the flags.
struct Plan {
    groups: Vec<Group>,
    runs: usize,
    /// The pinned spec's codegen runs: a run takes some 50 ms, and at 5 runs a side the ratio
    /// of two runs of the same code differed by a third (1.06x and 1.41x).
    pinned_codegen_runs: usize,
    whole: bool,
    server_duration: Duration,
    client_calls: usize,
}

impl Plan {
    fn from(cli: &Cli) -> Self {
        let mut groups = if cli.groups.is_empty() { Group::value_variants().to_vec() } else { cli.groups.clone() };
        if cli.skip_compile {
            groups.retain(|g| *g != Group::Compile);
        }
        let default_runs = if cli.quick { 3 } else { 5 };
        let runs = cli.runs.unwrap_or(default_runs).max(1);
        Self {
            groups,
            runs,
            pinned_codegen_runs: cli.runs.unwrap_or(if cli.quick { 5 } else { 21 }).max(1),
            whole: !cli.quick && !cli.pinned_only,
            server_duration: if cli.quick { Duration::from_secs(1) } else { Duration::from_secs(3) },
            client_calls: if cli.quick { 1000 } else { 10_000 },
        }
    }
}

fn run_parent(cli: &Cli) -> Result<()> {
    let started = Instant::now();
    let root = workspace_root();
    let plan = Plan::from(cli);
    let work_dir = root.join("target/bench");
    std::fs::create_dir_all(&work_dir).with_context(|| format!("cannot create {}", work_dir.display()))?;
    let out = cli.out.clone().unwrap_or_else(|| work_dir.join("results.json"));

    let pinned = Spec { label: "pinned", path: root.join(PINNED_SPEC), display: PINNED_SPEC.to_owned() };
    let whole = Spec { label: "whole", path: root.join(WHOLE_SPEC), display: WHOLE_SPEC.to_owned() };
    for spec in [&pinned, &whole] {
        if !spec.path.is_file() {
            bail!("{} is missing: run the benchmarks from a complete checkout of the repository", spec.path.display());
        }
    }
    // The load average is the one when the run started.
    let machine = machine();
    let mut figures: Vec<Figure> = Vec::new();
    let mut failures: Vec<String> = Vec::new();
    for group in &plan.groups {
        let group_started = Instant::now();
        eprintln!("== {group:?}");
        // A failing group is reported; the others still run and are written.
        let result = run_group(*group, cli, &plan, &root, &work_dir, &pinned, &whole, &mut figures);
        if let Err(error) = result {
            eprintln!("error in group {group:?}: {error:#}");
            failures.push(format!("{group:?}: {error:#}"));
        }
        eprintln!("== {group:?} done in {:.0} s", group_started.elapsed().as_secs_f64());
    }

    let table = report::table(&figures);
    println!("\n{table}");
    let command = std::iter::once("cargo xtask bench".to_owned()).chain(std::env::args().skip(1)).collect::<Vec<_>>().join(" ");
    let results = json!({
        "date": report::utc_now(),
        "command": command,
        "machine": machine,
        "seconds": started.elapsed().as_secs_f64(),
        "figures": figures,
        "failures": failures,
    });
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let text = serde_json::to_string_pretty(&results)?;
    std::fs::write(&out, text + "\n").with_context(|| format!("cannot write {}", out.display()))?;
    let table_path = out.with_extension("md");
    std::fs::write(&table_path, &table).with_context(|| format!("cannot write {}", table_path.display()))?;
    println!("{} figures in {:.0} s; written to {} and {}", figures.len(), started.elapsed().as_secs_f64(), out.display(), table_path.display());
    println!("machine: {}", machine["summary"].as_str().unwrap_or(""));
    if !failures.is_empty() {
        bail!("{} group(s) failed (their figures are missing above):\n{}", failures.len(), failures.join("\n"));
    }
    Ok(())
}

/// Runs one group, adding its figures.
#[allow(clippy::too_many_arguments, reason = "the run's context, passed along once")]
fn run_group(group: Group, cli: &Cli, plan: &Plan, root: &Path, work_dir: &Path, pinned: &Spec, whole: &Spec, figures: &mut Vec<Figure>) -> Result<()> {
    let with_whole = |runs: usize| -> Vec<(Spec, usize)> {
        let mut specs = vec![(pinned.clone(), runs)];
        if plan.whole {
            specs.push((whole.clone(), plan.runs));
        }
        specs
    };
    match group {
        Group::Codegen => {
            for (spec, runs) in with_whole(plan.pinned_codegen_runs) {
                codegen_group::run(std::slice::from_ref(&spec), runs, work_dir, figures)?;
            }
        }
        Group::Stages => {
            let stage_runs = if cli.quick { 1 } else { plan.runs.min(3) };
            let specs: Vec<(Spec, usize)> = with_whole(stage_runs).into_iter().map(|(s, r)| (s, r.min(stage_runs))).collect();
            codegen_group::run_stages(&specs, figures)?;
        }
        Group::Server => {
            let settings = server_group::Settings { runs: plan.runs, duration: plan.server_duration, connections: 8 };
            server_group::run(&settings, figures)?;
        }
        Group::Client => client_group::run(&client_group::Settings { runs: plan.runs, calls: plan.client_calls }, figures)?,
        Group::Compile => {
            let mut targets = vec![compile_group::Target { spec: pinned.clone(), copy_from: Some(root.join("generated")), runs: if cli.quick { 1 } else { plan.runs.min(3) }, whole: false }];
            if plan.whole {
                targets.push(compile_group::Target { spec: whole.clone(), copy_from: None, runs: 1, whole: true });
            }
            compile_group::run(root, work_dir, &targets, figures)?;
        }
    }
    Ok(())
}

/// What the machine is: CPU model, cores, memory, load when the run started, rustc.
fn machine() -> serde_json::Value {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo.lines().find(|l| l.starts_with("model name")).and_then(|l| l.split(':').nth(1)).map(str::trim).unwrap_or("unknown").to_owned();
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mib = |key: &str| -> Option<u64> {
        let line = meminfo.lines().find(|l| l.starts_with(key))?;
        line.split_whitespace().nth(1)?.parse::<u64>().ok().map(|kib| kib / 1024)
    };
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default().split_whitespace().take(3).collect::<Vec<_>>().join(" ");
    let rustc = std::process::Command::new("rustc").arg("--version").output().ok().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned()).unwrap_or_default();
    let summary = format!("{cpu}, {cores} cores, {} MiB memory ({} MiB available), load average {load} at the start, {rustc}", mib("MemTotal:").unwrap_or(0), mib("MemAvailable:").unwrap_or(0));
    json!({
        "cpu": cpu,
        "cores": cores,
        "memory_mib": mib("MemTotal:"),
        "available_mib": mib("MemAvailable:"),
        "load_average": load,
        "rustc": rustc,
        "summary": summary,
    })
}
