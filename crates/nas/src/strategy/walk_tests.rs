//! Known answers of the neighbourhood strategies on the 8-scheme table of
//! [`super::tests`], searched over a path graph: a space whose schemes are
//! one fixed layer repeated 1 to 8 times, so scheme k (k layers) neighbours
//! only k − 1 and k + 1 (the deepest layer removed or added).
//!
//! Accuracies at epoch 1 along the path: 1 0.10, 2 0.50, 3 0.30, 4 0.50,
//! 5 0.45, 6 0.20, 7 0.50, 8 0.40; local optima 2, 4 and 7.

use super::tests::{ctx, id, table};
use super::*;
use crate::cost::CostModel;
use crate::study::search;
use crate::table::TableSource;
use crate::{Advance, Advanced, CurveSource};
use naap_dataset::Architecture;
use naap_space::{LayerChoices, Neighbourhood, SpaceConfig};
use std::sync::Arc;

fn path_space() -> naap_space::SpaceValidConfig {
    let layer = LayerChoices {
        kernel_sizes: vec![3],
        widths: vec![8],
        strides: vec![1],
        residual: vec![false],
    };
    SpaceConfig {
        max_stride2_layers: 0,
        min_depth: 1,
        layers: vec![layer; 8],
    }
    .validate()
    .unwrap()
}

fn path() -> Arc<Neighbourhood> {
    let space = path_space();
    let graph = Neighbourhood::of(&space, 8).unwrap();
    for k in 1..=8u32 {
        let expected: Vec<u32> = [k - 1, k + 1]
            .into_iter()
            .filter(|n| (1..=8).contains(n))
            .collect();
        let got: Vec<u32> = graph.neighbours(id(k)).map(|n| n.get()).collect();
        assert_eq!(got, expected, "the space is a path");
    }
    Arc::new(graph)
}

/// The table, recording the order in which schemes are first trained.
struct Logged<'a> {
    table: TableSource<'a>,
    order: Vec<u32>,
}

impl CurveSource for Logged<'_> {
    fn members(&self) -> &[Architecture] {
        self.table.members()
    }

    fn max_epochs(&self) -> u32 {
        self.table.max_epochs()
    }

    fn advance(&mut self, work: &[Advance]) -> crate::Result<Vec<Advanced>> {
        self.order.extend(
            work.iter()
                .filter(|w| w.from_epoch == 0)
                .map(|w| w.model_id.get()),
        );
        self.table.advance(work)
    }
}

/// The order of first trainings and the outcome of `strategy` with `seed`.
fn run(strategy: &dyn Strategy, seed: u64) -> (Vec<u32>, crate::SearchOutcome) {
    let rows = table();
    let mut source = Logged {
        table: TableSource::new(&rows).unwrap(),
        order: Vec::new(),
    };
    let ctx = SearchContext { seed, ..ctx() };
    let out = search(strategy, &mut source, &CostModel::epochs(), None, &ctx).unwrap();
    (source.order, out)
}

#[test]
fn local_search_climbs_to_a_local_optimum_then_restarts() {
    // init 1, evaluated at epoch 1. From each start, by hand: evaluate the
    // unseen neighbours (ascending), move to the best (ties: lower id) while
    // it beats the current scheme, and restart at a local optimum.
    let climbs: [&[u32]; 8] = [
        &[1, 2, 3],    // 2 beats 1; 2's other neighbour 3 is worse: optimum 2
        &[2, 1, 3],    // 2 is an optimum
        &[3, 2, 4, 1], // 2 and 4 tie at 0.50, 2 wins; 1 is worse: optimum 2
        &[4, 3, 5],    // optimum 4
        &[5, 4, 6, 3], // to 4 (0.50), whose neighbour 3 is worse
        &[6, 5, 7, 8], // to 7 (0.50 beats 5's 0.45), whose neighbour 8 is worse
        &[7, 6, 8],    // optimum 7
        &[8, 7, 6],    // to 7, whose neighbour 6 is worse
    ];
    let spec = LocalSearchSpec {
        init: 1,
        eval_epochs: 1,
        evaluations: 100,
        space: None,
    };
    let ls = LocalSearch::new(path(), &spec).unwrap();
    let mut starts = std::collections::BTreeSet::new();
    for seed in 0..40 {
        let (order, out) = run(&ls, seed);
        let climb = climbs[order[0] as usize - 1];
        starts.insert(order[0]);
        assert_eq!(&order[..climb.len()], climb, "seed {seed}: {order:?}");
        // The restart is a fresh random scheme, and the search goes on until
        // the whole pool was seen, each scheme paid once at epoch 1.
        assert_eq!(order.len(), 8, "seed {seed}: {order:?}");
        assert_eq!(out.epochs_spent, 8);
        // Ties among 2, 4 and 7 at 0.50 go to the lowest id.
        assert_eq!(out.found, id(2));
    }
    assert!(starts.len() >= 6, "the seeds cover most starts: {starts:?}");
}

#[test]
fn evolution_ages_out_its_oldest_member_even_when_it_is_the_best() {
    // Population 1, tournament 1: the only parent is the newest child, so
    // the walk keeps going the way it started, to an end of the path, even
    // when a child is worse than its parent (2 0.50 → 3 0.30, 5 0.45 →
    // 6 0.20). An evolution that kept the better one would turn back.
    let spec = RegularizedEvolutionSpec {
        population: 1,
        sample: 1,
        eval_epochs: 1,
        evaluations: 100,
        space: None,
    };
    let re = RegularizedEvolution::new(path(), &spec).unwrap();
    let mut worse_children = 0;
    for seed in 0..40 {
        let (order, out) = run(&re, seed);
        let start = order[0];
        let step = if order.len() > 1 && order[1] > start {
            1i64
        } else {
            -1
        };
        let end = if step == 1 { 8 } else { 1 };
        let run_out: Vec<u32> = (0..)
            .map(|i| (i64::from(start) + step * i) as u32)
            .take_while(|&k| (1..=8).contains(&k))
            .collect();
        assert_eq!(&order[..run_out.len()], run_out, "seed {seed}: {order:?}");
        assert_eq!(*run_out.last().unwrap(), end);
        let acc = |k: u32| table()[k as usize - 1].epochs[0].accuracy;
        worse_children += run_out.windows(2).filter(|w| acc(w[1]) < acc(w[0])).count();
        assert_eq!(out.epochs_spent, 8, "every scheme once: {order:?}");
    }
    assert!(worse_children > 0, "some child was worse than its parent");

    // Population 3, tournament 3: the tournament is the whole population,
    // so the parent is its best member. Seed 3 draws 6, 1, 8; the parent 8
    // (0.40) has one unseen neighbour, 7: evaluated, and 6, the oldest,
    // leaves. The parent 7 (0.50) has no unseen neighbour: 6 or 8 is seen
    // again for free, and 1 leaves. Five evaluations, four schemes paid.
    let spec = RegularizedEvolutionSpec {
        population: 3,
        sample: 3,
        evaluations: 5,
        ..spec
    };
    let re = RegularizedEvolution::new(path(), &spec).unwrap();
    let (order, out) = run(&re, 3);
    assert_eq!(order, [6, 1, 8, 7]);
    assert_eq!(out.epochs_spent, 4);
    assert_eq!(out.found, id(7));
}

#[test]
fn bananas_and_bohb_pay_each_scheme_once_and_answer_the_best_they_saw() {
    // Allowed the whole pool, both see every scheme at their last fidelity
    // and answer the best at it: at epoch 4 that is 6 (0.95).
    let bananas = Bananas::new(
        path(),
        &BananasSpec {
            init: 3,
            batch: 2,
            eval_epochs: 4,
            evaluations: 8,
            model: "Linear Regression".into(),
            features: "Scheme".into(),
            ..BananasSpec::default()
        },
    )
    .unwrap();
    for seed in 0..5 {
        let (order, out) = run(&bananas, seed);
        assert_eq!(order.len(), 8, "{order:?}");
        assert_eq!(out.epochs_spent, 32);
        assert_eq!(out.found, id(6));
    }
    let spec = BohbSpec {
        eta: 2,
        eval_epochs: 4,
        evaluations: 100,
    };
    assert_eq!(
        (
            spec.rungs().unwrap().min_epochs(),
            spec.rungs().unwrap().steps()
        ),
        (1, 2)
    );
    let bohb = spec.build(&BuildEnv::default()).unwrap().remove(0);
    for seed in 0..5 {
        let (order, out) = run(bohb.as_ref(), seed);
        assert_eq!(order.len(), 8, "every scheme drawn once: {order:?}");
        let at4: Vec<u32> = out
            .paid
            .iter()
            .filter(|p| p.1 == 4)
            .map(|p| p.0.get())
            .collect();
        // The answer: the best at epoch 4 of the schemes that reached it.
        let acc = |k: u32| table()[k as usize - 1].epochs[3].accuracy;
        let best = *at4
            .iter()
            .max_by(|&&a, &&b| acc(a).total_cmp(&acc(b)))
            .unwrap();
        assert_eq!(out.found, id(best), "{order:?}");
    }
}

#[test]
fn bohb_rungs_follow_the_evaluation_epochs() {
    let rungs = |eval_epochs: u32| {
        let r = BohbSpec {
            eval_epochs,
            ..BohbSpec::default()
        }
        .rungs()
        .unwrap();
        (r.min_epochs(), r.max_epochs())
    };
    // NATS-Bench's 12 epochs with eta 3: rungs 4, 12.
    assert_eq!(rungs(12), (4, 12));
    assert_eq!(rungs(30), (10, 30));
    assert_eq!(rungs(90), (10, 90));
    assert_eq!(rungs(7), (7, 7));
}

#[test]
fn neighbourhood_settings_out_of_range_are_refused() {
    let err = |r: Result<Vec<Box<dyn Strategy>>>| match r {
        Err(e) => e.to_string(),
        Ok(_) => panic!("accepted"),
    };
    let env = BuildEnv::default();
    let e = err(RegularizedEvolutionSpec {
        sample: 11,
        ..Default::default()
    }
    .build(&env));
    assert!(
        e.contains("sample 11") && e.contains("population 10"),
        "{e}"
    );
    let e = err(LocalSearchSpec {
        eval_epochs: 0,
        ..Default::default()
    }
    .build(&env));
    assert!(e.contains("eval-epochs"), "{e}");
    let e = err(BananasSpec {
        features: "Scheme + Quantitative 3 epochs".into(),
        ..Default::default()
    }
    .build(&env));
    assert!(e.contains("read epoch 3"), "{e}");
    let e = err(BohbSpec {
        evaluations: 0,
        ..Default::default()
    }
    .build(&env));
    assert!(e.contains("evaluations"), "{e}");
}

#[test]
fn reinforce_learns_the_depth_of_the_best_scheme() {
    // On the path space the policy's one free decision is the depth, the
    // scheme itself. With the epoch-4 accuracies as fixed rewards (peak:
    // 6 at 0.95), the last 100 of 300 draws hit 6 far more often than the
    // 1 in 8 of a uniform sampler.
    let spec = ReinforceSpec {
        learning_rate: 3.0,
        eval_epochs: 4,
        evaluations: 60,
        space: None,
    };
    let re = Reinforce::new(&path_space(), &spec).unwrap();
    let pool: Vec<ModelId> = (1..=8).map(id).collect();
    let reward = |k: ModelId| table()[k.index()].epochs[3].accuracy;
    for seed in 0..5 {
        let draws = re.draws(&pool, 300, seed, reward);
        let late = draws[200..].iter().filter(|&&k| k == id(6)).count();
        assert!(late > 60, "seed {seed}: {late} of the last 100 draws hit 6");
        let early = draws[..100].iter().filter(|&&k| k == id(6)).count();
        assert!(early < late, "seed {seed}: it learns ({early} then {late})");
    }
    // Through the meter: every scheme paid once at epoch 4, the answer the
    // best seen.
    for seed in 0..5 {
        let (order, out) = run(&re, seed);
        assert_eq!(out.epochs_spent, 4 * order.len() as u64);
        let best = order
            .iter()
            .copied()
            .max_by(|&a, &b| reward(id(a)).total_cmp(&reward(id(b))))
            .unwrap();
        assert_eq!(out.found, id(best), "seed {seed}: {order:?}");
    }
    let e = match (ReinforceSpec {
        learning_rate: 0.0,
        ..ReinforceSpec::default()
    })
    .build(&BuildEnv::default())
    {
        Err(e) => e.to_string(),
        Ok(_) => panic!("accepted"),
    };
    assert!(e.contains("learning_rate"), "{e}");
}
