//! Output depends on what the spec says, not on how its maps happen to be ordered: the pinned
//! spec is rewritten with the keys of every map shuffled, and generation must give the same bytes.

use workspace_tests::{pinned_output, pinned_settings, root};

/// A small deterministic generator (xorshift), so a failure can be reproduced from the seed.
struct Shuffler(u64);

impl Shuffler {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }

    /// The same YAML value with every mapping's entries in a random order.
    fn shuffled(&mut self, value: serde_yaml::Value) -> serde_yaml::Value {
        match value {
            serde_yaml::Value::Mapping(mapping) => {
                let mut entries: Vec<_> = mapping.into_iter().collect();
                self.shuffle(&mut entries);
                serde_yaml::Value::Mapping(entries.into_iter().map(|(k, v)| (k, self.shuffled(v))).collect())
            }
            serde_yaml::Value::Sequence(items) => serde_yaml::Value::Sequence(items.into_iter().map(|v| self.shuffled(v)).collect()),
            other => other,
        }
    }
}

#[test]
fn shuffling_map_keys_does_not_change_the_output() {
    let text = std::fs::read_to_string(root().join(xtask::PINNED_SPEC)).unwrap();
    let original: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    for seed in [1u64, 0x9e3779b97f4a7c15, 42] {
        let shuffled = Shuffler(seed).shuffled(original.clone());
        let shuffled_text = serde_yaml::to_string(&shuffled).unwrap();
        assert_ne!(shuffled_text, text, "seed {seed}: the shuffle must change the text");
        // Same name, and the header hashes the spec bytes, so compare everything after line 1.
        let source = codegen::SourceFile::new(xtask::PINNED_SPEC, shuffled_text);
        let output = codegen::generate(&source, &pinned_settings()).unwrap();
        assert_eq!(output.surface, pinned_output().surface, "seed {seed}");
        for (path, contents) in &pinned_output().files {
            let body = |s: &str| s.split_once('\n').map(|(_, rest)| rest.to_owned()).unwrap_or_default();
            assert!(body(&output.files[path]) == body(contents), "seed {seed}: {path} differs after shuffling keys");
        }
    }
}
