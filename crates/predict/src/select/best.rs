//! The best subset of a finished search, read back from its `results.csv`,
//! so a predictor can be fitted on it (`naap fit --from-selection`).

use super::report::RESULTS_HEADER;
use super::split::Mode;
use crate::features::FeatureSet;
use crate::{Error, Result};

/// The best subset `naap select-features` found for `model` on `set` in
/// `mode`: the lowest `FinalScore`, then the fewest features, then the
/// first evaluated, as `best.md` picks it. `results` is the file's bytes,
/// `source` its name for errors. The subset keeps `set`'s column order and
/// is named `"{set}, best subset in {mode}"`.
///
/// Scores are compared as written (6 decimals); two subsets whose exact
/// scores differ by less than that tie here and the fewer features win.
pub fn best_subset(
    results: &[u8],
    source: &str,
    mode: Mode,
    model: &str,
    set: &FeatureSet,
) -> Result<FeatureSet> {
    let bad = |line: u64, m: String| Error::InvalidInput(format!("{source}:{line}: {m}"));
    let mut reader = csv::Reader::from_reader(results);
    let header = reader
        .headers()
        .map_err(|e| bad(1, format!("not a results.csv: {e}")))?
        .clone();
    if header.iter().ne(RESULTS_HEADER.iter().copied()) {
        return Err(bad(
            1,
            format!(
                "not a select-features results.csv: expected the header {}",
                RESULTS_HEADER.join(",")
            ),
        ));
    }
    let n = set.features().len();
    // (score, feature count, line, flags) of the best row so far.
    let mut best: Option<(f64, usize, u64, Vec<bool>)> = None;
    for record in reader.records() {
        let record = record.map_err(|e| bad(0, e.to_string()))?;
        let line = record.position().map_or(0, |p| p.line());
        if record.get(0) != Some(mode.name())
            || record.get(1) != Some(model)
            || record.get(2) != Some(set.name())
        {
            continue;
        }
        let flags: Vec<bool> = record[3]
            .split(';')
            .map(|f| match f {
                "1" => Ok(true),
                "0" => Ok(false),
                _ => Err(bad(
                    line,
                    format!("Flags '{}' is not a list of 0 and 1", &record[3]),
                )),
            })
            .collect::<Result<_>>()?;
        let names: Vec<String> = set
            .features()
            .iter()
            .zip(&flags)
            .filter(|(_, &on)| on)
            .map(|(f, _)| f.to_string())
            .collect();
        if flags.len() != n || names.is_empty() || names.join(";") != record[4] {
            return Err(bad(
                line,
                format!(
                    "the subset '{}' ({}) is not a subset of {}'s {n} features",
                    &record[4],
                    &record[3],
                    set.name()
                ),
            ));
        }
        let score: f64 = record[9]
            .parse()
            .map_err(|_| bad(line, format!("FinalScore '{}' is not a number", &record[9])))?;
        let count = names.len();
        let better = best
            .as_ref()
            .is_none_or(|(s, c, _, _)| score.total_cmp(s).then(count.cmp(c)).is_lt());
        if better {
            best = Some((score, count, line, flags));
        }
    }
    let Some((_, _, _, flags)) = best else {
        return Err(Error::InvalidInput(format!(
            "{source}: no search of {model} on {} in {mode}",
            set.name()
        )));
    };
    let features = set
        .features()
        .iter()
        .zip(&flags)
        .filter(|(_, &on)| on)
        .map(|(f, _)| f.clone())
        .collect();
    FeatureSet::new(format!("{}, best subset in {mode}", set.name()), features)
}

#[cfg(test)]
mod tests {
    use super::*;
    use naap_dataset::Format;

    const HEAD: &str = "Mode,Model,FeatureSetName,Flags,FeatureSubset,MAE,NumViolations,\
MaxViolations,MonotonicityScore,FinalScore,Step,ReportedSeed\n";

    #[test]
    fn picks_lowest_score_then_fewest_features_then_first() {
        let set = FeatureSet::all_scheme(Format::V1, 0);
        let all = "1;1;1;1;1;1";
        let csv = format!(
            "{HEAD}interpolation,1-NN,Scheme6,{all},NumParams;NumMACs;NumLayers;NumStages;FirstLayerWidth;LastLayerWidth,0.01,9,780,0.9,0.002,0,1\n\
             interpolation,1-NN,Scheme6,1;0;0;1;0;0,NumParams;NumStages,0.01,9,780,0.9,0.001,1,1\n\
             interpolation,1-NN,Scheme6,0;1;0;0;0;0,NumMACs,0.01,9,780,0.9,0.001,1,1\n\
             interpolation,1-NN,Scheme6,0;0;1;0;0;0,NumLayers,0.01,9,780,0.9,0.001,2,1\n\
             left-extrapolation,1-NN,Scheme6,0;0;0;0;0;1,LastLayerWidth,0.01,9,190,0.9,0.0001,1,1\n"
        );
        let best = best_subset(csv.as_bytes(), "r.csv", Mode::Interpolation, "1-NN", &set).unwrap();
        let names: Vec<String> = best.features().iter().map(ToString::to_string).collect();
        assert_eq!(names, ["NumMACs"]);
        assert_eq!(best.name(), "Scheme6, best subset in interpolation");
        let err =
            best_subset(csv.as_bytes(), "r.csv", Mode::Interpolation, "3-NN", &set).unwrap_err();
        assert!(err.to_string().contains("no search of 3-NN"), "{err}");
        let wrong = csv.replace("0;1;0;0;0;0,NumMACs", "0;1;0;0;0;0,NumLayers");
        let err =
            best_subset(wrong.as_bytes(), "r.csv", Mode::Interpolation, "1-NN", &set).unwrap_err();
        assert!(err.to_string().starts_with("r.csv:4:"), "{err}");
        let err =
            best_subset(b"a,b\n1,2\n", "r.csv", Mode::Interpolation, "1-NN", &set).unwrap_err();
        assert!(err.to_string().contains("header"), "{err}");
    }
}
