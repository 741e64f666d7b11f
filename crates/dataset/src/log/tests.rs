//! Tests of the log module as a whole: round trips, truncation, ordering.

use super::*;
use crate::source::read_logs;
use naap_space::Layer;
use std::path::PathBuf;

fn shared_raw_data() -> PathBuf {
    naap_testdata::naap440("raw_data.tar.gz")
}

fn tiny_scheme() -> Scheme {
    Scheme {
        layers: vec![
            Layer {
                kernel_size: 3,
                width: 8,
                stride: 2,
                residual: false,
            },
            Layer {
                kernel_size: 1,
                width: 8,
                stride: 1,
                residual: true,
            },
        ],
    }
}

const TWO_EPOCHS: &str = "20220901141247 Network scheme: [{\"kernel_size\": 3, \"width\": 8, \"stride\": 2, \"residual\": false}]\n\
20220901141250 Network has been init on device cpu\n\
20220901141250 Network #params: 314, #MACs: 55296\n\
20220901141251 Training set is ready\n\
20220901141251 Ready to start training\n\
20220901141252 Epoch 1, LR: 0.1\n\
20220901141310 Loss mean, median: 1.86513, 1.81158\n\
20220901141314 Test accuracy: 0.3625\n\
20220901141314 Epoch 2, LR: 0.01\n\
20220901141331 Loss mean, median: 1.0, 1e-05\n\
20220901141334 Test accuracy: 0.4093\n";

fn parse(text: &str) -> Result<TrainingLog> {
    TrainingLog::parse(text.as_bytes(), Path::new("scheme_7.txt"))
}

#[test]
fn every_published_log_round_trips_byte_for_byte() {
    let logs = read_logs(&shared_raw_data()).unwrap();
    assert_eq!(logs.len(), 440);
    for file in &logs {
        let log = TrainingLog::parse(&file.bytes, &file.path).unwrap();
        assert_eq!(log.epochs().len(), 90, "{}", file.name);
        assert_eq!(log.line_ending(), LineEnding::Crlf);
        let text = log.text(log.line_ending());
        assert!(
            text.as_bytes() == file.bytes.as_slice(),
            "{} differs",
            file.name
        );
    }
}

#[test]
fn a_small_log_round_trips_in_both_line_endings() {
    let log = parse(TWO_EPOCHS).unwrap();
    assert_eq!(log.num_params(), 314);
    assert_eq!(log.epochs()[1].loss_median, 1e-5);
    assert_eq!(log.text(LineEnding::Lf), TWO_EPOCHS);
    let crlf = log.text(LineEnding::Crlf);
    assert_eq!(crlf, TWO_EPOCHS.replace('\n', "\r\n"));
    assert_eq!(parse(&crlf).unwrap().lines(), log.lines());
    assert_eq!(
        TrainingLog::from_lines(log.lines()).unwrap().epochs(),
        log.epochs()
    );
}

#[test]
fn a_log_cut_mid_epoch_keeps_its_finished_epochs() {
    let cut: String = TWO_EPOCHS
        .lines()
        .take(10)
        .map(|l| format!("{l}\n"))
        .collect();
    let log = parse(&cut).unwrap();
    assert_eq!(log.epochs().len(), 1);
    assert_eq!(log.unfinished().len(), 2);
    assert_eq!(log.num_lines(), 10);
    assert_eq!(log.text(LineEnding::Lf), cut);
}

#[test]
fn a_line_cut_short_is_incomplete_not_garbled() {
    let cut = &TWO_EPOCHS[..TWO_EPOCHS.len() - 3];
    let err = parse(cut).unwrap_err();
    assert!(matches!(err, Error::Incomplete { line: 11, .. }), "{err}");
    assert!(matches!(parse("").unwrap_err(), Error::Incomplete { .. }));
}

#[test]
fn out_of_order_and_garbled_lines_name_their_line() {
    let msg = |t: &str| parse(t).unwrap_err().to_string();
    let garbled = TWO_EPOCHS.replace("Test accuracy: 0.3625", "Test acuracy: 0.3625");
    assert!(msg(&garbled).starts_with("scheme_7.txt:8: unrecognised log message"));
    let skipped = TWO_EPOCHS.replace("Epoch 2,", "Epoch 3,");
    assert_eq!(
        msg(&skipped),
        "scheme_7.txt:9: expected epoch 2, got epoch 3"
    );
    let swapped = TWO_EPOCHS.replace(
        "20220901141310 Loss mean, median: 1.86513, 1.81158\n20220901141314 Test accuracy: 0.3625\n",
        "20220901141314 Test accuracy: 0.3625\n20220901141310 Loss mean, median: 1.86513, 1.81158\n",
    );
    assert!(msg(&swapped).starts_with("scheme_7.txt:7: unexpected test accuracy line"));
    let no_params = TWO_EPOCHS.replace("20220901141250 Network #params: 314, #MACs: 55296\n", "");
    assert!(msg(&no_params).starts_with("scheme_7.txt:5: epoch 1 starts before"));
    let mixed = TWO_EPOCHS.replacen('\n', "\r\n", 1);
    assert!(msg(&mixed).starts_with("scheme_7.txt:2: line ends with lf but line 1 with crlf"));
}

#[test]
fn the_writer_streams_a_log_the_parser_reads_back() {
    let mut w = LogWriter::new(Vec::new(), LineEnding::Crlf);
    w.header(&tiny_scheme(), "cuda:0", 1000, 2000).unwrap();
    for epoch in 1..=3 {
        w.epoch_started(epoch, 0.1).unwrap();
        w.losses(2.0 / f64::from(epoch), 1.5).unwrap();
        w.accuracy(0.1 * f64::from(epoch)).unwrap();
    }
    // An accuracy line now has no loss line before it.
    assert!(matches!(w.accuracy(0.5), Err(Error::LogOrder(_))));
    let bytes = w.into_inner();
    let log = TrainingLog::parse(&bytes, Path::new("w.txt")).unwrap();
    assert_eq!(log.scheme(), &tiny_scheme());
    assert_eq!(log.epochs().len(), 3);
    assert_eq!(log.epochs()[2].loss_mean, 2.0 / 3.0);
    assert_eq!(log.text(LineEnding::Crlf).as_bytes(), bytes.as_slice());

    // A resumed writer continues the numbering of the log it extends.
    let mut resumed = LogWriter::continuing(bytes.clone(), &log);
    assert!(resumed.epoch_started(5, 0.1).is_err());
    resumed.epoch_started(4, 0.01).unwrap();
    let more = TrainingLog::parse(&resumed.into_inner(), Path::new("w.txt")).unwrap();
    assert_eq!(more.unfinished().len(), 1);
}
