//! One candidate network: an ordered list of conv layers, and the rules every
//! scheme must follow whatever space it came from.

use crate::{Error, Result};
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
    ///
    /// Allowed only where the shapes agree: the previous layer has the same
    /// width and this layer has stride 1 (never on the first layer).
    pub residual: bool,
}

/// A candidate CNN: its conv blocks in order; the classifier head is implied.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Scheme {
    /// The conv blocks, input side first.
    pub layers: Vec<Layer>,
}

impl Layer {
    /// Checks the layer's own numbers: kernel odd and ≥ 1, width and stride ≥ 1.
    pub fn validate(&self) -> Result<()> {
        if self.kernel_size == 0 || self.kernel_size % 2 == 0 {
            return Err(Error::Invalid(format!(
                "kernel_size must be odd and at least 1, got {}",
                self.kernel_size
            )));
        }
        if self.width == 0 {
            return Err(Error::Invalid("width must be at least 1, got 0".into()));
        }
        if self.stride == 0 {
            return Err(Error::Invalid("stride must be at least 1, got 0".into()));
        }
        Ok(())
    }

    /// Checks the residual rule against the layer before (`None` for the first).
    pub fn validate_residual(&self, previous: Option<&Layer>) -> Result<()> {
        if !self.residual {
            return Ok(());
        }
        match previous {
            None => Err(Error::Invalid(
                "the first layer cannot be residual (its input is the image)".into(),
            )),
            Some(prev) if prev.width != self.width || self.stride != 1 => {
                Err(Error::Invalid(format!(
                    "residual needs the previous layer's width ({}) and stride 1, \
                     got width {} and stride {}",
                    prev.width, self.width, self.stride
                )))
            }
            Some(_) => Ok(()),
        }
    }
}

impl Scheme {
    /// Checks every layer and the residual rule; errors name the 1-based layer.
    pub fn validate(&self) -> Result<()> {
        if self.layers.is_empty() {
            return Err(Error::Invalid("a scheme needs at least one layer".into()));
        }
        let mut previous = None;
        for (i, layer) in self.layers.iter().enumerate() {
            layer
                .validate()
                .and_then(|()| layer.validate_residual(previous))
                .map_err(|e| Error::Invalid(format!("layer {}: {e}", i + 1)))?;
            previous = Some(layer);
        }
        Ok(())
    }

    /// Number of layers with stride 2 or more (each starts a new stage).
    pub fn num_downsampling_layers(&self) -> usize {
        self.layers.iter().filter(|l| l.stride >= 2).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(kernel_size: u32, width: u32, stride: u32, residual: bool) -> Layer {
        Layer {
            kernel_size,
            width,
            stride,
            residual,
        }
    }

    #[test]
    fn accepts_published_shapes() {
        let s = Scheme {
            layers: vec![
                layer(3, 12, 2, false),
                layer(3, 16, 2, false),
                layer(1, 16, 1, true),
            ],
        };
        s.validate().unwrap();
        assert_eq!(s.num_downsampling_layers(), 2);
    }

    #[test]
    fn rejects_bad_numbers_and_names_the_layer() {
        for (bad, needle) in [
            (layer(0, 8, 1, false), "kernel_size must be odd"),
            (layer(2, 8, 1, false), "got 2"),
            (layer(3, 0, 1, false), "width must be at least 1"),
            (layer(3, 8, 0, false), "stride must be at least 1"),
        ] {
            let s = Scheme {
                layers: vec![layer(3, 8, 1, false), bad],
            };
            let msg = s.validate().unwrap_err().to_string();
            assert!(msg.starts_with("layer 2: "), "{msg}");
            assert!(msg.contains(needle), "{msg}");
        }
    }

    #[test]
    fn residual_needs_same_width_and_stride_one() {
        let across_width = Scheme {
            layers: vec![layer(3, 16, 2, false), layer(3, 24, 1, true)],
        };
        let msg = across_width.validate().unwrap_err().to_string();
        assert!(
            msg.contains("width (16)") && msg.contains("got width 24"),
            "{msg}"
        );
        let across_stride = Scheme {
            layers: vec![layer(3, 16, 1, false), layer(3, 16, 2, true)],
        };
        assert!(across_stride.validate().is_err());
        let first = Scheme {
            layers: vec![layer(3, 16, 1, true)],
        };
        assert!(first.validate().is_err());
        assert!(Scheme { layers: vec![] }.validate().is_err());
    }
}
