//! The score a feature subset is ranked by.

/// `round(MAE, 3) · sqrt(violations / max_violations)`; lower is better.
///
/// MAE is rounded half away from zero at 3 decimals (Python rounds half to
/// even; the two differ only on exact ties, which the prediction noise makes
/// vanishingly rare). A prediction with no violations scores 0 whatever its
/// MAE, so such subsets tie and the search expands them together.
pub fn final_score(mae: f64, violations: usize, max_violations: usize) -> f64 {
    if max_violations == 0 {
        return 0.0;
    }
    let rate = violations as f64 / max_violations as f64;
    (mae * 1000.0).round() / 1000.0 * rate.sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    #[test]
    fn hand_computed_scores() {
        assert_abs_diff_eq!(final_score(0.012_34, 19, 190), 0.012 * 0.1f64.sqrt());
        assert_abs_diff_eq!(final_score(0.0126, 780, 780), 0.013);
        assert_eq!(final_score(0.5, 0, 780), 0.0);
        assert_eq!(final_score(0.5, 0, 0), 0.0);
    }
}
