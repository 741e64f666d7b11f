//! `naap download`: fetch the published NAAP-440 files or CIFAR-10 into the
//! data folder, checksum-verified.
//!
//! Each file streams into a temporary file beside its target while being
//! hashed, and is renamed into place only when the checksum matches, so a
//! failed or interrupted download never leaves a file that looks valid.
//! Files already present with the right checksum are skipped.

use crate::exit::{self, Outcome};
use crate::{data_dir, progress};
use anyhow::{anyhow, Context};
use md5::Md5;
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Environment variable that replaces the base URL (mirrors, tests).
pub const BASE_URL_ENV: &str = "NAAP_DOWNLOAD_BASE_URL";

const NAAP440_BASE: &str = "https://raw.githubusercontent.com/talcs/NAAP-440/main/";
const CIFAR10_BASE: &str = "https://www.cs.toronto.edu/~kriz/";
const CIFAR10_TARBALL: &str = "cifar-10-binary.tar.gz";
const CIFAR10_DIR: &str = "cifar-10-batches-bin";

/// The published NAAP-440 files and their SHA-256 (the same bytes as the
/// copies in the project's shared data folder).
const NAAP440_FILES: [(&str, Checksum); 4] = [
    (
        "naap440.csv",
        Checksum::Sha256("ef0b0eb46ca13e813298fb18f3e77122810108e36c7a1524dd3fb6b13efbe7d7"),
    ),
    (
        "naap440v2.csv",
        Checksum::Sha256("a0184f51aa942ce493483fd232719329e620cce3d1150da81a36cf8056749e9a"),
    ),
    (
        "generated_schemes.json",
        Checksum::Sha256("83b7209a63c76e31fc2f8330e249f456cff6f9d2a2831ce971e245d105348c66"),
    ),
    // The 440 training logs: `naap dataset build` rebuilds both CSVs from them,
    // and the test suite checks that it does.
    (
        "raw_data.tar.gz",
        Checksum::Sha256("a09fa075ccc2006fd3f7715b321c8dc337922532e94b2ffbab7062ec491b3d43"),
    ),
];

/// MD5 of `cifar-10-binary.tar.gz`, as given on the CIFAR-10 page.
const CIFAR10_MD5: Checksum = Checksum::Md5("c32a1d4ab5d03f1284b67883e8d87530");

/// The files of an unpacked CIFAR-10 binary release and their sizes in bytes
/// (10,000 records of 3,073 bytes per batch; the label-name list is only
/// required to exist).
const CIFAR10_FILES: [(&str, Option<u64>); 7] = [
    ("batches.meta.txt", None),
    ("data_batch_1.bin", Some(30_730_000)),
    ("data_batch_2.bin", Some(30_730_000)),
    ("data_batch_3.bin", Some(30_730_000)),
    ("data_batch_4.bin", Some(30_730_000)),
    ("data_batch_5.bin", Some(30_730_000)),
    ("test_batch.bin", Some(30_730_000)),
];

/// What to download.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Dataset {
    /// naap440.csv, naap440v2.csv, generated_schemes.json and raw_data.tar.gz
    /// into DIR/naap440/.
    Naap440,
    /// The CIFAR-10 binary release, unpacked into DIR/cifar10/cifar-10-batches-bin/.
    Cifar10,
}

/// Arguments of `naap download`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to fetch.
    #[arg(value_enum)]
    what: Dataset,
    /// Data folder to fill [default: $NAAP_DATA_DIR, else ./data].
    #[arg(long, visible_alias = "data-dir", value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Replace files that are present but fail their checksum.
    #[arg(long)]
    force: bool,
    /// Draw no progress bar.
    #[arg(short, long)]
    quiet: bool,
    /// Fetch from this base URL instead of the published one (mirrors, tests).
    #[arg(long, hide = true, value_name = "URL")]
    base_url: Option<String>,
}

/// An expected digest, lowercase hex.
#[derive(Debug, Clone, Copy)]
enum Checksum {
    Sha256(&'static str),
    Md5(&'static str),
}

/// Runs `naap download`.
pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let start = Instant::now();
    let dir = data_dir::from_env(args.dir.as_deref());
    let base_override = args
        .base_url
        .clone()
        .or_else(|| std::env::var(BASE_URL_ENV).ok().filter(|v| !v.is_empty()));
    let fetcher = Fetcher {
        agent: ureq::AgentBuilder::new()
            .timeout_connect(Duration::from_secs(30))
            .timeout_read(Duration::from_secs(60))
            .build(),
        bars: progress::bars_enabled(args.quiet),
        quiet: args.quiet,
        force: args.force,
    };
    let (fetched, dest) = match args.what {
        Dataset::Naap440 => {
            let base = base_override.as_deref().unwrap_or(NAAP440_BASE);
            let target = dir.join("naap440");
            let mut fetched = 0;
            for (name, checksum) in NAAP440_FILES {
                let url = join_url(base, name);
                let path = target.join(name);
                let hint = format!("put a copy of {name} in {}", target.display());
                fetched += usize::from(fetcher.fetch(&url, &path, checksum, &hint)?);
            }
            (fetched, target)
        }
        Dataset::Cifar10 => {
            let base = base_override.as_deref().unwrap_or(CIFAR10_BASE);
            let target = dir.join("cifar10");
            let hint = format!(
                "unpack a copy of {CIFAR10_TARBALL} so that {} holds its files",
                target.join(CIFAR10_DIR).display()
            );
            let url = join_url(base, CIFAR10_TARBALL);
            let fetched = fetcher.fetch_cifar10(&url, &target, &hint)?;
            (usize::from(fetched), target.join(CIFAR10_DIR))
        }
    };
    note!(
        "naap download: {fetched} fetched, all verified, in {:.1}s -> {}",
        start.elapsed().as_secs_f64(),
        dest.display()
    );
    Ok(Outcome::Done)
}

fn join_url(base: &str, name: &str) -> String {
    format!("{}/{name}", base.trim_end_matches('/'))
}

struct Fetcher {
    agent: ureq::Agent,
    bars: bool,
    quiet: bool,
    force: bool,
}

impl Fetcher {
    /// Makes sure `path` holds the file with `checksum`; returns whether it
    /// had to be downloaded.
    fn fetch(
        &self,
        url: &str,
        path: &Path,
        checksum: Checksum,
        hint: &str,
    ) -> anyhow::Result<bool> {
        if path.exists() {
            let actual = hash_file(path, checksum)?;
            if actual == checksum.hex() {
                note!(
                    "naap download: {} already present and verified, skipping",
                    path.display()
                );
                return Ok(false);
            }
            if !self.force {
                return Err(exit::usage(anyhow!(
                    "{} exists but its {} is {actual}, expected {}; pass --force to replace it",
                    path.display(),
                    checksum.name(),
                    checksum.hex()
                )));
            }
        }
        let tmp = self.download_verified(url, path, checksum, hint)?;
        tmp.persist(path)
            .with_context(|| format!("renaming into {}", path.display()))?;
        Ok(true)
    }

    /// Downloads `url` into a temporary file beside `path` and checks it; the
    /// temporary file vanishes on any error.
    fn download_verified(
        &self,
        url: &str,
        path: &Path,
        checksum: Checksum,
        hint: &str,
    ) -> anyhow::Result<tempfile::NamedTempFile> {
        let folder = path.parent().expect("download targets are inside a folder");
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let response = self
            .agent
            .get(url)
            .call()
            .map_err(|e| request_error(url, e, hint))?;
        let len: Option<u64> = response
            .header("Content-Length")
            .and_then(|v| v.parse().ok());
        // Created only once the server answers, so a failed request leaves no trace.
        std::fs::create_dir_all(folder)
            .with_context(|| format!("creating {}", folder.display()))?;
        if !self.bars && !self.quiet {
            note!("naap download: fetching {url}");
        }
        let bar = progress::bar(len.unwrap_or(0), &name, self.bars);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, eta {eta})",
            )
            .expect("static template is valid")
            .progress_chars("=> "),
        );
        let mut tmp = naap_output::temp_in(folder)
            .with_context(|| format!("creating a temporary file in {}", folder.display()))?;
        let mut hasher = Hasher::new(checksum);
        let mut reader = response.into_reader();
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = reader
                .read(&mut buf)
                .with_context(|| format!("downloading {url}: connection broke"))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            tmp.write_all(&buf[..n])
                .with_context(|| format!("writing {}", path.display()))?;
            bar.inc(n as u64);
        }
        bar.finish_and_clear();
        tmp.flush()
            .with_context(|| format!("writing {}", path.display()))?;
        let actual = hasher.finish();
        if actual != checksum.hex() {
            anyhow::bail!(
                "downloading {url}: {} mismatch, got {actual}, expected {}; \
                 the file was not saved (a corrupted transfer or a changed upstream file)",
                checksum.name(),
                checksum.hex()
            );
        }
        if !self.quiet {
            note!(
                "naap download: {} verified ({})",
                path.display(),
                checksum.name()
            );
        }
        Ok(tmp)
    }

    /// Downloads and unpacks the CIFAR-10 binary release into
    /// `target/cifar-10-batches-bin`; returns whether anything was fetched.
    fn fetch_cifar10(&self, url: &str, target: &Path, hint: &str) -> anyhow::Result<bool> {
        let final_dir = target.join(CIFAR10_DIR);
        if final_dir.exists() {
            return match check_cifar10_dir(&final_dir, &CIFAR10_FILES) {
                Ok(()) => {
                    note!(
                        "naap download: {} already present with the expected files, skipping",
                        final_dir.display()
                    );
                    Ok(false)
                }
                Err(why) => Err(exit::usage(anyhow!(
                    "{} exists but is incomplete ({why}); remove it and run again",
                    final_dir.display()
                ))),
            };
        }
        let tarball =
            self.download_verified(url, &target.join(CIFAR10_TARBALL), CIFAR10_MD5, hint)?;
        unpack_cifar10(tarball.path(), target, &CIFAR10_FILES)?;
        Ok(true)
    }
}

/// Unpacks the tarball into a temporary folder beside the target, checks
/// it, then renames `cifar-10-batches-bin` into place.
fn unpack_cifar10(
    tarball: &Path,
    target: &Path,
    expected: &[(&str, Option<u64>)],
) -> anyhow::Result<()> {
    let staging = tempfile::tempdir_in(target)
        .with_context(|| format!("creating a temporary folder in {}", target.display()))?;
    let file =
        std::fs::File::open(tarball).with_context(|| format!("opening {}", tarball.display()))?;
    tar::Archive::new(flate2::read::GzDecoder::new(std::io::BufReader::new(file)))
        .unpack(staging.path())
        .context("unpacking the CIFAR-10 tarball")?;
    let unpacked = staging.path().join(CIFAR10_DIR);
    check_cifar10_dir(&unpacked, expected)
        .map_err(|why| anyhow!("the CIFAR-10 tarball is not as expected: {why}"))?;
    let final_dir = target.join(CIFAR10_DIR);
    std::fs::rename(&unpacked, &final_dir)
        .with_context(|| format!("renaming into {}", final_dir.display()))?;
    Ok(())
}

/// Checks that a folder has the CIFAR-10 binary files with their sizes.
fn check_cifar10_dir(dir: &Path, expected: &[(&str, Option<u64>)]) -> Result<(), String> {
    for &(name, size) in expected {
        match std::fs::metadata(dir.join(name)) {
            Ok(m) if size.is_none_or(|size| m.len() == size) => {}
            Ok(m) => {
                let size = size.unwrap_or_default();
                return Err(format!("{name} has {} bytes, expected {size}", m.len()));
            }
            Err(_) => return Err(format!("{name} is missing")),
        }
    }
    Ok(())
}

/// A one-line message for a failed request, saying how to use a local copy.
fn request_error(url: &str, err: ureq::Error, hint: &str) -> anyhow::Error {
    let cause = match &err {
        ureq::Error::Status(code, response) => {
            format!("the server answered {code} {}", response.status_text())
        }
        ureq::Error::Transport(t) => {
            let detail = std::error::Error::source(t).map_or_else(
                || t.message().unwrap_or_default().to_string(),
                |s| s.to_string(),
            );
            format!(
                "{}: {detail}; you appear to be offline or the server is unreachable",
                t.kind()
            )
        }
    };
    anyhow!(
        "downloading {url}: {cause}. To work without the download, {hint}, or point \
         --data-dir / ${} at a data folder that already has it",
        data_dir::ENV_VAR
    )
}

fn hash_file(path: &Path, checksum: Checksum) -> anyhow::Result<String> {
    let mut file =
        std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut hasher = Hasher::new(checksum);
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file
            .read(&mut buf)
            .with_context(|| format!("reading {}", path.display()))?;
        if n == 0 {
            return Ok(hasher.finish());
        }
        hasher.update(&buf[..n]);
    }
}

impl Checksum {
    fn hex(&self) -> &'static str {
        match self {
            Checksum::Sha256(h) | Checksum::Md5(h) => h,
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Checksum::Sha256(_) => "SHA-256",
            Checksum::Md5(_) => "MD5",
        }
    }
}

enum Hasher {
    Sha256(Sha256),
    Md5(Md5),
}

impl Hasher {
    fn new(checksum: Checksum) -> Hasher {
        match checksum {
            Checksum::Sha256(_) => Hasher::Sha256(Sha256::new()),
            Checksum::Md5(_) => Hasher::Md5(Md5::new()),
        }
    }

    fn update(&mut self, bytes: &[u8]) {
        match self {
            Hasher::Sha256(h) => h.update(bytes),
            Hasher::Md5(h) => h.update(bytes),
        }
    }

    fn finish(self) -> String {
        let digest: Vec<u8> = match self {
            Hasher::Sha256(h) => h.finalize().to_vec(),
            Hasher::Md5(h) => h.finalize().to_vec(),
        };
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_known_vectors() {
        let mut sha = Hasher::new(Checksum::Sha256(""));
        sha.update(b"abc");
        assert_eq!(
            sha.finish(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let mut md5 = Hasher::new(Checksum::Md5(""));
        md5.update(b"abc");
        assert_eq!(md5.finish(), "900150983cd24fb0d6963f7d28e17f72");
    }

    #[test]
    fn joins_base_and_name_with_one_slash() {
        assert_eq!(join_url("http://h/a/", "f.csv"), "http://h/a/f.csv");
        assert_eq!(join_url("http://h/a", "f.csv"), "http://h/a/f.csv");
    }

    /// A synthetic tarball with the CIFAR-10 layout (small files) unpacks
    /// into place; one with a short file is refused and leaves nothing behind.
    #[test]
    fn unpacks_cifar10_layout_atomically() {
        let expected: Vec<(&str, Option<u64>)> = CIFAR10_FILES
            .iter()
            .map(|&(n, _)| (n, Some(3073)))
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let make = |short: bool| {
            let path = dir
                .path()
                .join(if short { "bad.tar.gz" } else { "good.tar.gz" });
            let gz = flate2::write::GzEncoder::new(
                std::fs::File::create(&path).unwrap(),
                flate2::Compression::fast(),
            );
            let mut tar = tar::Builder::new(gz);
            for &(name, size) in &expected {
                let size = if short && name == "test_batch.bin" {
                    10
                } else {
                    size.unwrap()
                };
                let mut header = tar::Header::new_gnu();
                header.set_size(size);
                header.set_mode(0o644);
                header.set_cksum();
                let data = std::io::repeat(7).take(size);
                tar.append_data(&mut header, format!("{CIFAR10_DIR}/{name}"), data)
                    .unwrap();
            }
            tar.into_inner().unwrap().finish().unwrap();
            path
        };
        let bad_target = dir.path().join("bad");
        std::fs::create_dir(&bad_target).unwrap();
        let err = unpack_cifar10(&make(true), &bad_target, &expected)
            .unwrap_err()
            .to_string();
        assert!(err.contains("test_batch.bin has 10 bytes"), "{err}");
        assert_eq!(std::fs::read_dir(&bad_target).unwrap().count(), 0);

        let target = dir.path().join("cifar10");
        std::fs::create_dir(&target).unwrap();
        unpack_cifar10(&make(false), &target, &expected).unwrap();
        check_cifar10_dir(&target.join(CIFAR10_DIR), &expected).unwrap();
        assert_eq!(std::fs::read_dir(&target).unwrap().count(), 1);
    }
}
