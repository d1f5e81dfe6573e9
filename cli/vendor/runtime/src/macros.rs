//! [`client!`](crate::client): the client types a generated crate defines for itself.
//!
//! A generated crate adds one method per operation to its `Client` and one credential setter per
//! security scheme to its `ClientBuilder`; Rust allows inherent methods only on a crate's own
//! types, so these two are defined in the generated crate, by this macro, around the runtime's
//! [`Client`](crate::Client) and [`ClientBuilder`](crate::ClientBuilder). Every method it defines
//! is named in `openapi_rust_runtime_model::reserved` (a test below keeps the two the same), which
//! the generator reads so that no operation or setter takes one of these names.

/// Defines, in the generated crate (where it is invoked once, in its `api` module), `Client`,
/// `ClientBuilder` and the aliases `Error`, `ApiError`, `Response`, `Call` and `StreamCall` for the API whose
/// messages are of the first argument's type and whose facts are the static `ApiSpec` the second
/// names: `client!(ApiMessage, SPEC);`.
#[macro_export]
macro_rules! client {
    ($message:ty, $spec:path $(,)?) => {
        /// Everything that can go wrong with a call. Match on it; it is `#[non_exhaustive]`.
        pub type Error = $crate::Error<$message>;

        /// An error reported by the API, with its messages.
        pub type ApiError = $crate::ApiError<$message>;

        /// A decoded response, with its status, headers and the API's informational messages.
        pub type Response<T> = $crate::Response<T, $message>;

        /// One call, ready to send. `.await` it for the decoded value, or call `send` for the
        /// status and headers too. Per-call settings override the client's.
        pub type Call<D> = $crate::Call<D, $message>;

        /// A call whose response is a stream of items (server-sent events, JSON Lines, JSON
        /// text sequences). `.await` it for the stream once the status and headers are in, or
        /// call `send` for them too.
        pub type StreamCall<D> = $crate::StreamCall<D, $message>;

        /// A client for the API: one method per operation. Cheap to clone: clones share one
        /// connection pool.
        #[derive(Clone)]
        pub struct Client {
            runtime: $crate::Client,
        }

        impl ::std::fmt::Debug for Client {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Debug::fmt(&self.runtime, f)
            }
        }

        impl Client {
            /// A builder with the defaults: base URL from the spec (or its environment
            /// variable), credentials from the environment, 60 s timeout, 2 retries.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::new(&$spec)
            }

            /// A client configured entirely from the environment.
            pub fn from_env() -> ::std::result::Result<Client, Error> {
                Client::builder().build()
            }

            /// The base URL requests go to (no trailing slash).
            pub fn base_url(&self) -> &str {
                self.runtime.base_url()
            }

            /// A client that shares this one's connections and credentials, with other defaults
            /// for timeout, retries or headers.
            pub fn with_options(&self, options: $crate::RequestOptions) -> Client {
                Client { runtime: self.runtime.with_options(options) }
            }

            /// Wraps a request built by an operation method (or by hand) into a call.
            pub fn call<D: $crate::Decode<$message>>(&self, request: $crate::Request) -> Call<D> {
                self.runtime.call(request)
            }

            /// Wraps a request whose response is streamed into a streamed call.
            pub fn call_stream<D: $crate::StreamDecode<$message>>(&self, request: $crate::Request) -> StreamCall<D> {
                self.runtime.call_stream(request)
            }
        }

        /// Builds a [`Client`].
        ///
        /// Credentials: set every one you have (one setter per security scheme of the spec).
        /// The client keeps them all; each call sends exactly one combination: the first, in the
        /// spec's order of preference, that the operation accepts and whose every part is set.
        /// Credentials set on the builder replace the environment entirely; the environment is
        /// read only when none are set.
        pub struct ClientBuilder {
            runtime: $crate::ClientBuilder,
        }

        impl ::std::fmt::Debug for ClientBuilder {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Debug::fmt(&self.runtime, f)
            }
        }

        impl ClientBuilder {
            /// A builder for the API described by `spec` (the client's own is used by
            /// [`Client::builder`]).
            pub fn new(spec: &'static $crate::ApiSpec) -> Self {
                // The default `User-Agent` names the generated crate, not the runtime.
                let agent =
                    ::std::concat!(::std::env!("CARGO_PKG_NAME"), "/", ::std::env!("CARGO_PKG_VERSION"), " (Rust)");
                ClientBuilder { runtime: $crate::ClientBuilder::new(spec).user_agent(agent) }
            }

            /// Sets the credential for the security scheme named `scheme` in the spec. The
            /// setters named after the schemes call this.
            pub fn credential(self, scheme: &str, value: impl ::std::convert::Into<$crate::Secret>) -> Self {
                ClientBuilder { runtime: self.runtime.credential(scheme, value) }
            }

            /// The base URL (overrides the spec's server and its environment variable).
            pub fn base_url(self, url: impl ::std::convert::Into<::std::string::String>) -> Self {
                ClientBuilder { runtime: self.runtime.base_url(url) }
            }

            /// Whether to read credentials and the base URL from the environment (default: yes).
            pub fn from_env(self, yes: bool) -> Self {
                ClientBuilder { runtime: self.runtime.from_env(yes) }
            }

            /// Timeout of each attempt (default 60 s).
            pub fn timeout(self, timeout: ::std::time::Duration) -> Self {
                ClientBuilder { runtime: self.runtime.timeout(timeout) }
            }

            /// Retries after the first attempt (default 2).
            pub fn max_retries(self, retries: u32) -> Self {
                ClientBuilder { runtime: self.runtime.max_retries(retries) }
            }

            /// The longest successful response body accepted, in bytes (default 64 MiB).
            pub fn max_response_size(self, bytes: usize) -> Self {
                ClientBuilder { runtime: self.runtime.max_response_size(bytes) }
            }

            /// The waits between retries when the server does not say how long to wait.
            pub fn backoff(self, backoff: $crate::Backoff) -> Self {
                ClientBuilder { runtime: self.runtime.backoff(backoff) }
            }

            /// Uses the caller's own `reqwest::Client` (proxies, TLS settings, connection pool).
            /// Build it with `redirect(reqwest::redirect::Policy::none())` unless you trust every
            /// host a redirect may lead to with your credentials: see
            /// `openapi_rust_runtime::ClientBuilder::http_client` for what a redirect does with
            /// them.
            pub fn http_client(self, client: $crate::reqwest::Client) -> Self {
                ClientBuilder { runtime: self.runtime.http_client(client) }
            }

            /// Replaces the `User-Agent` (default: this crate's name and version).
            pub fn user_agent(self, agent: impl ::std::convert::Into<::std::string::String>) -> Self {
                ClientBuilder { runtime: self.runtime.user_agent(agent) }
            }

            /// A header sent with every request.
            pub fn header(
                self,
                name: impl ::std::convert::Into<::std::string::String>,
                value: impl ::std::convert::Into<::std::string::String>,
            ) -> Self {
                ClientBuilder { runtime: self.runtime.header(name, value) }
            }

            /// Builds the client. Fails, before any request, when the base URL is not an http(s)
            /// URL, a header or credential is malformed, or credentials are partial (some are
            /// given, but no combination any operation accepts is complete).
            pub fn build(self) -> ::std::result::Result<Client, Error> {
                match self.runtime.build() {
                    ::std::result::Result::Ok(runtime) => ::std::result::Result::Ok(Client { runtime }),
                    ::std::result::Result::Err(e) => ::std::result::Result::Err(e.widen()),
                }
            }
        }
    };
}
