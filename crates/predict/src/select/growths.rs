//! Ensemble growths shared by the searches of one split mode and feature set.
//!
//! The sizes of a forest (or of gradient boosting) are separate searches
//! that meet many of the same subsets. Per subset and fitting seed, one
//! [`Growth`] serves them all: the first search to need N members grows
//! them, a search needing fewer reads the predictions recorded on the way,
//! one needing more grows on from where the growth stopped. Each size gets,
//! bit for bit, the predictions of fitting it alone, whatever order the
//! searches reach a subset in, so results do not depend on threads.

use super::search::Flags;
use crate::protocol::TrainTest;
use crate::{Regressor, Result};
use naap_models::{EnsembleFamily, Growth};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// One growth per (subset, fitting seed).
type Growths = HashMap<(Flags, u64), Arc<Mutex<Box<dyn Growth>>>>;

/// The shared growths of one (mode, feature set).
pub(crate) struct SharedGrowths {
    families: Vec<Family>,
}

struct Family {
    family: EnsembleFamily,
    /// The sizes of this family among the searches, recorded by every growth.
    sizes: Vec<usize>,
    /// Searches of this family still to finish; the growths are dropped
    /// with the last.
    running: AtomicUsize,
    growths: Mutex<Growths>,
}

impl SharedGrowths {
    /// Growths for the families of which `searches` (the models of the
    /// searches to run on one mode and feature set) hold two sizes or more.
    pub(crate) fn new(searches: &[&dyn Regressor]) -> Self {
        let mut families: Vec<Family> = Vec::new();
        for spec in searches {
            let Some(ensemble) = spec.ensemble() else {
                continue;
            };
            if spec.growth(0, &[]).is_none() {
                continue;
            }
            match families.iter_mut().find(|f| f.family == ensemble.family) {
                Some(f) => {
                    f.sizes.push(ensemble.members);
                    *f.running.get_mut() += 1;
                }
                None => families.push(Family {
                    family: ensemble.family,
                    sizes: vec![ensemble.members],
                    running: AtomicUsize::new(1),
                    growths: Mutex::new(HashMap::new()),
                }),
            }
        }
        families.retain(|f| f.sizes.len() > 1);
        Self { families }
    }

    fn family(&self, spec: &dyn Regressor) -> Option<(&Family, usize)> {
        let ensemble = spec.ensemble()?;
        self.families
            .iter()
            .find(|f| f.family == ensemble.family && f.sizes.contains(&ensemble.members))
            .map(|f| (f, ensemble.members))
    }

    /// Whether `spec`'s predictions come from shared growths.
    pub(crate) fn shares(&self, spec: &dyn Regressor) -> bool {
        self.family(spec).is_some()
    }

    /// The test predictions of `spec` (which [`Self::shares`]) fitted with
    /// `seed` on `data`, the columns of subset `flags`.
    pub(crate) fn predict(
        &self,
        spec: &dyn Regressor,
        flags: Flags,
        seed: u64,
        data: &TrainTest,
    ) -> Result<Vec<f64>> {
        let (family, members) = self.family(spec).ok_or_else(|| {
            crate::Error::InvalidInput(format!("{} shares no ensemble growth", spec.name()))
        })?;
        let growth = {
            let mut growths = lock(&family.growths);
            let growth = growths.entry((flags, seed)).or_insert_with(|| {
                let growth = spec.growth(seed, &family.sizes);
                Arc::new(Mutex::new(
                    growth.expect("checked when the family was made"),
                ))
            });
            Arc::clone(growth)
        };
        let mut growth = lock(&growth);
        growth.grow_to(
            data.x_train.view(),
            data.y_train.view(),
            data.x_test.view(),
            members,
        )?;
        Ok(growth
            .predictions(members)
            .expect("every size of the family is recorded")
            .to_vec())
    }

    /// Marks one search of `spec` finished; the last of its family frees
    /// the family's growths.
    pub(crate) fn finished(&self, spec: &dyn Regressor) {
        if let Some((family, _)) = self.family(spec) {
            if family.running.fetch_sub(1, Ordering::AcqRel) == 1 {
                lock(&family.growths).clear();
            }
        }
    }
}

/// A lock whose holder never panics with the data half-changed except by a
/// bug, which then goes on panicking here.
fn lock<T: ?Sized>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock()
        .expect("a thread panicked while growing an ensemble")
}
