//! Output files of the feature search: `results.csv` (every evaluated
//! subset) and `best.md` (the best subset of each search against the full
//! feature set). Functions return bytes; the caller writes them.

use super::run::SearchResult;
use crate::{Error, Result};
use std::fmt::Write as _;

/// The header of `results.csv`: the ten columns, then `Step` (0 for
/// the full set) and the fitting seed of the reported run.
pub const RESULTS_HEADER: [&str; 12] = [
    "Mode",
    "Model",
    "FeatureSetName",
    "Flags",
    "FeatureSubset",
    "MAE",
    "NumViolations",
    "MaxViolations",
    "MonotonicityScore",
    "FinalScore",
    "Step",
    "ReportedSeed",
];

/// `x` rounded to `decimals` and printed in shortest form (`0.03`, not `0.0300`).
fn rounded(x: f64, decimals: i32) -> String {
    let p = 10f64.powi(decimals);
    let r = (x * p).round() / p;
    if r == 0.0 {
        "0".to_string()
    } else {
        r.to_string()
    }
}

/// The CSV bytes: every evaluated subset, searches in their order, subsets
/// in evaluation order. MAE and the monotonicity score have 4 decimals as in
/// the baseline; the final score (a product of small numbers) has 6.
pub fn results_csv(results: &[SearchResult]) -> Result<Vec<u8>> {
    let io = |e: csv::Error| Error::InvalidInput(format!("writing results.csv: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(RESULTS_HEADER).map_err(io)?;
    for r in results {
        for e in &r.evaluated {
            let v = &e.value;
            w.write_record([
                r.mode.name().to_string(),
                r.model.clone(),
                r.feature_set.clone(),
                // As the published NAAP-440e file writes them, so that both
                // files can be compared with the same tools.
                e.flags.to_published(r.features.len()),
                r.subset_names_published(e.flags),
                rounded(v.mae, 4),
                v.violations.to_string(),
                v.max_violations.to_string(),
                rounded(v.monotonicity, 4),
                rounded(e.score, 6),
                e.step.to_string(),
                v.reported_seed.to_string(),
            ])
            .map_err(io)?;
        }
    }
    w.into_inner()
        .map_err(|e| Error::InvalidInput(format!("writing results.csv: {e}")))
}

/// The relative score reduction of the best subset against the full set,
/// `(full − best) / full`, in percent; `None` when the full set already
/// scores 0 (no violations), where no subset can do better.
pub fn gain_percent(full_score: f64, best_score: f64) -> Option<f64> {
    (full_score > 0.0).then(|| 100.0 * (full_score - best_score) / full_score)
}

/// `best.md`: one table per mode; a row per (model, feature set) with the
/// best subset, its MAE / violations / score, the full set's, and the gain.
pub fn best_markdown(results: &[SearchResult]) -> String {
    let mut out = String::from(
        "# NAAP-440e feature search: best subsets\n\n\
         Score = round(MAE, 3) · sqrt(violations / max violations), lower is better. \
         Gain = (full-set score − best score) / full-set score; \"—\" when the full \
         set has no violations. The best subset has the lowest score, then the \
         fewest features.\n",
    );
    let mut mode = None;
    for r in results {
        if mode != Some(r.mode) {
            mode = Some(r.mode);
            let max = r.full().value.max_violations;
            let _ = write!(
                out,
                "\n## {} (max violations {max})\n\n\
                 | Model | Feature set | Best subset | Features | MAE | Violations | Score \
                 | Full MAE | Full violations | Full score | Gain | Subsets evaluated |\n\
                 | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n",
                r.mode
            );
        }
        let (best, full) = (r.best(), r.full());
        let gain = gain_percent(full.score, best.score)
            .map(|g| format!("{g:.1}%"))
            .unwrap_or_else(|| "—".to_string());
        let _ = writeln!(
            out,
            "| {} | {} | {} | {}/{} | {} | {} | {} | {} | {} | {} | {gain} | {} |",
            r.model,
            r.feature_set,
            r.subset_names(best.flags),
            best.flags.count(),
            r.features.len(),
            rounded(best.value.mae, 4),
            best.value.violations,
            rounded(best.score, 6),
            rounded(full.value.mae, 4),
            full.value.violations,
            rounded(full.score, 6),
            r.evaluated.len(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::run::SubsetScore;
    use super::super::search::{Evaluated, Flags};
    use super::super::split::Mode;
    use super::*;

    fn eval(bits: &str, step: usize, mae: f64, violations: usize) -> Evaluated<SubsetScore> {
        Evaluated {
            flags: Flags::from_bit_string(bits).unwrap(),
            step,
            score: super::super::final_score(mae, violations, 190),
            value: SubsetScore {
                mae,
                violations,
                max_violations: 190,
                monotonicity: 1.0 - violations as f64 / 190.0,
                reported_seed: 7,
            },
        }
    }

    fn result() -> SearchResult {
        SearchResult {
            mode: Mode::LeftExtrapolation,
            model: "Linear Regression (D=0.5)".into(),
            feature_set: "Scheme8".into(),
            features: vec!["NumParams".into(), "NumStages".into(), "NumLayers".into()],
            evaluated: vec![
                eval("111", 0, 0.0200, 76),
                eval("110", 1, 0.0150, 19),
                eval("101", 1, 0.0300, 19),
                eval("011", 1, 0.0150, 19),
            ],
        }
    }

    #[test]
    fn results_csv_has_one_row_per_subset() {
        let text = String::from_utf8(results_csv(&[result()]).unwrap()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], RESULTS_HEADER.join(","));
        assert_eq!(lines.len(), 5);
        // 0.015 · sqrt(19/190) = 0.0047434...
        assert_eq!(
            lines[2],
            "left-extrapolation,Linear Regression (D=0.5),Scheme8,1;1;0,NumParams;NumStages,\
             0.015,19,190,0.9,0.004743,1,7"
        );
    }

    #[test]
    fn best_prefers_lower_score_then_fewer_features() {
        let r = result();
        // 110 and 011 tie on score and size: the first evaluated wins.
        assert_eq!(r.best().flags, Flags::from_bit_string("110").unwrap());
        let md = best_markdown(&[r]);
        assert!(
            md.contains("## left-extrapolation (max violations 190)"),
            "{md}"
        );
        // Full score 0.02 · sqrt(0.4) = 0.012649; best 0.004743: gain 62.5%.
        assert!(md.contains("| NumParams+NumStages | 2/3 | 0.015 | 19 | 0.004743 | 0.02 | 76 | 0.012649 | 62.5% | 4 |"), "{md}");
        assert_eq!(gain_percent(0.0, 0.0), None);
    }
}
