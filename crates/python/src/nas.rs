//! `naap.nas`: the study of `naap nas simulate`, and the oracle a Python
//! search trains through (NATS-Bench's `simulate_train_eval`, charged by
//! the simulator's own meter).

use crate::benchmark::{dataset_path, Benchmark};
use crate::error::{detached, int_arg, to_py, value_error};
use naap_dataset::data_dir;
use naap_nas::report::RESULTS_COLUMNS;
use naap_nas::simulate::{SimulateJob, SimulateRequest};
use naap_nas::strategy::{Acquisition, Known};
use naap_nas::{CostKind, CostModel, Meter, StrategyFlags, TableSource};
use naap_space::ModelId;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use std::path::PathBuf;

/// A ModelId from a Python int, or a ValueError.
fn model_id(n: i64) -> PyResult<ModelId> {
    u32::try_from(n)
        .ok()
        .and_then(|n| ModelId::new(n).ok())
        .ok_or_else(|| value_error(format!("ModelId must be an integer >= 1, got {n}")))
}

/// A cost model by name (`epochs`, `macs`, `logged`).
fn cost_kind(name: &str) -> PyResult<CostKind> {
    name.parse().map_err(value_error)
}

/// The CLI's strategy flags from keyword arguments in snake case
/// (`min_epochs=10` for `--min-epochs 10`); an unknown name is refused.
fn strategy_flags(kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<StrategyFlags> {
    let mut flags = StrategyFlags::default();
    let Some(kwargs) = kwargs else {
        return Ok(flags);
    };
    for (key, value) in kwargs.iter() {
        let key: String = key.extract()?;
        let bad = |what: &str| value_error(format!("{key}: expected {what}, got {value}"));
        if value.is_none() {
            continue;
        }
        match key.as_str() {
            "eta" => flags.eta = Some(value.extract().map_err(|_| bad("an integer >= 0"))?),
            "min_epochs" => flags.min_epochs = Some(value.extract().map_err(|_| bad("an integer >= 0"))?),
            "max_epochs" => flags.max_epochs = Some(value.extract().map_err(|_| bad("an integer >= 0"))?),
            "random_n" => flags.random_n = Some(value.extract().map_err(|_| bad("an integer >= 0"))?),
            "k_epochs" => flags.k_epochs = Some(value.extract().map_err(|_| bad("an integer >= 0"))?),
            "top_m" => flags.top_m = Some(value.extract().map_err(|_| bad("an integer >= 0"))?),
            "online_batch" => flags.online_batch = Some(value.extract().map_err(|_| bad("an integer >= 0"))?),
            "model" => flags.model = Some(value.extract().map_err(|_| bad("a regressor name"))?),
            "features" => flags.features = Some(value.extract().map_err(|_| bad("a feature-set name"))?),
            "zero_shot_features" => {
                flags.zero_shot_features = Some(value.extract().map_err(|_| bad("a feature-set name"))?)
            }
            "eval_epochs" => flags.eval_epochs = Some(value.extract().map_err(|_| bad("an integer >= 0"))?),
            "evaluations" => flags.evaluations = Some(value.extract().map_err(|_| bad("an integer >= 0"))?),
            "population" => flags.population = Some(value.extract().map_err(|_| bad("an integer >= 0"))?),
            "sample" => flags.sample = Some(value.extract().map_err(|_| bad("an integer >= 0"))?),
            "init" => flags.init = Some(value.extract().map_err(|_| bad("an integer >= 0"))?),
            "ensemble" => flags.ensemble = Some(value.extract().map_err(|_| bad("an integer >= 0"))?),
            "surrogate" => flags.surrogate = Some(value.extract().map_err(|_| bad("a regressor name"))?),
            "acquisition" => {
                let name: String = value.extract().map_err(|_| bad("\"its\" or \"ucb\""))?;
                flags.acquisition = Some(
                    name.parse::<Acquisition>()
                        .map_err(|e| value_error(format!("acquisition: {e}")))?,
                );
            }
            "known" => {
                let names: Vec<String> = match value.extract::<String>() {
                    Ok(one) => one.split(',').map(str::to_owned).collect(),
                    Err(_) => value.extract().map_err(|_| bad("\"fold\", \"online\" or a list of them"))?,
                };
                let known = names
                    .iter()
                    .map(|n| n.trim().parse::<Known>())
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| value_error(format!("known: {e}")))?;
                flags.known = Some(known);
            }
            _ => {
                return Err(value_error(format!(
                    "unknown strategy setting {key:?}; the settings are eta, min_epochs, max_epochs, \
                     random_n, k_epochs, top_m, known, online_batch, model, features, zero_shot_features, \
                     eval_epochs, evaluations, population, sample, init, ensemble, acquisition, surrogate"
                )))
            }
        }
    }
    Ok(flags)
}

/// Replays a NAS study as `naap nas simulate` does (same settings, same
/// seed, same searches) and returns its `results.csv` rows as dicts keyed
/// by the CSV's column names. Strategy settings are the CLI's flags in
/// snake case (`eta=3`, `min_epochs=10`, `top_m=10`, ...).
#[pyfunction]
#[pyo3(signature = (
    dataset=None, strategies=vec!["successive-halving".to_string()], repeats=100, seed=20220819,
    *, pool=None, cost=None, budget=None, logs=None, predictor=None, config=None, data_dir=None,
    **flags
))]
#[expect(
    clippy::too_many_arguments,
    reason = "the Python signature is the issue's, keyword arguments with defaults"
)]
pub fn nas_simulate<'py>(
    py: Python<'py>,
    dataset: Option<&Bound<'py, PyAny>>,
    strategies: Vec<String>,
    repeats: u32,
    seed: u64,
    pool: Option<&Bound<'py, PyAny>>,
    cost: Option<&str>,
    budget: Option<f64>,
    logs: Option<PathBuf>,
    predictor: Option<PathBuf>,
    config: Option<PathBuf>,
    data_dir: Option<PathBuf>,
    flags: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyList>> {
    let data = data_dir::from_env(data_dir.as_deref());
    let pool = match pool {
        None => None,
        Some(p) => Some(match p.extract::<u64>() {
            Ok(n) => n.to_string(),
            Err(_) => p
                .extract::<String>()
                .map_err(|_| value_error("pool must be \"all\" or a number of schemes"))?,
        }),
    };
    let request = SimulateRequest {
        config,
        dataset: dataset
            .map(|d| dataset_path(Some(d), Some(data.clone())))
            .transpose()?,
        default_dataset: data_dir::naap440_file(&data, "naap440.csv"),
        logs,
        default_logs: data_dir::naap440_file(&data, "raw_data.tar.gz"),
        pool,
        repeats: Some(repeats),
        cost: cost.map(cost_kind).transpose()?,
        budget,
        strategies,
        seed: Some(seed),
        predictor,
        flags: strategy_flags(flags)?,
        no_figures: true,
        allow_changed_inputs: false,
    };
    let results = detached(py, move || {
        let job = SimulateJob::resolve(&request).map_err(to_py)?;
        job.replay(&|| ()).map_err(to_py)
    })?;
    let out = PyList::empty(py);
    let keys: Vec<_> = RESULTS_COLUMNS
        .iter()
        .map(|k| pyo3::types::PyString::intern(py, k))
        .collect();
    for r in &results.records {
        let d = PyDict::new(py);
        let values: [Bound<'py, PyAny>; 17] = [
            r.strategy.clone().into_pyobject(py)?.into_any(),
            r.repeat.into_pyobject(py)?.into_any(),
            r.fold.into_pyobject(py)?.into_any(),
            r.pool_size.into_pyobject(py)?.into_any(),
            r.epochs_spent.into_pyobject(py)?.into_any(),
            r.cost_spent.into_pyobject(py)?.into_any(),
            r.exhaustive_cost.into_pyobject(py)?.into_any(),
            (r.exhaustive_cost / r.cost_spent)
                .into_pyobject(py)?
                .into_any(),
            r.found_model_id.get().into_pyobject(py)?.into_any(),
            r.found_max_accuracy.into_pyobject(py)?.into_any(),
            r.pool_best_max_accuracy.into_pyobject(py)?.into_any(),
            r.regret.into_pyobject(py)?.into_any(),
            r.found_rank.into_pyobject(py)?.into_any(),
            u8::from(r.top1).into_pyobject(py)?.into_any(),
            u8::from(r.top1_pct).into_pyobject(py)?.into_any(),
            u8::from(r.top5_pct).into_pyobject(py)?.into_any(),
            u8::from(r.budget_hit).into_pyobject(py)?.into_any(),
        ];
        for (k, v) in keys.iter().zip(values) {
            d.set_item(k, v)?;
        }
        out.append(d)?;
    }
    Ok(out)
}

/// Trains architectures of a benchmark on request, from their stored
/// curves, and charges each new epoch exactly as `naap nas simulate`
/// charges a strategy: training resumes where it stopped, an epoch paid
/// once is never paid again, and a call that would pass the budget is
/// refused whole (`BudgetExhausted`).
#[pyclass(module = "naap.nas", unsendable)]
pub struct Oracle {
    meter: Meter<'static>,
    cost: CostKind,
    budget: Option<f64>,
}

impl Oracle {
    fn records<'py>(
        &self,
        py: Python<'py>,
        id: ModelId,
        from: usize,
    ) -> PyResult<Bound<'py, PyList>> {
        let curve = self.meter.curve(id).map_err(to_py)?;
        let out = PyList::empty(py);
        for (i, r) in curve.iter().enumerate().skip(from) {
            let d = PyDict::new(py);
            d.set_item(pyo3::intern!(py, "epoch"), i + 1)?;
            d.set_item(pyo3::intern!(py, "accuracy"), r.accuracy)?;
            d.set_item(pyo3::intern!(py, "loss_mean"), r.loss_mean)?;
            d.set_item(pyo3::intern!(py, "loss_median"), r.loss_median)?;
            out.append(d)?;
        }
        Ok(out)
    }
}

#[pymethods]
impl Oracle {
    /// An oracle over every row of `benchmark`. `cost`: `"epochs"` (one per
    /// scheme-epoch), `"macs"` (millions of MACs per image, per epoch) or `"logged"` (the
    /// logged seconds per epoch, read from `logs`, default the published
    /// raw_data.tar.gz); `budget`: the most it may spend, in that unit.
    #[new]
    #[pyo3(signature = (benchmark, cost="epochs", budget=None, logs=None, data_dir=None))]
    fn new(
        py: Python<'_>,
        benchmark: &Benchmark,
        cost: &str,
        budget: Option<f64>,
        logs: Option<PathBuf>,
        data_dir: Option<PathBuf>,
    ) -> PyResult<Self> {
        let kind = cost_kind(cost)?;
        if let Some(b) = budget {
            if !(b.is_finite() && b > 0.0) {
                return Err(value_error(format!(
                    "budget must be a positive number, got {b}"
                )));
            }
        }
        let dataset = benchmark.dataset.clone();
        let model = match kind {
            CostKind::Epochs => CostModel::epochs(),
            CostKind::Macs => CostModel::macs(&dataset.rows),
            CostKind::Logged => {
                let logs = logs.unwrap_or_else(|| {
                    data_dir::naap440_file(
                        &data_dir::from_env(data_dir.as_deref()),
                        "raw_data.tar.gz",
                    )
                });
                detached(py, || CostModel::logged_from(&logs).map_err(to_py))?
            }
        };
        let source = TableSource::owned(dataset.rows.clone()).map_err(to_py)?;
        let meter = Meter::owning(Box::new(source), model)
            .map_err(to_py)?
            .with_budget(budget);
        Ok(Oracle {
            meter,
            cost: kind,
            budget,
        })
    }

    /// Trains `model_id` up to `epochs` (resuming from the epochs already
    /// paid) and returns the records of the newly paid epochs: dicts with
    /// `epoch`, `accuracy`, `loss_mean`, `loss_median`. Asking for fewer
    /// epochs than already trained costs nothing and returns [].
    fn train<'py>(
        &mut self,
        py: Python<'py>,
        model_id: &Bound<'py, PyAny>,
        epochs: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let id = self::model_id(int_arg(model_id, "model_id")?)?;
        let epochs = int_arg(epochs, "epochs")?;
        let to = u32::try_from(epochs)
            .ok()
            .filter(|&e| e >= 1)
            .ok_or_else(|| value_error(format!("epochs must be an integer >= 1, got {epochs}")))?;
        let before = self.meter.trained_epochs(id).map_err(to_py)? as usize;
        self.meter.train(&[(id, to)]).map_err(to_py)?;
        self.records(py, id, before)
    }

    /// Trains a batch `[(model_id, epochs), ...]` as one request: refused
    /// whole if it would pass the budget. Returns the new records per item.
    fn train_batch<'py>(
        &mut self,
        py: Python<'py>,
        batch: Vec<(i64, i64)>,
    ) -> PyResult<Bound<'py, PyList>> {
        let mut asked = Vec::with_capacity(batch.len());
        for (id, epochs) in batch {
            let to = u32::try_from(epochs)
                .ok()
                .filter(|&e| e >= 1)
                .ok_or_else(|| {
                    value_error(format!("epochs must be an integer >= 1, got {epochs}"))
                })?;
            asked.push((model_id(id)?, to));
        }
        let before = asked
            .iter()
            .map(|&(id, _)| self.meter.trained_epochs(id).map(|e| e as usize))
            .collect::<Result<Vec<_>, _>>()
            .map_err(to_py)?;
        self.meter.train(&asked).map_err(to_py)?;
        let out = PyList::empty(py);
        for ((id, _), from) in asked.iter().zip(before) {
            out.append(self.records(py, *id, from)?)?;
        }
        Ok(out)
    }

    /// What has been spent, in the cost model's unit.
    #[getter]
    fn spent(&self) -> f64 {
        self.meter.cost_spent()
    }

    /// Scheme-epochs paid so far.
    #[getter]
    fn epochs_spent(&self) -> u64 {
        self.meter.epochs_spent()
    }

    /// The budget (None: unlimited).
    #[getter]
    fn budget(&self) -> Option<f64> {
        self.budget
    }

    /// What is left of the budget (None: unlimited).
    #[getter]
    fn remaining(&self) -> Option<f64> {
        self.budget.map(|b| b - self.meter.cost_spent())
    }

    /// The cost model's name.
    #[getter]
    fn cost(&self) -> &'static str {
        self.cost.name()
    }

    /// The ModelIds the oracle can train, ascending.
    #[getter]
    fn ids(&self) -> Vec<u32> {
        self.meter.ids().into_iter().map(ModelId::get).collect()
    }

    /// The longest training a scheme can get (90).
    #[getter]
    fn max_epochs(&self) -> u32 {
        self.meter.max_epochs()
    }

    /// Epochs of `model_id` paid so far.
    fn trained(&self, model_id: &Bound<'_, PyAny>) -> PyResult<u32> {
        let model_id = int_arg(model_id, "model_id")?;
        self.meter
            .trained_epochs(self::model_id(model_id)?)
            .map_err(to_py)
    }

    /// Every paid record of `model_id`, epoch 1 first (free to read again).
    fn curve<'py>(
        &self,
        py: Python<'py>,
        model_id: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let model_id = int_arg(model_id, "model_id")?;
        self.records(py, self::model_id(model_id)?, 0)
    }

    /// The architecture a search would answer with now: among those trained
    /// longest, the best accuracy seen (ties: lower ModelId); None before
    /// any training.
    #[getter]
    fn incumbent(&self) -> Option<u32> {
        self.meter.incumbent().map(ModelId::get)
    }

    /// `(epochs_spent, cost_spent, incumbent)` after each paid call, in order.
    #[getter]
    fn trajectory(&self) -> Vec<(u64, f64, u32)> {
        self.meter
            .trajectory()
            .iter()
            .map(|s| (s.epochs, s.cost, s.incumbent.get()))
            .collect()
    }

    fn __repr__(&self) -> String {
        format!(
            "Oracle(cost={:?}, spent={}, budget={:?})",
            self.cost.name(),
            self.meter.cost_spent(),
            self.budget
        )
    }
}
