//! Sums in numpy's order. scikit-learn computes k-NN means and the SVR's
//! `gamma='scale'` with numpy; summing in the same order makes equal
//! inputs give bit-identical outputs, so exact ties in predictions (which
//! count as ranking violations) fall the same way as in scikit-learn.

/// numpy's pairwise summation (as in `np.sum`, `np.mean`, `np.var`).
pub(crate) fn numpy_sum(values: &[f64]) -> f64 {
    const BLOCK: usize = 128;
    let n = values.len();
    if n < 8 {
        values.iter().fold(0.0, |acc, v| acc + v)
    } else if n <= BLOCK {
        let mut r = [0.0; 8];
        r.copy_from_slice(&values[..8]);
        let full = n - n % 8;
        for chunk in values[8..full].chunks_exact(8) {
            r.iter_mut().zip(chunk).for_each(|(acc, v)| *acc += v);
        }
        let head = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        values[full..].iter().fold(head, |acc, v| acc + v)
    } else {
        let half = n / 2;
        let half = half - half % 8;
        numpy_sum(&values[..half]) + numpy_sum(&values[half..])
    }
}

/// `np.var` of all values (population variance), in numpy's order.
pub(crate) fn numpy_var(values: &[f64]) -> f64 {
    let n = values.len() as f64;
    let mean = numpy_sum(values) / n;
    let squares: Vec<f64> = values.iter().map(|v| (v - mean) * (v - mean)).collect();
    numpy_sum(&squares) / n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numpy_sum_uses_eight_accumulators_from_eight_values() {
        // 1e16 + 1 rounds back to 1e16 one addition at a time, but the
        // eight-way pairwise order adds the small terms together first.
        let mut v = vec![1.0; 9];
        v[0] = 1e16;
        assert_eq!(numpy_sum(&v[..7]), 1e16);
        assert_eq!(numpy_sum(&v), ((1e16 + 1.0) + 2.0) + 4.0 + 1.0);
        let long: Vec<f64> = (0..300).map(f64::from).collect();
        assert_eq!(numpy_sum(&long), 44850.0);
    }

    #[test]
    fn variance_of_a_small_sample() {
        assert_eq!(numpy_var(&[0.0, 2.0, 4.0, 2.0]), 2.0);
    }
}
