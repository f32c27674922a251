//! The reader of an image job's zip (protocol section 13.5, "What a reader
//! must accept"): lenient about what the official clients write, and safe
//! against hostile archives.
//!
//! # What is accepted
//!
//! * `info.json` is the first entry named exactly `info.json` (at the root);
//!   it is decoded with [`smileid_types::decode`] into [`InfoJson`], so only
//!   `images` is required and the rest reads leniently (`image_type_id` as a
//!   number or a numeric string, `server_information` as a plain string, ...).
//!   A UTF-8 byte order mark before it is ignored.
//! * An image is in file form (`file_name` set, `image` empty) or base64 form
//!   (`image` set, `file_name` empty), either key possibly absent; when both
//!   are set, the form its `image_type_id` names wins. A file name is
//!   resolved against the entry names: exactly, then with `\` read as `/` and
//!   a leading `./` or `/` dropped, then by its last path segment (a device
//!   path naming a root entry, or a root name naming an entry in a folder).
//!   Base64 may be standard or URL-safe, padded or not, broken into lines,
//!   and behind a `data:<type>;base64,` prefix.
//! * Other entries (`security_info.json`, a stray `base64imgString`,
//!   folders) are ignored; of entries sharing a name, the first in the
//!   central directory wins. STORED and DEFLATED entries are read, with or
//!   without data descriptors (sizes and CRCs come from the central
//!   directory).
//! * A declared image that cannot be used (an unknown `image_type_id`, a
//!   file missing from the zip, a file path or invalid base64 in `image`,
//!   empty or non-image bytes) is skipped with a [`SkipReason`], never fatal.
//!   An image's format is detected from its first bytes (JPEG or PNG).
//!
//! # What is refused
//!
//! Before anything is inflated, from the central directory's declared
//! values ([`ZipLimits`]): too many entries, an entry larger than the
//! per-entry cap (or `info.json` larger than its own cap), declared sizes
//! summing above the total cap, and a compression ratio above the limit for
//! an entry larger than the ratio floor. While reading, no entry yields
//! more than its declared size (the inflater is stopped one byte past it),
//! and a size or CRC that does not match the data is an error. Encrypted
//! entries, compression methods other than STORED and DEFLATED, multi-disk
//! archives and bodies that are not zips are [`ZipProblem`]s. Every
//! allocation is bounded by the limits or by the input's length, each entry
//! is inflated at most once however often `info.json` names it, and no
//! input makes the reader panic.

// The upload endpoint and the fuzz harness are wired to this module
// separately; until then parts of it are only used by its tests.

use std::fmt;
use std::io::Read;

use bytes::Bytes;
use smileid_types::image_job::{ImageFormat, ImageKind, ImageType, InfoImage, InfoJson};

/// The name `info.json` must have, at the root of the zip.
pub const INFO_JSON: &str = "info.json";

/// The longest entry name kept in a [`ZipProblem`] or [`SkipReason`], in
/// characters.
const MAX_SHOWN_NAME: usize = 100;
/// The longest detail kept in a [`ZipProblem`], in characters.
const MAX_SHOWN_DETAIL: usize = 400;

/// Limits applied to an upload zip, checked against the central
/// directory's declared values before anything is inflated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZipLimits {
    /// The most central directory records (entries, folders included);
    /// default 64.
    pub max_entries: usize,
    /// The largest declared uncompressed size of one entry; default 16 MiB.
    pub max_entry_size: u64,
    /// The largest sum of the declared uncompressed sizes of all entries;
    /// default 64 MiB.
    pub max_total_size: u64,
    /// The largest declared uncompressed size of `info.json`; default
    /// 1 MiB.
    pub max_info_json_size: u64,
    /// The highest compression ratio (uncompressed : compressed) of an
    /// entry larger than [`ZipLimits::ratio_floor`]; default 100 (100:1).
    pub max_ratio: u64,
    /// Entries up to this declared size are exempt from the ratio check;
    /// default 64 KiB.
    pub ratio_floor: u64,
}

impl ZipLimits {
    /// The default limits: 64 entries, 16 MiB per entry, 64 MiB in all,
    /// 1 MiB of `info.json`, a ratio of at most 100:1 above 64 KiB.
    pub const DEFAULT: ZipLimits = ZipLimits {
        max_entries: 64,
        max_entry_size: 16 * 1024 * 1024,
        max_total_size: 64 * 1024 * 1024,
        max_info_json_size: 1024 * 1024,
        max_ratio: 100,
        ratio_floor: 64 * 1024,
    };
}

impl Default for ZipLimits {
    /// [`ZipLimits::DEFAULT`].
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Why an upload zip was refused as a whole. Every message is one line of
/// bounded length; entry names are clipped and control characters
/// replaced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ZipProblem {
    /// The body has no zip end-of-central-directory record.
    #[error("the upload is not a zip archive")]
    NotAZip,
    /// The body looks like a zip, but its central directory cannot be read.
    #[error("the zip archive is malformed: {reason}")]
    Malformed {
        /// What is wrong.
        reason: &'static str,
    },
    /// The central directory declares more entries than allowed.
    #[error("the zip declares {count} entries, more than the {max} allowed")]
    TooManyEntries {
        /// The declared number of entries.
        count: u64,
        /// [`ZipLimits::max_entries`].
        max: usize,
    },
    /// An entry declares an uncompressed size above its cap.
    #[error("zip entry `{name}` declares {size} bytes, more than the {max} allowed")]
    EntryTooLarge {
        /// The entry's name.
        name: String,
        /// The declared uncompressed size.
        size: u64,
        /// The cap: [`ZipLimits::max_entry_size`], or
        /// [`ZipLimits::max_info_json_size`] for `info.json`.
        max: u64,
    },
    /// The declared uncompressed sizes sum above the total cap.
    #[error("the zip's entries declare {total} bytes in all, more than the {max} allowed")]
    TooLarge {
        /// The sum of the declared sizes.
        total: u64,
        /// [`ZipLimits::max_total_size`].
        max: u64,
    },
    /// An entry declares a compression ratio above the limit (a zip bomb).
    #[error(
        "zip entry `{name}` declares {size} bytes from {compressed} compressed, \
         a ratio above {max_ratio}:1"
    )]
    RatioTooHigh {
        /// The entry's name.
        name: String,
        /// The declared uncompressed size.
        size: u64,
        /// The declared compressed size.
        compressed: u64,
        /// [`ZipLimits::max_ratio`].
        max_ratio: u64,
    },
    /// An entry that had to be read is encrypted.
    #[error("zip entry `{name}` is encrypted")]
    Encrypted {
        /// The entry's name.
        name: String,
    },
    /// An entry that had to be read uses a method other than STORED and
    /// DEFLATED.
    #[error(
        "zip entry `{name}` uses compression method {method}; only stored (0) and \
         deflated (8) are read"
    )]
    Unsupported {
        /// The entry's name.
        name: String,
        /// The compression method's id.
        method: u16,
    },
    /// An entry's data is longer or shorter than its declared size.
    #[error("zip entry `{name}` does not hold the {declared} bytes it declares")]
    SizeMismatch {
        /// The entry's name.
        name: String,
        /// The declared uncompressed size.
        declared: u64,
    },
    /// An entry's data cannot be read: out of bounds, corrupt deflate data
    /// or a CRC mismatch.
    #[error("zip entry `{name}` is damaged: {reason}")]
    Damaged {
        /// The entry's name.
        name: String,
        /// What went wrong.
        reason: String,
    },
    /// No entry is named `info.json`.
    #[error("the zip has no info.json at its root")]
    NoInfoJson,
    /// `info.json` does not decode as the manifest.
    #[error("info.json does not decode: {0}")]
    InfoJson(String),
}

/// A usable image of the upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadImage {
    /// Its position in `info.json`'s `images`.
    pub index: usize,
    /// What it is.
    pub kind: ImageKind,
    /// Its `image_type_id` as declared.
    pub image_type: ImageType,
    /// Its format.
    pub format: ImageFormat,
    /// The zip entry it was read from; `images[<index>]` for a base64
    /// image.
    pub name: String,
    /// Whether it came from base64 text in `info.json`.
    pub base64: bool,
    /// The decoded image. Images naming the same entry share one buffer.
    pub bytes: Bytes,
}

/// Why a declared image was skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SkipReason {
    /// The `image_type_id` names no known image kind.
    UnknownType(u32),
    /// Neither `file_name` nor `image` is set.
    NoSource,
    /// `file_name` matches no entry of the zip.
    FileMissing {
        /// The `file_name`, clipped.
        file_name: String,
    },
    /// `image` holds what looks like a file path or URI, not base64.
    FilePath {
        /// The `image` text, clipped.
        value: String,
    },
    /// `image` is not valid base64.
    InvalidBase64,
    /// The image has no bytes.
    Empty,
    /// The bytes are neither JPEG nor PNG.
    NotAnImage,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownType(id) => write!(f, "image_type_id {id} is not a known image type"),
            Self::NoSource => f.write_str("neither file_name nor image is set"),
            Self::FileMissing { file_name } => write!(f, "file `{file_name}` is not in the zip"),
            Self::FilePath { value } => {
                write!(f, "image holds a file path (`{value}`), not base64")
            }
            Self::InvalidBase64 => f.write_str("image is not valid base64"),
            Self::Empty => f.write_str("the image is empty"),
            Self::NotAnImage => f.write_str("the bytes are neither JPEG nor PNG"),
        }
    }
}

/// A declared image that was skipped, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedImage {
    /// Its position in `info.json`'s `images`.
    pub index: usize,
    /// Its `image_type_id` as declared.
    pub image_type: ImageType,
    /// Why it was skipped.
    pub reason: SkipReason,
}

/// What an upload zip holds.
#[derive(Debug, Clone, PartialEq)]
pub struct UploadContents {
    /// The manifest.
    pub info: InfoJson,
    /// The usable images, in `info.json`'s order.
    pub images: Vec<ReadImage>,
    /// The declared images that were skipped, in `info.json`'s order.
    pub skipped: Vec<SkippedImage>,
}

impl UploadContents {
    /// Whether at least one usable image is of `kind`.
    pub fn has(&self, kind: ImageKind) -> bool {
        self.images.iter().any(|image| image.kind == kind)
    }

    /// How many usable images are of `kind`.
    #[cfg_attr(not(test), allow(dead_code))] // read by the tests
    pub fn count(&self, kind: ImageKind) -> usize {
        self.images
            .iter()
            .filter(|image| image.kind == kind)
            .count()
    }

    /// The usable images of `kind`, in `info.json`'s order.
    #[cfg_attr(not(test), allow(dead_code))] // read by the tests
    pub fn of_kind(&self, kind: ImageKind) -> impl Iterator<Item = &ReadImage> {
        self.images.iter().filter(move |image| image.kind == kind)
    }
}

/// Reads the upload zip `body` within `limits`.
pub fn read_upload_zip(body: &[u8], limits: &ZipLimits) -> Result<UploadContents, ZipProblem> {
    let entries = read_directory(body, limits)?;
    check_declared_sizes(&entries, limits)?;

    let info_entry = entries
        .iter()
        .find(|entry| entry.name == INFO_JSON)
        .ok_or(ZipProblem::NoInfoJson)?;
    if info_entry.size > limits.max_info_json_size {
        return Err(ZipProblem::EntryTooLarge {
            name: info_entry.shown_name(),
            size: info_entry.size,
            max: limits.max_info_json_size,
        });
    }
    let info_bytes = read_entry(body, info_entry)?;
    let json = info_bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(&info_bytes);
    let info: InfoJson = smileid_types::decode(json)
        .map_err(|e| ZipProblem::InfoJson(one_line(&e.to_string(), MAX_SHOWN_DETAIL)))?;

    let mut cache: Vec<Option<Bytes>> = vec![None; entries.len()];
    let mut images = Vec::new();
    let mut skipped = Vec::new();
    for (index, declared) in info.images.iter().enumerate() {
        let image_type = declared.image_type_id;
        match read_image(body, &entries, &mut cache, index, declared)? {
            Ok(image) => images.push(image),
            Err(reason) => skipped.push(SkippedImage {
                index,
                image_type,
                reason,
            }),
        }
    }
    Ok(UploadContents {
        info,
        images,
        skipped,
    })
}

/// Runs `read_upload_zip` on `data` with the default limits and checks
/// the properties every outcome must have: a refusal's message is one
/// bounded line; every declared image is either read or skipped; a read
/// image has the format it claims and no more bytes than an entry may
/// hold. For fuzz harnesses: it panics only when one of these properties
/// does not hold, and returns the outcome's class (`read`, or the
/// refusal's kind, such as `NotAZip`).
pub fn fuzz_read(data: &[u8]) -> String {
    let limits = ZipLimits::default();
    let outcome = read_upload_zip(data, &limits);
    let class = match &outcome {
        Ok(contents) if contents.skipped.is_empty() => "read".to_owned(),
        Ok(_) => "read-with-skips".to_owned(),
        Err(problem) => format!("{problem:?}")
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap_or_default()
            .to_owned(),
    };
    match outcome {
        Ok(contents) => {
            assert_eq!(
                contents.images.len() + contents.skipped.len(),
                contents.info.images.len(),
                "every declared image is read or skipped"
            );
            for image in &contents.images {
                assert_eq!(ImageFormat::detect(&image.bytes), Some(image.format));
                assert!(image.bytes.len() as u64 <= limits.max_entry_size);
                assert_eq!(image.image_type.kind(), Some(image.kind));
            }
            for skip in &contents.skipped {
                assert_one_line(&skip.reason.to_string());
            }
        }
        Err(problem) => assert_one_line(&problem.to_string()),
    }
    class
}

fn assert_one_line(message: &str) {
    assert!(
        !message.contains(['\n', '\r']),
        "message spans lines: {message:?}"
    );
    assert!(
        message.chars().count() <= 1000,
        "message too long: {message:?}"
    );
}

// ----- images -----

/// Reads the declared image `declared`: `Ok(Err(_))` when it is skipped,
/// `Err(_)` when the entry it names cannot be read safely.
fn read_image(
    body: &[u8],
    entries: &[Entry],
    cache: &mut [Option<Bytes>],
    index: usize,
    declared: &InfoImage,
) -> Result<Result<ReadImage, SkipReason>, ZipProblem> {
    let image_type = declared.image_type_id;
    let Some(kind) = image_type.kind() else {
        return Ok(Err(SkipReason::UnknownType(image_type.id())));
    };
    let file_name = declared.file_name.trim();
    let text = declared.image.trim();
    let use_base64 = match (file_name.is_empty(), text.is_empty()) {
        (true, true) => return Ok(Err(SkipReason::NoSource)),
        (false, true) => false,
        (true, false) => true,
        (false, false) => image_type.is_base64(),
    };
    let (name, bytes) = if use_base64 {
        match decode_image_text(text) {
            Ok(bytes) => (format!("images[{index}]"), Bytes::from(bytes)),
            Err(reason) => return Ok(Err(reason)),
        }
    } else {
        let Some(at) = resolve(entries, file_name) else {
            return Ok(Err(SkipReason::FileMissing {
                file_name: one_line(file_name, MAX_SHOWN_NAME),
            }));
        };
        let entry = &entries[at];
        let bytes = match &cache[at] {
            Some(bytes) => bytes.clone(),
            None => {
                let bytes = Bytes::from(read_entry(body, entry)?);
                cache[at] = Some(bytes.clone());
                bytes
            }
        };
        (entry.name.clone(), bytes)
    };
    if bytes.is_empty() {
        return Ok(Err(SkipReason::Empty));
    }
    let Some(format) = ImageFormat::detect(&bytes) else {
        return Ok(Err(SkipReason::NotAnImage));
    };
    Ok(Ok(ReadImage {
        index,
        kind,
        image_type,
        format,
        name,
        base64: use_base64,
        bytes,
    }))
}

/// Decodes an `image` value, or says why it cannot be used.
fn decode_image_text(text: &str) -> Result<Vec<u8>, SkipReason> {
    let payload = match strip_prefix_ignore_case(text, "data:") {
        Some(rest) => match rest.find(',') {
            Some(comma) if rest[..comma].to_ascii_lowercase().ends_with(";base64") => {
                &rest[comma + 1..]
            }
            _ => return Err(SkipReason::InvalidBase64),
        },
        // No base64 alphabet has `.`, `\` or `:`; paths and URIs do.
        None if text.contains(['.', '\\', ':']) => {
            return Err(SkipReason::FilePath {
                value: one_line(text, MAX_SHOWN_NAME),
            });
        }
        None => text,
    };
    decode_base64(payload).ok_or(SkipReason::InvalidBase64)
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// Lenient base64: the standard or URL-safe alphabet (even mixed), padding
/// optional, ASCII whitespace ignored. `None` for any other byte, data after
/// padding, or a length no encoder produces.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    let mut acc: u32 = 0;
    let mut bits: u32 = 0;
    let mut sextets: usize = 0;
    let mut padding: usize = 0;
    for &byte in text.as_bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => {
                padding += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' | b'\n' => continue,
            _ => return None,
        };
        if padding > 0 {
            return None;
        }
        acc = (acc << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
        sextets += 1;
    }
    let valid_length =
        sextets % 4 != 1 && padding <= 2 && (padding == 0 || (sextets + padding).is_multiple_of(4));
    valid_length.then_some(out)
}

/// The index of the entry `file_name` names (see the module docs).
fn resolve(entries: &[Entry], file_name: &str) -> Option<usize> {
    let files = || {
        entries
            .iter()
            .enumerate()
            .filter(|(_, entry)| !entry.is_dir())
    };
    if let Some((at, _)) = files().find(|(_, entry)| entry.name == file_name) {
        return Some(at);
    }
    let wanted = normalize(file_name);
    if let Some((at, _)) = files().find(|(_, entry)| normalize(&entry.name) == wanted) {
        return Some(at);
    }
    let base = last_segment(&wanted);
    if base.is_empty() {
        return None;
    }
    files()
        .find(|(_, entry)| {
            let name = normalize(&entry.name);
            name == base || last_segment(&name) == base
        })
        .map(|(at, _)| at)
}

fn normalize(name: &str) -> String {
    let name = name.replace('\\', "/");
    let mut rest = name.as_str();
    loop {
        if let Some(r) = rest.strip_prefix("./") {
            rest = r;
        } else if let Some(r) = rest.strip_prefix('/') {
            rest = r;
        } else {
            return rest.to_owned();
        }
    }
}

fn last_segment(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

// ----- the archive -----

const LOCAL_HEADER_SIG: [u8; 4] = *b"PK\x03\x04";
const CENTRAL_HEADER_SIG: [u8; 4] = *b"PK\x01\x02";
const EOCD_SIG: [u8; 4] = *b"PK\x05\x06";
const ZIP64_LOCATOR_SIG: [u8; 4] = *b"PK\x06\x07";
const ZIP64_EOCD_SIG: [u8; 4] = *b"PK\x06\x06";
const EOCD_LEN: usize = 22;
const ZIP64_LOCATOR_LEN: usize = 20;
const CENTRAL_HEADER_LEN: usize = 46;
const LOCAL_HEADER_LEN: usize = 30;
const STORED: u16 = 0;
const DEFLATED: u16 = 8;
/// The AES (WinZip AE-x) method id, an encrypted entry.
const AES: u16 = 99;
/// General purpose flags: encrypted, strong encryption.
const FLAG_ENCRYPTED: u16 = 1;
const FLAG_STRONG_ENCRYPTION: u16 = 1 << 6;

/// One central directory record.
#[derive(Debug)]
struct Entry {
    name: String,
    flags: u16,
    method: u16,
    crc32: u32,
    compressed: u64,
    size: u64,
    offset: u64,
}

impl Entry {
    fn is_dir(&self) -> bool {
        self.name.ends_with('/')
    }

    fn shown_name(&self) -> String {
        one_line(&self.name, MAX_SHOWN_NAME)
    }

    fn damaged(&self, reason: &str) -> ZipProblem {
        ZipProblem::Damaged {
            name: self.shown_name(),
            reason: one_line(reason, MAX_SHOWN_DETAIL),
        }
    }
}

fn le<const N: usize>(bytes: &[u8], at: usize) -> Option<[u8; N]> {
    bytes.get(at..at.checked_add(N)?)?.try_into().ok()
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    le(bytes, at).map(u16::from_le_bytes)
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    le(bytes, at).map(u32::from_le_bytes)
}

fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    le(bytes, at).map(u64::from_le_bytes)
}

/// `bytes[at..at + len]`, with `at` and `len` as declared in the archive.
fn range(bytes: &[u8], at: u64, len: u64) -> Option<&[u8]> {
    let at = usize::try_from(at).ok()?;
    let len = usize::try_from(len).ok()?;
    bytes.get(at..at.checked_add(len)?)
}

/// The position of the end-of-central-directory record: the last signature
/// in the final 64 KiB + 22 bytes whose comment fits in the body.
fn find_eocd(body: &[u8]) -> Option<usize> {
    let last = body.len().checked_sub(EOCD_LEN)?;
    let first = last.saturating_sub(usize::from(u16::MAX));
    (first..=last).rev().find(|&at| {
        body.get(at..at + 4) == Some(&EOCD_SIG[..])
            && u16_at(body, at + 20)
                .is_some_and(|comment| at + EOCD_LEN + usize::from(comment) <= body.len())
    })
}

/// Where the central directory is and how many records it has.
struct DirectoryInfo {
    disk: u32,
    directory_disk: u32,
    count: u64,
    size: u64,
    offset: u64,
}

fn directory_info(body: &[u8]) -> Result<DirectoryInfo, ZipProblem> {
    let eocd = find_eocd(body).ok_or(ZipProblem::NotAZip)?;
    let field16 = |at| u16_at(body, eocd + at).ok_or(ZipProblem::NotAZip);
    let field32 = |at| u32_at(body, eocd + at).ok_or(ZipProblem::NotAZip);
    let disk = field16(4)?;
    let directory_disk = field16(6)?;
    let count = field16(10)?;
    let size = field32(12)?;
    let offset = field32(16)?;
    let mut info = DirectoryInfo {
        disk: disk.into(),
        directory_disk: directory_disk.into(),
        count: count.into(),
        size: size.into(),
        offset: offset.into(),
    };
    let zip64 = disk == u16::MAX
        || directory_disk == u16::MAX
        || count == u16::MAX
        || size == u32::MAX
        || offset == u32::MAX;
    let locator = eocd.checked_sub(ZIP64_LOCATOR_LEN);
    if let Some(locator) =
        locator.filter(|&at| zip64 && le::<4>(body, at) == Some(ZIP64_LOCATOR_SIG))
    {
        let malformed = ZipProblem::Malformed {
            reason: "the zip64 end of central directory is unreadable",
        };
        let record = u64_at(body, locator + 8).ok_or(malformed.clone())?;
        let record = usize::try_from(record).map_err(|_| malformed.clone())?;
        if le::<4>(body, record) != Some(ZIP64_EOCD_SIG) {
            return Err(malformed);
        }
        let get32 = |at| u32_at(body, record.checked_add(at)?);
        let get64 = |at| u64_at(body, record.checked_add(at)?);
        info = DirectoryInfo {
            disk: get32(16).ok_or(malformed.clone())?,
            directory_disk: get32(20).ok_or(malformed.clone())?,
            count: get64(32).ok_or(malformed.clone())?,
            size: get64(40).ok_or(malformed.clone())?,
            offset: get64(48).ok_or(malformed)?,
        };
    }
    Ok(info)
}

/// Reads the central directory's records.
fn read_directory(body: &[u8], limits: &ZipLimits) -> Result<Vec<Entry>, ZipProblem> {
    let info = directory_info(body)?;
    if info.disk != 0 || info.directory_disk != 0 {
        return Err(ZipProblem::Malformed {
            reason: "multi-disk archives are not supported",
        });
    }
    if info.count > limits.max_entries as u64 {
        return Err(ZipProblem::TooManyEntries {
            count: info.count,
            max: limits.max_entries,
        });
    }
    let directory = range(body, info.offset, info.size).ok_or(ZipProblem::Malformed {
        reason: "the central directory lies outside the archive",
    })?;
    let truncated = ZipProblem::Malformed {
        reason: "a central directory record is truncated",
    };
    // `count` is at most `max_entries`, so this allocation is bounded.
    let mut entries = Vec::with_capacity(info.count as usize);
    let mut at = 0usize;
    for _ in 0..info.count {
        if le::<4>(directory, at) != Some(CENTRAL_HEADER_SIG) {
            return Err(ZipProblem::Malformed {
                reason: "a central directory record has no signature",
            });
        }
        let field16 = |offset| u16_at(directory, at + offset).ok_or(truncated.clone());
        let field32 = |offset| u32_at(directory, at + offset).ok_or(truncated.clone());
        let flags = field16(8)?;
        let method = field16(10)?;
        let crc32 = field32(16)?;
        let compressed = field32(20)?;
        let size = field32(24)?;
        let name_len = usize::from(field16(28)?);
        let extra_len = usize::from(field16(30)?);
        let comment_len = usize::from(field16(32)?);
        let offset = field32(42)?;
        let name_at = at + CENTRAL_HEADER_LEN;
        let name = directory
            .get(name_at..name_at + name_len)
            .ok_or(truncated.clone())?;
        let extra_at = name_at + name_len;
        let extra = directory
            .get(extra_at..extra_at + extra_len)
            .ok_or(truncated.clone())?;
        let end = extra_at + extra_len + comment_len;
        if end > directory.len() {
            return Err(truncated);
        }
        let (size, compressed, offset) = zip64_values(extra, size, compressed, offset);
        entries.push(Entry {
            name: String::from_utf8_lossy(name).into_owned(),
            flags,
            method,
            crc32,
            compressed,
            size,
            offset,
        });
        at = end;
    }
    Ok(entries)
}

/// The sizes and offset of a record, taking the zip64 extra field's values
/// for those that are `0xFFFFFFFF`. Of several zip64 fields the last wins:
/// the zip crate's writer, for one, repeats the local header's placeholder
/// field before the real one.
fn zip64_values(extra: &[u8], size: u32, compressed: u32, offset: u32) -> (u64, u64, u64) {
    let (mut size64, mut compressed64, mut offset64) =
        (u64::from(size), u64::from(compressed), u64::from(offset));
    if size != u32::MAX && compressed != u32::MAX && offset != u32::MAX {
        return (size64, compressed64, offset64);
    }
    let mut at = 0usize;
    while let (Some(id), Some(len)) = (u16_at(extra, at), u16_at(extra, at + 2)) {
        let Some(data) = extra.get(at + 4..at + 4 + usize::from(len)) else {
            break;
        };
        if id == 0x0001 {
            let mut field = 0usize;
            for (declared, value) in [
                (size, &mut size64),
                (compressed, &mut compressed64),
                (offset, &mut offset64),
            ] {
                if declared == u32::MAX {
                    if let Some(v) = u64_at(data, field) {
                        *value = v;
                    }
                    field += 8;
                }
            }
        }
        at += 4 + usize::from(len);
    }
    (size64, compressed64, offset64)
}

/// Refuses the archive on the central directory's declared sizes alone.
fn check_declared_sizes(entries: &[Entry], limits: &ZipLimits) -> Result<(), ZipProblem> {
    let mut total: u64 = 0;
    for entry in entries {
        if entry.size > limits.max_entry_size {
            return Err(ZipProblem::EntryTooLarge {
                name: entry.shown_name(),
                size: entry.size,
                max: limits.max_entry_size,
            });
        }
        if entry.size > limits.ratio_floor
            && entry.size > entry.compressed.saturating_mul(limits.max_ratio)
        {
            return Err(ZipProblem::RatioTooHigh {
                name: entry.shown_name(),
                size: entry.size,
                compressed: entry.compressed,
                max_ratio: limits.max_ratio,
            });
        }
        total = total.saturating_add(entry.size);
    }
    if total > limits.max_total_size {
        return Err(ZipProblem::TooLarge {
            total,
            max: limits.max_total_size,
        });
    }
    Ok(())
}

/// Reads one entry's data, never more than its declared size (which
/// [`check_declared_sizes`] bounded).
fn read_entry(body: &[u8], entry: &Entry) -> Result<Vec<u8>, ZipProblem> {
    if entry.flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION) != 0 || entry.method == AES {
        return Err(ZipProblem::Encrypted {
            name: entry.shown_name(),
        });
    }
    if entry.method != STORED && entry.method != DEFLATED {
        return Err(ZipProblem::Unsupported {
            name: entry.shown_name(),
            method: entry.method,
        });
    }
    let size_mismatch = || ZipProblem::SizeMismatch {
        name: entry.shown_name(),
        declared: entry.size,
    };
    if entry.method == STORED && entry.compressed != entry.size {
        return Err(size_mismatch());
    }

    // The local header only says where the data starts; everything else
    // comes from the central directory (a writer with data descriptors
    // leaves the local sizes and CRC zero).
    let local = range(body, entry.offset, LOCAL_HEADER_LEN as u64)
        .ok_or_else(|| entry.damaged("its local header lies outside the archive"))?;
    if local.get(..4) != Some(&LOCAL_HEADER_SIG[..]) {
        return Err(entry.damaged("its local header has no signature"));
    }
    let name_len = u16_at(local, 26).map_or(0, u64::from);
    let extra_len = u16_at(local, 28).map_or(0, u64::from);
    let data_start = entry.offset + LOCAL_HEADER_LEN as u64 + name_len + extra_len;
    let data = range(body, data_start, entry.compressed)
        .ok_or_else(|| entry.damaged("its data runs past the end of the archive"))?;

    // The zip crate inflates and checks the CRC; it is handed a clean local
    // header built from the central directory's values, then the data.
    let (Ok(compressed), Ok(size)) = (u32::try_from(entry.compressed), u32::try_from(entry.size))
    else {
        return Err(entry.damaged("its sizes need zip64, which entries are never that large"));
    };
    let mut header = [0u8; LOCAL_HEADER_LEN + 1];
    header[..4].copy_from_slice(&LOCAL_HEADER_SIG);
    header[4..6].copy_from_slice(&20u16.to_le_bytes());
    header[8..10].copy_from_slice(&entry.method.to_le_bytes());
    header[14..18].copy_from_slice(&entry.crc32.to_le_bytes());
    header[18..22].copy_from_slice(&compressed.to_le_bytes());
    header[22..26].copy_from_slice(&size.to_le_bytes());
    header[26..28].copy_from_slice(&1u16.to_le_bytes());
    header[LOCAL_HEADER_LEN] = b'x';
    let mut stream = (&header[..]).chain(data);
    let mut file = match zip::read::read_zipfile_from_stream_with_compressed_size(
        &mut stream,
        entry.compressed,
    ) {
        Ok(Some(file)) => file,
        Ok(None) => return Err(entry.damaged("its local header is unreadable")),
        Err(e) => return Err(entry.damaged(&e.to_string())),
    };
    // At most the declared size plus one byte is ever inflated or kept.
    let mut out = Vec::with_capacity(size as usize);
    let read = Read::by_ref(&mut file)
        .take(entry.size.saturating_add(1))
        .read_to_end(&mut out);
    if out.len() as u64 > entry.size {
        return Err(size_mismatch());
    }
    if let Err(e) = read {
        return Err(entry.damaged(&e.to_string()));
    }
    if out.len() as u64 != entry.size {
        return Err(size_mismatch());
    }
    Ok(out)
}

/// `text` clipped to `max_chars` characters, control characters replaced
/// by spaces, so that it fits in a one-line message.
fn one_line(text: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max_chars.saturating_mul(4)));
    for (i, c) in text.chars().enumerate() {
        if i == max_chars {
            out.push('…');
            break;
        }
        out.push(if c.is_control() { ' ' } else { c });
    }
    out
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Write};

    use smileid_types::image_job::ServerInformation;
    use zip::CompressionMethod::{self, Deflated, Stored};
    use zip::ZipWriter;
    use zip::write::SimpleFileOptions;

    use super::*;

    /// The canonical `info.json` of a biometric KYC job (protocol 13.4),
    /// as in `testkit/fixtures/info_json_biometric_kyc.json`, shortened.
    const CANONICAL_INFO: &str = r#"{
      "package_information": {
        "apiVersion": {"buildNumber": 0, "majorVersion": 2, "minorVersion": 0},
        "language": "rust"
      },
      "misc_information": {
        "signature": "3ne9FwALc/4mR4oSsX2uQXC7SOxMKgPxXQjL1kqBC7Y=",
        "timestamp": "2026-08-21T12:00:01.500Z",
        "retry": "false",
        "partner_params": {"user_id": "user-1-001", "job_id": "job-1-001", "job_type": 1},
        "file_name": "selfie.zip",
        "smile_client_id": "085",
        "callback_url": "https://partner.example.com/smileid/callback",
        "userData": {
          "isVerifiedProcess": false, "name": "", "fbUserID": "", "firstName": "",
          "lastName": "", "gender": "", "email": "", "phone": "", "countryCode": "+",
          "countryName": ""
        }
      },
      "id_info": {
        "first_name": "Adaeze", "last_name": "Okafor", "country": "NG",
        "id_type": "NIN_V2", "id_number": "00000000000", "dob": "1991-03-14",
        "entered": "true"
      },
      "images": [
        {"image_type_id": 0, "image": "", "file_name": "selfie.jpg"},
        {"image_type_id": 4, "image": "", "file_name": "liveness_1.jpg"},
        {"image_type_id": 4, "image": "", "file_name": "liveness_2.jpg"}
      ],
      "server_information": {
        "upload_url": "https://smile-uploads-test.s3.us-west-2.amazonaws.com/videos/085/selfie.zip",
        "ref_id": "085-0000012305-6f1c2a9e4b7d4c0e8a5f3b2d1e0c9a87",
        "smile_job_id": "0000012305",
        "camera_config": "null",
        "code": "2202"
      }
    }"#;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    fn jpeg(tag: u8, len: usize) -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
        bytes.extend(std::iter::repeat_n(tag, len));
        bytes
    }

    fn zip_of(entries: &[(&str, &[u8], CompressionMethod)]) -> Vec<u8> {
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data, method) in entries {
            let level = (*method == Deflated).then_some(1);
            let options = SimpleFileOptions::default()
                .compression_method(*method)
                .compression_level(level);
            writer.start_file(*name, options).unwrap();
            writer.write_all(data).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    fn canonical_zip() -> Vec<u8> {
        zip_of(&[
            ("info.json", CANONICAL_INFO.as_bytes(), Deflated),
            ("selfie.jpg", &jpeg(1, 500), Stored),
            ("liveness_1.jpg", &jpeg(2, 500), Stored),
            ("liveness_2.jpg", &jpeg(3, 500), Stored),
        ])
    }

    fn read(body: &[u8]) -> Result<UploadContents, ZipProblem> {
        read_upload_zip(body, &ZipLimits::default())
    }

    /// The position of the central directory record of `name`.
    fn central_record(zip: &[u8], name: &str) -> usize {
        (0..zip.len() - CENTRAL_HEADER_LEN)
            .find(|&at| {
                zip[at..at + 4] == CENTRAL_HEADER_SIG && {
                    let len = usize::from(u16_at(zip, at + 28).unwrap());
                    zip.get(at + 46..at + 46 + len) == Some(name.as_bytes())
                }
            })
            .unwrap()
    }

    fn patch_u16(zip: &mut [u8], at: usize, value: u16) {
        zip[at..at + 2].copy_from_slice(&value.to_le_bytes());
    }

    fn patch_u32(zip: &mut [u8], at: usize, value: u32) {
        zip[at..at + 4].copy_from_slice(&value.to_le_bytes());
    }

    fn base64(bytes: &[u8]) -> String {
        const ALPHABET: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    #[test]
    fn upload_zip_reads_the_canonical_layout() {
        let contents = read(&canonical_zip()).unwrap();
        assert!(contents.skipped.is_empty(), "{:?}", contents.skipped);
        assert_eq!(contents.images.len(), 3);
        assert!(contents.has(ImageKind::Selfie));
        assert!(!contents.has(ImageKind::IdFront));
        assert_eq!(contents.count(ImageKind::Liveness), 2);
        assert_eq!(contents.count(ImageKind::Selfie), 1);
        let selfie = &contents.images[0];
        assert_eq!(selfie.name, "selfie.jpg");
        assert_eq!(selfie.image_type, ImageType::SelfieFile);
        assert_eq!(selfie.format, ImageFormat::Jpeg);
        assert!(!selfie.base64);
        assert_eq!(selfie.bytes, jpeg(1, 500));
        let names: Vec<_> = contents
            .of_kind(ImageKind::Liveness)
            .map(|image| (image.index, image.name.as_str()))
            .collect();
        assert_eq!(names, [(1, "liveness_1.jpg"), (2, "liveness_2.jpg")]);
        assert_eq!(contents.images[2].bytes, jpeg(3, 500));
        let id_info = contents.info.id_info.as_ref().unwrap();
        assert_eq!(id_info.country.as_deref(), Some("NG"));
        assert!(id_info.entered);
        assert!(matches!(
            contents.info.server_information,
            Some(ServerInformation::Response(_))
        ));
    }

    #[test]
    fn upload_zip_reads_deflated_images_and_stored_info_json() {
        let body = zip_of(&[
            ("selfie.jpg", &jpeg(7, 5000), Deflated),
            ("info.json", CANONICAL_INFO.as_bytes(), Stored),
            ("liveness_1.jpg", &jpeg(8, 5000), Deflated),
            ("liveness_2.jpg", PNG, Stored),
        ]);
        let contents = read(&body).unwrap();
        assert_eq!(contents.images.len(), 3);
        assert_eq!(contents.images[0].bytes, jpeg(7, 5000));
        assert_eq!(contents.images[1].bytes, jpeg(8, 5000));
        assert_eq!(contents.images[2].format, ImageFormat::Png);
        assert_eq!(ImageFormat::Png.mime(), "image/png");
    }

    #[test]
    fn upload_zip_reads_base64_images_and_a_minimal_info_json() {
        let selfie = jpeg(4, 300);
        let liveness = jpeg(5, 301);
        let wrapped: String = base64(&liveness)
            .as_bytes()
            .chunks(76)
            .map(|line| format!("{}\n", std::str::from_utf8(line).unwrap()))
            .collect();
        let url_safe = base64(PNG).trim_end_matches('=').replace('+', "-");
        let info = serde_json::json!({
            "images": [
                {"image_type_id": 2, "image": base64(&selfie), "file_name": ""},
                {"image_type_id": 6, "image": base64(&liveness)},
                {"image_type_id": "6", "image": wrapped, "file_name": null},
                {"image_type_id": " 6 ", "image": format!("data:image/png;base64,{url_safe}")},
                {"image_type_id": 3, "image": url_safe}
            ],
            "server_information": "https://uploads.example/selfie.zip"
        });
        let body = zip_of(&[("info.json", info.to_string().as_bytes(), Deflated)]);
        let contents = read(&body).unwrap();
        assert!(contents.skipped.is_empty(), "{:?}", contents.skipped);
        assert_eq!(contents.images.len(), 5);
        assert_eq!(contents.images[0].bytes, selfie);
        assert_eq!(contents.images[0].kind, ImageKind::Selfie);
        assert!(contents.images[0].base64);
        assert_eq!(contents.images[0].name, "images[0]");
        assert_eq!(contents.count(ImageKind::Liveness), 3);
        assert_eq!(contents.images[1].bytes, liveness);
        assert_eq!(contents.images[2].bytes, liveness);
        assert_eq!(contents.images[2].image_type, ImageType::LivenessBase64);
        assert_eq!(contents.images[3].format, ImageFormat::Png);
        assert_eq!(contents.images[3].bytes, PNG);
        assert_eq!(contents.images[4].kind, ImageKind::IdFront);
        assert!(contents.info.package_information.is_none());
        assert!(contents.info.misc_information.is_none());
        assert!(matches!(
            contents.info.server_information,
            Some(ServerInformation::UploadUrl(_))
        ));
    }

    #[test]
    fn upload_zip_duplicate_entry_names_first_wins() {
        let info = br#"{"images": [{"image_type_id": 0, "file_name": "selfie.jpg"}]}"#;
        let mut body = zip_of(&[
            ("info.json", info, Deflated),
            ("selfie.jpg", &jpeg(1, 100), Stored),
            ("selfie.jpX", &jpeg(2, 100), Deflated),
            ("info.jsoX", b"{\"images\": null}", Stored),
        ]);
        // ZipWriter refuses duplicate names: rename the copies in place.
        for (from, to) in [
            (&b"selfie.jpX"[..], &b"selfie.jpg"[..]),
            (b"info.jsoX", b"info.json"),
        ] {
            while let Some(at) = body.windows(from.len()).position(|w| w == from) {
                body[at..at + from.len()].copy_from_slice(to);
            }
        }
        let contents = read(&body).unwrap();
        assert_eq!(contents.info.images.len(), 1);
        assert_eq!(contents.images.len(), 1);
        assert_eq!(contents.images[0].bytes, jpeg(1, 100));
    }

    #[test]
    fn upload_zip_ignores_junk_entries() {
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default();
        writer.add_directory("extra/", options).unwrap();
        for (name, data) in [
            ("security_info.json", &b"{\"not\": \"the manifest\"}"[..]),
            ("base64imgString", b"/9j/4AAQSkZJRgABAQ"),
            ("extra/info.json", b"not json"),
            ("info.json", CANONICAL_INFO.as_bytes()),
            ("selfie.jpg", &jpeg(1, 10)),
            ("liveness_1.jpg", &jpeg(2, 10)),
            ("liveness_2.jpg", &jpeg(3, 10)),
            ("__MACOSX/._selfie.jpg", b"\0\x05\x16\x07"),
        ] {
            writer.start_file(name, options).unwrap();
            writer.write_all(data).unwrap();
        }
        let body = writer.finish().unwrap().into_inner();
        let contents = read(&body).unwrap();
        assert_eq!(contents.images.len(), 3);
        assert!(contents.skipped.is_empty());
    }

    #[test]
    fn upload_zip_reads_data_descriptor_entries() {
        // A streaming writer (like java.util.zip) leaves the local sizes
        // and CRC zero and puts them after the data.
        let mut writer = ZipWriter::new_stream(Vec::new());
        for (name, data, method) in [
            ("info.json", CANONICAL_INFO.as_bytes(), Deflated),
            ("selfie.jpg", &jpeg(1, 3000)[..], Deflated),
            ("liveness_1.jpg", &jpeg(2, 3000), Stored),
            ("liveness_2.jpg", &jpeg(3, 3000), Deflated),
        ] {
            writer
                .start_file(
                    name,
                    SimpleFileOptions::default().compression_method(method),
                )
                .unwrap();
            writer.write_all(data).unwrap();
        }
        let body = writer.finish().unwrap().into_inner();
        let contents = read(&body).unwrap();
        assert_eq!(contents.images.len(), 3);
        assert_eq!(contents.images[0].bytes, jpeg(1, 3000));
        assert_eq!(contents.images[2].bytes, jpeg(3, 3000));
    }

    #[test]
    fn upload_zip_reads_zip64_entries() {
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in [
            ("info.json", CANONICAL_INFO.as_bytes()),
            ("selfie.jpg", &jpeg(1, 100)[..]),
            ("liveness_1.jpg", &jpeg(2, 100)),
            ("liveness_2.jpg", &jpeg(3, 100)),
        ] {
            writer
                .start_file(name, SimpleFileOptions::default().large_file(true))
                .unwrap();
            writer.write_all(data).unwrap();
        }
        let body = writer.finish().unwrap().into_inner();
        let contents = read(&body).unwrap();
        assert_eq!(contents.images.len(), 3);
        assert_eq!(contents.images[1].bytes, jpeg(2, 100));
    }

    #[test]
    fn upload_zip_resolves_file_names_leniently() {
        let info = br#"{"images": [
            {"image_type_id": 0, "file_name": "selfie.jpg"},
            {"image_type_id": 4, "file_name": "/storage/emulated/0/job/liveness_1.jpg"},
            {"image_type_id": "4", "file_name": ".\\liveness_2.jpg"},
            {"image_type_id": 1, "file_name": "selfie.jpg", "image": ""}
        ]}"#;
        let body = zip_of(&[
            ("info.json", info, Deflated),
            ("images/selfie.jpg", &jpeg(1, 10), Stored),
            ("liveness_1.jpg", &jpeg(2, 10), Stored),
            ("liveness_2.jpg", &jpeg(3, 10), Stored),
        ]);
        let contents = read(&body).unwrap();
        assert!(contents.skipped.is_empty(), "{:?}", contents.skipped);
        let names: Vec<_> = contents.images.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "images/selfie.jpg",
                "liveness_1.jpg",
                "liveness_2.jpg",
                "images/selfie.jpg"
            ]
        );
        // An entry named twice is read once.
        assert_eq!(
            contents.images[0].bytes.as_ptr(),
            contents.images[3].bytes.as_ptr()
        );
    }

    #[test]
    fn upload_zip_skips_unusable_images_with_reasons() {
        let info = serde_json::json!({"images": [
            {"image_type_id": 0, "image": "", "file_name": "selfie.jpg"},
            {"image_type_id": 4, "image": "", "file_name": "missing.jpg"},
            {"image_type_id": 2, "image": "/storage/emulated/0/selfie.jpg", "file_name": ""},
            {"image_type_id": 6, "image": "not base64!", "file_name": ""},
            {"image_type_id": 6, "image": "", "file_name": ""},
            {"image_type_id": 12, "image": "", "file_name": "selfie.jpg"},
            {"image_type_id": 4, "file_name": "empty.jpg"},
            {"image_type_id": 4, "file_name": "notes.txt"},
            {"image_type_id": 6, "image": base64(b"plain text")},
            {"image_type_id": 6, "image": "QUJD=QUJD"}
        ]});
        let body = zip_of(&[
            ("info.json", info.to_string().as_bytes(), Deflated),
            ("selfie.jpg", &jpeg(1, 10), Stored),
            ("empty.jpg", b"", Stored),
            ("notes.txt", b"hello", Deflated),
        ]);
        let contents = read(&body).unwrap();
        assert_eq!(contents.images.len(), 1);
        assert!(contents.has(ImageKind::Selfie));
        let reasons: Vec<_> = contents
            .skipped
            .iter()
            .map(|s| (s.index, s.reason.clone()))
            .collect();
        assert_eq!(
            reasons,
            [
                (
                    1,
                    SkipReason::FileMissing {
                        file_name: "missing.jpg".to_owned()
                    }
                ),
                (
                    2,
                    SkipReason::FilePath {
                        value: "/storage/emulated/0/selfie.jpg".to_owned()
                    }
                ),
                (3, SkipReason::InvalidBase64),
                (4, SkipReason::NoSource),
                (5, SkipReason::UnknownType(12)),
                (6, SkipReason::Empty),
                (7, SkipReason::NotAnImage),
                (8, SkipReason::NotAnImage),
                (9, SkipReason::InvalidBase64),
            ]
        );
        assert_eq!(contents.skipped[4].image_type, ImageType::Other(12));
        assert_eq!(
            contents.skipped[0].reason.to_string(),
            "file `missing.jpg` is not in the zip"
        );
    }

    #[test]
    fn upload_zip_rejects_a_non_zip_body() {
        for body in [
            &b""[..],
            b"PK",
            b"<html><body>502 Bad Gateway</body></html>",
            &[0u8; 100],
            b"PK\x03\x04 a local header and nothing else, no directory",
        ] {
            assert_eq!(read(body).unwrap_err(), ZipProblem::NotAZip);
        }
        assert_eq!(
            ZipProblem::NotAZip.to_string(),
            "the upload is not a zip archive"
        );
    }

    #[test]
    fn upload_zip_rejects_a_zip_without_info_json() {
        let body = zip_of(&[
            ("job/info.json", CANONICAL_INFO.as_bytes(), Deflated),
            ("INFO.JSON", CANONICAL_INFO.as_bytes(), Deflated),
            ("selfie.jpg", &jpeg(1, 10), Stored),
        ]);
        assert_eq!(read(&body).unwrap_err(), ZipProblem::NoInfoJson);
        assert_eq!(read(&zip_of(&[])).unwrap_err(), ZipProblem::NoInfoJson);
    }

    #[test]
    fn upload_zip_rejects_an_undecodable_info_json() {
        for json in [
            &b"{\"package_information\": {}}"[..],
            b"<html>",
            b"{\"images\": [{}]}",
        ] {
            let body = zip_of(&[("info.json", json, Deflated)]);
            match read(&body).unwrap_err() {
                ZipProblem::InfoJson(message) => assert!(!message.is_empty()),
                other => panic!("expected InfoJson, got {other:?}"),
            }
        }
        // A byte order mark is tolerated.
        let body = zip_of(&[("info.json", b"\xEF\xBB\xBF{\"images\": []}", Stored)]);
        assert!(read(&body).unwrap().images.is_empty());
    }

    #[test]
    fn upload_zip_refuses_a_zip_bomb_before_inflating() {
        let zeros = vec![0u8; 20 * 1024 * 1024];
        let body = zip_of(&[
            ("info.json", CANONICAL_INFO.as_bytes(), Deflated),
            ("selfie.jpg", &zeros, Deflated),
        ]);
        assert!(
            body.len() < 1024 * 1024,
            "the bomb is small: {}",
            body.len()
        );
        assert_eq!(
            read(&body).unwrap_err(),
            ZipProblem::EntryTooLarge {
                name: "selfie.jpg".to_owned(),
                size: 20 * 1024 * 1024,
                max: 16 * 1024 * 1024,
            }
        );
    }

    #[test]
    fn upload_zip_refuses_a_high_compression_ratio() {
        let zeros = vec![0u8; 1024 * 1024];
        let mut body = zip_of(&[
            ("info.json", CANONICAL_INFO.as_bytes(), Deflated),
            ("liveness_1.jpg", &zeros, Deflated),
        ]);
        // Garble the deflate data: inflating it would fail differently.
        let record = central_record(&body, "liveness_1.jpg");
        let compressed = u32_at(&body, record + 20).unwrap() as usize;
        let local = u32_at(&body, record + 42).unwrap() as usize;
        let data = local + LOCAL_HEADER_LEN + "liveness_1.jpg".len();
        body[data..data + compressed].fill(0xFF);
        match read(&body).unwrap_err() {
            ZipProblem::RatioTooHigh {
                name,
                size,
                max_ratio,
                ..
            } => {
                assert_eq!(name, "liveness_1.jpg");
                assert_eq!(size, 1024 * 1024);
                assert_eq!(max_ratio, 100);
            }
            other => panic!("expected RatioTooHigh, got {other:?}"),
        }
    }

    #[test]
    fn upload_zip_refuses_a_large_total_and_a_large_info_json() {
        let body = canonical_zip();
        let limits = ZipLimits {
            max_total_size: 1000,
            ..ZipLimits::default()
        };
        assert!(matches!(
            read_upload_zip(&body, &limits).unwrap_err(),
            ZipProblem::TooLarge { max: 1000, .. }
        ));
        let limits = ZipLimits {
            max_info_json_size: 100,
            ..ZipLimits::default()
        };
        match read_upload_zip(&body, &limits).unwrap_err() {
            ZipProblem::EntryTooLarge { name, max, .. } => {
                assert_eq!(name, "info.json");
                assert_eq!(max, 100);
            }
            other => panic!("expected EntryTooLarge, got {other:?}"),
        }
    }

    #[test]
    fn upload_zip_refuses_a_lying_declared_size() {
        let original = zip_of(&[
            ("info.json", CANONICAL_INFO.as_bytes(), Deflated),
            ("selfie.jpg", &jpeg(1, 10_000), Deflated),
        ]);
        for declared in [100, 10_003, 10_005, 20_000] {
            let mut body = original.clone();
            let record = central_record(&body, "selfie.jpg");
            patch_u32(&mut body, record + 24, declared);
            let problem = read(&body).unwrap_err();
            assert_eq!(
                problem,
                ZipProblem::SizeMismatch {
                    name: "selfie.jpg".to_owned(),
                    declared: declared.into(),
                },
                "declared {declared}"
            );
        }
        // A stored entry whose sizes disagree.
        let mut body = zip_of(&[
            ("info.json", CANONICAL_INFO.as_bytes(), Stored),
            ("selfie.jpg", &jpeg(1, 100), Stored),
        ]);
        let record = central_record(&body, "selfie.jpg");
        patch_u32(&mut body, record + 24, 50);
        assert!(matches!(
            read(&body).unwrap_err(),
            ZipProblem::SizeMismatch { declared: 50, .. }
        ));
    }

    #[test]
    fn upload_zip_refuses_a_corrupt_entry() {
        let mut body = canonical_zip();
        let record = central_record(&body, "selfie.jpg");
        let crc = u32_at(&body, record + 16).unwrap();
        patch_u32(&mut body, record + 16, crc ^ 1);
        assert!(matches!(
            read(&body).unwrap_err(),
            ZipProblem::Damaged { name, .. } if name == "selfie.jpg"
        ));
        let mut body = canonical_zip();
        let record = central_record(&body, "liveness_1.jpg");
        patch_u32(&mut body, record + 42, u32::MAX - 10);
        assert!(matches!(
            read(&body).unwrap_err(),
            ZipProblem::Damaged { name, .. } if name == "liveness_1.jpg"
        ));
    }

    #[test]
    fn upload_zip_refuses_too_many_entries() {
        let names: Vec<String> = (0..65).map(|i| format!("junk_{i}")).collect();
        let mut entries: Vec<(&str, &[u8], CompressionMethod)> =
            vec![("info.json", CANONICAL_INFO.as_bytes(), Deflated)];
        entries.extend(names.iter().map(|n| (n.as_str(), &b"x"[..], Stored)));
        assert_eq!(
            read(&zip_of(&entries)).unwrap_err(),
            ZipProblem::TooManyEntries { count: 66, max: 64 }
        );
        entries.truncate(64);
        assert!(read(&zip_of(&entries)).is_ok());
    }

    #[test]
    fn upload_zip_refuses_encrypted_and_unsupported_entries() {
        let mut body = canonical_zip();
        let record = central_record(&body, "selfie.jpg");
        patch_u16(&mut body, record + 8, 1);
        assert_eq!(
            read(&body).unwrap_err(),
            ZipProblem::Encrypted {
                name: "selfie.jpg".to_owned()
            }
        );
        let mut body = canonical_zip();
        let record = central_record(&body, "info.json");
        patch_u16(&mut body, record + 10, 14);
        assert_eq!(
            read(&body).unwrap_err(),
            ZipProblem::Unsupported {
                name: "info.json".to_owned(),
                method: 14
            }
        );
        // Entries nobody reads may be anything.
        let mut body = zip_of(&[
            ("info.json", CANONICAL_INFO.as_bytes(), Deflated),
            ("selfie.jpg", &jpeg(1, 10), Stored),
            ("liveness_1.jpg", &jpeg(2, 10), Stored),
            ("liveness_2.jpg", &jpeg(3, 10), Stored),
            ("security_info.json", b"{}", Stored),
        ]);
        let record = central_record(&body, "security_info.json");
        patch_u16(&mut body, record + 8, 1);
        assert_eq!(read(&body).unwrap().images.len(), 3);
    }

    #[test]
    fn upload_zip_messages_are_one_line() {
        let name = "bad\nname".repeat(100);
        let problem = ZipProblem::EntryTooLarge {
            name: one_line(&name, MAX_SHOWN_NAME),
            size: 1,
            max: 0,
        };
        let message = problem.to_string();
        assert!(!message.contains('\n'));
        assert!(message.chars().count() < 200);
    }

    #[test]
    fn upload_zip_base64_decoder() {
        assert_eq!(decode_base64("").unwrap(), b"");
        assert_eq!(decode_base64("TQ==").unwrap(), b"M");
        assert_eq!(decode_base64("TQ").unwrap(), b"M");
        assert_eq!(decode_base64("TWE=").unwrap(), b"Ma");
        assert_eq!(decode_base64("TWFu").unwrap(), b"Man");
        assert_eq!(decode_base64("TW\r\nFu").unwrap(), b"Man");
        assert_eq!(decode_base64("-_-_").unwrap(), [0xFB, 0xFF, 0xBF]);
        assert_eq!(decode_base64("+/+/").unwrap(), [0xFB, 0xFF, 0xBF]);
        for bad in ["T", "TWFuT", "TQ===", "T===", "TQ=x", "TW.u", "TWF\u{e9}"] {
            assert_eq!(decode_base64(bad), None, "{bad:?}");
        }
        assert_eq!(
            decode_image_text("data:image/png;text,abcd"),
            Err(SkipReason::InvalidBase64)
        );
        assert!(matches!(
            decode_image_text("content://media/external/images/1"),
            Err(SkipReason::FilePath { .. })
        ));
    }

    /// A small deterministic fuzz run over mutations of real zips: no
    /// panic, and the properties [`fuzz_read`] checks hold.
    #[test]
    fn upload_zip_fuzz_read_survives_mutations() {
        let seeds = [
            canonical_zip(),
            zip_of(&[
                ("info.json", CANONICAL_INFO.as_bytes(), Stored),
                ("selfie.jpg", &jpeg(1, 2000), Deflated),
            ]),
        ];
        let mut state: u64 = 0x5eed;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize
        };
        for seed in &seeds {
            fuzz_read(seed);
            for cut in (0..seed.len()).step_by(7) {
                fuzz_read(&seed[..cut]);
                fuzz_read(&seed[cut..]);
            }
            for _ in 0..1500 {
                let mut body = seed.clone();
                for _ in 0..1 + next() % 4 {
                    let at = next() % body.len();
                    body[at] = match next() % 3 {
                        0 => body[at] ^ (1 << (next() % 8)),
                        1 => 0xFF,
                        _ => 0,
                    };
                }
                fuzz_read(&body);
            }
        }
    }
}
