//! A predictor file (`naap fit`) ranks as the search's own fit would: fitted
//! on the other fold's rows with the fold protocol's model, features and
//! seed, saved and loaded back, it makes the fold protocol's decisions on
//! the published table, while the search knows no curves at all.

use naap_dataset::{Dataset, Row};
use naap_nas::strategy::Known;
use naap_nas::{
    search, CostModel, SearchContext, StrategyFlags, StrategySpec, StudyConfig, TableSource,
};
use naap_predict::features::FeatureSet;
use naap_predict::models::RegressorSpec;
use naap_predict::predictor::Predictor;

fn dataset() -> Dataset {
    Dataset::read(&naap_testdata::naap440("naap440.csv")).expect("the published naap440.csv")
}

#[test]
fn a_predictor_file_fitted_on_the_other_fold_decides_as_the_fold_protocol() {
    let data = dataset();
    let mut rows: Vec<&Row> = data.rows.iter().collect();
    rows.sort_by_key(|r| r.id);
    let (known, pool): (Vec<&Row>, Vec<&Row>) = rows.iter().partition(|r| r.id.get() % 3 == 0);
    let seed = 11;
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "predictor",
            "Linear Regression",
            "Scheme + Quantitative 3 epochs",
        ),
        (
            "predictor",
            "Random Forest (N=25)",
            "Scheme + Quantitative 3 epochs",
        ),
        (
            "predictor",
            "SVR (RBF kernel)",
            "Scheme + Quantitative 2 epochs",
        ),
        ("zero-shot", "Random Forest (N=25)", "Scheme"),
    ];
    let mut found = Vec::new();
    for (i, (strategy, model, features)) in cases.into_iter().enumerate() {
        let base = || {
            let mut c = StudyConfig::default();
            c.select(Some(&[strategy.into()])).unwrap();
            c.apply(&StrategyFlags {
                k_epochs: Some(3),
                top_m: Some(8),
                ..StrategyFlags::default()
            });
            c
        };
        let mut fold = base();
        fold.apply(&StrategyFlags {
            known: Some(vec![Known::Fold]),
            model: Some(model.into()),
            features: Some(features.into()),
            zero_shot_features: Some(features.into()),
            ..StrategyFlags::default()
        });
        let fold = fold.validate().unwrap().strategies().unwrap().remove(0);
        let expected = search(
            fold.as_ref(),
            &mut TableSource::new(pool.iter().copied()).unwrap(),
            &CostModel::epochs(),
            None,
            &SearchContext {
                seed,
                known: &known,
            },
        )
        .unwrap();

        let set = FeatureSet::named(features).unwrap();
        let path = dir.path().join(format!("p{i}.json"));
        Predictor::fit_rows(
            &known,
            &*model.parse::<RegressorSpec>().unwrap().build(),
            &set,
            seed,
        )
        .unwrap()
        .save(&path)
        .unwrap();
        let mut with_file = base();
        with_file.set_predictor(&path.display().to_string());
        let valid = with_file.validate().unwrap();
        // The settings record what ranked.
        let (recorded_model, recorded_features, known) = match &valid.config().strategy[0] {
            StrategySpec::Predictor(p) => (&p.model, p.features.as_deref(), &p.known),
            StrategySpec::ZeroShot(z) => (&z.model, Some(z.features.as_str()), &z.known),
            other => panic!("{other} ranks by no predictor"),
        };
        assert_eq!(recorded_model, model);
        assert_eq!(recorded_features, Some(features));
        assert!(known.is_empty());
        let file = valid.strategies().unwrap().remove(0);
        assert_eq!(file.name(), format!("{strategy}-file"));
        assert!(!file.needs_known());
        let got = search(
            file.as_ref(),
            &mut TableSource::new(pool.iter().copied()).unwrap(),
            &CostModel::epochs(),
            None,
            &SearchContext { seed, known: &[] },
        )
        .unwrap();
        assert_eq!(got, expected, "{strategy} {model} {features}");
        found.push(got.found);
    }
    // The rankers differ, so equal outcomes are not one fixed answer.
    found.sort_unstable();
    found.dedup();
    assert!(found.len() > 1, "every case found {found:?}");
}
