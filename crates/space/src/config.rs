//! The search-space config: per-layer choices and the global limits, loaded
//! from TOML or JSON, and its validated form.
//!
//! [`SpaceConfig::default`] is the published NAAP-440 space; the same space,
//! commented, ships as [`DEFAULT_CONFIG_TOML`].

use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::hash::Hash;
use std::path::Path;

/// The commented default space config (the published NAAP-440 space), the
/// template `naap space default-config` prints.
pub const DEFAULT_CONFIG_TOML: &str = include_str!("../default-space.toml");

/// The choices for one layer position. Each list is tried in the order written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerChoices {
    /// Kernel sizes to try: non-empty, no repeats, each odd and ≥ 1.
    pub kernel_sizes: Vec<u32>,
    /// Output widths (channels) to try: non-empty, no repeats, each ≥ 1.
    pub widths: Vec<u32>,
    /// Strides to try: non-empty, no repeats, each ≥ 1.
    pub strides: Vec<u32>,
    /// Residual flags to try: non-empty, no repeats. `true` is taken only where
    /// the previous layer has the same width and this layer's stride is 1.
    pub residual: Vec<bool>,
}

/// An unchecked search space, as read from a file. Every field is required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpaceConfig {
    /// Most layers with stride above 1 in one scheme. Default 3; any value.
    pub max_stride2_layers: u32,
    /// Fewest layers of a scheme. Default 3; 1 to `layers.len()`.
    pub min_depth: u32,
    /// Choices per layer position, input side first; non-empty. Its length
    /// is the greatest depth. Default: the four NAAP-440 layers.
    pub layers: Vec<LayerChoices>,
}

/// A checked [`SpaceConfig`]; only [`SpaceConfig::validate`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpaceValidConfig {
    max_stride2_layers: u32,
    min_depth: usize,
    layers: Vec<LayerChoices>,
}

impl Default for SpaceConfig {
    /// The published NAAP-440 space.
    fn default() -> Self {
        let layer = |kernel_sizes: &[u32], widths: &[u32], strides: &[u32], residual: &[bool]| {
            LayerChoices {
                kernel_sizes: kernel_sizes.to_vec(),
                widths: widths.to_vec(),
                strides: strides.to_vec(),
                residual: residual.to_vec(),
            }
        };
        SpaceConfig {
            max_stride2_layers: 3,
            min_depth: 3,
            layers: vec![
                layer(&[3], &[12, 16], &[2], &[false]),
                layer(&[3], &[16, 24], &[2], &[false]),
                layer(&[1, 3], &[16, 24, 32], &[1, 2], &[false, true]),
                layer(&[1, 3], &[32, 40], &[1, 2], &[false, true]),
            ],
        }
    }
}

impl SpaceConfig {
    /// Reads a config file, TOML or JSON by its extension (`.toml`, `.json`),
    /// and validates it. Errors name the file.
    pub fn from_file(path: &Path) -> Result<SpaceValidConfig> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let parse_error = |message: String| Error::Parse {
            path: path.to_path_buf(),
            message,
        };
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let config = match ext.to_ascii_lowercase().as_str() {
            "toml" => SpaceConfig::parse_toml(&text),
            "json" => SpaceConfig::parse_json(&text),
            _ => Err(format!(
                "unknown config format {ext:?}; use a .toml or .json file"
            )),
        }
        .map_err(parse_error)?;
        config.validate().map_err(|e| e.in_file(path))
    }

    /// Reads a config from TOML text (the format of `naap space
    /// default-config`) and validates it; errors name the line and key.
    pub fn from_toml(text: &str) -> Result<SpaceValidConfig> {
        SpaceConfig::parse_toml(text)
            .map_err(|m| Error::Invalid(format!("space config: {m}")))?
            .validate()
    }

    /// Reads a config from JSON text (the same keys as the TOML) and
    /// validates it.
    pub fn from_json(text: &str) -> Result<SpaceValidConfig> {
        SpaceConfig::parse_json(text)
            .map_err(|m| Error::Invalid(format!("space config: {m}")))?
            .validate()
    }

    fn parse_toml(text: &str) -> std::result::Result<SpaceConfig, String> {
        toml::from_str(text).map_err(|e| toml_message(text, &e))
    }

    fn parse_json(text: &str) -> std::result::Result<SpaceConfig, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    /// Checks every documented range; errors name the 1-based layer and field.
    pub fn validate(self) -> Result<SpaceValidConfig> {
        if self.layers.is_empty() {
            return Err(Error::Invalid("layers: need at least one layer".into()));
        }
        let depth = self.layers.len();
        if self.min_depth == 0 || self.min_depth as usize > depth {
            return Err(Error::Invalid(format!(
                "min_depth must be in 1..={depth} (the number of layers), got {}",
                self.min_depth
            )));
        }
        for (i, layer) in self.layers.iter().enumerate() {
            layer
                .check()
                .map_err(|e| Error::Invalid(format!("layer {}: {e}", i + 1)))?;
        }
        Ok(SpaceValidConfig {
            max_stride2_layers: self.max_stride2_layers,
            min_depth: self.min_depth as usize,
            layers: self.layers,
        })
    }
}

impl LayerChoices {
    fn check(&self) -> std::result::Result<(), String> {
        non_empty_unique("kernel_sizes", &self.kernel_sizes)?;
        non_empty_unique("widths", &self.widths)?;
        non_empty_unique("strides", &self.strides)?;
        non_empty_unique("residual", &self.residual)?;
        if let Some(k) = self.kernel_sizes.iter().find(|k| **k == 0 || **k % 2 == 0) {
            return Err(format!(
                "kernel_sizes: each must be odd and at least 1, got {k}"
            ));
        }
        if self.widths.contains(&0) {
            return Err("widths: each must be at least 1, got 0".into());
        }
        if self.strides.contains(&0) {
            return Err("strides: each must be at least 1, got 0".into());
        }
        Ok(())
    }
}

fn non_empty_unique<T: Eq + Hash + std::fmt::Debug>(
    name: &str,
    values: &[T],
) -> std::result::Result<(), String> {
    if values.is_empty() {
        return Err(format!("{name}: need at least one choice"));
    }
    let mut seen = HashSet::new();
    match values.iter().find(|v| !seen.insert(*v)) {
        Some(dup) => Err(format!("{name}: {dup:?} is listed twice")),
        None => Ok(()),
    }
}

/// A one-line TOML error: the parser's message with its line and column
/// (the parser's own Display spans several lines).
fn toml_message(text: &str, err: &toml::de::Error) -> String {
    match err.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            format!(
                "{} at line {line} column {column}",
                err.message().trim_end()
            )
        }
        None => err.message().trim_end().to_string(),
    }
}

impl SpaceValidConfig {
    /// Most layers with stride above 1 in one scheme.
    pub fn max_stride2_layers(&self) -> u32 {
        self.max_stride2_layers
    }

    /// Fewest layers of a scheme (≥ 1).
    pub fn min_depth(&self) -> usize {
        self.min_depth
    }

    /// The greatest number of layers of a scheme.
    pub fn max_depth(&self) -> usize {
        self.layers.len()
    }

    /// The choices per layer position, input side first.
    pub fn layers(&self) -> &[LayerChoices] {
        &self.layers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_toml_is_the_default() {
        let parsed: SpaceConfig = toml::from_str(DEFAULT_CONFIG_TOML).unwrap();
        assert_eq!(parsed, SpaceConfig::default());
    }

    #[test]
    fn toml_and_json_text_read_as_their_files_do() {
        assert_eq!(
            SpaceConfig::from_toml(DEFAULT_CONFIG_TOML).unwrap(),
            SpaceConfig::default().validate().unwrap()
        );
        let json = serde_json::to_string(&SpaceConfig::default()).unwrap();
        assert_eq!(
            SpaceConfig::from_json(&json).unwrap(),
            SpaceConfig::default().validate().unwrap()
        );
        let typo = DEFAULT_CONFIG_TOML.replace("min_depth", "min_dept");
        let err = SpaceConfig::from_toml(&typo).unwrap_err().to_string();
        assert!(err.contains("min_dept"), "{err}");
        assert!(SpaceConfig::from_json("{}").is_err());
    }

    #[test]
    fn loads_toml_and_json_by_extension() {
        let dir = tempfile::tempdir().unwrap();
        let toml_path = dir.path().join("s.toml");
        std::fs::write(&toml_path, DEFAULT_CONFIG_TOML).unwrap();
        let json_path = dir.path().join("s.json");
        std::fs::write(
            &json_path,
            serde_json::to_string(&SpaceConfig::default()).unwrap(),
        )
        .unwrap();
        let a = SpaceConfig::from_file(&toml_path).unwrap();
        let b = SpaceConfig::from_file(&json_path).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.max_depth(), 4);
        let yaml = dir.path().join("s.yaml");
        std::fs::write(&yaml, "").unwrap();
        assert!(SpaceConfig::from_file(&yaml)
            .unwrap_err()
            .to_string()
            .contains("use a .toml or .json file"));
    }

    #[test]
    fn parse_errors_name_file_line_and_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.toml");
        let text = DEFAULT_CONFIG_TOML.replace("min_depth = 3", "min_depht = 3");
        std::fs::write(&path, text).unwrap();
        let msg = SpaceConfig::from_file(&path).unwrap_err().to_string();
        assert!(
            msg.contains("bad.toml: ") && msg.contains("min_depht"),
            "{msg}"
        );
        assert!(msg.contains("at line"), "{msg}");
        assert!(!msg.contains('\n'), "{msg}");
    }

    #[test]
    fn validation_names_layer_and_field() {
        let mut c = SpaceConfig::default();
        c.layers[2].kernel_sizes = vec![1, 4];
        let msg = c.validate().unwrap_err().to_string();
        assert_eq!(
            msg,
            "layer 3: kernel_sizes: each must be odd and at least 1, got 4"
        );

        let mut c = SpaceConfig::default();
        c.layers[0].widths = vec![0];
        assert!(c
            .validate()
            .unwrap_err()
            .to_string()
            .starts_with("layer 1: widths"));

        let mut c = SpaceConfig::default();
        c.layers[1].strides = vec![];
        assert!(c
            .validate()
            .unwrap_err()
            .to_string()
            .contains("at least one choice"));

        let mut c = SpaceConfig::default();
        c.layers[3].widths = vec![32, 32];
        assert!(c
            .validate()
            .unwrap_err()
            .to_string()
            .contains("listed twice"));

        let c = SpaceConfig {
            min_depth: 5,
            ..SpaceConfig::default()
        };
        assert!(c.validate().unwrap_err().to_string().contains("min_depth"));
    }
}
