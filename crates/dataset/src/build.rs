//! Building the dataset from training logs: one row per log, the published
//! columns, and the published test split.

use crate::log::{LogEvent, TrainingLog};
use crate::source::LogFile;
use crate::{Architecture, Dataset, EpochRecord, Error, Format, Result, Row};
use naap_profile::{profile, ProfileConfig, SchemeFeatures};
use naap_space::{IdList, ModelId, Scheme};
use std::path::{Path, PathBuf};

/// Settings of a dataset build (unchecked; see [`BuildConfig::validate`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildConfig {
    /// Column set to write. Default [`Format::V1`].
    pub format: Format,
    /// Use the first N epochs of each log. Default `None`: the most epochs
    /// any log has finished. If set, ≥ 1.
    pub epochs: Option<usize>,
    /// Leave out logs that end early (and list them) instead of failing.
    /// Default false.
    pub skip_incomplete: bool,
    /// Bins of the MaxAccuracy-sorted rows; the middle row of each is a
    /// test row. Default 40 (the published split); ≥ 1, and the build needs
    /// at least two rows per bin.
    pub test_bins: usize,
    /// The ModelIds to build, each needing its log; logs of other ids are
    /// left out. Default `None`: every scheme of the schemes list needs its
    /// log (a missing one is an error unless `skip_incomplete`). An
    /// [`IdList`] is never empty and names each id once.
    pub ids: Option<IdList>,
}

impl Default for BuildConfig {
    fn default() -> Self {
        BuildConfig {
            format: Format::V1,
            epochs: None,
            skip_incomplete: false,
            test_bins: 40,
            ids: None,
        }
    }
}

/// A checked [`BuildConfig`]; only [`BuildConfig::validate`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildValidConfig(BuildConfig);

impl BuildConfig {
    /// Checks `epochs` ≥ 1 (when set) and `test_bins` ≥ 1.
    pub fn validate(self) -> Result<BuildValidConfig> {
        if self.epochs == Some(0) {
            return Err(Error::Config("epochs must be at least 1, got 0".into()));
        }
        if self.test_bins == 0 {
            return Err(Error::Config("test bins must be at least 1, got 0".into()));
        }
        Ok(BuildValidConfig(self))
    }
}

impl BuildValidConfig {
    /// The checked settings.
    pub fn get(&self) -> &BuildConfig {
        &self.0
    }
}

/// A log left out by `skip_incomplete`, and why.
#[derive(Debug)]
pub struct Skipped {
    /// The log.
    pub path: PathBuf,
    /// What was missing (an [`Error::Incomplete`]).
    pub reason: Error,
}

/// The result of a build.
#[derive(Debug)]
pub struct Built {
    /// The dataset, rows in ModelId order.
    pub dataset: Dataset,
    /// Logs left out because they end early (only with `skip_incomplete`).
    pub skipped: Vec<Skipped>,
    /// Log files found in the source, used or not.
    pub logs_found: usize,
}

/// Builds the dataset from log files (any order).
///
/// `schemes` is the space the logs were trained from: the log
/// `scheme_{id}.txt` must hold scheme `id` (1-based) of it, so a swapped,
/// duplicated or foreign log is an error, and so is a log whose id the list
/// does not have. Every scheme (or every id of `config.ids`) needs its log; a
/// missing one is an error, or with `skip_incomplete` a skipped item.
///
/// Fails on the first bad log, naming its file and line: a garbled or
/// out-of-order line, `#params`/`#MACs` that do not match the scheme, or a
/// log that ends early (unless `skip_incomplete`). `progress(done, total)`
/// is called after each log is read.
pub fn build(
    logs: &[LogFile],
    schemes: &[Scheme],
    config: &BuildValidConfig,
    mut progress: impl FnMut(usize, usize),
) -> Result<Built> {
    let config = config.get();
    let logs_found = logs.len();
    let (logs, mut skipped) = match_schemes(logs, schemes, config)?;
    let profile_config = ProfileConfig::default()
        .validate()
        .expect("the default profile config is valid");
    let mut parsed = Vec::with_capacity(logs.len());
    for (i, file) in logs.iter().enumerate() {
        match TrainingLog::parse(&file.bytes, &file.path) {
            Ok(log) => {
                check_scheme(&log, file, schemes)?;
                let counts = check_counts(&log, &file.path, &profile_config)?;
                parsed.push((file, log, counts));
            }
            Err(err @ Error::Incomplete { .. }) if config.skip_incomplete => {
                skipped.push(Skipped {
                    path: file.path.clone(),
                    reason: err,
                })
            }
            Err(err) => return Err(err),
        }
        progress(i + 1, logs.len());
    }
    let num_epochs = config.epochs.unwrap_or_else(|| {
        parsed
            .iter()
            .map(|(_, log, _)| log.epochs().len())
            .max()
            .unwrap_or(0)
    });
    let mut rows = Vec::with_capacity(parsed.len());
    let mut names = Vec::with_capacity(parsed.len());
    for (file, log, counts) in &parsed {
        if log.epochs().len() < num_epochs {
            let err = Error::Incomplete {
                path: file.path.clone(),
                line: log.num_lines(),
                message: format!(
                    "the log ends after epoch {} of the {num_epochs} asked: truncated",
                    log.epochs().len()
                ),
            };
            if config.skip_incomplete {
                skipped.push(Skipped {
                    path: file.path.clone(),
                    reason: err,
                });
                continue;
            }
            return Err(err);
        }
        let id = ModelId::new(file.model_id)
            .map_err(|e| Error::Source(format!("{}: {e}", file.path.display())))?;
        let row = make_row(id, log, counts, config.format, num_epochs);
        // The values a reader would refuse (an accuracy above 1, a negative
        // loss) are refused here, before they reach a CSV.
        crate::validate::check_row(&row)
            .map_err(|m| Error::Source(format!("{}: {}", file.path.display(), m)))?;
        rows.push(row);
        names.push(file.name.as_str());
    }
    if num_epochs == 0 || rows.is_empty() {
        return Err(Error::Source(format!(
            "no log has a finished epoch ({} read, {} skipped)",
            logs.len(),
            skipped.len()
        )));
    }
    let max_accuracies: Vec<f64> = rows.iter().map(|r| r.max_accuracy).collect();
    for i in test_rows(&max_accuracies, &names, config.test_bins)? {
        rows[i].is_test = true;
    }
    rows.sort_by_key(|r| r.id);
    // The split-level checks of readers (2 train and 2 test rows, a varying
    // target) are left to them: a partial build of a few logs is a
    // legitimate way to look at a running sweep.
    let dataset = Dataset {
        format: config.format,
        rows,
    };
    Ok(Built {
        dataset,
        skipped,
        logs_found,
    })
}

/// The logs to build and the missing ones (skipped with `skip_incomplete`):
/// checks that every log's id is a scheme of the list and that every
/// expected id has a log.
fn match_schemes<'a>(
    logs: &'a [LogFile],
    schemes: &[Scheme],
    config: &BuildConfig,
) -> Result<(Vec<&'a LogFile>, Vec<Skipped>)> {
    let n = schemes.len();
    let out_of_range = |id: u32| id as usize > n;
    if let Some(log) = logs.iter().find(|l| out_of_range(l.model_id)) {
        return Err(Error::Source(format!(
            "{}: a log for ModelId {}, but the schemes list has {n} schemes",
            log.path.display(),
            log.model_id
        )));
    }
    let expected: Vec<u32> = match &config.ids {
        Some(ids) => {
            if let Some(id) = ids.max().filter(|id| out_of_range(id.get())) {
                return Err(Error::Config(format!(
                    "ModelId {id} asked, but the schemes list has {n} schemes"
                )));
            }
            ids.iter().map(ModelId::get).collect()
        }
        None => (1..=n as u32).collect(),
    };
    let used: Vec<&LogFile> = logs
        .iter()
        .filter(|l| expected.contains(&l.model_id))
        .collect();
    let missing: Vec<u32> = expected
        .iter()
        .copied()
        .filter(|id| !logs.iter().any(|l| l.model_id == *id))
        .collect();
    if missing.is_empty() {
        return Ok((used, Vec::new()));
    }
    let source = logs
        .first()
        .and_then(|l| l.path.parent())
        .unwrap_or(Path::new("."));
    if !config.skip_incomplete {
        let listed: Vec<String> = missing.iter().take(10).map(u32::to_string).collect();
        let more = missing.len().saturating_sub(10);
        return Err(Error::Source(format!(
            "{}: no log for {} of the {} expected ModelIds ({}{}); pass --skip-incomplete \
             to build without them, or --ids to build only some",
            source.display(),
            missing.len(),
            expected.len(),
            listed.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        )));
    }
    let skipped = missing
        .iter()
        .map(|id| {
            let path = source.join(format!("scheme_{id}.txt"));
            Skipped {
                reason: Error::Source(format!("{}: missing", path.display())),
                path,
            }
        })
        .collect();
    Ok((used, skipped))
}

/// Checks that the log holds the scheme its file name says.
fn check_scheme(log: &TrainingLog, file: &LogFile, schemes: &[Scheme]) -> Result<()> {
    let want = &schemes[file.model_id as usize - 1];
    if log.scheme() == want {
        return Ok(());
    }
    let line = log
        .header()
        .iter()
        .position(|l| matches!(l.event, LogEvent::Scheme(_)))
        .map_or(1, |i| i + 1);
    let actual = match schemes.iter().position(|s| s == log.scheme()) {
        Some(i) => format!("it is scheme {} (a swapped or copied log?)", i + 1),
        None => "it is not in the schemes list at all".to_string(),
    };
    Err(Error::Parse {
        path: file.path.clone(),
        line,
        message: format!(
            "the network scheme is not scheme {} of the schemes list: {actual}",
            file.model_id
        ),
    })
}

/// Profiles the log's scheme and checks it against the logged `#params` and
/// `#MACs`; a mismatch means the log and its scheme line disagree.
fn check_counts(
    log: &TrainingLog,
    path: &Path,
    config: &naap_profile::ProfileValidConfig,
) -> Result<SchemeFeatures> {
    let line_of = |want: fn(&LogEvent) -> bool| {
        log.header()
            .iter()
            .position(|l| want(&l.event))
            .map_or(1, |i| i + 1)
    };
    let scheme_line = line_of(|e| matches!(e, LogEvent::Scheme(_)));
    let counts = profile(log.scheme(), config).map_err(|e| Error::Parse {
        path: path.to_path_buf(),
        line: scheme_line,
        message: format!("the network scheme cannot be profiled: {e}"),
    })?;
    if (counts.num_params, counts.num_macs) != (log.num_params(), log.num_macs()) {
        return Err(Error::Parse {
            path: path.to_path_buf(),
            line: line_of(|e| matches!(e, LogEvent::Params { .. })),
            message: format!(
                "#params {} and #MACs {} do not match the scheme on line {scheme_line}, \
                 which has {} params and {} MACs",
                log.num_params(),
                log.num_macs(),
                counts.num_params,
                counts.num_macs
            ),
        });
    }
    Ok(counts)
}

fn make_row(
    model_id: ModelId,
    log: &TrainingLog,
    p: &SchemeFeatures,
    format: Format,
    num_epochs: usize,
) -> Row {
    let epochs: Vec<EpochRecord> = log.epochs()[..num_epochs]
        .iter()
        .map(EpochRecord::from)
        .collect();
    let max_accuracy = epochs.iter().map(|e| e.accuracy).fold(f64::MIN, f64::max);
    // `check_counts` found the log's #params and #MACs equal to the profile's.
    Row {
        architecture: Architecture {
            id: model_id,
            scheme: format.scheme_features(*p),
            epochs,
            extra: Vec::new(),
        },
        is_test: false,
        max_accuracy,
    }
}

/// Indices of the test rows: sort by MaxAccuracy (ties by log file name,
/// compared as strings, so `scheme_206.txt` before `scheme_318.txt`), cut
/// into `bins` bins of near-equal size (bin b holds sorted positions
/// `b*n/bins .. (b+1)*n/bins`), and take the middle row of each (position
/// `len/2` in a bin of `len` rows: the 6th of 11 in the published split).
pub fn test_rows(max_accuracy: &[f64], names: &[&str], bins: usize) -> Result<Vec<usize>> {
    let n = max_accuracy.len();
    // Each bin needs a train row beside its test row; `bins > n / 2` says
    // so without multiplying, which a huge --test-bins would overflow.
    if bins > n / 2 {
        return Err(Error::Source(format!(
            "{n} logs are too few for {bins} test bins (need at least {})",
            (bins as u128) * 2
        )));
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        max_accuracy[a]
            .total_cmp(&max_accuracy[b])
            .then_with(|| names[a].cmp(names[b]))
    });
    Ok((0..bins)
        .map(|b| {
            let (start, end) = (b * n / bins, (b + 1) * n / bins);
            order[start + (end - start) / 2]
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn middle_of_each_bin_is_test_with_name_ties() {
        // 6 rows, 2 bins of 3: sorted positions 1 and 4 are test.
        let acc = [0.5, 0.1, 0.3, 0.3, 0.9, 0.7];
        let names = ["s1", "s2", "s3", "s4", "s5", "s6"];
        // Sorted: s2(0.1) s3(0.3) s4(0.3) | s1(0.5) s6(0.7) s5(0.9)
        assert_eq!(test_rows(&acc, &names, 2).unwrap(), [2, 5]);
        // Swapping the tied names moves the test row to the other tied log.
        let names = ["s1", "s2", "s4", "s3", "s5", "s6"];
        assert_eq!(test_rows(&acc, &names, 2).unwrap(), [3, 5]);
        assert!(test_rows(&acc, &names, 4).is_err());
    }

    #[test]
    fn config_ranges_are_checked() {
        let bad = BuildConfig {
            epochs: Some(0),
            ..BuildConfig::default()
        };
        assert!(bad.validate().is_err());
        let bad = BuildConfig {
            test_bins: 0,
            ..BuildConfig::default()
        };
        assert!(bad.validate().is_err());
    }
}
