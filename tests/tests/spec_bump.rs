//! "Bump the pin" as a reviewer sees it: pin GitHub's 22.0.0 description and the pinned
//! 23.0.2 one with the same operations list, and compare their API surfaces. The diff must
//! show exactly what changed upstream, and read like a changelog (`surface::changelog`).

use workspace_tests::{pinned_output, pinned_settings, root, snapshot_settings};

fn output_of_upstream(file: &str) -> codegen::Output {
    let root = root();
    let operations_text = std::fs::read_to_string(root.join(xtask::OPERATIONS)).unwrap();
    let operations = codegen::spec::pin::parse_operation_list(xtask::OPERATIONS, &operations_text).unwrap();
    let bytes = std::fs::read(root.join(xtask::UPSTREAM_DIR).join(file)).unwrap();
    let names = codegen::spec::pin::PinNames {
        upstream: format!("{}/{file}", xtask::UPSTREAM_DIR),
        operations: xtask::OPERATIONS.to_owned(),
        subset: xtask::PINNED_SPEC.to_owned(),
    };
    let pinned = codegen::spec::pin::pin(&names, &bytes, &operations).unwrap_or_else(|d| panic!("{d}"));
    let source = codegen::SourceFile::new(xtask::PINNED_SPEC, pinned.spec_yaml);
    codegen::generate(&source, &pinned_settings()).unwrap_or_else(|d| panic!("{d}"))
}

fn surface_of_upstream(file: &str) -> String {
    output_of_upstream(file).surface
}

fn bump_diff() -> String {
    let old = surface_of_upstream("api.github.com-22.0.0.json.gz");
    let new = &pinned_output().surface;
    similar::TextDiff::from_lines(old.as_str(), new.as_str())
        .unified_diff()
        .context_radius(1)
        .header("surface at 22.0.0", "surface at 23.0.2")
        .to_string()
}

#[test]
fn bumping_22_to_23_shows_what_changed_upstream() {
    let diff = bump_diff();
    let added: Vec<&str> = diff.lines().filter(|l| l.starts_with('+') && !l.starts_with("+++")).collect();
    let removed: Vec<&str> = diff.lines().filter(|l| l.starts_with('-') && !l.starts_with("---")).collect();
    let has = |lines: &[&str], text: &str| lines.iter().any(|l| l.contains(text));

    // 403/404 responses added to the artifact-metadata operations.
    assert_eq!(added.iter().filter(|l| l.trim() == "+  403 BasicError").count(), 3, "{diff}");
    assert_eq!(added.iter().filter(|l| l.trim() == "+  404 BasicError").count(), 3, "{diff}");
    // A new success status, so the client method returns a per-status enum.
    assert!(has(&added, "207 OrgsSetClusterDeploymentRecordsMultiStatusResponse"), "{diff}");
    assert!(has(&added, "-> OrgsSetClusterDeploymentRecordsSuccess"), "{diff}");
    // New fields on the repository schema.
    assert!(has(&added, "has_pull_requests: boolean"), "{diff}");
    assert!(has(&added, "pull_request_creation_policy: enum(all | collaborators_only)"), "{diff}");
    // A field that became nullable (minimal-repository's license.url).
    assert!(has(&removed, "url: string") && has(&added, "url: string?"), "{diff}");
    // A constraint relaxed: the snapshot sha may now be up to 64 characters.
    assert!(has(&removed, "sha (required): string minLength=40 maxLength=40"), "{diff}");
    assert!(has(&added, "sha (required): string minLength=40 maxLength=64"), "{diff}");
    // Operations, paths and methods did not change.
    assert!(!diff.lines().any(|l| (l.starts_with('+') || l.starts_with('-')) && l.contains("operation ")), "{diff}");

}

#[test]
fn the_bump_reads_as_a_changelog() {
    let old = surface_of_upstream("api.github.com-22.0.0.json.gz");
    let changelog = codegen::surface::changelog(&old, &pinned_output().surface);
    assert!(changelog.contains("changed operation orgs/create-artifact-deployment-record\n"), "{changelog}");
    assert!(changelog.contains("added model BasicError (#/components/schemas/basic-error)\n"), "{changelog}");
    assert!(!changelog.contains("removed "), "nothing was removed upstream:\n{changelog}");
    snapshot_settings("spec_bump").bind(|| insta::assert_snapshot!("changelog_22.0.0_to_23.0.2", changelog));
}

/// The semver verdict of the bump: the changelog with a verdict on every change, snapshotted,
/// and the facts a reviewer relies on asserted.
#[test]
fn the_bump_has_a_semver_verdict_on_every_change() {
    use codegen::surface::semver::{Effect, Semver};
    let old = output_of_upstream("api.github.com-22.0.0.json.gz");
    let names = codegen::CrateNames::with_prefix("github");
    let (verdict, text) = codegen::evolution_changelog(&old, pinned_output(), &names);
    assert_eq!(verdict.semver, Semver::Major);
    assert_eq!((verdict.crates.models, verdict.crates.client, verdict.crates.server), (Semver::Major, Semver::Major, Semver::Major));
    let find = |rule: &str, at: &str| {
        verdict.changes.iter().find(|c| c.rule == rule && c.at == at).unwrap_or_else(|| panic!("no {rule} at {at}:\n{text}"))
    };
    // The 207 makes set-cluster's client method return a per-status enum.
    let multi_status = find("response-success-status-added", "207 response");
    assert_eq!((multi_status.crates.client, multi_status.crates.server), (Semver::Major, Semver::Minor));
    // A new optional response field: an addition, with `#[non_exhaustive]` structs.
    assert_eq!(find("response-optional-property-added", "has_pull_requests").semver, Semver::Minor);
    // A field that may now be null: old clients break on the wire.
    assert_eq!(find("response-property-became-nullable", "license.url").wire.old_clients, Effect::Breaks);
    // A relaxed limit: old servers refuse what new clients may send.
    let sha = find("request-property-max-length-increased", "sha");
    assert_eq!((sha.wire.old_clients, sha.wire.old_servers), (Effect::Compatible, Effect::Breaks));
    // The generated code says so too: the error type of the artifact writes changed.
    assert!(verdict.rust_api.iter().any(|c| c.krate == "client" && c.semver == Semver::Major && c.what.contains("orgs_create_artifact_deployment_record returns")), "{text}");
    snapshot_settings("spec_bump").bind(|| insta::assert_snapshot!("verdict_22.0.0_to_23.0.2", text));
}
