//! One module per subcommand: its clap arguments and one `run` function.

pub mod baseline;
pub mod dataset;
pub mod download;
pub mod fit;
pub mod nas;
pub mod predict;
pub mod proxies;
pub mod search;
pub mod select_features;
pub mod space;
pub mod train;
