//! One candidate network: an ordered list of conv layers.

use serde::{Deserialize, Serialize};

/// One Conv–BatchNorm–ReLU block of a scheme, as in `generated_schemes.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layer {
    /// Square convolution kernel size (odd, ≥ 1); padding is `kernel_size / 2`.
    pub kernel_size: u32,
    /// Output channels of the convolution (≥ 1).
    pub width: u32,
    /// Convolution stride (≥ 1).
    pub stride: u32,
    /// Whether the block's input is added to its output after the ReLU.
    pub residual: bool,
}

/// A candidate CNN: its conv blocks in order; the classifier head is implied.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Scheme {
    /// The conv blocks, input side first.
    pub layers: Vec<Layer>,
}
