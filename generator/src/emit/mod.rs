//! IR → token streams, one per emitted file. Never sees `openapiv3`, and assumes a checked
//! IR: `lower` has made sure every name is a valid Rust identifier.
//!
//! This module hands each planned file to its emitter ([`emit`]) and writes the index of a
//! split folder. The rest, one responsibility each:
//! - `layout`: which files exist and in which crate ([`plan`], [`Job`]), and the whole output
//!   as crates ([`crates`], [`Crate`]);
//! - `manifest`: a crate's `Cargo.toml` as data, and its rendering;
//! - `api_module`: the API module's `mod.rs` and `envelope.rs`;
//! - `types`: models and parameter structs; `operations`: one `Client` method per operation,
//!   `op_docs` the usage sections of its rustdoc (returns, errors, example);
//!   `errors`: the operations' error types (the bodies of their declared error responses);
//! - `toolkit` and `docs`: identifiers, types, literals and doc text, shared by the emitters;
//! - `writer`: [`writer::Writer`], the text writer behind `types` and the split folders' indexes;
//! - `groups`: the cut of the type graph behind the group crates of [`plan`];
//! - `harness`: the conformance harness (not part of a client).

mod api_module;
pub mod derives;
mod docs;
mod errors;
mod groups;
pub mod harness;
mod layout;
pub mod manifest;
mod op_docs;
mod operations;
mod toolkit;
mod types;
mod writer;

pub use layout::{crates, plan, Crate, CrateKind, CrateSetup, Job, MODELS_CRATE_OVER, MODELS_PER_GROUP, SPLIT_OVER};

use crate::ir::Api;
use api_module::{envelope, module, paging};
use layout::{Part, Split, Which};
use proc_macro2::TokenStream;
use writer::Writer;

/// One emitted file: tokens (`render` formats them with prettyplease), or text written as it
/// will read (`render` adds the header only).
pub enum Emitted {
    /// Tokens: the API module's `mod.rs` and `envelope.rs`.
    Tokens(TokenStream),
    /// The whole file but its header.
    Text(String),
}

/// Emits one planned file.
pub fn emit(api: &Api, job: &Job, derives: &derives::DerivePlan) -> Emitted {
    let in_part = |part: &Option<Split>, name: &str| part.is_none_or(|s| s.holds(name));
    let tokens = match &job.part {
        Part::Module => module(api),
        Part::Envelope => api.envelope.as_ref().map(|env| envelope(api, env)).unwrap_or_default(),
        Part::Paging => paging(api),
        Part::Errors => return Emitted::Text(errors::emit(api)),
        Part::Operations(p) => return Emitted::Text(operations::emit(api, p.is_some(), |name| in_part(p, name))),
        Part::Types(p, which) => {
            return Emitted::Text(types::emit(api, p.is_some(), |name| in_part(p, name), which, derives))
        }
        Part::TypesIndex(buckets, which) => {
            let doc = match which {
                Which::All => "Models from the spec's schemas, and parameter structs for operations.",
                Which::Models(_) => "Models from the spec's schemas.",
                Which::Params(_) => {
                    "Models from the spec's schemas (re-exported from their own crates), and parameter structs \
                     for\noperations."
                }
            };
            return Emitted::Text(index(doc, buckets, true, |w| types::imports(w, which)));
        }
        Part::OperationsIndex(buckets) => {
            // The parts name `super::types` and `super::envelope` as an unsplit file does.
            let imports = |w: &mut Writer| {
                w.line("#[allow(unused_imports)]");
                w.line("use super::types;");
                if api.envelope.is_some() {
                    w.line("use super::envelope;");
                }
                if api.has_listings() {
                    w.line("use super::paging;");
                }
            };
            let doc = "Request functions, one per operation of the spec.";
            return Emitted::Text(index(doc, buckets, false, imports));
        }
    };
    Emitted::Tokens(tokens)
}

/// The `mod.rs` of a split file: its doc, `imports`, one module per part, re-exported flat
/// when `public` (models; an operations index instead imports what its parts name).
fn index(doc: &str, buckets: &[String], public: bool, imports: impl FnOnce(&mut Writer)) -> String {
    let mut w = Writer::with_capacity(400 + buckets.len() * 40);
    for line in doc.lines() {
        w.line(format_args!("//! {line}"));
    }
    w.line("//!");
    if public {
        w.line("//! Split into parts by a hash of each name, so that the compiler can work on them separately;");
        w.line("//! everything is re-exported here.");
    } else {
        w.line("//! Split into parts by a hash of each name, so that the compiler can work on them separately.");
    }
    w.blank();
    imports(&mut w);
    w.blank();
    for b in buckets {
        w.line(format_args!("mod {b};"));
    }
    if public {
        w.blank();
        for b in buckets {
            w.line(format_args!("pub use {b}::*;"));
        }
    }
    w.finish()
}
