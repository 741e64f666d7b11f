//! Scheme ids: [`ModelId`], the 1-based position of a scheme in its space's
//! enumeration (the `ModelId` column of the NAAP-440 CSVs), and [`IdList`],
//! the one `--ids` syntax of every command (`1-40,77`).

use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::RangeInclusive;
use std::str::FromStr;

/// The id of a scheme: its 1-based position in the space's enumeration, as
/// the `ModelId` column of the published CSVs and the training logs name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct ModelId(u32);

impl ModelId {
    /// The id `n`; ids start at 1.
    pub fn new(n: u32) -> Result<ModelId> {
        if n == 0 {
            return Err(Error::Invalid("ModelId must be at least 1, got 0".into()));
        }
        Ok(ModelId(n))
    }

    /// The id of the scheme at 0-based position `index` of a list.
    pub fn from_index(index: usize) -> Result<ModelId> {
        u32::try_from(index)
            .ok()
            .and_then(|i| i.checked_add(1))
            .map(ModelId)
            .ok_or_else(|| Error::Invalid(format!("scheme position {index} is past u32 ids")))
    }

    /// The number itself.
    pub fn get(self) -> u32 {
        self.0
    }

    /// The 0-based position of the scheme in its list.
    pub fn index(self) -> usize {
        self.0 as usize - 1
    }
}

impl TryFrom<u32> for ModelId {
    type Error = Error;
    fn try_from(n: u32) -> Result<ModelId> {
        ModelId::new(n)
    }
}

impl From<ModelId> for u32 {
    fn from(id: ModelId) -> u32 {
        id.0
    }
}

/// An id equals its number, so tables and tests compare with literals.
impl PartialEq<u32> for ModelId {
    fn eq(&self, n: &u32) -> bool {
        self.0 == *n
    }
}

impl PartialEq<ModelId> for u32 {
    fn eq(&self, id: &ModelId) -> bool {
        *self == id.0
    }
}

impl fmt::Display for ModelId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for ModelId {
    type Err = Error;
    fn from_str(s: &str) -> Result<ModelId> {
        match s.trim().parse::<u32>() {
            Ok(n) if n >= 1 => Ok(ModelId(n)),
            _ => Err(Error::Invalid(format!(
                "'{s}' is not a scheme id (1, 2, ...)"
            ))),
        }
    }
}

/// A list of scheme ids as users write it: numbers and inclusive ranges
/// separated by commas, `1-40,77`. Kept as ranges, never expanded in memory,
/// so `1-4000000000` costs nothing until it is checked against a file
/// ([`IdList::check_within`]). Ids are listed once; the order is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdList {
    ranges: Vec<RangeInclusive<u32>>,
}

impl IdList {
    /// Every id of a list of `count` schemes, `1-count`.
    pub fn all(count: u32) -> IdList {
        IdList {
            ranges: if count == 0 { vec![] } else { vec![1..=count] },
        }
    }

    /// How many ids the list names.
    pub fn len(&self) -> u64 {
        self.ranges
            .iter()
            .map(|r| u64::from(r.end() - r.start()) + 1)
            .sum()
    }

    /// Whether the list names no id.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// The largest id named.
    pub fn max(&self) -> Option<ModelId> {
        self.ranges.iter().map(|r| *r.end()).max().map(ModelId)
    }

    /// Refuses an id past the last of a list of `count` schemes, naming it.
    pub fn check_within(&self, count: usize) -> Result<()> {
        match self.max() {
            Some(id) if id.index() >= count => Err(Error::Invalid(format!(
                "id {id} is past the last scheme ({count})"
            ))),
            _ => Ok(()),
        }
    }

    /// Whether `id` is named.
    pub fn contains(&self, id: ModelId) -> bool {
        self.ranges.iter().any(|r| r.contains(&id.0))
    }

    /// The ids in the order written.
    pub fn iter(&self) -> impl Iterator<Item = ModelId> + '_ {
        self.ranges.iter().flat_map(|r| r.clone().map(ModelId))
    }

    /// The ids in ascending order (ranges sorted; they never overlap).
    pub fn sorted(&self) -> IdList {
        let mut ranges = self.ranges.clone();
        ranges.sort_by_key(|r| *r.start());
        IdList { ranges }
    }
}

impl FromStr for IdList {
    type Err = Error;
    fn from_str(text: &str) -> Result<IdList> {
        let bad = |m: String| Error::Invalid(format!("id list '{text}': {m}"));
        let number = |s: &str| -> Result<u32> {
            s.parse::<ModelId>()
                .map(ModelId::get)
                .map_err(|e| bad(e.to_string()))
        };
        let mut ranges: Vec<RangeInclusive<u32>> = Vec::new();
        for part in text.split(',') {
            let range = match part.split_once('-') {
                Some((a, b)) => {
                    let (a, b) = (number(a)?, number(b)?);
                    if a > b {
                        return Err(bad(format!("range '{}' runs backwards", part.trim())));
                    }
                    a..=b
                }
                None => {
                    let n = number(part)?;
                    n..=n
                }
            };
            if let Some(old) = ranges
                .iter()
                .find(|r| r.start() <= range.end() && range.start() <= r.end())
            {
                let twice = (*old.start()).max(*range.start());
                return Err(bad(format!("scheme {twice} is listed twice")));
            }
            ranges.push(range);
        }
        Ok(IdList { ranges })
    }
}

impl fmt::Display for IdList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.ranges.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            if r.start() == r.end() {
                write!(f, "{}", r.start())?;
            } else {
                write!(f, "{}-{}", r.start(), r.end())?;
            }
        }
        Ok(())
    }
}

impl TryFrom<String> for IdList {
    type Error = Error;
    fn try_from(s: String) -> Result<IdList> {
        s.parse()
    }
}

impl From<IdList> for String {
    fn from(list: IdList) -> String {
        list.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<u32> {
        text.parse::<IdList>()
            .unwrap()
            .iter()
            .map(ModelId::get)
            .collect()
    }

    #[test]
    fn lists_keep_their_order_and_expand_ranges() {
        assert_eq!(ids("1-3,7"), [1, 2, 3, 7]);
        assert_eq!(ids(" 9, 2-3"), [9, 2, 3]);
        assert_eq!(
            "9,2-3".parse::<IdList>().unwrap().sorted().to_string(),
            "2-3,9"
        );
        assert_eq!("1-40,77".parse::<IdList>().unwrap().to_string(), "1-40,77");
        assert_eq!(IdList::all(440).to_string(), "1-440");
    }

    #[test]
    fn bad_lists_are_refused_with_the_part_named() {
        for (bad, says) in [
            ("0", "'0' is not a scheme id"),
            ("a", "'a' is not a scheme id"),
            ("3-1", "range '3-1' runs backwards"),
            ("1,,2", "'' is not a scheme id"),
            ("", "'' is not a scheme id"),
            ("1,1", "scheme 1 is listed twice"),
            ("5-9,2-6", "scheme 5 is listed twice"),
        ] {
            let err = bad.parse::<IdList>().unwrap_err().to_string();
            assert!(err.contains(says), "{bad}: {err}");
        }
    }

    #[test]
    fn a_huge_range_is_checked_against_the_file_without_expanding() {
        let list: IdList = "1-4000000000".parse().unwrap();
        assert_eq!(list.len(), 4_000_000_000);
        let err = list.check_within(440).unwrap_err().to_string();
        assert!(
            err.contains("id 4000000000 is past the last scheme (440)"),
            "{err}"
        );
        assert!("1-440".parse::<IdList>().unwrap().check_within(440).is_ok());
    }

    #[test]
    fn model_ids_start_at_one_and_round_trip_through_serde() {
        assert!(ModelId::new(0).is_err());
        let id = ModelId::new(12).unwrap();
        assert_eq!(id.index(), 11);
        assert_eq!(ModelId::from_index(11).unwrap(), id);
        assert_eq!(serde_json::to_string(&id).unwrap(), "12");
        assert!(serde_json::from_str::<ModelId>("0").is_err());
        let list: IdList = serde_json::from_str("\"1-3,7\"").unwrap();
        assert_eq!(serde_json::to_string(&list).unwrap(), "\"1-3,7\"");
    }
}
