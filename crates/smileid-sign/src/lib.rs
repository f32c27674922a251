#![doc = include_str!("../README.md")]

mod freshness;
mod key;
mod shown;
mod signer;
mod timestamp;

pub use freshness::{Freshness, FreshnessError};
pub use key::{ApiKey, REDACTED};
pub use shown::truncate_chars;
pub use signer::{CredentialError, SignedTimestamp, Signer, VerifyError};
pub use timestamp::{TimestampError, format_timestamp, parse_timestamp};
