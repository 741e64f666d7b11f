//! `naap space generate | profile | default-config`.

use crate::util::{naap, run, shared_naap440};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/space")
        .join(name)
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn generate_default_is_the_published_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("schemes.json");
    let res = run(naap().args(["space", "generate", "-o"]).arg(&out));
    assert!(res.status.success(), "{}", stderr(&res));
    assert!(res.stdout.is_empty(), "results go to the file only");
    let ours = std::fs::read(&out).unwrap();
    let published = std::fs::read(shared_naap440("generated_schemes.json")).unwrap();
    let parse = |b: &[u8]| serde_json::from_slice::<serde_json::Value>(b).unwrap();
    assert_eq!(parse(&ours), parse(&published));
    assert!(ours == published, "bytes differ from the published file");
    assert!(
        stderr(&res).contains("generated 440 schemes"),
        "{}",
        stderr(&res)
    );

    // Stdout carries the same bytes.
    let res = run(naap().args(["space", "generate"]));
    assert!(res.status.success());
    assert!(res.stdout == published);
}

#[test]
fn generate_refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("schemes.json");
    std::fs::write(&out, "keep me").unwrap();
    let res = run(naap().args(["space", "generate", "-o"]).arg(&out));
    assert_eq!(res.status.code(), Some(2));
    assert!(stderr(&res).contains("--force"), "{}", stderr(&res));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "keep me");
    let res = run(naap()
        .args(["space", "generate", "--force", "-o"])
        .arg(&out));
    assert!(res.status.success(), "{}", stderr(&res));
    assert_ne!(std::fs::read_to_string(&out).unwrap(), "keep me");
}

#[test]
fn generate_tiny_space_from_toml_and_json() {
    let generate = |space: &Path| {
        let res = run(naap().args(["space", "generate", "--space"]).arg(space));
        assert!(res.status.success(), "{}", stderr(&res));
        res.stdout
    };
    let from_toml = generate(&fixture("tiny_space.toml"));
    assert_eq!(from_toml, generate(&fixture("tiny_space.json")));
    let schemes: Vec<Vec<serde_json::Value>> = serde_json::from_slice(&from_toml).unwrap();
    // Per first-layer stride (1, then 2): the 1-layer scheme, then its three
    // extensions (w8, w8 residual, w16); w16 residual breaks the width rule.
    let shape: Vec<String> = schemes
        .iter()
        .map(|s| {
            s.iter()
                .map(|l| {
                    let r = if l["residual"].as_bool().unwrap() {
                        "r"
                    } else {
                        ""
                    };
                    format!("s{}w{}{r}", l["stride"], l["width"])
                })
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect();
    assert_eq!(
        shape,
        [
            "s1w8",
            "s1w8-s1w8",
            "s1w8-s1w8r",
            "s1w8-s1w16",
            "s2w8",
            "s2w8-s1w8",
            "s2w8-s1w8r",
            "s2w8-s1w16"
        ]
    );
}

#[test]
fn default_config_is_a_template_for_the_default_space() {
    let dir = tempfile::tempdir().unwrap();
    let res = run(naap().args(["space", "default-config"]));
    assert!(res.status.success());
    let text = String::from_utf8(res.stdout).unwrap();
    assert!(text.contains("\n# "), "the template is commented");
    let path = dir.path().join("space.toml");
    std::fs::write(&path, &text).unwrap();
    let res = run(naap().args(["space", "generate", "--space"]).arg(&path));
    assert!(res.status.success(), "{}", stderr(&res));
    assert!(res.stdout == std::fs::read(shared_naap440("generated_schemes.json")).unwrap());
}

/// The issue's acceptance test: the nine scheme columns of naap440v2.csv.
#[test]
fn profile_default_equals_naap440v2_on_all_rows() {
    let shared = shared_naap440("").parent().unwrap().to_path_buf();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("profile.csv");
    // The schemes come from the data folder named by $NAAP_DATA_DIR.
    let res = run(naap()
        .args(["space", "profile", "-o"])
        .arg(&out)
        .env("NAAP_DATA_DIR", &shared));
    assert!(res.status.success(), "{}", stderr(&res));

    let mut ours = csv::Reader::from_path(&out).unwrap();
    let header: Vec<String> = ours.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header.join(","),
        "ModelId,NumParams,NumMACs,NumLayers,NumStages,FirstLayerWidth,LastLayerWidth,\
         NumSkipConnections,NumPartialRFLayers"
    );
    let mut published = csv::Reader::from_path(shared_naap440("naap440v2.csv")).unwrap();
    let pub_header = published.headers().unwrap().clone();
    let cols: Vec<usize> = header
        .iter()
        .map(|h| pub_header.iter().position(|p| p == h).unwrap())
        .collect();
    let mut expected: Vec<Vec<String>> = published
        .records()
        .map(|r| {
            let r = r.unwrap();
            cols.iter().map(|&c| r[c].to_string()).collect()
        })
        .collect();
    expected.sort_by_key(|row| row[0].parse::<u32>().unwrap());
    let ours: Vec<Vec<String>> = ours
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    assert_eq!(ours.len(), 440);
    assert_eq!(ours, expected);
}

#[test]
fn profile_flag_beats_env_and_profiles_custom_schemes() {
    let res = run(naap()
        .args(["space", "profile", "--schemes"])
        .arg(fixture("custom_schemes.json"))
        .env("NAAP_DATA_DIR", "/nonexistent"));
    assert!(res.status.success(), "{}", stderr(&res));
    let text = String::from_utf8(res.stdout).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 4);
    // Scheme 1: conv5 w8 on 3x32x32, 8192 outputs.
    // Params 3*8*25 + 2*8 + 8*10+10; MACs 8192*75 + 4*8192 + (1024+1)*8 + 80.
    assert_eq!(rows[1], "1,706,655448,1,0,8,8,0,0");
    // Scheme 2: conv3 w8 s2 (2048 outputs), conv3 w8 s1 residual.
    // MACs 2048*27 + 4*2048 + 2048*72 + 4*2048 + (256+1)*8 + 80.
    assert_eq!(rows[2], "2,914,221272,2,1,8,8,1,0");
    assert!(
        rows[3].starts_with("3,") && rows[3].ends_with(",5,3,64,96,2,2"),
        "{}",
        rows[3]
    );
}

#[test]
fn profile_missing_default_schemes_names_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let res = run(naap()
        .args(["space", "profile", "--data-dir"])
        .arg(dir.path()));
    assert_eq!(res.status.code(), Some(2));
    let msg = stderr(&res);
    assert!(msg.contains("naap440/generated_schemes.json"), "{msg}");
}

/// Writes `text` as `name` and runs `args` on it with `-o`; checks exit 2, a
/// message naming the file and `needle`, and that no output was written.
fn assert_bad_input(args: &[&str], name: &str, text: &str, needle: &str) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join(name);
    std::fs::write(&input, text).unwrap();
    let out = dir.path().join("out");
    let res = run(naap().args(args).arg(&input).arg("-o").arg(&out));
    let msg = stderr(&res);
    assert_eq!(res.status.code(), Some(2), "{name}: {msg}");
    assert!(msg.starts_with("naap: ") && msg.contains(name), "{msg}");
    assert!(msg.contains(needle), "expected {needle:?} in {msg}");
    assert_eq!(msg.lines().count(), 1, "one line: {msg}");
    assert!(!out.exists(), "no output on bad input");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temp files"
    );
}

#[test]
fn bad_space_files_exit_2_naming_file_and_item() {
    let gen = ["space", "generate", "--space"];
    let good = std::fs::read_to_string(fixture("tiny_space.toml")).unwrap();
    assert_bad_input(&gen, "s.toml", "min_depth = ", "at line 1");
    assert_bad_input(&gen, "s.json", "{\"min_depth\": 1,", "line 1");
    assert_bad_input(
        &gen,
        "s.toml",
        &good.replace("min_depth = 1\n", ""),
        "missing field `min_depth`",
    );
    assert_bad_input(
        &gen,
        "s.toml",
        &good.replace("widths = [8]", ""),
        "missing field `widths`",
    );
    assert_bad_input(
        &gen,
        "s.toml",
        &good.replace("min_depth", "min_dpth"),
        "unknown field `min_dpth`",
    );
    assert_bad_input(
        &gen,
        "s.toml",
        &good.replace("kernel_sizes = [1]", "kernel_sizes = [0]"),
        "layer 2: kernel_sizes: each must be odd and at least 1, got 0",
    );
    assert_bad_input(
        &gen,
        "s.toml",
        &good.replace("kernel_sizes = [3]", "kernel_sizes = [4]"),
        "layer 1: kernel_sizes: each must be odd and at least 1, got 4",
    );
    assert_bad_input(
        &gen,
        "s.toml",
        &good.replace("widths = [8, 16]", "widths = [8, 0]"),
        "layer 2: widths: each must be at least 1, got 0",
    );
    assert_bad_input(
        &gen,
        "s.toml",
        &good.replace("residual = [false]", "residual = [true]"),
        "no valid scheme",
    );
    assert_bad_input(&gen, "s.yaml", &good, "use a .toml or .json file");
}

#[test]
fn bad_scheme_files_exit_2_naming_file_and_item() {
    let prof = ["space", "profile", "--schemes"];
    let layer = |k: u32, w: u32, s: u32, r: bool| {
        format!(r#"{{"kernel_size":{k},"width":{w},"stride":{s},"residual":{r}}}"#)
    };
    let two = |second: String| {
        format!(
            "[[{}],[{},{second}]]",
            layer(3, 8, 2, false),
            layer(3, 8, 2, false)
        )
    };
    assert_bad_input(&prof, "s.json", "[[{", "not a JSON list of schemes");
    assert_bad_input(&prof, "s.json", "[]", "the scheme list is empty");
    assert_bad_input(
        &prof,
        "s.json",
        &two(r#"{"kernel_size":3,"width":8,"stride":1}"#.into()),
        "scheme 2, layer 2: missing field `residual`",
    );
    assert_bad_input(
        &prof,
        "s.json",
        &two(layer(0, 8, 1, false)),
        "scheme 2, layer 2: kernel_size must be odd and at least 1, got 0",
    );
    assert_bad_input(
        &prof,
        "s.json",
        &two(layer(2, 8, 1, false)),
        "scheme 2, layer 2: kernel_size must be odd and at least 1, got 2",
    );
    assert_bad_input(
        &prof,
        "s.json",
        &two(layer(3, 0, 1, false)),
        "scheme 2, layer 2: width must be at least 1, got 0",
    );
    assert_bad_input(
        &prof,
        "s.json",
        &two(layer(3, 16, 1, true)),
        "scheme 2, layer 2: residual needs the previous layer's width (8) and stride 1, \
         got width 16 and stride 1",
    );
    assert_bad_input(
        &prof,
        "s.json",
        &two(layer(3, 8, 2, true)),
        "got width 8 and stride 2",
    );
}

#[test]
fn non_utf8_and_folder_inputs_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let binary = dir.path().join("bin.toml");
    std::fs::write(&binary, b"\xff\xfe\x00 not text").unwrap();
    let folder = dir.path().join("folder.json");
    std::fs::create_dir(&folder).unwrap();
    for input in [&binary, &folder] {
        for flag in ["--space", "--schemes"] {
            let cmd = if flag == "--space" {
                "generate"
            } else {
                "profile"
            };
            let res = run(naap().args(["space", cmd, flag]).arg(input));
            let msg = stderr(&res);
            assert_eq!(
                res.status.code(),
                Some(2),
                "{cmd} {}: {msg}",
                input.display()
            );
            assert!(msg.contains(&*input.to_string_lossy()), "{msg}");
        }
    }
}

#[test]
fn neighbours_writes_the_symmetric_graph_of_the_space() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("graph.csv");
    let res = run(naap().args(["space", "neighbours", "-o"]).arg(&out));
    assert!(res.status.success(), "{}", stderr(&res));
    assert!(
        stderr(&res).contains("linked 440 schemes"),
        "{}",
        stderr(&res)
    );
    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("ModelId,Neighbour,Edit"));
    let pairs: std::collections::HashSet<(u32, u32)> = lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            assert_eq!(f.len(), 3, "{l}");
            (f[0].parse().unwrap(), f[1].parse().unwrap())
        })
        .collect();
    assert!(!pairs.is_empty());
    for &(a, b) in &pairs {
        assert!((1..=440).contains(&a) && (1..=440).contains(&b));
        assert!(pairs.contains(&(b, a)), "{a}-{b} only one way");
    }
    // A bad space config is refused with exit 2 and no output.
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "min_depth = 0\n").unwrap();
    let out2 = dir.path().join("g2.csv");
    let res = run(naap()
        .args(["space", "neighbours", "--space"])
        .arg(&bad)
        .arg("-o")
        .arg(&out2));
    assert_eq!(res.status.code(), Some(2), "{}", stderr(&res));
    assert!(!out2.exists());
}
