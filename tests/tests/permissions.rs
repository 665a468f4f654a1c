//! Who may call each operation, as pinned (`spec/permissions.yaml`), held against what users
//! read: the reference pages in `tests/fixtures/seeds/` (localized: Chinese and Russian text,
//! English or translated permission names). Each page's "fine-grained access tokens" table and
//! classic-scope sentence are parsed and assigned to the operation of the `curl` example that
//! follows them; all 20 operations must be found and agree with the pin. Also: the pin is
//! reproducible from the committed data, and `regen` refuses a pin, a declaration or a
//! description that no longer agree, naming the place.

use std::collections::BTreeMap;
use std::fs;

use codegen::spec::permissions::{Access, Permission, Requirements, parse_pinned};
use workspace_tests::{pinned_settings, root};

/// The seeds' permission names (English, and the Chinese page's translations: it translates
/// "secrets" and "repository" two ways each), with their scope, to GitHub's keys.
const NAMES: [(&str, &str); 10] = [
    ("\"Contents\" repository", "contents"),
    ("\"Artifact metadata\" repository", "artifact_metadata"),
    ("“组织 Dependabot 密钥”组织", "organization_dependabot_secrets"),
    ("“组织 Dependabot 机密”组织", "organization_dependabot_secrets"),
    ("“Dependabot 机密”仓库", "dependabot_secrets"),
    ("“Dependabot 密钥”仓库", "dependabot_secrets"),
    ("“Dependabot 机密”存储库", "dependabot_secrets"),
    ("“Dependabot 密钥”存储库", "dependabot_secrets"),
    ("“元数据”仓库", "metadata"),
    ("“元数据”存储库", "metadata"),
];

/// The headers of a permission table: whether the bullets under it are alternatives.
const TABLES: [(&str, bool); 3] = [
    ("精细令牌必须至少具有以下权限集之一", true),                          // "at least one of the following permission sets"
    ("细粒度令牌必须具有以下权限集", false),                              // "the following permission set"
    ("Маркер с точной детализацией должен иметь следующий набор разрешений", false), // "the following set of permissions"
];

/// What one page says about one operation, with the lines it says it on.
#[derive(Debug, Default, Clone)]
struct Said {
    sets: Vec<Vec<Permission>>,
    scopes: Vec<String>,
    private_only: bool,
    lines: Vec<String>,
}

/// One permission of a bullet: `"Contents" repository permissions (write)` or
/// `“元数据”仓库权限(读取)`.
fn permission(text: &str) -> Option<Permission> {
    let text = text.trim().trim_start_matches(['•', '-']).trim();
    let (name, rest) = NAMES.iter().find_map(|(seed, key)| text.strip_prefix(seed).map(|rest| (*key, rest)))?;
    let access = rest.trim_start_matches(" permissions").trim_start_matches("权限").trim();
    let access = match access {
        "(read)" | "(读取)" => Access::Read,
        "(write)" | "(写入)" => Access::Write,
        "(admin)" => Access::Admin,
        _ => return None,
    };
    Some(Permission { name: name.to_owned(), access })
}

/// The classic scope of a sentence that may continue on the next line: `(classic) need the repo
/// scope`, `个人访问令牌(传统)需要 admin:org\n范围`, `(经典)需要repo\n范围`.
fn classic_scope(text: &str) -> Option<(String, bool)> {
    let private_only = text.starts_with("如果存储库是私有的");
    let after = text.split_once("personal access tokens (classic) need the ").map(|(_, rest)| rest.split(" scope").next().unwrap_or(""));
    let after = after.or_else(|| {
        let (_, rest) = text.split_once("个人访问令牌(")?;
        let (_, rest) = rest.split_once(")需要")?;
        rest.split("范围").next()
    })?;
    Some((after.trim().to_owned(), private_only))
}

/// The operation of a `curl` example: `-X PUT ... https://api.github.com/orgs/ORG/...`.
fn curl_operation(line: &str, operations: &[codegen::spec::pin::PinnedOperation]) -> Option<String> {
    let method = line.split_once("-X ").map_or("GET", |(_, rest)| rest.split_whitespace().next().unwrap_or(""));
    let url = line.split_whitespace().find(|word| word.starts_with("https://api.github.com/"))?;
    let path = &url["https://api.github.com".len()..];
    operations
        .iter()
        .find(|operation| {
            let mut placeholder = operation.path.clone();
            for name in codegen::spec::openapi::template_parameters(&operation.path) {
                placeholder = placeholder.replace(&format!("{{{name}}}"), &name.to_ascii_uppercase());
            }
            operation.method == method && placeholder == path
        })
        .map(|operation| operation.operation_id.clone())
}

/// operationId -> what the seeds say, and every problem met on the way.
fn read_seeds() -> (BTreeMap<String, Said>, Vec<String>) {
    let root = root();
    let operations_text = fs::read_to_string(root.join(xtask::OPERATIONS)).unwrap();
    let operations = codegen::spec::pin::parse_operation_list(xtask::OPERATIONS, &operations_text).unwrap();
    let mut said: BTreeMap<String, Said> = BTreeMap::new();
    let mut problems = Vec::new();
    let mut files: Vec<_> = fs::read_dir(root.join("tests/fixtures/seeds")).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "txt")).collect();
    files.sort();
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let lines: Vec<String> = fs::read_to_string(&file).unwrap().lines().map(str::to_owned).collect();
        let mut pending = Said::default();
        let mut table: Option<bool> = None;
        for (index, line) in lines.iter().enumerate() {
            let at = format!("{name}:{}", index + 1);
            // A sentence starting on this line, which may end on the next.
            let starts = line.contains("personal access tokens (classic)") || line.contains("个人访问令牌(");
            let joined = format!("{line} {}", lines.get(index + 1).map_or("", String::as_str));
            if let Some((scope, private_only)) = classic_scope(&joined).filter(|_| starts) {
                pending.scopes.push(scope);
                pending.private_only = private_only;
                pending.lines.push(at.clone());
            }
            if let Some((_, alternatives)) = TABLES.iter().find(|(header, _)| line.contains(header)) {
                table = Some(*alternatives);
                pending.lines.push(at.clone());
                continue;
            }
            if let Some(alternatives) = table {
                let bullet = line.trim_start();
                if bullet.starts_with('•') || bullet.starts_with("- ") {
                    let set: Option<Vec<Permission>> = bullet.split(" 和 ").map(permission).collect(); // 和: "and"
                    match set {
                        Some(set) if alternatives || pending.sets.is_empty() => pending.sets.push(set),
                        Some(set) => pending.sets[0].extend(set),
                        None => problems.push(format!("{at}: cannot read the permission `{bullet}`")),
                    }
                    pending.lines.push(at.clone());
                    continue;
                }
                if !line.trim().is_empty() && !pending.sets.is_empty() {
                    table = None; // the table is over
                }
            }
            if line.trim_start().starts_with("curl ") {
                match curl_operation(line, &operations) {
                    Some(id) => {
                        if said.insert(id.clone(), std::mem::take(&mut pending)).is_some() {
                            problems.push(format!("{at}: a second example for {id}"));
                        }
                    }
                    None => problems.push(format!("{at}: the example names no pinned operation: {line}")),
                }
                table = None;
            }
        }
    }
    (said, problems)
}

fn show(sets: &[Vec<Permission>]) -> String {
    sets.iter().map(|set| set.iter().map(ToString::to_string).collect::<Vec<_>>().join(" and ")).collect::<Vec<_>>().join(" or ")
}

#[test]
fn the_pinned_requirements_are_what_the_reference_pages_say() {
    let (said, problems) = read_seeds();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let pinned_text = fs::read_to_string(root().join(xtask::PERMISSIONS)).unwrap();
    let pinned = parse_pinned(&codegen::SourceFile::new(xtask::PERMISSIONS, pinned_text)).unwrap();
    assert_eq!(said.len(), 20, "every pinned operation has its example in the seeds: {:?}", said.keys().collect::<Vec<_>>());
    assert_eq!(said.keys().collect::<Vec<_>>(), pinned.keys().collect::<Vec<_>>());
    let mut differences = Vec::new();
    for (id, seed) in &said {
        let from_seed = Requirements {
            fine_grained: seed.sets.clone(),
            classic_scopes: seed.scopes.clone(),
            classic_scopes_condition: seed.private_only.then(|| "if the repository is private".to_owned()),
        }
        .canonical();
        let pin = &pinned[id];
        if from_seed != *pin {
            differences.push(format!(
                "{id} (seed lines {}):\n  seed:   {} / classic {:?} {:?}\n  pinned: {} / classic {:?} {:?}",
                seed.lines.join(", "),
                show(&from_seed.fine_grained),
                from_seed.classic_scopes,
                from_seed.classic_scopes_condition,
                show(&pin.fine_grained),
                pin.classic_scopes,
                pin.classic_scopes_condition
            ));
        }
        assert!(!from_seed.fine_grained.is_empty(), "{id}: the seed's table was not read ({:?})", seed.lines);
    }
    assert!(differences.is_empty(), "spec/permissions.yaml differs from the reference pages:\n{}", differences.join("\n"));
    // The two shapes the issue names, read from the pages themselves.
    assert_eq!(show(&said["orgs/create-artifact-storage-record"].sets), "contents=write or artifact_metadata=write");
    assert_eq!(show(&said["dependabot/add-selected-repo-to-org-secret"].sets), "organization_dependabot_secrets=write and metadata=read");
}

#[test]
fn the_committed_permissions_pin_is_reproducible() {
    let root = root();
    let operations_text = fs::read_to_string(root.join(xtask::OPERATIONS)).unwrap();
    let operations = codegen::spec::pin::parse_operation_list(xtask::OPERATIONS, &operations_text).unwrap();
    let subset = fs::read_to_string(root.join(xtask::PINNED_SPEC)).unwrap();
    let pinned = xtask::permissions::pin(&root, None, &operations, &subset).unwrap_or_else(|e| panic!("{e:#}"));
    assert!(
        pinned.pinned.yaml == fs::read_to_string(root.join(xtask::PERMISSIONS)).unwrap(),
        "{} differs from a fresh pin: run `cargo xtask pin --from spec/upstream/api.github.com-23.0.2.json.gz` and commit",
        xtask::PERMISSIONS
    );
    let provenance = fs::read_to_string(root.join(xtask::PROVENANCE)).unwrap();
    assert!(provenance.ends_with(&pinned.pinned.provenance_yaml), "{provenance}");
    // The hashes recorded are those SOURCES.md publishes for the same files.
    let sources = fs::read_to_string(root.join(xtask::PERMISSION_DATA).join("SOURCES.md")).unwrap();
    for hash in pinned.pinned.provenance_yaml.lines().filter_map(|l| l.trim().strip_prefix("sha256: ")).take(3) {
        assert!(sources.contains(hash), "SOURCES.md does not list {hash}");
    }
}

/// Generates the pinned spec with one input edited; the diagnostics.
fn regen_with(edit_spec: impl Fn(String) -> String, edit_config: impl Fn(String) -> String, edit_permissions: impl Fn(String) -> String) -> String {
    let root = root();
    let spec = edit_spec(fs::read_to_string(root.join(xtask::PINNED_SPEC)).unwrap());
    let mut settings = pinned_settings();
    let config = settings.config.take().unwrap();
    settings.config = Some(codegen::SourceFile::new(config.name, edit_config(config.text)));
    let permissions = settings.permissions.take().unwrap();
    settings.permissions = Some(codegen::SourceFile::new(permissions.name, edit_permissions(permissions.text)));
    match codegen::generate(&codegen::SourceFile::new(xtask::PINNED_SPEC, spec), &settings) {
        Ok(_) => panic!("regen accepted the edited inputs"),
        Err(diagnostics) => diagnostics.to_string(),
    }
}

#[test]
fn regen_refuses_a_declaration_that_disagrees_with_the_description() {
    let error = regen_with(|s| s, |c| c.replacen("    scopes: [repo]\n", "    scopes: [admin:org]\n", 1), |p| p);
    assert!(error.contains("declared classic scopes [admin:org] for `dependabot/create-or-update-repo-secret`, but its description in spec/api.github.com.yaml says [repo]"), "{error}");
    assert!(error.contains("--> spec/codegen.yaml#/classic_scopes/1/scopes"), "{error}");
}

#[test]
fn regen_refuses_a_description_whose_scope_changed_since_the_pin() {
    // As a spec bump would: one description now names another scope.
    let sentence = "personal access tokens (classic) need the `admin:org` scope to use this endpoint.";
    let edited = |spec: String| {
        let at = spec.find("operationId: dependabot/list-org-secrets").unwrap();
        let before = spec[..at].rfind(sentence).unwrap();
        format!("{}{}{}", &spec[..before], sentence.replace("admin:org", "read:org"), &spec[before + sentence.len()..])
    };
    let error = regen_with(edited, |c| c, |p| p);
    assert!(error.contains("pinned classic scopes [admin:org] for `dependabot/list-org-secrets`, but its description in spec/api.github.com.yaml says [read:org]"), "{error}");
    assert!(error.contains("--> spec/permissions.yaml#/operations/dependabot~1list-org-secrets/classic_scopes"), "{error}");
    assert!(error.contains("--> spec/codegen.yaml#/classic_scopes/0/scopes"), "the declaration disagrees too: {error}");
}

#[test]
fn regen_refuses_a_pin_that_does_not_cover_an_operation() {
    let drop_entry = |pinned: String| {
        let start = pinned.find("  \"dependabot/get-org-secret\":").unwrap();
        let end = start + pinned[start + 1..].find("\n  \"").unwrap() + 1;
        format!("{}{}", &pinned[..start], &pinned[end + 1..])
    };
    let error = regen_with(|s| s, |c| c, drop_entry);
    assert!(error.contains("`dependabot/get-org-secret` has no requirements in spec/permissions.yaml"), "{error}");
    assert!(error.contains("help: re-pin"), "{error}");
}
