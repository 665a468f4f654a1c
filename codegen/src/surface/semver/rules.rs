//! The changes between two IRs: operations (added, removed, their parameters, bodies, statuses
//! and headers) and models (added, removed, and what their schemas accept), each with the code
//! level it means for each crate:
//!
//! - models: a change to a model is one of all three crates, which re-export the models;
//! - operations: a new operation is a new client method (minor) and a new `Api` trait method
//!   (major: every implementation must add it); a parameter added or removed changes the
//!   client method's arguments (major, they are positional) and adds a field to the server's
//!   `#[non_exhaustive]` request struct (minor) or removes one (major); a status added is a new
//!   variant of the server's `#[non_exhaustive]` response enum (minor), and changes the client
//!   method's return type when the operation now needs a per-status enum (major).

use std::collections::BTreeSet;

use serde_json::Value;

use super::schemas::{Comparison, Direction, Models, Root, Site};
use super::{Change, Crates, Semver, wire};
use crate::ir::reach::models_reached;
use crate::ir::{Api, BodyKind, Operation, Parameter, body_kind, needs_multi_status};

fn change(rule: &str, subject: &str, at: String, message: String, crates: Crates) -> Change {
    Change { rule: rule.to_owned(), subject: subject.to_owned(), at, message, semver: crates.max(), crates, wire: wire(rule) }
}

/// The crates of an operation-level change: the client's method and the server's trait, request
/// and response types; the models are not touched.
fn operation_crates(client: Semver, server: Semver) -> Crates {
    Crates { models: Semver::None, client, server }
}

/// What the client method of `operation` returns, as a comparable text: the per-status enum
/// when it needs one, else the body kinds of its success and error responses.
fn client_return(operation: &Operation) -> String {
    let kinds = |keep: fn(&str) -> bool| -> BTreeSet<BodyKind> { operation.responses.iter().filter(|r| keep(&r.status)).map(body_kind).collect() };
    let errors = kinds(|s| !s.starts_with('2'));
    let error = if errors.len() > 1 { format!("{}Failure", operation.type_base) } else { format!("{errors:?}") };
    if needs_multi_status(operation) {
        format!("{}Success, {error}", operation.type_base)
    } else {
        format!("{:?}, {error}", kinds(|s| s.starts_with('2')))
    }
}

fn parameter_label(parameter: &Parameter) -> String {
    format!("param {} ({})", parameter.name, parameter.location.as_str())
}

/// The changes of every operation.
pub fn operations(old: &Api, new: &Api) -> Vec<Change> {
    let models = Models { old, new };
    let mut out = Vec::new();
    for operation in &new.operations {
        let subject = format!("operation {}", operation.id);
        let Some(before) = old.operations.iter().find(|o| o.id == operation.id) else {
            out.push(change(
                "endpoint-added",
                &subject,
                String::new(),
                format!("added `{} {}`", operation.method, operation.path),
                operation_crates(Semver::Minor, Semver::Major),
            ));
            continue;
        };
        if (&before.method, &before.path) != (&operation.method, &operation.path) {
            out.push(change(
                "api-path-changed",
                &subject,
                String::new(),
                format!("moved from `{} {}` to `{} {}`", before.method, before.path, operation.method, operation.path),
                operation_crates(Semver::Patch, Semver::Patch),
            ));
        }
        let requirements = |o: &Operation| o.authorization.as_ref().map(|a| crate::ir::permissions::surface_line(&a.requirements));
        if let (Some(old), Some(new)) = (requirements(before), requirements(operation))
            && old != new
        {
            // The docs change, and the server's router admits other tokens.
            out.push(change(
                "operation-requirements-changed",
                &subject,
                "permissions".to_owned(),
                format!("{old} -> {new}"),
                operation_crates(Semver::Patch, Semver::Minor),
            ));
        }
        parameters(&models, &subject, before, operation, &mut out);
        body(&models, &subject, before, operation, &mut out);
        responses(&models, &subject, before, operation, &mut out);
    }
    for operation in old.operations.iter().filter(|o| !new.operations.iter().any(|n| n.id == o.id)) {
        out.push(change(
            "api-removed-without-deprecation",
            &format!("operation {}", operation.id),
            String::new(),
            format!("removed `{} {}`", operation.method, operation.path),
            operation_crates(Semver::Major, Semver::Major),
        ));
    }
    out
}

fn parameters(models: &Models, subject: &str, before: &Operation, operation: &Operation, out: &mut Vec<Change>) {
    let find = |list: &[Parameter], p: &Parameter| list.iter().find(|q| q.name == p.name && q.location == p.location).cloned();
    for parameter in &operation.parameters {
        let label = parameter_label(parameter);
        match find(&before.parameters, parameter) {
            None => {
                let rule = match (parameter.location.as_str(), parameter.required) {
                    ("path", _) => "new-request-path-parameter",
                    (_, true) => "new-required-request-parameter",
                    (_, false) => "new-optional-request-parameter",
                };
                let kind = if parameter.required { "required" } else { "optional" };
                out.push(change(rule, subject, label, format!("added the {kind} parameter"), operation_crates(Semver::Major, Semver::Minor)));
            }
            Some(old) => {
                if old.required != parameter.required {
                    let (rule, words) = if parameter.required {
                        ("request-parameter-became-required", "became required")
                    } else {
                        ("request-parameter-became-optional", "became optional")
                    };
                    out.push(change(rule, subject, label.clone(), words.to_owned(), operation_crates(Semver::Major, Semver::Major)));
                }
                let site = Site { subject, direction: Direction::Request, root: Root::Parameter, label: &label, crates: |c| operation_crates(c, c) };
                let mut comparison = Comparison::new(models, &site);
                comparison.compare("", &old.schema, &parameter.schema);
                out.extend(comparison.changes);
            }
        }
    }
    for parameter in before.parameters.iter().filter(|p| find(&operation.parameters, p).is_none()) {
        out.push(change(
            "request-parameter-removed",
            subject,
            parameter_label(parameter),
            "removed the parameter".to_owned(),
            operation_crates(Semver::Major, Semver::Major),
        ));
    }
}

fn body(models: &Models, subject: &str, before: &Operation, operation: &Operation, out: &mut Vec<Change>) {
    let label = "body".to_owned();
    match (&before.body, &operation.body) {
        (None, Some(body)) => {
            let rule = if body.required { "request-body-added-required" } else { "request-body-added-optional" };
            out.push(change(rule, subject, label, format!("added a body ({})", body.media_type), operation_crates(Semver::Major, Semver::Major)));
        }
        (Some(_), None) => out.push(change("request-body-removed", subject, label, "removed the body".to_owned(), operation_crates(Semver::Major, Semver::Major))),
        (Some(old), Some(body)) => {
            if old.required != body.required {
                let (rule, words) = if body.required { ("request-body-became-required", "became required") } else { ("request-body-became-optional", "became optional") };
                // The client always takes the body; the server's request struct holds an
                // `Option` for an optional one.
                out.push(change(rule, subject, label.clone(), words.to_owned(), operation_crates(Semver::None, Semver::Major)));
            }
            if old.media_type != body.media_type {
                out.push(change(
                    "request-body-media-type-changed",
                    subject,
                    label.clone(),
                    format!("sent as {} instead of {}", body.media_type, old.media_type),
                    operation_crates(Semver::Major, Semver::Major),
                ));
            }
            let site = Site { subject, direction: Direction::Request, root: Root::Body, label: &label, crates: |c| operation_crates(c, c) };
            let mut comparison = Comparison::new(models, &site);
            comparison.compare("", &old.schema, &body.schema);
            out.extend(comparison.changes);
        }
        (None, None) => {}
    }
}

fn responses(models: &Models, subject: &str, before: &Operation, operation: &Operation, out: &mut Vec<Change>) {
    let client_changes = client_return(before) != client_return(operation);
    // A new return type breaks callers; a new variant of a per-status enum (non-exhaustive) or
    // a status that reads into the same type does not.
    let client = |same_type: Semver| if client_changes { Semver::Major } else { same_type };
    for response in &operation.responses {
        let label = format!("{} response", response.status);
        let success = response.status.starts_with('2');
        let Some(old) = before.responses.iter().find(|r| r.status == response.status) else {
            let rule = if success { "response-success-status-added" } else { "response-non-success-status-added" };
            let returns = if client_changes { " (the client method's return type changes)" } else { "" };
            out.push(change(rule, subject, label, format!("added the status {}{returns}", response.status), operation_crates(client(Semver::Minor), Semver::Minor)));
            continue;
        };
        match (&old.body, &response.body) {
            (Some(a), Some(b)) if a.media_type != b.media_type => out.push(change(
                "response-media-type-changed",
                subject,
                label.clone(),
                format!("sent as {} instead of {}", b.media_type, a.media_type),
                operation_crates(Semver::Major, Semver::Major),
            )),
            (Some(a), Some(b)) => {
                if let (Some(old_schema), Some(new_schema)) = (&a.schema, &b.schema) {
                    let site = Site { subject, direction: Direction::Response, root: Root::Body, label: &label, crates: |c| operation_crates(c, c) };
                    let mut comparison = Comparison::new(models, &site);
                    comparison.compare("", old_schema, new_schema);
                    out.extend(comparison.changes);
                }
            }
            (None, Some(_)) | (Some(_), None) => out.push(change(
                "response-media-type-changed",
                subject,
                label.clone(),
                if response.body.is_some() { "now has a body".to_owned() } else { "no longer has a body".to_owned() },
                operation_crates(Semver::Major, Semver::Major),
            )),
            (None, None) => {}
        }
        // Headers are fields of the server's response variant (the client does not type them).
        for header in response.headers.iter().filter(|h| !old.headers.iter().any(|o| o.name == h.name)) {
            out.push(change(
                "response-header-added",
                subject,
                label.clone(),
                format!("added the header `{}`", header.name),
                operation_crates(Semver::None, Semver::Major),
            ));
        }
        for header in old.headers.iter().filter(|o| !response.headers.iter().any(|h| h.name == o.name)) {
            out.push(change(
                "optional-response-header-removed",
                subject,
                label.clone(),
                format!("removed the header `{}`", header.name),
                operation_crates(Semver::None, Semver::Major),
            ));
        }
    }
    for response in before.responses.iter().filter(|r| !operation.responses.iter().any(|n| n.status == r.status)) {
        let rule = if response.status.starts_with('2') { "response-success-status-removed" } else { "response-non-success-status-removed" };
        out.push(change(
            rule,
            subject,
            format!("{} response", response.status),
            format!("removed the status {}", response.status),
            operation_crates(client(Semver::Patch), Semver::Major),
        ));
    }
}

/// The models a request sends: those its bodies and parameters reach.
fn sent_models(api: &Api) -> BTreeSet<String> {
    let roots: Vec<&Value> = api
        .operations
        .iter()
        .flat_map(|o| o.body.iter().map(|b| &b.schema).chain(o.parameters.iter().map(|p| &p.schema)))
        .collect();
    models_reached(api, roots)
}

/// The models parameters use as their schema.
fn parameter_models(api: &Api) -> BTreeSet<String> {
    api.operations
        .iter()
        .flat_map(|o| &o.parameters)
        .filter_map(|p| crate::spec::openapi::ref_name(&p.schema).map(str::to_owned))
        .collect()
}

/// The changes of every model.
pub fn models(old: &Api, new: &Api) -> Vec<Change> {
    let models = Models { old, new };
    let (sent, parameters) = (sent_models(new), parameter_models(new));
    let mut out = Vec::new();
    for model in &new.models {
        let subject = format!("model {}", model.name);
        let Some(before) = old.models.iter().find(|m| m.name == model.name) else {
            out.push(change("model-added", &subject, String::new(), format!("added the type `{}`", model.name), Crates::all(Semver::Minor)));
            continue;
        };
        let mut directions = Vec::new();
        if sent.contains(&model.name) {
            directions.push(Direction::Request);
        }
        if model.read_by_clients || directions.is_empty() {
            directions.push(Direction::Response);
        }
        for direction in directions {
            let root = if direction == Direction::Request && parameters.contains(&model.name) { Root::Parameter } else { Root::Model };
            let site = Site { subject: &subject, direction, root, label: "", crates: Crates::all };
            let mut comparison = Comparison::new(&models, &site);
            comparison.compare("", &before.schema, &model.schema);
            out.extend(comparison.changes);
        }
    }
    for model in old.models.iter().filter(|m| !new.models.iter().any(|n| n.name == m.name)) {
        out.push(change(
            "model-removed",
            &format!("model {}", model.name),
            String::new(),
            format!("removed the type `{}`", model.name),
            Crates::all(Semver::Major),
        ));
    }
    out
}
