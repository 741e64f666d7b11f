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

use crate::input::check_fit;
use crate::saved::{check_finite, corrupt, FittedModel};
use crate::svr::{NuSvr, SupportVectors};
use crate::{FittedRegressor, Regressor, Result};

/// Candidates drawn by the random search.
const CANDIDATES: usize = 24;
/// Cross-validation folds.
const FOLDS: usize = 3;

/// The LcSVR model: random search over (C, ν, γ), then a refit on all rows.
#[derive(Debug, Clone, Default)]
pub struct LcSvr;

/// One draw of the search: hyper-parameters and their cross-validated MAE.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
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
        let draws = LcSvr::draws(x, y, seed)?;
        Ok(draws[best_draw(&draws)])
    }

    /// Every draw of [`LcSvr::search`], in draw order.
    pub fn draws(
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, f64>,
        seed: u64,
    ) -> Result<Vec<LcSvrChoice>> {
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
        let mut draws = Vec::with_capacity(CANDIDATES);
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
            draws.push(LcSvrChoice {
                c,
                nu,
                gamma,
                cv_mae: abs_err / n as f64,
            });
        }
        Ok(draws)
    }
}

/// The position of the first draw with the lowest cross-validated MAE.
fn best_draw(draws: &[LcSvrChoice]) -> usize {
    let mut best = 0;
    for (i, d) in draws.iter().enumerate() {
        if d.cv_mae < draws[best].cv_mae {
            best = i;
        }
    }
    best
}

/// A fitted LcSVR: the ν-SVR refitted on all rows with the chosen
/// hyper-parameters, and the search that chose them (every draw with its
/// cross-validated MAE), so that a saved predictor says why it has the
/// `C`, `ν` and `γ` it has.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FittedLcSvr {
    /// The draws of the random search, in draw order.
    draws: Vec<LcSvrChoice>,
    /// The position of the chosen draw in `draws`.
    chosen: usize,
    /// The ν-SVR fitted on all rows with the chosen draw's parameters.
    svr: SupportVectors,
}

impl FittedLcSvr {
    /// The chosen hyper-parameters and their cross-validated MAE.
    pub fn choice(&self) -> LcSvrChoice {
        self.draws[self.chosen]
    }

    /// Every draw of the search, in draw order.
    pub fn draws(&self) -> &[LcSvrChoice] {
        &self.draws
    }

    /// Checks a loaded model: a valid ν-SVR whose `γ` is the chosen draw's,
    /// and a chosen draw that is the search's winner.
    pub(crate) fn check(&self, n_features: usize) -> Result<()> {
        self.svr.check(n_features)?;
        if self.chosen >= self.draws.len() {
            return Err(corrupt(format!(
                "LcSVR chose draw {} of {}",
                self.chosen,
                self.draws.len()
            )));
        }
        check_finite(
            "LcSVR draws",
            self.draws
                .iter()
                .flat_map(|d| [&d.c, &d.nu, &d.gamma, &d.cv_mae]),
        )?;
        let choice = self.choice();
        if best_draw(&self.draws) != self.chosen || self.svr.gamma() != choice.gamma {
            return Err(corrupt(format!(
                "LcSVR's chosen draw {} (gamma {}) is not the search's best, or not the \
                 gamma of its SVR ({})",
                self.chosen,
                choice.gamma,
                self.svr.gamma()
            )));
        }
        Ok(())
    }
}

impl FittedRegressor for FittedLcSvr {
    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Vec<f64>> {
        self.svr.predict(x)
    }

    fn to_model(&self) -> Option<FittedModel> {
        Some(FittedModel::LcSvr(self.clone()))
    }
}

impl LcSvr {
    /// [`Regressor::fit`] with the fitted type: the search's draws and the
    /// refitted ν-SVR.
    pub fn fit_typed(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, f64>,
        seed: u64,
    ) -> Result<FittedLcSvr> {
        let draws = LcSvr::draws(x, y, seed)?;
        let chosen = best_draw(&draws);
        let choice = draws[chosen];
        let svr = NuSvr::new(choice.c, choice.nu, Some(choice.gamma))?.fit_typed(x, y)?;
        Ok(FittedLcSvr { draws, chosen, svr })
    }
}

impl Regressor for LcSvr {
    fn name(&self) -> &str {
        "LcSVR"
    }

    /// The search's settings; what it chose is in the fitted model.
    fn hyper_parameters(&self) -> serde_json::Value {
        serde_json::json!({"search_draws": CANDIDATES, "cv_folds": FOLDS})
    }

    fn min_rows(&self) -> usize {
        2 * FOLDS
    }

    /// Searches with `seed`, then fits the chosen ν-SVR on all rows.
    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, f64>,
        seed: u64,
    ) -> Result<Box<dyn FittedRegressor>> {
        Ok(Box::new(LcSvr.fit_typed(x, y, seed)?))
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
    fn the_fitted_model_records_its_search_and_predicts_as_its_svr() {
        let (x, y) = data();
        let fitted = LcSvr.fit_typed(x.view(), y.view(), 4).unwrap();
        assert_eq!(
            fitted.choice(),
            LcSvr::search(x.view(), y.view(), 4).unwrap()
        );
        assert_eq!(fitted.draws().len(), CANDIDATES);
        assert!(fitted
            .draws()
            .iter()
            .all(|d| d.cv_mae >= fitted.choice().cv_mae));
        let c = fitted.choice();
        let svr = NuSvr::new(c.c, c.nu, Some(c.gamma))
            .unwrap()
            .fit_typed(x.view(), y.view())
            .unwrap();
        assert_eq!(
            fitted.predict(x.view()).unwrap(),
            svr.predict(x.view()).unwrap()
        );
        fitted.check(3).unwrap();
        // A file whose chosen draw is not the best, or whose SVR was
        // fitted with another gamma, is refused.
        let mut other = fitted.clone();
        other.chosen = (fitted.chosen + 1) % CANDIDATES;
        assert!(other
            .check(3)
            .unwrap_err()
            .to_string()
            .contains("not the search's best"));
        let mut moved = fitted.clone();
        moved.draws[fitted.chosen].gamma *= 2.0;
        assert!(moved.check(3).is_err());
        let mut out_of_range = fitted.clone();
        out_of_range.chosen = CANDIDATES;
        assert!(out_of_range
            .check(3)
            .unwrap_err()
            .to_string()
            .contains("draw 24 of 24"));
        assert!(fitted.check(4).is_err());
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
