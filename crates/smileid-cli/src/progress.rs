//! The spinner drawn on stderr while `job-status --wait` polls.

use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use smileid_hyper::{PollEvent, PollOutcome};
use tokio::task::JoinHandle;

const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const TICK: Duration = Duration::from_millis(100);

#[derive(Debug, Default)]
struct State {
    polls: u32,
    last: String,
}

/// A spinner with the elapsed time and the number of polls, redrawn every
/// 100 ms on stderr; it draws nothing when stderr is not a terminal (or is
/// a `TERM=dumb` one).
#[derive(Debug)]
pub struct Spinner {
    state: Arc<Mutex<State>>,
    task: Option<JoinHandle<()>>,
}

impl Spinner {
    /// Starts the spinner (a task of the current tokio runtime) when stderr
    /// is a terminal that can redraw a line (not `TERM=dumb`); otherwise a
    /// spinner that does nothing.
    pub fn start(label: String) -> Self {
        let state = Arc::new(Mutex::new(State::default()));
        let dumb = std::env::var_os("TERM").is_some_and(|term| term == "dumb");
        let task = (std::io::stderr().is_terminal() && !dumb).then(|| {
            let state = Arc::clone(&state);
            tokio::spawn(async move {
                let started = Instant::now();
                let mut frame = 0usize;
                let mut ticker = tokio::time::interval(TICK);
                loop {
                    ticker.tick().await;
                    let (polls, last) = {
                        let s = state.lock().unwrap_or_else(PoisonError::into_inner);
                        (s.polls, s.last.clone())
                    };
                    let line = format!(
                        "{} {label}  {:.1}s, {polls} poll{}{}",
                        FRAMES[frame % FRAMES.len()],
                        started.elapsed().as_secs_f64(),
                        if polls == 1 { "" } else { "s" },
                        if last.is_empty() {
                            String::new()
                        } else {
                            format!(", {last}")
                        }
                    );
                    let mut err = std::io::stderr().lock();
                    let _ = write!(err, "\r\x1b[2K{line}");
                    let _ = err.flush();
                    frame += 1;
                }
            })
        });
        Self { state, task }
    }

    /// Records one poll (the observer of the wait).
    pub fn observe(&self, event: &PollEvent<'_>) {
        let last = match event.outcome {
            PollOutcome::Status(status) if status.is_complete() => "complete".to_owned(),
            PollOutcome::Status(_) => "pending".to_owned(),
            PollOutcome::Failed(_) => "last poll failed, retrying".to_owned(),
            PollOutcome::DeadlineReached => "deadline reached".to_owned(),
            _ => String::new(),
        };
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.polls = event.poll;
        state.last = last;
    }

    /// Shows `text` as the spinner's status (a step of a submission).
    pub fn status(&self, text: impl Into<String>) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.last = text.into();
    }

    /// Stops the spinner and clears its line.
    pub fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.stop();
    }
}
