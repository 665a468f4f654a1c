//! Checks of how the workspace's code is layered, in the spirit of rust-analyzer's `tidy`: they
//! read the Rust sources and fail, naming the file and the import, when a module imports one it
//! may not. `tests/tests/architecture.rs` runs them on `codegen/src` and `xtask/src`.
//!
//! What counts as an import: every `use` of a `crate::`, `self::` or `super::` path, and every
//! such path written in code (`crate::spec::openapi::is_json(..)`), resolved to the module it
//! names. Paths inside macros (`quote! { use crate::Client; }` is code being *generated*) and
//! inside `#[cfg(test)]` items (tests may drive the whole pipeline) are not imports.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use syn::visit::Visit;

/// One crate-internal import of a source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// The importing file, relative to the crate's `src` (`ir/mod.rs`).
    pub file: String,
    /// Its line (1-based), found by the text of the import.
    pub line: usize,
    /// The imported path from the crate root (`["client", "needs_multi_status"]`).
    pub path: Vec<String>,
}

impl Import {
    /// The path as written from the crate root: `crate::client::needs_multi_status`.
    pub fn rendered(&self) -> String {
        std::iter::once("crate").chain(self.path.iter().map(String::as_str)).collect::<Vec<_>>().join("::")
    }
}

/// The module path of a source file relative to `src`: `lib.rs` and `main.rs` are the root,
/// `a/mod.rs` and `a.rs` are `a`, `a/b.rs` is `a::b`.
pub fn module_of(file: &str) -> Vec<String> {
    let trimmed = file.trim_end_matches(".rs");
    let mut parts: Vec<String> = trimmed.split('/').map(str::to_owned).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts
}

/// Every crate-internal import of the Rust file `file` (relative to `src`) whose text is `source`.
pub fn imports_of(file: &str, source: &str) -> Result<Vec<Import>, String> {
    let parsed = syn::parse_file(source).map_err(|error| format!("{file} does not parse: {error}"))?;
    let module = module_of(file);
    let mut collector = Collector { module: &module, found: Vec::new() };
    collector.visit_file(&parsed);
    let mut imports: Vec<Import> = collector
        .found
        .into_iter()
        .map(|path| Import { file: file.to_owned(), line: line_of(source, &path), path })
        .collect();
    imports.sort_by(|a, b| (a.line, &a.path).cmp(&(b.line, &b.path)));
    imports.dedup();
    Ok(imports)
}

/// Every crate-internal import of every `.rs` file under `src`, by file (relative, `/`-separated).
pub fn crate_imports(src: &Path) -> Result<BTreeMap<String, Vec<Import>>, String> {
    let mut out = BTreeMap::new();
    for (file, source) in rust_files(src)? {
        out.insert(file.clone(), imports_of(&file, &source)?);
    }
    Ok(out)
}

/// The `.rs` files under `dir`, relative paths with their text, sorted.
pub fn rust_files(dir: &Path) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    out.sort();
    Ok(out)
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|error| format!("cannot list {}: {error}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|error| format!("cannot list {}: {error}", dir.display()))?.path();
        if path.is_dir() {
            walk(root, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).map_err(|error| format!("cannot read {}: {error}", path.display()))?;
            let relative = path.strip_prefix(root).unwrap_or(&path);
            let relative = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            out.push((relative, text));
        }
    }
    Ok(())
}

/// The first line holding the last two segments of `path` (or the last one), as the import is
/// usually written (`client::needs_multi_status`, or `{needs_multi_status, ..}` in a `use` group).
fn line_of(source: &str, path: &[String]) -> usize {
    let tail = match path {
        [.., a, b] => format!("{a}::{b}"),
        [a] => a.clone(),
        [] => return 1,
    };
    let last = path.last().map(String::as_str).unwrap_or("");
    let find = |needle: &str| source.lines().position(|line| line.contains(needle) && !line.trim_start().starts_with("//"));
    find(&tail).or_else(|| find(last)).map_or(1, |index| index + 1)
}

struct Collector<'a> {
    module: &'a [String],
    found: Vec<Vec<String>>,
}

impl Collector<'_> {
    /// The crate-root path of `segments` written in this module, if it starts with `crate`,
    /// `self` or `super`.
    fn resolve(&self, segments: &[String]) -> Option<Vec<String>> {
        let (first, rest) = segments.split_first()?;
        let mut base: Vec<String> = match first.as_str() {
            "crate" => Vec::new(),
            "self" => self.module.to_vec(),
            "super" => self.module[..self.module.len().saturating_sub(1)].to_vec(),
            _ => return None,
        };
        let mut rest = rest;
        while let Some(("super", tail)) = rest.split_first().map(|(s, t)| (s.as_str(), t)) {
            base.pop();
            rest = tail;
        }
        base.extend(rest.iter().cloned());
        Some(base)
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(path) => {
                prefix.push(path.ident.to_string());
                self.use_tree(prefix, &path.tree);
                prefix.pop();
            }
            syn::UseTree::Name(name) => self.record_use(prefix, Some(name.ident.to_string())),
            syn::UseTree::Rename(rename) => self.record_use(prefix, Some(rename.ident.to_string())),
            syn::UseTree::Glob(_) => self.record_use(prefix, None),
            syn::UseTree::Group(group) => {
                for item in &group.items {
                    self.use_tree(prefix, item);
                }
            }
        }
    }

    fn record_use(&mut self, prefix: &[String], last: Option<String>) {
        let mut segments = prefix.to_vec();
        // `use crate::ir::{self, Api}`: `self` is the module itself.
        if let Some(last) = last.filter(|l| l != "self") {
            segments.push(last);
        }
        if let Some(path) = self.resolve(&segments).filter(|p| !p.is_empty()) {
            self.found.push(path);
        }
    }
}

fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("cfg") && attr.parse_args::<syn::Meta>().is_ok_and(|meta| meta.path().is_ident("test"))
    })
}

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let attrs = match item {
            syn::Item::Mod(m) => &m.attrs,
            syn::Item::Fn(f) => &f.attrs,
            syn::Item::Impl(i) => &i.attrs,
            syn::Item::Use(u) => &u.attrs,
            _ => return syn::visit::visit_item(self, item),
        };
        if !is_cfg_test(attrs) {
            syn::visit::visit_item(self, item);
        }
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        self.use_tree(&mut Vec::new(), &item.tree);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        if let Some(resolved) = self.resolve(&segments).filter(|p| !p.is_empty()) {
            self.found.push(resolved);
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_macro(&mut self, _: &'ast syn::Macro) {
        // Macro bodies are tokens, often code being generated (`quote!`): not imports.
    }
}

/// A pipeline stage of a crate laid out as stage folders, named by its top-level module; items
/// of the crate root (`crate::generate`) are the stage `lib`.
pub fn stage_of(module_path: &[String], stages: &[&str]) -> String {
    match module_path.first() {
        Some(first) if stages.contains(&first.as_str()) => first.clone(),
        _ => "lib".to_owned(),
    }
}

/// The layering rule of a crate: which stages each stage may import.
pub struct Layers<'a> {
    /// Stage -> the stages below it that it may import (a stage may always import itself).
    pub may_import: BTreeMap<&'a str, Vec<&'a str>>,
    /// The rule in one line, for the failure message.
    pub rule: &'a str,
}

impl Layers<'_> {
    /// Every import that breaks the rule, as one line each: file, line, what it imports, why not.
    pub fn violations(&self, imports: &BTreeMap<String, Vec<Import>>) -> Vec<String> {
        let stages: Vec<&str> = self.may_import.keys().copied().collect();
        let mut out = Vec::new();
        for (file, list) in imports {
            let from = stage_of(&module_of(file), &stages);
            for import in list {
                let to = stage_of(&import.path, &stages);
                if to == from || self.may_import.get(from.as_str()).is_some_and(|allowed| allowed.contains(&to.as_str())) {
                    continue;
                }
                let why = if to == "lib" {
                    "the crate root is the top of the pipeline; no stage imports it".to_owned()
                } else if self.may_import.get(to.as_str()).is_some_and(|below| below.contains(&from.as_str())) {
                    format!("`{to}` is above `{from}`")
                } else {
                    format!("`{to}` is a sibling of `{from}`: move what both need down into a stage they share")
                };
                out.push(format!("{file}:{}: `{from}` imports `{}` from `{to}`: {why} ({})", import.line, import.rendered(), self.rule));
            }
        }
        out
    }
}

/// Import cycles between the modules of a crate: each is named by the modules it passes
/// through and the imports that close it. A module's imports of its own ancestors
/// (`super::shared_helper`) do not count: a parent module is the facade and shared ground of
/// its children. Modules are the files; an import names the deepest module file its path
/// reaches.
pub fn cycles(imports: &BTreeMap<String, Vec<Import>>) -> Vec<String> {
    let modules: BTreeMap<Vec<String>, &String> = imports.keys().map(|file| (module_of(file), file)).collect();
    let target = |path: &[String]| -> Option<Vec<String>> { (0..=path.len()).rev().map(|n| path[..n].to_vec()).find(|p| modules.contains_key(p)) };
    // Module -> (module it imports -> the first import doing it).
    let mut edges: BTreeMap<Vec<String>, BTreeMap<Vec<String>, &Import>> = BTreeMap::new();
    for (file, list) in imports {
        let from = module_of(file);
        for import in list {
            let Some(to) = target(&import.path) else { continue };
            if to == from || from.starts_with(&to) {
                continue;
            }
            edges.entry(from.clone()).or_default().entry(to).or_insert(import);
        }
    }
    let mut reported: BTreeSet<BTreeSet<Vec<String>>> = BTreeSet::new();
    let mut out = Vec::new();
    for start in edges.keys() {
        // Depth-first search for a way back to `start`, in sorted order (the report is stable).
        let mut stack: Vec<(Vec<String>, Vec<Vec<String>>)> = vec![(start.clone(), vec![start.clone()])];
        let mut visited: BTreeSet<Vec<String>> = BTreeSet::new();
        while let Some((node, trail)) = stack.pop() {
            for next in edges.get(&node).into_iter().flat_map(|e| e.keys()).rev() {
                if next == start {
                    let members: BTreeSet<Vec<String>> = trail.iter().cloned().collect();
                    if reported.insert(members) {
                        let mut closed = trail.clone();
                        closed.push(start.clone());
                        let steps: Vec<String> = closed
                            .windows(2)
                            .map(|pair| {
                                let import = edges[&pair[0]][&pair[1]];
                                format!("{}:{} `{}`", import.file, import.line, import.rendered())
                            })
                            .collect();
                        let names: Vec<String> = closed.iter().map(|m| if m.is_empty() { "(root)".to_owned() } else { m.join("::") }).collect();
                        out.push(format!("import cycle {}: {}", names.join(" -> "), steps.join(", ")));
                    }
                } else if !trail.contains(next) && visited.insert(next.clone()) {
                    let mut longer = trail.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    out
}

/// The files under `dir` longer than `limit` lines, as `file: N lines`; `skip` names folders
/// (relative to `dir`) that are exempt.
pub fn long_files(dir: &Path, limit: usize, skip: &[&str]) -> Result<Vec<String>, String> {
    Ok(rust_files(dir)?
        .into_iter()
        .filter(|(file, _)| !skip.iter().any(|s| file.starts_with(s)))
        .filter_map(|(file, text)| {
            let lines = text.lines().count();
            (lines > limit).then(|| format!("{file}: {lines} lines (at most {limit}; split it by concern)"))
        })
        .collect())
}
