//! Section 4: decoding the documented certificate-pack body — generated types and the client's
//! real decode path against a hand-written serde struct, interleaved.

use crate::handwritten;
use crate::stats::{dur_iqr, paired_ratios, ratio, ratio_iqr, summarize};
use cloudflare_ssl::rt::{Decode, RawResponse};
use cloudflare_ssl::types::{CertificatePack, CertificatePackResponseSingle};
use cloudflare_ssl::{Call, Client};
use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

/// Path of the operation whose example is decoded.
pub const PACK_PATH: &str = "/zones/{zone_id}/ssl/certificate_packs/{certificate_pack_id}";
/// Identifiers used in requests (32 characters, as the spec allows).
pub const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";
/// See [`ZONE`].
pub const PACK: &str = "3822ff90ea2944df9e5521300bb9419b";

/// The documented 200 body of Get Certificate Pack, as compact JSON: `paths.{PACK_PATH}.get.
/// responses.200.content.application/json.examples.documented.value` of the spec.
pub fn documented_pack_body(spec: &Path) -> Result<Vec<u8>, String> {
    let text = std::fs::read_to_string(spec).map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let doc: serde_yaml::Value = serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", spec.display()))?;
    let keys = [
        "paths",
        PACK_PATH,
        "get",
        "responses",
        "200",
        "content",
        "application/json",
        "examples",
        "documented",
        "value",
    ];
    let value = keys
        .iter()
        .try_fold(&doc, |v, k| v.get(*k))
        .ok_or_else(|| format!("{}: no documented example at {}", spec.display(), keys.join(".")))?;
    serde_json::to_vec(value).map_err(|e| e.to_string())
}

/// Decodes with the decoder type of a call, which the caller may not be able to name (the
/// envelope type of the generated crate is private): `D` is inferred from the call.
pub fn decode_like<D: Decode<cloudflare_ssl::ApiMessage>>(
    _call: &Call<D>,
    raw: &RawResponse,
) -> Result<D::Output, cloudflare_ssl::Error> {
    D::decode(raw).map(|(value, _messages)| value)
}

type Variant<'a> = (&'static str, Box<dyn Fn(usize) + 'a>);

/// Runs the section and returns its Markdown. With `only`, runs just that variant
/// (`rounds × batch` decodes after one warm-up batch) and reports nothing but the count: for
/// counting instructions per decode under callgrind.
pub fn run(spec: &Path, rounds: usize, batch: usize, only: Option<usize>) -> Result<String, String> {
    let body = documented_pack_body(spec)?;
    let client =
        Client::builder().base_url("http://127.0.0.1:9").api_token("bench-token").build().map_err(|e| e.to_string())?;
    let call = client.get_certificate_pack(ZONE, PACK, &Default::default());
    let raw =
        RawResponse { status: reqwest::StatusCode::OK, headers: reqwest::header::HeaderMap::new(), body: body.clone() };
    let whole: serde_json::Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
    let result_only = serde_json::to_vec(&whole["result"]).map_err(|e| e.to_string())?;

    // Every variant must decode the body, and agree on what it says.
    let hand: handwritten::Envelope<handwritten::CertificatePack> =
        serde_json::from_slice(&body).map_err(|e| format!("hand-written struct: {e}"))?;
    let generated: CertificatePackResponseSingle =
        serde_json::from_slice(&body).map_err(|e| format!("generated CertificatePackResponseSingle: {e}"))?;
    let via_client = decode_like(&call, &raw).map_err(|e| format!("client decode path: {e}"))?;
    let result: CertificatePack = serde_json::from_slice(&result_only).map_err(|e| format!("CertificatePack: {e}"))?;
    if !(hand.result.id == generated.result.id && generated.result == via_client && via_client == result) {
        return Err("the decoders disagree about the body".into());
    }

    let variants: Vec<Variant<'_>> = vec![
        (
            "hand-written serde struct (baseline)",
            Box::new(|n| {
                for _ in 0..n {
                    let v: handwritten::Envelope<handwritten::CertificatePack> =
                        serde_json::from_slice(black_box(&body)).unwrap_or_else(|e| panic!("{e}"));
                    black_box(v);
                }
            }),
        ),
        (
            "generated `types::CertificatePackResponseSingle` (`serde_json::from_slice`)",
            Box::new(|n| {
                for _ in 0..n {
                    let v: CertificatePackResponseSingle =
                        serde_json::from_slice(black_box(&body)).unwrap_or_else(|e| panic!("{e}"));
                    black_box(v);
                }
            }),
        ),
        (
            "client decode path (`rt::Enveloped<ApiEnvelope, CertificatePack>::decode`)",
            Box::new(|n| {
                for _ in 0..n {
                    let v = decode_like(&call, black_box(&raw)).unwrap_or_else(|e| panic!("{e}"));
                    black_box(v);
                }
            }),
        ),
        (
            "generated `types::CertificatePack` from the `result` bytes only",
            Box::new(|n| {
                for _ in 0..n {
                    let v: CertificatePack =
                        serde_json::from_slice(black_box(&result_only)).unwrap_or_else(|e| panic!("{e}"));
                    black_box(v);
                }
            }),
        ),
        (
            "`serde_json::Value` (reference)",
            Box::new(|n| {
                for _ in 0..n {
                    let v: serde_json::Value =
                        serde_json::from_slice(black_box(&body)).unwrap_or_else(|e| panic!("{e}"));
                    black_box(v);
                }
            }),
        ),
        (
            "`serde::de::IgnoredAny` (one syntax pass, no values; floor)",
            Box::new(|n| {
                for _ in 0..n {
                    let v: serde::de::IgnoredAny =
                        serde_json::from_slice(black_box(&body)).unwrap_or_else(|e| panic!("{e}"));
                    black_box(v);
                }
            }),
        ),
    ];

    if let Some(v) = only {
        let (name, f) = &variants[v.min(variants.len() - 1)];
        f(batch);
        f(rounds * batch);
        return Ok(format!("{name}: {} decodes after {batch} warm-up decodes\n", rounds * batch));
    }
    // Warm-up, then rounds; each round times one batch of every variant, starting from a
    // different variant each time.
    for (_, f) in &variants {
        f(batch);
    }
    let mut samples: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); variants.len()];
    for round in 0..rounds {
        for k in 0..variants.len() {
            let i = (round + k) % variants.len();
            let started = Instant::now();
            (variants[i].1)(batch);
            samples[i].push(started.elapsed().as_nanos() as f64 / batch as f64);
        }
    }

    let base = summarize(&samples[0]);
    let mut md = String::new();
    let _ = writeln!(
        md,
        "Body: the documented example, {} bytes of compact JSON (`result` alone: {} bytes). \
         {rounds} rounds × {batch} decodes per variant, interleaved; time per decode.\n",
        body.len(),
        result_only.len()
    );
    md.push_str("| decoder | median (IQR) | ratio of medians | paired ratio, median (IQR) |\n|---|---|---|---|\n");
    for (i, (name, _)) in variants.iter().enumerate() {
        let s = summarize(&samples[i]);
        let paired = summarize(&paired_ratios(&samples[i], &samples[0]));
        let _ = writeln!(
            md,
            "| {name} | {} | {} | {} |",
            dur_iqr(&s),
            ratio(s.median / base.median),
            if i == 0 { "1.00×".to_string() } else { ratio_iqr(&paired) }
        );
    }
    // Verdicts on paired ratios (see the overhead section).
    let generated = summarize(&paired_ratios(&samples[1], &samples[0])).median;
    let client = summarize(&paired_ratios(&samples[2], &samples[0])).median;
    let _ = writeln!(
        md,
        "\nTarget ≤ 1.10× the hand-written struct (paired ratio): generated types {} ({}), client decode path {} ({}).",
        ratio(generated),
        if generated <= 1.10 { "met" } else { "missed" },
        ratio(client),
        if client <= 1.10 { "met" } else { "missed" }
    );
    Ok(md)
}
