//! Code written as text and built bottom-up, the way `quote!` fragments nest: a [`Lines`] is a
//! run of lines, each with its depth relative to the block it will end up in, so that putting a
//! fragment inside a `{ ... }` only counts its lines one level deeper instead of re-indenting
//! (copying) their text at every level. Written out with four spaces per level, as rustfmt
//! indents; lines are not wrapped.

/// Lines of code with their nesting depth; see the module documentation.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Lines {
    lines: Vec<(usize, String)>,
}

impl Lines {
    /// No lines.
    pub fn new() -> Self {
        Self::default()
    }

    /// One line, at this fragment's own depth.
    pub fn of(text: impl Into<String>) -> Self {
        let mut lines = Self::new();
        lines.line(text);
        lines
    }

    /// Whether there is no line.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Adds one line at this fragment's own depth.
    pub fn line(&mut self, text: impl Into<String>) {
        self.lines.push((0, text.into()));
    }

    /// Adds `other`'s lines, at the depth they have.
    pub fn extend(&mut self, other: Lines) {
        self.lines.extend(other.lines);
    }

    /// Adds `head {` (a lone `{` for an empty head), `body` one level in, and `}` followed by
    /// `tail` (`""`, `","`, `";"`...).
    pub fn block(&mut self, head: &str, body: Lines, tail: &str) {
        self.line(if head.is_empty() { "{".to_owned() } else { format!("{head} {{") });
        self.lines.extend(body.lines.into_iter().map(|(depth, text)| (depth + 1, text)));
        self.line(format!("}}{tail}"));
    }

    /// Writes the lines to `out`, `depth` levels in, each ending with a line break.
    pub fn write(&self, out: &mut String, depth: usize) {
        for (level, text) in &self.lines {
            for _ in 0..depth + level {
                out.push_str("    ");
            }
            out.push_str(text);
            out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_blocks_are_indented_one_level_each() {
        let mut inner = Lines::new();
        inner.block("if ready", Lines::of("go();"), "");
        let mut arms = Lines::new();
        arms.block("Some(x) =>", inner, "");
        arms.line("None => stop(),");
        let mut outer = Lines::of("let a = 1;");
        outer.block("match a", arms, "");
        outer.block("", Lines::new(), ";");
        let mut text = String::new();
        outer.write(&mut text, 1);
        assert_eq!(
            text,
            "    let a = 1;\n    match a {\n        Some(x) => {\n            if ready {\n                go();\n            }\n        }\n        None => stop(),\n    }\n    {\n    };\n"
        );
    }
}
