//! `Mean(A + B + ...)`: the mean of the predictions of any regressors of the
//! registry, each fitted on the same rows with the same seed. Averaging
//! models that err differently (a ranking model and a regression model, a
//! forest and a kernel machine) is the simplest ensemble, and often beats
//! its members.

use ndarray::{ArrayView1, ArrayView2};

use crate::saved::{corrupt, FittedModel};
use crate::{Error, FittedRegressor, Regressor, Result};

/// The mean of its members' predictions.
pub struct MeanEnsemble {
    members: Vec<Box<dyn Regressor>>,
    name: String,
}

impl MeanEnsemble {
    /// The mean of `members` (at least one), named `name`.
    pub fn new(members: Vec<Box<dyn Regressor>>, name: String) -> Self {
        Self { members, name }
    }
}

impl Regressor for MeanEnsemble {
    fn name(&self) -> &str {
        &self.name
    }

    fn uses_seed(&self) -> bool {
        self.members.iter().any(|m| m.uses_seed())
    }

    fn extrapolates(&self) -> bool {
        self.members.iter().any(|m| m.extrapolates())
    }

    fn min_rows(&self) -> usize {
        self.members.iter().map(|m| m.min_rows()).max().unwrap_or(1)
    }

    fn hyper_parameters(&self) -> serde_json::Value {
        serde_json::Value::Array(
            self.members
                .iter()
                .map(|m| serde_json::json!({"name": m.name(), "hyper_parameters": m.hyper_parameters()}))
                .collect(),
        )
    }

    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, f64>,
        seed: u64,
    ) -> Result<Box<dyn FittedRegressor>> {
        let members = self
            .members
            .iter()
            .map(|m| {
                m.fit(x, y, seed)?.to_model().ok_or_else(|| {
                    Error::InvalidInput(format!("{}: {} cannot be saved", self.name, m.name()))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Box::new(FittedMean { members }))
    }
}

/// A fitted [`MeanEnsemble`]: its fitted members.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FittedMean {
    members: Vec<FittedModel>,
}

impl FittedMean {
    /// Checks a loaded model: at least one member, each valid.
    pub(crate) fn check(&self, n_features: usize) -> Result<()> {
        if self.members.is_empty() {
            return Err(corrupt("a mean of no models".into()));
        }
        self.members.iter().try_for_each(|m| m.check(n_features))
    }
}

impl FittedRegressor for FittedMean {
    fn to_model(&self) -> Option<FittedModel> {
        Some(FittedModel::Mean(self.clone()))
    }

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Vec<f64>> {
        let mut sum = vec![0.0; x.nrows()];
        for m in &self.members {
            for (s, p) in sum.iter_mut().zip(m.predict(x)?) {
                *s += p;
            }
        }
        let n = self.members.len() as f64;
        Ok(sum.into_iter().map(|s| s / n).collect())
    }
}

#[cfg(test)]
mod tests {
    use crate::{FittedModel, FittedRegressor, RegressorSpec};
    use ndarray::{Array1, Array2};

    #[test]
    fn a_mean_predicts_the_mean_of_its_members_and_saves_bit_exactly() {
        let x = Array2::from_shape_fn((40, 3), |(i, j)| (((i * (j + 3)) % 17) as f64 - 8.0) / 4.0);
        let y = Array1::from_shape_fn(40, |i| 0.5 + 0.2 * (((i * 7) % 13) as f64 / 13.0));
        let spec: RegressorSpec = "Mean(Random Forest (N=25) + RankSVM + 3-NN)"
            .parse()
            .unwrap();
        assert_eq!(
            spec.to_string(),
            "Mean(Random Forest (N=25) + RankSVM + 3-NN)"
        );
        let model = spec.build();
        assert_eq!(model.name(), spec.to_string());
        assert_eq!(model.min_rows(), 3);
        let fitted = model.fit(x.view(), y.view(), 4).unwrap();
        let got = fitted.predict(x.view()).unwrap();
        let members: Vec<Vec<f64>> = ["Random Forest (N=25)", "RankSVM", "3-NN"]
            .iter()
            .map(|n| {
                let m = n.parse::<RegressorSpec>().unwrap().build();
                m.fit(x.view(), y.view(), 4)
                    .unwrap()
                    .predict(x.view())
                    .unwrap()
            })
            .collect();
        for (i, g) in got.iter().enumerate() {
            let mean = (members[0][i] + members[1][i] + members[2][i]) / 3.0;
            assert!((g - mean).abs() < 1e-15, "row {i}: {g} vs {mean}");
        }
        let json = serde_json::to_string(&fitted.to_model().unwrap()).unwrap();
        let loaded: FittedModel = serde_json::from_str(&json).unwrap();
        loaded.check(3).unwrap();
        assert!(loaded.check(2).is_err());
        let bits = |p: &[f64]| p.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&loaded.predict(x.view()).unwrap()), bits(&got));
    }

    #[test]
    fn a_mean_needs_two_known_members() {
        for (bad, why) in [
            ("Mean(RankSVM)", "needs at least two models"),
            ("Mean(RankSVM + 2-NN)", "unknown model '2-NN'"),
            ("Mean(RankSVM + Mean(3-NN + 5-NN))", "a mean of means"),
        ] {
            let err = bad.parse::<RegressorSpec>().unwrap_err().to_string();
            assert!(err.contains(why), "{bad}: {err}");
        }
    }
}
