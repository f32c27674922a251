//! The `/v1` endpoints, one module each.

pub(crate) mod aml;
pub(crate) mod business_verification;
pub(crate) mod catalogue;
pub(crate) mod discovery;
pub(crate) mod entry;
pub(crate) mod id_verification;
pub(crate) mod job_status;
pub(crate) mod upload;
pub(crate) mod web_token;
