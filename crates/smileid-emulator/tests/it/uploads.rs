//! Image jobs on the wire: the prep upload's odd shapes, `2215` and its
//! `retry` recovery, a token in place of the signature, the presigned PUT
//! target (exactly 200, S3-style XML refusals), and zips as the official
//! SDKs write them (base64 images, string ids, junk and duplicate entries).

use std::io::Write as _;
use std::time::{Duration, SystemTime};

use http::Method;
use serde_json::{Value, json};
use smileid_emulator::{Emulator, EmulatorHandle};

use crate::common::Raw;
use crate::lookups::{assert_error, post};

const JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0xFF, 0xD9,
];

fn prep_request(emu: &EmulatorHandle, job_id: &str, job_type: Value) -> Value {
    let signed = emu.signer().sign_at(SystemTime::now());
    json!({
        "smile_client_id": emu.partner_id(),
        "timestamp": signed.timestamp,
        "signature": signed.signature,
        "partner_params": {"user_id": "img-user", "job_id": job_id, "job_type": job_type},
        "file_name": "selfie.zip",
        "model_parameters": {},
        "callback_url": "",
        "source_sdk": "rest_api",
        "source_sdk_version": "0",
    })
}

async fn prep(raw: &Raw, body: &Value) -> Value {
    let answer = post(raw, "upload", body).await;
    assert_eq!(answer.status, 200, "{:?}", answer.json());
    answer.json()
}

/// A zip of `entries` (name, bytes, deflated?).
fn zip_of(entries: &[(&str, &[u8], bool)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes, deflate) in entries {
        let method = if *deflate {
            zip::CompressionMethod::Deflated
        } else {
            zip::CompressionMethod::Stored
        };
        let options = zip::write::SimpleFileOptions::default().compression_method(method);
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// `bytes` with every `from` replaced by `to` (of the same length).
fn replace_all(mut bytes: Vec<u8>, from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut i = 0;
    while i + from.len() <= bytes.len() {
        if &bytes[i..i + from.len()] == from {
            bytes[i..i + from.len()].copy_from_slice(to);
        }
        i += 1;
    }
    bytes
}

async fn put(
    raw: &Raw,
    url: &str,
    body: Vec<u8>,
    content_type: Option<&str>,
) -> crate::common::Answer {
    raw.try_send(Method::PUT, url, body, content_type)
        .await
        .expect("an answer")
}

async fn final_result(raw: &Raw, emu: &EmulatorHandle, job_id: &str) -> Value {
    for _ in 0..200 {
        let answer = raw
            .job_status(&crate::common::signed_request(emu, "img-user", job_id))
            .await;
        let doc = answer.json();
        if doc["job_complete"] == true {
            return doc["result"].clone();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("job {job_id} never completed");
}

#[tokio::test]
async fn a_prep_upload_answers_a_presigned_link_on_the_emulator() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    let answer = prep(&raw, &prep_request(&emu, "img-1", json!(4))).await;
    assert_eq!(answer["code"], "2202");
    assert_eq!(answer["camera_config"], "null");
    let sid = answer["smile_job_id"].as_str().unwrap();
    assert_eq!(sid.len(), 10, "zero-padded");
    let ref_id = answer["ref_id"].as_str().unwrap();
    assert!(
        ref_id.starts_with(&format!("{}-{sid}-", emu.partner_id())),
        "{ref_id}"
    );
    let url = answer["upload_url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!(
            "{}/uploads/{sid}/selfie.zip?",
            emu.base_url().trim_end_matches("/v1")
        )),
        "{url}"
    );
    assert!(
        url.contains("Expires=") && url.contains("Signature="),
        "{url}"
    );

    // Before the zip: 2314 with a string result.
    let status = raw
        .job_status(&crate::common::signed_request(&emu, "img-user", "img-1"))
        .await
        .json();
    assert_eq!(
        (status["code"].clone(), status["result"].clone()),
        (json!("2314"), json!("No zip file received"))
    );

    // A wrong content type, a GET, a tampered signature: refused S3-style.
    let zip = zip_of(&[
        (
            "info.json",
            br#"{"images":[{"image_type_id":0,"file_name":"s.jpg"}]}"#,
            true,
        ),
        ("s.jpg", JPEG, false),
    ]);
    let refused = put(&raw, url, zip.clone(), Some("application/octet-stream")).await;
    assert_eq!(refused.status, 403);
    assert!(String::from_utf8_lossy(&refused.body).contains("<Code>SignatureDoesNotMatch</Code>"));
    let tampered = url.replace("Signature=", "Signature=A");
    let refused = put(&raw, &tampered, zip.clone(), Some("application/zip")).await;
    assert_eq!(refused.status, 403);
    let wrong_method = raw
        .try_send(Method::POST, url, zip.clone(), Some("application/zip"))
        .await
        .unwrap();
    assert_eq!(wrong_method.status, 405);

    // The PUT: exactly 200, empty; a second PUT of the same zip too.
    for _ in 0..2 {
        let accepted = put(&raw, url, zip.clone(), Some("application/zip")).await;
        assert_eq!(accepted.status, 200);
        assert!(accepted.body.is_empty());
    }
    let result = final_result(&raw, &emu, "img-1").await;
    assert_eq!(result["ResultCode"], "0840");
    assert_eq!(result["SmileJobID"], sid);
}

#[tokio::test]
async fn job_ids_are_single_use_unless_retry_asks_before_the_zip() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    let first = prep(&raw, &prep_request(&emu, "img-2", json!(1))).await;
    assert_error(
        &post(&raw, "upload", &prep_request(&emu, "img-2", json!(1))).await,
        400,
        "2215",
    );
    let mut retry = prep_request(&emu, "img-2", json!(1));
    retry["retry"] = json!(true);
    let again = prep(&raw, &retry).await;
    assert_eq!(again["smile_job_id"], first["smile_job_id"]);
    let zip = zip_of(&[
        ("info.json", br#"{"id_info":{"country":"NG","id_type":"NIN_V2","id_number":"00000000000","entered":"true"},"images":[{"image_type_id":0,"file_name":"selfie.jpg","image":""}]}"#, true),
        ("selfie.jpg", JPEG, false),
    ]);
    let accepted = put(
        &raw,
        again["upload_url"].as_str().unwrap(),
        zip,
        Some("application/zip"),
    )
    .await;
    assert_eq!(accepted.status, 200);
    assert_error(&post(&raw, "upload", &retry).await, 400, "2215");
    // An ID lookup's job id is taken too.
    let result = final_result(&raw, &emu, "img-2").await;
    assert_eq!(result["ResultCode"], "0810");
    assert_eq!(result["IDNumber"], "00000000000");
}

#[tokio::test]
async fn odd_prep_uploads_of_official_clients_are_read() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    let mut body = prep_request(&emu, "img-3", json!("6"));
    body["model_parameters"] = json!("");
    body["allow_new_enroll"] = json!("false");
    body["use_enrolled_image"] = json!(false);
    body["country"] = json!("NG");
    body["metadata"] = json!([{"name": "sdk", "value": "python"}]);
    let answer = prep(&raw, &body).await;
    assert_eq!(answer["code"], "2202");
    // Not an image job type, or no ids: 2213.
    assert_error(
        &post(&raw, "upload", &prep_request(&emu, "img-4", json!(5))).await,
        400,
        "2213",
    );
    let mut no_ids = prep_request(&emu, "img-5", json!(1));
    no_ids["partner_params"] = json!({"job_type": 1});
    assert_error(&post(&raw, "upload", &no_ids).await, 400, "2213");
    // A wrong signature: 2205.
    let mut forged = prep_request(&emu, "img-6", json!(1));
    forged["signature"] = json!("AAAA");
    assert_error(&post(&raw, "upload", &forged).await, 401, "2205");
}

#[tokio::test]
async fn zips_as_the_official_sdks_write_them_are_read() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    let answer = prep(&raw, &prep_request(&emu, "img-7", json!(6))).await;
    let b64 = "/9j/4AAQSkZJRgABAQAAAQABAAD/2Q==";
    let info = json!({
        "package_information": {"apiVersion": {"buildNumber": 0, "majorVersion": 2, "minorVersion": 0}, "language": "python"},
        "misc_information": {"retry": false, "partner_params": {"user_id": "img-user", "job_id": "img-7", "job_type": "6"}},
        "id_info": {"country": "NG", "id_type": null, "entered": false},
        "images": [
            {"image_type_id": "2", "image": b64, "file_name": ""},
            {"image_type_id": 1, "image": "", "file_name": "/tmp/sdk/id_front.jpg"},
            {"image_type_id": 4, "image": "", "file_name": "missing.jpg"}
        ],
        "server_information": answer["upload_url"].clone(),
    });
    let info = serde_json::to_vec(&info).unwrap();
    let zip = zip_of(&[
        ("info.json", &info, false),
        ("id_front.jpg", JPEG, true),
        // Renamed below: the zip writer refuses duplicate names.
        ("id_front.jpX", b"not the first", false),
        ("base64imgString", b"junk", false),
        ("security_info.json", b"{}", true),
    ]);
    let zip = replace_all(zip, b"id_front.jpX", b"id_front.jpg");
    let accepted = put(
        &raw,
        answer["upload_url"].as_str().unwrap(),
        zip,
        Some("application/zip"),
    )
    .await;
    assert_eq!(accepted.status, 200);
    let result = final_result(&raw, &emu, "img-7").await;
    assert_eq!(result["ResultCode"], "0810", "{result}");
    assert_eq!(result["ResultType"], "Document Verification");

    // Without the document front the job is rejected, not the PUT.
    let answer = prep(&raw, &prep_request(&emu, "img-8", json!(6))).await;
    let zip = zip_of(&[
        ("info.json", br#"{"id_info":{"country":"NG"},"images":[{"image_type_id":0,"file_name":"selfie.jpg"}]}"#, true),
        ("selfie.jpg", JPEG, false),
    ]);
    assert_eq!(
        put(
            &raw,
            answer["upload_url"].as_str().unwrap(),
            zip,
            Some("application/zip")
        )
        .await
        .status,
        200
    );
    let result = final_result(&raw, &emu, "img-8").await;
    assert_eq!(result["ResultCode"], "0911");
}

#[tokio::test]
async fn a_zip_bomb_is_a_corrupt_zip_not_a_hang() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    let answer = prep(&raw, &prep_request(&emu, "img-9", json!(4))).await;
    let zeros = vec![0u8; 20 * 1024 * 1024];
    let zip = zip_of(&[("info.json", &zeros, true)]);
    assert!(zip.len() < 1024 * 1024, "the bomb is small: {}", zip.len());
    assert_eq!(
        put(
            &raw,
            answer["upload_url"].as_str().unwrap(),
            zip,
            Some("application/zip")
        )
        .await
        .status,
        200
    );
    let result = final_result(&raw, &emu, "img-9").await;
    assert_eq!(result["ResultCode"], "0903");
}

#[tokio::test]
async fn an_expired_link_is_access_denied() {
    let emu = Emulator::builder()
        .upload_url_ttl(Duration::ZERO)
        .start()
        .await
        .expect("starts");
    let raw = Raw::new(&emu);
    let answer = prep(&raw, &prep_request(&emu, "img-10", json!(4))).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let refused = put(
        &raw,
        answer["upload_url"].as_str().unwrap(),
        zip_of(&[]),
        Some("application/zip"),
    )
    .await;
    assert_eq!(refused.status, 403);
    let text = String::from_utf8_lossy(&refused.body);
    assert!(
        text.contains("<Code>AccessDenied</Code><Message>Request has expired</Message>"),
        "{text}"
    );
    assert_eq!(refused.headers["content-type"], "application/xml");
}

#[tokio::test]
async fn a_web_token_prepares_an_upload_for_its_own_job() {
    let emu = Emulator::start().await.expect("starts");
    let raw = Raw::new(&emu);
    let signed = emu.signer().sign_at(SystemTime::now());
    let mint = json!({
        "partner_id": emu.partner_id(), "timestamp": signed.timestamp, "signature": signed.signature,
        "user_id": "img-user", "job_id": "img-web", "product": "biometric_kyc",
        "callback_url": "https://partner.example/cb",
    });
    let token = post(&raw, "token", &mint).await.json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let tokened = |job_id: &str| {
        let mut body = prep_request(&emu, job_id, json!(1));
        let map = body.as_object_mut().unwrap();
        map.remove("timestamp");
        map.remove("signature");
        map.insert("token".into(), token.clone().into());
        body
    };
    assert_eq!(prep(&raw, &tokened("img-web")).await["code"], "2202");
    assert_error(
        &post(&raw, "upload", &tokened("img-other")).await,
        401,
        "2205",
    );
}
