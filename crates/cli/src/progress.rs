//! Progress rendering: a bar on an interactive stderr, plain lines otherwise.
//!
//! Library crates report progress through callbacks; this module turns those
//! into an indicatif bar only when stderr is a terminal and this is not CI,
//! so logs never fill with bar redraws.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;

/// Whether to draw bars, from the facts of the environment.
pub fn want_bars(stderr_is_terminal: bool, ci: bool, quiet: bool) -> bool {
    stderr_is_terminal && !ci && !quiet
}

/// [`want_bars`] with the real environment.
pub fn bars_enabled(quiet: bool) -> bool {
    want_bars(
        std::io::stderr().is_terminal(),
        std::env::var_os("CI").is_some(),
        quiet,
    )
}

/// A counting bar of `len` items with a message; hidden when bars are off.
pub fn bar(len: u64, message: &str, enabled: bool) -> ProgressBar {
    let pb = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if !enabled {
        pb.set_draw_target(ProgressDrawTarget::hidden());
    }
    pb.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({elapsed}, eta {eta})")
            .expect("static template is valid")
            .progress_chars("=> "),
    );
    pb.set_message(message.to_string());
    pb
}

/// A library job's [`naap_output::Progress`] drawn as bars: a counting bar
/// per phase (a spinner for a phase of unknown length, `len` 0). Notes go
/// above the bar while one is drawn, else to stderr as plain lines after
/// `prefix` (`naap search: `) when lines are on.
pub struct Bars {
    enabled: bool,
    lines: bool,
    prefix: &'static str,
    current: Mutex<Option<ProgressBar>>,
}

impl Bars {
    /// Bars if the environment and `quiet` allow them ([`bars_enabled`]);
    /// notes as plain lines unless `quiet`.
    pub fn new(quiet: bool) -> Bars {
        Bars::with_notes(bars_enabled(quiet), !quiet, "")
    }

    /// Bars when `bars`; notes as plain lines after `prefix` when `lines`
    /// and no bar is drawn.
    pub fn with_notes(bars: bool, lines: bool, prefix: &'static str) -> Bars {
        Bars {
            enabled: bars,
            lines,
            prefix,
            current: Mutex::new(None),
        }
    }

    fn current(&self) -> Option<ProgressBar> {
        self.current.lock().expect("no panic holds it").clone()
    }
}

impl naap_output::Progress for Bars {
    fn start(&self, len: u64, label: &str) {
        let pb = if len == 0 {
            counter(label, self.enabled)
        } else {
            bar(len, label, self.enabled)
        };
        *self.current.lock().expect("no panic holds it") = Some(pb);
    }

    fn advance(&self, n: u64) {
        if let Some(pb) = self.current() {
            pb.inc(n);
        }
    }

    fn finish(&self) {
        if let Some(pb) = self.current.lock().expect("no panic holds it").take() {
            pb.finish_and_clear();
        }
    }

    fn note(&self, line: &str) {
        match self.current() {
            Some(pb) if self.enabled => pb.println(line),
            // Between phases a drawn run still shows its notes.
            None if self.enabled => note!("{}{line}", self.prefix),
            _ if self.lines => note!("{}{line}", self.prefix),
            _ => {}
        }
    }
}

/// A spinner counting steps of unknown total: `{pos} {label}`.
fn counter(label: &str, enabled: bool) -> ProgressBar {
    let pb = ProgressBar::new_spinner();
    pb.set_draw_target(if enabled {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    });
    pb.set_style(
        ProgressStyle::with_template(&format!(
            "{{spinner}} {{pos}} {label} ({{elapsed}}, {{per_sec}})"
        ))
        .expect("the template is valid"),
    );
    if enabled {
        pb.enable_steady_tick(std::time::Duration::from_millis(200));
    }
    pb
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_only_on_an_interactive_terminal() {
        assert!(want_bars(true, false, false));
        assert!(!want_bars(false, false, false));
        assert!(!want_bars(true, true, false));
        assert!(!want_bars(true, false, true));
    }
}
