//! One module per subcommand.

pub mod emulator;
pub mod job_status;
pub mod sign;
