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

use crate::{Error, Result};
use naap_dataset::EpochRecord;
use naap_predict::predictor::Candidate;
use naap_space::ModelId;

/// A scheme a search may train: its id and what is known about it for free,
/// as a predictor [`Candidate`] with no trained epochs (the profiler's
/// scheme features and any zero-cost columns).
#[derive(Debug, Clone, PartialEq)]
pub struct PoolMember {
    /// The scheme's ModelId.
    pub model_id: u32,
    /// What a predictor may read before any training.
    pub candidate: Candidate,
}

impl PoolMember {
    /// The member's ModelId; an error for 0, which is no id.
    pub fn id(&self) -> Result<ModelId> {
        ModelId::new(self.model_id).map_err(|e| Error::InvalidInput(e.to_string()))
    }
}

impl From<&naap_dataset::Row> for PoolMember {
    /// A row's free features (scheme and extra columns), none of its epochs:
    /// what a search knows of a stored scheme before paying for it.
    fn from(row: &naap_dataset::Row) -> PoolMember {
        PoolMember {
            model_id: row.model_id,
            candidate: Candidate {
                scheme: row.scheme,
                epochs: Vec::new(),
                extra: row.extra.clone(),
            },
        }
    }
}

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
    fn members(&self) -> &[PoolMember];

    /// The longest training this source can give one scheme, in epochs.
    fn max_epochs(&self) -> u32;

    /// Trains every item of `work` (ids distinct, each resumed from its
    /// `from_epoch`) and returns, per item in the same order, the records of
    /// epochs `from_epoch + 1 ..= to_epoch`, or of those before the epoch in
    /// which it diverged. Other failures of the training are errors.
    fn advance(&mut self, work: &[Advance]) -> Result<Vec<Advanced>>;
}
