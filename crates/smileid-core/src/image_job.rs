//! Image jobs (Biometric KYC, SmartSelfie authentication and registration,
//! Document Verification, Enhanced Document Verification), protocol section
//! 13: an [`ImageJob`], checked against the table of what each job type
//! needs, its prep upload ([`PrepUpload`], `POST /v1/upload`, an entry call)
//! and its zip ([`ImageJob::build_zip`]), which
//! [`ZipUpload`](crate::ZipUpload) then PUTs to the upload URL.
//!
//! [`Client::submit_job`](crate::Client::submit_job) runs the three steps;
//! each stays public for callers that drive their own HTTP client.

use std::io::{Cursor, Write as _};
use std::time::SystemTime;

use bytes::Bytes;
use smileid_sign::Signer;
use smileid_types::JobType;
pub use smileid_types::image_job::ImageFormat;
use smileid_types::image_job::{
    IdInfo, ImageKind, InfoImage, InfoJson, MiscInformation, PrepUploadRequest, PrepUploadResponse,
    ServerInformation,
};

use crate::error::{ConfigError, DecodeError, Error, InputProblem, JobAlreadyExists};
use crate::id_verification::{IdType, refusal};
use crate::lookup::{JobIds, SOURCE_SDK, SOURCE_SDK_VERSION};
use crate::operation::{Operation, RepeatSafety, Reply, RequestContext, SignatureMode};
use crate::upload::UploadUrl;
use crate::validate::{
    MAX_CODE_LEN, MAX_TEXT_LEN, check_callback_url, check_code, check_country, check_date,
    check_one_of, check_opt_text, refuse,
};

const PREP_UPLOAD: &str = "prep_upload";

/// The largest image accepted, in bytes (10 MiB).
pub const MAX_IMAGE_BYTES: usize = 10 * 1024 * 1024;

/// The largest sum of a job's images accepted, in bytes (48 MiB): the zip
/// is this plus a few kilobytes.
pub const MAX_IMAGES_TOTAL_BYTES: usize = 48 * 1024 * 1024;

/// The most liveness frames accepted in one job (Smile ID's capture
/// clients send 8).
pub const MAX_LIVENESS_FRAMES: usize = 16;

/// The job types that are submitted as images: 1, 2, 4, 6 and 11.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ImageJobType {
    /// 1: Biometric KYC: a selfie compared with the ID authority's photo.
    BiometricKyc,
    /// 2: SmartSelfie Authentication of an enrolled user.
    SmartSelfieAuthentication,
    /// 4: SmartSelfie Registration (enrolment).
    SmartSelfieRegistration,
    /// 6: Document Verification.
    DocumentVerification,
    /// 11: Enhanced Document Verification.
    EnhancedDocumentVerification,
}

impl ImageJobType {
    /// Every image job type, in number order.
    pub const ALL: [ImageJobType; 5] = [
        Self::BiometricKyc,
        Self::SmartSelfieAuthentication,
        Self::SmartSelfieRegistration,
        Self::DocumentVerification,
        Self::EnhancedDocumentVerification,
    ];

    /// The job type.
    pub fn job_type(self) -> JobType {
        match self {
            Self::BiometricKyc => JobType::BiometricKyc,
            Self::SmartSelfieAuthentication => JobType::SmartSelfieAuthentication,
            Self::SmartSelfieRegistration => JobType::SmartSelfieRegistration,
            Self::DocumentVerification => JobType::DocumentVerification,
            Self::EnhancedDocumentVerification => JobType::EnhancedDocumentVerification,
        }
    }

    /// The image job type of `job_type`, if it is one.
    pub fn from_job_type(job_type: JobType) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.job_type() == job_type)
    }

    /// The kebab-case name (`biometric-kyc`), as the CLI takes it.
    pub fn name(self) -> &'static str {
        match self {
            Self::BiometricKyc => "biometric-kyc",
            Self::SmartSelfieAuthentication => "smartselfie-authentication",
            Self::SmartSelfieRegistration => "smartselfie-registration",
            Self::DocumentVerification => "document-verification",
            Self::EnhancedDocumentVerification => "enhanced-document-verification",
        }
    }

    /// The type named `text`: its [`name`](Self::name) or its number.
    ///
    /// ```
    /// use smileid_core::ImageJobType;
    ///
    /// assert_eq!(ImageJobType::parse("6"), Some(ImageJobType::DocumentVerification));
    /// assert_eq!(ImageJobType::parse("biometric-kyc"), Some(ImageJobType::BiometricKyc));
    /// assert_eq!(ImageJobType::parse("5"), None);
    /// ```
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        Self::ALL.into_iter().find(|t| {
            t.name().eq_ignore_ascii_case(text) || text.parse() == Ok(t.job_type().number())
        })
    }

    /// Whether a selfie may be replaced by the one on file
    /// (`use_enrolled_image`): document verification only.
    pub fn is_document(self) -> bool {
        matches!(
            self,
            Self::DocumentVerification | Self::EnhancedDocumentVerification
        )
    }
}

/// The ID info of an image job: the country, and for Biometric KYC the
/// lookup fields (ID type and number, names, date of birth, ...).
///
/// ```
/// use smileid_core::ImageIdInfo;
///
/// let info = ImageIdInfo::new("NG")
///     .id_type("NIN_V2")
///     .id_number("00000000000")
///     .first_name("Adaeze")
///     .last_name("Okafor")
///     .date_of_birth("1991-03-14");
/// assert_eq!(info.country(), "NG");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageIdInfo {
    country: String,
    id_type: Option<IdType>,
    id_number: Option<String>,
    first_name: Option<String>,
    middle_name: Option<String>,
    last_name: Option<String>,
    dob: Option<String>,
    gender: Option<String>,
    phone_number: Option<String>,
    bank_code: Option<String>,
}

macro_rules! id_info_setters {
    ($( $(#[$meta:meta])* $name:ident => $field:ident, )*) => {
        $(
            $(#[$meta])*
            #[must_use]
            pub fn $name(mut self, value: impl Into<String>) -> Self {
                self.$field = Some(value.into());
                self
            }
        )*
    };
}

impl ImageIdInfo {
    /// ID info for a document or person of `country` (ISO 3166-1
    /// alpha-2).
    pub fn new(country: impl Into<String>) -> Self {
        Self {
            country: country.into(),
            id_type: None,
            id_number: None,
            first_name: None,
            middle_name: None,
            last_name: None,
            dob: None,
            gender: None,
            phone_number: None,
            bank_code: None,
        }
    }

    /// Sets the ID type (`NIN_V2`, `PASSPORT`, ...).
    #[must_use]
    pub fn id_type(mut self, id_type: impl Into<IdType>) -> Self {
        self.id_type = Some(id_type.into());
        self
    }

    id_info_setters! {
        /// Sets the ID number.
        id_number => id_number,
        /// Sets the first name to match.
        first_name => first_name,
        /// Sets the middle name to match.
        middle_name => middle_name,
        /// Sets the last name to match.
        last_name => last_name,
        /// Sets the date of birth, `YYYY-MM-DD`.
        date_of_birth => dob,
        /// Sets the gender, `M` or `F`.
        gender => gender,
        /// Sets the phone number.
        phone_number => phone_number,
        /// Sets the bank code (for `BANK_ACCOUNT`).
        bank_code => bank_code,
    }

    /// The country.
    pub fn country(&self) -> &str {
        &self.country
    }

    /// The ID type, if set.
    pub fn id_type_value(&self) -> Option<&IdType> {
        self.id_type.as_ref()
    }

    /// The value of the field the services catalogue calls `name`
    /// (`id_number`, `first_name`, `dob`, ...), or `None` when absent or
    /// empty.
    pub fn field(&self, name: &str) -> Option<&str> {
        let dob_part = |index: usize| {
            self.dob
                .as_deref()
                .and_then(|dob| dob.split('-').nth(index))
        };
        let value = match name {
            "country" => Some(self.country.as_str()),
            "id_type" => self.id_type.as_ref().map(IdType::as_str),
            "id_number" => self.id_number.as_deref(),
            "first_name" => self.first_name.as_deref(),
            "middle_name" => self.middle_name.as_deref(),
            "last_name" => self.last_name.as_deref(),
            "dob" => self.dob.as_deref(),
            "year" => dob_part(0),
            "month" => dob_part(1),
            "day" => dob_part(2),
            "gender" => self.gender.as_deref(),
            "phone_number" => self.phone_number.as_deref(),
            "bank_code" => self.bank_code.as_deref(),
            _ => None,
        };
        value.filter(|v| !v.trim().is_empty())
    }

    fn check(&self) -> Result<(), Error> {
        let op = PREP_UPLOAD;
        check_country(op, "country", &self.country)?;
        if let Some(id_type) = &self.id_type {
            check_code(op, "id_type", id_type.as_str())?;
        }
        check_opt_text(op, "id_number", self.id_number.as_deref(), MAX_CODE_LEN)?;
        for (field, value) in [
            ("first_name", &self.first_name),
            ("middle_name", &self.middle_name),
            ("last_name", &self.last_name),
        ] {
            check_opt_text(op, field, value.as_deref(), MAX_TEXT_LEN)?;
        }
        if let Some(dob) = &self.dob {
            check_date(op, "dob", dob)?;
        }
        if let Some(gender) = &self.gender {
            check_one_of(op, "gender", gender, &["M", "F"])?;
        }
        check_opt_text(
            op,
            "phone_number",
            self.phone_number.as_deref(),
            MAX_CODE_LEN,
        )?;
        check_opt_text(op, "bank_code", self.bank_code.as_deref(), MAX_CODE_LEN)
    }

    /// `id_info` of `info.json` with `entered` as given.
    fn to_wire(&self, lookup_fields: bool, entered: bool) -> IdInfo {
        let mut info = IdInfo::default();
        info.country = Some(self.country.to_ascii_uppercase());
        info.id_type = self.id_type.as_ref().map(|t| t.as_str().to_owned());
        if lookup_fields {
            info.first_name.clone_from(&self.first_name);
            info.middle_name.clone_from(&self.middle_name);
            info.last_name.clone_from(&self.last_name);
            info.id_number.clone_from(&self.id_number);
            info.dob.clone_from(&self.dob);
            info.gender.clone_from(&self.gender);
            info.phone_number.clone_from(&self.phone_number);
            info.bank_code.clone_from(&self.bank_code);
        }
        info.entered = entered;
        info
    }
}

/// One job of images: its type and ids, the images, the ID info, and the
/// flags of the prep upload. Checked in full before anything is sent
/// ([`PrepUpload::validate`](Operation::validate)), because the prep
/// upload creates (and may bill) the job, and a failure after it strands
/// the job id.
///
/// What each job type needs (protocol 13.7), each rule checked:
///
/// | job type | selfie | liveness frames | ID front | ID back | ID info |
/// |---|---|---|---|---|---|
/// | Biometric KYC (1) | required | optional | instead of the lookup fields | – | country, ID type and number, unless an ID front is sent |
/// | SmartSelfie authentication (2), registration (4) | required | optional | – | – | – |
/// | Document Verification (6) | required unless `use_enrolled_image` | optional | required | optional | country (ID type optional) |
/// | Enhanced Document Verification (11) | required unless `use_enrolled_image` | optional | required | optional | country and ID type |
///
/// Every image must be a JPEG or PNG (by its first bytes), at most
/// [`MAX_IMAGE_BYTES`]; all of them together at most
/// [`MAX_IMAGES_TOTAL_BYTES`]; at most [`MAX_LIVENESS_FRAMES`] frames.
/// `use_enrolled_image` applies to job types 6 and 11 only,
/// `allow_new_enroll` to 1 and 4 only.
///
/// The images are [`Bytes`]: cloning a job shares them.
///
/// ```
/// use smileid_core::{ImageIdInfo, ImageJob, ImageJobType, Operation};
///
/// let jpeg = bytes::Bytes::from_static(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]);
/// let job = ImageJob::new(ImageJobType::BiometricKyc, "user-1", "job-1")
///     .selfie(jpeg.clone())
///     .liveness_frame(jpeg.clone())
///     .id_info(ImageIdInfo::new("NG").id_type("NIN_V2").id_number("00000000000"));
/// assert!(job.prep_upload().validate().is_ok());
///
/// // Document verification without the front of the document:
/// let doc = ImageJob::new(ImageJobType::DocumentVerification, "user-1", "job-2")
///     .selfie(jpeg)
///     .id_info(ImageIdInfo::new("NG"));
/// let err = doc.prep_upload().validate().unwrap_err();
/// assert!(err.to_string().contains("id_front is required"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageJob {
    job_type: ImageJobType,
    ids: JobIds,
    selfie: Option<Bytes>,
    liveness: Vec<Bytes>,
    id_front: Option<Bytes>,
    id_back: Option<Bytes>,
    id_info: Option<ImageIdInfo>,
    callback_url: String,
    use_enrolled_image: bool,
    allow_new_enroll: bool,
    resume: bool,
}

impl ImageJob {
    /// A job of `job_type` for the partner's `user_id` and a fresh,
    /// single-use `job_id`, with no images yet.
    pub fn new(
        job_type: ImageJobType,
        user_id: impl Into<String>,
        job_id: impl Into<String>,
    ) -> Self {
        Self {
            job_type,
            ids: JobIds::new(user_id.into(), job_id.into()),
            selfie: None,
            liveness: Vec::new(),
            id_front: None,
            id_back: None,
            id_info: None,
            callback_url: String::new(),
            use_enrolled_image: false,
            allow_new_enroll: false,
            resume: false,
        }
    }

    /// Sets the selfie.
    #[must_use]
    pub fn selfie(mut self, image: impl Into<Bytes>) -> Self {
        self.selfie = Some(image.into());
        self
    }

    /// Adds one liveness (proof of life) frame.
    #[must_use]
    pub fn liveness_frame(mut self, image: impl Into<Bytes>) -> Self {
        self.liveness.push(image.into());
        self
    }

    /// Adds liveness frames, in order.
    #[must_use]
    pub fn liveness_frames<I>(mut self, images: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<Bytes>,
    {
        self.liveness.extend(images.into_iter().map(Into::into));
        self
    }

    /// Sets the front of the ID card or document.
    #[must_use]
    pub fn id_front(mut self, image: impl Into<Bytes>) -> Self {
        self.id_front = Some(image.into());
        self
    }

    /// Sets the back of the ID card or document.
    #[must_use]
    pub fn id_back(mut self, image: impl Into<Bytes>) -> Self {
        self.id_back = Some(image.into());
        self
    }

    /// Sets the ID info.
    #[must_use]
    pub fn id_info(mut self, info: ImageIdInfo) -> Self {
        self.id_info = Some(info);
        self
    }

    /// Sets the URL the result is posted to (`https`, or `http` to a
    /// loopback host). Without one, read the result with job status.
    #[must_use]
    pub fn callback_url(mut self, url: impl Into<String>) -> Self {
        self.callback_url = url.into();
        self
    }

    /// Uses the selfie on file for the user instead of an uploaded one
    /// (document verification, job types 6 and 11, only).
    #[must_use]
    pub fn use_enrolled_image(mut self) -> Self {
        self.use_enrolled_image = true;
        self
    }

    /// Lets an already enrolled user enrol again (job types 1 and 4 only).
    #[must_use]
    pub fn allow_new_enroll(mut self) -> Self {
        self.allow_new_enroll = true;
        self
    }

    /// Asks for a fresh upload URL for this job, which already exists but
    /// whose zip never arrived (after [`Error::UploadIncomplete`], or
    /// [`Error::JobAlreadyExists`] for a job whose upload failed): the prep
    /// upload is sent with `"retry": true` (protocol 13.8). Smile ID's
    /// mobile SDKs do this; whether it is charged is not documented. Never
    /// done automatically.
    #[must_use]
    pub fn resume(mut self) -> Self {
        self.resume = true;
        self
    }

    /// Adds (or replaces) an extra partner param, returned in the result.
    #[must_use]
    pub fn partner_param(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.ids.set_extra(key.into(), value.into());
        self
    }

    /// The job type.
    pub fn job_type(&self) -> ImageJobType {
        self.job_type
    }

    /// The partner's user id.
    pub fn user_id(&self) -> &str {
        &self.ids.user_id
    }

    /// The partner's job id.
    pub fn job_id(&self) -> &str {
        &self.ids.job_id
    }

    /// The ID info, if set.
    pub fn id_info_value(&self) -> Option<&ImageIdInfo> {
        self.id_info.as_ref()
    }

    /// Whether this job asks to resume ([`resume`](Self::resume)).
    pub fn is_resume(&self) -> bool {
        self.resume
    }

    /// The sum of the images' sizes, in bytes.
    pub fn image_bytes(&self) -> usize {
        self.images().map(|(_, bytes)| bytes.len()).sum()
    }

    /// The prep-upload operation of this job (`POST /v1/upload`).
    pub fn prep_upload(&self) -> PrepUpload<'_> {
        PrepUpload { job: self }
    }

    /// Every image with its kind, in the zip's order: the selfie, the
    /// liveness frames, the ID front, the ID back.
    fn images(&self) -> impl Iterator<Item = (ImageKind, &Bytes)> {
        let selfie = self.selfie.iter().map(|b| (ImageKind::Selfie, b));
        let front = self.id_front.iter().map(|b| (ImageKind::IdFront, b));
        let back = self.id_back.iter().map(|b| (ImageKind::IdBack, b));
        selfie
            .chain(self.liveness.iter().map(|b| (ImageKind::Liveness, b)))
            .chain(front)
            .chain(back)
    }

    /// The checks of the type's table, the images and the fields.
    fn check(&self) -> Result<(), Error> {
        let op = PREP_UPLOAD;
        let jt = self.job_type;
        self.ids.validate(op)?;
        if !self.callback_url.is_empty() {
            check_callback_url(op, "callback_url", &self.callback_url)?;
        }
        let not_here = |field| Err(refuse(op, field, InputProblem::NotApplicable));
        let missing = |field| Err(refuse(op, field, InputProblem::Missing));
        if self.use_enrolled_image && !jt.is_document() {
            return not_here("use_enrolled_image");
        }
        if self.allow_new_enroll
            && !matches!(
                jt,
                ImageJobType::BiometricKyc | ImageJobType::SmartSelfieRegistration
            )
        {
            return not_here("allow_new_enroll");
        }
        if self.selfie.is_none() && !(jt.is_document() && self.use_enrolled_image) {
            return missing("selfie");
        }
        match jt {
            ImageJobType::BiometricKyc => {
                if self.id_back.is_some() {
                    return not_here("id_back");
                }
                if self.id_front.is_none() {
                    let Some(info) = &self.id_info else {
                        return missing("id_info");
                    };
                    if info.id_type.is_none() {
                        return missing("id_type");
                    }
                    if info.id_number.is_none() {
                        return missing("id_number");
                    }
                }
            }
            ImageJobType::SmartSelfieAuthentication | ImageJobType::SmartSelfieRegistration => {
                for (present, field) in [
                    (self.id_front.is_some(), "id_front"),
                    (self.id_back.is_some(), "id_back"),
                    (self.id_info.is_some(), "id_info"),
                ] {
                    if present {
                        return not_here(field);
                    }
                }
            }
            ImageJobType::DocumentVerification | ImageJobType::EnhancedDocumentVerification => {
                if self.id_front.is_none() {
                    return missing("id_front");
                }
                let Some(info) = &self.id_info else {
                    return missing("country");
                };
                if jt == ImageJobType::EnhancedDocumentVerification && info.id_type.is_none() {
                    return missing("id_type");
                }
            }
        }
        if let Some(info) = &self.id_info {
            info.check()?;
        }
        if self.liveness.len() > MAX_LIVENESS_FRAMES {
            return Err(refuse(
                op,
                "liveness",
                InputProblem::TooMany {
                    count: self.liveness.len(),
                    max: MAX_LIVENESS_FRAMES,
                },
            ));
        }
        let mut total = 0usize;
        for (kind, bytes) in self.images() {
            let field = kind_field(kind);
            if bytes.is_empty() {
                return Err(refuse(op, field, InputProblem::Empty));
            }
            if bytes.len() > MAX_IMAGE_BYTES {
                return Err(refuse(
                    op,
                    field,
                    InputProblem::TooLong {
                        len: bytes.len(),
                        max: MAX_IMAGE_BYTES,
                    },
                ));
            }
            if ImageFormat::detect(bytes).is_none() {
                return Err(refuse(op, field, InputProblem::NotAnImage));
            }
            total += bytes.len();
        }
        if total > MAX_IMAGES_TOTAL_BYTES {
            return Err(refuse(
                op,
                "images",
                InputProblem::TooLong {
                    len: total,
                    max: MAX_IMAGES_TOTAL_BYTES,
                },
            ));
        }
        Ok(())
    }

    fn partner_params(&self) -> smileid_types::PartnerParams {
        self.ids.partner_params(self.job_type.job_type())
    }

    /// `id_info` of `info.json` (protocol 13.4): Biometric KYC's lookup
    /// fields with `entered` `"true"` (only the country and ID type, with
    /// `"false"`, when an ID front replaces them); the country and ID type
    /// with `"false"` for documents; `{"entered": "false"}` otherwise.
    fn wire_id_info(&self) -> IdInfo {
        match (self.job_type, &self.id_info) {
            (ImageJobType::BiometricKyc, Some(info)) if self.id_front.is_none() => {
                info.to_wire(true, true)
            }
            (_, Some(info)) => info.to_wire(false, false),
            (_, None) => IdInfo::default(),
        }
    }

    /// The zip for `prepared`'s upload URL: `info.json` (deflated, signed
    /// afresh with `signer` at `now`) and then each image (stored), named
    /// `selfie.jpg`, `liveness_1.jpg`, ..., `id_front.jpg`, `id_back.jpg`
    /// (`.png` for PNG images). The images are copied once, into the zip.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] when the job does not pass its checks,
    /// [`Error::InvalidConfig`] when the zip cannot be written.
    pub fn build_zip(
        &self,
        prepared: &PreparedUpload,
        signer: &Signer,
        now: SystemTime,
    ) -> Result<Bytes, Error> {
        self.check()?;
        let mut entries: Vec<(String, &Bytes)> = Vec::new();
        let mut listed = Vec::new();
        let mut frame = 0;
        for (kind, bytes) in self.images() {
            let extension = ImageFormat::detect(bytes).map_or("jpg", ImageFormat::extension);
            let name = match kind {
                ImageKind::Liveness => {
                    frame += 1;
                    format!("liveness_{frame}.{extension}")
                }
                other => format!("{}.{extension}", kind_field(other)),
            };
            listed.push(InfoImage::file(kind, name.clone()));
            entries.push((name, bytes));
        }
        let signed = signer.sign_at(now);
        let mut info = InfoJson::new(listed);
        info.misc_information = Some(MiscInformation::new(
            signed.signature,
            signed.timestamp,
            self.partner_params(),
            signer.partner_id(),
            self.callback_url.clone(),
        ));
        info.id_info = Some(self.wire_id_info());
        info.server_information = Some(ServerInformation::Response(prepared.response.clone()));
        let info = serde_json::to_vec(&info).map_err(|_| zip_failed())?;

        let capacity = self.image_bytes() + info.len() + 512 * (entries.len() + 1);
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(capacity)));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        let deflated = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("info.json", deflated)
            .and_then(|()| zip.write_all(&info).map_err(Into::into))
            .map_err(|_| zip_failed())?;
        for (name, bytes) in entries {
            zip.start_file(name, stored)
                .and_then(|()| zip.write_all(bytes).map_err(Into::into))
                .map_err(|_| zip_failed())?;
        }
        let out = zip.finish().map_err(|_| zip_failed())?.into_inner();
        Ok(Bytes::from(out))
    }
}

fn zip_failed() -> Error {
    Error::InvalidConfig(ConfigError::new("could not write the image job's zip"))
}

/// The field name of an image kind, as errors and entry names give it.
fn kind_field(kind: ImageKind) -> &'static str {
    match kind {
        ImageKind::Liveness => "liveness",
        ImageKind::IdFront => "id_front",
        ImageKind::IdBack => "id_back",
        _ => "selfie",
    }
}

/// The prep upload of an [`ImageJob`]: `POST /v1/upload`, signed. It
/// **creates (and may bill) the job**: an entry call, never re-sent once it
/// may have reached the server (see [repeat safety](crate::retry#repeat-safety)).
///
/// Its answer is unsigned; it is checked: a `code` other than `2202` is an
/// [`Error::Api`], a `2215` ("job already exists") is
/// [`Error::JobAlreadyExists`], and the `upload_url` must be an absolute
/// `http(s)` URL with a host and no user info (plain `http` is refused
/// later, at the PUT, unless the client's base URL is an opted-in loopback
/// URL) and `smile_job_id` must be present: otherwise [`Error::Decode`].
#[derive(Debug, Clone, Copy)]
pub struct PrepUpload<'a> {
    job: &'a ImageJob,
}

impl PrepUpload<'_> {
    /// The job.
    pub fn job(&self) -> &ImageJob {
        self.job
    }

    /// The request body, signed in `cx` (protocol 13.1).
    fn body(&self, cx: &RequestContext<'_>) -> PrepUploadRequest {
        let job = self.job;
        let signed = cx.sign();
        let mut body = PrepUploadRequest::new(
            cx.partner_id(),
            signed.timestamp,
            signed.signature,
            job.partner_params(),
        );
        body.callback_url.clone_from(&job.callback_url);
        if job.job_type.is_document() {
            body.use_enrolled_image = Some(job.use_enrolled_image);
        }
        if job.allow_new_enroll {
            body.allow_new_enroll = Some(true);
        }
        if job.resume {
            body.retry = Some(true);
        }
        body.source_sdk = Some(SOURCE_SDK.to_owned());
        body.source_sdk_version = Some(SOURCE_SDK_VERSION.to_owned());
        body
    }
}

impl Operation for PrepUpload<'_> {
    type Output = PreparedUpload;
    const NAME: &'static str = PREP_UPLOAD;
    const REPEAT_SAFETY: RepeatSafety = RepeatSafety::Entry;

    fn validate(&self) -> Result<(), Error> {
        self.job.check()
    }

    fn encode(&self, cx: &RequestContext<'_>) -> Result<http::Request<Bytes>, Error> {
        cx.post_json("upload", &self.body(cx))
    }

    fn signature_mode(&self) -> SignatureMode {
        SignatureMode::Absent
    }

    fn decode(&self, reply: Reply) -> Result<PreparedUpload, Error> {
        let response: PrepUploadResponse = match reply.json() {
            Ok(response) => response,
            Err(e) => {
                // `{"code": "2215", "error": "..."}` with a 2xx status.
                let Ok(object) = reply.json::<serde_json::Map<String, serde_json::Value>>() else {
                    return Err(e);
                };
                let code = object.get("code").map(|c| match c {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                });
                let refused = object.contains_key("error")
                    || code.is_some_and(|c| c != PrepUploadResponse::SUCCESS_CODE);
                return Err(if refused { refusal(&reply, &object) } else { e });
            }
        };
        if response
            .code
            .as_deref()
            .is_some_and(|code| code != PrepUploadResponse::SUCCESS_CODE)
            || response.extra.contains_key("error")
        {
            let mut fields = response.extra.clone();
            if let Some(code) = &response.code {
                fields.insert("code".into(), code.clone().into());
            }
            return Err(refusal(&reply, &fields));
        }
        if response.smile_job_id.trim().is_empty() {
            return Err(Error::Decode(DecodeError::new("", "smile_job_id", "empty")));
        }
        let upload_url = UploadUrl::parse(&response.upload_url)
            .map_err(|problem| Error::Decode(DecodeError::new("", "upload_url", problem)))?;
        Ok(PreparedUpload {
            user_id: self.job.user_id().to_owned(),
            job_id: self.job.job_id().to_owned(),
            smile_job_id: response.smile_job_id.clone(),
            upload_url,
            response,
        })
    }

    fn refine_error(&self, error: Error) -> Error {
        match error {
            Error::Api(api) if api.code() == Some("2215") => Error::JobAlreadyExists(
                JobAlreadyExists::new(self.job.user_id(), self.job.job_id(), self.job.resume, api),
            ),
            other => other,
        }
    }

    fn span(&self) -> tracing::Span {
        tracing::info_span!(
            "smileid.prep_upload",
            user_id = self.job.user_id(),
            job_id = self.job.job_id(),
            job_type = self.job.job_type.job_type().number(),
            resume = self.job.resume,
        )
    }
}

/// A created image job, waiting for its zip: the prep upload's checked
/// answer. `Debug` leaves out the upload URL's presigned query.
#[derive(Clone, PartialEq)]
pub struct PreparedUpload {
    user_id: String,
    job_id: String,
    smile_job_id: String,
    upload_url: UploadUrl,
    response: PrepUploadResponse,
}

impl PreparedUpload {
    /// The partner's user id.
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// The partner's job id.
    pub fn job_id(&self) -> &str {
        &self.job_id
    }

    /// Smile ID's id of the job.
    pub fn smile_job_id(&self) -> &str {
        &self.smile_job_id
    }

    /// Where the zip goes (checked, byte for byte as received).
    pub fn upload_url(&self) -> &UploadUrl {
        &self.upload_url
    }

    /// The answer as received (also `info.json`'s `server_information`).
    pub fn response(&self) -> &PrepUploadResponse {
        &self.response
    }
}

impl std::fmt::Debug for PreparedUpload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedUpload")
            .field("user_id", &self.user_id)
            .field("job_id", &self.job_id)
            .field("smile_job_id", &self.smile_job_id)
            .field("upload_url", &self.upload_url)
            .field("ref_id", &self.response.ref_id)
            .finish_non_exhaustive()
    }
}

impl crate::preflight::IdFields for ImageJob {
    fn country(&self) -> &str {
        self.id_info.as_ref().map_or("", ImageIdInfo::country)
    }

    fn id_type(&self) -> &str {
        self.id_info
            .as_ref()
            .and_then(ImageIdInfo::id_type_value)
            .map_or("", IdType::as_str)
    }

    fn field(&self, name: &str) -> Option<&str> {
        match name {
            "user_id" => Some(self.user_id()),
            "job_id" => Some(self.job_id()),
            "callback_url" => Some(self.callback_url.as_str()).filter(|u| !u.is_empty()),
            _ => self.id_info.as_ref().and_then(|info| info.field(name)),
        }
    }
}
