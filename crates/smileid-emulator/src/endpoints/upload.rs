//! Image jobs: `POST /v1/upload` (the prep upload, which creates the job and
//! answers with a presigned upload link on the emulator itself) and
//! `PUT /uploads/{smile_job_id}/selfie.zip` (the stand-in for Smile ID's S3
//! bucket: S3-style XML errors, exactly 200 on success).
//!
//! Once a zip is accepted it is read leniently ([`crate::upload_zip`]); the
//! job is pending for the processing time, then complete with a result for
//! its job type (a preset from the admin API wins), and its callback is
//! sent. An unreadable zip, or one without the images its job type needs,
//! gives a Rejected result (`0903` Zip Corrupt, `0911` images unusable),
//! never a PUT error, as the real upload target does not look inside.

use std::sync::Arc;

use axum::extract::{RawQuery, Request, State as AxumState};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::StatusCode;
use http::header::{CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use serde_json::{Map, Value};
use smileid_types::image_job::{ImageKind, PrepUploadRequest, PrepUploadResponse};

use super::entry::{self, LookupCode};
use crate::http::body::read_body;
use crate::http::faults::{bad_gateway_page, close_without_answer};
use crate::http::reply::Reply;
use crate::http::signed::{Field, Signed, SignedRequest};
use crate::results::preset_result;
use crate::spec::{FaultKind, JobSpec, PresetOutcome};
use crate::state::{LinkRefusal, PendingUpload, Prepared, State};
use crate::upload_zip::{UploadContents, ZipLimits, read_upload_zip};

/// Smile ID's words for a job id used twice.
const JOB_EXISTS: &str = "Job already exists. Did you mean to set the retry flag to true?";

/// The job types submitted as images.
const IMAGE_JOB_TYPES: [u32; 5] = [1, 2, 4, 6, 11];

/// Largest zip the upload target accepts (S3 would take more; the zip
/// reader's limits apply inside).
pub(crate) const MAX_ZIP_BODY: usize = 64 * 1024 * 1024;

impl SignedRequest for PrepUploadRequest {
    const REQUIRED: &'static [Field] = &[
        Field::text("smile_client_id"),
        Field::text("timestamp"),
        Field::text("signature"),
        Field::object("partner_params"),
    ];

    fn envelope(&self) -> (&str, &str, &str) {
        (
            &self.smile_client_id,
            &self.timestamp,
            self.signature.as_str(),
        )
    }

    /// The hosted page prepares its uploads with its web token.
    const ACCEPTS_WEB_TOKEN: bool = true;

    fn job_ids(&self) -> (&str, &str) {
        (
            self.partner_params.user_id().unwrap_or(""),
            self.partner_params.job_id().unwrap_or(""),
        )
    }
}

/// `POST /v1/upload`: `{"upload_url", "ref_id", "smile_job_id",
/// "camera_config", "code": "2202"}`, `2215` for a job id already used
/// (unless `retry` is asked before its zip arrived), `2213` for a missing
/// id or a job type that is not an image job.
pub(crate) async fn prep_upload(
    AxumState(state): AxumState<Arc<State>>,
    signed: Signed<PrepUploadRequest>,
) -> Reply {
    let req = &signed.request;
    let (user_id, job_id) = match entry::job_ids(&req.partner_params) {
        Ok(ids) => ids,
        Err(reply) => return reply,
    };
    let job_type = req
        .partner_params
        .job_type()
        .map(smileid_types::JobType::number);
    let Some(job_type) = job_type.filter(|t| IMAGE_JOB_TYPES.contains(t)) else {
        return Reply::error(
            StatusCode::BAD_REQUEST,
            "2213",
            "A required parameter is missing: partner_params.job_type (1, 2, 4, 6 or 11)",
        );
    };
    let callback_url = req.callback_url.trim().to_owned();
    if !callback_url.is_empty()
        && let Err(reply) = entry::callback_url(Some(&callback_url))
    {
        return reply;
    }
    let pending = PendingUpload {
        user_id,
        job_id,
        job_type,
        smile_job_id: String::new(),
        callback_url,
        partner_params: entry::echoed_partner_params(&req.partner_params, job_type),
        use_enrolled_image: req.use_enrolled_image.unwrap_or(false) && matches!(job_type, 6 | 11),
        zip_received: false,
    };
    let upload = match state.prepare_upload(pending, req.retry.unwrap_or(false)) {
        Prepared::Upload(upload) => upload,
        Prepared::Exists => return Reply::error(StatusCode::BAD_REQUEST, "2215", JOB_EXISTS),
    };
    let mut answer = PrepUploadResponse::new(
        state.upload_url(&upload.smile_job_id),
        upload.smile_job_id.clone(),
    );
    let partner_id = state.signer.partner_id();
    let hash = state
        .signer
        .sign(format!("ref:{}", upload.smile_job_id))
        .signature
        .bytes()
        .filter(u8::is_ascii_alphanumeric)
        .take(32)
        .map(char::from)
        .collect::<String>()
        .to_ascii_lowercase();
    answer.ref_id = Some(format!("{partner_id}-{}-{hash}", upload.smile_job_id));
    answer.camera_config = Some(Value::String("null".into()));
    Reply::json(
        StatusCode::OK,
        serde_json::to_vec(&answer).unwrap_or_default(),
    )
}

/// An S3-style XML error.
fn s3_error(status: StatusCode, code: &str, message: &str) -> Reply {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message><RequestId>EMULATOR</RequestId></Error>"
    );
    Reply {
        status,
        content_type: "application/xml",
        body: Bytes::from(body),
        header: None,
    }
}

/// The value of `key` in a query string, as sent (not decoded: our own
/// values need no decoding).
fn query_value<'q>(query: &'q str, key: &str) -> Option<&'q str> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == key).then_some(v)
    })
}

/// `PUT /uploads/{smile_job_id}/selfie.zip?...`: the presigned link checked
/// (`403` `SignatureDoesNotMatch` or `AccessDenied` "Request has expired"),
/// `Content-Type: application/zip` required (the presigned signature covers
/// it), the zip read, exactly `200` with an empty body.
pub(crate) async fn put_zip(
    AxumState(state): AxumState<Arc<State>>,
    RawQuery(query): RawQuery,
    req: Request,
) -> Response {
    let (parts, body) = req.into_parts();
    let query = query.unwrap_or_default();
    let upload = match state.check_upload_link(
        parts.uri.path(),
        query_value(&query, "Expires"),
        query_value(&query, "Signature"),
    ) {
        Ok(upload) => upload,
        Err(LinkRefusal::BadSignature) => {
            return s3_error(
                StatusCode::FORBIDDEN,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided.",
            )
            .into_response();
        }
        Err(LinkRefusal::Expired) => {
            return s3_error(StatusCode::FORBIDDEN, "AccessDenied", "Request has expired")
                .into_response();
        }
        Err(LinkRefusal::NoSuchUpload) => {
            return s3_error(
                StatusCode::NOT_FOUND,
                "NoSuchUpload",
                "The specified upload does not exist.",
            )
            .into_response();
        }
    };
    let content_type = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    if content_type != Some("application/zip") {
        return s3_error(
            StatusCode::FORBIDDEN,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. \
             Check your key and signing method. (Content-Type must be application/zip)",
        )
        .into_response();
    }
    let timeout = state.read_timeout.max(std::time::Duration::from_secs(60));
    let zip = match read_body(&parts.headers, body, MAX_ZIP_BODY, timeout).await {
        Ok(zip) => zip,
        Err(reply) if reply.status == StatusCode::PAYLOAD_TOO_LARGE => {
            return s3_error(
                StatusCode::BAD_REQUEST,
                "EntityTooLarge",
                "Your proposed upload exceeds the maximum allowed size",
            )
            .closing()
            .into_response();
        }
        Err(reply) => return reply.into_response(),
    };
    if let Some(answer) = upload_fault(&state, &upload).await {
        return answer;
    }
    if state.mark_zip_received(&upload.smile_job_id) {
        let limits = ZipLimits::default();
        let contents = read_upload_zip(&zip, &limits);
        let spec = job_spec(&state, &upload, contents.as_ref().ok(), contents.is_err());
        if let Err(e) = state.add_uploaded_job(spec, upload.smile_job_id.clone()) {
            tracing::warn!(error = %e, "could not register an uploaded job");
        }
    }
    Reply {
        status: StatusCode::OK,
        content_type: "application/xml",
        body: Bytes::new(),
        header: None,
    }
    .into_response()
}

/// The answer a fault for `upload_zip` gives instead of accepting the zip
/// (`None`: no fault, or only latency). As on the `/v1` endpoints, except
/// that error bodies are S3's XML: an `http_error`'s `code` and `message`
/// become its `Code` and `Message`.
async fn upload_fault(state: &State, upload: &PendingUpload) -> Option<Response> {
    let decision = state.take_upload_faults(&upload.user_id, &upload.job_id);
    if !decision.delay.is_zero() {
        tokio::time::sleep(decision.delay).await;
    }
    let answer = match decision.action? {
        FaultKind::HttpError {
            status,
            code,
            message,
        } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            s3_error(status, &code, &message).into_response()
        }
        FaultKind::Html502 => bad_gateway_page(),
        FaultKind::RateLimited { retry_after_secs } => s3_error(
            StatusCode::TOO_MANY_REQUESTS,
            "SlowDown",
            "Please reduce your request rate.",
        )
        .with_header(RETRY_AFTER, HeaderValue::from(retry_after_secs))
        .into_response(),
        FaultKind::DropConnection => close_without_answer(),
        // Refused for `upload_zip` when the fault is set (spec validation).
        FaultKind::Latency(_) | FaultKind::TruncatedBody | FaultKind::WrongSignature => {
            return None;
        }
    };
    Some(answer)
}

/// The job of an uploaded zip: its result by job type, preset or test ID
/// number, or a Rejected one when the zip is unusable.
fn job_spec(
    state: &State,
    upload: &PendingUpload,
    contents: Option<&UploadContents>,
    corrupt: bool,
) -> JobSpec {
    let id_info = contents.and_then(|c| c.info.id_info.as_ref());
    let field = |get: fn(&smileid_types::image_job::IdInfo) -> &Option<String>| {
        id_info.and_then(|info| get(info).clone())
    };
    let id_number = field(|i| &i.id_number);
    let outcome = state
        .take_preset(&upload.user_id, &upload.job_id)
        .unwrap_or_else(|| match (upload.job_type, id_number.as_deref()) {
            (1, Some(number)) => match LookupCode::for_id_number(number) {
                LookupCode::Validated | LookupCode::PartialMatch => PresetOutcome::Approved,
                LookupCode::Unavailable | LookupCode::NotActivated => PresetOutcome::Error,
                _ => PresetOutcome::Rejected,
            },
            _ => PresetOutcome::Approved,
        });
    let mut result = preset_result(
        outcome,
        upload.job_type,
        &upload.user_id,
        &upload.job_id,
        &upload.smile_job_id,
    );
    result.insert("PartnerParams".into(), upload.partner_params.clone());
    // The ID info the zip carried, where the result names it.
    for (key, value) in [
        ("Country", field(|i| &i.country)),
        ("IDType", field(|i| &i.id_type)),
        ("IDNumber", id_number.clone()),
    ] {
        if let Some(value) = value
            && result.contains_key(key)
        {
            result.insert(key.into(), value.into());
        }
    }
    if let Some(problem) = unusable(upload, contents, corrupt) {
        reject(&mut result, problem);
    }
    let mut spec = JobSpec::new(upload.user_id.clone(), upload.job_id.clone())
        .job_type(upload.job_type)
        .result(Value::Object(result))
        .complete_after(state.processing_time());
    if !upload.callback_url.is_empty() {
        spec = spec.callback_url(upload.callback_url.clone());
    }
    spec
}

/// `(ResultCode, ResultText)` of a zip the job cannot use.
fn unusable(
    upload: &PendingUpload,
    contents: Option<&UploadContents>,
    corrupt: bool,
) -> Option<(&'static str, &'static str)> {
    const CORRUPT: (&str, &str) = ("0903", "Zip Corrupt");
    const UNUSABLE: (&str, &str) = ("0911", "Failed Enroll - images unusable");
    let Some(contents) = contents else {
        return corrupt.then_some(CORRUPT);
    };
    let selfie = contents.has(ImageKind::Selfie) || upload.use_enrolled_image;
    let front = contents.has(ImageKind::IdFront);
    let needs_front = matches!(upload.job_type, 6 | 11);
    let id_info = contents.info.id_info.as_ref();
    let lookup = id_info.is_some_and(|i| i.id_type.is_some() && i.id_number.is_some());
    let needs_info = upload.job_type == 1 && !front && !lookup;
    (!selfie || (needs_front && !front) || needs_info).then_some(UNUSABLE)
}

/// Turns a result into a Rejected one with `code`.
fn reject(result: &mut Map<String, Value>, (code, text): (&str, &str)) {
    result.insert("ResultCode".into(), code.into());
    result.insert("ResultText".into(), text.into());
    result.insert("ConfidenceValue".into(), "0".into());
    if let Some(Value::Object(actions)) = result.get_mut("Actions") {
        for value in actions.values_mut() {
            if value != "Not Applicable" {
                *value = "Not Done".into();
            }
        }
    }
}
