//! `naap download` against a tiny HTTP server on 127.0.0.1.

use crate::util::{naap, run, shared_naap440};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;

const NAAP440: [&str; 4] = [
    "naap440.csv",
    "naap440v2.csv",
    "generated_schemes.json",
    "raw_data.tar.gz",
];

/// Serves `files` (URL path -> body) until the test process ends; any other
/// path gets a 404. Returns the base URL.
fn serve(files: HashMap<String, Vec<u8>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            // Drain the headers up to the blank line.
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let path = request_line.split_whitespace().nth(1).unwrap_or("/");
            let (status, body) = match files.get(path) {
                Some(body) => ("200 OK", body.as_slice()),
                None => ("404 Not Found", &b"not here"[..]),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream
                .write_all(head.as_bytes())
                .and_then(|()| stream.write_all(body));
        }
    });
    base
}

fn published() -> HashMap<String, Vec<u8>> {
    NAAP440
        .iter()
        .map(|name| {
            (
                format!("/{name}"),
                std::fs::read(shared_naap440(name)).unwrap(),
            )
        })
        .collect()
}

fn download(what: &str, dir: &Path, base: &str) -> std::process::Output {
    run(naap()
        .args(["download", what, "--quiet", "--dir"])
        .arg(dir)
        .args(["--base-url", base])
        .env_remove("NAAP_DOWNLOAD_BASE_URL"))
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn good_files_are_fetched_verified_then_skipped() {
    let base = serve(published());
    let dir = tempfile::tempdir().unwrap();
    let res = download("naap440", dir.path(), &base);
    assert!(res.status.success(), "{}", stderr(&res));
    assert!(res.stdout.is_empty());
    for name in NAAP440 {
        let got = std::fs::read(dir.path().join("naap440").join(name)).unwrap();
        assert!(
            got == std::fs::read(shared_naap440(name)).unwrap(),
            "{name}"
        );
    }
    assert!(stderr(&res).contains("4 fetched"), "{}", stderr(&res));

    let again = download("naap440", dir.path(), &base);
    assert!(again.status.success());
    assert_eq!(
        stderr(&again)
            .matches("already present and verified")
            .count(),
        4
    );
    assert!(stderr(&again).contains("0 fetched"));
}

#[test]
fn base_url_can_come_from_the_environment() {
    let base = serve(published());
    let dir = tempfile::tempdir().unwrap();
    let res = run(naap()
        .args(["download", "naap440", "--quiet"])
        .env("NAAP_DATA_DIR", dir.path())
        .env("NAAP_DOWNLOAD_BASE_URL", &base));
    assert!(res.status.success(), "{}", stderr(&res));
    assert_eq!(entries(&dir.path().join("naap440")).len(), 4);
}

#[test]
fn corrupted_file_is_rejected_and_not_saved() {
    let mut files = published();
    files.get_mut("/naap440v2.csv").unwrap()[100] ^= 1;
    let base = serve(files);
    let dir = tempfile::tempdir().unwrap();
    let res = download("naap440", dir.path(), &base);
    assert_eq!(res.status.code(), Some(1));
    let msg = stderr(&res);
    assert!(msg.contains(&format!("{base}naap440v2.csv")), "{msg}");
    assert!(msg.contains("SHA-256 mismatch"), "{msg}");
    // naap440.csv came before it and stays; no half-written or temp files.
    assert_eq!(entries(&dir.path().join("naap440")), ["naap440.csv"]);
}

#[test]
fn present_but_wrong_file_needs_force() {
    let base = serve(published());
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("naap440");
    std::fs::create_dir_all(&target).unwrap();
    std::fs::write(target.join("naap440.csv"), "edited").unwrap();
    let res = download("naap440", dir.path(), &base);
    assert_eq!(res.status.code(), Some(2));
    assert!(stderr(&res).contains("--force"), "{}", stderr(&res));
    assert_eq!(
        std::fs::read_to_string(target.join("naap440.csv")).unwrap(),
        "edited"
    );

    let res = run(naap()
        .args(["download", "naap440", "--quiet", "--force", "--dir"])
        .arg(dir.path())
        .args(["--base-url", &base]));
    assert!(res.status.success(), "{}", stderr(&res));
    assert!(
        std::fs::read(target.join("naap440.csv")).unwrap()
            == std::fs::read(shared_naap440("naap440.csv")).unwrap()
    );
}

#[test]
fn server_gone_gives_url_and_local_copy_advice() {
    // Bind then drop: nothing listens on this port any more.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}/");
    let dir = tempfile::tempdir().unwrap();
    let res = download("naap440", dir.path(), &base);
    assert_eq!(res.status.code(), Some(1));
    let msg = stderr(&res);
    assert!(
        msg.contains(&format!("downloading {base}naap440.csv")),
        "{msg}"
    );
    assert!(msg.contains("offline"), "{msg}");
    assert!(
        msg.contains("NAAP_DATA_DIR") && msg.contains("--data-dir"),
        "{msg}"
    );
    assert_eq!(msg.lines().count(), 1, "{msg}");
    assert!(
        !dir.path().join("naap440").exists(),
        "no folder on a failed request"
    );
}

#[test]
fn missing_file_reports_the_status() {
    let base = serve(HashMap::new());
    let dir = tempfile::tempdir().unwrap();
    let res = download("naap440", dir.path(), &base);
    assert_eq!(res.status.code(), Some(1));
    assert!(stderr(&res).contains("404"), "{}", stderr(&res));
}

#[test]
fn cifar10_checksum_mismatch_leaves_nothing() {
    let files = HashMap::from([(
        "/cifar-10-binary.tar.gz".to_string(),
        b"not a tarball".to_vec(),
    )]);
    let base = serve(files);
    let dir = tempfile::tempdir().unwrap();
    let res = download("cifar10", dir.path(), &base);
    assert_eq!(res.status.code(), Some(1));
    assert!(stderr(&res).contains("MD5 mismatch"), "{}", stderr(&res));
    assert!(entries(&dir.path().join("cifar10")).is_empty());
}

#[test]
fn unknown_dataset_is_a_usage_error() {
    let res = run(naap().args(["download", "imagenet"]));
    assert_eq!(res.status.code(), Some(2));
}
