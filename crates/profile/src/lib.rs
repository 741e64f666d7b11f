//! Stage 2 of the naap pipeline: static profiles of schemes.
//!
//! Reads a [`naap_space::Scheme`] and computes the nine scheme columns of
//! the NAAP-440e dataset (`naap440v2.csv`): parameters, multiply-accumulates
//! and the shape features. Start at [`profile`]; [`to_csv`] writes the
//! table `naap space profile` prints.
//!
//! ```
//! use naap_profile::{profile, ProfileConfig};
//! use naap_space::{generate, SpaceConfig};
//! let first = &generate(&SpaceConfig::default().validate()?)[0];
//! let p = profile(first, &ProfileConfig::default().validate()?)?;
//! assert_eq!((p.num_params, p.num_macs), (2566, 231_600));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

pub mod column;
mod config;
mod counts;
mod csv_out;
mod error;
mod features;

pub use config::{ProfileConfig, ProfileValidConfig};
pub use counts::profile;
pub use csv_out::{to_csv, CSV_HEADER};
pub use error::{Error, Result};
pub use features::SchemeFeatures;
