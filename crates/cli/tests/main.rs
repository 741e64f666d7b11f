//! CLI tests: each runs the real `naap` binary in its own temporary folder.

mod baseline;
mod dataset;
mod download;
mod evaluate;
mod install;
mod nas;
mod outputs;
mod predictor;
mod proxies;
mod search;
mod select_by_cv;
mod select_features;
mod space;
mod train;
mod util;
