//! [`FeatureSetSpec`]: the feature sets a user can name, in one grammar.
//!
//! `Display` writes the name every output uses, `FromStr` reads every
//! accepted spelling ([`FEATURE_SET_NAMES`]) and serde writes and reads the
//! name, so the paper's names (`Scheme + Quantitative 3 epochs`, also spelled
//! `Scheme+Quant.3`) and the feature search's (`Scheme8+ZeroCost+Quant.3+Curve`)
//! are one type. [`FeatureSetSpec::build`] gives the columns.

use std::fmt;
use std::str::FromStr;

use naap_dataset::Format;

use super::{FeatureSet, SearchColumns, FEATURE_SET_NAMES, MAX_EPOCHS};
use crate::{Error, Result};

/// A named feature set, by its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeatureSetSpec {
    /// `Scheme`: NumParams and NumStages (the NAAP-440 paper's).
    Scheme,
    /// `Scheme + Quantitative K epochs` (or `Scheme+Quant.K`): the 6 v1
    /// scheme features then e1..eK.
    SchemeQuantitative {
        /// K ≥ 1.
        epochs: u32,
    },
    /// `Scheme + ZeroCost`: `Scheme` plus the zero-cost proxies.
    SchemeZeroCost,
    /// `Scheme + ZeroCost + Quantitative K epochs`.
    SchemeZeroCostQuantitative {
        /// K ≥ 1.
        epochs: u32,
    },
    /// `Scheme + Curve K epochs`: LcSVR's curve features.
    SchemeCurve {
        /// K ≥ 1.
        epochs: u32,
    },
    /// `SoTL K epochs`.
    Sotl {
        /// K ≥ 1.
        epochs: u32,
    },
    /// `Curve extrapolation K epochs`.
    CurveExtrapolation {
        /// K ≥ 1.
        epochs: u32,
    },
    /// A set of the feature search: every scheme feature of a format
    /// (`Scheme6` in v1, `Scheme8` in v2), then `+ZeroCost`, `+Quant.K`,
    /// `+Curve` as asked (see [`FeatureSet::search`]).
    Search {
        /// Which scheme features: the 6 of v1 or the 8 of v2.
        format: Format,
        /// What else the set holds.
        columns: SearchColumns,
    },
}

impl FeatureSetSpec {
    /// The feature search's set of `k` epochs for a dataset format
    /// (`Scheme8+Quant.k`, `Scheme8` for k = 0; `Scheme6...` in v1).
    pub fn all_scheme(format: Format, k: u32) -> FeatureSetSpec {
        FeatureSetSpec::Search {
            format,
            columns: SearchColumns {
                epochs: k,
                ..SearchColumns::default()
            },
        }
    }

    /// The same family of set with `k` epochs, for a sweep over
    /// fidelities: `Scheme` gives `Scheme` at 0 and `Scheme + Quantitative k
    /// epochs` above; `Scheme + ZeroCost` likewise; `Scheme6`/`Scheme8`
    /// (with or without `+ZeroCost`) their `+Quant.k`. Any epochs the base
    /// set names are replaced. The curve-only sets need at least one epoch.
    pub fn with_epochs(&self, k: u32) -> Result<FeatureSetSpec> {
        use FeatureSetSpec as S;
        let curve_needs_epochs = || {
            Error::InvalidInput(format!(
                "--base-set {self}: a set of curve features has no 0-epoch form"
            ))
        };
        Ok(match *self {
            S::Scheme | S::SchemeQuantitative { .. } if k == 0 => S::Scheme,
            S::Scheme | S::SchemeQuantitative { .. } => S::SchemeQuantitative { epochs: k },
            S::SchemeZeroCost | S::SchemeZeroCostQuantitative { .. } if k == 0 => S::SchemeZeroCost,
            S::SchemeZeroCost | S::SchemeZeroCostQuantitative { .. } => {
                S::SchemeZeroCostQuantitative { epochs: k }
            }
            S::SchemeCurve { .. } | S::Sotl { .. } | S::CurveExtrapolation { .. } if k == 0 => {
                return Err(curve_needs_epochs())
            }
            S::SchemeCurve { .. } => S::SchemeCurve { epochs: k },
            S::Sotl { .. } => S::Sotl { epochs: k },
            S::CurveExtrapolation { .. } => S::CurveExtrapolation { epochs: k },
            S::Search { format, columns } => {
                if columns.curve && k == 0 {
                    return Err(curve_needs_epochs());
                }
                S::Search {
                    format,
                    columns: SearchColumns {
                        epochs: k,
                        ..columns
                    },
                }
            }
        })
    }

    /// The set's columns.
    pub fn build(&self) -> Result<FeatureSet> {
        Ok(match *self {
            FeatureSetSpec::Scheme => FeatureSet::scheme(),
            FeatureSetSpec::SchemeQuantitative { epochs } => {
                FeatureSet::scheme_quantitative(epochs)
            }
            FeatureSetSpec::SchemeZeroCost => FeatureSet::scheme_zero_cost(),
            FeatureSetSpec::SchemeZeroCostQuantitative { epochs } => {
                FeatureSet::scheme_zero_cost_quantitative(epochs)
            }
            FeatureSetSpec::SchemeCurve { epochs } => FeatureSet::scheme_curve(epochs),
            FeatureSetSpec::Sotl { epochs } => FeatureSet::sotl(epochs),
            FeatureSetSpec::CurveExtrapolation { epochs } => FeatureSet::extrapolated(epochs),
            FeatureSetSpec::Search { format, columns } => FeatureSet::search(format, columns)?,
        })
    }
}

impl fmt::Display for FeatureSetSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FeatureSetSpec::Scheme => f.write_str("Scheme"),
            FeatureSetSpec::SchemeQuantitative { epochs } => {
                write!(f, "Scheme + Quantitative {epochs} epochs")
            }
            FeatureSetSpec::SchemeZeroCost => f.write_str("Scheme + ZeroCost"),
            FeatureSetSpec::SchemeZeroCostQuantitative { epochs } => {
                write!(f, "Scheme + ZeroCost + Quantitative {epochs} epochs")
            }
            FeatureSetSpec::SchemeCurve { epochs } => write!(f, "Scheme + Curve {epochs} epochs"),
            FeatureSetSpec::Sotl { epochs } => write!(f, "SoTL {epochs} epochs"),
            FeatureSetSpec::CurveExtrapolation { epochs } => {
                write!(f, "Curve extrapolation {epochs} epochs")
            }
            FeatureSetSpec::Search { format, columns } => {
                let scheme = match format {
                    Format::V1 => 6,
                    Format::V2 => 8,
                };
                write!(f, "Scheme{scheme}")?;
                if columns.zero_cost {
                    f.write_str("+ZeroCost")?;
                }
                if columns.epochs > 0 {
                    write!(f, "+Quant.{}", columns.epochs)?;
                }
                if columns.curve {
                    f.write_str("+Curve")?;
                }
                Ok(())
            }
        }
    }
}

impl FromStr for FeatureSetSpec {
    type Err = Error;

    /// Any name of [`FEATURE_SET_NAMES`].
    fn from_str(name: &str) -> Result<FeatureSetSpec> {
        use FeatureSetSpec as S;
        let unknown = || {
            Error::InvalidInput(format!(
                "unknown feature set '{name}', expected one of: {FEATURE_SET_NAMES}"
            ))
        };
        // K >= 1 in its one decimal spelling (no sign, no leading zero).
        let epochs = |k: &str| -> Result<u32> {
            match k.parse::<u32>() {
                Ok(n) if n > MAX_EPOCHS => Err(Error::InvalidInput(format!(
                    "feature set '{name}': {n} epochs is more than a set may read \
                     (at most {MAX_EPOCHS}; the dataset decides how many it has)"
                ))),
                Ok(n) if n >= 1 && n.to_string() == k => Ok(n),
                _ => Err(unknown()),
            }
        };
        let k_epochs = |prefix: &str| {
            name.strip_prefix(prefix)
                .and_then(|r| r.strip_suffix(" epochs"))
        };
        match name {
            "Scheme" => return Ok(S::Scheme),
            "Scheme + ZeroCost" => return Ok(S::SchemeZeroCost),
            _ => {}
        }
        if let Some(k) = k_epochs("Scheme + ZeroCost + Quantitative ") {
            return Ok(S::SchemeZeroCostQuantitative { epochs: epochs(k)? });
        }
        if let Some(k) =
            k_epochs("Scheme + Quantitative ").or_else(|| name.strip_prefix("Scheme+Quant."))
        {
            return Ok(S::SchemeQuantitative { epochs: epochs(k)? });
        }
        type MakeSpec = fn(u32) -> FeatureSetSpec;
        let curve_sets: [(&str, MakeSpec); 3] = [
            ("Scheme + Curve ", |epochs| S::SchemeCurve { epochs }),
            ("SoTL ", |epochs| S::Sotl { epochs }),
            ("Curve extrapolation ", |epochs| S::CurveExtrapolation {
                epochs,
            }),
        ];
        for (prefix, make) in curve_sets {
            if let Some(k) = k_epochs(prefix) {
                return Ok(make(epochs(k)?));
            }
        }
        for (prefix, format) in [("Scheme6", Format::V1), ("Scheme8", Format::V2)] {
            if let Some(rest) = name.strip_prefix(prefix) {
                // Scheme8[+ZeroCost][+Quant.K[+Curve]], each part once, in this order.
                let (zero_cost, rest) = match rest.strip_prefix("+ZeroCost") {
                    Some(r) => (true, r),
                    None => (false, rest),
                };
                let (k, curve) = match rest.strip_prefix("+Quant.") {
                    None if rest.is_empty() => (0, false),
                    None => return Err(unknown()),
                    Some(r) => match r.strip_suffix("+Curve") {
                        Some(k) => (epochs(k)?, true),
                        None => (epochs(r)?, false),
                    },
                };
                let columns = SearchColumns {
                    zero_cost,
                    epochs: k,
                    curve,
                };
                return Ok(S::Search { format, columns });
            }
        }
        Err(unknown())
    }
}

impl serde::Serialize for FeatureSetSpec {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for FeatureSetSpec {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(name: &str) -> FeatureSetSpec {
        name.parse().unwrap()
    }

    #[test]
    fn every_spelling_names_the_set_it_builds() {
        for name in [
            "Scheme",
            "Scheme + Quantitative 3 epochs",
            "Scheme + ZeroCost",
            "Scheme + ZeroCost + Quantitative 9 epochs",
            "Scheme + Curve 6 epochs",
            "SoTL 2 epochs",
            "Curve extrapolation 12 epochs",
            "Scheme6",
            "Scheme8",
            "Scheme8+Quant.3",
            "Scheme6+ZeroCost",
            "Scheme8+ZeroCost+Quant.1",
            "Scheme8+Quant.9+Curve",
            "Scheme6+ZeroCost+Quant.3+Curve",
        ] {
            let s = spec(name);
            assert_eq!(s.to_string(), name);
            assert_eq!(s.build().unwrap().name(), name);
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(serde_json::from_str::<FeatureSetSpec>(&json).unwrap(), s);
        }
        // The NAAP-440e paper's spelling of the paper's set.
        assert_eq!(
            spec("Scheme+Quant.3"),
            FeatureSetSpec::SchemeQuantitative { epochs: 3 }
        );
        assert_eq!(
            FeatureSetSpec::all_scheme(Format::V2, 3),
            spec("Scheme8+Quant.3")
        );
    }

    #[test]
    fn malformed_names_are_refused_with_the_grammar() {
        for bad in [
            "scheme",
            "Scheme+Quant.0",
            "Scheme+Quant.03",
            "Scheme8+Quant.3+ZeroCost",
            "Scheme8+Curve",
            "Scheme7",
            "SoTL epochs",
            "",
        ] {
            let err = bad.parse::<FeatureSetSpec>().unwrap_err().to_string();
            assert!(
                err.starts_with(&format!("unknown feature set '{bad}'")),
                "{err}"
            );
            assert!(err.contains("'Scheme8+Quant.K'"), "{err}");
        }
    }
}
