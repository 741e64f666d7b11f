//! Whose fault an error is: the user's input (exit 2) or the run's (exit 1).
//!
//! Every library error type says this of itself through [`HasFault`], so the
//! CLI maps errors to exit codes in one place instead of marking each call
//! site, and a library caller (a test, the Python package) can tell a bad
//! file from a full disk the same way.

/// Who has to act on an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The user's input is wrong: a bad flag, config, file or value outside
    /// its domain. The CLI exits with 2.
    Input,
    /// The run failed on good input: I/O, a model that would not fit, a
    /// trainer error. The CLI exits with 1.
    Runtime,
}

/// An error that knows whose fault it is.
pub trait HasFault {
    /// Whether the user's input or the run is at fault.
    fn fault(&self) -> Fault;
}

/// The fault of an I/O error met while reading something the user named:
/// a missing, unreadable or non-UTF-8 file, or a folder where a file belongs,
/// is the input's; anything else (a failing disk) is the run's.
pub fn reading_fault(err: &std::io::Error) -> Fault {
    use std::io::ErrorKind::*;
    match err.kind() {
        NotFound | PermissionDenied | IsADirectory | NotADirectory | InvalidData | InvalidInput
        | UnexpectedEof => Fault::Input,
        _ => Fault::Runtime,
    }
}

impl HasFault for crate::Error {
    fn fault(&self) -> Fault {
        if self.is_input_error() {
            Fault::Input
        } else {
            Fault::Runtime
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_file_is_the_input_and_a_full_disk_the_run() {
        let missing = std::io::Error::from(std::io::ErrorKind::NotFound);
        assert_eq!(reading_fault(&missing), Fault::Input);
        let full = std::io::Error::from(std::io::ErrorKind::StorageFull);
        assert_eq!(reading_fault(&full), Fault::Runtime);
    }
}
