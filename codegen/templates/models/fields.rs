/// What every `Deserialize` impl below shares: the per-field work, with serde's own errors
/// (`duplicate field`, `missing field`, `unknown field`), so that they read as the derive's.
/// The generator copies this module verbatim from `codegen/templates/models/fields.rs`.
mod field {
    use serde::de::{Deserialize, Error, IgnoredAny, MapAccess};

    use crate::support::Text;

    /// Reads the value of the key `name` into its `slot`; a key seen twice is an error.
    #[inline]
    pub(super) fn read<'de, A: MapAccess<'de>, T: Deserialize<'de>>(map: &mut A, slot: &mut Option<T>, name: &'static str) -> Result<(), A::Error> {
        if slot.is_some() {
            return Err(A::Error::duplicate_field(name));
        }
        *slot = Some(map.next_value()?);
        Ok(())
    }

    /// A required field's value; `missing field` when the object did not have it.
    #[inline]
    pub(super) fn required<T, E: Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
        slot.ok_or_else(|| E::missing_field(name))
    }

    /// Skips the value of a key the struct does not declare.
    #[inline]
    pub(super) fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
        map.next_value::<IgnoredAny>()?;
        Ok(())
    }

    /// The error for a key that a struct with `deny_unknown_fields` does not declare.
    pub(super) fn unknown<E: Error>(key: Text<'_>, fields: &'static [&'static str]) -> E {
        E::unknown_field(key.as_str(), fields)
    }
}
