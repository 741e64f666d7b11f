//! The oracle: stored full learning curves served as a [`CurveSource`].

use crate::source::{Advance, Advanced, CurveSource};
use crate::{Error, Result};
use naap_dataset::Architecture;
use naap_dataset::Row;
use naap_space::ModelId;
use std::borrow::Cow;

/// Serves the curves of dataset rows as if training them, epoch by epoch.
///
/// It only answers requests; the strategies never see it, only the
/// [`crate::Meter`] that wraps it and charges for each new epoch.
#[derive(Debug, Clone)]
pub struct TableSource<'a> {
    rows: Vec<Cow<'a, Row>>,
    members: Vec<Architecture>,
    max_epochs: u32,
}

impl<'a> TableSource<'a> {
    /// A source over `rows` (any order; served in ModelId order). Every row
    /// needs the same, non-zero number of epochs and a distinct ModelId.
    pub fn new(rows: impl IntoIterator<Item = &'a Row>) -> Result<TableSource<'a>> {
        TableSource::of(rows.into_iter().map(Cow::Borrowed).collect())
    }

    /// [`TableSource::new`] owning its rows, for a source that outlives the
    /// dataset it came from.
    pub fn owned(rows: Vec<Row>) -> Result<TableSource<'static>> {
        TableSource::of(rows.into_iter().map(Cow::Owned).collect())
    }

    fn of(mut rows: Vec<Cow<'a, Row>>) -> Result<TableSource<'a>> {
        rows.sort_by_key(|r| r.id);
        if rows.is_empty() {
            return Err(Error::InvalidInput(
                "a search needs at least one scheme".into(),
            ));
        }
        if let Some(w) = rows.windows(2).find(|w| w[0].id == w[1].id) {
            return Err(Error::InvalidInput(format!(
                "ModelId {} appears twice in the pool",
                w[0].id
            )));
        }
        let epochs = rows[0].epochs.len();
        if epochs == 0 {
            return Err(Error::InvalidInput("the curves have no epochs".into()));
        }
        if let Some(r) = rows.iter().find(|r| r.epochs.len() != epochs) {
            return Err(Error::InvalidInput(format!(
                "ModelId {} has {} epochs, ModelId {} has {epochs}",
                r.id,
                r.epochs.len(),
                rows[0].id
            )));
        }
        let members = rows.iter().map(|r| r.untrained()).collect();
        Ok(TableSource {
            rows,
            members,
            max_epochs: epochs as u32,
        })
    }

    fn row(&self, model_id: ModelId) -> Result<&Row> {
        self.rows
            .binary_search_by_key(&model_id, |r| r.id)
            .map(|i| &*self.rows[i])
            .map_err(|_| Error::InvalidInput(format!("ModelId {model_id} is not in the pool")))
    }
}

impl CurveSource for TableSource<'_> {
    fn members(&self) -> &[Architecture] {
        &self.members
    }

    fn max_epochs(&self) -> u32 {
        self.max_epochs
    }

    /// Stored curves never diverge.
    fn advance(&mut self, work: &[Advance]) -> Result<Vec<Advanced>> {
        work.iter()
            .map(|w| {
                let row = self.row(w.model_id)?;
                if w.from_epoch >= w.to_epoch || w.to_epoch > self.max_epochs {
                    return Err(Error::InvalidInput(format!(
                        "ModelId {}: cannot train from epoch {} to {} of {}",
                        w.model_id, w.from_epoch, w.to_epoch, self.max_epochs
                    )));
                }
                Ok(Advanced::trained(
                    row.epochs[w.from_epoch as usize..w.to_epoch as usize].to_vec(),
                ))
            })
            .collect()
    }
}
