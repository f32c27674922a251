//! `POST {base}/job_status` (protocol section 3): the request a client sends
//! and the response it reads back.

mod request;
mod response;

pub use request::JobStatusRequest;
pub use response::{ImageLinks, JobStatusResponse, ResultOrMessage};
