//! Snapshots of the generated server: per operation (its trait method, request struct and
//! parser, response enum and handler) and per validator (one per named schema an input
//! reaches). A spec change shows up only in the snapshots of what it touches.

use workspace_tests::{pinned_output, pinned_views, snapshot_settings};

#[test]
fn server_code_per_operation() {
    let output = pinned_output();
    assert_eq!(output.views.as_ref().unwrap().server_operation_code.len(), 20, "one entry per pinned operation");
    snapshot_settings("server").bind(|| {
        for operation in &output.api.operations {
            insta::assert_snapshot!(operation.fn_name.clone(), output.views.as_ref().unwrap().server_operation_code[&operation.id]);
        }
    });
}

#[test]
fn server_validators_per_schema() {
    let output = pinned_output();
    snapshot_settings("server").bind(|| {
        for (name, code) in &output.views.as_ref().unwrap().server_validation_code {
            insta::assert_snapshot!(name.clone(), code);
        }
    });
}

#[test]
fn every_operation_has_a_trait_method_a_handler_and_a_route() {
    let output = pinned_output();
    let router = &output.files["server/src/router.rs"];
    for operation in &output.api.operations {
        let code = &output.views.as_ref().unwrap().server_operation_code[&operation.id];
        let method = &operation.fn_name;
        assert!(code.contains(&format!("fn {method}(")), "{}: no trait method\n{code}", operation.id);
        // However the formatter breaks the lines.
        let compact: String = code.split_whitespace().collect();
        assert!(compact.contains(&format!("asyncfn{method}<A:Api,U:Authenticator<Principal=A::Caller>")), "{}: no handler\n{code}", operation.id);
        let requirements = method.to_ascii_uppercase();
        assert!(code.contains(&format!("pub const {requirements}: Requirements")), "{}: no requirements\n{code}", operation.id);
        assert!(code.contains(&format!("(&requirements::{requirements}, request)")), "{}: the caller is not admitted\n{code}", operation.id);
        assert!(router.contains(&format!("\"{}\"", operation.path)), "{}: no route for {}", operation.id, operation.path);
    }
}

#[test]
fn validators_exist_for_every_input_schema_and_nothing_else() {
    // Bodies and constrained parameters are validated; response-only schemas are not.
    let names: Vec<&String> = pinned_views().server_validation_code.keys().collect();
    for expected in [
        "validate_snapshot",
        "validate_subject_digest",
        "validate_orgs_set_cluster_deployment_records_cluster",
        "validate_orgs_set_cluster_deployment_records_request",
        "validate_dependabot_create_or_update_org_secret_request",
        "validate_metadata",
    ] {
        assert!(names.iter().any(|n| *n == expected), "{expected} missing from {names:?}");
    }
    for absent in ["validate_minimal_repository", "validate_basic_error", "validate_organization_dependabot_secret"] {
        assert!(!names.iter().any(|n| *n == absent), "{absent} is response-only and needs no validator");
    }
}

#[test]
fn the_server_crate_depends_on_the_models_crate_and_axum_only_as_needed() {
    let manifest = &pinned_output().files["server/Cargo.toml"];
    assert!(manifest.contains("name = \"github-server\""), "{manifest}");
    assert!(manifest.contains("github-models = { path = \"../models\" }"), "{manifest}");
    assert!(manifest.contains("axum = { version = \"0.8"), "{manifest}");
    assert!(manifest.contains("regress = "), "patterns are checked with regress:\n{manifest}");
    assert!(!manifest.contains("tokio"), "the server crate does not need tokio:\n{manifest}");
}
