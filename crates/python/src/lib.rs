//! The `naap` Python package's native module, `naap._naap`.
//!
//! Conversion only: every answer comes from the library crates, the same
//! code the `naap` CLI runs, so Python and the CLI agree. The pure-Python
//! part (`python/naap/`) re-exports these and adds the scikit-learn
//! estimator. Start at [`benchmark::Benchmark`].

mod benchmark;
mod error;
mod nas;
mod predictor;
mod space;

use pyo3::prelude::*;

/// The native module; `naap/__init__.py` re-exports its names.
#[pymodule]
fn _naap(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<benchmark::Benchmark>()?;
    m.add_class::<predictor::Predictor>()?;
    m.add_class::<predictor::Regressor>()?;
    m.add_class::<nas::Oracle>()?;
    m.add("BudgetExhausted", py.get_type::<error::BudgetExhausted>())?;
    m.add_function(wrap_pyfunction!(predictor::regressor_names, m)?)?;
    m.add_function(wrap_pyfunction!(space::space_generate, m)?)?;
    m.add_function(wrap_pyfunction!(space::space_profile, m)?)?;
    m.add_function(wrap_pyfunction!(space::space_default_config, m)?)?;
    m.add_function(wrap_pyfunction!(nas::nas_simulate, m)?)?;
    m.add_function(wrap_pyfunction!(benchmark::published_path, m)?)?;
    m.add_function(wrap_pyfunction!(panic_for_tests, m)?)?;
    Ok(())
}

/// Panics inside the guard every long call runs in: the test suite checks
/// with it that a bug in naap is a `RuntimeError`, not a dead interpreter.
#[pyfunction]
#[pyo3(name = "_panic_for_tests")]
fn panic_for_tests(py: Python<'_>) -> PyResult<()> {
    error::detached(py, || panic!("a deliberate panic"))
}
