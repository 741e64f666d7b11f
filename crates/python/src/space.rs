//! `naap.space`: the search space (generate) and the profiler, with schemes
//! as Python lists of layer dicts, as in generated_schemes.json.

use crate::error::{detached, to_py, value_error};
use naap_space::{Scheme, SpaceConfig};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

/// Schemes from Python (a list of lists of layer dicts), checked as
/// `naap` checks a schemes file; errors name the scheme and layer.
pub fn schemes_of(value: &Bound<'_, PyAny>) -> PyResult<Vec<Scheme>> {
    let json = value.py().import("json")?;
    let text: String = json
        .call_method1("dumps", (value,))
        .map_err(|e| {
            value_error(format!(
                "schemes must be a list of lists of layer dicts: {e}"
            ))
        })?
        .extract()?;
    naap_space::parse_schemes(&text).map_err(to_py)
}

/// Schemes as Python objects (through their published JSON form).
fn schemes_to_py<'py>(py: Python<'py>, schemes: &[Scheme]) -> PyResult<Bound<'py, PyAny>> {
    let text = serde_json::to_string(schemes).map_err(|e| value_error(e.to_string()))?;
    py.import("json")?.call_method1("loads", (text,))
}

/// The schemes of a search space, in the published order. `config`: TOML
/// text, a dict with the same keys, or None for the NAAP-440 space (the
/// 440 published schemes).
#[pyfunction]
#[pyo3(signature = (config=None))]
pub fn space_generate<'py>(
    py: Python<'py>,
    config: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let space = match config {
        None => SpaceConfig::default().validate(),
        Some(c) if c.is_instance_of::<PyString>() => {
            SpaceConfig::from_toml(&c.extract::<String>()?)
        }
        Some(c) if c.is_instance_of::<PyDict>() => {
            let text: String = py.import("json")?.call_method1("dumps", (c,))?.extract()?;
            SpaceConfig::from_json(&text)
        }
        Some(_) => return Err(value_error("config must be TOML text, a dict or None")),
    }
    .map_err(to_py)?;
    let schemes = detached(py, || {
        naap_space::generate_at_most(&space, naap_space::DEFAULT_MAX_SCHEMES).map_err(to_py)
    })?;
    schemes_to_py(py, &schemes)
}

/// The commented TOML of the NAAP-440 space (`naap space default-config`).
#[pyfunction]
pub fn space_default_config() -> &'static str {
    naap_space::DEFAULT_CONFIG_TOML
}

/// The profiler's features of each scheme, by CSV column name (`NumParams`,
/// `NumMACs`, ...), as `naap space profile` computes them.
#[pyfunction]
pub fn space_profile<'py>(
    py: Python<'py>,
    schemes: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyList>> {
    let schemes = schemes_of(schemes)?;
    let profiles = detached(py, || {
        let config = naap_profile::ProfileConfig::default()
            .validate()
            .map_err(to_py)?;
        schemes
            .iter()
            .enumerate()
            .map(|(i, s)| {
                naap_profile::profile(s, &config).map_err(|e| {
                    value_error(format!("scheme {}: {}", i + 1, crate::error::message(&e)))
                })
            })
            .collect::<PyResult<Vec<_>>>()
    })?;
    let names: Vec<&str> = naap_profile::CSV_HEADER.split(',').skip(1).collect();
    let out = PyList::empty(py);
    for p in &profiles {
        let d = PyDict::new(py);
        for &name in &names {
            if let Some(v) = p.value(name) {
                d.set_item(name, v as u64)?;
            }
        }
        out.append(d)?;
    }
    Ok(out)
}
