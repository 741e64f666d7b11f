//! Parsing and validating a dataset CSV into a [`Dataset`].
//!
//! Every rejection names the file, the 1-based line and the column, so a
//! broken cell in a 441-line file can be found without a hex editor. Values
//! outside their domain are rejected too (see `validate.rs`).

use crate::table::EPOCH_SUFFIXES;
use crate::table::{
    epoch_column, is_epoch_column, split_epoch_column, Architecture, Dataset, EpochRecord, Format,
    Row,
};
use crate::validate::{check_dataset, check_row};
use crate::{Error, Result};
use naap_profile::SchemeFeatures;
use naap_space::ModelId;
use std::collections::HashMap;
use std::path::Path;

impl Dataset {
    /// Reads and validates a v1 or v2 CSV (format detected from the header).
    ///
    /// Rejects missing or misplaced columns, non-numeric, NaN or infinite
    /// cells, values outside their domain (accuracies outside [0, 1],
    /// negative or absurd losses, zero counts, a MaxAccuracy that is not the
    /// best epoch accuracy), duplicate ModelIds, epoch columns out of order,
    /// fewer than 2 train or test rows and a constant target; the error names
    /// the file, line and column.
    pub fn read(path: &Path) -> Result<Dataset> {
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Dataset::parse(&bytes, path)
    }

    /// [`Dataset::read`] on bytes already in memory (for a caller that also
    /// fingerprints them); `path` names the source in messages.
    pub fn parse(bytes: &[u8], path: &Path) -> Result<Dataset> {
        parse(bytes, path)
    }
}

fn parse(bytes: &[u8], path: &Path) -> Result<Dataset> {
    let err = |line: usize, message: String| Error::Parse {
        path: path.to_path_buf(),
        line,
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut records = reader.records();
    let header = match records.next() {
        None => return Err(err(1, "empty file: no header".into())),
        Some(r) => r.map_err(|e| csv_error(e, bytes, path))?,
    };
    let header: Vec<&str> = header.iter().collect();
    let (format, num_epochs) = check_header(&header).map_err(|m| err(1, m))?;
    let mut columns = format.columns(num_epochs);
    let num_published = columns.len();
    let extra = check_extra_columns(&header[num_published..], &columns).map_err(|m| err(1, m))?;
    columns.extend(extra);

    let mut lines = LineCounter::new(bytes);
    let mut rows = Vec::new();
    let mut first_line_of_id: HashMap<u32, usize> = HashMap::new();
    for record in records {
        let record = record.map_err(|e| csv_error(e, bytes, path))?;
        let line = record.position().map_or(0, |p| lines.line_at(p.byte()));
        if record.len() != columns.len() {
            return Err(err(
                line,
                format!(
                    "expected {} fields as in the header, got {}",
                    columns.len(),
                    record.len()
                ),
            ));
        }
        let cells = Cells {
            record: &record,
            columns: &columns,
        };
        let mut row = parse_row(&cells, format, num_epochs)
            .and_then(|row| check_row(&row).map(|()| row))
            .map_err(|m| err(line, m))?;
        row.extra = (num_published..columns.len())
            .map(|i| Ok((columns[i].clone(), cells.float(i)?)))
            .collect::<std::result::Result<_, String>>()
            .map_err(|m| err(line, m))?;
        if let Some(first) = first_line_of_id.insert(row.id.get(), line) {
            return Err(err(
                line,
                format!(
                    "column ModelId: duplicate ModelId {} (first on line {first})",
                    row.id
                ),
            ));
        }
        rows.push(row);
    }
    if rows.is_empty() {
        return Err(err(1, "no data rows after the header".into()));
    }
    let dataset = Dataset { format, rows };
    check_dataset(&dataset).map_err(|m| err(1, m))?;
    Ok(dataset)
}

/// Turns byte offsets of records into 1-based line numbers.
///
/// The csv crate's own line count is one short after CRLF line endings (the
/// published files use CRLF), so lines are counted here from the bytes.
pub(crate) struct LineCounter<'a> {
    bytes: &'a [u8],
    scanned: usize,
    newlines: usize,
}

impl<'a> LineCounter<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            scanned: 0,
            newlines: 0,
        }
    }

    /// The line of the record whose position is `byte`; offsets must not decrease.
    pub(crate) fn line_at(&mut self, byte: u64) -> usize {
        // A record's offset may point at the line ending before it; the
        // record itself starts after any line-ending bytes.
        let mut start = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        while start < self.bytes.len() && matches!(self.bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        let from = self.scanned.min(start);
        self.newlines += self.bytes[from..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.scanned = self.scanned.max(start);
        self.newlines + 1
    }
}

pub(crate) fn csv_error(e: csv::Error, bytes: &[u8], path: &Path) -> Error {
    let line = e
        .position()
        .map_or(0, |p| LineCounter::new(bytes).line_at(p.byte()));
    Error::Parse {
        path: path.to_path_buf(),
        line,
        message: format!("malformed CSV: {e}"),
    }
}

/// Checks the header and returns its format and number of epochs.
fn check_header(header: &[&str]) -> std::result::Result<(Format, usize), String> {
    let has = |name: &str| header.contains(&name);
    let format = if has("NumSkipConnections") || has("NumPartialRFLayers") {
        Format::V2
    } else {
        Format::V1
    };
    let fixed = format.columns(0);
    for (i, want) in fixed.iter().enumerate() {
        match header.get(i) {
            Some(got) if got == want => {}
            _ if !has(want) => return Err(format!("missing column {want}")),
            Some(got) => {
                return Err(format!(
                    "column {} is {got}, expected {want} ({} header order)",
                    i + 1,
                    format
                ))
            }
            None => unreachable!("a present column lies inside the header"),
        }
    }
    // The epoch columns run up to the first column that is not one; any
    // after them are extra columns (checked by `check_extra_columns`).
    let epoch_len = header[fixed.len()..]
        .iter()
        .take_while(|c| is_epoch_column(c))
        .count();
    let epoch_cols = &header[fixed.len()..fixed.len() + epoch_len];
    for (k, got) in epoch_cols.iter().enumerate() {
        let want = epoch_column(k / 3 + 1, EPOCH_SUFFIXES[k % 3]);
        if *got == want {
            continue;
        }
        let position = fixed.len() + k + 1;
        return Err(match split_epoch_column(got) {
            Some((e, suffix)) if e != k / 3 + 1 && EPOCH_SUFFIXES.contains(&suffix) => {
                format!("epochs out of order: column {position} is {got}, expected {want}")
            }
            _ if !has(&want) => format!("missing column {want}"),
            _ => format!("column {position} is {got}, expected {want}"),
        });
    }
    if epoch_cols.is_empty() {
        return Err("missing column e1LossMean: the header has no epoch columns".into());
    }
    if epoch_cols.len() % 3 != 0 {
        let k = epoch_cols.len();
        return Err(format!(
            "missing column {}",
            epoch_column(k / 3 + 1, EPOCH_SUFFIXES[k % 3])
        ));
    }
    Ok((format, epoch_cols.len() / 3))
}

/// Checks the extra numeric columns after the epochs: named, unique, and
/// neither a published column nor shaped like an epoch column.
fn check_extra_columns(
    extra: &[&str],
    published: &[String],
) -> std::result::Result<Vec<String>, String> {
    let mut names: Vec<String> = Vec::with_capacity(extra.len());
    for (k, name) in extra.iter().enumerate() {
        let position = published.len() + k + 1;
        if name.trim().is_empty() {
            return Err(format!("column {position}: empty column name"));
        }
        if is_epoch_column(name) {
            return Err(format!(
                "column {position} is {name}, an epoch column after the extra column {}",
                extra[0]
            ));
        }
        crate::column::check_extra_name(name)
            .map_err(|why| format!("column {position}: bad extra column name: {why}"))?;
        if published.iter().any(|c| c == name) || names.iter().any(|c| c == name) {
            return Err(format!("column {position}: duplicate column name {name}"));
        }
        names.push(name.to_string());
    }
    Ok(names)
}

/// A data record with its header, for typed cell access by position.
struct Cells<'a> {
    record: &'a csv::StringRecord,
    columns: &'a [String],
}

impl Cells<'_> {
    fn raw(&self, i: usize) -> (&str, &str) {
        (&self.columns[i], &self.record[i])
    }

    fn int<T: std::str::FromStr>(&self, i: usize) -> std::result::Result<T, String> {
        let (name, cell) = self.raw(i);
        cell.trim().parse().map_err(|_| {
            format!(
                "column {name}: expected a non-negative integer, got '{}'",
                crate::excerpt(cell)
            )
        })
    }

    fn float(&self, i: usize) -> std::result::Result<f64, String> {
        let (name, cell) = self.raw(i);
        let v: f64 = cell.trim().parse().map_err(|_| {
            format!(
                "column {name}: expected a number, got '{}'",
                crate::excerpt(cell)
            )
        })?;
        if !v.is_finite() {
            return Err(format!(
                "column {name}: expected a finite number, got '{}'",
                crate::excerpt(cell)
            ));
        }
        Ok(v)
    }
}

fn parse_row(
    cells: &Cells<'_>,
    format: Format,
    num_epochs: usize,
) -> std::result::Result<Row, String> {
    let model_id = ModelId::new(cells.int(0)?)
        .map_err(|_| "column ModelId: expected a positive integer, got '0'".to_string())?;
    let is_test = match cells.raw(1).1.trim() {
        "0" => false,
        "1" => true,
        other => {
            return Err(format!(
                "column IsTest: expected 0 or 1, got '{}'",
                crate::excerpt(other)
            ))
        }
    };
    let v2 = format == Format::V2;
    let scheme = SchemeFeatures {
        num_params: cells.int(2)?,
        num_macs: cells.int(3)?,
        num_layers: cells.int(4)?,
        num_stages: cells.int(5)?,
        first_layer_width: cells.int(6)?,
        last_layer_width: cells.int(7)?,
        num_skip_connections: if v2 { Some(cells.int(8)?) } else { None },
        num_partial_rf_layers: if v2 { Some(cells.int(9)?) } else { None },
    };
    let max_col = 2 + format.scheme_feature_names().len();
    let max_accuracy = cells.float(max_col)?;
    let epochs = (0..num_epochs)
        .map(|e| {
            let base = max_col + 1 + 3 * e;
            Ok(EpochRecord {
                loss_mean: cells.float(base)?,
                loss_median: cells.float(base + 1)?,
                accuracy: cells.float(base + 2)?,
            })
        })
        .collect::<std::result::Result<Vec<_>, String>>()?;
    Ok(Row {
        architecture: Architecture {
            id: model_id,
            scheme,
            epochs,
            extra: Vec::new(),
        },
        is_test,
        max_accuracy,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER_V1_2: &str = "ModelId,IsTest,NumParams,NumMACs,NumLayers,NumStages,\
FirstLayerWidth,LastLayerWidth,MaxAccuracy,e1LossMean,e1LossMedian,e1Accuracy,\
e2LossMean,e2LossMedian,e2Accuracy";

    fn read_str(text: &str) -> Result<Dataset> {
        parse(text.as_bytes(), Path::new("t.csv"))
    }

    fn message(text: &str) -> String {
        read_str(text).unwrap_err().to_string()
    }

    fn small_v1() -> String {
        format!(
            "{HEADER_V1_2}\r\n1,0,10,20,3,2,12,16,0.5,1.8,1.7,0.4,1.6,1.5,0.5\r\n\
             2,1,11,21,4,2,12,32,0.6,1.7,1.6,0.6,1.5,1.4,0.55\r\n\
             3,0,12,22,3,2,12,16,0.45,1.9,1.8,0.45,1.7,1.6,0.4\r\n\
             4,1,13,23,4,3,12,32,0.7,1.6,1.5,0.65,1.4,1.3,0.7\r\n"
        )
    }

    #[test]
    fn reads_a_small_v1_file() {
        let ds = read_str(&small_v1()).unwrap();
        assert_eq!(ds.format, Format::V1);
        assert_eq!(ds.num_epochs(), 2);
        assert_eq!(ds.rows.len(), 4);
        assert_eq!(ds.test_rows().count(), 2);
        assert_eq!(ds.train_rows().next().unwrap().id.get(), 1);
        let r = &ds.rows[1];
        assert_eq!(r.scheme.num_skip_connections, None);
        assert_eq!(r.value("e2Accuracy"), Some(0.55));
        assert_eq!(r.value("NumLayers"), Some(4.0));
        assert_eq!(ds.column("e1LossMean"), Some(vec![1.8, 1.7, 1.9, 1.6]));
        assert_eq!(ds.column("NumSkipConnections"), None);
    }

    #[test]
    fn rejects_a_missing_column_by_name() {
        let text = small_v1().replace("NumStages,", "");
        assert!(message(&text).contains("t.csv:1: missing column NumStages"));
        let text = small_v1().replace(",e2Accuracy", "");
        assert!(
            message(&text).contains("missing column e2Accuracy"),
            "{}",
            message(&text)
        );
    }

    #[test]
    fn rejects_bad_cells_naming_line_and_column() {
        let text = small_v1().replace("0.4,1.6", "abc,1.6");
        assert_eq!(
            message(&text),
            "t.csv:2: column e1Accuracy: expected a number, got 'abc'"
        );
        let lf = text.replace("\r\n", "\n");
        assert!(message(&lf).starts_with("t.csv:2: column e1Accuracy"));
        let text = small_v1().replace("0.55", "NaN");
        assert!(message(&text).starts_with("t.csv:3: column e2Accuracy: expected a finite"));
        let text = small_v1().replace("2,1,11", "2,2,11");
        assert!(message(&text).starts_with("t.csv:3: column IsTest"));
    }

    #[test]
    fn rejects_duplicate_ids_and_reordered_epochs() {
        let text = small_v1().replace("2,1,11", "1,1,11");
        assert_eq!(
            message(&text),
            "t.csv:3: column ModelId: duplicate ModelId 1 (first on line 2)"
        );
        let text = small_v1()
            .replace("e1LossMean,e1LossMedian,e1Accuracy", "X")
            .replace(
                "e2LossMean,e2LossMedian,e2Accuracy",
                "e1LossMean,e1LossMedian,e1Accuracy",
            )
            .replace('X', "e2LossMean,e2LossMedian,e2Accuracy");
        assert!(message(&text).contains("t.csv:1: epochs out of order: column 10 is e2LossMean"));
    }

    #[test]
    fn rejects_a_split_without_test_rows_and_short_rows() {
        let text = small_v1().replace("2,1,11", "2,0,11");
        assert!(
            message(&text).contains("t.csv:1: column IsTest: 1 test rows, at least 2"),
            "{}",
            message(&text)
        );
        let text = small_v1().replace(",0.55", "");
        assert!(message(&text).starts_with("t.csv:3: expected 15 fields"));
        assert!(message(HEADER_V1_2).contains("no data rows"));
    }

    #[test]
    fn keeps_extra_numeric_columns_after_the_epochs() {
        let extras = [",12.5,-3", ",1e3,0.25", ",0,1", ",2,2"];
        let mut lines = small_v1().lines().map(str::to_owned).collect::<Vec<_>>();
        lines[0].push_str(",synflow,snip");
        for (line, extra) in lines[1..].iter_mut().zip(extras) {
            line.push_str(extra);
        }
        let text = lines.join("\r\n") + "\r\n";
        let ds = read_str(&text).unwrap();
        assert_eq!(ds.num_epochs(), 2);
        assert_eq!(ds.extra_columns(), ["synflow", "snip"]);
        assert_eq!(ds.rows[1].value("synflow"), Some(1000.0));
        assert_eq!(ds.column("snip"), Some(vec![-3.0, 0.25, 1.0, 2.0]));
        assert_eq!(ds.columns().last().unwrap(), "snip");
        let back = read_str(&ds.to_csv(crate::LineEnding::Crlf)).unwrap();
        assert_eq!(back, ds);

        let bad = text.replace(",1e3,", ",x,");
        assert_eq!(
            message(&bad),
            "t.csv:3: column synflow: expected a number, got 'x'"
        );
        let dup = text.replace(",snip", ",synflow");
        assert!(message(&dup).contains("t.csv:1: column 17: duplicate column name synflow"));
        let clash = text.replace(",snip", ",NumLayers");
        assert!(message(&clash).contains("duplicate column name NumLayers"));
        let late = text.replace(",snip", ",e3Accuracy");
        assert!(
            message(&late).contains("column 17 is e3Accuracy, an epoch column after the extra"),
            "{}",
            message(&late)
        );
    }

    #[test]
    fn detects_v2_from_the_header() {
        let text = small_v1()
            .replace(
                "LastLayerWidth,",
                "LastLayerWidth,NumSkipConnections,NumPartialRFLayers,",
            )
            .replace(",16,0.5", ",16,1,0,0.5")
            .replace(",32,0.6", ",32,0,1,0.6")
            .replace(",16,0.45", ",16,0,0,0.45")
            .replace(",32,0.7", ",32,1,1,0.7");
        let ds = read_str(&text).unwrap();
        assert_eq!(ds.format, Format::V2);
        assert_eq!(ds.rows[1].scheme.num_partial_rf_layers, Some(1));
        assert_eq!(Format::V2.scheme_values(&ds.rows[0].scheme)[6], 1.0);
        let only_one = text.replace("NumPartialRFLayers,", "");
        assert!(message(&only_one).contains("missing column NumPartialRFLayers"));
    }

    #[test]
    fn values_outside_their_domain_name_line_and_column() {
        let cases = [
            // An accuracy above 1.
            (
                "32,0.6,1.7",
                "32,1.6,1.7",
                "t.csv:3: column MaxAccuracy: expected an accuracy",
            ),
            (
                "1.4,0.55",
                "1.4,-0.55",
                "t.csv:3: column e2Accuracy: expected an accuracy",
            ),
            (
                "1.5,1.4,0.55",
                "-1.5,1.4,0.55",
                "t.csv:3: column e2LossMean: expected a loss",
            ),
            (
                "1.5,1.4,0.55",
                "1e308,1.4,0.55",
                "t.csv:3: column e2LossMean: expected a loss",
            ),
            (
                "2,1,11,21",
                "2,1,0,21",
                "t.csv:3: column NumParams: expected a positive count",
            ),
            (
                "2,1,11,21",
                "2,1,-11,21",
                "t.csv:3: column NumParams: expected a non-negative",
            ),
            (
                "2,1,11,21,4,2",
                "2,1,11,21,4,5",
                "t.csv:3: column NumStages: 5 is more than NumLayers",
            ),
            // MaxAccuracy that is not the best epoch.
            (
                "32,0.6,",
                "32,0.9,",
                "t.csv:3: column MaxAccuracy: 0.9 is not the best epoch accuracy (0.6)",
            ),
        ];
        for (from, to, want) in cases {
            let text = small_v1().replacen(from, to, 1);
            assert_ne!(text, small_v1(), "{from} not found");
            assert!(message(&text).starts_with(want), "{to}: {}", message(&text));
        }
    }

    #[test]
    fn degenerate_splits_and_constant_targets_are_rejected() {
        // One train row: row 3 becomes a test row.
        let text = small_v1().replace("3,0,12", "3,1,12");
        assert!(message(&text).contains("column IsTest: 1 train rows, at least 2"));
        // The same MaxAccuracy on both test rows (epochs kept consistent).
        let text = small_v1().replace(
            "0.7,1.6,1.5,0.65,1.4,1.3,0.7",
            "0.6,1.6,1.5,0.6,1.4,1.3,0.55",
        );
        assert!(
            message(&text)
                .contains("column MaxAccuracy: the target is constant (0.6) on all 2 test rows"),
            "{}",
            message(&text)
        );
    }

    #[test]
    fn a_huge_bad_cell_is_quoted_in_part() {
        let huge = "9".repeat(1 << 20) + "x";
        let text = small_v1().replacen("0.4,1.6", &format!("{huge},1.6"), 1);
        let msg = message(&text);
        assert!(
            msg.starts_with("t.csv:2: column e1Accuracy: expected a number, got '999"),
            "{}",
            &msg[..100]
        );
        assert!(msg.len() < 400, "{} bytes", msg.len());
    }
}
