//! Stage of the naap pipeline: profile. (Being written; see the issue tracker.)
#![deny(missing_docs)]
