//! The HTTP server: accept loop, routing and `POST /v1/job_status`.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::header::{self, HeaderName, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use serde::Deserialize;
use smileid_sign::Signer;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

use crate::admin;
use crate::io::FirstBytesDeadline;
use crate::spec::FaultKind;
use crate::state::State;

/// Largest accepted `/v1` request body; reading stops there (413).
pub(crate) const MAX_BODY: usize = 1024 * 1024;
/// Default longest wait for a TLS handshake, the first bytes of a
/// connection, a request head (HTTP/1) and a request body.
pub(crate) const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a shutdown waits for requests in flight.
const GRACE: Duration = Duration::from_secs(5);
/// How long a truncated body stays open before the connection is cut, so the
/// partial response is flushed first.
const TRUNCATE_PAUSE: Duration = Duration::from_millis(20);

/// `image_links` of a job without a result.
const NO_IMAGES: &[u8] = br#"{"error":"No images were received for this job"}"#;
/// The page sent by the `html_502` fault.
const BAD_GATEWAY_HTML: &str = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>\n";
/// A 1x1 PNG, served for image links.
const PIXEL_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53,
    0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0x70, 0x62, 0x01,
    0x00, 0x05, 0x04, 0x02, 0x59, 0xc7, 0x7a, 0x60, 0xa2, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
    0x44, 0xae, 0x42, 0x60, 0x82,
];

// ----- the accept loop -----

/// Serves connections until `shutdown` turns true (or its sender is gone),
/// then closes them gracefully, waiting at most [`GRACE`].
pub(crate) async fn serve(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    state: Arc<State>,
    mut shutdown: watch::Receiver<bool>,
) {
    let read_timeout = state.read_timeout;
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(read_timeout)
        .keep_alive(true);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_concurrent_streams(256)
        .keep_alive_interval(Duration::from_secs(30))
        .keep_alive_timeout(Duration::from_secs(20));
    let builder = Arc::new(builder);
    let graceful = GracefulShutdown::new();
    let mut connections = JoinSet::new();

    loop {
        // Reap finished connection tasks so the set does not grow.
        while connections.try_join_next().is_some() {}
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.wait_for(|stop| *stop) => break,
        };
        let stream = match accepted {
            Ok((stream, _peer)) => stream,
            Err(e) => {
                // Out of file descriptors and the like: back off briefly.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let state = Arc::clone(&state);
        let builder = Arc::clone(&builder);
        let watcher = graceful.watcher();
        let tls = tls.clone();
        connections.spawn(async move {
            let service = service_fn(move |req| {
                let state = Arc::clone(&state);
                async move { route(state, req).await }
            });
            match tls {
                Some(acceptor) => {
                    let stream =
                        match tokio::time::timeout(read_timeout, acceptor.accept(stream)).await {
                            Ok(Ok(stream)) => stream,
                            Ok(Err(e)) => {
                                tracing::debug!(error = %e, "TLS handshake failed");
                                return;
                            }
                            Err(_) => return,
                        };
                    let io = FirstBytesDeadline::new(stream, read_timeout);
                    let conn = builder.serve_connection(TokioIo::new(io), service);
                    let _ = watcher.watch(conn.into_owned()).await;
                }
                None => {
                    let io = FirstBytesDeadline::new(stream, read_timeout);
                    let conn = builder.serve_connection(TokioIo::new(io), service);
                    let _ = watcher.watch(conn.into_owned()).await;
                }
            }
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(GRACE, graceful.shutdown()).await;
    connections.shutdown().await;
}

// ----- responses -----

/// The error a handler returns to close the connection without answering.
#[derive(Debug)]
pub(crate) struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for DropConnection {}

/// The error a truncated body ends with.
#[derive(Debug)]
pub(crate) struct BodyCut;

impl std::fmt::Display for BodyCut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("body truncated by fault injection")
    }
}

impl std::error::Error for BodyCut {}

/// A response body: all of it at once, or (truncated-body fault) a part of
/// it followed by an error that makes the server cut the connection.
pub(crate) struct ResBody {
    data: Option<Bytes>,
    cut: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl Body for ResBody {
    type Data = Bytes;
    type Error = BodyCut;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyCut>>> {
        let this = &mut *self;
        if let Some(data) = this.data.take() {
            return Poll::Ready(Some(Ok(Frame::data(data))));
        }
        if let Some(pause) = this.cut.as_mut() {
            if pause.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            this.cut = None;
            return Poll::Ready(Some(Err(BodyCut)));
        }
        Poll::Ready(None)
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_none() && self.cut.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        match (&self.data, &self.cut) {
            (Some(d), None) => SizeHint::with_exact(d.len() as u64),
            (None, None) => SizeHint::with_exact(0),
            _ => SizeHint::default(),
        }
    }
}

/// A response before it becomes an `http::Response`.
pub(crate) struct Reply {
    pub status: StatusCode,
    pub content_type: &'static str,
    pub body: Bytes,
    pub header: Option<(HeaderName, HeaderValue)>,
}

impl Reply {
    pub fn json(status: StatusCode, body: impl Into<Bytes>) -> Self {
        Self {
            status,
            content_type: "application/json",
            body: body.into(),
            header: None,
        }
    }

    /// `{"code": code, "error": message}`.
    pub fn error(status: StatusCode, code: &str, message: &str) -> Self {
        let body = serde_json::json!({ "code": code, "error": message });
        Self::json(status, serde_json::to_vec(&body).unwrap_or_default())
    }

    /// An error whose code is the HTTP status (for failures that Smile ID
    /// itself gives no code: unknown path, wrong method, body too large).
    pub fn http_error(status: StatusCode, message: &str) -> Self {
        Self::error(status, status.as_str(), message)
    }

    pub fn not_found() -> Self {
        Self::http_error(StatusCode::NOT_FOUND, "Not found")
    }

    pub fn method_not_allowed(allow: &'static str) -> Self {
        let mut reply = Self::http_error(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed");
        reply.header = Some((header::ALLOW, HeaderValue::from_static(allow)));
        reply
    }

    /// `413`, with `Connection: close`: the rest of the body is not read,
    /// so the connection cannot carry another request.
    fn too_large(limit: usize) -> Self {
        Self::http_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("Request body too large (limit {limit} bytes)"),
        )
        .closing()
    }

    /// Adds `Connection: close`, for answers given before the request body
    /// was read to its end: hyper then closes the connection, and the header
    /// tells the client not to reuse it.
    fn closing(mut self) -> Self {
        self.header = Some((header::CONNECTION, HeaderValue::from_static("close")));
        self
    }

    pub fn into_response(self) -> Response<ResBody> {
        self.build(false)
    }

    /// Like [`Reply::into_response`], but announces the full length and sends
    /// only half of the body before cutting the connection.
    fn into_truncated_response(self) -> Response<ResBody> {
        self.build(true)
    }

    fn build(self, truncate: bool) -> Response<ResBody> {
        let full_len = self.body.len();
        let body = if truncate {
            ResBody {
                data: Some(self.body.slice(..full_len / 2)),
                cut: Some(Box::pin(tokio::time::sleep(TRUNCATE_PAUSE))),
            }
        } else {
            ResBody {
                data: Some(self.body),
                cut: None,
            }
        };
        let mut response = Response::new(body);
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        if truncate {
            headers.insert(header::CONTENT_LENGTH, HeaderValue::from(full_len));
        }
        if let Some((name, value)) = self.header {
            headers.insert(name, value);
        }
        response
    }
}

// ----- routing -----

async fn route(
    state: Arc<State>,
    req: Request<Incoming>,
) -> Result<Response<ResBody>, DropConnection> {
    let path = req.uri().path();
    if path == "/v1/job_status" {
        if req.method() == Method::POST {
            return job_status(&state, req).await;
        }
        return Ok(Reply::method_not_allowed("POST").into_response());
    }
    if path == "/admin" || path.starts_with("/admin/") {
        return Ok(admin::handle(&state, req).await.into_response());
    }
    if path.starts_with("/images/") {
        return Ok(match *req.method() {
            Method::GET | Method::HEAD => Reply {
                status: StatusCode::OK,
                content_type: "image/png",
                body: Bytes::from_static(PIXEL_PNG),
                header: None,
            },
            _ => Reply::method_not_allowed("GET, HEAD"),
        }
        .into_response());
    }
    if path == "/healthz" {
        return Ok(Reply::json(StatusCode::OK, &br#"{"status":"ok"}"#[..]).into_response());
    }
    Ok(Reply::not_found().into_response())
}

/// Reads a request body, stopping at `limit` bytes.
pub(crate) async fn read_body(
    req: Request<Incoming>,
    limit: usize,
    timeout: Duration,
) -> Result<Bytes, Reply> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(Reply::too_large(limit));
    }
    let body = Limited::new(req.into_body(), limit);
    match tokio::time::timeout(timeout, body.collect()).await {
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => {
            Err(Reply::too_large(limit))
        }
        Ok(Err(_)) => Err(Reply::http_error(
            StatusCode::BAD_REQUEST,
            "Could not read the request body",
        )
        .closing()),
        Err(_) => Err(Reply::http_error(
            StatusCode::REQUEST_TIMEOUT,
            "Timed out reading the request body",
        )
        .closing()),
    }
}

// ----- POST /v1/job_status -----

/// A job status request, borrowed from the body where possible.
#[derive(Deserialize)]
struct StatusRequest<'a> {
    #[serde(borrow, default)]
    partner_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    timestamp: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    signature: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    user_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    job_id: Option<Cow<'a, str>>,
    #[serde(default, deserialize_with = "lenient_bool")]
    history: bool,
    #[serde(default, deserialize_with = "lenient_bool")]
    image_links: bool,
}

/// `true`, `false`, `null`, `"true"`, `"false"`, `1`, `0`.
fn lenient_bool<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum B<'a> {
        Bool(bool),
        Text(&'a str),
        Number(u64),
    }
    match Option::<B<'_>>::deserialize(d)? {
        None => Ok(false),
        Some(B::Bool(b)) => Ok(b),
        Some(B::Number(n)) => Ok(n != 0),
        Some(B::Text(t)) => match t {
            "true" | "True" | "1" => Ok(true),
            "false" | "False" | "0" | "" => Ok(false),
            _ => Err(serde::de::Error::custom("expected a boolean")),
        },
    }
}

enum ParseError {
    InvalidJson(String),
    WrongType(String),
}

fn parse_status_request(body: &[u8]) -> Result<StatusRequest<'_>, ParseError> {
    // A derived struct also reads a JSON array (fields by position), which
    // Smile ID refuses: only an object is a request.
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(ParseError::InvalidJson("expected a JSON object".to_owned()));
    }
    // JSON text is UTF-8; serde_json checks only the strings it keeps, not
    // those of ignored keys.
    if let Err(e) = std::str::from_utf8(body) {
        return Err(ParseError::InvalidJson(format!(
            "invalid UTF-8 at byte {}",
            e.valid_up_to()
        )));
    }
    match serde_json::from_slice::<StatusRequest<'_>>(body) {
        Ok(r) => Ok(r),
        Err(e) => {
            // An object whose fields have the wrong types, or not JSON at all?
            // (`Value`, not `IgnoredAny`: the latter lets invalid UTF-8 in
            // strings pass.)
            let is_object = serde_json::from_slice::<serde_json::Value>(body).is_ok();
            if is_object {
                Err(ParseError::WrongType(e.to_string()))
            } else {
                Err(ParseError::InvalidJson(e.to_string()))
            }
        }
    }
}

async fn job_status(
    state: &Arc<State>,
    req: Request<Incoming>,
) -> Result<Response<ResBody>, DropConnection> {
    let body = match read_body(req, MAX_BODY, state.read_timeout).await {
        Ok(body) => body,
        Err(reply) => return Ok(reply.into_response()),
    };
    let parsed = parse_status_request(&body);
    let (user_id, job_id) = match &parsed {
        Ok(r) => (r.user_id.as_deref(), r.job_id.as_deref()),
        Err(_) => (None, None),
    };
    let decision = state.take_faults(user_id, job_id);
    if !decision.delay.is_zero() {
        tokio::time::sleep(decision.delay).await;
    }
    let mut truncate = false;
    let mut wrong_signature = false;
    match decision.action {
        None | Some(FaultKind::Latency(_)) => {}
        Some(FaultKind::HttpError {
            status,
            code,
            message,
        }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return Ok(Reply::error(status, &code, &message).into_response());
        }
        Some(FaultKind::Html502) => {
            return Ok(Reply {
                status: StatusCode::BAD_GATEWAY,
                content_type: "text/html",
                body: Bytes::from_static(BAD_GATEWAY_HTML.as_bytes()),
                header: None,
            }
            .into_response());
        }
        Some(FaultKind::RateLimited { retry_after_secs }) => {
            let mut reply = Reply::error(StatusCode::TOO_MANY_REQUESTS, "429", "Too many requests");
            reply.header = Some((header::RETRY_AFTER, HeaderValue::from(retry_after_secs)));
            return Ok(reply.into_response());
        }
        Some(FaultKind::DropConnection) => return Err(DropConnection),
        Some(FaultKind::TruncatedBody) => truncate = true,
        Some(FaultKind::WrongSignature) => wrong_signature = true,
    }
    let reply = answer(state, parsed, wrong_signature);
    Ok(if truncate {
        reply.into_truncated_response()
    } else {
        reply.into_response()
    })
}

/// Error texts, as Smile ID words them.
const NOT_AUTHORIZED: &str = "You're not authorized to do that";

/// The parts of an authorized request that decide the answer.
struct Authorized<'a> {
    user_id: Cow<'a, str>,
    job_id: Cow<'a, str>,
    history: bool,
    image_links: bool,
}

/// Turns a parsed body into an authorized request, or the error reply:
/// `2203` invalid JSON, `2204` wrong type, `2213` missing parameter, `2205`
/// wrong partner id or signature.
fn authorize<'a>(
    signer: &Signer,
    parsed: Result<StatusRequest<'a>, ParseError>,
) -> Result<Authorized<'a>, Box<Reply>> {
    let req = match parsed {
        Ok(req) => req,
        Err(ParseError::InvalidJson(detail)) => {
            return Err(Box::new(Reply::error(
                StatusCode::BAD_REQUEST,
                "2203",
                &format!("Invalid JSON: {detail}"),
            )));
        }
        Err(ParseError::WrongType(detail)) => {
            return Err(Box::new(Reply::error(
                StatusCode::BAD_REQUEST,
                "2204",
                &format!("A parameter is of the wrong type: {detail}"),
            )));
        }
    };
    let missing = [
        ("partner_id", req.partner_id.is_none()),
        ("timestamp", req.timestamp.is_none()),
        ("signature", req.signature.is_none()),
        ("user_id", req.user_id.is_none()),
        ("job_id", req.job_id.is_none()),
    ]
    .iter()
    .filter(|(_, absent)| *absent)
    .map(|(name, _)| *name)
    .collect::<Vec<_>>()
    .join(", ");
    let (Some(partner_id), Some(timestamp), Some(signature), Some(user_id), Some(job_id)) = (
        req.partner_id,
        req.timestamp,
        req.signature,
        req.user_id,
        req.job_id,
    ) else {
        return Err(Box::new(Reply::error(
            StatusCode::BAD_REQUEST,
            "2213",
            &format!("A required parameter is missing: {missing}"),
        )));
    };
    if partner_id.as_ref() != signer.partner_id() || signer.verify(&timestamp, &signature).is_err()
    {
        return Err(Box::new(Reply::error(
            StatusCode::UNAUTHORIZED,
            "2205",
            NOT_AUTHORIZED,
        )));
    }
    Ok(Authorized {
        user_id,
        job_id,
        history: req.history,
        image_links: req.image_links,
    })
}

/// Checks a `POST /v1/job_status` body exactly as the server does before it
/// looks the job up, without any I/O or state: `Ok(())` when the request
/// would be answered with a job status, otherwise the HTTP status and JSON
/// error body it would get (`2203`, `2204`, `2213` or `2205`). The body size
/// limit ([`MAX_REQUEST_BODY`](crate::MAX_REQUEST_BODY)) is checked before
/// this. For fuzzing and load tests; not a stable API.
#[doc(hidden)]
pub fn check_job_status_request(signer: &Signer, body: &[u8]) -> Result<(), (u16, Bytes)> {
    authorize(signer, parse_status_request(body))
        .map(|_| ())
        .map_err(|reply| {
            let reply = *reply;
            (reply.status.as_u16(), reply.body)
        })
}

fn answer(
    state: &Arc<State>,
    parsed: Result<StatusRequest<'_>, ParseError>,
    wrong_signature: bool,
) -> Reply {
    let req = match authorize(&state.signer, parsed) {
        Ok(req) => req,
        Err(reply) => return *reply,
    };
    let (user_id, job_id) = (&req.user_id, &req.job_id);
    let signer = if wrong_signature {
        &state.wrong_signer
    } else {
        &state.signer
    };
    let body = match state.job(user_id, job_id) {
        Some(job) => {
            let poll = job.poll();
            if poll.just_completed {
                state.job_completed(&job);
            }
            if poll.complete {
                status_json(
                    signer,
                    true,
                    job.job_success,
                    &job.result_json,
                    req.history.then_some(&job.history_json[..]),
                    req.image_links.then_some(&job.image_links_json[..]),
                )
            } else {
                pending_json(signer, req.history, req.image_links)
            }
        }
        None => pending_json(signer, req.history, req.image_links),
    };
    Reply::json(StatusCode::OK, body)
}

/// The answer for a job without a result (pending, or unknown).
fn pending_json(signer: &Signer, history: bool, image_links: bool) -> Bytes {
    status_json(
        signer,
        false,
        false,
        br#""No zip file received""#,
        history.then_some(&b"[]"[..]),
        image_links.then_some(NO_IMAGES),
    )
}

/// Writes a signed job status answer around pre-serialized parts.
fn status_json(
    signer: &Signer,
    complete: bool,
    success: bool,
    result: &[u8],
    history: Option<&[u8]>,
    image_links: Option<&[u8]>,
) -> Bytes {
    let signed = signer.sign_at(SystemTime::now());
    let capacity = 160
        + result.len()
        + history.map_or(0, <[u8]>::len)
        + image_links.map_or(0, <[u8]>::len)
        + signed.timestamp.len();
    let mut out = Vec::with_capacity(capacity);
    out.extend_from_slice(br#"{"timestamp":"#);
    // The timestamp is our own ISO text and the signature is base64: neither
    // needs escaping, but write them through serde to be safe.
    push_json_str(&mut out, &signed.timestamp);
    out.extend_from_slice(br#","signature":"#);
    push_json_str(&mut out, &signed.signature);
    out.extend_from_slice(if complete {
        br#","job_complete":true"#
    } else {
        br#","job_complete":false"#
    });
    out.extend_from_slice(if success {
        br#","job_success":true"#
    } else {
        br#","job_success":false"#
    });
    out.extend_from_slice(if complete {
        br#","code":"2302""#
    } else {
        br#","code":"2314""#
    });
    out.extend_from_slice(br#","result":"#);
    out.extend_from_slice(result);
    if let Some(history) = history {
        out.extend_from_slice(br#","history":"#);
        out.extend_from_slice(history);
    }
    if let Some(links) = image_links {
        out.extend_from_slice(br#","image_links":"#);
        out.extend_from_slice(links);
    }
    out.push(b'}');
    Bytes::from(out)
}

fn push_json_str(out: &mut Vec<u8>, s: &str) {
    if s.bytes()
        .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
    {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        // Not reached with our own timestamps; correct for any text.
        let _ = serde_json::to_writer(&mut *out, s);
    }
}
