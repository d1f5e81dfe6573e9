//! Schemas → types.

use super::{schema_docs, Cx};
use crate::diag::{ptr, Diagnostic};
use crate::ir::{Constraints, EnumRepr, Field, TypeDef, TypeKind, TypeRef, Variant};
use crate::naming::{self, Namer};
use openapiv3::{
    AdditionalProperties, AnySchema, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use std::collections::{BTreeMap, BTreeSet};

/// Depth at which nested inline schemas stop being followed (a guard, not a limit real specs hit).
const MAX_DEPTH: usize = 64;

/// An object's properties after `$ref`s are followed and `allOf` parts are merged.
pub(crate) struct Merged<'a> {
    pub properties: Vec<(String, &'a ReferenceOr<Box<Schema>>, String)>,
    pub required: BTreeSet<String>,
    pub additional: Option<&'a AdditionalProperties>,
}

impl<'a> Cx<'a> {
    /// Lowers a component (or a fresh inline type) under the name `rust`.
    pub(crate) fn define_named(&mut self, rust: &str, schema: &'a ReferenceOr<Schema>, pointer: &str) {
        let (kind, docs) = match schema {
            ReferenceOr::Reference { reference } => {
                let ty = self.ref_type(reference, pointer);
                (TypeKind::Alias(ty), crate::ir::Docs { source: Some(pointer.to_string()), ..Default::default() })
            }
            ReferenceOr::Item(s) => (self.kind_of(rust, s, pointer, 0), schema_docs(s, pointer)),
        };
        self.api.types.insert(rust.to_string(), TypeDef { name: rust.to_string(), docs, kind });
    }

    fn kind_of(&mut self, rust: &str, schema: &'a Schema, pointer: &str, depth: usize) -> TypeKind {
        if let Some(merged) = self.object_shape(schema, pointer, depth) {
            if !merged.properties.is_empty() || matches!(schema.schema_kind, SchemaKind::AllOf { .. }) {
                return self.struct_kind(rust, merged, pointer, depth);
            }
        }
        if let Some((kind @ EnumKind::Repr(_), values)) = enum_values(schema) {
            return enum_kind(kind, values);
        }
        match &schema.schema_kind {
            SchemaKind::OneOf { one_of: alts } | SchemaKind::AnyOf { any_of: alts } => {
                let key = if matches!(schema.schema_kind, SchemaKind::OneOf { .. }) { "oneOf" } else { "anyOf" };
                let mut namer = Namer::default();
                let mut names = Vec::new();
                for (i, alt) in alts.iter().enumerate() {
                    let label = match alt {
                        ReferenceOr::Reference { reference } => {
                            reference.rsplit('/').next().unwrap_or("variant").to_string()
                        }
                        ReferenceOr::Item(s) => s.schema_data.title.clone().unwrap_or_else(|| format!("variant{i}")),
                    };
                    let key_i = format!("{i:04}");
                    namer.reserve(&key_i, naming::pascal(&label));
                    names.push(key_i);
                }
                let resolved = namer.resolve();
                let mut variants = Vec::new();
                for (i, alt) in alts.iter().enumerate() {
                    let p = ptr(pointer, &[key, &i.to_string()]);
                    let name = names.get(i).and_then(|k| resolved.get(k)).cloned().unwrap_or_default();
                    let ty = self.type_of_ref(alt, &format!("{rust}{name}"), &p, depth + 1);
                    variants.push((name, ty));
                }
                TypeKind::Untagged { variants }
            }
            _ => TypeKind::Alias(self.type_of(schema, rust, pointer, depth)),
        }
    }

    fn struct_kind(&mut self, rust: &str, merged: Merged<'a>, pointer: &str, depth: usize) -> TypeKind {
        let mut namer = Namer::default();
        for (wire, _, _) in &merged.properties {
            namer.reserve(wire, naming::snake(wire));
        }
        let names = namer.resolve();
        let mut fields = Vec::new();
        for (wire, prop, prop_ptr) in &merged.properties {
            let hint = format!("{rust}_{wire}");
            let ty = self.type_of_boxed(prop, &hint, prop_ptr, depth + 1);
            let (docs, nullable) = self.property_docs(prop, prop_ptr);
            fields.push(Field {
                rust_name: names.get(wire).cloned().unwrap_or_else(|| naming::snake(wire)),
                wire_name: wire.clone(),
                ty,
                required: merged.required.contains(wire),
                nullable,
                docs,
            });
        }
        let additional = match merged.additional {
            Some(AdditionalProperties::Schema(s)) => {
                Some(self.type_of_ref(s, &format!("{rust}_value"), &ptr(pointer, &["additionalProperties"]), depth + 1))
            }
            Some(AdditionalProperties::Any(true)) => Some(TypeRef::Json),
            _ => None,
        };
        TypeKind::Struct { fields, additional }
    }

    /// Docs for a property: its own description, or (for a `$ref`) the target's.
    fn property_docs(&mut self, prop: &'a ReferenceOr<Box<Schema>>, pointer: &str) -> (crate::ir::Docs, bool) {
        match prop {
            ReferenceOr::Item(s) => (schema_docs(s, pointer), s.schema_data.nullable),
            ReferenceOr::Reference { reference } => match self.resolve_schema_ref(reference, pointer) {
                Some((_, s)) => {
                    let mut d = schema_docs(s, pointer);
                    d.source = Some(pointer.to_string());
                    (d, s.schema_data.nullable)
                }
                None => (crate::ir::Docs::default(), false),
            },
        }
    }

    /// The properties of an object schema, following `$ref`s and merging `allOf`.
    pub(crate) fn object_shape(&mut self, schema: &'a Schema, pointer: &str, depth: usize) -> Option<Merged<'a>> {
        if depth > MAX_DEPTH {
            return None;
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => Some(Merged {
                properties: o
                    .properties
                    .iter()
                    .map(|(k, v)| (k.clone(), v, ptr(pointer, &["properties", k])))
                    .collect(),
                required: o.required.iter().cloned().collect(),
                additional: o.additional_properties.as_ref(),
            }),
            SchemaKind::Any(a) if !a.properties.is_empty() || a.typ.as_deref() == Some("object") => Some(Merged {
                properties: a
                    .properties
                    .iter()
                    .map(|(k, v)| (k.clone(), v, ptr(pointer, &["properties", k])))
                    .collect(),
                required: a.required.iter().cloned().collect(),
                additional: a.additional_properties.as_ref(),
            }),
            SchemaKind::AllOf { all_of } => {
                let mut out = Merged { properties: Vec::new(), required: BTreeSet::new(), additional: None };
                for (i, part) in all_of.iter().enumerate() {
                    let p = ptr(pointer, &["allOf", &i.to_string()]);
                    let (part_schema, part_ptr) = match part {
                        ReferenceOr::Item(s) => (s, p),
                        ReferenceOr::Reference { reference } => match self.resolve_schema_ref(reference, &p) {
                            Some((name, s)) => (s, ptr("/components/schemas", &[name])),
                            None => continue,
                        },
                    };
                    let Some(shape) = self.object_shape(part_schema, &part_ptr, depth + 1) else {
                        if !is_empty_schema(part_schema) {
                            self.error(Diagnostic::unsupported(
                                &part_ptr,
                                "`allOf` part is not an object schema; only objects can be merged",
                            ));
                        }
                        continue;
                    };
                    for (name, prop, prop_ptr) in shape.properties {
                        // A later part refines an earlier one: keep the first position, the last schema.
                        if let Some(slot) = out.properties.iter_mut().find(|(n, _, _)| *n == name) {
                            slot.1 = prop;
                            slot.2 = prop_ptr;
                        } else {
                            out.properties.push((name, prop, prop_ptr));
                        }
                    }
                    out.required.extend(shape.required);
                    if shape.additional.is_some() {
                        out.additional = shape.additional;
                    }
                }
                Some(out)
            }
            _ => None,
        }
    }

    /// The type of a `$ref` to a component.
    pub(crate) fn ref_type(&mut self, reference: &str, pointer: &str) -> TypeRef {
        if self.resolve_schema_ref(reference, pointer).is_none() {
            return TypeRef::Json;
        }
        let name = super::unescape(reference.trim_start_matches("#/components/schemas/"));
        match self.component_names.get(&name) {
            Some(rust) => TypeRef::Named(rust.clone()),
            None => TypeRef::Json,
        }
    }

    pub(crate) fn type_of_boxed(
        &mut self,
        s: &'a ReferenceOr<Box<Schema>>,
        hint: &str,
        pointer: &str,
        depth: usize,
    ) -> TypeRef {
        match s {
            ReferenceOr::Reference { reference } => self.ref_type(reference, pointer),
            ReferenceOr::Item(schema) => self.type_of(schema, hint, pointer, depth),
        }
    }

    pub(crate) fn type_of_ref(
        &mut self,
        s: &'a ReferenceOr<Schema>,
        hint: &str,
        pointer: &str,
        depth: usize,
    ) -> TypeRef {
        match s {
            ReferenceOr::Reference { reference } => self.ref_type(reference, pointer),
            ReferenceOr::Item(schema) => self.type_of(schema, hint, pointer, depth),
        }
    }

    /// The type of an inline schema; objects, enums and unions become named types.
    pub(crate) fn type_of(&mut self, schema: &'a Schema, hint: &str, pointer: &str, depth: usize) -> TypeRef {
        let ty = self.type_of_inner(schema, hint, pointer, depth);
        if schema.schema_data.nullable && !matches!(ty, TypeRef::Json) {
            TypeRef::Nullable(Box::new(ty))
        } else {
            ty
        }
    }

    fn type_of_inner(&mut self, schema: &'a Schema, hint: &str, pointer: &str, depth: usize) -> TypeRef {
        if depth > MAX_DEPTH {
            self.error(Diagnostic::unsupported(pointer, "schema nested too deeply"));
            return TypeRef::Json;
        }
        if let Some((EnumKind::Repr(_), _)) = enum_values(schema) {
            return self.named_inline(schema, hint, pointer, depth);
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => match &s.format {
                VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => TypeRef::DateTime,
                VariantOrUnknownOrEmpty::Item(StringFormat::Date) => TypeRef::Date,
                _ => TypeRef::String,
            },
            SchemaKind::Type(Type::Integer(i)) => match &i.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
                _ => TypeRef::I64,
            },
            SchemaKind::Type(Type::Number(n)) => match &n.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => TypeRef::F32,
                _ => TypeRef::F64,
            },
            SchemaKind::Type(Type::Boolean(b)) => match b.enumeration.as_slice() {
                [Some(true)] => TypeRef::True,
                [Some(false)] => TypeRef::False,
                _ => TypeRef::Bool,
            },
            SchemaKind::Type(Type::Array(a)) => {
                let item = match &a.items {
                    Some(items) => {
                        self.type_of_boxed(items, &format!("{hint}_item"), &ptr(pointer, &["items"]), depth + 1)
                    }
                    None => TypeRef::Json,
                };
                TypeRef::Vec(Box::new(item))
            }
            SchemaKind::Type(Type::Object(o)) => {
                if o.properties.is_empty() {
                    match &o.additional_properties {
                        Some(AdditionalProperties::Schema(v)) => {
                            let value = self.type_of_ref(
                                v,
                                &format!("{hint}_value"),
                                &ptr(pointer, &["additionalProperties"]),
                                depth + 1,
                            );
                            TypeRef::Map(Box::new(value))
                        }
                        _ => TypeRef::Json,
                    }
                } else {
                    self.named_inline(schema, hint, pointer, depth)
                }
            }
            SchemaKind::AllOf { all_of } if all_of.len() == 1 => match all_of.first() {
                // `allOf: [$ref]` is the usual way to attach docs to a reference.
                Some(only) => self.type_of_ref(only, hint, &ptr(pointer, &["allOf", "0"]), depth + 1),
                None => TypeRef::Json,
            },
            SchemaKind::AllOf { .. } | SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => {
                self.named_inline(schema, hint, pointer, depth)
            }
            SchemaKind::Not { .. } => {
                self.error(Diagnostic::unsupported(pointer, "`not` schemas are not supported"));
                TypeRef::Json
            }
            SchemaKind::Any(a) => self.any_type(a, schema, hint, pointer, depth),
        }
    }

    fn any_type(&mut self, a: &'a AnySchema, schema: &'a Schema, hint: &str, pointer: &str, depth: usize) -> TypeRef {
        if !a.properties.is_empty() || !a.all_of.is_empty() || !a.one_of.is_empty() || !a.any_of.is_empty() {
            return self.named_inline(schema, hint, pointer, depth);
        }
        match a.typ.as_deref() {
            Some("string") => match a.format.as_deref() {
                Some("date-time") => TypeRef::DateTime,
                Some("date") => TypeRef::Date,
                _ => TypeRef::String,
            },
            Some("integer") => TypeRef::I64,
            Some("number") => TypeRef::F64,
            Some("boolean") => TypeRef::Bool,
            Some("array") => {
                let item = match &a.items {
                    Some(items) => {
                        self.type_of_boxed(items, &format!("{hint}_item"), &ptr(pointer, &["items"]), depth + 1)
                    }
                    None => TypeRef::Json,
                };
                TypeRef::Vec(Box::new(item))
            }
            _ => TypeRef::Json,
        }
    }

    fn named_inline(&mut self, schema: &'a Schema, hint: &str, pointer: &str, depth: usize) -> TypeRef {
        let name = self.fresh_name(hint);
        let kind = self.kind_of(&name, schema, pointer, depth + 1);
        let docs = schema_docs(schema, pointer);
        self.api.types.insert(name.clone(), TypeDef { name: name.clone(), docs, kind });
        TypeRef::Named(name)
    }
}

/// `{}`: accepts anything.
fn is_empty_schema(s: &Schema) -> bool {
    matches!(&s.schema_kind, SchemaKind::Any(a) if a.typ.is_none() && a.properties.is_empty() && a.enumeration.is_empty())
}

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub(crate) enum EnumKind {
    Repr(EnumRepr),
    Bool,
}

/// The listed values of an enum schema, as wire strings.
fn enum_values(schema: &Schema) -> Option<(EnumKind, Vec<String>)> {
    let (kind, values): (EnumKind, Vec<String>) = match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => {
            (EnumKind::Repr(EnumRepr::String), s.enumeration.iter().flatten().cloned().collect())
        }
        SchemaKind::Type(Type::Integer(i)) if !i.enumeration.is_empty() => {
            (EnumKind::Repr(EnumRepr::Integer), i.enumeration.iter().flatten().map(|v| v.to_string()).collect())
        }
        SchemaKind::Type(Type::Boolean(b)) if !b.enumeration.is_empty() => (EnumKind::Bool, Vec::new()),
        SchemaKind::Any(a) if !a.enumeration.is_empty() && a.properties.is_empty() => {
            if a.enumeration.iter().all(|v| v.is_string() || v.is_null()) {
                (
                    EnumKind::Repr(EnumRepr::String),
                    a.enumeration.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
                )
            } else if a.enumeration.iter().all(|v| v.is_i64() || v.is_null()) {
                (
                    EnumKind::Repr(EnumRepr::Integer),
                    a.enumeration.iter().filter_map(|v| v.as_i64().map(|n| n.to_string())).collect(),
                )
            } else {
                return None;
            }
        }
        _ => return None,
    };
    if kind != EnumKind::Bool && values.is_empty() {
        return None;
    }
    Some((kind, values))
}

fn enum_kind(kind: EnumKind, values: Vec<String>) -> TypeKind {
    let repr = match kind {
        EnumKind::Repr(r) => r,
        EnumKind::Bool => EnumRepr::String,
    };
    let mut namer = Namer::with_taken(["Unknown"]);
    let mut seen = BTreeSet::new();
    let mut unique = Vec::new();
    for v in values {
        if seen.insert(v.clone()) {
            let ident = match repr {
                EnumRepr::Integer => naming::pascal(&format!("value_{}", v.replace('-', "minus_"))),
                EnumRepr::String if v.is_empty() => "Empty".to_string(),
                EnumRepr::String => naming::pascal(&v),
            };
            namer.reserve(&v, ident);
            unique.push(v);
        }
    }
    let names = namer.resolve();
    let variants = unique
        .into_iter()
        .map(|wire| Variant { rust_name: names.get(&wire).cloned().unwrap_or_default(), wire })
        .collect();
    TypeKind::Enum { repr, variants }
}

/// The checks a parameter schema asks for.
pub(crate) fn constraints(schema: &Schema) -> Constraints {
    let mut c = Constraints::default();
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            c.min_length = s.min_length;
            c.max_length = s.max_length;
        }
        SchemaKind::Type(Type::Integer(i)) => {
            c.minimum = i.minimum.map(|v| v as f64);
            c.maximum = i.maximum.map(|v| v as f64);
            c.exclusive_minimum = i.exclusive_minimum;
            c.exclusive_maximum = i.exclusive_maximum;
        }
        SchemaKind::Type(Type::Number(n)) => {
            c.minimum = n.minimum;
            c.maximum = n.maximum;
            c.exclusive_minimum = n.exclusive_minimum;
            c.exclusive_maximum = n.exclusive_maximum;
        }
        SchemaKind::Type(Type::Array(a)) => {
            c.min_items = a.min_items;
            c.max_items = a.max_items;
        }
        SchemaKind::Any(a) => {
            c.min_length = a.min_length;
            c.max_length = a.max_length;
            c.minimum = a.minimum;
            c.maximum = a.maximum;
            c.exclusive_minimum = a.exclusive_minimum.unwrap_or(false);
            c.exclusive_maximum = a.exclusive_maximum.unwrap_or(false);
        }
        _ => {}
    }
    c
}

/// Boxes struct fields that would make a type contain itself (directly or through other
/// structs), so recursive schemas compile. `Vec` and map fields already add indirection.
pub(crate) fn box_cycles(types: &mut BTreeMap<String, TypeDef>) {
    fn direct(ty: &TypeRef) -> Option<&str> {
        match ty {
            TypeRef::Named(n) => Some(n),
            TypeRef::Nullable(inner) => direct(inner),
            _ => None,
        }
    }
    // Edges: type -> types it contains inline.
    let edges: BTreeMap<String, Vec<String>> = types
        .iter()
        .map(|(name, def)| {
            let out = match &def.kind {
                TypeKind::Struct { fields, .. } => {
                    fields.iter().filter_map(|f| direct(&f.ty).map(str::to_string)).collect()
                }
                TypeKind::Alias(t) => direct(t).map(str::to_string).into_iter().collect(),
                TypeKind::Untagged { variants } => {
                    variants.iter().filter_map(|(_, t)| direct(t).map(str::to_string)).collect()
                }
                TypeKind::Enum { .. } => Vec::new(),
            };
            (name.clone(), out)
        })
        .collect();
    let reaches = |from: &str, to: &str| -> bool {
        let mut stack = vec![from.to_string()];
        let mut seen = BTreeSet::new();
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if seen.insert(n.clone()) {
                if let Some(next) = edges.get(&n) {
                    stack.extend(next.iter().cloned());
                }
            }
        }
        false
    };
    let names: Vec<String> = types.keys().cloned().collect();
    for name in names {
        let Some(def) = types.get(&name) else { continue };
        let mut to_box = Vec::new();
        match &def.kind {
            TypeKind::Struct { fields, .. } => {
                for (i, f) in fields.iter().enumerate() {
                    if let Some(target) = direct(&f.ty) {
                        if reaches(target, &name) {
                            to_box.push(i);
                        }
                    }
                }
            }
            TypeKind::Untagged { variants } => {
                for (i, (_, t)) in variants.iter().enumerate() {
                    if let Some(target) = direct(t) {
                        if reaches(target, &name) {
                            to_box.push(i);
                        }
                    }
                }
            }
            _ => {}
        }
        if let Some(def) = types.get_mut(&name) {
            match &mut def.kind {
                TypeKind::Struct { fields, .. } => {
                    for i in to_box {
                        if let Some(f) = fields.get_mut(i) {
                            f.ty = TypeRef::Boxed(Box::new(f.ty.clone()));
                        }
                    }
                }
                TypeKind::Untagged { variants } => {
                    for i in to_box {
                        if let Some(v) = variants.get_mut(i) {
                            v.1 = TypeRef::Boxed(Box::new(v.1.clone()));
                        }
                    }
                }
                _ => {}
            }
        }
    }
}
