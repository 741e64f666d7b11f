//! Stage 3 of the naap pipeline: training. (Being written; see the issue tracker.)
#![deny(missing_docs)]
