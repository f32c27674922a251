//! Fuzzing on stable Rust: proptest-driven runs of four targets, with
//! structure-aware inputs (mutations of real fixtures: value replacements,
//! type swaps, injected and duplicate keys, deep nesting, truncation, byte
//! flips, splices, re-signing so that decoding behind the signature check is
//! reached) and arbitrary bytes.
//!
//! | target | what runs |
//! |---|---|
//! | `response` | `smileid_core::parse_job_status_response` with arbitrary statuses, `Retry-After` values and bodies |
//! | `types` | `smileid_types::decode` of job status responses, callback bodies and error bodies, plus a round trip of whatever decodes |
//! | `callback` | `smileid_core::verify_callback`, with timestamps around the freshness limits |
//! | `emulator_request` | `smileid_emulator::check_job_status_request`, the emulator's request checks |
//!
//! Each case checks properties, not only "no panic": a verified status came
//! with a valid signature, a non-2xx status is always an API error, error
//! messages are one bounded line without the signature, what decodes
//! round-trips, an accepted callback is signed and fresh, the emulator
//! answers only its documented codes.
//!
//! `SMILEID_FUZZ_CASES` sets the cases per target (default 512, so that
//! `cargo test` stays fast); `cargo xtask fuzz` runs a million per target in
//! release mode. The corpus in `tests/fuzz-corpus/<target>/` (fixtures and
//! every input that ever failed) is replayed by a normal test.

use std::cell::RefCell;
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use http::HeaderValue;
use http::header::RETRY_AFTER;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Map, Value, json};
use smileid_core::{
    CallbackError, CallbackPolicy, Error, parse_job_status_response, verify_callback,
};
use smileid_sign::{Freshness, Signer, format_timestamp};
use smileid_types::{ApiErrorBody, CallbackBody, JobStatusResponse};

/// The credentials the fixtures are signed with.
const PARTNER_ID: &str = "085";
const API_KEY: &str = "fixture-api-key";

/// Cases per target unless `SMILEID_FUZZ_CASES` says otherwise.
const DEFAULT_CASES: u32 = 512;
/// The longest error message accepted, in bytes.
const MAX_MESSAGE: usize = 2048;

fn signer() -> Signer {
    Signer::new(PARTNER_ID, API_KEY).unwrap()
}

fn cases() -> u32 {
    std::env::var("SMILEID_FUZZ_CASES")
        .ok()
        .and_then(|v| v.trim().replace('_', "").parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

// ----- a small deterministic generator, driven by proptest's seeds -----

/// SplitMix64: every structured input is a pure function of one `u64`, so
/// a failing case is reproduced from the seed proptest prints.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Keys the decoders know, so that mutations hit the typed paths.
const KEYS: &[&str] = &[
    "timestamp",
    "signature",
    "job_complete",
    "job_success",
    "code",
    "result",
    "history",
    "image_links",
    "kyc_receipt",
    "kyb_receipt",
    "error",
    "success",
    "ResultCode",
    "ResultText",
    "ResultType",
    "SmileJobID",
    "PartnerParams",
    "user_id",
    "job_id",
    "job_type",
    "Actions",
    "Verify_ID_Number",
    "Liveness_Check",
    "ConfidenceValue",
    "IsFinalResult",
    "IsMachineResult",
    "IDNumberPreviouslyRegistered",
    "UserIDsOfPreviousRegistrants",
    "Antifraud",
    "FullData",
    "Photo",
    "selfie_image",
    "partner_id",
    "source_sdk",
    "",
];

/// Scalar texts the decoders treat specially.
const WORDS: &[&str] = &[
    "true",
    "false",
    "True",
    "FALSE",
    "1",
    "0",
    "0810",
    "1012",
    "1013",
    "2302",
    "2314",
    "2205",
    "99",
    "97.000000",
    "-0",
    "1e400",
    "NaN",
    "Passed",
    "Not Applicable",
    "Under Review",
    "No zip file received",
    "2026-08-21T12:00:00.000Z",
    "1678216434434",
    " Enroll User",
    "",
    "\u{0}",
    "\u{feff}",
    "é\u{301}",
    "🙂",
    "\\",
    "\"",
    "\n",
];

/// Text spliced into serialized JSON.
const SPLICES: &[&[u8]] = &[
    b"\xff",
    b"\xc3\x28",
    b"\xed\xa0\x80",
    b"\"",
    b"\\",
    b"\\u",
    b"\\ud800",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"\x00",
    b"1e99999",
    b"-",
    b" ",
    b"\xef\xbb\xbf",
    b"null",
    b"tru",
    b"\r\n",
    b"//",
    b"/*",
];

/// Where deep nesting goes: a string marker replaced after serialization.
const DEEP_MARK: &str = "@@DEEP@@";

fn random_scalar(rng: &mut Rng) -> Value {
    match rng.below(10) {
        0 => Value::Null,
        1 => json!(rng.chance(50)),
        2 => json!(rng.below(10_000)),
        3 => json!(*rng.pick(&[u64::MAX, i64::MAX as u64, 1 << 53, (1 << 53) + 1])),
        4 => json!(*rng.pick(&[-1i64, i64::MIN, -4])),
        5 => json!(*rng.pick(&[0.5f64, -0.0, 1e308, 97.000001, 4.0])),
        6 => json!(rng.pick(WORDS)),
        7 => {
            let len = *rng.pick(&[1usize, 43, 44, 45, 200, 5000]);
            json!("A".repeat(len))
        }
        8 => json!(format!(
            "{:0width$}",
            rng.below(100_000),
            width = rng.below(12)
        )),
        _ => json!(rng.pick(KEYS)),
    }
}

fn random_value(rng: &mut Rng, depth: usize) -> Value {
    if depth >= 3 {
        return random_scalar(rng);
    }
    match rng.below(8) {
        0 => Value::Array(
            (0..rng.below(4))
                .map(|_| random_value(rng, depth + 1))
                .collect(),
        ),
        1 => {
            let mut map = Map::new();
            for _ in 0..rng.below(4) {
                map.insert(rng.pick(KEYS).to_string(), random_value(rng, depth + 1));
            }
            Value::Object(map)
        }
        2 => json!(DEEP_MARK),
        _ => random_scalar(rng),
    }
}

/// JSON pointers of the first nodes of `value`, breadth first.
fn pointers(value: &Value) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut i = 0;
    while i < out.len() && out.len() < 400 {
        let here = out[i].clone();
        match value.pointer(&here) {
            Some(Value::Object(map)) => {
                for key in map.keys() {
                    out.push(format!(
                        "{here}/{}",
                        key.replace('~', "~0").replace('/', "~1")
                    ));
                }
            }
            Some(Value::Array(items)) => {
                for j in 0..items.len() {
                    out.push(format!("{here}/{j}"));
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// The same value with its type swapped for a related one.
fn swap_type(value: &Value) -> Value {
    match value {
        Value::String(s) => match s.parse::<f64>() {
            Ok(n) => json!(n),
            Err(_) => match s.as_str() {
                "true" => json!(true),
                "false" => json!(false),
                _ => json!([s]),
            },
        },
        Value::Number(n) => json!(n.to_string()),
        Value::Bool(b) => json!(b.to_string()),
        Value::Null => json!(""),
        Value::Array(items) => items.first().cloned().unwrap_or(Value::Null),
        Value::Object(map) => Value::Array(map.values().cloned().collect()),
    }
}

fn mutate_value(value: &mut Value, rng: &mut Rng) {
    let all = pointers(value);
    let target = rng.pick(&all).clone();
    let Some(node) = value.pointer_mut(&target) else {
        return;
    };
    match rng.below(8) {
        0 => *node = random_value(rng, 0),
        1 => {
            if let Value::Object(map) = node {
                let keys: Vec<String> = map.keys().cloned().collect();
                if !keys.is_empty() {
                    map.remove(rng.pick(&keys));
                }
            }
        }
        2 => {
            if let Value::Object(map) = node {
                map.insert(rng.pick(KEYS).to_string(), random_value(rng, 1));
            } else {
                *node = swap_type(node);
            }
        }
        3 => {
            if let Value::Array(items) = node {
                if !items.is_empty() && rng.chance(50) {
                    items.remove(rng.below(items.len()));
                } else {
                    let extra = items
                        .first()
                        .cloned()
                        .unwrap_or_else(|| random_value(rng, 1));
                    items.push(extra);
                }
            } else {
                *node = swap_type(node);
            }
        }
        4 => {
            for _ in 0..=rng.below(4) {
                let inner = node.take();
                *node = if rng.chance(50) {
                    json!([inner])
                } else {
                    json!({ rng.pick(KEYS).to_string(): inner })
                };
            }
        }
        5 => *node = json!(DEEP_MARK),
        _ => *node = swap_type(node),
    }
}

/// Replaces each deep marker with nested arrays or objects, sometimes
/// 10,000 levels deep.
fn expand_deep(text: String, rng: &mut Rng) -> Vec<u8> {
    let mark = format!("\"{DEEP_MARK}\"");
    if !text.contains(&mark) {
        return text.into_bytes();
    }
    let mut out = String::with_capacity(text.len());
    for (i, part) in text.split(&mark).enumerate() {
        if i > 0 {
            let depth = if rng.chance(20) {
                10_000
            } else {
                1 + rng.below(300)
            };
            if rng.chance(50) {
                out.push_str(&"[".repeat(depth));
                out.push_str(&"]".repeat(depth));
            } else {
                out.push_str(&"{\"a\":".repeat(depth));
                out.push('1');
                out.push_str(&"}".repeat(depth));
            }
        }
        out.push_str(part);
    }
    out.into_bytes()
}

fn mutate_bytes(bytes: &mut Vec<u8>, rng: &mut Rng, other: &[u8]) {
    let pos = rng.below(bytes.len() + 1);
    match rng.below(7) {
        0 => bytes.truncate(pos),
        1 => {
            if pos < bytes.len() {
                bytes[pos] ^= 1 << rng.below(8);
            }
        }
        2 => {
            let splice = rng.pick(SPLICES);
            bytes.splice(pos..pos, splice.iter().copied());
        }
        3 => {
            // A duplicate key right after the first `{`.
            if let Some(open) = bytes.iter().position(|&b| b == b'{') {
                let entry = format!("{}:{},", json!(rng.pick(KEYS)), random_scalar(rng));
                bytes.splice(open + 1..open + 1, entry.into_bytes());
            }
        }
        4 => {
            // A digit run becomes a huge number.
            if let Some(start) = bytes.iter().skip(pos).position(u8::is_ascii_digit) {
                let at = pos + start;
                let huge = rng.pick(&["123456789012345678901234567890", "1e999", "-0.0e-0"]);
                bytes.splice(at..at + 1, huge.bytes());
            }
        }
        5 => {
            let from = rng.below(other.len() + 1);
            let to = from + rng.below(other.len() - from + 1);
            bytes.splice(pos..pos, other[from..to].iter().copied());
        }
        _ => {
            let pos = rng.below(bytes.len() + 1);
            let end = pos + rng.below(bytes.len() - pos + 1);
            bytes.drain(pos..end);
        }
    }
}

/// Sets `timestamp` and `signature` at the top level, if it is an object.
fn resign(value: &mut Value, signer: &Signer, timestamp: String) {
    if let Value::Object(map) = value {
        let signed = signer.sign(timestamp);
        map.insert("timestamp".into(), json!(signed.timestamp));
        map.insert("signature".into(), json!(signed.signature));
    }
}

/// A timestamp near `now`: mostly fresh, sometimes just inside or outside
/// the callback limits, sometimes in another accepted or refused form.
fn timestamp_near(now: SystemTime, rng: &mut Rng) -> String {
    let secs = |s: u64| Duration::from_secs(s);
    match rng.below(8) {
        0 => format_timestamp(now - secs(290 + rng.below(20) as u64)),
        1 => format_timestamp(now + secs(50 + rng.below(20) as u64)),
        2 => format_timestamp(now - secs(rng.below(100_000) as u64)),
        3 => {
            let ms = now
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap_or_default()
                .as_millis();
            ms.to_string()
        }
        4 => rng.pick(WORDS).to_string(),
        _ => format_timestamp(now),
    }
}

/// A structured input: a corpus document mutated by `seed`.
fn structured(seed: u64, corpus: &[Vec<u8>], signer: &Signer, now: SystemTime) -> Vec<u8> {
    let mut rng = Rng(seed);
    let base = rng.pick(corpus);
    let other = rng.pick(corpus);
    let mut value: Value = match serde_json::from_slice(base) {
        Ok(value) => value,
        Err(_) => {
            // Not JSON (an HTML page): byte mutations only.
            let mut bytes = base.clone();
            for _ in 0..=rng.below(3) {
                mutate_bytes(&mut bytes, &mut rng, other);
            }
            return bytes;
        }
    };
    for _ in 0..rng.below(5) {
        mutate_value(&mut value, &mut rng);
    }
    if rng.chance(80) {
        let timestamp = timestamp_near(now, &mut rng);
        resign(&mut value, signer, timestamp);
    }
    let mut bytes = expand_deep(value.to_string(), &mut rng);
    if rng.chance(35) {
        for _ in 0..=rng.below(3) {
            mutate_bytes(&mut bytes, &mut rng, other);
        }
    }
    bytes
}

/// What the fuzzer feeds a target: a structured seed, or raw bytes.
#[derive(Debug, Clone)]
enum Input {
    Structured(u64),
    Bytes(Vec<u8>),
}

fn input() -> impl Strategy<Value = Input> {
    prop_oneof![
        4 => any::<u64>().prop_map(Input::Structured),
        1 => vec(any::<u8>(), 0..512).prop_map(Input::Bytes),
    ]
}

impl Input {
    fn bytes(&self, corpus: &[Vec<u8>], signer: &Signer, now: SystemTime) -> Vec<u8> {
        match self {
            Input::Structured(seed) => structured(*seed, corpus, signer, now),
            Input::Bytes(bytes) => bytes.clone(),
        }
    }
}

// ----- the corpus -----

fn corpus_dir(target: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz-corpus")
        .join(target)
}

/// Every file of `tests/fuzz-corpus/<target>/`, sorted by name.
fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = corpus_dir(target);
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "empty corpus {}", dir.display());
    files
}

fn corpus_bodies(target: &str) -> Vec<Vec<u8>> {
    corpus(target).into_iter().map(|(_, body)| body).collect()
}

// ----- the properties -----

/// A property violation.
type Checked = Result<String, String>;

/// Digits become `#`, so that paths differing only in an index count as
/// one outcome class.
fn class(parts: &[&str]) -> String {
    parts
        .join("|")
        .chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect()
}

/// The first segment of a JSON path (`result` of `result.PartnerParams`),
/// so that outcome classes stay countable.
///
/// Segments that are not keys of the fixtures (or of [`KEYS`]) become `*`
/// and array indices `#`, so that the set of classes is finite and "no new
/// class for a long time" means something.
fn coarse(path: &str) -> String {
    path.split(['.', '['])
        .take(1)
        .map(|segment| {
            if segment.ends_with(']') {
                "#"
            } else if known_keys().contains(segment) {
                segment
            } else {
                "*"
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// [`KEYS`] and every object key of every corpus file.
fn known_keys() -> &'static HashSet<String> {
    static KNOWN: OnceLock<HashSet<String>> = OnceLock::new();
    KNOWN.get_or_init(|| {
        fn collect(value: &Value, into: &mut HashSet<String>) {
            match value {
                Value::Object(map) => {
                    for (key, value) in map {
                        into.insert(key.clone());
                        collect(value, into);
                    }
                }
                Value::Array(items) => items.iter().for_each(|v| collect(v, into)),
                _ => {}
            }
        }
        let mut keys: HashSet<String> = KEYS.iter().map(|k| k.to_string()).collect();
        for target in ["response", "callback", "emulator-request"] {
            for (_, body) in corpus(target) {
                if let Ok(value) = serde_json::from_slice::<Value>(&body) {
                    collect(&value, &mut keys);
                }
            }
        }
        keys
    })
}

/// The `signature` of a JSON object, if it is long enough to be told apart
/// from other text and appears once only.
fn distinctive_signature(body: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let signature = value.get("signature")?.as_str()?.to_owned();
    let text = String::from_utf8_lossy(body);
    (signature.len() >= 16 && text.matches(signature.as_str()).count() == 1).then_some(signature)
}

/// Debug output of a successful result: it may be long, but it must not
/// show the signature.
fn check_no_signature(text: &str, signature: Option<&str>) -> Result<(), String> {
    match signature {
        Some(signature) if text.contains(signature) => {
            Err(format!("Debug output shows the signature: {text:?}"))
        }
        _ => Ok(()),
    }
}

/// One line, bounded, without the signature.
fn check_message(text: &str, signature: Option<&str>) -> Result<(), String> {
    if text.contains(['\n', '\r']) {
        return Err(format!("message spans lines: {text:?}"));
    }
    if text.len() > MAX_MESSAGE {
        return Err(format!("message of {} bytes", text.len()));
    }
    if let Some(signature) = signature
        && text.contains(signature)
    {
        return Err(format!("message shows the signature: {text:?}"));
    }
    Ok(())
}

fn check_response(
    signer: &Signer,
    status: u16,
    retry_after: Option<&[u8]>,
    body: &[u8],
    now: SystemTime,
) -> Checked {
    let mut builder = http::Response::builder().status(status);
    if let Some(value) = retry_after.and_then(|v| HeaderValue::from_bytes(v).ok()) {
        builder = builder.header(RETRY_AFTER, value);
    }
    let response = builder
        .body(Bytes::copy_from_slice(body))
        .map_err(|e| format!("test bug: {e}"))?;
    let success = (200..300).contains(&status);
    let signature = distinctive_signature(body);
    match parse_job_status_response(signer, response, now) {
        Ok(verified) => {
            if !success {
                return Err(format!("a {status} gave a status"));
            }
            let r = verified.response();
            if signer.verify(&r.timestamp, r.signature.as_str()).is_err() {
                return Err("a status whose signature does not verify".into());
            }
            check_no_signature(&format!("{verified:?}"), signature.as_deref())?;
            Ok(class(&["ok", &r.job_complete.to_string()]))
        }
        Err(error) => {
            check_message(&error.to_string(), signature.as_deref())?;
            check_message(&format!("{error:?}"), signature.as_deref())?;
            match &error {
                Error::Api(api) => {
                    let s = api.status();
                    if s.as_u16() != status {
                        return Err(format!("API error with status {s}, not {status}"));
                    }
                    Ok(class(&[
                        "api",
                        if success { "2xx" } else { "other" },
                        &error.api_code().is_some().to_string(),
                        &error.retry_after().is_some().to_string(),
                    ]))
                }
                _ if !success => Err(format!("a {status} gave {error:?}")),
                Error::Decode(decode) => Ok(class(&["decode", &coarse(decode.path())])),
                Error::Signature(e) => Ok(class(&["signature", &format!("{:?}", e.failure())])),
                other => Err(format!("unexpected error kind: {other:?}")),
            }
        }
    }
}

fn check_types(body: &[u8]) -> Checked {
    fn one<T>(body: &[u8], name: &str) -> Checked
    where
        T: serde::de::DeserializeOwned + serde::Serialize + PartialEq + std::fmt::Debug,
    {
        match smileid_types::decode::<T>(body) {
            Ok(decoded) => {
                let encoded =
                    serde_json::to_vec(&decoded).map_err(|e| format!("{name}: encode: {e}"))?;
                let again = smileid_types::decode::<T>(&encoded).map_err(|e| {
                    format!(
                        "{name}: re-decode of {:?}: {e}",
                        String::from_utf8_lossy(&encoded)
                    )
                })?;
                if again != decoded {
                    return Err(format!(
                        "{name}: round trip changed {decoded:?} into {again:?}"
                    ));
                }
                Ok(format!("{name}:ok"))
            }
            Err(e) => {
                check_message(&e.to_string(), None).map_err(|m| format!("{name}: {m}"))?;
                Ok(class(&[
                    name,
                    &format!("{:?}", e.kind()),
                    &coarse(e.path()),
                ]))
            }
        }
    }
    Ok([
        one::<JobStatusResponse>(body, "response")?,
        one::<CallbackBody>(body, "callback")?,
        one::<ApiErrorBody>(body, "error")?,
    ]
    .join(" "))
}

fn check_callback(signer: &Signer, body: &[u8], now: SystemTime) -> Checked {
    let policy = CallbackPolicy::default();
    let signature = distinctive_signature(body);
    match verify_callback(signer, body, now, &policy) {
        Ok(verified) => {
            let b = verified.body();
            if body.len() > policy.max_body_bytes {
                return Err("an oversized callback was accepted".into());
            }
            if signer.verify(&b.timestamp, b.signature.as_str()).is_err() {
                return Err("a callback whose signature does not verify was accepted".into());
            }
            if Freshness::new(policy.max_age, policy.max_future)
                .check(&b.timestamp, now)
                .is_err()
            {
                return Err(format!(
                    "a callback signed at {:?} was accepted",
                    b.timestamp
                ));
            }
            check_no_signature(&format!("{verified:?}"), signature.as_deref())?;
            Ok("ok".into())
        }
        Err(error) => {
            check_message(&error.to_string(), signature.as_deref())?;
            check_message(&format!("{error:?}"), signature.as_deref())?;
            let name = match &error {
                CallbackError::Decode { path, .. } => format!("decode:{}", coarse(path)),
                CallbackError::NotJson { .. } => "not_json".into(),
                other => format!("{other:?}")
                    .split(['{', '('])
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
            };
            Ok(class(&[&name]))
        }
    }
}

fn check_emulator(signer: &Signer, body: &[u8]) -> Checked {
    let parsed = serde_json::from_slice::<Value>(body);
    let oracle = parsed.as_ref().ok().cloned();
    match smileid_emulator::check_job_status_request(signer, body) {
        Ok(()) => {
            // Accepted: it must be an object with this partner's id and a
            // signature over its timestamp. (Too deep for `Value`: read
            // just the fields; deep unknown fields are skipped without
            // recursion by serde_json.)
            #[derive(serde::Deserialize)]
            struct Fields {
                partner_id: Option<String>,
                timestamp: Option<String>,
                signature: Option<String>,
                user_id: Option<String>,
                job_id: Option<String>,
            }
            if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
                return Err("a body that is not a JSON object was accepted".into());
            }
            let fields: Fields = serde_json::from_slice(body)
                .map_err(|e| format!("a body that is not JSON was accepted: {e}"))?;
            if fields.partner_id.as_deref() != Some(PARTNER_ID) {
                return Err("another partner id was accepted".into());
            }
            let (Some(timestamp), Some(signature)) = (fields.timestamp, fields.signature) else {
                return Err("a request without timestamp or signature was accepted".into());
            };
            if signer.verify(&timestamp, &signature).is_err() {
                return Err("a request with a bad signature was accepted".into());
            }
            if fields.user_id.is_none() || fields.job_id.is_none() {
                return Err("a request without ids was accepted".into());
            }
            Ok("ok".into())
        }
        Err((status, reply)) => {
            let reply: Value = serde_json::from_slice(&reply)
                .map_err(|e| format!("the {status} reply is not JSON: {e}"))?;
            let code = reply
                .get("code")
                .and_then(Value::as_str)
                .ok_or("a reply without a code")?
                .to_owned();
            let message = reply
                .get("error")
                .and_then(Value::as_str)
                .ok_or("a reply without a message")?;
            check_message(message, None)?;
            let expected_status = match code.as_str() {
                "2203" | "2204" | "2213" => 400,
                "2205" => 401,
                other => return Err(format!("undocumented code {other}")),
            };
            if status != expected_status {
                return Err(format!("code {code} with HTTP {status}"));
            }
            // "Invalid JSON" exactly when the body is not a JSON object.
            // (Nesting deeper than serde_json's recursion limit, a number
            // beyond f64 such as 1e999, a lone surrogate escape: valid JSON
            // grammar that the oracle cannot read; and serde_json skips the
            // values of unknown keys without checking their escapes. Either
            // answer is right.)
            let unreadable = parsed.as_ref().is_err_and(|e| {
                let e = e.to_string();
                [
                    "recursion limit",
                    "number out of range",
                    "surrogate",
                    "unicode code point",
                    "hex escape",
                ]
                .iter()
                .any(|m| e.contains(m))
            });
            let object = oracle.as_ref().is_some_and(Value::is_object);
            if !unreadable && object == (code == "2203") {
                return Err(format!(
                    "code {code} for a body that is {}a JSON object",
                    if object { "" } else { "not " }
                ));
            }
            Ok(code)
        }
    }
}

// ----- running a target -----

/// A violation with the start of the input that caused it.
fn with_input(checked: Checked, body: &[u8]) -> Checked {
    checked.map_err(|e| {
        let head = &body[..body.len().min(600)];
        format!(
            "{e}\n  input ({} bytes): {:?}",
            body.len(),
            String::from_utf8_lossy(head)
        )
    })
}

/// Runs `cases()` cases of `check` and prints what was covered.
fn fuzz<S, F>(target: &str, strategy: S, check: F)
where
    S: Strategy,
    S::Value: std::fmt::Debug,
    F: Fn(&S::Value) -> Checked,
{
    let cases = cases();
    let mut config = Config::with_cases(cases);
    config.failure_persistence = None;
    config.max_shrink_iters = 512;
    let mut runner = TestRunner::new(config);
    let seen = RefCell::new(HashSet::<String>::new());
    let count = RefCell::new(0u64);
    let last_new = RefCell::new(0u64);
    let started = Instant::now();
    let result = runner.run(&strategy, |input| {
        let outcome = check(&input).map_err(TestCaseError::fail)?;
        let n = {
            let mut count = count.borrow_mut();
            *count += 1;
            *count
        };
        // An outcome may name several classes, separated by spaces.
        for part in outcome.split(' ') {
            if seen.borrow_mut().insert(part.to_owned()) {
                *last_new.borrow_mut() = n;
            }
        }
        Ok(())
    });
    let elapsed = started.elapsed();
    if let Err(e) = result {
        panic!(
            "fuzz target `{target}` failed: {e}\n(add the input to tests/fuzz-corpus/{target}/)"
        );
    }
    eprintln!(
        "fuzz target `{target}`: {} cases in {:.1}s ({:.0}/s), {} outcome classes, the last new one at case {}",
        count.borrow(),
        elapsed.as_secs_f64(),
        *count.borrow() as f64 / elapsed.as_secs_f64().max(1e-9),
        seen.borrow().len(),
        last_new.borrow()
    );
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        6 => Just(200u16),
        1 => prop::sample::select(vec![
            201u16, 204, 206, 299, 301, 302, 304, 400, 401, 403, 404, 408, 413, 429, 500, 502, 503,
            504, 599
        ]),
        1 => 100u16..600,
    ]
}

fn retry_after() -> impl Strategy<Value = Option<Vec<u8>>> {
    prop_oneof![
        3 => Just(None),
        1 => (0u64..100_000).prop_map(|s| Some(s.to_string().into_bytes())),
        1 => prop::sample::select(vec![
            "Wed, 21 Oct 2015 07:28:00 GMT",
            "Fri, 31 Dec 9999 23:59:59 GMT",
            "99999999999999999999999999",
            "-1",
            "1.5",
            " 7 ",
            "",
            "soon",
        ])
        .prop_map(|s| Some(s.as_bytes().to_vec())),
        1 => vec(any::<u8>(), 0..40).prop_map(Some),
    ]
}

#[test]
fn fuzz_response() {
    let signer = signer();
    let now = SystemTime::now();
    let corpus = corpus_bodies("response");
    fuzz(
        "response",
        (input(), status(), retry_after()),
        |(input, status, retry_after)| {
            let body = input.bytes(&corpus, &signer, now);
            with_input(
                check_response(&signer, *status, retry_after.as_deref(), &body, now),
                &body,
            )
        },
    );
}

#[test]
fn fuzz_types() {
    let signer = signer();
    let now = SystemTime::now();
    let mut corpus = corpus_bodies("response");
    corpus.extend(corpus_bodies("callback"));
    fuzz("types", input(), |input| {
        let body = input.bytes(&corpus, &signer, now);
        with_input(check_types(&body), &body)
    });
}

#[test]
fn fuzz_callback() {
    let signer = signer();
    let now = SystemTime::now();
    let corpus = corpus_bodies("callback");
    fuzz("callback", input(), |input| {
        let body = input.bytes(&corpus, &signer, now);
        with_input(check_callback(&signer, &body, now), &body)
    });
}

/// A request body of the shape the SDKs send, signed or not.
fn request_value(rng: &mut Rng, signer: &Signer, now: SystemTime) -> Value {
    let signed = signer.sign_at(now);
    let mut value = json!({
        "partner_id": PARTNER_ID,
        "timestamp": signed.timestamp,
        "signature": signed.signature,
        "user_id": rng.pick(&["user-1", "demo-user", "", " ", "ü", "a\u{0}b"]),
        "job_id": rng.pick(&["job-1", "demo-approved", "", "x".repeat(300).as_str()]),
    });
    if rng.chance(30) {
        value["history"] = rng
            .pick(&[
                json!(true),
                json!("true"),
                json!(1),
                json!("yes"),
                json!(null),
            ])
            .clone();
    }
    if rng.chance(30) {
        value["image_links"] = rng
            .pick(&[json!(false), json!("False"), json!(0), json!(2), json!([])])
            .clone();
    }
    if rng.chance(10) {
        value["partner_id"] = json!(rng.pick(&["85", "0850", "", "086"]));
    }
    value
}

#[test]
fn fuzz_emulator_request() {
    let signer = signer();
    let now = SystemTime::now();
    let corpus = corpus_bodies("emulator-request");
    fuzz("emulator_request", input(), |input| {
        let body = match input {
            Input::Bytes(bytes) => bytes.clone(),
            Input::Structured(seed) => {
                let mut rng = Rng(*seed);
                if rng.chance(20) {
                    structured(rng.next(), &corpus, &signer, now)
                } else {
                    let mut value = request_value(&mut rng, &signer, now);
                    for _ in 0..rng.below(4) {
                        mutate_value(&mut value, &mut rng);
                    }
                    let mut bytes = expand_deep(value.to_string(), &mut rng);
                    if rng.chance(30) {
                        mutate_bytes(&mut bytes, &mut rng, b"{\"partner_id\":\"085\"}");
                    }
                    bytes
                }
            }
        };
        with_input(check_emulator(&signer, &body), &body)
    });
}

/// A zip as smileid-core writes it (a selfie, two liveness frames, ID info),
/// the seed the structured inputs of `fuzz_upload_zip` mutate.
fn canonical_zip() -> Vec<u8> {
    use smileid_core::{ImageIdInfo, ImageJob, ImageJobType, Operation, parse_response};
    let jpeg = |tag: u8| bytes::Bytes::from(vec![0xFF, 0xD8, 0xFF, 0xE0, tag, tag, 0xFF, 0xD9]);
    let job = ImageJob::new(ImageJobType::BiometricKyc, "u", "j")
        .selfie(jpeg(0))
        .liveness_frames([jpeg(1), jpeg(2)])
        .id_info(
            ImageIdInfo::new("NG")
                .id_type("NIN_V2")
                .id_number("00000000000"),
        );
    let signer = signer();
    let mut answer = http::Response::new(bytes::Bytes::from_static(
        smileid_testkit::fixtures::PREP_UPLOAD_RESPONSE.as_bytes(),
    ));
    *answer.status_mut() = http::StatusCode::OK;
    let prep = job.prep_upload();
    assert!(prep.validate().is_ok());
    let prepared = parse_response(&prep, &signer, answer, SystemTime::now()).expect("prepared");
    job.build_zip(&prepared, &signer, SystemTime::now())
        .expect("a zip")
        .to_vec()
}

#[test]
fn fuzz_upload_zip() {
    let seed = canonical_zip();
    fuzz("upload_zip", input(), |input| {
        let body = match input {
            Input::Bytes(bytes) => bytes.clone(),
            Input::Structured(n) => {
                let mut rng = Rng(*n);
                let mut bytes = seed.clone();
                for _ in 0..=rng.below(4) {
                    mutate_bytes(&mut bytes, &mut rng, b"PK\x03\x04info.json");
                }
                bytes
            }
        };
        let class = smileid_emulator::fuzz_upload_zip(&body);
        with_input(Ok(class), &body)
    });
}

// ----- the corpus, replayed -----

#[test]
fn corpus_replays_cleanly() {
    let signer = signer();
    let now = SystemTime::now();
    let mut checked = 0;
    for (name, body) in corpus("response") {
        for status in [200, 400, 429, 502] {
            check_response(&signer, status, Some(b"1"), &body, now)
                .unwrap_or_else(|e| panic!("response/{name} at {status}: {e}"));
        }
        check_types(&body).unwrap_or_else(|e| panic!("types: response/{name}: {e}"));
        checked += 1;
    }
    for (name, body) in corpus("callback") {
        check_callback(&signer, &body, now).unwrap_or_else(|e| panic!("callback/{name}: {e}"));
        // Re-signed now, the same body is accepted or refused on its merits.
        if let Ok(mut value) = serde_json::from_slice::<Value>(&body) {
            resign(&mut value, &signer, format_timestamp(now));
            check_callback(&signer, value.to_string().as_bytes(), now)
                .unwrap_or_else(|e| panic!("callback/{name} re-signed: {e}"));
        }
        check_types(&body).unwrap_or_else(|e| panic!("types: callback/{name}: {e}"));
        checked += 1;
    }
    for (name, body) in corpus("emulator-request") {
        check_emulator(&signer, &body).unwrap_or_else(|e| panic!("emulator-request/{name}: {e}"));
        checked += 1;
    }
    assert!(checked >= 10, "{checked}");
}

#[test]
fn the_fixtures_verify_as_they_are() {
    // The corpus seeds are real, signed documents: without mutation they
    // take the success paths, so the fuzzer starts from deep inside.
    let signer = signer();
    let now = SystemTime::now();
    for name in [
        "job_status_complete_history_images.json",
        "job_status_pending_string_result.json",
        "job_status_rejected_enhanced_kyc.json",
    ] {
        let body = std::fs::read(corpus_dir("response").join(name)).unwrap();
        let outcome = check_response(&signer, 200, None, &body, now).unwrap();
        assert!(outcome.starts_with("ok"), "{name}: {outcome}");
    }
    let body = std::fs::read(corpus_dir("callback").join("callback_enhanced_kyc.json")).unwrap();
    let mut value: Value = serde_json::from_slice(&body).unwrap();
    resign(&mut value, &signer, format_timestamp(now));
    assert_eq!(
        check_callback(&signer, value.to_string().as_bytes(), now),
        Ok("ok".to_owned())
    );
}

#[test]
fn structured_inputs_are_deterministic_and_varied() {
    let signer = signer();
    let now = SystemTime::now();
    let corpus = corpus_bodies("response");
    let a = structured(42, &corpus, &signer, now);
    let b = structured(42, &corpus, &signer, now);
    assert_eq!(a, b);
    let distinct: HashSet<Vec<u8>> = (0..200)
        .map(|seed| structured(seed, &corpus, &signer, now))
        .collect();
    assert!(distinct.len() > 150, "{}", distinct.len());
    // Some of them are 10,000 levels deep.
    assert!(
        (0..2000).any(|seed| {
            let body = structured(seed, &corpus, &signer, now);
            body.windows(10_000).any(|w| w.iter().all(|&b| b == b'['))
        }),
        "no deep nesting generated"
    );
}
