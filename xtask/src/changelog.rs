//! `cargo xtask changelog [--from OLD] [--to NEW] [--json]`: what going from one spec to
//! another means for the generated crates' versions and on the wire, before the bump is made.
//!
//! Either spec may be any file the generator reads (YAML, JSON, `.gz`); both default to the
//! pinned `spec/api.github.com.yaml`. A full upstream description (one with operations
//! `spec/operations.txt` does not list) is first cut down to the listed operations, as `pin`
//! does, so `--from spec/upstream/api.github.com-22.0.0.json.gz` previews that bump.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use codegen::surface::semver::Verdict;
use serde_json::{Value, json};

use crate::files::{display, read_text};
use crate::{OPERATIONS, PINNED_SPEC};

/// What to compare.
#[derive(Debug, Clone, Default)]
pub struct ChangelogOptions {
    /// The old spec [default: the pinned spec].
    pub from: Option<PathBuf>,
    /// The new spec [default: the pinned spec].
    pub to: Option<PathBuf>,
    /// Print JSON instead of text.
    pub json: bool,
}

/// A spec as the generator will read it, and how to name it.
pub struct Input {
    /// The spec (cut down to the pinned operations when it was a full description).
    pub source: codegen::SourceFile,
    /// `info.version` of the spec.
    pub version: String,
}


/// Reads the spec at `path`, cut down to the operations of `spec/operations.txt` when it has
/// others.
pub fn read_input(root: &Path, path: &Path) -> Result<Input> {
    let name = display(root, path);
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {name}; pass an OpenAPI 3.0 file (YAML, JSON or .gz) with --from/--to"))?;
    let bytes = codegen::spec::pin::gunzip_if_needed(&name, &bytes).map_err(|d| anyhow!("{d}"))?;
    let text = String::from_utf8(bytes).map_err(|error| anyhow!("{name} is not UTF-8 text ({error}); an OpenAPI description is YAML or JSON"))?;
    let tree = codegen::spec::load::parse_tree(&codegen::SourceFile::new(&name, text.clone())).map_err(|d| anyhow!("{d}"))?;
    let version = tree["info"]["version"].as_str().unwrap_or("unknown").to_owned();
    let operations_text = read_text(&root.join(OPERATIONS))?;
    let operations = codegen::spec::pin::parse_operation_list(OPERATIONS, &operations_text).map_err(|d| anyhow!("{d}"))?;
    let listed: Vec<&str> = operations.iter().map(|o| o.operation_id.as_str()).collect();
    let ids: Vec<&str> = tree["paths"]
        .as_object()
        .into_iter()
        .flat_map(|paths| paths.values())
        .flat_map(|item| codegen::spec::openapi::METHODS.iter().filter_map(move |m| item.get(*m)?.get("operationId")?.as_str()))
        .collect();
    if ids.iter().all(|id| listed.contains(id)) {
        return Ok(Input { source: codegen::SourceFile::new(name, text), version });
    }
    // A full description: pinned in memory, as `cargo xtask pin` would pin it.
    let names = codegen::spec::pin::PinNames { upstream: name.clone(), operations: OPERATIONS.to_owned(), subset: format!("{name} (cut down to {OPERATIONS})") };
    let json_bytes = serde_json::to_vec(&tree).map_err(|error| anyhow!("{name}: {error}"))?;
    let pinned = codegen::spec::pin::pin(&names, &json_bytes, &operations).map_err(|d| anyhow!("{d}"))?;
    Ok(Input { source: codegen::SourceFile::new(format!("{name}, cut to {OPERATIONS}"), pinned.spec_yaml), version })
}

/// The permission requirements of `input`, pinned from the project's permission data as `pin`
/// would; `None` when the data does not cover its operations (another API than GitHub's).
fn requirements_of(root: &Path, input: &Input) -> Option<codegen::SourceFile> {
    let operations_text = read_text(&root.join(OPERATIONS)).ok()?;
    let operations = codegen::spec::pin::parse_operation_list(OPERATIONS, &operations_text).ok()?;
    let pinned = crate::permissions::pin(root, None, &operations, &input.source.text).ok()?;
    Some(codegen::SourceFile::new(crate::PERMISSIONS, pinned.pinned.yaml))
}

/// Generates the crates of both inputs, with the pinned spec's settings, and judges the change.
/// Who may call each operation is compared too, when the permission data covers both.
pub fn judge(root: &Path, from: &Input, to: &Input) -> Result<(Verdict, String)> {
    let settings = pinned_settings_at(root)?;
    let (from_requirements, to_requirements) = match (requirements_of(root, from), requirements_of(root, to)) {
        (Some(a), Some(b)) => (Some(a), Some(b)),
        _ => (None, None),
    };
    let generate = |input: &Input, permissions: Option<codegen::SourceFile>| {
        let settings = codegen::Settings { permissions, ..settings.clone() };
        codegen::generate(&input.source, &settings).map_err(|d| anyhow!("cannot generate the crates of {}:\n{d}", input.source.name))
    };
    let (old, new) = (generate(from, from_requirements)?, generate(to, to_requirements)?);
    let names = codegen::CrateNames::with_prefix(&settings.crate_prefix);
    let (verdict, text) = codegen::evolution_changelog(&old, &new, &names);
    let title = format!("changelog: {} ({}) -> {} ({})\n", from.source.name, from.version, to.source.name, to.version);
    Ok((verdict, format!("{title}{text}")))
}

/// The verdict as JSON: `semver` at the top, then each crate's, each change with its `rule`,
/// `semver`, `crates` and `wire`, and the generated code's API changes.
pub fn to_json(from: &Input, to: &Input, verdict: &Verdict) -> Value {
    let names = codegen::CrateNames::with_prefix("github");
    json!({
        "from": {"spec": from.source.name, "version": from.version},
        "to": {"spec": to.source.name, "version": to.version},
        "semver": verdict.semver,
        "crates": {
            names.models: verdict.crates.models,
            names.client: verdict.crates.client,
            names.server: verdict.crates.server,
        },
        "changes": verdict.changes,
        "rust_api": verdict.rust_api,
    })
}

/// `cargo xtask changelog`, in the workspace at `root`.
pub fn run(root: &Path, options: &ChangelogOptions) -> Result<()> {
    let pinned = root.join(PINNED_SPEC);
    if options.from.is_none() && options.to.is_none() {
        bail!("nothing to compare: both sides default to {PINNED_SPEC}\n  help: give the other side with --from OLD or --to NEW (e.g. --from spec/upstream/api.github.com-22.0.0.json.gz)");
    }
    let from = read_input(root, options.from.as_deref().unwrap_or(&pinned))?;
    let to = read_input(root, options.to.as_deref().unwrap_or(&pinned))?;
    let (verdict, text) = judge(root, &from, &to)?;
    if options.json {
        let json = serde_json::to_string_pretty(&to_json(&from, &to, &verdict)).map_err(|error| anyhow!("cannot write the verdict as JSON: {error}"))?;
        println!("{json}");
    } else {
        print!("{text}");
    }
    Ok(())
}

/// What a pin is about to change: the verdict of going from the pinned spec to `new_subset`
/// (YAML text), and the crates' versions bumped by it. `None` when nothing is pinned yet.
pub struct Bump {
    /// The verdict's summary lines.
    pub summary: String,
    /// The crates' new versions.
    pub versions: codegen::CrateVersions,
    /// The versions file's new text.
    pub versions_file: String,
}

/// The [`Bump`] of pinning `new_subset` over the current pin at `root`.
pub fn bump_for_pin(root: &Path, new_subset: &str) -> Result<Option<Bump>> {
    let pinned = root.join(PINNED_SPEC);
    if !pinned.exists() {
        return Ok(None);
    }
    let old = Input { source: codegen::SourceFile::new(PINNED_SPEC, read_text(&pinned)?), version: String::new() };
    let new = Input { source: codegen::SourceFile::new(format!("{PINNED_SPEC} (as pinned now)"), new_subset.to_owned()), version: String::new() };
    let settings = pinned_settings_at(root)?;
    let generate = |input: &Input| {
        let settings = codegen::Settings { permissions: requirements_of(root, input), ..settings.clone() };
        codegen::generate(&input.source, &settings).map_err(|d| anyhow!("cannot generate the crates of {}:\n{d}", input.source.name))
    };
    let (old_output, new_output) = (generate(&old)?, generate(&new)?);
    let names = codegen::CrateNames::with_prefix(&settings.crate_prefix);
    let verdict = codegen::evolution(&old_output, &new_output);
    let current = &settings.versions;
    let bumped = |semver: codegen::surface::semver::Semver, version: &str| semver.bump(version).unwrap_or_else(|| version.to_owned());
    let versions = codegen::CrateVersions {
        models: bumped(verdict.crates.models, &current.models),
        client: bumped(verdict.crates.client, &current.client),
        server: bumped(verdict.crates.server, &current.server),
    };
    let mut summary = verdict.summary([&names.models, &names.client, &names.server]);
    summary.push_str(&format!(
        "versions: {} {} -> {}, {} {} -> {}, {} {} -> {} ({})\n",
        names.models,
        current.models,
        versions.models,
        names.client,
        current.client,
        versions.client,
        names.server,
        current.server,
        versions.server,
        crate::VERSIONS
    ));
    let versions_file = crate::versions::render(&versions, &names);
    Ok(Some(Bump { summary, versions, versions_file }))
}

/// The pinned spec's settings, for the workspace at `root` (which tests put elsewhere).
fn pinned_settings_at(root: &Path) -> Result<codegen::Settings> {
    let defaults = codegen::Settings::default();
    let names = codegen::CrateNames::with_prefix(&defaults.crate_prefix);
    let config = root.join(crate::CODEGEN_CONFIG);
    let versions = root.join(crate::VERSIONS);
    Ok(codegen::Settings {
        config: if config.exists() { Some(codegen::SourceFile::new(crate::CODEGEN_CONFIG, read_text(&config)?)) } else { None },
        versions: if versions.exists() { crate::versions::read(&versions, crate::VERSIONS, &names)? } else { codegen::CrateVersions::default() },
        ..defaults
    })
}
