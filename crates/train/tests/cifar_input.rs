//! CIFAR-10 readers: binary batches and image folders, as folders and as
//! `.tar.gz`, with their error messages; and the shared JPEG set.

mod common;

use naap_train::{load_cifar10, IMAGE_BYTES};
use std::path::Path;

const CLASSES: [&str; 10] = [
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
];

/// Writes the six batch files with `per_file` records; record r of file f has
/// label (f + r) % 10 and every pixel equal to f * 16 + r.
fn write_binary(dir: &Path, per_file: usize) {
    let names = [
        "data_batch_1.bin",
        "data_batch_2.bin",
        "data_batch_3.bin",
        "data_batch_4.bin",
        "data_batch_5.bin",
        "test_batch.bin",
    ];
    for (f, name) in names.iter().enumerate() {
        let mut bytes = Vec::new();
        for r in 0..per_file {
            bytes.push(((f + r) % 10) as u8);
            bytes.extend(std::iter::repeat_n((f * 16 + r) as u8, IMAGE_BYTES));
        }
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

fn tar_gz(src: &Path, prefix: &str, out: &Path) {
    let gz = flate2::write::GzEncoder::new(
        std::fs::File::create(out).unwrap(),
        flate2::Compression::fast(),
    );
    let mut builder = tar::Builder::new(gz);
    builder.append_dir_all(prefix, src).unwrap();
    builder.into_inner().unwrap().finish().unwrap();
}

#[test]
fn binary_batches_read_the_same_from_a_folder_and_a_tar_gz() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("bin");
    std::fs::create_dir(&dir).unwrap();
    write_binary(&dir, 3);
    let from_dir = load_cifar10(&dir, None, None).unwrap();
    assert_eq!((from_dir.train.len(), from_dir.test.len()), (15, 3));
    assert_eq!(&from_dir.train.labels()[..4], &[0, 1, 2, 1]);
    assert!(from_dir.train.image(3).iter().all(|&p| p == 16));
    assert_eq!(from_dir.test.labels(), &[5, 6, 7]);
    let archive = tmp.path().join("cifar-10-binary.tar.gz");
    tar_gz(&dir, "cifar-10-batches-bin", &archive);
    assert_eq!(load_cifar10(&archive, None, None).unwrap(), from_dir);
    let limited = load_cifar10(&archive, Some(5), Some(1)).unwrap();
    assert_eq!((limited.train.len(), limited.test.len()), (5, 1));
    // Even spread over 15 records keeps 0, 3, 6, 9, 12; record 3 is file 2's first (pixel 16).
    assert!(limited.train.image(1).iter().all(|&p| p == 16));
}

#[test]
fn binary_errors_name_the_file_and_the_record() {
    let tmp = tempfile::tempdir().unwrap();
    write_binary(tmp.path(), 2);
    let f3 = tmp.path().join("data_batch_3.bin");
    let mut bytes = std::fs::read(&f3).unwrap();
    bytes[IMAGE_BYTES + 1] = 12; // label of record 2
    std::fs::write(&f3, &bytes).unwrap();
    let err = load_cifar10(tmp.path(), None, None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("data_batch_3.bin: record 2: label 12 is outside 0..=9"),
        "{err}"
    );
    bytes.pop();
    std::fs::write(&f3, &bytes).unwrap();
    let err = load_cifar10(tmp.path(), None, None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("data_batch_3.bin: size 6145 is not a multiple of 3073-byte records"),
        "{err}"
    );
    std::fs::remove_file(tmp.path().join("test_batch.bin")).unwrap();
    let err = load_cifar10(tmp.path(), None, None).unwrap_err();
    assert!(err.to_string().ends_with("missing test_batch.bin"), "{err}");
    assert!(err.is_bad_input());
}

fn write_png(path: &Path, side: u32, value: u8) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    image::RgbImage::from_pixel(side, side, image::Rgb([value, value / 2, 255 - value]))
        .save(path)
        .unwrap();
}

#[test]
fn image_folders_label_classes_in_sorted_order() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("imgs");
    for (c, class) in CLASSES.iter().enumerate() {
        for i in 0..2 {
            write_png(
                &root.join(format!("train/{class}/{i}.png")),
                32,
                (c * 10 + i) as u8,
            );
        }
        write_png(&root.join(format!("test/{class}/0.png")), 32, c as u8);
    }
    let data = load_cifar10(&root, None, None).unwrap();
    assert_eq!((data.train.len(), data.test.len()), (20, 10));
    assert_eq!(&data.train.labels()[..4], &[0, 0, 1, 1]);
    // Channel-major: the red plane, then green, then blue.
    let img = data.train.image(3); // class 1, image 1: value 11
    assert_eq!((img[0], img[1024], img[2048]), (11, 5, 244));
    let archive = tmp.path().join("imgs.tar.gz");
    tar_gz(&root, "cifar10-png", &archive);
    assert_eq!(load_cifar10(&archive, None, None).unwrap(), data);

    write_png(&root.join("test/dog/odd.png"), 31, 0);
    let err = load_cifar10(&root, None, None).unwrap_err().to_string();
    assert!(
        err.contains("test/dog/odd.png: image is 31x31, expected 32x32"),
        "{err}"
    );
    std::fs::remove_file(root.join("test/dog/odd.png")).unwrap();
    std::fs::remove_dir_all(root.join("train/truck")).unwrap();
    let err = load_cifar10(&root, None, None).unwrap_err().to_string();
    assert!(err.contains("train/ has 9 class folders"), "{err}");
}

#[test]
fn the_shared_jpeg_set_loads_balanced_slices() {
    let data = load_cifar10(&common::jpeg_tar(), Some(1000), Some(500)).unwrap();
    assert_eq!((data.train.len(), data.test.len()), (1000, 500));
    for class in 0..10u8 {
        assert_eq!(
            data.train.labels().iter().filter(|&&l| l == class).count(),
            100
        );
        assert_eq!(
            data.test.labels().iter().filter(|&&l| l == class).count(),
            50
        );
    }
}

#[test]
fn a_folder_without_cifar_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let err = load_cifar10(tmp.path(), None, None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("no CIFAR-10 found"), "{err}");
}
