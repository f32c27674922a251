//! A complete custom transport for smileid-core, over `reqwest` with rustls
//! (the `ring` provider; no OpenSSL), and a tokio timer.
//!
//! ```text
//! SMILE_PARTNER_ID=085 SMILE_API_KEY=... \
//!     cargo run -p smileid-core --example reqwest_transport -- USER_ID JOB_ID [BASE_URL]
//! ```
//!
//! Without `BASE_URL` it asks Smile ID's sandbox. A plain-http loopback URL
//! (a local emulator) is accepted too.
//!
//! What a transport must do, and how this one does it:
//! - never follow redirects (`redirect::Policy::none()`): a redirect would
//!   re-send the signed body to a host the caller did not choose;
//! - cap the response body (`MAX_BODY`), reading it chunk by chunk;
//! - time out (connect and whole-request timeouts);
//! - map every failure to the right [`TransportErrorKind`], which decides
//!   whether smileid-core retries.

use std::error::Error as StdError;
use std::future::Future;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use smileid_core::{
    Client, Environment, HttpTransport, JobStatusQuery, Timer, TransportError, TransportErrorKind,
    WaitPolicy,
};

/// The largest response body read; Smile ID responses with history and
/// image links stay far below this.
const MAX_BODY: usize = 4 * 1024 * 1024;

/// An [`HttpTransport`] over a shared `reqwest::Client` (cheap to clone,
/// pooled connections).
#[derive(Clone)]
struct ReqwestTransport {
    client: reqwest::Client,
    max_body: usize,
}

impl ReqwestTransport {
    fn new(max_body: usize) -> Result<Self, reqwest::Error> {
        // reqwest is built with `rustls-no-provider`: pick rustls' `ring`
        // provider for the process. An error only means one is installed.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .build()?;
        Ok(Self { client, max_body })
    }
}

impl HttpTransport for ReqwestTransport {
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> impl Future<Output = Result<http::Response<Bytes>, TransportError>> + Send {
        let client = self.client.clone();
        let max_body = self.max_body;
        async move {
            let request = reqwest::Request::try_from(request).map_err(classify)?;
            let mut response = client.execute(request).await.map_err(classify)?;
            if response
                .content_length()
                .is_some_and(|len| len > max_body as u64)
            {
                return Err(too_large(max_body));
            }
            let mut body = BytesMut::new();
            while let Some(chunk) = response.chunk().await.map_err(classify)? {
                if body.len() + chunk.len() > max_body {
                    return Err(too_large(max_body));
                }
                body.extend_from_slice(&chunk);
            }
            let mut out = http::Response::new(body.freeze());
            *out.status_mut() = response.status();
            *out.version_mut() = response.version();
            *out.headers_mut() = std::mem::take(response.headers_mut());
            Ok(out)
        }
    }
}

fn too_large(max: usize) -> TransportError {
    TransportError::msg(
        TransportErrorKind::BodyTooLarge,
        format!("response body over {max} bytes"),
    )
}

/// Maps a reqwest error to the kind that decides retries.
fn classify(error: reqwest::Error) -> TransportError {
    let kind = if error.is_timeout() {
        TransportErrorKind::Timeout
    } else if error.is_connect() {
        TransportErrorKind::Connect
    } else if error.is_request() || error.is_body() || error.is_decode() {
        // The connection broke while the request or response was in flight.
        TransportErrorKind::Io
    } else {
        TransportErrorKind::Other
    };
    TransportError::new(kind, error)
}

/// A [`Timer`] on tokio's clock.
struct TokioTimer;

impl Timer for TokioTimer {
    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + Send {
        tokio::time::sleep(duration)
    }

    fn now(&self) -> Instant {
        tokio::time::Instant::now().into_std()
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // Print the whole chain: each Display says one thing.
            eprint!("error: {error}");
            let mut source = error.source();
            while let Some(cause) = source {
                eprint!(": {cause}");
                source = cause.source();
            }
            eprintln!();
            // 1 for a Smile ID or network failure, 2 for anything else.
            let code = if error.downcast_ref::<smileid_core::Error>().is_some() {
                1
            } else {
                2
            };
            if let Some(hint) = error
                .downcast_ref::<smileid_core::Error>()
                .and_then(smileid_core::Error::hint)
            {
                eprintln!("hint: {hint}");
            }
            ExitCode::from(code)
        }
    }
}

async fn run() -> Result<(), Box<dyn StdError + Send + Sync>> {
    let mut args = std::env::args().skip(1);
    let (Some(user_id), Some(job_id)) = (args.next(), args.next()) else {
        return Err("usage: reqwest_transport USER_ID JOB_ID [BASE_URL]".into());
    };
    let environment = match args.next() {
        Some(url) => Environment::custom_insecure_loopback(url),
        None => Environment::Sandbox,
    };
    let partner_id = std::env::var("SMILE_PARTNER_ID").map_err(|_| "set SMILE_PARTNER_ID")?;
    let api_key = std::env::var("SMILE_API_KEY").map_err(|_| "set SMILE_API_KEY")?;

    let client = Client::builder(partner_id, api_key)
        .environment(environment)
        .user_agent_suffix("reqwest-example")
        .build(ReqwestTransport::new(MAX_BODY)?, TokioTimer)?;

    let query = JobStatusQuery::new(user_id, job_id);
    let status = client
        .wait_for_completion_with(&query, &WaitPolicy::default(), |event| {
            eprintln!(
                "poll {} after {:.1}s: {}",
                event.poll,
                event.elapsed.as_secs_f64(),
                match (event.status(), event.error()) {
                    (Some(s), _) if s.is_complete() => "complete".to_owned(),
                    (Some(_), _) => "pending".to_owned(),
                    (_, Some(e)) => e.to_string(),
                    _ => "deadline reached".to_owned(),
                }
            );
        })
        .await?;
    println!("{}", String::from_utf8_lossy(status.raw_json()));
    Ok(())
}
