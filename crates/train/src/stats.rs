//! Per-epoch loss statistics, as logged: mean and median of the batch losses.

/// Mean of the batch losses; `None` for an empty epoch.
pub fn loss_mean(losses: &[f64]) -> Option<f64> {
    (!losses.is_empty()).then(|| losses.iter().sum::<f64>() / losses.len() as f64)
}

/// Median of the batch losses (mean of the two middle values for an even count,
/// as numpy's median); `None` for an empty epoch.
pub fn loss_median(losses: &[f64]) -> Option<f64> {
    if losses.is_empty() {
        return None;
    }
    let mut sorted = losses.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    Some(if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    })
}

/// What one epoch produced, as logged.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EpochStats {
    /// Mean of the batch losses.
    pub loss_mean: f64,
    /// Median of the batch losses.
    pub loss_median: f64,
    /// Test accuracy in [0, 1], BatchNorm in eval mode.
    pub accuracy: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_and_median_of_odd_and_even_counts() {
        assert_eq!(loss_mean(&[1.0, 2.0, 6.0]), Some(3.0));
        assert_eq!(loss_median(&[6.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(loss_median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(loss_mean(&[]), None);
        assert_eq!(loss_median(&[]), None);
    }
}
