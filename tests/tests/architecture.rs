//! The layering of the code generator and of xtask, checked on their sources (see
//! `workspace_tests::architecture` for what counts as an import).
//!
//! `codegen/src` is a pipeline whose folders are its stages:
//! `spec` <- `ir` <- {`models`, `client`, `server`, `surface`} <- the crate root (`lib.rs`),
//! with `diagnostic` and `output` usable from every stage. A stage imports only the stages
//! below it; no generator imports another (what two generators must agree on is decided in the
//! IR). Within the crates, modules import one another without cycles.

use std::collections::BTreeMap;

use workspace_tests::architecture::{Import, Layers, crate_imports, cycles, imports_of, long_files, module_of};
use workspace_tests::root;

/// The stages of `codegen/src` and what each may import.
fn codegen_layers() -> Layers<'static> {
    let generator = vec!["diagnostic", "output", "spec", "ir"];
    Layers {
        may_import: BTreeMap::from([
            ("diagnostic", vec![]),
            ("output", vec!["diagnostic"]),
            ("spec", vec!["diagnostic", "output"]),
            ("ir", vec!["diagnostic", "output", "spec"]),
            ("models", generator.clone()),
            ("client", generator.clone()),
            ("server", generator.clone()),
            ("surface", generator),
            ("lib", vec!["diagnostic", "output", "spec", "ir", "models", "client", "server", "surface"]),
        ]),
        rule: "spec <- ir <- {models, client, server, surface} <- lib; diagnostic and output from any stage; see ARCHITECTURE.md",
    }
}

fn codegen_imports() -> BTreeMap<String, Vec<Import>> {
    crate_imports(&root().join("codegen/src")).unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn codegen_stages_import_only_the_stages_below_them() {
    let violations = codegen_layers().violations(&codegen_imports());
    assert!(violations.is_empty(), "imports against the pipeline's direction in codegen/src:\n{}", violations.join("\n"));
}

#[test]
fn every_codegen_module_belongs_to_a_stage() {
    let layers = codegen_layers();
    let strays: Vec<String> = codegen_imports()
        .keys()
        .filter(|file| module_of(file).first().is_some_and(|top| !layers.may_import.contains_key(top.as_str())))
        .cloned()
        .collect();
    assert!(strays.is_empty(), "codegen/src files outside the stage folders (put each in the stage it belongs to): {strays:?}");
}

#[test]
fn codegen_modules_import_one_another_without_cycles() {
    let found = cycles(&codegen_imports());
    assert!(found.is_empty(), "codegen/src:\n{}", found.join("\n"));
}

#[test]
fn xtask_modules_import_one_another_without_cycles() {
    let imports = crate_imports(&root().join("xtask/src")).unwrap_or_else(|error| panic!("{error}"));
    let found = cycles(&imports);
    assert!(found.is_empty(), "xtask/src:\n{}", found.join("\n"));
}

#[test]
fn no_source_file_is_longer_than_600_lines() {
    // The hand-written runtimes under codegen/templates are copied verbatim into the generated
    // crates and may read as one file each; they are outside `src`.
    let mut long = Vec::new();
    for dir in ["codegen/src", "xtask/src"] {
        long.extend(long_files(&root().join(dir), 600, &[]).unwrap_or_else(|error| panic!("{error}")).into_iter().map(|f| format!("{dir}/{f}")));
    }
    assert!(long.is_empty(), "{}", long.join("\n"));
}

/// The checks themselves, on a small made-up crate with one mistake of each kind: they must
/// name the file, the line and the import.
#[test]
fn the_checks_name_each_wrong_import() {
    let files = [
        ("lib.rs", "mod ir; mod client; pub fn generate() { crate::client::generate(); }"),
        ("ir/mod.rs", "//! The IR.\nuse crate::spec::openapi::is_json;\nuse crate::client::needs_multi_status;\n"),
        ("client/mod.rs", "fn f() {\n    let _ = crate::surface::render();\n    let _ = quote! { use crate::server::Api; };\n}\n"),
        ("surface/mod.rs", "use super::Settings;\n#[cfg(test)]\nmod tests { use crate::client::f; }\n"),
        ("spec/load.rs", "use crate::spec::validate::METHODS;\n"),
        ("spec/validate.rs", "pub fn check() { super::load::resolve(); }\n"),
    ];
    let imports: BTreeMap<String, Vec<Import>> = files.iter().map(|(file, text)| ((*file).to_owned(), imports_of(file, text).unwrap())).collect();
    let violations = codegen_layers().violations(&imports);
    let rule = codegen_layers().rule;
    assert_eq!(
        violations,
        [
            format!("client/mod.rs:2: `client` imports `crate::surface::render` from `surface`: `surface` is a sibling of `client`: move what both need down into a stage they share ({rule})"),
            format!("ir/mod.rs:3: `ir` imports `crate::client::needs_multi_status` from `client`: `client` is above `ir` ({rule})"),
            format!("surface/mod.rs:1: `surface` imports `crate::Settings` from `lib`: the crate root is the top of the pipeline; no stage imports it ({rule})"),
        ],
        "the quote! body and the #[cfg(test)] module are not imports"
    );
    assert_eq!(
        cycles(&imports),
        ["import cycle spec::load -> spec::validate -> spec::load: spec/load.rs:1 `crate::spec::validate::METHODS`, spec/validate.rs:1 `crate::spec::load::resolve`"]
    );
}
