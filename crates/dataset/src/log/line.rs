//! One line of a training log: a timestamp and one of eight messages.

use super::Timestamp;
use crate::pyfloat::py_repr;
use naap_space::Scheme;
use std::fmt;

/// What a log line says, in the paper's wording.
#[derive(Debug, Clone, PartialEq)]
pub enum LogEvent {
    /// `Network scheme: [{"kernel_size": 3, ...}, ...]` (Python `json.dumps`).
    Scheme(Scheme),
    /// `Network has been init on device cuda:0`.
    Device(String),
    /// `Network #params: 2566, #MACs: 231600`.
    Params {
        /// Trainable parameters.
        num_params: u64,
        /// Multiply-accumulates for one image.
        num_macs: u64,
    },
    /// `Training set is ready`.
    DataReady,
    /// `Ready to start training`.
    TrainingReady,
    /// `Epoch 1, LR: 0.1`: an epoch (1-based) starts.
    EpochStarted {
        /// 1-based epoch number.
        epoch: u32,
        /// Learning rate for this epoch.
        lr: f64,
    },
    /// `Loss mean, median: 1.86513, 1.81158`: the epoch's batch losses.
    Losses {
        /// Mean of the batch losses.
        mean: f64,
        /// Median of the batch losses.
        median: f64,
    },
    /// `Test accuracy: 0.3625`: the epoch's test accuracy in [0, 1].
    Accuracy(f64),
}

/// One log line: when, and what.
#[derive(Debug, Clone, PartialEq)]
pub struct LogLine {
    /// When the line was written (UTC).
    pub at: Timestamp,
    /// What it says.
    pub event: LogEvent,
}

impl LogLine {
    /// A line stamped with the current UTC time.
    pub fn now(event: LogEvent) -> Self {
        LogLine {
            at: Timestamp::now_utc(),
            event,
        }
    }

    /// Parses one line without its line ending; the error says what is wrong.
    pub fn parse(text: &str) -> Result<LogLine, String> {
        let (stamp, message) = text.split_once(' ').ok_or_else(|| {
            format!(
                "expected 'TIMESTAMP MESSAGE', got '{}'",
                crate::excerpt(text)
            )
        })?;
        let at = Timestamp::parse(stamp).ok_or_else(|| {
            format!(
                "expected a YYYYMMDDhhmmss timestamp, got '{}'",
                crate::excerpt(stamp)
            )
        })?;
        let event = parse_event(message)?;
        Ok(LogLine { at, event })
    }
}

impl fmt::Display for LogLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.at, self.event)
    }
}

impl fmt::Display for LogEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LogEvent::Scheme(s) => write!(f, "Network scheme: {}", python_json(s)),
            LogEvent::Device(d) => write!(f, "Network has been init on device {d}"),
            LogEvent::Params {
                num_params,
                num_macs,
            } => write!(f, "Network #params: {num_params}, #MACs: {num_macs}"),
            LogEvent::DataReady => f.write_str("Training set is ready"),
            LogEvent::TrainingReady => f.write_str("Ready to start training"),
            LogEvent::EpochStarted { epoch, lr } => {
                write!(f, "Epoch {epoch}, LR: {}", py_repr(*lr))
            }
            LogEvent::Losses { mean, median } => write!(
                f,
                "Loss mean, median: {}, {}",
                py_repr(*mean),
                py_repr(*median)
            ),
            LogEvent::Accuracy(a) => write!(f, "Test accuracy: {}", py_repr(*a)),
        }
    }
}

/// A scheme as Python's `json.dumps` prints a list of dicts: `", "` and
/// `": "` separators, keys in the published order.
fn python_json(scheme: &Scheme) -> String {
    let layers: Vec<String> = scheme
        .layers
        .iter()
        .map(|l| {
            format!(
                r#"{{"kernel_size": {}, "width": {}, "stride": {}, "residual": {}}}"#,
                l.kernel_size, l.width, l.stride, l.residual
            )
        })
        .collect();
    format!("[{}]", layers.join(", "))
}

fn parse_event(message: &str) -> Result<LogEvent, String> {
    if let Some(json) = message.strip_prefix("Network scheme: ") {
        let scheme: Scheme =
            serde_json::from_str(json).map_err(|e| format!("network scheme: {e}"))?;
        return Ok(LogEvent::Scheme(scheme));
    }
    if let Some(device) = message.strip_prefix("Network has been init on device ") {
        return Ok(LogEvent::Device(device.to_string()));
    }
    if let Some(rest) = message.strip_prefix("Network #params: ") {
        let (params, macs) = rest.split_once(", #MACs: ").ok_or_else(|| {
            format!(
                "expected 'Network #params: N, #MACs: M', got '{}'",
                crate::excerpt(message)
            )
        })?;
        return Ok(LogEvent::Params {
            num_params: integer(params, "#params")?,
            num_macs: integer(macs, "#MACs")?,
        });
    }
    match message {
        "Training set is ready" => return Ok(LogEvent::DataReady),
        "Ready to start training" => return Ok(LogEvent::TrainingReady),
        _ => {}
    }
    if let Some(rest) = message.strip_prefix("Epoch ") {
        let (epoch, lr) = rest.split_once(", LR: ").ok_or_else(|| {
            format!(
                "expected 'Epoch E, LR: x', got '{}'",
                crate::excerpt(message)
            )
        })?;
        let epoch = integer(epoch, "epoch")?;
        let lr = number(lr, "LR")?;
        if lr <= 0.0 {
            return Err(format!("LR must be positive, got {lr}"));
        }
        return Ok(LogEvent::EpochStarted {
            epoch: u32::try_from(epoch).map_err(|_| format!("epoch {epoch} is too large"))?,
            lr,
        });
    }
    if let Some(rest) = message.strip_prefix("Loss mean, median: ") {
        let (mean, median) = rest.split_once(", ").ok_or_else(|| {
            format!(
                "expected 'Loss mean, median: a, b', got '{}'",
                crate::excerpt(message)
            )
        })?;
        return Ok(LogEvent::Losses {
            mean: number(mean, "loss mean")?,
            median: number(median, "loss median")?,
        });
    }
    if let Some(acc) = message.strip_prefix("Test accuracy: ") {
        let acc = number(acc, "test accuracy")?;
        if !(0.0..=1.0).contains(&acc) {
            return Err(format!("test accuracy must be in [0, 1], got {acc}"));
        }
        return Ok(LogEvent::Accuracy(acc));
    }
    Err(format!(
        "unrecognised log message '{}'",
        crate::excerpt(message)
    ))
}

fn integer(text: &str, what: &str) -> Result<u64, String> {
    text.parse().map_err(|_| {
        format!(
            "{what}: expected a non-negative integer, got '{}'",
            crate::excerpt(text)
        )
    })
}

/// A finite float; NaN and infinities are refused because a diverged run
/// cannot go into a dataset.
fn number(text: &str, what: &str) -> Result<f64, String> {
    let v: f64 = text
        .parse()
        .map_err(|_| format!("{what}: expected a number, got '{}'", crate::excerpt(text)))?;
    if !v.is_finite() {
        return Err(format!(
            "{what}: expected a finite number, got '{}'",
            crate::excerpt(text)
        ));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_published_line_shape_round_trips() {
        let lines = [
            r#"20220901141247 Network scheme: [{"kernel_size": 3, "width": 12, "stride": 2, "residual": false}, {"kernel_size": 1, "width": 16, "stride": 1, "residual": true}]"#,
            "20220901141250 Network has been init on device cuda:0",
            "20220901141250 Network #params: 2566, #MACs: 231600",
            "20220901141251 Training set is ready",
            "20220901141251 Ready to start training",
            "20220901141252 Epoch 1, LR: 0.1",
            "20220901141310 Loss mean, median: 1.86513, 1.0",
            "20220901141314 Test accuracy: 0.3625",
            "20220901141252 Epoch 12, LR: 1e-05",
        ];
        for text in lines {
            let line = LogLine::parse(text).unwrap();
            assert_eq!(line.to_string(), text);
        }
    }

    #[test]
    fn garbled_lines_say_what_is_wrong() {
        let err = |t: &str| LogLine::parse(t).unwrap_err();
        assert!(err("20220901141314 Test accuracy: 0.3x").contains("got '0.3x'"));
        assert!(err("20220901141314 Test accuracy: nan").contains("finite"));
        assert!(err("20220901141314 Test accuracy: 1.5").contains("[0, 1]"));
        assert!(err("2022090114131 Epoch 1, LR: 0.1").contains("timestamp"));
        assert!(err("20220901141314 Epoch 1 LR 0.1").contains("Epoch E, LR"));
        assert!(err("20220901141314 Hello").contains("unrecognised"));
        assert!(err("garbage").contains("TIMESTAMP MESSAGE"));
        assert!(err(r#"20220901141314 Network scheme: [{"width": 3}]"#).contains("scheme"));
    }
}
