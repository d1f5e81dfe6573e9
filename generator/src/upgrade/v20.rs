//! Swagger 2.0 → OpenAPI 3.0, as JSON (not yet: one diagnostic, as before).

use super::Upgraded;
use crate::diag::Diagnostic;
use serde_json::Value;

pub(super) fn upgrade(_doc: &mut Value, up: &mut Upgraded) {
    up.errors.push(Diagnostic::unsupported(
        "/swagger",
        "Swagger 2.0 documents are not supported; convert to OpenAPI 3.0 first",
    ));
}
