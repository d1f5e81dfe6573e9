//! [`Writer`]: emitted code as text, one line at a time, at an indentation the writer tracks.
//! The one way the model emitter (`types`) lays out code: a line is written as it will read,
//! whatever its length, and blank lines between items are asked for, never guessed.

use std::fmt::{Display, Write as _};

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
}
