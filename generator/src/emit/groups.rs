//! Spreading the models of a big API over several crates that compile at the same time.
//!
//! rustc checks a crate's items on one thread, so one crate of thousands of models is a long
//! single-threaded step of a cold build. Crates that do not depend on each other compile in
//! parallel, so the models are cut along the type graph: the *core* holds the models that many
//! others use (and everything they use), and every other model goes, with all the models it is
//! connected to outside the core, to one of `n` *groups*. A group then names only its own models
//! and the core's, never another group's, so each group is a crate depending on the core only.

use super::layout::fnv;
use crate::ir::{Api, TypeKind, TypeRef};
use std::collections::{BTreeMap, BTreeSet};

/// A model named by at least this many other models is a hub: it (and what it names) goes to
/// the core, because a hub would otherwise tie most of the graph into one group.
const HUB_REFERRERS: usize = 8;

/// The models of `api` cut into the core and up to `groups` groups: `[core, group 1, ...,
/// group n]`. A group may be empty on a small spec. No model of a group names a model of
/// another group; the core names core models only.
///
/// Groups are cut from the connected parts of the graph outside the core, ordered by a hash of
/// their first name and split into `groups` runs of about equal weight (fields and variants):
/// balanced, and stable as the spec grows (a new model moves only parts near a cut).
pub(crate) fn model_groups(api: &Api, groups: usize) -> Vec<BTreeSet<String>> {
    let groups = groups.max(1);
    let refs: BTreeMap<&str, BTreeSet<&str>> = api
        .types
        .iter()
        .map(|(name, def)| {
            let mut out = BTreeSet::new();
            named_in_kind(&def.kind, &mut out);
            out.remove(name.as_str());
            out.retain(|n| api.types.contains_key(*n));
            (name.as_str(), out)
        })
        .collect();
    let mut referrers: BTreeMap<&str, usize> = BTreeMap::new();
    for named in refs.values() {
        for n in named {
            *referrers.entry(n).or_default() += 1;
        }
    }
    // The core: the hubs and everything they name, transitively.
    let mut core: BTreeSet<&str> = BTreeSet::new();
    let mut stack: Vec<&str> = referrers.iter().filter(|(_, c)| **c >= HUB_REFERRERS).map(|(n, _)| *n).collect();
    while let Some(n) = stack.pop() {
        if core.insert(n) {
            stack.extend(refs.get(n).into_iter().flatten().copied());
        }
    }
    // Connected parts of the rest (edges in either direction), by union-find.
    let rest: Vec<&str> = refs.keys().copied().filter(|n| !core.contains(n)).collect();
    let index: BTreeMap<&str, usize> = rest.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let mut parent: Vec<usize> = (0..rest.len()).collect();
    fn find(parent: &mut [usize], mut i: usize) -> usize {
        while let Some(&p) = parent.get(i) {
            if p == i {
                break;
            }
            // Path halving.
            let grand = parent.get(p).copied().unwrap_or(p);
            if let Some(slot) = parent.get_mut(i) {
                *slot = grand;
            }
            i = grand;
        }
        i
    }
    for (i, name) in rest.iter().enumerate() {
        for named in refs.get(name).into_iter().flatten() {
            if let Some(&j) = index.get(named) {
                let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                if a != b {
                    // The smaller index (first name) stays the root.
                    if let Some(slot) = parent.get_mut(a.max(b)) {
                        *slot = a.min(b);
                    }
                }
            }
        }
    }
    let mut parts: BTreeMap<usize, (u64, Vec<&str>)> = BTreeMap::new();
    for (i, name) in rest.iter().enumerate() {
        let root = find(&mut parent, i);
        let part = parts.entry(root).or_default();
        part.0 += weight(api, name);
        part.1.push(name);
    }
    let mut ordered: Vec<(u64, usize, u64, Vec<&str>)> = parts
        .into_iter()
        .map(|(root, (w, names))| (fnv(rest.get(root).copied().unwrap_or_default()), root, w, names))
        .collect();
    ordered.sort();
    let total: u64 = ordered.iter().map(|p| p.2).sum();
    let mut out: Vec<BTreeSet<String>> = vec![core.iter().map(|n| n.to_string()).collect()];
    out.extend((0..groups).map(|_| BTreeSet::new()));
    let mut before = 0u64;
    for (_, _, w, names) in ordered {
        // The group whose share of the total weight this part's middle falls in.
        let middle = before.saturating_mul(2).saturating_add(w);
        let group = (middle.saturating_mul(groups as u64) / total.max(1).saturating_mul(2)).min(groups as u64 - 1);
        before = before.saturating_add(w);
        if let Some(set) = out.get_mut(group as usize + 1) {
            set.extend(names.into_iter().map(str::to_string));
        }
    }
    out
}

/// How much a model costs to compile, roughly: one plus its fields, variants or alternatives.
fn weight(api: &Api, name: &str) -> u64 {
    let n = match api.types.get(name).map(|d| &d.kind) {
        Some(TypeKind::Struct { fields, .. }) => fields.len(),
        Some(TypeKind::Enum { variants, .. }) => variants.len(),
        Some(TypeKind::Union { variants, .. }) => variants.len(),
        _ => 0,
    };
    1 + n as u64
}

fn named_in_kind<'a>(kind: &'a TypeKind, out: &mut BTreeSet<&'a str>) {
    let refs: Vec<&TypeRef> = match kind {
        TypeKind::Struct { fields, additional } => fields.iter().map(|f| &f.ty).chain(additional).collect(),
        TypeKind::Enum { .. } => Vec::new(),
        TypeKind::Alias(t) | TypeKind::Newtype(t) => vec![t],
        TypeKind::Union { variants, .. } => variants.iter().map(|v| &v.ty).collect(),
    };
    out.extend(refs.into_iter().filter_map(TypeRef::named));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A spec of `n` models (`n` a multiple of 3): `Hub` named by every fifth, chains of three
    /// (`M{i}` → `M{i+1}` within a chain), and each chain's last naming `Leaf{i}`; every model
    /// has a property of its own, so none is a copy of another.
    fn spec(n: usize) -> String {
        let mut s = String::from(
            "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Hub:\n      \
             type: object\n      properties:\n        leaf: {$ref: '#/components/schemas/HubLeaf'}\n    HubLeaf:\n      \
             type: string\n      enum: [a, b]\n",
        );
        for i in 0..n {
            s.push_str(&format!("    M{i}:\n      type: object\n      properties:\n        x{i}: {{type: string}}\n"));
            if i % 5 == 0 {
                s.push_str("        hub: {$ref: '#/components/schemas/Hub'}\n");
            }
            if i % 3 != 2 {
                s.push_str(&format!("        next: {{$ref: '#/components/schemas/M{}'}}\n", i + 1));
            } else {
                s.push_str(&format!("        leaf: {{$ref: '#/components/schemas/Leaf{i}'}}\n"));
                s.push_str(&format!(
                    "    Leaf{i}:\n      type: object\n      properties:\n        y{i}: {{type: integer}}\n"
                ));
            }
        }
        s
    }

    fn named(api: &Api, name: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        if let Some(def) = api.types.get(name) {
            named_in_kind(&def.kind, &mut out);
        }
        out.into_iter().map(str::to_string).collect()
    }

    #[test]
    fn groups_name_only_their_own_models_and_the_cores() {
        let api = crate::lower(&spec(300)).unwrap();
        let sets = model_groups(&api, 3);
        assert_eq!(sets.len(), 4);
        // Every model in exactly one set.
        let total: usize = sets.iter().map(BTreeSet::len).sum();
        assert_eq!(total, api.types.len());
        let all: BTreeSet<&String> = sets.iter().flatten().collect();
        assert_eq!(all.len(), api.types.len());
        // The core: the hub and what it names, closed.
        let core = &sets[0];
        assert_eq!(core.iter().map(String::as_str).collect::<Vec<_>>(), ["Hub", "HubLeaf"]);
        for (i, set) in sets.iter().enumerate() {
            for name in set {
                for n in named(&api, name) {
                    assert!(set.contains(&n) || (i > 0 && core.contains(&n)), "{name} in set {i} names {n}");
                }
            }
        }
        // About even: 100 chains of 4 models over 3 groups.
        for set in &sets[1..] {
            assert!(
                (120..=150).contains(&set.len()),
                "uneven groups: {:?}",
                sets.iter().map(|s| s.len()).collect::<Vec<_>>()
            );
        }
        assert_eq!(model_groups(&api, 3), sets, "not deterministic");
    }

    #[test]
    fn a_new_model_moves_few_others() {
        let before = model_groups(&crate::lower(&spec(300)).unwrap(), 3);
        let after = model_groups(&crate::lower(&spec(303)).unwrap(), 3);
        let mut moved = 0;
        for (i, set) in before.iter().enumerate() {
            moved += set.iter().filter(|n| !after.get(i).is_some_and(|a| a.contains(*n))).count();
        }
        assert!(moved <= 12, "{moved} models changed crate after adding one chain");
    }

    #[test]
    fn small_specs_and_one_group() {
        let api = crate::lower(&spec(3)).unwrap();
        let sets = model_groups(&api, 4);
        assert_eq!(sets.len(), 5);
        assert_eq!(sets.iter().map(BTreeSet::len).sum::<usize>(), api.types.len());
        let one = model_groups(&api, 0);
        assert_eq!(one.len(), 2, "at least one group");
    }
}
