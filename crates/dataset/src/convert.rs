//! The conversions from a profile and a training log into dataset values,
//! shared by [`crate::build`] and every user of those values outside a CSV
//! (e.g. a predictor reading a new scheme's log), so that both see exactly
//! the numbers the published CSV holds.

use crate::log::LoggedEpoch;
use crate::pyfloat::py_round;
use crate::{EpochRecord, Format, SchemeFeatures};
use naap_profile::Profile;

/// All eight scheme features of a profile (the v2 ones included).
impl From<Profile> for SchemeFeatures {
    fn from(p: Profile) -> Self {
        SchemeFeatures {
            num_params: p.num_params,
            num_macs: p.num_macs,
            num_layers: p.num_layers,
            num_stages: p.num_stages,
            first_layer_width: p.first_layer_width,
            last_layer_width: p.last_layer_width,
            num_skip_connections: Some(p.num_skip_connections),
            num_partial_rf_layers: Some(p.num_partial_rf_layers),
        }
    }
}

impl SchemeFeatures {
    /// The features a dataset of `format` holds: a v1 dataset has no
    /// `NumSkipConnections` and `NumPartialRFLayers`.
    pub fn for_format(self, format: Format) -> SchemeFeatures {
        match format {
            Format::V2 => self,
            Format::V1 => SchemeFeatures {
                num_skip_connections: None,
                num_partial_rf_layers: None,
                ..self
            },
        }
    }
}

/// An epoch as the CSV records it: losses rounded to 4 decimals (Python's
/// `round`), the accuracy as logged.
impl From<&LoggedEpoch> for EpochRecord {
    fn from(e: &LoggedEpoch) -> Self {
        EpochRecord {
            loss_mean: py_round(e.loss_mean, 4),
            loss_median: py_round(e.loss_median, 4),
            accuracy: e.accuracy,
        }
    }
}
