//! The decision journal: every batch a search paid for, in order, so that a
//! killed search resumes without training anything twice.
//!
//! `journal.jsonl` starts with one header line naming the search (its
//! config and the build that ran it); each paid batch then appends one JSON
//! line with the work asked, the epoch records returned and the wall time it
//! took, synced to disk before the search goes on. On resume the strategy
//! runs again from the start and the live source answers its batches from
//! the journal, in order, until the journal ends; so the decisions and the
//! meter's counters come out as in an uninterrupted run, and only the rest
//! is trained. A last line cut off by a kill is dropped (its batch is
//! trained again, resuming from the checkpoints).
//!
//! A trainer that hands a batch to a cluster also journals each submission
//! (`{"submitted": ...}`: the batch, the job id, the items) before it waits,
//! so that a search killed while the cluster trains adopts the job on resume
//! instead of submitting it again.

use crate::run::split_header;
use crate::{Error, Result};
use naap_dataset::EpochRecord;
use naap_nas::{Advance, Advanced};
use naap_output::build::{check_same_build, StaleBuild};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// One paid batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Batch {
    /// `[ModelId, from_epoch, to_epoch]` of each item, as asked.
    pub work: Vec<[u32; 3]>,
    /// Per item, `[loss mean, loss median, accuracy]` of each new epoch.
    pub records: Vec<Vec<[f64; 3]>>,
    /// Wall time the batch took, in seconds.
    pub secs: f64,
    /// `(ModelId, why)` of each item whose training diverged (in the epoch
    /// after its records); absent when none did.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diverged: Vec<(u32, String)>,
}

impl Batch {
    /// The batch of `work` answered with `answers` in `secs`.
    pub fn new(work: &[Advance], answers: &[Advanced], secs: f64) -> Batch {
        Batch {
            work: work
                .iter()
                .map(|w| [w.model_id.get(), w.from_epoch, w.to_epoch])
                .collect(),
            records: answers
                .iter()
                .map(|a| {
                    a.records
                        .iter()
                        .map(|e| [e.loss_mean, e.loss_median, e.accuracy])
                        .collect()
                })
                .collect(),
            secs,
            diverged: work
                .iter()
                .zip(answers)
                .filter_map(|(w, a)| a.diverged.clone().map(|why| (w.model_id.get(), why)))
                .collect(),
        }
    }

    /// Whether this batch answered exactly `work`.
    pub fn is_for(&self, work: &[Advance]) -> bool {
        self.work.len() == work.len()
            && self
                .work
                .iter()
                .zip(work)
                .all(|(a, w)| *a == [w.model_id.get(), w.from_epoch, w.to_epoch])
    }

    /// The answer to each item, as the trainer gave it.
    pub fn answers(&self) -> Vec<Advanced> {
        self.work
            .iter()
            .zip(&self.records)
            .map(|(w, r)| Advanced {
                records: r
                    .iter()
                    .map(|&[loss_mean, loss_median, accuracy]| EpochRecord {
                        loss_mean,
                        loss_median,
                        accuracy,
                    })
                    .collect(),
                diverged: self
                    .diverged
                    .iter()
                    .find(|d| d.0 == w[0])
                    .map(|d| d.1.clone()),
            })
            .collect()
    }
}

/// One submission of (part of) a batch to a cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Submission {
    /// The batch (0-based, as [`Journal::batches`] counts them).
    pub batch: usize,
    /// The cluster's job id.
    pub job: String,
    /// `[ModelId, from_epoch, to_epoch]` of each task, in task order.
    pub work: Vec<[u32; 3]>,
}

/// A journal line: a paid batch, or a submission of one.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Line {
    Submitted { submitted: Submission },
    Paid(Batch),
}

/// The journal file of a search, open for appending.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    batches: Vec<Batch>,
    submissions: Vec<Submission>,
    file: std::fs::File,
}

impl Journal {
    /// Opens `path`, creating it with `header` (one line, no newline) if it
    /// does not exist. An existing journal must start with the same header
    /// ([`crate::journal_header`]), and its batches are read back. One of
    /// the same settings by another build is [`Error::StaleBuild`], or with
    /// `resume_stale` discarded: the search starts again. Any other header
    /// is [`Error::Mismatch`].
    pub fn open(path: &Path, header: &str, resume_stale: bool) -> Result<Journal> {
        assert!(!header.contains('\n'), "a journal header is one line");
        let (mut batches, mut submissions) = (Vec::new(), Vec::new());
        match std::fs::read(path) {
            Ok(bytes) => {
                let text = String::from_utf8(bytes).map_err(|_| Error::Journal {
                    path: path.to_path_buf(),
                    line: 0,
                    message: "not UTF-8 text".into(),
                })?;
                // Only complete lines count: a kill may cut the last one.
                let complete = text.rfind('\n').map_or(0, |i| i + 1);
                let mut lines = text[..complete].lines();
                // The same search by another build: the shared build check
                // names both builds.
                let stale = |first: &str| -> Option<StaleBuild> {
                    let ((old, a), (this, b)) = (split_header(first)?, split_header(header)?);
                    (a == b).then(|| check_same_build(old, this).err())?
                };
                match lines.next() {
                    Some(first) if first == header => {}
                    Some(first) => match stale(first) {
                        Some(_) if resume_stale => {
                            std::fs::write(path, format!("{header}\n")).map_err(Error::io(path))?;
                            return Journal::open(path, header, false);
                        }
                        Some(stale) => {
                            return Err(Error::StaleBuild {
                                path: path.to_path_buf(),
                                stale,
                            })
                        }
                        None => {
                            return Err(Error::Mismatch {
                                path: path.to_path_buf(),
                                message: format!(
                                    "the journal is of another search or build:\n  it has:  {first}\n  this is: {header}"
                                ),
                            })
                        }
                    },
                    None => {}
                }
                for (i, line) in lines.enumerate() {
                    let line: Line = serde_json::from_str(line).map_err(|e| Error::Journal {
                        path: path.to_path_buf(),
                        line: i + 2,
                        message: format!("not a journal batch or submission: {e}"),
                    })?;
                    match line {
                        Line::Paid(batch) => batches.push(batch),
                        Line::Submitted { submitted } => submissions.push(submitted),
                    }
                }
                if complete == 0 {
                    // Not even the header was finished: start the file anew.
                    std::fs::write(path, format!("{header}\n")).map_err(Error::io(path))?;
                } else if complete < text.len() {
                    let f = std::fs::OpenOptions::new()
                        .write(true)
                        .open(path)
                        .map_err(Error::io(path))?;
                    f.set_len(complete as u64).map_err(Error::io(path))?;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::write(path, format!("{header}\n")).map_err(Error::io(path))?;
            }
            Err(e) => return Err(Error::io(path)(e)),
        }
        let file = std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(Error::io(path))?;
        Ok(Journal {
            path: path.to_path_buf(),
            batches,
            submissions,
            file,
        })
    }

    /// The batches paid so far, in order.
    pub fn batches(&self) -> &[Batch] {
        &self.batches
    }

    /// The submissions of batch `index` so far, in order.
    pub fn submissions(&self, index: usize) -> impl Iterator<Item = &Submission> {
        self.submissions.iter().filter(move |s| s.batch == index)
    }

    /// Appends a paid batch and syncs it to disk.
    pub fn append(&mut self, batch: Batch) -> Result<()> {
        self.write_line(&Line::Paid(batch.clone()))?;
        self.batches.push(batch);
        Ok(())
    }

    /// Appends a submission and syncs it to disk.
    pub fn append_submission(&mut self, submitted: Submission) -> Result<()> {
        let line = Line::Submitted { submitted };
        self.write_line(&line)?;
        if let Line::Submitted { submitted } = line {
            self.submissions.push(submitted);
        }
        Ok(())
    }

    fn write_line(&mut self, line: &Line) -> Result<()> {
        let mut text = serde_json::to_string(line).expect("a journal line always serializes");
        text.push('\n');
        // One write per line: a kill leaves at most a cut-off last line.
        self.file
            .write_all(text.as_bytes())
            .and_then(|()| self.file.sync_data())
            .map_err(Error::io(&self.path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(id: u32, acc: f64) -> Batch {
        Batch {
            work: vec![[id, 0, 1]],
            records: vec![vec![[1.0 / 3.0, 0.1, acc]]],
            secs: 0.5,
            diverged: Vec::new(),
        }
    }

    #[test]
    fn batches_read_back_bit_for_bit_and_a_cut_line_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let mut j = Journal::open(&path, "h1", false).unwrap();
        j.append(batch(1, 0.1234)).unwrap();
        j.append(batch(2, 0.2)).unwrap();
        drop(j);
        // A kill in the middle of the third line.
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        f.write_all(b"{\"work\":[[3,0").unwrap();
        drop(f);
        let mut j = Journal::open(&path, "h1", false).unwrap();
        assert_eq!(j.batches(), &[batch(1, 0.1234), batch(2, 0.2)]);
        assert_eq!(
            j.batches()[0].records[0][0][0].to_bits(),
            (1.0f64 / 3.0).to_bits()
        );
        j.append(batch(3, 0.3)).unwrap();
        drop(j);
        let j = Journal::open(&path, "h1", false).unwrap();
        assert_eq!(j.batches().len(), 3);
        assert_eq!(j.batches()[2], batch(3, 0.3));
    }

    #[test]
    fn submissions_read_back_beside_the_batches_they_precede() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let mut j = Journal::open(&path, "h1", false).unwrap();
        j.append(batch(1, 0.5)).unwrap();
        let sub = |job: &str| Submission {
            batch: 1,
            job: job.into(),
            work: vec![[2, 0, 1], [3, 0, 1]],
        };
        j.append_submission(sub("17")).unwrap();
        j.append_submission(sub("18")).unwrap();
        drop(j);
        let j = Journal::open(&path, "h1", false).unwrap();
        assert_eq!(j.batches(), &[batch(1, 0.5)]);
        assert_eq!(
            j.submissions(1).cloned().collect::<Vec<_>>(),
            [sub("17"), sub("18")]
        );
        assert_eq!(j.submissions(0).count(), 0);
    }

    #[test]
    fn another_header_is_refused_and_a_garbled_line_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        Journal::open(&path, "h1", false).unwrap();
        let err = Journal::open(&path, "h2", false).unwrap_err();
        assert!(matches!(err, Error::Mismatch { .. }), "{err}");
        assert!(err.to_string().contains("h2"), "{err}");
        std::fs::write(&path, "h1\nnot json\n").unwrap();
        let err = Journal::open(&path, "h1", false).unwrap_err().to_string();
        assert!(err.contains("journal.jsonl:2"), "{err}");
    }

    #[test]
    fn a_journal_of_another_build_is_refused_or_discarded_with_resume_stale() {
        use crate::journal_header;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let old = journal_header("naap-search 0.1.0 sources 0123", "settings");
        let mut j = Journal::open(&path, &old, false).unwrap();
        j.append(batch(1, 0.5)).unwrap();
        drop(j);
        let new = journal_header(crate::CODE_ID, "settings");
        let err = Journal::open(&path, &new, false).unwrap_err();
        assert!(err.is_bad_input());
        let text = err.to_string();
        assert!(text.contains("journal.jsonl: the journal was written by another build (naap-search 0.1.0 sources 0123; this is naap-search"), "{text}");
        assert!(text.contains("--resume-stale"), "{text}");
        // Other settings are no stale build: --resume-stale does not discard them.
        let other = journal_header(crate::CODE_ID, "other settings");
        let err = Journal::open(&path, &other, true).unwrap_err();
        assert!(matches!(err, Error::Mismatch { .. }), "{err}");
        // Discarded: no batch is replayed, and the journal is now this build's.
        let j = Journal::open(&path, &new, true).unwrap();
        assert!(j.batches().is_empty());
        drop(j);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), format!("{new}\n"));
        assert!(Journal::open(&path, &new, false)
            .unwrap()
            .batches()
            .is_empty());
    }
}
