//! `naap.Benchmark`: the NAAP-440 table, read once, queried by ModelId.

use crate::error::{detached, int_arg, to_py, value_error};
use naap_dataset::{data_dir, Dataset, Row};
use naap_predict::features::{Feature, FeatureSet, FeatureSetSpec};
use numpy::{PyArray1, PyArray2};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use std::path::PathBuf;
use std::sync::Arc;

/// The published file that `dataset` names: `None` is `naap440.csv` of the
/// data folder (`data_dir`, else `$NAAP_DATA_DIR`, else `./data`, as the
/// CLI finds it), `"v1"`/`"v2"` name the published v1/v2 file there, a
/// `Benchmark` its own file, anything else is a path.
pub fn dataset_path(
    dataset: Option<&Bound<'_, PyAny>>,
    data_dir: Option<PathBuf>,
) -> PyResult<PathBuf> {
    let published =
        |name: &str| data_dir::naap440_file(&data_dir::from_env(data_dir.as_deref()), name);
    let Some(dataset) = dataset else {
        return Ok(published("naap440.csv"));
    };
    if let Ok(b) = dataset.cast::<Benchmark>() {
        return Ok(b.borrow().path.clone());
    }
    if let Ok(s) = dataset.cast::<PyString>() {
        match s.extract::<String>()?.as_str() {
            "v1" => return Ok(published("naap440.csv")),
            "v2" => return Ok(published("naap440v2.csv")),
            _ => {}
        }
    }
    dataset.extract::<PathBuf>().map_err(|_| {
        value_error(format!(
            "dataset must be a path, \"v1\", \"v2\", a Benchmark or None, got {}",
            dataset
                .get_type()
                .name()
                .map_or("?".into(), |n| n.to_string())
        ))
    })
}

/// The path of a published NAAP-440 file (`naap440.csv`, ...) as the CLI
/// finds it: in `data_dir`, else `$NAAP_DATA_DIR`, else `./data`.
#[pyfunction]
#[pyo3(signature = (name="naap440.csv", data_dir=None))]
pub fn published_path(name: &str, data_dir: Option<PathBuf>) -> String {
    data_dir::naap440_file(&data_dir::from_env(data_dir.as_deref()), name)
        .display()
        .to_string()
}

/// The NAAP-440 table (a v1 or v2 CSV): one row per architecture, its
/// scheme features, its 90-epoch curve, its MaxAccuracy and split.
#[pyclass(module = "naap", frozen)]
pub struct Benchmark {
    pub(crate) path: PathBuf,
    pub(crate) dataset: Arc<Dataset>,
    /// Row position of each ModelId (ModelIds are small integers).
    index: Vec<Option<usize>>,
}

impl Benchmark {
    pub(crate) fn row(&self, model_id: i64) -> PyResult<&Row> {
        usize::try_from(model_id)
            .ok()
            .and_then(|i| self.index.get(i).copied().flatten())
            .map(|i| &self.dataset.rows[i])
            .ok_or_else(|| {
                value_error(format!(
                    "ModelId {model_id} is not in {} ({} rows)",
                    self.path.display(),
                    self.dataset.rows.len()
                ))
            })
    }
}

#[pymethods]
impl Benchmark {
    /// Reads a dataset CSV (v1 or v2). `dataset`: a path, `"v1"` or `"v2"`
    /// (the published files), or None for the published `naap440.csv`;
    /// `data_dir`: the data folder (default `$NAAP_DATA_DIR`, else `./data`).
    #[new]
    #[pyo3(signature = (dataset=None, data_dir=None))]
    fn new(
        py: Python<'_>,
        dataset: Option<&Bound<'_, PyAny>>,
        data_dir: Option<PathBuf>,
    ) -> PyResult<Self> {
        let path = dataset_path(dataset, data_dir)?;
        let dataset = detached(py, || Dataset::read(&path).map_err(to_py))?;
        let max = dataset
            .rows
            .iter()
            .map(|r| r.id.get() as usize)
            .max()
            .unwrap_or(0);
        let mut index = vec![None; max + 1];
        for (i, r) in dataset.rows.iter().enumerate() {
            index[r.id.get() as usize] = Some(i);
        }
        Ok(Benchmark {
            path,
            dataset: Arc::new(dataset),
            index,
        })
    }

    fn __len__(&self) -> usize {
        self.dataset.rows.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "Benchmark({:?}: {} rows, {}, {} epochs)",
            self.path.display().to_string(),
            self.dataset.rows.len(),
            self.dataset.format,
            self.dataset.num_epochs()
        )
    }

    /// The CSV this table was read from.
    #[getter]
    fn path(&self) -> String {
        self.path.display().to_string()
    }

    /// `"v1"` (6 scheme features) or `"v2"` (8).
    #[getter]
    fn format(&self) -> &'static str {
        self.dataset.format.name()
    }

    /// Epochs per curve (90 in NAAP-440).
    #[getter]
    fn num_epochs(&self) -> usize {
        self.dataset.num_epochs()
    }

    /// Every column name of the CSV, in file order.
    #[getter]
    fn columns(&self) -> Vec<String> {
        self.dataset.columns()
    }

    /// The ModelIds, in file order.
    #[getter]
    fn ids<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.dataset.rows.iter().map(|r| r.id.get()))
    }

    /// One row as a dict. With `epoch` (1-based): `accuracy`, `loss_mean`,
    /// `loss_median` of that epoch. Without: `max_accuracy`, `is_test` and
    /// every scheme feature (and extra column) by its CSV column name.
    #[pyo3(signature = (model_id, epoch=None))]
    fn query<'py>(
        &self,
        py: Python<'py>,
        model_id: &Bound<'py, PyAny>,
        epoch: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let row = self.row(int_arg(model_id, "model_id")?)?;
        let epoch = epoch.map(|e| int_arg(e, "epoch")).transpose()?;
        let d = PyDict::new(py);
        if let Some(e) = epoch {
            let rec = usize::try_from(e)
                .ok()
                .and_then(|e| e.checked_sub(1))
                .and_then(|i| row.epochs.get(i))
                .ok_or_else(|| {
                    value_error(format!(
                        "epoch {e} is out of range: the curves have epochs 1..={}",
                        row.epochs.len()
                    ))
                })?;
            d.set_item(intern!(py, "accuracy"), rec.accuracy)?;
            d.set_item(intern!(py, "loss_mean"), rec.loss_mean)?;
            d.set_item(intern!(py, "loss_median"), rec.loss_median)?;
            return Ok(d);
        }
        d.set_item(intern!(py, "max_accuracy"), row.max_accuracy)?;
        d.set_item(intern!(py, "is_test"), row.is_test)?;
        for &name in self.dataset.format.scheme_feature_names() {
            // Counts up to 2^53 are exact as f64; they are ints in the CSV.
            if let Some(v) = row.scheme.value(name) {
                d.set_item(PyString::intern(py, name), v as u64)?;
            }
        }
        for (name, v) in &row.extra {
            d.set_item(name, *v)?;
        }
        Ok(d)
    }

    /// The test accuracy of every epoch: an array (n, epochs), rows in
    /// `ids` order.
    fn curves<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray2<f64>> {
        let rows = &self.dataset.rows;
        let epochs = self.dataset.num_epochs();
        let flat: Vec<f64> = rows.iter().flat_map(|r| r.accuracies()).collect();
        let array = ndarray::Array2::from_shape_vec((rows.len(), epochs), flat)
            .expect("every row has the same number of epochs");
        PyArray2::from_owned_array(py, array)
    }

    /// MaxAccuracy of every row, in `ids` order.
    fn max_accuracies<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        PyArray1::from_vec(
            py,
            self.dataset.rows.iter().map(|r| r.max_accuracy).collect(),
        )
    }

    /// Whether each row is in the 40-row test split, in `ids` order.
    fn is_test<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<bool>> {
        PyArray1::from_vec(py, self.dataset.rows.iter().map(|r| r.is_test).collect())
    }

    /// The model inputs of a feature set (a name such as `"Scheme+Quant.3"`,
    /// or a list of column names) for every row: `(X, names)`, X of shape
    /// (n, len(names)) in raw units (counts as in the CSV; what
    /// `Predictor.predict` takes), rows in `ids` order.
    fn features<'py>(
        &self,
        py: Python<'py>,
        feature_set: &Bound<'py, PyAny>,
    ) -> PyResult<(Bound<'py, PyArray2<f64>>, Vec<String>)> {
        let set = feature_set_of(feature_set)?;
        let rows = &self.dataset.rows;
        let x = set
            .raw_matrix_of(rows, |i| format!("model {}", rows[i].id))
            .map_err(to_py)?;
        let names = set.features().iter().map(ToString::to_string).collect();
        Ok((PyArray2::from_owned_array(py, x), names))
    }
}

/// A feature set from its name or a list of column names.
pub fn feature_set_of(value: &Bound<'_, PyAny>) -> PyResult<FeatureSet> {
    if let Ok(name) = value.extract::<String>() {
        let spec: FeatureSetSpec = name.parse().map_err(to_py)?;
        return spec.build().map_err(to_py);
    }
    let names: Vec<String> = value.extract().map_err(|_| {
        value_error("feature_set must be a feature-set name or a list of column names")
    })?;
    features_of(&names)
}

/// A feature set of named columns, named `A+B+...` as `naap fit --features` names it.
pub fn features_of(names: &[String]) -> PyResult<FeatureSet> {
    let features = names
        .iter()
        .map(|n| n.parse::<Feature>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(to_py)?;
    let name = features
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("+");
    FeatureSet::new(name, features).map_err(to_py)
}
