//! Traits derived on the models besides `Debug`, `Clone` and `PartialEq` (and `Default` where it
//! is a valid value): the config's `derives`. A std derive compiles only where every field type
//! implements the trait (`f64` has no `Eq`, `Hash` or `Ord`; `serde_json::Value` no
//! `PartialOrd`), and a model's fields name other models, recursively: [`plan`] decides per model
//! by a fixed point over the IR, so that the generated crate always compiles, and says why for
//! each model left without a derive.

use crate::ir::{Api, Field, TypeDef, TypeKind, TypeRef};
use std::collections::{BTreeMap, BTreeSet};

/// A std trait the models can derive on request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Derive {
    /// `Eq`.
    Eq,
    /// `Hash`.
    Hash,
    /// `PartialOrd`.
    PartialOrd,
    /// `Ord` (with `Eq` and `PartialOrd`, which it needs).
    Ord,
}

impl Derive {
    /// Every derive, in the order they are written in `#[derive(...)]`.
    pub const ALL: [Derive; 4] = [Derive::Eq, Derive::Hash, Derive::PartialOrd, Derive::Ord];

    /// The trait's name as written in `#[derive(...)]` and in the config.
    pub fn name(self) -> &'static str {
        match self {
            Derive::Eq => "Eq",
            Derive::Hash => "Hash",
            Derive::PartialOrd => "PartialOrd",
            Derive::Ord => "Ord",
        }
    }

    /// The derive named `name` (as in [`Derive::name`]).
    pub fn parse(name: &str) -> Option<Derive> {
        Derive::ALL.into_iter().find(|d| d.name() == name)
    }
}

/// What [`plan`] decided: the derives each model takes, and the ones it could not take.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DerivePlan {
    /// Model (Rust name) → the requested derives it takes, in [`Derive::ALL`] order. Open enums
    /// are absent: they already derive `Eq` and `Hash`, and never an order.
    pub derived: BTreeMap<String, Vec<Derive>>,
    /// Model → each requested derive it does not take, with the reason (a sentence).
    pub skipped: BTreeMap<String, Vec<(Derive, String)>>,
}

impl DerivePlan {
    /// The derives `model` takes.
    pub fn of(&self, model: &str) -> &[Derive] {
        self.derived.get(model).map_or(&[], Vec::as_slice)
    }

    /// One line per model left without a requested derive: `Model: no Hash (field `price` is a
    /// number, f64)`, sorted by model.
    pub fn notes(&self) -> Vec<String> {
        self.skipped
            .iter()
            .map(|(model, skipped)| {
                let reasons: Vec<String> = skipped.iter().map(|(d, why)| format!("no {} ({why})", d.name())).collect();
                format!("{model}: {}", reasons.join("; "))
            })
            .collect()
    }
}

/// The derives in `wanted` that each model of `api` can take, and why the others cannot.
pub fn plan(api: &Api, wanted: &[Derive]) -> DerivePlan {
    let wanted: BTreeSet<Derive> = wanted.iter().copied().collect();
    let mut ok: BTreeMap<Derive, BTreeSet<&str>> = BTreeMap::new();
    for &d in &wanted {
        ok.insert(d, fixed_point(api, d));
    }
    // `Ord` needs `Eq` and `PartialOrd` on the same type (the config requires both with it).
    if let Some(ord) = ok.get(&Derive::Ord).cloned() {
        let keep = |d: Derive| ok.get(&d).cloned().unwrap_or_default();
        let (eq, partial) = (keep(Derive::Eq), keep(Derive::PartialOrd));
        ok.insert(Derive::Ord, ord.into_iter().filter(|n| eq.contains(n) && partial.contains(n)).collect());
    }
    let mut out = DerivePlan::default();
    for def in api.types.values().filter(|def| !matches!(def.kind, TypeKind::Alias(_))) {
        // Open enums derive `Eq` and `Hash` already: only a refused order is reported for them.
        let is_enum = matches!(def.kind, TypeKind::Enum { .. });
        for &d in &wanted {
            if ok.get(&d).is_some_and(|set| set.contains(def.name.as_str())) {
                if !is_enum {
                    out.derived.entry(def.name.clone()).or_default().push(d);
                }
            } else {
                out.skipped.entry(def.name.clone()).or_default().push((d, why_not(def, d, &ok)));
            }
        }
    }
    out
}

/// The models (and aliases) that can take `d`: all to start with, then, until nothing changes,
/// those with a part that cannot are removed. The greatest fixed point, so a recursive model
/// whose other parts all support `d` keeps it (its derive holds by induction over the value).
fn fixed_point(api: &Api, d: Derive) -> BTreeSet<&str> {
    let mut ok: BTreeSet<&str> = api.types.keys().map(String::as_str).collect();
    // Each round removes at least one name or ends: at most one round per type, plus one.
    for _ in 0..=api.types.len() {
        let before = ok.len();
        let failing: Vec<&str> = api
            .types
            .values()
            .filter(|def| ok.contains(def.name.as_str()) && first_failing(def, d, &ok, true).is_some())
            .map(|def| def.name.as_str())
            .collect();
        for name in failing {
            ok.remove(name);
        }
        if ok.len() == before {
            break;
        }
    }
    ok
}

/// A part of `def` that cannot take `d` (given the models in `ok` that can): its description.
/// Without `models`, only parts that fail on their own count (not a model that lacks `d`), so
/// that a note names the cause (`x` is an `f64`) before a model in a cycle with it.
fn first_failing(def: &TypeDef, d: Derive, ok: &BTreeSet<&str>, models: bool) -> Option<String> {
    let ordered = matches!(d, Derive::PartialOrd | Derive::Ord);
    match &def.kind {
        TypeKind::Alias(t) | TypeKind::Newtype(t) => {
            failing_ref(t, d, ok, models).map(|what| format!("it holds {what}"))
        }
        TypeKind::Struct { fields, additional } => {
            for f in fields {
                if let Some(what) = failing_field(f, d, ok, models) {
                    return Some(format!("field `{}` is {what}", f.rust_name));
                }
            }
            let extra = additional.as_ref().and_then(|t| failing_ref(t, d, ok, models));
            extra.map(|what| format!("its additional properties are {what}"))
        }
        // Open enums derive `Eq` and `Hash` already.
        TypeKind::Enum { .. } if ordered => Some(
            "an open enum's derived order would be its variants' order, which a value the spec adds would change"
                .to_string(),
        ),
        TypeKind::Enum { .. } => None,
        TypeKind::Union { .. } if ordered => Some(
            "a union's derived order would be its variants' order, which a variant the spec adds would change"
                .to_string(),
        ),
        TypeKind::Union { variants, .. } => variants.iter().find_map(|v| {
            failing_ref(&v.ty, d, ok, models).map(|what| format!("variant `{}` holds {what}", v.rust_name))
        }),
    }
}

/// A field's type as emitted: `format: binary` strings are `rt::Binary` (see `types::field`).
fn failing_field(f: &Field, d: Derive, ok: &BTreeSet<&str>, models: bool) -> Option<String> {
    let inner = match &f.ty {
        TypeRef::Nullable(inner) => inner.as_ref(),
        other => other,
    };
    if f.docs.format.as_deref() == Some("binary") && *inner == TypeRef::String {
        return matches!(d, Derive::PartialOrd | Derive::Ord)
            .then(|| "binary data (`rt::Binary`, unordered)".to_string());
    }
    failing_ref(&f.ty, d, ok, models)
}

/// What in `t` cannot take `d`, described, or `None` when all of it can (models not in `ok`
/// counted only with `models`).
fn failing_ref(t: &TypeRef, d: Derive, ok: &BTreeSet<&str>, models: bool) -> Option<String> {
    match t {
        TypeRef::String
        | TypeRef::Bool
        | TypeRef::True
        | TypeRef::False
        | TypeRef::I32
        | TypeRef::I64
        | TypeRef::DateTime
        | TypeRef::Date
        | TypeRef::Uuid
        | TypeRef::Url
        | TypeRef::Base64 => None,
        TypeRef::F64 if d == Derive::PartialOrd => None,
        TypeRef::F64 => Some(format!("a number (`f64`, which has no `{}`)", d.name())),
        TypeRef::Json if matches!(d, Derive::Eq | Derive::Hash) => None,
        TypeRef::Json => Some(format!("any JSON value (`serde_json::Value`, which has no `{}`)", d.name())),
        TypeRef::Named(n) if ok.contains(n.as_str()) || !models => None,
        TypeRef::Named(n) => Some(format!("`{n}`, which has no `{}`", d.name())),
        TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) | TypeRef::Boxed(inner) => {
            failing_ref(inner, d, ok, models)
        }
    }
}

/// Why `def` does not take `d`, once the fixed point is reached.
fn why_not(def: &TypeDef, d: Derive, ok: &BTreeMap<Derive, BTreeSet<&str>>) -> String {
    let set = ok.get(&d).cloned().unwrap_or_default();
    if let Some(why) = first_failing(def, d, &set, false).or_else(|| first_failing(def, d, &set, true)) {
        return why;
    }
    // Only `Ord` gets here: its own parts are ordered, but `Eq` or `PartialOrd` is missing.
    format!("`Ord` needs `Eq` and `PartialOrd`, and `{}` lacks one", def.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    \
        A: {type: object, required: [b], properties: {b: {$ref: '#/components/schemas/B'}}}\n    \
        B: {type: object, properties: {a: {$ref: '#/components/schemas/A'}, x: {type: number}}}\n    \
        C: {type: object, properties: {c: {type: array, items: {$ref: '#/components/schemas/C'}}, s: {type: string}}}\n    \
        M: {type: object, additionalProperties: {type: number}, properties: {n: {type: integer}}}\n    \
        E: {type: string, enum: [a, b]}\n    \
        U: {oneOf: [{$ref: '#/components/schemas/C'}, {type: integer}]}\n    \
        D: {type: array, items: {$ref: '#/components/schemas/C'}}\n";

    fn derived(plan: &DerivePlan, name: &str) -> Vec<&'static str> {
        plan.of(name).iter().map(|d| d.name()).collect()
    }

    /// A cycle through a model with an `f64` (A ↔ B) loses `Eq` and `Hash` on both; a model
    /// that reaches only itself (C) keeps every derive; a map of numbers (M) keeps `PartialOrd`
    /// only; an open enum (E) is not listed for `Eq`/`Hash`, which it has, and refuses an order;
    /// so does a union (U); an alias (D) is never a model of its own.
    #[test]
    fn derives_follow_field_types_to_a_fixed_point() {
        let api = crate::lower(SPEC).unwrap_or_else(|d| panic!("{d}"));
        let plan = plan(&api, &Derive::ALL);
        assert_eq!(derived(&plan, "A"), ["PartialOrd"]);
        assert_eq!(derived(&plan, "B"), ["PartialOrd"]);
        assert_eq!(derived(&plan, "C"), ["Eq", "Hash", "PartialOrd", "Ord"]);
        assert_eq!(derived(&plan, "M"), ["PartialOrd"]);
        assert!(derived(&plan, "E").is_empty() && derived(&plan, "D").is_empty());
        assert_eq!(derived(&plan, "U"), ["Eq", "Hash"]);
        assert!(!plan.skipped.contains_key("C") && !plan.skipped.contains_key("D"));
        let notes = plan.notes();
        assert_eq!(
            notes.first().map(String::as_str),
            Some("A: no Eq (field `b` is `B`, which has no `Eq`); no Hash (field `b` is `B`, which has no `Hash`); no Ord (field `b` is `B`, which has no `Ord`)")
        );
        assert!(
            notes.iter().any(|n| n.starts_with("B: no Eq (field `x` is a number (`f64`, which has no `Eq`))")),
            "{notes:?}"
        );
        assert!(notes.iter().any(|n| n.starts_with("E: no PartialOrd (an open enum's derived order")), "{notes:?}");
        assert!(notes.iter().any(|n| n.starts_with("M: no Eq (its additional properties are a number")), "{notes:?}");
        assert!(notes.iter().any(|n| n.starts_with("U: no PartialOrd (a union's derived order")), "{notes:?}");
        // Only what is asked for is considered.
        let plan = super::plan(&api, &[Derive::Hash]);
        assert_eq!(derived(&plan, "C"), ["Hash"]);
        assert!(!plan.skipped.contains_key("E") && plan.skipped.contains_key("A"));
        assert_eq!(super::plan(&api, &[]), DerivePlan::default());
    }
}
