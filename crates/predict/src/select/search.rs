//! Best-first search over feature subsets, generic over how a subset is scored.
//!
//! The search keeps every evaluated subset. It starts from the full feature
//! set; each step takes the *frontier* — the not yet expanded subsets whose
//! score equals the lowest score among them (lower is better) — and evaluates
//! the subsets one flag flip away from any frontier member that are new and
//! not empty. When there are more than `max_new_per_step` of them (3 × the
//! number of features by default), a seeded random choice keeps that many.
//! A frontier with no new neighbours is set aside and the next best is tried
//! within the same step. The search stops after `max_steps` steps (the number
//! of features by default) or when every subset is expanded.
//!
//! Ties are expanded together because a tie means the search has no reason
//! to prefer one of them; it is also what makes the per-step cap bite. The
//! random choice is seeded from the search seed and the step number, and the
//! subsets of a step are evaluated in parallel but collected in ascending
//! flag order, so the result does not depend on the number of threads.

use super::seed;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use std::collections::{BTreeSet, HashSet};

/// A feature subset: bit `i` set means feature `i` of the feature set is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Flags(u64);

impl Flags {
    /// The largest feature set a `Flags` value can encode.
    pub const MAX_FEATURES: usize = 64;

    /// All of the first `num_features` features (at most [`Self::MAX_FEATURES`]).
    pub fn all(num_features: usize) -> Flags {
        assert!(num_features <= Self::MAX_FEATURES, "too many features");
        Flags(match num_features {
            64 => u64::MAX,
            n => (1u64 << n) - 1,
        })
    }

    /// The subset with exactly these bits.
    pub fn from_bits(bits: u64) -> Flags {
        Flags(bits)
    }

    /// The raw bits; bit `i` is feature `i`.
    pub fn bits(self) -> u64 {
        self.0
    }

    /// Whether feature `i` is in the subset.
    pub fn contains(self, i: usize) -> bool {
        i < Self::MAX_FEATURES && self.0 >> i & 1 == 1
    }

    /// The subset with feature `i` added or removed.
    pub fn flip(self, i: usize) -> Flags {
        Flags(self.0 ^ (1u64 << i))
    }

    /// Whether no feature is used.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The number of features used.
    pub fn count(self) -> usize {
        self.0.count_ones() as usize
    }

    /// The used features' positions, ascending.
    pub fn indices(self) -> impl Iterator<Item = usize> {
        (0..Self::MAX_FEATURES).filter(move |&i| self.contains(i))
    }

    /// The subset as a 0/1 string in feature order (feature 0 first).
    pub fn to_bit_string(self, num_features: usize) -> String {
        (0..num_features)
            .map(|i| if self.contains(i) { '1' } else { '0' })
            .collect()
    }

    /// The published NAAP-440e form: one `0`/`1` per feature, joined by `;`
    /// (`1;0;1`).
    pub fn to_published(self, num_features: usize) -> String {
        (0..num_features)
            .map(|i| if self.contains(i) { "1" } else { "0" })
            .collect::<Vec<_>>()
            .join(";")
    }

    /// Parses [`Self::to_bit_string`]'s form back.
    pub fn from_bit_string(s: &str) -> Option<Flags> {
        if s.len() > Self::MAX_FEATURES {
            return None;
        }
        s.chars()
            .enumerate()
            .try_fold(Flags(0), |f, (i, c)| match c {
                '0' => Some(f),
                '1' => Some(f.flip(i)),
                _ => None,
            })
    }
}

/// Limits and seed of one search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchConfig {
    num_features: usize,
    max_steps: usize,
    max_new_per_step: usize,
    seed: u64,
}

impl SearchConfig {
    /// The defaults for `num_features` features (1 to 64): at most
    /// `num_features` steps of at most `3 × num_features` new subsets each.
    pub fn new(num_features: usize, seed: u64) -> crate::Result<SearchConfig> {
        if !(1..=Flags::MAX_FEATURES).contains(&num_features) {
            return Err(crate::Error::InvalidInput(format!(
                "a feature search needs 1 to {} features, got {num_features}",
                Flags::MAX_FEATURES
            )));
        }
        Ok(SearchConfig {
            num_features,
            max_steps: num_features,
            max_new_per_step: 3 * num_features,
            seed,
        })
    }

    /// Sets the most steps after the full set's evaluation (0: only the full set).
    pub fn max_steps(mut self, max_steps: usize) -> Self {
        self.max_steps = max_steps;
        self
    }

    /// Sets the most new subsets per step; at least 1.
    pub fn max_new_per_step(mut self, max_new_per_step: usize) -> Self {
        self.max_new_per_step = max_new_per_step.max(1);
        self
    }

    /// The number of features searched over.
    pub fn num_features(&self) -> usize {
        self.num_features
    }
}

/// One evaluated subset.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluated<T> {
    /// The subset.
    pub flags: Flags,
    /// The step that evaluated it (0 for the full set).
    pub step: usize,
    /// Its score; lower is better.
    pub score: f64,
    /// Whatever else the evaluation returned.
    pub value: T,
}

/// Runs the search; returns every evaluated subset in evaluation order (by
/// step, then ascending flags). `evaluate` scores one subset and may run on
/// any thread; `on_evaluated` is called once per evaluated subset.
pub fn best_first<T, E, F>(
    config: &SearchConfig,
    evaluate: F,
    on_evaluated: &(dyn Fn() + Sync),
) -> Result<Vec<Evaluated<T>>, E>
where
    T: Send,
    E: Send,
    F: Fn(Flags) -> Result<(f64, T), E> + Sync,
{
    let n = config.num_features;
    let mut done: Vec<Evaluated<T>> = Vec::new();
    let mut expanded: Vec<bool> = Vec::new();
    let mut seen: HashSet<Flags> = HashSet::new();
    let mut batch = vec![Flags::all(n)];
    let mut step = 0;
    loop {
        let scored: Vec<(f64, T)> = batch
            .par_iter()
            .map(|&flags| {
                let r = evaluate(flags);
                on_evaluated();
                r
            })
            .collect::<Result<_, E>>()?;
        for (flags, (score, value)) in batch.iter().zip(scored) {
            seen.insert(*flags);
            expanded.push(false);
            done.push(Evaluated {
                flags: *flags,
                step,
                score,
                value,
            });
        }
        if step == config.max_steps {
            return Ok(done);
        }
        let candidates = loop {
            let frontier = best_unexpanded(&done, &expanded);
            if frontier.is_empty() {
                return Ok(done);
            }
            let mut fresh = BTreeSet::new();
            for &i in &frontier {
                expanded[i] = true;
                let f = done[i].flags;
                fresh.extend(
                    (0..n)
                        .map(|b| f.flip(b))
                        .filter(|c| !c.is_empty() && !seen.contains(c)),
                );
            }
            if !fresh.is_empty() {
                break fresh.into_iter().collect::<Vec<_>>();
            }
        };
        step += 1;
        batch = choose(
            candidates,
            config.max_new_per_step,
            seed::mix(&[config.seed, step as u64]),
        );
    }
}

/// Positions of the unexpanded subsets sharing the lowest score.
fn best_unexpanded<T>(done: &[Evaluated<T>], expanded: &[bool]) -> Vec<usize> {
    let open = || (0..done.len()).filter(|&i| !expanded[i]);
    let Some(best) = open().map(|i| done[i].score).min_by(f64::total_cmp) else {
        return Vec::new();
    };
    open()
        .filter(|&i| done[i].score.total_cmp(&best).is_eq())
        .collect()
}

/// Keeps `max` of the ascending `candidates` by a seeded random choice, still ascending.
fn choose(candidates: Vec<Flags>, max: usize, seed: u64) -> Vec<Flags> {
    if candidates.len() <= max {
        return candidates;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut picked = rand::seq::index::sample(&mut rng, candidates.len(), max).into_vec();
    picked.sort_unstable();
    picked.into_iter().map(|i| candidates[i]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::convert::Infallible;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn f(s: &str) -> Flags {
        Flags::from_bit_string(s).unwrap()
    }

    /// Runs a search whose scores come from a table of bit strings.
    fn search(config: &SearchConfig, table: &[(&str, f64)]) -> Vec<(String, usize)> {
        let scores: HashMap<Flags, f64> = table.iter().map(|&(s, v)| (f(s), v)).collect();
        let out = best_first(config, |fl| Ok::<_, Infallible>((scores[&fl], ())), &|| {}).unwrap();
        out.iter()
            .map(|e| (e.flags.to_bit_string(config.num_features()), e.step))
            .collect()
    }

    fn owned(v: &[(&str, usize)]) -> Vec<(String, usize)> {
        v.iter().map(|&(s, k)| (s.to_string(), k)).collect()
    }

    #[test]
    fn flags_encode_features_in_order() {
        let x = f("1011");
        assert_eq!(x.bits(), 0b1101);
        assert_eq!(x.indices().collect::<Vec<_>>(), vec![0, 2, 3]);
        assert_eq!(x.count(), 3);
        assert_eq!(x.flip(1), f("1111"));
        assert_eq!(Flags::all(4), f("1111"));
        assert_eq!(Flags::all(64).count(), 64);
        assert_eq!(x.to_bit_string(6), "101100");
        assert_eq!(Flags::from_bit_string("10x"), None);
    }

    #[test]
    fn expands_the_best_subset_by_single_flips() {
        // 3 features, all 7 non-empty subsets scored by hand.
        let table = [
            ("111", 5.0),
            ("011", 4.0),
            ("101", 3.0),
            ("110", 6.0),
            ("001", 1.0),
            ("100", 2.0),
            ("010", 9.0),
        ];
        let config = SearchConfig::new(3, 7).unwrap();
        // Step 1 flips each flag of 111. Step 2 expands 101 (best, 3.0):
        // 001 and 100 are new, 111 is known. Step 3 expands 001 (1.0): its
        // neighbours 101, 011 are known and 000 is empty, so 100 (2.0) is
        // expanded instead within the same step: 110 known, 000 empty, 101
        // known... nothing; then 011 (4.0) brings 010.
        assert_eq!(
            search(&config, &table),
            // Within a step, ascending bits: "110" is 0b011, "011" is 0b110.
            owned(&[
                ("111", 0),
                ("110", 1),
                ("101", 1),
                ("011", 1),
                ("100", 2),
                ("001", 2),
                ("010", 3),
            ])
        );
    }

    #[test]
    fn stops_after_max_steps_and_never_tries_the_empty_set() {
        let evaluated = AtomicUsize::new(0);
        let config = SearchConfig::new(4, 1).unwrap().max_steps(1);
        let out = best_first(
            &config,
            |fl| {
                assert!(!fl.is_empty());
                Ok::<_, Infallible>((fl.count() as f64, ()))
            },
            &|| {
                evaluated.fetch_add(1, Ordering::Relaxed);
            },
        )
        .unwrap();
        assert_eq!(out.len(), 5);
        assert_eq!(evaluated.load(Ordering::Relaxed), 5);
        let only_full = best_first(
            &SearchConfig::new(1, 1).unwrap(),
            |fl| Ok::<_, Infallible>((fl.count() as f64, ())),
            &|| {},
        )
        .unwrap();
        assert_eq!(only_full.len(), 1);
    }

    #[test]
    fn exhausts_a_small_space_without_repeats() {
        let config = SearchConfig::new(5, 3).unwrap().max_steps(1000);
        let out = best_first(
            &config,
            |fl| Ok::<_, Infallible>(((fl.bits() * 37 % 11) as f64, ())),
            &|| {},
        )
        .unwrap();
        let distinct: HashSet<Flags> = out.iter().map(|e| e.flags).collect();
        assert_eq!(distinct.len(), out.len());
        assert_eq!(out.len(), 31);
    }

    #[test]
    fn tied_frontier_is_expanded_together_and_capped_by_seeded_choice() {
        // Every subset scores the same, so after the full set all three
        // 2-feature subsets tie and are expanded together: their new
        // neighbours are the three 1-feature subsets, capped here at 2.
        let run = |seed| {
            let config = SearchConfig::new(3, seed)
                .unwrap()
                .max_new_per_step(2)
                .max_steps(2);
            let out = best_first(&config, |_| Ok::<_, Infallible>((1.0, ())), &|| {}).unwrap();
            out.iter().map(|e| (e.flags, e.step)).collect::<Vec<_>>()
        };
        let a = run(11);
        assert_eq!(a.len(), 1 + 2 + 2);
        assert!(a[3..]
            .iter()
            .all(|&(fl, step)| fl.count() == 1 && step == 2));
        assert_eq!(a, run(11));
        // Different seeds pick different pairs at least once among a few.
        let picks: HashSet<Vec<(Flags, usize)>> = (0..8).map(run).collect();
        assert!(picks.len() > 1);
    }

    #[test]
    fn same_result_on_one_and_two_threads() {
        let config = SearchConfig::new(10, 99).unwrap().max_new_per_step(4);
        let score = |fl: Flags| {
            let x = seed::mix(&[fl.bits()]);
            Ok::<_, Infallible>(((x % 1000) as f64 / 1000.0, fl.count()))
        };
        let on = |threads| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| best_first(&config, score, &|| {}).unwrap())
        };
        let one = on(1);
        assert!(one.len() > 20);
        assert_eq!(one, on(2));
    }

    #[test]
    fn evaluation_errors_stop_the_search() {
        let config = SearchConfig::new(3, 0).unwrap();
        let r = best_first(
            &config,
            |fl| {
                if fl.count() < 3 {
                    Err("boom")
                } else {
                    Ok((0.0, ()))
                }
            },
            &|| {},
        );
        assert_eq!(r.unwrap_err(), "boom");
    }
}
