//! A raw hyper client for the emulator's tests (no smileid client involved).

use std::sync::Arc;
use std::time::SystemTime;

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use rustls::RootCertStore;
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use serde_json::{Value, json};
use smileid_emulator::EmulatorHandle;

/// A response read in full.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Answer {
    pub fn json(&self) -> Value {
        match serde_json::from_slice(&self.body) {
            Ok(v) => v,
            Err(e) => panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            ),
        }
    }
}

pub struct Raw {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    pub base: String,
    pub admin: String,
}

impl Raw {
    /// A client for `emu`, trusting its CA when TLS is on. `http2_only`
    /// forces HTTP/2 (negotiated by ALPN over TLS, prior knowledge over
    /// plain HTTP).
    pub fn new(emu: &EmulatorHandle) -> Self {
        Self::with_version(emu, false)
    }

    pub fn with_version(emu: &EmulatorHandle, http2_only: bool) -> Self {
        let mut roots = RootCertStore::empty();
        if let Some(pem) = emu.ca_cert_pem() {
            for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
                let cert = cert.expect("CA PEM parses");
                roots.add(cert).expect("CA accepted");
            }
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
        let builder = HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http();
        let connector = if http2_only {
            builder.enable_http2().build()
        } else {
            builder.enable_all_versions().build()
        };
        let client = Client::builder(TokioExecutor::new())
            .http2_only(http2_only)
            .build(connector);
        Self {
            client,
            base: emu.base_url().to_owned(),
            admin: emu.admin_url().to_owned(),
        }
    }

    pub async fn try_send(
        &self,
        method: Method,
        url: &str,
        body: impl Into<Bytes>,
        content_type: Option<&str>,
    ) -> Result<Answer, String> {
        let mut req = http::Request::builder().method(method).uri(url);
        if let Some(ct) = content_type {
            req = req.header(http::header::CONTENT_TYPE, ct);
        }
        let req = req
            .body(Full::new(body.into()))
            .map_err(|e| e.to_string())?;
        let response = self
            .client
            .request(req)
            .await
            .map_err(|e| format!("{e:?}"))?;
        let (parts, body) = response.into_parts();
        let body = body
            .collect()
            .await
            .map_err(|e| format!("body: {e:?}"))?
            .to_bytes();
        Ok(Answer {
            status: parts.status,
            headers: parts.headers,
            body,
        })
    }

    pub async fn send(&self, method: Method, url: &str, body: impl Into<Bytes>) -> Answer {
        match self
            .try_send(method, url, body, Some("application/json"))
            .await
        {
            Ok(a) => a,
            Err(e) => panic!("request to {url} failed: {e}"),
        }
    }

    /// `POST {base}/job_status` with a JSON body.
    pub async fn job_status(&self, body: &Value) -> Answer {
        let url = format!("{}/job_status", self.base);
        self.send(
            Method::POST,
            &url,
            serde_json::to_vec(body).unwrap_or_default(),
        )
        .await
    }

    pub async fn try_job_status(&self, body: &Value) -> Result<Answer, String> {
        let url = format!("{}/job_status", self.base);
        self.try_send(
            Method::POST,
            &url,
            serde_json::to_vec(body).unwrap_or_default(),
            Some("application/json"),
        )
        .await
    }

    pub async fn admin(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let url = format!("{}{}", self.admin, path);
        let body = body
            .map(|b| serde_json::to_vec(&b).unwrap_or_default())
            .unwrap_or_default();
        self.send(method, &url, body).await
    }
}

/// A correctly signed job status request body.
pub fn signed_request(emu: &EmulatorHandle, user_id: &str, job_id: &str) -> Value {
    let signed = emu.signer().sign_at(SystemTime::now());
    json!({
        "partner_id": emu.partner_id(),
        "timestamp": signed.timestamp,
        "signature": signed.signature,
        "user_id": user_id,
        "job_id": job_id,
        "source_sdk": "rust-tests",
        "source_sdk_version": "0",
    })
}

/// Checks that a job status answer carries a valid, fresh signature.
pub fn assert_signed(emu: &EmulatorHandle, body: &Value) {
    let ts = body["timestamp"].as_str().expect("timestamp is a string");
    let sig = body["signature"].as_str().expect("signature is a string");
    assert!(
        emu.signer().verify(ts, sig).is_ok(),
        "response signature does not verify"
    );
}

/// A callback receiver: answers each POST with the next status of `script`
/// (then 200), and keeps every body it received.
pub struct Receiver {
    pub url: String,
    pub bodies: Arc<std::sync::Mutex<Vec<Bytes>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Receiver {
    pub async fn start(script: Vec<u16>) -> Self {
        use std::sync::Mutex;
        use std::sync::atomic::{AtomicUsize, Ordering};

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("receiver binds");
        let addr = listener.local_addr().expect("receiver addr");
        let bodies: Arc<Mutex<Vec<Bytes>>> = Arc::default();
        let script = Arc::new(script);
        let calls = Arc::new(AtomicUsize::new(0));
        let task_bodies = Arc::clone(&bodies);
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let bodies = Arc::clone(&task_bodies);
                let script = Arc::clone(&script);
                let calls = Arc::clone(&calls);
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(
                        move |req: http::Request<hyper::body::Incoming>| {
                            let bodies = Arc::clone(&bodies);
                            let script = Arc::clone(&script);
                            let calls = Arc::clone(&calls);
                            async move {
                                let body = req.into_body().collect().await?.to_bytes();
                                bodies.lock().unwrap_or_else(|e| e.into_inner()).push(body);
                                let n = calls.fetch_add(1, Ordering::SeqCst);
                                let status = script.get(n).copied().unwrap_or(200);
                                let mut resp =
                                    http::Response::new(Full::new(Bytes::from_static(b"ok")));
                                *resp.status_mut() =
                                    StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
                                Ok::<_, hyper::Error>(resp)
                            }
                        },
                    );
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Self {
            url: format!("http://{addr}/callback"),
            bodies,
            task,
        }
    }

    pub fn bodies(&self) -> Vec<Bytes> {
        self.bodies
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}
