//! Sets `NAAP_CODE_ID` (build/code_id.rs) and compiles the C++ shim in `csrc/`
//! against the libtorch that torch-sys links.
//!
//! Why a shim: tch 0.24 binds neither libtorch's multi-tensor optimizer ops nor CUDA
//! stream and graph control (see csrc/shim.h). torch-sys publishes the libtorch library
//! folder it found (`links = "tch"`, so `DEP_TCH_LIBTORCH_LIB`); the headers sit beside it
//! in `../include` in both layouts it supports (a libtorch zip and PyTorch's wheel).

use std::path::{Path, PathBuf};

#[path = "../../build/code_id.rs"]
mod code_id;

fn main() {
    // NAAP_CODE_ID, the code identity that training checkpoints carry.
    code_id::emit();
    compile_shim();
}

fn compile_shim() {
    let lib = PathBuf::from(
        std::env::var("DEP_TCH_LIBTORCH_LIB").expect("torch-sys did not report its libtorch"),
    );
    let include = lib
        .parent()
        .expect("libtorch lib has a parent")
        .join("include");
    let mut build = cc::Build::new();
    build
        .cpp(true)
        .pic(true)
        .std("c++17")
        .include(&include)
        .include(include.join("torch/csrc/api/include"))
        // As torch-sys builds its glue: libtorch 2.x wheels use the C++11 string ABI.
        .define("_GLIBCXX_USE_CXX11_ABI", "1")
        .define("GLOG_USE_GLOG_EXPORT", None)
        .flag_if_supported("-Wno-unused-parameter")
        .file("csrc/sgd.cpp")
        .file("csrc/op_count.cpp");
    if std::env::var_os("CARGO_FEATURE_CUDA_SHIM").is_some() {
        build.include(cuda_include(&lib)).file("csrc/cuda.cpp");
        // CUDAStream lives in c10_cuda, which torch-sys does not link.
        println!("cargo:rustc-link-lib=c10_cuda");
    }
    build.compile("naap_train_shim");
    println!("cargo:rerun-if-changed=csrc");
    println!("cargo:rerun-if-env-changed=NAAP_CUDA_INCLUDE");
    println!("cargo:rerun-if-env-changed=CUDA_HOME");
}

/// The folder with `cuda_runtime_api.h`: `$NAAP_CUDA_INCLUDE`, `$CUDA_HOME/include`, the
/// nvidia-* wheels beside PyTorch's (`site-packages/nvidia/cu*/include`), /usr/local/cuda.
fn cuda_include(torch_lib: &Path) -> PathBuf {
    let header = "cuda_runtime_api.h";
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(dir) = std::env::var_os("NAAP_CUDA_INCLUDE") {
        candidates.push(dir.into());
    }
    if let Some(home) = std::env::var_os("CUDA_HOME") {
        candidates.push(PathBuf::from(home).join("include"));
    }
    // torch/lib -> site-packages/nvidia/<cuXX or cuda_runtime>/include
    if let Some(site) = torch_lib.parent().and_then(Path::parent) {
        if let Ok(entries) = std::fs::read_dir(site.join("nvidia")) {
            let mut dirs: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path().join("include")))
                .collect();
            dirs.sort();
            candidates.extend(dirs);
        }
    }
    candidates.push("/usr/local/cuda/include".into());
    candidates
        .iter()
        .find(|dir| dir.join(header).is_file())
        .cloned()
        .unwrap_or_else(|| {
            panic!(
                "feature cuda-shim: no {header} in {candidates:?}; set NAAP_CUDA_INCLUDE to the CUDA include folder"
            )
        })
}
