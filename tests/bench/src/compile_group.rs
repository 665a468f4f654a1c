//! Group `compile`: how long the generated crates take to build (dev profile, `cargo build`).
//!
//! The crates are copied (pinned spec: `generated/`) or generated (whole description: by the
//! `write-crates` child) into a throwaway workspace under `target/bench/`, with the workspace's
//! `Cargo.lock`, and built `--offline` with their own `CARGO_TARGET_DIR`
//! (`target/bench/compile-target`), so the workspace's own `target/` is never touched.
//! Dependencies are built first (not measured); then, for each crate:
//! - clean: `cargo clean -p CRATE`, then a build that compiles that crate and nothing else: the
//!   models alone as `cargo build -p github-models`; the client and the server as one
//!   `cargo build` of the three, in which only the cleaned crate is stale. (Building
//!   `-p github-client` alone would resolve the models' dependencies with other features than the
//!   three together do, so it would rebuild the models too and charge them to the client.)
//! - incremental: the modification time of one generated file of the crate is bumped, then the
//!   same build;
//! - and the three together: `cargo clean` of the three, then one `cargo build` of the three
//!   (the models first, then the client and the server side by side on the machine's cores);
//! - then the clean builds again with `CARGO_INCREMENTAL=0`, as CI builds usually run (cargo's
//!   dev profile is incremental, which costs a clean build a quarter to a half more).
//!
//! Each build runs in a child process (`bench child cargo`), which reports, besides the wall
//! time, the peak resident memory of the largest process of the build (`getrusage`'s
//! `RUSAGE_CHILDREN`, whose `ru_maxrss` is the largest of every descendant waited for: rustc).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use crate::codegen_group::{Spec, read_spec};
use crate::report::Figure;

/// The crates, with the file whose modification time is bumped for the incremental build.
const CRATES: [(&str, &str, &str); 3] = [
    ("models", "github-models", "models/src/types.rs"),
    ("client", "github-client", "client/src/progenitor.rs"),
    ("server", "github-server", "server/src/router.rs"),
];

/// The aims (the compile-time issue's): each pinned crate builds in 2 s, the whole description's
/// three together in 2 minutes, and no rustc process needs more than 3 GiB.
const PINNED_CRATE_SECONDS: f64 = 2.0;
const WHOLE_SECONDS: f64 = 120.0;
const PEAK_MIB: f64 = 3072.0;

/// The longest a single `cargo` command may take before it is stopped.
const CARGO_TIMEOUT: Duration = Duration::from_secs(40 * 60);

/// `bench child write-crates`: generates the crates for a spec into `out` (a fresh folder).
pub fn child_write_crates(path: &Path, display: &str, out: &Path) -> Result<Value> {
    let source = read_spec(path, display)?;
    let output = codegen::generate(&source, &codegen::Settings::default()).map_err(|d| anyhow::anyhow!("codegen refused {display}:\n{d}"))?;
    let mut lines = 0usize;
    for (relative, contents) in &output.files {
        let target = out.join(relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&target, contents).with_context(|| format!("cannot write {}", target.display()))?;
        lines += contents.lines().count();
    }
    Ok(json!({ "files": output.files.len(), "lines": lines, "operations": output.api.operations.len() }))
}

/// One input to build: the pinned crates or the whole description's.
pub struct Target {
    pub spec: Spec,
    /// Copy `generated/` instead of generating (the pinned spec's committed crates).
    pub copy_from: Option<PathBuf>,
    pub runs: usize,
    /// Whether this is GitHub's whole description (its aims differ from the pinned crates').
    pub whole: bool,
}

pub fn run(root: &Path, work_dir: &Path, targets: &[Target], figures: &mut Vec<Figure>) -> Result<()> {
    let target_dir = work_dir.join("compile-target");
    for target in targets {
        let label = target.spec.label;
        let dir = work_dir.join(format!("compile-{label}"));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).with_context(|| format!("cannot remove the old {}; delete it by hand", dir.display()))?;
        }
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let lines = match &target.copy_from {
            Some(generated) => copy_crates(generated, &dir)?,
            None => {
                eprintln!("compile/{label}: generating the crates into {}", dir.display());
                let path = target.spec.path.to_string_lossy().into_owned();
                let out = dir.to_string_lossy().into_owned();
                let report = crate::child::run(&["write-crates", "--spec", &path, "--display", &target.spec.display, "--out", &out])?;
                crate::child::number(&report, "lines")? as usize
            }
        };
        std::fs::write(dir.join("Cargo.toml"), "[workspace]\nresolver = \"3\"\nmembers = [\"models\", \"client\", \"server\"]\n")
            .with_context(|| format!("cannot write {}/Cargo.toml", dir.display()))?;
        let lock = root.join("Cargo.lock");
        std::fs::copy(&lock, dir.join("Cargo.lock")).with_context(|| format!("cannot copy {}; run `cargo build` in the repository first", lock.display()))?;

        eprintln!("compile/{label}: building the dependencies (not measured)...");
        let all: Vec<&str> = CRATES.iter().flat_map(|(_, package, _)| ["-p", *package]).collect();
        let models_alone = ["-p", CRATES[0].1];
        cargo(&dir, &target_dir, true, "build", &all)?;
        cargo(&dir, &target_dir, true, "build", &models_alone)?;

        let lines_note = format!("{lines} generated lines in the 3 crates; dev profile, deps prebuilt");
        // Cargo's default dev profile (incremental), then as CI builds usually run it.
        for incremental in [true, false] {
            let builds = Builds { dir: &dir, target_dir: &target_dir, incremental };
            if !incremental {
                // Every crate built once this way first, so that each measured build finds
                // only its own crate stale.
                builds.cargo("build", &all)?;
                builds.cargo("build", &models_alone)?;
            }
            let how = if incremental { "" } else { ", CARGO_INCREMENTAL=0" };
            for (index_of_crate, (short, package, touched)) in CRATES.into_iter().enumerate() {
                let models = index_of_crate == 0;
                // The build in which this crate, and only it, is stale after `cargo clean -p`.
                let build_args: &[&str] = if models { &models_alone } else { &all };
                let (mut clean, mut memory, mut rebuilt) = (Vec::new(), Vec::new(), Vec::new());
                for index in 0..target.runs {
                    builds.cargo("clean", &["-p", package])?;
                    let build = builds.measured("build", build_args)?;
                    clean.push(build.seconds);
                    memory.push(build.peak_mib);
                    let mut again = None;
                    if incremental {
                        touch(&dir.join(touched))?;
                        again = Some(builds.cargo("build", build_args)?);
                        rebuilt.extend(again);
                    }
                    if models {
                        // `cargo clean -p github-models` also removed the models as the three
                        // together build them; rebuild those (not measured) so the client's and
                        // server's runs find only their own crate stale.
                        builds.cargo("build", &all)?;
                    }
                    let again = again.map(|seconds| format!(", incremental {seconds:.1} s")).unwrap_or_default();
                    eprintln!("compile/{label}{how} {package} run {}/{}: clean {:.1} s (peak {:.0} MiB){again}", index + 1, target.runs, build.seconds, build.peak_mib);
                }
                let clean = Figure::reported("compile", format!("{label}: {short} clean build{how}"), "s", clean).with_note(lines_note.clone());
                figures.push(if target.whole { clean } else { clean.with_limit(PINNED_CRATE_SECONDS) });
                figures.push(Figure::reported("compile", format!("{label}: {short} clean build{how}, peak rustc memory"), "MiB", memory).with_limit(PEAK_MIB));
                if incremental {
                    figures.push(Figure::reported("compile", format!("{label}: {short} incremental (touch {touched})"), "s", rebuilt));
                }
            }
            let (mut together, mut memory) = (Vec::new(), Vec::new());
            for index in 0..target.runs {
                builds.cargo("clean", &all)?;
                let build = builds.measured("build", &all)?;
                eprintln!("compile/{label}{how} the three crates together run {}/{}: {:.1} s (peak {:.0} MiB)", index + 1, target.runs, build.seconds, build.peak_mib);
                together.push(build.seconds);
                memory.push(build.peak_mib);
            }
            let together = Figure::reported("compile", format!("{label}: the three crates clean, one `cargo build`{how}"), "s", together).with_note(lines_note.clone());
            figures.push(if target.whole { together.with_limit(WHOLE_SECONDS) } else { together });
            figures.push(Figure::reported("compile", format!("{label}: the three crates clean{how}, peak rustc memory"), "MiB", memory).with_limit(PEAK_MIB));
        }
    }
    Ok(())
}

/// Where and how the measured builds run: the throwaway workspace, its target folder, and
/// whether incremental compilation is on (`CARGO_INCREMENTAL`).
struct Builds<'a> {
    dir: &'a Path,
    target_dir: &'a Path,
    incremental: bool,
}

impl Builds<'_> {
    fn cargo(&self, command: &str, args: &[&str]) -> Result<f64> {
        cargo(self.dir, self.target_dir, self.incremental, command, args)
    }

    fn measured(&self, command: &str, args: &[&str]) -> Result<Build> {
        measured_cargo(self.dir, self.target_dir, self.incremental, command, args)
    }
}

/// What a build took: wall time, and the peak memory of its largest process.
struct Build {
    seconds: f64,
    peak_mib: f64,
}

/// [`cargo`] in a child process of its own, so that `RUSAGE_CHILDREN` covers this build only.
fn measured_cargo(dir: &Path, target_dir: &Path, incremental: bool, command: &str, args: &[&str]) -> Result<Build> {
    let (dir, target_dir) = (dir.to_string_lossy(), target_dir.to_string_lossy());
    let incremental = if incremental { "1" } else { "0" };
    let child_args: Vec<&str> = ["cargo", "--dir", &dir, "--target-dir", &target_dir, "--incremental", incremental, "--command", command].into_iter().chain(args.iter().copied()).collect();
    let report = crate::child::run(&child_args)?;
    Ok(Build { seconds: crate::child::number(&report, "seconds")?, peak_mib: crate::child::number(&report, "peak_rss_kib")? / 1024.0 })
}

/// `bench child cargo`: runs the build and reports its time and its largest process's peak.
pub fn child_cargo(dir: &Path, target_dir: &Path, incremental: bool, command: &str, args: &[String]) -> Result<Value> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let seconds = cargo(dir, target_dir, incremental, command, &args)?;
    Ok(json!({ "seconds": seconds, "peak_rss_kib": children_peak_rss_kib()? }))
}

/// The largest peak resident set size among this process's waited-for descendants, in KiB.
fn children_peak_rss_kib() -> Result<f64> {
    // SAFETY: `getrusage` only writes the `rusage` it is given, which lives on this stack.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let status = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    if status != 0 {
        bail!("getrusage failed: {}", std::io::Error::last_os_error());
    }
    // Linux reports `ru_maxrss` in KiB.
    Ok(usage.ru_maxrss as f64)
}

/// Copies the three crates (manifests and `src/`) of `generated` into `dir`; returns their line count.
fn copy_crates(generated: &Path, dir: &Path) -> Result<usize> {
    let mut lines = 0;
    for (short, _, _) in CRATES {
        let from = generated.join(short);
        let to = dir.join(short);
        std::fs::create_dir_all(&to).with_context(|| format!("cannot create {}", to.display()))?;
        let manifest = from.join("Cargo.toml");
        std::fs::copy(&manifest, to.join("Cargo.toml")).with_context(|| format!("cannot copy {}; run `cargo xtask regen`", manifest.display()))?;
        lines += copy_sources(&from.join("src"), &to.join("src"))?;
    }
    Ok(lines)
}

/// Copies the `.rs` files under `from` (recursively) to `to`; returns their line count.
fn copy_sources(from: &Path, to: &Path) -> Result<usize> {
    std::fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    let mut lines = 0;
    let entries = std::fs::read_dir(from).with_context(|| format!("cannot list {}; run `cargo xtask regen`", from.display()))?;
    for entry in entries {
        let path = entry?.path();
        let Some(name) = path.file_name() else { continue };
        if path.is_dir() {
            lines += copy_sources(&path, &to.join(name))?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
            lines += text.lines().count();
            std::fs::write(to.join(name), text).with_context(|| format!("cannot write into {}", to.display()))?;
        }
    }
    Ok(lines)
}

fn touch(path: &Path) -> Result<()> {
    let file = std::fs::File::options().append(true).open(path).with_context(|| format!("cannot open {}", path.display()))?;
    file.set_modified(SystemTime::now()).with_context(|| format!("cannot set the modification time of {}", path.display()))
}

/// Runs `cargo <command> --offline <args>` in `dir` (`CARGO_INCREMENTAL` set from
/// `incremental`), returns its wall time in seconds.
fn cargo(dir: &Path, target_dir: &Path, incremental: bool, command: &str, args: &[&str]) -> Result<f64> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let started = Instant::now();
    let mut child = Command::new(&cargo)
        .current_dir(dir)
        .arg(command)
        .arg("--offline")
        .args(args)
        .env("CARGO_TARGET_DIR", target_dir)
        .env("CARGO_INCREMENTAL", if incremental { "1" } else { "0" })
        .env_remove("RUSTFLAGS")
        .env("CARGO_TERM_COLOR", "never")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run cargo in {}", dir.display()))?;
    // Read stderr on a thread so that a chatty build cannot block on a full pipe.
    let mut stderr = child.stderr.take();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(pipe) = stderr.as_mut() {
            let _ = std::io::Read::read_to_string(pipe, &mut text);
        }
        text
    });
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if started.elapsed() > CARGO_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            bail!("`cargo {command} {}` in {} took longer than {} minutes and was stopped", args.join(" "), dir.display(), CARGO_TIMEOUT.as_secs() / 60);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let seconds = started.elapsed().as_secs_f64();
    let stderr = reader.join().unwrap_or_default();
    if !status.success() {
        let tail: Vec<&str> = stderr.lines().rev().take(30).collect();
        bail!(
            "`cargo {command} --offline {}` failed in {} ({status}):\n{}\n(the throwaway workspace reuses the repository's Cargo.lock offline; run `cargo build` in the repository once so that every dependency is downloaded)",
            args.join(" "),
            dir.display(),
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        );
    }
    Ok(seconds)
}
