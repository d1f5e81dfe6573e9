//! IR → token streams, one per emitted file. Never sees `openapiv3`, and assumes a checked
//! IR: `lower` has made sure every name is a valid Rust identifier.
//!
//! This module hands each planned file to its emitter ([`emit`]) and writes the index of a
//! split folder. The rest, one responsibility each:
//! - `layout`: which files exist and in which crate ([`plan`], [`Job`]), and the whole output
//!   as crates ([`crates`], [`Crate`]);
//! - `manifest`: a crate's `Cargo.toml` as data, and its rendering;
//! - `api_module`: the API module's `mod.rs` and `envelope.rs`;
//! - `types`: models and parameter structs; `operations`: one `Client` method per operation;
//! - `toolkit` and `docs`: identifiers, types, literals and doc text, shared by the emitters;
//! - `groups`: the cut of the type graph behind the group crates of [`plan`];
//! - `harness`: the conformance harness (not part of a client).

mod api_module;
mod docs;
mod groups;
pub mod harness;
mod layout;
pub mod manifest;
mod operations;
mod toolkit;
mod types;

pub use layout::{crates, plan, Crate, CrateKind, CrateSetup, Job, MODELS_CRATE_OVER, MODELS_PER_GROUP, SPLIT_OVER};

use crate::ir::Api;
use api_module::{envelope, module};
use layout::{Part, Split, Which};
use proc_macro2::TokenStream;
use quote::quote;
use toolkit::{ident, Texts};

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
