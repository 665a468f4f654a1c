//! What the generated types share: the value an open enum keeps when GitHub sends one the API
//! description does not list ([`UnknownValue`]), and the error of the builders
//! ([`BuildError`]).
//!
//! The generator copies this file verbatim from `codegen/templates/models/support.rs`.

use std::fmt;

/// A string value that an enum of this crate does not list: GitHub added it after the crate was
/// generated. Enums that responses carry keep such a value in their `Unknown` variant, so a
/// response with it still parses, and send it back unchanged.
///
/// It can only come from a response (there is no constructor), so a request cannot carry an
/// unlisted value by accident.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnknownValue(pub(crate) String);

impl UnknownValue {
    /// The value as received.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a builder could not build its value: every field that is required and was not set, and
/// every value that did not convert to its field's type (a string too long, a pattern not
/// matched, an unlisted enum value), each named by its field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    type_name: &'static str,
    problems: Vec<(&'static str, String)>,
}

impl BuildError {
    /// The type that could not be built, e.g. `OrgsCreateArtifactDeploymentRecordRequest`.
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// Each problem as (field, what is wrong), in field order: `("cluster", "longer than 128
    /// characters")`, `("digest", "is required")`.
    pub fn problems(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.problems.iter().map(|(field, problem)| (*field, problem.as_str()))
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot build {}: ", self.type_name)?;
        for (index, (field, problem)) in self.problems.iter().enumerate() {
            if index > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{field}: {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for BuildError {}

/// A builder's field: unset, or the value its setter converted (or why it did not convert).
pub(crate) type Slot<T> = Option<Result<T, String>>;

/// What a setter stores: `value` converted to the field's type, or the conversion's error.
pub(crate) fn slot<T, V: TryInto<T, Error: fmt::Display>>(value: V) -> Slot<T> {
    Some(value.try_into().map_err(|error| error.to_string()))
}

/// Collects a builder's problems while `build` takes its fields apart.
pub(crate) struct BuildProblems(BuildError);

impl BuildProblems {
    pub(crate) fn new(type_name: &'static str) -> Self {
        Self(BuildError { type_name, problems: Vec::new() })
    }

    /// A required field's value; a missing one is a problem.
    pub(crate) fn required<T>(&mut self, field: &'static str, value: Option<Result<T, String>>) -> Option<T> {
        match value {
            None => {
                self.0.problems.push((field, "is required".to_owned()));
                None
            }
            Some(value) => self.optional(field, Some(value)),
        }
    }

    /// An optional field's value, if it was set and converted.
    pub(crate) fn optional<T>(&mut self, field: &'static str, value: Option<Result<T, String>>) -> Option<T> {
        match value? {
            Ok(value) => Some(value),
            Err(problem) => {
                self.0.problems.push((field, problem));
                None
            }
        }
    }

    /// The built value, or every problem found. `built` is `None` exactly when a required field
    /// is missing or failed, which recorded a problem.
    pub(crate) fn finish<T>(self, built: Option<T>) -> Result<T, BuildError> {
        match built {
            Some(value) if self.0.problems.is_empty() => Ok(value),
            _ => Err(self.0),
        }
    }
}

/// A string read for an enum, borrowed from the input where the format allows it.
pub(crate) enum Text<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Text<'_> {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Text::Borrowed(text) => text,
            Text::Owned(text) => text,
        }
    }

    /// The value as an [`UnknownValue`].
    pub(crate) fn into_unknown(self) -> UnknownValue {
        match self {
            Text::Borrowed(text) => UnknownValue(text.to_owned()),
            Text::Owned(text) => UnknownValue(text),
        }
    }

    /// Reads a string.
    pub(crate) fn deserialize<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Text<'de>, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Text<'de>;
            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Text<'de>, E> {
                Ok(Text::Borrowed(text))
            }
            fn visit_str<E>(self, text: &str) -> Result<Text<'de>, E> {
                Ok(Text::Owned(text.to_owned()))
            }
            fn visit_string<E>(self, text: String) -> Result<Text<'de>, E> {
                Ok(Text::Owned(text))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

impl<'de> serde::Deserialize<'de> for Text<'de> {
    /// An object's key, for the structs' `Deserialize` (`types/deserialize.rs`).
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Text::deserialize(deserializer)
    }
}
