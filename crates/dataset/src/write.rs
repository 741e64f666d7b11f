//! Writing a dataset as CSV in the published layout.
//!
//! Integers print plainly and floats in Python's `repr` form, so a
//! dataset built from the published logs matches the published files byte
//! for byte.

use crate::pyfloat::py_repr;
use crate::{Dataset, LineEnding, Row};

impl Dataset {
    /// The dataset as CSV text: published header, one row per architecture
    /// in `rows` order, every line ended by `ending`.
    pub fn to_csv(&self, ending: LineEnding) -> String {
        let mut out = self.columns().join(",");
        out.push_str(ending.as_str());
        for row in &self.rows {
            out.push_str(&row_cells(row).join(","));
            out.push_str(ending.as_str());
        }
        out
    }
}

fn row_cells(row: &Row) -> Vec<String> {
    let s = &row.scheme;
    let mut cells = vec![
        row.model_id.to_string(),
        u8::from(row.is_test).to_string(),
        s.num_params.to_string(),
        s.num_macs.to_string(),
        s.num_layers.to_string(),
        s.num_stages.to_string(),
        s.first_layer_width.to_string(),
        s.last_layer_width.to_string(),
    ];
    cells.extend(s.num_skip_connections.map(|v| v.to_string()));
    cells.extend(s.num_partial_rf_layers.map(|v| v.to_string()));
    cells.push(py_repr(row.max_accuracy));
    for e in &row.epochs {
        cells.push(py_repr(e.loss_mean));
        cells.push(py_repr(e.loss_median));
        cells.push(py_repr(e.accuracy));
    }
    cells
}

#[cfg(test)]
mod tests {
    use crate::{Dataset, EpochRecord, Format, LineEnding, Row, SchemeFeatures};
    use proptest::prelude::*;
    use std::path::Path;

    fn finite() -> impl Strategy<Value = f64> {
        prop_oneof![0.0f64..1.0, -1e3f64..1e3, proptest::num::f64::NORMAL]
    }

    fn dataset() -> impl Strategy<Value = Dataset> {
        (any::<bool>(), 1usize..4, 1usize..6).prop_flat_map(|(v2, epochs, n)| {
            let row = (
                any::<bool>(),
                any::<(u64, u64, u32, u32, u32, u32, u32, u32)>(),
                finite(),
                proptest::collection::vec((finite(), finite(), finite()), epochs),
            );
            proptest::collection::vec(row, n).prop_map(move |rows| {
                let format = if v2 { Format::V2 } else { Format::V1 };
                let n = rows.len();
                let rows = rows
                    .into_iter()
                    .enumerate()
                    .map(|(i, (t, f, max_accuracy, eps))| Row {
                        model_id: i as u32 + 1,
                        // The reader needs at least one test row.
                        is_test: t || i + 1 == n,
                        scheme: SchemeFeatures {
                            num_params: f.0,
                            num_macs: f.1,
                            num_layers: f.2,
                            num_stages: f.3,
                            first_layer_width: f.4,
                            last_layer_width: f.5,
                            num_skip_connections: v2.then_some(f.6),
                            num_partial_rf_layers: v2.then_some(f.7),
                        },
                        max_accuracy,
                        epochs: eps
                            .into_iter()
                            .map(|(a, b, c)| EpochRecord {
                                loss_mean: a,
                                loss_median: b,
                                accuracy: c,
                            })
                            .collect(),
                    })
                    .collect();
                Dataset { format, rows }
            })
        })
    }

    proptest! {
        #[test]
        fn written_datasets_read_back_unchanged(ds in dataset(), lf in any::<bool>()) {
            let ending = if lf { LineEnding::Lf } else { LineEnding::Crlf };
            let text = ds.to_csv(ending);
            let back = crate::read::parse(text.as_bytes(), Path::new("p.csv")).unwrap();
            prop_assert_eq!(back, ds);
        }
    }
}
