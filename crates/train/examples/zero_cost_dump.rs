//! Writes what dev/tools/zero_cost_reference.py needs to recompute the zero-cost
//! proxies in PyTorch: per scheme `scheme_{id}.npz` (the initialised variables by
//! name, the minibatch `x` and `y`) and `proxies.csv` (naap's scores).
//!
//!     cargo run --release -p naap-train --example zero_cost_dump -- \
//!         SCHEMES.json IDS CIFAR10 OUT_DIR [BATCH] [SEED]

use naap_train::{build_model, proxy_batch, zero_cost_for_schemes, SchemeJob, TrainConfig};
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 4 {
        return Err("usage: zero_cost_dump SCHEMES.json IDS CIFAR10 OUT_DIR [BATCH] [SEED]".into());
    }
    let schemes = naap_space::read_schemes(&PathBuf::from(&args[0]))?;
    let ids: naap_space::IdList = args[1].parse()?;
    ids.check_within(schemes.len())?;
    let ids: Vec<usize> = ids.iter().map(|id| id.index() + 1).collect();
    let out = PathBuf::from(&args[3]);
    let batch: usize = args.get(4).map_or(Ok(64), |s| s.parse())?;
    let seed: u64 = args
        .get(5)
        .map_or(Ok(TrainConfig::default().recipe.seed), |s| s.parse())?;
    std::fs::create_dir_all(&out)?;
    let data = naap_train::load_cifar10(&PathBuf::from(&args[2]), None, Some(1))?;
    let jobs: Vec<SchemeJob> = ids
        .iter()
        .map(|&id| SchemeJob {
            id: naap_space::ModelId::from_index(id - 1).unwrap(),
            scheme: schemes[id - 1].clone(),
            macs: 0,
        })
        .collect();
    let (x, y, _) = proxy_batch(&data.train, batch, seed)?;
    for job in &jobs {
        let (vs, _, _) = build_model(job, seed, tch::Device::Cpu)?;
        let mut named: Vec<(String, tch::Tensor)> = vs.variables().into_iter().collect();
        named.push(("x".into(), x.shallow_clone()));
        named.push(("y".into(), y.shallow_clone()));
        tch::Tensor::write_npz(&named, out.join(format!("scheme_{}.npz", job.id)))?;
    }
    let rows = zero_cost_for_schemes(&jobs, &data.train, batch, seed, None, &|_| {})?;
    std::fs::write(out.join("proxies.csv"), naap_train::proxies_csv(&rows))?;
    Ok(())
}
