//! Per-epoch checkpoints: weights (BatchNorm running statistics included),
//! SGD momentum buffers, the epoch records and the log so far, in one file
//! written atomically (temporary file, then rename), so a run killed at any
//! moment resumes from its last finished epoch.
//!
//! No random-number state needs saving: the init is seeded once before the
//! first epoch, and each epoch's shuffle is drawn from its own ChaCha stream
//! of the seed (see `trainer::epoch_order`), so the seed in the recipe is the
//! whole RNG state.

use crate::{EpochStats, Error, PaperLog, Result, Sgd};
use serde::{Deserialize, Serialize};
use std::path::Path;
use tch::{nn, Device, Kind, Tensor};

const FORMAT: u32 = 1;
const META: &str = "meta";
const VAR: &str = "var/";
const MOMENTUM: &str = "momentum/";

/// Everything that must be equal for a checkpoint to be resumed: the
/// scheme, the training [`crate::Recipe`] (one type with the config, so a
/// recipe setting added there is checked here too) and the images used.
/// Stored flat, as one JSON object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunKey {
    /// The scheme's layers, as JSON.
    pub scheme: String,
    /// The recipe the scheme is trained with.
    #[serde(flatten)]
    pub recipe: crate::Recipe,
    /// Training images used.
    pub train_images: usize,
    /// Test images used.
    pub test_images: usize,
}

/// The non-tensor part of a checkpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckpointMeta {
    /// File format version.
    pub format: u32,
    /// The [`crate::CODE_ID`] of the build that wrote it; empty in checkpoints
    /// from before the code identity (which are therefore never resumed).
    #[serde(default)]
    pub code: String,
    /// The recipe the run was started with.
    pub recipe: RunKey,
    /// Records of the finished epochs, epoch 1 first.
    pub epochs: Vec<EpochStats>,
    /// The log up to the last finished epoch.
    pub log: PaperLog,
}

/// Writes a checkpoint atomically to `path`.
pub fn save(path: &Path, meta: &CheckpointMeta, vs: &nn::VarStore, sgd: &Sgd) -> Result<()> {
    let json = serde_json::to_vec(meta).expect("checkpoint metadata always serializes");
    let mut named: Vec<(String, Tensor)> = vec![(META.into(), Tensor::f_from_slice(&json)?)];
    let mut vars: Vec<(String, Tensor)> = vs.variables().into_iter().collect();
    vars.sort_by(|a, b| a.0.cmp(&b.0));
    named.extend(vars.into_iter().map(|(n, t)| (format!("{VAR}{n}"), t)));
    named.extend(
        sgd.buffers()
            .into_iter()
            .map(|(n, t)| (format!("{MOMENTUM}{n}"), t)),
    );
    let dir = path.parent().unwrap_or(Path::new("."));
    // naap_output's temporary file follows the umask (tempfile's own is 0600,
    // which a colleague on shared storage cannot read).
    let mut tmp = naap_output::temp_in(dir).map_err(Error::io(dir))?;
    Tensor::save_multi_to_stream(&named, tmp.as_file_mut())?;
    tmp.as_file().sync_all().map_err(Error::io(path))?;
    tmp.persist(path).map_err(|e| Error::io(path)(e.error))?;
    Ok(())
}

/// A checkpoint read back, not yet applied.
pub struct Loaded {
    /// Its metadata.
    pub meta: CheckpointMeta,
    vars: Vec<(String, Tensor)>,
    momentum: Vec<(String, Tensor)>,
}

/// Reads a checkpoint if `path` exists.
pub fn load(path: &Path) -> Result<Option<Loaded>> {
    if !path.exists() {
        return Ok(None);
    }
    let bad = |m: String| Error::data(path, m);
    let tensors = Tensor::load_multi_with_device(path, Device::Cpu)
        .map_err(|e| bad(format!("not a readable checkpoint: {e}")))?;
    let (mut meta, mut vars, mut momentum) = (None, Vec::new(), Vec::new());
    for (name, t) in tensors {
        if name == META {
            let bytes = Vec::<u8>::try_from(t.f_to_kind(Kind::Uint8)?.f_flatten(0, -1)?)?;
            meta = Some(
                serde_json::from_slice::<CheckpointMeta>(&bytes)
                    .map_err(|e| bad(format!("bad metadata: {e}")))?,
            );
        } else if let Some(n) = name.strip_prefix(VAR) {
            vars.push((n.to_string(), t));
        } else if let Some(n) = name.strip_prefix(MOMENTUM) {
            momentum.push((n.to_string(), t));
        }
    }
    let meta = meta.ok_or_else(|| bad("no metadata".into()))?;
    if meta.format != FORMAT {
        return Err(bad(format!(
            "format {} is not the supported {FORMAT}",
            meta.format
        )));
    }
    Ok(Some(Loaded {
        meta,
        vars,
        momentum,
    }))
}

impl CheckpointMeta {
    /// Metadata of a run before its first epoch.
    pub fn new(recipe: RunKey, log: PaperLog) -> CheckpointMeta {
        CheckpointMeta {
            format: FORMAT,
            code: crate::CODE_ID.to_string(),
            recipe,
            epochs: Vec::new(),
            log,
        }
    }
}

/// The build named by `code` when it is not this one; empty is a file from
/// before the code identity (the one check of every resumable result,
/// [`naap_output::build::check_same_build`]).
fn stale_build(code: &str) -> Option<String> {
    naap_output::build::check_same_build(code, crate::CODE_ID)
        .err()
        .map(|stale| stale.found)
}

impl Loaded {
    /// The build that wrote this checkpoint when it is not this one: its epochs
    /// are not to be trusted.
    pub fn stale_build(&self) -> Option<String> {
        stale_build(&self.meta.code)
    }

    /// Fails unless the checkpoint was made with `recipe`; names the first differing setting.
    pub fn check_recipe(&self, path: &Path, recipe: &RunKey) -> Result<()> {
        if &self.meta.recipe == recipe {
            return Ok(());
        }
        let (a, b) = (
            serde_json::to_value(&self.meta.recipe),
            serde_json::to_value(recipe),
        );
        let message = match (a, b) {
            (Ok(serde_json::Value::Object(a)), Ok(serde_json::Value::Object(b))) => a
                .iter()
                .find(|(k, v)| b.get(*k) != Some(v))
                .map(|(k, v)| format!("{k} {v} there, {} now", b[k]))
                .unwrap_or_default(),
            _ => String::new(),
        };
        Err(Error::CheckpointMismatch {
            path: path.to_path_buf(),
            message,
        })
    }

    /// Copies the saved weights and momentum into a freshly built model and optimizer.
    pub fn restore(self, path: &Path, vs: &nn::VarStore, sgd: &mut Sgd) -> Result<CheckpointMeta> {
        let mut live = vs.variables();
        if live.len() != self.vars.len() {
            return Err(Error::data(
                path,
                format!(
                    "{} variables saved, the model has {}",
                    self.vars.len(),
                    live.len()
                ),
            ));
        }
        tch::no_grad(|| -> Result<()> {
            for (name, saved) in &self.vars {
                let target = live.get_mut(name).ok_or_else(|| {
                    Error::data(path, format!("variable {name} is not in the model"))
                })?;
                if target.size() != saved.size() {
                    return Err(Error::data(
                        path,
                        format!(
                            "variable {name} has shape {:?}, the model {:?}",
                            saved.size(),
                            target.size()
                        ),
                    ));
                }
                target.f_copy_(saved)?;
            }
            Ok(())
        })?;
        sgd.set_buffers(self.momentum)?;
        Ok(self.meta)
    }
}

/// The marker a diverged run leaves (`checkpoints/scheme_{id}.diverged`): the
/// scheme is not retried by a resume of the same build. Like a checkpoint it
/// carries the build's code identity, since another build might not diverge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DivergedMarker {
    /// The [`crate::CODE_ID`] of the build whose run diverged; empty in markers
    /// from before the code identity (plain text, the reason only).
    pub code: String,
    /// Why the run stopped, e.g. `diverged in epoch 4: batch loss is NaN`.
    pub reason: String,
}

impl DivergedMarker {
    /// A marker of this build.
    pub fn new(reason: impl Into<String>) -> DivergedMarker {
        DivergedMarker {
            code: crate::CODE_ID.to_string(),
            reason: reason.into(),
        }
    }

    /// The marker as written to its file (JSON).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a marker always serializes")
    }

    /// Reads the marker at `path` if it exists. A file that is not a marker's
    /// JSON is one from before the code identity: its text is the reason.
    pub fn load(path: &Path) -> Result<Option<DivergedMarker>> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(path)(e)),
        };
        Ok(Some(serde_json::from_slice(&bytes).unwrap_or_else(|_| {
            DivergedMarker {
                code: String::new(),
                reason: String::from_utf8_lossy(&bytes).trim().to_string(),
            }
        })))
    }

    /// The build that wrote this marker when it is not this one: the
    /// divergence it records is not to be trusted.
    pub fn stale_build(&self) -> Option<String> {
        stale_build(&self.code)
    }
}
