//! The one way naap writes to standard output and standard error.
//!
//! `print!` and `eprintln!` panic when the stream fails (a pipe closed by
//! `head`, `>/dev/full`), so nothing prints through them. Results written to
//! standard output go through [`out`], which returns the error for the
//! command to fail with; notes and messages go to standard error through
//! [`err`], which never fails the work but remembers the first failure, so
//! the process can end with [`stream_exit`]'s verdict: quietly for a closed
//! pipe, exit 1 for any other write error.

use std::fmt;
use std::io::Write;
use std::sync::Mutex;

/// The first error met writing standard error, if any.
static FAILED: Mutex<Option<std::io::ErrorKind>> = Mutex::new(None);

/// Writes `args` to standard output and flushes it. A closed pipe is
/// `ErrorKind::BrokenPipe`, which a command's caller treats as a quiet end.
pub fn out(args: fmt::Arguments) -> std::io::Result<()> {
    write_to(&mut std::io::stdout().lock(), args)
}

/// Writes `args` to standard error; a failure is remembered for
/// [`stream_exit`] and otherwise ignored, so a message never ends the work.
pub fn err(args: fmt::Arguments) {
    if let Err(e) = write_to(&mut std::io::stderr().lock(), args) {
        remember(e.kind());
    }
}

/// Records that a stream failed with `kind` (the first failure wins).
pub fn remember(kind: std::io::ErrorKind) {
    let mut failed = FAILED.lock().unwrap_or_else(|p| p.into_inner());
    failed.get_or_insert(kind);
}

/// What a stream failure means for the exit code: `None` if every write
/// succeeded or the only failure was a closed pipe (the reader left, as
/// `head` does), `Some(io kind)` for a real write error (exit 1).
pub fn stream_exit() -> Option<std::io::ErrorKind> {
    let failed = *FAILED.lock().unwrap_or_else(|p| p.into_inner());
    failed.filter(|k| *k != std::io::ErrorKind::BrokenPipe)
}

fn write_to(w: &mut impl Write, args: fmt::Arguments) -> std::io::Result<()> {
    w.write_fmt(args).and_then(|_| w.flush())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer that fails every write with one error kind.
    struct Failing(std::io::ErrorKind);

    impl Write for Failing {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(self.0.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failing_stream_is_an_error_not_a_panic_and_a_closed_pipe_is_quiet() {
        for (kind, exit) in [
            (std::io::ErrorKind::BrokenPipe, None),
            (
                std::io::ErrorKind::StorageFull,
                Some(std::io::ErrorKind::StorageFull),
            ),
        ] {
            let e = write_to(&mut Failing(kind), format_args!("x")).unwrap_err();
            assert_eq!(e.kind(), kind);
            *FAILED.lock().unwrap() = None;
            remember(e.kind());
            remember(std::io::ErrorKind::Other);
            assert_eq!(stream_exit(), exit, "first failure {kind:?}");
        }
        *FAILED.lock().unwrap() = None;
    }
}
