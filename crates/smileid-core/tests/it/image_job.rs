//! Image jobs: the table of what each job type needs, the prep upload and
//! its checked answer, the zip as the protocol writes it, the PUT, and the
//! whole submission counted on a scripted transport (the prep upload never
//! re-sent, the PUT retried, the way back named).

use std::io::Read as _;
use std::time::Duration;

use bytes::Bytes;
use serde_json::{Value, json};
use smileid_core::{
    Client, Environment, Error, ImageIdInfo, ImageJob, ImageJobType, InputProblem, Operation,
    RetryPolicy, SubmitOptions, TransportError, TransportErrorKind, UploadStep, UploadUrl,
    WaitPolicy, ZipUpload, build_request, parse_response,
};
use smileid_testkit::fixtures::{ERROR_2215_JOB_EXISTS, PREP_UPLOAD_RESPONSE, S3_ERROR_EXPIRED};

use crate::support::*;

/// The smallest bytes that pass the JPEG signature check, made distinct.
fn jpeg(tag: u8) -> Bytes {
    Bytes::from(vec![
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', tag,
    ])
}

fn png() -> Bytes {
    Bytes::from_static(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0])
}

fn nin() -> ImageIdInfo {
    ImageIdInfo::new("NG")
        .id_type("NIN_V2")
        .id_number("00000000000")
        .first_name("Adaeze")
        .last_name("Okafor")
        .date_of_birth("1991-03-14")
}

/// The canonical job of the protocol's `info.json` example.
fn biometric_kyc() -> ImageJob {
    ImageJob::new(ImageJobType::BiometricKyc, "user-1-001", "job-1-001")
        .selfie(jpeg(0))
        .liveness_frames([jpeg(1), jpeg(2)])
        .id_info(nin())
        .callback_url("https://partner.example.com/smileid/callback")
}

fn document(job_type: ImageJobType) -> ImageJob {
    ImageJob::new(job_type, "user-6-001", "job-6-001")
        .selfie(jpeg(0))
        .id_front(jpeg(1))
        .id_info(ImageIdInfo::new("NG").id_type("PASSPORT"))
}

fn refused(job: &ImageJob) -> (&'static str, InputProblem) {
    match job.prep_upload().validate() {
        Err(Error::InvalidInput(e)) => {
            assert_eq!(e.operation(), "prep_upload");
            (e.field(), e.problem())
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

#[test]
fn each_job_type_needs_what_the_protocol_table_says() {
    use ImageJobType::*;
    let selfie_only = |t| ImageJob::new(t, "u", "j").selfie(jpeg(0));
    // Accepted.
    for job in [
        biometric_kyc(),
        // An ID front replaces Biometric KYC's lookup fields.
        selfie_only(BiometricKyc).id_front(jpeg(1)),
        selfie_only(SmartSelfieAuthentication),
        selfie_only(SmartSelfieRegistration)
            .liveness_frame(jpeg(1))
            .allow_new_enroll(),
        document(DocumentVerification),
        document(DocumentVerification).id_back(png()),
        ImageJob::new(DocumentVerification, "u", "j")
            .id_front(jpeg(1))
            .id_info(ImageIdInfo::new("KE"))
            .use_enrolled_image(),
        document(EnhancedDocumentVerification),
    ] {
        assert!(job.prep_upload().validate().is_ok(), "{job:?}");
    }
    // Refused, each naming the field and the rule.
    let cases: Vec<(ImageJob, &str, InputProblem)> = vec![
        (
            ImageJob::new(SmartSelfieRegistration, "u", "j"),
            "selfie",
            InputProblem::Missing,
        ),
        (selfie_only(BiometricKyc), "id_info", InputProblem::Missing),
        (
            selfie_only(BiometricKyc).id_info(ImageIdInfo::new("NG").id_number("1")),
            "id_type",
            InputProblem::Missing,
        ),
        (
            selfie_only(BiometricKyc).id_info(ImageIdInfo::new("NG").id_type("NIN_V2")),
            "id_number",
            InputProblem::Missing,
        ),
        (
            biometric_kyc().id_back(jpeg(3)),
            "id_back",
            InputProblem::NotApplicable,
        ),
        (
            selfie_only(SmartSelfieAuthentication).id_front(jpeg(1)),
            "id_front",
            InputProblem::NotApplicable,
        ),
        (
            selfie_only(SmartSelfieAuthentication).id_info(nin()),
            "id_info",
            InputProblem::NotApplicable,
        ),
        (
            selfie_only(SmartSelfieAuthentication).allow_new_enroll(),
            "allow_new_enroll",
            InputProblem::NotApplicable,
        ),
        (
            biometric_kyc().use_enrolled_image(),
            "use_enrolled_image",
            InputProblem::NotApplicable,
        ),
        (
            selfie_only(DocumentVerification).id_info(ImageIdInfo::new("NG")),
            "id_front",
            InputProblem::Missing,
        ),
        (
            selfie_only(DocumentVerification).id_front(jpeg(1)),
            "country",
            InputProblem::Missing,
        ),
        (
            ImageJob::new(DocumentVerification, "u", "j")
                .id_front(jpeg(1))
                .id_info(ImageIdInfo::new("NG")),
            "selfie",
            InputProblem::Missing,
        ),
        (
            selfie_only(EnhancedDocumentVerification)
                .id_front(jpeg(1))
                .id_info(ImageIdInfo::new("NG")),
            "id_type",
            InputProblem::Missing,
        ),
        (
            document(DocumentVerification).id_info(ImageIdInfo::new("Nigeria")),
            "country",
            InputProblem::InvalidCountry,
        ),
        (
            biometric_kyc().id_info(nin().date_of_birth("14/03/1991")),
            "dob",
            InputProblem::InvalidDate,
        ),
        (
            selfie_only(SmartSelfieRegistration).callback_url("http://example.com/cb"),
            "callback_url",
            InputProblem::InsecureUrl,
        ),
        (
            ImageJob::new(SmartSelfieRegistration, "", "j").selfie(jpeg(0)),
            "user_id",
            InputProblem::Empty,
        ),
    ];
    for (job, field, problem) in cases {
        assert_eq!(refused(&job), (field, problem), "{job:?}");
    }
}

#[test]
fn images_must_be_jpeg_or_png_and_within_the_caps() {
    let job = |selfie: Bytes| {
        ImageJob::new(ImageJobType::SmartSelfieRegistration, "u", "j").selfie(selfie)
    };
    assert!(job(png()).prep_upload().validate().is_ok());
    assert_eq!(
        refused(&job(Bytes::from_static(b"GIF89a......"))),
        ("selfie", InputProblem::NotAnImage)
    );
    assert_eq!(
        refused(&job(Bytes::from_static(b"/9j/4AAQSkZJRg=="))),
        ("selfie", InputProblem::NotAnImage),
        "base64 text is not an image"
    );
    assert_eq!(refused(&job(Bytes::new())), ("selfie", InputProblem::Empty));
    let mut big = vec![0u8; smileid_core::MAX_IMAGE_BYTES + 1];
    big[..3].copy_from_slice(&[0xFF, 0xD8, 0xFF]);
    assert_eq!(
        refused(&job(Bytes::from(big))),
        (
            "selfie",
            InputProblem::TooLong {
                len: smileid_core::MAX_IMAGE_BYTES + 1,
                max: smileid_core::MAX_IMAGE_BYTES
            }
        )
    );
    let frames = job(jpeg(0))
        .liveness_frames((0..=smileid_core::MAX_LIVENESS_FRAMES).map(|i| jpeg(i as u8)));
    assert_eq!(
        refused(&frames),
        (
            "liveness",
            InputProblem::TooMany {
                count: smileid_core::MAX_LIVENESS_FRAMES + 1,
                max: smileid_core::MAX_LIVENESS_FRAMES
            }
        )
    );
    assert_eq!(
        refused(&job(jpeg(0)).liveness_frame(Bytes::from_static(b"not an image"))),
        ("liveness", InputProblem::NotAnImage)
    );
    // Five images of 10 MiB pass one by one, not together.
    let mut ten = vec![0u8; smileid_core::MAX_IMAGE_BYTES];
    ten[..3].copy_from_slice(&[0xFF, 0xD8, 0xFF]);
    let ten = Bytes::from(ten);
    let heavy = job(ten.clone()).liveness_frames(std::iter::repeat_n(ten, 4));
    assert!(matches!(
        refused(&heavy),
        ("images", InputProblem::TooLong { .. })
    ));
}

fn prep_body(job: &ImageJob) -> Value {
    let base = Environment::Sandbox.base_url().unwrap();
    let request = build_request(&job.prep_upload(), &signer(), &base, epoch()).unwrap();
    assert_eq!(request.method(), http::Method::POST);
    assert_eq!(request.uri(), "https://testapi.smileidentity.com/v1/upload");
    serde_json::from_slice(request.body()).unwrap()
}

#[test]
fn the_prep_upload_sends_use_enrolled_image_only_for_documents() {
    let body = prep_body(&biometric_kyc());
    assert_eq!(body["partner_params"]["job_type"], json!(1));
    assert_eq!(body["smile_client_id"], json!("085"));
    assert!(body.get("partner_id").is_none());
    assert!(body.get("use_enrolled_image").is_none());
    assert!(body.get("retry").is_none());
    assert!(body.get("allow_new_enroll").is_none());
    let body = prep_body(&document(ImageJobType::DocumentVerification));
    assert_eq!(body["use_enrolled_image"], json!(false));
    assert_eq!(body["callback_url"], json!(""));
    let body = prep_body(&biometric_kyc().allow_new_enroll().resume());
    assert_eq!(body["allow_new_enroll"], json!(true));
    assert_eq!(body["retry"], json!(true));
}

fn prep_answer(
    job: &ImageJob,
    status: u16,
    body: &str,
) -> Result<smileid_core::PreparedUpload, Error> {
    parse_response(
        &job.prep_upload(),
        &signer(),
        response(status, body.to_owned()),
        epoch(),
    )
}

#[test]
fn the_prep_upload_answer_is_checked() {
    let job = biometric_kyc();
    let prepared = prep_answer(&job, 200, PREP_UPLOAD_RESPONSE).unwrap();
    assert_eq!(prepared.smile_job_id(), "0000012305");
    assert_eq!(prepared.user_id(), "user-1-001");
    let fixture: Value = serde_json::from_str(PREP_UPLOAD_RESPONSE).unwrap();
    assert_eq!(prepared.upload_url().as_str(), fixture["upload_url"]);
    assert_eq!(prepared.upload_url().expires(), Some(1_787_314_500));
    // The presigned query stays out of Debug.
    assert!(!format!("{prepared:?}").contains("Signature=dGhp"));

    let with = |key: &str, value: Value| {
        let mut body = fixture.clone();
        body[key] = value;
        body.to_string()
    };
    let decode_path = |body: String| match prep_answer(&job, 200, &body) {
        Err(Error::Decode(d)) => {
            assert_eq!(d.operation(), "prep_upload");
            if d.path().is_empty() {
                // A missing key is reported at its parent, by name.
                assert!(d.message().contains("upload_url"), "{d}");
                return "upload_url".to_owned();
            }
            d.path().to_owned()
        }
        other => panic!("expected a decode error for {body}: {other:?}"),
    };
    for bad in [
        "/v1/upload/selfie.zip",
        "ftp://uploads.example.com/selfie.zip",
        "https://user:secret@uploads.example.com/selfie.zip",
        "https://uploads.example.com/selfie.zip#frag",
        "",
    ] {
        assert_eq!(
            decode_path(with("upload_url", json!(bad))),
            "upload_url",
            "{bad}"
        );
    }
    assert_eq!(decode_path(with("smile_job_id", json!(""))), "smile_job_id");
    let mut no_url = fixture.clone();
    no_url.as_object_mut().unwrap().remove("upload_url");
    assert_eq!(decode_path(no_url.to_string()), "upload_url");
    // A number as the job id and the code is read as text.
    let prepared = prep_answer(
        &job,
        200,
        &with("smile_job_id", json!(12305)).replace("\"2202\"", "2202"),
    )
    .unwrap();
    assert_eq!(prepared.smile_job_id(), "12305");

    // A 2xx answer whose code is not 2202 is an API error.
    match prep_answer(
        &job,
        200,
        r#"{"code": "2213", "error": "Missing parameter"}"#,
    ) {
        Err(Error::Api(e)) => assert_eq!(e.code(), Some("2213")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn job_already_exists_is_its_own_error_with_the_way_back() {
    let err = prep_answer(&biometric_kyc(), 400, ERROR_2215_JOB_EXISTS).unwrap_err();
    let Error::JobAlreadyExists(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!((e.user_id(), e.job_id()), ("user-1-001", "job-1-001"));
    assert!(!e.resume_refused());
    assert_eq!(err.api_code(), Some("2215"));
    assert_eq!(err.operation(), "prep_upload");
    assert!(err.hint().unwrap().contains("resume"), "{err}");
    assert!(err.to_string().contains("already exists"), "{err}");

    let err = prep_answer(&biometric_kyc().resume(), 400, ERROR_2215_JOB_EXISTS).unwrap_err();
    let Error::JobAlreadyExists(e) = &err else {
        panic!("{err:?}")
    };
    assert!(e.resume_refused());
    assert!(err.hint().unwrap().contains("query job status"), "{err}");
}

/// Reads `zip` back: each entry's name, method and bytes, in order.
fn entries(zip: &[u8]) -> Vec<(String, zip::CompressionMethod, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes).unwrap();
            (file.name().to_owned(), file.compression(), bytes)
        })
        .collect()
}

#[test]
fn the_zip_is_the_protocols_canonical_example() {
    let job = biometric_kyc();
    let prepared = prep_answer(&job, 200, PREP_UPLOAD_RESPONSE).unwrap();
    let at = epoch() + Duration::from_millis(1500);
    let zip = job.build_zip(&prepared, &signer(), at).unwrap();
    let entries = entries(&zip);
    let names: Vec<&str> = entries.iter().map(|(n, _, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "info.json",
            "selfie.jpg",
            "liveness_1.jpg",
            "liveness_2.jpg"
        ]
    );
    assert_eq!(entries[0].1, zip::CompressionMethod::Deflated);
    for (name, method, _) in &entries[1..] {
        assert_eq!(*method, zip::CompressionMethod::Stored, "{name}");
    }
    assert_eq!(entries[1].2, jpeg(0));
    assert_eq!(entries[3].2, jpeg(2));
    let info: Value = serde_json::from_slice(&entries[0].2).unwrap();
    let expected: Value =
        serde_json::from_str(smileid_testkit::fixtures::INFO_JSON_BIOMETRIC_KYC).unwrap();
    assert_eq!(info, expected);
    // Key for key in the protocol's order, not only the same JSON value.
    let text = String::from_utf8(entries[0].2.clone()).unwrap();
    assert!(
        text.starts_with(r#"{"package_information":{"apiVersion""#),
        "{text}"
    );
}

#[test]
fn id_info_follows_the_job_type() {
    let prepared = prep_answer(&biometric_kyc(), 200, PREP_UPLOAD_RESPONSE).unwrap();
    let info_of = |job: ImageJob| -> Value {
        let zip = job.build_zip(&prepared, &signer(), epoch()).unwrap();
        serde_json::from_slice(&entries(&zip)[0].2).unwrap()
    };
    let doc = info_of(document(ImageJobType::DocumentVerification).id_back(png()));
    assert_eq!(
        doc["id_info"],
        json!({"country": "NG", "id_type": "PASSPORT", "entered": "false"})
    );
    let names: Vec<Value> = doc["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["file_name"].clone())
        .collect();
    assert_eq!(
        names,
        [
            json!("selfie.jpg"),
            json!("id_front.jpg"),
            json!("id_back.png")
        ]
    );
    assert_eq!(doc["images"][2]["image_type_id"], json!(5));
    let selfie =
        info_of(ImageJob::new(ImageJobType::SmartSelfieAuthentication, "u", "j").selfie(jpeg(0)));
    assert_eq!(selfie["id_info"], json!({"entered": "false"}));
    // An ID front instead of the lookup fields: entered is "false".
    let card = info_of(
        ImageJob::new(ImageJobType::BiometricKyc, "u", "j")
            .selfie(jpeg(0))
            .id_front(jpeg(1))
            .id_info(nin()),
    );
    assert_eq!(
        card["id_info"],
        json!({"country": "NG", "id_type": "NIN_V2", "entered": "false"})
    );
    assert_eq!(card["misc_information"]["retry"], json!("false"));
}

fn upload_url() -> UploadUrl {
    let fixture: Value = serde_json::from_str(PREP_UPLOAD_RESPONSE).unwrap();
    UploadUrl::parse(fixture["upload_url"].as_str().unwrap()).unwrap()
}

#[test]
fn the_put_is_the_zip_alone_to_the_url_as_received() {
    let base = Environment::Sandbox.base_url().unwrap();
    let zip = Bytes::from_static(b"PK\x05\x06 zip bytes");
    let put = ZipUpload::new(upload_url(), zip.clone());
    let request = build_request(&put, &signer(), &base, epoch()).unwrap();
    assert_eq!(request.method(), http::Method::PUT);
    assert_eq!(request.uri().to_string(), upload_url().as_str());
    assert_eq!(request.body(), &zip);
    let headers: Vec<&str> = request.headers().keys().map(|k| k.as_str()).collect();
    assert_eq!(headers, ["content-type", "content-length"]);
    assert_eq!(request.headers()["content-type"], "application/zip");
    assert_eq!(
        request.headers()["content-length"],
        zip.len().to_string().as_str()
    );
    assert_eq!(
        request.extensions().get::<smileid_core::RequestTimeout>(),
        Some(&smileid_core::RequestTimeout(
            smileid_core::DEFAULT_UPLOAD_TIMEOUT
        ))
    );

    // Plain http only when the base URL is an opted-in loopback URL.
    let http_url = UploadUrl::parse("http://127.0.0.1:9000/upload/1?Expires=1").unwrap();
    let err = build_request(
        &ZipUpload::new(http_url.clone(), zip.clone()),
        &signer(),
        &base,
        epoch(),
    )
    .unwrap_err();
    assert!(
        matches!(&err, Error::Decode(d) if d.path() == "upload_url" && d.operation() == "upload_zip"),
        "{err:?}"
    );
    let loopback = Environment::custom_insecure_loopback("http://127.0.0.1:9000/v1")
        .base_url()
        .unwrap();
    assert!(
        build_request(
            &ZipUpload::new(http_url, zip.clone()),
            &signer(),
            &loopback,
            epoch()
        )
        .is_ok()
    );
    let elsewhere = UploadUrl::parse("http://uploads.example.com/1").unwrap();
    assert!(
        build_request(
            &ZipUpload::new(elsewhere, zip),
            &signer(),
            &loopback,
            epoch()
        )
        .is_err()
    );
}

#[test]
fn the_put_wants_exactly_200_and_reads_s3_errors() {
    let put = ZipUpload::new(upload_url(), Bytes::from_static(b"PK"));
    assert!(parse_response(&put, &signer(), response(200, ""), epoch()).is_ok());
    match parse_response(&put, &signer(), response(204, ""), epoch()) {
        Err(Error::Api(e)) => assert_eq!(e.status(), 204),
        other => panic!("{other:?}"),
    }
    match parse_response(&put, &signer(), response(403, S3_ERROR_EXPIRED), epoch()) {
        Err(Error::Api(e)) => {
            assert_eq!(e.operation(), "upload_zip");
            assert_eq!(e.code(), Some("AccessDenied"));
            assert_eq!(e.message(), Some("Request has expired"));
        }
        other => panic!("{other:?}"),
    }
}

fn prep_ok() -> Reply {
    respond(200, PREP_UPLOAD_RESPONSE)
}

fn fail(kind: TransportErrorKind) -> Reply {
    Reply::Fail(TransportError::msg(kind, "scripted failure"))
}

fn submit(
    replies: Vec<Reply>,
    options: &SubmitOptions,
) -> (
    Result<smileid_core::SubmittedJob, Error>,
    Scripted,
    FakeTimer,
) {
    let transport = Scripted::new(replies);
    let timer = FakeTimer::default();
    let client = client(transport.clone(), timer.clone());
    let result = block_on(client.submit_job(biometric_kyc(), options));
    (result, transport, timer)
}

#[test]
fn submit_job_prepares_zips_and_puts() {
    let (result, transport, _) =
        submit(vec![prep_ok(), respond(200, "")], &SubmitOptions::default());
    let job = result.unwrap();
    assert_eq!(job.smile_job_id, "0000012305");
    assert_eq!(
        (job.user_id.as_str(), job.job_id.as_str()),
        ("user-1-001", "job-1-001")
    );
    assert!(job.status.is_none());
    let requests = transport.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[0].uri(),
        "https://testapi.smileidentity.com/v1/upload"
    );
    assert_eq!(requests[1].method(), http::Method::PUT);
    assert_eq!(
        requests[1].uri().host(),
        Some("smile-uploads-test.s3.us-west-2.amazonaws.com")
    );
    // No signature, key or auth header on the PUT.
    for name in requests[1].headers().keys() {
        assert!(
            !["authorization", "x-signature", "signature"].contains(&name.as_str()),
            "{name}"
        );
    }
    let names: Vec<String> = entries(requests[1].body())
        .into_iter()
        .map(|e| e.0)
        .collect();
    assert_eq!(
        names,
        [
            "info.json",
            "selfie.jpg",
            "liveness_1.jpg",
            "liveness_2.jpg"
        ]
    );
}

#[test]
fn submit_job_waits_when_asked() {
    let options = SubmitOptions::default().wait(WaitPolicy::fixed(Duration::from_secs(1)));
    let (result, transport, _) = submit(
        vec![
            prep_ok(),
            respond(200, ""),
            respond(200, pending_body()),
            respond(200, complete_body()),
        ],
        &options,
    );
    let job = result.unwrap();
    assert!(job.status.unwrap().is_complete());
    assert_eq!(transport.count(), 4);
    let poll: Value = serde_json::from_slice(transport.requests()[2].body()).unwrap();
    assert_eq!(poll["user_id"], json!("user-1-001"));
}

#[test]
fn the_put_is_retried_and_the_prep_upload_never() {
    // A 503 and a reset on the PUT are retried (the same bytes each time).
    let (result, transport, _) = submit(
        vec![
            prep_ok(),
            respond(503, "<Error><Code>SlowDown</Code></Error>"),
            fail(TransportErrorKind::Io),
            respond(200, ""),
        ],
        &SubmitOptions::default(),
    );
    assert!(result.is_ok(), "{result:?}");
    let requests = transport.requests();
    assert_eq!(requests.len(), 4);
    assert_eq!(requests[1].body(), requests[3].body());

    // The prep upload: a timeout or a 500 is sent once, and says the
    // outcome is unknown; a refused connection is retried.
    for (reply, kind) in [
        (
            fail(TransportErrorKind::Timeout),
            smileid_core::ErrorKind::OutcomeUnknown,
        ),
        (
            respond(500, r#"{"code": "2201", "error": "System error"}"#),
            smileid_core::ErrorKind::Api,
        ),
    ] {
        let (result, transport, _) = submit(vec![reply], &SubmitOptions::default());
        let err = result.unwrap_err();
        assert_eq!(err.kind(), kind);
        assert_eq!(err.operation(), "prep_upload");
        assert!(err.hint().unwrap().contains("query job status"), "{err}");
        assert_eq!(transport.count(), 1);
    }
    let (result, transport, _) = submit(
        vec![
            fail(TransportErrorKind::Connect),
            prep_ok(),
            respond(200, ""),
        ],
        &SubmitOptions::default(),
    );
    assert!(result.is_ok());
    assert_eq!(transport.count(), 3);
}

#[test]
fn a_failed_put_names_the_created_job_and_the_way_back() {
    let (result, transport, _) = submit(
        vec![prep_ok(), respond(403, S3_ERROR_EXPIRED)],
        &SubmitOptions::default(),
    );
    let err = result.unwrap_err();
    assert_eq!(transport.count(), 2, "a 403 is final");
    let Error::UploadIncomplete(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(e.smile_job_id(), "0000012305");
    assert_eq!(e.job_id(), "job-1-001");
    assert_eq!(e.step(), UploadStep::Put);
    match e.cause() {
        Error::Api(api) => {
            assert_eq!(api.code(), Some("AccessDenied"));
            assert_eq!(api.message(), Some("Request has expired"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.operation(), "upload_zip");
    assert!(err.to_string().contains("0000012305"), "{err}");
    assert!(err.hint().unwrap().contains("resume"), "{err}");

    // An upload URL the client may not use: refused before any PUT.
    let http =
        PREP_UPLOAD_RESPONSE.replace("https://smile-uploads-test", "http://smile-uploads-test");
    let (result, transport, _) = submit(vec![respond(200, http)], &SubmitOptions::default());
    let err = result.unwrap_err();
    assert_eq!(transport.count(), 1);
    let Error::UploadIncomplete(e) = &err else {
        panic!("{err:?}")
    };
    assert!(
        matches!(e.cause(), Error::Decode(d) if d.path() == "upload_url"),
        "{err:?}"
    );
}

#[test]
fn a_hanging_put_is_cut_by_the_upload_timeout() {
    let transport = Scripted::new([prep_ok(), Reply::Hang]);
    let timer = FakeTimer::default();
    let client = Client::builder(PARTNER_ID, API_KEY)
        .retry_policy(RetryPolicy::none())
        .upload_timeout(Duration::from_secs(300))
        .build(transport.clone(), timer.clone())
        .unwrap();
    let err = block_on(client.submit_job(biometric_kyc(), &SubmitOptions::default())).unwrap_err();
    let Error::UploadIncomplete(e) = &err else {
        panic!("{err:?}")
    };
    assert!(matches!(e.cause(), Error::Transport(t) if t.kind() == TransportErrorKind::Timeout));
    // Not the 30 s attempt timeout of API calls.
    assert_eq!(timer.elapsed(), Duration::from_secs(300));
}

#[test]
fn nothing_is_sent_for_an_invalid_job() {
    let transport = Scripted::new([]);
    let client = client(transport.clone(), FakeTimer::default());
    let job = ImageJob::new(ImageJobType::DocumentVerification, "u", "j").selfie(jpeg(0));
    let err = block_on(client.submit_job(job, &SubmitOptions::default())).unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput(e) if e.field() == "id_front"),
        "{err:?}"
    );
    assert_eq!(transport.count(), 0);
}
