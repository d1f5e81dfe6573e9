//! One request function per operation, as methods on the runtime's `Client`.

use super::types::{allow_deprecated, location, mentions_deprecated, strip_nullable};
use super::{docs, ident, resolve, ty};
use crate::ir::{
    Api, BodyEncoding, Constraints, Operation, Param, ParamLocation, ResponseBody, Segment, TypeKind, TypeRef,
};
use proc_macro2::TokenStream;
use quote::quote;

pub fn emit(api: &Api) -> TokenStream {
    let ops: Vec<TokenStream> = api.operations.iter().map(|op| operation(api, op)).collect();
    // Import the models only when some signature or body names one (an unused import warns).
    let uses_types = ops.iter().any(|t| t.to_string().contains("types ::"));
    let use_types = uses_types.then(|| {
        quote!(
            use super::types;
        )
    });
    quote! {
        //! Request functions, one per operation of the spec.

        #use_types

        impl crate::Client {
            #(#ops)*
        }
    }
}

/// How a required parameter is taken as an argument.
fn arg_type(api: &Api, t: &TypeRef) -> TokenStream {
    let prefix = quote!(types::);
    match resolve(api, strip_nullable(t)) {
        TypeRef::String => quote!(&str),
        TypeRef::Bool | TypeRef::I32 | TypeRef::I64 | TypeRef::F32 | TypeRef::F64 => ty(resolve(api, t), &prefix),
        TypeRef::Vec(inner) => {
            let inner = ty(inner, &prefix);
            quote!(&[#inner])
        }
        TypeRef::Named(n)
            if matches!(
                api.types.get(n).map(|d| &d.kind),
                Some(TypeKind::Enum { repr: crate::ir::EnumRepr::Integer, .. })
            ) =>
        {
            ty(strip_nullable(t), &prefix)
        }
        _ => {
            let t = ty(strip_nullable(t), &prefix);
            quote!(&#t)
        }
    }
}

fn decoder(api: &Api, op: &Operation) -> TokenStream {
    let prefix = quote!(types::);
    if let Some(p) = &op.paginated {
        let item = ty(&p.item, &prefix);
        let info = ty(&p.info, &prefix);
        return quote!(crate::rt::Paged<super::envelope::ApiPagination, #item, #info>);
    }
    match &op.response {
        ResponseBody::Empty => quote!(crate::rt::Empty),
        ResponseBody::Text { .. } => quote!(crate::rt::Text),
        ResponseBody::Bytes { .. } => quote!(crate::rt::Bytes),
        ResponseBody::Json(t) => {
            let t = ty(t, &prefix);
            quote!(crate::rt::Json<#t>)
        }
        ResponseBody::Enveloped { result, optional } => {
            let t = ty(result, &prefix);
            let t = if *optional && !matches!(resolve(api, result), TypeRef::Json) { quote!(Option<#t>) } else { t };
            quote!(crate::rt::Enveloped<super::envelope::ApiEnvelope, #t>)
        }
    }
}

fn method_tokens(op: &Operation) -> TokenStream {
    let m = ident(op.method.as_str());
    quote!(crate::rt::Method::#m)
}

/// Checks from the spec, applied to a value about to be sent. `value` is an expression of the
/// parameter's type, by reference for strings and arrays.
fn checks(api: &Api, p: &Param, value: &TokenStream) -> TokenStream {
    let c: &Constraints = &p.constraints;
    if c.is_empty() {
        return TokenStream::new();
    }
    let wire = &p.wire_name;
    let opt_usize = |v: Option<usize>| match v {
        Some(n) => {
            let n = proc_macro2::Literal::usize_unsuffixed(n);
            quote!(Some(#n))
        }
        None => quote!(None),
    };
    let bound = |v: Option<f64>, exclusive: bool| match v {
        Some(n) => {
            let n = proc_macro2::Literal::f64_unsuffixed(n);
            quote!(Some((#n, #exclusive)))
        }
        None => quote!(None),
    };
    match resolve(api, strip_nullable(&p.ty)) {
        TypeRef::String if c.min_length.is_some() || c.max_length.is_some() => {
            let (min, max) = (opt_usize(c.min_length), opt_usize(c.max_length));
            quote!(r.check_length(#wire, #value, #min, #max);)
        }
        TypeRef::I32 | TypeRef::I64 | TypeRef::F32 | TypeRef::F64 if c.minimum.is_some() || c.maximum.is_some() => {
            let (min, max) = (bound(c.minimum, c.exclusive_minimum), bound(c.maximum, c.exclusive_maximum));
            let as_f64 = match resolve(api, strip_nullable(&p.ty)) {
                TypeRef::F64 => quote!(#value),
                _ => quote!(f64::from(#value)),
            };
            let as_f64 = if matches!(resolve(api, strip_nullable(&p.ty)), TypeRef::I64) {
                quote!(#value as f64)
            } else {
                as_f64
            };
            quote!(r.check_range(#wire, #as_f64, #min, #max);)
        }
        TypeRef::Vec(_) if c.min_items.is_some() || c.max_items.is_some() => {
            let (min, max) = (opt_usize(c.min_items), opt_usize(c.max_items));
            quote!(r.check_items(#wire, #value.len(), #min, #max);)
        }
        _ => TokenStream::new(),
    }
}

/// Statements that check and add one parameter whose value is the expression `v`.
fn add_param(api: &Api, p: &Param, v: &TokenStream) -> TokenStream {
    let wire = &p.wire_name;
    let check = checks(api, p, v);
    let is_vec = matches!(resolve(api, strip_nullable(&p.ty)), TypeRef::Vec(_));
    let add = match p.location {
        ParamLocation::Path => {
            if matches!(resolve(api, strip_nullable(&p.ty)), TypeRef::String) {
                quote!(r.path_param(#wire, #v);)
            } else {
                quote!(r.path_param(#wire, &crate::rt::ParamValue::to_param(&#v));)
            }
        }
        ParamLocation::Query if is_vec => {
            let explode = p.explode;
            quote!(r.query_array(#wire, #v, #explode);)
        }
        ParamLocation::Query => quote!(r.query(#wire, #v);),
        ParamLocation::Header if is_vec => {
            let lower = wire.to_ascii_lowercase();
            quote!(r.header(#lower, #v.iter().map(crate::rt::ParamValue::to_param).collect::<Vec<_>>().join(","));)
        }
        ParamLocation::Header => {
            let lower = wire.to_ascii_lowercase();
            quote!(r.header(#lower, #v);)
        }
    };
    quote!(#check #add)
}

fn is_copy(api: &Api, t: &TypeRef) -> bool {
    match resolve(api, strip_nullable(t)) {
        TypeRef::Bool | TypeRef::I32 | TypeRef::I64 | TypeRef::F32 | TypeRef::F64 | TypeRef::Date => true,
        TypeRef::Named(n) => {
            matches!(api.types.get(n).map(|d| &d.kind), Some(TypeKind::Enum { repr: crate::ir::EnumRepr::Integer, .. }))
        }
        _ => false,
    }
}

/// The operation's signature or body names a deprecated type.
fn uses_deprecated(api: &Api, op: &Operation) -> bool {
    let response = match &op.response {
        ResponseBody::Json(t) | ResponseBody::Enveloped { result: t, .. } => mentions_deprecated(api, t),
        _ => false,
    };
    let paged =
        op.paginated.as_ref().is_some_and(|p| mentions_deprecated(api, &p.item) || mentions_deprecated(api, &p.info));
    response
        || paged
        || op.body.as_ref().is_some_and(|b| mentions_deprecated(api, &b.ty))
        || op.params.iter().any(|p| mentions_deprecated(api, &p.ty))
}

fn operation(api: &Api, op: &Operation) -> TokenStream {
    let name = ident(&op.rust_name);
    let method = method_tokens(op);
    let retryable = op.retryable;
    let decode = decoder(api, op);

    let mut args = Vec::new();
    let mut arg_docs = Vec::new();
    for p in op.params.iter().filter(|p| p.required) {
        let n = ident(&p.rust_name);
        let t = arg_type(api, &p.ty);
        args.push(quote!(#n: #t));
        let wire = if p.wire_name == p.rust_name { String::new() } else { format!(" `{}`", p.wire_name) };
        let desc = p.docs.description.as_deref().map(|d| format!(": {}", d.trim())).unwrap_or_default();
        arg_docs.push(format!("- `{}` ({}{wire}){desc}", p.rust_name, location(p.location)));
    }
    if let Some(pt) = &op.params_type {
        let pt = ident(pt);
        args.push(quote!(params: &types::#pt));
        arg_docs.push("- `params`: the optional parameters.".to_string());
    }
    // Bodies are borrowed; a list or a string is taken as a slice (and passed on by reference,
    // since `Request::json` wants a sized value).
    let mut body_expr = quote!(body);
    if let Some(b) = &op.body {
        let prefix = quote!(types::);
        let t = match resolve(api, &b.ty) {
            TypeRef::Vec(inner) => {
                body_expr = quote!(&body);
                let inner = ty(inner, &prefix);
                quote!([#inner])
            }
            TypeRef::String => {
                body_expr = quote!(&body);
                quote!(str)
            }
            _ => ty(&b.ty, &prefix),
        };
        args.push(quote!(body: &#t));
        let desc = b.docs.description.as_deref().map(str::trim).filter(|d| !d.is_empty());
        arg_docs.push(format!("- `body`: {}", desc.unwrap_or("the request body.")));
    }

    let mut stmts = Vec::new();
    let mut prefix_lit = String::new();
    for seg in &op.segments {
        match seg {
            Segment::Literal(text) => prefix_lit.push_str(text),
            Segment::Param(i) => {
                if !prefix_lit.is_empty() {
                    let lit = std::mem::take(&mut prefix_lit);
                    stmts.push(quote!(r.literal(#lit);));
                }
                if let Some(p) = op.params.get(*i) {
                    let n = ident(&p.rust_name);
                    stmts.push(add_param(api, p, &quote!(#n)));
                }
            }
        }
    }
    if !prefix_lit.is_empty() {
        stmts.push(quote!(r.literal(#prefix_lit);));
    }
    for p in op.params.iter().filter(|p| p.location != ParamLocation::Path) {
        let n = ident(&p.rust_name);
        if p.required {
            stmts.push(add_param(api, p, &quote!(#n)));
        } else {
            // Copy values are taken out of the params struct; the rest are borrowed.
            let add = add_param(api, p, &quote!(v));
            let source = if is_copy(api, &p.ty) { quote!(params.#n) } else { quote!(&params.#n) };
            stmts.push(quote! {
                if let Some(v) = #source {
                    #add
                }
            });
        }
    }
    if let Some(b) = &op.body {
        match b.encoding {
            BodyEncoding::Json => stmts.push(quote!(r.json(#body_expr);)),
            BodyEncoding::Form => stmts.push(quote!(r.form(#body_expr);)),
        }
    }
    if let ResponseBody::Text { accept } | ResponseBody::Bytes { accept } = &op.response {
        stmts.push(quote!(r.header("accept", #accept);));
    }

    let mut extra = vec![format!("`{} {}`", op.method.as_str(), op.path)];
    if !arg_docs.is_empty() {
        extra.push(format!("# Arguments\n\n{}", arg_docs.join("\n")));
    }
    if op.paginated.is_some() {
        extra.push(
            "Await it for the first page, or walk every page with `.pages()` or every item with `.items()`."
                .to_string(),
        );
    }
    let attrs = docs::attrs(&op.docs, &extra);
    let deprecated = op.docs.deprecated.then(|| quote!(#[deprecated]));
    let allow = allow_deprecated(uses_deprecated(api, op));
    quote! {
        #attrs
        #deprecated
        #allow
        pub fn #name(&self, #(#args),*) -> crate::Call<#decode> {
            let mut r = crate::rt::Request::new(#method, #retryable);
            #(#stmts)*
            self.call(r)
        }
    }
}
