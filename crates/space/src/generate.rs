//! Enumerating a space: depth-first search over the per-layer choices.
//!
//! The order reproduces the published `generated_schemes.json`: at each
//! position the choices are tried kernel size first, then width, then
//! stride, then residual, each in the order the config lists them; a scheme
//! is emitted as soon as it reaches `min_depth`, before its deeper
//! extensions.

use crate::{Error, Layer, Result, Scheme, SpaceValidConfig};

/// The most schemes [`generate_at_most`] enumerates unless told otherwise:
/// far above any space trained in full, far below what exhausts memory.
pub const DEFAULT_MAX_SCHEMES: usize = 1_000_000;

/// Every scheme of the space, in the published order.
///
/// A scheme is kept when it has at most `max_stride2_layers` layers with
/// stride above 1 and every residual joins layers of equal width at stride 1.
/// The result may be empty (e.g. if every first-layer choice is residual).
/// A config can describe astronomically many schemes; [`generate_at_most`]
/// refuses those before allocating them.
pub fn generate(space: &SpaceValidConfig) -> Vec<Scheme> {
    let mut out = Vec::new();
    let mut prefix = Vec::with_capacity(space.max_depth());
    extend(space, &mut prefix, 0, &mut |layers: &[Layer]| {
        out.push(Scheme {
            layers: layers.to_vec(),
        });
        true
    });
    out
}

/// [`generate`], refused with [`Error::Invalid`] when the space has more
/// than `max` schemes. The schemes are counted first, without being stored,
/// and counting stops at `max + 1`, so the refusal costs little time and no
/// memory.
pub fn generate_at_most(space: &SpaceValidConfig, max: usize) -> Result<Vec<Scheme>> {
    let mut count = 0usize;
    let mut prefix = Vec::with_capacity(space.max_depth());
    extend(space, &mut prefix, 0, &mut |_: &[Layer]| {
        count += 1;
        count <= max
    });
    if count > max {
        return Err(Error::Invalid(format!(
            "the space has more than {max} schemes; narrow its choices or raise the limit \
             (--max-schemes)"
        )));
    }
    Ok(generate(space))
}

/// Depth-first search below `prefix`; `visit` gets every scheme and returns
/// false to stop the search. Returns false once stopped.
fn extend(
    space: &SpaceValidConfig,
    prefix: &mut Vec<Layer>,
    strided: u32,
    visit: &mut dyn FnMut(&[Layer]) -> bool,
) -> bool {
    let Some(choices) = space.layers().get(prefix.len()) else {
        return true;
    };
    for &kernel_size in &choices.kernel_sizes {
        for &width in &choices.widths {
            for &stride in &choices.strides {
                let strided = strided + u32::from(stride > 1);
                if strided > space.max_stride2_layers() {
                    continue;
                }
                for &residual in &choices.residual {
                    let layer = Layer {
                        kernel_size,
                        width,
                        stride,
                        residual,
                    };
                    if layer.validate_residual(prefix.last()).is_err() {
                        continue;
                    }
                    prefix.push(layer);
                    let go_on = (prefix.len() < space.min_depth() || visit(prefix))
                        && extend(space, prefix, strided, visit);
                    prefix.pop();
                    if !go_on {
                        return false;
                    }
                }
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_schemes, to_published_json, LayerChoices, SpaceConfig};
    use proptest::prelude::*;
    use std::collections::HashSet;
    use std::path::PathBuf;

    fn shared_naap440(name: &str) -> PathBuf {
        naap_testdata::naap440(name)
    }

    #[test]
    fn default_space_is_the_published_file_byte_for_byte() {
        let space = SpaceConfig::default().validate().unwrap();
        let schemes = generate(&space);
        assert_eq!(schemes.len(), 440);
        let published = std::fs::read(shared_naap440("generated_schemes.json")).unwrap();
        assert_eq!(
            parse_schemes(std::str::from_utf8(&published).unwrap()).unwrap(),
            schemes
        );
        assert!(to_published_json(&schemes) == published, "bytes differ");
    }

    #[test]
    fn stride_limit_and_min_depth_hold() {
        let config = SpaceConfig {
            max_stride2_layers: 2,
            min_depth: 4,
            ..SpaceConfig::default()
        };
        let schemes = generate(&config.validate().unwrap());
        assert!(!schemes.is_empty());
        for s in &schemes {
            assert_eq!(s.layers.len(), 4);
            assert!(s.num_downsampling_layers() <= 2);
        }
    }

    fn small_space() -> impl Strategy<Value = SpaceConfig> {
        let layer = (
            prop::sample::subsequence(vec![1u32, 3, 5], 1..=3),
            prop::sample::subsequence(vec![4u32, 8, 16], 1..=3),
            prop::sample::subsequence(vec![1u32, 2, 3], 1..=3),
            prop::sample::subsequence(vec![false, true], 1..=2),
        )
            .prop_map(|(kernel_sizes, widths, strides, residual)| LayerChoices {
                kernel_sizes,
                widths,
                strides,
                residual,
            });
        (prop::collection::vec(layer, 1..=3), 0u32..=3, 1u32..=3).prop_map(
            |(layers, max_stride2_layers, min_depth)| SpaceConfig {
                min_depth: min_depth.min(layers.len() as u32),
                max_stride2_layers,
                layers,
            },
        )
    }

    proptest! {
        #[test]
        fn generated_schemes_obey_the_space(config in small_space()) {
            let space = config.validate().unwrap();
            let schemes = generate(&space);
            let distinct: HashSet<_> = schemes.iter().collect();
            prop_assert_eq!(distinct.len(), schemes.len());
            for s in &schemes {
                prop_assert!(s.validate().is_ok());
                prop_assert!(s.layers.len() >= space.min_depth());
                prop_assert!(s.layers.len() <= space.max_depth());
                prop_assert!(s.num_downsampling_layers() as u32 <= space.max_stride2_layers());
            }
            if !schemes.is_empty() {
                let text = String::from_utf8(to_published_json(&schemes)).unwrap();
                prop_assert_eq!(parse_schemes(&text).unwrap(), schemes);
            }
        }
    }

    #[test]
    fn issue12_a_space_over_the_limit_is_refused_before_it_is_built() {
        let space = SpaceConfig::default().validate().unwrap();
        assert_eq!(generate_at_most(&space, 440).unwrap(), generate(&space));
        let err = generate_at_most(&space, 439).unwrap_err();
        assert!(err.to_string().contains("more than 439 schemes"), "{err}");
        assert!(err.is_bad_input());
    }
}
