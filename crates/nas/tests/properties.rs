//! Properties of every strategy on random tables: the answer is in the pool,
//! the bill is exactly the epochs paid, exhaustive finds the best, and
//! hiding every unpaid value changes nothing.

use naap_dataset::{Architecture, EpochRecord, Row, SchemeFeatures};
use naap_nas::{search, CostModel, SearchContext, StrategyFlags, StudyConfig, TableSource};
use proptest::prelude::*;
use std::collections::BTreeMap;

const EPOCHS: usize = 9;

fn row(model_id: u32, params: u64, accuracies: &[f64]) -> Row {
    Row {
        is_test: false,
        max_accuracy: accuracies.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        architecture: Architecture {
            id: naap_space::ModelId::new(model_id).unwrap(),
            scheme: SchemeFeatures {
                num_params: params,
                num_macs: 100 * params + u64::from(model_id),
                num_layers: 3 + model_id % 4,
                num_stages: 1 + model_id % 3,
                first_layer_width: 8,
                last_layer_width: 16 + model_id % 5,
                num_skip_connections: None,
                num_partial_rf_layers: None,
            },
            epochs: accuracies
                .iter()
                .enumerate()
                .map(|(i, &a)| EpochRecord {
                    loss_mean: 2.5 - a - 0.01 * i as f64,
                    loss_median: 2.4 - a,
                    accuracy: a,
                })
                .collect(),
            extra: Vec::new(),
        },
    }
}

/// Tables of 2n rows with accuracies on a 0.01 grid, so ties are common:
/// ids 1..=n form the pool, n+1..=2n the known fold.
fn tables() -> impl Strategy<Value = Vec<Row>> {
    (6usize..24).prop_flat_map(|n| {
        prop::collection::vec(
            (1000u64..100_000, prop::collection::vec(0u32..100, EPOCHS)),
            2 * n,
        )
        .prop_map(|specs| {
            specs
                .iter()
                .enumerate()
                .map(|(i, (params, acc))| {
                    let acc: Vec<f64> = acc.iter().map(|&a| f64::from(a) / 100.0).collect();
                    row(i as u32 + 1, *params, &acc)
                })
                .collect()
        })
    })
}

fn blind(row: &Row, paid: u32) -> Row {
    let mut out = row.clone();
    out.max_accuracy = f64::NAN;
    for e in out.epochs.iter_mut().skip(paid as usize) {
        *e = EpochRecord {
            loss_mean: f64::NAN,
            loss_median: f64::NAN,
            accuracy: f64::NAN,
        };
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_strategy_pays_exactly_and_reads_only_what_it_paid(table in tables(), seed in 0u64..1000) {
        let n = table.len() / 2;
        let (pool, known) = table.split_at(n);
        let known: Vec<&Row> = known.iter().collect();
        let mut config = StudyConfig::default();
        config.apply(&StrategyFlags {
            min_epochs: Some(1),
            max_epochs: Some(EPOCHS as u32),
            eta: Some(3),
            k_epochs: Some(2),
            top_m: Some(3),
            random_n: Some(3),
            online_batch: Some(2),
            eval_epochs: Some(3),
            evaluations: Some(12),
            population: Some(4),
            sample: Some(2),
            init: Some(3),
            ..StrategyFlags::default()
        });
        let config = config.validate().unwrap();
        let cost = CostModel::macs(&table);
        let best = pool.iter().map(|r| r.max_accuracy).fold(f64::NEG_INFINITY, f64::max);
        for strategy in config.strategies().unwrap() {
            let ctx = SearchContext {
                seed,
                known: if strategy.needs_known() { &known } else { &[] },
            };
            let out = search(strategy.as_ref(), &mut TableSource::new(pool).unwrap(), &cost, None, &ctx).unwrap();
            let name = strategy.name();
            prop_assert!(pool.iter().any(|r| r.id == out.found.get()), "{name}");
            let epochs: u64 = out.paid.iter().map(|&(_, e)| u64::from(e)).sum();
            prop_assert_eq!(out.epochs_spent, epochs, "{}", name);
            let bill: f64 = out
                .paid
                .iter()
                .map(|&(id, e)| f64::from(e) * cost.per_epoch(id).unwrap())
                .sum();
            prop_assert!((out.cost_spent - bill).abs() <= 1e-9 * bill, "{name}: {} vs {bill}", out.cost_spent);
            if name == "exhaustive" {
                let found = pool.iter().find(|r| r.id == out.found.get()).unwrap();
                prop_assert_eq!(found.max_accuracy, best);
            }
            let paid: BTreeMap<u32, u32> = out.paid.iter().map(|&(id, e)| (id.get(), e)).collect();
            let blinded: Vec<Row> = pool
                .iter()
                .map(|r| blind(r, paid.get(&r.id.get()).copied().unwrap_or(0)))
                .collect();
            let again = search(strategy.as_ref(), &mut TableSource::new(&blinded).unwrap(), &cost, None, &ctx).unwrap();
            prop_assert_eq!(&out, &again, "{} read an unpaid value", name);
        }
    }
}
