//! CART regression trees as in scikit-learn's `DecisionTreeRegressor`
//! (best splitter, squared error, every feature tried at every node in a
//! random order, features compared in `f32` as scikit-learn does).
//!
//! The trees are the building block of the decision tree, gradient
//! boosting, AdaBoost and random forest models. Training rows are sorted
//! once per feature ([`Presorted`]); every split then partitions those
//! orders stably, so no node sorts again. Each sorted entry carries its
//! value, so a split scan walks memory in order.

use ndarray::{ArrayView1, ArrayView2};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::input::{check_fit, check_predict};
use crate::saved::{check_finite, corrupt, FittedModel};
use crate::{FittedRegressor, Regressor, Result};

/// Values closer than this are one value, as scikit-learn's
/// `FEATURE_THRESHOLD`.
const FEATURE_THRESHOLD: f32 = 1e-7;

/// Marks a leaf in [`Node::feature`].
const LEAF: u32 = u32::MAX;

/// Training features in `f32` with each feature's row order, computed once
/// per fit and shared by every tree of an ensemble.
#[derive(Debug, Clone)]
pub(crate) struct Presorted {
    n_rows: usize,
    n_features: usize,
    /// Feature-major: `order[f * n_rows..][..n_rows]` lists rows by
    /// feature `f`, each with its value so a split scan reads them in
    /// sequence instead of looking each one up.
    order: Vec<Sorted>,
}

/// A row in one feature's sorted order, with its value of that feature
/// rounded to `f32` like scikit-learn's trees.
#[derive(Debug, Clone, Copy)]
struct Sorted {
    row: u32,
    x: f32,
}

impl Presorted {
    /// Rounds `x` to `f32` and sorts the rows by each feature.
    pub(crate) fn new(x: ArrayView2<'_, f64>) -> Self {
        let (n_rows, n_features) = x.dim();
        let mut order = Vec::with_capacity(n_rows * n_features);
        for column in x.columns() {
            let start = order.len();
            order.extend(column.iter().enumerate().map(|(row, &v)| Sorted {
                row: row as u32,
                x: v as f32,
            }));
            // Stable: equal values keep row order.
            order[start..].sort_by(|a, b| a.x.total_cmp(&b.x));
        }
        Self {
            n_rows,
            n_features,
            order,
        }
    }

    /// The number of training rows.
    pub(crate) fn n_rows(&self) -> usize {
        self.n_rows
    }
}

/// Rounds query rows to `f32`, row-major, for [`Tree::predict_row`].
pub(crate) fn to_f32_rows(x: ArrayView2<'_, f64>) -> Vec<f32> {
    x.rows()
        .into_iter()
        .flat_map(|r| r.into_iter().map(|&v| v as f32).collect::<Vec<_>>())
        .collect()
}

/// One node; leaves have `feature == LEAF`.
#[derive(Debug, Clone, Copy)]
struct Node {
    feature: u32,
    threshold: f64,
    left: u32,
    right: u32,
    value: f64,
}

/// A fitted regression tree.
#[derive(Debug, Clone)]
pub(crate) struct Tree {
    nodes: Vec<Node>,
}

/// A tree as saved: one array per node field, as scikit-learn's
/// `tree_` (node 0 is the root; a leaf has no feature and no children).
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TreeArrays {
    feature: Vec<Option<u32>>,
    threshold: Vec<f64>,
    left: Vec<u32>,
    right: Vec<u32>,
    value: Vec<f64>,
}

impl serde::Serialize for Tree {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let n = &self.nodes;
        TreeArrays {
            feature: n
                .iter()
                .map(|n| (n.feature != LEAF).then_some(n.feature))
                .collect(),
            threshold: n.iter().map(|n| n.threshold).collect(),
            left: n.iter().map(|n| n.left).collect(),
            right: n.iter().map(|n| n.right).collect(),
            value: n.iter().map(|n| n.value).collect(),
        }
        .serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for Tree {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Tree, D::Error> {
        let a = TreeArrays::deserialize(d)?;
        let len = a.feature.len();
        if [
            a.threshold.len(),
            a.left.len(),
            a.right.len(),
            a.value.len(),
        ] != [len; 4]
        {
            return Err(serde::de::Error::custom(
                "tree node arrays have different lengths",
            ));
        }
        let nodes = (0..len)
            .map(|i| Node {
                feature: a.feature[i].unwrap_or(LEAF),
                threshold: a.threshold[i],
                left: a.left[i],
                right: a.right[i],
                value: a.value[i],
            })
            .collect();
        Ok(Tree { nodes })
    }
}

impl Tree {
    /// Checks a loaded tree: a root, split features below `n_features`,
    /// children after their parent (so prediction always reaches a leaf),
    /// finite values.
    pub(crate) fn check(&self, n_features: usize) -> Result<()> {
        let len = self.nodes.len();
        if len == 0 {
            return Err(corrupt("a tree without nodes".into()));
        }
        for (i, n) in self.nodes.iter().enumerate() {
            let children_ok = |c: u32| (c as usize) > i && (c as usize) < len;
            if n.feature != LEAF
                && !((n.feature as usize) < n_features
                    && children_ok(n.left)
                    && children_ok(n.right))
            {
                return Err(corrupt(format!(
                    "tree node {i} splits on feature {} into nodes {} and {} \
                     ({len} nodes, {n_features} features)",
                    n.feature, n.left, n.right
                )));
            }
        }
        check_finite(
            "tree thresholds and values",
            self.nodes.iter().flat_map(|n| [&n.threshold, &n.value]),
        )
    }

    /// Fits a tree on `y` with per-row `weights` (`None`: all 1; rows of
    /// weight 0 are left out, which is how bootstrap counts are applied).
    /// `max_depth` counts the root as depth 0; `None` grows until pure.
    pub(crate) fn fit(
        data: &Presorted,
        y: &[f64],
        weights: Option<&[f64]>,
        max_depth: Option<usize>,
        rng: &mut ChaCha8Rng,
    ) -> Self {
        Builder::new(data, y, weights, max_depth).build(rng)
    }

    /// Predicts one row given as `f32` features.
    pub(crate) fn predict_row(&self, row: &[f32]) -> f64 {
        let mut node = &self.nodes[0];
        while node.feature != LEAF {
            let next = if f64::from(row[node.feature as usize]) <= node.threshold {
                node.left
            } else {
                node.right
            };
            node = &self.nodes[next as usize];
        }
        node.value
    }

    /// Predicts every row of a row-major `f32` matrix with `n_features` columns.
    pub(crate) fn predict_rows(&self, rows: &[f32], n_features: usize) -> Vec<f64> {
        rows.chunks_exact(n_features)
            .map(|r| self.predict_row(r))
            .collect()
    }

    /// The number of nodes, leaves included.
    #[cfg(test)]
    pub(crate) fn node_count(&self) -> usize {
        self.nodes.len()
    }
}

/// A node still to be built: its rows are
/// `orders[side][f * m + start..f * m + end]` for every feature `f`.
struct Pending {
    start: usize,
    end: usize,
    depth: usize,
    side: usize,
    /// Computed when the parent was split, in feature 0's order.
    stats: NodeStats,
    /// Index of the parent and which child slot to fill.
    parent: Option<(usize, bool)>,
}

/// Weight, weighted target sum and weighted variance of a node's rows.
#[derive(Debug, Clone, Copy)]
struct NodeStats {
    w_sum: f64,
    y_sum: f64,
    impurity: f64,
    /// Sum of |weight × target|, which bounds every partial sum.
    abs_sum: f64,
}

/// The best split found at a node.
struct Split {
    feature: usize,
    /// Rows going left (a prefix of the node's range in `feature`'s order).
    n_left: usize,
    threshold: f64,
}

struct Builder<'a> {
    n_features: usize,
    y: &'a [f64],
    /// Per row: weight and weight × target, side by side because the split
    /// scan reads them together.
    row_stats: Vec<[f64; 2]>,
    max_depth: Option<usize>,
    /// Rows with positive weight.
    m: usize,
    /// Whether every weight is a non-negative whole number (bootstrap counts, unit
    /// weights), which the pruned scan ([`Scan::best`]) needs.
    whole_weights: bool,
    /// Two copies of every feature's order. A node's rows sit in one of
    /// them; its split writes the children's rows into the other in one
    /// pass, which saves copying the right child's rows back.
    orders: [Vec<Sorted>; 2],
    /// 1 for rows going to the left child of the node being split.
    goes_left: Vec<u8>,
}

impl<'a> Builder<'a> {
    fn new(
        data: &'a Presorted,
        y: &'a [f64],
        weights: Option<&[f64]>,
        max_depth: Option<usize>,
    ) -> Self {
        let n = data.n_rows;
        let w = weights.map_or_else(|| vec![1.0; n], <[f64]>::to_vec);
        // Keep each feature's presorted order, minus the rows of weight 0.
        // Branch-free, as a bootstrap leaves out a random third of the rows.
        let mut order = vec![Sorted { row: 0, x: 0.0 }; data.order.len()];
        let mut kept = 0;
        for &s in &data.order {
            order[kept] = s;
            kept += usize::from(w[s.row as usize] > 0.0);
        }
        order.truncate(kept);
        let m = order.len() / data.n_features.max(1);
        Self {
            n_features: data.n_features,
            y,
            whole_weights: w.iter().all(|&w| w >= 0.0 && w.fract() == 0.0),
            row_stats: w.iter().zip(y).map(|(&w, &y)| [w, w * y]).collect(),
            max_depth,
            m,
            orders: [order.clone(), order],
            goes_left: vec![0; n],
        }
    }

    fn build(mut self, rng: &mut ChaCha8Rng) -> Tree {
        let mut nodes: Vec<Node> = Vec::new();
        let mut features: Vec<usize> = (0..self.n_features).collect();
        let mut stack = vec![Pending {
            start: 0,
            end: self.m,
            depth: 0,
            side: 0,
            stats: self.node_stats(0, 0, self.m),
            parent: None,
        }];
        while let Some(p) = stack.pop() {
            let id = nodes.len();
            if let Some((parent, is_left)) = p.parent {
                if is_left {
                    nodes[parent].left = id as u32;
                } else {
                    nodes[parent].right = id as u32;
                }
            }
            let NodeStats { w_sum, y_sum, .. } = p.stats;
            let mut node = Node {
                feature: LEAF,
                threshold: 0.0,
                left: 0,
                right: 0,
                value: y_sum / w_sum,
            };
            let split = if self.is_leaf(p.depth, p.start, p.end, p.stats) {
                None
            } else {
                features.shuffle(rng);
                self.best_split(&features, &p, w_sum, y_sum)
            };
            if let Some(split) = split {
                node.feature = split.feature as u32;
                node.threshold = split.threshold;
                let [left, right] = self.split_rows(&split, &p, id);
                // Right is pushed first so the left subtree is built first,
                // depth first as scikit-learn does.
                stack.extend([right, left]);
            }
            nodes.push(node);
        }
        Tree { nodes }
    }

    /// Whether a node is a leaf before any split is tried.
    fn is_leaf(&self, depth: usize, start: usize, end: usize, stats: NodeStats) -> bool {
        self.max_depth.is_some_and(|d| depth >= d)
            || end - start < 2
            || stats.impurity <= f64::EPSILON
    }

    /// Statistics of rows `start..end` of buffer `side`, summed in feature
    /// 0's order.
    fn node_stats(&self, side: usize, start: usize, end: usize) -> NodeStats {
        let (mut w_sum, mut y_sum, mut sq_sum, mut abs_sum) = (0.0, 0.0, 0.0, 0.0);
        for s in &self.orders[side][start..end] {
            let r = s.row as usize;
            let (w, y) = (self.row_stats[r][0], self.y[r]);
            w_sum += w;
            y_sum += w * y;
            sq_sum += w * y * y;
            abs_sum += (w * y).abs();
        }
        let mean = y_sum / w_sum;
        NodeStats {
            w_sum,
            y_sum,
            impurity: sq_sum / w_sum - mean * mean,
            abs_sum,
        }
    }

    /// The split with the largest squared-error reduction; ties keep the
    /// first found, in the (random) feature order and then left to right.
    fn best_split(&self, features: &[usize], p: &Pending, w_sum: f64, y_sum: f64) -> Option<Split> {
        let order = &self.orders[p.side];
        let mut best: Option<(usize, usize)> = None;
        let mut best_proxy = f64::NEG_INFINITY;
        for &f in features {
            let rows = &order[f * self.m + p.start..f * self.m + p.end];
            if rows[rows.len() - 1].x <= rows[0].x + FEATURE_THRESHOLD {
                continue;
            }
            let scan = Scan {
                rows,
                stats: &self.row_stats,
                w_sum,
                y_sum,
            };
            let prune = self.whole_weights.then_some(p.stats.abs_sum);
            if let Some((proxy, pos)) = scan.best(best_proxy, prune) {
                best_proxy = proxy;
                best = Some((f, pos));
            }
        }
        best.map(|(feature, pos)| {
            let rows = &order[feature * self.m + p.start..];
            let (here, next) = (f64::from(rows[pos].x), f64::from(rows[pos + 1].x));
            let mut threshold = here / 2.0 + next / 2.0;
            if threshold == next || threshold.is_infinite() {
                threshold = here;
            }
            Split {
                feature,
                n_left: pos + 1,
                threshold,
            }
        })
    }

    /// Writes the children's rows into the other buffer, each part keeping
    /// its sorted order, and returns the children. Feature 0 goes first so
    /// the children's statistics can be read; when both children are leaves
    /// no other feature's order is needed and none is written.
    fn split_rows(&mut self, split: &Split, p: &Pending, id: usize) -> [Pending; 2] {
        let (m, (start, end)) = (self.m, (p.start, p.end));
        let mid = start + split.n_left;
        let chosen = &self.orders[p.side][split.feature * m + start..split.feature * m + end];
        for (pos, s) in chosen.iter().enumerate() {
            self.goes_left[s.row as usize] = u8::from(pos < split.n_left);
        }
        let side = 1 - p.side;
        self.partition_feature(0, split, p);
        let child = |b: &Self, start, end, is_left| Pending {
            start,
            end,
            depth: p.depth + 1,
            side,
            stats: b.node_stats(side, start, end),
            parent: Some((id, is_left)),
        };
        let left = child(self, start, mid, true);
        let right = child(self, mid, end, false);
        let leaves = [&left, &right]
            .iter()
            .all(|c| self.is_leaf(c.depth, c.start, c.end, c.stats));
        if !leaves {
            for f in 1..self.n_features {
                self.partition_feature(f, split, p);
            }
        }
        [left, right]
    }

    /// Copies feature `f`'s rows of node `p` into the other buffer, the
    /// left child's rows first.
    fn partition_feature(&mut self, f: usize, split: &Split, p: &Pending) {
        let range = f * self.m + p.start..f * self.m + p.end;
        let [a, b] = &mut self.orders;
        let (from, to) = if p.side == 0 { (&*a, b) } else { (&*b, a) };
        let (from, to) = (&from[range.clone()], &mut to[range]);
        if f == split.feature {
            to.copy_from_slice(from);
            return;
        }
        // Branch-free: which side a row goes is a coin flip to the branch
        // predictor, so the destination is picked arithmetically.
        let (mut n_left, mut n_right) = (0, split.n_left);
        for &s in from {
            let left = usize::from(self.goes_left[s.row as usize]);
            let at = if left == 1 { n_left } else { n_right };
            to[at] = s;
            n_left += left;
            n_right += 1 - left;
        }
    }
}

/// One feature's rows of a node, scanned for the best split position.
struct Scan<'r> {
    rows: &'r [Sorted],
    /// Weight and weight × target per row.
    stats: &'r [[f64; 2]],
    w_sum: f64,
    y_sum: f64,
}

impl Scan<'_> {
    /// The first position whose squared-error reduction (up to terms
    /// constant at the node) is the largest and above `best`, with that
    /// value; `None` if no position beats `best`.
    ///
    /// With `prune` (whole, non-negative weights, whose |weight × target|
    /// sum over the node it holds), positions that provably cannot beat
    /// `best` are skipped without dividing; the rest are computed with the
    /// same operations in the same order, so the answer is the same, bit
    /// for bit. With `W = w_left + w_right` exact (whole weights), a position's
    /// value is `Y²/W + W·d²/(w_left·w_right)` with `d = y_left − w_left·Y/W`,
    /// the deviation of the left side from the node's mean. It cannot beat
    /// `best` when `W·d² < (best − Y²/W)·w_left·w_right`, a test of products
    /// alone. Every quantity in the test is widened far beyond the rounding
    /// of either computation (a few ulps), so a position is skipped only
    /// when it is below `best` by a clear margin.
    fn best(&self, mut best: f64, prune: Option<f64>) -> Option<(f64, usize)> {
        const WIDEN: f64 = 1e-12;
        let (w_sum, y_sum) = (self.w_sum, self.y_sum);
        let mean = y_sum / w_sum;
        let base = y_sum * y_sum / w_sum;
        // |d| as computed may differ from the true |d| by a few ulps of the
        // partial sums, which the |weight × target| sum in `prune` bounds.
        let d_slack = WIDEN * prune.unwrap_or(0.0) + f64::MIN_POSITIVE;
        // The gain over `base` a position needs to have a chance; negative
        // (no position skipped) until a best is known.
        let needed = |best: f64| {
            (best * (1.0 - WIDEN) - base * (1.0 + WIDEN) - f64::MIN_POSITIVE) * (1.0 - 1e-11)
        };
        let mut gain_needed = needed(best);
        let (mut w_left, mut y_left) = (0.0, 0.0);
        let mut found = None;
        for (pos, pair) in self.rows.windows(2).enumerate() {
            let [w, wy] = self.stats[pair[0].row as usize];
            w_left += w;
            y_left += wy;
            let w_right = w_sum - w_left;
            let d = (y_left - w_left * mean).abs() + d_slack;
            if prune.is_some() && w_sum * d * d < gain_needed * w_left * w_right {
                continue;
            }
            if pair[1].x <= pair[0].x + FEATURE_THRESHOLD {
                continue;
            }
            let y_right = y_sum - y_left;
            let proxy = y_left * y_left / w_left + y_right * y_right / w_right;
            if proxy > best {
                best = proxy;
                found = Some(pos);
                gain_needed = needed(best);
            }
        }
        found.map(|pos| (best, pos))
    }
}

/// One regression tree grown until its leaves are pure: `Decision Tree`
/// (scikit-learn's `DecisionTreeRegressor(random_state=seed)`).
#[derive(Debug, Clone, Default)]
pub struct DecisionTree;

impl Regressor for DecisionTree {
    fn name(&self) -> &str {
        "Decision Tree"
    }

    fn hyper_parameters(&self) -> serde_json::Value {
        serde_json::json!({ "criterion": "squared_error", "max_depth": null })
    }

    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, f64>,
        seed: u64,
    ) -> Result<Box<dyn FittedRegressor>> {
        check_fit(self.name(), x, y)?;
        let data = Presorted::new(x);
        let y = y.to_vec();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        Ok(Box::new(FittedTree {
            n_features: x.ncols(),
            tree: Tree::fit(&data, &y, None, None, &mut rng),
        }))
    }
}

/// A fitted [`DecisionTree`].
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FittedTree {
    n_features: usize,
    tree: Tree,
}

impl FittedTree {
    /// Checks a loaded model (see [`Tree::check`]).
    pub(crate) fn check(&self, n_features: usize) -> Result<()> {
        if self.n_features != n_features {
            return Err(corrupt(format!(
                "tree fitted on {} features, file lists {n_features}",
                self.n_features
            )));
        }
        self.tree.check(n_features)
    }
}

impl FittedRegressor for FittedTree {
    fn to_model(&self) -> Option<FittedModel> {
        Some(FittedModel::DecisionTree(self.clone()))
    }

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Vec<f64>> {
        check_predict(self.n_features, x)?;
        Ok(self.tree.predict_rows(&to_f32_rows(x), self.n_features))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;
    use ndarray::array;

    #[test]
    fn unlimited_tree_fits_distinct_points_exactly() {
        let x = array![[0.3, 1.0], [0.1, -2.0], [0.7, 0.0], [0.2, 5.0], [0.9, 1.5]];
        let y = array![0.5, 0.1, 0.9, 0.3, 0.7];
        let model = DecisionTree.fit(x.view(), y.view(), 7).unwrap();
        let p = model.predict(x.view()).unwrap();
        for (a, b) in p.iter().zip(y.iter()) {
            assert_abs_diff_eq!(a, b);
        }
    }

    #[test]
    fn stump_splits_at_the_midpoint_of_the_best_gap() {
        // Targets jump between x = 2 and x = 3: the only zero-error split.
        let x = array![[0.0], [1.0], [2.0], [3.0], [4.0]];
        let y = [1.0, 1.0, 1.0, 5.0, 5.0];
        let data = Presorted::new(x.view());
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let tree = Tree::fit(&data, &y, None, Some(1), &mut rng);
        assert_eq!(tree.node_count(), 3);
        assert_abs_diff_eq!(tree.nodes[0].threshold, 2.5);
        assert_abs_diff_eq!(tree.predict_row(&[2.49]), 1.0);
        assert_abs_diff_eq!(tree.predict_row(&[2.51]), 5.0);
    }

    /// Depth of the deepest leaf (root = 0).
    fn depth(tree: &Tree, node: usize) -> usize {
        let n = tree.nodes[node];
        if n.feature == LEAF {
            0
        } else {
            1 + depth(tree, n.left as usize).max(depth(tree, n.right as usize))
        }
    }

    #[test]
    fn depth_limit_bounds_the_tree() {
        let x = ndarray::Array2::from_shape_fn((64, 2), |(i, j)| ((i * 7 + j * 13) % 64) as f64);
        let y: Vec<f64> = (0..64).map(|i| (i as f64).sin()).collect();
        let data = Presorted::new(x.view());
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let shallow = Tree::fit(&data, &y, None, Some(3), &mut rng);
        assert_eq!(depth(&shallow, 0), 3);
        assert!(shallow.node_count() <= 15);
        // Unlimited: one leaf per distinct row.
        let full = Tree::fit(&data, &y, None, None, &mut rng);
        let leaves = full.nodes.iter().filter(|n| n.feature == LEAF).count();
        assert_eq!(leaves, 64);
    }

    #[test]
    fn weights_act_as_repeated_rows() {
        let x = array![[0.0], [1.0], [2.0]];
        let y = [0.0, 3.0, 9.0];
        let data = Presorted::new(x.view());
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        // Depth 0: the leaf is the weighted mean (2·0 + 0·3 + 1·9) / 3.
        let tree = Tree::fit(&data, &y, Some(&[2.0, 0.0, 1.0]), Some(0), &mut rng);
        assert_abs_diff_eq!(tree.predict_row(&[1.0]), 3.0);
    }

    #[test]
    fn constant_features_make_a_leaf() {
        let x = array![[1.0], [1.0], [1.0]];
        let model = DecisionTree
            .fit(x.view(), array![0.2, 0.4, 0.9].view(), 0)
            .unwrap();
        assert_abs_diff_eq!(model.predict(array![[7.0]].view()).unwrap()[0], 0.5);
    }

    #[test]
    fn same_seed_same_tree() {
        let x = ndarray::Array2::from_shape_fn((50, 4), |(i, j)| ((i * (j + 3)) % 11) as f64);
        let y = ndarray::Array1::from_shape_fn(50, |i| ((i * 37) % 17) as f64 / 17.0);
        let a = DecisionTree
            .fit(x.view(), y.view(), 3)
            .unwrap()
            .predict(x.view())
            .unwrap();
        let b = DecisionTree
            .fit(x.view(), y.view(), 3)
            .unwrap()
            .predict(x.view())
            .unwrap();
        assert_eq!(a, b);
    }
}
