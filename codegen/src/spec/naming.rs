//! Naming rules: how spec names (operationIds, schema keys, property names, status codes)
//! become Rust names. Every stage that names something uses these, so a type, a method or a
//! variant is spelled the same in the models, the client, the server and the API surface.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// The Rust type name for a spec name: UpperCamelCase, made a valid identifier.
pub fn type_name(name: &str) -> String {
    let cleaned: String = name.chars().map(|c| if c.is_alphanumeric() { c } else { '-' }).collect();
    let mut out = cleaned.to_upper_camel_case();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'X');
    }
    if out == "Self" {
        out.push('_');
    }
    out
}

/// The Rust function or field name for a spec name: snake_case, e.g. `dependabot_get_org_public_key`.
pub fn fn_name(name: &str) -> String {
    let cleaned: String = name.chars().map(|c| if c.is_alphanumeric() { c } else { '-' }).collect();
    let mut out = cleaned.to_snake_case();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "x_");
    }
    // Keywords cannot name a function or argument; a trailing underscore is the Rust idiom.
    if syn::parse_str::<syn::Ident>(&out).is_err() {
        out.push('_');
    }
    out
}

/// The UpperCamelCase reason phrase of a status code (`207` -> `MultiStatus`), for names.
pub fn status_reason(status: &str) -> String {
    match status.parse::<u16>().ok().and_then(|c| http::StatusCode::from_u16(c).ok()) {
        Some(code) => match code.canonical_reason() {
            Some(reason) => type_name(reason),
            None => format!("Status{status}"),
        },
        None if status == "default" => "Default".to_owned(),
        None => format!("Status{}", status.to_ascii_lowercase()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_rust_identifiers() {
        assert_eq!(type_name("organization-dependabot-secret"), "OrganizationDependabotSecret");
        assert_eq!(type_name("orgs/set-cluster-deployment-records"), "OrgsSetClusterDeploymentRecords");
        assert_eq!(type_name("207"), "X207");
        assert_eq!(fn_name("dependabot/get-org-public-key"), "dependabot_get_org_public_key");
        assert_eq!(fn_name("type"), "type_");
        assert_eq!(fn_name("2fa/enable"), "x_2fa_enable");
        assert_eq!(status_reason("207"), "MultiStatus");
        assert_eq!(status_reason("404"), "NotFound");
        assert_eq!(status_reason("default"), "Default");
    }
}
