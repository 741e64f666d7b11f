//! Fit a predictor on NAAP-440, save it, load it back and predict a scheme
//! that is not one of the 440 (five 5x5 layers of width 64).
//!
//! `cargo run -p naap-predict --example predict_new_scheme -- ../shared/naap440/naap440.csv`

use naap_dataset::Architecture;
use naap_predict::features::FeatureSet;
use naap_predict::models::RegressorSpec;
use naap_predict::predictor::Predictor;
use naap_profile::{profile, ProfileConfig};
use naap_space::{Layer, Scheme};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let csv = std::env::args()
        .nth(1)
        .unwrap_or("../shared/naap440/naap440.csv".into());
    let dataset = naap_dataset::Dataset::read(csv.as_ref())?;

    // Fit on every row with the paper's scheme features, then save.
    let svr = "SVR (RBF kernel)".parse::<RegressorSpec>()?.build();
    let fitted = Predictor::fit(&dataset, &*svr, &FeatureSet::named("Scheme")?, 20220905)?;
    let path = std::env::temp_dir().join("naap-example-predictor.json");
    fitted.save(&path)?;

    // Load it back and profile a new scheme: its features, no epochs, are the architecture.
    let loaded = Predictor::load(&path)?;
    let layer = |stride, residual| Layer {
        kernel_size: 5,
        width: 64,
        stride,
        residual,
    };
    let scheme = Scheme {
        layers: vec![
            layer(1, false),
            layer(2, false),
            layer(1, true),
            layer(2, false),
            layer(1, true),
        ],
    };
    let features = profile(&scheme, &ProfileConfig::default().validate()?)?;
    let candidate = Architecture::new(naap_space::ModelId::new(441)?, features);
    let predicted = loaded.predict(std::slice::from_ref(&candidate))?[0];
    assert_eq!(predicted, fitted.predict(&[candidate])?[0], "bit for bit");
    println!(
        "{} on {}: predicted accuracy {predicted:.4}",
        loaded.model().name,
        path.display()
    );
    Ok(())
}
