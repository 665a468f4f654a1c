//! `cargo xtask changelog`, run as a user runs it: a verdict for the 22.0.0 -> 23.0.2 bump as
//! text and as JSON, and clear errors for what it cannot compare.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).current_dir(root()).arg("changelog").args(args).output().unwrap()
}

#[test]
fn a_full_upstream_description_is_cut_down_and_judged() {
    let output = xtask(&["--from", "spec/upstream/api.github.com-22.0.0.json.gz"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8(output.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("changelog: spec/upstream/api.github.com-22.0.0.json.gz, cut to spec/operations.txt (22.0.0) -> spec/api.github.com.yaml (23.0.2)"));
    assert_eq!(lines.next(), Some("semver: major (github-models major, github-client major, github-server major)"));
    assert!(text.contains("  [major] response-success-status-added: 207 response: added the status 207"), "{text}");
}

#[test]
fn json_has_the_semver_and_each_changes_rule_semver_and_wire() {
    let output = xtask(&["--from", "spec/upstream/api.github.com-22.0.0.json.gz", "--json"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["semver"], "major");
    assert_eq!(json["crates"]["github-client"], "major");
    let changes = json["changes"].as_array().unwrap();
    assert!(!changes.is_empty());
    for change in changes {
        for key in ["rule", "semver", "wire", "crates", "subject"] {
            assert!(change.get(key).is_some(), "{key} missing in {change}");
        }
        assert!(matches!(change["semver"].as_str(), Some("major" | "minor" | "patch" | "none")), "{change}");
        assert!(change["wire"]["old_clients"].is_string() && change["wire"]["old_servers"].is_string(), "{change}");
    }
    let nullable = changes.iter().find(|c| c["rule"] == "response-property-became-nullable").unwrap();
    assert_eq!((nullable["at"].as_str(), nullable["wire"]["old_clients"].as_str()), (Some("license.url"), Some("breaks")));
}

#[test]
fn nothing_to_compare_and_a_missing_file_are_errors_that_say_what_to_do() {
    let output = xtask(&[]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("nothing to compare") && stderr.contains("--from OLD or --to NEW"), "{stderr}");

    let output = xtask(&["--to", "spec/no-such-spec.yaml"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot read spec/no-such-spec.yaml"), "{stderr}");
}
