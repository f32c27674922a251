//! Reading request bodies: a size cap and a deadline on every read.

use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, StatusCode, header};
use http_body_util::{BodyExt, LengthLimitError, Limited};

use super::reply::Reply;

/// Largest accepted `/v1` request body; reading stops there (413).
pub(crate) const MAX_BODY: usize = 1024 * 1024;

/// Reads a request body, stopping at `limit` bytes and after `timeout`.
///
/// A declared `Content-Length` over the limit is refused before anything is
/// read. The errors are the answers to give: `413` (too large), `400` (the
/// body could not be read) and `408` (too slow), each closing the connection.
pub(crate) async fn read_body<B>(
    headers: &HeaderMap,
    body: B,
    limit: usize,
    timeout: Duration,
) -> Result<Bytes, Reply>
where
    B: hyper::body::Body,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(Reply::too_large(limit));
    }
    let body = Limited::new(body, limit);
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
