//! Where learning curves come from: the [`CurveSource`] trait.
//!
//! A source trains candidates on request and reports each new epoch's
//! logged values. The simulator's source is [`crate::TableSource`], which
//! reads them off stored curves; a live source (a crate that links the
//! trainer) trains for real. Requests come in batches so that a live source
//! can train them in parallel. A source never charges cost: the
//! [`crate::Meter`] wrapping it does, in one place. A live training can
//! diverge (a non-finite loss): the source says so in its [`Advanced`]
//! answer, and the meter takes the candidate out of the search.

use crate::Result;
use naap_dataset::{Architecture, EpochRecord};
use naap_space::ModelId;

/// One unit of training work: continue `model_id` from epoch `from_epoch`
/// (the epochs already trained) up to epoch `to_epoch`, as a resumed
/// checkpoint would.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Advance {
    /// The scheme to train.
    pub model_id: ModelId,
    /// Epochs already trained (0 for a fresh scheme).
    pub from_epoch: u32,
    /// The epoch to stop after (> `from_epoch`).
    pub to_epoch: u32,
}

/// What training one [`Advance`] gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Advanced {
    /// The records of the epochs completed, `from_epoch + 1` on: every
    /// epoch asked, unless the training diverged.
    pub records: Vec<EpochRecord>,
    /// Why the training diverged, if it did: in the epoch after `records`,
    /// which ran (and is paid) but gave no record. The candidate cannot be
    /// trained further and leaves the search.
    pub diverged: Option<String>,
}

impl Advanced {
    /// Every epoch asked, trained.
    pub fn trained(records: Vec<EpochRecord>) -> Advanced {
        Advanced {
            records,
            diverged: None,
        }
    }
}

/// Something that trains candidates and reports their learning curves.
pub trait CurveSource {
    /// The schemes this source can train, in ModelId order.
    fn members(&self) -> &[Architecture];

    /// The longest training this source can give one scheme, in epochs.
    fn max_epochs(&self) -> u32;

    /// Trains every item of `work` (ids distinct, each resumed from its
    /// `from_epoch`) and returns, per item in the same order, the records of
    /// epochs `from_epoch + 1 ..= to_epoch`, or of those before the epoch in
    /// which it diverged. Other failures of the training are errors.
    fn advance(&mut self, work: &[Advance]) -> Result<Vec<Advanced>>;
}
