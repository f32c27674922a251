//! Image jobs: `info.json` written exactly as the protocol's canonical
//! example (key order included) and read leniently; the prep-upload answer
//! and request; `image_type_id` in every form.

use serde_json::{Value, json};
use smileid_testkit::fixtures;
use smileid_types::image_job::{IdInfo, ImageKind, MiscInformation, ServerInformation};
use smileid_types::{
    ApiErrorBody, ImageType, InfoImage, InfoJson, JobType, JobTypeValue, PartnerParams,
    PrepUploadRequest, PrepUploadResponse, decode,
};

/// `text` without the whitespace outside strings: the compact form of a
/// JSON document, keys left in their written order.
fn minify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in text.chars() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

fn params() -> PartnerParams {
    PartnerParams::new(
        "user-1-001",
        "job-1-001",
        JobTypeValue::number(JobType::BiometricKyc),
    )
}

#[test]
fn info_json_is_written_exactly_as_the_canonical_example() {
    let server: PrepUploadResponse = decode(fixtures::PREP_UPLOAD_RESPONSE.as_bytes()).unwrap();
    let mut info = InfoJson::new(vec![
        InfoImage::file(ImageKind::Selfie, "selfie.jpg"),
        InfoImage::file(ImageKind::Liveness, "liveness_1.jpg"),
        InfoImage::file(ImageKind::Liveness, "liveness_2.jpg"),
    ]);
    info.misc_information = Some(MiscInformation::new(
        "3ne9FwALc/4mR4oSsX2uQXC7SOxMKgPxXQjL1kqBC7Y=",
        "2026-08-21T12:00:01.500Z",
        params(),
        "085",
        "https://partner.example.com/smileid/callback",
    ));
    let mut id_info = IdInfo::default();
    id_info.first_name = Some("Adaeze".into());
    id_info.last_name = Some("Okafor".into());
    id_info.country = Some("NG".into());
    id_info.id_type = Some("NIN_V2".into());
    id_info.id_number = Some("00000000000".into());
    id_info.dob = Some("1991-03-14".into());
    id_info.entered = true;
    info.id_info = Some(id_info);
    info.server_information = Some(ServerInformation::Response(server));
    assert_eq!(
        serde_json::to_string(&info).unwrap(),
        minify(fixtures::INFO_JSON_BIOMETRIC_KYC)
    );
    // And it reads back to the same value.
    let back: InfoJson = decode(fixtures::INFO_JSON_BIOMETRIC_KYC.as_bytes()).unwrap();
    assert_eq!(back, info);
}

#[test]
fn the_fixture_reads_as_written() {
    let info: InfoJson = decode(fixtures::INFO_JSON_BIOMETRIC_KYC.as_bytes()).unwrap();
    let misc = info.misc_information.unwrap();
    assert_eq!(misc.timestamp.as_deref(), Some("2026-08-21T12:00:01.500Z"));
    assert!(!misc.retry);
    assert_eq!(misc.user_data.country_code, "+");
    assert_eq!(info.images.len(), 3);
    assert!(info.id_info.unwrap().entered);
    assert!(matches!(
        info.server_information,
        Some(ServerInformation::Response(ref r)) if r.smile_job_id == "0000012305"
    ));
}

#[test]
fn info_json_is_read_leniently() {
    // Only `images`; ids as strings; `entered` and `retry` as bools; the
    // base64 form with `file_name` absent; a server_information that is the
    // upload URL; unknown keys.
    let info: InfoJson = decode(
        br#"{"images": [
                {"image_type_id": "0", "file_name": "a.jpg"},
                {"image_type_id": 6, "image": "/9j/4AAQ", "file_name": null},
                {"image_type_id": 12, "image": "", "file_name": "portrait.jpg"}
            ],
            "id_info": {"entered": true, "country": "NG", "id_number": null, "citizenship": "NG"},
            "misc_information": {"retry": false, "partner_params": {"user_id": "u", "job_id": "j", "job_type": "6"}},
            "server_information": "https://uploads.example/selfie.zip?sig=1",
            "security_info": {"x": 1}}"#,
    )
    .unwrap();
    let types: Vec<ImageType> = info.images.iter().map(|i| i.image_type_id).collect();
    assert_eq!(
        types,
        [
            ImageType::SelfieFile,
            ImageType::LivenessBase64,
            ImageType::Other(12)
        ]
    );
    assert_eq!(info.images[1].file_name, "");
    assert_eq!(info.images[1].image, "/9j/4AAQ");
    let id = info.id_info.as_ref().unwrap();
    assert!(id.entered);
    assert_eq!(id.id_number, None);
    assert_eq!(id.extra["citizenship"], json!("NG"));
    let misc = info.misc_information.as_ref().unwrap();
    assert_eq!(
        misc.partner_params.job_type(),
        Some(JobType::DocumentVerification)
    );
    assert!(matches!(
        &info.server_information,
        Some(ServerInformation::UploadUrl(url)) if url.starts_with("https://uploads.example/")
    ));
    assert_eq!(info.extra["security_info"], json!({"x": 1}));
    assert_eq!(info.package_information, None);

    let text_bools: InfoJson = decode(
        br#"{"images": [], "id_info": {"entered": "false"}, "misc_information": {"retry": "true"}}"#,
    )
    .unwrap();
    assert!(!text_bools.id_info.unwrap().entered);
    assert!(text_bools.misc_information.unwrap().retry);
}

#[test]
fn info_json_refusals_name_the_path() {
    for (body, path, message) in [
        (&br#"{"id_info": {}}"#[..], "", "missing field `images`"),
        (
            br#"{"images": [{"image_type_id": -1}]}"#,
            "images[0].image_type_id",
            "image_type_id -1 is negative",
        ),
        (
            br#"{"images": [{"image_type_id": "selfie"}]}"#,
            "images[0].image_type_id",
            "is not a number",
        ),
        (
            br#"{"images": [{"image_type_id": 4294967296}]}"#,
            "images[0].image_type_id",
            "out of range",
        ),
        (
            br#"{"images": [{}]}"#,
            "images[0]",
            "missing field `image_type_id`",
        ),
    ] {
        let err = decode::<InfoJson>(body).unwrap_err();
        assert_eq!(err.path(), path, "{}", String::from_utf8_lossy(body));
        assert!(
            err.message().contains(message),
            "{}: {}",
            String::from_utf8_lossy(body),
            err.message()
        );
    }
}

#[test]
fn every_image_type_id() {
    for id in 0..=7 {
        let t = ImageType::from_id(id);
        assert_eq!(t.id(), id);
        assert!(t.kind().is_some());
        assert_eq!(t.is_base64(), matches!(id, 2 | 3 | 6 | 7));
        let kind = t.kind().unwrap();
        let same_kind = if t.is_base64() {
            ImageType::base64(kind)
        } else {
            ImageType::file(kind)
        };
        assert_eq!(same_kind, t);
        assert_eq!(serde_json::to_value(t).unwrap(), json!(id));
        assert_eq!(
            serde_json::from_value::<ImageType>(json!(id.to_string())).unwrap(),
            t
        );
    }
    assert_eq!(ImageType::file(ImageKind::IdBack).id(), 5);
    assert_eq!(ImageType::base64(ImageKind::IdFront).id(), 3);
}

#[test]
fn prep_upload_answer_and_errors() {
    let answer: PrepUploadResponse = decode(fixtures::PREP_UPLOAD_RESPONSE.as_bytes()).unwrap();
    assert_eq!(
        answer.code.as_deref(),
        Some(PrepUploadResponse::SUCCESS_CODE)
    );
    assert_eq!(answer.smile_job_id, "0000012305");
    assert!(
        answer
            .upload_url
            .starts_with("https://smile-uploads-test.s3.")
    );
    assert!(
        answer
            .upload_url
            .contains("Signature=dGhpcy1pcy1ub3QtYS1yZWFsLXNpZw%3D%3D")
    );
    assert_eq!(
        answer.ref_id.as_deref(),
        Some("085-0000012305-6f1c2a9e4b7d4c0e8a5f3b2d1e0c9a87")
    );
    assert_eq!(answer.camera_config, Some(json!("null")));
    // Written back in the order received.
    assert_eq!(
        serde_json::to_string(&answer).unwrap(),
        minify(fixtures::PREP_UPLOAD_RESPONSE)
    );

    let numeric: PrepUploadResponse =
        decode(br#"{"code": 2202, "upload_url": "https://u.example/z", "smile_job_id": 12305}"#)
            .unwrap();
    assert_eq!(numeric.code.as_deref(), Some("2202"));
    assert_eq!(numeric.smile_job_id, "12305");
    for missing in [
        &br#"{"code": "2202", "smile_job_id": "1"}"#[..],
        br#"{"code": "2202", "upload_url": "https://u.example/z"}"#,
    ] {
        assert!(decode::<PrepUploadResponse>(missing).is_err());
    }
    let exists: ApiErrorBody = decode(fixtures::ERROR_2215_JOB_EXISTS.as_bytes()).unwrap();
    assert_eq!(exists.code.as_deref(), Some("2215"));
}

#[test]
fn prep_upload_request_writes_the_protocol_keys_and_reads_odd_shapes() {
    let mut request = PrepUploadRequest::new("085", "2026-08-21T12:00:01.000Z", "c2ln", params());
    request.source_sdk = Some("rest_api".into());
    request.source_sdk_version = Some("0.1.0".into());
    assert_eq!(
        serde_json::to_string(&request).unwrap(),
        r#"{"smile_client_id":"085","timestamp":"2026-08-21T12:00:01.000Z","signature":"c2ln","partner_params":{"user_id":"user-1-001","job_id":"job-1-001","job_type":1},"file_name":"selfie.zip","model_parameters":{},"callback_url":"","source_sdk":"rest_api","source_sdk_version":"0.1.0"}"#
    );
    request.use_enrolled_image = Some(true);
    request.retry = Some(true);
    let value = serde_json::to_value(&request).unwrap();
    assert_eq!(value["use_enrolled_image"], json!(true));
    assert_eq!(value["retry"], json!(true));

    // What official clients send: model_parameters "", allow_new_enroll as
    // a string, identity keys at the top level, metadata.
    let odd: PrepUploadRequest = decode(
        br#"{"smile_client_id": "085", "timestamp": 1787313600000, "signature": "c2ln",
             "partner_params": {"user_id": "u", "job_id": "j", "job_type": 6},
             "model_parameters": "", "callback_url": null, "allow_new_enroll": "false",
             "country": "NG", "metadata": {"sdk": "x"}}"#,
    )
    .unwrap();
    assert!(odd.model_parameters.is_empty());
    assert_eq!(odd.callback_url, "");
    assert_eq!(odd.allow_new_enroll, Some(false));
    assert_eq!(odd.timestamp, "1787313600000");
    assert_eq!(odd.file_name, "");
    assert_eq!(odd.extra["country"], json!("NG"));
    assert!(odd.extra.contains_key("metadata"));
    let err = decode::<PrepUploadRequest>(
        br#"{"smile_client_id": "085", "timestamp": "t", "signature": "s", "partner_params": {}, "model_parameters": [1]}"#,
    )
    .unwrap_err();
    assert_eq!(err.path(), "model_parameters");
    let _: Value = serde_json::to_value(&odd).unwrap();
}
