//! `cargo xtask add-operation`: copies operations and what they reference from an upstream spec
//! into the hand-written one ([`generator::extend::add_operations`]), in place.

use std::fs;
use std::path::Path;

/// Reads the upstream spec `from` and the spec `spec`, adds the operations `selectors` names
/// (operationIds or `METHOD /path`), and writes `spec` back, only if everything succeeded
/// (through a temporary file beside it, so a failed write leaves it whole). Returns what was
/// added and reused.
pub fn run(from: &Path, spec: &Path, selectors: &[&str]) -> Result<generator::extend::Extension, String> {
    let upstream = fs::read_to_string(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    let text = fs::read_to_string(spec).map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let extension = generator::extend::add_operations(&text, &upstream, selectors)
        .map_err(|d| format!("{} (from {}):\n{d}", spec.display(), from.display()))?;
    let mut temporary = spec.as_os_str().to_owned();
    temporary.push(".add-operation.tmp");
    fs::write(&temporary, &extension.text)
        .map_err(|e| format!("cannot write {}: {e}", Path::new(&temporary).display()))?;
    fs::rename(&temporary, spec).map_err(|e| format!("cannot replace {}: {e}", spec.display()))?;
    Ok(extension)
}
