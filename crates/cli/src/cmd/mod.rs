//! One module per subcommand: its clap arguments and one `run` function.

pub mod baseline;
pub mod dataset;
pub mod download;
pub mod evaluate;
pub mod fit;
pub mod nas;
pub mod predict;
pub mod proxies;
pub mod search;
pub mod select_features;
pub mod space;
pub mod train;

/// The error of every command that needs libtorch in a build without it:
/// exit 2, with the command that rebuilds `naap` with training support.
#[cfg(not(feature = "train"))]
pub(crate) fn needs_train_feature() -> anyhow::Error {
    crate::exit::usage(anyhow::anyhow!(
        "naap was built without training support; rebuild with \
         `cargo build --release -p naap --features train` (needs libtorch: scripts/setup-libtorch.sh)"
    ))
}
