//! The published column names, defined once: the reader, the writer, the
//! domain checks and the predictors' feature names all take them from here.

/// 1-based position of the scheme in the scheme list.
pub const MODEL_ID: &str = "ModelId";
/// 1 for a row of the test split, 0 for a train row.
pub const IS_TEST: &str = "IsTest";
/// Trainable parameters.
pub const NUM_PARAMS: &str = "NumParams";
/// Multiply–accumulates for one 3x32x32 image.
pub const NUM_MACS: &str = "NumMACs";
/// Conv blocks.
pub const NUM_LAYERS: &str = "NumLayers";
/// Stride-2 blocks.
pub const NUM_STAGES: &str = "NumStages";
/// Width of the first block.
pub const FIRST_LAYER_WIDTH: &str = "FirstLayerWidth";
/// Width of the last block.
pub const LAST_LAYER_WIDTH: &str = "LastLayerWidth";
/// Residual adds (v2 only).
pub const NUM_SKIP_CONNECTIONS: &str = "NumSkipConnections";
/// Stride-2 blocks with kernel 1 (v2 only).
pub const NUM_PARTIAL_RF_LAYERS: &str = "NumPartialRFLayers";
/// Best test accuracy over the epochs: the prediction target.
pub const MAX_ACCURACY: &str = "MaxAccuracy";
/// Suffix of an epoch's mean batch loss (`e3LossMean`).
pub const LOSS_MEAN: &str = "LossMean";
/// Suffix of an epoch's median batch loss (`e3LossMedian`).
pub const LOSS_MEDIAN: &str = "LossMedian";
/// Suffix of an epoch's test accuracy (`e3Accuracy`).
pub const ACCURACY: &str = "Accuracy";
