//! CLI tests: each runs the real `naap` binary in its own temporary folder.

mod baseline;
mod dataset;
mod download;
mod evaluate;
mod ignored;
mod install;
mod join_names;
mod leftovers;
mod messages;
mod nas;
mod online_models;
mod output_files;
mod outputs;
mod predictor;
mod proxies;
mod replay;
mod search;
mod select_by_cv;
mod select_features;
mod sizes;
mod space;
mod streams;
mod train;
mod util;
