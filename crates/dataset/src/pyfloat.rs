//! Numbers printed and rounded the way the paper's Python code did.
//!
//! The published logs and CSVs print floats with Python's `repr` and round
//! losses with Python's `round(x, 4)`. Rust's shortest round-trip digits are
//! the same as Python's; only the layout differs (`1.0` vs `1`, `1e-05` vs
//! `0.00001`), and rounding must follow Python's exact-value, half-even rule.

/// Formats `x` exactly as Python's `repr(float)` does.
pub fn py_repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    // `{:e}` gives the shortest round-trip digits with a decimal exponent:
    // "1.5e-5", "-2e16", "0e0".
    let sci = format!("{x:e}");
    let (mantissa, exp) = sci.split_once('e').expect("`{:e}` always has an exponent");
    let exp: i32 = exp.parse().expect("`{:e}` exponent is an integer");
    // Python switches to exponent form outside 1e-4 <= |x| < 1e16.
    if !(-4..16).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exp.abs());
    }
    let fixed = format!("{x}");
    if fixed.contains('.') {
        fixed
    } else {
        fixed + ".0"
    }
}

/// Rounds `x` to `ndigits` decimals as Python's `round(x, ndigits)` does.
///
/// The exact binary value is rounded, so `round(1.00105, 4)` gives `1.001`
/// (the double nearest 1.00105 lies below it); exact ties go to the even
/// last digit. `ndigits` must be at most 15.
pub fn py_round(x: f64, ndigits: usize) -> f64 {
    debug_assert!(ndigits <= 15, "py_round supports up to 15 decimals");
    if !x.is_finite() {
        return x;
    }
    // Rust's fixed-precision formatting rounds the exact binary value
    // correctly; only its treatment of exact ties is not guaranteed to be
    // half-even, so exact ties are resolved here. x * 10^d = n + 1/2 exactly
    // means x = q / 2^(d+1) with q odd, i.e. x * 2^(d+1) is an odd integer.
    let scaled = x * f64::powi(2.0, ndigits as i32 + 1);
    let is_tie = scaled.fract() == 0.0 && scaled.abs() < 2f64.powi(53) && scaled % 2.0 != 0.0;
    if !is_tie {
        let text = format!("{x:.ndigits$}");
        return text.parse().expect("formatted float parses back");
    }
    // x * 10^d = scaled * 5^d / 2; both neighbours are integers, pick the even one.
    let five_pow = 5u128.pow(ndigits as u32);
    let twice = scaled.abs() as u128 * five_pow; // 2 * |x| * 10^d, odd
    let (low, high) = (twice / 2, twice / 2 + 1);
    let digits = if low % 2 == 0 { low } else { high };
    let magnitude: f64 = format!("{digits}e-{ndigits}")
        .parse()
        .expect("digits parse as a float");
    magnitude.copysign(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn repr_matches_python_layouts() {
        // Expected strings are Python 3's repr of the same values.
        let cases = [
            (1.0, "1.0"),
            (0.1, "0.1"),
            (1.86513, "1.86513"),
            (1e-5, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (0.0001, "0.0001"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (123456789.0, "123456789.0"),
            (-0.0, "-0.0"),
            (0.0, "0.0"),
            (-2.5, "-2.5"),
            (0.1 * 0.1, "0.010000000000000002"),
            (1e300, "1e+300"),
            (f64::NAN, "nan"),
            (f64::NEG_INFINITY, "-inf"),
        ];
        for (x, want) in cases {
            assert_eq!(py_repr(x), want, "repr of {x:e}");
        }
    }

    #[test]
    fn round_follows_python_on_binary_values_and_ties() {
        // Python: round(1.00105, 4) == 1.001 (binary value below the tie),
        // round(1.00005, 4) == 1.0001 (above it),
        // round(0.03125, 4) == 0.0312 and round(0.09375, 4) == 0.0938
        // (exact ties, half-even), round(2.675, 2) == 2.67.
        assert_eq!(py_round(1.00105, 4), 1.001);
        assert_eq!(py_round(1.00005, 4), 1.0001);
        assert_eq!(py_round(0.03125, 4), 0.0312);
        assert_eq!(py_round(0.09375, 4), 0.0938);
        assert_eq!(py_round(-0.03125, 4), -0.0312);
        assert_eq!(py_round(2.675, 2), 2.67);
        assert_eq!(py_round(1.86513, 4), 1.8651);
        assert_eq!(py_round(0.5, 0), 0.0);
        assert_eq!(py_round(1.5, 0), 2.0);
        assert_eq!(py_round(2.5, 0), 2.0);
    }

    proptest! {
        #[test]
        fn repr_round_trips(x in proptest::num::f64::NORMAL | proptest::num::f64::SUBNORMAL) {
            let text = py_repr(x);
            prop_assert_eq!(text.parse::<f64>().unwrap(), x);
        }

        #[test]
        fn round_is_within_half_a_unit(x in -1e6f64..1e6, d in 0usize..8) {
            let r = py_round(x, d);
            let unit = 10f64.powi(-(d as i32));
            prop_assert!((r - x).abs() <= unit / 2.0 * (1.0 + 1e-9) + x.abs() * 1e-15);
        }
    }
}
