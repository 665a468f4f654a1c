//! The changelog between two API surfaces: which operations and models were added, removed or
//! changed, each change shown as the lines that differ; with a [`Verdict`], each block also
//! gets the verdict of every change in it, and the whole a summary at the top.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::semver::Verdict;

/// One block of the changelog: an operation or a model added, removed or changed.
struct Entry {
    /// `added`, `changed` or `removed`.
    kind: &'static str,
    /// The block's first line, e.g. `operation dependabot/list-org-secrets`.
    title: String,
    /// For a changed block, its differing lines (with one line of context), each ending in `\n`.
    diff: String,
}

impl Entry {
    /// The block's subject: its kind and name (`operation x`, `model Y`).
    fn subject(&self) -> String {
        self.title.split_whitespace().take(2).collect::<Vec<_>>().join(" ")
    }
}

/// The blocks that differ between two surfaces: added and changed ones in the new surface's
/// order (operations, then models), then the removed ones.
fn entries(old: &str, new: &str) -> Vec<Entry> {
    let old_blocks = blocks(old);
    let new_blocks = blocks(new);
    let mut out = Vec::new();
    for (key, new_block) in &new_blocks {
        match old_blocks.get(key) {
            None => out.push(Entry { kind: "added", title: first_line(new_block).to_owned(), diff: String::new() }),
            Some(old_block) if old_block != new_block => {
                let mut text = String::new();
                let diff = similar::TextDiff::from_lines(old_block.as_str(), new_block.as_str());
                for group in diff.grouped_ops(1) {
                    for op in group {
                        for change in diff.iter_changes(&op) {
                            let sign = match change.tag() {
                                similar::ChangeTag::Delete => '-',
                                similar::ChangeTag::Insert => '+',
                                similar::ChangeTag::Equal => ' ',
                            };
                            let _ = write!(text, "{sign} {}", change.value());
                        }
                    }
                }
                out.push(Entry { kind: "changed", title: first_line(new_block).to_owned(), diff: text });
            }
            Some(_) => {}
        }
    }
    for (key, old_block) in &old_blocks {
        if !new_blocks.contains_key(key) {
            out.push(Entry { kind: "removed", title: first_line(old_block).to_owned(), diff: String::new() });
        }
    }
    out
}

/// A changelog between two surfaces: which operations and models were added, removed or
/// changed, each change shown as the lines that differ (with one line of context).
pub fn changelog(old: &str, new: &str) -> String {
    let mut out = String::new();
    for entry in entries(old, new) {
        let _ = writeln!(out, "{} {}", entry.kind, entry.title);
        out.push_str(&entry.diff);
    }
    if out.is_empty() {
        out.push_str("no changes\n");
    }
    out
}

/// The changelog with the verdict of each change under its block (`[major] rule: where: what
/// (crates; wire)`), the summary of `verdict` at the top, and the generated code's API changes
/// at the end. `names` are the crates' package names, models, client, server.
pub fn changelog_with_verdict(old: &str, new: &str, verdict: &Verdict, names: [&str; 3]) -> String {
    let mut out = verdict.summary(names);
    let entries = entries(old, new);
    let mut shown: Vec<String> = Vec::new();
    for entry in &entries {
        let subject = entry.subject();
        let _ = writeln!(out, "\n{} {}", entry.kind, entry.title);
        for change in verdict.changes_of(&subject) {
            let _ = writeln!(out, "{}", Verdict::change_line(change));
        }
        out.push_str(&entry.diff);
        shown.push(subject);
    }
    // Changes whose block reads the same in both surfaces (which the surface should make rare).
    let mut others: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for change in verdict.changes.iter().filter(|c| !shown.contains(&c.subject)) {
        others.entry(change.subject.as_str()).or_default().push(Verdict::change_line(change));
    }
    for (subject, lines) in others {
        let _ = writeln!(out, "\nchanged {subject}");
        for line in lines {
            let _ = writeln!(out, "{line}");
        }
    }
    if entries.is_empty() && verdict.changes.is_empty() {
        out.push_str("\nno changes\n");
    }
    let rust_api = verdict.rust_api_lines(names);
    if !rust_api.is_empty() {
        let _ = write!(out, "\n{rust_api}");
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
