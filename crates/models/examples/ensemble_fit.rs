//! Fits every tree ensemble of the registry on a fixed synthetic problem the
//! size of the NAAP-440e search's (400 rows, 17 columns, some of them
//! discrete) and prints, per model, the fitting time and a fingerprint of
//! the predictions' bits: a change to the tree code that keeps the
//! fingerprints keeps every prediction bit for bit.
//!
//!     cargo run --release -p naap-models --example ensemble_fit [ROUNDS] [NAME PART]

use std::time::Instant;

use naap_models::{Regressor, RegressorSpec};
use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .map_or(3, |r| r.parse().expect("ROUNDS is a number"));
    let mut rng = ChaCha8Rng::seed_from_u64(440);
    let (rows, cols) = (440, 17);
    // Columns 2..8 take few values, as the scheme features do.
    let x = Array2::from_shape_fn((rows, cols), |(_, j)| {
        if (2..8).contains(&j) {
            f64::from(rng.gen_range(0..(j as u32 + 2)))
        } else {
            rng.gen::<f64>()
        }
    });
    let y: Vec<f64> = x
        .rows()
        .into_iter()
        .map(|r| 0.5 + 0.3 * (r[0] - r[9]) + 0.02 * r[3] + 0.05 * (r[12] * r[13]).sin())
        .collect();
    let y = ndarray::Array1::from(y);
    let (train, test) = (
        x.slice(ndarray::s![..400, ..]),
        x.slice(ndarray::s![400.., ..]),
    );
    let y_train = y.slice(ndarray::s![..400]);
    let specs = [
        RegressorSpec::DecisionTree,
        RegressorSpec::RandomForest { trees: 200 },
        RegressorSpec::GradientBoosting { trees: 200 },
        RegressorSpec::AdaBoost { trees: 200 },
        RegressorSpec::PairwiseBoosting { trees: 100 },
    ];
    let only = std::env::args().nth(2);
    for spec in specs {
        let model = spec.build();
        if only
            .as_ref()
            .is_some_and(|o| !model.name().contains(o.as_str()))
        {
            continue;
        }
        let mut best = f64::INFINITY;
        let mut fingerprint = 0u64;
        for _ in 0..rounds {
            let start = Instant::now();
            fingerprint = 0xcbf2_9ce4_8422_2325;
            for seed in 20_220_905..20_220_910 {
                let p = model
                    .fit(train, y_train, seed)
                    .unwrap()
                    .predict(test)
                    .unwrap();
                for v in p {
                    fingerprint = (fingerprint ^ v.to_bits()).wrapping_mul(0x0000_0100_0000_01b3);
                }
            }
            best = best.min(start.elapsed().as_secs_f64());
        }
        println!(
            "{:<32} {:>9.2} ms  {fingerprint:016x}",
            model.name(),
            best * 1e3
        );
    }
}
