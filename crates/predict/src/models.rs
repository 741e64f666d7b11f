//! The regressors of [`naap_models`], re-exported so callers of this crate
//! need not name `naap-models` themselves.

pub use naap_models::*;
