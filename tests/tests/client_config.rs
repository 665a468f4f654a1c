//! The codegen configuration (`spec/codegen.yaml`): what it changes in the generated crates,
//! and the located diagnostics for entries that cannot apply.

use workspace_tests::{pinned_output, root};

fn spec() -> codegen::SourceFile {
    let text = std::fs::read_to_string(root().join(xtask::PINNED_SPEC)).unwrap();
    codegen::SourceFile::new(xtask::PINNED_SPEC, text)
}

/// The diagnostics for the pinned spec with `config` as its configuration file.
fn refused(config: &str) -> String {
    let settings = codegen::Settings {
        config: Some(codegen::SourceFile::new("spec/codegen.yaml", config)),
        ..codegen::Settings::default()
    };
    match codegen::generate(&spec(), &settings) {
        Ok(_) => panic!("expected the configuration to be refused:\n{config}"),
        Err(diagnostics) => diagnostics.to_string(),
    }
}

const SELECTED_REPOS: &str = "dependabot/list-selected-repos-for-org-secret";

#[test]
fn the_entry_adds_the_link_header_everywhere_and_a_stream() {
    let with = pinned_output();
    let without = codegen::generate(&spec(), &codegen::Settings { snapshot_views: true, ..codegen::Settings::default() }).unwrap();
    let entry = |output: &codegen::Output| {
        let start = output.surface.find(&format!("operation {SELECTED_REPOS}\n")).unwrap();
        output.surface[start..].split("\n\n").next().unwrap().to_owned()
    };
    assert!(!entry(&without).contains("link"), "{}", entry(&without));
    let configured = entry(with);
    assert!(configured.contains("200 DependabotListSelectedReposForOrgSecretResponse; headers: link (added by spec/codegen.yaml)"), "{configured}");
    assert!(configured.contains("stream: Client::dependabot_list_selected_repos_for_org_secret_stream -> MinimalRepository"), "{configured}");
    // Lists whose spec declares the header are paginated without any entry.
    assert!(without.surface.contains("stream: Client::dependabot_list_org_secrets_stream -> OrganizationDependabotSecret"));
    assert!(without.surface.contains("stream: Client::dependabot_list_repo_secrets_stream -> DependabotSecret"));
    let (with_views, without_views) = (with.views.as_ref().unwrap(), without.views.as_ref().unwrap());
    assert!(!without_views.operation_code[SELECTED_REPOS].contains("_stream"));
    assert!(with_views.operation_code[SELECTED_REPOS].contains("pub fn dependabot_list_selected_repos_for_org_secret_stream"));
    // The server's response gets the header too.
    assert!(with_views.server_operation_code[SELECTED_REPOS].contains("link: Option<::std::string::String>"));
    assert!(!without_views.server_operation_code[SELECTED_REPOS].contains("link:"));
}

#[test]
fn a_wrong_operation_id_is_located_with_a_suggestion() {
    let error = refused("paginated:\n  - operation: dependabot/list-selected-repo-for-org-secret\n    why: GitHub sends Link\n");
    assert_eq!(
        error,
        "error: `dependabot/list-selected-repo-for-org-secret` is not an operationId of spec/api.github.com.yaml\n  \
         --> spec/codegen.yaml#/paginated/0/operation\n  \
         operation: dependabot/list-selected-repo-for-org-secret\n  \
         help: did you mean `dependabot/list-selected-repos-for-org-secret`? Entries name operations by their operationId in spec/api.github.com.yaml\n\
         1 error"
    );
    let far = refused("paginated:\n  - operation: repos/list\n    why: x\n");
    assert!(far.contains("help: name an operation by its operationId in spec/api.github.com.yaml"), "{far}");
}

#[test]
fn entries_that_cannot_apply_are_all_reported() {
    let error = refused(
        "paginated:\n\
         - operation: dependabot/list-org-secrets\n  why: stale\n\
         - operation: dependabot/get-org-public-key\n  why: not a list\n\
         - operation: dependabot/list-selected-repos-for-org-secret\n  why: wrong items\n  items: total_count\n\
         - operation: dependabot/list-org-secrets\n  why: twice\n",
    );
    assert!(error.contains("`dependabot/list-org-secrets` already declares a `Link` header in spec/api.github.com.yaml"), "{error}");
    assert!(error.contains("help: remove the entry: the spec now says what it added"), "{error}");
    assert!(error.contains("`dependabot/get-org-public-key` cannot be paginated: it has no optional integer `page` and `per_page` query parameters"), "{error}");
    assert!(error.contains("spec/codegen.yaml#/paginated/2/items"), "{error}");
    assert!(error.contains("`total_count` is not an array property of its `200` body `DependabotListSelectedReposForOrgSecretResponse` (array properties: `repositories`)"), "{error}");
    assert!(error.contains("spec/codegen.yaml#/paginated/3/operation\n  operation: dependabot/list-org-secrets\n  help: keep one entry per operation"), "{error}");
    assert!(error.ends_with("4 errors"), "{error}");
}

#[test]
fn the_file_format_is_checked() {
    let unknown = refused("paginated:\n  - operation: dependabot/list-org-secrets\n    why: x\n    item: secrets\n");
    assert!(unknown.contains("unknown field `item`"), "{unknown}");
    assert!(unknown.contains("--> spec/codegen.yaml#/paginated/0"), "{unknown}");
    let no_why = refused("paginated:\n  - operation: dependabot/list-selected-repos-for-org-secret\n    why: ' '\n");
    assert!(no_why.contains("spec/codegen.yaml#/paginated/0/why"), "{no_why}");
    let not_yaml = refused("paginated: [");
    assert!(not_yaml.contains("the codegen configuration is not valid"), "{not_yaml}");
    // An empty file is an empty configuration.
    let settings = codegen::Settings { config: Some(codegen::SourceFile::new("c.yaml", "{}")), ..codegen::Settings::default() };
    assert!(codegen::generate(&spec(), &settings).is_ok());
}

#[test]
fn regen_with_a_broken_configuration_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("codegen.yaml");
    std::fs::write(&config, "paginated:\n  - operation: nope\n    why: x\n").unwrap();
    let out = dir.path().join("out");
    let args = xtask::regen::RegenArgs { out: Some(out.clone()), config: Some(config), ..Default::default() };
    let options = xtask::regen::RegenOptions::from_args(&root(), &args);
    let error = xtask::regen::run(&options, false, false).unwrap_err().to_string();
    assert!(error.contains("`nope` is not an operationId of spec/api.github.com.yaml"), "{error}");
    assert!(!out.exists(), "nothing was written");
}
