//! The outputs of an evaluation: `results.csv` (one row per cell),
//! `predictions.csv` (one row per predicted test row), `summary.md` (medians
//! and interquartile ranges per model, set and size) and the two figures.

use super::cells::{test_rows, Cell, CellScores, Trials};
use super::EvaluateJob;
use crate::report::figures::draw_err;
use crate::{Error, Result};
use naap_output::RunDir;
use plotters::prelude::*;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The columns of `results.csv`.
pub const RESULTS_HEADER: &str = "Model,FeatureSet,Epochs,TrainSize,Trial,MAE,RMSE,Pearson,Spearman,KendallTau,Violations,MaxViolations,PrecisionAt10,PrecisionAt5Pct,NDCGAt10";

/// Scores every cell from its predictions.
pub(super) fn score_all(
    job: &EvaluateJob,
    trials: &Trials,
    cells: &[Cell],
    predictions: &[Vec<f64>],
) -> Result<Vec<CellScores>> {
    cells
        .iter()
        .zip(predictions)
        .map(|(&cell, pred)| {
            let truth: Vec<f64> = test_rows(job, trials, cell)
                .iter()
                .map(|r| r.max_accuracy)
                .collect();
            CellScores::compute(&truth, pred).map_err(|e| {
                Error::InvalidInput(format!(
                    "scoring {} on {} ({} rows, trial {}): {e}",
                    job.models[cell.model],
                    job.sets[cell.set].name(),
                    cell.size,
                    cell.trial
                ))
            })
        })
        .collect()
}

fn opt(v: Option<f64>) -> String {
    v.map_or(String::new(), |x| x.to_string())
}

/// `results.csv`: one row per cell, in cell order; numbers in shortest
/// round-trip form, an undefined correlation empty.
pub fn results_csv(rows: &[(String, String, u32, usize, usize, CellScores)]) -> String {
    let mut out = String::from(RESULTS_HEADER);
    out.push('\n');
    for (model, set, epochs, size, trial, s) in rows {
        let _ = writeln!(
            out,
            "{model},{set},{epochs},{size},{trial},{},{},{},{},{},{},{},{},{},{}",
            s.mae,
            s.rmse,
            opt(s.pearson),
            opt(s.spearman),
            opt(s.kendall_tau),
            s.violations,
            s.max_violations,
            s.precision_at_10,
            s.precision_at_5pct,
            s.ndcg_at_10
        );
    }
    out
}

/// A key of the summary: (model index, set index, train size).
type Group = (usize, usize, usize);

/// First quartile, median and third quartile of `values` (non-empty and
/// finite: the caller leaves undefined metrics out).
fn quantiles(values: &[f64]) -> Option<(f64, f64, f64)> {
    let q = |p| crate::metrics::quantile(values, p).ok();
    Some((q(0.25)?, q(0.5)?, q(0.75)?))
}

/// Per (model, set, size): each metric's values over the trials.
fn groups<'a>(cells: &[Cell], scores: &'a [CellScores]) -> BTreeMap<Group, Vec<&'a CellScores>> {
    let mut g: BTreeMap<Group, Vec<&CellScores>> = BTreeMap::new();
    for (c, s) in cells.iter().zip(scores) {
        g.entry((c.model, c.set, c.size)).or_default().push(s);
    }
    g
}

/// The median and IQR of a metric over a group's trials, as `m [q1, q3]`;
/// trials where it is undefined are left out (`n/a` when all are).
fn spread(
    scores: &[&CellScores],
    metric: impl Fn(&CellScores) -> Option<f64>,
    digits: usize,
) -> String {
    let v: Vec<f64> = scores.iter().filter_map(|s| metric(s)).collect();
    let Some((q1, m, q3)) = quantiles(&v) else {
        return "n/a".into();
    };
    format!("{m:.digits$} [{q1:.digits$}, {q3:.digits$}]")
}

/// `summary.md`: per (model, set, size), the median and interquartile
/// range over the trials of Kendall τ, violations, MAE, Spearman ρ,
/// precision@10 and NDCG@10.
pub(super) fn summary_markdown(job: &EvaluateJob, cells: &[Cell], scores: &[CellScores]) -> String {
    let c = &job.config;
    let mut out = String::new();
    let _ = writeln!(out, "# naap evaluate: {}\n", c.dataset);
    let _ = writeln!(
        out,
        "{} model(s) x {} feature set(s) x {} train size(s) x {} trial(s) = {} cells, seed {}, \
         scored on the {} test rows. Each value is the median over the trials, then \
         [first quartile, third quartile]. Metric definitions: README, `naap evaluate`.\n",
        c.models.len(),
        c.feature_sets.len(),
        c.train_sizes.len(),
        c.trials,
        cells.len(),
        c.seed,
        c.test
    );
    let _ = writeln!(
        out,
        "| Model | FeatureSet | Epochs | TrainSize | KendallTau | Violations | MAE | Spearman | PrecisionAt10 | NDCGAt10 |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|---|");
    for ((m, s, size), g) in groups(cells, scores) {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {size} | {} | {} | {} | {} | {} | {} |",
            job.models[m],
            job.sets[s].name(),
            job.sets[s].epochs(),
            spread(&g, |x| x.kendall_tau, 3),
            spread(&g, |x| Some(x.violations as f64), 1),
            spread(&g, |x| Some(x.mae), 4),
            spread(&g, |x| x.spearman, 3),
            spread(&g, |x| Some(x.precision_at_10), 2),
            spread(&g, |x| Some(x.ndcg_at_10), 3),
        );
    }
    out
}

/// Writes every output into `run_dir`, `results.csv` last; returns the summary.
pub(super) fn write_outputs(
    job: &EvaluateJob,
    trials: &Trials,
    cells: &[Cell],
    predictions: &[Vec<f64>],
    scores: &[CellScores],
    run_dir: RunDir,
) -> Result<String> {
    let label = |c: &Cell| {
        (
            job.models[c.model].to_string(),
            job.sets[c.set].name().to_owned(),
            job.sets[c.set].epochs(),
        )
    };
    let mut preds =
        String::from("Model,FeatureSet,Epochs,TrainSize,Trial,ModelId,Predicted,Actual\n");
    for (c, p) in cells.iter().zip(predictions) {
        let (model, set, epochs) = label(c);
        for (row, value) in test_rows(job, trials, *c).iter().zip(p) {
            let _ = writeln!(
                preds,
                "{model},{set},{epochs},{},{},{},{value},{}",
                c.size, c.trial, row.id, row.max_accuracy
            );
        }
    }
    run_dir.write("predictions.csv", preds.as_bytes())?;
    drop(preds);
    let summary = summary_markdown(job, cells, scores);
    run_dir.write("summary.md", summary.as_bytes())?;
    naap_output::figure::load_font(None).map_err(draw_err)?;
    run_dir.write(
        "tau_vs_train_size.png",
        &tau_vs_train_size(job, cells, scores)?,
    )?;
    run_dir.write("tau_vs_epochs.png", &tau_vs_epochs(job, cells, scores)?)?;
    let rows: Vec<_> = cells
        .iter()
        .zip(scores)
        .map(|(c, s)| {
            let (model, set, epochs) = label(c);
            (model, set, epochs, c.size, c.trial, s.clone())
        })
        .collect();
    run_dir.finish(results_csv(&rows).as_bytes())?;
    Ok(summary)
}

/// Lines drawn at most per figure: the best by median τ at the largest size.
const MAX_LINES: usize = 10;

/// A line: its label and (x, median τ, q1, q3) points.
type Line = naap_output::figure::Band;

fn median_tau(g: &[&CellScores]) -> Option<(f64, f64, f64)> {
    let v: Vec<f64> = g.iter().filter_map(|s| s.kendall_tau).collect();
    quantiles(&v).map(|(q1, m, q3)| (m, q1, q3))
}

/// Keeps the `MAX_LINES` lines whose last point is highest.
fn best_lines(mut lines: Vec<Line>) -> (Vec<Line>, usize) {
    let total = lines.len();
    lines.retain(|l| !l.1.is_empty());
    let last = |l: &Line| l.1.last().map_or(f64::NEG_INFINITY, |p| p.1);
    lines.sort_by(|a, b| last(b).total_cmp(&last(a)));
    lines.truncate(MAX_LINES);
    (lines, total)
}

/// τ against the train size, one line per (model, set).
fn tau_vs_train_size(job: &EvaluateJob, cells: &[Cell], scores: &[CellScores]) -> Result<Vec<u8>> {
    let g = groups(cells, scores);
    let mut lines = Vec::new();
    for m in 0..job.models.len() {
        for s in 0..job.sets.len() {
            let mut sizes = job.config.train_sizes.clone();
            sizes.sort_unstable();
            let points = sizes
                .iter()
                .filter_map(|&n| {
                    let (med, q1, q3) = median_tau(&g[&(m, s, n)])?;
                    Some((n as f64, med, q1, q3))
                })
                .collect();
            lines.push((
                format!("{} | {}", job.models[m], job.sets[s].name()),
                points,
            ));
        }
    }
    let (lines, total) = best_lines(lines);
    line_figure(
        &format!(
            "Kendall tau against train size (best {} of {total})",
            lines.len()
        ),
        "training architectures",
        &lines,
        true,
    )
}

/// τ against the epochs of the feature set at the largest train size, one
/// line per model (sets of equal epochs: the best of them).
fn tau_vs_epochs(job: &EvaluateJob, cells: &[Cell], scores: &[CellScores]) -> Result<Vec<u8>> {
    let g = groups(cells, scores);
    let largest = *job
        .config
        .train_sizes
        .iter()
        .max()
        .expect("checked non-empty");
    let mut lines = Vec::new();
    for m in 0..job.models.len() {
        let mut by_epochs: BTreeMap<u32, (f64, f64, f64)> = BTreeMap::new();
        for s in 0..job.sets.len() {
            if let Some(t) = median_tau(&g[&(m, s, largest)]) {
                let e = by_epochs.entry(job.sets[s].epochs()).or_insert(t);
                if t.0 > e.0 {
                    *e = t;
                }
            }
        }
        let points = by_epochs
            .into_iter()
            .map(|(e, (med, q1, q3))| (f64::from(e), med, q1, q3))
            .collect();
        lines.push((job.models[m].to_string(), points));
    }
    let (lines, total) = best_lines(lines);
    line_figure(
        &format!(
            "Kendall tau against epochs, {largest} training architectures (best {} of {total})",
            lines.len()
        ),
        "epochs of the features (fidelity)",
        &lines,
        false,
    )
}

fn line_figure(title: &str, x_desc: &str, lines: &[Line], log_x: bool) -> Result<Vec<u8>> {
    let xs = lines.iter().flat_map(|l| l.1.iter().map(|p| p.0));
    let (lo, hi) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
        (a.min(x), b.max(x))
    });
    if !lo.is_finite() {
        return Err(Error::InvalidInput(format!(
            "{title}: no defined tau to draw"
        )));
    }
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        (lo - 1.0, hi + 1.0)
    };
    let ys = lines
        .iter()
        .flat_map(|l| l.1.iter().flat_map(|p| [p.2, p.3]));
    let (y_lo, y_hi) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), y| {
        (a.min(y), b.max(y))
    });
    let (y_lo, y_hi) = ((y_lo - 0.05).max(-1.0), (y_hi + 0.05).min(1.0));
    let family = naap_output::figure::FAMILY;
    naap_output::figure::render((860, 560), |root| {
        let area = root.clone();
        macro_rules! body {
            ($chart:expr, $fmt:expr) => {{
                let mut chart = $chart;
                chart
                    .configure_mesh()
                    .x_desc(x_desc)
                    .y_desc("Kendall tau (median, band: IQR over trials)")
                    .x_label_formatter($fmt)
                    .label_style((family, 13))
                    .draw()
                    .map_err(draw_err)?;
                naap_output::figure::draw_bands(
                    &mut chart,
                    lines,
                    SeriesLabelPosition::LowerRight,
                )?;
            }};
        }
        if log_x {
            let chart = builder(&area, title)
                .build_cartesian_2d((lo * 0.9..hi * 1.1).log_scale(), y_lo..y_hi)
                .map_err(draw_err)?;
            body!(chart, &|v: &f64| format!("{v:.0}"));
        } else {
            let pad = (hi - lo) * 0.04;
            let chart = builder(&area, title)
                .build_cartesian_2d(lo - pad..hi + pad, y_lo..y_hi)
                .map_err(draw_err)?;
            // Epochs are whole: no label between them.
            body!(chart, &|v: &f64| match (v - v.round()).abs() < 1e-9 {
                true => format!("{v:.0}"),
                false => String::new(),
            });
        }
        Ok(())
    })
}

fn builder<'a, 'b, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, plotters::coord::Shift>,
    title: &'b str,
) -> ChartBuilder<'a, 'b, DB> {
    let mut b = ChartBuilder::on(area);
    b.caption(title, (naap_output::figure::FAMILY, 17))
        .margin(14)
        .x_label_area_size(46)
        .y_label_area_size(60);
    b
}
