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
        row.id.to_string(),
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
    cells.extend(row.extra.iter().map(|(_, v)| py_repr(*v)));
    cells
}

#[cfg(test)]
mod tests {
    use crate::{Architecture, Dataset, EpochRecord, Format, LineEnding, Row, SchemeFeatures};
    use naap_space::ModelId;
    use proptest::prelude::*;
    use std::path::Path;

    /// Losses over their whole domain, in several magnitudes.
    fn loss() -> impl Strategy<Value = f64> {
        prop_oneof![0.0f64..1.0, 0.0f64..1e3, 0.0..=crate::MAX_LOSS]
    }

    fn dataset() -> impl Strategy<Value = Dataset> {
        (any::<bool>(), 1usize..4, 4usize..8).prop_flat_map(|(v2, epochs, n)| {
            let row = (
                any::<bool>(),
                (
                    1..=u64::MAX,
                    1..=u64::MAX,
                    1..=1000u32,
                    any::<u32>(),
                    1..=u32::MAX,
                    1..=u32::MAX,
                    any::<u32>(),
                    any::<u32>(),
                ),
                proptest::collection::vec((loss(), loss(), 0.0f64..=1.0), epochs),
            );
            proptest::collection::vec(row, n).prop_map(move |rows| {
                let format = if v2 { Format::V2 } else { Format::V1 };
                let rows = rows
                    .into_iter()
                    .enumerate()
                    .map(|(i, (t, f, eps))| Row {
                        // The reader needs at least two train and two test rows.
                        is_test: match i {
                            0 | 1 => false,
                            2 | 3 => true,
                            _ => t,
                        },
                        max_accuracy: eps.iter().map(|e| e.2).fold(0.0, f64::max),
                        architecture: Architecture {
                            id: ModelId::from_index(i).unwrap(),
                            // Counts inside their domain (see validate.rs).
                            scheme: SchemeFeatures {
                                num_params: f.0,
                                num_macs: f.1,
                                num_layers: f.2,
                                num_stages: f.3 % (f.2 + 1),
                                first_layer_width: f.4,
                                last_layer_width: f.5,
                                num_skip_connections: v2.then_some(f.6 % (f.2 + 1)),
                                num_partial_rf_layers: v2.then_some(f.7 % (f.3 % (f.2 + 1) + 1)),
                            },
                            epochs: eps
                                .into_iter()
                                .map(|(a, b, c)| EpochRecord {
                                    loss_mean: a,
                                    loss_median: b,
                                    accuracy: c,
                                })
                                .collect(),
                            extra: Vec::new(),
                        },
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
            let back = Dataset::parse(text.as_bytes(), Path::new("p.csv")).unwrap();
            prop_assert_eq!(back, ds);
        }
    }
}
