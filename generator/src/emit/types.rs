//! Models: structs, open enums, aliases, untagged unions, and operation parameter structs.

use super::docs;
use super::layout::Which;
use super::toolkit::{ident, lit, resolve, ty, ty_text, Texts};
use crate::ir::{Api, EnumRepr, Field, Operation, TypeDef, TypeKind, TypeRef, UnionVariant};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeSet;

/// The models and parameter structs whose Rust names pass `keep` (of those `which` selects);
/// `split` says whether this is one part of a split `types` folder (which sees its siblings
/// through `super`).
pub fn emit(api: &Api, split: bool, keep: impl Fn(&str) -> bool, which: &Which, text: &mut Texts) -> TokenStream {
    let param_enums = param_enums(api);
    let models = !matches!(which, Which::Params(_));
    let defs: Vec<TokenStream> = (api.types.values())
        .filter(|def| models && keep(&def.name) && which.holds_model(&def.name))
        .map(|def| type_def(api, def, text, &param_enums))
        .collect();
    let use_model = text.0.iter().any(|t| t.contains("model::")).then(|| {
        quote!(
            use crate::rt::model;
        )
    });
    let params: Vec<TokenStream> = (api.operations.iter())
        .filter(|op| matches!(which, Which::All | Which::Params(_)) && op.params_type.as_deref().is_some_and(&keep))
        .filter_map(|op| params_struct(api, op))
        .map(|t| text.add(t))
        .collect();
    let head = match (split, which) {
        (true, _) => quote! {
            //! One part of the models and parameter structs (see the parent module).

            #[allow(unused_imports)]
            use super::*;
            #use_model
        },
        (false, Which::All) => quote! {
            //! Models from the spec's schemas, and parameter structs for operations.

            #use_model
        },
        (false, Which::Models(_)) => {
            let core = which.core().map(import_core);
            quote! {
                //! Models from the spec's schemas.

                #core
                #use_model
            }
        }
        (false, Which::Params(krates)) => {
            let reexport = reexport(krates);
            quote! {
                //! Models from the spec's schemas (re-exported from their own crates), and parameter structs for
                //! operations.

                #reexport
            }
        }
    };
    quote! {
        #head

        #(#defs)*
        #(#params)*
    }
}

/// The re-exports of the separate models crates' `types`.
pub(crate) fn reexport(krates: &[String]) -> TokenStream {
    let krates = krates.iter().map(|k| ident(k));
    quote! {
        #(pub use #krates::types::*;)*
    }
}

/// A group's import of the core crate's models, which its own may name.
pub(crate) fn import_core(krate: &str) -> TokenStream {
    let krate = ident(krate);
    quote! {
        #[allow(unused_imports)]
        use #krate::types::*;
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

/// `#[allow(deprecated)]` for generated items that use a deprecated type themselves; callers
/// still get the warning where they use it.
pub(crate) fn allow_deprecated(yes: bool) -> Option<TokenStream> {
    yes.then(|| quote!(#[allow(deprecated)]))
}

/// [`allow_deprecated`] as a line of text.
pub(crate) fn allow_deprecated_text(yes: bool) -> &'static str {
    if yes {
        "#[allow(deprecated)]\n"
    } else {
        ""
    }
}

fn type_def(api: &Api, def: &TypeDef, text: &mut Texts, param_enums: &BTreeSet<&str>) -> TokenStream {
    let prefix = "";
    let name = ident(&def.name);
    // Only the token-built kinds (newtypes, unions) need doc attributes.
    let attrs = || docs::attrs(&def.docs, &source_line(def));
    let deprecated = def.docs.deprecated.then(|| quote!(#[deprecated]));
    match &def.kind {
        TypeKind::Alias(t) => {
            let mut out = docs::comment(&def.docs, &source_line(def), "");
            out.push_str(if def.docs.deprecated { "#[deprecated]\n" } else { "" });
            out.push_str(allow_deprecated_text(mentions_deprecated(api, t)));
            out.push_str(&format!("pub type {} = {};\n", def.name, ty_text(t, "")));
            text.add(out)
        }
        TypeKind::Newtype(t) => {
            let allow = allow_deprecated(mentions_deprecated(api, t));
            let impl_allow = allow_deprecated(def.docs.deprecated || mentions_deprecated(api, t));
            let t = ty(t, prefix);
            let attrs = attrs();
            quote! {
                #attrs
                #deprecated
                #allow
                #[derive(Debug, Clone, PartialEq)]
                pub struct #name(pub #t);

                #impl_allow
                impl serde::Serialize for #name {
                    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        serde::Serialize::serialize(&self.0, serializer)
                    }
                }

                #impl_allow
                impl<'de> serde::Deserialize<'de> for #name {
                    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        serde::Deserialize::deserialize(deserializer).map(#name)
                    }
                }
            }
        }
        TypeKind::Struct { fields, additional } => {
            let allow = allow_deprecated(
                fields.iter().any(|f| mentions_deprecated(api, &f.ty))
                    || additional.as_ref().is_some_and(|t| mentions_deprecated(api, t)),
            );
            // `Default` only where the default is a valid value: every field may be absent
            // (or `null`, or has a single possible value).
            let defaultable = |f: &Field| {
                !f.required || f.nullable || matches!(f.ty, TypeRef::Nullable(_) | TypeRef::True | TypeRef::False)
            };
            let default = if fields.iter().all(defaultable) { ", Default" } else { "" };
            // The impls name the struct and every field: allowed when any of them is deprecated.
            let impl_allow = allow.is_some() || def.docs.deprecated || fields.iter().any(|f| f.docs.deprecated);
            let mut out = docs::comment(&def.docs, &source_line(def), "");
            out.push_str(if def.docs.deprecated { "#[deprecated]\n" } else { "" });
            out.push_str(allow_deprecated_text(allow.is_some()));
            out.push_str(&format!("#[derive(Debug, Clone, PartialEq{default})]\npub struct {} {{\n", def.name));
            for f in fields {
                out.push_str(&field(f));
            }
            if let Some(t) = additional {
                out.push_str("    /// Properties not listed in the schema.\n");
                out.push_str(&format!(
                    "    pub additional_properties: std::collections::BTreeMap<String, {}>,\n",
                    ty_text(t, "")
                ));
            }
            out.push_str("}\n");
            out.push_str(&struct_serde(&def.name, fields, additional.is_some(), impl_allow));
            text.add(out)
        }
        TypeKind::Enum { repr, variants } => {
            let mut out = open_enum(def, *repr, variants);
            let param = param_enums.contains(def.name.as_str());
            out.push_str(&enum_impls(&def.name, *repr, variants, def.docs.deprecated, param));
            text.add(out)
        }
        TypeKind::Union { variants, discriminator } => {
            let allow =
                allow_deprecated(def.docs.deprecated || variants.iter().any(|v| mentions_deprecated(api, &v.ty)));
            // A variant that holds a model inline can be much larger than the others: the enum
            // mirrors the wire, so the variants are not boxed (matching on them stays plain) and
            // clippy's `large_enum_variant` is allowed, as the enum's docs say.
            let inline = variants.iter().any(|v| holds_model(api, &v.ty));
            let sized = inline.then(|| quote!(#[allow(clippy::large_enum_variant)]));
            let size_doc = inline.then(|| {
                "Each variant holds its value inline (none is boxed), as on the wire: the enum is as large as its \
                 largest variant."
                    .to_string()
            });
            let vs = variants.iter().map(|v| {
                let doc = docs::attrs(&v.docs, &[]);
                let n = ident(&v.rust_name);
                let t = ty(&v.ty, prefix);
                quote!(#doc #n(#t),)
            });
            // Without a discriminator the variants are tried in order; with one, the property
            // picks the variant and unlisted values keep the object in `Unknown`.
            let (attrs, unknown, impls) = match discriminator {
                None => {
                    let extra: Vec<String> = size_doc.into_iter().chain(source_line(def)).collect();
                    (docs::attrs(&def.docs, &extra), None, untagged_impls(&name, &def.name, variants, allow.as_ref()))
                }
                Some(property) => {
                    let doc = docs::text(&format!(
                        "A `{property}` value this client does not know (or none), with the object as received."
                    ));
                    let mut extra = vec![format!(
                        "The `{property}` property says which variant an object is; objects with other values \
                         decode into `Unknown`."
                    )];
                    extra.extend(size_doc);
                    extra.extend(source_line(def));
                    (
                        docs::attrs(&def.docs, &extra),
                        Some(quote!(#doc Unknown(serde_json::Value),)),
                        tagged_impls(&name, property, variants, allow.as_ref()),
                    )
                }
            };
            quote! {
                #attrs
                #deprecated
                #allow
                #sized
                #[derive(Debug, Clone, PartialEq)]
                pub enum #name {
                    #(#vs)*
                    #unknown
                }

                #impls
            }
        }
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
fn tagged_impls(
    name: &proc_macro2::Ident,
    property: &str,
    variants: &[UnionVariant],
    allow: Option<&TokenStream>,
) -> TokenStream {
    let ser_arms = variants.iter().map(|v| {
        let n = ident(&v.rust_name);
        match v.tags.first() {
            Some(tag) => quote!(#name::#n(v) => (#tag, serde_json::to_value(v)),),
            None => quote!(#name::#n(v) => return serde::Serialize::serialize(v, serializer),),
        }
    });
    let de_arms = variants.iter().filter(|v| !v.tags.is_empty()).map(|v| {
        let n = ident(&v.rust_name);
        let tags = v.tags.iter().map(|t| quote!(Some(#t)));
        quote! {
            #(#tags)|* => serde_json::from_value(value).map(#name::#n).map_err(serde::de::Error::custom),
        }
    });
    quote! {
        #allow
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let (tag, value) = match self {
                    #(#ser_arms)*
                    #name::Unknown(v) => return serde::Serialize::serialize(v, serializer),
                };
                let mut value = value.map_err(serde::ser::Error::custom)?;
                if let serde_json::Value::Object(map) = &mut value {
                    map.entry(#property).or_insert_with(|| serde_json::Value::from(tag));
                }
                serde::Serialize::serialize(&value, serializer)
            }
        }

        #allow
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                let tag = value.get(#property).and_then(serde_json::Value::as_str).map(str::to_owned);
                match tag.as_deref() {
                    #(#de_arms)*
                    _ => Ok(#name::Unknown(value)),
                }
            }
        }
    }
}

/// One field of a model struct, as text.
fn field(f: &Field) -> String {
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
    let mut out = docs::comment(&f.docs, &extra, "    ");
    // `format: binary` strings are bytes (sent as files in multipart bodies).
    let binary = f.docs.format.as_deref() == Some("binary") && *strip_nullable(&f.ty) == TypeRef::String;
    let inner = if binary { "crate::rt::Binary".to_string() } else { ty_text(strip_nullable(&f.ty), "") };
    if f.required && !nullable(f) {
        out.push_str(&format!("    pub {}: {inner},\n", f.rust_name));
    } else {
        // Optional, or required but nullable (then always sent, as `null` when `None`).
        out.push_str(&format!("    pub {}: Option<{inner}>,\n", f.rust_name));
    }
    out
}

fn nullable(f: &Field) -> bool {
    f.nullable || matches!(f.ty, TypeRef::Nullable(_))
}

/// `Serialize`/`Deserialize` for a model struct, written out instead of derived: a line per
/// property here, the rest in the runtime's `rt::model` (see there for why). Pre-formatted
/// text: these impls are a template, and formatting them through `syn` and `prettyplease`
/// was most of the generator's time on big specs.
fn struct_serde(name: &str, fields: &[Field], keeps_others: bool, allow: bool) -> String {
    let mut t = String::with_capacity(600 + fields.len() * 160);
    let allow = allow_deprecated_text(allow);
    t.push_str(allow);
    t.push_str(&format!("impl serde::Serialize for {name} {{\n"));
    t.push_str("    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {\n");
    t.push_str("        let mut map = model::begin(serializer)?;\n");
    for f in fields {
        let how = if f.required { "field" } else { "optional" };
        t.push_str(&format!("        model::{how}(&mut map, {}, &self.{})?;\n", lit(&f.wire_name), f.rust_name));
    }
    if keeps_others {
        t.push_str("        model::others(&mut map, &self.additional_properties)?;\n");
    }
    t.push_str("        serde::ser::SerializeMap::end(map)\n    }\n}\n");
    t.push_str(allow);
    t.push_str(&format!("impl<'de> serde::Deserialize<'de> for {name} {{\n"));
    t.push_str("    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {\n");
    t.push_str("        model::object(deserializer)\n    }\n}\n");
    t.push_str(allow);
    t.push_str(&format!("impl<'de> model::Object<'de> for {name} {{\n"));
    t.push_str(&format!("    const NAME: &'static str = {};\n", lit(name)));
    let wires: Vec<String> = fields.iter().map(|f| lit(&f.wire_name)).collect();
    let one_line = format!("    const FIELDS: &'static [&'static str] = &[{}];", wires.join(", "));
    if one_line.len() <= 100 {
        t.push_str(&one_line);
        t.push('\n');
    } else {
        t.push_str("    const FIELDS: &'static [&'static str] = &[\n");
        for w in &wires {
            t.push_str(&format!("        {w},\n"));
        }
        t.push_str("    ];\n");
    }
    if keeps_others {
        t.push_str("    const KEEPS_OTHERS: bool = true;\n");
    }
    t.push_str("    fn from_map<A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {\n");
    if fields.is_empty() && !keeps_others {
        t.push_str("        while model::next_key::<Self, A>(&mut map)?.is_some() {\n");
        t.push_str("            model::skip(&mut map)?;\n        }\n");
    } else {
        for i in 0..fields.len() {
            t.push_str(&format!("        let mut f{i} = None;\n"));
        }
        if keeps_others {
            t.push_str("        let mut others = std::collections::BTreeMap::new();\n");
        }
        t.push_str("        while let Some(key) = model::next_key::<Self, A>(&mut map)? {\n");
        t.push_str("            match key {\n");
        for (i, f) in fields.iter().enumerate() {
            if f.required && !nullable(f) {
                t.push_str(&format!("                model::Key::Field({i}) => f{i} = Some(map.next_value()?),\n"));
            } else {
                t.push_str(&format!("                model::Key::Field({i}) => f{i} = map.next_value()?,\n"));
            }
        }
        if keeps_others {
            if !fields.is_empty() {
                t.push_str("                model::Key::Field(_) => model::skip(&mut map)?,\n");
            }
            t.push_str("                model::Key::Other(key) => {\n");
            t.push_str("                    others.insert(key.into_owned(), map.next_value()?);\n");
            t.push_str("                }\n");
        } else {
            t.push_str("                _ => model::skip(&mut map)?,\n");
        }
        t.push_str("            }\n        }\n");
    }
    if fields.is_empty() && !keeps_others {
        t.push_str(&format!("        Ok({name} {{}})\n"));
    } else {
        t.push_str(&format!("        Ok({name} {{\n"));
        for (i, f) in fields.iter().enumerate() {
            if f.required && !nullable(f) {
                t.push_str(&format!(
                    "            {}: model::required::<_, A::Error>(f{i}, {})?,\n",
                    f.rust_name,
                    lit(&f.wire_name)
                ));
            } else {
                t.push_str(&format!("            {}: f{i},\n", f.rust_name));
            }
        }
        if keeps_others {
            t.push_str("            additional_properties: others,\n");
        }
        t.push_str("        })\n");
    }
    t.push_str("    }\n}\n");
    t
}

/// `Serialize`/`Deserialize` for a union without a discriminator: written as its variant is;
/// read by trying each variant in order against the buffered JSON value.
fn untagged_impls(
    name: &proc_macro2::Ident,
    label: &str,
    variants: &[UnionVariant],
    allow: Option<&TokenStream>,
) -> TokenStream {
    let idents: Vec<_> = variants.iter().map(|v| ident(&v.rust_name)).collect();
    quote! {
        #allow
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#name::#idents(v) => serde::Serialize::serialize(v, serializer),)*
                }
            }
        }

        #allow
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                let mut pick = crate::rt::model::Pick::new(&value);
                #( pick.variant(#name::#idents); )*
                pick.finish(#label)
            }
        }
    }
}

/// An open enum's definition, as text.
fn open_enum(def: &TypeDef, repr: EnumRepr, variants: &[crate::ir::Variant]) -> String {
    let (keeping, derives, unknown) = match repr {
        EnumRepr::String => ("the raw text", "Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord", "String"),
        EnumRepr::Integer => ("the number", "Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord", "i64"),
    };
    let mut out = docs::comment(&def.docs, &source_line(def), "");
    out.push_str(&format!("///\n/// Values this client does not know yet decode into `Unknown`, keeping {keeping}.\n"));
    if def.docs.deprecated {
        out.push_str("#[deprecated]\n#[allow(deprecated)]\n");
    }
    out.push_str(&format!("#[derive({derives})]\npub enum {} {{\n", def.name));
    for v in variants {
        if v.wire.is_empty() {
            out.push_str("    /// The empty string.\n");
        } else if v.wire.contains(|c: char| c.is_control() || c == '`') {
            out.push_str(&format!("    /// {:?}\n", v.wire));
        } else {
            out.push_str(&format!("    /// `{}`\n", v.wire));
        }
        out.push_str(&format!("    {},\n", v.rust_name));
    }
    out.push_str(&format!("    /// A value the spec does not list (yet), as received.\n    Unknown({unknown}),\n}}\n"));
    out
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

/// The impls of an open enum, as pre-formatted text (see [`struct_serde`]): the wire value
/// (`as_str` or `value`), `From` the wire value, `Display`, serde, and `ParamValue` when some
/// operation takes it as a parameter.
fn enum_impls(name: &str, repr: EnumRepr, variants: &[crate::ir::Variant], allow: bool, param: bool) -> String {
    let mut t = String::with_capacity(800 + variants.len() * 120);
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
    t.push_str(allow);
    t.push_str(&format!("impl {name} {{\n"));
    t.push_str("    /// The value as it appears on the wire.\n");
    t.push_str(&format!("    pub fn {value_fn}({this}) -> {value_ty} {{\n        match self {{\n"));
    for v in variants {
        t.push_str(&format!("            {name}::{} => {},\n", v.rust_name, wire(&v.wire)));
    }
    t.push_str(&format!("            {name}::Unknown(other) => other,\n        }}\n    }}\n}}\n"));
    t.push_str(allow);
    t.push_str(&format!("impl From<{from_ty}> for {name} {{\n"));
    t.push_str(&format!("    fn from(value: {from_ty}) -> Self {{\n        match value {{\n"));
    for v in variants {
        t.push_str(&format!("            {} => {name}::{},\n", wire(&v.wire), v.rust_name));
    }
    let other = match repr {
        EnumRepr::String => "other.to_string()",
        EnumRepr::Integer => "other",
    };
    t.push_str(&format!("            other => {name}::Unknown({other}),\n        }}\n    }}\n}}\n"));
    t.push_str(allow);
    t.push_str(&format!("impl std::fmt::Display for {name} {{\n"));
    t.push_str("    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {\n");
    match repr {
        EnumRepr::String => t.push_str("        f.write_str(self.as_str())\n"),
        EnumRepr::Integer => t.push_str("        write!(f, \"{}\", self.value())\n"),
    }
    t.push_str("    }\n}\n");
    t.push_str(allow);
    t.push_str(&format!("impl serde::Serialize for {name} {{\n"));
    t.push_str("    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {\n");
    match repr {
        EnumRepr::String => t.push_str("        serializer.serialize_str(self.as_str())\n"),
        EnumRepr::Integer => t.push_str("        serializer.serialize_i64(self.value())\n"),
    }
    t.push_str("    }\n}\n");
    t.push_str(allow);
    t.push_str(&format!("impl<'de> serde::Deserialize<'de> for {name} {{\n"));
    t.push_str("    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {\n");
    match repr {
        EnumRepr::String => {
            t.push_str("        model::str_value(deserializer)\n");
        }
        EnumRepr::Integer => t.push_str(&format!("        Ok({name}::from(i64::deserialize(deserializer)?))\n")),
    }
    t.push_str("    }\n}\n");
    if !param {
        return t;
    }
    t.push_str(allow);
    t.push_str(&format!("impl crate::rt::ParamValue for {name} {{\n"));
    t.push_str("    fn to_param(&self) -> String {\n");
    match repr {
        EnumRepr::String => t.push_str("        self.as_str().to_string()\n"),
        EnumRepr::Integer => t.push_str("        self.value().to_string()\n"),
    }
    t.push_str("    }\n}\n");
    t
}

/// The struct holding an operation's optional parameters, with chainable setters.
fn params_struct(api: &Api, op: &Operation) -> Option<String> {
    let name = op.params_type.as_ref()?;
    let optional: Vec<_> = op.params.iter().filter(|p| !p.required).collect();
    let allow = optional.iter().any(|p| mentions_deprecated(api, &p.ty));
    let allow = allow_deprecated_text(allow);
    let mut out = docs::text_comment(
        &format!("Optional parameters of [`Client::{}`](crate::Client::{}).", op.rust_name, op.rust_name),
        "",
    );
    out.push_str(allow);
    out.push_str(&format!("#[derive(Debug, Clone, Default, PartialEq)]\npub struct {name} {{\n"));
    for p in &optional {
        let mut extra = vec![format!("`{}` {} parameter.", p.wire_name, location(p.location))];
        if let Some(format) = &p.docs.format {
            extra.push(format!("Format: `{format}`."));
        }
        if p.docs.deprecated {
            extra.push("Deprecated.".to_string());
        }
        out.push_str(&docs::comment(&p.docs, &extra, "    "));
        out.push_str(&format!("    pub {}: Option<{}>,\n", p.rust_name, ty_text(strip_nullable(&p.ty), "")));
    }
    out.push_str("}\n");
    out.push_str(allow);
    out.push_str(&format!("impl {name} {{\n"));
    for p in &optional {
        let inner = strip_nullable(&p.ty);
        out.push_str(&docs::text_comment(&format!("Sets `{}`.", p.wire_name), "    "));
        if matches!(resolve(api, inner), TypeRef::String) {
            out.push_str(&format!("    pub fn {}(mut self, value: impl Into<String>) -> Self {{\n", p.rust_name));
            out.push_str(&format!("        self.{} = Some(value.into());\n", p.rust_name));
        } else {
            out.push_str(&format!("    pub fn {}(mut self, value: {}) -> Self {{\n", p.rust_name, ty_text(inner, "")));
            out.push_str(&format!("        self.{} = Some(value);\n", p.rust_name));
        }
        out.push_str("        self\n    }\n");
    }
    out.push_str("}\n");
    Some(out)
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
