//! GitHub's whole description (23.0.2, 1,223 operations) goes through the same pipeline as the
//! pinned subset: every operation gets a client method, every operation the server can route
//! gets a trait method and a route, and the few it cannot are reported, not dropped silently.
//! Compiling the result takes minutes and is left to `cargo xtask bench` (compile group).

use workspace_tests::root;

const WHOLE: &str = "spec/upstream/api.github.com-23.0.2.json.gz";

#[test]
fn the_whole_description_generates_every_operation() {
    let bytes = std::fs::read(root().join(WHOLE)).expect("the upstream description is in spec/upstream");
    let json = codegen::spec::pin::gunzip_if_needed(WHOLE, &bytes).unwrap_or_else(|d| panic!("{d}"));
    let source = codegen::SourceFile::new(WHOLE, String::from_utf8(json).expect("UTF-8"));
    let output = codegen::generate(&source, &codegen::Settings::default()).unwrap_or_else(|d| panic!("{d}"));

    assert_eq!(output.api.operations.len(), 1223);
    assert_eq!(output.type_count, 7846);
    let skipped: Vec<&str> = output.skipped.iter().filter_map(|d| d.operation_id.as_deref()).collect();
    assert_eq!(skipped, EXPECTED_SKIPPED, "operations left out of the server");

    let client = ["client/src/progenitor.rs", "client/src/multi_status.rs"].map(|f| output.files[f].as_str()).concat();
    let server = &output.files["server/src/api.rs"];
    let router = &output.files["server/src/router.rs"];
    let mut missing = Vec::new();
    for operation in &output.api.operations {
        if !client.contains(&format!("pub async fn {}<", operation.fn_name)) {
            missing.push(format!("client: {}", operation.id));
        }
        let name = &operation.fn_name;
        // The trait method, the handler, and the handler in a route (`get(name::<A>)`, which
        // prettyplease may break after `::<`).
        let served = server.contains(&format!("fn {name}(")) && router.contains(&format!("async fn {name}<")) && router.contains(&format!("{name}::<"));
        if served == skipped.contains(&operation.id.as_str()) {
            missing.push(format!("server: {} (served: {served})", operation.id));
        }
    }
    assert!(missing.is_empty(), "{} problems:\n{}", missing.len(), missing.join("\n"));

    // Copies of a type are aliases of it (`codegen/src/models/dedup.rs`): GitHub repeats its
    // small schemas everywhere, and more than half of the types are such copies.
    let types = &output.files["models/src/types.rs"];
    let aliases: std::collections::BTreeMap<&str, &str> = types
        .lines()
        .filter_map(|line| line.strip_prefix("pub type ")?.strip_suffix(';')?.split_once(" = "))
        .collect();
    assert!(aliases.len() * 2 > output.type_count, "only {} of {} types are aliases", aliases.len(), output.type_count);
    // A trait impl for a copy would be a second impl for its canonical type.
    let mut key_types = std::collections::BTreeSet::new();
    for line in output.files["client/src/conveniences.rs"].lines() {
        if let Some(ty) = line.strip_prefix("impl crate::SealingKey for ::github_models::").and_then(|rest| rest.strip_suffix(" {")) {
            assert!(!aliases.contains_key(ty), "SealingKey is implemented for the alias {ty}");
            assert!(key_types.insert(ty), "SealingKey is implemented twice for {ty}");
        }
    }
    // The types no operation uses (webhook payloads, mostly) are behind the `webhooks` feature,
    // and neither the client nor the server names one of them.
    let gated: Vec<&str> = types
        .split("#[cfg(feature = \"webhooks\")]\n")
        .skip(1)
        .filter_map(|rest| {
            let line = rest.lines().find(|line| !line.starts_with("#[") && !line.starts_with("///"))?;
            let name = line.strip_prefix("pub struct ").or_else(|| line.strip_prefix("pub enum ")).or_else(|| line.strip_prefix("pub type "))?;
            name.split(|c: char| !c.is_alphanumeric() && c != '_').next()
        })
        .collect();
    assert!(gated.len() > 500 && gated.iter().any(|name| name.starts_with("Webhook")), "{} gated types", gated.len());
    assert!(output.files["models/Cargo.toml"].contains("\n[features]\n# The types of the schemas no operation uses: GitHub's webhook payloads, mostly.\nwebhooks = []\n"));
    let users: String = output.files.iter().filter(|(path, _)| path.starts_with("client/") || path.starts_with("server/")).map(|(_, code)| code.as_str()).collect();
    let words: std::collections::BTreeSet<&str> = users.split(|c: char| !c.is_alphanumeric() && c != '_').collect();
    let named: Vec<&&str> = gated.iter().filter(|name| words.contains(**name)).collect();
    assert!(named.is_empty(), "the client or server names gated types: {named:?}");
    // Codespaces' two key types are copies of these.
    assert_eq!(key_types.len(), 2, "the distinct public-key types (Actions, Dependabot): {key_types:?}");
}

/// The operations the server leaves out, with a warning each (see `codegen/src/server/routes.rs`):
/// the deprecated `GET /repos/{owner}/{repo}/compare/{base}...{head}` matches the same URLs as
/// its successor `repos/compare-commits-with-basehead`, which is served.
const EXPECTED_SKIPPED: [&str; 1] = ["repos/compare-commits"];
