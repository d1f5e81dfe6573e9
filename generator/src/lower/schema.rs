//! Schemas → types.

use super::{schema_docs, Cx};
use crate::diag::{ptr, Diagnostic};
use crate::ir::{Constraints, EnumRepr, Field, TypeDef, TypeKind, TypeRef, UnionVariant, Variant};
use crate::naming::{self, Namer};
use openapiv3::{
    AdditionalProperties, AnySchema, IntegerFormat, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use std::collections::{BTreeMap, BTreeSet};

/// Depth at which nested inline schemas stop being followed (a guard, not a limit real specs hit).
const MAX_DEPTH: usize = 64;

/// A property's schema and the pointer where it is written.
type PropertyAt<'a> = (&'a ReferenceOr<Box<Schema>>, String);

/// An object's properties after `$ref`s are followed and `allOf` parts are merged.
pub(crate) struct Merged<'a> {
    pub properties: Vec<(String, &'a ReferenceOr<Box<Schema>>, String)>,
    pub required: BTreeSet<String>,
    pub additional: Option<&'a AdditionalProperties>,
    /// Earlier definitions of a property that a later `allOf` part defines again (a value must
    /// satisfy all of them), with their pointers.
    pub earlier: BTreeMap<String, Vec<PropertyAt<'a>>>,
}

impl<'a> Merged<'a> {
    fn new() -> Self {
        Merged { properties: Vec::new(), required: BTreeSet::new(), additional: None, earlier: BTreeMap::new() }
    }

    /// Some definition of property `name` (`last`, or one an `allOf` part made earlier) says
    /// `nullable: true`: `null` is then decoded, not rejected (a part that widens an envelope's
    /// payload to `null` beside one that gives its type, say).
    pub fn nullable_in_any(&self, name: &str, last: &ReferenceOr<Box<Schema>>) -> bool {
        let says = |p: &ReferenceOr<Box<Schema>>| matches!(p, ReferenceOr::Item(s) if s.schema_data.nullable);
        says(last) || self.earlier.get(name).is_some_and(|defs| defs.iter().any(|(p, _)| says(p)))
    }

    /// Adds the properties of a later `allOf` part: a property defined again keeps its first
    /// position, takes the later schema, and remembers the earlier ones.
    fn merge(&mut self, shape: Merged<'a>) {
        for (name, earlier) in shape.earlier {
            self.earlier.entry(name).or_default().extend(earlier);
        }
        for (name, prop, prop_ptr) in shape.properties {
            if let Some(slot) = self.properties.iter_mut().find(|(n, _, _)| *n == name) {
                let old = (slot.1, std::mem::replace(&mut slot.2, prop_ptr));
                self.earlier.entry(name).or_default().push(old);
                slot.1 = prop;
            } else {
                self.properties.push((name, prop, prop_ptr));
            }
        }
        self.required.extend(shape.required);
        if shape.additional.is_some() {
            self.additional = shape.additional;
        }
    }
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
        // A named type is never `null` itself: references to a nullable component are
        // `Nullable(Named)` where they are used (see `ref_type`).
        let kind = match kind {
            TypeKind::Alias(TypeRef::Nullable(inner)) => TypeKind::Alias(*inner),
            other => other,
        };
        self.api.types.insert(rust.to_string(), TypeDef { name: rust.to_string(), docs, kind });
    }

    fn kind_of(&mut self, rust: &str, schema: &'a Schema, pointer: &str, depth: usize) -> TypeKind {
        if depth > MAX_DEPTH {
            self.error(Diagnostic::unsupported(pointer, "schema nested too deeply"));
            return TypeKind::Alias(TypeRef::Json);
        }
        if let Some((kind @ EnumKind::Repr(_), values)) = enum_values(schema) {
            return enum_kind(kind, values);
        }
        if scalar_with_composition(schema) {
            return TypeKind::Alias(self.type_of(schema, rust, pointer, depth + 1));
        }
        // An `allOf` whose parts, but one, only annotate (docs, `nullable`, constraints) is
        // that one part: `allOf: [$ref: Id, {description: …}]`.
        if let Some(parts) = all_of_parts(schema) {
            if !has_properties(schema) {
                let meaningful = meaningful_parts(parts);
                if let [(i, only)] = meaningful.as_slice() {
                    let ty = self.type_of_ref(only, rust, &ptr(pointer, &["allOf", &i.to_string()]), depth + 1);
                    return TypeKind::Alias(ty);
                }
                // `allOf` of scalars (a reference refined by `type`, `readOnly`, constraints): the
                // first part decides the type.
                if let Some((i, first)) = meaningful.first() {
                    if meaningful.iter().all(|(_, p)| !self.object_like(p, 0)) {
                        let ty = self.type_of_ref(first, rust, &ptr(pointer, &["allOf", &i.to_string()]), depth + 1);
                        return TypeKind::Alias(ty);
                    }
                }
            }
        }
        if !has_properties(schema) {
            if let Some((key, alts)) = union_parts(schema) {
                return self.union_kind(rust, schema, key, alts, pointer, depth);
            }
        }
        if let Some(merged) = self.object_shape(schema, pointer, depth) {
            if !merged.properties.is_empty() || all_of_parts(schema).is_some() {
                return self.struct_kind(rust, merged, pointer, depth);
            }
        }
        // Everything left is structural (scalars, arrays, maps, free-form): `type_of` creates no
        // named type for it, so this cannot recurse into itself.
        TypeKind::Alias(self.type_of(schema, rust, pointer, depth + 1))
    }

    /// `oneOf`/`anyOf`: a union whose variants are named after the alternatives.
    fn union_kind(
        &mut self,
        rust: &str,
        schema: &'a Schema,
        key: &str,
        alts: &'a [ReferenceOr<Schema>],
        pointer: &str,
        depth: usize,
    ) -> TypeKind {
        // With a discriminator (and only `$ref` alternatives, as the spec requires), the
        // discriminator property picks the variant; values the spec does not map go to `Unknown`.
        let targets: Vec<Option<String>> = alts
            .iter()
            .map(|alt| match alt {
                ReferenceOr::Reference { reference } => {
                    reference.strip_prefix("#/components/schemas/").map(super::unescape)
                }
                ReferenceOr::Item(_) => None,
            })
            .collect();
        let discriminator = schema.schema_data.discriminator.as_ref().filter(|_| targets.iter().all(Option::is_some));
        // Without one, a required property that each alternative fixes to a different single
        // string (`type: {enum: [A]}`) tells them apart just as well: tried in order, the first
        // alternative would take every object, since its open enum keeps unknown values.
        let implied = if discriminator.is_none() { self.implied_discriminator(alts) } else { None };
        let tag_property =
            discriminator.map(|d| d.property_name.clone()).or_else(|| implied.as_ref().map(|i| i.0.clone()));
        let mut namer = Namer::with_taken(if tag_property.is_some() { vec!["Unknown"] } else { Vec::new() });
        let mut keys = Vec::new();
        for (i, alt) in alts.iter().enumerate() {
            let label = match alt {
                ReferenceOr::Reference { reference } => {
                    super::unescape(reference.rsplit('/').next().unwrap_or("variant"))
                }
                ReferenceOr::Item(s) => s.schema_data.title.clone().unwrap_or_else(|| kind_label(s).to_string()),
            };
            let key_i = format!("{i:04}");
            namer.reserve(&key_i, naming::pascal(&label));
            keys.push(key_i);
        }
        let resolved = namer.resolve();
        let mut variants = Vec::new();
        // A discriminator value selects one variant: the first that claims it.
        let mut claimed = BTreeSet::new();
        for (i, alt) in alts.iter().enumerate() {
            let p = ptr(pointer, &[key, &i.to_string()]);
            let name = keys.get(i).and_then(|k| resolved.get(k)).cloned().unwrap_or_default();
            let ty = self.type_of_ref(alt, &format!("{rust}{name}"), &p, depth + 1);
            let mut tags = Vec::new();
            if let (Some(d), Some(Some(target))) = (discriminator, targets.get(i)) {
                for (value, to) in &d.mapping {
                    let to = to.strip_prefix("#/components/schemas/").map(super::unescape).unwrap_or(to.clone());
                    if to == *target {
                        tags.push(value.clone());
                    }
                }
                if tags.is_empty() {
                    // No mapping entry: the value is the schema's name (OpenAPI 3.0 §4.8.25).
                    tags.push(target.clone());
                }
                tags.retain(|t| claimed.insert(t.clone()));
            }
            if let Some((_, values)) = &implied {
                tags.extend(values.get(i).cloned());
            }
            let docs = match (alt, &tag_property) {
                (_, Some(property)) => {
                    let values: Vec<String> = tags.iter().map(|t| format!("`{t}`")).collect();
                    let summary = if values.is_empty() {
                        format!("Selected by no `{property}` value (an earlier variant has it).")
                    } else {
                        format!("`{property}` is {}.", values.join(" or "))
                    };
                    crate::ir::Docs { summary: Some(summary), ..Default::default() }
                }
                (ReferenceOr::Item(s), None)
                    if s.schema_data.title.is_some() || s.schema_data.description.is_some() =>
                {
                    crate::ir::Docs { source: None, ..schema_docs(s, &p) }
                }
                _ => crate::ir::Docs {
                    summary: Some(format!("The {} alternative.", self.describe(&ty))),
                    ..Default::default()
                },
            };
            variants.push(UnionVariant { rust_name: name, ty, tags, docs });
        }
        TypeKind::Union { variants, discriminator: tag_property }
    }

    /// A property every alternative requires and fixes to one string (`enum: [value]`), a
    /// different one each: the property and the values in alternative order. The first such
    /// property by name, if any.
    fn implied_discriminator(&self, alts: &'a [ReferenceOr<Schema>]) -> Option<(String, Vec<String>)> {
        if alts.len() < 2 {
            return None;
        }
        let constants: Vec<BTreeMap<String, String>> = alts
            .iter()
            .map(|alt| {
                let (mut fixed, mut required) = (BTreeMap::new(), BTreeSet::new());
                if let Some(s) = self.quiet_schema(alt) {
                    self.constant_properties(s, 0, &mut fixed, &mut required);
                }
                fixed.retain(|name, _| required.contains(name));
                fixed
            })
            .collect();
        let first = constants.first()?;
        first.keys().find_map(|name| {
            let values: Vec<String> = constants.iter().map(|c| c.get(name).cloned()).collect::<Option<_>>()?;
            let distinct: BTreeSet<&String> = values.iter().collect();
            (distinct.len() == values.len()).then(|| (name.clone(), values))
        })
    }

    /// A schema or the component it references, quietly.
    fn quiet_schema(&self, schema: &'a ReferenceOr<Schema>) -> Option<&'a Schema> {
        match schema {
            ReferenceOr::Item(s) => Some(s),
            ReferenceOr::Reference { reference } => self.quiet_target(reference),
        }
    }

    /// The properties of an object schema (through `$ref`s and `allOf` parts) that allow one
    /// string only, with it, into `fixed`; its required names into `required`. Quiet: the
    /// schema is reported where it is lowered.
    fn constant_properties(
        &self,
        schema: &'a Schema,
        depth: usize,
        fixed: &mut BTreeMap<String, String>,
        required: &mut BTreeSet<String>,
    ) {
        if depth > 16 {
            return;
        }
        let (properties, names, parts) = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => (Some(&o.properties), o.required.as_slice(), None),
            SchemaKind::AllOf { all_of } => (None, &[][..], Some(all_of)),
            SchemaKind::Any(a) => (Some(&a.properties), a.required.as_slice(), Some(&a.all_of)),
            _ => return,
        };
        required.extend(names.iter().cloned());
        for (name, prop) in properties.into_iter().flatten() {
            let target = match prop {
                ReferenceOr::Item(s) => Some(&**s),
                ReferenceOr::Reference { reference } => self.quiet_target(reference),
            };
            if let Some((EnumKind::Repr(EnumRepr::String), values)) = target.and_then(enum_values) {
                if let [only] = values.as_slice() {
                    fixed.insert(name.clone(), only.clone());
                }
            }
        }
        for part in parts.into_iter().flatten() {
            if let Some(s) = self.quiet_schema(part) {
                self.constant_properties(s, depth + 1, fixed, required);
            }
        }
    }

    fn describe_plural(&self, ty: &TypeRef) -> String {
        match ty {
            TypeRef::Named(_) | TypeRef::True | TypeRef::False | TypeRef::Nullable(_) => self.describe(ty),
            TypeRef::Boxed(inner) => self.describe_plural(inner),
            TypeRef::Vec(_) | TypeRef::Map(_) => format!("{}s", self.describe(ty).replacen(' ', "s ", 1)),
            _ => format!("{}s", self.describe(ty)),
        }
    }

    /// A short description of a type, for docs.
    fn describe(&self, ty: &TypeRef) -> String {
        match ty {
            TypeRef::String => "string".into(),
            TypeRef::Bool => "boolean".into(),
            TypeRef::True => "`true`".into(),
            TypeRef::False => "`false`".into(),
            TypeRef::I32 | TypeRef::I64 => "integer".into(),
            TypeRef::F64 => "number".into(),
            TypeRef::DateTime => "date-time".into(),
            TypeRef::Date => "date".into(),
            TypeRef::Uuid => "UUID".into(),
            TypeRef::Url => "URL".into(),
            TypeRef::Base64 => "base64 byte string".into(),
            TypeRef::Json => "JSON value".into(),
            TypeRef::Named(n) => format!("`{n}`"),
            TypeRef::Vec(inner) => format!("list of {}", self.describe_plural(inner)),
            TypeRef::Map(inner) => format!("map of {}", self.describe_plural(inner)),
            TypeRef::Nullable(inner) => format!("{} (or `null`)", self.describe(inner)),
            TypeRef::Boxed(inner) => self.describe(inner),
        }
    }

    fn struct_kind(&mut self, rust: &str, merged: Merged<'a>, pointer: &str, depth: usize) -> TypeKind {
        // Names `required` lists that no part declares (an envelope's `success` where its base
        // only lists it): the value is there, of a type the spec does not say. A field of any JSON
        // value keeps it (optional: nothing says what to send), unless other names are kept
        // anyway (`additionalProperties`) or allowed at all.
        let undeclared: Vec<&String> = match merged.additional {
            None => merged.required.iter().filter(|n| !merged.properties.iter().any(|(w, _, _)| w == *n)).collect(),
            Some(_) => Vec::new(),
        };
        let mut namer = Namer::default();
        for wire in merged.properties.iter().map(|(w, _, _)| w).chain(undeclared.iter().copied()) {
            namer.reserve(wire, naming::snake(wire));
        }
        let names = namer.resolve();
        let mut fields = Vec::new();
        for (wire, prop, prop_ptr) in &merged.properties {
            let hint = format!("{rust}_{wire}");
            let ty = self.property_type(&merged, wire, prop, prop_ptr, &hint, depth);
            let mut docs = self.property_docs(prop, prop_ptr);
            let nullable = matches!(ty, TypeRef::Nullable(_)) || merged.nullable_in_any(wire, prop);
            // A required `readOnly` property is required in responses only, a `writeOnly` one in
            // requests only; one type serves both, so the field is optional (a request could
            // not be built, or a response decoded, otherwise).
            // A nullable one is already an `Option` that a request can leave empty (sent as the
            // `null` the spec allows), and must stay required to write back a `null` it received.
            let one_way = if nullable { None } else { self.one_way(prop, 0) };
            let required = merged.required.contains(wire);
            if required {
                if let Some(side) = one_way {
                    let note = format!("Required in {side} only ({}), so optional here.", side_keyword(side));
                    docs.description = Some(match docs.description.take() {
                        Some(d) => format!("{}\n\n{note}", d.trim_end()),
                        None => note,
                    });
                }
            }
            fields.push(Field {
                rust_name: names.get(wire).cloned().unwrap_or_else(|| naming::snake(wire)),
                wire_name: wire.clone(),
                ty,
                required: required && one_way.is_none(),
                nullable,
                docs,
            });
        }
        for wire in undeclared {
            fields.push(Field {
                rust_name: names.get(wire).cloned().unwrap_or_else(|| naming::snake(wire)),
                wire_name: wire.clone(),
                ty: TypeRef::Json,
                required: false,
                nullable: false,
                docs: crate::ir::Docs {
                    description: Some(
                        "Required by the spec, which declares no schema for it: any JSON value, kept as received."
                            .to_string(),
                    ),
                    source: Some(ptr(pointer, &["required"])),
                    ..Default::default()
                },
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

    /// The type of property `name` of `merged`, whose (last) schema is `prop`.
    pub(crate) fn property_type(
        &mut self,
        merged: &Merged<'a>,
        name: &str,
        prop: &'a ReferenceOr<Box<Schema>>,
        prop_ptr: &str,
        hint: &str,
        depth: usize,
    ) -> TypeRef {
        let earlier = merged.earlier.get(name).map(Vec::as_slice).unwrap_or_default();
        match self.merged_property(earlier, prop, prop_ptr, hint, depth) {
            Some(ty) => ty,
            None => self.type_of_boxed(prop, hint, prop_ptr, depth + 1),
        }
    }

    /// A property that several `allOf` parts define as objects: one struct with the properties
    /// of all of them (a value must satisfy every definition). `None` when at most one of the
    /// definitions is an object: then the last one refines the others (an enum narrowing a
    /// string, say) and is the type.
    fn merged_property(
        &mut self,
        earlier: &[PropertyAt<'a>],
        last: &'a ReferenceOr<Box<Schema>>,
        last_ptr: &str,
        hint: &str,
        depth: usize,
    ) -> Option<TypeRef> {
        if earlier.is_empty() || depth > MAX_DEPTH {
            return None;
        }
        // Parts that repeat the same reference (a shared base listed twice) define it once.
        let same = |p: &ReferenceOr<Box<Schema>>| match (p, last) {
            (ReferenceOr::Reference { reference: a }, ReferenceOr::Reference { reference: b }) => a == b,
            _ => false,
        };
        if earlier.iter().all(|(p, _)| same(p)) {
            return None;
        }
        let mut shapes = Vec::new();
        for (prop, at) in earlier.iter().map(|(p, at)| (*p, at.as_str())).chain([(last, last_ptr)]) {
            let (schema, at) = match prop {
                ReferenceOr::Item(s) => (&**s, at.to_string()),
                ReferenceOr::Reference { reference } => {
                    let (name, s) = self.quiet_target_named(reference)?;
                    (s, ptr("/components/schemas", &[name]))
                }
            };
            if let Some(shape) = self.object_shape(schema, &at, depth + 1) {
                shapes.push(shape);
            }
        }
        // Only definitions with properties of their own make a struct; a free-form object
        // (`type: object` alone) beside one adds nothing to merge.
        if shapes.iter().filter(|s| !s.properties.is_empty()).count() < 2 {
            return None;
        }
        let mut merged = Merged::new();
        for shape in shapes {
            merged.merge(shape);
        }
        let name = self.fresh_name(hint);
        let kind = self.struct_kind(&name, merged, last_ptr, depth + 1);
        let docs = match last {
            ReferenceOr::Item(s) => schema_docs(s, last_ptr),
            ReferenceOr::Reference { .. } => {
                crate::ir::Docs { source: Some(last_ptr.to_string()), ..Default::default() }
            }
        };
        self.api.types.insert(name.clone(), TypeDef { name: name.clone(), docs, kind });
        Some(TypeRef::Named(name))
    }

    /// `Some("responses")` for a `readOnly` property, `Some("requests")` for a `writeOnly` one:
    /// marked on its schema, on the component it references, or on a part of its `allOf`.
    fn one_way(&self, prop: &'a ReferenceOr<Box<Schema>>, depth: usize) -> Option<&'static str> {
        let schema: &Schema = match prop {
            ReferenceOr::Item(s) => s,
            ReferenceOr::Reference { reference } => self.quiet_target(reference)?,
        };
        self.one_way_schema(schema, depth)
    }

    fn one_way_schema(&self, schema: &'a Schema, depth: usize) -> Option<&'static str> {
        if depth > 8 {
            return None;
        }
        if schema.schema_data.read_only {
            return Some("responses");
        }
        if schema.schema_data.write_only {
            return Some("requests");
        }
        let SchemaKind::AllOf { all_of } = &schema.schema_kind else { return None };
        all_of.iter().find_map(|part| {
            let part = match part {
                ReferenceOr::Item(s) => s,
                ReferenceOr::Reference { reference } => self.quiet_target(reference)?,
            };
            self.one_way_schema(part, depth + 1)
        })
    }

    /// The component schema a reference names, following references between components; no
    /// diagnostic (the reference is reported where its type is lowered).
    fn quiet_target(&self, reference: &str) -> Option<&'a Schema> {
        self.quiet_target_named(reference).map(|(_, s)| s)
    }

    /// [`Self::quiet_target`] with the component's name.
    fn quiet_target_named(&self, reference: &str) -> Option<(&'a str, &'a Schema)> {
        let doc: &'a openapiv3::OpenAPI = self.doc;
        let schemas = &doc.components.as_ref()?.schemas;
        let mut current = reference;
        for _ in 0..32 {
            let name = super::unescape(current.strip_prefix("#/components/schemas/")?);
            match schemas.get_key_value(name.as_str())? {
                (key, ReferenceOr::Item(s)) => return Some((key.as_str(), s)),
                (_, ReferenceOr::Reference { reference }) => current = reference,
            }
        }
        None
    }

    /// Docs for a property: its own, or (for a `$ref`) the target's title or first paragraph.
    fn property_docs(&mut self, prop: &'a ReferenceOr<Box<Schema>>, pointer: &str) -> crate::ir::Docs {
        match prop {
            ReferenceOr::Item(s) => {
                let mut d = schema_docs(s, pointer);
                // `allOf: [$ref, {description: …}]`: the annotating part carries the docs.
                if d.description.is_none() && d.summary.is_none() {
                    let annotations = all_of_parts(s).into_iter().flatten().filter_map(|p| match p {
                        ReferenceOr::Item(part) if is_annotation(part) => Some(part),
                        _ => None,
                    });
                    for part in annotations {
                        d.description = d.description.or_else(|| part.schema_data.description.clone());
                        d.summary = d.summary.or_else(|| part.schema_data.title.clone());
                    }
                }
                d
            }
            ReferenceOr::Reference { reference } => match self.resolve_schema_ref(reference, pointer) {
                Some((_, s)) => {
                    let d = schema_docs(s, pointer);
                    let first =
                        d.description.as_deref().and_then(|t| t.trim().split("\n\n").next()).map(str::to_string);
                    crate::ir::Docs { summary: d.summary.or(first), description: None, ..d }
                }
                None => crate::ir::Docs::default(),
            },
        }
    }

    /// The properties of an object schema, following `$ref`s and merging `allOf`.
    pub(crate) fn object_shape(&mut self, schema: &'a Schema, pointer: &str, depth: usize) -> Option<Merged<'a>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let own = |properties: &'a indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
                   required: &[String],
                   additional: Option<&'a AdditionalProperties>| Merged {
            properties: properties.iter().map(|(k, v)| (k.clone(), v, ptr(pointer, &["properties", k]))).collect(),
            required: required.iter().cloned().collect(),
            additional,
            earlier: BTreeMap::new(),
        };
        let (mut out, parts) = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => {
                (own(&o.properties, &o.required, o.additional_properties.as_ref()), None)
            }
            SchemaKind::AllOf { all_of } => (Merged::new(), Some(all_of)),
            SchemaKind::Any(a)
                if !a.properties.is_empty() || !a.all_of.is_empty() || a.typ.as_deref() == Some("object") =>
            {
                let parts = (!a.all_of.is_empty()).then_some(&a.all_of);
                (own(&a.properties, &a.required, a.additional_properties.as_ref()), parts)
            }
            _ => return None,
        };
        for (i, part) in parts.into_iter().flatten().enumerate() {
            let p = ptr(pointer, &["allOf", &i.to_string()]);
            let (part_schema, part_ptr, component) = match part {
                ReferenceOr::Item(s) => (s, p, false),
                ReferenceOr::Reference { reference } => match self.resolve_schema_ref(reference, &p) {
                    Some((name, s)) => (s, ptr("/components/schemas", &[name]), true),
                    None => continue,
                },
            };
            // A component already being merged on this path (`Note: allOf: [.., $ref: Note]`)
            // adds no property it does not already add.
            if component && self.shape_stack.contains(&part_ptr) {
                continue;
            }
            if component {
                self.shape_stack.push(part_ptr.clone());
            }
            let shape = self.object_shape(part_schema, &part_ptr, depth + 1);
            if component {
                self.shape_stack.pop();
            }
            let Some(shape) = shape else {
                // An object combined with a union of objects: every alternative's properties
                // join the struct as optional fields.
                if let Some((key, alts)) = union_parts(part_schema) {
                    for (j, alt) in alts.iter().enumerate() {
                        let alt_ptr = ptr(&part_ptr, &[key, &j.to_string()]);
                        let alt_schema = match alt {
                            ReferenceOr::Item(a) => Some((a, alt_ptr)),
                            ReferenceOr::Reference { reference } => self
                                .resolve_schema_ref(reference, &alt_ptr)
                                .map(|(name, a)| (a, ptr("/components/schemas", &[name]))),
                        };
                        let Some((alt_schema, alt_ptr)) = alt_schema else { continue };
                        if let Some(alt_shape) = self.object_shape(alt_schema, &alt_ptr, depth + 1) {
                            for (name, prop, prop_ptr) in alt_shape.properties {
                                if !out.properties.iter().any(|(n, _, _)| *n == name) {
                                    out.properties.push((name, prop, prop_ptr));
                                }
                            }
                        }
                    }
                    continue;
                }
                // A scalar part beside object parts (a contradiction real specs contain, e.g. an
                // envelope `allOf` an enum) adds no property: it is left out of the merge.
                if self.object_like(part, 0) {
                    self.error(Diagnostic::unsupported(
                        &part_ptr,
                        "`allOf` part is not an object schema; only objects can be merged",
                    ));
                }
                continue;
            };
            out.merge(shape);
        }
        Some(out)
    }

    /// Whether a schema (following a `$ref`) describes an object or a union: something `allOf`
    /// merges rather than something that only refines a scalar.
    fn object_like(&mut self, part: &'a ReferenceOr<Schema>, depth: usize) -> bool {
        if depth > 32 {
            return false;
        }
        let doc = self.doc;
        let mut current = part;
        let mut hops = 0;
        // Follows references quietly: a dangling one is reported where it is lowered.
        let schema = loop {
            match current {
                ReferenceOr::Item(s) => break s,
                ReferenceOr::Reference { reference } => {
                    let name = reference.strip_prefix("#/components/schemas/").map(super::unescape);
                    let next = name.and_then(|n| doc.components.as_ref().and_then(|c| c.schemas.get(&n)));
                    match next {
                        Some(n) if hops < 32 => {
                            current = n;
                            hops += 1;
                        }
                        _ => return false,
                    }
                }
            }
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(_)) => true,
            // An `allOf` is as object-like as its parts (bounded: specs can nest them in cycles).
            SchemaKind::AllOf { all_of } => {
                meaningful_parts(all_of).iter().any(|(_, p)| self.object_like(p, depth + 1))
            }
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => true,
            SchemaKind::Any(a) if !a.all_of.is_empty() && a.properties.is_empty() && a.typ.is_none() => {
                meaningful_parts(&a.all_of).iter().any(|(_, p)| self.object_like(p, depth + 1))
            }
            SchemaKind::Any(a) => {
                !a.properties.is_empty()
                    || !a.all_of.is_empty()
                    || !a.one_of.is_empty()
                    || !a.any_of.is_empty()
                    || a.typ.as_deref() == Some("object")
                    || a.additional_properties.is_some()
            }
            _ => false,
        }
    }

    /// The type of a `$ref` to a component.
    /// A reference to a nullable component is `Nullable(Named)`: the named type never
    /// includes `null` itself.
    pub(crate) fn ref_type(&mut self, reference: &str, pointer: &str) -> TypeRef {
        let Some((_, target)) = self.resolve_schema_ref(reference, pointer) else {
            return TypeRef::Json;
        };
        let name = super::unescape(reference.trim_start_matches("#/components/schemas/"));
        match self.component_names.get(&name) {
            Some(rust) if target.schema_data.nullable && !is_empty_schema(target) => {
                TypeRef::Nullable(Box::new(TypeRef::Named(rust.clone())))
            }
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
                VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => {
                    self.mappings.string_format("byte").unwrap_or(TypeRef::String)
                }
                VariantOrUnknownOrEmpty::Unknown(f) => self.mappings.string_format(f).unwrap_or(TypeRef::String),
                _ => TypeRef::String,
            },
            SchemaKind::Type(Type::Integer(i)) => match &i.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
                _ => TypeRef::I64,
            },
            // `format: float` is read as f64 too: JSON numbers are doubles, and an f32 would
            // turn a value beyond its range into infinity (serialised back as `null`).
            SchemaKind::Type(Type::Number(_)) => TypeRef::F64,
            SchemaKind::Type(Type::Boolean(b)) => match b.enumeration.as_slice() {
                [Some(true)] => TypeRef::True,
                [Some(false)] => TypeRef::False,
                _ => TypeRef::Bool,
            },
            SchemaKind::Type(Type::Array(a)) => self.array_type(a.items.as_ref(), hint, pointer, depth),
            SchemaKind::Type(Type::Object(o)) => {
                if o.properties.is_empty() {
                    self.map_type(o.additional_properties.as_ref(), hint, pointer, depth)
                } else {
                    self.named_inline(schema, hint, pointer, depth)
                }
            }
            // `allOf: [$ref, {description}]` is the usual way to attach docs to a reference.
            SchemaKind::AllOf { all_of } if meaningful_parts(all_of).len() == 1 => match meaningful_parts(all_of)
                .first()
            {
                Some((i, only)) => self.type_of_ref(only, hint, &ptr(pointer, &["allOf", &i.to_string()]), depth + 1),
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
        // A scalar `type` beside `allOf`/`oneOf`/`anyOf` (which can then only add constraints)
        // decides the type.
        let scalar = scalar_with_composition(schema);
        if let ([(i, only)], true, false) = (meaningful_parts(&a.all_of).as_slice(), a.properties.is_empty(), scalar) {
            return self.type_of_ref(only, hint, &ptr(pointer, &["allOf", &i.to_string()]), depth + 1);
        }
        let composed = !a.all_of.is_empty() || !a.one_of.is_empty() || !a.any_of.is_empty();
        if !a.properties.is_empty() || (composed && !scalar) {
            return self.named_inline(schema, hint, pointer, depth);
        }
        if a.not.is_some() {
            self.error(Diagnostic::unsupported(pointer, "`not` schemas are not supported"));
            return TypeRef::Json;
        }
        match a.typ.as_deref() {
            Some("string") => match a.format.as_deref() {
                Some("date-time") => TypeRef::DateTime,
                Some("date") => TypeRef::Date,
                Some(f) => self.mappings.string_format(f).unwrap_or(TypeRef::String),
                None => TypeRef::String,
            },
            Some("integer") => match a.format.as_deref() {
                Some("int32") => TypeRef::I32,
                _ => TypeRef::I64,
            },
            Some("number") => TypeRef::F64,
            Some("boolean") => TypeRef::Bool,
            Some("array") => self.array_type(a.items.as_ref(), hint, pointer, depth),
            Some("object") => self.map_type(a.additional_properties.as_ref(), hint, pointer, depth),
            _ => TypeRef::Json,
        }
    }

    /// `type: array`: a `Vec` of the items' type (anything JSON when `items` is missing).
    fn array_type(
        &mut self,
        items: Option<&'a ReferenceOr<Box<Schema>>>,
        hint: &str,
        pointer: &str,
        depth: usize,
    ) -> TypeRef {
        let item = match items {
            Some(items) => self.type_of_boxed(items, &format!("{hint}_item"), &ptr(pointer, &["items"]), depth + 1),
            None => TypeRef::Json,
        };
        TypeRef::Vec(Box::new(item))
    }

    /// An object without properties: a map of the `additionalProperties` schema's type, else of
    /// any JSON values (an object still: a string or a list is not one).
    fn map_type(
        &mut self,
        additional: Option<&'a AdditionalProperties>,
        hint: &str,
        pointer: &str,
        depth: usize,
    ) -> TypeRef {
        match additional {
            Some(AdditionalProperties::Schema(v)) => {
                let p = ptr(pointer, &["additionalProperties"]);
                TypeRef::Map(Box::new(self.type_of_ref(v, &format!("{hint}_value"), &p, depth + 1)))
            }
            _ => TypeRef::Map(Box::new(TypeRef::Json)),
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

/// A scalar `type` (or `type: array` with its own `items`) beside `allOf`/`oneOf`/`anyOf`,
/// which can then only add constraints: the `type` decides. (Real specs write `type: array,
/// items: {anyOf: [A, B]}` with the same `anyOf` repeated beside it, whose object-shaped
/// alternatives without a `type` do not constrain an array.)
fn scalar_with_composition(s: &Schema) -> bool {
    matches!(&s.schema_kind, SchemaKind::Any(a)
        if a.properties.is_empty()
            && (matches!(a.typ.as_deref(), Some("string" | "integer" | "number" | "boolean"))
                || (a.typ.as_deref() == Some("array") && a.items.is_some())))
}

/// The schema lists `properties` of its own.
fn has_properties(s: &Schema) -> bool {
    match &s.schema_kind {
        SchemaKind::Type(Type::Object(o)) => !o.properties.is_empty(),
        SchemaKind::Any(a) => !a.properties.is_empty(),
        _ => false,
    }
}

/// A schema that only annotates (docs, examples, `nullable`, constraints) and has no shape of
/// its own.
fn is_annotation(s: &Schema) -> bool {
    matches!(&s.schema_kind, SchemaKind::Any(a)
        if a.typ.is_none()
            && a.properties.is_empty()
            && a.items.is_none()
            && a.additional_properties.is_none()
            && a.enumeration.is_empty()
            && a.all_of.is_empty()
            && a.one_of.is_empty()
            && a.any_of.is_empty()
            && a.not.is_none())
}

/// The parts of an `allOf` that give it a shape (with their index), leaving out annotations.
fn meaningful_parts(parts: &[ReferenceOr<Schema>]) -> Vec<(usize, &ReferenceOr<Schema>)> {
    parts.iter().enumerate().filter(|(_, p)| !matches!(p, ReferenceOr::Item(s) if is_annotation(s))).collect()
}

/// The parts of an `allOf`.
fn all_of_parts(s: &Schema) -> Option<&[ReferenceOr<Schema>]> {
    match &s.schema_kind {
        SchemaKind::AllOf { all_of } => Some(all_of),
        SchemaKind::Any(a) if !a.all_of.is_empty() => Some(&a.all_of),
        _ => None,
    }
}

/// The alternatives of a `oneOf`/`anyOf`, with the keyword (for pointers).
fn union_parts(s: &Schema) -> Option<(&'static str, &[ReferenceOr<Schema>])> {
    match &s.schema_kind {
        SchemaKind::OneOf { one_of } => Some(("oneOf", one_of)),
        SchemaKind::AnyOf { any_of } => Some(("anyOf", any_of)),
        SchemaKind::Any(a) if !a.one_of.is_empty() => Some(("oneOf", &a.one_of)),
        SchemaKind::Any(a) if !a.any_of.is_empty() => Some(("anyOf", &a.any_of)),
        _ => None,
    }
}

/// A variant name for an inline union alternative without a `title`, from its shape.
fn kind_label(s: &Schema) -> &'static str {
    let (typ, format) = match &s.schema_kind {
        SchemaKind::Type(Type::String(t)) => match &t.format {
            VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => ("string", Some("date-time")),
            VariantOrUnknownOrEmpty::Item(StringFormat::Date) => ("string", Some("date")),
            _ => ("string", None),
        },
        SchemaKind::Type(Type::Integer(_)) => ("integer", None),
        SchemaKind::Type(Type::Number(_)) => ("number", None),
        SchemaKind::Type(Type::Boolean(_)) => ("boolean", None),
        SchemaKind::Type(Type::Array(_)) => ("array", None),
        SchemaKind::Type(Type::Object(_)) | SchemaKind::AllOf { .. } => ("object", None),
        SchemaKind::Any(a) => (a.typ.as_deref().unwrap_or_default(), a.format.as_deref()),
        _ => ("", None),
    };
    match (typ, format) {
        ("string", Some("date-time")) => "DateTime",
        ("string", Some("date")) => "Date",
        ("string", _) => "String",
        ("integer", _) => "Integer",
        ("number", _) => "Number",
        ("boolean", _) => "Boolean",
        ("array", _) => "List",
        ("object", _) => "Object",
        _ => "Value",
    }
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
            if a.typ.as_deref() == Some("string") {
                // YAML reads unquoted `10` or `yes` as a number or boolean; in a string enum they
                // are meant as text.
                let text = |v: &serde_json::Value| match v {
                    serde_json::Value::String(s) => Some(s.clone()),
                    serde_json::Value::Number(n) => Some(n.to_string()),
                    serde_json::Value::Bool(b) => Some(b.to_string()),
                    _ => None,
                };
                (EnumKind::Repr(EnumRepr::String), a.enumeration.iter().filter_map(text).collect())
            } else if a.enumeration.iter().all(|v| v.is_string() || v.is_null()) {
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

/// Schemas that are defined in terms of themselves.
///
/// A cycle through aliases and unions alone (`A: allOf: [A]`, `U: oneOf: [U, …]`) describes no
/// value that could ever be decoded: it is reported. An alias cycle through arrays or maps
/// (`List: {type: array, items: List}`) is fine as data but not as a Rust type alias: those
/// aliases become newtype structs.
pub(crate) fn resolve_self_references(types: &mut BTreeMap<String, TypeDef>, diags: &mut Vec<Diagnostic>) {
    /// The type a reference stands for without any nesting (through `Option` and `Box` only).
    fn names(ty: &TypeRef, out: &mut Vec<String>) {
        match ty {
            TypeRef::Named(n) => out.push(n.clone()),
            TypeRef::Nullable(inner) | TypeRef::Boxed(inner) => names(inner, out),
            _ => {}
        }
    }
    fn on_cycle(edges: &BTreeMap<String, Vec<String>>, start: &str) -> bool {
        let mut stack: Vec<&str> = edges.get(start).map(|v| v.iter().map(String::as_str).collect()).unwrap_or_default();
        let mut seen = BTreeSet::new();
        while let Some(n) = stack.pop() {
            if n == start {
                return true;
            }
            if seen.insert(n) {
                if let Some(next) = edges.get(n) {
                    stack.extend(next.iter().map(String::as_str));
                }
            }
        }
        false
    }
    // Aliases and unions, with the types they stand for without any nesting.
    let shallow: BTreeMap<String, Vec<String>> = types
        .iter()
        .filter_map(|(name, def)| {
            let mut out = Vec::new();
            match &def.kind {
                TypeKind::Alias(t) => names(t, &mut out),
                TypeKind::Union { variants, .. } => variants.iter().for_each(|v| names(&v.ty, &mut out)),
                _ => return None,
            }
            Some((name.clone(), out))
        })
        .collect();
    for name in shallow.keys() {
        if on_cycle(&shallow, name) {
            let pointer = types.get(name).and_then(|d| d.docs.source.clone()).unwrap_or_default();
            diags.push(Diagnostic::invalid(
                pointer,
                format!(
                    "`{name}` refers back to itself with no object or array in between; such a schema \
                     cannot be decoded"
                ),
            ));
        }
    }
    // Aliases, with every type they mention.
    let deep: BTreeMap<String, Vec<String>> = types
        .iter()
        .filter_map(|(name, def)| match &def.kind {
            TypeKind::Alias(t) => Some((name.clone(), t.named().map(str::to_string).into_iter().collect())),
            _ => None,
        })
        .collect();
    for name in deep.keys() {
        if on_cycle(&deep, name) {
            if let Some(def) = types.get_mut(name) {
                if let TypeKind::Alias(t) = &def.kind {
                    def.kind = TypeKind::Newtype(t.clone());
                }
            }
        }
    }
}

/// `Box` around a named type, inside any `Nullable` (so that `null` handling stays visible).
fn boxed(ty: &TypeRef) -> TypeRef {
    match ty {
        TypeRef::Nullable(inner) => TypeRef::Nullable(Box::new(boxed(inner))),
        other => TypeRef::Boxed(Box::new(other.clone())),
    }
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
                TypeKind::Alias(t) | TypeKind::Newtype(t) => direct(t).map(str::to_string).into_iter().collect(),
                TypeKind::Union { variants, .. } => {
                    variants.iter().filter_map(|v| direct(&v.ty).map(str::to_string)).collect()
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
        let mut box_newtype = false;
        match &def.kind {
            TypeKind::Newtype(t) => box_newtype = direct(t).is_some_and(|target| reaches(target, &name)),
            TypeKind::Struct { fields, .. } => {
                for (i, f) in fields.iter().enumerate() {
                    if let Some(target) = direct(&f.ty) {
                        if reaches(target, &name) {
                            to_box.push(i);
                        }
                    }
                }
            }
            TypeKind::Union { variants, .. } => {
                for (i, v) in variants.iter().enumerate() {
                    if let Some(target) = direct(&v.ty) {
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
                TypeKind::Newtype(t) if box_newtype => *t = boxed(t),
                TypeKind::Struct { fields, .. } => {
                    for i in to_box {
                        if let Some(f) = fields.get_mut(i) {
                            f.ty = boxed(&f.ty);
                        }
                    }
                }
                TypeKind::Union { variants, .. } => {
                    for i in to_box {
                        if let Some(v) = variants.get_mut(i) {
                            v.ty = boxed(&v.ty);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// The keyword that makes a property one-way, for the docs.
fn side_keyword(side: &str) -> &'static str {
    if side == "responses" {
        "`readOnly`"
    } else {
        "`writeOnly`"
    }
}
