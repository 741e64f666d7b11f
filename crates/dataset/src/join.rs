//! Extra numeric columns keyed by ModelId, and joining them onto a dataset.
//!
//! `naap proxies` writes one row per ModelId with one column per zero-cost
//! proxy; [`Dataset::join`] appends such columns to every row, so that the
//! predictors can use them as features. The join is strict: every row of
//! the dataset must find its ModelId in the extra file and the other way
//! round, and no name may clash, since a silently missing or shadowed
//! column would give wrong results with exit 0.

use crate::table::{is_epoch_column, Dataset};
use crate::{Error, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The columns `naap proxies` writes, in its order: ln(synflow), grad_norm,
/// snip and jacob_cov (the NASWOT score) of each scheme at initialisation.
pub const ZERO_COST_COLUMNS: [&str; 4] = ["LogSynFlow", "GradNorm", "Snip", "JacobCov"];

/// Numeric columns per ModelId, read from a CSV whose first column is `ModelId`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtraColumns {
    path: PathBuf,
    names: Vec<String>,
    /// ModelId → (1-based line, values in `names` order).
    rows: HashMap<u32, (usize, Vec<f64>)>,
}

impl ExtraColumns {
    /// Reads `path`: a header `ModelId,NAME,...`, then one row per ModelId
    /// with finite numbers.
    pub fn read(path: &Path) -> Result<ExtraColumns> {
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        ExtraColumns::parse(&bytes, path)
    }

    /// Parses CSV bytes; `path` names the file in messages.
    pub fn parse(bytes: &[u8], path: &Path) -> Result<ExtraColumns> {
        let err = |line: usize, message: String| Error::Parse {
            path: path.to_path_buf(),
            line,
            message,
        };
        std::str::from_utf8(bytes).map_err(|e| err(1, format!("not UTF-8: {e}")))?;
        // The dataset's CSV reader: quoted fields, a BOM, CRLF, all alike.
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut records = reader.records();
        let header = match records.next() {
            Some(r) => r.map_err(|e| crate::read::csv_error(e, bytes, path))?,
            None => return Err(err(1, "empty file: no header".into())),
        };
        let header: Vec<&str> = header.iter().map(str::trim).collect();
        if header.iter().all(|h| h.is_empty()) {
            return Err(err(1, "empty file: no header".into()));
        }
        if header[0] != "ModelId" {
            return Err(err(
                1,
                format!("column 1 is '{}', expected ModelId", header[0]),
            ));
        }
        let names: Vec<String> = header[1..].iter().map(|s| s.to_string()).collect();
        if names.is_empty() {
            return Err(err(1, "no columns besides ModelId".into()));
        }
        for (k, name) in names.iter().enumerate() {
            if name.is_empty() || names[..k].contains(name) {
                return Err(err(
                    1,
                    format!("column {}: empty or duplicate name '{name}'", k + 2),
                ));
            }
            crate::column::check_extra_name(name)
                .map_err(|why| err(1, format!("column {}: bad column name: {why}", k + 2)))?;
        }
        let mut lines = crate::read::LineCounter::new(bytes);
        let mut rows = HashMap::new();
        for record in records {
            let record = record.map_err(|e| crate::read::csv_error(e, bytes, path))?;
            let line = record.position().map_or(0, |p| lines.line_at(p.byte()));
            let cells: Vec<&str> = record.iter().map(str::trim).collect();
            if cells.iter().all(|c| c.is_empty()) {
                continue;
            }
            if cells.len() != header.len() {
                return Err(err(
                    line,
                    format!(
                        "expected {} fields as in the header, got {}",
                        header.len(),
                        cells.len()
                    ),
                ));
            }
            let id: u32 = match cells[0].parse() {
                Ok(id) if id > 0 => id,
                _ => {
                    return Err(err(
                        line,
                        format!(
                            "column ModelId: expected a positive integer, got '{}'",
                            cells[0]
                        ),
                    ))
                }
            };
            let values = names
                .iter()
                .zip(&cells[1..])
                .map(|(name, cell)| match cell.parse::<f64>() {
                    Ok(v) if v.is_finite() => Ok(v),
                    _ => Err(err(
                        line,
                        format!("column {name}: expected a finite number, got '{cell}'"),
                    )),
                })
                .collect::<Result<Vec<f64>>>()?;
            if let Some((first, _)) = rows.insert(id, (line, values)) {
                return Err(err(
                    line,
                    format!("column ModelId: duplicate ModelId {id} (first on line {first})"),
                ));
            }
        }
        if rows.is_empty() {
            return Err(err(1, "no data rows after the header".into()));
        }
        Ok(ExtraColumns {
            path: path.to_path_buf(),
            names,
            rows,
        })
    }

    /// The column names, without `ModelId`.
    pub fn names(&self) -> &[String] {
        &self.names
    }
}

impl Dataset {
    /// This dataset with `extra`'s columns appended to every row, matched by
    /// ModelId.
    ///
    /// Fails when a ModelId of either side is missing from the other, or an
    /// extra column's name is already a column of the dataset or has the
    /// shape of an epoch column.
    pub fn join(&self, extra: &ExtraColumns) -> Result<Dataset> {
        let fail = |message: String| Error::Join {
            path: extra.path.clone(),
            message,
        };
        let existing = self.columns();
        for name in &extra.names {
            if existing.contains(name) {
                return Err(fail(format!(
                    "column {name} is already a column of the dataset"
                )));
            }
            if is_epoch_column(name) {
                return Err(fail(format!(
                    "column {name} has the name of an epoch column"
                )));
            }
        }
        let mut joined = self.clone();
        for row in &mut joined.rows {
            let (_, values) = extra
                .rows
                .get(&row.id.get())
                .ok_or_else(|| fail(format!("no row for ModelId {} of the dataset", row.id)))?;
            row.extra
                .extend(extra.names.iter().cloned().zip(values.iter().copied()));
        }
        let mut unmatched: Vec<(usize, u32)> = extra
            .rows
            .iter()
            .filter(|(id, _)| !self.rows.iter().any(|r| r.id.get() == **id))
            .map(|(id, (line, _))| (*line, *id))
            .collect();
        unmatched.sort_unstable();
        if let Some((line, id)) = unmatched.first() {
            return Err(fail(format!(
                "line {line}: ModelId {id} is not in the dataset ({} such rows)",
                unmatched.len()
            )));
        }
        Ok(joined)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dataset() -> Dataset {
        let text = "ModelId,IsTest,NumParams,NumMACs,NumLayers,NumStages,FirstLayerWidth,\
LastLayerWidth,MaxAccuracy,e1LossMean,e1LossMedian,e1Accuracy\n\
1,0,10,20,3,2,12,16,0.4,1.8,1.7,0.4\n2,1,11,21,4,2,12,32,0.6,1.7,1.6,0.6\n\
3,0,12,22,3,2,12,16,0.45,1.9,1.8,0.45\n4,1,13,23,4,3,12,32,0.7,1.6,1.5,0.7\n";
        Dataset::parse(text.as_bytes(), Path::new("d.csv")).unwrap()
    }

    fn extra(text: &str) -> Result<ExtraColumns> {
        ExtraColumns::parse(text.as_bytes(), Path::new("x.csv"))
    }

    #[test]
    fn joins_by_model_id_whatever_the_row_order() {
        let x = extra("ModelId,synflow,snip\n4,0,0\n2,5.5,1\n1,-2,0.125\n3,1,1\n").unwrap();
        let joined = dataset().join(&x).unwrap();
        assert_eq!(joined.extra_columns(), ["synflow", "snip"]);
        assert_eq!(joined.rows[0].value("synflow"), Some(-2.0));
        assert_eq!(joined.rows[1].value("snip"), Some(1.0));
        assert_eq!(joined.rows[1].value("e1Accuracy"), Some(0.6));
        // Joining again would shadow the columns.
        let again = joined.join(&x).unwrap_err().to_string();
        assert_eq!(
            again,
            "x.csv: column synflow is already a column of the dataset"
        );
    }

    #[test]
    fn every_model_id_must_match_both_ways() {
        let missing = extra("ModelId,synflow\n1,5\n3,1\n4,1\n").unwrap();
        assert_eq!(
            dataset().join(&missing).unwrap_err().to_string(),
            "x.csv: no row for ModelId 2 of the dataset"
        );
        let unknown = extra("ModelId,synflow\n1,5\n2,3\n3,1\n4,1\n7,1\n").unwrap();
        assert_eq!(
            dataset().join(&unknown).unwrap_err().to_string(),
            "x.csv: line 6: ModelId 7 is not in the dataset (1 such rows)"
        );
    }

    #[test]
    fn rejects_clashing_names_and_bad_cells() {
        let clash = extra("ModelId,NumLayers\n1,5\n2,3\n3,1\n4,1\n").unwrap();
        assert!(dataset().join(&clash).is_err());
        let epoch = extra("ModelId,e2Accuracy\n1,5\n2,3\n3,1\n4,1\n").unwrap();
        assert!(dataset()
            .join(&epoch)
            .unwrap_err()
            .to_string()
            .contains("name of an epoch column"));
        let msg = |t: &str| extra(t).unwrap_err().to_string();
        assert_eq!(
            msg("ModelId,a\n1,inf\n"),
            "x.csv:2: column a: expected a finite number, got 'inf'"
        );
        assert_eq!(
            msg("ModelId,a\n1,2\n1,3\n"),
            "x.csv:3: column ModelId: duplicate ModelId 1 (first on line 2)"
        );
        assert!(msg("Id,a\n1,2\n").contains("expected ModelId"));
        assert!(msg("ModelId,a,a\n1,2,3\n").contains("duplicate name 'a'"));
        assert!(msg("ModelId,a\n1,2,3\n").starts_with("x.csv:2: expected 2 fields"));
    }
}
