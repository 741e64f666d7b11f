//! Train-step throughput of schemes, in images per second (batch 256 by default).
//!
//! `cargo run --release -p naap-train --example step_bench -- SCHEMES.json ID[,ID...] [--threads N]
//! [--device cpu|cuda:K] [--batch N] [--steps N] [--warmup N] [--sgd per-tensor|foreach|fused]`
//! (SGD kernel, default: the device's); prints one
//! `scheme <id>: <img/s> img/s` line per id. bench/train.sh runs it beside
//! dev/tools/torch_bench.py.

use naap_train::{train_step_throughput, DeviceChoice, SchemeJob, SgdKernel};
use std::error::Error;

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str, default: &str| -> String {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
            .unwrap_or_else(|| default.to_string())
    };
    let [schemes_path, ids, ..] = args.as_slice() else {
        return Err("usage: step_bench SCHEMES.json ID[,ID...] [--threads N] [--device D] [--batch N] [--steps N] [--warmup N] [--sgd KERNEL]".into());
    };
    let schemes = naap_space::read_schemes(std::path::Path::new(schemes_path))?;
    let threads: i32 = flag("--threads", "0").parse()?;
    if threads > 0 {
        tch::set_num_threads(threads);
    }
    let device = naap_train::resolve_device(flag("--device", "cpu").parse::<DeviceChoice>()?)?;
    let (batch, steps, warmup) = (
        flag("--batch", "256").parse()?,
        flag("--steps", "40").parse()?,
        flag("--warmup", "5").parse()?,
    );
    let kernel = match flag("--sgd", "default").as_str() {
        "default" => None,
        "per-tensor" => Some(SgdKernel::PerTensor),
        "foreach" => Some(SgdKernel::Foreach),
        "fused" => Some(SgdKernel::Fused),
        other => return Err(format!("--sgd: per-tensor, foreach or fused, got {other:?}").into()),
    };
    println!(
        "naap-train (tch 0.24), device {:?}, {} threads, batch {batch}",
        device,
        tch::get_num_threads()
    );
    let ids: naap_space::IdList = ids.parse()?;
    ids.check_within(schemes.len())?;
    for id in ids.iter().map(|id| id.index() + 1) {
        let job = SchemeJob {
            id: naap_space::ModelId::from_index(id - 1).unwrap(),
            scheme: schemes[id - 1].clone(),
            macs: 0,
        };
        let ips = train_step_throughput(&job, device, batch, (warmup, steps), kernel)?;
        println!("scheme {id}: {ips:.0} img/s");
    }
    Ok(())
}
