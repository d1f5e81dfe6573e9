//! The Prism mock server, started on 127.0.0.1 from the spec, and the harness run against it.

use super::proxy::Recorded;
use serde_json::Value;
use std::collections::HashMap;
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How Prism answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// From the spec's examples (or, without one, a value Prism builds from the schema).
    Static,
    /// From data generated from the response schema, with this seed.
    Dynamic(u32),
    /// Prism (static) judges the request; the response is one the harness synthesised from
    /// the response schema and checked against it (the proxy puts it in place of Prism's).
    /// Run only for operations that passed in no other mode.
    Synthesised,
    /// As [`Mode::Synthesised`], with the request's `readOnly` properties sent: for operations
    /// whose requests Prism rejected only for leaving them out (OpenAPI 3.0: they SHOULD NOT be
    /// sent, and a server ignores them).
    ReadOnlySent,
    /// As [`Mode::Synthesised`], for operations whose requests Prism rejected only because its
    /// form or multipart reader misread the body (see `judge::Reason::is_body_reader`): the
    /// synthesised response is sent even though Prism rejected the request (its verdict is
    /// recorded, and any violation of it outside those readings still fails the call), and the
    /// body, as recorded on the wire, is decoded and judged by the harness ([`super::wire`]).
    BodyReadByHarness,
}

impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mode::Static => f.write_str("static"),
            Mode::Dynamic(seed) => write!(f, "dynamic seed {seed}"),
            Mode::Synthesised => f.write_str("synthesised response"),
            Mode::ReadOnlySent => f.write_str("synthesised response, readOnly properties sent"),
            Mode::BodyReadByHarness => f.write_str("synthesised response, request body read by the harness"),
        }
    }
}

/// Time Prism may take to read a spec and start listening: Cloudflare's and GitHub's specs
/// take about 14 s here; Stripe's never finishes (see `xtask/conform-known.tsv`).
const START: Duration = Duration::from_secs(300);

/// A running Prism, killed on drop.
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(spec: &Path, mode: Mode, log: &Path) -> Result<Server, String> {
    let bin = crate::prism_bin()?;
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("no free port on 127.0.0.1: {e}"))?
        .port();
    let mut cmd = Command::new(bin);
    // `--errors`: a request that violates the spec gets Prism's 422 (or 401, 404, ...) problem
    // body instead of a response with the violations only in a header.
    cmd.args(["mock", "--errors", "-h", "127.0.0.1", "-p", &port.to_string()]);
    if let Mode::Dynamic(seed) = mode {
        cmd.args(["-d", "--seed", &seed.to_string()]);
    }
    let log_file = std::fs::File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let err_file = log_file.try_clone().map_err(|e| e.to_string())?;
    let child = cmd
        .arg(spec)
        .stdout(Stdio::from(log_file))
        .stderr(Stdio::from(err_file))
        .spawn()
        .map_err(|e| format!("cannot start prism: {e}"))?;
    let mut server = Server { child, port };
    let deadline = Instant::now() + START;
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = server.child.try_wait() {
            return Err(format!("prism exited ({status}) before listening; see {}", log.display()));
        }
        if Instant::now() > deadline {
            return Err(format!("prism did not listen within {} s; see {}", START.as_secs(), log.display()));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Ok(server)
}

/// What one call gave: the harness's line, and the response as Prism sent it.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// The harness's JSON line for the call.
    pub line: Value,
    /// The response as received from Prism, when there was one.
    pub raw: Option<Recorded>,
    /// Prism crashed while answering this call: the first lines of what it printed.
    pub crash: Option<String>,
}

/// What Prism printed when it crashed: the lines from the first thrown error (`TypeError: ...`)
/// on, at most 6; without one, the last 6 lines. (Its log also lists every route, and a route may
/// contain the word "error".)
fn crash_text(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let thrown = |l: &&str| l.split_whitespace().next().is_some_and(|w| w.ends_with("Error:"));
    let from = lines.iter().position(thrown).unwrap_or(lines.len().saturating_sub(6));
    lines.iter().skip(from).take(6).map(|l| l.trim()).collect::<Vec<_>>().join(" / ")
}

/// Starts Prism in `mode` (behind the recording proxy) and runs `harness` for `ops`; returns
/// each call's outcome by name. When Prism crashes, the call in flight is marked with the crash
/// and Prism is started again for the calls after it. A call without a line (the harness
/// stopped early) is absent.
pub fn run(
    spec: &Path,
    mode: Mode,
    harness: &Path,
    args: &Path,
    ops: &[String],
    substitutes: &super::proxy::Substitutes,
) -> Result<HashMap<String, Outcome>, String> {
    let mut out: HashMap<String, Outcome> = HashMap::new();
    let mut rest: Vec<String> = ops.to_vec();
    let mut restarts = 0;
    let mut harness_error = String::new();
    while !rest.is_empty() && restarts <= 20 {
        let log = args.with_file_name(format!("prism-{}-{restarts}.log", mode.to_string().replace(' ', "-")));
        let mut server = start(spec, mode, &log)?;
        let proxy = super::proxy::start(server.port, substitutes.clone())?;
        let base = format!("http://127.0.0.1:{}", proxy.port);
        let child = Command::new(harness)
            .arg(&base)
            .arg(args)
            .args(&rest)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", harness.display()))?;
        let output = child.wait_with_output().map_err(|e| e.to_string())?;
        if !output.status.success() {
            harness_error = format!(
                "the harness exited with {}: {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        let mut done = Vec::new();
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let Ok(v) = serde_json::from_str::<Value>(line) else { continue };
            if let Some(name) = v.get("op").and_then(Value::as_str) {
                done.push(name.to_string());
                out.insert(name.to_string(), Outcome { line: v.clone(), raw: None, crash: None });
            }
        }
        // The proxy finishes a recording when both sides of a connection have closed.
        std::thread::sleep(Duration::from_millis(100));
        if let Ok(map) = proxy.recordings.lock() {
            for (name, rec) in map.iter() {
                if let Some(o) = out.get_mut(name) {
                    o.raw = Some(rec.clone());
                }
            }
        }
        let crashed = matches!(server.child.try_wait(), Ok(Some(_)));
        drop(proxy);
        if !crashed {
            break;
        }
        // The first call that got no response is the one Prism crashed on.
        let victim = done.iter().position(|n| {
            out.get(n).is_some_and(|o| o.line.pointer("/error/kind").and_then(Value::as_str) == Some("transport"))
        });
        let Some(i) = victim else { break };
        let crash = crash_text(&log);
        if let Some(o) = done.get(i).and_then(|n| out.get_mut(n)) {
            o.crash = Some(crash);
        }
        for n in done.iter().skip(i + 1) {
            out.remove(n);
        }
        rest = rest.into_iter().skip_while(|n| Some(n) != done.get(i)).skip(1).collect();
        restarts += 1;
    }
    if !harness_error.is_empty() {
        for name in ops {
            out.entry(name.clone()).or_insert_with(|| Outcome {
                line: serde_json::json!({"op": name, "error": {"kind": "harness", "message": harness_error}}),
                raw: None,
                crash: None,
            });
        }
    }
    Ok(out)
}
