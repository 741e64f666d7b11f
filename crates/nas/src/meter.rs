//! The meter: the one place where a search pays for training.
//!
//! A [`Meter`] wraps a [`CurveSource`], remembers how far each candidate has
//! been trained, forwards only the epochs not yet paid for, charges them
//! through the [`CostModel`] and keeps the curves bought so far. Strategies
//! see nothing else, so they cannot read an unpaid value.
//!
//! A candidate whose training diverged leaves the search here: the meter
//! charges the epochs it ran (the diverging one included), keeps its
//! completed epochs, never trains it again, and drops it from [`Meter::ids`],
//! [`Meter::alive`] and the incumbent, so no strategy ranks or returns it.

use crate::cost::CostModel;
use crate::source::{Advance, CurveSource};
use crate::{Error, Result};
use naap_dataset::Architecture;
use naap_dataset::EpochRecord;
use naap_space::ModelId;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// The state of a search after one paid batch: what it has spent and the
/// scheme it would answer with if stopped there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spent {
    /// Scheme-epochs trained so far.
    pub epochs: u64,
    /// Cost so far, in the cost model's unit.
    pub cost: f64,
    /// The incumbent: among the schemes trained longest, the one with the
    /// best accuracy observed (ties: lower ModelId).
    pub incumbent: ModelId,
}

/// The source a meter trains through: a search's, borrowed, or its own
/// (an oracle that outlives any caller's frame, as the Python package's).
enum Source<'s> {
    Borrowed(&'s mut dyn CurveSource),
    Owned(Box<dyn CurveSource + Send + 's>),
}

/// Trains candidates through a source on request and charges for it.
pub struct Meter<'s> {
    source: Source<'s>,
    cost: Cow<'s, CostModel>,
    ids: Vec<ModelId>,
    index: BTreeMap<ModelId, usize>,
    curves: Vec<Vec<EpochRecord>>,
    diverged: Vec<Option<String>>,
    epochs_spent: u64,
    cost_spent: f64,
    budget: Option<f64>,
    trajectory: Vec<Spent>,
}

impl<'s> Meter<'s> {
    /// A meter with nothing paid yet; an error if a member's id is not a
    /// ModelId (0).
    pub fn new(source: &'s mut dyn CurveSource, cost: &'s CostModel) -> Result<Meter<'s>> {
        Meter::with_source(Source::Borrowed(source), Cow::Borrowed(cost))
    }

    /// [`Meter::new`] owning its source and cost model: a meter that can
    /// be kept (the Python package's oracle) and charges exactly as a
    /// search's does.
    pub fn owning(source: Box<dyn CurveSource + Send + 's>, cost: CostModel) -> Result<Meter<'s>> {
        Meter::with_source(Source::Owned(source), Cow::Owned(cost))
    }

    fn with_source(source: Source<'s>, cost: Cow<'s, CostModel>) -> Result<Meter<'s>> {
        let members = match &source {
            Source::Borrowed(s) => s.members(),
            Source::Owned(s) => s.members(),
        };
        let ids: Vec<ModelId> = members.iter().map(|m| m.id).collect();
        let index = ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
        let curves = vec![Vec::new(); members.len()];
        let diverged = vec![None; curves.len()];
        Ok(Meter {
            source,
            cost,
            ids,
            index,
            curves,
            diverged,
            epochs_spent: 0,
            cost_spent: 0.0,
            budget: None,
            trajectory: Vec::new(),
        })
    }

    /// Caps what the search may spend: a batch that would take the cost
    /// past `budget` is refused whole with [`Error::BudgetExhausted`].
    pub fn with_budget(mut self, budget: Option<f64>) -> Meter<'s> {
        self.budget = budget;
        self
    }

    fn source(&self) -> &dyn CurveSource {
        match &self.source {
            Source::Borrowed(s) => &**s,
            Source::Owned(s) => &**s,
        }
    }

    /// The schemes of the search, in ModelId order, with their free features.
    pub fn members(&self) -> &[Architecture] {
        self.source().members()
    }

    /// The ModelIds of the search that have not diverged, ascending.
    pub fn ids(&self) -> Vec<ModelId> {
        self.ids
            .iter()
            .zip(&self.diverged)
            .filter(|(_, d)| d.is_none())
            .map(|(&id, _)| id)
            .collect()
    }

    /// Of `ids`, in their order, those whose training has not diverged.
    pub fn alive(&self, ids: &[ModelId]) -> Vec<ModelId> {
        ids.iter()
            .copied()
            .filter(|&id| self.position(id).is_ok_and(|p| self.diverged[p].is_none()))
            .collect()
    }

    /// `(ModelId, why)` of every candidate whose training diverged, by ModelId.
    pub fn diverged(&self) -> Vec<(ModelId, String)> {
        self.ids
            .iter()
            .zip(&self.diverged)
            .filter_map(|(&id, d)| d.clone().map(|why| (id, why)))
            .collect()
    }

    /// What is known of `model_id` for free (no trained epochs).
    pub fn member(&self, model_id: ModelId) -> Result<&Architecture> {
        Ok(&self.members()[self.position(model_id)?])
    }

    /// The longest training a scheme can get.
    pub fn max_epochs(&self) -> u32 {
        self.source().max_epochs()
    }

    fn position(&self, model_id: ModelId) -> Result<usize> {
        self.index
            .get(&model_id)
            .copied()
            .ok_or_else(|| Error::InvalidInput(format!("ModelId {model_id} is not in the pool")))
    }

    /// Trains each `(model_id, epochs)` of the batch up to `epochs` and pays
    /// for the epochs not trained before; a scheme already trained that far
    /// costs nothing. A scheme named twice is trained to the larger target;
    /// a diverged one is not trained again.
    pub fn train(&mut self, batch: &[(ModelId, u32)]) -> Result<()> {
        let mut targets: BTreeMap<ModelId, u32> = BTreeMap::new();
        for &(id, to) in batch {
            if to > self.max_epochs() {
                return Err(Error::InvalidInput(format!(
                    "ModelId {id}: {to} epochs asked, the curves have {}",
                    self.max_epochs()
                )));
            }
            let t = targets.entry(id).or_insert(0);
            *t = (*t).max(to);
        }
        let mut work = Vec::new();
        for (id, to) in targets {
            let pos = self.position(id)?;
            let from = self.curves[pos].len() as u32;
            if to > from && self.diverged[pos].is_none() {
                work.push(Advance {
                    model_id: id,
                    from_epoch: from,
                    to_epoch: to,
                });
            }
        }
        if work.is_empty() {
            return Ok(());
        }
        // The bill, priced before training so that a batch over budget is
        // refused whole: the only place cost is counted.
        let mut bill = Vec::with_capacity(work.len());
        for w in &work {
            bill.push(f64::from(w.to_epoch - w.from_epoch) * self.cost.per_epoch(w.model_id)?);
        }
        if let Some(budget) = self.budget {
            let total = self.cost_spent + bill.iter().sum::<f64>();
            // A relative slack absorbs the rounding of summing costs.
            if total > budget * (1.0 + 1e-12) {
                return Err(Error::BudgetExhausted(format!(
                    "the next batch would bring the cost to {total}, budget {budget}"
                )));
            }
        }
        let answers = match &mut self.source {
            Source::Borrowed(s) => s.advance(&work)?,
            Source::Owned(s) => s.advance(&work)?,
        };
        if answers.len() != work.len() {
            return Err(Error::InvalidInput(format!(
                "the curve source answered {} of {} training requests",
                answers.len(),
                work.len()
            )));
        }
        for ((w, new), price) in work.iter().zip(answers).zip(bill) {
            let asked = w.to_epoch - w.from_epoch;
            let got = new.records.len() as u32;
            // A diverged training ran its completed epochs and the one it
            // diverged in; the others ran every epoch asked.
            let ran = match &new.diverged {
                Some(_) if got < asked => got + 1,
                None if got == asked => asked,
                _ => {
                    return Err(Error::InvalidInput(format!(
                        "ModelId {}: the curve source returned {got} epochs for {asked} asked{}",
                        w.model_id,
                        if new.diverged.is_some() {
                            " and said it diverged"
                        } else {
                            ""
                        }
                    )))
                }
            };
            self.epochs_spent += u64::from(ran);
            self.cost_spent += if ran == asked {
                price
            } else {
                f64::from(ran) * self.cost.per_epoch(w.model_id)?
            };
            let pos = self.position(w.model_id)?;
            self.curves[pos].extend(new.records);
            self.diverged[pos] = new.diverged;
        }
        // None when every candidate trained so far diverged.
        if let Some(incumbent) = self.incumbent() {
            self.trajectory.push(Spent {
                epochs: self.epochs_spent,
                cost: self.cost_spent,
                incumbent,
            });
        }
        Ok(())
    }

    /// How many epochs of `model_id` have been paid for.
    pub fn trained_epochs(&self, model_id: ModelId) -> Result<u32> {
        Ok(self.curves[self.position(model_id)?].len() as u32)
    }

    /// The paid part of a scheme's curve, epoch 1 first.
    pub fn curve(&self, model_id: ModelId) -> Result<&[EpochRecord]> {
        Ok(&self.curves[self.position(model_id)?])
    }

    /// Test accuracy of `model_id` after `epoch` (1-based); an error if that
    /// epoch has not been paid for.
    pub fn accuracy_at(&self, model_id: ModelId, epoch: u32) -> Result<f64> {
        let curve = self.curve(model_id)?;
        match epoch.checked_sub(1).and_then(|i| curve.get(i as usize)) {
            Some(r) => Ok(r.accuracy),
            None => Err(Error::NotPaid(format!(
                "accuracy of ModelId {model_id} at epoch {epoch}, {} epochs trained",
                curve.len()
            ))),
        }
    }

    /// The best test accuracy among the paid epochs of `model_id`; an error
    /// if none was paid.
    pub fn best_accuracy(&self, model_id: ModelId) -> Result<f64> {
        let curve = self.curve(model_id)?;
        if curve.is_empty() {
            return Err(Error::NotPaid(format!(
                "best accuracy of ModelId {model_id}, which was never trained"
            )));
        }
        Ok(curve
            .iter()
            .map(|r| r.accuracy)
            .fold(f64::NEG_INFINITY, f64::max))
    }

    /// The scheme the search would answer with if stopped now: among the
    /// schemes trained longest, the best observed accuracy (ties: lower
    /// ModelId); diverged ones are out. `None` before anything was trained.
    pub fn incumbent(&self) -> Option<ModelId> {
        let alive = || {
            self.ids
                .iter()
                .zip(&self.curves)
                .zip(&self.diverged)
                .filter(|(_, d)| d.is_none())
                .map(|(cc, _)| cc)
        };
        let longest = alive().map(|(_, c)| c.len()).max().filter(|&n| n > 0)?;
        let mut best: Option<(ModelId, f64)> = None;
        for (&id, curve) in alive() {
            if curve.len() != longest {
                continue;
            }
            let acc = curve
                .iter()
                .map(|r| r.accuracy)
                .fold(f64::NEG_INFINITY, f64::max);
            // Candidates are in ModelId order, so `>` keeps the lower id on ties.
            if best.is_none_or(|(_, b)| acc > b) {
                best = Some((id, acc));
            }
        }
        best.map(|(id, _)| id)
    }

    /// Scheme-epochs paid so far.
    pub fn epochs_spent(&self) -> u64 {
        self.epochs_spent
    }

    /// Cost paid so far, in the cost model's unit.
    pub fn cost_spent(&self) -> f64 {
        self.cost_spent
    }

    /// What was spent and the incumbent after each paid batch, in order.
    pub fn trajectory(&self) -> &[Spent] {
        &self.trajectory
    }

    /// `(ModelId, epochs paid)` of every scheme trained at all, by ModelId.
    pub fn paid(&self) -> Vec<(ModelId, u32)> {
        self.ids
            .iter()
            .zip(&self.curves)
            .filter(|(_, c)| !c.is_empty())
            .map(|(&id, c)| (id, c.len() as u32))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::TableSource;
    use naap_dataset::{Row, SchemeFeatures};

    fn rows() -> Vec<Row> {
        (1..=4u32)
            .map(|i| Row {
                is_test: false,
                max_accuracy: 0.1 * f64::from(i) + 0.3,
                architecture: Architecture::new(
                    ModelId::new(i).unwrap(),
                    SchemeFeatures {
                        num_params: 1000,
                        num_macs: 10_000 * u64::from(i),
                        num_layers: 3,
                        num_stages: 1,
                        first_layer_width: 8,
                        last_layer_width: 8,
                        num_skip_connections: None,
                        num_partial_rf_layers: None,
                    },
                )
                .with_epochs(
                    (1..=5)
                        .map(|e| EpochRecord {
                            loss_mean: 1.0,
                            loss_median: 1.0,
                            accuracy: 0.1 * f64::from(i) + 0.06 * f64::from(e),
                        })
                        .collect(),
                ),
            })
            .collect()
    }

    #[test]
    fn an_owning_meter_charges_and_answers_as_a_borrowing_one() {
        let rows = rows();
        let cost = CostModel::macs(&rows);
        let batches: [&[(u32, u32)]; 3] = [&[(1, 2), (3, 1)], &[(1, 4), (2, 5)], &[(3, 1), (4, 3)]];
        let run = |meter: &mut Meter<'_>| {
            for batch in batches {
                let batch: Vec<_> = batch
                    .iter()
                    .map(|&(i, e)| (ModelId::new(i).unwrap(), e))
                    .collect();
                meter.train(&batch).unwrap();
            }
            (
                meter.trajectory().to_vec(),
                meter.paid(),
                meter.cost_spent(),
            )
        };
        let mut source = TableSource::new(&rows).unwrap();
        let borrowed = run(&mut Meter::new(&mut source, &cost).unwrap());
        let owned_source = TableSource::owned(rows.clone()).unwrap();
        let owned = run(&mut Meter::owning(Box::new(owned_source), cost.clone()).unwrap());
        assert_eq!(borrowed, owned);
        assert_eq!(owned.1.len(), 4);
    }
}
