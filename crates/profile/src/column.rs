//! The published names of the scheme features the profiler computes, as the
//! NAAP-440 CSVs and `naap space profile` head their columns; naap-dataset's
//! `column` module re-exports them beside the other columns.

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
