//! `naap search`: a neural-architecture search that trains real candidates.
//!
//! Thin: resolves the candidates (a space config or a scheme list), the
//! strategy settings (the simulator's own config type), the training recipe
//! and the run folder, then hands them to `naap_search::run_search` with the
//! real trainer, drawing its progress. Built only with the `train` feature.

use crate::args::{SchemeArgs, StrategyArgs, TrainingArgs};
use crate::exit::Outcome;
use std::path::PathBuf;

/// Arguments of `naap search`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Candidates: every scheme of a space config (TOML or JSON)
    #[arg(long, value_name = "FILE", conflicts_with = "schemes")]
    space: Option<PathBuf>,
    // Candidates: a scheme list (--schemes) or the space's schemes, and --ids in either.
    #[command(flatten)]
    schemes: SchemeArgs,
    // --strategy (exactly one) and its settings, as `naap nas simulate` takes them.
    #[command(flatten)]
    strategy: StrategyArgs,
    /// Full curves the fold protocol fits its predictor on (a dataset CSV, e.g. naap440.csv)
    #[arg(
        long,
        value_name = "CSV",
        conflicts_with = "predictor",
        help_heading = "Strategy"
    )]
    known_dataset: Option<PathBuf>,
    /// Most scheme-epochs to train; the search then answers with its incumbent
    #[arg(
        long,
        value_name = "N",
        conflicts_with = "budget_hours",
        help_heading = "Budget"
    )]
    budget_epochs: Option<u64>,
    /// Most hours of training wall time (the batch running when it runs out finishes)
    #[arg(long, value_name = "H", help_heading = "Budget")]
    budget_hours: Option<f64>,
    #[command(flatten)]
    training: TrainingArgs,
    /// Output folder: ranking.csv, summary.md, config.toml, schemes.json,
    /// logs/ (every candidate's log and checkpoint), journal.jsonl
    ///
    /// Killed and started again with the same command, a search resumes
    /// from its journal and checkpoints and trains nothing twice.
    #[arg(short, long, value_name = "DIR", default_value = "search")]
    output: PathBuf,
    /// Start over: clear an earlier or interrupted search in the folder
    #[arg(long)]
    force: bool,
    /// Resume a search interrupted under another build of naap: discard its
    /// journal's decisions and search again, retraining its checkpoints
    /// from scratch (as `naap train --resume-stale`)
    #[arg(long, conflicts_with = "force")]
    resume_stale: bool,
    /// No progress output
    #[arg(short, long)]
    quiet: bool,
}

/// Runs `naap search`.
#[cfg(not(feature = "train"))]
pub fn run(_args: Args) -> anyhow::Result<Outcome> {
    Err(super::needs_train_feature())
}

/// Runs `naap search`.
#[cfg(feature = "train")]
pub fn run(args: Args) -> anyhow::Result<Outcome> {
    enabled::run(args)
}

#[cfg(feature = "train")]
mod enabled {
    use super::Args;
    use crate::exit::{self, Outcome};
    use crate::{output, progress};
    use anyhow::Context;
    use indicatif::ProgressBar;
    use naap_nas::StudyConfig;
    use naap_search::{SearchConfig, SearchEvent, SearchReport};
    use naap_space::Scheme;
    use naap_train::{SchemeJob, TrainConfig};
    use serde::Serialize;
    use std::path::Path;
    use std::time::Instant;

    /// Everything the search's results depend on; `config.toml`, and the
    /// identity a resume must match.
    #[derive(Serialize)]
    struct ConfigFile<'a> {
        search: &'a SearchConfig,
        train: &'a TrainConfig,
    }

    const OUTPUTS: &[&str] = &[
        "config.toml",
        "summary.md",
        "schemes.json",
        "journal.jsonl",
        "logs",
    ];
    /// What an interrupted search leaves for its resume.
    const RESUMABLE: &[&str] = &["config.toml", "schemes.json", "journal.jsonl", "logs"];
    const FINISHED: &str = "ranking.csv";

    fn search_err(e: naap_search::Error) -> anyhow::Error {
        if e.is_bad_input() {
            exit::usage(e)
        } else {
            e.into()
        }
    }

    pub fn run(args: Args) -> anyhow::Result<Outcome> {
        let started = Instant::now();
        let t = &args.training;
        let (source, schemes) = read_candidates(&args, &t.cifar.data_root())?;
        let ids = args.schemes.ids(schemes.len())?;
        let valid = search_config(&args, &source, &ids)?
            .validate()
            .map_err(search_err)?;
        // As checked: a predictor file's checksum is recorded.
        let search = valid.get().clone();
        let train = train_config(&args, valid.max_epochs(), search.strategy.seed)?;
        let data_path = t.cifar.path()?;
        let known = match &args.known_dataset {
            Some(p) => {
                naap_dataset::Dataset::read(p)
                    .map_err(exit::usage)
                    .with_context(|| format!("reading the known curves {}", p.display()))?
                    .rows
            }
            None => Vec::new(),
        };
        let mut candidates = Vec::with_capacity(ids.len());
        let mut jobs = Vec::with_capacity(ids.len());
        for &id in &ids {
            let c = naap_search::candidate(id as u32, &schemes[id - 1]).map_err(search_err)?;
            jobs.push(SchemeJob {
                id: naap_space::ModelId::from_index(id - 1)?,
                scheme: schemes[id - 1].clone(),
                macs: c.candidate.scheme.num_macs,
            });
            candidates.push(c);
        }

        // Bad data is bad input found before the run folder is claimed: nothing is written.
        let c = train.get();
        let data = naap_train::load_cifar10(&data_path, c.train_limit, c.test_limit)
            .map_err(exit::usage)
            .with_context(|| format!("reading CIFAR-10 from {}", data_path.display()))?;
        let config_toml = toml::to_string(&ConfigFile {
            search: &search,
            train: train.get(),
        })
        .context("serializing config.toml")?;
        let run_dir = output::claim(
            &args.output,
            &output::Claim {
                outputs: OUTPUTS,
                finished: FINISHED,
                force: args.force,
                keep: if args.force { &[] } else { RESUMABLE },
            },
        )?;
        // Before anything is written: a journal of another search stays intact.
        let mut journal = naap_search::Journal::open(
            &args.output.join("journal.jsonl"),
            &naap_search::journal_header(naap_search::CODE_ID, &config_toml),
            args.resume_stale,
        )
        .map_err(search_err)?;
        run_dir
            .write("config.toml", config_toml.as_bytes())
            .map_err(output::error)?;
        // The whole list: the logs name schemes by their id in it.
        run_dir
            .write("schemes.json", &naap_space::to_published_json(&schemes))
            .map_err(output::error)?;

        eprintln!(
            "naap search: {} candidate(s), strategy {}, up to {} epochs each, data {}",
            candidates.len(),
            search.strategy.strategies[0],
            valid.max_epochs(),
            data_path.display()
        );
        if let Some(path) = &search.strategy.predictor {
            eprintln!(
                "naap search: ranking with the predictor file {path}: {}, features '{}', {}",
                search.strategy.model,
                search.strategy.features.as_deref().unwrap_or(""),
                search.strategy.predictor_checksum.as_deref().unwrap_or("")
            );
        }
        let limit = search
            .budget_epochs
            .unwrap_or(candidates.len() as u64 * u64::from(valid.max_epochs()));
        let display = Display::new(limit, progress::bars_enabled(args.quiet), args.quiet);
        let on_train = |e: naap_train::Event| display.on_train(e);
        let trainer = naap_search::TorchTrainer::new(
            jobs,
            &data,
            train,
            &args.output.join("logs"),
            t.jobs,
            args.resume_stale,
            &on_train,
        )
        .map_err(search_err)?;
        let report =
            naap_search::run_search(&valid, candidates, &known, &trainer, &mut journal, &|e| {
                display.on_search(e)
            })
            .map_err(search_err)
            .with_context(|| format!("searching into {}", args.output.display()))?;
        display.finish();

        let budget = match (search.budget_epochs, search.budget_hours) {
            (Some(e), _) => format!("a budget of {e}"),
            (None, Some(h)) => format!("no epoch cap (budget {h} h of training)"),
            (None, None) => "no budget cap".into(),
        };
        let title = format!("naap search: {source}, {}", report.strategy);
        let summary = naap_search::report::summary_markdown(&report, &title, &budget);
        run_dir
            .write("summary.md", summary.as_bytes())
            .map_err(output::error)?;
        run_dir
            .finish(naap_search::report::ranking_csv(&report).as_bytes())
            .map_err(output::error)?;
        print!("{summary}");
        report_line(&report, started, &args.output);
        Ok(Outcome::Done)
    }

    fn report_line(report: &SearchReport, started: Instant, out: &Path) {
        eprintln!(
            "naap search: ModelId {} found with {} scheme-epochs ({} replayed batches) in {:.1} s; outputs in {}",
            report.outcome.found,
            report.outcome.epochs_spent,
            report.replayed_batches,
            started.elapsed().as_secs_f64(),
            out.display()
        );
    }

    fn read_candidates(args: &Args, data_root: &Path) -> anyhow::Result<(String, Vec<Scheme>)> {
        if let Some(space) = &args.space {
            let config = naap_space::SpaceConfig::from_file(space)
                .map_err(exit::usage)
                .with_context(|| format!("reading the space config {}", space.display()))?;
            return Ok((
                format!("space {}", space.display()),
                naap_space::generate(&config),
            ));
        }
        let (path, schemes) = args.schemes.read(data_root)?;
        Ok((format!("schemes {}", path.display()), schemes))
    }

    fn search_config(args: &Args, source: &str, ids: &[usize]) -> anyhow::Result<SearchConfig> {
        let Some(strategies) = args.strategy.strategies() else {
            return Err(exit::usage(anyhow::anyhow!(
                "naap search runs one strategy: give --strategy NAME (one of {})",
                naap_nas::config::STRATEGY_NAMES.join(", ")
            )));
        };
        let mut s = StudyConfig {
            known: vec![naap_nas::strategy::Known::Online],
            ..StudyConfig::default()
        };
        args.strategy.apply(&mut s);
        s.strategies = strategies;
        // A ladder only matters to the halving strategies; the others train
        // to max-epochs, which then needs no r*eta^s shape.
        let halving = matches!(s.strategies[0].as_str(), "successive-halving" | "hyperband");
        if args.strategy.min_epochs.is_none() && !halving {
            s.min_epochs = s.max_epochs;
        }
        let ids_text = match &args.schemes.ids {
            Some(t) => format!(" ids {t}"),
            None => String::new(),
        };
        Ok(SearchConfig {
            candidates: format!("{source}{ids_text} ({} schemes)", ids.len()),
            budget_epochs: args.budget_epochs,
            budget_hours: args.budget_hours,
            known_dataset: args.known_dataset.as_ref().map(|p| p.display().to_string()),
            jobs: args.training.jobs,
            strategy: s,
        })
    }

    fn train_config(
        args: &Args,
        max_epochs: u32,
        seed: u64,
    ) -> anyhow::Result<naap_train::TrainValidConfig> {
        let t = &args.training;
        let mut c = TrainConfig {
            epochs: max_epochs as usize,
            recipe: naap_train::Recipe {
                seed,
                ..Default::default()
            },
            train_limit: t.train_limit,
            test_limit: t.test_limit,
            ..TrainConfig::default()
        };
        c.threads = naap_train::threads_per_job(t.threads.unwrap_or(c.threads), t.jobs);
        if let Some(d) = &t.device {
            c.device = d.parse().map_err(exit::usage)?;
        }
        c.validate().map_err(exit::usage)
    }

    /// One bar of scheme-epochs spent against the budget (or exhaustive
    /// training), with the best so far; plain lines per batch off a terminal.
    struct Display {
        bar: ProgressBar,
        lines: bool,
    }

    impl Display {
        fn new(limit: u64, bars: bool, quiet: bool) -> Display {
            Display {
                bar: progress::bar(limit, "scheme-epochs", bars),
                lines: !bars && !quiet,
            }
        }

        fn on_train(&self, e: naap_train::Event) {
            if let naap_train::Event::EpochDone { .. } = e {
                self.bar.inc(1);
            }
        }

        fn on_search(&self, e: SearchEvent) {
            let line = match e {
                SearchEvent::Replayed { batches, epochs } => {
                    self.bar.set_position(epochs);
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
                    self.bar.set_position(epochs_spent);
                    let best = best.map_or(String::new(), |(id, epoch, acc)| {
                        format!("; best so far ModelId {id}: {acc} at epoch {epoch}")
                    });
                    self.bar.set_message(format!("scheme-epochs{best}"));
                    format!(
                        "{epochs_spent} scheme-epochs spent of {}, {secs_spent:.0} s{best}",
                        self.bar.length().unwrap_or(0)
                    )
                }
            };
            if self.lines {
                eprintln!("naap search: {line}");
            } else if !self.bar.is_hidden() {
                self.bar.println(line);
            }
        }

        fn finish(&self) {
            self.bar.finish_and_clear();
        }
    }
}
