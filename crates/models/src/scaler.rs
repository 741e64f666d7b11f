//! A standard scaler fitted on training rows, as scikit-learn's `StandardScaler`.
//!
//! Each column is centred on its training mean and divided by its population
//! standard deviation (divisor n, not n − 1). A constant column has no
//! spread to divide by, so it is scaled by 1 (it becomes all zeros), which is
//! what scikit-learn does.

use crate::{Error, Result};
use ndarray::{Array1, Array2, ArrayView2, Axis};

/// Per-column mean and scale learned from training rows; saved as
/// `{"mean": [...], "scale": [...]}`, and checked when read back.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "ScalerParts", into = "ScalerParts")]
pub struct StandardScaler {
    mean: Array1<f64>,
    scale: Array1<f64>,
}

impl StandardScaler {
    /// Learns the column means and population standard deviations of `x`.
    pub fn fit(x: ArrayView2<'_, f64>) -> Result<StandardScaler> {
        if x.nrows() == 0 || x.ncols() == 0 {
            return Err(Error::InvalidInput(format!(
                "cannot fit a scaler on an empty {}x{} matrix",
                x.nrows(),
                x.ncols()
            )));
        }
        let n = x.nrows() as f64;
        let mean = x.sum_axis(Axis(0)) / n;
        let mut scale = Array1::zeros(x.ncols());
        for (j, col) in x.axis_iter(Axis(1)).enumerate() {
            let var = col.iter().map(|v| (v - mean[j]).powi(2)).sum::<f64>() / n;
            // scikit-learn's constant-column test: a variance at the level of
            // the rounding error of summing n values around the mean.
            let eps = f64::EPSILON;
            let bound = n * eps * var + (n * mean[j] * eps).powi(2);
            scale[j] = if var <= bound { 1.0 } else { var.sqrt() };
        }
        Ok(StandardScaler { mean, scale })
    }

    /// Applies the learned centring and scaling to `x`.
    pub fn transform(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>> {
        if x.ncols() != self.mean.len() {
            return Err(Error::InvalidInput(format!(
                "scaler fitted on {} columns, got {}",
                self.mean.len(),
                x.ncols()
            )));
        }
        Ok((&x - &self.mean) / &self.scale)
    }

    /// The learned column means.
    pub fn mean(&self) -> &Array1<f64> {
        &self.mean
    }

    /// The learned column scales (population std, or 1 for a constant column).
    pub fn scale(&self) -> &Array1<f64> {
        &self.scale
    }
}

/// The saved form of a [`StandardScaler`].
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ScalerParts {
    mean: Vec<f64>,
    scale: Vec<f64>,
}

impl From<StandardScaler> for ScalerParts {
    fn from(s: StandardScaler) -> Self {
        ScalerParts {
            mean: s.mean.to_vec(),
            scale: s.scale.to_vec(),
        }
    }
}

/// A scaler read back must be one `fit` could have made: as many means as
/// scales, finite means, finite positive scales.
impl TryFrom<ScalerParts> for StandardScaler {
    type Error = String;

    fn try_from(p: ScalerParts) -> std::result::Result<Self, String> {
        if p.mean.len() != p.scale.len() || p.mean.is_empty() {
            return Err(format!(
                "scaler has {} means and {} scales",
                p.mean.len(),
                p.scale.len()
            ));
        }
        if p.mean.iter().any(|m| !m.is_finite())
            || p.scale.iter().any(|s| !(s.is_finite() && *s > 0.0))
        {
            return Err("scaler means must be finite and scales finite and positive".into());
        }
        Ok(StandardScaler {
            mean: Array1::from(p.mean),
            scale: Array1::from(p.scale),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn population_std_and_constant_column() {
        let x = array![[1.0, 5.0], [3.0, 5.0]];
        let s = StandardScaler::fit(x.view()).unwrap();
        assert_eq!(s.mean(), &array![2.0, 5.0]);
        // Population std of {1, 3} is 1, not sqrt(2).
        assert_eq!(s.scale(), &array![1.0, 1.0]);
        let t = s.transform(array![[1.0, 5.0], [4.0, 7.0]].view()).unwrap();
        assert_eq!(t, array![[-1.0, 0.0], [2.0, 2.0]]);
    }

    #[test]
    fn rejects_empty_and_wrong_width() {
        assert!(StandardScaler::fit(Array2::<f64>::zeros((0, 2)).view()).is_err());
        let s = StandardScaler::fit(array![[1.0, 2.0]].view()).unwrap();
        assert!(s.transform(array![[1.0]].view()).is_err());
    }
}
