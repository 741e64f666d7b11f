//! The real trainer: naap-train's epoch loop, resumed from each scheme's
//! checkpoint, writing the paper's log of every candidate.

use crate::live::EpochTrainer;
use crate::{Error, Result};
use naap_dataset::log::TrainingLog;
use naap_dataset::EpochRecord;
use naap_nas::Advanced;
use naap_space::ModelId;
use naap_train::checkpoint::DivergedMarker;
use naap_train::{
    train_scheme, Cifar10, DeviceData, Event, SchemeJob, SchemePaths, TrainValidConfig,
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Trains schemes with the NAAP recipe into a folder of logs and checkpoints
/// (`scheme_{id}.txt`, `checkpoints/`, as `naap train` writes them, so
/// `naap dataset build` reads a search's logs like any others).
pub struct TorchTrainer<'a> {
    jobs: BTreeMap<u32, SchemeJob>,
    // Tensors are not Sync: each call takes its own handle under the lock.
    data: Mutex<DeviceData<'a>>,
    config: TrainValidConfig,
    dir: PathBuf,
    threads: usize,
    resume_stale: bool,
    on_event: &'a (dyn Fn(Event) + Sync),
}

impl<'a> TorchTrainer<'a> {
    /// A trainer of `jobs` on `data` (moved to the config's device) with the
    /// recipe of `config` (its epochs are ignored: each call says how far),
    /// writing into `dir`, `concurrency` schemes at a time sharing the cores.
    /// A checkpoint of another build is refused, or with `resume_stale`
    /// retrained from scratch (naap-train's `train_scheme`).
    pub fn new(
        jobs: Vec<SchemeJob>,
        data: &'a Cifar10,
        config: TrainValidConfig,
        dir: &Path,
        concurrency: usize,
        resume_stale: bool,
        on_event: &'a (dyn Fn(Event) + Sync),
    ) -> Result<TorchTrainer<'a>> {
        let device = naap_train::resolve_device(config.device()).map_err(setup_err)?;
        let data = DeviceData::new(data, device).map_err(setup_err)?;
        std::fs::create_dir_all(dir.join("checkpoints")).map_err(Error::io(dir))?;
        let threads = naap_train::threads_per_job(config.threads(), concurrency);
        Ok(TorchTrainer {
            jobs: jobs.into_iter().map(|j| (j.id.get(), j)).collect(),
            data: Mutex::new(data),
            config,
            dir: dir.to_path_buf(),
            threads,
            resume_stale,
            on_event,
        })
    }
}

/// A failure of setting up the trainer (the device, the data on it).
fn setup_err(e: naap_train::Error) -> Error {
    if e.is_bad_input() {
        Error::Config(e.to_string())
    } else {
        Error::Trainer(e.to_string())
    }
}

fn train_err(model_id: ModelId) -> impl Fn(naap_train::Error) -> Error {
    move |e| {
        if e.is_bad_input() {
            Error::Config(e.to_string())
        } else {
            Error::Training {
                model_id,
                message: e.to_string(),
            }
        }
    }
}

impl EpochTrainer for TorchTrainer<'_> {
    fn train_to(&self, model_id: ModelId, from: u32, to: u32) -> Result<Advanced> {
        let job = self.jobs.get(&model_id.get()).ok_or_else(|| {
            Error::Config(format!("ModelId {model_id} is not a scheme of this search"))
        })?;
        // The schedule depends on the epoch alone, so training "up to e" is
        // the recipe with e epochs, resumed from the checkpoint.
        let mut recipe = self.config.get().clone();
        recipe.epochs = to as usize;
        let config = recipe.validate().map_err(train_err(model_id))?;
        tch::set_num_threads(self.threads as i32);
        let data = self.data.lock().unwrap_or_else(|e| e.into_inner()).share();
        let paths = SchemePaths::new(&self.dir, job.id);
        // A divergence is an outcome: now (naap-train's Diverged error), or
        // in an earlier run whose batch the journal lost (its marker).
        let marker = DivergedMarker::load(&paths.diverged).map_err(train_err(model_id))?;
        let diverged = match marker {
            Some(m) if m.stale_build().is_none() => Some(m.reason),
            // A marker or checkpoint of another build is refused (the search's
            // journal refuses it too), or with resume_stale retrained from scratch.
            _ => match train_scheme(
                job,
                &data,
                &config,
                &self.dir,
                self.resume_stale,
                self.on_event,
            ) {
                Ok(_) => None,
                Err(e @ naap_train::Error::Diverged { .. }) => Some(e.to_string()),
                Err(e) => return Err(train_err(model_id)(e)),
            },
        };
        answer_from_log(&paths, model_id, from, to, diverged)
    }
}

/// The answer to "train `model_id` from epoch `from` up to `to`" read off its
/// log once the training has ended, ended early with `diverged` (a
/// divergence, or a failure the search treats as one) or not.
pub(crate) fn answer_from_log(
    paths: &SchemePaths,
    model_id: ModelId,
    from: u32,
    to: u32,
    diverged: Option<String>,
) -> Result<Advanced> {
    // A run that diverged in its first epoch wrote no log.
    let epochs = match (&diverged, paths.log.exists()) {
        (Some(_), false) => Vec::new(),
        _ => TrainingLog::read(&paths.log)?.epochs().to_vec(),
    };
    let done = epochs.len().min(to as usize);
    if done < from as usize || (diverged.is_none() && done < to as usize) {
        return Err(Error::Training {
            model_id,
            message: format!(
                "{} holds {} epochs after training epochs {}..={to}",
                paths.log.display(),
                epochs.len(),
                from + 1
            ),
        });
    }
    // Converted as `naap dataset build` converts a log, so a predictor
    // fitted on a dataset reads the same numbers.
    let records = epochs[from as usize..done]
        .iter()
        .map(EpochRecord::from)
        .collect();
    Ok(Advanced {
        records,
        // Diverged in an epoch past `to` (an earlier run's marker): not yet.
        diverged: diverged.filter(|_| done < to as usize),
    })
}

#[cfg(test)]
mod tests {
    //! The real trainer's divergence path: naap-train's own loop, made to
    //! diverge by a recipe whose weight decay overshoots (each step scales
    //! the weights by 1 - lr·wd = -8.9), on seeded synthetic images.

    use super::*;
    use naap_train::{CifarSplit, DeviceChoice, TrainConfig};
    use rand::{Rng, SeedableRng};

    fn synthetic(images: usize, seed: u64) -> CifarSplit {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let pixels = (0..images * 3072).map(|_| rng.gen::<u8>()).collect();
        let labels = (0..images).map(|_| rng.gen_range(0..10u8)).collect();
        CifarSplit::new(pixels, labels).unwrap()
    }

    fn scheme_1() -> naap_space::Scheme {
        let dir = match std::env::var_os("NAAP_SHARED_DIR") {
            Some(d) => PathBuf::from(d),
            None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
        };
        let path = dir.join("naap440/generated_schemes.json");
        naap_space::read_schemes(&path).expect("the published schemes")[0].clone()
    }

    #[test]
    fn a_real_divergence_is_an_outcome_and_its_marker_replays_it() {
        let data = Cifar10 {
            train: synthetic(256, 1),
            test: synthetic(64, 2),
        };
        let recipe = TrainConfig {
            recipe: naap_train::Recipe {
                batch_size: 16,
                lr: 9.9,
                weight_decay: 0.99,
                momentum: 0.0,
                ..Default::default()
            },
            device: DeviceChoice::Cpu,
            threads: 1,
            ..TrainConfig::default()
        };
        let job = SchemeJob {
            id: naap_space::ModelId::new(1).unwrap(),
            scheme: scheme_1(),
            macs: 1,
        };
        let tmp = tempfile::tempdir().unwrap();
        let quiet = |_: Event| {};
        let trainer = TorchTrainer::new(
            vec![job],
            &data,
            recipe.validate().unwrap(),
            tmp.path(),
            1,
            false,
            &quiet,
        )
        .unwrap();

        let first = trainer.train_to(ModelId::new(1).unwrap(), 0, 6).unwrap();
        let why = first.diverged.clone().expect("the recipe diverges");
        assert!(why.starts_with("diverged in epoch "), "{why}");
        assert!(first.records.len() < 6, "{} epochs", first.records.len());
        let paths = SchemePaths::new(tmp.path(), naap_space::ModelId::new(1).unwrap());
        assert!(paths.diverged.exists(), "naap-train wrote no marker");

        // Asked again (a resumed search whose journal lost the batch): the
        // marker answers, with the same epochs, and nothing is retrained.
        let log_before = std::fs::read(&paths.log).ok();
        let again = trainer.train_to(ModelId::new(1).unwrap(), 0, 6).unwrap();
        assert_eq!(again, first);
        assert_eq!(std::fs::read(&paths.log).ok(), log_before);
    }
}
