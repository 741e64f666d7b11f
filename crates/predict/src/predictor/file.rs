//! The predictor file: versioned, self-describing JSON.
//!
//! ```text
//! { "format": "naap-predictor", "format_version": 1, "naap_version": "0.1.0",
//!   "checksum": "sha256:<hex of the predictor object as written>",
//!   "predictor": { "model": {"name", "hyper_parameters"}, "feature_set",
//!                  "features": [...], "log_transformed": [...],
//!                  "scaler": {"mean", "scale"}, "fitted": {"<kind>": {...}},
//!                  "training": {"dataset": {"path", "sha256"}, "rows",
//!                               "model_ids", "seed"} } }
//! ```
//! Numbers are written in shortest round-trip form and read back exactly
//! (serde_json's `float_roundtrip`), so a loaded predictor predicts bit for
//! bit what the saved one did. Reading checks, in order: valid JSON, the
//! format name, the format version (a newer one is refused by name), every
//! field (unknown ones too), the checksum (an edited or damaged file), and
//! that the parts fit together (feature count, scaler width, model shape).

use super::{ModelRecord, Predictor, TrainingRecord};
use crate::features::{Feature, FeatureSet};
use crate::models::FittedModel;
use crate::models::StandardScaler;
use crate::{Error, Result};
use sha2::{Digest, Sha256};
use std::path::Path;

const FORMAT: &str = "naap-predictor";
/// The predictor file format this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;
const NAAP_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The content of a predictor, as written under `"predictor"`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Body {
    pub(super) model: ModelRecord,
    pub(super) feature_set: String,
    pub(super) features: Vec<Feature>,
    /// The features the model sees as their natural log; written so that
    /// a reader whose transforms differ refuses the file.
    pub(super) log_transformed: Vec<Feature>,
    pub(super) scaler: StandardScaler,
    pub(super) fitted: FittedModel,
    pub(super) training: TrainingRecord,
}

/// A dataset file, named and fingerprinted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatasetSource {
    /// The path as given.
    pub path: String,
    /// SHA-256 of the file's bytes, lowercase hex.
    pub sha256: String,
}

impl DatasetSource {
    /// Reads and fingerprints a file.
    pub fn of_file(path: &Path) -> Result<DatasetSource> {
        let bytes = std::fs::read(path).map_err(|e| reading(path, e))?;
        Ok(DatasetSource {
            path: path.display().to_string(),
            sha256: sha256_hex(&bytes),
        })
    }
}

/// The first fields, read before the rest so that a file of another format
/// or a newer version is named as such rather than as a missing field.
#[derive(serde::Deserialize)]
struct Header {
    format: Option<String>,
    format_version: Option<u64>,
}

#[derive(serde::Serialize)]
struct FileOut<'a> {
    format: &'static str,
    format_version: u32,
    naap_version: &'static str,
    checksum: String,
    predictor: &'a Body,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileIn {
    #[allow(dead_code)]
    format: String,
    #[allow(dead_code)]
    format_version: u64,
    #[allow(dead_code)]
    naap_version: String,
    checksum: String,
    predictor: Body,
}

impl Predictor {
    /// The predictor file's text.
    pub fn to_json(&self) -> Result<String> {
        let file = FileOut {
            format: FORMAT,
            format_version: FORMAT_VERSION,
            naap_version: NAAP_VERSION,
            checksum: checksum(&self.body)?,
            predictor: &self.body,
        };
        serde_json::to_string(&file)
            .map_err(|e| Error::InvalidInput(format!("writing predictor: {e}")))
    }

    /// Reads a predictor file's text; see the module doc for the checks.
    pub fn from_json(text: &str) -> Result<Predictor> {
        let bad = |m: String| Error::InvalidInput(m);
        let header: Header = serde_json::from_str(text)
            .map_err(|e| bad(format!("not a predictor file: invalid JSON ({e})")))?;
        if header.format.as_deref() != Some(FORMAT) {
            return Err(bad(format!(
                "not a predictor file: \"format\" is {:?}, expected \"{FORMAT}\"",
                header.format.unwrap_or_default()
            )));
        }
        match header.format_version {
            Some(v) if v == u64::from(FORMAT_VERSION) => {}
            Some(v) if v > u64::from(FORMAT_VERSION) => {
                return Err(bad(format!(
                    "predictor file format version {v} is newer than this naap \
                     ({NAAP_VERSION}) reads (version {FORMAT_VERSION})"
                )))
            }
            Some(v) => {
                return Err(bad(format!(
                    "unsupported predictor file format version {v}, expected {FORMAT_VERSION}"
                )))
            }
            None => {
                return Err(bad(format!(
                    "not a predictor file: \"format_version\" is missing, expected {FORMAT_VERSION}"
                )))
            }
        }
        let file: FileIn =
            serde_json::from_str(text).map_err(|e| bad(format!("damaged predictor file: {e}")))?;
        let body = file.predictor;
        if checksum(&body)? != file.checksum {
            return Err(bad(
                "predictor file content does not match its checksum: the file was edited or \
                 damaged"
                    .into(),
            ));
        }
        Predictor::from_body(body)
    }

    /// Checks that the parts of a read body fit together.
    fn from_body(body: Body) -> Result<Predictor> {
        let bad = |m: String| Error::InvalidInput(format!("inconsistent predictor file: {m}"));
        let set = FeatureSet::new(body.feature_set.clone(), body.features.clone())
            .map_err(|e| bad(e.to_string()))?;
        let logs: Vec<Feature> = body
            .features
            .iter()
            .filter(|f| f.is_log())
            .cloned()
            .collect();
        if logs != body.log_transformed {
            return Err(bad(format!(
                "log_transformed lists {:?}, but this naap takes the log of {:?}",
                names(&body.log_transformed),
                names(&logs)
            )));
        }
        let n = body.features.len();
        if body.scaler.mean().len() != n {
            return Err(bad(format!(
                "the scaler has {} columns for {n} features",
                body.scaler.mean().len()
            )));
        }
        body.fitted.check(n).map_err(|e| bad(e.to_string()))?;
        if body.training.rows != body.training.model_ids.len() {
            return Err(bad(format!(
                "training.rows is {} but {} model ids are listed",
                body.training.rows,
                body.training.model_ids.len()
            )));
        }
        Ok(Predictor { body, set })
    }

    /// Writes the predictor file atomically (a temporary file beside
    /// `path`, then a rename), replacing any file there.
    pub fn save(&self, path: &Path) -> Result<()> {
        let text = self.to_json()?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        let tmp = path.with_file_name(format!(".{name}.tmp{}", std::process::id()));
        std::fs::write(&tmp, text)
            .and_then(|_| std::fs::rename(&tmp, path))
            .map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                io_error(path, "writing", e)
            })
    }

    /// The predictor's checksum as its file records it (`sha256:<hex>` of
    /// the predictor object): the identity of a fitted predictor, the same
    /// for every copy of the file.
    pub fn checksum(&self) -> Result<String> {
        checksum(&self.body)
    }

    /// Reads a predictor file; errors name the file.
    pub fn load(path: &Path) -> Result<Predictor> {
        let text = std::fs::read_to_string(path).map_err(|e| reading(path, e))?;
        Predictor::from_json(&text)
            .map_err(|e| Error::InvalidInput(format!("{}: {e}", path.display())))
    }
}

fn checksum(body: &Body) -> Result<String> {
    let bytes = serde_json::to_vec(body)
        .map_err(|e| Error::InvalidInput(format!("writing predictor: {e}")))?;
    Ok(format!("sha256:{}", sha256_hex(&bytes)))
}

/// SHA-256 of `bytes`, lowercase hex: how every naap file records a checksum.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn names(features: &[Feature]) -> Vec<String> {
    features.iter().map(Feature::to_string).collect()
}

/// A file that could not be read, its cause kept (a caller tells a missing
/// file from a bad one by it; the message is the same either way).
fn reading(path: &Path, source: std::io::Error) -> Error {
    Error::Reading {
        path: path.to_path_buf(),
        source,
    }
}

fn io_error(path: &Path, doing: &str, e: std::io::Error) -> Error {
    Error::InvalidInput(format!("{doing} {}: {e}", path.display()))
}
