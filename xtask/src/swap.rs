//! Replacing the generated tree all at once, so that a regen killed at any moment leaves the
//! output folder either completely old or completely new — never a mix.
//!
//! The new tree is built beside the old one (a hidden sibling folder: same file system, so
//! renames are atomic), starting from hard links to the current files; the plan is applied
//! there; then the two folders trade places with one `renameat2(RENAME_EXCHANGE)`. Where the
//! kernel or file system lacks that call, two renames are used, and an interrupted swap is
//! rolled back to the old tree by the next run.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::files::write_atomic;
use crate::plan::Plan;

/// The sibling folder where the new tree is built.
pub fn staging_dir(out: &Path) -> PathBuf {
    sibling(out, "regen-staging")
}

/// Where the old tree is parked during a two-rename swap.
pub fn parked_dir(out: &Path) -> PathBuf {
    sibling(out, "regen-old")
}

fn sibling(out: &Path, suffix: &str) -> PathBuf {
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".to_owned());
    out.with_file_name(format!(".{name}.{suffix}"))
}

/// Cleans up after a run that was interrupted: a staging folder is always disposable; a parked
/// old tree is put back if the swap stopped half-way (the output folder is missing).
pub fn recover(out: &Path) -> Result<()> {
    let parked = parked_dir(out);
    if parked.exists() {
        if out.exists() {
            fs::remove_dir_all(&parked).with_context(|| format!("cannot remove {}", parked.display()))?;
        } else {
            fs::rename(&parked, out).with_context(|| format!("cannot restore {} from {}", out.display(), parked.display()))?;
        }
    }
    let staging = staging_dir(out);
    if staging.exists() {
        fs::remove_dir_all(&staging).with_context(|| format!("cannot remove the leftover {}", staging.display()))?;
    }
    Ok(())
}

/// Applies `plan` to `out` as one atomic replacement of the folder.
pub fn apply(out: &Path, plan: &Plan) -> Result<()> {
    recover(out)?;
    let staging = staging_dir(out);
    if out.exists() {
        link_tree(out, &staging)?;
    } else {
        fs::create_dir_all(&staging).with_context(|| format!("cannot create {}", staging.display()))?;
    }
    for (path, (_, contents)) in &plan.writes {
        write_atomic(&staging.join(path), contents.as_bytes())?;
    }
    for path in plan.deletes.keys() {
        let target = staging.join(path);
        fs::remove_file(&target).with_context(|| format!("cannot delete the stale generated file {}", target.display()))?;
        if let Some(parent) = target.parent() {
            crate::files::remove_empty_parents(parent, &staging);
        }
    }
    pause_for_tests("staged");
    if !out.exists() {
        return fs::rename(&staging, out).with_context(|| format!("cannot move {} to {}", staging.display(), out.display()));
    }
    swap(out, &staging)?;
    pause_for_tests("swapped");
    fs::remove_dir_all(&staging).with_context(|| format!("cannot remove the old tree at {}", staging.display()))
}

/// Exchanges the two folders' contents atomically (their paths trade places).
fn swap(out: &Path, staging: &Path) -> Result<()> {
    match rustix::fs::renameat_with(rustix::fs::CWD, staging, rustix::fs::CWD, out, rustix::fs::RenameFlags::EXCHANGE) {
        Ok(()) => Ok(()),
        Err(_) => {
            // No RENAME_EXCHANGE here: park the old tree, move the new one in. `recover`
            // restores the old tree if this is interrupted between the two renames.
            let parked = parked_dir(out);
            fs::rename(out, &parked).with_context(|| format!("cannot move {} aside", out.display()))?;
            fs::rename(staging, out).with_context(|| format!("cannot move {} to {}", staging.display(), out.display()))?;
            fs::rename(&parked, staging).with_context(|| format!("cannot move {} to {}", parked.display(), staging.display()))
        }
    }
}

/// Mirrors `from` into `to` with hard links (copies where linking fails). Writing a new file
/// in `to` replaces the link, so the files of `from` are never modified.
fn link_tree(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    for entry in fs::read_dir(from).with_context(|| format!("cannot list {}", from.display()))? {
        let entry = entry.with_context(|| format!("cannot list {}", from.display()))?;
        let source = entry.path();
        let target = to.join(entry.file_name());
        let kind = entry.file_type().with_context(|| format!("cannot stat {}", source.display()))?;
        if kind.is_dir() {
            link_tree(&source, &target)?;
        } else if kind.is_symlink() {
            let link = fs::read_link(&source).with_context(|| format!("cannot read the link {}", source.display()))?;
            std::os::unix::fs::symlink(link, &target).with_context(|| format!("cannot create the link {}", target.display()))?;
        } else if fs::hard_link(&source, &target).is_err() {
            fs::copy(&source, &target).with_context(|| format!("cannot copy {} to {}", source.display(), target.display()))?;
        }
    }
    Ok(())
}

/// Lets the crash tests stop the process at a known point: with `XTASK_REGEN_PAUSE=<point>`,
/// regen prints `paused at <point>` and sleeps until it is killed.
fn pause_for_tests(point: &str) {
    if std::env::var("XTASK_REGEN_PAUSE").is_ok_and(|p| p == point) {
        println!("paused at {point}");
        use std::io::Write;
        let _ = std::io::stdout().flush();
        std::thread::sleep(std::time::Duration::from_secs(600));
    }
}
