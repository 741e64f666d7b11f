//! CLI tests: each runs the real `naap` binary in its own temporary folder.

mod util;
mod dataset;
mod space;
mod download;
