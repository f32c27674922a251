//! The tokio clock and sleeper for smileid-core.

use std::future::Future;
use std::time::{Duration, Instant};

use smileid_core::transport::Timer;

/// [`Timer`] backed by tokio: `sleep` is [`tokio::time::sleep`], `now` is
/// tokio's monotonic clock.
///
/// `now` reads [`tokio::time::Instant::now`], which is the same instant as
/// [`std::time::Instant::now`] in normal operation and also follows tokio's
/// paused clock (`#[tokio::test(start_paused = true)]`), so deadlines and
/// sleeps always agree. The wall clock (`system_now`) is the system's.
///
/// Must be used inside a tokio runtime with the `time` driver enabled (any
/// runtime built by `#[tokio::main]` or `#[tokio::test]`).
///
/// # Panics
///
/// [`sleep`](Timer::sleep) panics outside such a runtime, as
/// [`tokio::time::sleep`] does. [`Client`](crate::Client) checks for a
/// runtime first and returns an error instead; code that drives
/// smileid-core's client with this timer directly must call it from within
/// a runtime.
///
/// ```
/// use std::time::Duration;
/// use smileid_hyper::TokioTimer;
/// use smileid_core::transport::Timer;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let timer = TokioTimer::new();
/// let start = timer.now();
/// timer.sleep(Duration::from_millis(1)).await;
/// assert!(timer.now() > start);
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TokioTimer {
    _private: (),
}

impl TokioTimer {
    /// A new tokio timer (it holds no state).
    pub const fn new() -> Self {
        Self { _private: () }
    }
}

impl Timer for TokioTimer {
    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + Send {
        tokio::time::sleep(duration)
    }

    fn now(&self) -> Instant {
        tokio::time::Instant::now().into_std()
    }
}
