//! The one check that a resumable result was made by this build.
//!
//! Three things resume from files an earlier run wrote: training checkpoints
//! (naap-train), feature-selection checkpoints (naap-predict) and a search's
//! journal (naap-search). Each records the identity of the code that wrote
//! it (its crate's `NAAP_CODE_ID`, a hash of the sources, see
//! `build/code_id.rs`), and each must refuse results of another build the
//! same way: [`check_same_build`], whose [`StaleBuild`] names both builds.

/// What a result made before builds were recorded says of its build.
pub const OLDER_BUILD: &str = "an older build without a code identity";

/// A resumable result made by another build than the running one: its
/// contents are not to be trusted. The user's input (a folder of another
/// build), so the caller says how to go on (`--resume-stale`, `--force`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("written by another build ({found}; this is {this})")]
pub struct StaleBuild {
    /// The build that made the result ([`OLDER_BUILD`] when it recorded none).
    pub found: String,
    /// The running build.
    pub this: String,
}

/// Checks that a result recording the build `recorded` (empty: recorded
/// none) was made by the build `this`.
///
/// ```
/// use naap_output::build::check_same_build;
/// assert!(check_same_build("naap 0.1.0 sources ab12", "naap 0.1.0 sources ab12").is_ok());
/// let stale = check_same_build("", "naap 0.1.0 sources ab12").unwrap_err();
/// assert_eq!(
///     stale.to_string(),
///     "written by another build (an older build without a code identity; this is naap 0.1.0 sources ab12)"
/// );
/// ```
pub fn check_same_build(recorded: &str, this: &str) -> Result<(), StaleBuild> {
    if recorded == this {
        return Ok(());
    }
    Err(StaleBuild {
        found: if recorded.is_empty() {
            OLDER_BUILD.to_owned()
        } else {
            recorded.to_owned()
        },
        this: this.to_owned(),
    })
}

impl crate::HasFault for StaleBuild {
    fn fault(&self) -> crate::Fault {
        crate::Fault::Input
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_same_build_passes_and_both_are_named() {
        assert_eq!(check_same_build("b1", "b1"), Ok(()));
        let e = check_same_build("b0", "b1").unwrap_err();
        assert_eq!((e.found.as_str(), e.this.as_str()), ("b0", "b1"));
        assert_eq!(e.to_string(), "written by another build (b0; this is b1)");
        assert_eq!(check_same_build("", "b1").unwrap_err().found, OLDER_BUILD);
        assert_eq!(crate::HasFault::fault(&e), crate::Fault::Input);
    }
}
