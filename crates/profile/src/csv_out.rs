//! The profile table `naap space profile` writes.

use crate::SchemeFeatures;
use std::fmt::Write;

/// The header of the profile CSV; the columns are those of `naap440v2.csv`.
pub const CSV_HEADER: &str = "ModelId,NumParams,NumMACs,NumLayers,NumStages,\
FirstLayerWidth,LastLayerWidth,NumSkipConnections,NumPartialRFLayers";

/// The profile CSV: a header, then one row per profile with ModelId = its
/// 1-based position; LF line ends.
pub fn to_csv(profiles: &[SchemeFeatures]) -> String {
    let mut out = String::with_capacity(40 * (profiles.len() + 3));
    out.push_str(CSV_HEADER);
    out.push('\n');
    for (i, p) in profiles.iter().enumerate() {
        writeln!(
            out,
            "{},{},{},{},{},{},{},{},{}",
            i + 1,
            p.num_params,
            p.num_macs,
            p.num_layers,
            p.num_stages,
            p.first_layer_width,
            p.last_layer_width,
            optional(p.num_skip_connections),
            optional(p.num_partial_rf_layers)
        )
        .expect("writing to a String cannot fail");
    }
    out
}

/// A v2 feature, empty when absent (never, for what the profiler computes).
fn optional(v: Option<u32>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_then_numbered_rows() {
        let p = SchemeFeatures {
            num_params: 5,
            num_macs: 6,
            num_layers: 3,
            num_stages: 2,
            first_layer_width: 12,
            last_layer_width: 16,
            num_skip_connections: Some(1),
            num_partial_rf_layers: Some(0),
        };
        let text = to_csv(&[p, p]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], CSV_HEADER);
        assert_eq!(lines[2], "2,5,6,3,2,12,16,1,0");
        assert_eq!(lines.len(), 3);
    }
}
