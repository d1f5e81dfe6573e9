//! Diagnostics: what is wrong with a spec, and where.

use std::fmt;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// The input is not a valid OpenAPI 3.0 document (or not even YAML/JSON).
    Invalid,
    /// The input is valid, but uses something this generator does not support (yet).
    Unsupported,
    /// A bug in the generator: it produced something it could not print.
    Internal,
    /// A likely mistake in a valid spec that does not stop generation (a `required` name that
    /// no property declares): the client is generated as the spec says, which is probably not
    /// what its authors meant.
    Warning,
}

/// One finding about the spec, located by a JSON pointer into the document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The kind of finding.
    pub kind: Kind,
    /// A JSON pointer (RFC 6901) to the offending node, e.g. `/paths/~1zones/get`.
    pub pointer: String,
    /// A 1-based line in the spec text, where known.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl Diagnostic {
    /// An invalid-spec finding.
    pub fn invalid(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic { kind: Kind::Invalid, pointer: pointer.into(), line: None, message: message.into() }
    }

    /// An unsupported-feature finding.
    pub fn unsupported(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic { kind: Kind::Unsupported, pointer: pointer.into(), line: None, message: message.into() }
    }

    /// A likely mistake that does not stop generation.
    pub fn warning(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic { kind: Kind::Warning, pointer: pointer.into(), line: None, message: message.into() }
    }

    /// A generator bug.
    pub fn internal(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic { kind: Kind::Internal, pointer: pointer.into(), line: None, message: message.into() }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            Kind::Invalid => "invalid spec",
            Kind::Unsupported => "unsupported",
            Kind::Internal => "internal error",
            Kind::Warning => "warning",
        };
        let pointer = if self.pointer.is_empty() { "/" } else { &self.pointer };
        match self.line {
            Some(line) => write!(f, "{kind}: at {pointer} (line {line}): {}", self.message),
            None => write!(f, "{kind}: at {pointer}: {}", self.message),
        }
    }
}

/// All findings of one run, in a stable order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub(crate) fn sorted(mut list: Vec<Diagnostic>) -> Self {
        list.sort_by(|a, b| (&a.pointer, &a.message).cmp(&(&b.pointer, &b.message)));
        list.dedup();
        Diagnostics(list)
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// Escapes one JSON-pointer token (`~` → `~0`, `/` → `~1`).
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Builds a JSON pointer from a base and further tokens.
pub fn ptr(base: &str, tokens: &[&str]) -> String {
    let mut s = base.to_string();
    for t in tokens {
        s.push('/');
        s.push_str(&escape(t));
    }
    s
}
