//! Pinning: the committed subset is exactly what `cargo xtask pin` makes from the committed
//! upstream file, and a bad operations list is a clear error that writes nothing.

use std::fs;

use workspace_tests::root;

const UPSTREAM: &str = "api.github.com-23.0.2.json.gz";

#[test]
fn the_committed_pin_is_reproducible() {
    let root = root();
    let operations_text = fs::read_to_string(root.join(xtask::OPERATIONS)).unwrap();
    let operations = codegen::spec::pin::parse_operation_list(xtask::OPERATIONS, &operations_text).unwrap();
    assert_eq!(operations.len(), 20);
    let bytes = fs::read(root.join(xtask::UPSTREAM_DIR).join(UPSTREAM)).unwrap();
    let names = codegen::spec::pin::PinNames {
        upstream: format!("{}/{UPSTREAM}", xtask::UPSTREAM_DIR),
        operations: xtask::OPERATIONS.to_owned(),
        subset: xtask::PINNED_SPEC.to_owned(),
    };
    let pinned = codegen::spec::pin::pin(&names, &bytes, &operations).unwrap();
    assert!(
        pinned.spec_yaml == fs::read_to_string(root.join(xtask::PINNED_SPEC)).unwrap(),
        "{} differs from a fresh pin of {UPSTREAM}: run `cargo xtask pin --from spec/upstream/{UPSTREAM}` and commit",
        xtask::PINNED_SPEC
    );
    // The provenance of the spec subset, then that of the permission requirements (checked in
    // tests/tests/permissions.rs).
    let provenance = fs::read_to_string(root.join(xtask::PROVENANCE)).unwrap();
    assert!(provenance.starts_with(&pinned.provenance_yaml), "{provenance}");
    // The provenance names the upstream hash that spec/upstream/SOURCES.md publishes.
    let sources = fs::read_to_string(root.join(xtask::UPSTREAM_DIR).join("SOURCES.md")).unwrap();
    let hash = pinned.provenance_yaml.lines().find_map(|l| l.trim().strip_prefix("json_sha256: ")).unwrap();
    assert!(sources.contains(hash), "SOURCES.md does not list {hash}");
}

/// A scratch workspace with an operations list and a codegen configuration declaring the
/// classic scopes of `dependabot/get-org-public-key`.
fn scratch(operations: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("spec")).unwrap();
    fs::write(dir.path().join(xtask::OPERATIONS), operations).unwrap();
    let config = "classic_scopes:\n  - operations: [dependabot/get-org-public-key]\n    scopes: [admin:org]\n";
    fs::write(dir.path().join(xtask::CODEGEN_CONFIG), config).unwrap();
    dir
}

fn options() -> xtask::pin::PinOptions {
    let from = root().join(xtask::UPSTREAM_DIR).join(UPSTREAM);
    xtask::pin::PinOptions { from, operations: None, into: None, permissions_data: Some(root().join(xtask::PERMISSION_DATA)) }
}

#[test]
fn pin_writes_the_subset_and_copies_the_upstream_file_in() {
    let dir = scratch("dependabot/get-org-public-key GET /orgs/{org}/dependabot/secrets/public-key\n");
    xtask::pin::run(dir.path(), &options()).unwrap();
    let spec = fs::read_to_string(dir.path().join(xtask::PINNED_SPEC)).unwrap();
    assert!(spec.contains("operationId: dependabot/get-org-public-key"));
    assert!(spec.contains("  dependabot-public-key:"), "the referenced schema comes along");
    assert!(!spec.contains("organization-dependabot-secret:"), "unreferenced schemas stay out");
    assert!(dir.path().join(xtask::UPSTREAM_DIR).join(UPSTREAM).exists(), "the upstream file is copied in");
    let permissions = fs::read_to_string(dir.path().join(xtask::PERMISSIONS)).unwrap();
    assert!(
        permissions.ends_with("operations:\n  \"dependabot/get-org-public-key\":\n    classic_scopes: [\"admin:org\"]\n    fine_grained: [[\"organization_dependabot_secrets=read\"]]\n"),
        "{permissions}"
    );
    for data in ["rest-prog-access.json", "fpt-2026-03-10/fine-grained-pat-permissions.json", "fpt-2026-03-10/server-to-server-permissions.json", "SOURCES.md"] {
        let copied = fs::read(dir.path().join(xtask::PERMISSION_DATA).join(data)).unwrap();
        assert_eq!(copied, fs::read(root().join(xtask::PERMISSION_DATA).join(data)).unwrap(), "{data} is copied in as it is");
    }
    let provenance = fs::read_to_string(dir.path().join(xtask::PROVENANCE)).unwrap();
    assert!(provenance.contains("  - file: spec/upstream/github-docs/rest-prog-access.json\n"), "{provenance}");
    assert!(!provenance.contains(&root().display().to_string()), "no absolute paths: {provenance}");
}

#[test]
fn an_operation_without_declared_classic_scopes_fails_the_pin_and_nothing_is_written() {
    let dir = scratch("dependabot/get-org-public-key GET /orgs/{org}/dependabot/secrets/public-key\ndependabot/get-org-secret GET /orgs/{org}/dependabot/secrets/{secret_name}\n");
    let error = format!("{:#}", xtask::pin::run(dir.path(), &options()).unwrap_err());
    assert!(error.contains("`dependabot/get-org-secret` has no classic scopes declared (its description says [admin:org])"), "{error}");
    assert!(error.contains("--> spec/codegen.yaml#/classic_scopes"), "{error}");
    assert_eq!(walk(dir.path()), ["spec/codegen.yaml", "spec/operations.txt"], "nothing but the inputs may exist");
}

#[test]
fn an_operation_the_permission_data_does_not_cover_is_named_and_nothing_is_written() {
    // `orgs/get` is in GitHub's description but not in the permission data of the project.
    let dir = scratch("dependabot/get-org-public-key GET /orgs/{org}/dependabot/secrets/public-key\norgs/get GET /orgs/{org}\n");
    let config = "classic_scopes:\n  - operations: [dependabot/get-org-public-key]\n    scopes: [admin:org]\n  - operations: [orgs/get]\n    scopes: []\n";
    fs::write(dir.path().join(xtask::CODEGEN_CONFIG), config).unwrap();
    let error = format!("{:#}", xtask::pin::run(dir.path(), &options()).unwrap_err());
    assert!(error.contains("the permission data does not cover `orgs/get` (GET /orgs/{org}): it is not in rest-prog-access.json"), "{error}");
    assert!(error.contains("help: add the operation's `progAccess`"), "{error}");
    assert_eq!(walk(dir.path()), ["spec/codegen.yaml", "spec/operations.txt"], "nothing but the inputs may exist");
}

#[test]
fn an_unknown_operation_is_named_and_nothing_is_written() {
    let dir = scratch("dependabot/get-org-public-key GET /orgs/{org}/dependabot/secrets/public-key\ndependabot/no-such-thing GET /nope\n");
    let error = xtask::pin::run(dir.path(), &options()).unwrap_err();
    let message = format!("{error:#}");
    assert!(message.contains("operationId `dependabot/no-such-thing` (spec/operations.txt line 2) is not in the upstream description"), "{message}");
    assert!(message.contains("help:"), "{message}");
    let written: Vec<_> = walk(dir.path());
    assert_eq!(written, ["spec/codegen.yaml", "spec/operations.txt"], "nothing but the inputs may exist");
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

/// A bump of the pin bumps the generated crates' versions by its semver verdict: 22.0.0 to
/// 23.0.2 breaks all three crates, so each goes from 0.1.0 to 0.2.0 (Cargo's rule below 1.0).
#[test]
fn a_bump_of_the_pin_bumps_the_crates_versions_by_its_verdict() {
    let dir = scratch(&fs::read_to_string(root().join(xtask::OPERATIONS)).unwrap());
    fs::copy(root().join(xtask::CODEGEN_CONFIG), dir.path().join(xtask::CODEGEN_CONFIG)).unwrap();
    fs::write(dir.path().join(xtask::VERSIONS), "github-client: 0.1.0\ngithub-models: 0.1.0\ngithub-server: 0.1.0\n").unwrap();
    let pin = |file: &str| {
        let from = root().join(xtask::UPSTREAM_DIR).join(file);
        let options = xtask::pin::PinOptions { from, operations: None, into: None, permissions_data: Some(root().join(xtask::PERMISSION_DATA)) };
        xtask::pin::run(dir.path(), &options).unwrap();
    };
    pin("api.github.com-22.0.0.json.gz");
    let first = fs::read_to_string(dir.path().join(xtask::VERSIONS)).unwrap();
    assert!(first.contains("github-models: 0.1.0"), "a first pin judges nothing: {first}");
    pin("api.github.com-23.0.2.json.gz");
    let versions = fs::read_to_string(dir.path().join(xtask::VERSIONS)).unwrap();
    for name in ["github-models", "github-client", "github-server"] {
        assert!(versions.contains(&format!("{name}: 0.2.0\n")), "{versions}");
    }
    // Pinning the same description again changes nothing.
    pin("api.github.com-23.0.2.json.gz");
    assert_eq!(fs::read_to_string(dir.path().join(xtask::VERSIONS)).unwrap(), versions);
}
