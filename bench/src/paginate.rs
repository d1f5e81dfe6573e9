//! Section 5: peak memory of auto-pagination. Each measurement is a child process (this binary,
//! `paginate-child`) that walks a listing served by the parent's loopback server and reports
//! its own peak RSS (`VmHWM`), so the server's memory is never counted.

use crate::server;
use crate::stats::{dur, mib, summarize};
use cloudflare_ssl::types::{CustomTrustStore, ListCustomTrustStoreParams};
use cloudflare_ssl::Client;
use futures_util::TryStreamExt;
use std::fmt::Write as _;
use std::process::Command;
use std::sync::atomic::Ordering;
use std::time::Instant;

/// Records per page requested by the child (the spec's maximum).
pub const PER_PAGE: u64 = 50;

/// What a child process does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Streams every record with `.items()`, checking each as it arrives.
    Stream,
    /// Collects every record into a `Vec` first (the baseline that is not bounded).
    Collect,
    /// Fetches one page of `PER_PAGE` records and stops (what one page costs).
    OnePage,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Stream => "stream",
            Mode::Collect => "collect",
            Mode::OnePage => "one-page",
        }
    }

    fn parse(text: &str) -> Option<Mode> {
        [Mode::Stream, Mode::Collect, Mode::OnePage].into_iter().find(|m| m.name() == text)
    }
}

/// A field of `/proc/self/status`, in KiB.
pub fn proc_status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Checks that every record number below `total` is seen exactly once.
struct Seen {
    bits: Vec<u64>,
    count: u64,
    total: u64,
}

impl Seen {
    fn new(total: u64) -> Self {
        Seen { bits: vec![0; total.div_ceil(64) as usize], count: 0, total }
    }

    fn see(&mut self, record: &CustomTrustStore) -> Result<(), String> {
        let n = u64::from_str_radix(&record.id, 16).map_err(|_| format!("bad id {}", record.id))?;
        if n >= self.total {
            return Err(format!("record {n} is past the end ({})", self.total));
        }
        let (word, bit) = ((n / 64) as usize, n % 64);
        if self.bits[word] & (1 << bit) != 0 {
            return Err(format!("record {n} seen twice"));
        }
        self.bits[word] |= 1 << bit;
        self.count += 1;
        Ok(())
    }

    fn finish(&self) -> Result<(), String> {
        if self.count == self.total {
            Ok(())
        } else {
            Err(format!("saw {} records of {}", self.count, self.total))
        }
    }
}

/// The child: walks `total` records in `mode`, checks them, prints one result line.
pub fn child(base_url: &str, total: u64, mode: &str) -> Result<(), String> {
    let mode = Mode::parse(mode).ok_or_else(|| format!("unknown mode {mode}"))?;
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    let client = Client::builder().base_url(base_url).api_token("bench-token").build().map_err(|e| e.to_string())?;
    let rss_before = proc_status_kib("VmRSS:").unwrap_or(0);
    let zone = total.to_string();
    let params = ListCustomTrustStoreParams::default().per_page(PER_PAGE as f64);
    let started = Instant::now();
    let seen = rt.block_on(async {
        let mut seen = Seen::new(total);
        match mode {
            Mode::Stream => {
                let mut items = client.list_custom_trust_store(&zone, &params).items();
                while let Some(record) = items.try_next().await.map_err(|e| e.to_string())? {
                    seen.see(&record)?;
                }
            }
            Mode::Collect => {
                let all: Vec<CustomTrustStore> = client
                    .list_custom_trust_store(&zone, &params)
                    .items()
                    .try_collect()
                    .await
                    .map_err(|e| e.to_string())?;
                for record in &all {
                    seen.see(record)?;
                }
            }
            Mode::OnePage => {
                let page = client.list_custom_trust_store(&zone, &params).await.map_err(|e| e.to_string())?;
                for record in &page.items {
                    seen.see(record)?;
                }
            }
        }
        Ok::<_, String>(seen)
    })?;
    let elapsed = started.elapsed();
    seen.finish()?;
    let hwm = proc_status_kib("VmHWM:").ok_or("no VmHWM in /proc/self/status")?;
    println!("records={} hwm_kib={hwm} rss_before_kib={rss_before} elapsed_ns={}", seen.count, elapsed.as_nanos());
    Ok(())
}

struct Outcome {
    hwm_kib: f64,
    before_kib: f64,
    elapsed_ns: f64,
    requests: u64,
}

fn spawn_child(
    base_url: &str,
    total: u64,
    mode: Mode,
    requests: &std::sync::atomic::AtomicU64,
) -> Result<Outcome, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let before = requests.load(Ordering::SeqCst);
    let out = Command::new(exe)
        .args(["paginate-child", base_url, &total.to_string(), mode.name()])
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("paginate-child {total} {}: {}", mode.name(), String::from_utf8_lossy(&out.stderr).trim()));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |name: &str| -> Result<f64, String> {
        text.split_whitespace()
            .find_map(|kv| kv.strip_prefix(name).and_then(|v| v.strip_prefix('=')))
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| format!("child printed no {name}: {text}"))
    };
    Ok(Outcome {
        hwm_kib: field("hwm_kib")?,
        before_kib: field("rss_before_kib")?,
        elapsed_ns: field("elapsed_ns")?,
        requests: requests.load(Ordering::SeqCst) - before,
    })
}

/// A difference in KiB as signed MiB, one decimal, without `-0.0`.
fn signed_mib(kib: f64) -> String {
    let mib = (kib / 1024.0 * 10.0).round() / 10.0;
    if mib == 0.0 {
        "±0.0".into()
    } else {
        format!("{mib:+.1}")
    }
}

/// Runs the section and returns its Markdown.
pub fn run(rounds: usize) -> Result<String, String> {
    let server = server::start(Vec::new())?;
    let cases = [(Mode::OnePage, PER_PAGE), (Mode::Stream, 1_000), (Mode::Stream, 10_000), (Mode::Collect, 10_000)];
    let mut results: Vec<Vec<Outcome>> = (0..cases.len()).map(|_| Vec::new()).collect();
    for round in 0..rounds {
        for k in 0..cases.len() {
            let i = (round + k) % cases.len();
            let (mode, total) = cases[i];
            results[i].push(spawn_child(&server.base_url, total, mode, &server.requests)?);
        }
    }
    let page_bytes = server::trust_store_page(PER_PAGE, 1, PER_PAGE).len();
    let mut md = String::new();
    let _ = writeln!(
        md,
        "Each row is a fresh child process (`bench paginate-child`) walking \
         `client.list_custom_trust_store(zone, &params.per_page({PER_PAGE}.0))` against the parent's loopback \
         server, which builds pages on the fly (ids are record numbers; each record ~{} bytes with a \
         1.3 KB PEM; one page = {page_bytes} bytes of JSON) with `result_info.total_pages`. The child checks \
         every id is seen exactly once and the count is exact, then reports its peak RSS (`VmHWM`). \
         {rounds} runs per row, interleaved.\n",
        page_bytes / PER_PAGE as usize
    );
    md.push_str(
        "| what | records | requests | peak RSS, median (min–max) | above one-page process | RSS before the walk | time |\n\
         |---|---|---|---|---|---|---|\n",
    );
    let one_page = summarize(&results[0].iter().map(|o| o.hwm_kib).collect::<Vec<_>>()).median;
    for (i, (mode, total)) in cases.iter().enumerate() {
        let hwm = summarize(&results[i].iter().map(|o| o.hwm_kib).collect::<Vec<_>>());
        let before = summarize(&results[i].iter().map(|o| o.before_kib).collect::<Vec<_>>());
        let time = summarize(&results[i].iter().map(|o| o.elapsed_ns).collect::<Vec<_>>());
        let requests: Vec<u64> = results[i].iter().map(|o| o.requests).collect();
        let requests =
            if requests.iter().all(|r| *r == requests[0]) { requests[0].to_string() } else { format!("{requests:?}") };
        let what = match mode {
            Mode::OnePage => "one page, awaited (reference)",
            Mode::Stream => "`.items()` streamed",
            Mode::Collect => "`.items().try_collect::<Vec<_>>()` (baseline)",
        };
        let _ = writeln!(
            md,
            "| {what} | {total} | {requests} | {} ({}–{}) | {} MiB | {} | {} |",
            mib(hwm.median),
            mib(hwm.min),
            mib(hwm.max),
            signed_mib(hwm.median - one_page),
            mib(before.median),
            dur(time.median)
        );
    }
    let stream_1k = summarize(&results[1].iter().map(|o| o.hwm_kib).collect::<Vec<_>>()).median;
    let stream_10k = summarize(&results[2].iter().map(|o| o.hwm_kib).collect::<Vec<_>>()).median;
    let collect = summarize(&results[3].iter().map(|o| o.hwm_kib).collect::<Vec<_>>()).median;
    let _ = writeln!(
        md,
        "\nStreaming 10× more records moves the peak by {} MiB (1,000 → 10,000); collecting the same \
         10,000 costs {} MiB more than streaming them. Bounded by about one page: {}.",
        signed_mib(stream_10k - stream_1k),
        signed_mib(collect - stream_10k),
        if stream_10k - one_page < 2.0 * 1024.0 && stream_10k - stream_1k < 1024.0 { "yes" } else { "no" }
    );
    Ok(md)
}
