//! The live source over a fake trainer that replays the published curves:
//! it must decide exactly as the simulator's table, and a killed search must
//! resume to the same result without training anything twice.

use crate::{
    journal_header, run_search, EpochTrainer, Error, Journal, LocalPool, Result, SearchConfig,
    SearchEvent, SearchReport,
};
use naap_dataset::{Architecture, Dataset, Row};
use naap_nas::strategy::Known;
use naap_nas::{search, Advanced, CostModel, SearchContext, StrategyFlags, TableSource};
use naap_predict::features::FeatureSet;
use naap_predict::models::RegressorSpec;
use naap_predict::predictor::Predictor;
use naap_space::ModelId;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

fn shared(name: &str) -> PathBuf {
    let dir = match std::env::var_os("NAAP_SHARED_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    };
    dir.join("naap440").join(name)
}

fn dataset() -> Dataset {
    Dataset::read(&shared("naap440.csv")).expect("the published naap440.csv")
}

#[test]
fn the_gpu_anchor_is_the_mean_epoch_time_of_the_published_logs() {
    let cost = CostModel::logged_from(&shared("raw_data.tar.gz")).unwrap();
    let mean = (1..=440)
        .map(|id| cost.per_epoch(ModelId::new(id).unwrap()).unwrap())
        .sum::<f64>()
        / 440.0;
    assert!(
        (mean - crate::report::PAPER_SECS_PER_EPOCH).abs() < 0.005,
        "mean logged epoch {mean} s"
    );
}

/// Replays stored curves as if training them; can be told to fail (a kill)
/// on its n-th call, and records every call.
struct ReplayTrainer<'a> {
    rows: BTreeMap<u32, &'a Row>,
    calls: Mutex<Vec<(u32, u32, u32)>>,
    fail_on_call: Option<usize>,
    /// (ModelId, epoch): that scheme's training diverges in that epoch.
    diverges: Vec<(u32, u32)>,
}

impl<'a> ReplayTrainer<'a> {
    fn new(rows: &'a [Row], fail_on_call: Option<usize>) -> ReplayTrainer<'a> {
        ReplayTrainer {
            rows: rows.iter().map(|r| (r.id.get(), r)).collect(),
            calls: Mutex::new(Vec::new()),
            fail_on_call,
            diverges: Vec::new(),
        }
    }

    fn calls(&self) -> Vec<(u32, u32, u32)> {
        let mut c = self.calls.lock().unwrap().clone();
        c.sort_unstable();
        c
    }
}

impl EpochTrainer for ReplayTrainer<'_> {
    fn train_to(&self, id: ModelId, from: u32, to: u32) -> Result<Advanced> {
        let mut calls = self.calls.lock().unwrap();
        if Some(calls.len()) == self.fail_on_call {
            return Err(Error::Training {
                model_id: id,
                message: "killed".into(),
            });
        }
        let model_id = id.get();
        calls.push((model_id, from, to));
        let records = &self.rows[&model_id].epochs;
        if let Some(&(_, epoch)) = self.diverges.iter().find(|d| d.0 == model_id) {
            if to >= epoch {
                return Ok(Advanced {
                    records: records[from as usize..epoch as usize - 1].to_vec(),
                    diverged: Some(format!("diverged in epoch {epoch}: batch loss is NaN")),
                });
            }
        }
        Ok(Advanced::trained(
            records[from as usize..to as usize].to_vec(),
        ))
    }
}

fn candidates(rows: &[Row]) -> Vec<Architecture> {
    rows.iter().map(|r| r.untrained()).collect()
}

fn config(strategy: &str, known: Known, f: impl FnOnce(&mut SearchConfig)) -> SearchConfig {
    let mut c = SearchConfig::new("naap440.csv", strategy.parse().unwrap());
    c.strategy.apply(&StrategyFlags {
        known: Some(vec![known]),
        ..StrategyFlags::default()
    });
    c.known_dataset = (known == Known::Fold).then(|| "naap440.csv".into());
    c.jobs = 2;
    f(&mut c);
    c
}

/// Sets the strategy's top-m.
fn top_m(c: &mut SearchConfig, m: usize) {
    c.strategy.apply(&StrategyFlags {
        top_m: Some(m),
        ..StrategyFlags::default()
    });
}

fn live(
    c: &SearchConfig,
    pool: &[Row],
    known: &[Row],
    trainer: &dyn EpochTrainer,
    journal: &std::path::Path,
) -> Result<SearchReport> {
    let valid = c.clone().validate()?;
    // The settings as checked: a predictor file's checksum is part of them.
    let mut journal = Journal::open(
        journal,
        &journal_header("test", &format!("{:?}", valid.get())),
        false,
    )?;
    run_search(
        &valid,
        candidates(pool),
        known,
        &LocalPool::new(trainer, valid.jobs().get()),
        &mut journal,
        &|_| {},
    )
}

#[test]
fn the_live_source_replaying_known_curves_decides_as_the_table() {
    let data = dataset();
    let (pool, known) = data.rows.split_at(120);
    let known_refs: Vec<&Row> = known.iter().collect();
    let cases = [
        ("successive-halving", Known::Online),
        ("hyperband", Known::Online),
        ("predictor", Known::Fold),
        ("predictor", Known::Online),
        ("zero-shot", Known::Fold),
        ("last-accuracy", Known::Online),
        ("random", Known::Online),
    ];
    for (name, protocol) in cases {
        let c = config(name, protocol, |_| {});
        let strategy = c.clone().validate().unwrap().strategy().unwrap();
        let ctx = SearchContext {
            seed: c.seed,
            known: &known_refs,
        };
        let mut table = TableSource::new(pool).unwrap();
        let expected = search(
            strategy.as_ref(),
            &mut table,
            &CostModel::epochs(),
            None,
            &ctx,
        )
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let trainer = ReplayTrainer::new(pool, None);
        let got = live(&c, pool, known, &trainer, &dir.path().join("j")).unwrap();
        assert_eq!(got.outcome, expected, "{name} {protocol:?}");
        // The trainer was asked for exactly the epochs the meter paid.
        let trained: u64 = trainer.calls().iter().map(|c| u64::from(c.2 - c.1)).sum();
        assert_eq!(trained, expected.epochs_spent, "{name}");
        let winner = &got.ranking[0];
        assert_eq!(
            (winner.model_id, winner.decision.name()),
            (expected.found, "winner")
        );
    }
}

#[test]
fn the_fold_predictions_in_the_ranking_are_the_ones_that_ranked() {
    let data = dataset();
    let (pool, known) = data.rows.split_at(60);
    let c = config("predictor", Known::Fold, |c| top_m(c, 5));
    let dir = tempfile::tempdir().unwrap();
    let trainer = ReplayTrainer::new(pool, None);
    let got = live(&c, pool, known, &trainer, &dir.path().join("j")).unwrap();
    let mut by_prediction: Vec<(f64, ModelId)> = got
        .ranking
        .iter()
        .map(|r| {
            (
                r.predicted_accuracy.expect("every candidate predicted"),
                r.model_id,
            )
        })
        .collect();
    by_prediction.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let full: Vec<ModelId> = got
        .ranking
        .iter()
        .filter(|r| r.epochs_trained == 90)
        .map(|r| r.model_id)
        .collect();
    let mut top5: Vec<ModelId> = by_prediction[..5].iter().map(|p| p.1).collect();
    top5.sort_unstable();
    let mut full_sorted = full.clone();
    full_sorted.sort_unstable();
    assert_eq!(top5, full_sorted);
}

fn without_resume_counters(mut r: SearchReport) -> SearchReport {
    r.replayed_batches = 0;
    r.secs_spent = 0.0;
    r
}

#[test]
fn a_killed_search_resumes_to_the_same_ranking_and_trains_nothing_twice() {
    let data = dataset();
    let (pool, known) = data.rows.split_at(100);
    for (name, protocol) in [
        ("successive-halving", Known::Online),
        ("predictor", Known::Fold),
    ] {
        let c = config(name, protocol, |_| {});
        let dir = tempfile::tempdir().unwrap();
        let straight_trainer = ReplayTrainer::new(pool, None);
        let straight = live(&c, pool, known, &straight_trainer, &dir.path().join("a")).unwrap();

        // Killed in its second batch (call 100 is past the 100 of the first).
        let path = dir.path().join("b");
        let killed = ReplayTrainer::new(pool, Some(105));
        let err = live(&c, pool, known, &killed, &path).unwrap_err();
        assert!(matches!(err, Error::Training { .. }), "{err}");
        let header = journal_header(
            "test",
            &format!("{:?}", c.clone().validate().unwrap().get()),
        );
        let journaled = Journal::open(&path, &header, false)
            .unwrap()
            .batches()
            .to_vec();
        assert_eq!(journaled.len(), 1, "{name}: the first batch is journaled");

        let resumed_trainer = ReplayTrainer::new(pool, None);
        let resumed = live(&c, pool, known, &resumed_trainer, &path).unwrap();
        assert_eq!(resumed.replayed_batches, 1);
        assert_eq!(
            without_resume_counters(resumed),
            without_resume_counters(straight),
            "{name}"
        );
        // The resumed run trained everything but the journaled batch.
        let mut expected = straight_trainer.calls();
        let first: Vec<(u32, u32, u32)> = journaled[0]
            .work
            .iter()
            .map(|w| (w[0], w[1], w[2]))
            .collect();
        expected.retain(|c| !first.contains(c));
        assert_eq!(resumed_trainer.calls(), expected, "{name}");
    }
}

#[test]
fn a_journal_of_other_settings_is_refused() {
    let data = dataset();
    let pool = &data.rows[..20];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j");
    let c = config("last-accuracy", Known::Online, |c| top_m(c, 2));
    live(&c, pool, &[], &ReplayTrainer::new(pool, None), &path).unwrap();
    let other = config("last-accuracy", Known::Online, |c| top_m(c, 3));
    let err = live(&other, pool, &[], &ReplayTrainer::new(pool, None), &path).unwrap_err();
    assert!(matches!(err, Error::Mismatch { .. }), "{err}");
    assert!(err.is_bad_input());
}

#[test]
fn budgets_stop_the_search_at_its_incumbent() {
    let data = dataset();
    let pool = &data.rows[..30];
    let dir = tempfile::tempdir().unwrap();
    // Epochs: 30 x 3 for ranking fits, 10 more full trainings do not.
    let c = config("last-accuracy", Known::Online, |c| {
        c.budget_epochs = Some(100)
    });
    let r = live(
        &c,
        pool,
        &[],
        &ReplayTrainer::new(pool, None),
        &dir.path().join("e"),
    )
    .unwrap();
    assert!(r.outcome.budget_hit);
    assert_eq!(r.outcome.epochs_spent, 90);
    // Hours: the first batch runs, the time is then spent.
    let c = config("last-accuracy", Known::Online, |c| {
        c.budget_hours = Some(1e-12)
    });
    let events = Mutex::new(Vec::new());
    let valid = c.clone().validate().unwrap();
    let mut journal = Journal::open(&dir.path().join("h"), "h", false).unwrap();
    let trainer = ReplayTrainer::new(pool, None);
    let r = run_search(
        &valid,
        candidates(pool),
        &[],
        &LocalPool::new(&trainer, 1),
        &mut journal,
        &|e| events.lock().unwrap().push(e),
    )
    .unwrap();
    assert!(r.outcome.budget_hit);
    assert_eq!(r.outcome.epochs_spent, 90);
    let events = events.into_inner().unwrap();
    assert!(matches!(
        events.as_slice(),
        [
            SearchEvent::BatchStarted {
                schemes: 30,
                epochs: 90
            },
            SearchEvent::BatchDone {
                epochs_spent: 90,
                ..
            }
        ]
    ));
}

#[test]
fn a_predictor_file_ranks_as_the_fold_fit_and_another_file_is_not_resumed() {
    let data = dataset();
    let (pool, known) = data.rows.split_at(60);
    let known_refs: Vec<&Row> = known.iter().collect();
    let dir = tempfile::tempdir().unwrap();
    let fold = config("predictor", Known::Fold, |c| top_m(c, 5));
    let expected = live(
        &fold,
        pool,
        known,
        &ReplayTrainer::new(pool, None),
        &dir.path().join("fold"),
    )
    .unwrap();

    let file = dir.path().join("p.json");
    let fit = |model: &str| {
        Predictor::fit_rows(
            &known_refs,
            &*model.parse::<RegressorSpec>().unwrap().build(),
            &FeatureSet::scheme_quantitative(3),
            fold.seed,
        )
        .unwrap()
        .save(&file)
        .unwrap()
    };
    fit("Linear Regression");
    let c = config("predictor", Known::Online, |c| {
        top_m(c, 5);
        c.predictor = Some(file.display().to_string());
    });
    let journal = dir.path().join("file");
    let got = live(&c, pool, &[], &ReplayTrainer::new(pool, None), &journal).unwrap();
    assert_eq!(got.strategy, "predictor-file");
    assert_eq!(got.outcome, expected.outcome);
    // The same fit: the same predictions in ranking.csv, for every candidate.
    assert_eq!(got.ranking, expected.ranking);
    assert!(got.ranking.iter().all(|r| r.predicted_accuracy.is_some()));

    // Another predictor at the same path: its checksum changes the journal's header.
    fit("Random Forest (N=25)");
    let err = live(&c, pool, &[], &ReplayTrainer::new(pool, None), &journal).unwrap_err();
    assert!(matches!(err, Error::Mismatch { .. }), "{err}");
    // Known curves and a predictor file do not go together.
    let mut both = c.clone();
    both.known_dataset = Some("naap440.csv".into());
    assert!(both
        .validate()
        .unwrap_err()
        .to_string()
        .contains("not both"));
}

#[test]
fn a_diverging_candidate_leaves_the_search_and_a_resume_replays_it() {
    let data = dataset();
    let pool = &data.rows[..40];
    let c = config("successive-halving", Known::Online, |_| {});
    let dir = tempfile::tempdir().unwrap();
    let plain = live(
        &c,
        pool,
        &[],
        &ReplayTrainer::new(pool, None),
        &dir.path().join("plain"),
    )
    .unwrap();
    // The winner of a plain run diverges in epoch 2 of its first rung.
    let w = plain.outcome.found;
    let diverging = |fail_on_call| ReplayTrainer {
        diverges: vec![(w.get(), 2)],
        ..ReplayTrainer::new(pool, fail_on_call)
    };
    let straight = live(&c, pool, &[], &diverging(None), &dir.path().join("a")).unwrap();
    assert_ne!(straight.outcome.found, w);
    let why = "diverged in epoch 2: batch loss is NaN".to_owned();
    assert_eq!(straight.outcome.diverged, [(w, why.clone())]);
    let last = straight.ranking.last().unwrap();
    assert_eq!(
        (last.model_id, last.decision.name(), last.epochs_trained),
        (w, "diverged", 1)
    );
    assert_eq!(last.diverged.as_deref(), Some(why.as_str()));
    // Charged: what the others were paid, and its 2 epochs.
    let others: u64 = straight
        .ranking
        .iter()
        .filter(|r| r.model_id != w)
        .map(|r| u64::from(r.epochs_trained))
        .sum();
    assert_eq!(straight.outcome.epochs_spent, others + 2);
    let summary = crate::report::summary_markdown(&straight, "t", "no budget cap");
    assert!(
        summary.contains(&format!("ModelId {w} after 1 epochs ({why})")),
        "{summary}"
    );
    let csv = crate::report::ranking_csv(&straight);
    assert!(
        csv.contains(&format!(",{w},1,")) && csv.contains(",diverged\n"),
        "{csv}"
    );

    // Killed in the second batch: the journal holds the divergence.
    let path = dir.path().join("b");
    let err = live(&c, pool, &[], &diverging(Some(45)), &path).unwrap_err();
    assert!(matches!(err, Error::Training { .. }), "{err}");
    let resumed_trainer = diverging(None);
    let resumed = live(&c, pool, &[], &resumed_trainer, &path).unwrap();
    assert_eq!(resumed.replayed_batches, 1);
    assert_eq!(
        without_resume_counters(resumed),
        without_resume_counters(straight)
    );
    assert!(resumed_trainer.calls().iter().all(|c| c.0 != w.get()));
}
