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

use crate::ir::{Docs, EnumRepr, Field, TypeDef, TypeKind, TypeRef};
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};

/// A model as far as its emitted code goes (docs aside), compared and hashed with the names
/// that became aliases resolved. Borrowed: computing one allocates nothing.
struct Shape<'a> {
    def: &'a TypeDef,
    canonical: &'a BTreeMap<String, String>,
}

impl Shape<'_> {
    fn of<'a>(def: &'a TypeDef, canonical: &'a BTreeMap<String, String>) -> Option<Shape<'a>> {
        matches!(def.kind, TypeKind::Struct { .. } | TypeKind::Enum { .. }).then_some(Shape { def, canonical })
    }

    fn name<'b>(&'b self, name: &'b str) -> &'b str {
        self.canonical.get(name).map_or(name, String::as_str)
    }

    fn hash_ty<H: Hasher>(&self, t: &TypeRef, state: &mut H) {
        std::mem::discriminant(t).hash(state);
        match t {
            TypeRef::Named(n) => self.name(n).hash(state),
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) | TypeRef::Boxed(inner) => {
                self.hash_ty(inner, state)
            }
            _ => {}
        }
    }

    fn same_ty(&self, a: &TypeRef, b: &TypeRef) -> bool {
        match (a, b) {
            (TypeRef::Named(x), TypeRef::Named(y)) => self.name(x) == self.name(y),
            (TypeRef::Vec(x), TypeRef::Vec(y))
            | (TypeRef::Map(x), TypeRef::Map(y))
            | (TypeRef::Nullable(x), TypeRef::Nullable(y))
            | (TypeRef::Boxed(x), TypeRef::Boxed(y)) => self.same_ty(x, y),
            _ => a == b,
        }
    }
}

fn same_field(shape: &Shape<'_>, a: &Field, b: &Field) -> bool {
    a.rust_name == b.rust_name
        && a.wire_name == b.wire_name
        && a.required == b.required
        && a.nullable == b.nullable
        && a.docs.format == b.docs.format
        && a.docs.deprecated == b.docs.deprecated
        && shape.same_ty(&a.ty, &b.ty)
}

impl Hash for Shape<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.def.docs.deprecated.hash(state);
        match &self.def.kind {
            TypeKind::Struct { fields, additional } => {
                0u8.hash(state);
                for f in fields {
                    (&f.rust_name, &f.wire_name, f.required, f.nullable, &f.docs.format, f.docs.deprecated).hash(state);
                    self.hash_ty(&f.ty, state);
                }
                if let Some(t) = additional {
                    self.hash_ty(t, state);
                }
            }
            TypeKind::Enum { repr, variants } => {
                (1u8, *repr == EnumRepr::Integer).hash(state);
                for v in variants {
                    (&v.rust_name, &v.wire).hash(state);
                }
            }
            _ => {}
        }
    }
}

impl PartialEq for Shape<'_> {
    fn eq(&self, other: &Self) -> bool {
        if self.def.docs.deprecated != other.def.docs.deprecated {
            return false;
        }
        match (&self.def.kind, &other.def.kind) {
            (TypeKind::Struct { fields: a, additional: x }, TypeKind::Struct { fields: b, additional: y }) => {
                a.len() == b.len()
                    && a.iter().zip(b).all(|(f, g)| same_field(self, f, g))
                    && match (x, y) {
                        (Some(x), Some(y)) => self.same_ty(x, y),
                        (None, None) => true,
                        _ => false,
                    }
            }
            (TypeKind::Enum { repr: r, variants: a }, TypeKind::Enum { repr: q, variants: b }) => {
                r == q
                    && a.len() == b.len()
                    && a.iter().zip(b).all(|(v, w)| v.rust_name == w.rust_name && v.wire == w.wire)
            }
            _ => false,
        }
    }
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
            let Some(shape) = Shape::of(def, &canonical) else { continue };
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
