//! The API module's own files: its `mod.rs` (`ApiMessage`, the `SPEC` the runtime reads, the
//! `client!` call, the credential setters) and `envelope.rs` (the `Envelope`, `PageScheme` and
//! `PageInfo` impls), with the accepted security combinations, which `operations` writes too.

use super::toolkit::{ident, resolve, ty};
use super::{docs, types};
use crate::ir::{self, Api, SchemeKind, TypeKind, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;

pub(super) fn module(api: &Api) -> TokenStream {
    let title = format!("{} {}", api.title, api.version);
    let intro = docs::inner(&format!(
        "Generated API surface: {title}.{}",
        api.description.as_deref().map(|d| format!("\n\n{d}")).unwrap_or_default()
    ));
    let base = api.server_url.clone().unwrap_or_default();
    let base_env = match &api.base_url_env {
        Some(e) => quote!(Some(#e)),
        None => quote!(None),
    };
    let schemes = api.auth.schemes.values().map(|s| {
        let name = &s.spec_name;
        let kind = match &s.kind {
            SchemeKind::Bearer => quote!(crate::AuthKind::Bearer),
            SchemeKind::Basic => quote!(crate::AuthKind::Basic),
            SchemeKind::Header(h) => {
                let h = h.to_ascii_lowercase();
                quote!(crate::AuthKind::Header(#h))
            }
            SchemeKind::Query(q) => quote!(crate::AuthKind::Query(#q)),
            SchemeKind::Cookie(c) => quote!(crate::AuthKind::Cookie(#c)),
        };
        let env = match &s.env {
            Some(e) => quote!(Some(#e)),
            None => quote!(None),
        };
        quote!(crate::AuthScheme { name: #name, kind: #kind, env: #env })
    });
    let alternatives = security(api, &api.auth.alternatives);
    let mut combinations: Vec<&Vec<String>> = Vec::new();
    let every =
        api.auth.alternatives.iter().chain(api.operations.iter().filter_map(|op| op.security.as_ref()).flatten());
    for combination in every {
        if !combination.is_empty() && !combinations.contains(&combination) {
            combinations.push(combination);
        }
    }
    let combinations = security(api, &combinations);
    let setters = api.auth.schemes.values().map(|s| {
        let method = ident(&s.rust_name);
        let name = &s.spec_name;
        let how = match &s.kind {
            SchemeKind::Bearer => "Sent as `Authorization: Bearer <value>`.".to_string(),
            SchemeKind::Basic => "Sent as HTTP Basic auth; the value is `user:password`.".to_string(),
            SchemeKind::Header(h) => format!("Sent in the `{h}` header."),
            SchemeKind::Query(q) => format!("Sent as the `{q}` query parameter."),
            SchemeKind::Cookie(c) => format!("Sent as the `{c}` cookie."),
        };
        let env = s.env.as_ref().map(|e| format!("Default: the `{e}` environment variable.")).unwrap_or_default();
        let attrs = docs::attrs(&s.docs, &[format!("{how} {env}").trim().to_string()]);
        quote! {
            #attrs
            pub fn #method(self, value: impl Into<crate::Secret>) -> Self {
                self.credential(#name, value)
            }
        }
    });
    let (message, message_allow) = match &api.envelope {
        Some(env) => {
            (ty(&env.message_ty, "types::"), allow_deprecated(types::mentions_deprecated(api, &env.message_ty)))
        }
        None => (quote!(serde_json::Value), None),
    };
    // Public: a caller names their types when naming a call's, a page walk's or an item stream's
    // type (`Items<Paged<envelope::ApiPagination, …>, ApiMessage>`).
    let envelope_mod = api.envelope.as_ref().map(|_| quote! { pub mod envelope; });
    let paging_mod = api.has_listings().then(|| quote! { pub mod paging; });
    let errors_mod = (!api.errors.is_empty()).then(|| quote! { pub mod errors; });
    let precedence = describe_security(api, &api.auth.alternatives);
    let setters_intro = "Credential setters, one per security scheme of the spec. Set every one you have: each call \
                 sends only the first combination its operation accepts whose every part is set.";
    let builder_doc = if api.auth.alternatives.iter().all(Vec::is_empty) {
        docs::text(setters_intro)
    } else {
        docs::text(&format!(
            "{setters_intro} Unless an operation says otherwise, it accepts, in this order: {precedence}."
        ))
    };
    let builder = (!api.auth.schemes.is_empty()).then(|| {
        quote! {
            #builder_doc
            impl crate::ClientBuilder {
                #(#setters)*
            }
        }
    });
    quote! {
        #intro

        mod operations;
        pub mod types;
        #errors_mod
        #envelope_mod
        #paging_mod

        /// One error or informational message from the API.
        #message_allow
        pub type ApiMessage = #message;

        /// The facts the runtime needs about this API.
        pub(crate) static SPEC: crate::ApiSpec = crate::ApiSpec {
            default_base_url: #base,
            base_url_env: #base_env,
            schemes: &[#(#schemes),*],
            alternatives: #alternatives,
            combinations: #combinations,
        };

        crate::rt::client!(ApiMessage, SPEC);

        #builder
    }
}

/// Accepted combinations as static data: indices into the emitted scheme list (the schemes in
/// name order), e.g. `&[&[2], &[0, 1]]`.
pub(crate) fn security<V: AsRef<[String]>>(api: &Api, alternatives: &[V]) -> TokenStream {
    // Spelled once, in `security_text`: numbers, brackets and commas always lex.
    security_text(api, alternatives).parse().unwrap_or_default()
}

/// [`security`] as text: `&[&[0], &[1, 2]]`.
pub(crate) fn security_text<V: AsRef<[String]>>(api: &Api, alternatives: &[V]) -> String {
    let index = |name: &String| api.auth.schemes.keys().position(|k| k == name).unwrap_or(usize::MAX);
    let alts: Vec<String> = (alternatives.iter())
        .map(|alt| {
            let indices: Vec<String> = alt.as_ref().iter().map(|n| index(n).to_string()).collect();
            format!("&[{}]", indices.join(", "))
        })
        .collect();
    format!("&[{}]", alts.join(", "))
}

/// `` `a` + `b`, then `c` `` (setter names), for docs; `, or none` when credentials are
/// optional (the runtime sends a complete combination when there is one).
pub(crate) fn describe_security(api: &Api, alternatives: &[Vec<String>]) -> String {
    let describe = |alt: &Vec<String>| {
        let names: Vec<String> = alt
            .iter()
            .map(|n| api.auth.schemes.get(n).map(|s| format!("`{}`", s.rust_name)).unwrap_or_default())
            .collect();
        names.join(" + ")
    };
    let mut text = alternatives.iter().filter(|a| !a.is_empty()).map(describe).collect::<Vec<_>>().join(", then ");
    if alternatives.iter().any(Vec::is_empty) {
        text.push_str(", or none");
    }
    text
}

pub(super) fn envelope(api: &Api, env: &ir::Envelope) -> TokenStream {
    let (success, result, errors, messages) = (&env.success, &env.result, &env.errors, &env.messages);
    let info = match &api.pagination {
        Some(p) => {
            let info = &p.info;
            quote!(Some(#info))
        }
        None => quote!(None),
    };
    let pagination = api.pagination.as_ref().map(|p| {
        let page = &p.page_param;
        let doc = docs::text(&format!(
            "Page-number pagination (`x-pagination`): the page number goes in the `{page}` query parameter; \
             the page count is `{}.{}`.",
            p.info, p.total_pages
        ));
        let info_impls = page_info_impls(api, p);
        quote! {
            #doc
            #[derive(Debug, Clone, Copy)]
            pub struct ApiPagination;

            impl crate::rt::PageScheme for ApiPagination {
                type Envelope = ApiEnvelope;
                const PAGE_PARAM: &'static str = #page;
            }

            #(#info_impls)*
        }
    });
    let doc = docs::text(&format!(
        "The envelope every JSON body comes in (`x-envelope`): `{success}` says whether the call worked, \
         `{errors}` and `{messages}` carry messages, `{result}` the payload."
    ));
    quote! {
        //! How this API wraps its responses, as declared in the spec.

        #doc
        #[derive(Debug, Clone, Copy)]
        pub struct ApiEnvelope;

        impl crate::rt::Envelope for ApiEnvelope {
            const KEYS: crate::rt::EnvelopeKeys = crate::rt::EnvelopeKeys {
                success: #success,
                errors: #errors,
                messages: #messages,
                result: #result,
                info: #info,
            };
        }

        #pagination
    }
}

/// `PageInfo` for each page-metadata type that paginated operations use.
fn page_info_impls(api: &Api, scheme: &ir::PaginationScheme) -> Vec<TokenStream> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for op in &api.operations {
        let Some(p) = op.paginated.as_ref().filter(|p| p.listing.is_none()) else { continue };
        // Through aliases: models of the same shape are one type (see `lower::dedupe`).
        let TypeRef::Named(name) = resolve(api, &p.info) else { continue };
        if !seen.insert(name.clone()) {
            continue;
        }
        let Some(TypeKind::Struct { fields, .. }) = api.types.get(name).map(|t| &t.kind) else { continue };
        let body = match fields.iter().find(|f| f.wire_name == scheme.total_pages) {
            Some(f) => {
                let field = ident(&f.rust_name);
                let convert = match resolve(api, types::strip_nullable(&f.ty)) {
                    TypeRef::F64 => quote!(crate::rt::whole),
                    _ => quote!(|v| u64::try_from(v).ok()),
                };
                if f.required && !f.nullable && !matches!(f.ty, TypeRef::Nullable(_)) {
                    quote!(Some(self.#field).and_then(#convert))
                } else {
                    quote!(self.#field.and_then(#convert))
                }
            }
            None => quote!(None),
        };
        let n = ident(name);
        let allow = allow_deprecated(types::mentions_deprecated(api, &p.info));
        out.push(quote! {
            #allow
            impl crate::rt::PageInfo<ApiPagination> for super::types::#n {
                fn total_pages(&self) -> Option<u64> {
                    #body
                }
            }
        });
    }
    out
}

/// `paging.rs`: one unit type per listing declaration, implementing the runtime's `Listing`.
pub(super) fn paging(api: &Api) -> TokenStream {
    let mut listings: std::collections::BTreeMap<&str, (&ir::Listing, bool, Vec<&str>)> = Default::default();
    for op in &api.operations {
        let Some(l) = op.paginated.as_ref().and_then(|p| p.listing.as_ref()) else { continue };
        let entry = listings.entry(&l.name).or_insert((l, false, Vec::new()));
        // One root declaration may serve enveloped and bare bodies: the envelope is read when
        // any of them has it (a bare body has none of its keys, and passes).
        entry.1 |= l.enveloped;
        entry.2.push(&op.rust_name);
    }
    let items = listings.into_values().map(|(l, enveloped, ops)| {
        let name = ident(&l.name);
        let opt = |v: &Option<String>| match v {
            Some(s) => quote!(Some(#s)),
            None => quote!(None),
        };
        let (paging, how) = match &l.style {
            ir::PagingStyle::PageNumber { param, total_pages } => {
                let total = opt(total_pages);
                let count = total_pages.as_ref().map(|t| format!(", the page count at `{t}`")).unwrap_or_default();
                (
                    quote!(crate::rt::Paging::PageNumber { param: #param, total_pages: #total }),
                    format!("page numbers in the `{param}` query parameter{count}"),
                )
            }
            ir::PagingStyle::Offset { param, total_items } => {
                let total = opt(total_items);
                let count = total_items.as_ref().map(|t| format!(", the item count at `{t}`")).unwrap_or_default();
                (
                    quote!(crate::rt::Paging::Offset { param: #param, total_items: #total }),
                    format!("offsets in the `{param}` query parameter{count}"),
                )
            }
            ir::PagingStyle::Cursor { param, next } => (
                quote!(crate::rt::Paging::Cursor { param: #param, next: #next }),
                format!("the cursor at `{next}` in the `{param}` query parameter"),
            ),
            ir::PagingStyle::AfterItem { param, item_id } => (
                quote!(crate::rt::Paging::AfterItem { param: #param, item_id: #item_id }),
                format!("the last item's `{item_id}` in the `{param}` query parameter"),
            ),
            ir::PagingStyle::NextUrl { next } => {
                let at = opt(next);
                let from = match next {
                    Some(n) => format!("the next page's URL at `{n}`"),
                    None => "the next page's URL from the `Link` header (`rel=\"next\"`)".to_string(),
                };
                (quote!(crate::rt::Paging::NextUrl { next: #at }), from)
            }
        };
        let items = &l.items;
        let has_more = opt(&l.has_more);
        let envelope = if enveloped {
            quote!(Some(<super::envelope::ApiEnvelope as crate::rt::Envelope>::KEYS))
        } else {
            quote!(None)
        };
        let at = if items.is_empty() { "are the body".to_string() } else { format!("at `{items}`") };
        let more = l.has_more.as_ref().map(|h| format!("; `{h}` says whether more follow")).unwrap_or_default();
        let used = ops.iter().map(|o| format!("`{o}`")).collect::<Vec<_>>().join(", ");
        let doc = docs::text(&format!(
            "Pagination declared by {}: the items {at}, pages turned by {how}{more}. Used by {used}.",
            l.declared_by
        ));
        quote! {
            #doc
            #[derive(Debug, Clone, Copy)]
            pub struct #name;

            impl crate::rt::Listing for #name {
                const SPEC: crate::rt::ListingSpec = crate::rt::ListingSpec {
                    items: #items,
                    paging: #paging,
                    has_more: #has_more,
                    envelope: #envelope,
                };
            }
        }
    });
    quote! {
        //! How this API's listings turn pages, as declared in the spec.

        #(#items)*
    }
}

/// `#[allow(deprecated)]` for generated items that use a deprecated type themselves; callers
/// still get the warning where they use it.
fn allow_deprecated(yes: bool) -> Option<TokenStream> {
    yes.then(|| quote!(#[allow(deprecated)]))
}
