//! Known-answer tests of the strategies on a small synthetic table whose
//! decisions are worked out by hand in the comments.

use super::*;
use crate::cost::CostModel;
use crate::study::search;
use crate::table::TableSource;
use naap_dataset::{Architecture, EpochRecord, Row, SchemeFeatures};
use naap_space::ModelId;

/// A row with the given test accuracies (epoch 1 first).
pub(crate) fn row(model_id: u32, accuracies: &[f64]) -> Row {
    Row {
        is_test: false,
        max_accuracy: accuracies.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        architecture: Architecture {
            id: naap_space::ModelId::new(model_id).unwrap(),
            scheme: SchemeFeatures {
                num_params: 1000 + 10 * u64::from(model_id),
                num_macs: 50_000 * u64::from(model_id),
                num_layers: 3,
                num_stages: 1 + model_id % 3,
                first_layer_width: 8,
                last_layer_width: 16,
                num_skip_connections: None,
                num_partial_rf_layers: None,
            },
            epochs: accuracies
                .iter()
                .enumerate()
                .map(|(i, &a)| EpochRecord {
                    loss_mean: 2.0 / (i + 1) as f64,
                    loss_median: 1.9 / (i + 1) as f64,
                    accuracy: a,
                })
                .collect(),
            extra: Vec::new(),
        },
    }
}

/// Eight schemes over four epochs. Scheme 6 blooms late (best, 0.95);
/// schemes 2, 4 and 7 tie at epoch 1.
pub(crate) fn table() -> Vec<Row> {
    [
        [0.10, 0.20, 0.30, 0.40],
        [0.50, 0.55, 0.56, 0.57],
        [0.30, 0.60, 0.62, 0.64],
        [0.50, 0.52, 0.53, 0.90],
        [0.45, 0.70, 0.71, 0.72],
        [0.20, 0.30, 0.40, 0.95],
        [0.50, 0.51, 0.52, 0.53],
        [0.40, 0.41, 0.42, 0.43],
    ]
    .iter()
    .enumerate()
    .map(|(i, acc)| row(i as u32 + 1, acc))
    .collect()
}

/// The ModelId `n` (test ids are never 0).
pub(crate) fn id(n: u32) -> ModelId {
    ModelId::new(n).unwrap()
}

fn ids(ns: &[u32]) -> Vec<ModelId> {
    ns.iter().copied().map(id).collect()
}

/// `(ModelId, epochs)` pairs as plain numbers, to compare with a hand-worked list.
fn raw(paid: &[(ModelId, u32)]) -> Vec<(u32, u32)> {
    paid.iter().map(|&(i, e)| (i.get(), e)).collect()
}

pub(crate) fn ctx() -> SearchContext<'static> {
    SearchContext {
        seed: 7,
        known: &[],
    }
}

#[test]
fn successive_halving_known_answer() {
    // eta 2, r 1, R 4: rungs at 1, 2 and 4 epochs.
    // Rung 0, all 8 at epoch 1 (8 epochs): 2, 4, 7 tie at 0.50 and keep id
    // order, then 5 (0.45), 8, 3, 6, 1; keep floor(8/2) = 4: {2, 4, 7, 5}.
    // Rung 1, those to epoch 2 (4 epochs): 5 0.70, 2 0.55, 4 0.52, 7 0.51;
    // keep 2: {5, 2}.
    // Rung 2, those to epoch 4 (2 × 2 = 4 epochs): 5 0.72 beats 2 0.57.
    // Found 5 for 8 + 4 + 4 = 16 epochs; regret 0.95 - 0.72 = 0.23.
    let rows = table();
    let mut source = TableSource::new(&rows).unwrap();
    let sh = SuccessiveHalving::new(Rungs::new(2, 1, 4).unwrap());
    let out = search(&sh, &mut source, &CostModel::epochs(), None, &ctx()).unwrap();
    assert_eq!(out.found, id(5));
    assert_eq!(out.epochs_spent, 16);
    assert_eq!(
        raw(&out.paid),
        [
            (1, 1),
            (2, 4),
            (3, 1),
            (4, 2),
            (5, 4),
            (6, 1),
            (7, 2),
            (8, 1)
        ]
    );
}

#[test]
fn hyperband_brackets_match_the_paper() {
    // Li et al. (2018), Table 1: R = 81, eta = 3 gives brackets of
    // (n, r) = (81, 1), (34, 3), (15, 9), (8, 27), (5, 81).
    let hb = Hyperband::new(Rungs::new(3, 1, 81).unwrap());
    assert_eq!(
        hb.brackets(),
        [(81, 1, 4), (34, 3, 3), (15, 9, 2), (8, 27, 1), (5, 81, 0)]
    );
}

#[test]
fn hyperband_known_answer_for_given_draws() {
    // eta 2, r 1, R 4: s_max = 2, brackets (4 at 1 epoch, 2 halvings),
    // (3 at 2 epochs, 1 halving), (3 at 4 epochs, none).
    // Bracket 1 draws {1, 3, 6, 8}: at epoch 1 (4 epochs) 8 0.40, 3 0.30,
    // 6 0.20, 1 0.10, keep {8, 3}; to epoch 2 (2 epochs) 3 0.60 beats
    // 8 0.41; 3 to epoch 4 (2 epochs): winner 3 at 0.64. 8 epochs.
    // Bracket 2 draws {4, 6, 7}: to epoch 2 (5 epochs: 6 resumes from its
    // paid epoch 1) 4 0.52, 7 0.51, 6 0.30, keep {4}; 4 to epoch 4
    // (2 epochs): winner 4 at 0.90. 7 epochs.
    // Bracket 3 draws {2, 5, 8}: to epoch 4, 2 and 5 fresh (8 epochs), 8
    // resumes from epoch 2 (2 epochs): 5 0.72 wins.
    // Winners 3 0.64, 4 0.90, 5 0.72 at epoch 4: found 4 (regret 0.05) for
    // 8 + 7 + 10 = 25 epochs.
    let rows = table();
    let mut source = TableSource::new(&rows).unwrap();
    let cost = CostModel::epochs();
    let mut meter = Meter::new(&mut source, &cost).unwrap();
    let hb = Hyperband::new(Rungs::new(2, 1, 4).unwrap());
    assert_eq!(hb.brackets(), [(4, 1, 2), (3, 2, 1), (3, 4, 0)]);
    let found = hb
        .run_brackets(
            &mut meter,
            vec![ids(&[1, 3, 6, 8]), ids(&[4, 6, 7]), ids(&[2, 5, 8])],
        )
        .unwrap();
    assert_eq!(found, id(4));
    assert_eq!(meter.epochs_spent(), 25);
}

#[test]
fn hyperband_draws_distinct_schemes_while_the_pool_lasts() {
    let hb = Hyperband::new(Rungs::new(3, 10, 90).unwrap());
    // (9 at 10), (5 at 30), (3 at 90): 17 distinct schemes of 440.
    let pool: Vec<ModelId> = (1..=440).map(id).collect();
    let draws = hb.draw(&pool, 3);
    let sizes: Vec<usize> = draws.iter().map(Vec::len).collect();
    assert_eq!(sizes, [9, 5, 3]);
    let mut all: Vec<ModelId> = draws.concat();
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), 17);
    assert_ne!(hb.draw(&pool, 4), draws, "another seed draws other schemes");
}

#[test]
fn exhaustive_random_and_last_accuracy_known_answers() {
    let rows = table();
    let cost = CostModel::epochs();
    // Exhaustive: all 8 × 4 epochs, the best curve is 6 (0.95).
    let out = search(
        &Exhaustive,
        &mut TableSource::new(&rows).unwrap(),
        &cost,
        None,
        &ctx(),
    )
    .unwrap();
    assert_eq!((out.found.get(), out.epochs_spent), (6, 32));
    // Last accuracy, k = 2, m = 2: epoch-2 accuracies rank 5 (0.70),
    // 3 (0.60), ...; both trained fully, 5 (0.72) beats 3 (0.64).
    // 8 × 2 + 2 × 2 = 20 epochs.
    let la = RankThenTrain::last_accuracy(2, 2).unwrap();
    let out = search(
        &la,
        &mut TableSource::new(&rows).unwrap(),
        &cost,
        None,
        &ctx(),
    )
    .unwrap();
    assert_eq!((out.found.get(), out.epochs_spent), (5, 20));
    // Random with n = pool size is exhaustive.
    let rs = RandomSearch::new(8).unwrap();
    let out = search(
        &rs,
        &mut TableSource::new(&rows).unwrap(),
        &cost,
        None,
        &ctx(),
    )
    .unwrap();
    assert_eq!((out.found.get(), out.epochs_spent), (6, 32));
    let rs = RandomSearch::new(3).unwrap();
    let out = search(
        &rs,
        &mut TableSource::new(&rows).unwrap(),
        &cost,
        None,
        &ctx(),
    )
    .unwrap();
    assert_eq!(out.epochs_spent, 12);
    assert_eq!(out.paid.len(), 3);
}

#[test]
fn meter_refuses_unpaid_values_and_charges_only_new_epochs() {
    let rows = table();
    let mut source = TableSource::new(&rows).unwrap();
    let cost = CostModel::macs(&rows);
    let mut meter = Meter::new(&mut source, &cost).unwrap();
    meter.train(&[(id(3), 2)]).unwrap();
    assert_eq!(meter.accuracy_at(id(3), 2).unwrap(), 0.60);
    let err = meter.accuracy_at(id(3), 3).unwrap_err();
    assert!(matches!(err, Error::NotPaid(_)), "{err}");
    assert!(meter.best_accuracy(id(4)).is_err());
    // Training 3 to 4 epochs charges epochs 3 and 4 only: 2 × 0.15 MMACs.
    meter.train(&[(id(3), 4), (id(3), 1)]).unwrap();
    assert_eq!(meter.epochs_spent(), 4);
    approx::assert_relative_eq!(meter.cost_spent(), 4.0 * 0.15);
    assert!(meter.train(&[(id(3), 5)]).is_err());
    assert!(meter.train(&[(id(99), 1)]).is_err());
    assert_eq!(meter.trajectory().len(), 2);
}

#[test]
fn a_budget_stops_the_search_at_its_incumbent() {
    // Successive halving as above with a budget of 12 epochs: rungs 0 and 1
    // cost 8 + 4 = 12; rung 2 (4 more) is refused. The incumbent is the
    // best observed among the schemes trained longest (2 epochs: 5, 2, 4, 7):
    // 5 at 0.70.
    let rows = table();
    let sh = SuccessiveHalving::new(Rungs::new(2, 1, 4).unwrap());
    let cost = CostModel::epochs();
    let out = search(
        &sh,
        &mut TableSource::new(&rows).unwrap(),
        &cost,
        Some(12.0),
        &ctx(),
    )
    .unwrap();
    assert!(out.budget_hit);
    assert_eq!((out.found.get(), out.epochs_spent), (5, 12));
    // A budget below the first rung (8 epochs) has no answer.
    let err = search(
        &sh,
        &mut TableSource::new(&rows).unwrap(),
        &cost,
        Some(7.0),
        &ctx(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("does not cover its first batch"), "{err}");
    let out = search(
        &sh,
        &mut TableSource::new(&rows).unwrap(),
        &cost,
        Some(16.0),
        &ctx(),
    )
    .unwrap();
    assert!(!out.budget_hit);
}

/// The table, but `diverges` = (ModelId, epoch): that scheme's training
/// diverges in that epoch, as a live trainer's would.
struct Diverging<'a> {
    table: TableSource<'a>,
    diverges: (u32, u32),
}

impl crate::CurveSource for Diverging<'_> {
    fn members(&self) -> &[Architecture] {
        self.table.members()
    }

    fn max_epochs(&self) -> u32 {
        self.table.max_epochs()
    }

    fn advance(&mut self, work: &[crate::Advance]) -> Result<Vec<crate::Advanced>> {
        let mut out = self.table.advance(work)?;
        let (id, epoch) = self.diverges;
        for (w, a) in work.iter().zip(out.iter_mut()) {
            if w.model_id.get() == id && w.to_epoch >= epoch {
                a.records.truncate((epoch - 1 - w.from_epoch) as usize);
                a.diverged = Some(format!("diverged in epoch {epoch}"));
            }
        }
        Ok(out)
    }
}

fn diverging_search(strategy: &dyn Strategy, diverges: (u32, u32)) -> crate::SearchOutcome {
    let rows = table();
    let mut source = Diverging {
        table: TableSource::new(&rows).unwrap(),
        diverges,
    };
    search(strategy, &mut source, &CostModel::epochs(), None, &ctx()).unwrap()
}

#[test]
fn a_diverged_scheme_is_charged_what_it_ran_and_never_picked() {
    // Successive halving as in its known answer, but 5 (the winner there)
    // diverges in epoch 2. Rung 0: 8 epochs, keep {2, 4, 7, 5}. Rung 1: 2, 4
    // and 7 to epoch 2, 5 runs epoch 2 and diverges (4 epochs); of the 3
    // left keep floor(3/2) = 1: 2 (0.55). Rung 2: 2 to epoch 4 (2 epochs).
    // Found 2 for 8 + 4 + 2 = 14 epochs.
    let sh = SuccessiveHalving::new(Rungs::new(2, 1, 4).unwrap());
    let out = diverging_search(&sh, (5, 2));
    assert_eq!((out.found.get(), out.epochs_spent), (2, 14));
    assert_eq!(out.cost_spent, 14.0);
    assert_eq!(out.diverged, [(id(5), "diverged in epoch 2".to_owned())]);
    assert_eq!(out.paid.iter().find(|p| p.0 == id(5)), Some(&(id(5), 1)));
    assert!(out.trajectory.iter().all(|s| s.incumbent != id(5)));

    // Exhaustive: 6, the best, diverges in epoch 3 of 4 (3 epochs charged,
    // 2 recorded); 4 (0.90) is the best left. 7 x 4 + 3 = 31 epochs.
    let out = diverging_search(&Exhaustive, (6, 3));
    assert_eq!((out.found.get(), out.epochs_spent), (4, 31));
    assert_eq!(out.paid.iter().find(|p| p.0 == id(6)), Some(&(id(6), 2)));

    // Last-accuracy k = 1, m = 2: at epoch 1, 2, 4, 7 tie at 0.50; 2 and 4
    // are the top 2; 4 diverges in epoch 3, so 2 is the only one left.
    let la = RankThenTrain::last_accuracy(1, 2).unwrap();
    let out = diverging_search(&la, (4, 3));
    assert_eq!((out.found.get(), out.epochs_spent), (2, 8 + 3 + 2));
    // A diverged scheme is never picked, even when it is all there is.
    let la = RankThenTrain::last_accuracy(1, 1).unwrap();
    let rows = table();
    let mut source = Diverging {
        table: TableSource::new(&rows).unwrap(),
        diverges: (2, 2),
    };
    let err = search(&la, &mut source, &CostModel::epochs(), None, &ctx()).unwrap_err();
    assert!(matches!(err, Error::NothingLeft(_)), "{err}");
}
