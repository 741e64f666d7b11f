//! The single-file outputs of fit, predict, dataset join and space
//! generate/profile: a FIFO given as `-o` is written into, never replaced;
//! `-o dir/` is refused before the work; the no-clobber check holds at the
//! rename; temporary files a killed run left are cleaned by the next run.

use crate::util::{
    dataset_fixture, fit_small_predictor, fixture_dataset, naap, run, shared_naap440,
};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Output;

/// Each command of the table with its output at `out` (a predictor file
/// `predictor` for predict; an extra CSV written into `dir` for join).
fn commands(dir: &Path, predictor: &Path) -> Vec<(&'static str, Vec<String>)> {
    let extra = dir.join("extra.csv");
    std::fs::write(&extra, "ModelId,proxy\n1,1\n2,2\n3,3\n4,4\n5,5\n").unwrap();
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let v = |a: &[&str]| a.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let data = s(&fixture_dataset("v1"));
    vec![
        (
            "fit",
            [
                v(&[
                    "fit",
                    "--model",
                    "1-NN",
                    "--feature-set",
                    "Scheme",
                    "--dataset",
                ]),
                vec![data.clone()],
            ]
            .concat(),
        ),
        (
            "predict",
            [
                v(&["predict", "--predictor"]),
                vec![s(predictor)],
                v(&["--schemes"]),
                vec![s(&dataset_fixture("schemes.json"))],
            ]
            .concat(),
        ),
        (
            "dataset join",
            [v(&["dataset", "join"]), vec![data, s(&extra)]].concat(),
        ),
        ("space generate", v(&["space", "generate"])),
        (
            "space profile",
            [
                v(&["space", "profile", "--schemes"]),
                vec![s(&dataset_fixture("schemes.json"))],
            ]
            .concat(),
        ),
    ]
}

fn naap_out(args: &[String], out: &Path, extra: &[&str]) -> Output {
    run(naap().args(args).arg("-o").arg(out).args(extra))
}

fn stderr(res: &Output) -> String {
    String::from_utf8_lossy(&res.stderr).into_owned()
}

fn a_predictor(dir: &Path) -> PathBuf {
    let p = dir.join("predictor.json");
    fit_small_predictor(&p);
    p
}

/// Reads a FIFO from a thread until told to stop, without ever blocking the
/// writer's open: the FIFO is opened read-write (Linux allows it) and
/// non-blocking.
fn drain_fifo(
    path: &Path,
) -> (
    std::sync::Arc<std::sync::atomic::AtomicBool>,
    std::thread::JoinHandle<Vec<u8>>,
) {
    use std::os::unix::fs::OpenOptionsExt;
    const O_NONBLOCK: i32 = 0o4000; // Linux's value
    let mut fifo = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(O_NONBLOCK)
        .open(path)
        .unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stopped = stop.clone();
    let handle = std::thread::spawn(move || {
        let mut got = Vec::new();
        let mut buf = [0u8; 65536];
        loop {
            match fifo.read(&mut buf) {
                Ok(n) if n > 0 => got.extend_from_slice(&buf[..n]),
                _ if stopped.load(std::sync::atomic::Ordering::SeqCst) => return got,
                _ => std::thread::sleep(std::time::Duration::from_millis(5)),
            }
        }
    });
    (stop, handle)
}

#[cfg(target_os = "linux")]
#[test]
fn a_fifo_output_is_written_into_not_replaced_even_with_force() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let predictor = a_predictor(dir.path());
    let mut failures = Vec::new();
    for (name, args) in commands(dir.path(), &predictor) {
        let fifo = dir.path().join(format!("{}.fifo", name.replace(' ', "-")));
        assert!(std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
        let (stop, reader) = drain_fifo(&fifo);
        let res = naap_out(&args, &fifo, &["--force"]);
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        let got = reader.join().unwrap();
        let still_fifo = std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo();
        if !res.status.success() || !still_fifo || got.is_empty() {
            failures.push(format!(
                "naap {name} -o FIFO --force: exit {:?}, still a FIFO: {still_fifo}, {} bytes read; {}",
                res.status.code(),
                got.len(),
                stderr(&res)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_folder_name_as_output_is_refused_before_the_work_and_a_killed_runs_temporaries_are_cleaned() {
    let dir = tempfile::tempdir().unwrap();
    let predictor = a_predictor(dir.path());
    let mut failures = Vec::new();
    for (name, args) in commands(dir.path(), &predictor) {
        let slug = name.replace(' ', "-");
        // `-o newdir/`: a folder name, refused at once; nothing created.
        let newdir = dir.path().join(format!("{slug}-new"));
        let mut with_slash = newdir.clone().into_os_string();
        with_slash.push("/");
        let res = naap_out(&args, Path::new(&with_slash), &[]);
        let err = stderr(&res);
        if res.status.code() != Some(2) || !err.contains("ends with /") || newdir.exists() {
            failures.push(format!(
                "naap {name} -o dir/: exit {:?}, created {}: {err}",
                res.status.code(),
                newdir.exists()
            ));
        }
        // A run killed at its rename left a temporary file; the next run
        // into that folder removes it.
        let folder = dir.path().join(format!("{slug}-out"));
        std::fs::create_dir(&folder).unwrap();
        let leftover = folder.join(".naap-tmp-killed");
        std::fs::write(&leftover, b"half").unwrap();
        let res = naap_out(&args, &folder.join("out"), &[]);
        if !res.status.success() || leftover.exists() {
            failures.push(format!(
                "naap {name}: exit {:?}, leftover still there: {}; {}",
                res.status.code(),
                leftover.exists(),
                stderr(&res)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn two_concurrent_fits_into_one_new_file_never_both_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let csv = shared_naap440("naap440.csv");
    for round in 0..3 {
        let out = dir.path().join(format!("same-{round}.json"));
        let spawn = || {
            naap()
                .args([
                    "fit",
                    "--model",
                    "1-NN",
                    "--feature-set",
                    "Scheme + Quantitative 3 epochs",
                    "--dataset",
                ])
                .arg(&csv)
                .arg("-o")
                .arg(&out)
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(), spawn());
        let results = [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()];
        let codes: Vec<_> = results.iter().map(|r| r.status.code()).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        assert_eq!(sorted, [Some(0), Some(2)], "round {round}: {codes:?}");
        let loser = results.iter().find(|r| r.status.code() == Some(2)).unwrap();
        assert!(
            stderr(loser).contains("already exists"),
            "{}",
            stderr(loser)
        );
    }
}
