//! The live curve source: a [`CurveSource`] that trains for real, through any
//! [`BatchTrainer`], answering from the journal what was already paid.

use crate::dispatch::BatchTrainer;
use crate::journal::{Batch, Journal};
use crate::{Error, Result};
use naap_dataset::Architecture;
use naap_nas::{Advance, Advanced, CurveSource};
use naap_space::ModelId;
use std::time::Instant;

/// Something that trains one scheme from its checkpoint.
pub trait EpochTrainer: Sync {
    /// Trains `model_id`, resumed after epoch `from` (0: fresh), up to epoch
    /// `to`, and returns the records of epochs `from + 1 ..= to`; or, if the
    /// training diverged (a non-finite loss), the records of the epochs
    /// before the one it diverged in, and why ([`Advanced::diverged`]), also
    /// when asked again after a divergence. Any other failure is an error,
    /// and stops the search.
    fn train_to(&self, model_id: ModelId, from: u32, to: u32) -> Result<Advanced>;
}

/// Progress of a live search, for the caller to render.
#[derive(Debug, Clone, PartialEq)]
pub enum SearchEvent {
    /// Batches answered from the journal of an earlier, interrupted run.
    Replayed {
        /// Batches replayed.
        batches: usize,
        /// Scheme-epochs they hold.
        epochs: u64,
    },
    /// A batch starts training.
    BatchStarted {
        /// Schemes in the batch.
        schemes: usize,
        /// Scheme-epochs it will train.
        epochs: u64,
    },
    /// A batch was trained and journaled.
    BatchDone {
        /// Scheme-epochs paid so far (replayed ones included).
        epochs_spent: u64,
        /// Training wall time so far, in seconds.
        secs_spent: f64,
        /// The best accuracy observed so far: `(ModelId, epoch, accuracy)`.
        best: Option<(ModelId, u32, f64)>,
    },
}

/// Trains candidates for a search: replays the journal, then hands each
/// new batch to its trainer, journaling every batch.
pub struct LiveSource<'a> {
    candidates: Vec<Architecture>,
    max_epochs: u32,
    trainer: &'a dyn BatchTrainer,
    journal: &'a mut Journal,
    cursor: usize,
    replayed: usize,
    budget_secs: Option<f64>,
    epochs_spent: u64,
    secs_spent: f64,
    best: Option<(ModelId, u32, f64)>,
    failure: Option<Error>,
    on_event: &'a (dyn Fn(SearchEvent) + Sync),
}

impl<'a> LiveSource<'a> {
    /// A source over `candidates` (sorted here by ModelId) trained up to
    /// `max_epochs` each by `trainer`, journaling into `journal`. With `budget_secs`, a batch asked once the journaled
    /// training time has reached it is refused (the batch running when the
    /// time runs out finishes).
    pub fn new(
        mut candidates: Vec<Architecture>,
        max_epochs: u32,
        trainer: &'a dyn BatchTrainer,
        journal: &'a mut Journal,
        budget_secs: Option<f64>,
        on_event: &'a (dyn Fn(SearchEvent) + Sync),
    ) -> Result<LiveSource<'a>> {
        candidates.sort_by_key(|c| c.id);
        if candidates.is_empty() {
            return Err(Error::Config(
                "a search needs at least one candidate".into(),
            ));
        }
        if let Some(w) = candidates.windows(2).find(|w| w[0].id == w[1].id) {
            return Err(Error::Config(format!(
                "ModelId {} is a candidate twice",
                w[0].id
            )));
        }
        if max_epochs == 0 {
            return Err(Error::Config(format!(
                "max-epochs must be at least 1, got {max_epochs}"
            )));
        }
        Ok(LiveSource {
            candidates,
            max_epochs,
            trainer,
            journal,
            cursor: 0,
            replayed: 0,
            budget_secs,
            epochs_spent: 0,
            secs_spent: 0.0,
            best: None,
            failure: None,
            on_event,
        })
    }

    /// The error that stopped training, if any: the meter only sees a
    /// placeholder, the caller reports this one.
    pub fn take_failure(&mut self) -> Option<Error> {
        self.failure.take()
    }

    /// Batches answered from the journal so far.
    pub fn replayed(&self) -> usize {
        self.replayed
    }

    /// Training wall time paid so far (journaled batches included), seconds.
    pub fn secs_spent(&self) -> f64 {
        self.secs_spent
    }

    fn note(&mut self, work: &[Advance], answers: &[Advanced], secs: f64) {
        for (w, a) in work.iter().zip(answers) {
            for (i, r) in a.records.iter().enumerate() {
                let epoch = w.from_epoch + 1 + i as u32;
                // Ties keep the earlier find, so the line does not flicker.
                if self.best.is_none_or(|(_, _, b)| r.accuracy > b) {
                    self.best = Some((w.model_id, epoch, r.accuracy));
                }
            }
            // As the meter charges: a diverged training ran one epoch more
            // than it recorded.
            self.epochs_spent += a.records.len() as u64 + u64::from(a.diverged.is_some());
        }
        self.secs_spent += secs;
    }

    fn fail(&mut self, err: Error) -> naap_nas::Error {
        let message = err.to_string();
        self.failure = Some(err);
        naap_nas::Error::InvalidInput(format!("training stopped: {message}"))
    }

    /// Trains every item of `work` as batch `self.cursor`; checks that
    /// each answer holds the epochs asked.
    fn train(&mut self, work: &[Advance]) -> Result<Vec<Advanced>> {
        let answers = self.trainer.train_batch(self.cursor, work, self.journal)?;
        if answers.len() != work.len() {
            return Err(Error::Config(format!(
                "the trainer answered {} of {} items",
                answers.len(),
                work.len()
            )));
        }
        for (w, answer) in work.iter().zip(&answers) {
            let (got, asked) = (answer.records.len(), (w.to_epoch - w.from_epoch) as usize);
            let fits = match answer.diverged {
                Some(_) => got < asked,
                None => got == asked,
            };
            if !fits {
                return Err(Error::Training {
                    model_id: w.model_id,
                    message: format!(
                        "the trainer returned {got} epochs for epochs {}..={}{}",
                        w.from_epoch + 1,
                        w.to_epoch,
                        if answer.diverged.is_some() {
                            " and said it diverged"
                        } else {
                            ""
                        }
                    ),
                });
            }
        }
        Ok(answers)
    }
}

impl CurveSource for LiveSource<'_> {
    fn members(&self) -> &[Architecture] {
        &self.candidates
    }

    fn max_epochs(&self) -> u32 {
        self.max_epochs
    }

    fn advance(&mut self, work: &[Advance]) -> naap_nas::Result<Vec<Advanced>> {
        if let Some(batch) = self.journal.batches().get(self.cursor) {
            if !batch.is_for(work) {
                let err = Error::Mismatch {
                    path: "journal.jsonl".into(),
                    message: format!(
                        "batch {} of the journal trained {:?}, the search now asks {:?}",
                        self.cursor + 1,
                        batch.work,
                        Batch::new(work, &[], 0.0).work
                    ),
                };
                return Err(self.fail(err));
            }
            let (records, secs) = (batch.answers(), batch.secs);
            self.cursor += 1;
            self.replayed += 1;
            self.note(work, &records, secs);
            if self.cursor == self.journal.batches().len() {
                (self.on_event)(SearchEvent::Replayed {
                    batches: self.cursor,
                    epochs: self.epochs_spent,
                });
            }
            return Ok(records);
        }
        if let Some(budget) = self.budget_secs {
            if self.secs_spent >= budget {
                return Err(naap_nas::Error::BudgetExhausted(format!(
                    "{:.0} s of training spent, budget {budget:.0} s",
                    self.secs_spent
                )));
            }
        }
        (self.on_event)(SearchEvent::BatchStarted {
            schemes: work.len(),
            epochs: work
                .iter()
                .map(|w| u64::from(w.to_epoch - w.from_epoch))
                .sum(),
        });
        let start = Instant::now();
        let records = match self.train(work) {
            Ok(r) => r,
            Err(e) => return Err(self.fail(e)),
        };
        let secs = start.elapsed().as_secs_f64();
        if let Err(e) = self.journal.append(Batch::new(work, &records, secs)) {
            return Err(self.fail(e));
        }
        self.cursor += 1;
        self.note(work, &records, secs);
        (self.on_event)(SearchEvent::BatchDone {
            epochs_spent: self.epochs_spent,
            secs_spent: self.secs_spent,
            best: self.best,
        });
        Ok(records)
    }
}
