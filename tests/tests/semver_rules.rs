//! The semver and wire rules, one spec change at a time: a small base spec, and for every rule
//! `codegen::surface::semver` implements one copy of it changed in one place. Each case must
//! produce its rule; the verdicts of all cases (per change: crates and wire; and the generated
//! code's API changes) are snapshotted in `tests/snapshots/semver/rules.snap`, so a reviewer
//! reads them as a table and a change to a rule shows as a diff.

use std::collections::BTreeSet;

use codegen::surface::semver::{RULES, SCHEMA_SUFFIXES, Verdict};
use serde_json::{Value, json};
use workspace_tests::snapshot_settings;

const BASE: &str = r#"
openapi: 3.0.3
info: {title: Items, version: '1'}
paths:
  /items/{id}:
    get:
      operationId: items/get
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: per_page, in: query, schema: {type: integer}}
        - {name: tag, in: query, required: true, schema: {type: string, maxLength: 10}}
      responses:
        '200':
          description: ok
          headers: {x-total: {schema: {type: integer}}}
          content: {application/json: {schema: {$ref: '#/components/schemas/item'}}}
        '404': {description: missing, content: {application/json: {schema: {$ref: '#/components/schemas/error'}}}}
    put:
      operationId: items/put
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/draft'}}}}
      responses: {'204': {description: stored}}
    delete:
      operationId: items/delete
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {'204': {description: deleted}}
  /items:
    post:
      operationId: items/create
      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/draft'}}}}
      responses: {'204': {description: created}}
components:
  schemas:
    item:
      type: object
      required: [id, name]
      properties:
        id: {type: integer}
        name: {type: string}
        state: {type: string, enum: ['on', 'off']}
        note: {type: string}
        labels: {type: array, items: {type: string}}
        size: {type: integer, minimum: 0, maximum: 100}
    draft:
      type: object
      required: [name]
      properties:
        name: {type: string, minLength: 2, maxLength: 20}
        kind: {type: string, enum: [a, b]}
        code: {type: string, pattern: '^[a-z]+$'}
        count: {type: integer, minimum: 1, maximum: 10}
        tags: {type: array, items: {type: string}, minItems: 1, maxItems: 5, uniqueItems: true}
        mode: {type: string, default: fast}
        comment: {type: string}
        extra: {type: string, nullable: true}
    error: {type: object, properties: {message: {type: string}}}
    spare: {type: object, properties: {x: {type: string}}}
"#;

fn base() -> Value {
    serde_yaml::from_str(BASE).unwrap()
}

/// The node at `pointer` (`/components/schemas/item/properties/note`).
fn at<'a>(spec: &'a mut Value, pointer: &str) -> &'a mut Value {
    spec.pointer_mut(pointer).unwrap_or_else(|| panic!("no {pointer} in the base spec"))
}

const ITEM: &str = "/components/schemas/item";
const DRAFT: &str = "/components/schemas/draft";
const GET: &str = "/paths/~1items~1{id}/get";
const PUT: &str = "/paths/~1items~1{id}/put";

fn prop(schema: &str, name: &str) -> String {
    format!("{schema}/properties/{name}")
}

/// A one-change case: its name, the rule it must produce, and the change.
type Case = (&'static str, &'static str, Box<dyn Fn(&mut Value)>);

fn cases() -> Vec<Case> {
    vec![
        // Operations.
        ("an operation is added", "endpoint-added", Box::new(|s| {
            at(s, "/paths")["/other"] = json!({"get": {"operationId": "other/get", "responses": {"204": {"description": "ok"}}}});
        })),
        ("an operation is removed", "api-removed-without-deprecation", Box::new(|s| {
            at(s, "/paths/~1items~1{id}").as_object_mut().unwrap().remove("put");
        })),
        ("an operation moves to another path", "api-path-changed", Box::new(|s| {
            let delete = at(s, "/paths/~1items~1{id}").as_object_mut().unwrap().remove("delete").unwrap();
            at(s, "/paths")["/things/{id}"] = json!({"delete": delete});
        })),
        ("a path parameter is added", "new-request-path-parameter", Box::new(|s| {
            let mut delete = at(s, "/paths/~1items~1{id}").as_object_mut().unwrap().remove("delete").unwrap();
            delete["parameters"].as_array_mut().unwrap().push(json!({"name": "rev", "in": "path", "required": true, "schema": {"type": "string"}}));
            at(s, "/paths")["/items/{id}/{rev}"] = json!({"delete": delete});
        })),
        ("a required query parameter is added", "new-required-request-parameter", Box::new(|s| {
            at(s, &format!("{GET}/parameters")).as_array_mut().unwrap().push(json!({"name": "q", "in": "query", "required": true, "schema": {"type": "string"}}));
        })),
        ("an optional query parameter is added", "new-optional-request-parameter", Box::new(|s| {
            at(s, &format!("{GET}/parameters")).as_array_mut().unwrap().push(json!({"name": "sort", "in": "query", "schema": {"type": "string"}}));
        })),
        ("a query parameter is removed", "request-parameter-removed", Box::new(|s| {
            at(s, &format!("{GET}/parameters")).as_array_mut().unwrap().remove(1);
        })),
        ("a query parameter becomes required", "request-parameter-became-required", Box::new(|s| {
            at(s, &format!("{GET}/parameters/1"))["required"] = json!(true);
        })),
        ("a query parameter becomes optional", "request-parameter-became-optional", Box::new(|s| {
            at(s, &format!("{GET}/parameters/2"))["required"] = json!(false);
        })),
        ("a parameter's maxLength is increased", "request-parameter-max-length-increased", Box::new(|s| {
            at(s, &format!("{GET}/parameters/2/schema"))["maxLength"] = json!(20);
        })),
        ("a parameter's type changes", "request-parameter-type-changed", Box::new(|s| {
            at(s, &format!("{GET}/parameters/1/schema"))["type"] = json!("string");
        })),
        ("a required body is added", "request-body-added-required", Box::new(|s| {
            at(s, "/paths/~1items~1{id}/delete")["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/draft"}}}});
        })),
        ("an optional body is added", "request-body-added-optional", Box::new(|s| {
            at(s, "/paths/~1items~1{id}/delete")["requestBody"] = json!({"content": {"application/json": {"schema": {"$ref": "#/components/schemas/draft"}}}});
        })),
        ("a body is removed", "request-body-removed", Box::new(|s| {
            at(s, PUT).as_object_mut().unwrap().remove("requestBody");
        })),
        ("a body becomes required", "request-body-became-required", Box::new(|s| {
            at(s, "/paths/~1items/post/requestBody")["required"] = json!(true);
        })),
        ("a body becomes optional", "request-body-became-optional", Box::new(|s| {
            at(s, &format!("{PUT}/requestBody"))["required"] = json!(false);
        })),
        ("a body's media type changes", "request-body-media-type-changed", Box::new(|s| {
            at(s, &format!("{PUT}/requestBody"))["content"] = json!({"text/plain": {"schema": {"type": "string"}}});
        })),
        ("a success status is added", "response-success-status-added", Box::new(|s| {
            at(s, &format!("{PUT}/responses"))["201"] = json!({"description": "created"});
        })),
        ("an error status is added", "response-non-success-status-added", Box::new(|s| {
            at(s, &format!("{GET}/responses"))["409"] = json!({"description": "conflict", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/error"}}}});
        })),
        ("a success status is removed", "response-success-status-removed", Box::new(|s| {
            at(s, &format!("{GET}/responses")).as_object_mut().unwrap().remove("200");
        })),
        ("an error status is removed", "response-non-success-status-removed", Box::new(|s| {
            at(s, &format!("{GET}/responses")).as_object_mut().unwrap().remove("404");
        })),
        ("a response's media type changes", "response-media-type-changed", Box::new(|s| {
            at(s, &format!("{GET}/responses/200"))["content"] = json!({"text/plain": {"schema": {"type": "string"}}});
        })),
        ("a response header is added", "response-header-added", Box::new(|s| {
            at(s, &format!("{GET}/responses/200/headers"))["x-page"] = json!({"schema": {"type": "string"}});
        })),
        ("a response header is removed", "optional-response-header-removed", Box::new(|s| {
            at(s, &format!("{GET}/responses/200")).as_object_mut().unwrap().remove("headers");
        })),
        // Models.
        ("a model is added", "model-added", Box::new(|s| {
            at(s, "/components/schemas")["other"] = json!({"type": "object", "properties": {"y": {"type": "integer"}}});
        })),
        ("a model is removed", "model-removed", Box::new(|s| {
            at(s, "/components/schemas").as_object_mut().unwrap().remove("spare");
        })),
        // Request properties.
        ("a required request property is added", "new-required-request-property", Box::new(|s| {
            at(s, &format!("{DRAFT}/properties"))["owner"] = json!({"type": "string"});
            at(s, &format!("{DRAFT}/required")).as_array_mut().unwrap().push(json!("owner"));
        })),
        ("an optional request property is added", "new-optional-request-property", Box::new(|s| {
            at(s, &format!("{DRAFT}/properties"))["color"] = json!({"type": "string"});
        })),
        ("a request property is removed", "request-property-removed", Box::new(|s| {
            at(s, &format!("{DRAFT}/properties")).as_object_mut().unwrap().remove("comment");
        })),
        ("a request property becomes required", "request-property-became-required", Box::new(|s| {
            at(s, &format!("{DRAFT}/required")).as_array_mut().unwrap().push(json!("kind"));
        })),
        ("a request property becomes optional", "request-property-became-optional", Box::new(|s| {
            at(s, DRAFT)["required"] = json!([]);
        })),
        ("a request property is no longer nullable", "request-property-became-not-nullable", Box::new(|s| {
            at(s, &prop(DRAFT, "extra")).as_object_mut().unwrap().remove("nullable");
        })),
        ("a request enum value is added", "request-property-enum-value-added", Box::new(|s| {
            at(s, &prop(DRAFT, "kind"))["enum"] = json!(["a", "b", "c"]);
        })),
        ("a request enum value is removed", "request-property-enum-value-removed", Box::new(|s| {
            at(s, &prop(DRAFT, "kind"))["enum"] = json!(["a"]);
        })),
        ("a request maxLength is decreased", "request-property-max-length-decreased", Box::new(|s| {
            at(s, &prop(DRAFT, "name"))["maxLength"] = json!(10);
        })),
        ("a request maxLength is removed", "request-property-max-length-unset", Box::new(|s| {
            at(s, &prop(DRAFT, "name")).as_object_mut().unwrap().remove("maxLength");
        })),
        ("a request minLength is increased", "request-property-min-length-increased", Box::new(|s| {
            at(s, &prop(DRAFT, "name"))["minLength"] = json!(3);
        })),
        ("a request minLength is decreased", "request-property-min-length-decreased", Box::new(|s| {
            at(s, &prop(DRAFT, "name"))["minLength"] = json!(1);
        })),
        ("a request pattern changes", "request-property-pattern-changed", Box::new(|s| {
            at(s, &prop(DRAFT, "code"))["pattern"] = json!("^[a-z0-9]+$");
        })),
        ("a request pattern is removed", "request-property-pattern-removed", Box::new(|s| {
            at(s, &prop(DRAFT, "code")).as_object_mut().unwrap().remove("pattern");
        })),
        ("a request maximum is decreased", "request-property-max-decreased", Box::new(|s| {
            at(s, &prop(DRAFT, "count"))["maximum"] = json!(5);
        })),
        ("a request minimum is increased", "request-property-min-increased", Box::new(|s| {
            at(s, &prop(DRAFT, "count"))["minimum"] = json!(2);
        })),
        ("a request maxItems is decreased", "request-property-max-items-decreased", Box::new(|s| {
            at(s, &prop(DRAFT, "tags"))["maxItems"] = json!(3);
        })),
        ("a request maxItems is increased", "request-property-max-items-increased", Box::new(|s| {
            at(s, &prop(DRAFT, "tags"))["maxItems"] = json!(9);
        })),
        ("a request minItems is increased", "request-property-min-items-increased", Box::new(|s| {
            at(s, &prop(DRAFT, "tags"))["minItems"] = json!(2);
        })),
        ("a request minItems is removed", "request-property-min-items-decreased", Box::new(|s| {
            at(s, &prop(DRAFT, "tags")).as_object_mut().unwrap().remove("minItems");
        })),
        ("request items no longer need to be unique", "request-property-unique-items-unset", Box::new(|s| {
            at(s, &prop(DRAFT, "tags"))["uniqueItems"] = json!(false);
        })),
        ("a request default changes", "request-property-default-value-changed", Box::new(|s| {
            at(s, &prop(DRAFT, "mode"))["default"] = json!("slow");
        })),
        ("a request default is removed", "request-property-default-value-removed", Box::new(|s| {
            at(s, &prop(DRAFT, "mode")).as_object_mut().unwrap().remove("default");
        })),
        // Response properties.
        ("a required response property is added", "response-required-property-added", Box::new(|s| {
            at(s, &format!("{ITEM}/properties"))["created"] = json!({"type": "string"});
            at(s, &format!("{ITEM}/required")).as_array_mut().unwrap().push(json!("created"));
        })),
        ("an optional response property is added", "response-optional-property-added", Box::new(|s| {
            at(s, &format!("{ITEM}/properties"))["color"] = json!({"type": "string"});
        })),
        ("a required response property is removed", "response-required-property-removed", Box::new(|s| {
            at(s, &format!("{ITEM}/properties")).as_object_mut().unwrap().remove("name");
            at(s, ITEM)["required"] = json!(["id"]);
        })),
        ("an optional response property is removed", "response-optional-property-removed", Box::new(|s| {
            at(s, &format!("{ITEM}/properties")).as_object_mut().unwrap().remove("note");
        })),
        ("a response property becomes required", "response-property-became-required", Box::new(|s| {
            at(s, &format!("{ITEM}/required")).as_array_mut().unwrap().push(json!("note"));
        })),
        ("a response property becomes optional", "response-property-became-optional", Box::new(|s| {
            at(s, ITEM)["required"] = json!(["id"]);
        })),
        // Optional, the property is an `Option` either way: only the wire changes.
        ("an optional response property becomes nullable", "response-property-became-nullable", Box::new(|s| {
            at(s, &prop(ITEM, "note"))["nullable"] = json!(true);
        })),
        // Required, it was a plain field and becomes an `Option`.
        ("a required response property becomes nullable", "response-property-became-nullable", Box::new(|s| {
            at(s, &prop(ITEM, "name"))["nullable"] = json!(true);
        })),
        ("a response property's type changes", "response-property-type-changed", Box::new(|s| {
            at(s, &prop(ITEM, "id"))["type"] = json!("string");
        })),
        ("a response enum value is added", "response-property-enum-value-added", Box::new(|s| {
            at(s, &prop(ITEM, "state"))["enum"] = json!(["on", "off", "auto"]);
        })),
        ("a response property becomes an enum", "response-property-became-enum", Box::new(|s| {
            at(s, &prop(ITEM, "note"))["enum"] = json!(["x", "y"]);
        })),
        ("a response maxLength is set", "response-property-max-length-set", Box::new(|s| {
            at(s, &prop(ITEM, "note"))["maxLength"] = json!(5);
        })),
        ("a response pattern is added", "response-property-pattern-added", Box::new(|s| {
            at(s, &prop(ITEM, "note"))["pattern"] = json!("^n");
        })),
        ("a response maximum is increased", "response-property-max-increased", Box::new(|s| {
            at(s, &prop(ITEM, "size"))["maximum"] = json!(200);
        })),
        ("a response minimum is decreased", "response-property-min-decreased", Box::new(|s| {
            at(s, &prop(ITEM, "size"))["minimum"] = json!(-1);
        })),
        ("a response maxItems is set", "response-property-max-items-set", Box::new(|s| {
            at(s, &prop(ITEM, "labels"))["maxItems"] = json!(10);
        })),
        ("response items must be unique", "response-property-unique-items-set", Box::new(|s| {
            at(s, &prop(ITEM, "labels"))["uniqueItems"] = json!(true);
        })),
        ("a response default is added", "response-property-default-value-added", Box::new(|s| {
            at(s, &prop(ITEM, "note"))["default"] = json!("n");
        })),
    ]
}

fn generate(spec: &Value) -> codegen::Output {
    let source = codegen::SourceFile::new("items.yaml", serde_yaml::to_string(spec).unwrap());
    codegen::generate(&source, &codegen::Settings::default()).unwrap_or_else(|d| panic!("{d}"))
}

/// The requirements of the base spec's operations, as `cargo xtask pin` writes them; `get` is
/// what `items/get` needs.
fn permissions(get: &str) -> codegen::SourceFile {
    let mut text = String::from("operations:\n");
    for id in ["items/create", "items/delete", "items/get", "items/put"] {
        let needs = if id == "items/get" { get } else { "contents=write" };
        text.push_str(&format!("  \"{id}\":\n    classic_scopes: []\n    fine_grained: [[\"{needs}\"]]\n"));
    }
    codegen::SourceFile::new("permissions.yaml", text)
}

/// A requirement that changes: the one case that needs the pinned requirements.
#[test]
fn a_stricter_requirement_is_a_change_with_its_verdict() {
    let generate = |get: &str| {
        let source = codegen::SourceFile::new("items.yaml", serde_yaml::to_string(&base()).unwrap());
        let settings = codegen::Settings { permissions: Some(permissions(get)), ..codegen::Settings::default() };
        codegen::generate(&source, &settings).unwrap_or_else(|d| panic!("{d}"))
    };
    let verdict = codegen::evolution(&generate("contents=read"), &generate("contents=write"));
    let lines: Vec<String> = verdict.changes.iter().map(|c| format!("{}: {}", c.subject, Verdict::change_line(c).trim_start())).collect();
    assert_eq!(
        lines,
        ["operation items/get: [minor] operation-requirements-changed: permissions: fine-grained/app contents=read; classic (no scope named) -> fine-grained/app contents=write; classic (no scope named) (models none, client patch, server minor; old clients may break, old servers may break)"]
    );
}

#[test]
fn every_rule_has_a_one_change_case_and_the_verdicts_read_as_a_table() {
    let old = generate(&base());
    let mut produced: BTreeSet<String> = BTreeSet::new();
    let mut text = String::new();
    let mut missing = Vec::new();
    for (name, rule, change) in cases() {
        let mut spec = base();
        change(&mut spec);
        let new = generate(&spec);
        let verdict: Verdict = codegen::evolution(&old, &new);
        if !verdict.changes.iter().any(|c| c.rule == rule) {
            missing.push(format!("{name}: expected {rule}, got {:?}", verdict.changes.iter().map(|c| &c.rule).collect::<Vec<_>>()));
        }
        produced.extend(verdict.changes.iter().map(|c| c.rule.clone()));
        text.push_str(&format!("## {name}\n"));
        text.push_str(verdict.summary(["models", "client", "server"]).lines().next().unwrap_or_default());
        text.push('\n');
        for change in &verdict.changes {
            text.push_str(&format!("{}: {}\n", change.subject, Verdict::change_line(change).trim_start()));
        }
        text.push_str(&verdict.rust_api_lines(["models", "client", "server"]));
        text.push('\n');
    }
    assert!(missing.is_empty(), "cases that do not produce their rule:\n{}", missing.join("\n"));
    produced.insert("operation-requirements-changed".to_owned()); // a_stricter_requirement_is_a_change_with_its_verdict
    let unexercised: Vec<&str> = RULES.iter().map(|(id, ..)| *id).filter(|id| !produced.contains(*id)).collect();
    assert!(unexercised.is_empty(), "rules without a case: {unexercised:?}");
    let suffixes: Vec<&str> = SCHEMA_SUFFIXES.iter().map(|(suffix, ..)| *suffix).filter(|suffix| !produced.iter().any(|rule| rule.ends_with(suffix))).collect();
    assert!(suffixes.is_empty(), "schema rules without a case: {suffixes:?}");
    snapshot_settings("semver").bind(|| insta::assert_snapshot!("rules", text));
}
