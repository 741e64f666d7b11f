//! The extended study (issue 11): the paper's protocol on more feature sets
//! (zero-cost proxies, learning-curve features, SoTL, curve extrapolation)
//! and more regressors ([`crate::models::RegressorSpec::all`]), summarised by a budget
//! table: per number of training epochs spent, the best predictor.

use crate::baseline::CellResult;
use crate::features::FeatureSet;
use crate::metrics::spearman_rho;
use crate::report::figures::{draw_err, render, FAMILY};
use crate::{Error, Result};
use naap_dataset::{Dataset, ZERO_COST_COLUMNS};
use plotters::prelude::*;

/// Epochs of the budget table: 0 (the scheme and zero-cost proxies only),
/// then 1, 2, 3, 6 and 9 trained epochs.
pub const BUDGET_EPOCHS: [u32; 6] = [0, 1, 2, 3, 6, 9];

/// The extended feature sets in table order: `Scheme`, `Scheme + ZeroCost`,
/// then per k in 1, 2, 3, 6, 9: `Scheme + Quantitative k epochs`,
/// `Scheme + ZeroCost + Quantitative k epochs`, `Scheme + Curve k epochs`,
/// `SoTL k epochs` and `Curve extrapolation k epochs`.
pub fn extended_sets() -> Vec<FeatureSet> {
    let mut sets = vec![FeatureSet::scheme(), FeatureSet::scheme_zero_cost()];
    for k in BUDGET_EPOCHS.into_iter().filter(|&k| k > 0) {
        sets.extend([
            FeatureSet::scheme_quantitative(k),
            FeatureSet::scheme_zero_cost_quantitative(k),
            FeatureSet::scheme_curve(k),
            FeatureSet::sotl(k),
            FeatureSet::extrapolated(k),
        ]);
    }
    sets
}

/// Checks that `dataset` has the zero-cost columns the extended sets read.
pub fn check_zero_cost_columns(dataset: &Dataset) -> Result<()> {
    let have = dataset.extra_columns();
    let missing: Vec<&str> = ZERO_COST_COLUMNS
        .iter()
        .copied()
        .filter(|c| !have.iter().any(|h| h == c))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(Error::InvalidInput(format!(
        "the extended study needs the zero-cost columns {} in the dataset (missing: {}); \
         compute them with `naap proxies -o proxies.csv` and add them with \
         `naap dataset join DATASET proxies.csv -o OUT.csv`",
        ZERO_COST_COLUMNS.join(", "),
        missing.join(", ")
    )))
}

/// The best predictor at one budget.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetRow {
    /// Training epochs its features need.
    pub epochs: u32,
    /// Model name.
    pub model: String,
    /// Feature-set name.
    pub feature_set: String,
    /// MAE of the reported run.
    pub mae: f64,
    /// Violations of the reported run.
    pub violations: usize,
    /// Pairs of test rows (the most violations possible).
    pub max_violations: usize,
    /// Kendall's τ-b of the reported run (`None` if undefined).
    pub kendall_tau: Option<f64>,
}

/// Per budget of [`BUDGET_EPOCHS`], the cell with the fewest violations
/// (then the lower MAE, then the earlier cell) among the cells whose
/// feature set needs exactly that many epochs.
pub fn budget_rows(cells: &[CellResult], sets: &[FeatureSet]) -> Vec<BudgetRow> {
    BUDGET_EPOCHS
        .iter()
        .filter_map(|&k| {
            let best = cells
                .iter()
                .filter(|c| {
                    sets.iter()
                        .any(|s| s.name() == c.feature_set && s.epochs() == k)
                })
                .min_by(|a, b| {
                    let (sa, sb) = (
                        &a.evaluation.reported().scores,
                        &b.evaluation.reported().scores,
                    );
                    sa.violations
                        .cmp(&sb.violations)
                        .then(sa.mae.total_cmp(&sb.mae))
                })?;
            let s = &best.evaluation.reported().scores;
            Some(BudgetRow {
                epochs: k,
                model: best.model.clone(),
                feature_set: best.feature_set.clone(),
                mae: s.mae,
                violations: s.violations,
                max_violations: s.max_violations,
                kendall_tau: s.kendall_tau,
            })
        })
        .collect()
}

/// The budget table as Markdown.
pub fn budget_markdown(rows: &[BudgetRow]) -> String {
    let mut out = String::from(
        "| Epochs | Best predictor | Feature set | MAE | Violations | Kendall τ |\n\
         |---:|---|---|---:|---:|---:|\n",
    );
    for r in rows {
        let tau = r.kendall_tau.map_or("n/a".into(), |t| format!("{t:.3}"));
        out.push_str(&format!(
            "| {} | {} | {} | {:.4} | {}/{} | {} |\n",
            r.epochs, r.model, r.feature_set, r.mae, r.violations, r.max_violations, tau
        ));
    }
    out
}

/// The budget table as a figure: violations (left axis) and Kendall τ
/// (right axis) against the epochs spent; needs
/// [`naap_output::figure::load_font`].
pub fn budget_png(rows: &[BudgetRow]) -> Result<Vec<u8>> {
    let max_v = rows.iter().map(|r| r.max_violations).max().unwrap_or(1) as f64;
    let top = rows.iter().map(|r| r.violations).max().unwrap_or(1) as f64 * 1.15 + 1.0;
    render(|root| {
        let mut chart = ChartBuilder::on(root)
            .caption("Best predictor vs training epochs spent", (FAMILY, 16))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(56)
            .right_y_label_area_size(56)
            .build_cartesian_2d(0f64..10f64, 0f64..top)
            .map_err(draw_err)?
            .set_secondary_coord(0f64..10f64, 0f64..1f64);
        chart
            .configure_mesh()
            .x_desc("training epochs")
            .y_desc(format!("violations (of {max_v})"))
            .label_style((FAMILY, 13))
            .draw()
            .map_err(draw_err)?;
        chart
            .configure_secondary_axes()
            .y_desc("Kendall tau")
            .label_style((FAMILY, 13))
            .draw()
            .map_err(draw_err)?;
        let v: Vec<(f64, f64)> = rows
            .iter()
            .map(|r| (f64::from(r.epochs), r.violations as f64))
            .collect();
        chart
            .draw_series(LineSeries::new(v.clone(), BLUE.stroke_width(2)))
            .map_err(draw_err)?
            .label("violations")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], BLUE));
        chart
            .draw_series(v.iter().map(|&p| Circle::new(p, 4, BLUE.filled())))
            .map_err(draw_err)?;
        let t: Vec<(f64, f64)> = rows
            .iter()
            .filter_map(|r| Some((f64::from(r.epochs), r.kendall_tau?)))
            .collect();
        chart
            .draw_secondary_series(LineSeries::new(t, RED.stroke_width(2)))
            .map_err(draw_err)?
            .label("Kendall tau")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], RED));
        chart
            .configure_series_labels()
            .label_font((FAMILY, 13))
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .position(SeriesLabelPosition::MiddleRight)
            .draw()
            .map_err(draw_err)?;
        Ok(())
    })
}

/// Spearman's ρ of each zero-cost column and of NumParams and NumMACs with
/// MaxAccuracy over every row of the dataset.
pub fn proxy_spearman(dataset: &Dataset) -> Result<Vec<(String, f64)>> {
    let truth: Vec<f64> = dataset.rows.iter().map(|r| r.max_accuracy).collect();
    let mut names: Vec<&str> = ZERO_COST_COLUMNS.to_vec();
    names.extend(["NumParams", "NumMACs"]);
    names
        .into_iter()
        .map(|name| {
            let column = dataset
                .column(name)
                .ok_or_else(|| Error::InvalidInput(format!("the dataset has no column {name}")))?;
            let rho = spearman_rho(&truth, &column)?.ok_or_else(|| {
                Error::InvalidInput(format!("Spearman's rho of {name} is undefined (constant)"))
            })?;
            Ok((name.to_string(), rho))
        })
        .collect()
}

/// The proxies' Spearman table as Markdown.
pub fn proxy_markdown(rows: &[(String, f64)], n: usize) -> String {
    let mut out = format!(
        "Spearman's rho with MaxAccuracy over all {n} architectures\n\n| Proxy | rho |\n|---|---:|\n"
    );
    for (name, rho) in rows {
        out.push_str(&format!("| {name} | {rho:.4} |\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extended_sets_cover_every_budget_with_unique_names() {
        let sets = extended_sets();
        assert_eq!(sets.len(), 2 + 5 * 5);
        let mut names: Vec<&str> = sets.iter().map(|s| s.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), sets.len());
        for k in BUDGET_EPOCHS {
            assert!(
                sets.iter().any(|s| s.epochs() == k),
                "no set for {k} epochs"
            );
        }
    }

    #[test]
    fn budget_picks_the_fewest_violations_per_epoch_count() {
        use crate::protocol::tests::dataset;
        use crate::protocol::{evaluate, TrainTest};
        let d = dataset();
        let sets = [FeatureSet::scheme(), FeatureSet::scheme_quantitative(1)];
        let mut cells = Vec::new();
        for set in &sets {
            let data = TrainTest::published(&d, set).unwrap();
            for model in [
                Box::new(crate::models::LinearRegression) as Box<dyn crate::Regressor>,
                Box::new(crate::models::KnnRegressor::new(1)),
            ] {
                let evaluation = evaluate(model.as_ref(), &data, &[1], None).unwrap();
                cells.push(CellResult {
                    model: model.name().to_string(),
                    feature_set: set.name().to_string(),
                    acceleration: String::new(),
                    evaluation,
                    y_test: data.y_test.clone(),
                    test_model_ids: data.test_model_ids.clone(),
                });
            }
        }
        let rows = budget_rows(&cells, &sets);
        // Only budgets with a set appear: 0 and 1 epochs.
        assert_eq!(rows.iter().map(|r| r.epochs).collect::<Vec<_>>(), [0, 1]);
        for r in &rows {
            let best = cells
                .iter()
                .filter(|c| {
                    sets.iter()
                        .any(|s| s.name() == c.feature_set && s.epochs() == r.epochs)
                })
                .map(|c| c.evaluation.reported().scores.violations)
                .min()
                .unwrap();
            assert_eq!(r.violations, best);
        }
        let md = budget_markdown(&rows);
        assert_eq!(md.lines().count(), 2 + rows.len());
        assert!(md.contains(&format!("| 0 | {} | Scheme |", rows[0].model)));
    }
}
