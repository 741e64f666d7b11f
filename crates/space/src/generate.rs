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
/// refuses those before allocating them, and [`write_generated_json`]
/// writes them without holding them.
pub fn generate(space: &SpaceValidConfig) -> Vec<Scheme> {
    let mut out = Vec::new();
    for_each_scheme(space, &mut |layers: &[Layer]| {
        out.push(Scheme {
            layers: layers.to_vec(),
        });
        true
    });
    out
}

/// [`generate`], refused with [`Error::Invalid`] when the space has more
/// than `max` schemes (see [`count_at_most`]).
pub fn generate_at_most(space: &SpaceValidConfig, max: usize) -> Result<Vec<Scheme>> {
    count_at_most(space, max)?;
    Ok(generate(space))
}

/// How many schemes the space has, refused with [`Error::Invalid`] when
/// more than `max`. Counting stores nothing and stops at `max + 1`, so the
/// refusal costs little time and no memory.
pub fn count_at_most(space: &SpaceValidConfig, max: usize) -> Result<usize> {
    let mut count = 0usize;
    for_each_scheme(space, &mut |_: &[Layer]| {
        count += 1;
        count <= max
    });
    if count > max {
        return Err(Error::Invalid(format!(
            "the space has more than {max} schemes; narrow its choices or raise the limit \
             (--max-schemes)"
        )));
    }
    Ok(count)
}

/// Writes every scheme of the space to `w` as [`crate::to_published_json`]
/// lays them out, one scheme at a time: memory stays that of one scheme
/// however large the output. Returns how many were written.
pub fn write_generated_json(
    space: &SpaceValidConfig,
    w: &mut dyn std::io::Write,
) -> std::io::Result<usize> {
    let mut count = 0usize;
    let mut failed = None;
    for_each_scheme(space, &mut |layers: &[Layer]| {
        let sep: &[u8] = if count == 0 { b"[" } else { b"," };
        let written = w
            .write_all(sep)
            .and_then(|_| crate::schemes_file::write_published_scheme(layers, w));
        count += 1;
        match written {
            Ok(()) => true,
            Err(e) => {
                failed = Some(e);
                false
            }
        }
    });
    if let Some(e) = failed {
        return Err(e);
    }
    w.write_all(if count == 0 { b"[]" } else { b"\r\n]" })?;
    Ok(count)
}

/// Depth-first search over the per-layer choices, with an explicit stack
/// (a 50,000-layer space must not overflow the call stack); `visit` gets
/// every scheme and returns false to stop the search. Returns false once
/// stopped.
fn for_each_scheme(space: &SpaceValidConfig, visit: &mut dyn FnMut(&[Layer]) -> bool) -> bool {
    // The choices of each position, flattened in the published order:
    // kernel size, then width, then stride, then residual.
    let options: Vec<Vec<Layer>> = space
        .layers()
        .iter()
        .map(|c| {
            let mut v = Vec::new();
            for &kernel_size in &c.kernel_sizes {
                for &width in &c.widths {
                    for &stride in &c.strides {
                        for &residual in &c.residual {
                            v.push(Layer {
                                kernel_size,
                                width,
                                stride,
                                residual,
                            });
                        }
                    }
                }
            }
            v
        })
        .collect();
    // prefix[d] is the layer at position d; next[d] the next option to try
    // there; strided[d] the strided layers among prefix[..d].
    let mut prefix: Vec<Layer> = Vec::with_capacity(options.len());
    let mut next: Vec<usize> = vec![0];
    let mut strided: Vec<u32> = vec![0];
    while let Some(&i) = next.last() {
        let depth = next.len() - 1;
        let Some(layer) = options.get(depth).and_then(|o| o.get(i)).copied() else {
            // This position is exhausted (or past the last layer): back up.
            next.pop();
            strided.pop();
            prefix.pop();
            continue;
        };
        *next.last_mut().expect("not empty") += 1;
        let s = strided[depth] + u32::from(layer.stride > 1);
        if s > space.max_stride2_layers() || layer.validate_residual(prefix.last()).is_err() {
            continue;
        }
        prefix.push(layer);
        if prefix.len() >= space.min_depth() && !visit(&prefix) {
            return false;
        }
        next.push(0);
        strided.push(s);
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
                prop_assert_eq!(parse_schemes(&text).unwrap(), schemes.clone());
            }
            // Streamed, the bytes are those of the list built in memory.
            let mut streamed = Vec::new();
            prop_assert_eq!(write_generated_json(&space, &mut streamed).unwrap(), schemes.len());
            prop_assert!(streamed == to_published_json(&schemes), "streamed bytes differ");
        }
    }

    /// `n` one-choice layers (kernel 1, width 4, stride 1, no residual).
    fn one_choice_layers(n: usize, min_depth: u32) -> SpaceValidConfig {
        let layer = LayerChoices {
            kernel_sizes: vec![1],
            widths: vec![4],
            strides: vec![1],
            residual: vec![false],
        };
        SpaceConfig {
            max_stride2_layers: 0,
            min_depth,
            layers: vec![layer; n],
        }
        .validate()
        .unwrap()
    }

    #[test]
    fn deep_and_long_spaces_are_generated_iteratively_and_streamed() {
        // (layers, min_depth, schemes): a recursion one frame per layer
        // overflowed the test thread's stack at this depth.
        for (layers, min_depth, want) in [(50_000, 50_000, 1), (1_000, 1, 1_000), (4, 3, 2)] {
            let space = one_choice_layers(layers, min_depth);
            assert_eq!(count_at_most(&space, DEFAULT_MAX_SCHEMES).unwrap(), want);
            // Streaming holds one scheme, not the output: count the bytes only.
            struct Counter(u64);
            impl std::io::Write for Counter {
                fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                    self.0 += b.len() as u64;
                    Ok(b.len())
                }
                fn flush(&mut self) -> std::io::Result<()> {
                    Ok(())
                }
            }
            let mut bytes = Counter(0);
            assert_eq!(write_generated_json(&space, &mut bytes).unwrap(), want);
            if layers == 4 {
                let mut streamed = Vec::new();
                write_generated_json(&space, &mut streamed).unwrap();
                assert!(streamed == to_published_json(&generate(&space)));
            }
        }
    }

    #[test]
    fn a_space_over_the_limit_is_refused_before_it_is_built() {
        let space = SpaceConfig::default().validate().unwrap();
        assert_eq!(generate_at_most(&space, 440).unwrap(), generate(&space));
        let err = generate_at_most(&space, 439).unwrap_err();
        assert!(err.to_string().contains("more than 439 schemes"), "{err}");
        assert!(err.is_bad_input());
    }
}
