//! progenitor and typify panic on constructs they do not support. Generation runs them behind
//! this boundary so that a panic becomes a diagnostic instead of a crash.

use std::panic::{AssertUnwindSafe, catch_unwind};

/// Runs `f`, turning a panic into its message.
pub fn catch_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        if let Some(s) = payload.downcast_ref::<&str>() {
            (*s).to_owned()
        } else if let Some(s) = payload.downcast_ref::<String>() {
            s.clone()
        } else {
            "unknown panic".to_owned()
        }
    })
}
