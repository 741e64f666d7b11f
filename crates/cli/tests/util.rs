//! Helpers shared by the CLI tests.

#![allow(dead_code)]

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::{Command, Output};

/// The `naap` binary built for this test run.
pub fn naap() -> Command {
    Command::new(env!("CARGO_BIN_EXE_naap"))
}

/// The shared data folder (see naap-testdata).
pub fn shared_dir() -> PathBuf {
    naap_testdata::shared_dir()
}

/// A published NAAP-440 file from the shared folder.
pub fn shared_naap440(name: &str) -> PathBuf {
    naap_testdata::naap440(name)
}

/// A small valid dataset kept in the repository (`v1` or `v2` columns; see
/// tests/fixtures/dataset/README.md), for tests that need only a small file.
pub fn fixture_dataset(format: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("tests/fixtures/dataset/small_{format}.csv"))
}

/// A file of the small fixtures kept beside the datasets (tests/fixtures/dataset),
/// such as `schemes.json`.
pub fn dataset_fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/dataset")
        .join(name)
}

/// Fits a 1-NN predictor file on the small v1 dataset into `path` (replacing
/// what is there), for tests that need a valid predictor.
pub fn fit_small_predictor(path: &std::path::Path) {
    let res = run(naap()
        .args([
            "fit",
            "--force",
            "--model",
            "1-NN",
            "--feature-set",
            "Scheme",
            "--dataset",
        ])
        .arg(fixture_dataset("v1"))
        .arg("-o")
        .arg(path));
    assert!(
        res.status.success(),
        "fitting the small predictor failed: {}",
        String::from_utf8_lossy(&res.stderr)
    );
}

/// Runs a command and returns its output, with stderr in any panic message.
pub fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("naap binary runs")
}

/// Checks a run rejected as bad input: exit code 2, `needle` in stderr and,
/// when `out` is given, no output file left behind.
pub fn assert_rejected(res: &Output, needle: &str, out: Option<&std::path::Path>) {
    let err = String::from_utf8_lossy(&res.stderr);
    assert_eq!(res.status.code(), Some(2), "{err}");
    assert!(err.contains(needle), "expected {needle:?} in: {err}");
    if let Some(out) = out {
        assert!(!out.exists(), "{} written on bad input", out.display());
    }
}

/// Files for bad-input tables: a path that does not exist, a folder, a
/// non-UTF-8 file, and malformed files a test writes with [`BadFiles::file`].
pub struct BadFiles {
    tmp: tempfile::TempDir,
    /// A path with nothing there.
    pub missing: PathBuf,
    /// A folder where a file is expected.
    pub folder: PathBuf,
    /// Bytes that are not UTF-8.
    pub binary: PathBuf,
}

impl BadFiles {
    pub fn new() -> BadFiles {
        let tmp = tempfile::tempdir().unwrap();
        let folder = tmp.path().join("folder.csv");
        std::fs::create_dir(&folder).unwrap();
        let binary = tmp.path().join("binary.csv");
        std::fs::write(&binary, b"\xff\xfe\x00 not text\n").unwrap();
        BadFiles {
            missing: tmp.path().join("missing.csv"),
            folder,
            binary,
            tmp,
        }
    }

    /// Writes `bytes` to a file `name` beside the others.
    pub fn file(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.tmp.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// A fresh path for an output that a rejected run must not create.
    pub fn out(&self, name: &str) -> PathBuf {
        self.tmp.path().join("out").join(name)
    }

    /// The three cases of a file flag that cannot be read as text: missing
    /// (the message names the path and "No such file"), a folder ("directory")
    /// and non-UTF-8 bytes ("UTF-8"); `also` joins every case's arguments.
    pub fn unreadable(&self, name: &'static str, also: &[Arg]) -> Vec<BadCase> {
        [
            (&self.missing, "No such file"),
            (&self.folder, "directory"),
            (&self.binary, "UTF-8"),
        ]
        .into_iter()
        .map(|(path, why)| {
            let mut args = also.to_vec();
            args.push(flag(name, path));
            bad(args, &[&path.display(), &why])
        })
        .collect()
    }

    /// The three cases of a CIFAR-10 flag that holds no CIFAR-10: missing, a
    /// folder without it, and a file that is neither a folder nor a .tar.gz.
    pub fn no_cifar(&self, name: &'static str) -> Vec<BadCase> {
        [
            (&self.missing, "No such file"),
            (&self.folder, "no CIFAR-10 found"),
            (&self.binary, "not a folder or a .tar.gz of CIFAR-10"),
        ]
        .into_iter()
        .map(|(path, why)| bad(vec![flag(name, path)], &[&path.display(), &why]))
        .collect()
    }
}

/// A flag and its value (`""` for a positional argument). In a case, a flag
/// without a value ([`unset`]) removes that flag of the base command line.
pub type Arg = (&'static str, Option<OsString>);

/// A switch (a flag without a value).
pub fn switch(name: &'static str) -> Arg {
    (name, Some(OsString::new()))
}

/// `--flag value`.
pub fn flag(name: &'static str, value: impl AsRef<std::ffi::OsStr>) -> Arg {
    (name, Some(value.as_ref().to_owned()))
}

/// Leaves out a flag of the base command line.
pub fn unset(name: &'static str) -> Arg {
    (name, None)
}

/// A positional argument.
pub fn positional(value: impl AsRef<std::ffi::OsStr>) -> Arg {
    ("", Some(value.as_ref().to_owned()))
}

/// One row of a bad-input table: the arguments that differ from a valid
/// command line, and the words the message must hold.
pub struct BadCase {
    pub args: Vec<Arg>,
    pub expect: Vec<String>,
}

/// A [`BadCase`]; `expect` is what the message must name (file, line, flag,
/// what was expected).
pub fn bad(args: Vec<Arg>, expect: &[&dyn std::fmt::Display]) -> BadCase {
    BadCase {
        args,
        expect: expect.iter().map(ToString::to_string).collect(),
    }
}

/// Runs `naap <command> <base args>` once per case, a case's flag replacing
/// the same flag of `base` (positional arguments come from the case when it
/// has any), and checks each run: exit 2, every expected word in stderr, no
/// panic, and `out` not created.
pub fn assert_bad_inputs(command: &[&str], base: &[Arg], out: &std::path::Path, cases: &[BadCase]) {
    let mut failures = Vec::new();
    for case in cases {
        let case_positional = case.args.iter().any(|(k, _)| k.is_empty());
        let mut args: Vec<Arg> = base
            .iter()
            .filter(|(k, _)| {
                if k.is_empty() {
                    !case_positional
                } else {
                    !case.args.iter().any(|(c, _)| c == k)
                }
            })
            .cloned()
            .collect();
        args.extend(case.args.iter().filter(|(_, v)| v.is_some()).cloned());
        let mut cmd = naap();
        cmd.args(command);
        for (k, v) in &args {
            if !k.is_empty() {
                cmd.arg(k);
            }
            if let Some(v) = v.as_ref().filter(|v| !v.is_empty()) {
                cmd.arg(v);
            }
        }
        let line = format!("{cmd:?}");
        let res = run(&mut cmd);
        let err = String::from_utf8_lossy(&res.stderr);
        let missing: Vec<&String> = case
            .expect
            .iter()
            .filter(|w| !err.contains(w.as_str()))
            .collect();
        if res.status.code() != Some(2)
            || !missing.is_empty()
            || err.contains("panicked")
            || out.exists()
        {
            failures.push(format!(
                "{line}\n  exit {:?}, output left: {}, missing words {missing:?}\n  stderr: {err}",
                res.status.code(),
                out.exists()
            ));
        }
        if out.exists() {
            let _ = std::fs::remove_dir_all(out).or_else(|_| std::fs::remove_file(out));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} bad inputs not rejected as they should be:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
