//! Standard output and standard error that fail: a reader that leaves early
//! (`naap ... | head`) ends the command quietly; a full disk is exit 1; in
//! no case does the command panic.

use crate::util::{naap, shared_naap440};
use std::process::{Command, Stdio};

/// Where a case points a stream.
#[derive(Clone, Copy, Debug)]
enum Target {
    /// A pipe whose reader closed before the command wrote.
    ClosedPipe,
    /// /dev/full: every write fails with "No space left on device".
    Full,
}

fn stdio(target: Target) -> (Stdio, bool) {
    match target {
        Target::ClosedPipe => (Stdio::piped(), true),
        Target::Full => (
            Stdio::from(
                std::fs::OpenOptions::new()
                    .write(true)
                    .open("/dev/full")
                    .unwrap(),
            ),
            false,
        ),
    }
}

#[test]
fn failing_output_streams_end_quietly_or_with_exit_1_never_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let csv = shared_naap440("naap440.csv");
    let csv = csv.to_str().unwrap();
    let nas = |out: &str| -> Vec<String> {
        [
            "nas",
            "simulate",
            "--quiet",
            "--no-figures",
            "--repeats",
            "2",
            "--dataset",
            csv,
            "-o",
            out,
        ]
        .map(String::from)
        .to_vec()
    };
    let fit = |out: &str| -> Vec<String> {
        [
            "fit",
            "--dataset",
            csv,
            "--model",
            "1-NN",
            "--feature-set",
            "Scheme",
            "-o",
            out,
        ]
        .map(String::from)
        .to_vec()
    };
    let space =
        |out: &str| -> Vec<String> { ["space", "generate", "-o", out].map(String::from).to_vec() };
    // (command line, stream, target, expected exit code)
    let cases: Vec<(Vec<String>, &str, Target, i32)> = vec![
        (nas("n1"), "stdout", Target::ClosedPipe, 0),
        (nas("n2"), "stdout", Target::Full, 1),
        (nas("n3"), "stderr", Target::Full, 1),
        (fit("-"), "stdout", Target::ClosedPipe, 0),
        (fit("-"), "stdout", Target::Full, 1),
        (fit("p.json"), "stderr", Target::Full, 1),
        (fit("p2.json"), "stderr", Target::ClosedPipe, 0),
        (space("-"), "stdout", Target::Full, 1),
        (space("s.json"), "stderr", Target::Full, 1),
        // A bad flag keeps its own code whatever stderr does.
        (
            vec!["fit".into(), "--bogus".into()],
            "stderr",
            Target::Full,
            2,
        ),
    ];
    let mut failures = Vec::new();
    for (args, stream, target, want) in cases {
        let mut cmd = Command::new(naap().get_program());
        cmd.current_dir(dir.path()).args(&args);
        let (io, close) = stdio(target);
        // The other stream is captured to look for a panic.
        let res = if stream == "stdout" {
            cmd.stdout(io).stderr(Stdio::piped());
            let mut child = cmd.spawn().unwrap();
            if close {
                drop(child.stdout.take());
            }
            child.wait_with_output().unwrap()
        } else {
            cmd.stderr(io).stdout(Stdio::piped());
            let mut child = cmd.spawn().unwrap();
            if close {
                drop(child.stderr.take());
            }
            child.wait_with_output().unwrap()
        };
        let err = String::from_utf8_lossy(&res.stderr);
        if res.status.code() != Some(want) || err.contains("panicked") {
            failures.push(format!(
                "naap {} with {stream} to {target:?}: exit {:?}, want {want}; stderr: {err}",
                args.join(" "),
                res.status
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
