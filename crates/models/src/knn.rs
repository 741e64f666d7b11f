//! k-nearest-neighbour regression: brute-force Euclidean search, uniform
//! weights, as scikit-learn's `KNeighborsRegressor(algorithm='brute')`.

use ndarray::{Array2, ArrayView1, ArrayView2};

use crate::input::{check_fit, check_predict, invalid};
use crate::numeric::numpy_sum;
use crate::saved::{check_finite, corrupt, FittedModel};
use crate::{FittedRegressor, Regressor, Result};

/// Predicts the mean target of the `k` training rows nearest to the query.
#[derive(Debug, Clone)]
pub struct KnnRegressor {
    k: usize,
    name: String,
}

impl KnnRegressor {
    /// A k-NN regressor named `k-NN` (e.g. `5-NN`); `k` must be at least 1.
    pub fn new(k: usize) -> Self {
        Self {
            k,
            name: format!("{k}-NN"),
        }
    }
}

impl Regressor for KnnRegressor {
    fn name(&self) -> &str {
        &self.name
    }

    fn uses_seed(&self) -> bool {
        false
    }

    fn hyper_parameters(&self) -> serde_json::Value {
        serde_json::json!({ "k": self.k, "weights": "uniform", "metric": "euclidean" })
    }

    fn min_rows(&self) -> usize {
        self.k.max(1)
    }

    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, f64>,
        _seed: u64,
    ) -> Result<Box<dyn FittedRegressor>> {
        check_fit(&self.name, x, y)?;
        if self.k == 0 || self.k > x.nrows() {
            return Err(invalid(
                &self.name,
                format!(
                    "k must be in 1..={} (the training rows), got {}",
                    x.nrows(),
                    self.k
                ),
            ));
        }
        Ok(Box::new(Knn {
            k: self.k,
            x: x.to_owned(),
            y: y.to_vec(),
        }))
    }
}

/// A fitted k-NN model: the training rows themselves.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Knn {
    k: usize,
    x: Array2<f64>,
    y: Vec<f64>,
}

impl Knn {
    /// Checks a loaded model: shapes agree, `k` fits the rows, values finite.
    pub(crate) fn check(&self, n_features: usize) -> Result<()> {
        let (rows, cols) = self.x.dim();
        if cols != n_features || rows != self.y.len() || self.k == 0 || self.k > rows {
            return Err(corrupt(format!(
                "k-NN with k = {} on {rows} x {cols} reference rows and {} targets, \
                 for {n_features} features",
                self.k,
                self.y.len()
            )));
        }
        check_finite("k-NN reference rows", self.x.iter())?;
        check_finite("k-NN targets", &self.y)
    }
}

impl FittedRegressor for Knn {
    fn to_model(&self) -> Option<FittedModel> {
        Some(FittedModel::Knn(self.clone()))
    }

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Vec<f64>> {
        check_predict(self.x.ncols(), x)?;
        let train_norms: Vec<f64> = self.x.rows().into_iter().map(|r| r.dot(&r)).collect();
        let mut search = NeighborSearch::new(self.k);
        let predictions = x
            .rows()
            .into_iter()
            .map(|query| {
                let query_norm = query.dot(&query);
                let distances = self
                    .x
                    .rows()
                    .into_iter()
                    .zip(&train_norms)
                    .map(|(train, norm)| {
                        // scikit-learn's expansion ‖q‖² − 2 q·x + ‖x‖², clamped
                        // at 0 against cancellation.
                        (query_norm + -2.0 * gemm_dot(query, train) + norm).max(0.0)
                    });
                let targets: Vec<f64> = search
                    .nearest(distances)
                    .iter()
                    .map(|&row| self.y[row])
                    .collect();
                numpy_sum(&targets) / self.k as f64
            })
            .collect();
        Ok(predictions)
    }
}

/// The dot product as OpenBLAS's GEMM kernel forms scikit-learn's middle
/// term `q·x` on FMA hardware (Haswell and later, Zen): one accumulator,
/// each product fused into it with a single rounding. A plain
/// multiply-then-add differs in the last bit. With this the distances are
/// bit-identical to scikit-learn's for the `Scheme` and 3-epoch feature
/// sets (all 16 000 test×train pairs checked); with 24+ features
/// OpenBLAS's blocked `ddot` norms still round differently. On NAAP-440
/// this rounding changes no neighbour (ties there are exact: identical
/// feature rows); it keeps near-ties safe.
fn gemm_dot(a: ArrayView1<'_, f64>, b: ArrayView1<'_, f64>) -> f64 {
    a.iter().zip(b).fold(0.0, |acc, (x, y)| x.mul_add(*y, acc))
}

/// Finds the `k` smallest distances the way scikit-learn's `ArgKmin`
/// does on one OpenMP thread, so that ties between equally distant
/// training rows (NAAP-440 has schemes with identical features) are
/// broken identically.
///
/// The thread count matters: `ArgKmin` gives each thread its own bounded
/// heap over its chunks of 256 training rows and merges the heaps at the
/// end, so which of several tied rows survives depends on how the rows
/// were split. The reference harness (`dev/tools/sklearn_baseline.py`)
/// runs every fit in a joblib worker, and joblib limits each worker to
/// one OpenMP thread, so all training rows go through a single heap in
/// file order. (Run in-process with 2+ threads, scikit-learn itself picks
/// other tied rows: 75 instead of 71 violations for `5-NN` on `Scheme`.)
/// The single heap's entries are then pushed, in heap order, into the
/// result heap (`_parallel_on_Y_synchronize`) and sorted by distance.
struct NeighborSearch {
    k: usize,
    heap_values: Vec<f64>,
    heap_rows: Vec<usize>,
    values: Vec<f64>,
    rows: Vec<usize>,
    order: Vec<(f64, usize)>,
}

impl NeighborSearch {
    fn new(k: usize) -> Self {
        Self {
            k,
            heap_values: vec![f64::INFINITY; k],
            heap_rows: vec![0; k],
            values: vec![f64::INFINITY; k],
            rows: vec![0; k],
            order: Vec::with_capacity(k),
        }
    }

    /// The rows of the `k` smallest distances, nearest first (equal
    /// distances in heap order, as scikit-learn's insertion sort leaves them).
    fn nearest(&mut self, distances: impl Iterator<Item = f64>) -> &[usize] {
        self.heap_values.fill(f64::INFINITY);
        for (row, d) in distances.enumerate() {
            heap_push(&mut self.heap_values, &mut self.heap_rows, d, row);
        }
        self.values.fill(f64::INFINITY);
        self.rows.resize(self.k, 0);
        for (&d, &row) in self.heap_values.iter().zip(&self.heap_rows) {
            heap_push(&mut self.values, &mut self.rows, d, row);
        }
        self.order.clear();
        self.order
            .extend(self.values.iter().copied().zip(self.rows.iter().copied()));
        // Stable and by `<` only (0.0 == -0.0), as scikit-learn's insertion
        // sort for k <= 15.
        self.order
            .sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal));
        self.rows.clear();
        self.rows.extend(self.order.iter().map(|&(_, row)| row));
        &self.rows
    }
}

/// Pushes onto a fixed-size max-heap, dropping the largest; a value equal
/// to the current largest is not taken (scikit-learn's `heap_push`).
fn heap_push(values: &mut [f64], rows: &mut [usize], value: f64, row: usize) {
    let size = values.len();
    if value >= values[0] {
        return;
    }
    let mut current = 0;
    loop {
        let left = 2 * current + 1;
        let right = left + 1;
        let swap = if left >= size {
            break;
        } else if right >= size || values[left] >= values[right] {
            if value < values[left] {
                left
            } else {
                break;
            }
        } else if value < values[right] {
            right
        } else {
            break;
        };
        values[current] = values[swap];
        rows[current] = rows[swap];
        current = swap;
    }
    values[current] = value;
    rows[current] = row;
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;
    use ndarray::array;

    #[test]
    fn averages_the_k_nearest_targets() {
        let x = array![[0.0], [1.0], [2.0], [10.0]];
        let y = array![1.0, 2.0, 4.0, 8.0];
        let model = KnnRegressor::new(2).fit(x.view(), y.view(), 0).unwrap();
        let p = model.predict(array![[0.4], [1.6], [9.0]].view()).unwrap();
        assert_abs_diff_eq!(p[0], 1.5);
        assert_abs_diff_eq!(p[1], 3.0);
        assert_abs_diff_eq!(p[2], 6.0);
    }

    #[test]
    fn one_nn_reproduces_training_targets() {
        let x = array![[0.0, 1.0], [3.0, -1.0], [5.0, 5.0]];
        let y = array![0.1, 0.2, 0.3];
        let model = KnnRegressor::new(1).fit(x.view(), y.view(), 0).unwrap();
        assert_eq!(model.predict(x.view()).unwrap(), vec![0.1, 0.2, 0.3]);
    }

    #[test]
    fn ties_prefer_the_earlier_row() {
        let x = array![[-1.0], [1.0]];
        let y = array![0.2, 0.8];
        let model = KnnRegressor::new(1).fit(x.view(), y.view(), 0).unwrap();
        assert_abs_diff_eq!(model.predict(array![[0.0]].view()).unwrap()[0], 0.2);
    }

    #[test]
    fn heap_keeps_the_k_smallest() {
        let mut search = NeighborSearch::new(3);
        let d = [5.0, 1.0, 4.0, 0.5, 3.0, 9.0];
        assert_eq!(search.nearest(d.into_iter()), &[3, 1, 4]);
    }

    #[test]
    fn ties_at_the_boundary_follow_the_heap_layout() {
        // Rows 0..3 fill the heap as [2.0 (row 0), 1.0, 1.5]; row 3 (2.0)
        // equals the root and is rejected, row 4 (0.1) then evicts row 0.
        // A tie of rows 2 and 5 at 1.5 keeps row 2 for the same reason.
        let mut search = NeighborSearch::new(3);
        let d = [2.0, 1.0, 1.5, 2.0, 0.1, 1.5];
        let mut rows = search.nearest(d.into_iter()).to_vec();
        rows.sort_unstable();
        assert_eq!(rows, vec![1, 2, 4]);
    }

    #[test]
    fn one_heap_runs_over_all_rows_as_on_one_thread() {
        // Rows 0 and 1 tie at 1.0; row 256 (past scikit-learn's 256-row
        // chunk) is nearest. With one heap per chunk row 1 would survive
        // the merge; one heap over all rows keeps row 0, as scikit-learn
        // on one OpenMP thread does.
        let mut d = vec![5.0; 300];
        d[0] = 1.0;
        d[1] = 1.0;
        d[256] = 0.5;
        let mut search = NeighborSearch::new(2);
        assert_eq!(search.nearest(d.into_iter()), &[256, 0]);
    }

    #[test]
    fn middle_term_dot_fuses_each_product() {
        // (1 + 2⁻³⁰)² = 1 + 2⁻²⁹ + 2⁻⁶⁰: a separately rounded product drops
        // the 2⁻⁶⁰ that the fused one keeps after the -1 cancels.
        let e = (-30f64).exp2();
        let a = array![1.0, 1.0 + e];
        let b = array![-1.0, 1.0 + e];
        assert_eq!(
            gemm_dot(a.view(), b.view()),
            (-29f64).exp2() + (-60f64).exp2()
        );
        assert_ne!(a.dot(&b), gemm_dot(a.view(), b.view()));
    }

    #[test]
    fn rejects_k_above_the_training_rows() {
        let x = array![[0.0], [1.0]];
        let y = array![0.0, 1.0];
        let err = KnnRegressor::new(3)
            .fit(x.view(), y.view(), 0)
            .err()
            .expect("fit must fail");
        assert!(err.to_string().contains("k must be in 1..=2"), "{err}");
    }

    #[test]
    fn rejects_a_query_with_other_columns() {
        let model = KnnRegressor::new(1)
            .fit(array![[0.0]].view(), array![1.0].view(), 0)
            .unwrap();
        assert!(model.predict(array![[0.0, 1.0]].view()).is_err());
    }
}
