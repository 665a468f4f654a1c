//! A [`Plan`]: how the generated files differ from those on disk. `regen` makes one and either
//! prints its diff (`--check`) or hands it to `swap`, which carries it out; both import it from
//! here, so neither imports the other.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;

use crate::files::{owned_generated_files, read_text};

/// The differences between what the generator produced and what is on disk.
#[derive(Debug, Default)]
pub struct Plan {
    /// Files to create or overwrite: relative path -> (old contents if any, new contents).
    pub writes: BTreeMap<String, (Option<String>, String)>,
    /// Generated files no longer produced: relative path -> old contents.
    pub deletes: BTreeMap<String, String>,
    /// Files already up to date.
    pub unchanged: usize,
}

impl Plan {
    /// True when nothing needs to change.
    pub fn is_clean(&self) -> bool {
        self.writes.is_empty() && self.deletes.is_empty()
    }

    /// A unified diff of every change, paths relative to the output folder.
    pub fn diff(&self) -> String {
        let mut out = String::new();
        for (path, (old, new)) in &self.writes {
            let old = old.as_deref().unwrap_or("");
            let diff = similar::TextDiff::from_lines(old, new.as_str());
            out.push_str(&diff.unified_diff().context_radius(3).header(&format!("a/{path}"), &format!("b/{path}")).to_string());
        }
        for (path, old) in &self.deletes {
            let diff = similar::TextDiff::from_lines(old.as_str(), "");
            out.push_str(&diff.unified_diff().header(&format!("a/{path}"), "/dev/null").to_string());
        }
        out
    }

    /// The changed paths, one per line, marked `M`, `A` or `D`.
    pub fn changed_paths(&self) -> String {
        let mut out = String::new();
        for (path, (old, _)) in &self.writes {
            out.push_str(if old.is_some() { "  M " } else { "  A " });
            out.push_str(path);
            out.push('\n');
        }
        for path in self.deletes.keys() {
            out.push_str("  D ");
            out.push_str(path);
            out.push('\n');
        }
        out
    }
}

/// Compares generated `files` with the folder `out`.
pub fn compare(out: &Path, files: &BTreeMap<String, String>) -> Result<Plan> {
    let mut plan = Plan::default();
    for (path, contents) in files {
        let target = out.join(path);
        let old = if target.exists() { Some(read_text(&target)?) } else { None };
        if old.as_deref() == Some(contents.as_str()) {
            plan.unchanged += 1;
        } else {
            plan.writes.insert(path.clone(), (old, contents.clone()));
        }
    }
    for path in owned_generated_files(out)? {
        if !files.contains_key(&path) {
            let old = read_text(&out.join(&path))?;
            plan.deletes.insert(path, old);
        }
    }
    Ok(plan)
}
