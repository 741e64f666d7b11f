//! The regressors of [`naap_models`], re-exported so callers of this crate
//! need not name `naap-models` themselves, with the registry lookup
//! returning this crate's error.

pub use naap_models::*;

/// The registry regressor with this display name ([`naap_models::spec_named`]),
/// its error wrapped as this crate's, as callers that speak only
/// `naap_predict::Error` (the NAS replay, the search) expect.
pub fn spec_named(name: &str) -> crate::Result<ModelSpec> {
    Ok(naap_models::spec_named(name)?)
}
