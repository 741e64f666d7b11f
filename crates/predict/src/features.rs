//! Feature columns and the paper's named feature sets.
//!
//! A [`Feature`] reads one number from a dataset [`Row`]; `NumParams` and
//! `NumMACs` are log-transformed here because they span an order of
//! magnitude and the paper feeds their logarithm to every model. A
//! [`FeatureSet`] is an ordered, named list of features; [`FeatureSet::matrix`]
//! turns rows into the samples × features matrix the regressors take.

use crate::{Error, Result};
use naap_dataset::Row;
use ndarray::Array2;
use std::fmt;

/// One input column built from a dataset row.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Feature {
    /// ln(`NumParams`).
    NumParams,
    /// ln(`NumMACs`).
    NumMacs,
    /// `NumLayers`.
    NumLayers,
    /// `NumStages`.
    NumStages,
    /// `FirstLayerWidth`.
    FirstLayerWidth,
    /// `LastLayerWidth`.
    LastLayerWidth,
    /// `NumSkipConnections` (v2 datasets only).
    NumSkipConnections,
    /// `NumPartialRFLayers` (v2 datasets only).
    NumPartialRfLayers,
    /// `e{n}LossMean`, epoch `n` counted from 1.
    LossMean(u32),
    /// `e{n}LossMedian`, epoch `n` counted from 1.
    LossMedian(u32),
    /// `e{n}Accuracy`, epoch `n` counted from 1.
    Accuracy(u32),
    /// An extra numeric column of the dataset by name (e.g. a zero-cost
    /// proxy added by `naap dataset join`), used as it is.
    Extra(String),
}

impl Feature {
    /// The 6 scheme features of a v1 (`naap440.csv`) dataset, in column order.
    pub const SCHEME_V1: [Feature; 6] = [
        Feature::NumParams,
        Feature::NumMacs,
        Feature::NumLayers,
        Feature::NumStages,
        Feature::FirstLayerWidth,
        Feature::LastLayerWidth,
    ];

    /// The 8 scheme features of a v2 (`naap440v2.csv`) dataset, in column order.
    pub const SCHEME_V2: [Feature; 8] = [
        Feature::NumParams,
        Feature::NumMacs,
        Feature::NumLayers,
        Feature::NumStages,
        Feature::FirstLayerWidth,
        Feature::LastLayerWidth,
        Feature::NumSkipConnections,
        Feature::NumPartialRfLayers,
    ];

    /// The three logged values of epochs 1..=`k`, epoch by epoch
    /// (LossMean, LossMedian, Accuracy), as in the CSV.
    pub fn epochs(k: u32) -> Vec<Feature> {
        (1..=k)
            .flat_map(|e| {
                [
                    Feature::LossMean(e),
                    Feature::LossMedian(e),
                    Feature::Accuracy(e),
                ]
            })
            .collect()
    }

    /// The zero-cost proxy columns, in `naap proxies`' order.
    pub fn zero_cost() -> Vec<Feature> {
        naap_dataset::ZERO_COST_COLUMNS
            .iter()
            .map(|name| Feature::Extra(name.to_string()))
            .collect()
    }

    /// The model input for `row`: the CSV value, or its natural log for
    /// `NumParams` and `NumMACs`.
    pub fn value(&self, row: &Row) -> Result<f64> {
        let s = &row.scheme;
        let missing = |what: &str| {
            Error::InvalidInput(format!(
                "model {}: {what} is not in this dataset (v2 feature)",
                row.model_id
            ))
        };
        Ok(match self {
            // ln of a count >= 1 is finite; a zero count would be a broken
            // dataset, caught by the finiteness check below.
            Feature::NumParams => (s.num_params as f64).ln(),
            Feature::NumMacs => (s.num_macs as f64).ln(),
            Feature::NumLayers => f64::from(s.num_layers),
            Feature::NumStages => f64::from(s.num_stages),
            Feature::FirstLayerWidth => f64::from(s.first_layer_width),
            Feature::LastLayerWidth => f64::from(s.last_layer_width),
            Feature::NumSkipConnections => f64::from(
                s.num_skip_connections
                    .ok_or_else(|| missing("NumSkipConnections"))?,
            ),
            Feature::NumPartialRfLayers => f64::from(
                s.num_partial_rf_layers
                    .ok_or_else(|| missing("NumPartialRFLayers"))?,
            ),
            Feature::LossMean(e) => epoch(row, *e)?.loss_mean,
            Feature::LossMedian(e) => epoch(row, *e)?.loss_median,
            Feature::Accuracy(e) => epoch(row, *e)?.accuracy,
            Feature::Extra(name) => row
                .extra
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| *v)
                .ok_or_else(|| {
                    Error::InvalidInput(format!(
                        "model {}: column {name} is not in this dataset (add it with \
                         `naap dataset join`)",
                        row.model_id
                    ))
                })?,
        })
    }
}

fn epoch(row: &Row, e: u32) -> Result<&naap_dataset::EpochRecord> {
    let idx = (e as usize)
        .checked_sub(1)
        .ok_or_else(|| Error::InvalidInput("epoch numbers start at 1, got 0".to_string()))?;
    row.epochs.get(idx).ok_or_else(|| {
        Error::InvalidInput(format!(
            "model {}: epoch {e} requested but the row has {} epochs",
            row.model_id,
            row.epochs.len()
        ))
    })
}

/// The CSV column name (`NumParams`, `e3Accuracy`, ...); the log transform
/// is implied, not part of the name.
impl fmt::Display for Feature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Feature::NumParams => f.write_str("NumParams"),
            Feature::NumMacs => f.write_str("NumMACs"),
            Feature::NumLayers => f.write_str("NumLayers"),
            Feature::NumStages => f.write_str("NumStages"),
            Feature::FirstLayerWidth => f.write_str("FirstLayerWidth"),
            Feature::LastLayerWidth => f.write_str("LastLayerWidth"),
            Feature::NumSkipConnections => f.write_str("NumSkipConnections"),
            Feature::NumPartialRfLayers => f.write_str("NumPartialRFLayers"),
            Feature::LossMean(e) => write!(f, "e{e}LossMean"),
            Feature::LossMedian(e) => write!(f, "e{e}LossMedian"),
            Feature::Accuracy(e) => write!(f, "e{e}Accuracy"),
            Feature::Extra(name) => f.write_str(name),
        }
    }
}

/// A named, ordered list of features.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureSet {
    name: String,
    features: Vec<Feature>,
    epochs: u32,
}

impl FeatureSet {
    /// A feature set with any name and columns; `epochs` is how many training
    /// epochs its features need (0 for scheme-only sets).
    pub fn new(name: impl Into<String>, features: Vec<Feature>) -> Result<FeatureSet> {
        if features.is_empty() {
            return Err(Error::InvalidInput(
                "a feature set needs at least one feature".into(),
            ));
        }
        let epochs = features
            .iter()
            .map(|f| match f {
                Feature::LossMean(e) | Feature::LossMedian(e) | Feature::Accuracy(e) => *e,
                _ => 0,
            })
            .max()
            .unwrap_or(0);
        Ok(FeatureSet {
            name: name.into(),
            features,
            epochs,
        })
    }

    /// The paper's `Scheme` set: NumParams (log) and NumStages.
    pub fn scheme() -> FeatureSet {
        FeatureSet::new("Scheme", vec![Feature::NumParams, Feature::NumStages]).expect("non-empty")
    }

    /// The paper's `Scheme + Quantitative K epochs`: the 6 v1 scheme features
    /// then e1..eK (LossMean, LossMedian, Accuracy each).
    pub fn scheme_quantitative(k: u32) -> FeatureSet {
        let mut features = Feature::SCHEME_V1.to_vec();
        features.extend(Feature::epochs(k));
        FeatureSet::new(format!("Scheme + Quantitative {k} epochs"), features).expect("non-empty")
    }

    /// `Scheme + ZeroCost`: the paper's Scheme set (ln NumParams, NumStages)
    /// plus the zero-cost proxies of `naap proxies`
    /// ([`naap_dataset::ZERO_COST_COLUMNS`], joined with `naap dataset join`).
    pub fn scheme_zero_cost() -> FeatureSet {
        let mut features = FeatureSet::scheme().features;
        features.extend(Feature::zero_cost());
        FeatureSet::new("Scheme + ZeroCost", features).expect("non-empty")
    }

    /// `Scheme + ZeroCost + Quantitative K epochs`: the 6 v1 scheme
    /// features, the zero-cost proxies, then e1..eK.
    pub fn scheme_zero_cost_quantitative(k: u32) -> FeatureSet {
        let mut features = Feature::SCHEME_V1.to_vec();
        features.extend(Feature::zero_cost());
        features.extend(Feature::epochs(k));
        FeatureSet::new(
            format!("Scheme + ZeroCost + Quantitative {k} epochs"),
            features,
        )
        .expect("non-empty")
    }

    /// The paper's four sets in table order: Scheme, then 3, 6 and 9 epochs.
    pub fn paper_sets() -> Vec<FeatureSet> {
        let mut sets = vec![FeatureSet::scheme()];
        sets.extend([3, 6, 9].map(FeatureSet::scheme_quantitative));
        sets
    }

    /// The set's display name, used in every output.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The columns, in order.
    pub fn features(&self) -> &[Feature] {
        &self.features
    }

    /// How many training epochs the set needs (0 = none, the scheme alone).
    pub fn epochs(&self) -> u32 {
        self.epochs
    }

    /// The training time saved against the full 90-epoch run, as the paper's
    /// acceleration label: `100%`, `96.7%`, `93.3%`, `90.0%`.
    pub fn acceleration_label(&self, total_epochs: u32) -> String {
        if self.epochs == 0 {
            return "100%".to_string();
        }
        let saved = 100.0 * (1.0 - f64::from(self.epochs) / f64::from(total_epochs));
        format!("{saved:.1}%")
    }

    /// Rows to a samples × features matrix (raw, not yet scaled).
    pub fn matrix(&self, rows: &[&Row]) -> Result<Array2<f64>> {
        let mut x = Array2::zeros((rows.len(), self.features.len()));
        for (i, row) in rows.iter().enumerate() {
            for (j, feature) in self.features.iter().enumerate() {
                let v = feature.value(row)?;
                if !v.is_finite() {
                    return Err(Error::InvalidInput(format!(
                        "model {}: feature {feature} is not finite ({v})",
                        row.model_id
                    )));
                }
                x[[i, j]] = v;
            }
        }
        Ok(x)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use naap_dataset::{EpochRecord, SchemeFeatures};

    /// A synthetic row: epochs with accuracy `acc * e / 10`.
    pub(crate) fn row(model_id: u32, is_test: bool, max_accuracy: f64, epochs: u32) -> Row {
        Row {
            model_id,
            is_test,
            scheme: SchemeFeatures {
                num_params: 1000 * u64::from(model_id),
                num_macs: 20_000 * u64::from(model_id),
                num_layers: 3 + model_id % 2,
                num_stages: 2 + model_id % 2,
                first_layer_width: 8,
                last_layer_width: 16 * model_id,
                num_skip_connections: None,
                num_partial_rf_layers: None,
            },
            max_accuracy,
            epochs: (1..=epochs)
                .map(|e| EpochRecord {
                    loss_mean: 2.0 / f64::from(e),
                    loss_median: 1.9 / f64::from(e),
                    accuracy: max_accuracy * f64::from(e) / 10.0,
                })
                .collect(),
            extra: Vec::new(),
        }
    }

    #[test]
    fn paper_sets_have_the_paper_names_and_widths() {
        let sets = FeatureSet::paper_sets();
        let names: Vec<_> = sets.iter().map(|s| s.name()).collect();
        assert_eq!(
            names,
            [
                "Scheme",
                "Scheme + Quantitative 3 epochs",
                "Scheme + Quantitative 6 epochs",
                "Scheme + Quantitative 9 epochs"
            ]
        );
        let widths: Vec<_> = sets.iter().map(|s| s.features().len()).collect();
        assert_eq!(widths, [2, 15, 24, 33]);
        let labels: Vec<_> = sets.iter().map(|s| s.acceleration_label(90)).collect();
        assert_eq!(labels, ["100%", "96.7%", "93.3%", "90.0%"]);
        assert_eq!(sets[1].features()[6].to_string(), "e1LossMean");
        assert_eq!(sets[1].features()[14].to_string(), "e3Accuracy");
    }

    #[test]
    fn matrix_logs_params_and_macs_and_reads_epochs() {
        let r = row(2, false, 0.6, 3);
        let set = FeatureSet::scheme_quantitative(3);
        let x = set.matrix(&[&r]).unwrap();
        assert!((x[[0, 0]] - 2000f64.ln()).abs() < 1e-12);
        assert!((x[[0, 1]] - 40_000f64.ln()).abs() < 1e-12);
        assert_eq!(x[[0, 3]], 2.0);
        // e1Accuracy sits after the 6 scheme columns and e1's two losses.
        assert!((x[[0, 8]] - 0.06).abs() < 1e-12);
        assert!((x[[0, 14]] - 0.18).abs() < 1e-12);
    }

    #[test]
    fn zero_cost_sets_read_the_joined_columns() {
        let mut r = row(2, false, 0.6, 3);
        let names = naap_dataset::ZERO_COST_COLUMNS;
        let set = FeatureSet::scheme_zero_cost_quantitative(1);
        assert_eq!(set.name(), "Scheme + ZeroCost + Quantitative 1 epochs");
        assert_eq!(set.epochs(), 1);
        let err = set.matrix(&[&r]).unwrap_err().to_string();
        assert!(
            err.contains("column LogSynFlow is not in this dataset"),
            "{err}"
        );
        r.extra = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.to_string(), i as f64 + 0.5))
            .collect();
        let x = set.matrix(&[&r]).unwrap();
        assert_eq!(x.ncols(), 6 + 4 + 3);
        assert_eq!(x.row(0).to_vec()[6..10], [0.5, 1.5, 2.5, 3.5]);
        let short = FeatureSet::scheme_zero_cost();
        assert_eq!(short.epochs(), 0);
        assert_eq!(short.features()[2].to_string(), "LogSynFlow");
        assert_eq!(
            short.matrix(&[&r]).unwrap().row(0).to_vec()[2..],
            [0.5, 1.5, 2.5, 3.5]
        );
    }

    #[test]
    fn missing_epoch_and_v2_feature_are_errors() {
        let r = row(1, false, 0.6, 2);
        let err = FeatureSet::scheme_quantitative(3)
            .matrix(&[&r])
            .unwrap_err();
        assert!(err.to_string().contains("epoch 3"), "{err}");
        let v2 = FeatureSet::new("v2", Feature::SCHEME_V2.to_vec()).unwrap();
        let err = v2.matrix(&[&r]).unwrap_err();
        assert!(err.to_string().contains("NumSkipConnections"), "{err}");
    }
}
