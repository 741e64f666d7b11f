//! Library errors and panics as Python exceptions.
//!
//! The class follows the library's own classification ([`HasFault`]): a
//! missing file is `FileNotFoundError`, any other fault of the input
//! `ValueError`, a failure of the run `RuntimeError`. The message is the
//! one `naap` prints after `naap: `: the error and its causes joined by
//! ": ". A panic (a bug) becomes a `RuntimeError` instead of reaching the
//! interpreter.

use naap_output::{Fault, HasFault};
use pyo3::exceptions::{PyFileNotFoundError, PyRuntimeError, PyValueError};
use pyo3::PyErr;
use std::error::Error as StdError;

pyo3::create_exception!(
    naap,
    BudgetExhausted,
    pyo3::exceptions::PyRuntimeError,
    "The oracle's budget cannot pay for the epochs asked; nothing of that call was charged."
);

/// The whole cause chain on one line, as the CLI prints it.
pub fn message(err: &(dyn StdError + 'static)) -> String {
    let mut text = err.to_string();
    let mut cause = err.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// Whether a file that the user named is missing somewhere in the chain.
fn is_missing_file(err: &(dyn StdError + 'static)) -> bool {
    let mut cause: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(c) = cause {
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::NotFound {
                return true;
            }
        }
        cause = c.source();
    }
    false
}

/// A library error as the Python exception of its fault.
pub fn to_py<E: HasFault + StdError + 'static>(err: E) -> PyErr {
    let text = message(&err);
    if is_missing_file(&err) {
        return PyFileNotFoundError::new_err(text);
    }
    if is_budget(&err) {
        return BudgetExhausted::new_err(text);
    }
    match err.fault() {
        Fault::Input => PyValueError::new_err(text),
        Fault::Runtime => PyRuntimeError::new_err(text),
    }
}

fn is_budget(err: &(dyn StdError + 'static)) -> bool {
    let mut cause: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(c) = cause {
        if matches!(
            c.downcast_ref::<naap_nas::Error>(),
            Some(naap_nas::Error::BudgetExhausted(_))
        ) {
            return true;
        }
        cause = c.source();
    }
    false
}

/// An integer argument, or a ValueError naming it (a ModelId given as
/// `"7"` or `7.5` is bad input, as `--ids 7.5` is to the CLI).
pub fn int_arg(value: &pyo3::Bound<'_, pyo3::PyAny>, name: &str) -> pyo3::PyResult<i64> {
    use pyo3::types::{PyAnyMethods, PyBool};
    if value.is_instance_of::<PyBool>() {
        return Err(value_error(format!(
            "{name} must be an integer, got {value}"
        )));
    }
    value
        .extract::<i64>()
        .map_err(|_| value_error(format!("{name} must be an integer, got {value}")))
}

/// A `ValueError` with this message: bad input found by the binding itself.
pub fn value_error(text: impl Into<String>) -> PyErr {
    PyValueError::new_err(text.into())
}

/// Runs `work` with the GIL released and turns a panic into a
/// `RuntimeError`, so a bug in a long call neither blocks other Python
/// threads nor kills the interpreter.
pub fn detached<T, F>(py: pyo3::Python<'_>, work: F) -> pyo3::PyResult<T>
where
    F: FnOnce() -> pyo3::PyResult<T> + Send,
    T: Send,
{
    py.detach(|| caught(work))
}

/// Runs `work` (holding the GIL) and turns a panic into a `RuntimeError`.
pub fn caught<T>(work: impl FnOnce() -> pyo3::PyResult<T>) -> pyo3::PyResult<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
        Ok(result) => result,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(PyRuntimeError::new_err(format!(
                "internal error in naap (please report it): {what}"
            )))
        }
    }
}
