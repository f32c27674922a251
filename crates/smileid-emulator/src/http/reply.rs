//! Answers: the [`Reply`] every handler returns, and the body that the
//! truncated-body fault cuts short.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::StatusCode;
use http::header::{self, HeaderName, HeaderValue};
use hyper::body::{Frame, SizeHint};

/// How long a truncated body stays open before the connection is cut, so the
/// partial response is flushed first.
const TRUNCATE_PAUSE: Duration = Duration::from_millis(20);

/// The error the service returns to close the connection without answering
/// (the `drop_connection` fault).
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

/// A body that sends its first part, waits briefly, then fails, which makes
/// the server cut the connection.
struct CutBody {
    data: Option<Bytes>,
    pause: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl hyper::body::Body for CutBody {
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
        if let Some(pause) = this.pause.as_mut() {
            if pause.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            this.pause = None;
            return Poll::Ready(Some(Err(BodyCut)));
        }
        Poll::Ready(None)
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_none() && self.pause.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}

/// `response` with its full length announced but only the first half of its
/// body sent before the connection is cut.
pub(crate) async fn truncate(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    // The answers are small and already in memory; a body that cannot be
    // read is sent as an empty, cut one.
    let full = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let full_len = full.len();
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(full_len));
    let body = CutBody {
        data: Some(full.slice(..full_len / 2)),
        pause: Some(Box::pin(tokio::time::sleep(TRUNCATE_PAUSE))),
    };
    Response::from_parts(parts, Body::new(body))
}

/// A response before it becomes an `http::Response`.
pub(crate) struct Reply {
    pub status: StatusCode,
    pub content_type: &'static str,
    pub body: Bytes,
    /// One extra header (boxed: it is rare, and keeps `Result<_, Reply>`
    /// small).
    pub header: Option<Box<(HeaderName, HeaderValue)>>,
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
        Self::http_error(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed")
            .with_header(header::ALLOW, HeaderValue::from_static(allow))
    }

    /// `413`, with `Connection: close`: the rest of the body is not read,
    /// so the connection cannot carry another request.
    pub fn too_large(limit: usize) -> Self {
        Self::http_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("Request body too large (limit {limit} bytes)"),
        )
        .closing()
    }

    /// Adds `Connection: close`, for answers given before the request body
    /// was read to its end: hyper then closes the connection, and the header
    /// tells the client not to reuse it.
    pub fn closing(self) -> Self {
        self.with_header(header::CONNECTION, HeaderValue::from_static("close"))
    }

    /// Sets the one extra header of this answer.
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.header = Some(Box::new((name, value)));
        self
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let mut response = Response::new(Body::from(self.body));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        if let Some(extra) = self.header {
            let (name, value) = *extra;
            headers.insert(name, value);
        }
        response
    }
}
