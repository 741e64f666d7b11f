//! `regret.png`: regret against cost, one line per strategy.
//!
//! Each search is a step function: after each paid batch its regret is the
//! incumbent's, and after the search it is the returned scheme's. On a
//! log-spaced cost grid, each strategy's line is the median over its
//! searches and the band their interquartile range, drawn from the cost at
//! which every search of the strategy has paid for its first batch.

use crate::report::quantile;
use crate::study::{RunRecord, StudyResults};
use crate::{Error, Result};
use plotters::prelude::*;

/// Width and height of the figure, in pixels.
pub const SIZE: (u32, u32) = (800, 560);

use naap_output::figure::FAMILY;

const GRID_POINTS: usize = 120;

fn draw_err(e: impl std::fmt::Display) -> Error {
    Error::InvalidInput(format!("drawing regret.png: {e}"))
}

impl From<naap_output::figure::FigureError> for Error {
    fn from(e: naap_output::figure::FigureError) -> Error {
        draw_err(e)
    }
}

/// Regret of a search once `cost` has been spent; `None` before its first
/// batch was paid.
fn regret_at(run: &RunRecord, cost: f64) -> Option<f64> {
    run.trajectory
        .iter()
        .take_while(|(c, _)| *c <= cost * (1.0 + 1e-12))
        .last()
        .map(|&(_, r)| r)
}

/// A strategy's (cost, median, q25, q75) on the grid.
type Points = Vec<(f64, f64, f64, f64)>;

fn band(runs: &[&RunRecord], grid: &[f64]) -> Result<Points> {
    let mut out = Vec::new();
    for &x in grid {
        let values: Option<Vec<f64>> = runs.iter().map(|r| regret_at(r, x)).collect();
        if let Some(v) = values {
            out.push((
                x,
                quantile(&v, 0.5)?,
                quantile(&v, 0.25)?,
                quantile(&v, 0.75)?,
            ));
        }
    }
    Ok(out)
}

/// Draws the figure as PNG bytes. A font must have been registered.
pub fn regret_png(results: &StudyResults) -> Result<Vec<u8>> {
    let positive = |c: f64| c > 0.0 && c.is_finite();
    let costs = results
        .records
        .iter()
        .flat_map(|r| r.trajectory.iter().map(|p| p.0))
        .filter(|&c| positive(c));
    let (lo, hi) = costs.fold((f64::INFINITY, 0.0f64), |(a, b), c| (a.min(c), b.max(c)));
    if !positive(lo) {
        return Err(Error::InvalidInput(
            "regret.png: no search paid anything".into(),
        ));
    }
    let hi = hi.max(lo * 1.0001);
    let grid: Vec<f64> = (0..GRID_POINTS)
        .map(|i| lo * (hi / lo).powf(i as f64 / (GRID_POINTS - 1) as f64))
        .collect();
    let mut bands = Vec::new();
    for name in &results.strategies {
        let runs: Vec<&RunRecord> = results
            .records
            .iter()
            .filter(|r| &r.strategy == name)
            .collect();
        bands.push((name.clone(), band(&runs, &grid)?));
    }
    let y_hi = bands
        .iter()
        .flat_map(|(_, b)| b.iter().map(|p| p.3))
        .fold(0.0f64, f64::max)
        .max(1e-3)
        * 1.05;

    naap_output::figure::render(SIZE, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(
                format!("Regret against cost ({})", results.cost.unit()),
                (FAMILY, 18),
            )
            .margin(14)
            .x_label_area_size(46)
            .y_label_area_size(64)
            .build_cartesian_2d((lo * 0.9..hi * 1.1).log_scale(), 0.0..y_hi)
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .x_desc(format!("cost paid ({}, log scale)", results.cost.unit()))
            .y_desc("regret (best − found MaxAccuracy)")
            .x_label_formatter(&|v| format!("{v:.0}"))
            .label_style((FAMILY, 13))
            .draw()
            .map_err(draw_err)?;
        naap_output::figure::draw_bands(&mut chart, &bands, SeriesLabelPosition::UpperRight)?;
        Ok(())
    })
}
