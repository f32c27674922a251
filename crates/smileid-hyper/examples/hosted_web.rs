//! A back end for Smile ID's hosted web page: an axum handler that mints a
//! web token for the signed-in user and hands the page what it needs.
//!
//! ```text
//! USAGE:
//!     hosted_web [--emulator] [--listen ADDR] [--once]
//!
//! OPTIONS:
//!     --emulator      mint tokens from a local Smile ID emulator (TLS)
//!                     started in this process; no credentials needed
//!     --listen ADDR   where to serve (default 127.0.0.1:3000)
//!     --once          call the handler once over HTTP, print what the
//!                     browser would get (the token redacted), and exit
//! ```
//!
//! `POST /smileid/token` with `{"product": "biometric_kyc"}` answers, with
//! `Cache-Control: no-store`:
//!
//! ```json
//! {"token": "...", "product": "biometric_kyc", "partner_id": "001",
//!  "user_id": "user-42", "job_id": "job-...", "callback_url": "https://..."}
//! ```
//!
//! which is what Smile ID's web integration script takes. Try it locally:
//!
//! ```text
//! cargo run -p smileid-hyper --example hosted_web -- --emulator --once
//! ```
//!
//! Against the sandbox, with `SMILE_PARTNER_ID`, `SMILE_API_KEY` and
//! `SMILEID_CALLBACK_URL` set, run it without `--emulator` and post to it
//! from your page. `docs/hosted-web.md` walks through it.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{Value, json};
use smileid_hyper::types::Product;
use smileid_hyper::{Client, ErrorKind, WebTokenQuery};

/// What every handler shares: one client (cheap to share; it pools its
/// connections), the callback URL, and a job id counter.
struct App {
    client: Client,
    callback_url: String,
    next_job: AtomicU64,
}

/// The products this back end lets its pages run.
const ALLOWED: [Product; 3] = [
    Product::BiometricKyc,
    Product::DocVerification,
    Product::SmartSelfie,
];

/// `POST /smileid/token`.
/// The browser says which product the page will run: `{"product": "..."}`.
async fn mint_token(State(app): State<Arc<App>>, Json(body): Json<Value>) -> Response {
    let product = Product::from(body["product"].as_str().unwrap_or_default());
    if !ALLOWED.contains(&product) {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "unknown product"})),
        )
            .into_response();
    }
    // In a real app the user id comes from your session, never from the
    // browser; the job id is fresh for every page load.
    let user_id = "user-42";
    let job_id = format!(
        "job-{}-{}",
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis()),
        app.next_job.fetch_add(1, Ordering::Relaxed)
    );
    let query = WebTokenQuery::new(user_id, job_id.as_str(), product.clone())
        .with_callback_url(app.callback_url.as_str());
    let token = match app.client.send(&query).await {
        Ok(token) => token,
        Err(error) => {
            // Errors never contain the token or the API key: safe to log.
            eprintln!("could not mint a web token: {error}");
            let status = match error.kind() {
                ErrorKind::InvalidInput => StatusCode::BAD_REQUEST,
                _ => StatusCode::BAD_GATEWAY,
            };
            return (
                status,
                Json(json!({"error": "could not start the verification"})),
            )
                .into_response();
        }
    };
    let mut response = Json(json!({
        "token": token.expose_secret(),
        "product": product.as_str(),
        "partner_id": app.client.core().partner_id(),
        "user_id": user_id,
        "job_id": job_id,
        "callback_url": app.callback_url,
    }))
    .into_response();
    // A bearer credential: no cache may keep it.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/smileid/token", post(mint_token))
        .with_state(app)
}

struct Args {
    emulator: bool,
    listen: SocketAddr,
    once: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        emulator: false,
        listen: SocketAddr::from(([127, 0, 0, 1], 3000)),
        once: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--emulator" => args.emulator = true,
            "--once" => args.once = true,
            "--listen" => {
                let addr = it.next().ok_or("--listen needs an address")?;
                args.listen = addr.parse().map_err(|e| format!("--listen {addr}: {e}"))?;
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(args)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("error: {message}\nusage: hosted_web [--emulator] [--listen ADDR] [--once]");
            return ExitCode::from(2);
        }
    };
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    // The emulator (if any) must outlive the server: keep its handle.
    let (client, _emulator) = if args.emulator {
        let emulator = smileid_emulator::Emulator::start_tls()
            .await
            .map_err(|e| e.to_string())?;
        let pem = emulator.ca_cert_pem().unwrap_or_default().to_owned();
        let client = Client::builder(emulator.partner_id(), emulator.api_key())
            .base_url(emulator.base_url())
            .add_root_certificates_pem(pem.as_bytes())
            .build()
            .map_err(|e| e.to_string())?;
        (client, Some(emulator))
    } else {
        (Client::from_env().map_err(|e| e.to_string())?, None)
    };
    let callback_url = std::env::var("SMILEID_CALLBACK_URL")
        .unwrap_or_else(|_| "https://partner.example/smileid/callback".to_owned());
    let app = Arc::new(App {
        client,
        callback_url,
        next_job: AtomicU64::new(1),
    });
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("could not listen on {}: {e}", args.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let server = tokio::spawn(async move { axum::serve(listener, router(app)).await });
    if !args.once {
        eprintln!("serving POST http://{addr}/smileid/token");
        return server
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string());
    }
    let answer = call_once(addr).await?;
    server.abort();
    println!("{answer}");
    Ok(())
}

/// Posts `{"product": "biometric_kyc"}` to the handler, as a page would, and
/// returns the answer with the token redacted.
async fn call_once(addr: SocketAddr) -> Result<Value, String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let body = r#"{"product":"biometric_kyc"}"#;
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| e.to_string())?;
    let request = format!(
        "POST /smileid/token HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .await
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&raw);
    let (head, json_body) = text.split_once("\r\n\r\n").ok_or("no HTTP answer")?;
    if !head.starts_with("HTTP/1.1 200") {
        return Err(format!("the handler answered: {head}"));
    }
    if !head
        .to_ascii_lowercase()
        .contains("cache-control: no-store")
    {
        return Err("the answer may be cached".to_owned());
    }
    let mut answer: Value = serde_json::from_str(json_body).map_err(|e| e.to_string())?;
    if let Some(token) = answer.get_mut("token") {
        let len = token.as_str().map_or(0, str::len);
        *token = json!(format!("<{len} characters>"));
    }
    Ok(answer)
}
