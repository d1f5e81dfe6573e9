//! Models: structs, open enums, aliases, untagged unions, and operation parameter structs.

use super::{docs, ident, resolve, ty};
use crate::ir::{Api, EnumRepr, Field, Operation, TypeDef, TypeKind, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;

pub fn emit(api: &Api) -> TokenStream {
    let none = TokenStream::new();
    let defs = api.types.values().map(|def| type_def(def, &none));
    let params = api.operations.iter().filter_map(|op| params_struct(api, op));
    quote! {
        //! Models from the spec's schemas, and parameter structs for operations.

        #(#defs)*
        #(#params)*
    }
}

fn source_line(def: &TypeDef) -> Vec<String> {
    def.docs.source.as_ref().map(|s| format!("Schema: `{s}`")).into_iter().collect()
}

fn type_def(def: &TypeDef, prefix: &TokenStream) -> TokenStream {
    let name = ident(&def.name);
    let attrs = docs::attrs(&def.docs, &source_line(def));
    let deprecated = def.docs.deprecated.then(|| quote!(#[deprecated]));
    match &def.kind {
        TypeKind::Alias(t) => {
            let t = ty(t, prefix);
            quote! {
                #attrs
                pub type #name = #t;
            }
        }
        TypeKind::Struct { fields, additional } => {
            let all_optional = fields.iter().all(|f| !f.required) && additional.is_none();
            let default = all_optional.then(|| quote!(Default,));
            let fields_ts = fields.iter().map(|f| field(f, prefix));
            let extra = additional.as_ref().map(|t| {
                let t = ty(t, prefix);
                quote! {
                    /// Properties not listed in the schema.
                    #[serde(flatten)]
                    pub additional_properties: std::collections::BTreeMap<String, #t>,
                }
            });
            quote! {
                #attrs
                #deprecated
                #[derive(Debug, Clone, PartialEq, #default serde::Serialize, serde::Deserialize)]
                pub struct #name {
                    #(#fields_ts)*
                    #extra
                }
            }
        }
        TypeKind::Enum { repr, variants } => open_enum(&name, attrs, deprecated, *repr, variants),
        TypeKind::Untagged { variants } => {
            let vs = variants.iter().map(|(v, t)| {
                let v = ident(v);
                let t = ty(t, prefix);
                quote!(#v(#t),)
            });
            quote! {
                #attrs
                #deprecated
                #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
                #[serde(untagged)]
                pub enum #name {
                    #(#vs)*
                }
            }
        }
    }
}

fn field(f: &Field, prefix: &TokenStream) -> TokenStream {
    let name = ident(&f.rust_name);
    let wire = &f.wire_name;
    let rename = (f.rust_name != f.wire_name).then(|| quote!(#[serde(rename = #wire)]));
    let mut extra = Vec::new();
    if f.docs.summary.is_none() && f.docs.description.is_none() {
        extra.push(format!("The `{wire}` property."));
    }
    if f.docs.deprecated {
        extra.push("Deprecated.".to_string());
    }
    let attrs = docs::attrs(&f.docs, &extra);
    let inner = match &f.ty {
        TypeRef::Nullable(inner) if !f.required || f.nullable => ty(inner, prefix),
        other => ty(other, prefix),
    };
    if f.required && !f.nullable && !matches!(f.ty, TypeRef::Nullable(_)) {
        quote! {
            #attrs
            #rename
            pub #name: #inner,
        }
    } else if f.required {
        quote! {
            #attrs
            #rename
            #[serde(default)]
            pub #name: Option<#inner>,
        }
    } else {
        quote! {
            #attrs
            #rename
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub #name: Option<#inner>,
        }
    }
}

fn open_enum(
    name: &proc_macro2::Ident,
    attrs: TokenStream,
    deprecated: Option<TokenStream>,
    repr: EnumRepr,
    variants: &[crate::ir::Variant],
) -> TokenStream {
    let idents: Vec<_> = variants.iter().map(|v| ident(&v.rust_name)).collect();
    let docs: Vec<String> = variants.iter().map(|v| format!(" `{}`", v.wire)).collect();
    match repr {
        EnumRepr::String => {
            let wires: Vec<&str> = variants.iter().map(|v| v.wire.as_str()).collect();
            quote! {
                #attrs
                ///
                /// Values this client does not know yet decode into `Unknown`, keeping the raw text.
                #deprecated
                #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
                pub enum #name {
                    #( #[doc = #docs] #idents, )*
                    /// A value the spec does not list (yet), as received.
                    Unknown(String),
                }

                impl #name {
                    /// The value as it appears on the wire.
                    pub fn as_str(&self) -> &str {
                        match self {
                            #( #name::#idents => #wires, )*
                            #name::Unknown(other) => other,
                        }
                    }
                }

                impl From<&str> for #name {
                    fn from(value: &str) -> Self {
                        match value {
                            #( #wires => #name::#idents, )*
                            other => #name::Unknown(other.to_string()),
                        }
                    }
                }

                impl std::fmt::Display for #name {
                    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(self.as_str())
                    }
                }

                impl serde::Serialize for #name {
                    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        serializer.serialize_str(self.as_str())
                    }
                }

                impl<'de> serde::Deserialize<'de> for #name {
                    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        let value = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                        Ok(#name::from(value.as_ref()))
                    }
                }

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
                #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
                pub enum #name {
                    #( #[doc = #docs] #idents, )*
                    /// A value the spec does not list (yet), as received.
                    Unknown(i64),
                }

                impl #name {
                    /// The value as it appears on the wire.
                    pub fn value(self) -> i64 {
                        match self {
                            #( #name::#idents => #values, )*
                            #name::Unknown(other) => other,
                        }
                    }
                }

                impl From<i64> for #name {
                    fn from(value: i64) -> Self {
                        match value {
                            #( #values => #name::#idents, )*
                            other => #name::Unknown(other),
                        }
                    }
                }

                impl std::fmt::Display for #name {
                    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(f, "{}", self.value())
                    }
                }

                impl serde::Serialize for #name {
                    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        serializer.serialize_i64(self.value())
                    }
                }

                impl<'de> serde::Deserialize<'de> for #name {
                    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        Ok(#name::from(i64::deserialize(deserializer)?))
                    }
                }

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
        let attrs = docs::attrs(&p.docs, &[format!("`{}` {} parameter.", p.wire_name, location(p.location))]);
        quote! {
            #attrs
            pub #n: Option<#t>,
        }
    });
    let setters = optional.iter().map(|p| {
        let n = ident(&p.rust_name);
        let inner = strip_nullable(&p.ty);
        let t = ty(inner, &none);
        let doc = format!("Sets `{}`.", p.wire_name);
        if matches!(resolve(api, inner), TypeRef::String) {
            quote! {
                #[doc = #doc]
                pub fn #n(mut self, value: impl Into<String>) -> Self {
                    self.#n = Some(value.into());
                    self
                }
            }
        } else {
            quote! {
                #[doc = #doc]
                pub fn #n(mut self, value: #t) -> Self {
                    self.#n = Some(value);
                    self
                }
            }
        }
    });
    let doc = format!("Optional parameters of [`Client::{}`](crate::Client::{}).", op.rust_name, op.rust_name);
    Some(quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct #name {
            #(#fields)*
        }

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
    }
}
