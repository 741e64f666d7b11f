//! A checkpoint of finished searches, so that an interrupted run resumes.
//!
//! The file starts with one fingerprint line naming everything a search's
//! result depends on besides its (mode, model, feature set): the dataset's
//! content hash, the search seed, the fitting seeds and the noise. Each
//! finished search then appends all its subsets at once, one CSV line each,
//! with numbers in shortest round-trip form so that reading them back gives
//! the same bits. Every line carries the search's size, so a search cut off
//! by an interruption is recognised and run again.

use super::config::SelectValidConfig;
use super::run::{SearchResult, SubsetScore};
use super::search::{Evaluated, Flags};
use super::seed;
use super::split::Mode;
use crate::features::FeatureSet;
use crate::{Error, Result};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The checkpoint file of a run, appended to as searches finish.
///
/// [`Journal::open`] reads the searches a resumed run finished and rewrites
/// the file with just those (atomically, so appending starts on a clean
/// line), or starts a fresh file. [`Journal::record`] appends one finished
/// search; a write failure is kept rather than raised, so a full disk does not
/// stop a long search, and [`Journal::close`] hands it back.
/// [`Journal::discard_if_empty`] removes a checkpoint that holds no finished
/// search: left behind by a failed run, it would only block the next one.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: Mutex<std::fs::File>,
    state: Mutex<JournalState>,
}

#[derive(Debug, Default)]
struct JournalState {
    searches: usize,
    error: Option<std::io::Error>,
}

impl Journal {
    /// Opens the checkpoint at `path` for a run with this `fingerprint`. With
    /// `resume` and an existing file, returns its finished searches whose
    /// feature set is in `sets`; a file that is not UTF-8, was written for
    /// another dataset or seeds, or holds a corrupted line is
    /// [`Error::InvalidInput`] naming the file and line, and is left as it was.
    pub fn open(
        path: &Path,
        fingerprint: &str,
        sets: &[FeatureSet],
        resume: bool,
        resume_stale: bool,
    ) -> Result<(Journal, Vec<SearchResult>)> {
        let bad = |m: String| Error::InvalidInput(format!("{}: {m}", path.display()));
        let done = if resume && path.exists() {
            let bytes = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
            let text = String::from_utf8(bytes).map_err(|_| bad("not UTF-8 text".into()))?;
            if resume_stale && stale_build(&text, fingerprint).is_some() {
                // Another build's searches are redone, none of them kept.
                Vec::new()
            } else {
                read(&text, fingerprint, sets).map_err(|e| bad(e.to_string()))?
            }
        } else {
            Vec::new()
        };
        let mut text = fingerprint.to_string();
        for r in &done {
            text.push_str(&search_lines(r));
        }
        naap_output::write_atomic(path, text.as_bytes())?;
        let io = |source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        let file = std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(io)?;
        let journal = Journal {
            path: path.to_path_buf(),
            file: Mutex::new(file),
            state: Mutex::new(JournalState {
                searches: done.len(),
                error: None,
            }),
        };
        Ok((journal, done))
    }

    /// Appends a finished search (all its subsets at once).
    pub fn record(&self, r: &SearchResult) {
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let written = file
            .write_all(search_lines(r).as_bytes())
            .and_then(|()| file.flush());
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        match written {
            Ok(()) => state.searches += 1,
            Err(e) => {
                state.error.get_or_insert(e);
            }
        }
    }

    /// Removes the file if it holds no finished search (resumed or recorded).
    pub fn discard_if_empty(&self) {
        if self
            .state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .searches
            == 0
        {
            let _ = std::fs::remove_file(&self.path);
        }
    }

    /// Ends the journal; returns the first write that failed, if any.
    pub fn close(self) -> Option<Error> {
        let state = self.state.into_inner().unwrap_or_else(|e| e.into_inner());
        state.error.map(|source| Error::Io {
            path: self.path,
            source,
        })
    }
}

/// Where the code identity starts in a fingerprint line.
const CODE: &str = "; code ";

/// The first line of a checkpoint for `config` on a dataset file's bytes,
/// ending with this build's [`crate::CODE_ID`].
pub fn fingerprint(config: &SelectValidConfig, dataset_bytes: &[u8]) -> String {
    let hash = dataset_bytes.iter().fold(seed::name_hash(""), |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    let seeds: Vec<String> = config.fit_seeds().iter().map(u64::to_string).collect();
    format!(
        "# naap select-features checkpoint v1; dataset fnv1a {hash:016x}; seed {}; fit seeds {}; noise std {}{CODE}{}\n",
        config.seed(),
        seeds.join(" "),
        config.noise_std(),
        crate::CODE_ID
    )
}

/// The build that wrote a checkpoint made for the same dataset and seeds as
/// `expected_fingerprint` but by other code (`None` when it is this build's,
/// or not for this dataset and seeds): its searches are not to be trusted.
pub fn stale_build(text: &str, expected_fingerprint: &str) -> Option<String> {
    let first = text.split_inclusive('\n').next().unwrap_or("").trim_end();
    // Checkpoints from before the code identity carry none.
    let split = |line: &str| match line.split_once(CODE) {
        Some((head, code)) => (head.to_string(), code.to_string()),
        None => (line.to_string(), String::new()),
    };
    let (head, code) = split(first);
    let (expected_head, expected_code) = split(expected_fingerprint.trim_end());
    if head != expected_head {
        return None;
    }
    // The one check of every resumable result.
    naap_output::build::check_same_build(&code, &expected_code)
        .err()
        .map(|stale| stale.found)
}

/// The lines one finished search appends.
pub fn search_lines(r: &SearchResult) -> String {
    let mut out = String::new();
    for e in &r.evaluated {
        let v = &e.value;
        // Names never contain a tab; tabs keep the line trivially splittable.
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            r.mode,
            r.model,
            r.feature_set,
            r.evaluated.len(),
            e.step,
            e.flags.bits(),
            e.score,
            v.mae,
            v.violations,
            v.max_violations,
            v.monotonicity,
            v.reported_seed
        );
    }
    out
}

/// Reads a checkpoint written for the same fingerprint. Searches whose
/// feature set is not in `sets` are skipped; a search with fewer lines than
/// its size (cut off mid-write) is dropped, as is a trailing partial line.
pub fn read(
    text: &str,
    expected_fingerprint: &str,
    sets: &[FeatureSet],
) -> Result<Vec<SearchResult>> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if let Some(build) = stale_build(text, expected_fingerprint) {
        return Err(Error::InvalidInput(format!(
            "the checkpoint was written by another build ({build}; this is {}), so its searches \
             are not trusted; pass --resume-stale to redo them, or --force to start over",
            crate::CODE_ID
        )));
    }
    if first != expected_fingerprint {
        return Err(Error::InvalidInput(format!(
            "the checkpoint was written for another dataset or seeds: {}",
            first.trim_end()
        )));
    }
    let mut out: Vec<(SearchResult, usize)> = Vec::new();
    for (i, line) in lines.enumerate() {
        let Some(line) = line.strip_suffix('\n') else {
            break; // an interrupted write
        };
        let bad = |what: &str| Error::InvalidInput(format!("checkpoint line {}: {what}", i + 2));
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != 12 {
            return Err(bad("expected 12 tab-separated fields"));
        }
        let num = |k: usize| {
            f[k].parse::<u64>()
                .map_err(|_| bad(&format!("field {}: not a count: {}", k + 1, f[k])))
        };
        let real = |k: usize| {
            f[k].parse::<f64>()
                .map_err(|_| bad(&format!("field {}: not a number: {}", k + 1, f[k])))
        };
        let mode: Mode = f[0].parse().map_err(|e: Error| bad(&e.to_string()))?;
        let evaluated = Evaluated {
            flags: Flags::from_bits(num(5)?),
            step: num(4)? as usize,
            score: real(6)?,
            value: SubsetScore {
                mae: real(7)?,
                violations: num(8)? as usize,
                max_violations: num(9)? as usize,
                monotonicity: real(10)?,
                reported_seed: num(11)?,
            },
        };
        let size = num(3)? as usize;
        check_values(&evaluated, size).map_err(|m| bad(&m))?;
        let same = |r: &SearchResult| r.mode == mode && r.model == f[1] && r.feature_set == f[2];
        match out.last_mut() {
            Some((r, n)) if same(r) && r.evaluated.len() < *n => {
                check_flags(evaluated.flags, r.features.len(), size).map_err(|m| bad(&m))?;
                r.evaluated.push(evaluated)
            }
            _ => {
                let Some(set) = sets.iter().find(|s| s.name() == f[2]) else {
                    continue;
                };
                check_flags(evaluated.flags, set.features().len(), size).map_err(|m| bad(&m))?;
                out.push((
                    SearchResult {
                        mode,
                        model: f[1].to_string(),
                        feature_set: f[2].to_string(),
                        features: set.features().iter().map(ToString::to_string).collect(),
                        evaluated: vec![evaluated],
                    },
                    size,
                ));
            }
        }
    }
    Ok(out
        .into_iter()
        .filter(|(r, n)| r.evaluated.len() == *n)
        .map(|(r, _)| r)
        .collect())
}

/// The values of one line inside their domains: a corrupted checkpoint must
/// not be trusted (a NaN score would win every comparison in `best.md`).
fn check_values(e: &Evaluated<SubsetScore>, size: usize) -> std::result::Result<(), String> {
    let v = &e.value;
    let non_negative = |field: usize, name: &str, x: f64| {
        if x.is_finite() && x >= 0.0 {
            Ok(())
        } else {
            Err(format!(
                "field {field} ({name}): expected a finite number >= 0, got {x}"
            ))
        }
    };
    non_negative(7, "score", e.score)?;
    non_negative(8, "MAE", v.mae)?;
    if !(0.0..=1.0).contains(&v.monotonicity) {
        return Err(format!(
            "field 11 (monotonicity score): expected a number in [0, 1], got {}",
            v.monotonicity
        ));
    }
    if v.violations > v.max_violations {
        return Err(format!(
            "field 9 (violations): {} is more than the maximum {} of field 10",
            v.violations, v.max_violations
        ));
    }
    if size == 0 {
        return Err("field 4 (search size): expected at least 1, got 0".into());
    }
    if e.step >= size {
        return Err(format!(
            "field 5 (step): {} is not below the search size {size}",
            e.step
        ));
    }
    Ok(())
}

/// A subset mask names at least one and only existing features, and a search
/// cannot hold more subsets than there are.
fn check_flags(flags: Flags, features: usize, size: usize) -> std::result::Result<(), String> {
    let bits = flags.bits();
    let beyond = features < 64 && bits >> features != 0;
    if bits == 0 || beyond {
        return Err(format!(
            "field 6 (subset mask): {bits} is not a non-empty subset of the {features} features"
        ));
    }
    if features < 64 && size as u128 >= 1u128 << features {
        return Err(format!(
            "field 4 (search size): {size} is more than the {} subsets of {features} features",
            (1u128 << features) - 1
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::config::{feature_set, SelectConfig};
    use super::*;
    use naap_dataset::Format;

    fn result(mode: Mode, n: usize) -> SearchResult {
        SearchResult {
            mode,
            model: "SVR (RBF kernel)".into(),
            feature_set: "Scheme8".into(),
            features: feature_set(Format::V2, 0)
                .unwrap()
                .features()
                .iter()
                .map(ToString::to_string)
                .collect(),
            evaluated: (0..n)
                .map(|i| Evaluated {
                    flags: Flags::from_bits(255 - i as u64),
                    step: i.min(1),
                    score: 0.1 + 1.0 / (3.0 + i as f64),
                    value: SubsetScore {
                        mae: 1.0 / 7.0 + i as f64,
                        violations: i,
                        max_violations: 780,
                        monotonicity: 1.0 - i as f64 / 780.0,
                        reported_seed: 20220905,
                    },
                })
                .collect(),
        }
    }

    #[test]
    fn round_trips_exactly_and_drops_cut_off_searches() {
        let config = SelectConfig::default().validate().unwrap();
        let fp = fingerprint(&config, b"dataset");
        let sets = vec![feature_set(Format::V2, 0).unwrap()];
        let (a, b) = (
            result(Mode::Interpolation, 3),
            result(Mode::LeftExtrapolation, 4),
        );
        let text = format!("{fp}{}{}", search_lines(&a), search_lines(&b));
        assert_eq!(read(&text, &fp, &sets).unwrap(), vec![a.clone(), b.clone()]);
        // Cut inside b's lines (whole lines, then mid-line): only a survives.
        let cut = text.len() - search_lines(&b).len() / 2;
        assert_eq!(read(&text[..cut], &fp, &sets).unwrap(), vec![a.clone()]);
        let whole_lines = text[..cut].rfind('\n').unwrap() + 1;
        assert_eq!(read(&text[..whole_lines], &fp, &sets).unwrap(), vec![a]);
        // Another dataset or seed is refused.
        let other = fingerprint(&config, b"other");
        assert!(read(&text, &other, &sets).is_err());
        // Feature sets outside the plan are skipped.
        assert!(read(&text, &fp, &[]).unwrap().is_empty());
    }

    #[test]
    fn corrupted_values_are_errors_naming_the_line() {
        let config = SelectConfig::default().validate().unwrap();
        let fp = fingerprint(&config, b"dataset");
        let sets = vec![feature_set(Format::V2, 0).unwrap()];
        let good = search_lines(&result(Mode::Interpolation, 3));
        let line2: Vec<&str> = good.lines().nth(1).unwrap().split('\t').collect();
        // Field (0-based) and a corrupt value: a mask bit beyond the 8
        // features (this panicked), NaN or negative scores, too many violations.
        let cases = [
            (5, "256", "field 6 (subset mask)"),
            (5, "0", "field 6 (subset mask)"),
            (6, "NaN", "field 7 (score)"),
            (7, "-1", "field 8 (MAE)"),
            (8, "781", "field 9 (violations)"),
            (10, "1.5", "field 11 (monotonicity score)"),
            (10, "inf", "field 11 (monotonicity score)"),
        ];
        for (field, value, want) in cases {
            let mut f = line2.clone();
            f[field] = value;
            let lines: Vec<String> = good
                .lines()
                .enumerate()
                .map(|(i, l)| if i == 1 { f.join("\t") } else { l.to_string() })
                .collect();
            let text = format!("{fp}{}\n", lines.join("\n"));
            let err = read(&text, &fp, &sets).unwrap_err().to_string();
            assert!(err.starts_with("checkpoint line 3: "), "{err}");
            assert!(err.contains(want), "{value}: {err}");
        }
    }

    #[test]
    fn a_journal_resumes_records_and_discards_an_empty_file() {
        let config = SelectConfig::default().validate().unwrap();
        let fp = fingerprint(&config, b"dataset");
        let sets = vec![feature_set(Format::V2, 0).unwrap()];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("checkpoint.csv");
        let (journal, done) = Journal::open(&path, &fp, &sets, false, false).unwrap();
        assert!(done.is_empty());
        let a = result(Mode::Interpolation, 3);
        journal.record(&a);
        assert!(journal.close().is_none());
        let (journal, done) = Journal::open(&path, &fp, &sets, true, false).unwrap();
        assert_eq!(done, vec![a]);
        journal.discard_if_empty();
        assert!(path.exists(), "a journal with a finished search is kept");
        let (fresh, _) = Journal::open(&path, &fp, &sets, false, false).unwrap();
        fresh.discard_if_empty();
        assert!(!path.exists(), "an empty journal is removed");
        // Not UTF-8: an input error naming the file, the file left as it was.
        std::fs::write(&path, b"\xff\xfe").unwrap();
        let err = Journal::open(&path, &fp, &sets, true, false)
            .unwrap_err()
            .to_string();
        assert!(err.contains("checkpoint.csv: not UTF-8 text"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"\xff\xfe");
    }

    /// Issue 13: `--resume` reused searches made before a k-NN fix.
    #[test]
    fn a_checkpoint_of_another_build_is_stale_and_refused() {
        let config = SelectConfig::default().validate().unwrap();
        let fp = fingerprint(&config, b"dataset");
        assert!(fp.trim_end().ends_with(crate::CODE_ID), "{fp}");
        let sets = vec![feature_set(Format::V2, 0).unwrap()];
        let lines = search_lines(&result(Mode::Interpolation, 3));
        assert_eq!(stale_build(&format!("{fp}{lines}"), &fp), None);
        let other = fp.replace(
            crate::CODE_ID,
            "naap-predict 0.1.0 sources 0123456789abcdef",
        );
        let text = format!("{other}{lines}");
        assert_eq!(
            stale_build(&text, &fp).as_deref(),
            Some("naap-predict 0.1.0 sources 0123456789abcdef")
        );
        let err = read(&text, &fp, &sets).unwrap_err().to_string();
        assert!(
            err.contains("another build (naap-predict 0.1.0 sources 0123456789abcdef; this is"),
            "{err}"
        );
        assert!(err.contains("--resume-stale"), "{err}");
        // A checkpoint from before the code identity is stale too.
        let old = format!("{}\n{lines}", fp.split_once(CODE).unwrap().0);
        assert!(stale_build(&old, &fp).unwrap().contains("older build"));
        assert!(read(&old, &fp, &sets).is_err());
        // Another dataset is not a question of builds.
        let other_data = fingerprint(&config, b"other");
        assert_eq!(stale_build(&format!("{other_data}{lines}"), &fp), None);
    }
}
