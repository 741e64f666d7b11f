//! `naap.Predictor` (the files of `naap fit` / `naap predict`) and the
//! plain regressor behind `naap.sklearn.NaapRegressor`.

use crate::benchmark::{dataset_path, features_of};
use crate::error::{detached, to_py, value_error};
use naap_dataset::{Architecture, EpochRecord};
use naap_predict::features::FeatureSetSpec;
use naap_predict::models::FittedModel;
use naap_predict::models::RegressorSpec;
use naap_predict::predictor::{FitColumns, FitJob, Predictor as Inner};
use naap_predict::protocol::PAPER_SEEDS;
use naap_predict::FittedRegressor;
use naap_space::ModelId;
use numpy::{PyArray1, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use std::path::PathBuf;
use std::sync::Arc;

/// Every regressor name `model` accepts, as the outputs write them.
#[pyfunction]
pub fn regressor_names() -> Vec<String> {
    naap_predict::models::regressor_names()
}

/// Any array-like as a C-contiguous float64 numpy array.
fn float_array<'py>(x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let np = x.py().import("numpy")?;
    np.call_method1("ascontiguousarray", (x, "float64"))
        .map_err(|e| value_error(format!("expected an array of numbers: {e}")))
}

/// A 2-D float64 view of an array-like, or a ValueError naming its shape.
fn matrix<'py>(x: &Bound<'py, PyAny>) -> PyResult<PyReadonlyArray2<'py, f64>> {
    let a = float_array(x)?;
    let ndim: usize = a.getattr("ndim")?.extract()?;
    if ndim != 2 {
        return Err(value_error(format!(
            "expected a 2-D array (rows x features), got {ndim} dimension(s)"
        )));
    }
    a.extract()
}

/// A fitted predictor: the features it reads, their scaler and the model,
/// as one file (`naap fit` writes it, `naap predict` reads it).
#[pyclass(module = "naap", frozen)]
pub struct Predictor {
    inner: Arc<Inner>,
    /// The published test rows' scores when fitted by `fit` without `all_rows`.
    test: Option<(naap_predict::metrics::Scores, usize)>,
}

#[pymethods]
impl Predictor {
    /// Fits a predictor exactly as `naap fit` does and returns it (save it
    /// with `save`). `model`: a regressor name (`regressor_names()`);
    /// `feature_set` (a name) or `features` (column names), one of them;
    /// `seed` default 20220905; `all_rows`: fit on every row instead of the
    /// published train rows.
    #[staticmethod]
    #[pyo3(signature = (dataset, model, feature_set=None, features=None, seed=None, all_rows=false, data_dir=None))]
    #[expect(
        clippy::too_many_arguments,
        reason = "the Python signature is the issue's, keyword arguments with defaults"
    )]
    fn fit(
        py: Python<'_>,
        dataset: Option<&Bound<'_, PyAny>>,
        model: &str,
        feature_set: Option<&str>,
        features: Option<Vec<String>>,
        seed: Option<u64>,
        all_rows: bool,
        data_dir: Option<PathBuf>,
    ) -> PyResult<Predictor> {
        let columns = match (feature_set, features) {
            (Some(set), None) => FitColumns::Set(set.parse::<FeatureSetSpec>().map_err(to_py)?),
            (None, Some(names)) => FitColumns::Features(features_of(&names)?.features().to_vec()),
            _ => {
                return Err(value_error(
                    "give exactly one of feature_set (a name) and features (column names)",
                ))
            }
        };
        let job = FitJob {
            dataset: dataset_path(dataset, data_dir)?,
            regressor: model.parse::<RegressorSpec>().map_err(to_py)?,
            columns,
            seed: seed.unwrap_or(PAPER_SEEDS[0]),
            all_rows,
            selection: None,
        };
        let report = detached(py, || job.fit().map_err(to_py))?;
        Ok(Predictor {
            inner: Arc::new(report.predictor),
            test: report.test,
        })
    }

    /// Reads a predictor file (as `naap predict --predictor` does).
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Predictor> {
        let inner = detached(py, || Inner::load(&path).map_err(to_py))?;
        Ok(Predictor {
            inner: Arc::new(inner),
            test: None,
        })
    }

    /// Writes the predictor file (the bytes `naap fit` writes), atomically.
    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        let inner = self.inner.clone();
        detached(py, move || inner.save(&path).map_err(to_py))
    }

    /// The file's text (JSON).
    fn to_json(&self) -> PyResult<String> {
        self.inner.to_json().map_err(to_py)
    }

    /// A predictor from a file's text (`to_json`), checked as `load` checks a file.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Predictor> {
        Ok(Predictor {
            inner: Arc::new(Inner::from_json(text).map_err(to_py)?),
            test: None,
        })
    }

    /// Pickles as its file's text, so a predictor crosses processes
    /// (multiprocessing, joblib) as the file would.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let from_json = py.get_type::<Predictor>().getattr("from_json")?;
        Ok((from_json, (self.to_json()?,)))
    }

    /// The columns `predict` reads, in order, as CSV names.
    #[getter]
    fn feature_names(&self) -> Vec<String> {
        self.inner.feature_names()
    }

    /// The regressor's name (`Random Forest (N=200)`).
    #[getter]
    fn model(&self) -> String {
        self.inner.model().name.clone()
    }

    /// The feature set's name.
    #[getter]
    fn feature_set(&self) -> String {
        self.inner.feature_set().name().to_owned()
    }

    /// Trained epochs a candidate needs (0: the scheme alone).
    #[getter]
    fn epochs_needed(&self) -> u32 {
        self.inner.epochs_needed()
    }

    /// The fitting seed.
    #[getter]
    fn seed(&self) -> u64 {
        self.inner.training().seed
    }

    /// The ModelIds fitted on, in fitting order.
    #[getter]
    fn training_ids(&self) -> Vec<u32> {
        self.inner.training().model_ids.clone()
    }

    /// `sha256:<hex>`: the identity of the fitted predictor.
    #[getter]
    fn checksum(&self) -> PyResult<String> {
        self.inner.checksum().map_err(to_py)
    }

    /// The published test rows' scores of `fit` (as `naap fit` prints
    /// them): a dict, or None (loaded, or fitted with `all_rows`).
    #[getter]
    fn test_scores<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Some((s, rows)) = &self.test else {
            return Ok(None);
        };
        let d = PyDict::new(py);
        d.set_item("mae", s.mae)?;
        d.set_item("violations", s.violations)?;
        d.set_item("max_violations", s.max_violations)?;
        d.set_item("monotonicity", s.monotonicity)?;
        d.set_item("kendall_tau", s.kendall_tau)?;
        d.set_item("spearman_rho", s.spearman_rho)?;
        d.set_item("rows", rows)?;
        Ok(Some(d))
    }

    fn __repr__(&self) -> String {
        format!(
            "Predictor({:?} on {:?}, {} features)",
            self.inner.model().name,
            self.inner.feature_set().name(),
            self.inner.feature_names().len()
        )
    }

    /// Predicted MaxAccuracy of each row of `X` (rows x `feature_names`, raw
    /// units as in the CSV: NumParams and NumMACs as counts).
    #[pyo3(name = "predict")]
    fn predict_py<'py>(
        &self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let x = matrix(x)?.as_array().to_owned();
        let inner = self.inner.clone();
        let out = detached(py, move || inner.predict_raw(x.view()).map_err(to_py))?;
        Ok(PyArray1::from_vec(py, out))
    }

    /// Predicted MaxAccuracy of schemes (each a list of layer dicts, as in
    /// generated_schemes.json), profiled as `naap predict` profiles them.
    /// `curves`: per scheme, None or its epoch records (dicts with
    /// `accuracy`, `loss_mean`, `loss_median`, epoch 1 first), needed when
    /// the predictor reads epochs.
    #[pyo3(signature = (schemes, curves=None))]
    fn predict_schemes<'py>(
        &self,
        py: Python<'py>,
        schemes: &Bound<'py, PyAny>,
        curves: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let schemes = crate::space::schemes_of(schemes)?;
        let curves: Vec<Option<Vec<EpochRecord>>> = match curves {
            None => vec![None; schemes.len()],
            Some(c) => {
                let list = c
                    .cast::<PyList>()
                    .map_err(|_| value_error("curves must be a list (one entry per scheme)"))?;
                if list.len() != schemes.len() {
                    return Err(value_error(format!(
                        "curves has {} entries for {} schemes",
                        list.len(),
                        schemes.len()
                    )));
                }
                list.iter()
                    .enumerate()
                    .map(|(i, c)| epoch_records(&c, i + 1))
                    .collect::<PyResult<_>>()?
            }
        };
        let inner = self.inner.clone();
        let out = detached(py, move || {
            let config = naap_profile::ProfileConfig::default()
                .validate()
                .map_err(to_py)?;
            let mut candidates = Vec::with_capacity(schemes.len());
            for (i, (scheme, curve)) in schemes.iter().zip(curves).enumerate() {
                let id = ModelId::new(i as u32 + 1).map_err(to_py)?;
                let features = naap_profile::profile(scheme, &config).map_err(|e| {
                    value_error(format!("scheme {}: {}", i + 1, crate::error::message(&e)))
                })?;
                candidates
                    .push(Architecture::new(id, features).with_epochs(curve.unwrap_or_default()));
            }
            inner
                .predict_named(&candidates, |i| format!("scheme {}", i + 1))
                .map_err(to_py)
        })?;
        Ok(PyArray1::from_vec(py, out))
    }
}

/// One scheme's epoch records from a list of dicts (or None).
fn epoch_records(value: &Bound<'_, PyAny>, scheme: usize) -> PyResult<Option<Vec<EpochRecord>>> {
    if value.is_none() {
        return Ok(None);
    }
    let list = value.cast::<PyList>().map_err(|_| {
        value_error(format!(
            "curves[{}]: expected None or a list of epoch dicts",
            scheme - 1
        ))
    })?;
    list.iter()
        .enumerate()
        .map(|(e, rec)| {
            let at = |m: &str| value_error(format!("curves[{}], epoch {}: {m}", scheme - 1, e + 1));
            let d = rec.cast::<PyDict>().map_err(|_| at("expected a dict"))?;
            let field = |k: &str| -> PyResult<f64> {
                let v = d.get_item(k)?.ok_or_else(|| {
                    at(&format!(
                        "missing key {k:?} (accuracy, loss_mean, loss_median)"
                    ))
                })?;
                let v: f64 = v
                    .extract()
                    .map_err(|_| at(&format!("{k} must be a number")))?;
                if !v.is_finite() {
                    return Err(at(&format!("{k} is not finite ({v})")));
                }
                Ok(v)
            };
            Ok(EpochRecord {
                accuracy: field("accuracy")?,
                loss_mean: field("loss_mean")?,
                loss_median: field("loss_median")?,
            })
        })
        .collect::<PyResult<Vec<_>>>()
        .map(Some)
}

/// Any naap regressor fitted on a plain matrix (no scaling, no log
/// transform): what `naap.sklearn.NaapRegressor` wraps.
#[pyclass(module = "naap._naap", frozen)]
pub struct Regressor {
    fitted: FittedModel,
    features: usize,
}

#[pymethods]
impl Regressor {
    /// Fits regressor `model` (a name of `regressor_names()`) on rows `x`
    /// and targets `y` with `seed`.
    #[staticmethod]
    fn fit(
        py: Python<'_>,
        model: &str,
        x: &Bound<'_, PyAny>,
        y: &Bound<'_, PyAny>,
        seed: u64,
    ) -> PyResult<Regressor> {
        let spec: RegressorSpec = model.parse().map_err(to_py)?;
        let x = matrix(x)?;
        let y: PyReadonlyArray1<'_, f64> = float_array(y)?
            .extract()
            .map_err(|_| value_error("y must be a 1-D array of numbers"))?;
        let (xv, yv) = (x.as_array(), y.as_array());
        if xv.nrows() != yv.len() {
            return Err(value_error(format!(
                "X has {} rows but y has {} values",
                xv.nrows(),
                yv.len()
            )));
        }
        if xv.iter().chain(yv.iter()).any(|v| !v.is_finite()) {
            return Err(value_error("X and y must be finite (no NaN or infinity)"));
        }
        let (xo, yo) = (xv.to_owned(), yv.to_owned());
        let features = xo.ncols();
        let fitted = detached(py, move || {
            let fitted = spec
                .build()
                .fit(xo.view(), yo.view(), seed)
                .map_err(to_py)?;
            fitted.to_model().ok_or_else(|| {
                pyo3::exceptions::PyRuntimeError::new_err(format!("{spec} has no saved form"))
            })
        })?;
        Ok(Regressor { fitted, features })
    }

    /// A regressor from `to_json`'s text and its number of features.
    #[staticmethod]
    fn from_json(text: &str, features: usize) -> PyResult<Regressor> {
        let fitted = serde_json::from_str(text)
            .map_err(|e| value_error(format!("not a fitted naap regressor: {e}")))?;
        Ok(Regressor { fitted, features })
    }

    /// The fitted model as JSON (the `fitted` object of a predictor file).
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.fitted).map_err(|e| value_error(e.to_string()))
    }

    /// Pickles as its JSON, so the estimator crosses processes (joblib).
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (String, usize))> {
        let from_json = py.get_type::<Regressor>().getattr("from_json")?;
        Ok((from_json, (self.to_json()?, self.features)))
    }

    /// Predictions for rows `x`.
    fn predict<'py>(
        &self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let x = matrix(x)?.as_array().to_owned();
        if x.ncols() != self.features {
            return Err(value_error(format!(
                "X has {} features, the regressor was fitted on {}",
                x.ncols(),
                self.features
            )));
        }
        if x.iter().any(|v| !v.is_finite()) {
            return Err(value_error("X must be finite (no NaN or infinity)"));
        }
        let fitted = &self.fitted;
        let out = detached(py, move || fitted.predict(x.view()).map_err(to_py))?;
        Ok(PyArray1::from_vec(py, out))
    }
}
