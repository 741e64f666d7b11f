//! What one trained epoch costs: the cost models of a replayed search.
//!
//! `epochs` counts scheme-epochs; `logged` charges each scheme the wall time
//! its epochs took in the paper's logs (seconds per epoch from the line
//! timestamps); `macs` charges the scheme's multiply-accumulates per image,
//! a proxy for compute that needs no logs.

use crate::{Error, Result};
use naap_dataset::{Row, TrainingLog};
use naap_space::ModelId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The unit a search's cost is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CostKind {
    /// One unit per scheme-epoch.
    Epochs,
    /// Seconds per epoch of each scheme, from the raw logs' timestamps.
    Logged,
    /// Millions of MACs per image, per epoch (proportional to compute).
    Macs,
}

impl CostKind {
    /// The name used on the command line and in `config.toml`.
    pub fn name(self) -> &'static str {
        match self {
            CostKind::Epochs => "epochs",
            CostKind::Logged => "logged",
            CostKind::Macs => "macs",
        }
    }

    /// The unit of a cost in this model, for tables and axes.
    pub fn unit(self) -> &'static str {
        match self {
            CostKind::Epochs => "scheme-epochs",
            CostKind::Logged => "GPU-seconds (paper's logs)",
            CostKind::Macs => "MMACs x epochs",
        }
    }
}

impl std::str::FromStr for CostKind {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s {
            "epochs" => Ok(CostKind::Epochs),
            "logged" => Ok(CostKind::Logged),
            "macs" => Ok(CostKind::Macs),
            other => Err(format!(
                "unknown cost model '{other}', expected epochs, logged or macs"
            )),
        }
    }
}

/// The cost of one epoch of each scheme.
#[derive(Debug, Clone, PartialEq)]
pub struct CostModel {
    kind: CostKind,
    /// Cost of one epoch by ModelId; empty for [`CostKind::Epochs`].
    per_epoch: BTreeMap<u32, f64>,
}

impl CostModel {
    /// One unit per scheme-epoch.
    pub fn epochs() -> CostModel {
        CostModel {
            kind: CostKind::Epochs,
            per_epoch: BTreeMap::new(),
        }
    }

    /// Millions of MACs per image for every row, per epoch.
    pub fn macs<'a>(rows: impl IntoIterator<Item = &'a Row>) -> CostModel {
        let per_epoch = rows
            .into_iter()
            .map(|r| (r.id.get(), r.scheme.num_macs as f64 / 1e6))
            .collect();
        CostModel {
            kind: CostKind::Macs,
            per_epoch,
        }
    }

    /// Seconds per epoch of each log: the time from the first epoch's start
    /// line to the last epoch's accuracy line, over the number of epochs.
    pub fn logged<'a>(logs: impl IntoIterator<Item = (u32, &'a TrainingLog)>) -> Result<CostModel> {
        let mut per_epoch = BTreeMap::new();
        for (model_id, log) in logs {
            let (Some(first), Some(last)) = (log.epochs().first(), log.epochs().last()) else {
                return Err(Error::InvalidInput(format!(
                    "log of ModelId {model_id} has no finished epoch"
                )));
            };
            let secs = last.times.tested.unix_secs() - first.times.started.unix_secs();
            if secs <= 0 {
                return Err(Error::InvalidInput(format!(
                    "log of ModelId {model_id}: its epochs span {secs} s (from {} to {}), \
                     expected a positive time",
                    first.times.started, last.times.tested
                )));
            }
            per_epoch.insert(model_id, secs as f64 / log.epochs().len() as f64);
        }
        Ok(CostModel {
            kind: CostKind::Logged,
            per_epoch,
        })
    }

    /// [`CostModel::logged`] of every `scheme_{id}.txt` in a folder or
    /// `.tar.gz` (as the published `raw_data.tar.gz`).
    pub fn logged_from(source: &Path) -> Result<CostModel> {
        let files = naap_dataset::read_logs(source)?;
        let logs = files
            .iter()
            .map(|f| Ok((f.model_id, TrainingLog::parse(&f.bytes, &f.path)?)))
            .collect::<Result<Vec<_>>>()?;
        CostModel::logged(logs.iter().map(|(id, log)| (*id, log)))
    }

    /// Which model this is.
    pub fn kind(&self) -> CostKind {
        self.kind
    }

    /// The cost of one epoch of `model_id`.
    pub fn per_epoch(&self, model_id: ModelId) -> Result<f64> {
        match self.kind {
            CostKind::Epochs => Ok(1.0),
            _ => self.per_epoch.get(&model_id.get()).copied().ok_or_else(|| {
                Error::InvalidInput(format!(
                    "no {} cost for ModelId {model_id}{}",
                    self.kind.name(),
                    if self.kind == CostKind::Logged {
                        " (its log is missing)"
                    } else {
                        ""
                    }
                ))
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logged_cost_is_the_epochs_wall_time_over_their_count() {
        let scheme = r#"[{"kernel_size": 3, "width": 12, "stride": 2, "residual": false}]"#;
        let text = format!(
            "20220901141247 Network scheme: {scheme}\r\n\
             20220901141250 Network has been init on device cuda:0\r\n\
             20220901141250 Network #params: 2566, #MACs: 231600\r\n\
             20220901141251 Training set is ready\r\n\
             20220901141251 Ready to start training\r\n\
             20220901141252 Epoch 1, LR: 0.1\r\n\
             20220901141310 Loss mean, median: 1.86513, 1.81158\r\n\
             20220901141314 Test accuracy: 0.3625\r\n\
             20220901141314 Epoch 2, LR: 0.01\r\n\
             20220901141331 Loss mean, median: 1.60704, 1.60622\r\n\
             20220901141334 Test accuracy: 0.4093\r\n"
        );
        let log = TrainingLog::parse(text.as_bytes(), Path::new("scheme_1.txt")).unwrap();
        let cost = CostModel::logged([(1, &log)]).unwrap();
        // 14:12:52 to 14:13:34 is 42 s for 2 epochs.
        approx::assert_relative_eq!(cost.per_epoch(ModelId::new(1).unwrap()).unwrap(), 21.0);
        assert!(cost
            .per_epoch(ModelId::new(2).unwrap())
            .unwrap_err()
            .to_string()
            .contains("log is missing"));
    }

    #[test]
    fn cost_names_parse_back() {
        for k in [CostKind::Epochs, CostKind::Logged, CostKind::Macs] {
            assert_eq!(k.name().parse::<CostKind>().unwrap(), k);
        }
        assert!("gpu".parse::<CostKind>().is_err());
        assert_eq!(
            CostModel::epochs()
                .per_epoch(ModelId::new(12345).unwrap())
                .unwrap(),
            1.0
        );
    }
}
