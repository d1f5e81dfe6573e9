//! The user's workflow: extend the real spec with operations of Cloudflare's published spec in
//! one command (`cargo xtask add-operation` and `openapi-rust-gen add-operation`, both
//! [`generator::project::add_operations`]), then generate,
//! compile and call them, with no change to the generator.
//!
//! Three real operations of Cloudflare's published spec (the excerpt
//! `tests/fixtures/upstream/cloudflare-certificate-packs.json`, cut from the full spec by
//! `cargo xtask select`: see the README beside it) are added to a copy of
//! `spec/cloudflare-ssl.yaml`: an order with a JSON body (a new path), a delete (a new method on
//! the path the spec already has for Get Certificate Pack) and a list (a new path). The spec's
//! own text must survive byte for byte, components of the same shape must be reused, and the
//! result must load; the client generated from it must compile under clippy and call the three
//! operations against a loopback wiremock server.

use std::path::{Path, PathBuf};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ORDER: &str = "certificate-packs-order-advanced-certificate-manager-certificate-pack";
const DELETE: &str = "certificate-packs-delete-advanced-certificate-manager-certificate-pack";
const LIST: &str = "certificate-packs-list-certificate-packs";
const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const PACK: &str = "3822ff90ea2944df9e5521300bb9419b";

/// Cloudflare's published spec, cut down to the three operations and what they reference.
fn upstream() -> PathBuf {
    let p = testkit::root().join("tests/fixtures/upstream/cloudflare-certificate-packs.json");
    assert!(p.is_file(), "{} is missing: this test copies real operations from it", p.display());
    p
}

/// The spec with the three operations added through the xtask entry point, on a copy under
/// `target/<scratch>/`: `(original text, extended text, what was placed)`.
fn extend(scratch: &str) -> (String, String, generator::extend::Extension) {
    let dir = testkit::root().join("target").join(scratch);
    std::fs::create_dir_all(&dir).unwrap();
    let original = std::fs::read_to_string(testkit::root().join(xtask::SPEC)).unwrap();
    let copy = dir.join("cloudflare-ssl.yaml");
    std::fs::write(&copy, &original).unwrap();
    let extension = generator::project::add_operations(&copy, &upstream(), &[ORDER, DELETE, LIST])
        .unwrap_or_else(|e| panic!("{e}"));
    let written = std::fs::read_to_string(&copy).unwrap();
    assert_eq!(written, extension.text, "the file holds what add_operations returned");
    (original, written, extension)
}

/// Every line of `original` is in `text`, in order, unchanged: the additions are whole lines
/// inserted between them.
fn keeps_every_line(original: &str, text: &str) -> bool {
    let mut lines = text.lines();
    original.lines().all(|want| lines.any(|l| l == want))
}

#[test]
fn add_operation_keeps_the_spec_reuses_same_shapes_and_loads() {
    let (original, text, extension) = extend("extend-spec-text");
    assert_eq!(
        extension.operations,
        [
            format!("POST /zones/{{zone_id}}/ssl/certificate_packs/order ({ORDER})"),
            format!("DELETE /zones/{{zone_id}}/ssl/certificate_packs/{{certificate_pack_id}} ({DELETE})"),
            format!("GET /zones/{{zone_id}}/ssl/certificate_packs ({LIST})"),
        ]
    );
    // The spec's text, comments and blank lines included, is all there and in order; everything
    // before `paths:` is untouched, and nothing was removed.
    assert!(keeps_every_line(&original, &text), "an original line changed or moved:\n{text}");
    let head = original.split("\npaths:\n").next().unwrap();
    assert!(text.starts_with(head));
    for comment in original.lines().filter(|l| l.trim_start().starts_with('#')) {
        assert!(text.contains(comment), "comment lost: {comment}");
    }

    // The delete went into the path item the spec already has, beside its `get`.
    let doc: serde_json::Value = serde_yaml::from_str(&text).unwrap();
    let item = &doc["paths"]["/zones/{zone_id}/ssl/certificate_packs/{certificate_pack_id}"];
    assert_eq!(item["get"]["operationId"], "get_certificate_pack");
    assert_eq!(item["delete"]["operationId"], DELETE);

    // Same shapes are reused (the upstream's descriptions differ by a full stop, which is not
    // shape), different ones copied under their own names; nothing needed a rename.
    let placed: Vec<String> = extension.components.iter().map(ToString::to_string).collect();
    for reused in [
        "reused schemas/Identifier for upstream schemas/tls-certificates-and-hostnames_identifier (same shape)",
        "reused schemas/CertificateAuthority for upstream schemas/tls-certificates-and-hostnames_schemas-certificate_authority (same shape)",
        "reused schemas/ValidationMethod for upstream schemas/tls-certificates-and-hostnames_validation_method (same shape)",
        "reused schemas/ValidityDays for upstream schemas/tls-certificates-and-hostnames_validity_days (same shape)",
        "reused schemas/CertificatePackStatus for upstream schemas/tls-certificates-and-hostnames_certificate-packs_components-schemas-status (same shape)",
        "reused securitySchemes/api_email (same shape)",
        "reused securitySchemes/api_key (same shape)",
        // Cloudflare's `result_info` lacks `total_pages`: not our ResultInfo, so copied.
        "added schemas/tls-certificates-and-hostnames_result_info",
        "added schemas/tls-certificates-and-hostnames_api-response-common",
    ] {
        assert!(placed.contains(&reused.to_string()), "missing `{reused}` in:\n{}", placed.join("\n"));
    }
    assert!(!placed.iter().any(|p| p.contains(" as ")), "no rename expected: {placed:?}");
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    assert!(!schemas.contains_key("tls-certificates-and-hostnames_identifier"));
    assert!(text.contains("            $ref: '#/components/schemas/Identifier'\n"), "references follow the reuse");

    // The result loads in our generator, and the same run gives the same bytes.
    generator::lower(&text).unwrap_or_else(|d| panic!("{d}"));
    let upstream_text = std::fs::read_to_string(upstream()).unwrap();
    let again = generator::extend::add_operations(&original, &upstream_text, &[ORDER, DELETE, LIST]).unwrap();
    assert_eq!(again.text, text);

    // Adding again is refused, located, and writes nothing.
    let copy = testkit::root().join("target/extend-spec-text/cloudflare-ssl.yaml");
    let err = generator::project::add_operations(&copy, &upstream(), &[DELETE]).unwrap_err().to_string();
    assert!(
        err.contains(&format!("`{DELETE}` is already present in the spec as DELETE")) && err.contains("(line "),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&copy).unwrap(), text);
    let err = generator::project::add_operations(&copy, &upstream(), &["certificate-packs-list-certificate-pack"])
        .unwrap_err()
        .to_string();
    assert!(err.contains("no operation `certificate-packs-list-certificate-pack` in the upstream spec"), "{err}");
    assert!(err.contains(&format!("nearest: `{LIST}`")), "{err}");
}

/// The program run against the mock server: calls the three added operations through the
/// generated client and prints what it decoded.
const CALLER: &str = r#"//! Calls the operations `add-operation` added, against `BASE_URL`.

use fixture_extended_spec::types::{
    CertificateAuthority, CertificatePacksListCertificatePacksParams, CertificatePacksListCertificatePacksStatus,
    CertificatePacksOrderAdvancedCertificateManagerCertificatePackBody, TlsCertificatesAndHostnamesAdvancedType,
    ValidationMethod, ValidityDays,
};
use fixture_extended_spec::Client;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), String> {
    let base = std::env::var("BASE_URL").map_err(|e| e.to_string())?;
    let client = Client::builder()
        .from_env(false)
        .base_url(base)
        .api_email("user@example.com")
        .api_key("key-SECRET-1")
        .build()
        .map_err(|e| e.to_string())?;
    let zone = "023e105f4ecef8ad9ca31a8372d0c353";
    // Models are `#[non_exhaustive]`: `new` takes the required fields, a setter each optional one.
    let body = CertificatePacksOrderAdvancedCertificateManagerCertificatePackBody::new(
        CertificateAuthority::LetsEncrypt,
        vec!["example.com".to_string(), "*.example.com".to_string()],
        TlsCertificatesAndHostnamesAdvancedType::Advanced,
        ValidationMethod::Txt,
        ValidityDays::Value90,
    )
    .cloudflare_branding(false);
    let ordered = client
        .certificate_packs_order_advanced_certificate_manager_certificate_pack(zone, &Default::default(), &body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let pack = ordered.data.ok_or("no order result")?;
    let id = pack.id.clone().ok_or("no id")?;
    println!("ordered {id} {:?} {:?} {:?}", pack.status, pack.validity_days, pack.hosts);
    let deleted = client
        .certificate_packs_delete_advanced_certificate_manager_certificate_pack(zone, &id, &Default::default(), &serde_json::json!({}))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    println!("deleted {:?}", deleted.data.and_then(|r| r.id));
    let params = CertificatePacksListCertificatePacksParams::default().status(CertificatePacksListCertificatePacksStatus::All);
    let listed = client.certificate_packs_list_certificate_packs(zone, &params).send().await.map_err(|e| e.to_string())?;
    let ids: Vec<String> =
        listed.data.unwrap_or_default().iter().filter_map(|p| p.get("id")).map(ToString::to_string).collect();
    println!("listed {}", ids.join(" "));
    Ok(())
}
"#;

fn envelope(result: serde_json::Value) -> serde_json::Value {
    serde_json::json!({"success": true, "errors": [], "messages": [], "result": result})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn added_operations_generate_compile_and_call_a_loopback_server() {
    let (_, text, _) = extend("extend-spec-crate");
    let options = testkit::options("extended spec");
    let api = generator::lower(&text).unwrap_or_else(|d| panic!("{d}"));
    let in_repo = |folder: &str| testkit::root().join(folder).display().to_string();
    let setup = generator::CrateSetup {
        name: "fixture-extended-spec".to_string(),
        version: "0.0.0".to_string(),
        description: None,
        license: None,
        doc: Some("The spec extended by `add-operation`.".to_string()),
        runtime: in_repo("runtime"),
        runtime_model: in_repo("runtime-model"),
        workspace: generator::Workspace::Member,
        // For the caller program (`examples/call_added.rs`).
        dev_dependencies: vec![generator::Dependency::version("tokio", "1")
            .no_default_features()
            .features(&["macros", "rt"])],
    };
    let crates = generator::generate_crates(&api, &options, &setup).unwrap_or_else(|d| panic!("{d}"));
    // Clippy-clean, every lint denied (the scratch workspace's settings).
    if let Err(out) = testkit::compile_crates("extended-spec", &[crates]) {
        panic!("the extended client does not compile cleanly:\n{out}");
    }
    let scratch = testkit::root().join("target/extended-spec");
    let crate_dir = scratch.join("fixture-extended-spec");
    std::fs::create_dir_all(crate_dir.join("examples")).unwrap();
    std::fs::write(crate_dir.join("examples/call_added.rs"), CALLER).unwrap();

    let server = MockServer::start().await;
    let base = format!("{}/client/v4", server.uri());
    let auth = |m: wiremock::MockBuilder| {
        m.and(header("x-auth-email", "user@example.com")).and(header("x-auth-key", "key-SECRET-1"))
    };
    let order_body = serde_json::json!({
        "certificate_authority": "lets_encrypt", "cloudflare_branding": false,
        "hosts": ["example.com", "*.example.com"], "type": "advanced",
        "validation_method": "txt", "validity_days": 90,
    });
    auth(Mock::given(method("POST")).and(path(format!("/client/v4/zones/{ZONE}/ssl/certificate_packs/order"))))
        .and(body_json(&order_body))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(serde_json::json!({
            "id": PACK, "status": "pending_validation", "validity_days": 90,
            "hosts": ["example.com", "*.example.com"], "type": "advanced",
            "certificate_authority": "lets_encrypt", "validation_method": "txt",
        }))))
        .expect(1)
        .mount(&server)
        .await;
    auth(Mock::given(method("DELETE")).and(path(format!("/client/v4/zones/{ZONE}/ssl/certificate_packs/{PACK}"))))
        .and(body_json(serde_json::json!({})))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(serde_json::json!({"id": PACK}))))
        .expect(1)
        .mount(&server)
        .await;
    auth(Mock::given(method("GET")).and(path(format!("/client/v4/zones/{ZONE}/ssl/certificate_packs"))))
        .and(query_param("status", "all"))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(serde_json::json!([
            {"id": PACK, "type": "advanced"}, {"id": "7e7b8deba8538af625850b7b2530034c", "type": "universal"},
        ]))))
        .expect(1)
        .mount(&server)
        .await;

    let out = tokio::task::spawn_blocking(move || run_caller(&scratch, &base)).await.unwrap();
    assert_eq!(
        out,
        format!(
            "ordered {PACK} Some(PendingValidation) Some(Value90) Some([\"example.com\", \"*.example.com\"])\n\
             deleted Some(\"{PACK}\")\n\
             listed \"{PACK}\" \"7e7b8deba8538af625850b7b2530034c\"\n"
        )
    );
    server.verify().await;
}

/// Builds and runs the caller program in the scratch workspace; its standard output.
fn run_caller(scratch: &Path, base: &str) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args(["run", "--offline", "--quiet", "-p", "fixture-extended-spec", "--example", "call_added"])
        .current_dir(scratch)
        .env("CARGO_TARGET_DIR", testkit::root().join("target/fixture-target"))
        .env("BASE_URL", base)
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && !stderr.contains("warning"), "the caller failed:\n{stderr}");
    String::from_utf8(out.stdout).unwrap()
}
