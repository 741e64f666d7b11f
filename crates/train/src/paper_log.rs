//! The training log in the paper's format (`scheme_{id}.txt`), written through
//! the dataset stage's log module so `naap dataset build` reads it like the
//! published logs. The text so far travels in each checkpoint, and a resumed
//! run continues it.

use crate::{EpochStats, Result};
use naap_dataset::{py_round, LineEnding, LogWriter, TrainingLog};
use naap_space::Scheme;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// A log in the making: its text so far (LF line ends, as the trainer writes it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PaperLog {
    text: String,
}

impl PaperLog {
    /// The header the paper writes before the first epoch.
    pub fn start(scheme: &Scheme, device: &str, params: u64, macs: u64) -> Result<PaperLog> {
        let mut w = LogWriter::new(Vec::new(), LineEnding::Lf);
        w.header(scheme, device, params, macs)?;
        Ok(PaperLog { text: into_text(w) })
    }

    /// The line opening a 1-based epoch.
    pub fn epoch_started(&mut self, epoch: usize, lr: f64) -> Result<()> {
        self.append(|w| w.epoch_started(epoch as u32, lr))
    }

    /// The two lines closing an epoch: losses rounded to 5 decimals as the
    /// paper prints them, then the test accuracy.
    pub fn epoch_finished(&mut self, stats: &EpochStats) -> Result<()> {
        self.append(|w| {
            w.losses(py_round(stats.loss_mean, 5), py_round(stats.loss_median, 5))?;
            w.accuracy(stats.accuracy)
        })
    }

    /// The whole log as file text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The log parsed back, as `naap dataset build` will read it.
    pub fn parsed(&self) -> Result<TrainingLog> {
        Ok(TrainingLog::parse(
            self.text.as_bytes(),
            Path::new("scheme log"),
        )?)
    }

    fn append(
        &mut self,
        write: impl FnOnce(&mut LogWriter<Vec<u8>>) -> naap_dataset::Result<()>,
    ) -> Result<()> {
        // Continuing from the parsed text keeps the writer's order checks across epochs.
        let existing = self.parsed()?;
        let mut w = LogWriter::continuing(std::mem::take(&mut self.text).into_bytes(), &existing);
        write(&mut w)?;
        self.text = into_text(w);
        Ok(())
    }
}

fn into_text(w: LogWriter<Vec<u8>>) -> String {
    String::from_utf8(w.into_inner()).expect("log lines are UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;
    use naap_space::Layer;

    #[test]
    fn lines_match_the_published_log_format_and_parse_back() {
        let scheme = Scheme {
            layers: vec![Layer {
                kernel_size: 3,
                width: 12,
                stride: 2,
                residual: false,
            }],
        };
        let mut log = PaperLog::start(&scheme, "cpu", 2566, 231600).unwrap();
        log.epoch_started(1, 0.01).unwrap();
        let stats = EpochStats {
            loss_mean: 1.865128,
            loss_median: 1.5620999,
            accuracy: 0.3625,
        };
        log.epoch_finished(&stats).unwrap();
        let bodies: Vec<&str> = log.text().lines().map(|l| &l[15..]).collect();
        assert_eq!(
            bodies,
            [
                r#"Network scheme: [{"kernel_size": 3, "width": 12, "stride": 2, "residual": false}]"#,
                "Network has been init on device cpu",
                "Network #params: 2566, #MACs: 231600",
                "Training set is ready",
                "Ready to start training",
                "Epoch 1, LR: 0.01",
                "Loss mean, median: 1.86513, 1.5621",
                "Test accuracy: 0.3625",
            ]
        );
        let parsed = log.parsed().unwrap();
        assert_eq!(parsed.epochs().len(), 1);
        assert_eq!(parsed.num_params(), 2566);
    }

    #[test]
    fn epochs_out_of_order_are_refused() {
        let scheme = Scheme {
            layers: vec![Layer {
                kernel_size: 1,
                width: 4,
                stride: 1,
                residual: false,
            }],
        };
        let mut log = PaperLog::start(&scheme, "cpu", 1, 1).unwrap();
        assert!(log.epoch_started(2, 0.1).is_err());
    }
}
