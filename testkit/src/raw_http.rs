//! Scripted HTTP/1.1 servers on raw TCP, for the faults a well-behaved
//! server cannot produce: connection resets, truncated, endless and dripped
//! bodies, malformed JSON, odd `Retry-After` values.
//!
//! Used by the end-to-end tests and by the `smileid` command's tests alike,
//! so both meet the very same servers. The signed
//! bodies below carry precomputed signatures (partner [`PARTNER_ID`], key
//! [`API_KEY`], timestamp [`TIMESTAMP`]); the end-to-end fault tests check them
//! with `smileid-sign`, so they cannot rot. Response signatures are not
//! checked for freshness, so a fixed timestamp is fine.
//!
//! Every server runs on `127.0.0.1`, port 0, in background threads; each
//! connection thread stops on a write error, when the server is dropped, or
//! after 30 seconds at most, so a test can never leave anything running.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The partner id the canned bodies are signed for.
pub const PARTNER_ID: &str = "085";
/// The API key the canned bodies are signed with.
pub const API_KEY: &str = "raw-server-api-key";
/// Another key, used to sign [`wrongly_signed_body`].
pub const OTHER_API_KEY: &str = "another-api-key";
/// The timestamp of every canned signed body.
pub const TIMESTAMP: &str = "2026-08-21T12:00:00.000Z";
/// HMAC-SHA256 of [`TIMESTAMP`], [`PARTNER_ID`] and `sid_request` under [`API_KEY`].
pub const SIGNATURE: &str = "UbBnDWQD1WqsxSsVoL9zcd7kgIWm8RGanSN44kUxrGc=";
/// The same HMAC under [`OTHER_API_KEY`].
pub const OTHER_SIGNATURE: &str = "mDLpzkYD167xMOYraE2KS93PguiW+xUpHKkQs9vX9Bk=";

/// The longest any connection thread lives.
const MAX_LIFETIME: Duration = Duration::from_secs(30);
/// The longest a request may take to arrive.
const READ_TIMEOUT: Duration = Duration::from_secs(5);
/// The most an endless body sends before giving up on its own.
const ENDLESS_LIMIT: usize = 512 * 1024 * 1024;

/// What a server does with one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Reads the request, writes these bytes, closes.
    Raw(Vec<u8>),
    /// Closes at once with the request unread, so the peer gets a TCP reset
    /// before any response byte.
    Reset,
    /// Writes these bytes (the start of a response), then resets the
    /// connection with the request unread.
    ResetAfter(Vec<u8>),
    /// Reads the request, writes `head`, then one byte of `body` every
    /// `every`.
    Drip {
        /// The response head, with its blank line.
        head: Vec<u8>,
        /// The body, sent one byte at a time.
        body: Vec<u8>,
        /// The pause before each byte.
        every: Duration,
    },
    /// Reads the request, writes a `200` head with chunked encoding, then
    /// chunks of JSON-ish filler without end.
    Endless,
    /// Reads the request, says nothing for this long, then closes.
    Silent(Duration),
}

/// A scripted server: request number `n` (from 0) gets `script(n)`.
pub struct RawServer {
    addr: SocketAddr,
    hits: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<Vec<u8>>>>,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

impl RawServer {
    /// Starts a server on `127.0.0.1`, port 0.
    ///
    /// # Panics
    ///
    /// If no port can be bound (a test environment problem).
    pub fn start<F>(script: F) -> Self
    where
        F: Fn(usize) -> Reply + Send + Sync + 'static,
    {
        let listener = match TcpListener::bind("127.0.0.1:0") {
            Ok(listener) => listener,
            Err(e) => panic!("cannot bind 127.0.0.1:0: {e}"),
        };
        let addr = match listener.local_addr() {
            Ok(addr) => addr,
            Err(e) => panic!("no local address: {e}"),
        };
        let hits = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let script = Arc::new(script);
        let accept = {
            let hits = Arc::clone(&hits);
            let requests = Arc::clone(&requests);
            let stop = Arc::clone(&stop);
            thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let hits = Arc::clone(&hits);
                    let requests = Arc::clone(&requests);
                    let stop = Arc::clone(&stop);
                    let script = Arc::clone(&script);
                    thread::spawn(move || serve(stream, &hits, &requests, &stop, &*script));
                }
            })
        };
        Self {
            addr,
            hits,
            requests,
            stop,
            accept: Some(accept),
        }
    }

    /// A server giving every request the same reply.
    pub fn always(reply: Reply) -> Self {
        Self::start(move |_| reply.clone())
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// How many complete requests arrived so far.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }

    /// Every complete request so far (head and body), in arrival order.
    pub fn requests(&self) -> Vec<Vec<u8>> {
        self.requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The bodies of [`RawServer::requests`].
    pub fn request_bodies(&self) -> Vec<Vec<u8>> {
        self.requests()
            .into_iter()
            .map(|r| match r.windows(4).position(|w| w == b"\r\n\r\n") {
                Some(end) => r[end + 4..].to_vec(),
                None => Vec::new(),
            })
            .collect()
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

/// A base URL on which nothing listens: connecting is refused.
///
/// # Panics
///
/// If no port can be bound.
pub fn refused_base_url() -> String {
    let listener = match TcpListener::bind("127.0.0.1:0") {
        Ok(listener) => listener,
        Err(e) => panic!("cannot bind 127.0.0.1:0: {e}"),
    };
    let addr = match listener.local_addr() {
        Ok(addr) => addr,
        Err(e) => panic!("no local address: {e}"),
    };
    drop(listener);
    format!("http://{addr}/v1")
}

fn serve(
    mut stream: TcpStream,
    hits: &AtomicUsize,
    requests: &Mutex<Vec<Vec<u8>>>,
    stop: &AtomicBool,
    script: &(dyn Fn(usize) -> Reply + Send + Sync),
) {
    let started = Instant::now();
    let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
    let _ = stream.set_write_timeout(Some(READ_TIMEOUT));
    let _ = stream.set_nodelay(true);
    let Some(request) = peek_request(&stream) else {
        return;
    };
    let len = request.len();
    requests
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(request);
    let reply = script(hits.fetch_add(1, Ordering::SeqCst));
    let alive = || !stop.load(Ordering::SeqCst) && started.elapsed() < MAX_LIFETIME;
    match reply {
        // Dropping a socket with unread input makes the kernel send a reset.
        Reply::Reset => drop(stream),
        Reply::ResetAfter(bytes) => {
            let _ = stream.write_all(&bytes);
            let _ = stream.flush();
            // Let the partial response reach the client before the reset.
            thread::sleep(Duration::from_millis(50));
            drop(stream);
        }
        Reply::Raw(bytes) => {
            if consume(&mut stream, len) {
                let _ = stream.write_all(&bytes);
                let _ = stream.flush();
                let _ = stream.shutdown(Shutdown::Write);
                linger_until_closed(&mut stream, &alive);
            }
        }
        Reply::Drip { head, body, every } => {
            if consume(&mut stream, len) && stream.write_all(&head).is_ok() {
                for byte in body {
                    if !pause(every, &alive) || stream.write_all(&[byte]).is_err() {
                        return;
                    }
                }
                let _ = stream.shutdown(Shutdown::Write);
                linger_until_closed(&mut stream, &alive);
            }
        }
        Reply::Endless => {
            if !consume(&mut stream, len) {
                return;
            }
            let head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
            if stream.write_all(head).is_err() || stream.write_all(b"1\r\n{\r\n").is_err() {
                return;
            }
            let mut chunk = b"4000\r\n".to_vec();
            chunk.extend(std::iter::repeat_n(b' ', 0x4000));
            chunk.extend_from_slice(b"\r\n");
            let mut sent = 0;
            while alive() && sent < ENDLESS_LIMIT {
                if stream.write_all(&chunk).is_err() {
                    return;
                }
                sent += chunk.len();
            }
        }
        Reply::Silent(duration) => {
            if consume(&mut stream, len) {
                pause(duration, &alive);
            }
        }
    }
}

/// Waits until a whole request (head and `Content-Length` body) is buffered,
/// without reading it; returns a copy of it.
fn peek_request(stream: &TcpStream) -> Option<Vec<u8>> {
    let mut buf = vec![0u8; 256 * 1024];
    let started = Instant::now();
    loop {
        let n = stream.peek(&mut buf).ok()?;
        if n == 0 {
            return None;
        }
        if let Some(len) = request_len(&buf[..n])
            && n >= len
        {
            buf.truncate(len);
            return Some(buf);
        }
        if started.elapsed() > READ_TIMEOUT || n == buf.len() {
            return None;
        }
        thread::sleep(Duration::from_millis(1));
    }
}

/// The length of the request at the start of `buf`, once its head is complete.
fn request_len(buf: &[u8]) -> Option<usize> {
    let head_end = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = String::from_utf8_lossy(&buf[..head_end]);
    let body_len = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse::<usize>().ok())
        .unwrap_or(0);
    Some(head_end + body_len)
}

/// Reads the `len` bytes of the request.
fn consume(stream: &mut TcpStream, len: usize) -> bool {
    let mut buf = vec![0u8; len];
    stream.read_exact(&mut buf).is_ok()
}

/// Sleeps `duration` in small steps; `false` when told to stop first.
fn pause(duration: Duration, alive: &dyn Fn() -> bool) -> bool {
    let until = Instant::now() + duration;
    while Instant::now() < until {
        if !alive() {
            return false;
        }
        thread::sleep(Duration::from_millis(10).min(until - Instant::now()));
    }
    alive()
}

/// Keeps the socket open until the peer closes it, so that closing it here
/// never turns into a reset that could destroy the response in flight.
fn linger_until_closed(stream: &mut TcpStream, alive: &dyn Fn() -> bool) {
    let _ = stream.set_read_timeout(Some(Duration::from_millis(100)));
    let mut buf = [0u8; 1024];
    while alive() {
        match stream.read(&mut buf) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return,
        }
    }
}

/// A complete HTTP/1.1 response with `Content-Length` and `Connection: close`.
pub fn response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status)).into_bytes();
    for (name, value) in headers {
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(body);
    out
}

/// A JSON response.
pub fn json(status: u16, body: impl AsRef<[u8]>) -> Reply {
    Reply::Raw(response(
        status,
        &[("Content-Type", "application/json")],
        body.as_ref(),
    ))
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Whatever",
    }
}

/// `{"timestamp":..,"signature":..,<rest>}` with the valid signature.
pub fn signed_body(rest: &str) -> String {
    format!(r#"{{"timestamp":"{TIMESTAMP}","signature":"{SIGNATURE}",{rest}}}"#)
}

/// A signed answer for a job still waiting for its upload.
pub fn pending_body() -> String {
    signed_body(
        r#""job_complete":false,"job_success":false,"code":"2314","result":"No zip file received""#,
    )
}

/// A signed answer for an approved job.
pub fn complete_body() -> String {
    signed_body(
        r#""job_complete":true,"job_success":true,"code":"2302","result":{"ResultCode":"1012","ResultText":"ID Number Validated","ResultType":"ID Verification","SmileJobID":"0000000001","PartnerParams":{"user_id":"u1","job_id":"j1","job_type":5},"Actions":{"Verify_ID_Number":"Verified"},"IsFinalResult":"true"}"#,
    )
}

/// A pending answer with no `signature` and no `timestamp`.
pub fn unsigned_body() -> String {
    r#"{"job_complete":false,"job_success":false,"code":"2314","result":"No zip file received"}"#
        .to_owned()
}

/// A pending answer signed with [`OTHER_API_KEY`].
pub fn wrongly_signed_body() -> String {
    pending_body().replace(SIGNATURE, OTHER_SIGNATURE)
}

/// The first half of [`complete_body`]: JSON that stops mid-value.
pub fn truncated_json_body() -> String {
    let body = complete_body();
    body[..body.len() / 2].to_owned()
}

/// A signed answer whose fields have the wrong types.
pub fn wrong_shape_body() -> String {
    signed_body(r#""job_complete":{"yes":1},"job_success":[],"code":2302,"result":17"#)
}

/// A signed answer whose `result` is `depth` nested arrays.
pub fn nested_body(depth: usize) -> String {
    signed_body(&format!(
        r#""job_complete":true,"result":{}{}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    ))
}

/// A signed pending answer whose `result` text holds bytes that are not UTF-8.
pub fn invalid_utf8_body() -> Vec<u8> {
    let mut body = signed_body(r#""job_complete":false,"result":"XX""#).into_bytes();
    let at = body.len() - 3;
    body[at] = 0xff;
    body[at + 1] = 0xfe;
    body
}

/// The page a proxy sends for 502 Bad Gateway.
pub const HTML_502: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
                            <center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n\
                            </body>\r\n</html>\r\n";

/// A `502` with the HTML page.
pub fn html_502() -> Reply {
    Reply::Raw(response(
        502,
        &[("Content-Type", "text/html")],
        HTML_502.as_bytes(),
    ))
}

/// A `500` with a Smile ID system error body.
pub fn system_error_500() -> Reply {
    json(500, r#"{"code":"2201","error":"System error"}"#)
}

/// A `429` with `Retry-After: <value>`.
pub fn too_many_requests(retry_after: &str) -> Reply {
    Reply::Raw(response(
        429,
        &[
            ("Content-Type", "application/json"),
            ("Retry-After", retry_after),
        ],
        br#"{"code":"429","error":"Too many requests"}"#,
    ))
}

/// A head announcing a 200-byte JSON body whose bytes then arrive every
/// `every` (far more slowly than any sane timeout).
pub fn drip(every: Duration) -> Reply {
    let body = pending_body().into_bytes();
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    Reply::Drip { head, body, every }
}

/// A head announcing 1000 bytes, 100 of them, then a reset.
pub fn reset_mid_body() -> Reply {
    let mut bytes = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                      Content-Length: 1000\r\n\r\n"
        .to_vec();
    let body = complete_body();
    bytes.extend_from_slice(&body.as_bytes()[..100]);
    Reply::ResetAfter(bytes)
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), as `Retry-After` and
/// `Date` carry it. Times before 1970 print as the epoch.
pub fn http_date(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (hour, minute, second) = (rem / 3600, rem % 3600 / 60, rem % 60);
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let weekday = WEEKDAYS[(days % 7) as usize];
    // Howard Hinnant's civil_from_days, for days after 1970-01-01.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{weekday}, {day:02} {} {year:04} {hour:02}:{minute:02}:{second:02} GMT",
        MONTHS[(month - 1) as usize]
    )
}
