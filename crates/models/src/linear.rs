//! Ordinary least squares with an intercept, and the same fit on a
//! transformed target (`y' = y^(1/D) − 1`, `log y`, `exp y`, `logit y`).
//!
//! Like scikit-learn's `LinearRegression` (1.9), the solution is the
//! minimum-norm least-squares one from an SVD of the centred features,
//! with singular values below `1e-6 ×` the largest treated as zero, so
//! collinear feature sets fit the same way.

use nalgebra::{DMatrix, DVector};
use ndarray::{ArrayView1, ArrayView2};

use crate::input::{check_fit, check_predict, invalid};
use crate::saved::{check_finite, corrupt, FittedModel};
use crate::{Error, FittedRegressor, Regressor, Result};

/// Relative cut-off for small singular values (scikit-learn's `tol`).
const RCOND: f64 = 1e-6;

/// Ordinary least squares with an intercept: `Linear Regression`.
#[derive(Debug, Clone, Default)]
pub struct LinearRegression;

impl Regressor for LinearRegression {
    fn name(&self) -> &str {
        "Linear Regression"
    }

    fn uses_seed(&self) -> bool {
        false
    }

    fn extrapolates(&self) -> bool {
        true
    }

    fn hyper_parameters(&self) -> serde_json::Value {
        serde_json::json!({ "fit_intercept": true, "rcond": RCOND })
    }

    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, f64>,
        _seed: u64,
    ) -> Result<Box<dyn FittedRegressor>> {
        check_fit(self.name(), x, y)?;
        Ok(Box::new(fit_ols(self.name(), x, y)?))
    }
}

/// A fitted linear model `ŷ = intercept + coef · x`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinearModel {
    coef: Vec<f64>,
    intercept: f64,
}

impl LinearModel {
    /// The weight of each feature.
    pub fn coef(&self) -> &[f64] {
        &self.coef
    }

    /// The constant term.
    pub fn intercept(&self) -> f64 {
        self.intercept
    }

    /// Checks a loaded model: one finite weight per feature.
    pub(crate) fn check(&self, n_features: usize) -> Result<()> {
        if self.coef.len() != n_features {
            return Err(corrupt(format!(
                "linear model with {} weights for {n_features} features",
                self.coef.len()
            )));
        }
        check_finite("linear weights", self.coef.iter().chain([&self.intercept]))
    }
}

impl FittedRegressor for LinearModel {
    fn to_model(&self) -> Option<FittedModel> {
        Some(FittedModel::Linear(self.clone()))
    }

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Vec<f64>> {
        check_predict(self.coef.len(), x)?;
        Ok(x.rows()
            .into_iter()
            .map(|row| self.intercept + row.iter().zip(&self.coef).map(|(a, b)| a * b).sum::<f64>())
            .collect())
    }
}

/// Fits OLS on checked inputs: centre, solve by SVD, recover the intercept.
fn fit_ols(model: &str, x: ArrayView2<'_, f64>, y: ArrayView1<'_, f64>) -> Result<LinearModel> {
    let (n, p) = x.dim();
    let x_mean: Vec<f64> = (0..p).map(|j| x.column(j).sum() / n as f64).collect();
    let y_mean = y.sum() / n as f64;
    let centred = DMatrix::from_fn(n, p, |i, j| x[[i, j]] - x_mean[j]);
    let target = DVector::from_fn(n, |i, _| y[i] - y_mean);
    let svd = centred.svd(true, true);
    let largest = svd.singular_values.iter().copied().fold(0.0, f64::max);
    let coef = if largest == 0.0 {
        // Every feature is constant: the best fit is the mean.
        DVector::zeros(p)
    } else {
        svd.solve(&target, RCOND * largest)
            .map_err(|message| Error::Fit {
                model: model.to_owned(),
                message: message.to_owned(),
            })?
    };
    let coef: Vec<f64> = coef.iter().copied().collect();
    let intercept = y_mean - coef.iter().zip(&x_mean).map(|(c, m)| c * m).sum::<f64>();
    Ok(LinearModel { coef, intercept })
}

/// A change of target variable: the model fits `forward(y)` and maps its
/// predictions back with `inverse`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum TargetTransform {
    /// `y' = y^(1/D) − 1`, inverse `(ŷ' + 1)^D`; needs `y ≥ 0`. A negative
    /// `ŷ' + 1` (possible when extrapolating) is clamped to 0 for `D < 1`,
    /// where the power would be undefined.
    Power {
        /// The exponent `D` (> 0).
        d: f64,
    },
    /// Exponential regression: fit `ln y`, predict `exp ŷ'`; needs `y > 0`.
    Exp,
    /// Logarithmic regression: fit `exp y`, predict `ln ŷ'`. A non-positive
    /// `ŷ'` is clamped to the smallest positive `f64` so the prediction is
    /// very negative but finite.
    Log,
    /// Sigmoid regression: fit `logit y`, predict `1 / (1 + e^−ŷ')`; needs
    /// `0 < y < 1`.
    Sigmoid,
}

impl TargetTransform {
    /// The display name of linear regression on this target.
    pub fn model_name(self) -> String {
        match self {
            Self::Power { d } => format!("Linear Regression (D={d})"),
            Self::Exp => "Exponential Regression".to_owned(),
            Self::Log => "Logarithmic Regression".to_owned(),
            Self::Sigmoid => "Sigmoid Regression".to_owned(),
        }
    }

    /// Maps a target into the fitted space; `None` outside the domain.
    pub fn forward(self, y: f64) -> Option<f64> {
        let value = match self {
            Self::Power { d } if y >= 0.0 => y.powf(1.0 / d) - 1.0,
            Self::Exp if y > 0.0 => y.ln(),
            Self::Log => y.exp(),
            Self::Sigmoid if y > 0.0 && y < 1.0 => (y / (1.0 - y)).ln(),
            _ => return None,
        };
        value.is_finite().then_some(value)
    }

    /// Maps a prediction back to the target scale.
    pub fn inverse(self, z: f64) -> f64 {
        match self {
            Self::Power { d } if d < 1.0 => (z + 1.0).max(0.0).powf(d),
            Self::Power { d } => (z + 1.0).powf(d),
            Self::Exp => z.exp(),
            Self::Log => z.max(f64::MIN_POSITIVE).ln(),
            Self::Sigmoid => 1.0 / (1.0 + (-z).exp()),
        }
    }

    /// The allowed targets, for error messages.
    fn domain(self) -> &'static str {
        match self {
            Self::Power { .. } => "y ≥ 0",
            Self::Exp => "y > 0",
            Self::Log => "exp(y) finite",
            Self::Sigmoid => "0 < y < 1",
        }
    }
}

/// Linear regression on a transformed target (see [`TargetTransform`]).
#[derive(Debug, Clone)]
pub struct TransformedTarget {
    transform: TargetTransform,
    name: String,
}

impl TransformedTarget {
    /// Linear regression on `transform(y)`, named after the transform.
    pub fn new(transform: TargetTransform) -> Self {
        Self {
            transform,
            name: transform.model_name(),
        }
    }
}

impl Regressor for TransformedTarget {
    fn name(&self) -> &str {
        &self.name
    }

    fn uses_seed(&self) -> bool {
        false
    }

    fn extrapolates(&self) -> bool {
        true
    }

    fn hyper_parameters(&self) -> serde_json::Value {
        serde_json::json!({ "fit_intercept": true, "rcond": RCOND, "target": self.transform })
    }

    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, f64>,
        _seed: u64,
    ) -> Result<Box<dyn FittedRegressor>> {
        check_fit(&self.name, x, y)?;
        let mapped = y
            .iter()
            .enumerate()
            .map(|(row, &v)| {
                self.transform.forward(v).ok_or_else(|| {
                    invalid(
                        &self.name,
                        format!(
                            "training target at row {row} is {v}, outside {}",
                            self.transform.domain()
                        ),
                    )
                })
            })
            .collect::<Result<ndarray::Array1<f64>>>()?;
        Ok(Box::new(TransformedLinear {
            transform: self.transform,
            inner: fit_ols(&self.name, x, mapped.view())?,
        }))
    }
}

/// A fitted linear model on a transformed target.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransformedLinear {
    transform: TargetTransform,
    inner: LinearModel,
}

impl TransformedLinear {
    /// Checks a loaded model: the inner model, and a power `D` that is
    /// finite and positive.
    pub(crate) fn check(&self, n_features: usize) -> Result<()> {
        if let TargetTransform::Power { d } = self.transform {
            if !(d.is_finite() && d > 0.0) {
                return Err(corrupt(format!("target power D = {d}, expected > 0")));
            }
        }
        self.inner.check(n_features)
    }
}

impl FittedRegressor for TransformedLinear {
    fn to_model(&self) -> Option<FittedModel> {
        Some(FittedModel::TransformedLinear(self.clone()))
    }

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Vec<f64>> {
        let mut p = self.inner.predict(x)?;
        p.iter_mut().for_each(|v| *v = self.transform.inverse(*v));
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;
    use ndarray::array;

    #[test]
    fn ols_is_exact_on_a_plane() {
        let x = array![[0.0, 1.0], [1.0, 0.0], [2.0, 3.0], [3.0, -1.0], [4.0, 2.0]];
        let y = x
            .rows()
            .into_iter()
            .map(|r| 0.5 + 2.0 * r[0] - 3.0 * r[1])
            .collect::<ndarray::Array1<f64>>();
        let model = fit_ols("test", x.view(), y.view()).unwrap();
        assert_abs_diff_eq!(model.intercept(), 0.5, epsilon = 1e-12);
        assert_abs_diff_eq!(model.coef()[0], 2.0, epsilon = 1e-12);
        assert_abs_diff_eq!(model.coef()[1], -3.0, epsilon = 1e-12);
        let p = model.predict(array![[10.0, 10.0]].view()).unwrap();
        assert_abs_diff_eq!(p[0], 0.5 + 20.0 - 30.0, epsilon = 1e-10);
    }

    #[test]
    fn ols_matches_the_closed_form_line() {
        // y = 1, 3, 2 at x = 0, 1, 2: slope 0.5, intercept 1.5.
        let model = LinearRegression
            .fit(
                array![[0.0], [1.0], [2.0]].view(),
                array![1.0, 3.0, 2.0].view(),
                0,
            )
            .unwrap();
        let p = model.predict(array![[4.0]].view()).unwrap();
        assert_abs_diff_eq!(p[0], 3.5, epsilon = 1e-12);
    }

    #[test]
    fn duplicated_columns_share_the_weight() {
        // Minimum-norm solution: y = 2x split evenly over two equal columns.
        let x = array![[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]];
        let model = fit_ols("test", x.view(), array![0.0, 2.0, 4.0].view()).unwrap();
        assert_abs_diff_eq!(model.coef()[0], 1.0, epsilon = 1e-10);
        assert_abs_diff_eq!(model.coef()[1], 1.0, epsilon = 1e-10);
    }

    #[test]
    fn constant_features_predict_the_mean() {
        let model = fit_ols("test", array![[1.0], [1.0]].view(), array![0.2, 0.4].view()).unwrap();
        assert_abs_diff_eq!(
            model.predict(array![[5.0]].view()).unwrap()[0],
            0.3,
            epsilon = 1e-12
        );
    }

    #[test]
    fn transforms_round_trip() {
        for t in [
            TargetTransform::Power { d: 0.5 },
            TargetTransform::Power { d: 0.25 },
            TargetTransform::Power { d: 2.0 },
            TargetTransform::Exp,
            TargetTransform::Log,
            TargetTransform::Sigmoid,
        ] {
            for y in [0.05, 0.5, 0.93] {
                assert_abs_diff_eq!(t.inverse(t.forward(y).unwrap()), y, epsilon = 1e-12);
            }
        }
    }

    #[test]
    fn power_transform_fits_its_own_curve_exactly() {
        // y = sqrt(1 + 0.1 x) means y^2 - 1 = 0.1 x: exact for D = 0.5.
        let x = array![[0.0], [1.0], [2.0], [5.0]];
        let y = x.column(0).mapv(|v: f64| (1.0 + 0.1 * v).sqrt());
        let model = TransformedTarget::new(TargetTransform::Power { d: 0.5 })
            .fit(x.view(), y.view(), 0)
            .unwrap();
        let p = model.predict(array![[3.0]].view()).unwrap();
        assert_abs_diff_eq!(p[0], 1.3f64.sqrt(), epsilon = 1e-12);
    }

    #[test]
    fn names_follow_the_issue() {
        assert_eq!(
            TransformedTarget::new(TargetTransform::Power { d: 0.5 }).name(),
            "Linear Regression (D=0.5)"
        );
        assert_eq!(
            TransformedTarget::new(TargetTransform::Power { d: 0.25 }).name(),
            "Linear Regression (D=0.25)"
        );
        assert_eq!(
            TransformedTarget::new(TargetTransform::Power { d: 2.0 }).name(),
            "Linear Regression (D=2)"
        );
    }

    #[test]
    fn sigmoid_rejects_targets_outside_the_unit_interval() {
        let err = TransformedTarget::new(TargetTransform::Sigmoid)
            .fit(array![[0.0], [1.0]].view(), array![0.5, 1.0].view(), 0)
            .err()
            .expect("fit must fail");
        assert!(
            err.to_string().contains("row 1 is 1, outside 0 < y < 1"),
            "{err}"
        );
    }

    #[test]
    fn negative_power_base_is_clamped_not_nan() {
        assert_eq!(TargetTransform::Power { d: 0.5 }.inverse(-3.0), 0.0);
        assert!(TargetTransform::Log.inverse(-1.0).is_finite());
    }
}
