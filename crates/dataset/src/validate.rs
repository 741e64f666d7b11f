//! The domain of every value in a dataset, checked by every reader.
//!
//! A CSV that parses can still be meaningless: an accuracy of 1.5, a negative
//! loss, a MaxAccuracy that is not the best epoch, a constant target or a
//! single test row. Predictors then report perfect or empty scores with exit
//! 0, so such files are rejected here, naming the line and the column.

use crate::column;
use crate::table::{epoch_column, Dataset, Row};

/// The largest loss accepted. Cross-entropy over 10 classes starts near 2.3;
/// a value beyond this is a diverged run or a corrupted cell, and finite but
/// absurd values (1e308) would dominate every scaler fitted on the column.
pub const MAX_LOSS: f64 = 1e6;

/// The fewest train and test rows a dataset may have: with one test row no
/// ranking can be wrong and with one train row every model is a constant.
pub const MIN_SPLIT_ROWS: usize = 2;

/// Checks one row's values against their domains; the error names the column.
pub(crate) fn check_row(row: &Row) -> Result<(), String> {
    let s = &row.scheme;
    positive(column::NUM_PARAMS, s.num_params)?;
    positive(column::NUM_MACS, s.num_macs)?;
    positive(column::NUM_LAYERS, s.num_layers.into())?;
    positive(column::FIRST_LAYER_WIDTH, s.first_layer_width.into())?;
    positive(column::LAST_LAYER_WIDTH, s.last_layer_width.into())?;
    let at_most_layers = |name: &str, v: u32| {
        if v > s.num_layers {
            Err(format!(
                "column {name}: {v} is more than NumLayers ({})",
                s.num_layers
            ))
        } else {
            Ok(())
        }
    };
    at_most_layers(column::NUM_STAGES, s.num_stages)?;
    if let Some(v) = s.num_skip_connections {
        at_most_layers(column::NUM_SKIP_CONNECTIONS, v)?;
    }
    if let Some(v) = s.num_partial_rf_layers {
        if v > s.num_stages {
            return Err(format!(
                "column NumPartialRFLayers: {v} is more than NumStages ({})",
                s.num_stages
            ));
        }
    }
    accuracy(column::MAX_ACCURACY, row.max_accuracy)?;
    for (i, e) in row.epochs.iter().enumerate() {
        let n = i + 1;
        loss(&epoch_column(n, column::LOSS_MEAN), e.loss_mean)?;
        loss(&epoch_column(n, column::LOSS_MEDIAN), e.loss_median)?;
        accuracy(&epoch_column(n, column::ACCURACY), e.accuracy)?;
    }
    let best = row
        .epochs
        .iter()
        .map(|e| e.accuracy)
        .fold(f64::NEG_INFINITY, f64::max);
    if !row.epochs.is_empty() && row.max_accuracy != best {
        return Err(format!(
            "column MaxAccuracy: {} is not the best epoch accuracy ({best})",
            row.max_accuracy
        ));
    }
    Ok(())
}

/// Checks what only the whole dataset shows: enough train and test rows, and
/// a target that varies. Returns the offending column and message.
pub(crate) fn check_dataset(ds: &Dataset) -> Result<(), String> {
    let test = ds.test_rows().count();
    let train = ds.train_rows().count();
    for (what, n) in [("test", test), ("train", train)] {
        if n < MIN_SPLIT_ROWS {
            return Err(format!(
                "column IsTest: {n} {what} rows, at least {MIN_SPLIT_ROWS} are needed \
                 ({test} test and {train} train rows in all)"
            ));
        }
    }
    for (what, rows) in [
        ("train", ds.train_rows().collect::<Vec<_>>()),
        ("test", ds.test_rows().collect()),
    ] {
        let first = rows[0].max_accuracy;
        if rows.iter().all(|r| r.max_accuracy == first) {
            return Err(format!(
                "column MaxAccuracy: the target is constant ({first}) on all {} {what} rows; \
                 no predictor can be scored on it",
                rows.len()
            ));
        }
    }
    Ok(())
}

fn positive(name: &str, v: u64) -> Result<(), String> {
    if v == 0 {
        return Err(format!("column {name}: expected a positive count, got 0"));
    }
    Ok(())
}

fn accuracy(name: &str, v: f64) -> Result<(), String> {
    if !(0.0..=1.0).contains(&v) {
        return Err(format!(
            "column {name}: expected an accuracy in [0, 1], got {v}"
        ));
    }
    Ok(())
}

fn loss(name: &str, v: f64) -> Result<(), String> {
    if !(0.0..=MAX_LOSS).contains(&v) {
        return Err(format!(
            "column {name}: expected a loss in [0, {MAX_LOSS:e}], got {v}"
        ));
    }
    Ok(())
}
