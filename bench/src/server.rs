//! A tiny keep-alive HTTP/1.1 server on 127.0.0.1 for the client benchmarks.
//!
//! It answers two routes, whatever the method and headers:
//! - `/zones/{zone}/ssl/certificate_packs/{id}`: the spec's documented certificate-pack body;
//! - `/zones/{n}/acm/custom_trust_store?page=P&per_page=K`: page `P` of a listing of `n`
//!   trust-store records generated on the fly (ids are the record numbers in hex, so a client
//!   can check that it saw each one exactly once), with `result_info.total_pages`.
//!
//! It binds to the loopback address only and runs on its own thread until the process ends.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A running server.
pub struct Server {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    /// Requests answered so far.
    pub requests: Arc<AtomicU64>,
}

/// Starts the server on its own thread (a single-threaded Tokio runtime).
pub fn start(pack_body: Vec<u8>) -> Result<Server, String> {
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("bind 127.0.0.1: {e}"))?;
    std_listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let addr: SocketAddr = std_listener.local_addr().map_err(|e| e.to_string())?;
    let requests = Arc::new(AtomicU64::new(0));
    let counter = requests.clone();
    let pack_body = Arc::new(pack_body);
    std::thread::Builder::new()
        .name("loopback-server".into())
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(rt) => rt,
                Err(e) => return eprintln!("server runtime: {e}"),
            };
            rt.block_on(async move {
                let listener = match TcpListener::from_std(std_listener) {
                    Ok(l) => l,
                    Err(e) => return eprintln!("server listener: {e}"),
                };
                while let Ok((socket, _)) = listener.accept().await {
                    let (body, counter) = (pack_body.clone(), counter.clone());
                    tokio::spawn(async move {
                        let _ = serve(socket, &body, &counter).await;
                    });
                }
            });
        })
        .map_err(|e| e.to_string())?;
    Ok(Server { base_url: format!("http://{addr}"), requests })
}

/// Answers requests on one connection until the client closes it.
async fn serve(mut socket: TcpStream, pack_body: &[u8], counter: &AtomicU64) -> std::io::Result<()> {
    socket.set_nodelay(true)?;
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    let mut out: Vec<u8> = Vec::with_capacity(4096);
    loop {
        let end = loop {
            if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break pos + 4;
            }
            let n = socket.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&buf[..end]).into_owned();
        buf.drain(..end);
        let target = head.split_whitespace().nth(1).unwrap_or("/");
        let (status, body) = route(target, pack_body);
        out.clear();
        write!(
            Fmt(&mut out),
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        )
        .map_err(std::io::Error::other)?;
        out.extend_from_slice(&body);
        socket.write_all(&out).await?;
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// `fmt::Write` over a byte buffer.
struct Fmt<'a>(&'a mut Vec<u8>);

impl std::fmt::Write for Fmt<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

fn route(target: &str, pack_body: &[u8]) -> (&'static str, Vec<u8>) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let segments: Vec<&str> = path.split('/').collect();
    match segments.as_slice() {
        ["", "zones", _, "ssl", "certificate_packs", _] => ("200 OK", pack_body.to_vec()),
        ["", "zones", total, "acm", "custom_trust_store"] => match total.parse::<u64>() {
            Ok(total) => {
                let param = |name: &str| {
                    query
                        .split('&')
                        .filter_map(|pair| pair.split_once('='))
                        .find(|(k, _)| *k == name)
                        .and_then(|(_, v)| v.parse::<f64>().ok())
                        .map(|v| v as u64)
                };
                let page = param("page").unwrap_or(1).max(1);
                let per_page = param("per_page").unwrap_or(20).clamp(1, 1000);
                ("200 OK", trust_store_page(total, page, per_page).into_bytes())
            }
            Err(_) => not_found(),
        },
        _ => not_found(),
    }
}

fn not_found() -> (&'static str, Vec<u8>) {
    let body =
        r#"{"success":false,"errors":[{"code":7003,"message":"No route for that URI"}],"messages":[],"result":null}"#;
    ("404 Not Found", body.as_bytes().to_vec())
}

/// A PEM-shaped certificate of realistic size (about 1.3 KB), the same for every record.
pub fn certificate_pem() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut pem = String::from("-----BEGIN CERTIFICATE-----\\n");
    let mut x: u32 = 0x2545_f491;
    for line in 0..20 {
        for _ in 0..64 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            pem.push(ALPHABET[(x % 64) as usize] as char);
        }
        if line < 19 {
            pem.push_str("\\n");
        }
    }
    pem.push_str("\\n-----END CERTIFICATE-----\\n");
    pem
}

/// One page of a listing of `total` records, built on the fly.
pub fn trust_store_page(total: u64, page: u64, per_page: u64) -> String {
    let pem = certificate_pem();
    let first = (page - 1).saturating_mul(per_page);
    let last = first.saturating_add(per_page).min(total);
    let total_pages = total.div_ceil(per_page);
    let mut body = String::with_capacity(((last.saturating_sub(first)) as usize + 1) * (pem.len() + 300));
    body.push_str(r#"{"success":true,"errors":[],"messages":[],"result":["#);
    for i in first..last {
        if i > first {
            body.push(',');
        }
        let _ = write!(
            body,
            r#"{{"id":"{i:032x}","certificate":"{pem}","expires_on":"2122-10-29T16:59:47Z","issuer":"GlobalSign","signature":"SHA256WithRSA","status":"active","updated_at":"2014-01-01T05:20:00Z","uploaded_on":"2014-01-01T05:20:00Z"}}"#
        );
    }
    let count = last.saturating_sub(first);
    let _ = write!(
        body,
        r#"],"result_info":{{"page":{page},"per_page":{per_page},"count":{count},"total_count":{total},"total_pages":{total_pages}}}}}"#
    );
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_cover_the_listing_once() {
        let page: serde_json::Value = serde_json::from_str(&trust_store_page(120, 3, 50)).unwrap();
        let ids: Vec<&str> = page["result"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(ids.len(), 20);
        assert_eq!(ids[0], format!("{:032x}", 100));
        assert_eq!(page["result_info"]["total_pages"], 3);
        let empty: serde_json::Value = serde_json::from_str(&trust_store_page(120, 4, 50)).unwrap();
        assert_eq!(empty["result"].as_array().unwrap().len(), 0);
    }

    #[test]
    fn routes() {
        assert_eq!(route("/zones/z/ssl/certificate_packs/p", b"{}").1, b"{}");
        assert_eq!(route("/zones/7/acm/custom_trust_store?page=1&per_page=5", b"").0, "200 OK");
        assert_eq!(route("/nope", b"").0, "404 Not Found");
    }
}
