//! Writing a log line by line while a network trains.

use super::assemble::Assembler;
use super::{LogEvent, LogLine, TrainingLog};
use crate::{Error, LineEnding, Result};
use naap_space::Scheme;
use std::io::Write;

/// Writes a training log as events happen, flushing after every line so
/// an interrupted run leaves only whole lines behind.
///
/// Lines out of order (an accuracy before its loss line, epoch 3 after
/// epoch 1) are refused with [`Error::LogOrder`], so every log written here
/// parses with [`TrainingLog::parse`].
///
/// ```
/// use naap_dataset::{LineEnding, LogWriter, TrainingLog};
/// use naap_space::{Layer, Scheme};
/// let scheme = Scheme { layers: vec![Layer { kernel_size: 3, width: 8, stride: 1, residual: false }] };
/// let mut log = LogWriter::new(Vec::new(), LineEnding::Lf);
/// log.header(&scheme, "cpu", 314, 221_194)?;
/// log.epoch_started(1, 0.1)?;
/// log.losses(2.1, 2.05)?;
/// log.accuracy(0.25)?;
/// let text = log.into_inner();
/// let parsed = TrainingLog::parse(&text, "mem.txt".as_ref())?;
/// assert_eq!(parsed.epochs()[0].accuracy, 0.25);
/// # Ok::<(), naap_dataset::Error>(())
/// ```
#[derive(Debug)]
pub struct LogWriter<W: Write> {
    out: W,
    ending: LineEnding,
    rules: Assembler,
}

impl<W: Write> LogWriter<W> {
    /// A writer for a new log.
    pub fn new(out: W, ending: LineEnding) -> Self {
        LogWriter {
            out,
            ending,
            rules: Assembler::default(),
        }
    }

    /// A writer that appends to `existing` (already in `out`), e.g. when a
    /// trainer resumes; it uses the existing log's line ending.
    pub fn continuing(out: W, existing: &TrainingLog) -> Self {
        let mut rules = Assembler::default();
        for line in existing.lines() {
            rules
                .push(line)
                .expect("a TrainingLog's own lines are in order");
        }
        LogWriter {
            out,
            ending: existing.line_ending(),
            rules,
        }
    }

    /// Writes one line after checking that it may come next.
    pub fn line(&mut self, line: LogLine) -> Result<()> {
        let text = format!("{line}{}", self.ending.as_str());
        self.rules.push(line).map_err(Error::LogOrder)?;
        self.out
            .write_all(text.as_bytes())
            .and_then(|()| self.out.flush())
            .map_err(Error::LogWrite)
    }

    /// Writes the five header lines the paper writes, stamped now.
    pub fn header(
        &mut self,
        scheme: &Scheme,
        device: &str,
        num_params: u64,
        num_macs: u64,
    ) -> Result<()> {
        self.line(LogLine::now(LogEvent::Scheme(scheme.clone())))?;
        self.line(LogLine::now(LogEvent::Device(device.to_string())))?;
        self.line(LogLine::now(LogEvent::Params {
            num_params,
            num_macs,
        }))?;
        self.line(LogLine::now(LogEvent::DataReady))?;
        self.line(LogLine::now(LogEvent::TrainingReady))
    }

    /// Writes `Epoch E, LR: x`, stamped now.
    pub fn epoch_started(&mut self, epoch: u32, lr: f64) -> Result<()> {
        self.line(LogLine::now(LogEvent::EpochStarted { epoch, lr }))
    }

    /// Writes the epoch's loss line, stamped now.
    pub fn losses(&mut self, mean: f64, median: f64) -> Result<()> {
        self.line(LogLine::now(LogEvent::Losses { mean, median }))
    }

    /// Writes the epoch's test accuracy line, stamped now.
    pub fn accuracy(&mut self, accuracy: f64) -> Result<()> {
        self.line(LogLine::now(LogEvent::Accuracy(accuracy)))
    }

    /// The underlying writer.
    pub fn into_inner(self) -> W {
        self.out
    }
}
