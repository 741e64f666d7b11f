//! Ranking-aware regressors: fitted to order the rows (a pairwise loss over
//! every pair of distinct targets) rather than to match their values, then
//! mapped back to accuracy by a linear calibration on the training rows, so
//! that MAE stays defined and the calibrated order is the score order.
//!
//! Monotonicity violations are pairwise ranking errors (RankNet, Burges et
//! al. 2005; RankSVM, Joachims 2002; LambdaMART); a squared loss spends its
//! capacity on the rows whose values are far from the rest, a pairwise loss
//! on every pair alike.
//!
//! - [`PairwiseBoosting`]: gradient-boosted depth-3 trees on the pairwise
//!   logistic (RankNet) loss.
//! - [`RankSvm`]: a linear score fitted on the pairwise squared hinge loss
//!   (an L2-SVM over difference vectors).

mod boosting;
mod svm;

pub use boosting::{FittedPairwiseBoosting, PairwiseBoosting};
pub use svm::{FittedRankSvm, RankSvm};

use crate::saved::check_finite;
use crate::{Error, Result};

/// `(i, j)` of every pair with `y[i] > y[j]`: the ordered pairs a ranking
/// loss sums over (tied targets say nothing about order).
pub(crate) fn ordered_pairs(y: &[f64]) -> Vec<(u32, u32)> {
    let mut pairs = Vec::new();
    for i in 0..y.len() {
        for j in 0..y.len() {
            if y[i] > y[j] {
                pairs.push((i as u32, j as u32));
            }
        }
    }
    pairs
}

/// `accuracy = slope · score + intercept`, least squares on the training
/// rows. The slope is kept positive (a score that ranks the training rows
/// at all correlates positively with them), so the calibrated predictions
/// keep the score's order.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Calibration {
    slope: f64,
    intercept: f64,
}

impl Calibration {
    /// Least squares of `y` on `scores`; a slope that is not positive (no
    /// ranking signal) becomes the smallest positive one, so ties stay
    /// ties and the order is never reversed.
    pub(crate) fn fit(model: &str, scores: &[f64], y: &[f64]) -> Result<Calibration> {
        let n = scores.len() as f64;
        let (ms, my) = (scores.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
        let (mut sxy, mut sxx) = (0.0, 0.0);
        for (s, t) in scores.iter().zip(y) {
            sxy += (s - ms) * (t - my);
            sxx += (s - ms).powi(2);
        }
        let slope = if sxx > 0.0 && sxy > 0.0 {
            sxy / sxx
        } else {
            f64::MIN_POSITIVE
        };
        let c = Calibration {
            slope,
            intercept: my - slope * ms,
        };
        if !(c.slope.is_finite() && c.intercept.is_finite()) {
            return Err(Error::InvalidInput(format!(
                "{model}: the calibration of its scores is not finite"
            )));
        }
        Ok(c)
    }

    pub(crate) fn apply(&self, score: f64) -> f64 {
        self.slope * score + self.intercept
    }

    pub(crate) fn check(&self) -> Result<()> {
        check_finite("calibration", [&self.slope, &self.intercept])?;
        if self.slope <= 0.0 {
            return Err(crate::saved::corrupt(format!(
                "calibration slope {} is not positive",
                self.slope
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{GradientBoosting, Regressor};
    use ndarray::{Array1, Array2};
    use rand::{Rng, SeedableRng};

    fn violations(truth: &[f64], pred: &[f64]) -> usize {
        let mut v = 0;
        for i in 0..truth.len() {
            for j in i + 1..truth.len() {
                v += usize::from((truth[i] - truth[j]) * (pred[i] - pred[j]) < 0.0);
            }
        }
        v
    }

    /// A table built so: the target is a steep exponential of a linear
    /// score, so that a squared loss spends its trees on the few largest
    /// targets while the order of the rest is what violations count.
    fn skewed(seed: u64) -> (Array2<f64>, Array1<f64>) {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let x = Array2::from_shape_fn((300, 2), |_| rng.gen::<f64>());
        let y = Array1::from_shape_fn(300, |i| (8.0 * (x[[i, 0]] + 0.3 * x[[i, 1]])).exp());
        (x, y)
    }

    #[test]
    fn a_pairwise_loss_strictly_lowers_violations_where_a_squared_loss_chases_large_targets() {
        for seed in [2, 4] {
            let (x, y) = skewed(seed);
            let (xt, yt) = (x.slice(ndarray::s![..150, ..]), y.slice(ndarray::s![..150]));
            let (xs, ys) = (
                x.slice(ndarray::s![150.., ..]),
                y.slice(ndarray::s![150..]).to_vec(),
            );
            let violations_of = |model: &dyn Regressor| {
                let pred = model.fit(xt, yt, 0).unwrap().predict(xs).unwrap();
                violations(&ys, &pred)
            };
            // The same depth-3 trees, 100 rounds, seed 0: only the loss differs.
            let squared = violations_of(&GradientBoosting::new(100));
            let pairwise = violations_of(&PairwiseBoosting::new(100));
            assert!(
                2 * pairwise < squared,
                "seed {seed}: pairwise {pairwise} violations, squared {squared}"
            );
            // The linear ranker orders this monotone-in-a-linear-score table almost perfectly.
            let linear = violations_of(&RankSvm);
            assert!(
                linear * 20 < squared,
                "seed {seed}: RankSVM {linear}, squared {squared}"
            );
        }
    }

    #[test]
    fn calibration_keeps_the_score_order_and_fits_the_scale() {
        let scores = [0.0, 1.0, 2.0, 3.0];
        let y = [0.5, 0.6, 0.7, 0.8];
        let c = Calibration::fit("m", &scores, &y).unwrap();
        for (s, t) in scores.iter().zip(y) {
            assert!((c.apply(*s) - t).abs() < 1e-12);
        }
        // Scores that anti-correlate are not reversed: the slope stays positive.
        let c = Calibration::fit("m", &scores, &[0.8, 0.7, 0.6, 0.5]).unwrap();
        assert!(c.apply(3.0) >= c.apply(0.0));
        c.check().unwrap();
    }
}
