//! The conversions from a profile and a training log into dataset values,
//! shared by [`crate::build`] and every user of those values outside a CSV
//! (e.g. a predictor reading a new scheme's log), so that both see exactly
//! the numbers the published CSV holds.

use crate::log::LoggedEpoch;
use crate::pyfloat::py_round;
use crate::EpochRecord;

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
