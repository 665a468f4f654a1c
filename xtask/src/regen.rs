//! `cargo xtask regen [--check]`: generate the crates from the spec, then write only what
//! changed (atomically) and delete what is no longer produced — or, with `--check`, write
//! nothing and fail with a diff when anything is stale.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::files::{absolute, canonical, display, portable_name, read_text};
use crate::plan::{Plan, compare};
use crate::{CODEGEN_CONFIG, GENERATED, PERMISSIONS, PINNED_SPEC, VERSIONS, enclosing_workspace};

/// What to generate from where.
#[derive(Debug, Clone)]
pub struct RegenOptions {
    /// The workspace `xtask` runs in (config and permission files are named relative to it in
    /// diagnostics).
    pub root: PathBuf,
    /// The spec file (YAML or JSON).
    pub spec: PathBuf,
    /// How diagnostics name the spec (a workspace-relative path when possible).
    pub spec_display: String,
    /// How headers name the spec: a path that does not depend on the machine (see
    /// [`crate::files::portable_name`]).
    pub header_spec: String,
    /// The folder the crates go into.
    pub out: PathBuf,
    /// The command to name in headers: only the options that change the output, with
    /// [`crate::files::portable_name`]s.
    pub command: String,
    /// Generated crates are named `{prefix}-models`, `{prefix}-client`, `{prefix}-server`.
    pub crate_prefix: String,
    /// The codegen configuration file (`spec/codegen.yaml` for the pinned spec), if any.
    pub config: Option<PathBuf>,
    /// The crates' versions (`spec/versions.yaml` for the pinned spec); 0.1.0 without one.
    pub versions: Option<PathBuf>,
    /// The pinned permission requirements (`spec/permissions.yaml` for the pinned spec), if any.
    pub permissions: Option<PathBuf>,
    /// Only the models crate, with serde's derived `Deserialize` (see
    /// [`codegen::Settings::serde_derive_baseline`]).
    pub serde_derive_baseline: bool,
}

/// `cargo xtask regen`'s options as typed (paths relative to the current directory).
#[derive(Debug, Clone, Default)]
pub struct RegenArgs {
    /// `--spec`: another spec than the pinned one.
    pub spec: Option<PathBuf>,
    /// `--out`: another folder than `generated/`.
    pub out: Option<PathBuf>,
    /// `--crate-prefix` (`github` when not given).
    pub crate_prefix: Option<String>,
    /// `--config`.
    pub config: Option<PathBuf>,
    /// `--permissions`.
    pub permissions: Option<PathBuf>,
    /// `--serde-derive-baseline`.
    pub serde_derive_baseline: bool,
}

impl RegenOptions {
    /// What `cargo xtask regen ARGS` run in the workspace at `root` generates, and the header
    /// it writes. The pinned spec comes with its configuration, permissions and versions;
    /// another spec only with what is named. The header names inputs by [`crate::files::portable_name`] and
    /// leaves out `--out`, which does not change a byte of the output, so the same inputs give
    /// the same files wherever they are generated from and to.
    pub fn from_args(root: &Path, args: &RegenArgs) -> Self {
        let pinned = args.spec.is_none();
        let out = args.out.clone().unwrap_or_else(|| root.join(GENERATED));
        let anchors: Vec<PathBuf> = enclosing_workspace(&absolute(&out)).into_iter().chain([canonical(root)]).collect();
        let mut command = "cargo xtask regen".to_owned();
        let (spec, spec_display, header_spec) = match &args.spec {
            Some(path) => {
                let name = portable_name(path, &anchors);
                command.push_str(&format!(" --spec {name}"));
                (path.clone(), display(root, path), name)
            }
            None => (root.join(PINNED_SPEC), PINNED_SPEC.to_owned(), PINNED_SPEC.to_owned()),
        };
        let crate_prefix = args.crate_prefix.clone().unwrap_or_else(|| "github".to_owned());
        if crate_prefix != "github" {
            command.push_str(&format!(" --crate-prefix {crate_prefix}"));
        }
        for (flag, path) in [("--config", &args.config), ("--permissions", &args.permissions)] {
            if let Some(path) = path {
                command.push_str(&format!(" {flag} {}", portable_name(path, &anchors)));
            }
        }
        if args.serde_derive_baseline {
            command.push_str(" --serde-derive-baseline");
        }
        RegenOptions {
            root: root.to_path_buf(),
            spec,
            spec_display,
            header_spec,
            out,
            command,
            crate_prefix,
            config: args.config.clone().or_else(|| pinned.then(|| root.join(CODEGEN_CONFIG))),
            permissions: args.permissions.clone().or_else(|| pinned.then(|| root.join(PERMISSIONS))),
            // The pinned crates' versions; another spec's crates and the baseline are 0.1.0.
            versions: (pinned && !args.serde_derive_baseline).then(|| root.join(VERSIONS)),
            serde_derive_baseline: args.serde_derive_baseline,
        }
    }
}

/// Runs the generator and compares its files with those under `options.out`.
pub fn plan(options: &RegenOptions) -> Result<(codegen::Output, Plan)> {
    let text = read_spec(&options.spec, &options.spec_display)?;
    let source = codegen::SourceFile::new(&options.spec_display, text);
    let names = codegen::CrateNames::with_prefix(&options.crate_prefix);
    let versions = match &options.versions {
        Some(path) => crate::versions::read(path, &display(&options.root, path), &names)?,
        None => codegen::CrateVersions::default(),
    };
    let settings = codegen::Settings {
        crate_prefix: options.crate_prefix.clone(),
        command: options.command.clone(),
        spec_name_in_headers: Some(options.header_spec.clone()),
        config: options.config.as_deref().map(|path| read_config(&options.root, path)).transpose()?,
        permissions: options.permissions.as_deref().map(|path| read_permissions(&options.root, path)).transpose()?,
        snapshot_views: false,
        versions,
        serde_derive_baseline: options.serde_derive_baseline,
    };
    let output = codegen::generate(&source, &settings).map_err(|diagnostics| anyhow::anyhow!("{diagnostics}"))?;
    let plan = compare(&options.out, &output.files)?;
    Ok((output, plan))
}

/// Reads a codegen configuration file, named in diagnostics relative to the workspace at
/// `root` when it is inside it.
pub fn read_config(root: &Path, path: &Path) -> Result<codegen::SourceFile> {
    let text = read_text(path).with_context(|| "pass an existing codegen configuration with --config".to_owned())?;
    Ok(codegen::SourceFile::new(display(root, path), text))
}

/// Reads a pinned permissions file, named like [`read_config`] names the configuration.
pub fn read_permissions(root: &Path, path: &Path) -> Result<codegen::SourceFile> {
    let text = read_text(path).with_context(|| "pass an existing permissions file with --permissions, or re-pin (`cargo xtask pin`)".to_owned())?;
    Ok(codegen::SourceFile::new(display(root, path), text))
}

/// The settings `cargo xtask regen` uses for the pinned spec: the default crate names and
/// command, the configuration in [`crate::CODEGEN_CONFIG`], the requirements in
/// [`crate::PERMISSIONS`] and the versions in [`crate::VERSIONS`].
pub fn pinned_settings(root: &Path) -> Result<codegen::Settings> {
    let defaults = codegen::Settings::default();
    let names = codegen::CrateNames::with_prefix(&defaults.crate_prefix);
    Ok(codegen::Settings {
        config: Some(read_config(root, &root.join(crate::CODEGEN_CONFIG))?),
        permissions: Some(read_permissions(root, &root.join(crate::PERMISSIONS))?),
        versions: crate::versions::read(&root.join(crate::VERSIONS), crate::VERSIONS, &names)?,
        ..defaults
    })
}

/// Reads a spec file, YAML or JSON, optionally gzip-compressed (GitHub's description is kept as
/// `.json.gz` in spec/upstream/).
fn read_spec(path: &Path, display: &str) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {display}; pass an existing OpenAPI 3.0 file with --spec"))?;
    let bytes = codegen::spec::pin::gunzip_if_needed(display, &bytes).map_err(|d| anyhow::anyhow!("{d}"))?;
    String::from_utf8(bytes).map_err(|error| anyhow::anyhow!("{display} is not UTF-8 text ({error}); an OpenAPI description is YAML or JSON"))
}

/// Carries out a plan, replacing the output folder in one atomic step (see `swap.rs`).
pub fn apply(out: &Path, plan: &Plan) -> Result<()> {
    if plan.is_clean() {
        return Ok(());
    }
    crate::swap::apply(out, plan)
}

/// `cargo xtask regen`: prints a one-line summary; with `check`, fails on stale files.
pub fn run(options: &RegenOptions, check: bool, verbose: bool) -> Result<()> {
    let started = Instant::now();
    if !check {
        // An earlier run killed mid-swap may have left the old tree parked: put it back first.
        crate::swap::recover(&options.out)?;
    }
    let (output, plan) = plan(options)?;
    // Operations a generator had to leave out are warnings: the rest is still generated.
    for diagnostic in &output.skipped {
        eprintln!("warning (left out of the server crate): {diagnostic}\n");
    }
    let skipped = if output.skipped.is_empty() { String::new() } else { format!(" ({} left out of the server)", output.skipped.len()) };
    let summary = format!(
        "{} operations{skipped}, {} types, {} files",
        output.api.operations.len(),
        output.type_count,
        output.files.len()
    );
    if check {
        if plan.is_clean() {
            println!("regen --check: {summary} up to date ({:.2?})", started.elapsed());
            return Ok(());
        }
        let diff = plan.diff();
        if verbose || diff.lines().count() <= 400 {
            print!("{diff}");
        } else {
            println!("(diff of {} lines not shown; run with -v to see it)", diff.lines().count());
        }
        bail!(
            "generated code under {} is out of date relative to {}:\n{}run `cargo xtask regen` and commit",
            options.out.display(),
            options.spec_display,
            plan.changed_paths()
        );
    }
    apply(&options.out, &plan)?;
    println!(
        "regen: {summary}; {} written, {} removed, {} unchanged ({:.2?})",
        plan.writes.len(),
        plan.deletes.len(),
        plan.unchanged,
        started.elapsed()
    );
    if verbose {
        print!("{}", plan.changed_paths());
    }
    Ok(())
}
