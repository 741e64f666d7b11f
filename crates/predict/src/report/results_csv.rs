//! `results.csv`: one row per (model, feature set), the paper's six columns
//! first, then the extra metrics.

use crate::report::CellResult;
use crate::{Error, Result};

/// The header: the paper's six columns, then ours.
pub const RESULTS_HEADER: [&str; 16] = [
    "Model",
    "Features",
    "MeanAbsoluteError",
    "NumViolations",
    "MaxViolations",
    "MonotonicityScore",
    "KendallTau",
    "SpearmanRho",
    "PredictionTies",
    "ReportedSeed",
    "MaeMin",
    "MaeMedian",
    "MaeMax",
    "ViolationsMin",
    "ViolationsMedian",
    "ViolationsMax",
];

/// `x` rounded to 4 decimals, printed in shortest form (`0.03`, not `0.0300`).
pub fn round4(x: f64) -> String {
    let r = (x * 1e4).round() / 1e4;
    // Avoid printing "-0" for tiny negative values.
    if r == 0.0 {
        "0".to_string()
    } else {
        r.to_string()
    }
}

/// The CSV bytes for `cells`, in their order. An undefined correlation (a
/// constant prediction) is an empty field.
pub fn results_csv(cells: &[CellResult]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let io = |e: csv::Error| Error::InvalidInput(format!("writing results.csv: {e}"));
    w.write_record(RESULTS_HEADER).map_err(io)?;
    for cell in cells {
        let run = cell.evaluation.reported();
        let s = &run.scores;
        let (mae, v) = (
            cell.evaluation.mae_spread(),
            cell.evaluation.violation_spread(),
        );
        let opt = |x: Option<f64>| x.map(round4).unwrap_or_default();
        w.write_record([
            cell.model.clone(),
            cell.feature_set.clone(),
            round4(s.mae),
            s.violations.to_string(),
            s.max_violations.to_string(),
            round4(s.monotonicity),
            opt(s.kendall_tau),
            opt(s.spearman_rho),
            s.prediction_ties.to_string(),
            run.seed.to_string(),
            round4(mae.min),
            round4(mae.median),
            round4(mae.max),
            round4(v.min),
            round4(v.median),
            round4(v.max),
        ])
        .map_err(io)?;
    }
    w.into_inner()
        .map_err(|e| Error::InvalidInput(format!("writing results.csv: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round4_is_short() {
        assert_eq!(round4(0.03), "0.03");
        assert_eq!(round4(0.123_456), "0.1235");
        assert_eq!(round4(-0.000_01), "0");
        assert_eq!(round4(780.0), "780");
    }
}
