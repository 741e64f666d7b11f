//! The study on the published NAAP-440 curves (../shared, or
//! $NAAP_SHARED_DIR): exhaustive regret, no leakage, determinism.

use naap_dataset::{Dataset, EpochRecord, Row};
use naap_nas::{
    run_study, search, CostKind, CostModel, SearchContext, StudyConfig, StudyValidConfig,
    TableSource,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

fn shared_csv() -> PathBuf {
    naap_testdata::naap440("naap440.csv")
}

fn dataset() -> Dataset {
    Dataset::read(&shared_csv()).expect("the published naap440.csv")
}

fn config(c: StudyConfig) -> StudyValidConfig {
    c.validate().unwrap()
}

#[test]
fn exhaustive_has_regret_zero_at_440_times_90_epochs() {
    let data = dataset();
    let cfg = config(StudyConfig {
        strategy: vec!["exhaustive".parse().unwrap()],
        repeats: 2,
        ..StudyConfig::default()
    });
    let res = run_study(&data, &CostModel::epochs(), &cfg, &|| {}).unwrap();
    assert_eq!(res.records.len(), 2);
    // The best MaxAccuracy, lowest ModelId first among ties.
    let best = data
        .rows
        .iter()
        .max_by(|a, b| {
            a.max_accuracy
                .total_cmp(&b.max_accuracy)
                .then(b.id.cmp(&a.id))
        })
        .unwrap();
    for r in &res.records {
        assert_eq!(r.epochs_spent, 440 * 90);
        assert_eq!(r.cost_spent, 39600.0);
        assert_eq!(r.regret, 0.0);
        assert!(r.top1);
        assert_eq!(r.found_model_id.get(), best.id);
    }
}

/// `row` with every epoch after the first `paid` and MaxAccuracy replaced by NaN.
fn blind(row: &Row, paid: u32) -> Row {
    let nan = EpochRecord {
        loss_mean: f64::NAN,
        loss_median: f64::NAN,
        accuracy: f64::NAN,
    };
    let mut out = row.clone();
    out.max_accuracy = f64::NAN;
    for e in out.epochs.iter_mut().skip(paid as usize) {
        *e = nan;
    }
    out
}

#[test]
fn no_strategy_reads_what_it_has_not_paid_for() {
    let data = dataset();
    let mut rows: Vec<&Row> = data.rows.iter().collect();
    rows.sort_by_key(|r| r.id);
    // The fold protocol's known curves: the even ModelIds; the searched
    // pool: the odd ones (220 each).
    let (known, pool): (Vec<&Row>, Vec<&Row>) = rows.iter().partition(|r| r.id.get() % 2 == 0);
    let cfg = config(StudyConfig::default());
    let cost = CostModel::macs(&data.rows);
    let strategies = cfg.strategies().unwrap();
    // 7 strategies, predictor and zero-shot each as fold and online, and the
    // 5 neighbourhood strategies.
    assert_eq!(strategies.len(), 14);
    for strategy in strategies {
        let ctx = SearchContext {
            seed: 11,
            known: if strategy.needs_known() { &known } else { &[] },
        };
        let first = search(
            strategy.as_ref(),
            &mut TableSource::new(pool.iter().copied()).unwrap(),
            &cost,
            None,
            &ctx,
        )
        .unwrap();
        let paid: BTreeMap<u32, u32> = first.paid.iter().map(|&(id, e)| (id.get(), e)).collect();
        let blinded: Vec<Row> = pool
            .iter()
            .map(|r| blind(r, paid.get(&r.id.get()).copied().unwrap_or(0)))
            .collect();
        let unpaid = blinded
            .iter()
            .flat_map(|r| &r.epochs)
            .filter(|e| e.accuracy.is_nan())
            .count();
        let second = search(
            strategy.as_ref(),
            &mut TableSource::new(&blinded).unwrap(),
            &cost,
            None,
            &ctx,
        )
        .unwrap();
        assert_eq!(first, second, "{} read an unpaid value", strategy.name());
        // Every strategy but exhaustive leaves most of the table unpaid, so
        // the blinded run really had NaNs to trip over.
        if strategy.name() != "exhaustive" {
            assert!(unpaid > 220 * 45, "{}: {unpaid}", strategy.name());
        }
    }
}

#[test]
fn same_seed_same_results_on_one_and_two_threads() {
    let data = dataset();
    let study = |seed: u64| {
        config(StudyConfig {
            repeats: 3,
            pool: "120".into(),
            seed,
            cost: CostKind::Macs,
            ..StudyConfig::default()
        })
    };
    let cfg = study(20220819);
    let cost = CostModel::macs(&data.rows);
    let on = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| run_study(&data, &cost, &cfg, &|| {}).unwrap())
    };
    let one = on(1);
    assert_eq!(one, on(2));
    assert_eq!(one.records.len(), 3 * 16);
    // Sampled pools differ between repeats, so the seed matters.
    let pools: BTreeSet<u64> = one
        .records
        .iter()
        .filter(|r| r.strategy == "exhaustive")
        .map(|r| r.exhaustive_cost.to_bits())
        .collect();
    assert_eq!(pools.len(), 3, "repeats drew the same pool");
    let other = run_study(&data, &cost, &study(5), &|| {}).unwrap();
    assert_ne!(one, other);
}
