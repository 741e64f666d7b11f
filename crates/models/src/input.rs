//! Shape and value checks shared by every model, so that each `fit` and
//! `predict` fails with the same clear message instead of panicking on a
//! bad index or silently producing NaN.

use ndarray::{ArrayView1, ArrayView2};

use crate::{Error, Result};

/// Checks training data: at least one row and one column, one target per
/// row, every value finite.
pub(crate) fn check_fit(model: &str, x: ArrayView2<'_, f64>, y: ArrayView1<'_, f64>) -> Result<()> {
    let (rows, cols) = x.dim();
    if rows == 0 || cols == 0 {
        return Err(invalid(
            model,
            format!("training data must be non-empty, got {rows} rows × {cols} features"),
        ));
    }
    if y.len() != rows {
        return Err(invalid(
            model,
            format!("{rows} training rows but {} targets", y.len()),
        ));
    }
    if let Some(((row, col), v)) = x.indexed_iter().find(|(_, v)| !v.is_finite()) {
        return Err(invalid(
            model,
            format!("training feature at row {row}, column {col} is {v}"),
        ));
    }
    if let Some((row, v)) = y.indexed_iter().find(|(_, v)| !v.is_finite()) {
        return Err(invalid(
            model,
            format!("training target at row {row} is {v}"),
        ));
    }
    Ok(())
}

/// Checks query rows: the fitted number of columns and finite values.
pub(crate) fn check_predict(n_features: usize, x: ArrayView2<'_, f64>) -> Result<()> {
    if x.ncols() != n_features {
        return Err(Error::InvalidInput(format!(
            "model was fitted on {n_features} features, got {} in the query",
            x.ncols()
        )));
    }
    if let Some(((row, col), v)) = x.indexed_iter().find(|(_, v)| !v.is_finite()) {
        return Err(Error::InvalidInput(format!(
            "query feature at row {row}, column {col} is {v}"
        )));
    }
    Ok(())
}

/// An input error that names the model.
pub(crate) fn invalid(model: &str, message: String) -> Error {
    Error::InvalidInput(format!("{model}: {message}"))
}
