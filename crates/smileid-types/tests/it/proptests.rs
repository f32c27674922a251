//! Decoders never panic on arbitrary bytes or arbitrary JSON, and whatever
//! decodes survives a round trip.

use proptest::prelude::*;
use serde_json::{Map, Value};
use smileid_types::{
    ApiErrorBody, CallbackBody, DecodeError, JobResult, JobStatusRequest, JobStatusResponse, decode,
};

const FIXTURES: &[&[u8]] = &[
    smileid_testkit::fixtures::JOB_STATUS_COMPLETE_HISTORY_IMAGES.as_bytes(),
    smileid_testkit::fixtures::JOB_STATUS_PENDING_STRING_RESULT.as_bytes(),
    smileid_testkit::fixtures::JOB_STATUS_REJECTED_ENHANCED_KYC.as_bytes(),
    smileid_testkit::fixtures::CALLBACK_ENHANCED_KYC.as_bytes(),
    smileid_testkit::fixtures::ERROR_2205_UNAUTHORIZED.as_bytes(),
];

/// Keys the decoders know, so generated objects hit the typed paths.
const KEYS: &[&str] = &[
    "timestamp",
    "signature",
    "job_complete",
    "job_success",
    "code",
    "result",
    "history",
    "image_links",
    "selfie_image",
    "error",
    "kyc_receipt",
    "ResultCode",
    "ResultText",
    "SmileJobID",
    "PartnerParams",
    "user_id",
    "job_id",
    "job_type",
    "Actions",
    "Liveness_Check",
    "Verify_ID_Number",
    "ConfidenceValue",
    "IsFinalResult",
    "IDNumberPreviouslyRegistered",
    "UserIDsOfPreviousRegistrants",
    "Antifraud",
    "FullData",
    "partner_id",
    "source_sdk",
    "Photo",
];

const WORDS: &[&str] = &[
    "true",
    "false",
    "True",
    "0810",
    "1013",
    "99",
    "97.000000",
    "1",
    "4",
    "Passed",
    "Not Applicable",
    "Under Review",
    "",
    " ",
    "null",
    "{}",
    "\u{0}",
    "é",
];

fn arb_string() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(WORDS).prop_map(str::to_owned),
        ".{0,12}",
    ]
}

fn arb_key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(KEYS).prop_map(str::to_owned),
        1 => ".{0,8}",
    ]
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        // Floats that print and parse back exactly.
        any::<i32>().prop_map(|i| Value::from(f64::from(i) / 8.0)),
        arb_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((arb_key(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Replaces one value inside `doc`, found by following `choices`.
fn mutate(doc: &mut Value, choices: &[usize], replacement: Value) {
    match choices.split_first() {
        None => *doc = replacement,
        Some((&c, rest)) => match doc {
            Value::Object(m) if !m.is_empty() => {
                let key = m.keys().nth(c % m.len()).cloned().unwrap_or_default();
                match m.get_mut(&key) {
                    Some(child) => mutate(child, rest, replacement),
                    None => *doc = replacement,
                }
            }
            Value::Array(a) if !a.is_empty() => {
                let n = a.len();
                mutate(&mut a[c % n], rest, replacement)
            }
            _ => *doc = replacement,
        },
    }
}

/// Decodes as `T`; on success checks the round trip, on failure checks the
/// error is bounded.
fn check<T>(bytes: &[u8]) -> Result<(), TestCaseError>
where
    T: serde::de::DeserializeOwned + serde::Serialize + PartialEq + std::fmt::Debug,
{
    match decode::<T>(bytes) {
        Ok(v) => {
            let out = serde_json::to_vec(&v).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let again: T = decode(&out).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(v, again);
        }
        Err(e) => check_error(&e)?,
    }
    Ok(())
}

fn check_error(e: &DecodeError) -> Result<(), TestCaseError> {
    let shown = e.to_string();
    prop_assert!(shown.len() < 2_000, "{} bytes", shown.len());
    prop_assert!(!e.message().is_empty());
    Ok(())
}

fn check_all(bytes: &[u8]) -> Result<(), TestCaseError> {
    check::<JobStatusResponse>(bytes)?;
    check::<JobResult>(bytes)?;
    check::<ApiErrorBody>(bytes)?;
    check::<CallbackBody>(bytes)?;
    check::<JobStatusRequest>(bytes)?;
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        check_all(&bytes)?;
    }

    #[test]
    fn damaged_fixtures(
        which in 0..FIXTURES.len(),
        cut in any::<prop::sample::Index>(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
    ) {
        let mut bytes = FIXTURES[which].to_vec();
        for (at, b) in flips {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        let keep = cut.index(bytes.len() + 1);
        bytes.truncate(keep);
        check_all(&bytes)?;
    }

    #[test]
    fn arbitrary_json(value in arb_json()) {
        let bytes = serde_json::to_vec(&value).unwrap();
        check_all(&bytes)?;
    }

    #[test]
    fn fixtures_with_a_value_replaced(
        which in 0..FIXTURES.len(),
        choices in prop::collection::vec(any::<usize>(), 1..5),
        replacement in arb_json(),
    ) {
        let mut doc: Value = serde_json::from_slice(FIXTURES[which]).unwrap();
        mutate(&mut doc, &choices, replacement);
        let bytes = serde_json::to_vec(&doc).unwrap();
        check_all(&bytes)?;
        // A data error's path starts at a key of the document.
        if let Err(e) = decode::<JobStatusResponse>(&bytes) {
            let first = e.path().split(['.', '[']).next().unwrap_or("");
            if !first.is_empty() {
                prop_assert!(doc.get(first).is_some(), "path {} not in {}", e.path(), doc);
            }
        }
    }

    #[test]
    fn objects_with_known_keys(entries in prop::collection::vec((arb_key(), arb_json()), 0..12)) {
        let value = Value::Object(entries.into_iter().collect());
        let bytes = serde_json::to_vec(&value).unwrap();
        check_all(&bytes)?;
        let mut with_complete = value;
        with_complete["job_complete"] = Value::Bool(true);
        check_all(&serde_json::to_vec(&with_complete).unwrap())?;
    }
}
