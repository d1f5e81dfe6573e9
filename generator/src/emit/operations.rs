//! One request function per operation, as methods on the runtime's `Client`.

use super::types::{allow_deprecated, location, mentions_deprecated, strip_nullable};
use super::{docs, ident, resolve, ty};
use crate::ir::{
    Api, BodyEncoding, Constraints, Operation, Param, ParamLocation, ParamStyle, ResponseBody, Segment, TypeKind,
    TypeRef,
};
use proc_macro2::TokenStream;
use quote::quote;

/// The request functions whose Rust names pass `keep`; `split` says whether this is one part
/// of a split `operations` folder.
pub fn emit(api: &Api, split: bool, keep: impl Fn(&str) -> bool, texts: &mut super::Texts) -> TokenStream {
    // A split module's `super` is `operations/mod.rs`, which imports what `super` names here.
    let ops: Vec<TokenStream> =
        api.operations.iter().filter(|op| keep(&op.rust_name)).map(|op| operation(api, op, texts)).collect();
    // Import the models only when some signature or body names one (an unused import warns).
    let uses_types = ops.iter().any(|t| names_path(t.clone(), "types"));
    // In a split folder, `operations/mod.rs` imports `types` for its parts.
    let use_types = uses_types.then(|| {
        quote!(
            use super::types;
        )
    });
    let doc = docs::inner(if split {
        "One part of the request functions (see the parent module)."
    } else {
        "Request functions, one per operation of the spec."
    });
    quote! {
        #doc

        #use_types

        impl crate::Client {
            #(#ops)*
        }
    }
}

/// Whether `tokens` contain the path segment `name::` (a walk over the tokens: no formatting).
fn names_path(tokens: TokenStream, name: &str) -> bool {
    let mut previous_was_name = false;
    for tree in tokens {
        match tree {
            proc_macro2::TokenTree::Group(g) => {
                if names_path(g.stream(), name) {
                    return true;
                }
                previous_was_name = false;
            }
            proc_macro2::TokenTree::Ident(i) => previous_was_name = i == name,
            proc_macro2::TokenTree::Punct(p) => {
                if previous_was_name && p.as_char() == ':' {
                    return true;
                }
                previous_was_name = false;
            }
            proc_macro2::TokenTree::Literal(_) => previous_was_name = false,
        }
    }
    false
}

/// How a required parameter is taken as an argument.
fn arg_type(api: &Api, t: &TypeRef) -> TokenStream {
    let prefix = "types::";
    match resolve(api, strip_nullable(t)) {
        TypeRef::String => quote!(&str),
        TypeRef::Bool | TypeRef::I32 | TypeRef::I64 | TypeRef::F32 | TypeRef::F64 => ty(resolve(api, t), prefix),
        TypeRef::Vec(inner) => {
            let inner = ty(inner, prefix);
            quote!(&[#inner])
        }
        TypeRef::Named(n)
            if matches!(
                api.types.get(n).map(|d| &d.kind),
                Some(TypeKind::Enum { repr: crate::ir::EnumRepr::Integer, .. })
            ) =>
        {
            ty(strip_nullable(t), prefix)
        }
        _ => {
            let t = ty(strip_nullable(t), prefix);
            quote!(&#t)
        }
    }
}

fn decoder(api: &Api, op: &Operation) -> TokenStream {
    let prefix = "types::";
    if let Some(p) = &op.paginated {
        let item = ty(&p.item, prefix);
        let info = ty(&p.info, prefix);
        return quote!(crate::rt::Paged<super::envelope::ApiPagination, #item, #info>);
    }
    // With an empty body allowed, the value is optional (JSON values are `Null` instead).
    let optional = |t: &TypeRef, optional: bool| {
        let is_json = matches!(resolve(api, strip_nullable(t)), TypeRef::Json);
        let inner = ty(if is_json { t } else { strip_nullable(t) }, prefix);
        if (optional || matches!(t, TypeRef::Nullable(_))) && !is_json {
            quote!(Option<#inner>)
        } else {
            inner
        }
    };
    let decoder = match &op.response {
        ResponseBody::Empty => quote!(crate::rt::Empty),
        ResponseBody::Text { .. } => quote!(crate::rt::Text),
        ResponseBody::Bytes { .. } => quote!(crate::rt::Bytes),
        ResponseBody::Json(t) if op.may_be_empty => {
            let t = optional(t, true);
            quote!(crate::rt::Json<#t>)
        }
        ResponseBody::Json(t) => {
            let t = ty(t, prefix);
            quote!(crate::rt::Json<#t>)
        }
        ResponseBody::Enveloped { result, optional: opt } => {
            let t = optional(result, *opt || op.may_be_empty);
            quote!(crate::rt::Enveloped<super::envelope::ApiEnvelope, #t>)
        }
    };
    if op.may_be_empty {
        quote!(crate::rt::AllowEmpty<#decoder>)
    } else {
        decoder
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

/// A value written as text as it is: a string, number, boolean, date or enum.
fn is_scalar(api: &Api, t: &TypeRef) -> bool {
    match resolve(api, strip_nullable(t)) {
        TypeRef::String | TypeRef::Bool | TypeRef::I32 | TypeRef::I64 | TypeRef::F32 | TypeRef::F64 => true,
        TypeRef::DateTime | TypeRef::Date => true,
        TypeRef::Named(n) => matches!(api.types.get(n).map(|d| &d.kind), Some(TypeKind::Enum { .. })),
        _ => false,
    }
}

/// Statements that check and add one parameter whose value is the expression `v`.
fn add_param(api: &Api, p: &Param, v: &TokenStream) -> TokenStream {
    let wire = &p.wire_name;
    let check = checks(api, p, v);
    let explode = p.explode;
    let resolved = resolve(api, strip_nullable(&p.ty));
    let is_vec = matches!(resolved, TypeRef::Vec(_));
    let scalars = match resolved {
        TypeRef::Vec(inner) => is_scalar(api, inner),
        other => is_scalar(api, other),
    };
    let header = wire.to_ascii_lowercase();
    let add = match (p.location, p.style) {
        (ParamLocation::Path, ParamStyle::Json) => {
            quote!(r.path_param(#wire, &crate::rt::ParamValue::to_param(&crate::rt::JsonParam(#v)));)
        }
        (ParamLocation::Query, ParamStyle::Json) => quote!(r.query(#wire, crate::rt::JsonParam(#v));),
        (ParamLocation::Header, ParamStyle::Json) => quote!(r.header(#header, crate::rt::JsonParam(#v));),
        (ParamLocation::Cookie, ParamStyle::Json) => quote!(r.cookie(#wire, crate::rt::JsonParam(#v));),
        (ParamLocation::Path, ParamStyle::Simple) if scalars && !is_vec => {
            if matches!(resolved, TypeRef::String) {
                quote!(r.path_param(#wire, #v);)
            } else {
                quote!(r.path_param(#wire, &crate::rt::ParamValue::to_param(&#v));)
            }
        }
        (ParamLocation::Path, style) => {
            let style = match style {
                ParamStyle::Label => quote!(Label),
                ParamStyle::Matrix => quote!(Matrix),
                _ => quote!(Simple),
            };
            // Path parameters are arguments: copy types come by value.
            let v = if is_copy(api, &p.ty) { quote!(&#v) } else { quote!(#v) };
            quote!(r.path_structured(#wire, #v, crate::rt::Style::#style, #explode);)
        }
        (ParamLocation::Query, _) if scalars && !is_vec => quote!(r.query(#wire, #v);),
        (ParamLocation::Query, ParamStyle::Form) if scalars => quote!(r.query_array(#wire, #v, #explode);),
        (ParamLocation::Query, style) => {
            let style = match style {
                ParamStyle::SpaceDelimited => quote!(SpaceDelimited),
                ParamStyle::PipeDelimited => quote!(PipeDelimited),
                ParamStyle::DeepObject => quote!(DeepObject),
                _ => quote!(Form),
            };
            quote!(r.query_structured(#wire, #v, crate::rt::Style::#style, #explode);)
        }
        (ParamLocation::Header, _) if is_vec && scalars => {
            quote!(r.header(#header, #v.iter().map(crate::rt::ParamValue::to_param).collect::<Vec<_>>().join(","));)
        }
        (ParamLocation::Header, _) if scalars => quote!(r.header(#header, #v);),
        (ParamLocation::Header, _) => quote!(r.header_structured(#header, #v, #explode);),
        (ParamLocation::Cookie, _) if scalars && !is_vec => quote!(r.cookie(#wire, #v);),
        (ParamLocation::Cookie, _) => quote!(r.cookie_structured(#wire, #v, #explode);),
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

fn operation(api: &Api, op: &Operation, texts: &mut super::Texts) -> TokenStream {
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
    // Bodies are borrowed (a list or a string as a slice); raw bytes are taken by value. An
    // optional body is an `Option`.
    let mut body_stmt = None;
    if let Some(b) = &op.body {
        let prefix = "types::";
        let media = &b.media_type;
        let (t, set) = match b.encoding {
            BodyEncoding::Text => (quote!(&str), quote!(r.text(body, #media);)),
            BodyEncoding::Binary if b.required => (quote!(impl Into<Vec<u8>>), quote!(r.bytes(body, #media);)),
            BodyEncoding::Binary => (quote!(Vec<u8>), quote!(r.bytes(body, #media);)),
            encoding => {
                let t = match resolve(api, &b.ty) {
                    TypeRef::Vec(inner) => {
                        let inner = ty(inner, prefix);
                        quote!(&[#inner])
                    }
                    TypeRef::String => quote!(&str),
                    _ => {
                        let t = ty(&b.ty, prefix);
                        quote!(&#t)
                    }
                };
                let styles = b.form_styles.iter().map(|(property, style, explode)| {
                    let style = match style {
                        ParamStyle::SpaceDelimited => quote!(SpaceDelimited),
                        ParamStyle::PipeDelimited => quote!(PipeDelimited),
                        ParamStyle::DeepObject => quote!(DeepObject),
                        _ => quote!(Form),
                    };
                    quote!((#property, crate::rt::Style::#style, #explode))
                });
                let set = match encoding {
                    BodyEncoding::Form if !b.form_styles.is_empty() => quote!(r.form_styled(body, &[#(#styles),*]);),
                    BodyEncoding::Form => quote!(r.form(body);),
                    BodyEncoding::Multipart => quote!(r.multipart(body);),
                    _ => quote!(r.json(body);),
                };
                (t, set)
            }
        };
        if b.required {
            args.push(quote!(body: #t));
            body_stmt = Some(set);
        } else {
            args.push(quote!(body: Option<#t>));
            body_stmt = Some(quote! {
                if let Some(body) = body {
                    #set
                }
            });
        }
        let desc = b.docs.description.as_deref().map(str::trim).filter(|d| !d.is_empty());
        let what = match b.encoding {
            BodyEncoding::Json => "JSON".to_string(),
            BodyEncoding::Form => "form-urlencoded".to_string(),
            BodyEncoding::Multipart => "multipart/form-data, one part per property".to_string(),
            BodyEncoding::Text | BodyEncoding::Binary => format!("sent as `{media}`"),
        };
        let optional = if b.required { "" } else { "; optional" };
        arg_docs.push(format!("- `body` ({what}{optional}): {}", desc.unwrap_or("the request body.")));
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
    stmts.extend(body_stmt);
    if let Some(alternatives) = &op.security {
        let alternatives = super::security(api, alternatives);
        stmts.push(quote!(r.security(#alternatives);));
    }
    if let ResponseBody::Text { accept } | ResponseBody::Bytes { accept } = &op.response {
        stmts.push(quote!(r.header("accept", #accept);));
    }

    let mut extra = vec![format!("`{} {}`", op.method.as_str(), op.path)];
    if !arg_docs.is_empty() {
        extra.push(format!("# Arguments\n\n{}", arg_docs.join("\n")));
    }
    match &op.security {
        Some(alts) if alts.iter().all(Vec::is_empty) => extra.push("Authentication: none.".to_string()),
        Some(alts) => extra.push(format!(
            "Authentication (the first complete combination is sent): {}.",
            super::describe_security(api, alts)
        )),
        None => {}
    }
    if op.may_be_empty {
        let value = match &op.response {
            ResponseBody::Json(t) | ResponseBody::Enveloped { result: t, .. }
                if matches!(resolve(api, strip_nullable(t)), TypeRef::Json) =>
            {
                "`Value::Null`"
            }
            _ => "`None`",
        };
        extra.push(format!("A successful response may have no body (then the result is {value})."));
    }
    if op.paginated.is_some() {
        extra.push(
            "Await it for the first page, or walk every page with `.pages()` or every item with `.items()`."
                .to_string(),
        );
    }
    // The docs are pre-formatted text (long prose is costly to re-parse and print).
    let attrs = texts.add(docs::comment(&op.docs, &extra, ""));
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
