//! `naap proxies`: zero-cost proxies on the shared JPEG CIFAR-10. With the
//! `train` feature: the CSV and bad input; without it: the rebuild hint.

use crate::util::{naap, run};

#[cfg(not(feature = "train"))]
#[test]
fn without_the_feature_proxies_explains_how_to_rebuild() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("p.csv");
    let res = run(naap().args(["proxies", "-o"]).arg(&out));
    crate::util::assert_rejected(&res, "--features train", Some(&out));
}

#[cfg(feature = "train")]
mod with_libtorch {
    use super::*;
    use crate::util::{assert_rejected, shared_dir, shared_naap440};
    use std::path::Path;

    fn proxies(out: &Path, extra: &[&str]) -> std::process::Output {
        run(naap()
            .arg("proxies")
            .arg("--schemes")
            .arg(shared_naap440("generated_schemes.json"))
            .arg("--data")
            .arg(shared_dir().join("cifar10/cifar10-jpg.tar.gz"))
            .args(["--threads", "1", "-q", "-o"])
            .arg(out)
            .args(extra))
    }

    #[test]
    fn proxies_write_one_finite_row_per_id_ready_to_join() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("p.csv");
        let res = proxies(&out, &["--ids", "3,1", "--batch", "16"]);
        assert_eq!(
            res.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&res.stderr)
        );
        let text = std::fs::read_to_string(&out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "ModelId,LogSynFlow,GradNorm,Snip,JacobCov");
        assert_eq!(lines.len(), 3);
        // Ids in the order asked (parse_ids sorts them), every score finite.
        let ids: Vec<&str> = lines[1..]
            .iter()
            .map(|l| l.split(',').next().unwrap())
            .collect();
        assert_eq!(ids, ["1", "3"]);
        for line in &lines[1..] {
            for cell in line.split(',').skip(1) {
                assert!(cell.parse::<f64>().unwrap().is_finite(), "{line}");
            }
        }
        // The file parses as extra columns for `naap dataset join`.
        let extra = naap_dataset::ExtraColumns::read(&out).unwrap();
        assert_eq!(extra.names(), naap_dataset::ZERO_COST_COLUMNS);
        let stderr = String::from_utf8_lossy(&res.stderr);
        assert!(stderr.contains("s/scheme"), "{stderr}");
    }

    #[test]
    fn proxies_reject_bad_ids_and_batches_without_output() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("p.csv");
        assert_rejected(&proxies(&out, &["--ids", "999"]), "999", Some(&out));
        assert_rejected(
            &proxies(&out, &["--ids", "1", "--batch", "1"]),
            "batch",
            Some(&out),
        );
    }

    /// Issue 12 item 7, `naap proxies`: the same for its files and flags.
    #[test]
    fn proxies_bad_inputs_exit_2_name_the_fault_and_write_nothing() {
        use crate::util::{assert_bad_inputs, bad, flag, BadFiles};
        let b = BadFiles::new();
        let malformed_schemes = b.file("schemes.json", "[[{\"kernel_size\": 3");
        let bad_toml = b.file("config.toml", "this is = not toml [\n");
        let (bad_schemes, toml) = (malformed_schemes.display(), bad_toml.display());
        let out = b.out("proxies.csv");
        let base = [
            flag("--schemes", shared_naap440("generated_schemes.json")),
            flag("--data", shared_dir().join("cifar10/cifar10-jpg.tar.gz")),
            flag("--ids", "1"),
            flag("--threads", "1"),
            flag("-o", &out),
        ];
        let _ = toml;
        let mut cases = vec![
            bad(
                vec![flag("--schemes", &malformed_schemes)],
                &[&bad_schemes, &"not a JSON list of schemes"],
            ),
            bad(
                vec![flag("--ids", "0")],
                &[&"--ids", &"'0' is not a scheme id"],
            ),
            bad(
                vec![flag("--batch", "0")],
                &[&"--batch must be at least 2", &"got 0"],
            ),
            bad(
                vec![flag("--batch", "50001")],
                &[&"proxy batch size must be in 2..=50000", &"50001"],
            ),
            bad(
                vec![flag("--threads", "0")],
                &[&"'--threads <N>'", &"0 is not in 1..=1024"],
            ),
        ];
        cases.extend(b.unreadable("--schemes", &[]));
        cases.extend(b.no_cifar("--data"));
        assert_bad_inputs(&["proxies", "-q"], &base, &out, &cases);
    }
}
