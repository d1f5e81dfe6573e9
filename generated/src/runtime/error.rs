//! The one error type every call returns.

use crate::ApiMessage;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use std::fmt;
use std::time::Duration;

/// At most this many bytes of a response body are kept in an error.
pub const BODY_EXCERPT_LIMIT: usize = 2048;

/// Everything that can go wrong with a call. Match on it; it is `#[non_exhaustive]` so that new
/// kinds of failure can be added without breaking callers.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// An argument failed a check from the spec; no request was sent.
    InvalidArgument {
        /// The parameter's name on the wire.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The client is misconfigured (base URL, credentials, headers); no request was sent.
    Config(String),
    /// The request could not be sent or the response not read (connection refused, reset...).
    Transport {
        /// The underlying error.
        source: reqwest::Error,
        /// Attempts made, retries included.
        attempts: u32,
    },
    /// No complete response arrived within the timeout.
    Timeout {
        /// The per-attempt timeout.
        after: Duration,
        /// Attempts made, retries included.
        attempts: u32,
    },
    /// The API answered with an error: a non-2xx status, or `success: false`.
    Api(Box<ApiError>),
    /// The response could not be decoded into the expected type.
    Decode {
        /// HTTP status of the response.
        status: StatusCode,
        /// What failed to decode.
        message: String,
        /// The start of the body.
        body: String,
    },
    /// A paginated listing went wrong (the server ignored the page parameter, say).
    Pagination(String),
}

/// An error reported by the API.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// The envelope's `errors` (empty if the body had none or was not an envelope).
    pub errors: Vec<ApiMessage>,
    /// The envelope's informational `messages`.
    pub messages: Vec<ApiMessage>,
    /// The start of the body, for errors that carry no structured messages.
    pub body: String,
    /// How long the server asked us to wait (`Retry-After`), when it did.
    pub retry_after: Option<Duration>,
    /// Attempts made, retries included.
    pub attempts: u32,
}

/// The class of an API error, by status (or `success: false` on a 2xx status).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApiErrorKind {
    /// 400.
    BadRequest,
    /// 401.
    Authentication,
    /// 403.
    PermissionDenied,
    /// 404.
    NotFound,
    /// 409.
    Conflict,
    /// 422.
    UnprocessableEntity,
    /// 429.
    RateLimited,
    /// 5xx.
    Server,
    /// A 2xx response whose envelope said `success: false`.
    Unsuccessful,
    /// Any other status.
    Other,
}

impl ApiError {
    /// The class of this error.
    pub fn kind(&self) -> ApiErrorKind {
        match self.status.as_u16() {
            200..=299 => ApiErrorKind::Unsuccessful,
            400 => ApiErrorKind::BadRequest,
            401 => ApiErrorKind::Authentication,
            403 => ApiErrorKind::PermissionDenied,
            404 => ApiErrorKind::NotFound,
            409 => ApiErrorKind::Conflict,
            422 => ApiErrorKind::UnprocessableEntity,
            429 => ApiErrorKind::RateLimited,
            500..=599 => ApiErrorKind::Server,
            _ => ApiErrorKind::Other,
        }
    }
}

impl Error {
    /// The HTTP status of the response this error came from, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The API error, if this is one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// A copy of an error raised before sending (those are the only ones a request stores).
    pub(crate) fn clone_before_send(&self) -> Error {
        match self {
            Error::InvalidArgument { name, reason } => {
                Error::InvalidArgument { name: name.clone(), reason: reason.clone() }
            }
            Error::Config(m) => Error::Config(m.clone()),
            other => Error::Config(other.to_string()),
        }
    }

    pub(crate) fn invalid(name: &str, reason: impl Into<String>) -> Self {
        Error::InvalidArgument { name: name.to_string(), reason: reason.into() }
    }
}

/// The first [`BODY_EXCERPT_LIMIT`] bytes of a body, as text (cut at a character boundary).
pub fn excerpt(body: &[u8]) -> String {
    let mut cut = body.len().min(BODY_EXCERPT_LIMIT);
    // Step back over UTF-8 continuation bytes (0b10xx_xxxx, at most 3) so that the cut never
    // splits a character, which would show as U+FFFD and make the excerpt no longer a prefix.
    let mut steps = 0;
    while steps < 3 && cut > 0 && cut < body.len() && body.get(cut).is_some_and(|b| b & 0xC0 == 0x80) {
        cut -= 1;
        steps += 1;
    }
    let text = String::from_utf8_lossy(body.get(..cut).unwrap_or(body));
    let mut s = text.into_owned();
    if body.len() > BODY_EXCERPT_LIMIT {
        s.push('…');
    }
    s
}

fn write_messages(f: &mut fmt::Formatter<'_>, label: &str, list: &[ApiMessage]) -> fmt::Result {
    if list.is_empty() {
        return Ok(());
    }
    write!(f, "; {label}:")?;
    for m in list {
        match serde_json::to_string(m) {
            Ok(json) => write!(f, " {json}")?,
            Err(_) => write!(f, " {m:?}")?,
        }
    }
    Ok(())
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.status.is_success() {
            write!(f, "API call failed (HTTP {} with success: false)", self.status)?;
        } else {
            write!(f, "API error: HTTP {}", self.status)?;
        }
        write_messages(f, "errors", &self.errors)?;
        write_messages(f, "messages", &self.messages)?;
        if self.errors.is_empty() && self.messages.is_empty() && !self.body.is_empty() {
            write!(f, "; body: {}", self.body)?;
        }
        if let Some(wait) = self.retry_after {
            write!(f, "; retry after {} s", wait.as_secs_f64())?;
        }
        if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        Ok(())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidArgument { name, reason } => write!(f, "invalid argument `{name}`: {reason}"),
            Error::Config(msg) => write!(f, "client configuration: {msg}"),
            Error::Transport { source, attempts } => {
                // reqwest's message includes the URL, never headers, so no secret can leak here.
                write!(f, "transport error after {attempts} attempt(s): {source}")?;
                let mut cause = std::error::Error::source(source);
                while let Some(c) = cause {
                    write!(f, ": {c}")?;
                    cause = c.source();
                }
                Ok(())
            }
            Error::Timeout { after, attempts } => {
                write!(f, "timed out after {} s (attempt {attempts})", after.as_secs_f64())
            }
            Error::Api(e) => e.fmt(f),
            Error::Decode { status, message, body } => {
                write!(f, "could not decode the HTTP {status} response: {message}; body: {body}")
            }
            Error::Pagination(msg) => write!(f, "pagination: {msg}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } => Some(source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_never_split_a_character() {
        let body = format!("x{}", "é".repeat(BODY_EXCERPT_LIMIT));
        let cut = excerpt(body.as_bytes());
        let kept = cut.strip_suffix('…').unwrap();
        assert!(body.starts_with(kept));
        assert_eq!(kept.len(), BODY_EXCERPT_LIMIT - 1);
        assert_eq!(excerpt(b"short"), "short");
        assert_eq!(excerpt("é".repeat(BODY_EXCERPT_LIMIT / 2).as_bytes()).len(), BODY_EXCERPT_LIMIT);
    }
}
