//! Models: structs, open enums, aliases, untagged unions, and operation parameter structs.

use super::{docs, ident, resolve, ty};
use crate::ir::{Api, EnumRepr, Field, Operation, TypeDef, TypeKind, TypeRef, UnionVariant};
use proc_macro2::TokenStream;
use quote::quote;

/// The models and parameter structs whose Rust names pass `keep`; `split` says whether this is
/// one letter's module of a split `types` folder (which sees its siblings through `super`).
pub fn emit(api: &Api, split: bool, keep: impl Fn(&str) -> bool) -> TokenStream {
    let defs = api.types.values().filter(|def| keep(&def.name)).map(|def| type_def(api, def));
    let params = (api.operations.iter())
        .filter(|op| op.params_type.as_deref().is_some_and(&keep))
        .filter_map(|op| params_struct(api, op));
    let head = if split {
        quote! {
            //! One part of the models and parameter structs (see the parent module).

            #[allow(unused_imports)]
            use super::*;
        }
    } else {
        quote! {
            //! Models from the spec's schemas, and parameter structs for operations.
        }
    };
    quote! {
        #head

        #(#defs)*
        #(#params)*
    }
}

fn source_line(def: &TypeDef) -> Vec<String> {
    def.docs.source.as_ref().map(|s| format!("Schema: `{s}`")).into_iter().collect()
}

/// True when `t` names a deprecated type directly (aliases are not followed: using an alias of a
/// deprecated type does not trigger the lint, defining it does).
pub(crate) fn mentions_deprecated(api: &Api, t: &TypeRef) -> bool {
    match t {
        TypeRef::Named(n) => api.types.get(n).is_some_and(|d| d.docs.deprecated),
        TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) | TypeRef::Boxed(inner) => {
            mentions_deprecated(api, inner)
        }
        _ => false,
    }
}

/// `#[allow(deprecated)]` for generated items that use a deprecated type themselves; callers
/// still get the warning where they use it.
pub(crate) fn allow_deprecated(yes: bool) -> Option<TokenStream> {
    yes.then(|| quote!(#[allow(deprecated)]))
}

fn type_def(api: &Api, def: &TypeDef) -> TokenStream {
    let prefix = TokenStream::new();
    let name = ident(&def.name);
    let attrs = docs::attrs(&def.docs, &source_line(def));
    let deprecated = def.docs.deprecated.then(|| quote!(#[deprecated]));
    match &def.kind {
        TypeKind::Alias(t) => {
            let allow = allow_deprecated(mentions_deprecated(api, t));
            let t = ty(t, &prefix);
            quote! {
                #attrs
                #deprecated
                #allow
                pub type #name = #t;
            }
        }
        TypeKind::Newtype(t) => {
            let allow = allow_deprecated(mentions_deprecated(api, t));
            let impl_allow = allow_deprecated(def.docs.deprecated || mentions_deprecated(api, t));
            let t = ty(t, &prefix);
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
            let default = fields.iter().all(defaultable).then(|| quote!(Default,));
            let fields_ts = fields.iter().map(|f| field(f, &prefix));
            let extra = additional.as_ref().map(|t| {
                let t = ty(t, &prefix);
                quote! {
                    /// Properties not listed in the schema.
                    pub additional_properties: std::collections::BTreeMap<String, #t>,
                }
            });
            // The impls name the struct and every field: allowed when any of them is deprecated.
            let impl_allow =
                allow_deprecated(allow.is_some() || def.docs.deprecated || fields.iter().any(|f| f.docs.deprecated));
            let impls = struct_serde(&name, &def.name, fields, additional.is_some(), impl_allow.as_ref());
            quote! {
                #attrs
                #deprecated
                #allow
                #[derive(Debug, Clone, PartialEq, #default)]
                pub struct #name {
                    #(#fields_ts)*
                    #extra
                }

                #impls
            }
        }
        TypeKind::Enum { repr, variants } => {
            let allow = allow_deprecated(def.docs.deprecated);
            open_enum(&name, attrs, deprecated, allow, *repr, variants)
        }
        TypeKind::Union { variants, discriminator } => {
            let allow =
                allow_deprecated(def.docs.deprecated || variants.iter().any(|v| mentions_deprecated(api, &v.ty)));
            let vs = variants.iter().map(|v| {
                let doc = docs::attrs(&v.docs, &[]);
                let n = ident(&v.rust_name);
                let t = ty(&v.ty, &prefix);
                quote!(#doc #n(#t),)
            });
            match discriminator {
                None => {
                    let impls = untagged_impls(&name, &def.name, variants, allow.as_ref());
                    quote! {
                        #attrs
                        #deprecated
                        #allow
                        #[derive(Debug, Clone, PartialEq)]
                        pub enum #name {
                            #(#vs)*
                        }

                        #impls
                    }
                }
                Some(property) => {
                    let doc = docs::text(&format!(
                        "A `{property}` value this client does not know (or none), with the object as received."
                    ));
                    let impls = tagged_impls(&name, property, variants, allow.as_ref());
                    let mut extra = vec![format!(
                        "The `{property}` property says which variant an object is; objects with other values \
                         decode into `Unknown`."
                    )];
                    extra.extend(source_line(def));
                    let attrs = docs::attrs(&def.docs, &extra);
                    quote! {
                        #attrs
                        #deprecated
                        #allow
                        #[derive(Debug, Clone, PartialEq)]
                        pub enum #name {
                            #(#vs)*
                            #doc
                            Unknown(serde_json::Value),
                        }

                        #impls
                    }
                }
            }
        }
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

fn field(f: &Field, prefix: &TokenStream) -> TokenStream {
    let name = ident(&f.rust_name);
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
    let attrs = docs::attrs(&f.docs, &extra);
    // `format: binary` strings are bytes (sent as files in multipart bodies).
    let binary = f.docs.format.as_deref() == Some("binary") && *strip_nullable(&f.ty) == TypeRef::String;
    let inner = if binary { quote!(crate::rt::Binary) } else { ty(strip_nullable(&f.ty), prefix) };
    if f.required && !nullable(f) {
        quote! {
            #attrs
            pub #name: #inner,
        }
    } else {
        // Optional, or required but nullable (then always sent, as `null` when `None`).
        quote! {
            #attrs
            pub #name: Option<#inner>,
        }
    }
}

fn nullable(f: &Field) -> bool {
    f.nullable || matches!(f.ty, TypeRef::Nullable(_))
}

/// `Serialize`/`Deserialize` for a model struct, written out instead of derived: a line per
/// property here, the rest in the runtime's `rt::model` (see there for why).
fn struct_serde(
    name: &proc_macro2::Ident,
    label: &str,
    fields: &[Field],
    keeps_others: bool,
    allow: Option<&TokenStream>,
) -> TokenStream {
    let wires: Vec<&str> = fields.iter().map(|f| f.wire_name.as_str()).collect();
    let rust: Vec<_> = fields.iter().map(|f| ident(&f.rust_name)).collect();
    let locals: Vec<_> = (0..fields.len()).map(|i| quote::format_ident!("f{}", i)).collect();
    let ser = fields.iter().zip(&rust).map(|(f, n)| {
        let wire = &f.wire_name;
        if f.required {
            quote!(crate::rt::model::field(&mut map, #wire, &self.#n)?;)
        } else {
            quote!(crate::rt::model::optional(&mut map, #wire, &self.#n)?;)
        }
    });
    let ser_others = keeps_others.then(|| quote!(crate::rt::model::others(&mut map, &self.additional_properties)?;));
    let arms = fields.iter().zip(&locals).enumerate().map(|(i, (f, local))| {
        let index = proc_macro2::Literal::usize_unsuffixed(i);
        if f.required && !nullable(f) {
            quote!(crate::rt::model::Key::Field(#index) => #local = Some(map.next_value()?),)
        } else {
            quote!(crate::rt::model::Key::Field(#index) => #local = map.next_value()?,)
        }
    });
    let values = fields.iter().zip(&locals).zip(&rust).map(|((f, local), n)| {
        let wire = &f.wire_name;
        if f.required && !nullable(f) {
            quote!(#n: crate::rt::model::required::<_, A::Error>(#local, #wire)?,)
        } else {
            quote!(#n: #local,)
        }
    });
    let (others_local, others_arm, others_value) = if keeps_others {
        (
            Some(quote!(let mut others = std::collections::BTreeMap::new();)),
            quote! {
                crate::rt::model::Key::Other(key) => {
                    others.insert(key.into_owned(), map.next_value()?);
                }
            },
            Some(quote!(additional_properties: others,)),
        )
    } else {
        (None, quote!(_ => crate::rt::model::skip(&mut map)?,), None)
    };
    let keeps = keeps_others.then(|| {
        quote!(
            const KEEPS_OTHERS: bool = true;
        )
    });
    let read = if fields.is_empty() && !keeps_others {
        quote! {
            while crate::rt::model::next_key::<Self, A>(&mut map)?.is_some() {
                crate::rt::model::skip(&mut map)?;
            }
        }
    } else {
        let fallback = (!fields.is_empty() && keeps_others)
            .then(|| quote!(crate::rt::model::Key::Field(_) => crate::rt::model::skip(&mut map)?,));
        quote! {
            #(let mut #locals = None;)*
            #others_local
            while let Some(key) = crate::rt::model::next_key::<Self, A>(&mut map)? {
                match key {
                    #(#arms)*
                    #fallback
                    #others_arm
                }
            }
        }
    };
    quote! {
        #allow
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = crate::rt::model::begin(serializer)?;
                #(#ser)*
                #ser_others
                serde::ser::SerializeMap::end(map)
            }
        }

        #allow
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::rt::model::object(deserializer)
            }
        }

        #allow
        impl<'de> crate::rt::model::Object<'de> for #name {
            const NAME: &'static str = #label;
            const FIELDS: &'static [&'static str] = &[#(#wires),*];
            #keeps

            fn from_map<A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
                #read
                Ok(#name {
                    #(#values)*
                    #others_value
                })
            }
        }
    }
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
                #(
                    if let Some(v) = crate::rt::model::variant(&value) {
                        return Ok(#name::#idents(v));
                    }
                )*
                Err(crate::rt::model::no_variant(#label))
            }
        }
    }
}

fn open_enum(
    name: &proc_macro2::Ident,
    attrs: TokenStream,
    deprecated: Option<TokenStream>,
    allow: Option<TokenStream>,
    repr: EnumRepr,
    variants: &[crate::ir::Variant],
) -> TokenStream {
    let idents: Vec<_> = variants.iter().map(|v| ident(&v.rust_name)).collect();
    let docs: Vec<String> = variants
        .iter()
        .map(|v| if v.wire.is_empty() { " The empty string.".to_string() } else { format!(" `{}`", v.wire) })
        .collect();
    match repr {
        EnumRepr::String => {
            let wires: Vec<&str> = variants.iter().map(|v| v.wire.as_str()).collect();
            quote! {
                #attrs
                ///
                /// Values this client does not know yet decode into `Unknown`, keeping the raw text.
                #deprecated
                #allow
                #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
                pub enum #name {
                    #( #[doc = #docs] #idents, )*
                    /// A value the spec does not list (yet), as received.
                    Unknown(String),
                }

                #allow
                impl #name {
                    /// The value as it appears on the wire.
                    pub fn as_str(&self) -> &str {
                        match self {
                            #( #name::#idents => #wires, )*
                            #name::Unknown(other) => other,
                        }
                    }
                }

                #allow
                impl From<&str> for #name {
                    fn from(value: &str) -> Self {
                        match value {
                            #( #wires => #name::#idents, )*
                            other => #name::Unknown(other.to_string()),
                        }
                    }
                }

                #allow
                impl std::fmt::Display for #name {
                    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(self.as_str())
                    }
                }

                #allow
                impl serde::Serialize for #name {
                    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        serializer.serialize_str(self.as_str())
                    }
                }

                #allow
                impl<'de> serde::Deserialize<'de> for #name {
                    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        let value = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                        Ok(#name::from(value.as_ref()))
                    }
                }

                #allow
                impl crate::rt::ParamValue for #name {
                    fn to_param(&self) -> String {
                        self.as_str().to_string()
                    }
                }
            }
        }
        EnumRepr::Integer => {
            let values: Vec<i64> = variants.iter().filter_map(|v| v.wire.parse().ok()).collect();
            let values = values.iter().map(|v| proc_macro2::Literal::i64_unsuffixed(*v));
            let values: Vec<_> = values.collect();
            quote! {
                #attrs
                ///
                /// Values this client does not know yet decode into `Unknown`, keeping the number.
                #deprecated
                #allow
                #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
                pub enum #name {
                    #( #[doc = #docs] #idents, )*
                    /// A value the spec does not list (yet), as received.
                    Unknown(i64),
                }

                #allow
                impl #name {
                    /// The value as it appears on the wire.
                    pub fn value(self) -> i64 {
                        match self {
                            #( #name::#idents => #values, )*
                            #name::Unknown(other) => other,
                        }
                    }
                }

                #allow
                impl From<i64> for #name {
                    fn from(value: i64) -> Self {
                        match value {
                            #( #values => #name::#idents, )*
                            other => #name::Unknown(other),
                        }
                    }
                }

                #allow
                impl std::fmt::Display for #name {
                    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(f, "{}", self.value())
                    }
                }

                #allow
                impl serde::Serialize for #name {
                    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        serializer.serialize_i64(self.value())
                    }
                }

                #allow
                impl<'de> serde::Deserialize<'de> for #name {
                    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        Ok(#name::from(i64::deserialize(deserializer)?))
                    }
                }

                #allow
                impl crate::rt::ParamValue for #name {
                    fn to_param(&self) -> String {
                        self.value().to_string()
                    }
                }
            }
        }
    }
}

/// The struct holding an operation's optional parameters, with chainable setters.
fn params_struct(api: &Api, op: &Operation) -> Option<TokenStream> {
    let name = ident(op.params_type.as_ref()?);
    let none = TokenStream::new();
    let optional: Vec<_> = op.params.iter().filter(|p| !p.required).collect();
    let fields = optional.iter().map(|p| {
        let n = ident(&p.rust_name);
        let t = ty(strip_nullable(&p.ty), &none);
        let mut extra = vec![format!("`{}` {} parameter.", p.wire_name, location(p.location))];
        if let Some(format) = &p.docs.format {
            extra.push(format!("Format: `{format}`."));
        }
        if p.docs.deprecated {
            extra.push("Deprecated.".to_string());
        }
        let attrs = docs::attrs(&p.docs, &extra);
        quote! {
            #attrs
            pub #n: Option<#t>,
        }
    });
    let setters = optional.iter().map(|p| {
        let n = ident(&p.rust_name);
        let inner = strip_nullable(&p.ty);
        let t = ty(inner, &none);
        let doc = docs::text(&format!("Sets `{}`.", p.wire_name));
        if matches!(resolve(api, inner), TypeRef::String) {
            quote! {
                #doc
                pub fn #n(mut self, value: impl Into<String>) -> Self {
                    self.#n = Some(value.into());
                    self
                }
            }
        } else {
            quote! {
                #doc
                pub fn #n(mut self, value: #t) -> Self {
                    self.#n = Some(value);
                    self
                }
            }
        }
    });
    let doc =
        docs::text(&format!("Optional parameters of [`Client::{}`](crate::Client::{}).", op.rust_name, op.rust_name));
    let allow = allow_deprecated(optional.iter().any(|p| mentions_deprecated(api, &p.ty)));
    Some(quote! {
        #doc
        #allow
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct #name {
            #(#fields)*
        }

        #allow
        impl #name {
            #(#setters)*
        }
    })
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
