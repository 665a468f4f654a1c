//! Passes over the component schemas: constrained arrays and maps get names of their own (for
//! the models' validating newtypes), inline schemas that typify would name like an existing
//! component are hoisted under a free name, and nullable compositions are split in two.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::{Namer, Origin, PLACEHOLDER, is_constrained_container, is_plain_scalar, is_ref, schemas_mut, strip_nullable};
use crate::diagnostic::pointer;
use crate::spec::naming::type_name;

pub(super) fn hoist_constrained_containers(tree: &mut Value, namer: &mut Namer) {
    // A worklist, because hoisting one schema can expose others (a constrained array's items).
    let mut pending: Vec<String> = schemas_mut(tree).keys().cloned().collect();
    while let Some(name) = pending.pop() {
        let Some(mut schema) = schemas_mut(tree).remove(&name) else { continue };
        let mut hoisted = Vec::new();
        let root_constrained = is_constrained_container(&schema);
        if root_constrained {
            // The container keeps its name; its element schema must be nameable too.
            name_elements(&mut schema, &name, &mut hoisted);
        } else {
            visit_children(&mut schema, &name, "", &mut hoisted);
        }
        schemas_mut(tree).insert(name.clone(), schema);
        pending.extend(namer.hoist_placeholders(tree, &name, hoisted));
    }
}

/// typify names the type of an inline schema after its parent and its place (`Parent` +
/// `Status` for property `status`, `Parent` + `Item` for array items). When that name is
/// already a component's (GitHub has both `code-scanning-variant-analysis-status` and an inline
/// `status` enum in `code-scanning-variant-analysis`), typify emits two types with one name. Such
/// inline schemas are hoisted first, under a free name, so every Rust type name is unique.
pub(super) fn hoist_shadowed_inline_schemas(tree: &mut Value, namer: &mut Namer) {
    let mut pending: Vec<String> = schemas_mut(tree).keys().cloned().collect();
    while let Some(name) = pending.pop() {
        let Some(mut schema) = schemas_mut(tree).remove(&name) else { continue };
        let mut hoisted = Vec::new();
        // The names taken so far (read in place: a copy per schema made this quadratic, 2.8G
        // instructions on GitHub's whole description).
        find_shadowed(&mut schema, &name, "", &namer.origins, &mut hoisted);
        schemas_mut(tree).insert(name.clone(), schema);
        pending.extend(namer.hoist_placeholders(tree, &name, hoisted));
    }
}

/// A nullable `oneOf`/`anyOf`/`allOf` component becomes two: `{Name}Inner` holds the
/// composition and `{Name}` is a nullable reference to it. typify would otherwise give the
/// `Option` wrapper and the composition the same name.
pub(super) fn split_nullable_compositions(tree: &mut Value, namer: &mut Namer) {
    let names: Vec<String> = schemas_mut(tree)
        .iter()
        .filter(|(_, schema)| {
            schema.get("nullable") == Some(&Value::Bool(true))
                && schema.get("type").is_none()
                && ["oneOf", "anyOf", "allOf"].iter().any(|k| schema.get(*k).is_some())
        })
        .map(|(name, _)| name.clone())
        .collect();
    for name in names {
        let Some(mut body) = schemas_mut(tree).remove(&name) else { continue };
        strip_nullable(&mut body);
        let description = body.get("description").cloned();
        let from = namer.pointer_of(&name);
        let reference = namer.hoist(tree, &format!("{name}Inner"), body, from);
        let mut wrapper = json!({ "allOf": [reference], "nullable": true });
        if let Some(description) = description {
            wrapper["description"] = description;
        }
        schemas_mut(tree).insert(name, wrapper);
    }
}

/// True when typify would declare a type of its own for this inline schema.
fn gets_named_type(schema: &Value) -> bool {
    let Some(map) = schema.as_object() else { return false };
    if is_ref(schema) || is_plain_scalar(schema) {
        return false;
    }
    // `{allOf: [$ref], nullable: true}` is a nullable reference: `Option<T>`, no new type.
    let single_ref = map.get("allOf").and_then(Value::as_array).is_some_and(|v| v.len() == 1 && is_ref(&v[0]));
    if single_ref && !map.contains_key("properties") && !map.contains_key("oneOf") && !map.contains_key("anyOf") {
        return false;
    }
    map.get("properties").and_then(Value::as_object).is_some_and(|p| !p.is_empty())
        || ["enum", "pattern", "minLength", "maxLength", "oneOf", "anyOf", "allOf"].iter().any(|k| map.contains_key(*k))
}

fn find_shadowed(schema: &mut Value, parent: &str, at: &str, taken: &BTreeMap<String, Origin>, out: &mut Vec<(String, Value, String)>) {
    let Some(map) = schema.as_object_mut() else { return };
    let visit = |child: &mut Value, wanted: String, here: String, out: &mut Vec<(String, Value, String)>| {
        if is_ref(child) {
            return;
        }
        if gets_named_type(child) && taken.contains_key(&wanted) {
            let taken_child = std::mem::replace(child, json!({ PLACEHOLDER: wanted }));
            out.push((wanted, taken_child, here));
        } else {
            find_shadowed(child, &wanted, &here, taken, out);
        }
    };
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        for (property, child) in properties.iter_mut() {
            visit(child, format!("{parent}{}", type_name(property)), format!("{at}/properties/{}", pointer::escape(property)), out);
        }
    }
    if let Some(child @ Value::Object(_)) = map.get_mut("additionalProperties") {
        visit(child, format!("{parent}Value"), format!("{at}/additionalProperties"), out);
    }
    if let Some(child) = map.get_mut("items") {
        visit(child, format!("{parent}Item"), format!("{at}/items"), out);
    }
}

/// Replaces constrained containers below `schema` with placeholders, collecting them with the
/// pointer suffix (relative to the component) where each was found.
fn visit_children(schema: &mut Value, parent: &str, at: &str, out: &mut Vec<(String, Value, String)>) {
    let Some(map) = schema.as_object_mut() else { return };
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        for (property, child) in properties.iter_mut() {
            let here = format!("{at}/properties/{}", pointer::escape(property));
            visit(child, &format!("{parent}{}", type_name(property)), &here, out);
        }
    }
    if let Some(child @ Value::Object(_)) = map.get_mut("additionalProperties") {
        visit(child, &format!("{parent}Value"), &format!("{at}/additionalProperties"), out);
    }
    if let Some(child) = map.get_mut("items") {
        visit(child, &format!("{parent}Item"), &format!("{at}/items"), out);
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(variants)) = map.get_mut(key) {
            for (index, child) in variants.iter_mut().enumerate() {
                visit(child, &format!("{parent}Variant{index}"), &format!("{at}/{key}/{index}"), out);
            }
        }
    }
}

fn visit(child: &mut Value, wanted: &str, at: &str, out: &mut Vec<(String, Value, String)>) {
    if is_ref(child) {
        return;
    }
    if is_constrained_container(child) {
        let taken = std::mem::replace(child, json!({ PLACEHOLDER: wanted }));
        out.push((wanted.to_owned(), taken, at.to_owned()));
    } else {
        visit_children(child, wanted, at, out);
    }
}

/// A constrained container's items or values must be a reference or a plain scalar, so that
/// its newtype can name the element type.
fn name_elements(schema: &mut Value, name: &str, out: &mut Vec<(String, Value, String)>) {
    for (key, suffix) in [("items", "Item"), ("additionalProperties", "Value")] {
        if let Some(child @ Value::Object(_)) = schema.get_mut(key) {
            let plain = is_ref(child) || is_plain_scalar(child) || child.as_object().is_some_and(Map::is_empty);
            if !plain {
                let wanted = format!("{name}{suffix}");
                let taken = std::mem::replace(child, json!({ PLACEHOLDER: wanted }));
                out.push((wanted, taken, format!("/{key}")));
            }
        }
    }
}
