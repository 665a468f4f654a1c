//! The models' own `Deserialize` impls (`generated/models/src/types/deserialize.rs`) against
//! serde's derive, which they replace: `tests/deserialize-baseline` is the same pinned models
//! crate generated with the derive (`cargo xtask regen --serde-derive-baseline`). Both read the
//! same inputs: values generated from each model's schema (required fields sometimes left out,
//! optional ones sometimes there, `null`s, unlisted enum values, undeclared keys), then mutated
//! (a node replaced by a value of another type, a key dropped) and sometimes written with a key
//! twice. Both must give the same value or the same error message (with its line and column),
//! read from bytes (keys borrowed), from a reader (keys copied) and from a `serde_json::Value`.
//!
//! The one difference allowed is the documented one: ours does not read a struct from a JSON
//! array of its fields, so where an array stands for a struct ours says `invalid type:
//! sequence, expected struct ...` whatever the derive made of it.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};
use workspace_tests::{Rng, pinned_output, root};

/// What one crate made of one input: the value as JSON, or the error's message.
type Outcome = Result<Value, String>;

/// Reads `text` into the type named `type_name` of both crates, three ways each.
fn both(type_name: &str, text: &[u8]) -> Option<[(Outcome, Outcome); 3]> {
    macro_rules! types {
        ($($ty:ident),* $(,)?) => {
            match type_name {
                $(stringify!($ty) => Some(read_both::<github_models::$ty, baseline_models::$ty>(text)),)*
                _ => None,
            }
        };
    }
    types!(
        ArtifactDeploymentRecord, BasicError, CodeOfConduct, DependabotCreateOrUpdateOrgSecretRequest, DependabotCreateOrUpdateRepoSecretRequest,
        DependabotListOrgSecretsResponse, DependabotListRepoSecretsResponse, DependabotListSelectedReposForOrgSecretResponse, DependabotPublicKey,
        DependabotSecret, DependabotSetSelectedReposForOrgSecretRequest, Dependency, DependencyGraphCreateRepositorySnapshotResponse, EmptyObject,
        Manifest, ManifestFile, MinimalRepository, MinimalRepositoryLicense, MinimalRepositoryPermissions, OrganizationDependabotSecret,
        OrgsCreateArtifactDeploymentRecordRequest, OrgsCreateArtifactStorageRecordRequest, OrgsCreateArtifactStorageRecordResponse,
        OrgsListArtifactDeploymentRecordsResponse, OrgsListArtifactStorageRecordsResponse, OrgsListArtifactStorageRecordsResponseStorageRecordsItem,
        OrgsSetClusterDeploymentRecordsMultiStatusResponse, OrgsSetClusterDeploymentRecordsMultiStatusResponseErrorsItem,
        OrgsSetClusterDeploymentRecordsMultiStatusResponseErrorsItemDeployment, OrgsSetClusterDeploymentRecordsRequest,
        OrgsSetClusterDeploymentRecordsRequestDeploymentsItem, OrgsSetClusterDeploymentRecordsResponse, SecurityAndAnalysisInner,
        SecurityAndAnalysisInnerCodeSecurity, SecurityAndAnalysisInnerSecretScanningDelegatedBypassOptions,
        SecurityAndAnalysisInnerSecretScanningDelegatedBypassOptionsReviewersItem, SimpleUser, Snapshot, SnapshotDetector, SnapshotJob,
    )
}

/// The names in [`both`]'s list, as a test compares them with the generated file.
const LISTED: usize = 40;

fn read_both<Ours, Derived>(text: &[u8]) -> [(Outcome, Outcome); 3]
where
    Ours: serde::de::DeserializeOwned + serde::Serialize,
    Derived: serde::de::DeserializeOwned + serde::Serialize,
{
    fn outcome<T: serde::Serialize>(read: Result<T, serde_json::Error>) -> Outcome {
        read.map_err(|error| error.to_string()).and_then(|value| serde_json::to_value(value).map_err(|error| format!("serializing back: {error}")))
    }
    let tree: Option<Value> = serde_json::from_slice(text).ok();
    let from_tree = |tree: &Option<Value>| -> (Outcome, Outcome) {
        match tree {
            Some(tree) => (outcome(serde_json::from_value::<Ours>(tree.clone())), outcome(serde_json::from_value::<Derived>(tree.clone()))),
            None => (Err("not JSON".to_owned()), Err("not JSON".to_owned())),
        }
    };
    [
        (outcome(serde_json::from_slice::<Ours>(text)), outcome(serde_json::from_slice::<Derived>(text))),
        (outcome(serde_json::from_reader::<_, Ours>(text)), outcome(serde_json::from_reader::<_, Derived>(text))),
        from_tree(&tree),
    ]
}

/// The types that have our impl, read from the generated file.
fn types_with_our_impl() -> BTreeSet<String> {
    let text = std::fs::read_to_string(root().join("generated/models/src/types/deserialize.rs")).expect("the generated impls are readable");
    text.lines().filter_map(|line| line.strip_prefix("impl<'de> Deserialize<'de> for super::")?.strip_suffix(" {")).map(str::to_owned).collect()
}

/// The named schemas of the normalized pinned spec.
fn schemas() -> BTreeMap<String, Value> {
    pinned_output().api.models.iter().map(|model| (model.name.clone(), model.schema.clone())).collect()
}

/// A value for `schema`, mostly valid: required properties now and then missing, optional ones
/// now and then there, `null` where the schema allows it and sometimes where it does not,
/// unlisted enum values, undeclared keys.
fn generate(rng: &mut Rng, schemas: &BTreeMap<String, Value>, schema: &Value, depth: usize) -> Value {
    if let Some(name) = codegen::spec::openapi::ref_name(schema) {
        return match schemas.get(name) {
            Some(target) => generate(rng, schemas, target, depth + 1),
            None => Value::Null,
        };
    }
    if depth > 8 {
        return Value::Null;
    }
    if schema["nullable"] == json!(true) && rng.chance(15) {
        return Value::Null;
    }
    for composition in ["oneOf", "anyOf"] {
        if let Some(options) = schema[composition].as_array().filter(|options| !options.is_empty()) {
            let option = rng.pick(options);
            return generate(rng, schemas, option, depth + 1);
        }
    }
    if let Some(parts) = schema["allOf"].as_array() {
        let mut merged = Map::new();
        for part in parts {
            if let Value::Object(object) = generate(rng, schemas, part, depth + 1) {
                merged.extend(object);
            }
        }
        return Value::Object(merged);
    }
    if let Some(values) = schema["enum"].as_array().filter(|values| !values.is_empty()) {
        return if rng.chance(90) { rng.pick(values).clone() } else { json!("a-value-not-listed") };
    }
    match schema["type"].as_str() {
        Some("object") | None if schema.get("properties").is_some() || schema["type"] == json!("object") => {
            let required: BTreeSet<&str> = schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            let mut object = Map::new();
            for (key, property) in schema["properties"].as_object().into_iter().flatten() {
                let present = if required.contains(key.as_str()) { rng.chance(93) } else { rng.chance(50) };
                if present {
                    object.insert(key.clone(), generate(rng, schemas, property, depth + 1));
                }
            }
            if let Some(values) = schema.get("additionalProperties").filter(|values| values.is_object()) {
                for index in 0..rng.below(3) {
                    object.insert(format!("extra-{index}"), generate(rng, schemas, values, depth + 1));
                }
            }
            if rng.chance(15) {
                object.insert("a_key_not_declared".to_owned(), scalar(rng));
            }
            Value::Object(object)
        }
        Some("array") => Value::Array((0..rng.below(4)).map(|_| generate(rng, schemas, &schema["items"], depth + 1)).collect()),
        Some("string") => json!(*rng.pick(&["", "octocat", "2011-01-26T19:01:12Z", "sha256:1bb1e949e55dcefc6353e7b36c8897d2a107d8e8dca49d4e3c0ea8493fc0bc72", "ünïcödé"])),
        Some("integer") => json!(*rng.pick(&[0i64, 1, -5, 42, 1 << 40])),
        Some("number") => json!(*rng.pick(&[0.5f64, -3.25, 1e10])),
        Some("boolean") => json!(rng.chance(50)),
        _ => scalar(rng),
    }
}

fn scalar(rng: &mut Rng) -> Value {
    rng.pick(&[json!(null), json!("text"), json!(7), json!(-1.5), json!(true), json!([]), json!({}), json!([1, "two"]), json!({"k": "v"})]).clone()
}

/// Replaces a random node with a value of some other type, or drops a random key.
fn mutate(rng: &mut Rng, value: &mut Value, depth: usize) {
    let descend = rng.chance(60) && depth < 6;
    match value {
        Value::Object(object) if descend && !object.is_empty() => {
            let key = rng.pick(&object.keys().cloned().collect::<Vec<_>>()).clone();
            if rng.chance(20) {
                object.remove(&key);
            } else if let Some(inner) = object.get_mut(&key) {
                mutate(rng, inner, depth + 1);
            }
        }
        Value::Array(items) if descend && !items.is_empty() => {
            let index = rng.below(items.len());
            mutate(rng, &mut items[index], depth + 1);
        }
        _ => *value = scalar(rng),
    }
}

/// The value as JSON text; an object sometimes has one of its keys written twice (with its own
/// value or another), which a `Value` cannot hold.
fn text(rng: &mut Rng, value: &Value) -> Vec<u8> {
    match value {
        Value::Object(object) if !object.is_empty() && rng.chance(12) => {
            let mut entries: Vec<String> = object.iter().map(|(key, value)| format!("{}:{}", json!(key), value)).collect();
            let (key, original) = object.iter().nth(rng.below(object.len())).expect("an entry");
            let again = if rng.chance(50) { original.clone() } else { scalar(rng) };
            let at = rng.below(entries.len() + 1);
            entries.insert(at, format!("{}:{}", json!(key), again));
            format!("{{{}}}", entries.join(",")).into_bytes()
        }
        _ => serde_json::to_vec(value).expect("a Value serializes"),
    }
}

#[test]
fn the_list_names_every_struct_with_our_impl() {
    let generated = types_with_our_impl();
    assert_eq!(generated.len(), LISTED, "generated/models/src/types/deserialize.rs has impls for {generated:?}: update the list in `both`");
    let unlisted: Vec<&String> = generated.iter().filter(|name| both(name, b"{}").is_none()).collect();
    assert!(unlisted.is_empty(), "add {unlisted:?} to the list in `both`");
}

#[test]
fn our_deserialize_reads_everything_as_serdes_derive_does() {
    let schemas = schemas();
    let ours = types_with_our_impl();
    let direct: Vec<&String> = schemas.keys().filter(|name| ours.contains(*name)).collect();
    assert!(direct.len() >= 25, "only {} of the structs are named schemas", direct.len());
    let mut rng = Rng(0x005e_ed0f_de5e);
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    let mut differences = Vec::new();
    for name in &direct {
        for case in 0..150 {
            let mut value = generate(&mut rng, &schemas, &schemas[*name], 0);
            if rng.chance(40) {
                mutate(&mut rng, &mut value, 0);
            }
            let text = text(&mut rng, &value);
            let outcomes = both(name, &text).expect("listed");
            for (way, (ours, derived)) in ["bytes", "reader", "Value"].iter().zip(outcomes) {
                let kind = match (&ours, &derived) {
                    (Ok(a), Ok(b)) if a == b => "same value",
                    (Err(a), _) if a.contains("invalid type: sequence, expected struct") => "array for a struct (the allowed difference)",
                    (Err(a), Err(b)) if a == b => match a {
                        a if a.contains("missing field") => "same error: missing field",
                        a if a.contains("duplicate field") => "same error: duplicate field",
                        a if a.contains("unknown field") => "same error: unknown field",
                        a if a.contains("invalid type") => "same error: invalid type",
                        _ => "same error: other",
                    },
                    _ => {
                        differences.push(format!("{name} case {case} from {way}: {}\n  ours:   {ours:?}\n  derive: {derived:?}", String::from_utf8_lossy(&text)));
                        "different"
                    }
                };
                *seen.entry(kind).or_default() += 1;
            }
        }
    }
    // What the inputs came to, for `--nocapture`.
    eprintln!("{seen:?}");
    assert!(differences.is_empty(), "{} differences, the first ones:\n{}", differences.len(), differences.iter().take(5).cloned().collect::<Vec<_>>().join("\n"));
    // The inputs reach every behaviour, so that this test can fail.
    for kind in ["same value", "same error: missing field", "same error: duplicate field", "same error: unknown field", "same error: invalid type"] {
        assert!(seen.get(kind).copied().unwrap_or(0) >= 10, "too few cases of {kind}: {seen:?}");
    }
    assert!(seen["same value"] * 4 >= seen.values().sum::<usize>(), "fewer than a quarter of the cases parse: {seen:?}");
}
