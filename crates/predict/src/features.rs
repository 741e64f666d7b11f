//! Feature columns and the paper's named feature sets.
//!
//! A [`Feature`] reads one number from a dataset [`Row`]; `NumParams` and
//! `NumMACs` are log-transformed here because they span an order of
//! magnitude and the paper feeds their logarithm to every model. A
//! [`FeatureSet`] is an ordered, named list of features; [`FeatureSet::matrix`]
//! turns rows into the samples × features matrix the regressors take.

use crate::{Error, Result};
use naap_dataset::{column, epoch_column, Architecture, EpochRecord, Row};
use ndarray::Array2;
use std::fmt;
use std::str::FromStr;

mod spec;

pub use spec::FeatureSetSpec;

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
    /// SoTL from epochs 1..=k: the sum of the training-loss means over the
    /// last [`crate::curve::sotl_window`]`(k)` of them (`SoTL@k`).
    Sotl(u32),
    /// The accuracy at epoch 90 extrapolated from epochs 1..=k by
    /// [`crate::curve::extrapolate`] (`Extrap90@k`).
    Extrapolated(u32),
    /// `e{n+1}Accuracy − e{n}Accuracy` (`dAcc{n}`).
    AccuracyDiff(u32),
    /// `e{n+2}Accuracy − 2·e{n+1}Accuracy + e{n}Accuracy` (`d2Acc{n}`).
    AccuracyDiff2(u32),
    /// Mean or population std over epochs 1..=`epochs` of the accuracy curve
    /// (`order` 0), its first (1) or second (2) differences, e.g. `Std(dAcc)@3`.
    CurveStat {
        /// Epochs seen.
        epochs: u32,
        /// 0: accuracies, 1: first differences, 2: second differences.
        order: u8,
        /// The standard deviation instead of the mean.
        std: bool,
    },
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

    /// The shape of the accuracy curve of epochs 1..=`k`, as LcSVR reads it
    /// besides the accuracies: the first and second differences, then the
    /// mean and std of each of the three series (of those that have values).
    pub fn curve_shape(k: u32) -> Vec<Feature> {
        let mut features: Vec<Feature> = (1..k).map(Feature::AccuracyDiff).collect();
        features.extend((1..k.saturating_sub(1)).map(Feature::AccuracyDiff2));
        for order in 0..3u8 {
            if u32::from(order) < k {
                for std in [false, true] {
                    features.push(Feature::CurveStat {
                        epochs: k,
                        order,
                        std,
                    });
                }
            }
        }
        features
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
        self.value_of(row, || format!("model {}", row.id))
    }

    /// The model input of an architecture (a dataset row derefs to one);
    /// `who()` names it in errors.
    pub fn value_of(&self, source: &Architecture, who: impl Fn() -> String) -> Result<f64> {
        let s = &source.scheme;
        let missing = |what: &str| {
            Error::InvalidInput(format!(
                "{}: {what} is not known (a v2 feature; a v1 dataset lacks it)",
                who()
            ))
        };
        Ok(match self {
            // ln of a count >= 1 is finite; a zero count would be a broken
            // dataset, caught by the finiteness check of `matrix`.
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
            Feature::LossMean(e) => epoch(&source.epochs, &who, *e)?.loss_mean,
            Feature::LossMedian(e) => epoch(&source.epochs, &who, *e)?.loss_median,
            Feature::Accuracy(e) => epoch(&source.epochs, &who, *e)?.accuracy,
            Feature::Sotl(_)
            | Feature::Extrapolated(_)
            | Feature::AccuracyDiff(_)
            | Feature::AccuracyDiff2(_)
            | Feature::CurveStat { .. } => {
                // Every curve feature reads the first `epoch()` epochs only.
                let k = self.epoch();
                epoch(&source.epochs, &who, k)?;
                self.curve_value(&source.epochs[..k as usize])
            }
            Feature::Extra(name) => source
                .extra
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| *v)
                .ok_or_else(|| {
                    Error::InvalidInput(format!(
                        "{}: column {name} is not in this dataset (add it with \
                         `naap dataset join`)",
                        who()
                    ))
                })?,
        })
    }

    /// The column in its raw unit (the CSV's: a count, not its log), as a
    /// caller outside the protocol supplies it; [`Feature::model_input`]
    /// turns it into what [`Feature::value_of`] gives.
    pub fn raw_value_of(&self, source: &Architecture, who: impl Fn() -> String) -> Result<f64> {
        Ok(match self {
            Feature::NumParams => source.scheme.num_params as f64,
            Feature::NumMacs => source.scheme.num_macs as f64,
            _ => self.value_of(source, who)?,
        })
    }

    /// The model input for a raw value of this column: its natural log for
    /// `NumParams` and `NumMACs` (which must then be > 0), else the value.
    pub fn model_input(&self, raw: f64) -> Result<f64> {
        if !self.is_log() {
            return Ok(raw);
        }
        if raw.is_nan() || raw <= 0.0 {
            return Err(Error::InvalidInput(format!(
                "{self} must be a positive count (the raw CSV value, not its log), got {raw}"
            )));
        }
        Ok(raw.ln())
    }

    /// Whether the model sees the natural log of the column, not the column.
    pub fn is_log(&self) -> bool {
        matches!(self, Feature::NumParams | Feature::NumMacs)
    }

    /// The training epoch the feature needs (0 for a scheme or extra column).
    pub fn epoch(&self) -> u32 {
        match self {
            Feature::LossMean(e)
            | Feature::LossMedian(e)
            | Feature::Accuracy(e)
            | Feature::Sotl(e)
            | Feature::Extrapolated(e) => *e,
            Feature::AccuracyDiff(n) => n + 1,
            Feature::AccuracyDiff2(n) => n + 2,
            Feature::CurveStat { epochs, .. } => *epochs,
            _ => 0,
        }
    }

    /// A curve feature's value from exactly the epochs it needs.
    fn curve_value(&self, epochs: &[EpochRecord]) -> f64 {
        let acc: Vec<f64> = epochs.iter().map(|e| e.accuracy).collect();
        let k = epochs.len();
        match self {
            Feature::Sotl(_) => {
                let losses: Vec<f64> = epochs.iter().map(|e| e.loss_mean).collect();
                crate::curve::sotl(&losses, k, crate::curve::sotl_window(k as u32) as usize)
            }
            Feature::Extrapolated(_) => crate::curve::extrapolate(&acc, k),
            Feature::AccuracyDiff(_) => acc[k - 1] - acc[k - 2],
            Feature::AccuracyDiff2(_) => acc[k - 1] - 2.0 * acc[k - 2] + acc[k - 3],
            Feature::CurveStat { order, std, .. } => {
                let mut series = acc;
                for _ in 0..*order {
                    series = crate::curve::diffs(&series);
                }
                let (mean, sd) = crate::curve::mean_std(&series);
                if *std {
                    sd
                } else {
                    mean
                }
            }
            _ => unreachable!("only curve features have a curve value"),
        }
    }
}

fn epoch<'a>(
    epochs: &'a [EpochRecord],
    who: &impl Fn() -> String,
    e: u32,
) -> Result<&'a EpochRecord> {
    let idx = (e as usize)
        .checked_sub(1)
        .ok_or_else(|| Error::InvalidInput("epoch numbers start at 1, got 0".to_string()))?;
    epochs.get(idx).ok_or_else(|| {
        Error::InvalidInput(format!(
            "{}: epoch {e} needed, but only {} epochs are known",
            who(),
            epochs.len()
        ))
    })
}

/// The CSV column name (`NumParams`, `e3Accuracy`, ...), as the dataset
/// crate defines it; the log transform is implied, not part of the name.
impl fmt::Display for Feature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Feature::NumParams => f.write_str(column::NUM_PARAMS),
            Feature::NumMacs => f.write_str(column::NUM_MACS),
            Feature::NumLayers => f.write_str(column::NUM_LAYERS),
            Feature::NumStages => f.write_str(column::NUM_STAGES),
            Feature::FirstLayerWidth => f.write_str(column::FIRST_LAYER_WIDTH),
            Feature::LastLayerWidth => f.write_str(column::LAST_LAYER_WIDTH),
            Feature::NumSkipConnections => f.write_str(column::NUM_SKIP_CONNECTIONS),
            Feature::NumPartialRfLayers => f.write_str(column::NUM_PARTIAL_RF_LAYERS),
            Feature::LossMean(e) => f.write_str(&epoch_column(*e as usize, column::LOSS_MEAN)),
            Feature::LossMedian(e) => f.write_str(&epoch_column(*e as usize, column::LOSS_MEDIAN)),
            Feature::Accuracy(e) => f.write_str(&epoch_column(*e as usize, column::ACCURACY)),
            Feature::Sotl(k) => write!(f, "SoTL@{k}"),
            Feature::Extrapolated(k) => write!(f, "Extrap90@{k}"),
            Feature::AccuracyDiff(n) => write!(f, "dAcc{n}"),
            Feature::AccuracyDiff2(n) => write!(f, "d2Acc{n}"),
            Feature::CurveStat { epochs, order, std } => {
                let stat = if *std { "Std" } else { "Mean" };
                let series = ["Acc", "dAcc", "d2Acc"][usize::from(*order).min(2)];
                write!(f, "{stat}({series})@{epochs}")
            }
            Feature::Extra(name) => f.write_str(name),
        }
    }
}

/// A curve feature's name (`SoTL@3`, `Extrap90@9`, `dAcc2`, `d2Acc1`,
/// `Std(dAcc)@3`) as [`Feature`], `None` for any other name.
fn parse_curve_feature(name: &str) -> Result<Option<Feature>> {
    let number = |digits: &str| -> Result<u32> {
        match digits.parse::<u32>() {
            Ok(n) if n >= 1 && !digits.starts_with('0') => Ok(n),
            _ => Err(Error::InvalidInput(format!(
                "bad curve feature '{name}': epochs count from 1, without leading zeros"
            ))),
        }
    };
    if let Some(k) = name.strip_prefix("SoTL@") {
        return Ok(Some(Feature::Sotl(number(k)?)));
    }
    if let Some(k) = name.strip_prefix("Extrap90@") {
        return Ok(Some(Feature::Extrapolated(number(k)?)));
    }
    if let Some(n) = name.strip_prefix("d2Acc") {
        return Ok(Some(Feature::AccuracyDiff2(number(n)?)));
    }
    if let Some(n) = name.strip_prefix("dAcc") {
        return Ok(Some(Feature::AccuracyDiff(number(n)?)));
    }
    for (stat, std) in [("Mean(", false), ("Std(", true)] {
        if let Some(rest) = name.strip_prefix(stat) {
            for (order, series) in ["Acc)@", "dAcc)@", "d2Acc)@"].into_iter().enumerate() {
                if let Some(k) = rest.strip_prefix(series) {
                    return Ok(Some(Feature::CurveStat {
                        epochs: number(k)?,
                        order: order as u8,
                        std,
                    }));
                }
            }
        }
    }
    Ok(None)
}

/// Parses a column name as [`fmt::Display`] writes it: a scheme column, an
/// epoch column (`e{N}LossMean`, `e{N}LossMedian`, `e{N}Accuracy`, N ≥ 1
/// without leading zeros), or else an extra column of that name.
impl FromStr for Feature {
    type Err = Error;

    fn from_str(name: &str) -> Result<Feature> {
        if let Some(f) = Feature::SCHEME_V2
            .into_iter()
            .find(|f| f.to_string() == name)
        {
            return Ok(f);
        }
        if let Some(f) = parse_curve_feature(name)? {
            return Ok(f);
        }
        let epoch_column = name.strip_prefix('e').and_then(|rest| {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            let (number, suffix) = rest.split_at(digits);
            let make: fn(u32) -> Feature = match suffix {
                column::LOSS_MEAN => Feature::LossMean,
                column::LOSS_MEDIAN => Feature::LossMedian,
                column::ACCURACY => Feature::Accuracy,
                _ => return None,
            };
            (digits > 0).then_some((number, make))
        });
        if let Some((number, make)) = epoch_column {
            return match number.parse::<u32>() {
                Ok(e) if e >= 1 && !number.starts_with('0') => Ok(make(e)),
                _ => Err(Error::InvalidInput(format!(
                    "bad epoch column '{name}': epochs count from 1, without leading zeros"
                ))),
            };
        }
        use naap_dataset::column::{IS_TEST, MAX_ACCURACY, MODEL_ID};
        let not_a_feature = match name {
            MAX_ACCURACY => Some("the target the predictor learns"),
            MODEL_ID => Some("the scheme's id (its position in the scheme list)"),
            IS_TEST => Some("the mark of the test split"),
            _ => None,
        };
        if let Some(what) = not_a_feature {
            return Err(Error::InvalidInput(format!(
                "{name} is {what}, so it cannot be a feature; name scheme, epoch or extra columns"
            )));
        }
        if naap_dataset::column::check_extra_name(name).is_err() {
            return Err(Error::InvalidInput(format!(
                "bad feature name '{name}', expected a column name such as NumParams, \
                 e3Accuracy or an extra column's name"
            )));
        }
        Ok(Feature::Extra(name.to_owned()))
    }
}

impl serde::Serialize for Feature {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Feature {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Feature, D::Error> {
        let name = String::deserialize(d)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

/// The most epochs a feature set may read (`K` of `Scheme + Quantitative K
/// epochs`): far above any training recipe (the paper's is 90), low enough
/// that the set's columns are built at once. Checked when a set is named,
/// before anything is allocated; the dataset then says whether it has them.
pub const MAX_EPOCHS: u32 = 10_000;

/// The feature-set names [`FeatureSet::named`] accepts, for help texts.
pub const FEATURE_SET_NAMES: &str = "'Scheme' (NumParams, NumStages: the NAAP-440 paper's), \
'Scheme + Quantitative K epochs' or 'Scheme+Quant.K' (the 6 v1 scheme features, then e1..eK), \
'Scheme6', 'Scheme6+Quant.K', 'Scheme8', 'Scheme8+Quant.K' (all 6 v1 or 8 v2 scheme features, \
then e1..eK: the sets of `naap select-features`), the same with more columns to search over, \
'Scheme8+ZeroCost', 'Scheme8+ZeroCost+Quant.K', 'Scheme8+Quant.K+Curve', \
'Scheme8+ZeroCost+Quant.K+Curve' (and Scheme6...: the zero-cost proxies after the scheme \
features; the curve shape, SoTL@K and Extrap90@K after e1..eK), 'Scheme + ZeroCost' and \
'Scheme + ZeroCost + Quantitative K epochs' (with the zero-cost proxy columns), \
'Scheme + Curve K epochs' (LcSVR's curve features), 'SoTL K epochs' and \
'Curve extrapolation K epochs'";

/// What a set of the feature search holds besides every scheme feature
/// (see [`FeatureSet::search`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SearchColumns {
    /// The zero-cost proxy columns ([`Feature::zero_cost`]).
    pub zero_cost: bool,
    /// e1..eK (LossMean, LossMedian, Accuracy each); 0 for none.
    pub epochs: u32,
    /// The curve features of those epochs: [`Feature::curve_shape`],
    /// [`Feature::Sotl`] and [`Feature::Extrapolated`]; needs epochs ≥ 1.
    pub curve: bool,
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
        let epochs = features.iter().map(Feature::epoch).max().unwrap_or(0);
        Ok(FeatureSet {
            name: name.into(),
            features,
            epochs,
        })
    }

    /// The paper's `Scheme` set: NumParams (log) and NumStages.
    pub fn scheme() -> FeatureSet {
        FeatureSet::new(
            FeatureSetSpec::Scheme.to_string(),
            vec![Feature::NumParams, Feature::NumStages],
        )
        .expect("non-empty")
    }

    /// The paper's `Scheme + Quantitative K epochs`: the 6 v1 scheme features
    /// then e1..eK (LossMean, LossMedian, Accuracy each).
    pub fn scheme_quantitative(k: u32) -> FeatureSet {
        let mut features = Feature::SCHEME_V1.to_vec();
        features.extend(Feature::epochs(k));
        FeatureSet::new(
            FeatureSetSpec::SchemeQuantitative { epochs: k }.to_string(),
            features,
        )
        .expect("non-empty")
    }

    /// `Scheme + ZeroCost`: the paper's Scheme set (ln NumParams, NumStages)
    /// plus the zero-cost proxies of `naap proxies`
    /// ([`naap_dataset::ZERO_COST_COLUMNS`], joined with `naap dataset join`).
    pub fn scheme_zero_cost() -> FeatureSet {
        let mut features = FeatureSet::scheme().features;
        features.extend(Feature::zero_cost());
        FeatureSet::new(FeatureSetSpec::SchemeZeroCost.to_string(), features).expect("non-empty")
    }

    /// `Scheme + ZeroCost + Quantitative K epochs`: the 6 v1 scheme
    /// features, the zero-cost proxies, then e1..eK.
    pub fn scheme_zero_cost_quantitative(k: u32) -> FeatureSet {
        let mut features = Feature::SCHEME_V1.to_vec();
        features.extend(Feature::zero_cost());
        features.extend(Feature::epochs(k));
        FeatureSet::new(
            FeatureSetSpec::SchemeZeroCostQuantitative { epochs: k }.to_string(),
            features,
        )
        .expect("non-empty")
    }

    /// `Scheme + Curve K epochs`, LcSVR's input (Baker et al. 2017): the 6 v1
    /// scheme features, the accuracies of epochs 1..=K, their first and
    /// second differences, and the mean and std of each of the three series
    /// (of those that have values).
    pub fn scheme_curve(k: u32) -> FeatureSet {
        let mut features = Feature::SCHEME_V1.to_vec();
        features.extend((1..=k).map(Feature::Accuracy));
        features.extend(Feature::curve_shape(k));
        FeatureSet::new(
            FeatureSetSpec::SchemeCurve { epochs: k }.to_string(),
            features,
        )
        .expect("non-empty")
    }

    /// `SoTL K epochs`: the one column [`Feature::Sotl`]; a linear fit on it
    /// only calibrates its scale, its ranking is SoTL's own.
    pub fn sotl(k: u32) -> FeatureSet {
        FeatureSet::new(
            FeatureSetSpec::Sotl { epochs: k }.to_string(),
            vec![Feature::Sotl(k)],
        )
        .expect("non-empty")
    }

    /// `Curve extrapolation K epochs`: the one column [`Feature::Extrapolated`].
    pub fn extrapolated(k: u32) -> FeatureSet {
        FeatureSet::new(
            FeatureSetSpec::CurveExtrapolation { epochs: k }.to_string(),
            vec![Feature::Extrapolated(k)],
        )
        .expect("non-empty")
    }

    /// The paper's four sets in table order: Scheme, then 3, 6 and 9 epochs.
    pub fn paper_sets() -> Vec<FeatureSet> {
        let mut sets = vec![FeatureSet::scheme()];
        sets.extend([3, 6, 9].map(FeatureSet::scheme_quantitative));
        sets
    }

    /// Every scheme feature of a dataset format (6 in v1, 8 in v2) then
    /// e1..eK: the sets of the NAAP-440e feature search, named `Scheme6`
    /// and `Scheme6+Quant.K`, or `Scheme8` and `Scheme8+Quant.K`, so that
    /// no name is shared with the paper's 2-feature `Scheme`.
    pub fn all_scheme(format: naap_dataset::Format, k: u32) -> FeatureSet {
        FeatureSet::search(
            format,
            SearchColumns {
                epochs: k,
                ..SearchColumns::default()
            },
        )
        .expect("a set without curve features is always valid")
    }

    /// A set of the feature search with more columns to search over (see
    /// [`SearchColumns`]): every scheme feature of the format, then the
    /// zero-cost proxies, then e1..eK, then the curve features of K epochs;
    /// named `Scheme8+ZeroCost+Quant.K+Curve` with the parts left out that
    /// are not asked for (`Scheme6...` in v1). Without the zero-cost and
    /// curve parts it is [`FeatureSet::all_scheme`], name included.
    pub fn search(format: naap_dataset::Format, columns: SearchColumns) -> Result<FeatureSet> {
        let SearchColumns {
            zero_cost,
            epochs: k,
            curve,
        } = columns;
        if curve && k == 0 {
            return Err(Error::InvalidInput(
                "curve features need epochs: +Curve follows +Quant.K, K >= 1".into(),
            ));
        }
        let mut features = match format {
            naap_dataset::Format::V2 => Feature::SCHEME_V2.to_vec(),
            naap_dataset::Format::V1 => Feature::SCHEME_V1.to_vec(),
        };
        if zero_cost {
            features.extend(Feature::zero_cost());
        }
        if k > 0 {
            features.extend(Feature::epochs(k));
        }
        if curve {
            features.extend(Feature::curve_shape(k));
            features.extend([Feature::Sotl(k), Feature::Extrapolated(k)]);
        }
        FeatureSet::new(
            FeatureSetSpec::Search { format, columns }.to_string(),
            features,
        )
    }

    /// The set of a name as `naap baseline` and `naap select-features`
    /// print it (see [`FEATURE_SET_NAMES`]). One name is one list of
    /// columns whatever the dataset; `Scheme+Quant.K`, the NAAP-440e
    /// paper's spelling, is accepted for `Scheme + Quantitative K epochs`.
    pub fn named(name: &str) -> Result<FeatureSet> {
        name.parse::<FeatureSetSpec>()?.build()
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
        self.matrix_of(rows, |i| format!("model {}", rows[i].id))
    }

    /// Architectures to a samples × features matrix in raw units (counts,
    /// not their logs; [`Feature::raw_value_of`]): what a caller outside the
    /// protocol hands to [`crate::predictor::Predictor::predict_raw`].
    pub fn raw_matrix_of<S: AsRef<Architecture>>(
        &self,
        sources: &[S],
        who: impl Fn(usize) -> String,
    ) -> Result<Array2<f64>> {
        let mut x = Array2::zeros((sources.len(), self.features.len()));
        for (i, source) in sources.iter().enumerate() {
            for (j, feature) in self.features.iter().enumerate() {
                x[[i, j]] = feature.raw_value_of(source.as_ref(), || who(i))?;
            }
        }
        Ok(x)
    }

    /// [`FeatureSet::matrix`] for any architectures (rows or not); `who(i)`
    /// names architecture `i` in errors.
    pub fn matrix_of<S: AsRef<Architecture>>(
        &self,
        sources: &[S],
        who: impl Fn(usize) -> String,
    ) -> Result<Array2<f64>> {
        let mut x = Array2::zeros((sources.len(), self.features.len()));
        for (i, source) in sources.iter().enumerate() {
            for (j, feature) in self.features.iter().enumerate() {
                let v = feature.value_of(source.as_ref(), || who(i))?;
                if !v.is_finite() {
                    return Err(Error::InvalidInput(format!(
                        "{}: feature {feature} is not finite ({v})",
                        who(i)
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
    use naap_dataset::{Architecture, EpochRecord, SchemeFeatures};

    /// A synthetic row: epochs with accuracy `acc * e / 10`.
    pub(crate) fn row(model_id: u32, is_test: bool, max_accuracy: f64, epochs: u32) -> Row {
        Row {
            is_test,
            max_accuracy,
            architecture: Architecture {
                id: naap_space::ModelId::new(model_id).unwrap(),
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
                epochs: (1..=epochs)
                    .map(|e| EpochRecord {
                        loss_mean: 2.0 / f64::from(e),
                        loss_median: 1.9 / f64::from(e),
                        accuracy: max_accuracy * f64::from(e) / 10.0,
                    })
                    .collect(),
                extra: Vec::new(),
            },
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
    fn curve_sets_compute_from_the_raw_row() {
        let r = row(2, false, 0.6, 4);
        let set = FeatureSet::scheme_curve(3);
        let names: Vec<String> = set.features()[6..]
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            names,
            [
                "e1Accuracy",
                "e2Accuracy",
                "e3Accuracy",
                "dAcc1",
                "dAcc2",
                "d2Acc1",
                "Mean(Acc)@3",
                "Std(Acc)@3",
                "Mean(dAcc)@3",
                "Std(dAcc)@3",
                "Mean(d2Acc)@3",
                "Std(d2Acc)@3"
            ]
        );
        assert_eq!(set.epochs(), 3);
        let x = set.matrix(&[&r]).unwrap();
        // Accuracies 0.06, 0.12, 0.18: differences 0.06, second difference 0.
        let v = x.row(0).to_vec();
        assert!((v[9] - 0.06).abs() < 1e-12 && (v[10] - 0.06).abs() < 1e-12);
        assert!(v[11].abs() < 1e-12);
        assert!((v[12] - 0.12).abs() < 1e-12);
        assert!((v[13] - (0.0024f64).sqrt()).abs() < 1e-12);
        assert_eq!(FeatureSet::scheme_curve(1).features().len(), 6 + 1 + 2);
        // SoTL over the last cycle: losses 2/e for e = 2..=4.
        let sotl = FeatureSet::sotl(4).matrix(&[&r]).unwrap()[[0, 0]];
        assert!((sotl - (1.0 + 2.0 / 3.0 + 0.5)).abs() < 1e-12);
        assert_eq!(FeatureSet::sotl(4).epochs(), 4);
        assert_eq!(
            FeatureSet::extrapolated(2).matrix(&[&r]).unwrap()[[0, 0]],
            0.12
        );
        for set in [
            FeatureSet::scheme_curve(3),
            FeatureSet::sotl(2),
            FeatureSet::extrapolated(9),
        ] {
            assert_eq!(FeatureSet::named(set.name()).unwrap(), set);
        }
        // Every curve feature's name parses back to it.
        let mut all = FeatureSet::scheme_curve(4).features().to_vec();
        all.extend([Feature::Sotl(9), Feature::Extrapolated(12)]);
        for f in all {
            assert_eq!(f.to_string().parse::<Feature>().unwrap(), f);
        }
        assert!("dAcc0".parse::<Feature>().is_err());
        assert!("SoTL@x".parse::<Feature>().is_err());
        let err = FeatureSet::scheme_curve(5).matrix(&[&r]).unwrap_err();
        assert!(err.to_string().contains("epoch 5"), "{err}");
    }

    #[test]
    fn search_sets_add_zero_cost_and_curve_columns_after_the_old_ones() {
        use naap_dataset::Format;
        let cols = |name: &str| -> Vec<String> {
            let set = FeatureSet::named(name).unwrap();
            assert_eq!(set.name(), name);
            set.features().iter().map(ToString::to_string).collect()
        };
        let full = cols("Scheme8+ZeroCost+Quant.3+Curve");
        let scheme_quant = cols("Scheme8+Quant.3");
        // Scheme, zero-cost, e1..e3, curve shape, SoTL, extrapolation.
        assert_eq!(full.len(), 8 + 4 + 9 + 9 + 2);
        assert_eq!(full[..8], scheme_quant[..8]);
        assert_eq!(full[8..12], naap_dataset::ZERO_COST_COLUMNS);
        assert_eq!(full[12..21], scheme_quant[8..]);
        assert_eq!(
            full[21..],
            cols("Scheme + Curve 3 epochs")[9..]
                .iter()
                .cloned()
                .chain(["SoTL@3".to_string(), "Extrap90@3".to_string()])
                .collect::<Vec<_>>()[..]
        );
        assert_eq!(cols("Scheme8+ZeroCost")[..], full[..12]);
        assert_eq!(cols("Scheme8+ZeroCost+Quant.3")[..], full[..21]);
        let curve = cols("Scheme8+Quant.3+Curve");
        assert_eq!(curve[..17], scheme_quant[..]);
        assert_eq!(curve[17..], full[21..]);
        assert_eq!(cols("Scheme6+ZeroCost+Quant.1+Curve").len(), 6 + 4 + 3 + 4);
        // The largest set the search can take: 62 of 64 features.
        assert_eq!(cols("Scheme8+ZeroCost+Quant.9+Curve").len(), 62);
        // The old names are the old sets.
        assert_eq!(
            FeatureSet::search(
                Format::V2,
                SearchColumns {
                    epochs: 6,
                    ..Default::default()
                }
            )
            .unwrap(),
            FeatureSet::all_scheme(Format::V2, 6)
        );
        assert_eq!(
            FeatureSet::named("Scheme8+Quant.6").unwrap().name(),
            "Scheme8+Quant.6"
        );
        for bad in [
            "Scheme8+Curve",
            "Scheme8+ZeroCost+Curve",
            "Scheme8+Quant.3+ZeroCost",
            "Scheme8+Quant.0+Curve",
            "Scheme8+Quant.3+Curve+Curve",
            "Scheme8+ZeroCost+ZeroCost",
            "Scheme8+Quant.3+curve",
        ] {
            let e = FeatureSet::named(bad).unwrap_err().to_string();
            assert!(
                e.contains("unknown feature set") || e.contains("+Curve"),
                "{bad}: {e}"
            );
        }
        // Values: the extra columns read from the row as their own sets do.
        let mut r = row(3, false, 0.7, 3);
        r.scheme.num_skip_connections = Some(1);
        r.scheme.num_partial_rf_layers = Some(2);
        r.extra = naap_dataset::ZERO_COST_COLUMNS
            .iter()
            .enumerate()
            .map(|(i, n)| (n.to_string(), 10.0 + i as f64))
            .collect();
        let x = FeatureSet::named("Scheme8+ZeroCost+Quant.3+Curve")
            .unwrap()
            .matrix(&[&r])
            .unwrap();
        let v = x.row(0).to_vec();
        assert_eq!(v[8..12], [10.0, 11.0, 12.0, 13.0]);
        let lcsvr = FeatureSet::scheme_curve(3).matrix(&[&r]).unwrap();
        assert_eq!(v[21..30], lcsvr.row(0).to_vec()[9..]);
        assert_eq!(v[30], FeatureSet::sotl(3).matrix(&[&r]).unwrap()[[0, 0]]);
        assert_eq!(
            v[31],
            FeatureSet::extrapolated(3).matrix(&[&r]).unwrap()[[0, 0]]
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

    #[test]
    fn set_names_parse_to_one_column_list_each() {
        let cols = |name: &str| -> Vec<String> {
            let set = FeatureSet::named(name).unwrap();
            set.features().iter().map(ToString::to_string).collect()
        };
        assert_eq!(cols("Scheme"), ["NumParams", "NumStages"]);
        let paper = cols("Scheme + Quantitative 3 epochs");
        assert_eq!(paper.len(), 15);
        assert_eq!(cols("Scheme+Quant.3"), paper);
        assert_eq!(cols("Scheme6+Quant.3"), paper);
        assert_eq!(cols("Scheme8").len(), 8);
        assert_eq!(cols("Scheme8+Quant.9").len(), 35);
        assert_eq!(cols("Scheme6").len(), 6);
        assert_eq!(cols("Scheme + ZeroCost").len(), 6);
        assert_eq!(cols("Scheme + ZeroCost + Quantitative 2 epochs").len(), 16);
        // The canonical name is kept whatever spelling was given.
        let set = FeatureSet::named("Scheme+Quant.6").unwrap();
        assert_eq!(set.name(), "Scheme + Quantitative 6 epochs");
        for bad in [
            "scheme",
            "Scheme+Quant.0",
            "Scheme+Quant.03",
            "Scheme8+Quant.",
            "Scheme7",
        ] {
            let e = FeatureSet::named(bad).unwrap_err().to_string();
            assert!(e.contains(&format!("'{bad}'")), "{e}");
        }
    }

    #[test]
    fn feature_names_round_trip() {
        for f in Feature::SCHEME_V2.into_iter().chain(Feature::epochs(12)) {
            assert_eq!(f.to_string().parse::<Feature>().unwrap(), f);
        }
        for bad in ["e0Accuracy", "e01Accuracy", "", "a b", "x,y"] {
            assert!(bad.parse::<Feature>().is_err(), "{bad}");
        }
        let extra: Feature = "LogSynFlow".parse().unwrap();
        assert_eq!(extra, Feature::Extra("LogSynFlow".into()));
    }
}
