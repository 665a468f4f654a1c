//! Snapshots of what the generator makes from the pinned spec: the API surface (one compact
//! entry per operation and model, whose diff reads like a changelog), the client code of each
//! operation, and the code of each model. A spec change shows up only in the snapshots of the
//! operations and types it touches.

use workspace_tests::{pinned_output, pinned_views, snapshot_settings};

#[test]
fn api_surface() {
    snapshot_settings("surface").bind(|| {
        insta::assert_snapshot!("api_surface", pinned_output().surface);
    });
}

#[test]
fn client_code_per_operation() {
    let output = pinned_output();
    assert_eq!(output.views.as_ref().unwrap().operation_code.len(), 20, "one entry per pinned operation");
    snapshot_settings("operations").bind(|| {
        for operation in &output.api.operations {
            insta::assert_snapshot!(operation.fn_name.clone(), output.views.as_ref().unwrap().operation_code[&operation.id]);
        }
    });
}

#[test]
fn model_code_per_schema() {
    let output = pinned_output();
    snapshot_settings("models").bind(|| {
        for (name, code) in &output.views.as_ref().unwrap().model_code {
            let name = if name == "(support)" { "_support".to_owned() } else { name.clone() };
            insta::assert_snapshot!(name, code);
        }
    });
}

#[test]
fn every_operation_has_a_client_method() {
    for (id, code) in &pinned_views().operation_code {
        assert!(code.contains("pub async fn "), "{id} has no client method:\n{code}");
    }
}

#[test]
fn the_client_defines_no_model_types_of_its_own() {
    // One definition per type: the client uses the models crate's types, and only adds the
    // `Client` itself and the per-operation status enums of multi-status operations. The
    // hand-written runtime (copied from codegen/templates/client/) adds its own helper types
    // (builder, errors, retry policy, secrets), none of them named like a model.
    let output = pinned_output();
    let mut defined = Vec::new();
    let mut runtime = Vec::new();
    for (path, contents) in &output.files {
        if !path.starts_with("client/") || !path.ends_with(".rs") {
            continue;
        }
        let list = if path.starts_with("client/src/runtime/") { &mut runtime } else { &mut defined };
        let file = syn::parse_file(contents).expect("generated client parses");
        for item in file.items {
            match item {
                syn::Item::Struct(s) => list.push(s.ident.to_string()),
                syn::Item::Enum(e) => list.push(e.ident.to_string()),
                _ => {}
            }
        }
    }
    let models: Vec<&str> = output.api.models.iter().map(|m| m.name.as_str()).collect();
    for name in &runtime {
        assert!(!models.contains(&name.as_str()), "the runtime's `{name}` is also a model");
    }
    defined.sort();
    assert_eq!(
        defined,
        [
            "Client",
            "DependabotCreateOrUpdateOrgSecretSuccess",
            "DependabotCreateOrUpdateRepoSecretSuccess",
            "OrgsSetClusterDeploymentRecordsSuccess",
        ]
    );
}

#[test]
fn the_three_multi_response_operations_are_handled_by_our_generator() {
    let ids: Vec<&String> = pinned_output().multi_status_operations.iter().collect();
    assert_eq!(
        ids,
        [
            "dependabot/create-or-update-org-secret",
            "dependabot/create-or-update-repo-secret",
            "orgs/set-cluster-deployment-records",
        ]
    );
}
