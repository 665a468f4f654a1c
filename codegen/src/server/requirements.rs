//! The `requirements` module of the server crate: who may call each operation, as data the
//! router checks at run time and an implementation can read (one `Requirements` constant per
//! operation, from the IR's pinned requirements; `None`s for a spec generated without them).

use std::fmt::Write;

use proc_macro2::Ident;
use quote::{format_ident, quote};

use super::operation_line;
use crate::ir::{Api, Operation};
use crate::output::render::{Code, doc_line, rust_string};
use crate::spec::permissions::Access;

/// The name of `operation`'s constant: its method name in capitals.
pub fn const_ident(operation: &Operation) -> Ident {
    format_ident!("{}", operation.fn_name.to_ascii_uppercase())
}

/// The constant of `operation`, as text: regular data, written in rustfmt's layout rather than
/// as tokens for prettyplease to parse back.
pub fn constant(operation: &Operation) -> String {
    let name = const_ident(operation);
    let optional = |value: Option<&String>| match value {
        Some(text) => format!("Some({})", rust_string(text)),
        None => "None".to_owned(),
    };
    let documentation_url = match &operation.docs_url {
        Some(url) => format!("Some({})", rust_string(url)),
        None => "crate::DOCUMENTATION_URL".to_owned(),
    };
    let (accepted_permissions, accepted_scopes) = match &operation.authorization {
        Some(authorization) => (accepted_permissions(&authorization.requirements), authorization.requirements.classic_scopes.join(", ")),
        None => (String::new(), String::new()),
    };
    let (fine_grained, classic, condition, owner, repository) = match &operation.authorization {
        Some(authorization) => {
            let requirements = &authorization.requirements;
            let mut sets = String::from("Some(&[\n");
            for set in &requirements.fine_grained {
                let permissions = set.iter().map(|permission| {
                    let access = match permission.access {
                        Access::Read => "Read",
                        Access::Write => "Write",
                        Access::Admin => "Admin",
                    };
                    format!("Permission {{ name: {}, access: Access::{access} }}", rust_string(&permission.name))
                });
                let _ = writeln!(sets, "        &[{}],", permissions.collect::<Vec<_>>().join(", "));
            }
            sets.push_str("    ])");
            let scopes = requirements.classic_scopes.iter().map(|scope| rust_string(scope)).collect::<Vec<_>>().join(", ");
            (
                if requirements.fine_grained.is_empty() { "Some(&[])".to_owned() } else { sets },
                format!("Some(&[{scopes}])"),
                optional(requirements.classic_scopes_condition.as_ref()),
                optional(authorization.owner_parameter.as_ref()),
                optional(authorization.repository_parameter.as_ref()),
            )
        }
        None => ("None".to_owned(), "None".to_owned(), "None".to_owned(), "None".to_owned(), "None".to_owned()),
    };
    let doc = match &operation.authorization {
        Some(authorization) => format!("Who may call {}: {}.", operation_line(operation), crate::ir::permissions::surface_line(&authorization.requirements)),
        None => format!("Who may call {}: any authenticated caller (no requirements were pinned).", operation_line(operation)),
    };
    let mut out = String::new();
    doc_line(&mut out, "", &doc);
    let _ = writeln!(
        out,
        "pub const {name}: Requirements = Requirements {{\n    operation_id: {},\n    documentation_url: {documentation_url},\n    fine_grained: {fine_grained},\n    classic_scopes: {classic},\n    classic_scopes_condition: {condition},\n    owner_parameter: {owner},\n    repository_parameter: {repository},\n    x_accepted_github_permissions: {},\n    x_accepted_oauth_scopes: {},\n}};",
        rust_string(&operation.id),
        rust_string(&accepted_permissions),
        rust_string(&accepted_scopes),
    );
    out
}

/// The fine-grained alternatives as GitHub's `X-Accepted-GitHub-Permissions` writes them: `,`
/// joins a set, `; ` separates alternatives (`artifact_metadata=write; contents=write`).
fn accepted_permissions(requirements: &crate::spec::permissions::Requirements) -> String {
    let sets = requirements.fine_grained.iter().map(|set| set.iter().map(|p| format!("{}={}", p.name, p.access.as_str())).collect::<Vec<_>>().join(","));
    sets.collect::<Vec<_>>().join("; ")
}

/// The `requirements.rs` file: every operation's constant, `ALL` (sorted by operationId) and `of`.
pub fn file<'a>(api: &Api, constants: impl Iterator<Item = &'a String>) -> Vec<Code> {
    let all = api.operations.iter().map(const_ident);
    let uses_permissions = api.operations.iter().any(|o| o.authorization.as_ref().is_some_and(|a| !a.requirements.fine_grained.is_empty()));
    let imports = if uses_permissions { quote! { use crate::auth::{Access, Permission, Requirements}; } } else { quote! { use crate::auth::Requirements; } };
    let head = quote! {
        #![doc = "Who may call each operation: the permissions (fine-grained tokens, GitHub Apps) and scopes (classic tokens) it requires, pinned with the spec. The router holds every caller to them before the implementation runs (see [`crate::Authenticator`])."]

        #imports
    };
    let tail = quote! {
        /// Every operation's requirements, sorted by operationId.
        pub const ALL: &[&Requirements] = &[#(&#all),*];

        /// The requirements of the operation `operation_id`, if the server serves it.
        pub fn of(operation_id: &str) -> Option<&'static Requirements> {
            ALL.binary_search_by(|requirements| requirements.operation_id.cmp(operation_id)).ok().map(|index| ALL[index])
        }
    };
    let mut code = vec![Code::Tokens(head)];
    code.extend(constants.map(|constant| Code::Text(constant.clone())));
    code.push(Code::Tokens(tail));
    code
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::permissions::{Permission, Requirements};

    #[test]
    fn accepted_permissions_are_written_as_github_writes_the_header() {
        let permission = |name: &str, access| Permission { name: name.to_owned(), access };
        let requirements = Requirements {
            fine_grained: vec![vec![permission("metadata", Access::Read), permission("organization_dependabot_secrets", Access::Write)], vec![permission("contents", Access::Write)]],
            classic_scopes: vec!["admin:org".to_owned()],
            classic_scopes_condition: None,
        };
        assert_eq!(accepted_permissions(&requirements), "metadata=read,organization_dependabot_secrets=write; contents=write");
    }
}
