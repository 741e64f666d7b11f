//! The ordering rules of a log, shared by the parser and the writer.

use super::{EpochTimes, LogEvent, LogLine, LoggedEpoch, TrainingLog};
use crate::LineEnding;
use naap_space::Scheme;

/// Accepts lines one by one, rejecting any that is out of place.
#[derive(Debug, Default)]
pub(super) struct Assembler {
    header: Vec<LogLine>,
    scheme: Option<Scheme>,
    params: Option<(u64, u64)>,
    epochs: Vec<LoggedEpoch>,
    /// The running epoch's lines: `Epoch` and maybe the loss line.
    open: Vec<LogLine>,
}

impl Assembler {
    /// Adds the next line; the error says why it cannot come here.
    pub(super) fn push(&mut self, line: LogLine) -> Result<(), String> {
        match &line.event {
            LogEvent::Scheme(_)
            | LogEvent::Device(_)
            | LogEvent::Params { .. }
            | LogEvent::DataReady
            | LogEvent::TrainingReady => self.push_header(line),
            LogEvent::EpochStarted { epoch, .. } => {
                if self.scheme.is_none() || self.params.is_none() {
                    return Err(format!(
                        "epoch {epoch} starts before the 'Network scheme' and 'Network #params' lines"
                    ));
                }
                if let Some(first) = self.open.first() {
                    return Err(format!(
                        "epoch {epoch} starts before {} finished; expected '{}'",
                        epoch_name(first),
                        self.expected_next()
                    ));
                }
                let want = self.epochs.len() + 1;
                if *epoch as usize != want {
                    return Err(format!("expected epoch {want}, got epoch {epoch}"));
                }
                self.open.push(line);
                Ok(())
            }
            LogEvent::Losses { .. } => {
                if self.open.len() != 1 {
                    return Err(format!(
                        "unexpected loss line; expected '{}'",
                        self.expected_next()
                    ));
                }
                self.open.push(line);
                Ok(())
            }
            LogEvent::Accuracy(accuracy) => {
                let [started, trained] = self.open.as_slice() else {
                    return Err(format!(
                        "unexpected test accuracy line; expected '{}'",
                        self.expected_next()
                    ));
                };
                let (LogEvent::EpochStarted { epoch, lr }, LogEvent::Losses { mean, median }) =
                    (&started.event, &trained.event)
                else {
                    unreachable!("open lines are an epoch start and a loss line");
                };
                self.epochs.push(LoggedEpoch {
                    epoch: *epoch,
                    lr: *lr,
                    loss_mean: *mean,
                    loss_median: *median,
                    accuracy: *accuracy,
                    times: EpochTimes {
                        started: started.at,
                        trained: trained.at,
                        tested: line.at,
                    },
                });
                self.open.clear();
                Ok(())
            }
        }
    }

    fn push_header(&mut self, line: LogLine) -> Result<(), String> {
        if !self.epochs.is_empty() || !self.open.is_empty() {
            return Err(format!(
                "header line '{}' after the first epoch started",
                line.event
            ));
        }
        match &line.event {
            LogEvent::Scheme(s) => {
                if self.scheme.is_some() {
                    return Err("a second 'Network scheme' line".into());
                }
                self.scheme = Some(s.clone());
            }
            LogEvent::Params {
                num_params,
                num_macs,
            } => {
                if self.params.is_some() {
                    return Err("a second 'Network #params' line".into());
                }
                self.params = Some((*num_params, *num_macs));
            }
            _ => {}
        }
        self.header.push(line);
        Ok(())
    }

    /// What the next line should be, for messages.
    fn expected_next(&self) -> &'static str {
        match self.open.len() {
            0 => "Epoch E, LR: x",
            1 => "Loss mean, median: a, b",
            _ => "Test accuracy: x",
        }
    }

    /// The log so far; fails if the scheme or `#params` line is missing.
    pub(super) fn finish(self, line_ending: LineEnding) -> Result<TrainingLog, String> {
        let scheme = self.scheme.ok_or("the log has no 'Network scheme' line")?;
        let (num_params, num_macs) = self.params.ok_or("the log has no 'Network #params' line")?;
        Ok(TrainingLog {
            header: self.header,
            scheme,
            num_params,
            num_macs,
            epochs: self.epochs,
            unfinished: self.open,
            line_ending,
        })
    }
}

fn epoch_name(line: &LogLine) -> String {
    match line.event {
        LogEvent::EpochStarted { epoch, .. } => format!("epoch {epoch}"),
        _ => "the previous epoch".into(),
    }
}
