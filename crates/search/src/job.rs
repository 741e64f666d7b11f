//! `naap search` as a library job: the request resolved and checked into a
//! [`SearchPlan`] (candidates, strategy settings, known curves) before any
//! training, and the run-folder steps every trainer shares: the journal,
//! `config.toml` and `schemes.json` first ([`SearchPlan::start`]),
//! `summary.md` and, last, `ranking.csv` ([`SearchPlan::finish`]). With the
//! `torch` feature, `TorchSearchJob` adds the training recipe and CIFAR-10
//! and runs the whole search.

use crate::config::{SearchConfig, SearchValidConfig};
use crate::journal::Journal;
use crate::live::SearchEvent;
use crate::run::{candidate, journal_header, SearchReport};
use crate::{Error, Result};
use naap_dataset::Architecture;
use naap_dataset::Row;
use naap_nas::{StrategyFlags, StrategySpec};
use naap_output::{Claim, Progress, RunDir};
use naap_space::{IdList, Scheme};
use std::path::{Path, PathBuf};

/// Everything a search may write into its folder besides [`FINISHED`].
pub const OUTPUTS: &[&str] = &[
    "config.toml",
    "summary.md",
    "schemes.json",
    "journal.jsonl",
    "logs",
    "slurm",
];
/// What an interrupted search leaves for its resume.
pub const RESUMABLE: &[&str] = &[
    "config.toml",
    "schemes.json",
    "journal.jsonl",
    "logs",
    "slurm",
];
/// The file whose presence marks a finished search, written last.
pub const FINISHED: &str = "ranking.csv";

/// What `naap search` was asked, before resolution: every setting a flag
/// may give (`None` or empty: not given).
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    /// Candidates: every scheme of this space config (TOML or JSON).
    pub space: Option<PathBuf>,
    /// Candidates without `space`: this scheme list.
    pub schemes: PathBuf,
    /// Only these ids of the candidates (`1-40,77`).
    pub ids: Option<String>,
    /// The strategy by name: exactly one.
    pub strategies: Vec<String>,
    /// Seed of the strategy and the training.
    pub seed: Option<u64>,
    /// A predictor file that ranks instead of a fitted model.
    pub predictor: Option<PathBuf>,
    /// The settings of the strategy, where it reads them; `max_epochs` is
    /// also the epochs of a full training.
    pub flags: StrategyFlags,
    /// Full curves the fold protocol fits on.
    pub known_dataset: Option<PathBuf>,
    /// Most scheme-epochs to train.
    pub budget_epochs: Option<u64>,
    /// Most hours of training.
    pub budget_hours: Option<f64>,
    /// Schemes trained at once.
    pub jobs: usize,
}

/// A search resolved and checked, independent of the trainer.
#[derive(Debug)]
pub struct SearchPlan {
    source: String,
    schemes: Vec<Scheme>,
    candidates: Vec<Architecture>,
    config: SearchValidConfig,
    known: Vec<Row>,
}

/// A file the user named could not be read.
fn read_error(
    what: &'static str,
    path: &Path,
    source: impl std::error::Error + Send + Sync + 'static,
) -> Error {
    Error::Read {
        what,
        path: path.to_path_buf(),
        source: Box::new(source),
    }
}

impl SearchPlan {
    /// A run folder of a search: its outputs and, unless `force`, what a
    /// resume keeps.
    pub fn claim(force: bool) -> Claim<'static> {
        Claim {
            outputs: OUTPUTS,
            finished: FINISHED,
            force,
            keep: if force { &[] } else { RESUMABLE },
        }
    }

    /// Reads the candidates, checks the ids and the settings, reads the
    /// known curves and profiles every candidate: every fault of the input
    /// shows here, before a run folder is claimed.
    pub fn resolve(r: &SearchRequest) -> Result<SearchPlan> {
        let (source, schemes) = read_candidates(r)?;
        let ids = match &r.ids {
            Some(text) => {
                let ids: IdList = text
                    .parse()
                    .map_err(|e| Error::Config(format!("--ids: {e}")))?;
                ids.check_within(schemes.len())
                    .map_err(|e| Error::Config(format!("--ids {text}: {e}")))?;
                ids
            }
            None => IdList::all(schemes.len() as u32),
        };
        let ids_text = r
            .ids
            .as_ref()
            .map_or(String::new(), |t| format!(" ids {t}"));
        let candidates_text = format!("{source}{ids_text} ({} schemes)", ids.len());
        let config = search_config(r, candidates_text)?.validate()?;
        let known = match &r.known_dataset {
            Some(p) => {
                naap_dataset::Dataset::read(p)
                    .map_err(|e| read_error("the known curves", p, e))?
                    .rows
            }
            None => Vec::new(),
        };
        let candidates = ids
            .iter()
            .map(|id| candidate(id, &schemes[id.index()]))
            .collect::<Result<Vec<_>>>()?;
        Ok(SearchPlan {
            source,
            schemes,
            candidates,
            config,
            known,
        })
    }

    /// The settings as checked.
    pub fn config(&self) -> &SearchValidConfig {
        &self.config
    }

    /// Where the candidates come from (`space PATH`, `schemes PATH`).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The whole scheme list (ids index it).
    pub fn schemes(&self) -> &[Scheme] {
        &self.schemes
    }

    /// The candidates searched, with their free features.
    pub fn candidates(&self) -> &[Architecture] {
        &self.candidates
    }

    /// The full curves the fold protocol fits on.
    pub fn known(&self) -> &[Row] {
        &self.known
    }

    /// Lines worth telling the user before training: what is searched, and
    /// what ranks if a predictor file does.
    pub fn describe(&self, data: &Path) -> Vec<String> {
        let c = self.config.get();
        let mut lines = vec![format!(
            "{} candidate(s), strategy {}, up to {} epochs each, data {}",
            self.candidates.len(),
            c.strategy,
            c.max_epochs,
            data.display()
        )];
        if let Some(file) = self.config.predictor_file() {
            lines.push(format!(
                "ranking with the predictor file {}",
                file.describe()
            ));
        }
        lines
    }

    /// Opens (or resumes) the journal in `run_dir`, then writes
    /// `config.toml` (`config_toml`: everything the results depend on; its
    /// hash is the journal's identity) and `schemes.json`. A journal of
    /// another search or build is refused before anything is written.
    pub fn start(
        &self,
        run_dir: &RunDir,
        config_toml: &str,
        resume_stale: bool,
    ) -> Result<Journal> {
        let journal = Journal::open(
            &run_dir.path().join("journal.jsonl"),
            &journal_header(crate::CODE_ID, config_toml),
            resume_stale,
        )?;
        run_dir.write("config.toml", config_toml.as_bytes())?;
        // The whole list: the logs name schemes by their id in it.
        run_dir.write(
            "schemes.json",
            &naap_space::to_published_json(&self.schemes),
        )?;
        Ok(journal)
    }

    /// Writes `summary.md` and, last, `ranking.csv`; returns the summary.
    pub fn finish(&self, run_dir: RunDir, report: &SearchReport) -> Result<String> {
        let c = self.config.get();
        let budget = match (c.budget_epochs, c.budget_hours) {
            (Some(e), _) => format!("a budget of {e}"),
            (None, Some(h)) => format!("no epoch cap (budget {h} h of training)"),
            (None, None) => "no budget cap".into(),
        };
        let title = format!("naap search: {}, {}", self.source, report.strategy);
        let summary = crate::report::summary_markdown(report, &title, &budget);
        run_dir.write("summary.md", summary.as_bytes())?;
        run_dir.finish(crate::report::ranking_csv(report).as_bytes())?;
        Ok(summary)
    }

    /// Scheme-epochs the progress counts to: the budget, else every
    /// candidate fully trained.
    pub fn epoch_limit(&self) -> u64 {
        let c = self.config.get();
        c.budget_epochs
            .unwrap_or(self.candidates.len() as u64 * u64::from(c.max_epochs))
    }
}

/// Tells `progress` what the search did: replayed scheme-epochs advance it
/// (the trainer advances it by the epochs it trains), and every batch is a
/// note; `limit` is the scheme-epochs it counts to.
pub fn report_event(progress: &dyn Progress, limit: u64, event: SearchEvent) {
    let line = match event {
        SearchEvent::Replayed { batches, epochs } => {
            progress.advance(epochs);
            format!("resumed: {batches} batch(es), {epochs} scheme-epochs from the journal")
        }
        SearchEvent::BatchStarted { schemes, epochs } => {
            format!("training {schemes} candidate(s), {epochs} scheme-epochs")
        }
        SearchEvent::BatchDone {
            epochs_spent,
            secs_spent,
            best,
        } => {
            let best = best.map_or(String::new(), |(id, epoch, acc)| {
                format!("; best so far ModelId {id}: {acc} at epoch {epoch}")
            });
            format!("{epochs_spent} scheme-epochs spent of {limit}, {secs_spent:.0} s{best}")
        }
    };
    progress.note(&line);
}

fn read_candidates(r: &SearchRequest) -> Result<(String, Vec<Scheme>)> {
    if let Some(space) = &r.space {
        let config = naap_space::SpaceConfig::from_file(space)
            .map_err(|e| read_error("the space config", space, e))?;
        return Ok((
            format!("space {}", space.display()),
            naap_space::generate(&config),
        ));
    }
    let schemes =
        naap_space::read_schemes(&r.schemes).map_err(|e| read_error("schemes", &r.schemes, e))?;
    Ok((format!("schemes {}", r.schemes.display()), schemes))
}

/// The settings of the request: exactly one strategy, its defaults (a
/// live search learns online), then the flags.
fn search_config(r: &SearchRequest, candidates: String) -> Result<SearchConfig> {
    let names: Vec<&String> = r.strategies.iter().collect();
    let spec: StrategySpec = match names.as_slice() {
        [] => return Err(one_strategy()),
        [all] if *all == "all" => return Err(one_strategy()),
        [name] => name.parse()?,
        more => {
            return Err(Error::Config(format!(
                "a search runs one strategy, got {}",
                more.len()
            )))
        }
    };
    let mut c = SearchConfig::new(candidates, spec);
    c.strategy.apply(&r.flags);
    c.max_epochs = r.flags.max_epochs.unwrap_or(c.max_epochs);
    c.seed = r.seed.unwrap_or(c.seed);
    c.predictor = r.predictor.as_ref().map(|p| p.display().to_string());
    c.known_dataset = r.known_dataset.as_ref().map(|p| p.display().to_string());
    c.budget_epochs = r.budget_epochs;
    c.budget_hours = r.budget_hours;
    c.jobs = r.jobs;
    Ok(c)
}

fn one_strategy() -> Error {
    Error::Config(format!(
        "naap search runs one strategy: give --strategy NAME (one of {})",
        StrategySpec::NAMES.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A request over the first schemes of the NAAP-440 space, written as a
    /// scheme list in `dir`.
    fn request(dir: &Path, strategies: &[&str]) -> SearchRequest {
        let path = dir.join("schemes.json");
        let valid = naap_space::SpaceConfig::default().validate().unwrap();
        let space = naap_space::generate(&valid);
        std::fs::write(&path, naap_space::to_published_json(&space[..12])).unwrap();
        SearchRequest {
            schemes: path,
            strategies: strategies.iter().map(|s| s.to_string()).collect(),
            jobs: 1,
            ..SearchRequest::default()
        }
    }

    fn err(r: &SearchRequest) -> Error {
        SearchPlan::resolve(r).unwrap_err()
    }

    #[test]
    fn a_search_resolves_exactly_one_strategy_with_its_flags() {
        let dir = tempfile::tempdir().unwrap();
        let e = err(&request(dir.path(), &[])).to_string();
        assert!(
            e.contains("give --strategy NAME (one of exhaustive, random"),
            "{e}"
        );
        let e = err(&request(dir.path(), &["all"])).to_string();
        assert!(e.contains("give --strategy NAME"), "{e}");
        let e = err(&request(dir.path(), &["random", "hyperband"])).to_string();
        assert!(e.contains("a search runs one strategy, got 2"), "{e}");
        let e = err(&request(dir.path(), &["nope"]));
        assert!(e.is_bad_input() && e.to_string().contains("unknown strategy 'nope'"));

        // --max-epochs is the full training and the ladder's last rung.
        let mut r = request(dir.path(), &["successive-halving"]);
        r.flags = StrategyFlags {
            eta: Some(2),
            min_epochs: Some(1),
            max_epochs: Some(4),
            ..StrategyFlags::default()
        };
        r.ids = Some("2-5,9".into());
        let plan = SearchPlan::resolve(&r).unwrap();
        let c = plan.config().get();
        assert_eq!(c.max_epochs, 4);
        match &c.strategy {
            StrategySpec::SuccessiveHalving(s) => {
                assert_eq!((s.eta, s.min_epochs, s.max_epochs), (2, 1, 4))
            }
            other => panic!("{other}"),
        }
        let ids: Vec<u32> = plan.candidates().iter().map(|m| m.id.get()).collect();
        assert_eq!(ids, [2, 3, 4, 5, 9]);
        assert!(
            c.candidates.ends_with(" ids 2-5,9 (5 schemes)"),
            "{}",
            c.candidates
        );
        assert_eq!(plan.epoch_limit(), 5 * 4);

        // A non-halving strategy trains to --max-epochs, whatever the ladder.
        let mut r = request(dir.path(), &["predictor"]);
        r.flags.max_epochs = Some(2);
        r.flags.k_epochs = Some(1);
        r.flags.features = Some("Scheme".into());
        let plan = SearchPlan::resolve(&r).unwrap();
        match &plan.config().get().strategy {
            StrategySpec::Predictor(p) => assert_eq!(p.known, [naap_nas::strategy::Known::Online]),
            other => panic!("{other}"),
        }
    }

    #[test]
    fn bad_ids_files_and_jobs_are_the_users_and_named() {
        let dir = tempfile::tempdir().unwrap();
        let mut r = request(dir.path(), &["random"]);
        r.ids = Some("0".into());
        let e = err(&r);
        assert!(e.is_bad_input());
        assert!(e.to_string().starts_with("--ids: "), "{e}");
        r.ids = Some("5-13".into());
        let e = err(&r).to_string();
        assert!(e.contains("id 13 is past the last scheme (12)"), "{e}");
        r.ids = None;
        r.jobs = 0;
        let e = err(&r);
        assert!(e.is_bad_input() && e.to_string() == "jobs must be at least 1, got 0");
        r.jobs = 1;
        r.known_dataset = Some(dir.path().join("missing.csv"));
        let e = err(&r);
        assert!(e.is_bad_input());
        let chain = format!("{e}: {}", std::error::Error::source(&e).unwrap());
        assert!(chain.starts_with("reading the known curves "), "{chain}");
        assert!(chain.contains("missing.csv"), "{chain}");
        let mut r = request(dir.path(), &["random"]);
        r.schemes = dir.path().join("none.json");
        let e = err(&r);
        assert!(
            e.is_bad_input() && e.to_string().contains("none.json"),
            "{e}"
        );
    }
}
