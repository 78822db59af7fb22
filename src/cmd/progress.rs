//! Progress on stderr for long runs, and stage timings for the benchmark.
//!
//! A spinner appears only when stderr is a terminal, the run is not `--quiet`, and the run has
//! already taken more than a second: short runs print nothing. With `G8AUDIT_TIMINGS=1` the time
//! of each stage is printed on stderr as one line, `timing: read=0.412s rules=0.051s …`, which
//! `benches/run.sh` reads.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Shown after this long.
const DELAY: Duration = Duration::from_secs(1);

/// The stages of one run.
pub struct Progress {
    bar: ProgressBar,
    timings: bool,
    stage: Option<(&'static str, Instant)>,
    done: Vec<(&'static str, Duration, Option<u64>)>,
}

impl Progress {
    /// A spinner for a run that prints progress unless `quiet`.
    pub fn new(quiet: bool) -> Progress {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        if !quiet && std::io::stderr().is_terminal() {
            bar.set_style(
                ProgressStyle::with_template("{spinner} {elapsed:>3} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            let shown = bar.clone();
            std::thread::spawn(move || {
                std::thread::sleep(DELAY);
                if !shown.is_finished() {
                    shown.set_draw_target(ProgressDrawTarget::stderr());
                    shown.enable_steady_tick(Duration::from_millis(120));
                }
            });
        }
        Progress {
            bar,
            timings: std::env::var_os("G8AUDIT_TIMINGS").is_some_and(|v| v == "1"),
            stage: None,
            done: Vec::new(),
        }
    }

    /// Starts a stage (ending the previous one), with what it is working on.
    pub fn stage(&mut self, name: &'static str, message: String) {
        self.end_stage();
        self.bar.set_message(message);
        self.stage = Some((name, Instant::now()));
    }

    fn end_stage(&mut self) {
        if let Some((name, start)) = self.stage.take() {
            let rss = self.timings.then(resident_kib).flatten();
            self.done.push((name, start.elapsed(), rss));
        }
    }

    /// Ends the run: clears the spinner and prints the timings when asked.
    pub fn finish(mut self) {
        self.end_stage();
        self.bar.finish_and_clear();
        if self.timings {
            let parts: Vec<String> = self
                .done
                .iter()
                .map(|(name, d, rss)| match rss {
                    Some(kib) => format!("{name}={:.3}s({}MiB)", d.as_secs_f64(), kib / 1024),
                    None => format!("{name}={:.3}s", d.as_secs_f64()),
                })
                .collect();
            let peak = peak_kib().map_or(String::new(), |k| format!(" peak={}MiB", k / 1024));
            eprintln!("timing: {}{peak}", parts.join(" "));
        }
    }
}

/// The process's resident memory now, in KiB (Linux only; for the timings line).
fn resident_kib() -> Option<u64> {
    status_field("VmRSS:")
}

/// The process's peak resident memory so far, in KiB (Linux only).
fn peak_kib() -> Option<u64> {
    status_field("VmHWM:")
}

fn status_field(name: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(name))?;
    line[name.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}
