//! The official binary release: 3073-byte records (a label byte, then 3072
//! pixel bytes, channel-major), 10,000 per file.

use super::source::{binary_base, SourceFile, BINARY_FILES};
use super::{keep, Cifar10, CifarSplit, IMAGE_BYTES, NUM_CLASSES};
use crate::{Error, Result};
use std::path::Path;

const RECORD_BYTES: usize = 1 + IMAGE_BYTES;

pub(super) fn read(
    path: &Path,
    files: &[SourceFile],
    train_limit: Option<usize>,
    test_limit: Option<usize>,
) -> Result<Cifar10> {
    let mut by_name: Vec<Option<&SourceFile>> = vec![None; BINARY_FILES.len()];
    for f in files {
        let Some(base) = binary_base(&f.name) else {
            continue;
        };
        let slot = BINARY_FILES
            .iter()
            .position(|b| *b == base)
            .expect("known name");
        if by_name[slot].is_some() {
            return Err(Error::data(path, format!("{base} found twice")));
        }
        by_name[slot] = Some(f);
    }
    let missing: Vec<&str> = BINARY_FILES
        .iter()
        .zip(&by_name)
        .filter_map(|(n, f)| f.is_none().then_some(*n))
        .collect();
    if !missing.is_empty() {
        return Err(Error::data(path, format!("missing {}", missing.join(", "))));
    }
    let files: Vec<&SourceFile> = by_name.into_iter().map(|f| f.expect("checked")).collect();
    let (train_files, test_files) = files.split_at(5);
    Ok(Cifar10 {
        train: split(path, "train", train_files, train_limit)?,
        test: split(path, "test", test_files, test_limit)?,
    })
}

fn split(
    path: &Path,
    name: &str,
    files: &[&SourceFile],
    limit: Option<usize>,
) -> Result<CifarSplit> {
    let mut records: Vec<&[u8]> = Vec::new();
    for f in files {
        if f.bytes.len() % RECORD_BYTES != 0 {
            return Err(Error::data(
                path.join(&f.name),
                format!(
                    "size {} is not a multiple of {RECORD_BYTES}-byte records",
                    f.bytes.len()
                ),
            ));
        }
        for (i, rec) in f.bytes.chunks(RECORD_BYTES).enumerate() {
            if rec[0] as usize >= NUM_CLASSES {
                return Err(Error::data(
                    path.join(&f.name),
                    format!("record {}: label {} is outside 0..=9", i + 1, rec[0]),
                ));
            }
            records.push(rec);
        }
    }
    let keep = keep(path, name, records.len(), limit)?;
    let mut images = Vec::with_capacity(keep.len() * IMAGE_BYTES);
    let mut labels = Vec::with_capacity(keep.len());
    for i in keep {
        labels.push(records[i][0]);
        images.extend_from_slice(&records[i][1..]);
    }
    CifarSplit::new(images, labels)
}
