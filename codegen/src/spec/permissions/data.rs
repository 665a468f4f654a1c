//! GitHub's permission data (`spec/upstream/github-docs/`, see its `SOURCES.md`): which
//! permissions each pinned operation needs, for `cargo xtask pin`.
//!
//! Three files describe the same thing, and only one of them says how the permissions combine:
//!
//! - `rest-prog-access.json`: per operation, `progAccess.permissions`, a list of objects whose
//!   keys are needed together and whose entries are alternatives. This is the data the
//!   reference pages' tables are rendered from (the "seeds" users read), so the pinned sets are
//!   taken from it, as they are: the seeds win, by construction.
//! - `fine-grained-pat-permissions.json` and `server-to-server-permissions.json`: per
//!   permission, the operations it is listed for, flat. They cannot tell "and" from "or" (their
//!   `additional-permissions` flag is set for both), and the docs' sync script leaves `metadata`
//!   out wherever it is combined with another permission. They are cross-checked: for every
//!   operation, each must list exactly the permissions `rest-prog-access.json` names (less that
//!   `metadata`). A difference fails the pin, naming both files, unless the codegen
//!   configuration acknowledges it in `permission_data_differences` with a `why`; an
//!   acknowledgement that no longer matches a difference fails too, so none outlives its reason.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{Access, Permission, PermissionSet};
use crate::diagnostic::{Diagnostic, Diagnostics, pointer};
use crate::spec::config::DataDifference;
use crate::spec::pin::PinnedOperation;

/// One data file as read.
#[derive(Debug, Clone)]
pub struct DataFile {
    /// How diagnostics name it (the path it was read from).
    pub name: String,
    /// Its path relative to the data folder, as `permission_data_differences` entries name it
    /// (`fpt-2026-03-10/fine-grained-pat-permissions.json`).
    pub relative: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// The three files.
#[derive(Debug, Clone)]
pub struct PermissionData {
    /// `rest-prog-access.json`: the permission sets.
    pub prog_access: DataFile,
    /// The flat per-permission files, cross-checked (fine-grained tokens, then GitHub Apps).
    pub flat: Vec<DataFile>,
}

/// The acknowledged differences, with where they are written.
#[derive(Debug, Clone, Copy)]
pub struct Acknowledged<'a> {
    /// The codegen configuration's name, for diagnostics.
    pub config_file: &'a str,
    /// Its `permission_data_differences`.
    pub entries: &'a [DataDifference],
}

/// The permission sets of each operation in `operations`, by operationId, after every check.
pub fn permission_sets(data: &PermissionData, operations: &[PinnedOperation], acknowledged: Acknowledged<'_>) -> Result<BTreeMap<String, Vec<PermissionSet>>, Diagnostics> {
    let prog_access = parse_json(&data.prog_access)?;
    let flat: Vec<(&DataFile, Value)> = data.flat.iter().map(|file| parse_json(file).map(|value| (file, value))).collect::<Result<_, _>>()?;
    let titles = title_index(&flat)?;
    let mut problems = Vec::new();
    let index = prog_access_index(&prog_access);
    let mut out = BTreeMap::new();
    let mut used = BTreeSet::new();
    for operation in operations {
        let verb = operation.method.to_ascii_lowercase();
        let problem = |file: &str, at: String, message: String, help: &str| Diagnostic::new(file, at, message, help).in_operation(&operation.operation_id);
        let Some(at) = index.get(&(verb.clone(), operation.path.clone())) else {
            problems.push(problem(
                &data.prog_access.name,
                "#/files".to_owned(),
                format!("the permission data does not cover `{}` ({} {}): it is not in {}", operation.operation_id, operation.method, operation.path, data.prog_access.relative),
                "add the operation's `progAccess` from github/docs (src/rest/data/<version>/<category>.json) to the file, or remove the operation from the operations list",
            ));
            continue;
        };
        let access = &prog_access.pointer(&at[1..]).unwrap_or(&Value::Null)["progAccess"];
        for flag in ["fineGrainedPat", "serverToServer", "userToServerRest"] {
            if access.get(flag) != Some(&Value::Bool(true)) {
                problems.push(problem(
                    &data.prog_access.name,
                    format!("{at}/progAccess/{flag}"),
                    format!("`{flag}` is not `true` for `{}`: some tokens cannot call it at all, which the generated server does not model", operation.operation_id),
                    "leave the operation out of the operations list, or extend codegen::spec::permissions to refuse those tokens",
                ));
            }
        }
        let Some(list) = access.get("permissions").and_then(Value::as_array).filter(|l| !l.is_empty()) else {
            problems.push(problem(
                &data.prog_access.name,
                format!("{at}/progAccess/permissions"),
                format!("no permission set is listed for `{}`; pinning none would let every token in", operation.operation_id),
                "check the operation's progAccess in github/docs",
            ));
            continue;
        };
        let mut sets = Vec::new();
        for (alternative, object) in list.iter().enumerate() {
            let mut set = Vec::new();
            for (display, level) in object.as_object().into_iter().flatten() {
                let here = format!("{at}/progAccess/permissions/{alternative}/{}", pointer::escape(display));
                let name = display_key(display).and_then(|key| titles.get(&key));
                match (name, level.as_str().and_then(Access::parse)) {
                    (Some(name), Some(access)) => set.push(Permission { name: name.clone(), access }),
                    (None, _) => problems.push(problem(
                        &data.prog_access.name,
                        here,
                        format!("`{display}` names no permission of {}", data.flat.iter().map(|f| f.relative.as_str()).collect::<Vec<_>>().join(" or ")),
                        "the permission files and this one must come from the same docs version",
                    )),
                    (_, None) => problems.push(problem(&data.prog_access.name, here, format!("`{level}` is not an access level"), "use read, write or admin")),
                }
            }
            set.sort();
            sets.push(set);
        }
        // What the flat files should list: every permission named, less `metadata` when the
        // operation needs more than one permission (the docs' sync script drops it there).
        let combined = sets.len() > 1 || sets.iter().any(|s| s.len() > 1);
        let expected: BTreeSet<(String, Access)> =
            sets.iter().flatten().filter(|p| !(combined && p.name == "metadata")).map(|p| (p.name.clone(), p.access)).collect();
        for (file, tree) in &flat {
            let (listed, places) = listed_for(tree, &verb, &operation.path);
            if listed == expected {
                continue;
            }
            let lacks: BTreeSet<&str> = expected.difference(&listed).map(|(name, _)| name.as_str()).collect();
            let extra: Vec<String> = listed.difference(&expected).map(|(name, access)| format!("{name}={}", access.as_str())).collect();
            let accepted = acknowledged.entries.iter().enumerate().find(|(_, entry)| {
                entry.file == file.relative
                    && entry.operations.contains(&operation.operation_id)
                    && entry.lacks.iter().map(String::as_str).collect::<BTreeSet<_>>() == lacks
            });
            if let (Some((index, _)), true) = (accepted, extra.is_empty()) {
                used.insert((index, operation.operation_id.clone()));
                continue;
            }
            let show = |set: &BTreeSet<(String, Access)>| set.iter().map(|(n, a)| format!("{n}={}", a.as_str())).collect::<Vec<_>>().join(", ");
            // Where the file lists what it should not, or the list it leaves the operation out of.
            let at = listed
                .difference(&expected)
                .next()
                .and_then(|extra| places.get(extra).cloned())
                .or_else(|| lacks.first().map(|name| pointer::join([*name, "permissions"])))
                .unwrap_or_else(|| "#".to_owned());
            problems.push(problem(
                &file.name,
                at,
                format!(
                    "{} lists [{}] for `{}` ({} {}), but {} names [{}]",
                    file.relative,
                    show(&listed),
                    operation.operation_id,
                    operation.method,
                    operation.path,
                    data.prog_access.relative,
                    show(&expected)
                ),
                &format!(
                    "find out which is right (the reference pages are what users read); if {} is, acknowledge the difference in {} under `permission_data_differences` (file, operations, lacks: [{}], why)",
                    data.prog_access.relative,
                    acknowledged.config_file,
                    lacks.iter().copied().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
        out.insert(operation.operation_id.clone(), sets);
    }
    for (index, entry) in acknowledged.entries.iter().enumerate() {
        for (position, id) in entry.operations.iter().enumerate() {
            if !used.contains(&(index, id.clone())) && out.contains_key(id) {
                problems.push(
                    Diagnostic::new(
                        acknowledged.config_file,
                        pointer::join(["permission_data_differences", &index.to_string(), "operations", &position.to_string()]),
                        format!("{} no longer differs from {} for `{id}` as this entry says", entry.file, data.prog_access.relative),
                        "remove the operation from the entry (or the entry): the data now agrees",
                    )
                    .in_operation(id),
                );
            }
        }
    }
    Diagnostics::check(problems)?;
    Ok(out)
}

fn parse_json(file: &DataFile) -> Result<Value, Diagnostics> {
    serde_json::from_slice(&file.bytes).map_err(|error| {
        Diagnostics::one(Diagnostic::new(
            &file.name,
            "#",
            format!("not valid JSON: {error}"),
            "copy the file again from github/docs (see SOURCES.md next to it for where from)",
        ))
    })
}

/// `(verb, path)` -> the JSON pointer of the operation in `rest-prog-access.json`.
fn prog_access_index(tree: &Value) -> BTreeMap<(String, String), String> {
    let mut index = BTreeMap::new();
    for (f, file) in tree["files"].as_array().into_iter().flatten().enumerate() {
        for (o, operation) in file["operations"].as_array().into_iter().flatten().enumerate() {
            if let (Some(verb), Some(path)) = (operation["verb"].as_str(), operation["requestPath"].as_str()) {
                index.entry((verb.to_ascii_lowercase(), path.to_owned())).or_insert(format!("#/files/{f}/operations/{o}"));
            }
        }
    }
    index
}

/// `(scope, title)`, lower-case, of a display name in `rest-prog-access.json`:
/// `"Contents" repository permissions` is `("repository", "contents")`.
fn display_key(display: &str) -> Option<(String, String)> {
    let (title, rest) = display.strip_prefix('"')?.split_once("\" ")?;
    let scope = rest.strip_suffix(" permissions")?;
    Some((scope.to_ascii_lowercase(), title.to_ascii_lowercase()))
}

/// `(scope, title)` -> permission key, from the flat files' `displayTitle`s
/// (`Repository permissions for "Contents"`). The title alone is not unique (`Administration`
/// exists for organizations and repositories), and keys are not slugified titles.
fn title_index(flat: &[(&DataFile, Value)]) -> Result<BTreeMap<(String, String), String>, Diagnostics> {
    let mut index: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut problems = Vec::new();
    for (file, tree) in flat {
        for (key, entry) in tree.as_object().into_iter().flatten() {
            let display = entry["displayTitle"].as_str().unwrap_or("");
            let parsed = display.split_once(" permissions for \"").and_then(|(scope, title)| Some((scope.to_ascii_lowercase(), title.strip_suffix('"')?.to_ascii_lowercase())));
            let Some(scope_title) = parsed else { continue };
            if let Some(other) = index.insert(scope_title, key.clone()).filter(|other| other != key) {
                problems.push(Diagnostic::new(
                    &file.name,
                    pointer::join([key.as_str(), "displayTitle"]),
                    format!("`{display}` is the display title of both `{other}` and `{key}`"),
                    "the permission files must come from one docs version",
                ));
            }
        }
    }
    Diagnostics::check(problems)?;
    Ok(index)
}

/// A permission at an access level, as the flat files list it.
type Listed = (String, Access);

/// Every `(permission, access)` a flat file lists for `verb path` (an operation may be listed
/// twice under one permission; listed once here), and the pointer of the first entry of each.
fn listed_for(tree: &Value, verb: &str, path: &str) -> (BTreeSet<Listed>, BTreeMap<Listed, String>) {
    let mut listed = BTreeSet::new();
    let mut places = BTreeMap::new();
    for (key, entry) in tree.as_object().into_iter().flatten() {
        for (index, item) in entry["permissions"].as_array().into_iter().flatten().enumerate() {
            if item["verb"].as_str().is_some_and(|v| v.eq_ignore_ascii_case(verb))
                && item["requestPath"].as_str() == Some(path)
                && let Some(access) = item["access"].as_str().and_then(Access::parse)
            {
                listed.insert((key.clone(), access));
                places.entry((key.clone(), access)).or_insert_with(|| pointer::join([key.as_str(), "permissions", &index.to_string()]));
            }
        }
    }
    (listed, places)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn operation(id: &str, method: &str, path: &str) -> PinnedOperation {
        PinnedOperation { operation_id: id.to_owned(), method: method.to_owned(), path: path.to_owned(), line: 1 }
    }

    fn file(relative: &str, value: Value) -> DataFile {
        DataFile { name: format!("data/{relative}"), relative: relative.to_owned(), bytes: serde_json::to_vec(&value).unwrap() }
    }

    /// Two operations: `a` needs contents=write or artifact_metadata=write; `b` needs
    /// organization_secrets=write and metadata=read.
    fn data(flat_a: &[(&str, &str)]) -> PermissionData {
        let flags = json!({"userToServerRest": true, "serverToServer": true, "fineGrainedPat": true});
        let mut a = flags.clone();
        a["permissions"] = json!([{"\"Contents\" repository permissions": "write"}, {"\"Artifact metadata\" repository permissions": "write"}]);
        let mut b = flags;
        b["permissions"] = json!([{"\"Organization secrets\" organization permissions": "write", "\"Metadata\" repository permissions": "read"}]);
        let prog = json!({"files": [{"operations": [
            {"verb": "post", "requestPath": "/a", "progAccess": a},
            {"verb": "put", "requestPath": "/b", "progAccess": b},
        ]}]});
        let mut flat = json!({
            "contents": {"displayTitle": "Repository permissions for \"Contents\"", "permissions": []},
            "artifact_metadata": {"displayTitle": "Repository permissions for \"Artifact metadata\"", "permissions": []},
            "metadata": {"displayTitle": "Repository permissions for \"Metadata\"", "permissions": []},
            "organization_secrets": {"displayTitle": "Organization permissions for \"Organization secrets\"", "permissions": [
                {"verb": "put", "requestPath": "/b", "access": "write"}
            ]},
        });
        for (key, access) in flat_a {
            flat[*key]["permissions"].as_array_mut().unwrap().push(json!({"verb": "post", "requestPath": "/a", "access": access}));
        }
        PermissionData { prog_access: file("rpa.json", prog), flat: vec![file("fgp.json", flat)] }
    }

    fn operations() -> Vec<PinnedOperation> {
        vec![operation("a", "POST", "/a"), operation("b", "PUT", "/b")]
    }

    fn none() -> Acknowledged<'static> {
        Acknowledged { config_file: "codegen.yaml", entries: &[] }
    }

    #[test]
    fn sets_come_from_prog_access_and_metadata_may_be_left_out_of_the_flat_files() {
        let sets = permission_sets(&data(&[("contents", "write"), ("artifact_metadata", "write")]), &operations(), none()).unwrap();
        let show = |id: &str| sets[id].iter().map(|s| s.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")).collect::<Vec<_>>();
        assert_eq!(show("a"), ["contents=write", "artifact_metadata=write"], "two alternatives, in the data's order");
        assert_eq!(show("b"), ["metadata=read,organization_secrets=write"], "one set of two");
    }

    #[test]
    fn a_difference_fails_unless_acknowledged_and_a_stale_acknowledgement_fails_too() {
        let lacking = data(&[("artifact_metadata", "write")]);
        let error = permission_sets(&lacking, &operations(), none()).unwrap_err().to_string();
        assert!(error.contains("fgp.json lists [artifact_metadata=write] for `a` (POST /a), but rpa.json names [artifact_metadata=write, contents=write]"), "{error}");
        assert!(error.contains("lacks: [contents]"), "{error}");
        assert!(error.contains("--> data/fgp.json#/contents/permissions\n"), "where the file should list it: {error}");
        let entries = [DataDifference { file: "fgp.json".into(), operations: vec!["a".into()], lacks: vec!["contents".into()], why: "seeds".into() }];
        let acknowledged = Acknowledged { config_file: "codegen.yaml", entries: &entries };
        assert!(permission_sets(&lacking, &operations(), acknowledged).is_ok());
        let agreeing = data(&[("contents", "write"), ("artifact_metadata", "write")]);
        let stale = permission_sets(&agreeing, &operations(), acknowledged).unwrap_err().to_string();
        assert!(stale.contains("codegen.yaml#/permission_data_differences/0/operations/0"), "{stale}");
        assert!(stale.contains("no longer differs"), "{stale}");
    }

    #[test]
    fn an_operation_the_data_does_not_cover_is_named() {
        let mut ops = operations();
        ops.push(operation("c/missing", "GET", "/c"));
        let error = permission_sets(&data(&[("contents", "write"), ("artifact_metadata", "write")]), &ops, none()).unwrap_err().to_string();
        assert!(error.contains("the permission data does not cover `c/missing` (GET /c): it is not in rpa.json"), "{error}");
        assert!(error.contains("--> data/rpa.json#/files"), "{error}");
    }
}
