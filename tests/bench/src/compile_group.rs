//! Group `compile`: how long the generated crates take to build (dev profile, `cargo build`).
//!
//! The crates are copied (pinned spec: `generated/`) or generated (whole description: by the
//! `write-crates` child) into a throwaway workspace under `target/bench/`, with the workspace's
//! `Cargo.lock`, and built `--offline` with their own `CARGO_TARGET_DIR`
//! (`target/bench/compile-target`), so the workspace's own `target/` is never touched.
//! Dependencies are built first (not measured); then, for each crate:
//! - clean: `cargo clean -p CRATE`, then `cargo build -p CRATE` (the crate itself, its
//!   dependencies already built);
//! - incremental: the modification time of one generated file of the crate is bumped, then
//!   `cargo build -p CRATE`.

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
        cargo(&dir, &target_dir, "build", &all)?;

        for (short, package, touched) in CRATES {
            let (mut clean, mut incremental) = (Vec::new(), Vec::new());
            for index in 0..target.runs {
                cargo(&dir, &target_dir, "clean", &["-p", package])?;
                let seconds = cargo(&dir, &target_dir, "build", &["-p", package])?;
                clean.push(seconds);
                touch(&dir.join(touched))?;
                let again = cargo(&dir, &target_dir, "build", &["-p", package])?;
                incremental.push(again);
                eprintln!("compile/{label} {package} run {}/{}: clean {seconds:.1} s, incremental {again:.1} s", index + 1, target.runs);
            }
            let lines_note = format!("{lines} generated lines in the 3 crates; dev profile, deps prebuilt");
            figures.push(Figure::reported("compile", format!("{label}: {short} clean build"), "s", clean).with_note(lines_note));
            figures.push(Figure::reported("compile", format!("{label}: {short} incremental (touch {touched})"), "s", incremental));
        }
    }
    Ok(())
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

/// Runs `cargo <command> --offline <args>` in `dir`, returns its wall time in seconds.
fn cargo(dir: &Path, target_dir: &Path, command: &str, args: &[&str]) -> Result<f64> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let started = Instant::now();
    let mut child = Command::new(&cargo)
        .current_dir(dir)
        .arg(command)
        .arg("--offline")
        .args(args)
        .env("CARGO_TARGET_DIR", target_dir)
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
