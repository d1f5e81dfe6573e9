//! Section 3: one request through the generated client against a bare `reqwest` +
//! `serde_json` call for the same request, to a keep-alive server on 127.0.0.1.

use crate::decode::{documented_pack_body, PACK, ZONE};
use crate::handwritten;
use crate::server;
use crate::stats::{dur_iqr, paired_ratios, ratio, ratio_iqr, summarize};
use cloudflare_ssl::Client;
use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

const TOKEN: &str = "bench-token-0123456789abcdef";

/// Runs the section and returns its Markdown.
/// With `only`, runs just that variant (`rounds × batch` requests after one warm-up batch) and
/// reports nothing but the count: for counting instructions per request under callgrind.
pub fn run(spec: &Path, rounds: usize, batch: usize, only: Option<usize>) -> Result<String, String> {
    let body = documented_pack_body(spec)?;
    let body_len = body.len();
    let server = server::start(body)?;
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    let url = format!("{}/zones/{ZONE}/ssl/certificate_packs/{PACK}", server.base_url);

    // The bare call: what one writes without a generated client.
    let http =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().map_err(|e| e.to_string())?;
    let bare = |timeout: Option<Duration>| {
        let (http, url) = (&http, &url);
        async move {
            let mut request = http.get(url).bearer_auth(TOKEN);
            if let Some(t) = timeout {
                request = request.timeout(t);
            }
            let response = request.send().await?.error_for_status()?;
            let bytes = response.bytes().await?;
            let decoded: handwritten::Envelope<handwritten::CertificatePack> =
                serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
            Ok::<_, Box<dyn std::error::Error>>(decoded)
        }
    };
    let client = Client::builder().base_url(&server.base_url).api_token(TOKEN).build().map_err(|e| e.to_string())?;

    let names = [
        "bare `reqwest` GET + bearer + `serde_json::from_slice` (baseline)",
        "generated client `client.get_certificate_pack(..).await`",
        "bare, plus `.timeout(60 s)` on the request (reference: the client sets one per attempt)",
    ];
    let run_batch = |variant: usize, n: usize| -> Result<f64, String> {
        rt.block_on(async {
            let started = Instant::now();
            for _ in 0..n {
                match variant {
                    0 => {
                        black_box(bare(None).await.map_err(|e| e.to_string())?);
                    }
                    1 => {
                        black_box(
                            client
                                .get_certificate_pack(ZONE, PACK, &Default::default())
                                .await
                                .map_err(|e| e.to_string())?,
                        );
                    }
                    _ => {
                        black_box(bare(Some(Duration::from_secs(60))).await.map_err(|e| e.to_string())?);
                    }
                }
            }
            Ok(started.elapsed().as_nanos() as f64 / n as f64)
        })
    };

    if let Some(v) = only {
        let v = v.min(names.len() - 1);
        run_batch(v, batch)?;
        run_batch(v, rounds * batch)?;
        return Ok(format!("{}: {} requests after {batch} warm-up requests\n", names[v], rounds * batch));
    }
    // Warm-up: opens the keep-alive connections and fills the caches.
    for v in 0..names.len() {
        run_batch(v, batch)?;
    }
    let mut samples: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); names.len()];
    for round in 0..rounds {
        for k in 0..names.len() {
            let v = (round + k) % names.len();
            samples[v].push(run_batch(v, batch)?);
        }
    }

    let base = summarize(&samples[0]);
    let mut md = String::new();
    let _ = writeln!(
        md,
        "One keep-alive HTTP/1.1 connection to the bench's own server on 127.0.0.1, answering the \
         documented body ({body_len} bytes); client and server on separate single-threaded Tokio runtimes. \
         {rounds} rounds × {batch} requests per variant, interleaved; time per request. {} requests served.\n",
        server.requests.load(std::sync::atomic::Ordering::Relaxed)
    );
    md.push_str("| call | median (IQR) | ratio of medians | paired ratio, median (IQR) |\n|---|---|---|---|\n");
    for (i, name) in names.iter().enumerate() {
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
    // The verdict uses the paired ratio: each round's two batches ran back to back, so drift in
    // the machine's load cancels out, which a ratio of medians over all rounds does not do.
    let r = summarize(&paired_ratios(&samples[1], &samples[0])).median;
    let _ = writeln!(
        md,
        "\nTarget ≤ 1.05× the bare call (paired ratio): {} ({}); difference of the medians {} per request.",
        ratio(r),
        if r <= 1.05 { "met" } else { "missed" },
        crate::stats::dur(summarize(&samples[1]).median - base.median)
    );
    Ok(md)
}
