//! The `/v1` endpoints, one module each.

pub(crate) mod job_status;
