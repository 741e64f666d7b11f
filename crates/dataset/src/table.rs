//! The NAAP-440 dataset as typed rows (v1 or v2 columns).
//!
//! Column names and order follow the published `naap440.csv` (v1) and
//! `naap440v2.csv` (v2); [`Format::columns`] lists them. Reading lives in
//! `read.rs` (which adds [`Dataset::read`]), writing in `write.rs`.

use crate::column;
use crate::TrainingLog;
use naap_profile::SchemeFeatures;
use naap_space::ModelId;

/// Which published column set a dataset has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `naap440.csv`: 6 scheme features.
    V1,
    /// `naap440v2.csv`: 8 scheme features (+ NumSkipConnections, NumPartialRFLayers).
    V2,
}

/// Scheme-feature column names of a v1 dataset, in file order.
const V1_FEATURES: [&str; 6] = [
    column::NUM_PARAMS,
    column::NUM_MACS,
    column::NUM_LAYERS,
    column::NUM_STAGES,
    column::FIRST_LAYER_WIDTH,
    column::LAST_LAYER_WIDTH,
];

/// Scheme-feature column names of a v2 dataset, in file order.
const V2_FEATURES: [&str; 8] = [
    column::NUM_PARAMS,
    column::NUM_MACS,
    column::NUM_LAYERS,
    column::NUM_STAGES,
    column::FIRST_LAYER_WIDTH,
    column::LAST_LAYER_WIDTH,
    column::NUM_SKIP_CONNECTIONS,
    column::NUM_PARTIAL_RF_LAYERS,
];

/// The three per-epoch column suffixes, in file order (`e{i}LossMean`, ...).
pub const EPOCH_SUFFIXES: [&str; 3] = [column::LOSS_MEAN, column::LOSS_MEDIAN, column::ACCURACY];

impl Format {
    /// Scheme-feature column names in file order (6 for v1, 8 for v2).
    pub fn scheme_feature_names(self) -> &'static [&'static str] {
        match self {
            Format::V1 => &V1_FEATURES,
            Format::V2 => &V2_FEATURES,
        }
    }

    /// A scheme's features in this format's column order, as numbers. A
    /// v2-only feature missing from a v1 row reads as NaN; a [`Dataset`]
    /// never holds such a row for its own format.
    pub fn scheme_values(self, features: &SchemeFeatures) -> Vec<f64> {
        self.scheme_feature_names()
            .iter()
            .map(|n| features.value(n).unwrap_or(f64::NAN))
            .collect()
    }

    /// The features a dataset of this format holds: a v1 dataset has no
    /// `NumSkipConnections` and `NumPartialRFLayers`.
    pub fn scheme_features(self, features: SchemeFeatures) -> SchemeFeatures {
        match self {
            Format::V2 => features,
            Format::V1 => SchemeFeatures {
                num_skip_connections: None,
                num_partial_rf_layers: None,
                ..features
            },
        }
    }

    /// The full header for `num_epochs` epochs, in published order.
    pub fn columns(self, num_epochs: usize) -> Vec<String> {
        let mut cols: Vec<String> = vec![column::MODEL_ID.into(), column::IS_TEST.into()];
        cols.extend(self.scheme_feature_names().iter().map(|s| s.to_string()));
        cols.push(column::MAX_ACCURACY.into());
        for e in 1..=num_epochs {
            cols.extend(EPOCH_SUFFIXES.iter().map(|s| epoch_column(e, s)));
        }
        cols
    }

    /// The lowercase name used on the command line (`v1`, `v2`).
    pub fn name(self) -> &'static str {
        match self {
            Format::V1 => "v1",
            Format::V2 => "v2",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s {
            "v1" => Ok(Format::V1),
            "v2" => Ok(Format::V2),
            other => Err(format!(
                "unknown dataset format '{other}', expected v1 or v2"
            )),
        }
    }
}

/// The name of epoch `epoch`'s (1-based) column with `suffix`, e.g. `e3Accuracy`.
pub fn epoch_column(epoch: usize, suffix: &str) -> String {
    format!("e{epoch}{suffix}")
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

/// One architecture as every stage after the dataset sees it: its id, its
/// scheme features, the epochs trained so far (epoch 1 first; empty for a
/// scheme not trained yet) and any extra columns. A predictor reads its
/// features from one, a search keeps one per candidate with the epochs it
/// has paid for, and a dataset [`Row`] is one with its target and split.
#[derive(Debug, Clone, PartialEq)]
pub struct Architecture {
    /// The scheme's id: its 1-based position in the scheme list.
    pub id: ModelId,
    /// Features computed from the scheme.
    pub scheme: SchemeFeatures,
    /// Per-epoch values, epoch 1 first.
    pub epochs: Vec<EpochRecord>,
    /// Extra numeric columns after the epochs (e.g. zero-cost proxies added
    /// by `naap dataset join`), as (column name, value) in file order; every
    /// row of a [`Dataset`] has the same names.
    pub extra: Vec<(String, f64)>,
}

impl Architecture {
    /// A scheme not trained yet, e.g. a new one profiled by
    /// `naap_profile::profile`.
    pub fn new(id: ModelId, scheme: SchemeFeatures) -> Architecture {
        Architecture {
            id,
            scheme,
            epochs: Vec::new(),
            extra: Vec::new(),
        }
    }

    /// The architecture with these trained epochs.
    pub fn with_epochs(self, epochs: Vec<EpochRecord>) -> Architecture {
        Architecture { epochs, ..self }
    }

    /// The architecture with the finished epochs of a training log,
    /// converted exactly as `naap dataset build` converts them, so that a
    /// prediction from a log equals the one from that scheme's CSV row.
    pub fn with_log(self, log: &TrainingLog) -> Architecture {
        self.with_epochs(log.epochs().iter().map(EpochRecord::from).collect())
    }

    /// The value in a column by its published name: a scheme feature, an
    /// extra column, or an epoch column such as `e3Accuracy`.
    pub fn value(&self, name: &str) -> Option<f64> {
        if let Some(v) = self.scheme.value(name) {
            return Some(v);
        }
        if let Some((_, v)) = self.extra.iter().find(|(extra, _)| extra == name) {
            return Some(*v);
        }
        let (epoch, suffix) = split_epoch_column(name)?;
        let rec = self.epochs.get(epoch.checked_sub(1)?)?;
        match suffix {
            column::LOSS_MEAN => Some(rec.loss_mean),
            column::LOSS_MEDIAN => Some(rec.loss_median),
            column::ACCURACY => Some(rec.accuracy),
            _ => None,
        }
    }

    /// Test accuracy after each epoch, epoch 1 first.
    pub fn accuracies(&self) -> Vec<f64> {
        self.epochs.iter().map(|e| e.accuracy).collect()
    }

    /// What is known of this architecture before any training: the same
    /// without its epochs.
    pub fn untrained(&self) -> Architecture {
        Architecture {
            epochs: Vec::new(),
            ..self.clone()
        }
    }
}

impl AsRef<Architecture> for Architecture {
    fn as_ref(&self) -> &Architecture {
        self
    }
}

/// One dataset row: an [`Architecture`] fully trained, with its target and
/// its split. It derefs to the architecture (`row.id`, `row.epochs`).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The architecture and its whole curve.
    pub architecture: Architecture,
    /// Whether the row belongs to the 40-row test split.
    pub is_test: bool,
    /// Best test accuracy over all epochs (the prediction target).
    pub max_accuracy: f64,
}

impl Row {
    /// The value in a column by its published name: `MaxAccuracy` or any
    /// column of its architecture ([`Architecture::value`]).
    pub fn value(&self, name: &str) -> Option<f64> {
        if name == column::MAX_ACCURACY {
            return Some(self.max_accuracy);
        }
        self.architecture.value(name)
    }
}

impl std::ops::Deref for Row {
    type Target = Architecture;
    fn deref(&self) -> &Architecture {
        &self.architecture
    }
}

impl std::ops::DerefMut for Row {
    fn deref_mut(&mut self) -> &mut Architecture {
        &mut self.architecture
    }
}

impl AsRef<Architecture> for Row {
    fn as_ref(&self) -> &Architecture {
        &self.architecture
    }
}

/// Whether `name` has the shape of a per-epoch column (`e3Accuracy`).
pub(crate) fn is_epoch_column(name: &str) -> bool {
    split_epoch_column(name).is_some_and(|(e, suffix)| e > 0 && EPOCH_SUFFIXES.contains(&suffix))
}

/// Splits `e12LossMean` into `(12, "LossMean")`; `None` if not that shape.
pub(crate) fn split_epoch_column(column: &str) -> Option<(usize, &str)> {
    let rest = column.strip_prefix('e')?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let epoch = rest[..digits].parse().ok()?;
    Some((epoch, &rest[digits..]))
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
    /// Epochs per row (every row has the same number).
    pub fn num_epochs(&self) -> usize {
        self.rows.first().map_or(0, |r| r.epochs.len())
    }

    /// The rows of the training split, in file order.
    pub fn train_rows(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter().filter(|r| !r.is_test)
    }

    /// The rows of the test split, in file order.
    pub fn test_rows(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter().filter(|r| r.is_test)
    }

    /// The header of this dataset: the published columns, then the extra ones.
    pub fn columns(&self) -> Vec<String> {
        let mut columns = self.format.columns(self.num_epochs());
        columns.extend(self.extra_columns());
        columns
    }

    /// Names of the extra numeric columns after the epochs, in file order.
    pub fn extra_columns(&self) -> Vec<String> {
        self.rows.first().map_or_else(Vec::new, |r| {
            r.extra.iter().map(|(name, _)| name.clone()).collect()
        })
    }

    /// One column's values over all rows, by published column name.
    ///
    /// Returns `None` for a name that is not a numeric column of this
    /// dataset (`ModelId` and `IsTest` are not numeric features).
    pub fn column(&self, name: &str) -> Option<Vec<f64>> {
        if !self.columns().iter().any(|c| c == name) {
            return None;
        }
        self.rows.iter().map(|r| r.value(name)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_and_v2_headers_have_published_shape() {
        let v1 = Format::V1.columns(2);
        assert_eq!(v1.len(), 2 + 6 + 1 + 6);
        assert_eq!(v1[8], "MaxAccuracy");
        assert_eq!(v1[9], "e1LossMean");
        assert_eq!(v1.last().unwrap(), "e2Accuracy");
        let v2 = Format::V2.columns(1);
        assert_eq!(v2[8], "NumSkipConnections");
        assert_eq!(v2[9], "NumPartialRFLayers");
        assert_eq!(v2[10], "MaxAccuracy");
    }

    #[test]
    fn epoch_column_names_split_back() {
        assert_eq!(split_epoch_column("e12LossMean"), Some((12, "LossMean")));
        assert_eq!(split_epoch_column("e1Accuracy"), Some((1, "Accuracy")));
        assert_eq!(split_epoch_column("eAccuracy"), None);
        assert_eq!(split_epoch_column("MaxAccuracy"), None);
    }

    #[test]
    fn format_parses_its_own_name() {
        for f in [Format::V1, Format::V2] {
            assert_eq!(f.name().parse::<Format>().unwrap(), f);
        }
        assert!("v3".parse::<Format>().is_err());
    }
}
