//! Per-architecture learning-curve quantities: SoTL, curve extrapolation and
//! the LcSVR curve statistics ([`crate::features::Feature`] reads them).
//!
//! The NAAP-440 recipe restarts the learning rate every 3 epochs, so the
//! accuracy curve is a saw-tooth. SoTL sums over one full cycle where it can
//! ([`sotl_window`]); the extrapolation fits only the ends of the cycles
//! (epochs 3, 6, 9, ...), which are comparable points of the saw-tooth, once
//! there are at least three of them (9 epochs seen), and every epoch before.

/// Epochs per learning-rate cycle of the recipe.
pub const LR_CYCLE: u32 = 3;

/// The epoch the curve is extrapolated to: the recipe's full run.
pub const TARGET_EPOCH: f64 = 90.0;

/// SoTL's window when `k` epochs are seen: one learning-rate cycle, or all
/// `k` epochs when fewer.
pub fn sotl_window(k: u32) -> u32 {
    k.min(LR_CYCLE)
}

/// Sum of the per-epoch training-loss means over the last `window` of the
/// first `k` epochs (`losses[0]` is epoch 1). Lower predicts better.
pub fn sotl(losses: &[f64], k: usize, window: usize) -> f64 {
    losses[k - window..k].iter().sum()
}

/// Successive differences `v[i + 1] − v[i]`.
pub fn diffs(v: &[f64]) -> Vec<f64> {
    v.windows(2).map(|w| w[1] - w[0]).collect()
}

/// Mean and population standard deviation (as numpy's defaults); (0, 0)
/// for no values.
pub fn mean_std(v: &[f64]) -> (f64, f64) {
    if v.is_empty() {
        return (0.0, 0.0);
    }
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
    (mean, var.sqrt())
}

/// The points the extrapolation fits from the first `k` accuracies: the
/// cycle ends (epochs 3, 6, ...) when there are at least 3 of them, else
/// every epoch.
pub fn fit_points(accuracies: &[f64], k: usize) -> Vec<(f64, f64)> {
    let cycle = LR_CYCLE as usize;
    if k / cycle >= 3 {
        (1..=k / cycle)
            .map(|c| ((c * cycle) as f64, accuracies[c * cycle - 1]))
            .collect()
    } else {
        (1..=k).map(|e| (e as f64, accuracies[e - 1])).collect()
    }
}

/// The accuracy at epoch [`TARGET_EPOCH`] of the saturating curve
/// `c − b·t^(−α)` (b ≥ 0: it never falls with more training) fitted by
/// least squares to the first `k` accuracies ([`fit_points`]).
///
/// For each `α` of a fixed log-spaced grid on [0.01, 4] the fit is linear in
/// (c, b); the `α` with the smallest squared error wins (the first on ties).
/// With fewer than 3 points the 3 parameters are not determined and the last
/// accuracy is returned. The result is clamped to [0, 1].
pub fn extrapolate(accuracies: &[f64], k: usize) -> f64 {
    let points = fit_points(accuracies, k);
    if points.len() < 3 {
        return accuracies[k - 1];
    }
    let n = points.len() as f64;
    let mean_a = points.iter().map(|p| p.1).sum::<f64>() / n;
    let mut best = (f64::INFINITY, accuracies[k - 1]);
    const STEPS: u32 = 200;
    for s in 0..=STEPS {
        let alpha = 0.01 * 400f64.powf(f64::from(s) / f64::from(STEPS));
        let u: Vec<f64> = points.iter().map(|p| p.0.powf(-alpha)).collect();
        let mean_u = u.iter().sum::<f64>() / n;
        let var_u: f64 = u.iter().map(|x| (x - mean_u) * (x - mean_u)).sum();
        let cov: f64 = u
            .iter()
            .zip(&points)
            .map(|(x, p)| (x - mean_u) * (p.1 - mean_a))
            .sum();
        // a = c + m·u with m = −b ≤ 0.
        let m = if var_u > 0.0 {
            (cov / var_u).min(0.0)
        } else {
            0.0
        };
        let c = mean_a - m * mean_u;
        let sse: f64 = u
            .iter()
            .zip(&points)
            .map(|(x, p)| (c + m * x - p.1).powi(2))
            .sum();
        if sse < best.0 {
            best = (sse, c + m * TARGET_EPOCH.powf(-alpha));
        }
    }
    best.1.clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sotl_sums_the_last_cycle() {
        let losses = [2.0, 1.5, 1.2, 1.0, 0.9, 0.8];
        assert_eq!(sotl_window(1), 1);
        assert_eq!(sotl_window(9), 3);
        assert!((sotl(&losses, 6, 3) - 2.7).abs() < 1e-12);
        assert!((sotl(&losses, 2, 2) - 3.5).abs() < 1e-12);
    }

    #[test]
    fn diffs_and_stats() {
        assert_eq!(diffs(&[0.1, 0.3, 0.6]), vec![0.19999999999999998, 0.3]);
        let (m, s) = mean_std(&[1.0, 3.0]);
        assert_eq!((m, s), (2.0, 1.0));
        assert_eq!(mean_std(&[]), (0.0, 0.0));
    }

    #[test]
    fn extrapolation_recovers_a_power_law_from_the_cycle_ends() {
        // Cycle ends follow 0.8 − 0.5 t^(−0.7) exactly; the epochs between
        // them are off the curve (the saw-tooth) and must be ignored.
        let truth = |t: f64| 0.8 - 0.5 * t.powf(-0.7);
        let acc: Vec<f64> = (1..=12)
            .map(|e| {
                let t = f64::from(e);
                if e % 3 == 0 {
                    truth(t)
                } else {
                    truth(t) - 0.05
                }
            })
            .collect();
        assert_eq!(fit_points(&acc, 12).len(), 4);
        let got = extrapolate(&acc, 12);
        assert!((got - truth(90.0)).abs() < 2e-3, "{got} vs {}", truth(90.0));
        // Above every seen accuracy, below the asymptote.
        assert!(got > acc[11] && got < 0.8);
    }

    #[test]
    fn extrapolation_falls_back_and_never_decreases_or_leaves_0_1() {
        assert_eq!(extrapolate(&[0.3, 0.4], 2), 0.4);
        assert_eq!(extrapolate(&[0.3, 0.4, 0.5], 1), 0.3);
        // A falling curve is fitted flat (b = 0): the mean of the points.
        let falling = extrapolate(&[0.6, 0.5, 0.4], 3);
        assert!((falling - 0.5).abs() < 1e-12, "{falling}");
        let steep = extrapolate(&[0.2, 0.7, 0.99], 3);
        assert!((0.0..=1.0).contains(&steep));
    }
}
