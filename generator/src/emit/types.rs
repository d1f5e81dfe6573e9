//! Models: structs, open enums, aliases, unions, and operation parameter structs, with their
//! impls, all written as text through one [`Writer`]: a line reads as it is written (whatever
//! its length), so every impl is laid out one way.

use super::derives::DerivePlan;
use super::docs;
use super::layout::Which;
use super::toolkit::{lit, resolve, ty_text};
use super::writer::Writer;
use crate::ir::{Api, EnumRepr, Field, Operation, TypeDef, TypeKind, TypeRef, UnionVariant};
use std::collections::BTreeSet;

/// Why the models' serde impls are written out, for the files that hold them.
const WHY_WRITTEN_OUT: &[&str] = &[
    "The serde impls are written out, not derived: a line per property over the shared generic",
    "halves in `crate::rt::model` (object visitor, key lookup), which a derive would expand again in",
    "every model; and `model::skip` counts the unknown properties a model leaves out, so that an",
    "untagged union picks the variant that leaves out fewest (a derived one takes the first that",
    "decodes). `model::Key::Field(i)` is a key's index in `FIELDS`, found there without allocating.",
];

/// Why models and parameter structs are `#[non_exhaustive]`, for the files that hold them.
const WHY_NON_EXHAUSTIVE: &[&str] = &[
    "Structs, enums and unions are `#[non_exhaustive]`: a later version of the spec may add optional",
    "properties, parameters, enum values or union variants, and a client regenerated from it must",
    "stay a minor release. Build a struct with `new` (its required fields) or `default()`, then a",
    "setter per optional field; match enums with a `_` arm and structs with `..`. Enums do not",
    "derive `PartialOrd`/`Ord`: a derived order is the variants' order, which a new value would",
    "change.",
];

/// The models and parameter structs whose Rust names pass `keep` (of those `which` selects);
/// `split` says whether this is one part of a split `types` folder (which sees its siblings
/// through `super`). The file's text, without the header.
pub fn emit(api: &Api, split: bool, keep: impl Fn(&str) -> bool, which: &Which, derives: &DerivePlan) -> String {
    let param_enums = param_enums(api);
    let models = !matches!(which, Which::Params(_));
    let defs: Vec<&TypeDef> =
        api.types.values().filter(|def| models && keep(&def.name) && which.holds_model(&def.name)).collect();
    let params: Vec<&Operation> = (api.operations.iter())
        .filter(|op| matches!(which, Which::All | Which::Params(_)) && op.params_type.as_deref().is_some_and(&keep))
        .collect();
    let use_model = defs.iter().any(|def| uses_model(def));
    let mut w = Writer::with_capacity(1_000 + defs.len() * 1_500 + params.len() * 600);
    let doc = match (split, which) {
        (true, _) => "One part of the models and parameter structs (see the parent module).",
        (false, Which::All) => "Models from the spec's schemas, and parameter structs for operations.",
        (false, Which::Models(_)) => "Models from the spec's schemas.",
        (false, Which::Params(_)) => {
            "Models from the spec's schemas (re-exported from their own crates), and parameter structs for\n\
             operations."
        }
    };
    for line in doc.lines() {
        w.line(format_args!("//! {line}"));
    }
    if !defs.is_empty() || !params.is_empty() {
        w.line("//!");
        for line in WHY_NON_EXHAUSTIVE {
            w.line(format_args!("//! {line}"));
        }
    }
    if use_model {
        w.line("//!");
        for line in WHY_WRITTEN_OUT {
            w.line(format_args!("//! {line}"));
        }
    }
    w.blank();
    if split {
        w.line("#[allow(unused_imports)]");
        w.line("use super::*;");
    } else {
        imports(&mut w, which);
    }
    if use_model {
        w.line("use crate::rt::model;");
    }
    for def in defs {
        w.blank();
        type_def(api, def, &mut w, &param_enums, derives);
    }
    for op in params {
        w.blank();
        params_struct(api, op, &mut w);
    }
    w.finish()
}

/// What an unsplit `types` file (or the index of a split one) imports: a group's import of the
/// core crate's models, which its own may name, or the re-exports of the models crates.
pub(crate) fn imports(w: &mut Writer, which: &Which) {
    if let Some(core) = which.core() {
        w.line("#[allow(unused_imports)]");
        w.line(format_args!("use {core}::types::*;"));
    }
    if let Which::Params(krates) = which {
        for krate in krates {
            w.line(format_args!("pub use {krate}::types::*;"));
        }
    }
}

/// Whether a model's impls name `crate::rt::model`.
fn uses_model(def: &TypeDef) -> bool {
    match &def.kind {
        TypeKind::Struct { .. } => true,
        TypeKind::Enum { repr, .. } => *repr == EnumRepr::String,
        TypeKind::Union { discriminator, .. } => discriminator.is_none(),
        TypeKind::Alias(_) | TypeKind::Newtype(_) => false,
    }
}

fn source_line(def: &TypeDef) -> Vec<String> {
    def.docs.source.as_ref().map(|s| format!("Schema: `{s}`")).into_iter().collect()
}

/// True when `t` names a deprecated type directly (aliases are not followed: using an alias of a
/// deprecated type does not trigger the lint, defining it does).
pub(crate) fn mentions_deprecated(api: &Api, t: &TypeRef) -> bool {
    t.named().and_then(|n| api.types.get(n)).is_some_and(|d| d.docs.deprecated)
}

/// `#[allow(deprecated)]` (a line) for generated items that use a deprecated type themselves;
/// callers still get the warning where they use it.
pub(crate) fn allow_deprecated_text(yes: bool) -> &'static str {
    if yes {
        "#[allow(deprecated)]\n"
    } else {
        ""
    }
}

/// The requested derives `def` takes, as `, Eq, Hash` (after the ones every model has).
fn added(derives: &DerivePlan, def: &TypeDef) -> String {
    derives.of(&def.name).iter().map(|d| format!(", {}", d.name())).collect()
}

/// The docs' line about the requested derives `def` could not take (and why), if any.
fn not_derived(derives: &DerivePlan, def: &TypeDef) -> Vec<String> {
    let skipped = derives.skipped.get(&def.name).map_or(&[][..], Vec::as_slice);
    skipped.iter().map(|(d, why)| format!("Does not derive `{}`: {why}.", d.name())).collect()
}

fn type_def(api: &Api, def: &TypeDef, w: &mut Writer, param_enums: &BTreeSet<&str>, derives: &DerivePlan) {
    let name = &def.name;
    let mut extra = not_derived(derives, def);
    extra.extend(source_line(def));
    let added = added(derives, def);
    match &def.kind {
        TypeKind::Alias(t) => {
            w.lines(&docs::comment(&def.docs, &source_line(def), ""));
            w.lines(if def.docs.deprecated { "#[deprecated]\n" } else { "" });
            w.lines(allow_deprecated_text(mentions_deprecated(api, t)));
            w.line(format_args!("pub type {name} = {};", ty_text(t, "")));
        }
        TypeKind::Newtype(t) => {
            let allow = allow_deprecated_text(mentions_deprecated(api, t));
            let impl_allow = allow_deprecated_text(def.docs.deprecated || mentions_deprecated(api, t));
            w.lines(&docs::comment(&def.docs, &extra, ""));
            w.lines(if def.docs.deprecated { "#[deprecated]\n" } else { "" });
            w.lines(allow);
            w.line(format_args!("#[derive(Debug, Clone, PartialEq{added})]"));
            w.line(format_args!("pub struct {name}(pub {});", ty_text(t, "")));
            w.blank();
            serialize(w, name, impl_allow, &["serde::Serialize::serialize(&self.0, serializer)"]);
            w.blank();
            let body = format!("serde::Deserialize::deserialize(deserializer).map({name})");
            deserialize(w, name, impl_allow, &[&body]);
        }
        TypeKind::Struct { fields, additional } => {
            let allow = fields.iter().any(|f| mentions_deprecated(api, &f.ty))
                || additional.as_ref().is_some_and(|t| mentions_deprecated(api, t));
            // `Default` only where the default is a valid value: every field may be absent
            // (or `null`, or has a single possible value).
            let defaultable = |f: &Field| {
                !f.required || f.nullable || matches!(f.ty, TypeRef::Nullable(_) | TypeRef::True | TypeRef::False)
            };
            let default = if fields.iter().all(defaultable) { ", Default" } else { "" };
            // The impls name the struct and every field: allowed when any of them is deprecated.
            let impl_allow = allow || def.docs.deprecated || fields.iter().any(|f| f.docs.deprecated);
            w.lines(&docs::comment(&def.docs, &extra, ""));
            w.lines(if def.docs.deprecated { "#[deprecated]\n" } else { "" });
            w.lines(allow_deprecated_text(allow));
            w.line(format_args!("#[derive(Debug, Clone, PartialEq{default}{added})]"));
            w.line("#[non_exhaustive]");
            w.open(format_args!("pub struct {name} {{"));
            for f in fields {
                field(w, f);
            }
            if let Some(t) = additional {
                w.line("/// Properties not listed in the schema.");
                w.line(format_args!(
                    "pub additional_properties: std::collections::BTreeMap<String, {}>,",
                    ty_text(t, "")
                ));
            }
            w.close("}");
            w.blank();
            constructor(api, w, name, fields, additional.is_some(), allow_deprecated_text(impl_allow));
            struct_serde(w, name, fields, additional.is_some(), allow_deprecated_text(impl_allow));
        }
        TypeKind::Enum { repr, variants } => {
            open_enum(w, def, *repr, variants, &extra);
            let param = param_enums.contains(def.name.as_str());
            enum_impls(w, name, *repr, variants, def.docs.deprecated, param);
        }
        TypeKind::Union { variants, discriminator } => {
            union(api, def, variants, discriminator.as_deref(), w, (&extra, &added))
        }
    }
}

/// `impl serde::Serialize for {name}` whose `serialize` is `body` (lines).
fn serialize(w: &mut Writer, name: &str, allow: &str, body: &[&str]) {
    w.lines(allow);
    w.open(format_args!("impl serde::Serialize for {name} {{"));
    w.open("fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {");
    body.iter().for_each(|line| w.line(line));
    w.close("}");
    w.close("}");
}

/// `impl serde::Deserialize for {name}` whose `deserialize` is `body` (lines).
fn deserialize(w: &mut Writer, name: &str, allow: &str, body: &[&str]) {
    w.lines(allow);
    w.open(format_args!("impl<'de> serde::Deserialize<'de> for {name} {{"));
    w.open("fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {");
    body.iter().for_each(|line| w.line(line));
    w.close("}");
    w.close("}");
}

/// A union: an enum of its variants, written as the variant is; read by its discriminator
/// property when it has one, else by trying each variant (see `rt::model::Pick`).
/// `notes`: the doc lines after the union's own (derives not taken, the schema's pointer) and
/// the requested derives it takes (`, Eq`).
fn union(
    api: &Api,
    def: &TypeDef,
    variants: &[UnionVariant],
    discriminator: Option<&str>,
    w: &mut Writer,
    (notes, added): (&[String], &str),
) {
    let name = &def.name;
    let allow = def.docs.deprecated || variants.iter().any(|v| mentions_deprecated(api, &v.ty));
    let allow = allow_deprecated_text(allow);
    // A variant that holds a model inline can be much larger than the others: the enum mirrors
    // the wire, so the variants are not boxed (matching on them stays plain) and clippy's
    // `large_enum_variant` is allowed, as the enum's docs say.
    let inline = variants.iter().any(|v| holds_model(api, &v.ty));
    let size_doc = inline.then(|| {
        "Each variant holds its value inline (none is boxed), as on the wire: the enum is as large as its \
         largest variant."
            .to_string()
    });
    let mut extra = Vec::new();
    if let Some(property) = discriminator {
        extra.push(format!(
            "The `{property}` property says which variant an object is; objects with other values decode into \
             `Unknown`."
        ));
    }
    extra.extend(size_doc);
    extra.extend(notes.iter().cloned());
    w.lines(&docs::comment(&def.docs, &extra, ""));
    w.lines(if def.docs.deprecated { "#[deprecated]\n" } else { "" });
    w.lines(allow);
    if inline {
        w.line("#[allow(clippy::large_enum_variant)]");
    }
    w.line(format_args!("#[derive(Debug, Clone, PartialEq{added})]"));
    w.line("#[non_exhaustive]");
    w.open(format_args!("pub enum {name} {{"));
    for v in variants {
        w.lines(&docs::comment(&v.docs, &[], ""));
        w.line(format_args!("{}({}),", v.rust_name, ty_text(&v.ty, "")));
    }
    if let Some(property) = discriminator {
        let doc = format!("A `{property}` value this client does not know (or none), with the object as received.");
        w.lines(&docs::text_comment(&doc, ""));
        w.line("Unknown(serde_json::Value),");
    }
    w.close("}");
    w.blank();
    match discriminator {
        Some(property) => tagged_impls(w, name, property, variants, allow),
        None => untagged_impls(w, name, variants, allow),
    }
}

/// A value of type `t` holds a model (a struct, union or newtype) inline, not behind a pointer.
fn holds_model(api: &Api, t: &TypeRef) -> bool {
    match resolve(api, strip_nullable(t)) {
        TypeRef::Named(n) => {
            matches!(
                api.types.get(n).map(|d| &d.kind),
                Some(TypeKind::Struct { .. } | TypeKind::Union { .. } | TypeKind::Newtype(_))
            )
        }
        _ => false,
    }
}

/// `Serialize`/`Deserialize` for a union with a discriminator: the property picks the variant
/// on the way in, and is filled in (when the variant's own fields lack it) on the way out.
fn tagged_impls(w: &mut Writer, name: &str, property: &str, variants: &[UnionVariant], allow: &str) {
    w.lines(allow);
    w.open(format_args!("impl serde::Serialize for {name} {{"));
    w.open("fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {");
    w.open("let (tag, value) = match self {");
    for v in variants {
        match v.tags.first() {
            Some(tag) => w.line(format_args!("{name}::{}(v) => ({}, serde_json::to_value(v)),", v.rust_name, lit(tag))),
            None => {
                w.line(format_args!("{name}::{}(v) => return serde::Serialize::serialize(v, serializer),", v.rust_name))
            }
        }
    }
    w.line(format_args!("{name}::Unknown(v) => return serde::Serialize::serialize(v, serializer),"));
    w.close("};");
    w.line("let mut value = value.map_err(serde::ser::Error::custom)?;");
    w.open("if let serde_json::Value::Object(map) = &mut value {");
    w.line(format_args!("map.entry({}).or_insert_with(|| serde_json::Value::from(tag));", lit(property)));
    w.close("}");
    w.line("serde::Serialize::serialize(&value, serializer)");
    w.close("}");
    w.close("}");
    w.blank();
    w.lines(allow);
    w.open(format_args!("impl<'de> serde::Deserialize<'de> for {name} {{"));
    w.open("fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {");
    w.line("let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;");
    w.line(format_args!(
        "let tag = value.get({}).and_then(serde_json::Value::as_str).map(str::to_owned);",
        lit(property)
    ));
    w.open("match tag.as_deref() {");
    for v in variants.iter().filter(|v| !v.tags.is_empty()) {
        let tags: Vec<String> = v.tags.iter().map(|t| format!("Some({})", lit(t))).collect();
        w.line(format_args!(
            "{} => serde_json::from_value(value).map({name}::{}).map_err(serde::de::Error::custom),",
            tags.join(" | "),
            v.rust_name
        ));
    }
    w.line(format_args!("_ => Ok({name}::Unknown(value)),"));
    w.close("}");
    w.close("}");
    w.close("}");
}

/// `Serialize`/`Deserialize` for a union without a discriminator: written as its variant is;
/// read by trying each variant in order against the buffered JSON value.
fn untagged_impls(w: &mut Writer, name: &str, variants: &[UnionVariant], allow: &str) {
    w.lines(allow);
    w.open(format_args!("impl serde::Serialize for {name} {{"));
    w.open("fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {");
    w.open("match self {");
    for v in variants {
        w.line(format_args!("{name}::{}(v) => serde::Serialize::serialize(v, serializer),", v.rust_name));
    }
    w.close("}");
    w.close("}");
    w.close("}");
    w.blank();
    w.lines(allow);
    w.open(format_args!("impl<'de> serde::Deserialize<'de> for {name} {{"));
    w.open("fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {");
    w.line("let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;");
    w.line("let mut pick = model::Pick::new(&value);");
    for v in variants {
        w.line(format_args!("pick.variant({name}::{});", v.rust_name));
    }
    w.line(format_args!("pick.finish({})", lit(name)));
    w.close("}");
    w.close("}");
}

/// Method names a setter does not take: `new`, and the methods of the traits the models
/// implement (an inherent method of the same name would shadow them, so `Model::default()` or
/// `model.clone()` would call the setter).
const NOT_SETTERS: &[&str] = &[
    "new",
    "default",
    "clone",
    "clone_from",
    "eq",
    "ne",
    "fmt",
    "serialize",
    "deserialize",
    "from",
    "into",
    "to_owned",
    "to_string",
    "try_from",
    "try_into",
    "type_id",
    "borrow",
    "borrow_mut",
];

/// The setter name of each field or parameter (`names`, distinct): its own, unless it is one of
/// [`NOT_SETTERS`], then with `_` after it until no other name has it.
fn setter_names<'a>(names: &[&'a str]) -> Vec<std::borrow::Cow<'a, str>> {
    let mut taken: BTreeSet<String> = names.iter().map(|n| n.to_string()).collect();
    names
        .iter()
        .map(|&n| {
            if !NOT_SETTERS.contains(&n) {
                return std::borrow::Cow::Borrowed(n);
            }
            let mut setter = format!("{n}_");
            while taken.contains(&setter) {
                setter.push('_');
            }
            taken.insert(setter.clone());
            std::borrow::Cow::Owned(setter)
        })
        .collect()
}

/// A field passed to `new` rather than set: required and not nullable (its type is no `Option`).
fn in_new(f: &Field) -> bool {
    f.required && !nullable(f)
}

/// A field's type as `new` or its setter takes it (the field's type without `Option`): strings
/// as `impl Into<String>`, so a literal can be passed as it is; `into` says whether to convert.
fn setter_type(api: &Api, f: &Field) -> (String, bool) {
    let binary = f.docs.format.as_deref() == Some("binary") && *strip_nullable(&f.ty) == TypeRef::String;
    match resolve(api, strip_nullable(&f.ty)) {
        _ if binary => ("crate::rt::Binary".to_string(), false),
        TypeRef::String => ("impl Into<String>".to_string(), true),
        _ => (ty_text(strip_nullable(&f.ty), ""), false),
    }
}

/// `new` (the required fields, in order; the optional ones `None`) and a setter per optional
/// field, one line each: the way to build a model from outside the crate that a later optional
/// field does not break (a struct literal of a `#[non_exhaustive]` struct does not compile there).
fn constructor(api: &Api, w: &mut Writer, name: &str, fields: &[Field], keeps_others: bool, allow: &str) {
    w.lines(allow);
    w.open(format_args!("impl {name} {{"));
    let required: Vec<&Field> = fields.iter().filter(|f| in_new(f)).collect();
    let doc = if required.is_empty() {
        "Builds the struct with every field unset (as `default()` does).".to_string()
    } else {
        "Builds the struct from its required fields; the optional ones are unset.".to_string()
    };
    w.lines(&docs::text_comment(&doc, ""));
    if required.len() > TOO_MANY_ARGUMENTS {
        w.line("// One argument per required property, as the schema lists them.");
        w.line("#[allow(clippy::too_many_arguments)]");
    }
    let args: Vec<String> = required.iter().map(|f| format!("{}: {}", f.rust_name, setter_type(api, f).0)).collect();
    let mut inits: Vec<String> = fields
        .iter()
        .map(|f| match (in_new(f), setter_type(api, f).1) {
            (true, true) => format!("{}: {}.into()", f.rust_name, f.rust_name),
            (true, false) => f.rust_name.clone(),
            (false, _) => format!("{}: None", f.rust_name),
        })
        .collect();
    if keeps_others {
        inits.push("additional_properties: std::collections::BTreeMap::new()".to_string());
    }
    w.open_list("pub fn new(", &args, ") -> Self {");
    w.list("Self { ", &inits, " }");
    w.close("}");
    let optional: Vec<&Field> = fields.iter().filter(|f| !in_new(f)).collect();
    let names: Vec<&str> = optional.iter().map(|f| f.rust_name.as_str()).collect();
    for (f, setter) in optional.iter().zip(setter_names(&names)) {
        let (ty, into) = setter_type(api, f);
        let value = if into { "value.into()" } else { "value" };
        w.line(format_args!("/// Sets `{}`.", f.wire_name.replace('`', "'")));
        w.line(format_args!(
            "pub fn {setter}(mut self, value: {ty}) -> Self {{ self.{} = Some({value}); self }}",
            f.rust_name
        ));
    }
    w.close("}");
}

/// Clippy's `too_many_arguments` threshold: `new` with more arguments allows the lint.
const TOO_MANY_ARGUMENTS: usize = 7;

/// One field of a model struct.
fn field(w: &mut Writer, f: &Field) {
    let wire = &f.wire_name;
    let mut extra = Vec::new();
    let blank = |t: &Option<String>| t.as_deref().is_none_or(|t| t.trim().is_empty());
    if blank(&f.docs.summary) && blank(&f.docs.description) {
        extra.push(format!("The `{wire}` property."));
    }
    if let Some(format) = &f.docs.format {
        extra.push(format!("Format: `{format}`."));
    }
    if f.docs.deprecated {
        extra.push("Deprecated.".to_string());
    }
    w.lines(&docs::comment(&f.docs, &extra, ""));
    // `format: binary` strings are bytes (sent as files in multipart bodies).
    let binary = f.docs.format.as_deref() == Some("binary") && *strip_nullable(&f.ty) == TypeRef::String;
    let inner = if binary { "crate::rt::Binary".to_string() } else { ty_text(strip_nullable(&f.ty), "") };
    if f.required && !nullable(f) {
        w.line(format_args!("pub {}: {inner},", f.rust_name));
    } else {
        // Optional, or required but nullable (then always sent, as `null` when `None`).
        w.line(format_args!("pub {}: Option<{inner}>,", f.rust_name));
    }
}

fn nullable(f: &Field) -> bool {
    f.nullable || matches!(f.ty, TypeRef::Nullable(_))
}

/// The names `from_map` reads the fields into: each field's own, unless it is one of the names
/// the body uses besides (`map`, `key`, `others`), then with `_` after it until it is free.
/// Field names are distinct valid identifiers (`lower::check_names`), so these are too.
fn locals(fields: &[Field]) -> Vec<String> {
    const USED: [&str; 3] = ["map", "key", "others"];
    let mut taken: BTreeSet<String> = fields.iter().map(|f| f.rust_name.clone()).collect();
    taken.extend(USED.iter().map(|s| s.to_string()));
    fields
        .iter()
        .map(|f| {
            if !USED.contains(&f.rust_name.as_str()) {
                return f.rust_name.clone();
            }
            let mut local = format!("{}_", f.rust_name);
            while taken.contains(&local) {
                local.push('_');
            }
            taken.insert(local.clone());
            local
        })
        .collect()
}

/// `Serialize`/`Deserialize` for a model struct, written out instead of derived: a line per
/// property here, the rest in the runtime's `rt::model` (the emitted file says why). Text, as
/// everything here: these impls are a template, and formatting them through `syn` and
/// `prettyplease` was most of the generator's time on big specs.
fn struct_serde(w: &mut Writer, name: &str, fields: &[Field], keeps_others: bool, allow: &str) {
    w.blank();
    w.lines(allow);
    w.open(format_args!("impl serde::Serialize for {name} {{"));
    w.open("fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {");
    w.line("let mut map = model::begin(serializer)?;");
    for f in fields {
        let how = if f.required { "field" } else { "optional" };
        w.line(format_args!("model::{how}(&mut map, {}, &self.{})?;", lit(&f.wire_name), f.rust_name));
    }
    if keeps_others {
        w.line("model::others(&mut map, &self.additional_properties)?;");
    }
    w.line("serde::ser::SerializeMap::end(map)");
    w.close("}");
    w.close("}");
    w.blank();
    deserialize(w, name, allow, &["model::object(deserializer)"]);
    w.blank();
    w.lines(allow);
    w.open(format_args!("impl<'de> model::Object<'de> for {name} {{"));
    w.line(format_args!("const NAME: &'static str = {};", lit(name)));
    let wires: Vec<String> = fields.iter().map(|f| lit(&f.wire_name)).collect();
    w.list("const FIELDS: &'static [&'static str] = &[", &wires, "];");
    if keeps_others {
        w.line("const KEEPS_OTHERS: bool = true;");
    }
    w.open("fn from_map<A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {");
    if fields.is_empty() && !keeps_others {
        w.open("while model::next_key::<Self, A>(&mut map)?.is_some() {");
        w.line("model::skip(&mut map)?;");
        w.close("}");
        w.line(format_args!("Ok({name} {{}})"));
    } else {
        let locals = locals(fields);
        for local in &locals {
            w.line(format_args!("let mut {local} = None;"));
        }
        if keeps_others {
            w.line("let mut others = std::collections::BTreeMap::new();");
        }
        w.open("while let Some(key) = model::next_key::<Self, A>(&mut map)? {");
        w.open("match key {");
        for (i, (f, local)) in fields.iter().zip(&locals).enumerate() {
            if f.required && !nullable(f) {
                w.line(format_args!("model::Key::Field({i}) => {local} = Some(map.next_value()?),"));
            } else {
                w.line(format_args!("model::Key::Field({i}) => {local} = map.next_value()?,"));
            }
        }
        if keeps_others {
            if !fields.is_empty() {
                w.line("model::Key::Field(_) => model::skip(&mut map)?,");
            }
            w.open("model::Key::Other(key) => {");
            w.line("others.insert(key.into_owned(), map.next_value()?);");
            w.close("}");
        } else {
            w.line("_ => model::skip(&mut map)?,");
        }
        w.close("}");
        w.close("}");
        w.open(format_args!("Ok({name} {{"));
        for (f, local) in fields.iter().zip(&locals) {
            let field = &f.rust_name;
            if f.required && !nullable(f) {
                let wire = lit(&f.wire_name);
                w.line(format_args!("{field}: model::required::<_, A::Error>({local}, {wire})?,"));
            } else if local == field {
                w.line(format_args!("{field},"));
            } else {
                w.line(format_args!("{field}: {local},"));
            }
        }
        if keeps_others {
            w.line("additional_properties: others,");
        }
        w.close("})");
    }
    w.close("}");
    w.close("}");
}

/// An open enum's definition.
/// `notes`: the doc lines after the enum's own (an order refused, the schema's pointer).
fn open_enum(w: &mut Writer, def: &TypeDef, repr: EnumRepr, variants: &[crate::ir::Variant], notes: &[String]) {
    let (keeping, derives, unknown) = match repr {
        // No `PartialOrd`/`Ord`: a derived order is the variants' order, which a value the spec
        // adds would change (so an additive change would break callers that sort).
        EnumRepr::String => ("the raw text", "Debug, Clone, PartialEq, Eq, Hash", "String"),
        EnumRepr::Integer => ("the number", "Debug, Clone, Copy, PartialEq, Eq, Hash", "i64"),
    };
    w.lines(&docs::comment(&def.docs, notes, ""));
    w.line("///");
    w.line(format_args!("/// Values this client does not know yet decode into `Unknown`, keeping {keeping}."));
    if def.docs.deprecated {
        w.line("#[deprecated]");
        w.line("#[allow(deprecated)]");
    }
    w.line(format_args!("#[derive({derives})]"));
    w.line("#[non_exhaustive]");
    w.open(format_args!("pub enum {} {{", def.name));
    for v in variants {
        if v.wire.is_empty() {
            w.line("/// The empty string.");
        } else if v.wire.contains(|c: char| c.is_control() || c == '`') {
            w.line(format_args!("/// {:?}", v.wire));
        } else {
            w.line(format_args!("/// `{}`", v.wire));
        }
        w.line(format_args!("{},", v.rust_name));
    }
    w.line("/// A value the spec does not list (yet), as received.");
    w.line(format_args!("Unknown({unknown}),"));
    w.close("}");
}

/// The enums some operation takes as a parameter (aliases followed): only they need
/// `ParamValue`.
fn param_enums(api: &Api) -> BTreeSet<&str> {
    fn walk<'a>(api: &'a Api, t: &'a TypeRef, out: &mut BTreeSet<&'a str>) {
        match resolve(api, t) {
            TypeRef::Named(n) => {
                if matches!(api.types.get(n).map(|d| &d.kind), Some(TypeKind::Enum { .. })) {
                    out.insert(n.as_str());
                }
            }
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) | TypeRef::Boxed(inner) => {
                walk(api, inner, out)
            }
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    for p in api.operations.iter().flat_map(|op| &op.params) {
        walk(api, &p.ty, &mut out);
    }
    out
}

/// The impls of an open enum: the wire value (`as_str` or `value`), `From` the wire value,
/// `Display`, serde, and `ParamValue` when some operation takes it as a parameter.
fn enum_impls(w: &mut Writer, name: &str, repr: EnumRepr, variants: &[crate::ir::Variant], allow: bool, param: bool) {
    let allow = allow_deprecated_text(allow);
    let (value_fn, value_ty, from_ty, this) = match repr {
        EnumRepr::String => ("as_str", "&str", "&str", "&self"),
        EnumRepr::Integer => ("value", "i64", "i64", "self"),
    };
    // Integers are written as digits; strings as Rust literals.
    let wire = |w: &str| match repr {
        EnumRepr::String => format!("{w:?}"),
        EnumRepr::Integer => w.parse::<i64>().map(|v| v.to_string()).unwrap_or_else(|_| "0".into()),
    };
    w.blank();
    w.lines(allow);
    w.open(format_args!("impl {name} {{"));
    w.line("/// The value as it appears on the wire.");
    w.open(format_args!("pub fn {value_fn}({this}) -> {value_ty} {{"));
    w.open("match self {");
    for v in variants {
        w.line(format_args!("{name}::{} => {},", v.rust_name, wire(&v.wire)));
    }
    w.line(format_args!("{name}::Unknown(other) => other,"));
    w.close("}");
    w.close("}");
    w.close("}");
    w.blank();
    w.lines(allow);
    w.open(format_args!("impl From<{from_ty}> for {name} {{"));
    w.open(format_args!("fn from(value: {from_ty}) -> Self {{"));
    w.open("match value {");
    for v in variants {
        w.line(format_args!("{} => {name}::{},", wire(&v.wire), v.rust_name));
    }
    let other = match repr {
        EnumRepr::String => "other.to_string()",
        EnumRepr::Integer => "other",
    };
    w.line(format_args!("other => {name}::Unknown({other}),"));
    w.close("}");
    w.close("}");
    w.close("}");
    w.blank();
    w.lines(allow);
    w.open(format_args!("impl std::fmt::Display for {name} {{"));
    w.open("fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {");
    match repr {
        EnumRepr::String => w.line("f.write_str(self.as_str())"),
        EnumRepr::Integer => w.line("write!(f, \"{}\", self.value())"),
    }
    w.close("}");
    w.close("}");
    w.blank();
    let body = match repr {
        EnumRepr::String => "serializer.serialize_str(self.as_str())",
        EnumRepr::Integer => "serializer.serialize_i64(self.value())",
    };
    serialize(w, name, allow, &[body]);
    w.blank();
    let body = match repr {
        EnumRepr::String => "model::str_value(deserializer)".to_string(),
        EnumRepr::Integer => format!("Ok({name}::from(i64::deserialize(deserializer)?))"),
    };
    deserialize(w, name, allow, &[&body]);
    if !param {
        return;
    }
    w.blank();
    w.lines(allow);
    w.open(format_args!("impl crate::rt::ParamValue for {name} {{"));
    w.open("fn to_param(&self) -> String {");
    match repr {
        EnumRepr::String => w.line("self.as_str().to_string()"),
        EnumRepr::Integer => w.line("self.value().to_string()"),
    }
    w.close("}");
    w.close("}");
}

/// The struct holding an operation's optional parameters, with chainable setters.
fn params_struct(api: &Api, op: &Operation, w: &mut Writer) {
    let Some(name) = op.params_type.as_ref() else { return };
    let optional: Vec<_> = op.params.iter().filter(|p| !p.required).collect();
    let allow = optional.iter().any(|p| mentions_deprecated(api, &p.ty));
    let allow = allow_deprecated_text(allow);
    let doc = format!("Optional parameters of [`Client::{}`](crate::Client::{}).", op.rust_name, op.rust_name);
    w.lines(&docs::text_comment(&doc, ""));
    w.lines(allow);
    w.line("#[derive(Debug, Clone, Default, PartialEq)]");
    w.line("#[non_exhaustive]");
    if optional.is_empty() {
        // Nothing to set yet: `default()` builds it, and a later optional parameter adds a field
        // and a setter (not an argument to the method).
        w.line(format_args!("pub struct {name} {{}}"));
        return;
    }
    w.open(format_args!("pub struct {name} {{"));
    for p in &optional {
        let mut extra = vec![format!("`{}` {} parameter.", p.wire_name, location(p.location))];
        if let Some(format) = &p.docs.format {
            extra.push(format!("Format: `{format}`."));
        }
        if p.docs.deprecated {
            extra.push("Deprecated.".to_string());
        }
        w.lines(&docs::comment(&p.docs, &extra, ""));
        w.line(format_args!("pub {}: Option<{}>,", p.rust_name, ty_text(strip_nullable(&p.ty), "")));
    }
    w.close("}");
    w.blank();
    w.lines(allow);
    w.open(format_args!("impl {name} {{"));
    let names: Vec<&str> = optional.iter().map(|p| p.rust_name.as_str()).collect();
    for (p, setter) in optional.iter().zip(setter_names(&names)) {
        let inner = strip_nullable(&p.ty);
        w.blank();
        w.lines(&docs::text_comment(&format!("Sets `{}`.", p.wire_name), ""));
        if matches!(resolve(api, inner), TypeRef::String) {
            w.open(format_args!("pub fn {setter}(mut self, value: impl Into<String>) -> Self {{"));
            w.line(format_args!("self.{} = Some(value.into());", p.rust_name));
        } else {
            w.open(format_args!("pub fn {setter}(mut self, value: {}) -> Self {{", ty_text(inner, "")));
            w.line(format_args!("self.{} = Some(value);", p.rust_name));
        }
        w.line("self");
        w.close("}");
    }
    w.close("}");
}

pub(crate) fn strip_nullable(t: &TypeRef) -> &TypeRef {
    match t {
        TypeRef::Nullable(inner) => inner,
        other => other,
    }
}

pub(crate) fn location(l: crate::ir::ParamLocation) -> &'static str {
    match l {
        crate::ir::ParamLocation::Path => "path",
        crate::ir::ParamLocation::Query => "query",
        crate::ir::ParamLocation::Header => "header",
        crate::ir::ParamLocation::Cookie => "cookie",
    }
}
