//! Ensembles grown member by member and read at several sizes.
//!
//! The forest and the gradient-boosted trees fit their members in sequence
//! from one random stream, so the model of N members is the first N members
//! of any larger one (see [`crate::FittedRegressor::predict_first`]). A
//! [`Growth`] keeps only what it takes to go on — the stream's state and
//! running sums over fixed query rows, not the trees — and records the query
//! predictions as it passes the sizes asked for. A caller that needs N = 25,
//! 50, 100 and 200 on one training set, at different times (the searches of
//! `naap select-features`), grows each member once and gets, bit for bit,
//! the predictions of each size fitted alone.

use ndarray::{ArrayView1, ArrayView2};

use crate::input::{check_fit, check_predict};
use crate::tree::{to_f32_rows, Presorted, Tree};
use crate::Result;

/// An ensemble being grown on one training set, predicting fixed query rows.
///
/// Every call must pass the same training rows, targets and query rows as
/// the first; the growth keeps none of them.
pub trait Growth: Send {
    /// Members grown so far.
    fn grown(&self) -> usize;

    /// Grows to `members` members (nothing if already there), at most the
    /// largest size recorded: the growth drops its state once there.
    fn grow_to(
        &mut self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, f64>,
        query: ArrayView2<'_, f64>,
        members: usize,
    ) -> Result<()>;

    /// The query predictions of the first `members` members, if `members`
    /// is one of the sizes recorded and has been grown.
    fn predictions(&self, members: usize) -> Option<&[f64]>;
}

/// One member more: how a family turns the training data and its state into
/// the next tree (which the family also uses to fit whole models).
pub(crate) trait Member: Send {
    /// Sets up what the first member needs from the targets.
    fn start(&mut self, y: ArrayView1<'_, f64>);
    /// Fits the next tree; `rows` are the training rows as `f32`.
    fn next(&mut self, data: &Presorted, rows: &[f32], y: &[f64]) -> Tree;
    /// The prediction from the per-query-row sum of the trees so far.
    fn predict(&self, sum: f64, members: usize) -> f64;
    /// Frees scratch space between growth steps (a paused growth waits
    /// in memory beside thousands of others).
    fn pause(&mut self) {}
}

/// The first `n` members of a family, for a whole fitted model: the same
/// steps a [`Grower`] takes.
pub(crate) fn fit_members<M: Member>(
    member: &mut M,
    data: &Presorted,
    rows: &[f32],
    y: ArrayView1<'_, f64>,
    n: usize,
) -> Vec<Tree> {
    member.start(y);
    let y = y.to_vec();
    (0..n).map(|_| member.next(data, rows, &y)).collect()
}

/// A [`Growth`] of any [`Member`] family.
pub(crate) struct Grower<M> {
    name: String,
    /// `None` once the largest recorded size is grown.
    member: Option<M>,
    started: bool,
    grown: usize,
    /// Per query row, the sum of the trees' predictions in member order
    /// (from −0.0, as `Iterator::sum` starts).
    sums: Vec<f64>,
    /// Sizes to record, ascending.
    sizes: Vec<usize>,
    recorded: Vec<(usize, Vec<f64>)>,
}

impl<M: Member> Grower<M> {
    pub(crate) fn new(name: &str, member: M, sizes: &[usize]) -> Self {
        let mut sizes = sizes.to_vec();
        sizes.sort_unstable();
        sizes.dedup();
        Self {
            name: name.to_owned(),
            member: Some(member),
            started: false,
            grown: 0,
            sums: Vec::new(),
            sizes,
            recorded: Vec::new(),
        }
    }
}

impl<M: Member> Growth for Grower<M> {
    fn grown(&self) -> usize {
        self.grown
    }

    fn grow_to(
        &mut self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, f64>,
        query: ArrayView2<'_, f64>,
        members: usize,
    ) -> Result<()> {
        if members <= self.grown {
            return Ok(());
        }
        let largest = self.sizes.last().copied().unwrap_or(0);
        let Some(member) = self.member.as_mut().filter(|_| members <= largest) else {
            return Err(crate::Error::InvalidInput(format!(
                "{}: a growth recording sizes {:?} cannot grow to {members} members",
                self.name, self.sizes
            )));
        };
        check_fit(&self.name, x, y)?;
        check_predict(x.ncols(), query)?;
        let data = Presorted::new(x);
        let rows = to_f32_rows(x);
        let targets = y.to_vec();
        let queries = to_f32_rows(query);
        if !self.started {
            member.start(y);
            self.sums = vec![-0.0; query.nrows()];
            self.started = true;
        }
        while self.grown < members {
            let tree = member.next(&data, &rows, &targets);
            for (sum, row) in self.sums.iter_mut().zip(queries.chunks_exact(x.ncols())) {
                *sum += tree.predict_row(row);
            }
            self.grown += 1;
            if self.sizes.binary_search(&self.grown).is_ok() {
                let n = self.grown;
                let p = self.sums.iter().map(|&s| member.predict(s, n)).collect();
                self.recorded.push((n, p));
            }
        }
        if self.grown == largest {
            self.member = None;
            self.sums = Vec::new();
        } else {
            member.pause();
        }
        Ok(())
    }

    fn predictions(&self, members: usize) -> Option<&[f64]> {
        self.recorded
            .iter()
            .find(|(n, _)| *n == members)
            .map(|(_, p)| p.as_slice())
    }
}

#[cfg(test)]
mod tests {
    use crate::{GradientBoosting, RandomForest, Regressor};
    use ndarray::Array2;

    /// A growth read at N, paused and resumed in between, predicts as the
    /// model of N members fitted alone, bit for bit.
    #[test]
    fn prefix_growth_predicts_as_each_size_fitted_alone() {
        let x = Array2::from_shape_fn((90, 5), |(i, j)| {
            (((i * (j + 3)) % 23) as f64 - 11.0) / 5.0 + (i % 4) as f64 * 0.01
        });
        let y = ndarray::Array1::from_shape_fn(90, |i| 0.3 + 0.5 * (((i * 17) % 41) as f64 / 41.0));
        let q = Array2::from_shape_fn((12, 5), |(i, j)| ((i * 5 + j) % 7) as f64 / 3.0 - 1.0);
        let sizes = [3, 10, 25];
        type Build = fn(usize) -> Box<dyn Regressor>;
        let families: [(&str, Build); 2] = [
            ("forest", |n| Box::new(RandomForest::new(n))),
            ("boosting", |n| Box::new(GradientBoosting::new(n))),
        ];
        for (family, build) in families {
            for seed in [5, 6] {
                let mut growth = build(25).growth(seed, &sizes).expect("grows");
                // Out of order and in pieces: 10, then 3 (already passed), then 25.
                for n in [10, 3, 25] {
                    growth.grow_to(x.view(), y.view(), q.view(), n).unwrap();
                }
                assert_eq!(growth.grown(), 25);
                for n in sizes {
                    let alone = build(n)
                        .fit(x.view(), y.view(), seed)
                        .unwrap()
                        .predict(q.view())
                        .unwrap();
                    assert_eq!(
                        growth.predictions(n),
                        Some(alone.as_slice()),
                        "{family} N={n}"
                    );
                }
                assert_eq!(growth.predictions(7), None, "7 was not asked for");
                let beyond = growth.grow_to(x.view(), y.view(), q.view(), 26);
                assert!(beyond.is_err(), "grew past the largest recorded size");
            }
        }
    }
}
