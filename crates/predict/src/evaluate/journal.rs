//! `cells.jsonl`: the predictions of every finished cell, so that a killed
//! evaluation resumes without refitting them.
//!
//! The first line names the build and the settings (a hash of `config.toml`);
//! each finished cell then appends one line, `{"cell":i,"predictions":[...]}`,
//! its numbers in shortest round-trip form so they read back to the same
//! bits. A journal of another build or other settings is refused: a resumed
//! run never trusts results it did not make. A last line cut by a kill is
//! dropped (that cell runs again).

use crate::{Error, Result};
use naap_output::build::check_same_build;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

#[derive(Serialize, Deserialize, PartialEq)]
struct Header {
    code: String,
    config_sha256: String,
}

#[derive(Serialize, Deserialize)]
struct Line {
    cell: usize,
    predictions: Vec<f64>,
}

/// The journal, open for appending.
pub(super) struct Journal {
    path: PathBuf,
    file: Mutex<std::fs::File>,
}

impl Journal {
    /// Opens (or starts) the journal of a run of `cells` cells with
    /// `config_toml`; returns the predictions of the cells it holds.
    pub fn open(
        path: &Path,
        config_toml: &str,
        cells: usize,
    ) -> Result<(Journal, HashMap<usize, Vec<f64>>)> {
        let header = Header {
            code: crate::CODE_ID.to_owned(),
            config_sha256: crate::predictor::sha256_hex(config_toml.as_bytes()),
        };
        let header_line = serde_json::to_string(&header).expect("a header serializes");
        let bad =
            |line: usize, m: String| Error::InvalidInput(format!("{}:{line}: {m}", path.display()));
        let mut done = HashMap::new();
        let mut keep = 0;
        match std::fs::read(path) {
            Ok(bytes) => {
                let text = String::from_utf8(bytes).map_err(|_| bad(1, "not UTF-8".into()))?;
                // Only complete lines count: a kill may cut the last one.
                let complete = text.rfind('\n').map_or(0, |i| i + 1);
                let mut lines = text[..complete].lines();
                if let Some(first) = lines.next() {
                    let found: Header = serde_json::from_str(first)
                        .map_err(|e| bad(1, format!("not an evaluation journal: {e}")))?;
                    if let Err(stale) = check_same_build(&found.code, &header.code) {
                        return Err(bad(
                            1,
                            format!("the journal was {stale}; start over with --force"),
                        ));
                    }
                    if found != header {
                        return Err(bad(
                            1,
                            "the journal is of an evaluation with other settings; start over \
                             with --force or use another output folder"
                                .into(),
                        ));
                    }
                    for (i, line) in lines.enumerate() {
                        let l: Line = serde_json::from_str(line)
                            .map_err(|e| bad(i + 2, format!("not a journal line: {e}")))?;
                        if l.cell >= cells {
                            return Err(bad(i + 2, format!("cell {} of {cells}", l.cell)));
                        }
                        done.insert(l.cell, l.predictions);
                    }
                    keep = complete;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(Error::Reading {
                    path: path.to_path_buf(),
                    source,
                })
            }
        }
        // Failing to write the run's own file is the run's fault, not the input's.
        let io = |source: std::io::Error| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(io)?;
        if keep == 0 {
            file.set_len(0).map_err(io)?;
            writeln!(file, "{header_line}").map_err(io)?;
        } else {
            file.set_len(keep as u64).map_err(io)?;
        }
        Ok((
            Journal {
                path: path.to_path_buf(),
                file: Mutex::new(file),
            },
            done,
        ))
    }

    /// Appends cell `cell`'s predictions (one write, so a kill leaves at
    /// most a cut last line).
    pub fn record(&self, cell: usize, predictions: &[f64]) -> Result<()> {
        let mut text = serde_json::to_string(&Line {
            cell,
            predictions: predictions.to_vec(),
        })
        .expect("a journal line serializes");
        text.push('\n');
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        file.write_all(text.as_bytes()).map_err(|source| Error::Io {
            path: self.path.clone(),
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_back_bit_for_bit_and_other_settings_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cells.jsonl");
        let (j, done) = Journal::open(&path, "a = 1", 3).unwrap();
        assert!(done.is_empty());
        j.record(2, &[0.1 + 0.2, 1.0 / 3.0]).unwrap();
        drop(j);
        // A kill in the middle of the next line.
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        f.write_all(b"{\"cell\":0,\"predi").unwrap();
        drop(f);
        let (j, done) = Journal::open(&path, "a = 1", 3).unwrap();
        assert_eq!(done.len(), 1);
        assert_eq!(done[&2][0].to_bits(), (0.1f64 + 0.2).to_bits());
        assert_eq!(done[&2][1].to_bits(), (1.0f64 / 3.0).to_bits());
        j.record(0, &[0.5]).unwrap();
        drop(j);
        let (_, done) = Journal::open(&path, "a = 1", 3).unwrap();
        assert_eq!(done.len(), 2);
        let err = Journal::open(&path, "a = 2", 3).err().unwrap().to_string();
        assert!(err.contains("other settings"), "{err}");
        // Another build's journal is refused, naming both builds.
        let text = std::fs::read_to_string(&path).unwrap();
        let other = text.replacen(crate::CODE_ID, "naap-predict 0.0.1 sources 0bad", 1);
        std::fs::write(&path, other).unwrap();
        let err = Journal::open(&path, "a = 1", 3).err().unwrap().to_string();
        assert!(err.contains("0bad") && err.contains("--force"), "{err}");
    }
}
