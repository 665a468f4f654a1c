//! Group `codegen`: `codegen::generate` (models + client + server, formatted) against
//! progenitor-impl alone (`Generator::generate_tokens` then prettyplease, the usual `build.rs`
//! recipe) on the same spec, wall time and peak memory, each run in its own child process.
//!
//! progenitor 0.15 panics on operations with more than one response type, so the baseline runs
//! on the operations it can handle: the spec without the operations our codegen routes to the
//! multi-status generator (`Output::multi_status_operations`) and without any other operation
//! on which progenitor panics when given that operation alone (found once per spec by the
//! `discover` child, then bisected if the rest still panics). The table says how many it covered.
//!
//! Group `stages` times the steps of the pipeline that are public, each on its own after a full
//! `codegen::generate`: the parse, then `validate`, `normalize` and `ir`. Only the parse is
//! serial: `generate` then runs the models' thread (which starts with `normalize`) beside the
//! checks, the IR, the client and the server, so the total minus the parse is that thread's
//! time, the critical path. For where the time goes: progenitor as `codegen/src/client.rs`
//! calls it and syn and prettyplease on the generated files, each on one thread (CPU time; in
//! `generate` they overlap with typify and the server generator).

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use codegen::SourceFile;
use codegen::spec::openapi::METHODS;
use progenitor_impl::{GenerationSettings, Generator, InterfaceStyle, TagStyle};
use serde_json::{Map, Value, json};

use crate::child;
use crate::report::{Better, Figure};

/// A spec to generate from.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Short name used in the table and in file names (`pinned`, `full`).
    pub label: &'static str,
    /// Where it is.
    pub path: PathBuf,
    /// How it is named in the generated headers (`spec/api.github.com.yaml`).
    pub display: String,
}

/// Reads a spec (YAML, JSON or gzip-compressed JSON) into memory, saying which file failed.
pub fn read_spec(path: &Path, display: &str) -> Result<SourceFile> {
    let bytes = std::fs::read(path).with_context(|| {
        format!("cannot read the spec {}: run the benchmarks from a checkout of the repository (the file is committed)", path.display())
    })?;
    let bytes = codegen::spec::pin::gunzip_if_needed(display, &bytes).map_err(|d| anyhow!("{d}"))?;
    let text = String::from_utf8(bytes).with_context(|| format!("the spec {} is not UTF-8 text", path.display()))?;
    Ok(SourceFile::new(display, text))
}

fn settings() -> codegen::Settings {
    codegen::Settings::default()
}

// ---------------------------------------------------------------------------------------------
// Child side: one measured piece of work per process.

/// `bench child codegen-ours`: `codegen::generate` once.
pub fn child_ours(path: &Path, display: &str) -> Result<Value> {
    let source = read_spec(path, display)?;
    let started = Instant::now();
    let output = codegen::generate(&source, &settings()).map_err(|d| anyhow!("codegen refused {display}:\n{d}"))?;
    let wall = started.elapsed();
    let bytes: usize = output.files.values().map(String::len).sum();
    Ok(json!({
        "wall_ms": ms(wall),
        "peak_rss_kib": child::peak_rss_kib(),
        "operations": output.api.operations.len(),
        "files": output.files.len(),
        "bytes": bytes,
    }))
}

/// `bench child codegen-baseline`: progenitor alone on the spec without the operations listed
/// in `exclude` (one operationId per line).
pub fn child_baseline(path: &Path, display: &str, exclude: &Path) -> Result<Value> {
    let source = read_spec(path, display)?;
    let excluded = read_exclusions(exclude)?;
    let started = Instant::now();
    let (code, operations) = progenitor_alone(&source, &excluded)?;
    let wall = started.elapsed();
    Ok(json!({
        "wall_ms": ms(wall),
        "peak_rss_kib": child::peak_rss_kib(),
        "operations": operations,
        "files": 1,
        "bytes": code.len(),
    }))
}

/// progenitor-impl on `source` minus `excluded` operations: parse, generate, format.
/// Returns the formatted code and the number of operations it was given.
fn progenitor_alone(source: &SourceFile, excluded: &BTreeSet<String>) -> Result<(String, usize)> {
    let tree = codegen::spec::load::parse_tree(source).map_err(|d| anyhow!("{d}"))?;
    let tree = without_operations(&tree, excluded);
    let operations = operation_ids(&tree).len();
    let code = progenitor_on_tree(&source.name, &tree, &BTreeMap::new())?;
    Ok((code, operations))
}

/// progenitor as in `codegen/src/client.rs` (positional arguments, merged tags), with
/// `replacements` (schema name -> Rust path), then prettyplease.
fn progenitor_on_tree(file: &str, tree: &Value, replacements: &BTreeMap<String, String>) -> Result<String> {
    let tokens = progenitor_tokens(file, tree, replacements)?;
    let parsed: syn::File = syn::parse2(tokens).context("progenitor produced code that does not parse")?;
    Ok(prettyplease::unparse(&parsed))
}

fn progenitor_tokens(file: &str, tree: &Value, replacements: &BTreeMap<String, String>) -> Result<proc_macro2::TokenStream> {
    let openapi = codegen::spec::load::parse_openapi(file, tree).map_err(|d| anyhow!("{d}"))?;
    let mut settings = GenerationSettings::new();
    settings.with_interface(InterfaceStyle::Positional).with_tag(TagStyle::Merged);
    for (name, path) in replacements {
        settings.with_replacement(name, path, std::iter::empty());
    }
    let mut generator = Generator::new(&settings);
    generator.generate_tokens(&openapi).map_err(|e| anyhow!("progenitor could not generate: {e}"))
}

fn read_exclusions(path: &Path) -> Result<BTreeSet<String>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read the baseline's exclusion list {}: run `cargo xtask bench` again", path.display()))?;
    Ok(text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect())
}

/// The operationIds of a spec tree, in path order.
fn operation_ids(tree: &Value) -> Vec<String> {
    let mut ids = Vec::new();
    if let Some(paths) = tree["paths"].as_object() {
        for item in paths.values() {
            for method in METHODS {
                if let Some(id) = item.get(method).and_then(|o| o["operationId"].as_str()) {
                    ids.push(id.to_owned());
                }
            }
        }
    }
    ids
}

/// The spec without the operations in `excluded` (and without paths left empty).
fn without_operations(tree: &Value, excluded: &BTreeSet<String>) -> Value {
    let mut tree = tree.clone();
    if let Some(Value::Object(paths)) = tree.get_mut("paths") {
        for item in paths.values_mut() {
            if let Value::Object(map) = item {
                for method in METHODS {
                    let drop = map.get(method).and_then(|o| o["operationId"].as_str()).is_some_and(|id| excluded.contains(id));
                    if drop {
                        map.remove(method);
                    }
                }
            }
        }
        paths.retain(|_, item| METHODS.iter().any(|m| item.get(*m).is_some()));
    }
    tree
}

/// The spec with only the operation `id` and the components it reaches through `$ref`.
fn only_operation(tree: &Value, id: &str) -> Value {
    let mut paths = Map::new();
    let mut refs = Vec::new();
    if let Some(all) = tree["paths"].as_object() {
        for (path, item) in all {
            for method in METHODS {
                if item.get(method).and_then(|o| o["operationId"].as_str()) == Some(id) {
                    let mut kept = Map::new();
                    kept.insert(method.to_owned(), item[method].clone());
                    if let Some(parameters) = item.get("parameters") {
                        kept.insert("parameters".to_owned(), parameters.clone());
                    }
                    let kept = Value::Object(kept);
                    collect_refs(&kept, &mut refs);
                    paths.insert(path.clone(), kept);
                }
            }
        }
    }
    let mut components: Map<String, Value> = Map::new();
    let mut seen = BTreeSet::new();
    while let Some(reference) = refs.pop() {
        if !seen.insert(reference.clone()) {
            continue;
        }
        let Some(rest) = reference.strip_prefix("#/components/") else { continue };
        let mut parts = rest.splitn(2, '/');
        let (Some(kind), Some(name)) = (parts.next(), parts.next()) else { continue };
        let name = name.replace("~1", "/").replace("~0", "~");
        let Some(node) = tree["components"][kind].get(&name) else { continue };
        collect_refs(node, &mut refs);
        let section = components.entry(kind.to_owned()).or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(section) = section {
            section.insert(name, node.clone());
        }
    }
    let mut out = Map::new();
    for key in ["openapi", "info", "servers"] {
        if let Some(value) = tree.get(key) {
            out.insert(key.to_owned(), value.clone());
        }
    }
    out.insert("paths".to_owned(), Value::Object(paths));
    out.insert("components".to_owned(), Value::Object(components));
    Value::Object(out)
}

fn collect_refs(node: &Value, out: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Value::String(reference)) => out.push(reference.clone()),
                    _ => collect_refs(value, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// Runs progenitor on `tree`, `Ok(())` when it generated code, `Err(message)` when it panicked
/// or refused.
fn progenitor_handles(file: &str, tree: &Value) -> Result<(), String> {
    match catch_unwind(AssertUnwindSafe(|| progenitor_tokens(file, tree, &BTreeMap::new()))) {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(error)) => Err(format!("{error:#}")),
        Err(payload) => Err(payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "panic".to_owned())),
    }
}

/// `bench child discover`: finds the operations progenitor can handle and writes the others,
/// one operationId per line, to `out`.
pub fn child_discover(path: &Path, display: &str, out: &Path) -> Result<Value> {
    let source = read_spec(path, display)?;
    let started = Instant::now();
    let output = codegen::generate(&source, &settings()).map_err(|d| anyhow!("codegen refused {display}:\n{d}"))?;
    let tree = codegen::spec::load::parse_tree(&source).map_err(|d| anyhow!("{d}"))?;
    let all = operation_ids(&tree);
    let mut excluded: BTreeSet<String> = output.multi_status_operations.clone();
    let multi_status = excluded.len();
    // progenitor's panics are expected here; keep stderr readable.
    std::panic::set_hook(Box::new(|_| {}));

    let mut panicking = Vec::new();
    let mut first_problem = None;
    if let Err(problem) = progenitor_handles(display, &without_operations(&tree, &excluded)) {
        first_problem = Some(problem);
        // One operation at a time, each with the components it reaches.
        for id in all.iter().filter(|id| !excluded.contains(*id)) {
            if progenitor_handles(display, &only_operation(&tree, id)).is_err() {
                panicking.push(id.clone());
            }
        }
        excluded.extend(panicking.iter().cloned());
        // Operations that pass alone can still clash together: bisect what is left (bounded).
        if progenitor_handles(display, &without_operations(&tree, &excluded)).is_err() {
            let included: Vec<String> = all.iter().filter(|id| !excluded.contains(*id)).cloned().collect();
            let deadline = Instant::now() + Duration::from_secs(900);
            let mut attempts = 0usize;
            let kept = bisect(&included, &mut |subset: &[String]| {
                attempts += 1;
                if attempts > 400 || Instant::now() > deadline {
                    return None;
                }
                let keep: BTreeSet<&String> = subset.iter().collect();
                let drop: BTreeSet<String> = all.iter().filter(|id| !keep.contains(id)).cloned().collect();
                Some(progenitor_handles(display, &without_operations(&tree, &drop)).is_ok())
            })
            .ok_or_else(|| anyhow!("could not find a set of operations of {display} that progenitor handles within 400 attempts or 15 minutes"))?;
            let kept: BTreeSet<&String> = kept.iter().collect();
            for id in &included {
                if !kept.contains(id) {
                    panicking.push(id.clone());
                    excluded.insert(id.clone());
                }
            }
        }
    }
    if let Err(problem) = progenitor_handles(display, &without_operations(&tree, &excluded)) {
        bail!("progenitor fails on {display} even without the operations it cannot handle: {problem}");
    }
    let _ = std::panic::take_hook();
    let mut list: Vec<&String> = excluded.iter().collect();
    list.sort();
    let text: String = list.iter().map(|id| format!("{id}\n")).collect();
    std::fs::write(out, text).with_context(|| format!("cannot write {}", out.display()))?;
    Ok(json!({
        "operations": all.len(),
        "multi_status": multi_status,
        "panicking": panicking.len(),
        "panicking_examples": panicking.iter().take(5).collect::<Vec<_>>(),
        "first_problem": first_problem,
        "covered": all.len() - excluded.len(),
        "seconds": started.elapsed().as_secs_f64(),
    }))
}

/// The largest subset of `items` found by halving for which `ok` holds; `None` when `ok` gives
/// up (it returns `None` past its own budget).
fn bisect(items: &[String], ok: &mut dyn FnMut(&[String]) -> Option<bool>) -> Option<Vec<String>> {
    if items.is_empty() || ok(items)? {
        return Some(items.to_vec());
    }
    if items.len() == 1 {
        return Some(Vec::new());
    }
    let (left, right) = items.split_at(items.len() / 2);
    let left = bisect(left, ok)?;
    let right = bisect(right, ok)?;
    let mut both = left.clone();
    both.extend(right.iter().cloned());
    if ok(&both)? {
        Some(both)
    } else if left.len() >= right.len() {
        Some(left)
    } else {
        Some(right)
    }
}

/// `bench child stages`: the time of each public step of the pipeline, and of the whole.
pub fn child_stages(path: &Path, display: &str) -> Result<Value> {
    let source = read_spec(path, display)?;
    let fail = |d: codegen::Diagnostics| anyhow!("{d}");

    let started = Instant::now();
    let output = codegen::generate(&source, &settings()).map_err(fail)?;
    let total = started.elapsed();

    let (tree, parse) = timed(|| codegen::spec::load::parse_tree(&source));
    let tree = tree.map_err(fail)?;
    let (problems, validate) = timed(|| codegen::spec::validate::check(display, &tree));
    if !problems.is_empty() {
        bail!("{display} has problems; run `cargo xtask regen --spec {}` to see them", path.display());
    }
    let (typed, typed_parse) = timed(|| codegen::spec::load::parse_openapi(display, &tree));
    typed.map_err(fail)?;
    let (normalized, normalize) = timed(|| codegen::spec::normalize::normalize(display, &tree));
    let normalized = normalized.map_err(fail)?;
    let (api, ir) = timed(|| codegen::ir::build(&normalized));

    // progenitor as codegen/src/client.rs calls it: the normalized spec without the
    // multi-status operations, every schema replaced by the models crate's type.
    let replacements: BTreeMap<String, String> = api.models.iter().map(|m| (m.name.clone(), format!("::github_models::{}", m.name))).collect();
    let progenitor_input = without_operations(&normalized.tree, &output.multi_status_operations);
    let (tokens, progenitor) = timed(|| progenitor_tokens(display, &progenitor_input, &replacements));
    tokens?;

    // syn and prettyplease over every generated Rust file, as if codegen formatted all of it:
    // an upper bound of what formatting costs, since the code written as text (builders,
    // `Deserialize` impls, string enums, most of the server) is not parsed or formatted.
    let (mut syn_parse, mut format) = (Duration::ZERO, Duration::ZERO);
    for (name, text) in &output.files {
        if name.ends_with(".rs") {
            let (parsed, took) = timed(|| syn::parse_file(text));
            let parsed = parsed.with_context(|| format!("generated {name} does not parse"))?;
            syn_parse += took;
            let (_, took) = timed(|| prettyplease::unparse(&parsed));
            format += took;
        }
    }
    Ok(json!({
        "total_ms": ms(total),
        "parse_ms": ms(parse),
        "validate_ms": ms(validate),
        "typed_parse_ms": ms(typed_parse),
        "normalize_ms": ms(normalize),
        "ir_ms": ms(ir),
        "progenitor_ms": ms(progenitor),
        "syn_parse_ms": ms(syn_parse),
        "prettyplease_ms": ms(format),
    }))
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let started = Instant::now();
    let value = f();
    (value, started.elapsed())
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

// ---------------------------------------------------------------------------------------------
// Parent side.

/// Measures each spec `runs` times, ours and the baseline alternately, and adds the figures.
pub fn run(specs: &[Spec], runs: usize, work_dir: &Path, figures: &mut Vec<Figure>) -> Result<()> {
    for spec in specs {
        let path = spec.path.to_string_lossy().into_owned();
        let exclude = work_dir.join(format!("baseline-excluded-{}.txt", spec.label));
        let exclude_arg = exclude.to_string_lossy().into_owned();
        eprintln!("codegen/{}: finding the operations progenitor alone can handle...", spec.label);
        let coverage = child::run(&["discover", "--spec", &path, "--display", &spec.display, "--out", &exclude_arg])?;
        let operations = child::number(&coverage, "operations")?;
        let covered = child::number(&coverage, "covered")?;
        let multi_status = child::number(&coverage, "multi_status")?;
        let panicking = child::number(&coverage, "panicking")?;
        eprintln!(
            "codegen/{}: baseline covers {covered} of {operations} operations ({multi_status} multi-status left out, {panicking} more on which progenitor panics; found in {:.0} s)",
            spec.label,
            child::number(&coverage, "seconds")?
        );

        let (mut ours_ms, mut ours_rss, mut base_ms, mut base_rss) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for index in 0..runs {
            // Alternate which side goes first, so that drift in the machine's load hits both.
            let order = if index % 2 == 0 { [true, false] } else { [false, true] };
            for ours in order {
                let report = if ours {
                    child::run(&["codegen-ours", "--spec", &path, "--display", &spec.display])?
                } else {
                    child::run(&["codegen-baseline", "--spec", &path, "--display", &spec.display, "--exclude", &exclude_arg])?
                };
                let wall = child::number(&report, "wall_ms")?;
                let rss = child::number(&report, "peak_rss_kib")? / 1024.0;
                eprintln!("codegen/{} run {}/{runs}: {} {wall:.0} ms, {rss:.0} MiB", spec.label, index + 1, if ours { "ours" } else { "baseline" });
                if ours {
                    ours_ms.push(wall);
                    ours_rss.push(rss);
                } else {
                    base_ms.push(wall);
                    base_rss.push(rss);
                }
            }
        }
        let what = format!("{} ({} ops)", spec.label, operations);
        let note = format!("baseline: progenitor alone on {covered} of {operations} ops ({multi_status} multi-status, {panicking} panicking left out)");
        figures.push(Figure::compared("codegen", format!("wall time, {what}"), "ms", Better::Lower, ours_ms, base_ms, Some(1.0)).with_note(note.clone()));
        figures.push(Figure::compared("codegen", format!("peak RSS, {what}"), "MiB", Better::Lower, ours_rss, base_rss, None).with_note(note));
    }
    Ok(())
}

/// The stage profile of each spec (median of `runs` child runs per spec).
pub fn run_stages(specs: &[(Spec, usize)], figures: &mut Vec<Figure>) -> Result<()> {
    // The shared steps, in order, each timed alone. After the parse, `generate` runs the
    // models' thread, which starts with normalize, beside everything else: the total minus the
    // parse is the time of that thread.
    const SERIAL: [(&str, &str); 5] = [
        ("parse_ms", "parse (YAML/JSON to tree)"),
        ("validate_ms", "validate (calling thread, beside the models thread)"),
        ("typed_parse_ms", "typed parse (openapiv3; calling thread, beside the models thread)"),
        ("normalize_ms", "normalize (the models thread's first step)"),
        ("ir_ms", "ir (calling thread, beside the models thread)"),
    ];
    // Work inside the threads, each measured alone on one thread.
    const INSIDE: [(&str, &str); 3] = [
        ("progenitor_ms", "inside the threads, alone: progenitor (client methods)"),
        ("syn_parse_ms", "alone: syn parse of every generated file (as if all were formatted)"),
        ("prettyplease_ms", "alone: prettyplease on every generated file (the same)"),
    ];
    for (spec, runs) in specs {
        let path = spec.path.to_string_lossy().into_owned();
        let mut values: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
        for index in 0..*runs {
            eprintln!("stages/{} run {}/{runs}", spec.label, index + 1);
            let report = child::run(&["stages", "--spec", &path, "--display", &spec.display])?;
            let total = child::number(&report, "total_ms")?;
            let mut step = BTreeMap::new();
            for (key, _) in SERIAL {
                let value = child::number(&report, key)?;
                step.insert(key, value);
                values.entry(key).or_default().push(value);
            }
            let threads = total - step["parse_ms"];
            for (key, _) in INSIDE {
                values.entry(key).or_default().push(child::number(&report, key)?);
            }
            values.entry("total_ms").or_default().push(total);
            values.entry("threads_ms").or_default().push(threads.max(0.0));
        }
        let total = crate::report::median(&values["total_ms"]);
        let share = |v: &[f64]| format!("{:.0}% of generate", 100.0 * crate::report::median(v) / total);
        for (key, name) in SERIAL {
            let v = values.remove(key).unwrap_or_default();
            figures.push(Figure::reported("stages", format!("{}: {name}", spec.label), "ms", v.clone()).with_note(share(&v)));
        }
        let threads = values.remove("threads_ms").unwrap_or_default();
        let name = format!("{}: after the parse: the models thread, the checks, IR, client and server beside it", spec.label);
        figures.push(Figure::reported("stages", name, "ms", threads.clone()).with_note(share(&threads)));
        for (key, name) in INSIDE {
            let v = values.remove(key).unwrap_or_default();
            figures.push(Figure::reported("stages", format!("{}: {name}", spec.label), "ms", v).with_note("CPU on one thread".to_owned()));
        }
        let total = values.remove("total_ms").unwrap_or_default();
        figures.push(Figure::reported("stages", format!("{}: codegen::generate total", spec.label), "ms", total));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bisect_keeps_what_passes() {
        let items: Vec<String> = (0..10).map(|i| i.to_string()).collect();
        let kept = bisect(&items, &mut |s: &[String]| Some(!s.iter().any(|i| i == "3" || i == "7"))).unwrap();
        assert_eq!(kept.len(), 8);
    }

    #[test]
    fn one_operation_keeps_its_components() {
        let tree = json!({
            "openapi": "3.0.3",
            "paths": {"/a": {"get": {"operationId": "a", "responses": {"200": {"$ref": "#/components/responses/r"}}}},
                      "/b": {"get": {"operationId": "b"}}},
            "components": {"responses": {"r": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/s"}}}}},
                           "schemas": {"s": {"type": "string"}, "unused": {"type": "string"}}}
        });
        let one = only_operation(&tree, "a");
        assert_eq!(operation_ids(&one), ["a"]);
        assert!(one["components"]["schemas"].get("s").is_some());
        assert!(one["components"]["schemas"].get("unused").is_none());
        let without = without_operations(&tree, &BTreeSet::from(["b".to_owned()]));
        assert_eq!(operation_ids(&without), ["a"]);
    }
}
