//! [`Writer`]: emitted code as text, one line at a time, at an indentation the writer tracks.
//! The one way the text emitters (`types`, `operations`, the split folders' indexes) lay out
//! code: a line is written as it will read; the one layout decision, for comma-separated lists
//! (arguments, parameters, arrays), is made here ([`Writer::list`], [`WIDTH`]); blank lines
//! between items are asked for, never guessed.

use std::fmt::{Display, Write as _};

/// The widest line a list is kept on (rustfmt's default `max_width`); a longer one is written
/// one item per line.
pub(crate) const WIDTH: usize = 100;

/// Text being emitted, and the depth (in levels of four spaces) of the next line.
#[derive(Debug, Default)]
pub(crate) struct Writer {
    out: String,
    depth: usize,
}

impl Writer {
    /// An empty writer with room for about `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Self {
        Writer { out: String::with_capacity(capacity), depth: 0 }
    }

    /// One line at the current depth (`format_args!` writes without an allocation of its own).
    pub fn line(&mut self, text: impl Display) {
        let start = self.out.len();
        for _ in 0..self.depth {
            self.out.push_str("    ");
        }
        let text_start = self.out.len();
        let _ = write!(self.out, "{text}");
        // An empty line has no indentation (no trailing whitespace).
        if self.out.len() == text_start {
            self.out.truncate(start);
        }
        self.out.push('\n');
    }

    /// A line that opens a block (`impl X {`): what follows is one level deeper.
    pub fn open(&mut self, text: impl Display) {
        self.line(text);
        self.depth += 1;
    }

    /// A line that closes a block (`}`), one level out.
    pub fn close(&mut self, text: impl Display) {
        self.depth = self.depth.saturating_sub(1);
        self.line(text);
    }

    /// `{head}{items, ...}{tail}` on one line when it fits in [`WIDTH`] columns, else `head`,
    /// each item on a line of its own (one level deeper, with a trailing comma), and `tail`.
    pub fn list(&mut self, head: &str, items: &[String], tail: &str) {
        let line = format!("{head}{}{tail}", items.join(", "));
        if self.depth * 4 + line.len() <= WIDTH {
            self.line(line);
        } else {
            // A head or tail spaced for one line (`Self { ` … ` }`) loses the space on its own.
            self.open(head.trim_end());
            items.iter().for_each(|item| self.line(format_args!("{item},")));
            self.close(tail.trim_start());
        }
    }

    /// [`Writer::list`] that opens a block (a signature ending in `{`).
    pub fn open_list(&mut self, head: &str, items: &[String], tail: &str) {
        self.list(head, items, tail);
        self.depth += 1;
    }

    /// Lines already laid out (doc comments, each ending in a newline), at the current depth.
    pub fn lines(&mut self, text: &str) {
        for line in text.lines() {
            self.line(line);
        }
    }

    /// A blank line before the next item, unless it would be the first line, follow another
    /// blank line or open a block.
    pub fn blank(&mut self) {
        if !(self.out.is_empty() || self.out.ends_with("\n\n") || self.out.ends_with("{\n")) {
            self.out.push('\n');
        }
    }

    /// The text written, without blank lines at the end.
    pub fn finish(mut self) -> String {
        while self.out.ends_with("\n\n") {
            self.out.pop();
        }
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::Writer;

    #[test]
    fn tracks_depth_and_blank_lines() {
        let mut w = Writer::default();
        w.blank();
        w.line("/// A.");
        w.open(format_args!("impl {} {{", "A"));
        w.blank();
        w.lines("/// Doc.\n\n");
        w.line("const X: u8 = 1;");
        w.blank();
        w.blank();
        w.line("const Y: u8 = 2;");
        w.close("}");
        assert_eq!(w.finish(), "/// A.\nimpl A {\n    /// Doc.\n\n    const X: u8 = 1;\n\n    const Y: u8 = 2;\n}\n");
    }

    #[test]
    fn lists_break_past_the_width() {
        let mut w = Writer::default();
        w.open("fn f() {");
        let short = vec!["a".to_string(), "b".to_string()];
        w.list("g(", &short, ");");
        let long: Vec<String> = (0..3).map(|i| format!("{}{i}", "x".repeat(40))).collect();
        w.list("g(", &long, ");");
        w.close("}");
        let x = "x".repeat(40);
        assert_eq!(
            w.finish(),
            format!("fn f() {{\n    g(a, b);\n    g(\n        {x}0,\n        {x}1,\n        {x}2,\n    );\n}}\n")
        );
    }
}
