//! The network built for every published scheme has the profiler's and the
//! published dataset's parameter count.

mod common;

use naap_train::{build_model, num_params, SchemeJob};

#[test]
fn all_440_schemes_match_the_profiler_and_the_published_num_params() {
    let schemes = common::shared_schemes();
    assert_eq!(schemes.len(), 440);
    let csv_path = common::shared_dir().join("naap440/naap440.csv");
    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (id_col, params_col) = (col("ModelId"), col("NumParams"));
    let published: std::collections::HashMap<usize, i64> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[id_col].parse().unwrap(), r[params_col].parse().unwrap())
        })
        .collect();
    let profile_config = naap_profile::ProfileConfig::default().validate().unwrap();
    for (i, scheme) in schemes.iter().enumerate() {
        let id = i + 1;
        let job = SchemeJob {
            id: naap_space::ModelId::from_index(id - 1).unwrap(),
            scheme: scheme.clone(),
            macs: 0,
        };
        let (vs, _, params) = build_model(&job, 1, tch::Device::Cpu).unwrap();
        assert_eq!(params, num_params(&vs));
        let profiled = naap_profile::profile(scheme, &profile_config)
            .unwrap()
            .num_params;
        assert_eq!(
            params as u64, profiled as u64,
            "scheme {id} vs the profiler"
        );
        assert_eq!(params, published[&id], "scheme {id} vs naap440.csv");
    }
}
