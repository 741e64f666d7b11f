//! The four NAAP-440e split modes, built from the published train/test rows.
//!
//! Rows are first sorted by MaxAccuracy and split into the published train
//! and test rows exactly as the baseline does ([`crate::protocol::sorted_rows`],
//! [`crate::protocol::published_split`]), so interpolation is the baseline's
//! split; then the sorted train and test rows are cut into halves and quarters:
//!
//! | mode | train rows | test rows |
//! | --- | --- | --- |
//! | interpolation | all | all |
//! | left extrapolation | upper half | lower half |
//! | right extrapolation | lower half | upper half |
//! | dual extrapolation | middle half | lowest and highest quarters |
//!
//! With `n` rows, a half is `n / 2` rows and a quarter `q = n / 4` rows
//! (integer division): the lower half is the first `n / 2`, the upper half the
//! last `n / 2`, the middle half is everything between the lowest `q` and the
//! highest `q`. Odd counts therefore leave the middle row out of both halves,
//! which keeps the left and right modes mirror images of each other. With the
//! published 400 train / 40 test rows: halves are 200 / 20 and quarters 100 / 10.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How train and test rows are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// The published split.
    Interpolation,
    /// Train on high accuracies, test on low ones.
    LeftExtrapolation,
    /// Train on low accuracies, test on high ones.
    RightExtrapolation,
    /// Train on the middle, test on both ends.
    DualExtrapolation,
}

impl Mode {
    /// All modes, in output order.
    pub const ALL: [Mode; 4] = [
        Mode::Interpolation,
        Mode::LeftExtrapolation,
        Mode::RightExtrapolation,
        Mode::DualExtrapolation,
    ];

    /// The name used on the command line and in every output.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Interpolation => "interpolation",
            Mode::LeftExtrapolation => "left-extrapolation",
            Mode::RightExtrapolation => "right-extrapolation",
            Mode::DualExtrapolation => "dual-extrapolation",
        }
    }

    /// Whether the test rows lie outside the range of the train rows, so that
    /// only models able to extrapolate are worth running.
    pub fn extrapolates(self) -> bool {
        self != Mode::Interpolation
    }

    /// Picks this mode's train and test rows from the sorted published ones.
    pub fn split<T: Copy>(self, train_sorted: &[T], test_sorted: &[T]) -> Split<T> {
        let pick = |rows: &[T], part: Part| part.select(rows.len()).map(|i| rows[i]).collect();
        let (train, test) = match self {
            Mode::Interpolation => (Part::All, Part::All),
            Mode::LeftExtrapolation => (Part::UpperHalf, Part::LowerHalf),
            Mode::RightExtrapolation => (Part::LowerHalf, Part::UpperHalf),
            Mode::DualExtrapolation => (Part::MiddleHalf, Part::OuterQuarters),
        };
        Split {
            train: pick(train_sorted, train),
            test: pick(test_sorted, test),
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Mode {
    type Err = crate::Error;

    /// Accepts the full name or its first word (`left`, `dual`, ...).
    fn from_str(s: &str) -> crate::Result<Mode> {
        Mode::ALL
            .into_iter()
            .find(|m| m.name() == s || m.name().split('-').next() == Some(s))
            .ok_or_else(|| {
                crate::Error::InvalidInput(format!(
                    "unknown split mode '{s}', expected one of: {}",
                    Mode::ALL.map(Mode::name).join(", ")
                ))
            })
    }
}

/// A part of a sorted list of `n` rows.
#[derive(Debug, Clone, Copy)]
enum Part {
    All,
    LowerHalf,
    UpperHalf,
    MiddleHalf,
    OuterQuarters,
}

impl Part {
    /// Positions (into the sorted list) of the rows in this part, ascending.
    fn select(self, n: usize) -> impl Iterator<Item = usize> {
        let (half, quarter) = (n / 2, n / 4);
        let (first, second) = match self {
            Part::All => (0..n, 0..0),
            Part::LowerHalf => (0..half, 0..0),
            Part::UpperHalf => (n - half..n, 0..0),
            Part::MiddleHalf => (quarter..n - quarter, 0..0),
            Part::OuterQuarters => (0..quarter, n - quarter..n),
        };
        first.chain(second)
    }
}

/// Train and test rows of one mode (row references or indices).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<T> {
    /// Rows to fit on, in ascending MaxAccuracy order.
    pub train: Vec<T>,
    /// Rows to score on, in ascending MaxAccuracy order.
    pub test: Vec<T>,
}

impl<T> Split<T> {
    /// The number of test-row pairs, the most violations possible: C(n, 2).
    pub fn max_violations(&self) -> usize {
        let n = self.test.len();
        n * n.saturating_sub(1) / 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn published_sizes(mode: Mode) -> (usize, usize) {
        let train: Vec<usize> = (0..400).collect();
        let test: Vec<usize> = (400..440).collect();
        let s = mode.split(&train, &test);
        (s.train.len(), s.test.len())
    }

    #[test]
    fn published_split_sizes_are_halves_and_quarters() {
        assert_eq!(published_sizes(Mode::Interpolation), (400, 40));
        assert_eq!(published_sizes(Mode::LeftExtrapolation), (200, 20));
        assert_eq!(published_sizes(Mode::RightExtrapolation), (200, 20));
        assert_eq!(published_sizes(Mode::DualExtrapolation), (200, 20));
    }

    #[test]
    fn halves_and_quarters_on_a_hand_made_case() {
        // Sorted train rows 10..18 (8 rows), sorted test rows 20..26 (6 rows).
        let train: Vec<usize> = (10..18).collect();
        let test: Vec<usize> = (20..26).collect();
        let left = Mode::LeftExtrapolation.split(&train, &test);
        assert_eq!(left.train, vec![14, 15, 16, 17]);
        assert_eq!(left.test, vec![20, 21, 22]);
        let right = Mode::RightExtrapolation.split(&train, &test);
        assert_eq!(right.train, vec![10, 11, 12, 13]);
        assert_eq!(right.test, vec![23, 24, 25]);
        let dual = Mode::DualExtrapolation.split(&train, &test);
        assert_eq!(dual.train, vec![12, 13, 14, 15]);
        assert_eq!(dual.test, vec![20, 25]);
        assert_eq!(dual.max_violations(), 1);
        let all = Mode::Interpolation.split(&train, &test);
        assert_eq!((all.train, all.test), (train, test));
    }

    #[test]
    fn odd_counts_leave_the_middle_row_out_of_both_halves() {
        let train: Vec<usize> = (0..7).collect();
        let test: Vec<usize> = (0..5).collect();
        let left = Mode::LeftExtrapolation.split(&train, &test);
        assert_eq!(left.train, vec![4, 5, 6]);
        assert_eq!(left.test, vec![0, 1]);
        let right = Mode::RightExtrapolation.split(&train, &test);
        assert_eq!(right.train, vec![0, 1, 2]);
        assert_eq!(right.test, vec![3, 4]);
        // q = 7 / 4 = 1: the middle half keeps 5 rows; q = 5 / 4 = 1 for test.
        let dual = Mode::DualExtrapolation.split(&train, &test);
        assert_eq!(dual.train, vec![1, 2, 3, 4, 5]);
        assert_eq!(dual.test, vec![0, 4]);
    }

    #[test]
    fn extrapolation_tests_outside_the_train_range() {
        let train: Vec<usize> = (0..400).collect();
        let test: Vec<usize> = (0..40).map(|i| i * 10 + 5).collect();
        let left = Mode::LeftExtrapolation.split(&train, &test);
        assert!(left.test.iter().max() < left.train.iter().min());
        let right = Mode::RightExtrapolation.split(&train, &test);
        assert!(right.test.iter().min() > right.train.iter().max());
        let dual = Mode::DualExtrapolation.split(&train, &test);
        let (lo, hi) = (dual.train[0], *dual.train.last().unwrap());
        assert!(dual.test.iter().all(|&t| t < lo || t > hi));
        assert_eq!(dual.max_violations(), 190);
    }

    #[test]
    fn modes_parse_by_full_or_short_name() {
        for m in Mode::ALL {
            assert_eq!(m.name().parse::<Mode>().unwrap(), m);
        }
        assert_eq!("dual".parse::<Mode>().unwrap(), Mode::DualExtrapolation);
        let err = "middle".parse::<Mode>().unwrap_err().to_string();
        assert!(err.contains("'middle'"), "{err}");
    }
}
