//! Diagnostics: what went wrong, in which file, at which JSON pointer, and what to do.
//!
//! Every error the code generator reports is a [`Diagnostic`]; a run collects as many as it can
//! find before giving up, so a user fixes a spec in one pass rather than one error per run.

use std::fmt;

/// One problem in an input file, located precisely enough to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file the problem is in, as the user named it (e.g. `spec/api.github.com.yaml`).
    pub file: String,
    /// JSON pointer of the offending node, `#` for the whole document,
    /// e.g. `#/paths/~1orgs~1{org}~1dependabot~1secrets/get/responses/200`.
    pub pointer: String,
    /// The operation the node belongs to, when there is one.
    pub operation_id: Option<String>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: String,
}

impl Diagnostic {
    /// A diagnostic about `file` at `pointer`.
    pub fn new(
        file: impl Into<String>,
        pointer: impl Into<String>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Self {
            file: file.into(),
            pointer: pointer.into(),
            operation_id: None,
            message: message.into(),
            help: help.into(),
        }
    }

    /// The same diagnostic, attributed to an operation.
    pub fn in_operation(mut self, operation_id: impl Into<String>) -> Self {
        self.operation_id = Some(operation_id.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message)?;
        writeln!(f, "  --> {}{}", self.file, self.pointer)?;
        if let Some(operation_id) = &self.operation_id {
            writeln!(f, "  operation: {operation_id}")?;
        }
        write!(f, "  help: {}", self.help)
    }
}

/// All the problems found in one run; never empty.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// A single diagnostic.
    pub fn one(diagnostic: Diagnostic) -> Self {
        Self(vec![diagnostic])
    }

    /// `Ok(())` when `list` is empty, otherwise the list as an error.
    pub fn check(list: Vec<Diagnostic>) -> Result<(), Self> {
        if list.is_empty() { Ok(()) } else { Err(Self(list)) }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, diagnostic) in self.0.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            writeln!(f, "{diagnostic}")?;
        }
        let count = self.0.len();
        write!(f, "{count} error{}", if count == 1 { "" } else { "s" })
    }
}

/// Builds JSON pointers (RFC 6901) in the `#/a/b` fragment form used by `$ref`.
pub mod pointer {
    /// Escapes one reference token: `~` becomes `~0` and `/` becomes `~1`.
    pub fn escape(token: &str) -> String {
        token.replace('~', "~0").replace('/', "~1")
    }

    /// Joins reference tokens into a `#/...` pointer, escaping each.
    pub fn join<I, S>(tokens: I) -> String
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut out = String::from("#");
        for token in tokens {
            out.push('/');
            out.push_str(&escape(token.as_ref()));
        }
        out
    }

    /// Splits a `#/a/b` pointer back into unescaped tokens; `None` if it is not local.
    pub fn split(pointer: &str) -> Option<Vec<String>> {
        let rest = pointer.strip_prefix('#')?;
        if rest.is_empty() {
            return Some(Vec::new());
        }
        let rest = rest.strip_prefix('/')?;
        Some(
            rest.split('/')
                .map(|t| t.replace("~1", "/").replace("~0", "~"))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::pointer;

    #[test]
    fn pointers_escape_slashes_and_tildes_and_round_trip() {
        let p = pointer::join(["paths", "/orgs/{org}/x~y", "get"]);
        assert_eq!(p, "#/paths/~1orgs~1{org}~1x~0y/get");
        assert_eq!(
            pointer::split(&p).unwrap(),
            vec!["paths", "/orgs/{org}/x~y", "get"]
        );
        assert_eq!(pointer::split("#").unwrap(), Vec::<String>::new());
        assert_eq!(pointer::split("other.yaml#/a"), None);
    }
}
