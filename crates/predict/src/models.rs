//! The regressors of [`naap_models`], re-exported so callers of this crate
//! need not name `naap-models` themselves.
//!
//! [`ModelSpec`] and [`spec_named`] are the names the NAS replay and the
//! search still use (their crates move to [`RegressorSpec`] in their own
//! step); new code parses a [`RegressorSpec`] and calls its `build`.

pub use naap_models::*;

/// A built regressor, as the NAS replay and the search hold one.
pub type ModelSpec = Box<dyn Regressor>;

/// The registry regressor with this display name, built; its error is this
/// crate's, as those callers expect.
pub fn spec_named(name: &str) -> crate::Result<ModelSpec> {
    Ok(name.parse::<RegressorSpec>()?.build())
}
