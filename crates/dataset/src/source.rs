//! Finding the training logs: a folder of `scheme_{id}.txt` files, or a
//! `.tar.gz` of one (as the published `raw_data.tar.gz`), read without
//! unpacking.

use crate::{Error, Result};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// One log file's bytes and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogFile {
    /// The `{id}` of `scheme_{id}.txt`: the row's ModelId.
    pub model_id: u32,
    /// The file name, `scheme_{id}.txt` (the split's tie-break key).
    pub name: String,
    /// Where it is, for messages: a file path, or `ARCHIVE/ENTRY` inside a tarball.
    pub path: PathBuf,
    /// The file's content.
    pub bytes: Vec<u8>,
}

/// The largest training log read: a 90-epoch log in the paper's format is
/// about 10 KB, so anything near this is not a training log (or is a
/// decompression bomb) and is refused before it fills memory.
pub const MAX_LOG_BYTES: u64 = 16 << 20;

/// Reads one log, refusing it past [`MAX_LOG_BYTES`] (whatever a tar header
/// claims, the bytes are counted as they come).
fn read_log_bytes(reader: impl Read, path: &Path) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_LOG_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::Io {
            path: path.to_path_buf(),
            source: e,
        })?;
    if bytes.len() as u64 > MAX_LOG_BYTES {
        return Err(Error::Source(format!(
            "{}: more than {} MiB, too large for a training log",
            path.display(),
            MAX_LOG_BYTES >> 20
        )));
    }
    Ok(bytes)
}

/// The ModelId of a log file name `scheme_{id}.txt` with id ≥ 1.
pub fn model_id_of(name: &str) -> Option<u32> {
    let id = name.strip_prefix("scheme_")?.strip_suffix(".txt")?;
    if id.starts_with('0') || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    id.parse().ok()
}

/// Reads every `scheme_{id}.txt` of a folder (not its subfolders) or of a
/// `.tar.gz` / `.tgz` archive (any depth), ordered by ModelId.
///
/// Other files are ignored. It is an error to find no logs, or two logs
/// with the same id.
pub fn read_logs(source: &Path) -> Result<Vec<LogFile>> {
    let io_err = |source_err: std::io::Error| Error::Io {
        path: source.to_path_buf(),
        source: source_err,
    };
    let meta = std::fs::metadata(source).map_err(io_err)?;
    let mut found: BTreeMap<u32, LogFile> = BTreeMap::new();
    let mut add = |file: LogFile| match found.get(&file.model_id) {
        Some(first) => Err(Error::Source(format!(
            "two logs for ModelId {}: {} and {}",
            file.model_id,
            first.path.display(),
            file.path.display()
        ))),
        None => {
            found.insert(file.model_id, file);
            Ok(())
        }
    };
    if meta.is_dir() {
        for entry in std::fs::read_dir(source).map_err(io_err)? {
            let entry = entry.map_err(io_err)?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(model_id) = model_id_of(&name) else {
                continue;
            };
            let path = entry.path();
            if !path.is_file() {
                continue;
            }
            let file = std::fs::File::open(&path).map_err(|e| Error::Io {
                path: path.clone(),
                source: e,
            })?;
            let bytes = read_log_bytes(file, &path)?;
            add(LogFile {
                model_id,
                name,
                path,
                bytes,
            })?;
        }
    } else if is_tarball(source) {
        let file = std::fs::File::open(source).map_err(io_err)?;
        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
        for entry in archive.entries().map_err(io_err)? {
            let mut entry = entry.map_err(io_err)?;
            if !entry.header().entry_type().is_file() {
                continue;
            }
            let inner = entry.path().map_err(io_err)?.into_owned();
            let Some(name) = inner.file_name().map(|n| n.to_string_lossy().into_owned()) else {
                continue;
            };
            let Some(model_id) = model_id_of(&name) else {
                continue;
            };
            let path = source.join(inner);
            let bytes = read_log_bytes(&mut entry, &path)?;
            add(LogFile {
                model_id,
                name,
                path,
                bytes,
            })?;
        }
    } else {
        return Err(Error::Source(format!(
            "{}: expected a folder of scheme_{{id}}.txt logs or a .tar.gz of one",
            source.display()
        )));
    }
    if found.is_empty() {
        return Err(Error::Source(format!(
            "{}: no scheme_{{id}}.txt logs found",
            source.display()
        )));
    }
    Ok(found.into_values().collect())
}

fn is_tarball(path: &Path) -> bool {
    let name = path.to_string_lossy();
    name.ends_with(".tar.gz") || name.ends_with(".tgz")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_names_give_model_ids() {
        assert_eq!(model_id_of("scheme_1.txt"), Some(1));
        assert_eq!(model_id_of("scheme_440.txt"), Some(440));
        assert_eq!(model_id_of("scheme_0.txt"), None);
        assert_eq!(model_id_of("scheme_01.txt"), None);
        assert_eq!(model_id_of("scheme_x.txt"), None);
        assert_eq!(model_id_of("scheme_1.txt.bak"), None);
    }

    #[test]
    fn folders_are_read_in_id_order_and_other_files_ignored() {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in [
            ("scheme_10.txt", "b"),
            ("scheme_2.txt", "a"),
            ("notes.md", "x"),
        ] {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let logs = read_logs(dir.path()).unwrap();
        let ids: Vec<u32> = logs.iter().map(|l| l.model_id).collect();
        assert_eq!(ids, [2, 10]);
        assert_eq!(logs[0].bytes, b"a");
        let empty = tempfile::tempdir().unwrap();
        let err = read_logs(empty.path()).unwrap_err().to_string();
        assert!(err.contains("no scheme_{id}.txt logs"), "{err}");
    }

    #[test]
    fn an_oversized_tar_entry_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("logs.tar.gz");
        let gz = flate2::write::GzEncoder::new(
            std::fs::File::create(&path).unwrap(),
            flate2::Compression::fast(),
        );
        let mut tar = tar::Builder::new(gz);
        let size = MAX_LOG_BYTES + 1;
        let mut header = tar::Header::new_gnu();
        header.set_size(size);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(
            &mut header,
            "raw/scheme_1.txt",
            std::io::repeat(b'x').take(size),
        )
        .unwrap();
        tar.into_inner().unwrap().finish().unwrap();
        let err = read_logs(&path).unwrap_err().to_string();
        assert!(
            err.contains("scheme_1.txt: more than 16 MiB, too large for a training log"),
            "{err}"
        );
    }
}
