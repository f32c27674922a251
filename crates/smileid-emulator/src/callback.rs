//! Delivering signed results to callback URLs, with retries.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use rustls::RootCertStore;
use rustls_pki_types::CertificateDer;
use serde_json::Value;
use smileid_sign::format_timestamp;

use crate::state::{CallbackDelivery, Job, State};

/// How callbacks are delivered.
#[derive(Debug, Clone)]
pub(crate) struct CallbackConfig {
    /// Attempts per callback, including the first (at least 1).
    pub max_attempts: u32,
    /// Wait before the second attempt; doubles after each failure.
    pub backoff: Duration,
    /// Longest wait between attempts.
    pub max_backoff: Duration,
    /// Deadline of one attempt (connect, send, status line).
    pub timeout: Duration,
    /// Extra roots trusted for `https://` callback URLs.
    pub extra_roots: Vec<CertificateDer<'static>>,
}

impl Default for CallbackConfig {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(5),
            timeout: Duration::from_secs(5),
            extra_roots: Vec::new(),
        }
    }
}

type HttpClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// How much of a receiver's answer is read (and dropped); reading stops
/// there, so a receiver cannot make the emulator buffer without limit.
const MAX_RECEIVER_ANSWER: usize = 64 * 1024;

/// Sends callbacks from background tasks.
pub(crate) struct CallbackSender {
    client: Option<HttpClient>,
    config: CallbackConfig,
}

impl CallbackSender {
    pub fn new(config: CallbackConfig) -> Self {
        Self {
            client: build_client(&config),
            config,
        }
    }

    /// Starts delivering `job`'s result to its callback URL in a background
    /// task. Never blocks.
    pub fn deliver(&self, state: &Arc<State>, job: Arc<Job>) {
        let Some(url) = job.callback_url.clone() else {
            return;
        };
        let state = Arc::clone(state);
        let client = self.client.clone();
        let config = self.config.clone();
        let mut shutdown = state.shutdown.clone();
        let runtime = state.runtime.clone();
        runtime.spawn(async move {
            tokio::select! {
                () = run(&state, client, &config, &job, &url) => {}
                _ = shutdown.wait_for(|stop| *stop) => {}
            }
        });
    }
}

fn build_client(config: &CallbackConfig) -> Option<HttpClient> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for cert in &config.extra_roots {
        // A certificate rustls cannot use is skipped; the others still work.
        let _ = roots.add(cert.clone());
    }
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .ok()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_connect_timeout(Some(config.timeout));
    http.set_nodelay(true);
    let connector = HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_or_http()
        .enable_http1()
        .wrap_connector(http);
    Some(Client::builder(TokioExecutor::new()).build(connector))
}

/// The callback body: the flat result plus a fresh `signature` and
/// `timestamp`.
pub(crate) fn callback_body(state: &State, job: &Job) -> Bytes {
    let signed = state.signer.sign_at(SystemTime::now());
    let mut body = job.result.clone();
    body.insert("signature".into(), Value::String(signed.signature));
    body.insert("timestamp".into(), Value::String(signed.timestamp));
    Bytes::from(serde_json::to_vec(&body).unwrap_or_default())
}

async fn run(
    state: &State,
    client: Option<HttpClient>,
    config: &CallbackConfig,
    job: &Job,
    url: &str,
) {
    let attempts = config.max_attempts.max(1);
    let mut backoff = config.backoff;
    for attempt in 1..=attempts {
        if state.generation() != job.generation {
            return;
        }
        let (status, error) = match &client {
            Some(client) => send_once(state, client, config, job, url).await,
            None => (None, Some("no TLS client configuration".to_owned())),
        };
        let delivered = status.is_some_and(|s| (200..300).contains(&s));
        tracing::debug!(
            url,
            attempt,
            status,
            error = error.as_deref(),
            "callback delivery attempt"
        );
        state.record_delivery(
            CallbackDelivery {
                url: url.to_owned(),
                user_id: job.user_id.clone(),
                job_id: job.job_id.clone(),
                attempt,
                status,
                error,
                delivered,
                at: format_timestamp(SystemTime::now()),
            },
            job.generation,
        );
        if delivered || attempt == attempts {
            return;
        }
        tokio::time::sleep(backoff).await;
        backoff = backoff.saturating_mul(2).min(config.max_backoff);
    }
}

async fn send_once(
    state: &State,
    client: &HttpClient,
    config: &CallbackConfig,
    job: &Job,
    url: &str,
) -> (Option<u16>, Option<String>) {
    let body = callback_body(state, job);
    let request = http::Request::post(url)
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(http::header::ACCEPT, "application/json")
        .header(
            http::header::USER_AGENT,
            concat!("smileid-emulator/", env!("CARGO_PKG_VERSION")),
        )
        .body(Full::new(body));
    let request = match request {
        Ok(r) => r,
        Err(e) => return (None, Some(format!("invalid callback request: {e}"))),
    };
    let attempt = async {
        let response = client.request(request).await?;
        let status = response.status().as_u16();
        // Read (and drop) a short answer so the connection can be reused;
        // a longer one is abandoned at the cap.
        let _ = Limited::new(response.into_body(), MAX_RECEIVER_ANSWER)
            .collect()
            .await;
        Ok::<u16, hyper_util::client::legacy::Error>(status)
    };
    match tokio::time::timeout(config.timeout, attempt).await {
        Ok(Ok(status)) => (Some(status), None),
        Ok(Err(e)) => (None, Some(error_chain(&e))),
        Err(_) => (
            None,
            Some(format!("timed out after {} ms", config.timeout.as_millis())),
        ),
    }
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
