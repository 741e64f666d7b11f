//! The training log in the paper's format (`scheme_{id}.txt`), kept as lines
//! so that a checkpoint can carry the log so far and a resumed run continues it.
//!
//! Each line starts with a `YYYYMMDDHHMMSS` UTC timestamp. Losses are rounded
//! to 5 decimals and numbers printed in Python's shortest form, as in the
//! published logs, so `naap dataset build` reads these logs like the originals.

use crate::EpochStats;
use naap_space::Scheme;
use serde::{Deserialize, Serialize};
use std::time::{SystemTime, UNIX_EPOCH};

/// A log in the making: its lines, oldest first, without line ends.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PaperLog {
    lines: Vec<String>,
}

impl PaperLog {
    /// The header the paper writes before the first epoch.
    pub fn start(scheme: &Scheme, device: &str, params: i64, macs: u64) -> PaperLog {
        let mut log = PaperLog::default();
        log.push(format!("Network scheme: {}", python_json(scheme)));
        log.push(format!("Network has been init on device {device}"));
        log.push(format!("Network #params: {params}, #MACs: {macs}"));
        log.push("Training set is ready".into());
        log.push("Ready to start training".into());
        log
    }

    /// The line opening a 1-based epoch.
    pub fn epoch_started(&mut self, epoch: usize, lr: f64) {
        self.push(format!("Epoch {epoch}, LR: {}", py_float(round_to(lr, 10))));
    }

    /// The two lines closing an epoch: losses, then test accuracy.
    pub fn epoch_finished(&mut self, stats: &EpochStats) {
        self.push(format!(
            "Loss mean, median: {}, {}",
            py_float(round_to(stats.loss_mean, 5)),
            py_float(round_to(stats.loss_median, 5))
        ));
        self.push(format!("Test accuracy: {}", py_float(stats.accuracy)));
    }

    /// The whole log as file text, one line per entry, `\n`-terminated.
    pub fn text(&self) -> String {
        self.lines.iter().map(|l| format!("{l}\n")).collect()
    }

    /// The lines, oldest first.
    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    fn push(&mut self, message: String) {
        self.lines
            .push(format!("{} {message}", utc_timestamp(SystemTime::now())));
    }
}

/// The scheme as Python's `json.dumps` prints it (`", "` and `": "` separators).
fn python_json(scheme: &Scheme) -> String {
    let layers: Vec<String> = scheme
        .layers
        .iter()
        .map(|l| {
            format!(
                "{{\"kernel_size\": {}, \"width\": {}, \"stride\": {}, \"residual\": {}}}",
                l.kernel_size, l.width, l.stride, l.residual
            )
        })
        .collect();
    format!("[{}]", layers.join(", "))
}

fn round_to(x: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (x * scale).round() / scale
}

/// Shortest round-trip form with Python's `.0` for integral values.
fn py_float(x: f64) -> String {
    let s = format!("{x}");
    if x.is_finite() && !s.contains('.') && !s.contains('e') {
        format!("{s}.0")
    } else {
        s
    }
}

/// `YYYYMMDDHHMMSS` in UTC.
fn utc_timestamp(t: SystemTime) -> String {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}{m:02}{d:02}{:02}{:02}{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use naap_space::Layer;
    use std::time::Duration;

    #[test]
    fn lines_match_the_published_log_format() {
        let scheme = Scheme {
            layers: vec![Layer {
                kernel_size: 3,
                width: 12,
                stride: 2,
                residual: false,
            }],
        };
        let mut log = PaperLog::start(&scheme, "cpu", 2566, 231600);
        log.epoch_started(2, 0.1 * 0.1);
        log.epoch_finished(&EpochStats {
            loss_mean: 1.865128,
            loss_median: 1.5620999,
            accuracy: 0.3625,
        });
        let bodies: Vec<&str> = log.lines().iter().map(|l| &l[15..]).collect();
        assert_eq!(
            bodies,
            [
                r#"Network scheme: [{"kernel_size": 3, "width": 12, "stride": 2, "residual": false}]"#,
                "Network has been init on device cpu",
                "Network #params: 2566, #MACs: 231600",
                "Training set is ready",
                "Ready to start training",
                "Epoch 2, LR: 0.01",
                "Loss mean, median: 1.86513, 1.5621",
                "Test accuracy: 0.3625",
            ]
        );
        assert!(log.lines()[0].as_bytes()[..14]
            .iter()
            .all(u8::is_ascii_digit));
    }

    #[test]
    fn timestamps_are_utc_calendar_dates() {
        let t = UNIX_EPOCH + Duration::from_secs(1_661_990_000); // `date -u -d @1661990000`
        assert_eq!(utc_timestamp(t), "20220831235320");
        assert_eq!(
            utc_timestamp(UNIX_EPOCH + Duration::from_secs(951_782_400)),
            "20000229000000"
        );
        assert_eq!(py_float(2.0), "2.0");
    }
}
