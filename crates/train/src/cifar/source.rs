//! Gathers the CIFAR-10 files of a folder or a `.tar.gz` into memory, without
//! unpacking anything to disk.
//!
//! Only files that can belong to the set are kept: the binary batches
//! (`data_batch_1..5.bin`, `test_batch.bin`) and images `…/{train,test}/{class}/*.{png,jpg,jpeg}`.

use crate::{Error, Result};
use std::io::Read;
use std::path::Path;

/// A file of the set: its path relative to the folder or inside the archive, and its bytes.
pub(crate) struct SourceFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Binary batch file names of the official release, train batches first.
pub(crate) const BINARY_FILES: [&str; 6] = [
    "data_batch_1.bin",
    "data_batch_2.bin",
    "data_batch_3.bin",
    "data_batch_4.bin",
    "data_batch_5.bin",
    "test_batch.bin",
];

/// Where an image file sits: its split, class folder and file name.
pub(crate) fn image_place(name: &str) -> Option<(&str, &str, &str)> {
    let ext = name.rsplit('.').next()?.to_ascii_lowercase();
    if !matches!(ext.as_str(), "png" | "jpg" | "jpeg") {
        return None;
    }
    let mut parts = name.rsplit('/');
    let (file, class, split) = (parts.next()?, parts.next()?, parts.next()?);
    matches!(split, "train" | "test").then_some((split, class, file))
}

fn binary_name(name: &str) -> Option<&str> {
    let base = name.rsplit('/').next()?;
    BINARY_FILES.contains(&base).then_some(base)
}

fn wanted(name: &str) -> bool {
    binary_name(name).is_some() || image_place(name).is_some()
}

/// Reads every wanted file under `path` (a folder or a `.tar.gz`/`.tgz`).
pub(crate) fn gather(path: &Path) -> Result<Vec<SourceFile>> {
    let meta = std::fs::metadata(path).map_err(Error::io(path))?;
    let mut files = if meta.is_dir() {
        let mut out = Vec::new();
        walk(path, "", 0, &mut out)?;
        out
    } else if is_tar_gz(path) {
        read_tar_gz(path)?
    } else {
        return Err(Error::data(
            path,
            "not a folder or a .tar.gz of CIFAR-10 (binary batches or {train,test}/{class}/ images)",
        ));
    };
    // Archive and directory order differ between machines; sorting makes runs reproducible.
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}

pub(crate) fn binary_base(name: &str) -> Option<&str> {
    binary_name(name)
}

fn is_tar_gz(path: &Path) -> bool {
    let name = path.to_string_lossy();
    name.ends_with(".tar.gz") || name.ends_with(".tgz")
}

fn walk(dir: &Path, prefix: &str, depth: usize, out: &mut Vec<SourceFile>) -> Result<()> {
    // The deepest layout is <top>/{train,test}/{class}/file under one wrapper folder.
    if depth > 4 {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir).map_err(Error::io(dir))? {
        let entry = entry.map_err(Error::io(dir))?;
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        let path = entry.path();
        if path.is_dir() {
            walk(&path, &format!("{name}/"), depth + 1, out)?;
        } else if wanted(&name) {
            let bytes = std::fs::read(&path).map_err(Error::io(&path))?;
            out.push(SourceFile { name, bytes });
        }
    }
    Ok(())
}

fn read_tar_gz(path: &Path) -> Result<Vec<SourceFile>> {
    let file = std::fs::File::open(path).map_err(Error::io(path))?;
    let mut archive =
        tar::Archive::new(flate2::read::GzDecoder::new(std::io::BufReader::new(file)));
    let bad = |e: std::io::Error| Error::data(path, format!("reading the archive: {e}"));
    let mut out = Vec::new();
    for entry in archive.entries().map_err(bad)? {
        let mut entry = entry.map_err(bad)?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = entry.path().map_err(bad)?.to_string_lossy().into_owned();
        if wanted(&name) {
            let mut bytes = Vec::with_capacity(entry.size() as usize);
            entry.read_to_end(&mut bytes).map_err(bad)?;
            out.push(SourceFile { name, bytes });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_images_and_batches_by_place() {
        assert_eq!(
            image_place("cifar10-jpg/train/cat/0001.jpg"),
            Some(("train", "cat", "0001.jpg"))
        );
        assert_eq!(
            image_place("test/dog/1.PNG"),
            Some(("test", "dog", "1.PNG"))
        );
        assert_eq!(image_place("valid/dog/1.png"), None);
        assert_eq!(image_place("train/readme.txt"), None);
        assert_eq!(
            binary_name("cifar-10-batches-bin/test_batch.bin"),
            Some("test_batch.bin")
        );
        assert_eq!(binary_name("data_batch_6.bin"), None);
    }
}
