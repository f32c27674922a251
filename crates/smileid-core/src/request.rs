//! Any operation becomes an `http::Request<Bytes>`, with no I/O: the
//! sans-IO half that a caller with its own (blocking) HTTP client uses.

use std::time::SystemTime;

use bytes::Bytes;
use smileid_sign::Signer;

use crate::environment::BaseUrl;
use crate::error::Error;
use crate::operation::{Operation, RequestContext};

/// The `User-Agent` smileid-core sends: `smileid-core/<version>`. Backends
/// append their own token (see
/// [`ClientBuilder::user_agent_suffix`](crate::ClientBuilder::user_agent_suffix)).
pub const DEFAULT_USER_AGENT: &str = concat!("smileid-core/", env!("CARGO_PKG_VERSION"));

/// Checks `op` and builds its request to `base`, signed with `signer` at
/// `now` when the endpoint is signed.
///
/// Call it again for every attempt: each request must carry a fresh
/// timestamp and signature. Send the request with any HTTP client that
/// does not follow redirects, then hand the response to
/// [`parse_response`](crate::parse_response).
///
/// # Errors
///
/// [`Error::InvalidInput`] when the request is invalid
/// ([`Operation::validate`]); nothing is built then.
///
/// ```
/// use std::time::SystemTime;
/// use smileid_core::{Environment, JobStatusQuery, build_request};
/// use smileid_sign::Signer;
///
/// let signer = Signer::new("085", "my-api-key").unwrap();
/// let base = Environment::Sandbox.base_url()?;
/// let query = JobStatusQuery::new("user-1", "job-1");
/// let request = build_request(&query, &signer, &base, SystemTime::now())?;
/// assert_eq!(request.method(), http::Method::POST);
/// assert_eq!(request.uri(), "https://testapi.smileidentity.com/v1/job_status");
/// # Ok::<(), smileid_core::Error>(())
/// ```
pub fn build_request<O: Operation>(
    op: &O,
    signer: &Signer,
    base: &BaseUrl,
    now: SystemTime,
) -> Result<http::Request<Bytes>, Error> {
    op.validate()
        .and_then(|()| op.encode(&RequestContext::new(signer, base, now)))
        .map_err(|e| e.in_operation(O::NAME, O::REPEAT_SAFETY))
}
