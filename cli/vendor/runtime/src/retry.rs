//! What an operation's spec says about retrying it, beyond the method's default: its own retry
//! policy (`x-speakeasy-retries`), the idempotency key it sends (`x-idempotency`,
//! `x-fern-idempotency-headers`) and the header that counts retries (`x-client`'s
//! `retry-count-header`). The loop that applies them is `Client::attempts` (`call.rs`).

use super::client::Backoff;
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::StatusCode;
use std::time::Duration;

/// An operation's own retry policy, as the spec declares it (`x-speakeasy-retries`). It replaces
/// the default policy (408, 409, 429 and 5xx; the client's backoff; connection errors retried)
/// for that operation; the number of retries is still the client's or the call's
/// `max_retries`, and `x-should-retry` from the server still wins.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// The statuses retried, as inclusive ranges (`5XX` is `(500, 599)`).
    pub statuses: &'static [(u16, u16)],
    /// Delay before the first retry, and the bound of one delay.
    pub backoff: Backoff,
    /// The factor each delay grows by (Speakeasy's `exponent`; `2.0` in the default policy).
    pub exponent: f64,
    /// No retry starts once this much time has passed since the first attempt, nor one whose
    /// delay would end past it.
    pub max_elapsed: Option<Duration>,
    /// Whether failures to connect, timeouts and broken connections are retried.
    pub connection_errors: bool,
}

impl RetryPolicy {
    /// Whether the policy retries `status`.
    pub fn retries_status(&self, status: StatusCode) -> bool {
        let code = status.as_u16();
        self.statuses.iter().any(|&(low, high)| (low..=high).contains(&code))
    }

    /// The delay before retry number `retry` (0-based): `min(initial · exponent^retry, max)`,
    /// minus up to 25 % jitter, as [`Backoff::delay`].
    pub fn delay(&self, retry: u32) -> Duration {
        let base = self.backoff.initial.as_secs_f64() * self.exponent.powi(retry.min(60) as i32);
        let capped = base.min(self.backoff.max.as_secs_f64());
        let jitter = 1.0 - fastrand::f64() * 0.25;
        // `exponent` and `max` come from the spec: saturate rather than panic on any value.
        Duration::try_from_secs_f64(capped * jitter).unwrap_or(self.backoff.max)
    }
}

/// The spec's retry facts for one request (see [`super::Request::retry_policy`],
/// [`super::Request::idempotency_header`], [`super::Request::retry_count_header`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct RetryFacts {
    pub(crate) policy: Option<RetryPolicy>,
    /// The header carrying the call's idempotency key.
    pub(crate) idempotency_header: Option<HeaderName>,
    /// The header carrying the number of retries made so far, on retried attempts.
    pub(crate) count_header: Option<HeaderName>,
    /// The caller's idempotency key for this call, already checked.
    pub(crate) key: Option<HeaderValue>,
}

/// The longest idempotency key a caller may give, in bytes (a UUID is 36).
pub const MAX_IDEMPOTENCY_KEY_LENGTH: usize = 255;

/// A caller's idempotency key as a header value: printable ASCII, no whitespace at either end,
/// not empty, at most [`MAX_IDEMPOTENCY_KEY_LENGTH`] bytes.
pub(crate) fn idempotency_key_value(key: &str) -> Result<HeaderValue, &'static str> {
    if key.is_empty() {
        return Err("must not be empty");
    }
    if key.len() > MAX_IDEMPOTENCY_KEY_LENGTH {
        return Err("is longer than 255 bytes");
    }
    if !key.bytes().all(|b| (0x20..0x7f).contains(&b)) || key.starts_with(' ') || key.ends_with(' ') {
        return Err("must be printable ASCII without spaces at either end");
    }
    HeaderValue::from_str(key).map_err(|_| "is not a valid header value")
}

/// A fresh idempotency key: a UUID version 4 from the operating system's CSPRNG (a key others
/// could guess would let them replay or block a call). `None` when the system has no randomness
/// to give; the call then fails before sending rather than send a weak key.
pub(crate) fn new_idempotency_key() -> Option<HeaderValue> {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes).ok()?;
    // RFC 9562: version 4 in the high nibble of byte 6, variant `10` in the top bits of byte 8.
    let mut text = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        let b = match i {
            6 => (b & 0x0f) | 0x40,
            8 => (b & 0x3f) | 0x80,
            _ => *b,
        };
        if matches!(i, 4 | 6 | 8 | 10) {
            text.push('-');
        }
        text.push_str(&format!("{b:02x}"));
    }
    HeaderValue::from_str(&text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_version_4_uuids_and_differ() {
        let a = new_idempotency_key().unwrap();
        let b = new_idempotency_key().unwrap();
        assert_ne!(a, b);
        let text = a.to_str().unwrap();
        assert_eq!(text.len(), 36);
        let groups: Vec<&str> = text.split('-').collect();
        assert_eq!(groups.iter().map(|g| g.len()).collect::<Vec<_>>(), [8, 4, 4, 4, 12]);
        assert!(groups[2].starts_with('4'), "{text}");
        assert!(matches!(groups[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'), "{text}");
    }

    #[test]
    fn caller_keys_are_checked() {
        assert!(idempotency_key_value("order-42").is_ok());
        assert!(idempotency_key_value("").is_err());
        assert!(idempotency_key_value(" x").is_err());
        assert!(idempotency_key_value("a\r\nX-Evil: 1").is_err());
        assert!(idempotency_key_value("é").is_err());
        assert!(idempotency_key_value(&"k".repeat(256)).is_err());
    }

    #[test]
    fn policy_statuses_and_delays() {
        let policy = RetryPolicy {
            statuses: &[(500, 599), (429, 429)],
            backoff: Backoff { initial: Duration::from_millis(100), max: Duration::from_millis(1000) },
            exponent: 3.0,
            max_elapsed: None,
            connection_errors: false,
        };
        assert!(policy.retries_status(StatusCode::SERVICE_UNAVAILABLE));
        assert!(policy.retries_status(StatusCode::TOO_MANY_REQUESTS));
        assert!(!policy.retries_status(StatusCode::REQUEST_TIMEOUT));
        for _ in 0..100 {
            let d = policy.delay(1).as_secs_f64();
            assert!((0.225..=0.3).contains(&d), "{d}");
            let d = policy.delay(5).as_secs_f64();
            assert!((0.75..=1.0).contains(&d), "{d}");
        }
        let wild = RetryPolicy { exponent: f64::MAX, ..policy };
        assert!(wild.delay(u32::MAX) <= Duration::from_millis(1000));
    }
}
