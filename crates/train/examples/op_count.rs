//! ATen ops per training step of schemes, by phase, for each SGD kernel.
//!
//! `cargo run --release -p naap-train --example op_count -- SCHEMES.json ID[,ID...]
//! [--device cpu|cuda:K] [--batch N]`. "top" counts the ops issued by the caller or an
//! autograd node (on a GPU, roughly the kernel launches); "all" adds the ops that
//! composite ops call inside themselves.

use naap_train::{train_step_ops, DeviceChoice, SchemeJob, SgdKernel};
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
        return Err("usage: op_count SCHEMES.json ID[,ID...] [--device D] [--batch N]".into());
    };
    let schemes = naap_space::read_schemes(std::path::Path::new(schemes_path))?;
    let device = naap_train::resolve_device(flag("--device", "cpu").parse::<DeviceChoice>()?)?;
    let batch: usize = flag("--batch", "256").parse()?;
    println!("ATen ops per training step, top level / all (device {device:?}, batch {batch})");
    println!(
        "scheme | params | SGD kernel | zero_grad | forward + loss | backward | update | step"
    );
    let ids: naap_space::IdList = ids.parse()?;
    ids.check_within(schemes.len())?;
    for id in ids.iter().map(|id| id.index() + 1) {
        let job = SchemeJob {
            id: naap_space::ModelId::from_index(id - 1).unwrap(),
            scheme: schemes[id - 1].clone(),
            macs: 0,
        };
        for kernel in [SgdKernel::PerTensor, SgdKernel::Foreach, SgdKernel::Fused] {
            let (ops, params) = train_step_ops(&job, device, batch, kernel)?;
            let t = ops.total();
            let pair = |c: naap_train::shim::OpCounts| format!("{} / {}", c.top_level, c.all);
            println!(
                "{id} | {params} | {kernel:?} | {} | {} | {} | {} | {}",
                pair(ops.zero_grad),
                pair(ops.forward),
                pair(ops.backward),
                pair(ops.update),
                pair(t)
            );
        }
    }
    Ok(())
}
