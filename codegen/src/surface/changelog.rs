//! The changelog between two API surfaces: which operations and models were added, removed or
//! changed, each change shown as the lines that differ.

use std::collections::BTreeMap;
use std::fmt::Write;

/// A changelog between two surfaces: which operations and models were added, removed or
/// changed, each change shown as the lines that differ (with one line of context).
pub fn changelog(old: &str, new: &str) -> String {
    let old_blocks = blocks(old);
    let new_blocks = blocks(new);
    let mut out = String::new();
    for (key, new_block) in &new_blocks {
        match old_blocks.get(key) {
            None => {
                let _ = writeln!(out, "added {}", first_line(new_block));
            }
            Some(old_block) if old_block != new_block => {
                let _ = writeln!(out, "changed {}", first_line(new_block));
                let diff = similar::TextDiff::from_lines(old_block.as_str(), new_block.as_str());
                for group in diff.grouped_ops(1) {
                    for op in group {
                        for change in diff.iter_changes(&op) {
                            let sign = match change.tag() {
                                similar::ChangeTag::Delete => '-',
                                similar::ChangeTag::Insert => '+',
                                similar::ChangeTag::Equal => ' ',
                            };
                            let _ = write!(out, "{sign} {}", change.value());
                        }
                    }
                }
            }
            Some(_) => {}
        }
    }
    for (key, old_block) in &old_blocks {
        if !new_blocks.contains_key(key) {
            let _ = writeln!(out, "removed {}", first_line(old_block));
        }
    }
    if out.is_empty() {
        out.push_str("no changes\n");
    }
    out
}

/// The surface's blocks (separated by blank lines), keyed by kind and name.
fn blocks(surface: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for block in surface.split("\n\n") {
        let first = first_line(block);
        let mut words = first.split_whitespace();
        if let (Some(kind @ ("operation" | "model")), Some(name)) = (words.next(), words.next()) {
            let mut text = block.trim_end_matches('\n').to_owned();
            text.push('\n');
            // Operations first, then models.
            let order = if kind == "operation" { 0 } else { 1 };
            out.insert(format!("{order} {name}"), text);
        }
    }
    out
}

fn first_line(block: &str) -> &str {
    block.lines().next().unwrap_or("")
}
