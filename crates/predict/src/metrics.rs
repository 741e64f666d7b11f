//! Scores of a prediction against the truth: MAE, RMSE, monotonicity
//! violations, Pearson r, Kendall τ-b, Spearman ρ, precision@k and NDCG@k.
//!
//! Every metric is a plain function over (truth, prediction) that fails on
//! empty, mismatched or non-finite input rather than returning NaN.
//!
//! Violations follow the paper (Hakim 2022, NAAP-440): a pair of test rows
//! is a violation when the predicted order *strictly* disagrees with the true
//! order, `(pred_i − pred_j)·(true_i − true_j) < 0`. A pair tied in the
//! prediction or in the truth is therefore never a violation; the number of
//! pairs tied only in the prediction is reported apart
//! ([`prediction_ties`]) because a model that predicts one value for
//! everything scores zero violations. `MaxViolations` is the number of pairs,
//! C(n, 2) (780 for the 40 test rows, which have no tied MaxAccuracy).

use crate::{Error, Result};

fn check(truth: &[f64], pred: &[f64]) -> Result<()> {
    if truth.is_empty() {
        return Err(Error::InvalidInput("metrics need at least one row".into()));
    }
    if truth.len() != pred.len() {
        return Err(Error::InvalidInput(format!(
            "truth has {} values but the prediction has {}",
            truth.len(),
            pred.len()
        )));
    }
    let bad = |v: &[f64], what: &str| match v.iter().position(|x| !x.is_finite()) {
        Some(i) => Err(Error::InvalidInput(format!(
            "{what} value {i} is not finite ({})",
            v[i]
        ))),
        None => Ok(()),
    };
    bad(truth, "truth")?;
    bad(pred, "prediction")
}

/// Mean absolute error.
pub fn mae(truth: &[f64], pred: &[f64]) -> Result<f64> {
    check(truth, pred)?;
    let sum: f64 = truth.iter().zip(pred).map(|(t, p)| (t - p).abs()).sum();
    Ok(sum / truth.len() as f64)
}

/// Visits every pair i < j with the signs of (truth_i − truth_j) and
/// (pred_i − pred_j) as -1, 0 or 1.
fn pair_signs(truth: &[f64], pred: &[f64], mut visit: impl FnMut(i8, i8)) {
    let sign = |d: f64| (d > 0.0) as i8 - (d < 0.0) as i8;
    for i in 0..truth.len() {
        for j in i + 1..truth.len() {
            visit(sign(truth[i] - truth[j]), sign(pred[i] - pred[j]));
        }
    }
}

/// Pairs whose predicted order strictly disagrees with the true order.
pub fn violations(truth: &[f64], pred: &[f64]) -> Result<usize> {
    check(truth, pred)?;
    let mut v = 0;
    pair_signs(truth, pred, |t, p| v += usize::from(t * p < 0));
    Ok(v)
}

/// Pairs with distinct truth that the prediction ties (not violations, see
/// the module doc).
pub fn prediction_ties(truth: &[f64], pred: &[f64]) -> Result<usize> {
    check(truth, pred)?;
    let mut n = 0;
    pair_signs(truth, pred, |t, p| n += usize::from(t != 0 && p == 0));
    Ok(n)
}

/// The number of pairs of `n` rows, C(n, 2): the most violations possible.
pub fn max_violations(n: usize) -> usize {
    n * n.saturating_sub(1) / 2
}

/// `1 − violations / C(n, 2)`; 1 when there are fewer than two rows.
pub fn monotonicity_score(violations: usize, n: usize) -> f64 {
    match max_violations(n) {
        0 => 1.0,
        max => 1.0 - violations as f64 / max as f64,
    }
}

/// Kendall τ-b (ties corrected, as `scipy.stats.kendalltau`); `None` when
/// either side is constant and τ is undefined.
pub fn kendall_tau_b(truth: &[f64], pred: &[f64]) -> Result<Option<f64>> {
    check(truth, pred)?;
    let (mut concordant, mut discordant, mut tied_t, mut tied_p) = (0i64, 0i64, 0i64, 0i64);
    pair_signs(truth, pred, |t, p| match (t, p) {
        (0, 0) => {
            tied_t += 1;
            tied_p += 1;
        }
        (0, _) => tied_t += 1,
        (_, 0) => tied_p += 1,
        _ if t == p => concordant += 1,
        _ => discordant += 1,
    });
    let pairs = max_violations(truth.len()) as i64;
    let denom = ((pairs - tied_t) as f64 * (pairs - tied_p) as f64).sqrt();
    Ok((denom > 0.0).then(|| (concordant - discordant) as f64 / denom))
}

/// 1-based ranks with ties given their average rank.
pub fn average_ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && values[order[end]] == values[order[start]] {
            end += 1;
        }
        // Positions start..end (0-based) share the mean of ranks start+1..=end.
        let rank = (start + end + 1) as f64 / 2.0;
        for &i in &order[start..end] {
            ranks[i] = rank;
        }
        start = end;
    }
    ranks
}

/// Spearman ρ: the Pearson correlation of average ranks (as
/// `scipy.stats.spearmanr`); `None` when either side is constant.
pub fn spearman_rho(truth: &[f64], pred: &[f64]) -> Result<Option<f64>> {
    check(truth, pred)?;
    Ok(pearson(&average_ranks(truth), &average_ranks(pred)))
}

/// The q-quantile of `values` with linear interpolation (numpy's default).
pub fn quantile(values: &[f64], q: f64) -> Result<f64> {
    if values.is_empty() || values.iter().any(|v| v.is_nan()) || !(0.0..=1.0).contains(&q) {
        return Err(Error::InvalidInput(format!(
            "quantile {q} of {} values (empty, NaN or q outside [0, 1])",
            values.len()
        )));
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let pos = q * (v.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    Ok(v[lo] + (v[hi] - v[lo]) * (pos - lo as f64))
}

/// Root mean squared error.
pub fn rmse(truth: &[f64], pred: &[f64]) -> Result<f64> {
    check(truth, pred)?;
    let sum: f64 = truth.iter().zip(pred).map(|(t, p)| (t - p).powi(2)).sum();
    Ok((sum / truth.len() as f64).sqrt())
}

/// Pearson r (as `scipy.stats.pearsonr`); `None` when either side is
/// constant.
pub fn pearson_r(truth: &[f64], pred: &[f64]) -> Result<Option<f64>> {
    check(truth, pred)?;
    Ok(pearson(truth, pred))
}

/// Indices of the `k` largest values, largest first; ties go to the lower
/// index (callers order rows by ModelId, so a tie goes to the lower id).
fn top_k(values: &[f64], k: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    // Stable: tied values keep index order.
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]));
    order.truncate(k);
    order
}

/// Precision@k: the share of the true top `k` among the predicted top `k`
/// (each top by value, ties to the lower index); `k` is capped at the rows.
pub fn precision_at_k(truth: &[f64], pred: &[f64], k: usize) -> Result<f64> {
    check(truth, pred)?;
    let k = k.clamp(1, truth.len());
    let best = top_k(truth, k);
    let hits = top_k(pred, k).iter().filter(|i| best.contains(i)).count();
    Ok(hits as f64 / k as f64)
}

/// NDCG@k with the true values as gains (as `sklearn.metrics.ndcg_score`
/// with `k`): the predicted order's DCG, `Σ gain / log2(rank + 1)` over the
/// first `k` ranks, over the best order's. Rows tied in the prediction share
/// the mean discount of the ranks they span (sklearn's default,
/// `ignore_ties=False`). 0 when every gain is 0. Gains must be non-negative.
pub fn ndcg_at_k(truth: &[f64], pred: &[f64], k: usize) -> Result<f64> {
    check(truth, pred)?;
    if let Some(g) = truth.iter().find(|g| **g < 0.0) {
        return Err(Error::InvalidInput(format!(
            "NDCG needs non-negative gains, got {g}"
        )));
    }
    let k = k.clamp(1, truth.len());
    let discount = |rank: usize| match rank < k {
        true => 1.0 / ((rank + 2) as f64).log2(),
        false => 0.0,
    };
    let dcg = tie_averaged_dcg(truth, pred, &discount);
    let mut ideal: Vec<f64> = truth.to_vec();
    ideal.sort_by(|a, b| b.total_cmp(a));
    let idcg: f64 = ideal.iter().enumerate().map(|(r, g)| g * discount(r)).sum();
    Ok(if idcg > 0.0 { dcg / idcg } else { 0.0 })
}

/// DCG of `gains` ranked by `scores`, a group of tied scores spanning ranks
/// a..b contributing its mean gain times the sum of their discounts.
fn tie_averaged_dcg(gains: &[f64], scores: &[f64], discount: &dyn Fn(usize) -> f64) -> f64 {
    let order = top_k(scores, scores.len());
    let mut dcg = 0.0;
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && scores[order[end]] == scores[order[start]] {
            end += 1;
        }
        let mean_gain =
            order[start..end].iter().map(|&i| gains[i]).sum::<f64>() / (end - start) as f64;
        let discounts: f64 = (start..end).map(discount).sum();
        dcg += mean_gain * discounts;
        start = end;
    }
    dcg
}

fn pearson(a: &[f64], b: &[f64]) -> Option<f64> {
    // Checked exactly: the mean of equal values can differ from them in the
    // last bit, which would make a constant side look like noise.
    let constant = |v: &[f64]| v.iter().all(|x| *x == v[0]);
    if constant(a) || constant(b) {
        return None;
    }
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma).powi(2);
        sbb += (y - mb).powi(2);
    }
    (saa > 0.0 && sbb > 0.0).then(|| sab / (saa * sbb).sqrt())
}

/// Every metric of one prediction.
#[derive(Debug, Clone, PartialEq)]
pub struct Scores {
    /// Mean absolute error.
    pub mae: f64,
    /// Strict order disagreements.
    pub violations: usize,
    /// C(n, 2).
    pub max_violations: usize,
    /// `1 − violations / max_violations`.
    pub monotonicity: f64,
    /// Pairs tied by the prediction only.
    pub prediction_ties: usize,
    /// Kendall τ-b; `None` when undefined.
    pub kendall_tau: Option<f64>,
    /// Spearman ρ; `None` when undefined.
    pub spearman_rho: Option<f64>,
}

impl Scores {
    /// Computes every metric of `pred` against `truth`.
    pub fn compute(truth: &[f64], pred: &[f64]) -> Result<Scores> {
        let violations = violations(truth, pred)?;
        Ok(Scores {
            mae: mae(truth, pred)?,
            violations,
            max_violations: max_violations(truth.len()),
            monotonicity: monotonicity_score(violations, truth.len()),
            prediction_ties: prediction_ties(truth, pred)?,
            kendall_tau: kendall_tau_b(truth, pred)?,
            spearman_rho: spearman_rho(truth, pred)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    #[test]
    fn hand_computed_violations_and_mae() {
        let truth = [0.1, 0.2, 0.3, 0.4];
        // Pairs (i<j): (0,1) 0.5>0.2 disagree; (0,2) 0.5>0.3 disagree;
        // (0,3) 0.5<0.9 agree; (1,2) 0.2<0.3 agree; (1,3) agree; (2,3) agree.
        let pred = [0.5, 0.2, 0.3, 0.9];
        assert_eq!(violations(&truth, &pred).unwrap(), 2);
        assert_eq!(max_violations(4), 6);
        assert_abs_diff_eq!(monotonicity_score(2, 4), 1.0 - 2.0 / 6.0);
        assert_abs_diff_eq!(mae(&truth, &pred).unwrap(), (0.4 + 0.0 + 0.0 + 0.5) / 4.0);
        // A reversed prediction violates every pair.
        assert_eq!(violations(&truth, &[4.0, 3.0, 2.0, 1.0]).unwrap(), 6);
        assert_eq!(max_violations(40), 780);
    }

    #[test]
    fn ties_are_not_violations_but_are_counted() {
        let truth = [0.1, 0.2, 0.3];
        let pred = [0.5, 0.5, 0.1];
        // (0,1) tied prediction; (0,2) and (1,2) disagree.
        assert_eq!(violations(&truth, &pred).unwrap(), 2);
        assert_eq!(prediction_ties(&truth, &pred).unwrap(), 1);
        // Tied truth with distinct predictions is neither.
        assert_eq!(violations(&[1.0, 1.0], &[0.0, 1.0]).unwrap(), 0);
        assert_eq!(prediction_ties(&[1.0, 1.0], &[0.0, 0.0]).unwrap(), 0);
    }

    #[test]
    fn kendall_and_spearman_hand_computed() {
        let truth = [1.0, 2.0, 3.0, 4.0];
        let pred = [1.0, 3.0, 2.0, 4.0];
        // 5 concordant, 1 discordant of 6 pairs.
        assert_abs_diff_eq!(kendall_tau_b(&truth, &pred).unwrap().unwrap(), 4.0 / 6.0);
        // Rank differences 0,1,1,0: rho = 1 - 6*2/(4*15) = 0.8.
        assert_abs_diff_eq!(
            spearman_rho(&truth, &pred).unwrap().unwrap(),
            0.8,
            epsilon = 1e-12
        );
        // With a tie in the prediction: pairs (0,1) tie, others concordant:
        // tau_b = 5 / sqrt(6 * 5).
        let tied = [1.0, 1.0, 2.0, 3.0];
        assert_abs_diff_eq!(
            kendall_tau_b(&truth, &tied).unwrap().unwrap(),
            5.0 / 30f64.sqrt(),
            epsilon = 1e-12
        );
        assert_eq!(average_ranks(&tied), vec![1.5, 1.5, 3.0, 4.0]);
        assert_eq!(kendall_tau_b(&truth, &[2.0; 4]).unwrap(), None);
        assert_eq!(spearman_rho(&truth, &[2.0; 4]).unwrap(), None);
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(mae(&[], &[]).is_err());
        assert!(violations(&[1.0], &[1.0, 2.0]).is_err());
        let err = mae(&[1.0, 2.0], &[1.0, f64::NAN]).unwrap_err();
        assert!(err.to_string().contains("prediction value 1"), "{err}");
    }
}
