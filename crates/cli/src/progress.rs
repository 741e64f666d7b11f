//! Progress rendering: a bar on an interactive stderr, plain lines otherwise.
//!
//! Library crates report progress through callbacks; this module turns those
//! into an indicatif bar only when stderr is a terminal and this is not CI,
//! so logs never fill with bar redraws.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

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

/// A library job's [`naap_output::Progress`] drawn as one bar on stderr
/// (hidden when bars are off); its notes go above the bar, or, without a
/// bar, as plain lines when `lines` is on, each after `prefix`
/// (`naap search: `).
pub struct Bar {
    bar: ProgressBar,
    lines: bool,
    prefix: &'static str,
}

impl Bar {
    /// A bar drawn when `bars`; plain note lines when `lines` and no bar.
    pub fn new(bars: bool, lines: bool, prefix: &'static str) -> Bar {
        Bar {
            bar: bar(0, "", bars),
            lines: lines && !bars,
            prefix,
        }
    }
}

impl naap_output::Progress for Bar {
    fn start(&self, len: u64, label: &str) {
        self.bar.set_length(len);
        self.bar.set_position(0);
        self.bar.set_message(label.to_string());
    }

    fn advance(&self, n: u64) {
        self.bar.inc(n);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }

    fn note(&self, line: &str) {
        if self.lines {
            eprintln!("{}{line}", self.prefix);
        } else if !self.bar.is_hidden() {
            self.bar.println(line);
        }
    }
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
