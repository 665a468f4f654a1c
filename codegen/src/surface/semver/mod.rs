//! A semver verdict on a spec change: what the change means for the generated crates' versions,
//! and for what runs on the wire. Two questions, both answered for every change:
//!
//! - **The crates' semver** (models, client, server), judged from the code we generate: by the
//!   rules below, per change, and from the generated code itself ([`rust_api`]: every public
//!   item of the old and the new crates, compared), which catches type changes that
//!   cargo-semver-checks cannot see. A crate's verdict is the larger of the two. The client and
//!   the server re-export the models crate (`types`, `models`), so a models change is a change of
//!   theirs too.
//! - **The wire**: does the change break clients built on the old spec, or servers built on it?
//!   Rules are named after oasdiff's catalogue (`checker/rules.go` in oasdiff/oasdiff) where one
//!   fits, so a reviewer can look them up; the few of ours are marked in [`RULES`].
//!
//! `rules` compares operations, `schemas` compares schemas (the properties, enums and
//! constraints of models, parameters and bodies).

pub mod rust_api;
mod rules;
mod schemas;

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use crate::ir::Api;

/// What a change asks of a crate's version, by Cargo's semver rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Semver {
    /// Nothing in the crate changes.
    #[default]
    None,
    /// Documentation or behaviour only, nothing a user's code can tell.
    Patch,
    /// Additions: what compiled and worked still does.
    Minor,
    /// Breaking: some code written against the old version no longer compiles or works.
    Major,
}

impl Semver {
    /// The lowercase name: `major`, `minor`, `patch`, `none`.
    pub fn name(self) -> &'static str {
        match self {
            Semver::None => "none",
            Semver::Patch => "patch",
            Semver::Minor => "minor",
            Semver::Major => "major",
        }
    }

    /// `version` bumped by this verdict, Cargo's way: below 1.0 a breaking change bumps the
    /// minor (0.1.3 -> 0.2.0) and anything else the patch (0.1.3 -> 0.1.4). `None` for a
    /// version that is not `major.minor.patch`.
    pub fn bump(self, version: &str) -> Option<String> {
        let parts: Vec<u64> = version.split('.').map(|p| p.parse().ok()).collect::<Option<_>>()?;
        let [major, minor, patch] = parts.as_slice() else { return None };
        let (major, minor, patch) = (*major, *minor, *patch);
        Some(match (self, major) {
            (Semver::None, _) => version.to_owned(),
            (Semver::Major, 0) => format!("0.{}.0", minor + 1),
            (_, 0) => format!("0.{minor}.{}", patch + 1),
            (Semver::Major, _) => format!("{}.0.0", major + 1),
            (Semver::Minor, _) => format!("{major}.{}.0", minor + 1),
            (Semver::Patch, _) => format!("{major}.{minor}.{}", patch + 1),
        })
    }
}

/// What a change does on the wire to one side built on the old spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Effect {
    /// It keeps working.
    Compatible,
    /// It may stop working, depending on what it relies on (oasdiff's `WARN`).
    MayBreak,
    /// It stops working for some requests or responses (oasdiff's `ERR` for clients).
    Breaks,
}

impl Effect {
    fn words(self) -> &'static str {
        match self {
            Effect::Compatible => "compatible",
            Effect::MayBreak => "may break",
            Effect::Breaks => "break",
        }
    }
}

/// The wire effect of a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Wire {
    /// Clients built on the old spec, talking to a server on the new one.
    pub old_clients: Effect,
    /// Servers built on the old spec, talking to clients built on the new one.
    pub old_servers: Effect,
}

/// A verdict per generated crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Crates {
    /// The models crate.
    pub models: Semver,
    /// The client crate.
    pub client: Semver,
    /// The server crate.
    pub server: Semver,
}

impl Crates {
    /// The same verdict for every crate: a models change, which the client and the server
    /// re-export.
    pub fn all(semver: Semver) -> Self {
        Self { models: semver, client: semver, server: semver }
    }

    /// The largest of the three.
    pub fn max(&self) -> Semver {
        self.models.max(self.client).max(self.server)
    }

    fn merge(&mut self, other: Crates) {
        self.models = self.models.max(other.models);
        self.client = self.client.max(other.client);
        self.server = self.server.max(other.server);
    }
}

/// One change between two specs, with its verdicts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The rule it falls under: oasdiff's id where one fits (see [`RULES`]).
    pub rule: String,
    /// The API-surface block it belongs to: `operation dependabot/list-org-secrets` or
    /// `model MinimalRepository`.
    pub subject: String,
    /// Where in the subject: `param per_page (query)`, `207 response`, `license.url`, or empty.
    pub at: String,
    /// What changed, in words.
    pub message: String,
    /// The largest verdict of `crates`.
    pub semver: Semver,
    /// What the change asks of each crate's version.
    pub crates: Crates,
    /// What it does on the wire.
    pub wire: Wire,
}

/// Every rule this module judges by: its id, whether it is oasdiff's, and its wire effect on
/// old clients and old servers. oasdiff judges only old clients; the effect on old servers is
/// the mirror (a request accepting more breaks old servers, a response promising more breaks
/// old clients), as judged here.
pub const RULES: &[(&str, &str, Effect, Effect)] = {
    use Effect::{Breaks as B, Compatible as C, MayBreak as M};
    &[
        // Operations.
        ("endpoint-added", "oasdiff", C, B),
        ("api-removed-without-deprecation", "oasdiff", B, C),
        ("api-path-changed", "ours", B, B),
        ("new-required-request-parameter", "oasdiff", B, C),
        ("new-request-path-parameter", "oasdiff", B, C),
        ("new-optional-request-parameter", "oasdiff", C, M),
        ("request-parameter-removed", "oasdiff", M, B),
        ("request-parameter-became-required", "oasdiff", B, C),
        ("request-parameter-became-optional", "oasdiff", C, B),
        ("request-body-added-required", "oasdiff", B, C),
        ("request-body-added-optional", "oasdiff", C, M),
        ("request-body-removed", "oasdiff", B, M),
        ("request-body-became-required", "oasdiff", B, C),
        ("request-body-became-optional", "oasdiff", C, B),
        ("request-body-media-type-changed", "ours", B, B),
        ("response-success-status-added", "oasdiff", C, M),
        ("response-non-success-status-added", "oasdiff", C, C),
        ("response-success-status-removed", "oasdiff", B, C),
        ("response-non-success-status-removed", "oasdiff", C, M),
        ("response-media-type-changed", "ours", B, B),
        ("response-header-added", "oasdiff", C, M),
        ("optional-response-header-removed", "oasdiff", M, C),
        // Who may call: tokens admitted before may be refused, or the other way round.
        ("operation-requirements-changed", "ours", M, M),
        // Models.
        ("model-added", "ours", C, C),
        ("model-removed", "ours", C, C),
        // Properties of request bodies.
        ("new-required-request-property", "oasdiff", B, C),
        ("new-optional-request-property", "oasdiff", C, M),
        ("request-property-removed", "oasdiff", M, B),
        ("request-property-became-required", "oasdiff", B, C),
        ("request-property-became-optional", "oasdiff", C, B),
        // Properties of responses.
        ("response-required-property-added", "oasdiff", C, B),
        ("response-optional-property-added", "oasdiff", C, C),
        ("response-required-property-removed", "oasdiff", B, C),
        ("response-optional-property-removed", "oasdiff", M, C),
        ("response-property-became-required", "oasdiff", C, B),
        ("response-property-became-optional", "oasdiff", B, C),
    ]
};

/// The effects of a rule whose id has a direction prefix (`request-property-`,
/// `response-body-`...) and one of the schema suffixes, which `schemas` produces: a request
/// accepting more values (`-max-length-increased`) breaks old servers, which refuse them; a
/// response holding more values breaks old clients, which cannot read them; fewer values, the
/// other way round.
pub const SCHEMA_SUFFIXES: &[(&str, &str, Shift)] = &[
    ("became-nullable", "oasdiff", Shift::Widened),
    ("became-not-nullable", "oasdiff", Shift::Narrowed),
    ("type-changed", "oasdiff", Shift::Incompatible),
    ("enum-value-added", "oasdiff", Shift::Widened),
    ("enum-value-removed", "oasdiff", Shift::Narrowed),
    ("became-enum", "oasdiff", Shift::Narrowed),
    ("max-length-decreased", "oasdiff", Shift::Narrowed),
    ("max-length-increased", "oasdiff", Shift::Widened),
    ("max-length-set", "oasdiff", Shift::Narrowed),
    ("max-length-unset", "oasdiff", Shift::Widened),
    ("min-length-increased", "oasdiff", Shift::Narrowed),
    ("min-length-decreased", "oasdiff", Shift::Widened),
    ("pattern-added", "oasdiff", Shift::Narrowed),
    ("pattern-changed", "oasdiff", Shift::Unclear),
    ("pattern-removed", "oasdiff", Shift::Widened),
    ("max-decreased", "oasdiff", Shift::Narrowed),
    ("max-increased", "oasdiff", Shift::Widened),
    ("min-increased", "oasdiff", Shift::Narrowed),
    ("min-decreased", "oasdiff", Shift::Widened),
    ("max-items-decreased", "ours", Shift::Narrowed),
    ("max-items-increased", "ours", Shift::Widened),
    ("max-items-set", "ours", Shift::Narrowed),
    ("min-items-increased", "oasdiff", Shift::Narrowed),
    ("min-items-decreased", "ours", Shift::Widened),
    ("unique-items-set", "ours", Shift::Narrowed),
    ("unique-items-unset", "ours", Shift::Widened),
    ("default-value-changed", "oasdiff", Shift::Unclear),
    ("default-value-added", "oasdiff", Shift::Unclear),
    ("default-value-removed", "oasdiff", Shift::Unclear),
];

/// How a schema change moves the set of values it accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shift {
    /// Fewer values are valid.
    Narrowed,
    /// More values are valid.
    Widened,
    /// Other values are valid.
    Incompatible,
    /// It depends on the values (a changed pattern, a changed default).
    Unclear,
}

/// The wire effect of rule `id` (one of [`RULES`], or a direction prefix and one of
/// [`SCHEMA_SUFFIXES`]).
pub fn wire(id: &str) -> Wire {
    use Effect::{Breaks, Compatible, MayBreak};
    if let Some((_, _, old_clients, old_servers)) = RULES.iter().find(|(rule, ..)| *rule == id) {
        return Wire { old_clients: *old_clients, old_servers: *old_servers };
    }
    let request = id.starts_with("request-");
    let shift = SCHEMA_SUFFIXES.iter().find(|(suffix, ..)| id.ends_with(suffix)).map(|(_, _, shift)| *shift);
    let (old_clients, old_servers) = match (shift, request) {
        (Some(Shift::Incompatible), _) => (Breaks, Breaks),
        (Some(Shift::Unclear), _) | (None, _) => (MayBreak, MayBreak),
        // A request that accepts fewer values: old clients may send one.
        (Some(Shift::Narrowed), true) => (Breaks, Compatible),
        (Some(Shift::Widened), true) => (Compatible, Breaks),
        // An old client reads an enum value it does not list as unknown (ours keep it): oasdiff
        // rates this `WARN`.
        (Some(Shift::Widened), false) if id.ends_with("enum-value-added") => (MayBreak, Compatible),
        (Some(Shift::Widened), false) => (Breaks, Compatible),
        (Some(Shift::Narrowed), false) => (Compatible, Breaks),
    };
    Wire { old_clients, old_servers }
}

/// Everything a spec change means, and what it asks of each crate.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    /// The largest verdict of any crate.
    pub semver: Semver,
    /// Each crate's verdict: the largest of its changes' and of its generated code's.
    pub crates: Crates,
    /// Every change, in surface order (operations, then models).
    pub changes: Vec<Change>,
    /// How each crate's public Rust API changed, from the generated code.
    pub rust_api: Vec<rust_api::ApiChange>,
}

/// The verdict on going from `old` to `new`: their IRs and the files generated from each.
pub fn verdict(old: &Api, old_files: &BTreeMap<String, String>, new: &Api, new_files: &BTreeMap<String, String>) -> Verdict {
    let mut changes = rules::operations(old, new);
    changes.extend(rules::models(old, new));
    let rust_api = rust_api::diff(old_files, new_files);
    let mut crates = Crates::default();
    for change in &changes {
        crates.merge(change.crates);
    }
    for change in &rust_api {
        let level = match change.krate {
            "models" => Crates::all(change.semver),
            "client" => Crates { client: change.semver, ..Crates::default() },
            _ => Crates { server: change.semver, ..Crates::default() },
        };
        crates.merge(level);
    }
    Verdict { semver: crates.max(), crates, changes, rust_api }
}

impl Verdict {
    /// How many changes have each wire effect on old clients and on old servers.
    fn wire_counts(&self) -> ([usize; 3], [usize; 3]) {
        let index = |effect: Effect| match effect {
            Effect::Breaks => 0,
            Effect::MayBreak => 1,
            Effect::Compatible => 2,
        };
        let (mut clients, mut servers) = ([0; 3], [0; 3]);
        for change in &self.changes {
            clients[index(change.wire.old_clients)] += 1;
            servers[index(change.wire.old_servers)] += 1;
        }
        (clients, servers)
    }

    /// The summary lines that head the changelog.
    pub fn summary(&self, names: [&str; 3]) -> String {
        let mut out = String::new();
        let [models, client, server] = names;
        let _ = writeln!(
            out,
            "semver: {} ({models} {}, {client} {}, {server} {})",
            self.semver.name(),
            self.crates.models.name(),
            self.crates.client.name(),
            self.crates.server.name()
        );
        let (clients, servers) = self.wire_counts();
        let _ = writeln!(
            out,
            "wire: {} changes; for clients built on the old spec {} break, {} may break; for servers built on it {} break, {} may break",
            self.changes.len(),
            clients[0],
            clients[1],
            servers[0],
            servers[1]
        );
        out
    }

    /// The verdict line of one change, as the changelog shows it under its block.
    pub fn change_line(change: &Change) -> String {
        let at = if change.at.is_empty() { String::new() } else { format!(" {}:", change.at) };
        format!(
            "  [{}] {}:{at} {} (models {}, client {}, server {}; old clients {}, old servers {})",
            change.semver.name(),
            change.rule,
            change.message,
            change.crates.models.name(),
            change.crates.client.name(),
            change.crates.server.name(),
            change.wire.old_clients.words(),
            change.wire.old_servers.words(),
        )
    }

    /// The changes of the surface block `subject` (`operation x`, `model Y`).
    pub fn changes_of<'a>(&'a self, subject: &'a str) -> impl Iterator<Item = &'a Change> + 'a {
        self.changes.iter().filter(move |change| change.subject == subject)
    }

    /// The generated code's API changes, one line each, by crate.
    pub fn rust_api_lines(&self, names: [&str; 3]) -> String {
        let mut out = String::new();
        for (krate, name) in rust_api::CRATES.iter().zip(names) {
            let changes: Vec<&rust_api::ApiChange> = self.rust_api.iter().filter(|c| c.krate == *krate).collect();
            if changes.is_empty() {
                continue;
            }
            let _ = writeln!(out, "rust api of {name}:");
            for change in changes {
                let _ = writeln!(out, "  [{}] {}", change.semver.name(), change.what);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_bump_the_cargo_way() {
        assert_eq!(Semver::Major.bump("0.1.3").as_deref(), Some("0.2.0"));
        assert_eq!(Semver::Minor.bump("0.1.3").as_deref(), Some("0.1.4"));
        assert_eq!(Semver::Patch.bump("0.1.3").as_deref(), Some("0.1.4"));
        assert_eq!(Semver::None.bump("0.1.3").as_deref(), Some("0.1.3"));
        assert_eq!(Semver::Major.bump("1.2.3").as_deref(), Some("2.0.0"));
        assert_eq!(Semver::Minor.bump("1.2.3").as_deref(), Some("1.3.0"));
        assert_eq!(Semver::Major.bump("1.2"), None);
    }

    #[test]
    fn request_narrowing_breaks_old_clients_and_response_narrowing_old_servers() {
        let effects = |id: &str| {
            let wire = wire(id);
            (wire.old_clients, wire.old_servers)
        };
        assert_eq!(effects("request-property-max-length-decreased"), (Effect::Breaks, Effect::Compatible));
        assert_eq!(effects("request-property-max-length-increased"), (Effect::Compatible, Effect::Breaks));
        assert_eq!(effects("response-property-max-length-increased"), (Effect::Breaks, Effect::Compatible));
        assert_eq!(effects("response-property-became-nullable"), (Effect::Breaks, Effect::Compatible));
        assert_eq!(effects("response-property-enum-value-added"), (Effect::MayBreak, Effect::Compatible));
        assert_eq!(effects("request-parameter-type-changed"), (Effect::Breaks, Effect::Breaks));
        assert_eq!(effects("endpoint-added"), (Effect::Compatible, Effect::Breaks));
    }
}
