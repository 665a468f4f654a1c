//! progenitor and typify panic on constructs they do not support. Generation runs them behind
//! this boundary so that a panic becomes a diagnostic instead of a crash.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

/// The stack of each generator thread, and of the threads they start. typify, progenitor and
/// syn recurse over the spec's and the code's nesting; `load` bounds the spec's depth, and
/// this leaves them room to spare, as the main thread's 8 MiB does.
pub const GENERATOR_STACK: usize = 64 << 20;

thread_local! {
    /// Set while this thread runs a guarded call: its panics are expected and reported as
    /// diagnostics, so the default hook must not print them (with a backtrace) on stderr.
    static GUARDED: Cell<bool> = const { Cell::new(false) };
}

fn install_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

/// Runs `f`, turning a panic into its message. Panics of other threads are printed as usual.
pub fn catch_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    install_hook();
    let was_guarded = GUARDED.with(|g| g.replace(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(was_guarded));
    result.map_err(|payload| panic_message(payload.as_ref()))
}

/// The summary of a panic's message (see `summary`), from its payload.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let message = if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_owned()
    };
    summary(&message)
}

/// The first line of a panic message, shortened: the rest is usually a debug dump of the
/// generator's internals, which says nothing to someone fixing a spec.
fn summary(message: &str) -> String {
    let first = message.lines().next().unwrap_or("").trim_end_matches(['(', '{', ' ']);
    match first.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &first[..cut]),
        None => first.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_panic_becomes_its_message() {
        assert_eq!(super::catch_panic(|| 1), Ok(1));
        let result: Result<(), String> = super::catch_panic(|| panic!("boom {}", 7));
        assert_eq!(result, Err("boom 7".to_owned()));
        let result: Result<(), String> = super::catch_panic(|| panic!("not yet implemented: unhandled Object(\n  Schema {{ .. }}\n)"));
        assert_eq!(result, Err("not yet implemented: unhandled Object".to_owned()));
    }
}
