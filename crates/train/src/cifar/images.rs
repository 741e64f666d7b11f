//! Image folders `{train,test}/{class}/*.{png,jpg}`: labels are the class
//! folders in sorted order (the CIFAR-10 order for its lowercase class names).

use super::source::{image_place, SourceFile};
use super::{keep, Cifar10, CifarSplit, IMAGE_BYTES, IMAGE_SIDE, NUM_CLASSES};
use crate::{Error, Result};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::Path;

struct Entry<'a> {
    class: &'a str,
    file: &'a str,
    source: &'a SourceFile,
}

pub(super) fn read(
    path: &Path,
    files: &[SourceFile],
    train_limit: Option<usize>,
    test_limit: Option<usize>,
) -> Result<Cifar10> {
    let entries = |which: &str| -> Vec<Entry<'_>> {
        let mut v: Vec<Entry<'_>> = files
            .iter()
            .filter_map(|f| {
                let (split, class, file) = image_place(&f.name)?;
                (split == which).then_some(Entry {
                    class,
                    file,
                    source: f,
                })
            })
            .collect();
        v.sort_by(|a, b| (a.class, a.file).cmp(&(b.class, b.file)));
        v
    };
    let (train, test) = (entries("train"), entries("test"));
    let classes: Vec<&str> = train
        .iter()
        .map(|e| e.class)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if classes.len() != NUM_CLASSES {
        return Err(Error::data(
            path,
            format!(
                "train/ has {} class folders ({}), expected {NUM_CLASSES}",
                classes.len(),
                classes.join(", ")
            ),
        ));
    }
    if let Some(e) = test.iter().find(|e| !classes.contains(&e.class)) {
        return Err(Error::data(
            path.join(&e.source.name),
            format!("class {:?} is not among train/'s classes", e.class),
        ));
    }
    Ok(Cifar10 {
        train: decode_split(path, "train", &train, &classes, train_limit)?,
        test: decode_split(path, "test", &test, &classes, test_limit)?,
    })
}

fn decode_split(
    path: &Path,
    name: &str,
    entries: &[Entry<'_>],
    classes: &[&str],
    limit: Option<usize>,
) -> Result<CifarSplit> {
    let keep = keep(path, name, entries.len(), limit)?;
    // Decoded straight into the split's one buffer: no second copy of the images.
    let mut pixels = vec![0u8; keep.len() * IMAGE_BYTES];
    pixels
        .par_chunks_mut(IMAGE_BYTES)
        .zip(keep.par_iter())
        .try_for_each(|(chw, &i)| decode(path, entries[i].source, chw))?;
    let labels = keep
        .iter()
        .map(|&i| {
            classes
                .iter()
                .position(|c| *c == entries[i].class)
                .expect("class checked") as u8
        })
        .collect();
    CifarSplit::new(pixels, labels)
}

/// Decodes one image into `chw` as channel-major RGB bytes, checking its size.
fn decode(path: &Path, file: &SourceFile, chw: &mut [u8]) -> Result<()> {
    let at = || path.join(&file.name);
    let img = image::load_from_memory(&file.bytes)
        .map_err(|e| Error::data(at(), format!("cannot decode image: {e}")))?;
    if (img.width() as usize, img.height() as usize) != (IMAGE_SIDE, IMAGE_SIDE) {
        return Err(Error::data(
            at(),
            format!("image is {}x{}, expected 32x32", img.width(), img.height()),
        ));
    }
    let rgb = img.to_rgb8();
    let hwc = rgb.as_raw();
    let plane = IMAGE_SIDE * IMAGE_SIDE;
    for (p, px) in hwc.chunks_exact(3).enumerate() {
        for (c, v) in px.iter().enumerate() {
            chw[c * plane + p] = *v;
        }
    }
    Ok(())
}
