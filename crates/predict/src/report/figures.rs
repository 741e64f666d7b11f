//! Per-cell figures as PNG bytes: true vs predicted accuracy, and a rank
//! confusion matrix.
//!
//! Drawing uses plotters' bitmap backend into memory and the `png` crate to
//! encode ([`naap_output::figure`]), so figures can be written atomically and
//! drawn in parallel. Text needs a TrueType font:
//! [`naap_output::figure::load_font`] registers one before any drawing.

use crate::metrics::average_ranks;
use crate::report::CellResult;
use crate::{Error, Result};
use plotters::prelude::*;

/// Width and height of every figure, in pixels.
pub const SIZE: (u32, u32) = (560, 560);

pub(crate) use naap_output::figure::FAMILY;

pub(crate) fn draw_err(e: impl std::fmt::Display) -> Error {
    Error::InvalidInput(format!("drawing a figure: {e}"))
}

impl From<naap_output::figure::FigureError> for Error {
    fn from(e: naap_output::figure::FigureError) -> Error {
        draw_err(e)
    }
}

/// Renders a [`SIZE`] figure with `draw` (see [`naap_output::figure::render`]).
pub(crate) fn render(
    draw: impl FnOnce(&naap_output::figure::Canvas<'_>) -> Result<()>,
) -> Result<Vec<u8>> {
    naap_output::figure::render(SIZE, draw)
}

fn title(cell: &CellResult) -> String {
    format!("{} | {}", cell.model, cell.feature_set)
}

/// True (x) vs predicted (y) MaxAccuracy of the reported run, with the
/// diagonal of a perfect predictor.
pub fn scatter_png(cell: &CellResult) -> Result<Vec<u8>> {
    let run = cell.evaluation.reported();
    let pred = &run.predictions;
    let all = cell.y_test.iter().chain(pred);
    let (lo, hi) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
        (a.min(v), b.max(v))
    });
    let pad = ((hi - lo) * 0.05).max(1e-3);
    let (lo, hi) = (lo - pad, hi + pad);
    let s = &run.scores;
    render(|root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title(cell), (FAMILY, 16))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(56)
            .build_cartesian_2d(lo..hi, lo..hi)
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .x_desc("true MaxAccuracy")
            .y_desc("predicted MaxAccuracy")
            .label_style((FAMILY, 13))
            .draw()
            .map_err(draw_err)?;
        chart
            .draw_series(LineSeries::new([(lo, lo), (hi, hi)], BLACK.mix(0.4)))
            .map_err(draw_err)?;
        chart
            .draw_series(
                cell.y_test
                    .iter()
                    .zip(pred)
                    .map(|(&t, &p)| Circle::new((t, p), 4, BLUE.mix(0.7).filled())),
            )
            .map_err(draw_err)?;
        let note = format!(
            "MAE {:.4}   violations {}/{}   seed {}",
            s.mae, s.violations, s.max_violations, run.seed
        );
        root.draw_text(&note, &(FAMILY, 13).into_font().color(&BLACK), (70, 40))
            .map_err(draw_err)?;
        Ok(())
    })
}

/// Counts of test rows by (true-rank bin, predicted-rank bin), `bins` equal
/// bins of the ranks; a perfect ranking fills the diagonal only.
pub fn rank_confusion(truth: &[f64], pred: &[f64], bins: usize) -> Vec<Vec<usize>> {
    let n = truth.len();
    let bins = bins.clamp(1, n.max(1));
    let bin_of = |rank: f64| (((rank - 1.0) * bins as f64 / n as f64) as usize).min(bins - 1);
    let mut m = vec![vec![0; bins]; bins];
    for (t, p) in average_ranks(truth).into_iter().zip(average_ranks(pred)) {
        m[bin_of(t)][bin_of(p)] += 1;
    }
    m
}

/// The rank confusion matrix of the reported run as a heat map (10 bins).
pub fn rank_confusion_png(cell: &CellResult) -> Result<Vec<u8>> {
    let run = cell.evaluation.reported();
    let m = rank_confusion(&cell.y_test, &run.predictions, 10);
    let bins = m.len();
    let peak = m.iter().flatten().copied().max().unwrap_or(1).max(1) as f64;
    render(|root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title(cell), (FAMILY, 16))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(56)
            .build_cartesian_2d(0..bins, 0..bins)
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc("predicted rank bin (low to high)")
            .y_desc("true rank bin (low to high)")
            .label_style((FAMILY, 13))
            .draw()
            .map_err(draw_err)?;
        let cells = (0..bins).flat_map(|t| (0..bins).map(move |p| (t, p)));
        chart
            .draw_series(cells.clone().map(|(t, p)| {
                let shade = m[t][p] as f64 / peak;
                let color = RGBColor(
                    (255.0 * (1.0 - 0.85 * shade)) as u8,
                    (255.0 * (1.0 - 0.6 * shade)) as u8,
                    255,
                );
                Rectangle::new([(p, t), (p + 1, t + 1)], color.filled())
            }))
            .map_err(draw_err)?;
        // Counts sit near the centre of their cell: half a cell right of and
        // below the cell's top-left corner.
        let (pw, ph) = chart.plotting_area().dim_in_pixel();
        let (dx, dy) = (
            pw as i32 / bins as i32 / 2 - 5,
            ph as i32 / bins as i32 / 2 - 7,
        );
        chart
            .draw_series(cells.filter(|&(t, p)| m[t][p] > 0).map(|(t, p)| {
                EmptyElement::at((p, t + 1))
                    + Text::new(m[t][p].to_string(), (dx, dy), (FAMILY, 14).into_font())
            }))
            .map_err(draw_err)?;
        Ok(())
    })
}

/// The two figures of every cell as (file name, PNG bytes), drawn in
/// parallel and returned in cell order; `on_figure_done` is called once per
/// figure from any thread. [`naap_output::figure::load_font`] must have succeeded first.
pub fn all_figures(
    cells: &[CellResult],
    on_figure_done: &(dyn Fn() + Sync),
) -> Result<Vec<(String, Vec<u8>)>> {
    use rayon::prelude::*;
    (0..cells.len() * 2)
        .into_par_iter()
        .map(|i| {
            let cell = &cells[i / 2];
            let stem = format!(
                "{}__{}",
                super::slug(&cell.model),
                super::slug(&cell.feature_set)
            );
            let figure = if i % 2 == 0 {
                (format!("{stem}__scatter.png"), scatter_png(cell)?)
            } else {
                (format!("{stem}__ranks.png"), rank_confusion_png(cell)?)
            };
            on_figure_done();
            Ok(figure)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rank_confusion_of_a_perfect_and_a_reversed_ranking() {
        let truth: Vec<f64> = (0..20).map(f64::from).collect();
        let m = rank_confusion(&truth, &truth, 10);
        for (i, row) in m.iter().enumerate() {
            for (j, &c) in row.iter().enumerate() {
                assert_eq!(c, if i == j { 2 } else { 0 });
            }
        }
        let rev: Vec<f64> = truth.iter().map(|v| -v).collect();
        let m = rank_confusion(&truth, &rev, 10);
        assert_eq!(m[0][9], 2);
        assert_eq!(m[9][0], 2);
        assert_eq!(m.iter().flatten().sum::<usize>(), 20);
    }
}
