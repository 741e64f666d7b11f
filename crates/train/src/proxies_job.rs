//! `naap proxies` as a library job: the schemes, the data and the proxy
//! settings resolved into a [`ProxiesJob`], whose [`ProxiesJob::run`]
//! scores every scheme at initialisation and writes the one CSV.

use crate::{
    proxies_csv, scheme_jobs, zero_cost_for_schemes, Error, Result, SchemeJob, SchemeProxies,
    TrainConfig,
};
use naap_output::{OutputFile, Progress};
use naap_space::IdList;
use std::path::PathBuf;

/// What a user asks `naap proxies` for, unchecked.
#[derive(Debug, Clone, Default)]
pub struct ProxiesRequest {
    /// The scheme list (JSON).
    pub schemes: PathBuf,
    /// Only these schemes of the list; all when `None`.
    pub ids: Option<IdList>,
    /// CIFAR-10 (binary batches or images, folder or .tar.gz).
    pub data: PathBuf,
    /// Images of the one proxy batch (at least 2: jacob_cov correlates them).
    pub batch: usize,
    /// Seed of the init and of the batch; the recipe's when `None`.
    pub seed: Option<u64>,
    /// libtorch threads; libtorch's default when `None`.
    pub threads: Option<usize>,
}

/// A checked proxies run: the schemes resolved, nothing loaded yet.
#[derive(Debug, Clone)]
pub struct ProxiesJob {
    schemes: Vec<SchemeJob>,
    data: PathBuf,
    batch: usize,
    seed: u64,
    threads: Option<usize>,
}

impl ProxiesJob {
    /// Checks the settings and reads the scheme list.
    pub fn resolve(r: &ProxiesRequest) -> Result<ProxiesJob> {
        if r.batch < 2 {
            return Err(Error::Config(format!(
                "--batch must be at least 2 (jacob_cov correlates images), got {}",
                r.batch
            )));
        }
        let list = naap_space::read_schemes(&r.schemes)?;
        Ok(ProxiesJob {
            schemes: scheme_jobs(&list, r.ids.as_ref(), &r.schemes)?,
            data: r.data.clone(),
            batch: r.batch,
            seed: r.seed.unwrap_or(TrainConfig::default().recipe.seed),
            threads: r.threads,
        })
    }

    /// The seed the proxies are drawn with.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Loads CIFAR-10's training split (a missing or malformed copy is the
    /// user's input), scores every scheme, counting them through
    /// `progress`, and writes the CSV to `out`.
    pub fn run(&self, out: &OutputFile, progress: &dyn Progress) -> Result<Vec<SchemeProxies>> {
        // Only the training split is drawn from; one test image keeps the loader's checks.
        let data = crate::load_cifar10(&self.data, None, Some(1)).map_err(|e| {
            Error::data(
                &self.data,
                format!("reading CIFAR-10: {}", crate::job::causes(&e)),
            )
        })?;
        progress.start(self.schemes.len() as u64, "proxies");
        let rows = zero_cost_for_schemes(
            &self.schemes,
            &data.train,
            self.batch,
            self.seed,
            self.threads,
            &|_| progress.advance(1),
        );
        progress.finish();
        let rows = rows?;
        out.commit(proxies_csv(&rows).as_bytes())?;
        Ok(rows)
    }
}
