//! The paper's per-scheme training log (`raw_data/scheme_{id}.txt`).
//!
//! A log is a header (scheme, device, `#params`/`#MACs`, two readiness
//! lines) followed by three lines per epoch (`Epoch E, LR: x`, the loss mean
//! and median, the test accuracy), each line stamped `YYYYMMDDhhmmss`.
//! [`TrainingLog::parse`] and [`TrainingLog::text`] round-trip the 440
//! published logs byte for byte; [`LogWriter`] writes a log line by line as
//! a trainer makes progress, with the same ordering rules as the parser.

mod assemble;
mod line;
mod timestamp;
mod writer;

pub use line::{LogEvent, LogLine};
pub use timestamp::Timestamp;
pub use writer::LogWriter;

use crate::{Error, LineEnding, Result};
use assemble::Assembler;
use naap_space::Scheme;
use std::path::Path;

/// When the three lines of an epoch were written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EpochTimes {
    /// The `Epoch E, LR: x` line.
    pub started: Timestamp,
    /// The loss line.
    pub trained: Timestamp,
    /// The test accuracy line.
    pub tested: Timestamp,
}

/// One finished epoch of a log.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoggedEpoch {
    /// 1-based epoch number.
    pub epoch: u32,
    /// Learning rate during the epoch.
    pub lr: f64,
    /// Mean of the batch losses.
    pub loss_mean: f64,
    /// Median of the batch losses.
    pub loss_median: f64,
    /// Test accuracy after the epoch, in [0, 1].
    pub accuracy: f64,
    /// When each of the epoch's lines was written.
    pub times: EpochTimes,
}

impl LoggedEpoch {
    /// The epoch's three lines, in file order.
    pub fn lines(&self) -> [LogLine; 3] {
        [
            LogLine {
                at: self.times.started,
                event: LogEvent::EpochStarted {
                    epoch: self.epoch,
                    lr: self.lr,
                },
            },
            LogLine {
                at: self.times.trained,
                event: LogEvent::Losses {
                    mean: self.loss_mean,
                    median: self.loss_median,
                },
            },
            LogLine {
                at: self.times.tested,
                event: LogEvent::Accuracy(self.accuracy),
            },
        ]
    }
}

/// A parsed training log: header, finished epochs, and the lines of an
/// epoch that was still running when the log ended.
///
/// Only [`TrainingLog::parse`] and [`TrainingLog::from_lines`] make one, so
/// a log always has its scheme and `#params` line and epochs numbered 1, 2, ...
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingLog {
    header: Vec<LogLine>,
    scheme: Scheme,
    num_params: u64,
    num_macs: u64,
    epochs: Vec<LoggedEpoch>,
    unfinished: Vec<LogLine>,
    line_ending: LineEnding,
}

impl TrainingLog {
    /// Builds a log from its lines in order; the error names the 0-based
    /// index of the first line out of place.
    pub fn from_lines(lines: impl IntoIterator<Item = LogLine>) -> Result<TrainingLog> {
        let mut asm = Assembler::default();
        for (i, line) in lines.into_iter().enumerate() {
            asm.push(line)
                .map_err(|m| Error::LogOrder(format!("line index {i}: {m}")))?;
        }
        asm.finish(LineEnding::default()).map_err(Error::LogOrder)
    }

    /// Reads and parses a log file.
    pub fn read(path: &Path) -> Result<TrainingLog> {
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&bytes, path)
    }

    /// Parses a log's bytes; `path` is only used in error messages.
    ///
    /// A last line without a line ending means the writer was cut off: that
    /// and a log with no lines are [`Error::Incomplete`]; any other problem
    /// is [`Error::Parse`] with the 1-based line number.
    pub fn parse(bytes: &[u8], path: &Path) -> Result<TrainingLog> {
        let parse_err = |line: usize, message: String| Error::Parse {
            path: path.to_path_buf(),
            line,
            message,
        };
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let line = 1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            parse_err(line, "not UTF-8 text".into())
        })?;
        if text.is_empty() {
            return Err(Error::Incomplete {
                path: path.to_path_buf(),
                line: 1,
                message: "the log is empty".into(),
            });
        }
        let mut asm = Assembler::default();
        let mut ending = None;
        for (i, raw) in text.split_inclusive('\n').enumerate() {
            let number = i + 1;
            let (body, this_ending) = if let Some(b) = raw.strip_suffix("\r\n") {
                (b, LineEnding::Crlf)
            } else if let Some(b) = raw.strip_suffix('\n') {
                (b, LineEnding::Lf)
            } else {
                return Err(Error::Incomplete {
                    path: path.to_path_buf(),
                    line: number,
                    message: "the last line has no line ending: the log was cut off".into(),
                });
            };
            match ending {
                None => ending = Some(this_ending),
                Some(first) if first != this_ending => {
                    return Err(parse_err(
                        number,
                        format!(
                            "line ends with {} but line 1 with {}",
                            this_ending.name(),
                            first.name()
                        ),
                    ))
                }
                Some(_) => {}
            }
            let line = LogLine::parse(body).map_err(|m| parse_err(number, m))?;
            asm.push(line).map_err(|m| parse_err(number, m))?;
        }
        let last = text.split_inclusive('\n').count();
        asm.finish(ending.unwrap_or_default())
            .map_err(|m| parse_err(last, m))
    }

    /// All lines in file order: header, finished epochs, unfinished epoch.
    pub fn lines(&self) -> Vec<LogLine> {
        let mut lines = self.header.clone();
        lines.extend(self.epochs.iter().flat_map(LoggedEpoch::lines));
        lines.extend(self.unfinished.iter().cloned());
        lines
    }

    /// The log as file text, every line terminated by `ending`.
    pub fn text(&self, ending: LineEnding) -> String {
        let mut out = String::new();
        for line in self.lines() {
            out.push_str(&line.to_string());
            out.push_str(ending.as_str());
        }
        out
    }

    /// The network trained.
    pub fn scheme(&self) -> &Scheme {
        &self.scheme
    }

    /// Trainable parameters, as logged.
    pub fn num_params(&self) -> u64 {
        self.num_params
    }

    /// Multiply-accumulates for one image, as logged.
    pub fn num_macs(&self) -> u64 {
        self.num_macs
    }

    /// The lines before the first epoch, in file order.
    pub fn header(&self) -> &[LogLine] {
        &self.header
    }

    /// The finished epochs, epoch 1 first.
    pub fn epochs(&self) -> &[LoggedEpoch] {
        &self.epochs
    }

    /// The lines of an epoch that started but has no accuracy line yet.
    pub fn unfinished(&self) -> &[LogLine] {
        &self.unfinished
    }

    /// The line ending the parsed file used (CRLF for a log built in memory).
    pub fn line_ending(&self) -> LineEnding {
        self.line_ending
    }

    /// How many lines the log has (the last line's 1-based number).
    pub fn num_lines(&self) -> usize {
        self.header.len() + 3 * self.epochs.len() + self.unfinished.len()
    }
}

#[cfg(test)]
mod tests;
