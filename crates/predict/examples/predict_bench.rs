//! Times loading a predictor file and predicting N candidates (the rows of
//! a dataset, repeated): what `bench/predict.sh` reports.
//!
//! `predict_bench PREDICTOR.json DATASET.csv N` prints
//! `load_ms predict_ms candidates`.

use naap_dataset::Architecture;
use naap_predict::predictor::Predictor;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, predictor, dataset, n] = &args[..] else {
        return Err("usage: predict_bench PREDICTOR.json DATASET.csv N".into());
    };
    let n: usize = n.parse()?;
    let dataset = naap_dataset::Dataset::read(dataset.as_ref())?;
    let candidates: Vec<Architecture> = dataset
        .rows
        .iter()
        .map(|r| r.architecture.clone())
        .cycle()
        .take(n)
        .collect();
    let start = Instant::now();
    let p = Predictor::load(predictor.as_ref())?;
    let loaded = start.elapsed();
    let predictions = p.predict(&candidates)?;
    let predicted = start.elapsed() - loaded;
    assert_eq!(predictions.len(), n);
    println!(
        "{:.1} {:.1} {n} {}",
        loaded.as_secs_f64() * 1e3,
        predicted.as_secs_f64() * 1e3,
        p.model().name
    );
    Ok(())
}
