//! The tokens the mock accepts (`mock-github --tokens FILE`), read from YAML:
//!
//! ```yaml
//! tokens:
//!   - label: ci-readonly              # what the log shows; the token value is never logged
//!     token: github_pat_11readonly
//!     kind: fine-grained              # fine-grained | classic | app
//!     owner: octo-org                 # fine-grained and app: the one org (or user) it acts on
//!     repositories: all               # or a list of repository names (default: all)
//!     permissions: {organization_dependabot_secrets: read, metadata: read}
//!   - label: admin
//!     token: ghp_admin
//!     kind: classic
//!     scopes: [repo, admin:org]       # classic: its scopes; `owner` optional (default: any)
//! ```
//!
//! Every problem is reported with the file and the entry's place (`tokens[2].permissions`),
//! all at once. A permission no pinned operation needs is refused as a typo would be: it could
//! only grant nothing. GitHub adds `metadata: read` to every token with repository access;
//! here it is granted only when listed, so that a token file says everything a token holds.
//!
//! Tokens are looked up in constant time (`subtle`), every entry compared whatever matched, and
//! no type here shows a token in its `Debug`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use github_server::{Access, Grants};
use serde::Deserialize;
use subtle::{ConditionallySelectable, ConstantTimeEq};

/// One accepted token.
pub struct Token {
    /// What the log and error messages call it.
    pub label: String,
    secret: String,
    /// What it was granted.
    pub grants: Grants,
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token").field("label", &self.label).field("token", &"(redacted)").field("grants", &self.grants).finish()
    }
}

impl Token {
    /// A token for tests and embedders; `secret` is what callers send as `Bearer <secret>`.
    pub fn new(label: impl Into<String>, secret: impl Into<String>, grants: Grants) -> Self {
        Self { label: label.into(), secret: secret.into(), grants }
    }
}

/// The accepted tokens.
#[derive(Debug, Default)]
pub struct Tokens {
    entries: Vec<Token>,
}

/// Problems in a tokens file, each `FILE: tokens[2].permissions: what is wrong`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokensError(pub Vec<String>);

impl fmt::Display for TokensError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("\n"))
    }
}

impl std::error::Error for TokensError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    tokens: Vec<RawToken>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawToken {
    label: String,
    token: String,
    kind: Kind,
    #[serde(default)]
    owner: Option<String>,
    #[serde(default)]
    repositories: Option<serde_yaml::Value>,
    #[serde(default)]
    permissions: Option<BTreeMap<String, String>>,
    #[serde(default)]
    scopes: Option<Vec<String>>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
enum Kind {
    FineGrained,
    Classic,
    App,
}

impl Tokens {
    /// These tokens.
    pub fn new(entries: Vec<Token>) -> Self {
        Self { entries }
    }

    /// Reads a tokens file; `file` names it in errors.
    pub fn from_yaml(file: &str, text: &str) -> Result<Self, TokensError> {
        let deserializer = serde_yaml::Deserializer::from_str(text);
        let raw: RawFile = serde_path_to_error::deserialize(deserializer).map_err(|error| {
            let place = error.path().to_string();
            let place = if place == "." { "(the file)".to_owned() } else { place };
            // serde_yaml's message may start with the place already.
            let message = error.inner().to_string();
            let message = message.strip_prefix(&format!("{place}: ")).unwrap_or(&message);
            TokensError(vec![format!("{file}: {place}: {message}; see the README's tokens file for the format")])
        })?;
        let known = known_permissions();
        let mut problems = Vec::new();
        let mut entries = Vec::new();
        let mut labels = BTreeMap::new();
        for (index, token) in raw.tokens.into_iter().enumerate() {
            let mut problem = |field: &str, what: String| problems.push(format!("{file}: tokens[{index}].{field}: {what}"));
            if token.label.trim().is_empty() {
                problem("label", "is empty; name the token (the log shows the label, never the token)".to_owned());
            }
            if let Some(first) = labels.insert(token.label.clone(), index) {
                problem("label", format!("`{}` is also the label of tokens[{first}]; labels tell tokens apart in the log", token.label));
            }
            if token.token.trim().is_empty() || token.token.chars().any(|c| c.is_whitespace() || c.is_control()) {
                problem("token", "must be a non-empty token without spaces".to_owned());
            }
            if let Some(first) = entries.iter().position(|e: &Token| e.secret == token.token) {
                problem("token", format!("is also the token of tokens[{first}]"));
            }
            let repositories = match &token.repositories {
                None => None,
                Some(serde_yaml::Value::String(all)) if all == "all" => None,
                Some(serde_yaml::Value::Sequence(names)) => {
                    let names: Option<BTreeSet<String>> = names.iter().map(|n| n.as_str().map(str::to_owned)).collect();
                    if names.is_none() {
                        problem("repositories", "lists something that is not a repository name".to_owned());
                    }
                    names
                }
                Some(_) => {
                    problem("repositories", "must be `all` or a list of repository names".to_owned());
                    None
                }
            };
            let grants = match token.kind {
                Kind::FineGrained | Kind::App => {
                    if token.scopes.is_some() {
                        problem("scopes", "only classic tokens have scopes; fine-grained tokens and apps have `permissions`".to_owned());
                    }
                    let Some(owner) = token.owner.clone().filter(|o| !o.trim().is_empty()) else {
                        problem("owner", "is required: a fine-grained token or app acts on one org or user".to_owned());
                        continue;
                    };
                    let mut permissions = Vec::new();
                    for (name, level) in token.permissions.clone().unwrap_or_default() {
                        match Access::parse(&level) {
                            Some(access) if known.contains(name.as_str()) => permissions.push((name, access)),
                            Some(_) => problem(
                                &format!("permissions.{name}"),
                                format!("no pinned operation needs `{name}`; the mock knows {}", known.iter().copied().collect::<Vec<_>>().join(", ")),
                            ),
                            None => problem(&format!("permissions.{name}"), format!("`{level}` is not an access level (read, write, admin)")),
                        }
                    }
                    let grants = if token.kind == Kind::App { Grants::app(owner, permissions) } else { Grants::fine_grained(owner, permissions) };
                    match repositories {
                        Some(names) => grants.with_repositories(names),
                        None => grants,
                    }
                }
                Kind::Classic => {
                    if token.permissions.is_some() {
                        problem("permissions", "only fine-grained tokens and apps have permissions; classic tokens have `scopes`".to_owned());
                    }
                    let grants = Grants::classic(token.scopes.clone().unwrap_or_default());
                    let grants = match token.owner.clone() {
                        Some(owner) => grants.with_owner(owner),
                        None => grants,
                    };
                    match repositories {
                        Some(names) => grants.with_repositories(names),
                        None => grants,
                    }
                }
            };
            entries.push(Token { label: token.label, secret: token.token, grants });
        }
        if entries.is_empty() && problems.is_empty() {
            problems.push(format!("{file}: tokens: is empty; list at least one token (without --tokens, any token is accepted)"));
        }
        if problems.is_empty() { Ok(Self { entries }) } else { Err(TokensError(problems)) }
    }

    /// The token `presented` is, compared in constant time with every entry.
    pub fn find(&self, presented: &str) -> Option<&Token> {
        let mut found = u64::MAX;
        for (index, entry) in self.entries.iter().enumerate() {
            let equal = presented.as_bytes().ct_eq(entry.secret.as_bytes());
            found = u64::conditional_select(&found, &(index as u64), equal);
        }
        usize::try_from(found).ok().and_then(|index| self.entries.get(index))
    }

    /// How many tokens there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The labels, in file order.
    pub fn labels(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| e.label.as_str())
    }
}

/// Every permission some pinned operation needs.
fn known_permissions() -> BTreeSet<&'static str> {
    github_server::requirements::ALL
        .iter()
        .flat_map(|requirements| requirements.fine_grained.unwrap_or_default().iter().flat_map(|set| set.iter().map(|p| p.name)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_example_reads() {
        let text = "tokens:\n  - label: ci-readonly\n    token: github_pat_11readonly\n    kind: fine-grained\n    owner: octo-org\n    repositories: all\n    permissions: {organization_dependabot_secrets: read, dependabot_secrets: read, artifact_metadata: read, metadata: read}\n  - label: admin\n    token: ghp_admin\n    kind: classic\n    scopes: [repo, admin:org]\n";
        let tokens = Tokens::from_yaml("t.yaml", text).unwrap();
        assert_eq!(tokens.labels().collect::<Vec<_>>(), ["ci-readonly", "admin"]);
        assert_eq!(tokens.find("ghp_admin").map(|t| t.label.as_str()), Some("admin"));
        assert!(tokens.find("ghp_admi").is_none() && tokens.find("").is_none());
        assert!(!format!("{tokens:?}").contains("github_pat_11readonly"), "Debug never shows a token");
    }

    #[test]
    fn every_problem_names_the_file_and_the_place() {
        let text = "tokens:\n  - {label: a, token: t1, kind: fine-grained, owner: o, permissions: {dependabot_secret: read}}\n  - {label: a, token: t1, kind: app, permissions: {contents: owner}}\n  - {label: c, token: t3, kind: classic, permissions: {contents: read}}\n";
        let error = Tokens::from_yaml("t.yaml", text).unwrap_err().to_string();
        for expected in [
            "t.yaml: tokens[0].permissions.dependabot_secret: no pinned operation needs `dependabot_secret`",
            "t.yaml: tokens[1].label: `a` is also the label of tokens[0]",
            "t.yaml: tokens[1].token: is also the token of tokens[0]",
            "t.yaml: tokens[1].owner: is required",
            "t.yaml: tokens[2].permissions: only fine-grained tokens and apps have permissions",
        ] {
            assert!(error.contains(expected), "{expected}\n{error}");
        }
        let shape = Tokens::from_yaml("t.yaml", "tokens:\n  - {label: a, token: t, kind: robot}\n").unwrap_err().to_string();
        assert!(shape.starts_with("t.yaml: tokens[0].kind: unknown variant `robot`"), "{shape}");
    }
}
