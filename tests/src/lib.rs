//! Shared helpers for the workspace's integration tests: running the generator on the pinned
//! spec (in memory), and the paths of the workspace's inputs.

pub mod architecture;

use std::path::PathBuf;
use std::sync::OnceLock;

/// The workspace root: the one that holds the current directory (cargo runs tests in their
/// package's folder), as `cargo xtask` finds it, not the folder the test binary was built in.
pub fn root() -> PathBuf {
    xtask::workspace_root().unwrap_or_else(|error| panic!("{error:#}"))
}

/// The settings `cargo xtask regen` uses for the pinned spec (with `spec/codegen.yaml`).
pub fn pinned_settings() -> codegen::Settings {
    xtask::regen::pinned_settings(&root()).unwrap_or_else(|error| panic!("{error:#}"))
}

/// The generator's output for the pinned spec, with the snapshot views, computed once per
/// test binary.
pub fn pinned_output() -> &'static codegen::Output {
    static OUTPUT: OnceLock<codegen::Output> = OnceLock::new();
    OUTPUT.get_or_init(|| {
        let text = std::fs::read_to_string(root().join(xtask::PINNED_SPEC)).expect("the pinned spec is readable");
        let source = codegen::SourceFile::new(xtask::PINNED_SPEC, text);
        let settings = codegen::Settings { snapshot_views: true, ..pinned_settings() };
        codegen::generate(&source, &settings).unwrap_or_else(|d| panic!("{d}"))
    })
}

/// The snapshot views of the pinned spec's output.
pub fn pinned_views() -> &'static codegen::SnapshotViews {
    pinned_output().views.as_ref().expect("pinned_output asks for the snapshot views")
}

/// insta settings shared by every snapshot test: snapshots in `tests/snapshots/<folder>`,
/// without the expression header, so a `.snap` file is just the snapshot text.
pub fn snapshot_settings(folder: &str) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root().join("tests/snapshots").join(folder));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings
}

/// The README's Rust examples, compiled (not run) as doctests so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeExamples;

/// xorshift64*: a small seeded generator for the fuzz tests, good enough to explore input
/// shapes; a seed names a reproducible case.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `n` (which must not be 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True `percent` times in 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    /// One of `items` (which must not be empty).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}
