//! What the network around a scheme looks like: input image and classes.

use crate::{Error, Result};
use serde::{Deserialize, Serialize};

/// The input and head the counts assume. Defaults are CIFAR-10's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileConfig {
    /// Channels of the input image. Default 3; ≥ 1.
    pub input_channels: u32,
    /// Side of the square input image in pixels. Default 32; ≥ 1.
    pub input_size: u32,
    /// Outputs of the final linear layer. Default 10; ≥ 1.
    pub num_classes: u32,
}

/// A checked [`ProfileConfig`]; only [`ProfileConfig::validate`] makes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProfileValidConfig(ProfileConfig);

impl Default for ProfileConfig {
    fn default() -> Self {
        ProfileConfig {
            input_channels: 3,
            input_size: 32,
            num_classes: 10,
        }
    }
}

impl ProfileConfig {
    /// Checks that every value is at least 1.
    pub fn validate(self) -> Result<ProfileValidConfig> {
        for (name, value) in [
            ("input_channels", self.input_channels),
            ("input_size", self.input_size),
            ("num_classes", self.num_classes),
        ] {
            if value == 0 {
                return Err(Error::InvalidConfig(format!(
                    "{name} must be at least 1, got 0"
                )));
            }
        }
        Ok(ProfileValidConfig(self))
    }
}

impl ProfileValidConfig {
    /// Channels of the input image.
    pub fn input_channels(&self) -> u32 {
        self.0.input_channels
    }

    /// Side of the square input image in pixels.
    pub fn input_size(&self) -> u32 {
        self.0.input_size
    }

    /// Outputs of the final linear layer.
    pub fn num_classes(&self) -> u32 {
        self.0.num_classes
    }
}
