//! `naap search --dispatch slurm`: each batch the strategy asks for becomes
//! one `sbatch --array` submission, one task per candidate, each a
//! `naap train` of that scheme up to the epoch asked, resuming from its
//! checkpoint in the run folder (which must be on storage every node
//! shares). The same trainer code as a local search runs in every task, so
//! the search decides the same; a task refuses a checkpoint of another build
//! as `naap train` does.
//!
//! The search learns what a task did from the run folder, not from Slurm's
//! accounting (which many clusters, and the test cluster, do not keep): an
//! item is done when its checkpoint, written by this build, and its log hold
//! the epochs asked, or when its training diverged. A task that ended
//! without that (failed, cancelled, pre-empted, timed out) is submitted
//! again, up to `retries` times; then the candidate is reported as failed,
//! like a divergence: charged what ran, never picked.
//!
//! Every submission is journaled (batch, job id, items) before the search
//! waits for it, and each job is named after its run folder, batch and
//! attempt: a search killed while an array runs, started again, adopts the
//! job (from the journal, or by its name if the kill came between `sbatch`
//! and the journal) and trains nothing twice.

use crate::dispatch::BatchTrainer;
use crate::journal::{Journal, Submission};
use crate::torch::answer_from_log;
use crate::{Error, Result};
use naap_nas::{Advance, Advanced};
use naap_output::Progress;
use naap_space::ModelId;
use naap_train::checkpoint::{self, DivergedMarker};
use naap_train::SchemePaths;
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// The start of every failure reason the dispatcher gives, so that a later
/// batch asking for the same candidate answers the same.
const FAILED: &str = "its Slurm task failed";

/// How batches are submitted and waited for.
#[derive(Debug, Clone)]
pub struct SlurmOptions {
    /// The naap binary every task runs (on storage the nodes share).
    pub naap_bin: PathBuf,
    /// `--partition` of every job.
    pub partition: Option<String>,
    /// `--gres` of every task (e.g. `gpu:1`).
    pub gres: Option<String>,
    /// `--time` of every task.
    pub time: Option<String>,
    /// More `sbatch` arguments, split on whitespace.
    pub extra: Vec<String>,
    /// Submissions of a candidate's task after the first, before it is
    /// reported as failed.
    pub retries: u32,
    /// Longest wait between two looks at the queue (the wait starts at half
    /// a second and doubles).
    pub poll_max: Duration,
}

/// Trains batches as Slurm arrays into a search's run folder.
pub struct SlurmDispatch<'a> {
    options: SlurmOptions,
    run_dir: PathBuf,
    logs: PathBuf,
    /// `naap train` flags of every task besides the scheme and its epochs.
    train_args: Vec<String>,
    threads: usize,
    progress: &'a dyn Progress,
}

impl<'a> SlurmDispatch<'a> {
    /// A dispatcher writing its scripts and task outputs into
    /// `run_dir/slurm`, whose tasks train into `run_dir/logs` with
    /// `naap train` and `train_args` (the recipe, the data, `--threads`,
    /// which is also each task's `--cpus-per-task`).
    pub fn new(
        options: SlurmOptions,
        run_dir: &Path,
        train_args: Vec<String>,
        threads: usize,
        progress: &'a dyn Progress,
    ) -> Result<SlurmDispatch<'a>> {
        let run_dir = std::path::absolute(run_dir).map_err(Error::io(run_dir))?;
        let slurm = run_dir.join("slurm");
        std::fs::create_dir_all(&slurm).map_err(Error::io(&slurm))?;
        let logs = run_dir.join("logs");
        std::fs::create_dir_all(logs.join("checkpoints")).map_err(Error::io(&logs))?;
        Ok(SlurmDispatch {
            options,
            logs,
            run_dir,
            train_args,
            threads,
            progress,
        })
    }

    /// `slurm/batch-0003-a2` (batch 3, its second submission).
    fn stem(&self, index: usize, attempt: usize) -> PathBuf {
        self.run_dir
            .join("slurm")
            .join(format!("batch-{:04}-a{attempt}", index + 1))
    }

    /// The job name of a submission: the run folder (hashed), batch and attempt.
    fn job_name(&self, index: usize, attempt: usize) -> String {
        let mut h = std::hash::DefaultHasher::new();
        self.run_dir.hash(&mut h);
        format!("naap-{:08x}-b{}-a{attempt}", h.finish() as u32, index + 1)
    }

    /// The answer to `w` if the run folder holds one: the epochs trained by
    /// this build, or a divergence.
    fn finished(&self, w: &Advance) -> Result<Option<Advanced>> {
        let paths = SchemePaths::new(&self.logs, w.model_id);
        let train_err = |e: naap_train::Error| Error::Training {
            model_id: w.model_id,
            message: e.to_string(),
        };
        let marker = DivergedMarker::load(&paths.diverged).map_err(train_err)?;
        if let Some(m) = marker.filter(|m| m.stale_build().is_none()) {
            return answer_from_log(&paths, w.model_id, w.from_epoch, w.to_epoch, Some(m.reason))
                .map(Some);
        }
        let trained = match checkpoint::load(&paths.checkpoint).map_err(train_err)? {
            Some(c) if c.stale_build().is_none() => c.meta.epochs.len(),
            _ => 0,
        };
        let logged = logged_epochs(&paths)?;
        if trained.min(logged) < w.to_epoch as usize {
            return Ok(None);
        }
        answer_from_log(&paths, w.model_id, w.from_epoch, w.to_epoch, None).map(Some)
    }

    /// The answer to `w` when its task failed `attempts` times.
    fn failed(&self, w: &Advance, reason: String) -> Result<Advanced> {
        let paths = SchemePaths::new(&self.logs, w.model_id);
        let logged = logged_epochs(&paths)?;
        if logged >= w.to_epoch as usize {
            // The log is ahead of the checkpoint (a task killed between
            // the two): the epochs past the checkpoint are not this build's
            // for sure, so none past `from` is reported.
            return Ok(Advanced {
                records: Vec::new(),
                diverged: Some(reason),
            });
        }
        answer_from_log(&paths, w.model_id, w.from_epoch, w.to_epoch, Some(reason))
    }

    /// Writes the array script of `items` for batch `index`, attempt
    /// `attempt`; returns its path.
    fn write_script(&self, index: usize, attempt: usize, items: &[Advance]) -> Result<PathBuf> {
        let stem = self.stem(index, attempt);
        let path = stem.with_extension("sbatch");
        let o = &self.options;
        let mut s = String::new();
        let _ = writeln!(s, "#!/bin/bash");
        let _ = writeln!(
            s,
            "# Written by naap search: batch {} of {}, submission {attempt}.",
            index + 1,
            self.run_dir.display()
        );
        let _ = writeln!(
            s,
            "# Task i trains item i up to its epoch, resuming from its checkpoint in logs/."
        );
        let _ = writeln!(s, "#SBATCH --job-name={}", self.job_name(index, attempt));
        let _ = writeln!(s, "#SBATCH --array=1-{}", items.len());
        let _ = writeln!(s, "#SBATCH --output={}-%a.out", stem.display());
        let _ = writeln!(s, "#SBATCH --open-mode=append");
        let _ = writeln!(s, "#SBATCH --cpus-per-task={}", self.threads.max(1));
        for (flag, value) in [
            ("partition", &o.partition),
            ("gres", &o.gres),
            ("time", &o.time),
        ] {
            if let Some(v) = value {
                let _ = writeln!(s, "#SBATCH --{flag}={v}");
            }
        }
        if !o.extra.is_empty() {
            let _ = writeln!(
                s,
                "# sbatch arguments given on the command line: {}",
                o.extra.join(" ")
            );
        }
        let _ = writeln!(s, "set -euo pipefail");
        let _ = writeln!(s, "case \"$SLURM_ARRAY_TASK_ID\" in");
        for (i, w) in items.iter().enumerate() {
            let _ = writeln!(s, "{}) id={} epochs={} ;;", i + 1, w.model_id, w.to_epoch);
        }
        let _ = writeln!(
            s,
            "*) echo \"no item for array task $SLURM_ARRAY_TASK_ID\" >&2; exit 2 ;;"
        );
        let _ = writeln!(s, "esac");
        let _ = writeln!(
            s,
            "echo \"naap search task $SLURM_ARRAY_TASK_ID: scheme $id up to epoch $epochs (job $SLURM_JOB_ID) on $(hostname)\""
        );
        let mut cmd = vec![
            quote(&o.naap_bin.display().to_string()),
            "train".into(),
            "--schemes".into(),
            quote(&self.run_dir.join("schemes.json").display().to_string()),
            "--out".into(),
            quote(&self.logs.display().to_string()),
            "--ids".into(),
            "\"$id\"".into(),
            "--epochs".into(),
            "\"$epochs\"".into(),
        ];
        cmd.extend(self.train_args.iter().map(|a| quote(a)));
        let _ = writeln!(s, "exec {}", cmd.join(" "));
        naap_output::write_atomic(&path, s.as_bytes())?;
        Ok(path)
    }

    /// Submits `script`; returns the job id.
    fn submit(&self, script: &Path) -> Result<String> {
        let o = &self.options;
        let out = run(Command::new("sbatch")
            .arg("--parsable")
            .args(&o.extra)
            .arg(script))?;
        let id = out.split(';').next().unwrap_or("").trim();
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::Cluster(format!(
                "sbatch {}: expected a job id, got {out:?}",
                script.display()
            )));
        }
        Ok(id.to_string())
    }

    /// A job of this name still queued or running (a submission the
    /// journal did not get to record).
    fn queued_by_name(&self, name: &str) -> Result<Option<String>> {
        let out = run(Command::new("squeue").args(["-h", "-n", name, "-o", "%F"]))?;
        Ok(out
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .map(String::from))
    }

    /// Waits until no task of `job` is pending or running.
    fn wait(&self, job: &str) -> Result<()> {
        let mut delay = Duration::from_millis(500);
        let mut errors = 0;
        loop {
            match run(Command::new("squeue").args(["-h", "-j", job, "-o", "%i %T"])) {
                Ok(out) if out.trim().is_empty() => return Ok(()),
                Ok(_) => errors = 0,
                // Finished jobs leave the controller's memory after a while.
                Err(Error::Cluster(m)) if m.contains("Invalid job id") => return Ok(()),
                Err(e) => {
                    errors += 1;
                    if errors >= 10 {
                        return Err(e);
                    }
                }
            }
            std::thread::sleep(delay);
            delay = (delay * 2).min(self.options.poll_max.max(Duration::from_millis(100)));
        }
    }

    /// The last line a task of `stem` printed, for a failure's reason.
    fn last_output(&self, stem: &Path, task: usize) -> String {
        let path = PathBuf::from(format!("{}-{task}.out", stem.display()));
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let last = text.lines().rev().find(|l| !l.trim().is_empty());
        let rel = path.strip_prefix(&self.run_dir).unwrap_or(&path);
        match last {
            Some(l) => format!("{} ends: {}", rel.display(), l.trim()),
            None => format!("{} is empty or missing", rel.display()),
        }
    }
}

impl BatchTrainer for SlurmDispatch<'_> {
    fn train_batch(
        &self,
        index: usize,
        work: &[Advance],
        journal: &mut Journal,
    ) -> Result<Vec<Advanced>> {
        let key = |w: &Advance| [w.model_id.get(), w.from_epoch, w.to_epoch];
        let mut answers: Vec<Option<Advanced>> = vec![None; work.len()];
        // A candidate that failed in an earlier batch fails again, unasked.
        for (w, a) in work.iter().zip(answers.iter_mut()) {
            if let Some(reason) = earlier_failure(journal, w.model_id) {
                *a = Some(self.failed(w, reason)?);
            }
        }
        let mut submissions: Vec<Submission> = journal.submissions(index).cloned().collect();
        if let Some(last) = submissions.last() {
            self.progress.note(&format!(
                "batch {}: adopting Slurm job {} from the journal",
                index + 1,
                last.job
            ));
            self.wait(&last.job)?;
        }
        loop {
            let mut pending = Vec::new();
            for (i, w) in work.iter().enumerate() {
                if answers[i].is_none() {
                    match self.finished(w)? {
                        Some(a) => answers[i] = Some(a),
                        None => pending.push(i),
                    }
                }
            }
            let mut retry = Vec::new();
            for i in pending {
                let w = &work[i];
                let tries: Vec<(usize, usize)> = submissions
                    .iter()
                    .enumerate()
                    .filter_map(|(k, s)| {
                        let task = s.work.iter().position(|x| *x == key(w))?;
                        Some((k + 1, task + 1))
                    })
                    .collect();
                if tries.len() > self.options.retries as usize {
                    let (attempt, task) = *tries.last().expect("tried at least once");
                    let reason = format!(
                        "{FAILED} {} time(s) ({})",
                        tries.len(),
                        self.last_output(&self.stem(index, attempt), task)
                    );
                    self.progress.note(&format!(
                        "ModelId {}: {reason}; reported as failed",
                        w.model_id
                    ));
                    answers[i] = Some(self.failed(w, reason)?);
                } else {
                    retry.push(*w);
                }
            }
            if retry.is_empty() {
                break;
            }
            let attempt = submissions.len() + 1;
            let name = self.job_name(index, attempt);
            let (job, how) = match self.queued_by_name(&name)? {
                Some(job) => (job, "adopted"),
                None => {
                    let script = self.write_script(index, attempt, &retry)?;
                    (self.submit(&script)?, "submitted")
                }
            };
            let submission = Submission {
                batch: index,
                job: job.clone(),
                work: retry.iter().map(key).collect(),
            };
            journal.append_submission(submission.clone())?;
            submissions.push(submission);
            self.progress.note(&format!(
                "batch {}: {how} {} task(s) as Slurm job {job} ({})",
                index + 1,
                retry.len(),
                self.stem(index, attempt)
                    .with_extension("sbatch")
                    .strip_prefix(&self.run_dir)
                    .unwrap_or(Path::new(""))
                    .display()
            ));
            self.wait(&job)?;
        }
        let answers: Vec<Advanced> = answers
            .into_iter()
            .map(|a| a.expect("every item answered"))
            .collect();
        self.progress
            .advance(answers.iter().map(|a| a.records.len() as u64).sum());
        Ok(answers)
    }
}

/// Epochs the log of `paths` holds (0 before its first).
fn logged_epochs(paths: &SchemePaths) -> Result<usize> {
    Ok(match paths.log.exists() {
        true => naap_dataset::log::TrainingLog::read(&paths.log)?
            .epochs()
            .len(),
        false => 0,
    })
}

/// Why `id` failed in an earlier batch of the journal, if it did.
fn earlier_failure(journal: &Journal, id: ModelId) -> Option<String> {
    journal
        .batches()
        .iter()
        .flat_map(|b| &b.diverged)
        .find(|(d, why)| *d == id.get() && why.starts_with(FAILED))
        .map(|(_, why)| why.clone())
}

/// Runs a Slurm command; its stdout, or its stderr as the error.
fn run(cmd: &mut Command) -> Result<String> {
    let what = format!("{cmd:?}");
    let out = cmd.output().map_err(|e| {
        Error::Cluster(format!(
            "running {what}: {e} (is Slurm installed and SLURM_CONF set?)"
        ))
    })?;
    if !out.status.success() {
        return Err(Error::Cluster(format!(
            "{what} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `text` as one single-quoted shell word.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shell_word_survives_quotes_and_spaces() {
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), r"'it'\''s'");
    }

    fn item(id: u32, from: u32, to: u32) -> Advance {
        Advance {
            model_id: ModelId::new(id).unwrap(),
            from_epoch: from,
            to_epoch: to,
        }
    }

    /// The array script, run by bash as task 2 with `echo` as the naap
    /// binary, execs `naap train` for item 2 with the task flags intact.
    #[test]
    fn each_array_task_trains_its_own_item_with_the_search_recipe() {
        let dir = tempfile::tempdir().unwrap();
        let run_dir = dir.path().join("run it's");
        let options = SlurmOptions {
            naap_bin: PathBuf::from("/bin/echo"),
            partition: Some("gpu".into()),
            gres: Some("gpu:1".into()),
            time: None,
            extra: vec!["--qos=high".into()],
            retries: 2,
            poll_max: Duration::from_secs(1),
        };
        let args = vec![
            "--seed".into(),
            "7".into(),
            "--data".into(),
            "/d/c 10".into(),
        ];
        let quiet = naap_output::Silent;
        let d = SlurmDispatch::new(options, &run_dir, args, 3, &quiet).unwrap();
        let script = d
            .write_script(4, 2, &[item(5, 0, 2), item(9, 2, 6)])
            .unwrap();
        assert!(
            script.ends_with("slurm/batch-0005-a2.sbatch"),
            "{}",
            script.display()
        );
        let text = std::fs::read_to_string(&script).unwrap();
        for line in [
            "#SBATCH --array=1-2",
            "#SBATCH --cpus-per-task=3",
            "#SBATCH --partition=gpu",
            "#SBATCH --gres=gpu:1",
            "#SBATCH --open-mode=append",
        ] {
            assert!(text.lines().any(|l| l == line), "no {line} in\n{text}");
        }
        assert!(!text.contains("--time"), "{text}");
        assert!(text.contains(&format!("#SBATCH --job-name={}", d.job_name(4, 2))));
        let out = Command::new("bash")
            .arg(&script)
            .env("SLURM_ARRAY_TASK_ID", "2")
            .env("SLURM_JOB_ID", "99")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        let run = std::path::absolute(&run_dir).unwrap();
        let expected = format!(
            "train --schemes {0}/schemes.json --out {0}/logs --ids 9 --epochs 6 --seed 7 --data /d/c 10",
            run.display()
        );
        assert_eq!(stdout.lines().last(), Some(expected.as_str()), "{stdout}");
        assert!(stdout.starts_with("naap search task 2: scheme 9 up to epoch 6 (job 99)"));
        // A task past the items is refused, not run with the last item.
        let out = Command::new("bash")
            .arg(&script)
            .env("SLURM_ARRAY_TASK_ID", "3")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
    }

    #[test]
    fn job_names_tell_runs_batches_and_attempts_apart() {
        let dir = tempfile::tempdir().unwrap();
        let quiet = naap_output::Silent;
        let options = SlurmOptions {
            naap_bin: PathBuf::from("naap"),
            partition: None,
            gres: None,
            time: None,
            extra: Vec::new(),
            retries: 0,
            poll_max: Duration::from_secs(1),
        };
        let a =
            SlurmDispatch::new(options.clone(), &dir.path().join("a"), vec![], 1, &quiet).unwrap();
        let b = SlurmDispatch::new(options, &dir.path().join("b"), vec![], 1, &quiet).unwrap();
        let names = [
            a.job_name(0, 1),
            a.job_name(1, 1),
            a.job_name(0, 2),
            b.job_name(0, 1),
        ];
        for (i, x) in names.iter().enumerate() {
            assert!(x.starts_with("naap-"), "{x}");
            assert!(names[i + 1..].iter().all(|y| y != x), "{names:?}");
        }
    }
}
