//! IR → token streams, one per emitted file. Never sees `openapiv3`.

mod docs;
mod groups;
pub mod harness;
mod operations;
mod types;

use crate::ir::{self, Api, SchemeKind, TypeKind, TypeRef};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// Above this many models (or operations), `types.rs` (or `operations.rs`) becomes a folder
/// of modules of about this many items each, re-exported flat: rustc then works on them in
/// parallel and, after a spec change, recompiles only the modules that changed.
pub const SPLIT_OVER: usize = 300;

/// Above this many models, callers are advised to put them in a crate of their own
/// ([`crate::Options::models_crate`]): rustc checks a crate's items on one thread, so one crate
/// of thousands of models keeps a core idle and makes every rebuild re-read all of them.
pub const MODELS_CRATE_OVER: usize = 1_000;

/// With the models in crates of their own, about this many models per group crate
/// ([`crate::Options::model_groups`]): groups compile in parallel, and each crate has a fixed
/// cost (reading its dependencies, writing its metadata).
pub const MODELS_PER_GROUP: usize = 2_500;

/// One file to emit: its path and what goes in it. Files are emitted and rendered
/// independently (in parallel), each from the IR alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// Path relative to the API module folder (`mod.rs`, `types/a.rs`, ...).
    pub path: String,
    part: Part,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Module,
    Envelope,
    /// Models and/or parameter structs in this part (all of them when `None`).
    Types(Option<Split>, Which),
    /// The `types/mod.rs` of split models: the list of part modules.
    TypesIndex(Vec<String>, Which),
    Operations(Option<Split>),
    OperationsIndex(Vec<String>),
}

/// Which items a `types` file holds: everything, or (when the models are a crate of their own,
/// see [`crate::Options::models_crate`]) the models in that crate and the parameter structs,
/// which go with their operations, in the main one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Which {
    All,
    /// The models of a models crate: all of them (`None`), or one of the sets that
    /// [`groups::model_groups`] cuts (see [`crate::Options::model_groups`]).
    Models(Option<Group>),
    /// Parameter structs, beside re-exports of the models crates' `types` (their Rust names).
    Params(Vec<String>),
}

impl Which {
    /// Whether this file holds the model `name` (if it holds models at all).
    fn holds_model(&self, name: &str) -> bool {
        match self {
            Which::All | Which::Models(None) => true,
            Which::Models(Some(group)) => group.names.contains(name),
            Which::Params(_) => false,
        }
    }

    /// The crate whose `types` this file's models may name besides their own: the core crate,
    /// for a group.
    fn core(&self) -> Option<&str> {
        match self {
            Which::Models(Some(group)) => group.core.as_deref(),
            _ => None,
        }
    }
}

/// The models of one crate of several, and the Rust name of the core crate whose models they
/// may name (`None` for the core itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Group {
    names: std::sync::Arc<std::collections::BTreeSet<String>>,
    core: Option<String>,
}

/// One part of a split file: part `index` of `parts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Split {
    index: u64,
    parts: u64,
}

impl Split {
    /// The part a name goes to: a hash of the name (FNV-1a), so that parts stay even (names
    /// cluster by prefix) and a new item changes one part only. `parts` is a power of two and
    /// changes only when the item count doubles.
    fn of(name: &str, parts: u64) -> Split {
        Split { index: fnv(name) % parts.max(1), parts }
    }

    fn module(self) -> String {
        format!("part{:02}", self.index)
    }

    fn holds(self, name: &str) -> bool {
        Split::of(name, self.parts) == self
    }
}

/// FNV-1a of a name: the same name gets the same place on every machine.
fn fnv(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// Every file of the API module, in a fixed order. With `models_crate` (the Rust name of a
/// separate models crate), the models are planned as files under `models/` (that crate's `src/`)
/// and the API module's `types` holds the parameter structs and re-exports the models. With
/// `model_groups` > 1 as well, `models/` is the core and the groups are planned under
/// `models-1/`, `models-2/`, ... (crates `{models_crate}_1`, ...; empty groups are left out).
pub fn plan(api: &Api, split_over: usize, models_crate: Option<&str>, model_groups: usize) -> Vec<Job> {
    let mut jobs = vec![Job { path: "mod.rs".into(), part: Part::Module }];
    let type_names = api.types.values().map(|d| d.name.as_str());
    let param_names = api.operations.iter().filter_map(|op| op.params_type.as_deref());
    let op_names: Vec<&str> = api.operations.iter().map(|op| op.rust_name.as_str()).collect();
    let types = |name: &str, names: &[&str], which: Which| {
        let (w, i) = (which.clone(), which);
        split_jobs(name, names, split_over, move |s| Part::Types(s, w.clone()), move |b| Part::TypesIndex(b, i.clone()))
    };
    // The models crates: (folder, Rust name, which models).
    let mut models: Vec<(String, String, Which)> = Vec::new();
    if let Some(krate) = models_crate {
        if model_groups > 1 {
            for (i, names) in groups::model_groups(api, model_groups).into_iter().enumerate() {
                let core = (i > 0).then(|| krate.to_string());
                if i == 0 || !names.is_empty() {
                    let (folder, name) = match i {
                        0 => ("models".to_string(), krate.to_string()),
                        _ => (format!("models-{i}"), format!("{krate}_{i}")),
                    };
                    models.push((folder, name, Which::Models(Some(Group { names: names.into(), core }))));
                }
            }
        } else {
            models.push(("models".to_string(), krate.to_string(), Which::Models(None)));
        }
    }
    if models.is_empty() {
        jobs.extend(types("types", &type_names.chain(param_names).collect::<Vec<_>>(), Which::All));
    } else {
        // An empty core (no hubs) still holds the `model` module, but has no `types` to re-export.
        let has_models = |which: &Which| !matches!(which, Which::Models(Some(g)) if g.names.is_empty());
        let crates = models.iter().filter(|(_, _, which)| has_models(which)).map(|(_, name, _)| name.clone()).collect();
        jobs.extend(types("types", &param_names.collect::<Vec<_>>(), Which::Params(crates)));
    }
    jobs.extend(split_jobs("operations", &op_names, split_over, Part::Operations, Part::OperationsIndex));
    if api.envelope.is_some() {
        jobs.push(Job { path: "envelope.rs".into(), part: Part::Envelope });
    }
    for (folder, _, which) in models {
        let names: Vec<&str> = api.types.keys().map(String::as_str).filter(|n| which.holds_model(n)).collect();
        jobs.extend(types(&format!("{folder}/types"), &names, which));
    }
    jobs
}

/// `NAME.rs`, or above `split_over` names a folder `NAME/` with an index and parts of about
/// `split_over` names each.
fn split_jobs(
    name: &str,
    names: &[&str],
    split_over: usize,
    part: impl Fn(Option<Split>) -> Part,
    index: impl Fn(Vec<String>) -> Part,
) -> Vec<Job> {
    if names.len() <= split_over {
        return vec![Job { path: format!("{name}.rs"), part: part(None) }];
    }
    // A power of two, at least 2: parts change only when the count doubles.
    let parts = names.len().div_ceil(split_over.max(1)).next_power_of_two().clamp(2, 64) as u64;
    let used: std::collections::BTreeSet<u64> = names.iter().map(|n| Split::of(n, parts).index).collect();
    let splits: Vec<Split> = used.into_iter().map(|index| Split { index, parts }).collect();
    let mut jobs =
        vec![Job { path: format!("{name}/mod.rs"), part: index(splits.iter().map(|s| s.module()).collect()) }];
    jobs.extend(splits.into_iter().map(|s| Job { path: format!("{name}/{}.rs", s.module()), part: part(Some(s)) }));
    jobs
}

/// Pre-formatted code for a file, standing in its tokens as placeholder items `__text!(N);`
/// that [`crate::render`] replaces. Used for the impls that are pure templates: formatting
/// them through `syn` and `prettyplease` would cost more than all the rest.
#[derive(Debug, Default)]
pub struct Texts(pub Vec<String>);

impl Texts {
    /// Keeps `text` and returns its placeholder.
    pub fn add(&mut self, text: String) -> TokenStream {
        let index = proc_macro2::Literal::usize_unsuffixed(self.0.len());
        self.0.push(text);
        quote!(__text!(#index);)
    }
}

/// The tokens of one file, and the pre-formatted texts they refer to.
pub fn emit(api: &Api, job: &Job) -> (TokenStream, Texts) {
    let mut texts = Texts::default();
    let tokens = emit_into(api, job, &mut texts);
    (tokens, texts)
}

fn emit_into(api: &Api, job: &Job, texts: &mut Texts) -> TokenStream {
    let in_part = |part: &Option<Split>, name: &str| part.is_none_or(|s| s.holds(name));
    match &job.part {
        Part::Module => module(api),
        Part::Envelope => api.envelope.as_ref().map(|env| envelope(api, env)).unwrap_or_default(),
        Part::Types(p, which) => types::emit(api, p.is_some(), |name| in_part(p, name), which, texts),
        Part::Operations(p) => operations::emit(api, p.is_some(), |name| in_part(p, name), texts),
        Part::TypesIndex(buckets, which) => {
            let (doc, reexport) = match which {
                Which::All => ("Models from the spec's schemas, and parameter structs for operations.", None),
                Which::Models(_) => ("Models from the spec's schemas.", which.core().map(types::import_core)),
                Which::Params(krates) => (
                    "Models from the spec's schemas (re-exported from their own crates), and parameter structs for \
                     operations.",
                    Some(types::reexport(krates)),
                ),
            };
            index(doc, buckets, TokenStream::new(), reexport.unwrap_or_default())
        }
        Part::OperationsIndex(buckets) => {
            // The parts name `super::types` and `super::envelope` as an unsplit file does.
            let envelope = api.envelope.as_ref().map(|_| {
                quote!(
                    use super::envelope;
                )
            });
            let imports = quote! {
                #[allow(unused_imports)]
                use super::types;
                #envelope
            };
            index("Request functions, one per operation of the spec.", buckets, imports, TokenStream::new())
        }
    }
}

/// The `mod.rs` of a split file: one module per part; models are re-exported flat (after
/// `reexport`), operations get `imports` for their parts instead.
fn index(doc: &str, buckets: &[String], imports: TokenStream, reexport: TokenStream) -> TokenStream {
    let public = imports.is_empty();
    let doc = docs::inner(&format!(
        "{doc}\n\nSplit into parts by a hash of each name, so that the compiler can work on them separately{}.",
        if public { "; everything is re-exported here" } else { "" }
    ));
    let mods = buckets.iter().map(|b| ident(b));
    let uses = public.then(|| {
        let mods = buckets.iter().map(|b| ident(b));
        quote!(#(pub use #mods::*;)*)
    });
    quote! {
        #doc

        #imports
        #reexport
        #(mod #mods;)*
        #uses
    }
}

pub(crate) fn ident(name: &str) -> Ident {
    // Names reaching here come from `naming` and are checked by `check_names` before emission;
    // the fallback only keeps `Ident::new` from panicking if that ever failed.
    if crate::naming::is_ident(name) {
        Ident::new(name, Span::call_site())
    } else {
        Ident::new("__invalid_identifier", Span::call_site())
    }
}

/// Every identifier the IR hands to emission is valid Rust; a name that is not is a generator
/// bug, reported instead of emitted.
pub fn check_names(api: &Api) -> Vec<crate::Diagnostic> {
    // (name, where it comes from): borrowed, as nearly every name is fine.
    let mut names: Vec<(&str, &str)> = Vec::new();
    for def in api.types.values() {
        let at = def.docs.source.as_deref().unwrap_or_default();
        names.push((&def.name, at));
        match &def.kind {
            TypeKind::Struct { fields, .. } => names.extend(fields.iter().map(|f| (f.rust_name.as_str(), at))),
            TypeKind::Enum { variants, .. } => names.extend(variants.iter().map(|v| (v.rust_name.as_str(), at))),
            TypeKind::Union { variants, .. } => names.extend(variants.iter().map(|v| (v.rust_name.as_str(), at))),
            TypeKind::Alias(_) | TypeKind::Newtype(_) => {}
        }
    }
    for op in &api.operations {
        let at = op.docs.source.as_deref().unwrap_or_default();
        names.push((&op.rust_name, at));
        names.extend(op.params.iter().map(|p| (p.rust_name.as_str(), at)));
        names.extend(op.params_type.iter().map(|p| (p.as_str(), at)));
    }
    for scheme in api.auth.schemes.values() {
        names.push((&scheme.rust_name, scheme.docs.source.as_deref().unwrap_or_default()));
    }
    names
        .into_iter()
        .filter(|(name, _)| !crate::naming::is_ident(name))
        .map(|(name, at)| crate::Diagnostic::internal(at, format!("generated an invalid Rust identifier `{name}`")))
        .collect()
}

/// The Rust type for a type reference; named types are prefixed with `prefix` (e.g. `types::`).
pub(crate) fn ty(t: &TypeRef, prefix: &str) -> TokenStream {
    // Spelled once, in `ty_text`; the names in it are checked identifiers, so it always lexes.
    ty_text(t, prefix).parse().unwrap_or_default()
}

/// `text` as a Rust string literal, for pre-formatted code.
pub(crate) fn lit(text: &str) -> String {
    format!("{text:?}")
}

/// The Rust type for a type reference, as text; named types get `prefix` (e.g. `types::`).
pub(crate) fn ty_text(t: &TypeRef, prefix: &str) -> String {
    match t {
        TypeRef::String => "String".into(),
        TypeRef::Bool => "bool".into(),
        TypeRef::True => "crate::rt::True".into(),
        TypeRef::False => "crate::rt::False".into(),
        TypeRef::I32 => "i32".into(),
        TypeRef::I64 => "i64".into(),
        TypeRef::F64 => "f64".into(),
        TypeRef::DateTime => "chrono::DateTime<chrono::Utc>".into(),
        TypeRef::Date => "chrono::NaiveDate".into(),
        TypeRef::Json => "serde_json::Value".into(),
        TypeRef::Named(n) => format!("{prefix}{n}"),
        TypeRef::Vec(inner) => format!("Vec<{}>", ty_text(inner, prefix)),
        TypeRef::Map(inner) => format!("std::collections::BTreeMap<String, {}>", ty_text(inner, prefix)),
        TypeRef::Nullable(inner) => format!("Option<{}>", ty_text(inner, prefix)),
        TypeRef::Boxed(inner) => format!("Box<{}>", ty_text(inner, prefix)),
    }
}

/// Follows aliases to the type a named alias stands for.
pub(crate) fn resolve<'a>(api: &'a Api, t: &'a TypeRef) -> &'a TypeRef {
    let mut current = t;
    for _ in 0..64 {
        match current {
            TypeRef::Named(n) => match api.types.get(n).map(|d| &d.kind) {
                Some(TypeKind::Alias(inner)) => current = inner,
                _ => return current,
            },
            _ => return current,
        }
    }
    current
}

fn module(api: &Api) -> TokenStream {
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
            (ty(&env.message_ty, "types::"), types::allow_deprecated(types::mentions_deprecated(api, &env.message_ty)))
        }
        None => (quote!(serde_json::Value), None),
    };
    let envelope_mod = api.envelope.as_ref().map(|_| quote! { mod envelope; });
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
        #envelope_mod

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

fn envelope(api: &Api, env: &ir::Envelope) -> TokenStream {
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
        let Some(p) = &op.paginated else { continue };
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
        let allow = types::allow_deprecated(types::mentions_deprecated(api, &p.info));
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
