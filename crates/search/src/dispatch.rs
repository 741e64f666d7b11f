//! How a batch of training requests is carried out: by threads of this
//! process over an [`EpochTrainer`] ([`LocalPool`]), or, with the `torch`
//! feature, as one Slurm array per batch (`crate::slurm`). The search, its
//! journal and its decisions are the same either way.

use crate::journal::Journal;
use crate::live::EpochTrainer;
use crate::Result;
use naap_nas::{Advance, Advanced};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Trains a whole batch of the search.
pub trait BatchTrainer: Sync {
    /// Trains every item of `work`, batch `index` (0-based) of the search,
    /// and returns the answers in order. A trainer that hands the work to
    /// others (a cluster) records what it submitted in `journal` before it
    /// waits, so that a killed search adopts the submission instead of
    /// submitting again.
    fn train_batch(
        &self,
        index: usize,
        work: &[Advance],
        journal: &mut Journal,
    ) -> Result<Vec<Advanced>>;
}

/// Trains a batch here, `jobs` schemes at a time.
pub struct LocalPool<'a> {
    trainer: &'a dyn EpochTrainer,
    jobs: usize,
}

impl<'a> LocalPool<'a> {
    /// `jobs` threads calling `trainer` (at least one).
    pub fn new(trainer: &'a dyn EpochTrainer, jobs: usize) -> LocalPool<'a> {
        LocalPool {
            trainer,
            jobs: jobs.max(1),
        }
    }
}

impl BatchTrainer for LocalPool<'_> {
    fn train_batch(&self, _: usize, work: &[Advance], _: &mut Journal) -> Result<Vec<Advanced>> {
        let results: Mutex<Vec<Option<Result<Advanced>>>> =
            Mutex::new(work.iter().map(|_| None).collect());
        let next = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..self.jobs.min(work.len()) {
                s.spawn(|| loop {
                    let pos = next.fetch_add(1, Ordering::Relaxed);
                    let Some(w) = work.get(pos) else { break };
                    let r = self.trainer.train_to(w.model_id, w.from_epoch, w.to_epoch);
                    results.lock().unwrap_or_else(|e| e.into_inner())[pos] = Some(r);
                });
            }
        });
        results
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .into_iter()
            .map(|r| r.expect("every item was trained"))
            .collect()
    }
}
