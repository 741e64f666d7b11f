//! Output files of the baseline: `results.csv`, `table.md`, `table.tex` and
//! the per-cell figures.
//!
//! Every function returns the file's bytes; the caller decides where and how
//! (atomically) to write them, so nothing here touches the file system.

pub mod figures;
mod results_csv;
mod table;

pub use results_csv::{results_csv, round4, RESULTS_HEADER};
pub use table::{table_markdown, table_tex};

use crate::protocol::Evaluation;

/// One (model, feature set) with all its seeds: what every report (tables,
/// results.csv, figures) is drawn from, whether the baseline or the feature
/// search produced it.
#[derive(Debug, Clone, PartialEq)]
pub struct CellResult {
    /// Model display name.
    pub model: String,
    /// Feature-set display name.
    pub feature_set: String,
    /// The paper's acceleration label of the feature set (`100%`, `96.7%`...).
    pub acceleration: String,
    /// The runs and the reported one.
    pub evaluation: Evaluation,
    /// True MaxAccuracy of the test rows.
    pub y_test: Vec<f64>,
    /// `ModelId` of the test rows.
    pub test_model_ids: Vec<u32>,
}

/// A file-name-safe form of a model or feature-set name:
/// `Gradient Boosting (N=25)` → `gradient-boosting-n-25`.
pub fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if c == '.' && out.chars().last().is_some_and(|l| l.is_ascii_digit()) {
            // Keep decimal points (`D=0.5` vs `D=05`) readable and distinct.
            out.push('.');
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches(['-', '.']).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::baseline::{run, BaselineResults};
    use crate::features::FeatureSet;
    use crate::protocol::tests::{dataset, FirstColumn};
    use crate::Regressor;

    fn results() -> BaselineResults {
        let models: [Box<dyn Regressor>; 1] = [Box::new(FirstColumn)];
        let sets = [FeatureSet::scheme(), FeatureSet::scheme_quantitative(3)];
        run(&dataset(), &models, &sets, &[1, 2, 3], &|| {}).unwrap()
    }

    #[test]
    fn csv_has_the_paper_columns_first_and_one_row_per_cell() {
        let r = results();
        let text = String::from_utf8(results_csv(&r.cells).unwrap()).unwrap();
        let mut lines = text.lines();
        assert!(lines.next().unwrap().starts_with(
            "Model,Features,MeanAbsoluteError,NumViolations,MaxViolations,MonotonicityScore,"
        ));
        let rows: Vec<&str> = lines.collect();
        assert_eq!(rows.len(), 2);
        let first: Vec<&str> = rows[0].split(',').collect();
        assert_eq!(first.len(), RESULTS_HEADER.len());
        assert_eq!(first[0], "first column");
        assert_eq!(first[1], "Scheme");
        let s = &r.cells[0].evaluation.reported().scores;
        assert_eq!(first[2], round4(s.mae));
        assert_eq!(first[3], s.violations.to_string());
        assert_eq!(first[4], "6");
    }

    #[test]
    fn tables_have_one_row_per_model_and_acceleration_columns() {
        let r = results();
        let md = table_markdown(&r.cells);
        assert!(md.starts_with("| Model | 100% | 96.7% |"), "{md}");
        let s = &r.cells[1].evaluation.reported().scores;
        let cell = format!("{:.4} / {:.4} / {}", s.mae, s.monotonicity, s.violations);
        assert!(
            md.contains("| first column | ") && md.contains(&cell),
            "{md}"
        );
        let tex = table_tex(&r.cells);
        assert!(tex.contains("Model & 100\\% & 96.7\\% \\\\"), "{tex}");
    }

    #[test]
    fn figures_are_pngs_of_the_set_size() {
        naap_output::figure::load_font(None).expect("a system TrueType font (fonts-dejavu-core)");
        let r = results();
        for png in [
            figures::scatter_png(&r.cells[0]).unwrap(),
            figures::rank_confusion_png(&r.cells[0]).unwrap(),
        ] {
            let decoder = png::Decoder::new(png.as_slice());
            let reader = decoder.read_info().unwrap();
            assert_eq!((reader.info().width, reader.info().height), figures::SIZE);
        }
    }

    #[test]
    fn slugs_are_distinct_and_safe() {
        assert_eq!(slug("Gradient Boosting (N=25)"), "gradient-boosting-n-25");
        assert_eq!(slug("Linear Regression (D=0.5)"), "linear-regression-d-0.5");
        assert_eq!(
            slug("Linear Regression (D=0.25)"),
            "linear-regression-d-0.25"
        );
        assert_eq!(
            slug("Scheme + Quantitative 3 epochs"),
            "scheme-quantitative-3-epochs"
        );
        assert_eq!(slug("1-NN"), "1-nn");
    }
}
