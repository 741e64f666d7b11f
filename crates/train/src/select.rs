//! Choosing which schemes to train: id lists like `1,5,10-20`, and shards
//! `I/N` that split the ids among N machines (e.g. a Slurm job array).

use crate::{Error, Result};

/// Parses `1,5,10-20` into sorted, de-duplicated 1-based ids, each in `1..=max`.
pub fn parse_ids(text: &str, max: usize) -> Result<Vec<usize>> {
    let bad = |m: String| Error::Config(format!("--ids {text:?}: {m}"));
    let mut ids = Vec::new();
    for part in text.split(',').map(str::trim) {
        let number = |s: &str| {
            s.trim()
                .parse::<usize>()
                .map_err(|_| bad(format!("{s:?} is not a scheme id")))
        };
        let (lo, hi) = match part.split_once('-') {
            Some((a, b)) => (number(a)?, number(b)?),
            None => (number(part)?, number(part)?),
        };
        if lo == 0 || hi > max || lo > hi {
            return Err(bad(format!("{part} is outside 1..={max} or reversed")));
        }
        ids.extend(lo..=hi);
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// A shard `I/N` (1-based I).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    index: usize,
    count: usize,
}

impl std::str::FromStr for Shard {
    type Err = Error;
    fn from_str(s: &str) -> Result<Shard> {
        let parsed = s.split_once('/').and_then(|(i, n)| {
            Some((
                i.trim().parse::<usize>().ok()?,
                n.trim().parse::<usize>().ok()?,
            ))
        });
        match parsed {
            Some((index, count)) if index >= 1 && index <= count => Ok(Shard { index, count }),
            _ => Err(Error::Config(format!(
                "shard must be I/N with 1 <= I <= N, got {s:?}"
            ))),
        }
    }
}

impl Shard {
    /// This shard's ids: every N-th id starting at the I-th. Dealing ids round
    /// robin keeps the small and the large schemes balanced across shards.
    pub fn select(&self, ids: &[usize]) -> Vec<usize> {
        ids.iter()
            .skip(self.index - 1)
            .step_by(self.count)
            .copied()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_lists_parse_with_ranges() {
        assert_eq!(
            parse_ids("1,5,10-12, 3", 440).unwrap(),
            vec![1, 3, 5, 10, 11, 12]
        );
        assert!(parse_ids("0", 440).is_err());
        assert!(parse_ids("441", 440).is_err());
        assert!(parse_ids("5-3", 440).is_err());
        assert!(parse_ids("a", 440)
            .unwrap_err()
            .to_string()
            .contains("\"a\" is not a scheme id"));
    }

    #[test]
    fn shards_are_disjoint_and_cover_everything() {
        let ids: Vec<usize> = (1..=440).collect();
        let mut all: Vec<usize> = (1..=7)
            .flat_map(|i| format!("{i}/7").parse::<Shard>().unwrap().select(&ids))
            .collect();
        all.sort_unstable();
        assert_eq!(all, ids);
        assert!("0/3".parse::<Shard>().is_err());
        assert!("4/3".parse::<Shard>().is_err());
    }
}
