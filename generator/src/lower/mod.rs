//! `openapiv3` → IR. Every validation and every "unsupported" decision lives here; emission
//! only ever sees a well-formed [`ir::Api`].

mod dedupe;
mod errors;
mod extensions;
mod operation;
mod pagination;
mod schema;

use crate::diag::{ptr, Diagnostic};
use crate::ir;
use crate::naming::{self, Namer};
use openapiv3::{OpenAPI, ReferenceOr, Schema};
use std::collections::{BTreeMap, BTreeSet};

/// Lowers a parsed document, with its warnings. Collects every finding instead of stopping at
/// the first.
pub fn lower(doc: &OpenAPI, mappings: ir::TypeMappings) -> Result<(ir::Api, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut cx = Cx::new(doc);
    cx.mappings = mappings;
    cx.api.title = doc.info.title.clone();
    cx.api.version = doc.info.version.clone();
    cx.api.description = doc.info.description.clone();
    cx.api.server_url = doc.servers.first().map(|s| s.url.clone());
    extensions::read_root(&mut cx);
    extensions::read_retry_root(&mut cx);
    cx.listing_decl = pagination::read_root(&mut cx);
    cx.lower_components();
    operation::lower_operations(&mut cx);
    extensions::lower_security(&mut cx);
    schema::resolve_self_references(&mut cx.api.types, &mut cx.diags);
    schema::box_cycles(&mut cx.api.types);
    dedupe::dedupe(&mut cx.api.types);
    errors::dedupe(&mut cx.api);
    if cx.diags.is_empty() {
        cx.diags = check_names(&cx.api);
    }
    if cx.diags.is_empty() {
        Ok((cx.api, cx.warnings))
    } else {
        Err(cx.diags)
    }
}

/// Every identifier the IR hands to emission is valid Rust; a name that is not is a generator
/// bug, reported here, so that emission assumes valid names (see `emit::toolkit::ident`).
fn check_names(api: &ir::Api) -> Vec<Diagnostic> {
    // (name, where it comes from): borrowed, as nearly every name is fine.
    let mut names: Vec<(&str, &str)> = Vec::new();
    for def in api.types.values() {
        let at = def.docs.source.as_deref().unwrap_or_default();
        names.push((&def.name, at));
        match &def.kind {
            ir::TypeKind::Struct { fields, .. } => names.extend(fields.iter().map(|f| (f.rust_name.as_str(), at))),
            ir::TypeKind::Enum { variants, .. } => names.extend(variants.iter().map(|v| (v.rust_name.as_str(), at))),
            ir::TypeKind::Union { variants, .. } => names.extend(variants.iter().map(|v| (v.rust_name.as_str(), at))),
            ir::TypeKind::Alias(_) | ir::TypeKind::Newtype(_) => {}
        }
    }
    for op in &api.operations {
        let at = op.docs.source.as_deref().unwrap_or_default();
        names.push((&op.rust_name, at));
        names.extend(op.params.iter().map(|p| (p.rust_name.as_str(), at)));
        names.extend(op.params_type.iter().map(|p| (p.as_str(), at)));
    }
    for e in api.errors.values() {
        names.push((&e.name, &e.source));
        names.extend(e.variants.iter().map(|v| (v.rust_name.as_str(), e.source.as_str())));
    }
    for scheme in api.auth.schemes.values() {
        names.push((&scheme.rust_name, scheme.docs.source.as_deref().unwrap_or_default()));
    }
    names
        .into_iter()
        .filter(|(name, _)| !crate::naming::is_ident(name))
        .map(|(name, at)| Diagnostic::internal(at, format!("generated an invalid Rust identifier `{name}`")))
        .collect()
}

/// Lowering state.
pub(crate) struct Cx<'a> {
    pub doc: &'a OpenAPI,
    pub api: ir::Api,
    pub diags: Vec<Diagnostic>,
    /// Findings that do not stop generation (an operation left out, say).
    pub warnings: Vec<Diagnostic>,
    /// Component schema name → Rust type name.
    pub component_names: BTreeMap<String, String>,
    /// Every type name handed out so far.
    pub taken: BTreeSet<String>,
    /// Raw `x-envelope` / `x-pagination` declarations, checked against operations as they come.
    pub envelope_decl: Option<extensions::EnvelopeDecl>,
    pub pagination_decl: Option<ir::PaginationScheme>,
    /// The root's listing declaration (`x-pagination` with style keys, or `x-fern-pagination`).
    pub listing_decl: Option<pagination::Decl>,
    /// The root's declarations about retries (policy, idempotency header, count header).
    pub retry_decl: extensions::RetryDecl,
    /// The components `object_shape` is inside of (an `allOf` that reaches itself again adds
    /// nothing, and following it would be exponential in the depth bound).
    pub shape_stack: Vec<String>,
    /// The string formats read as other types than `String` (the config's `[types]`).
    pub mappings: ir::TypeMappings,
}

impl<'a> Cx<'a> {
    fn new(doc: &'a OpenAPI) -> Self {
        Cx {
            doc,
            api: ir::Api::default(),
            diags: Vec::new(),
            warnings: Vec::new(),
            component_names: BTreeMap::new(),
            taken: BTreeSet::new(),
            envelope_decl: None,
            pagination_decl: None,
            listing_decl: None,
            retry_decl: extensions::RetryDecl::default(),
            shape_stack: Vec::new(),
            mappings: ir::TypeMappings::default(),
        }
    }

    pub fn error(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// Names every component schema first (so a component always gets its own name, whatever
    /// inline types are created later), then lowers each one.
    fn lower_components(&mut self) {
        let Some(components) = &self.doc.components else { return };
        let mut namer = Namer::default();
        for name in components.schemas.keys() {
            namer.reserve(name, naming::type_name(name));
        }
        self.component_names = namer.resolve();
        self.taken.extend(self.component_names.values().cloned());
        for (name, schema) in &components.schemas {
            let Some(rust) = self.component_names.get(name).cloned() else { continue };
            let pointer = ptr("/components/schemas", &[name]);
            self.define_named(&rust, schema, &pointer);
        }
    }

    /// A fresh type name for an inline schema, derived from where it sits.
    pub fn fresh_name(&mut self, hint: &str) -> String {
        let base = naming::type_name(hint);
        let mut name = base.clone();
        let mut n = 2usize;
        while self.taken.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        self.taken.insert(name.clone());
        name
    }

    /// Resolves a `$ref` to a component schema: (component name, schema).
    pub fn resolve_schema_ref(&mut self, reference: &str, pointer: &str) -> Option<(&'a str, &'a Schema)> {
        let Some(name) = reference.strip_prefix("#/components/schemas/") else {
            self.error(Diagnostic::unsupported(
                pointer,
                format!("`$ref: {reference}`: only references to #/components/schemas/… are supported for schemas"),
            ));
            return None;
        };
        let name = unescape(name);
        let doc: &'a OpenAPI = self.doc;
        let found = doc.components.as_ref().and_then(|c| c.schemas.get_key_value(name.as_str()));
        match found {
            Some((key, ReferenceOr::Item(schema))) => Some((key.as_str(), schema)),
            Some((key, ReferenceOr::Reference { reference: next })) => {
                // A component that is itself a reference: follow it (bounded, to survive cycles).
                let next = next.clone();
                let mut hops = 0;
                let mut current = next;
                loop {
                    hops += 1;
                    if hops > 32 {
                        self.error(Diagnostic::invalid(
                            pointer,
                            format!("`$ref: {reference}` is a cycle of references"),
                        ));
                        return None;
                    }
                    let inner = current.strip_prefix("#/components/schemas/").map(unescape);
                    let hit = inner.as_deref().and_then(|n| doc.components.as_ref().and_then(|c| c.schemas.get(n)));
                    match hit {
                        Some(ReferenceOr::Item(schema)) => return Some((key.as_str(), schema)),
                        Some(ReferenceOr::Reference { reference }) => current = reference.clone(),
                        None => {
                            self.error(Diagnostic::invalid(pointer, format!("`$ref: {current}` points to nothing")));
                            return None;
                        }
                    }
                }
            }
            None => {
                self.error(Diagnostic::invalid(
                    pointer,
                    format!(
                        "`$ref: {reference}` points to nothing: there is no schema `{name}` under #/components/schemas"
                    ),
                ));
                None
            }
        }
    }
}

/// Undoes JSON-pointer escaping in one token.
pub(crate) fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Docs from a schema's `title`/`description`.
pub(crate) fn schema_docs(schema: &Schema, pointer: &str) -> ir::Docs {
    let text = |t: &Option<String>| t.clone().filter(|t| !t.trim().is_empty());
    ir::Docs {
        summary: text(&schema.schema_data.title),
        description: text(&schema.schema_data.description),
        source: Some(pointer.to_string()),
        deprecated: schema.schema_data.deprecated,
        format: string_format(schema),
    }
}

/// A string `format` that the Rust type (`String`) does not express, for the docs.
fn string_format(schema: &Schema) -> Option<String> {
    use openapiv3::{SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => match &s.format {
            VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => Some("byte".into()),
            VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => Some("binary".into()),
            VariantOrUnknownOrEmpty::Item(StringFormat::Password) => Some("password".into()),
            VariantOrUnknownOrEmpty::Unknown(f) => Some(f.clone()),
            _ => None,
        },
        SchemaKind::Any(a) if a.typ.as_deref() == Some("string") => {
            a.format.clone().filter(|f| f != "date" && f != "date-time")
        }
        _ => None,
    }
}
