//! The client's `tracing` spans and events (the runtime's feature `tracing`, forwarded by the
//! generated crate's feature of the same name), captured by a subscriber of our own against a
//! server on 127.0.0.1 that fails once and then answers. Alone in its test binary: the
//! subscriber is the thread's default for the one test here.

use cloudflare_ssl::{Backoff, Client};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const PACK: &str = "3822ff90ea2944df9e5521300bb9419b";
const TOKEN: &str = "tok-VERY-SECRET-4242";

/// Every span and event as a line of text: `span NAME fields` / `event LEVEL [spans] fields`,
/// the spans being those entered when the event came.
#[derive(Default)]
struct Capture {
    lines: Mutex<Vec<String>>,
    names: Mutex<Vec<(u64, String)>>,
    stack: Mutex<Vec<u64>>,
    next: AtomicU64,
}

struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
}

/// The subscriber: the test keeps a second handle on what it captured.
struct Shared(Arc<Capture>);

impl std::ops::Deref for Shared {
    type Target = Capture;
    fn deref(&self) -> &Capture {
        &self.0
    }
}

impl Subscriber for Shared {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let id = self.next.fetch_add(1, Ordering::SeqCst) + 1;
        let mut fields = Fields(String::new());
        span.record(&mut fields);
        let name = span.metadata().name().to_string();
        self.lines.lock().unwrap().push(format!("span {name}{}", fields.0));
        self.names.lock().unwrap().push((id, name));
        Id::from_u64(id)
    }

    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut fields = Fields(String::new());
        values.record(&mut fields);
        self.lines.lock().unwrap().push(format!("record{}", fields.0));
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields(String::new());
        event.record(&mut fields);
        let names = self.names.lock().unwrap();
        let spans: Vec<&str> = (self.stack.lock().unwrap().iter())
            .filter_map(|id| names.iter().find(|(n, _)| n == id).map(|(_, name)| name.as_str()))
            .collect();
        let line = format!("event {} [{}]{}", event.metadata().level(), spans.join(">"), fields.0);
        self.lines.lock().unwrap().push(line);
    }

    fn enter(&self, span: &Id) {
        self.stack.lock().unwrap().push(span.into_u64());
    }

    fn exit(&self, span: &Id) {
        let mut stack = self.stack.lock().unwrap();
        if let Some(at) = stack.iter().rposition(|id| *id == span.into_u64()) {
            stack.remove(at);
        }
    }
}

#[tokio::test]
async fn spans_name_the_template_attempts_status_and_delay_and_never_a_secret() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503).insert_header("set-cookie", "session=COOKIE-SECRET"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    let example =
        testkit::response_examples("/zones/{zone_id}/ssl/certificate_packs/{certificate_pack_id}", "get", "200");
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(&example[0].1)).mount(&server).await;
    let client = Client::builder()
        .from_env(false)
        .base_url(format!("{}/client/v4", server.uri()))
        .api_token(TOKEN)
        .backoff(Backoff { initial: Duration::from_millis(1), max: Duration::from_millis(2) })
        .build()
        .unwrap();

    let capture = Arc::new(Capture::default());
    let guard = tracing::subscriber::set_default(Shared(capture.clone()));
    client.get_certificate_pack(ZONE, PACK, &Default::default()).header("x-extra", "HEADER-SECRET").await.unwrap();
    drop(guard);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);

    let lines = capture.lines.lock().unwrap().clone();
    let text = lines.join("\n");
    let template = "/zones/{zone_id}/ssl/certificate_packs/{certificate_pack_id}";
    let has = |wanted: &str| lines.iter().any(|l| l == wanted);
    assert!(has(&format!("span request method=GET path={template}")), "{text}");
    assert!(has("span attempt attempt=1"), "{text}");
    assert!(has("span attempt attempt=2"), "{text}");
    assert!(has("event DEBUG [request>attempt] message=response status=503"), "{text}");
    assert!(has("event DEBUG [request>attempt] message=response status=200"), "{text}");
    // The retry, between the attempts, inside the call's span: a delay of at most 1 ms.
    let retry =
        lines.iter().find(|l| l.starts_with("event INFO [request] message=retrying attempt=1 delay=")).expect(&text);
    assert!(retry.ends_with("reason=\"503\""), "{retry}");
    assert!(retry.contains("µs ") || retry.contains("ns ") || retry.contains("delay=1ms "), "{retry}");
    for secret in [TOKEN, "Bearer", "HEADER-SECRET", "COOKIE-SECRET", ZONE, PACK] {
        assert!(!text.contains(secret), "`{secret}` in the captured output:\n{text}");
    }
}
