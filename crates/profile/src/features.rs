//! The scheme features: what the profiler computes and the datasets store.

use crate::column;
use serde::{Deserialize, Serialize};

/// The features of a scheme that need no training, as [`crate::profile`]
/// computes them and the NAAP-440 CSVs store them. The two v2 features are
/// `None` only in a row read from a v1 dataset, which lacks their columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

impl SchemeFeatures {
    /// The feature stored under a published column name (`NumParams`, ...),
    /// or `None` for an unknown name or a v2-only feature in a v1 row.
    pub fn value(&self, name: &str) -> Option<f64> {
        let v = match name {
            column::NUM_PARAMS => self.num_params as f64,
            column::NUM_MACS => self.num_macs as f64,
            column::NUM_LAYERS => self.num_layers.into(),
            column::NUM_STAGES => self.num_stages.into(),
            column::FIRST_LAYER_WIDTH => self.first_layer_width.into(),
            column::LAST_LAYER_WIDTH => self.last_layer_width.into(),
            column::NUM_SKIP_CONNECTIONS => self.num_skip_connections?.into(),
            column::NUM_PARTIAL_RF_LAYERS => self.num_partial_rf_layers?.into(),
            _ => return None,
        };
        Some(v)
    }
}
