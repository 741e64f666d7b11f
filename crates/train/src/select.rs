//! Choosing which schemes to train: the schemes of an id list (`1,5,10-20`,
//! [`naap_space::IdList`]) as [`SchemeJob`]s, and shards `I/N` that split
//! them among N machines (e.g. a Slurm job array).

use crate::{Error, Result, SchemeJob};
use naap_space::{IdList, Scheme};
use std::path::Path;

/// The jobs of `ids` (every scheme when `None`) of a scheme list read from
/// `path`, in ascending id order, each profiled for the MAC count its log
/// header records. An id past the list, or a scheme the profiler refuses,
/// names the file.
pub fn scheme_jobs(
    schemes: &[Scheme],
    ids: Option<&IdList>,
    path: &Path,
) -> Result<Vec<SchemeJob>> {
    let all = IdList::all(u32::try_from(schemes.len()).unwrap_or(u32::MAX));
    let ids = ids.unwrap_or(&all);
    ids.check_within(schemes.len())
        .map_err(|e| Error::data(path, format!("--ids: {e}")))?;
    let profile = naap_profile::ProfileConfig::default()
        .validate()
        .map_err(|e| Error::Config(e.to_string()))?;
    ids.sorted()
        .iter()
        .map(|id| {
            let scheme = schemes[id.index()].clone();
            let p = naap_profile::profile(&scheme, &profile)
                .map_err(|e| Error::data(path, format!("scheme {id}: {e}")))?;
            Ok(SchemeJob {
                id,
                scheme,
                macs: p.num_macs,
            })
        })
        .collect()
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
    pub fn select<T: Clone>(&self, items: &[T]) -> Vec<T> {
        items
            .iter()
            .skip(self.index - 1)
            .step_by(self.count)
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_follow_the_id_list_and_refuse_ids_past_the_file() {
        let space = naap_space::SpaceConfig::default().validate().unwrap();
        let schemes = naap_space::generate(&space);
        let path = Path::new("schemes.json");
        let ids: IdList = "3,1-2".parse().unwrap();
        let jobs = scheme_jobs(&schemes, Some(&ids), path).unwrap();
        let got: Vec<u32> = jobs.iter().map(|j| j.id.get()).collect();
        assert_eq!(got, [1, 2, 3]);
        assert_eq!(jobs[2].scheme, schemes[2]);
        assert!(jobs.iter().all(|j| j.macs > 0));
        assert_eq!(scheme_jobs(&schemes, None, path).unwrap().len(), 440);
        let err = scheme_jobs(&schemes, Some(&"1-4000000000".parse().unwrap()), path)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("schemes.json") && err.contains("past the last scheme (440)"),
            "{err}"
        );
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
