//! k-nearest-neighbour regression: brute-force Euclidean search, uniform
//! weights, as scikit-learn's `KNeighborsRegressor(algorithm='brute')`.

use ndarray::{Array2, ArrayView1, ArrayView2};

use super::input::{check_fit, check_predict, invalid};
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
#[derive(Debug, Clone)]
pub struct Knn {
    k: usize,
    x: Array2<f64>,
    y: Vec<f64>,
}

impl FittedRegressor for Knn {
    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Vec<f64>> {
        check_predict(self.x.ncols(), x)?;
        // The k best (squared distance, row) pairs, kept sorted; k ≤ 9 in
        // practice, so insertion into a short array beats a heap.
        let mut best: Vec<(f64, usize)> = Vec::with_capacity(self.k + 1);
        let predictions = x
            .rows()
            .into_iter()
            .map(|query| {
                best.clear();
                for (row, train) in self.x.rows().into_iter().enumerate() {
                    let d2: f64 = train
                        .iter()
                        .zip(query.iter())
                        .map(|(a, b)| (a - b) * (a - b))
                        .sum();
                    if best.len() == self.k && d2 >= best[self.k - 1].0 {
                        continue;
                    }
                    // Equal distances keep the earlier training row first,
                    // so ties resolve by row order.
                    let at = best.partition_point(|&(d, _)| d <= d2);
                    best.insert(at, (d2, row));
                    best.truncate(self.k);
                }
                best.iter().map(|&(_, row)| self.y[row]).sum::<f64>() / self.k as f64
            })
            .collect();
        Ok(predictions)
    }
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
