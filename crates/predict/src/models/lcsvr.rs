//! LcSVR (Baker et al., "Accelerating Neural Architecture Search using
//! Performance Prediction", 2017): a ν-SVR with an RBF kernel whose `C`, `ν`
//! and `γ` are chosen by a seeded random search with k-fold cross-validation
//! on the training rows. Its intended input is the feature set
//! `Scheme + Curve K epochs` (the partial accuracy curve, its first and
//! second differences and their means and standard deviations, plus the
//! scheme features); on other sets it is a tuned ν-SVR.

use ndarray::{Array1, ArrayView1, ArrayView2, Axis};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::input::check_fit;
use super::svr::NuSvr;
use crate::{FittedRegressor, Regressor, Result};

/// Candidates drawn by the random search.
const CANDIDATES: usize = 24;
/// Cross-validation folds.
const FOLDS: usize = 3;

/// The LcSVR model: random search over (C, ν, γ), then a refit on all rows.
#[derive(Debug, Clone, Default)]
pub struct LcSvr;

/// The hyper-parameters the search chose and their cross-validated MAE.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LcSvrChoice {
    /// Box constraint.
    pub c: f64,
    /// ν.
    pub nu: f64,
    /// RBF γ.
    pub gamma: f64,
    /// Mean absolute error over the held-out folds.
    pub cv_mae: f64,
}

impl LcSvr {
    /// The search alone: `CANDIDATES` draws of C = 10^U(−2, 2), ν = U(0.1, 1)
    /// and γ = 10^U(−1.5, 0.5) / p (p features; 1/p is scikit-learn's
    /// 'scale' for standardised data), each scored by the MAE over 3 folds
    /// of a seeded shuffle of the rows; the first lowest MAE wins.
    pub fn search(
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, f64>,
        seed: u64,
    ) -> Result<LcSvrChoice> {
        check_fit("LcSVR", x, y)?;
        let n = x.nrows();
        if n < 2 * FOLDS {
            return Err(crate::Error::InvalidInput(format!(
                "LcSVR: {n} training rows are too few for {FOLDS}-fold cross-validation"
            )));
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut order: Vec<usize> = (0..n).collect();
        rand::seq::SliceRandom::shuffle(order.as_mut_slice(), &mut rng);
        let fold_of = |position: usize| position * FOLDS / n;
        let p = x.ncols() as f64;
        let mut best: Option<LcSvrChoice> = None;
        for _ in 0..CANDIDATES {
            let c = 10f64.powf(rng.gen_range(-2.0..2.0));
            let nu = rng.gen_range(0.1..1.0);
            let gamma = 10f64.powf(rng.gen_range(-1.5..0.5)) / p;
            let model = NuSvr::new(c, nu, Some(gamma))?;
            let mut abs_err = 0.0;
            for fold in 0..FOLDS {
                let (held, kept): (Vec<usize>, Vec<usize>) =
                    (0..n).partition(|&pos| fold_of(pos) == fold);
                let held: Vec<usize> = held.into_iter().map(|pos| order[pos]).collect();
                let kept: Vec<usize> = kept.into_iter().map(|pos| order[pos]).collect();
                let x_fit = x.select(Axis(0), &kept);
                let y_fit: Array1<f64> = kept.iter().map(|&i| y[i]).collect();
                let fitted = model.fit_typed(x_fit.view(), y_fit.view())?;
                let pred = fitted.predict(x.select(Axis(0), &held).view())?;
                abs_err += held
                    .iter()
                    .zip(&pred)
                    .map(|(&i, p)| (y[i] - p).abs())
                    .sum::<f64>();
            }
            let cv_mae = abs_err / n as f64;
            if best.is_none_or(|b| cv_mae < b.cv_mae) {
                best = Some(LcSvrChoice {
                    c,
                    nu,
                    gamma,
                    cv_mae,
                });
            }
        }
        Ok(best.expect("at least one candidate"))
    }
}

impl Regressor for LcSvr {
    fn name(&self) -> &str {
        "LcSVR"
    }

    /// Searches with `seed`, then fits the chosen ν-SVR on all rows; the
    /// fitted model is that ν-SVR (saved and loaded as an SVR).
    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, f64>,
        seed: u64,
    ) -> Result<Box<dyn FittedRegressor>> {
        let choice = LcSvr::search(x, y, seed)?;
        let model = NuSvr::new(choice.c, choice.nu, Some(choice.gamma))?;
        Ok(Box::new(model.fit_typed(x, y)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> (ndarray::Array2<f64>, Array1<f64>) {
        let x = ndarray::Array2::from_shape_fn((60, 3), |(i, j)| {
            (((i * (j + 7)) % 23) as f64 - 11.0) / 6.0
        });
        let y = x
            .rows()
            .into_iter()
            .map(|r| 0.5 + 0.1 * (r[0]).tanh() - 0.02 * r[1] * r[1])
            .collect();
        (x, y)
    }

    #[test]
    fn search_is_seeded_and_beats_the_mean() {
        let (x, y) = data();
        let a = LcSvr::search(x.view(), y.view(), 4).unwrap();
        assert_eq!(a, LcSvr::search(x.view(), y.view(), 4).unwrap());
        assert_ne!(a, LcSvr::search(x.view(), y.view(), 5).unwrap());
        let mean = y.mean().unwrap();
        let mae_of_mean = y.iter().map(|v| (v - mean).abs()).sum::<f64>() / 60.0;
        assert!(
            a.cv_mae < mae_of_mean / 2.0,
            "{} vs {mae_of_mean}",
            a.cv_mae
        );
        assert!((0.1..1.0).contains(&a.nu) && a.c > 0.0 && a.gamma > 0.0);
    }

    #[test]
    fn too_few_rows_for_the_folds_is_an_error() {
        let (x, y) = data();
        let err = LcSvr
            .fit(x.slice(ndarray::s![..5, ..]), y.slice(ndarray::s![..5]), 1)
            .err()
            .unwrap();
        assert!(err.to_string().contains("too few"), "{err}");
    }
}
