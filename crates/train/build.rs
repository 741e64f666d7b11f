//! Sets `NAAP_CODE_ID` (build/code_id.rs) and compiles the C++ shim in `csrc/`
//! against the libtorch that torch-sys links, only when the shim's inputs changed:
//! the code id reruns this script on every naap-* source edit.
//!
//! Why a shim: tch 0.24 binds neither libtorch's multi-tensor optimizer ops nor CUDA
//! stream and graph control (see csrc/shim.h). torch-sys publishes the libtorch library
//! folder it found (`links = "tch"`, so `DEP_TCH_LIBTORCH_LIB`); the headers sit beside it
//! in `../include` in both layouts it supports (a libtorch zip and PyTorch's wheel).

use sha2::{Digest, Sha256};
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
    let cuda = std::env::var_os("CARGO_FEATURE_CUDA_SHIM").is_some();
    if cuda {
        build.include(cuda_include(&lib)).file("csrc/cuda.cpp");
        // CUDAStream lives in c10_cuda, which torch-sys does not link.
        println!("cargo:rustc-link-lib=c10_cuda");
    }
    // The code id makes this script rerun on every edit of any naap-* source;
    // compiling the shim against libtorch's headers takes ~20 s, so it is
    // compiled only when what it is made of changed (see `shim_inputs`).
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo"));
    let library = out_dir.join("libnaap_train_shim.a");
    let stamp_path = out_dir.join("naap_train_shim.stamp");
    let stamp = shim_inputs(&build, &lib, &include, cuda);
    if std::fs::read_to_string(&stamp_path).ok().as_deref() == Some(&stamp)
        && written_after(&stamp_path, &library)
    {
        cc::emit_link_directives(&build, &library);
    } else {
        // No stamp survives a failed compile, so a half-built library is never trusted.
        let _ = std::fs::remove_file(&stamp_path);
        build.compile("naap_train_shim");
        std::fs::write(&stamp_path, &stamp).expect("writing the shim's stamp in OUT_DIR");
    }
    println!("cargo:rerun-if-changed=csrc");
    println!("cargo:rerun-if-env-changed=NAAP_CUDA_INCLUDE");
    println!("cargo:rerun-if-env-changed=CUDA_HOME");
}

/// Whether `stamp` was written after `library` (both exist): a library
/// rebuilt since, e.g. by an older build script without stamps, is not trusted.
fn written_after(stamp: &Path, library: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    matches!((modified(stamp), modified(library)), (Some(s), Some(l)) if s >= l)
}

/// A hash of everything the compiled shim depends on: the csrc files (names
/// and bytes), the full compiler command (program, flags, include paths,
/// defines, the environment cc gives it), the compiler's version, the libtorch
/// folders and version header, and the features.
fn shim_inputs(build: &cc::Build, lib: &Path, include: &Path, cuda: bool) -> String {
    let mut hasher = Sha256::new();
    let mut part = |bytes: &[u8]| {
        // Lengths delimit the parts, so no two input sets hash alike by concatenation.
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    part(b"naap-train shim stamp 1");
    part(format!("cuda-shim {cuda}").as_bytes());
    let mut files: Vec<PathBuf> = std::fs::read_dir("csrc")
        .expect("reading csrc/")
        .map(|e| e.expect("reading csrc/").path())
        .collect();
    files.sort();
    for file in files {
        part(file.to_string_lossy().as_bytes());
        part(&std::fs::read(&file).unwrap_or_else(|e| panic!("reading {}: {e}", file.display())));
    }
    // Program, wrapper, arguments and the variables cc sets, not the inherited
    // environment (`to_command`'s), which holds per-run values like the
    // jobserver's file descriptors.
    let compiler = build.get_compiler();
    part(compiler.path().as_os_str().as_encoded_bytes());
    part(compiler.cc_env().as_encoded_bytes());
    for arg in compiler.args() {
        part(arg.as_encoded_bytes());
    }
    for (key, value) in compiler.get_envs() {
        part(key.as_encoded_bytes());
        part(value.as_encoded_bytes());
    }
    let version = std::process::Command::new(compiler.path())
        .arg("--version")
        .output()
        .map(|o| o.stdout)
        .unwrap_or_default();
    part(&version);
    part(lib.as_os_str().as_encoded_bytes());
    part(include.as_os_str().as_encoded_bytes());
    let version_h = include.join("torch/csrc/api/include/torch/version.h");
    part(&std::fs::read(version_h).unwrap_or_default());
    let digest = hasher.finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
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
