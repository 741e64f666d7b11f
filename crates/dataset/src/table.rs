//! The NAAP-440 dataset as typed rows (v1 or v2 columns).

use std::path::Path;

/// Which published column set a dataset has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `naap440.csv`: 6 scheme features.
    V1,
    /// `naap440v2.csv`: 8 scheme features (+ NumSkipConnections, NumPartialRFLayers).
    V2,
}

/// Per-architecture features computed from the scheme alone.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SchemeFeatures {
    /// Trainable parameters (`NumParams`).
    pub num_params: u64,
    /// Multiply–accumulates for one 3x32x32 image (`NumMACs`).
    pub num_macs: u64,
    /// Conv blocks (`NumLayers`).
    pub num_layers: u32,
    /// Stride-2 blocks (`NumStages`).
    pub num_stages: u32,
    /// Width of the first block (`FirstLayerWidth`).
    pub first_layer_width: u32,
    /// Width of the last block (`LastLayerWidth`).
    pub last_layer_width: u32,
    /// Residual adds (`NumSkipConnections`); `None` in a v1 dataset.
    pub num_skip_connections: Option<u32>,
    /// Stride-2 blocks with kernel 1 (`NumPartialRFLayers`); `None` in a v1 dataset.
    pub num_partial_rf_layers: Option<u32>,
}

/// One epoch's logged values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EpochRecord {
    /// Mean of the batch losses.
    pub loss_mean: f64,
    /// Median of the batch losses.
    pub loss_median: f64,
    /// Test accuracy in [0, 1].
    pub accuracy: f64,
}

/// One architecture (one CSV row).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// 1-based position of the scheme in the scheme list.
    pub model_id: u32,
    /// Whether the row belongs to the 40-row test split.
    pub is_test: bool,
    /// Features computed from the scheme.
    pub scheme: SchemeFeatures,
    /// Best test accuracy over all epochs (the prediction target).
    pub max_accuracy: f64,
    /// Per-epoch values, epoch 1 first.
    pub epochs: Vec<EpochRecord>,
}

/// A loaded, validated dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// The column set found in the header.
    pub format: Format,
    /// Rows in file order.
    pub rows: Vec<Row>,
}

impl Dataset {
    /// Reads and validates a v1 or v2 CSV (format detected from the header).
    pub fn read(path: &Path) -> crate::Result<Dataset> {
        let _ = path;
        todo!("dataset reader: being written")
    }
}
