//! Models with the same shape become aliases of one of them.
//!
//! Big specs repeat shapes under many names (one `messages` array per product, the same enum
//! of statuses in every product); each copy would be a struct or enum with its own impls for
//! the compiler to check. Two structs are the same shape when their fields agree in name, wire
//! name, type, required and nullable flags, format and deprecation, and their extra-properties
//! type agrees; two enums when their values and representation agree. Types are compared with
//! the aliases found so far resolved, so the merging repeats until nothing changes. The first
//! name in order stays a type; the others become documented aliases of it, so every name the
//! spec gives still exists and signatures keep the names the spec uses.

use crate::ir::{Docs, EnumRepr, TypeDef, TypeKind, TypeRef};
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};

/// The parts of a model that decide its emitted code (docs aside).
#[derive(PartialEq, Eq, Hash)]
enum Shape {
    Struct { fields: Vec<FieldShape>, additional: Option<TypeRef>, deprecated: bool },
    Enum { integer: bool, variants: Vec<(String, String)>, deprecated: bool },
}

#[derive(PartialEq, Eq, Hash)]
struct FieldShape {
    rust_name: String,
    wire_name: String,
    ty: TypeRef,
    required: bool,
    nullable: bool,
    format: Option<String>,
    deprecated: bool,
}

/// Rounds of merging at most (each round can only enable merges one reference level up).
const MAX_ROUNDS: usize = 16;

/// Turns every model that has the shape of an earlier one into an alias of it.
pub fn dedupe(types: &mut BTreeMap<String, TypeDef>) {
    let mut canonical: BTreeMap<String, String> = BTreeMap::new();
    for _ in 0..MAX_ROUNDS {
        // Shapes by hash; equal hashes are compared in full, so the result never depends on
        // the hash function. Names are visited in order: the first of a shape stays a type.
        let mut first_of: HashMap<u64, Vec<(Shape, &str)>> = HashMap::new();
        let mut found: Vec<(String, String)> = Vec::new();
        for (name, def) in types.iter() {
            if canonical.contains_key(name) {
                continue;
            }
            let Some(shape) = shape(def, &canonical) else { continue };
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            shape.hash(&mut hasher);
            let same = first_of.entry(hasher.finish()).or_default();
            match same.iter().find(|(s, _)| *s == shape) {
                Some((_, first)) => found.push((name.clone(), (*first).to_string())),
                None => same.push((shape, name)),
            }
        }
        if found.is_empty() {
            break;
        }
        canonical.extend(found);
    }
    for (name, target) in &canonical {
        if let Some(def) = types.get_mut(name) {
            def.kind = TypeKind::Alias(TypeRef::Named(target.clone()));
            def.docs = alias_docs(&def.docs, target);
        }
    }
}

fn alias_docs(docs: &Docs, target: &str) -> Docs {
    let note = format!("The same shape as `{target}`, which this name stands for.");
    let description = match docs.description.as_deref().map(str::trim) {
        Some(d) if !d.is_empty() => format!("{d}\n\n{note}"),
        _ => note,
    };
    Docs { description: Some(description), ..docs.clone() }
}

fn shape(def: &TypeDef, canonical: &BTreeMap<String, String>) -> Option<Shape> {
    let deprecated = def.docs.deprecated;
    match &def.kind {
        TypeKind::Struct { fields, additional } => Some(Shape::Struct {
            fields: fields
                .iter()
                .map(|f| FieldShape {
                    rust_name: f.rust_name.clone(),
                    wire_name: f.wire_name.clone(),
                    ty: resolved(&f.ty, canonical),
                    required: f.required,
                    nullable: f.nullable,
                    format: f.docs.format.clone(),
                    deprecated: f.docs.deprecated,
                })
                .collect(),
            additional: additional.as_ref().map(|t| resolved(t, canonical)),
            deprecated,
        }),
        TypeKind::Enum { repr, variants } => Some(Shape::Enum {
            integer: *repr == EnumRepr::Integer,
            variants: variants.iter().map(|v| (v.rust_name.clone(), v.wire.clone())).collect(),
            deprecated,
        }),
        TypeKind::Alias(_) | TypeKind::Newtype(_) | TypeKind::Union { .. } => None,
    }
}

/// `t` with every name that became an alias replaced by the type it stands for.
fn resolved(t: &TypeRef, canonical: &BTreeMap<String, String>) -> TypeRef {
    match t {
        TypeRef::Named(n) => TypeRef::Named(canonical.get(n).cloned().unwrap_or_else(|| n.clone())),
        TypeRef::Vec(inner) => TypeRef::Vec(Box::new(resolved(inner, canonical))),
        TypeRef::Map(inner) => TypeRef::Map(Box::new(resolved(inner, canonical))),
        TypeRef::Nullable(inner) => TypeRef::Nullable(Box::new(resolved(inner, canonical))),
        TypeRef::Boxed(inner) => TypeRef::Boxed(Box::new(resolved(inner, canonical))),
        other => other.clone(),
    }
}
