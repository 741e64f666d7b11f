//! The published column names, defined once: the reader, the writer, the
//! domain checks and the predictors' feature names all take them from here.

/// 1-based position of the scheme in the scheme list.
pub const MODEL_ID: &str = "ModelId";
/// 1 for a row of the test split, 0 for a train row.
pub const IS_TEST: &str = "IsTest";
pub use naap_profile::column::{
    FIRST_LAYER_WIDTH, LAST_LAYER_WIDTH, NUM_LAYERS, NUM_MACS, NUM_PARAMS, NUM_PARTIAL_RF_LAYERS,
    NUM_SKIP_CONNECTIONS, NUM_STAGES,
};
/// Best test accuracy over the epochs: the prediction target.
pub const MAX_ACCURACY: &str = "MaxAccuracy";
/// Suffix of an epoch's mean batch loss (`e3LossMean`).
pub const LOSS_MEAN: &str = "LossMean";
/// Suffix of an epoch's median batch loss (`e3LossMedian`).
pub const LOSS_MEDIAN: &str = "LossMedian";
/// Suffix of an epoch's test accuracy (`e3Accuracy`).
pub const ACCURACY: &str = "Accuracy";

/// The one rule for the name of an extra column (a joined proxy, a column
/// a dataset adds): ASCII letters, digits, `_`, `.` and `-`, so that the
/// name can be given to `naap fit --features` as it is. `Err` says why not.
pub fn check_extra_name(name: &str) -> Result<(), String> {
    let plain = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-';
    if name.is_empty() {
        return Err("an empty name".into());
    }
    match name.chars().find(|&c| !plain(c)) {
        None => Ok(()),
        Some(c) => Err(format!(
            "'{name}' holds {c:?}; a column name is ASCII letters, digits, '_', '.' and '-'"
        )),
    }
}
