//! Counting parameters and multiply-accumulates the way the published
//! dataset did.
//!
//! NAAP-440 profiled each network with thop (pytorch-OpCounter) on one
//! input image. Its rules, per module, are:
//! - Conv2d (no bias): MACs = output elements × (in_channels × k × k);
//!   params = in × out × k × k.
//! - BatchNorm2d (affine): MACs = 4 × input elements (thop counts 2 per
//!   element and doubles that for the affine scale and shift);
//!   params = 2 × channels (running statistics are buffers, not params).
//! - ReLU and the residual addition: 0 (thop does not count them).
//! - AdaptiveAvgPool2d to 1×1: MACs = (h × w + 1) × channels.
//! - Linear: MACs = in × out (bias not counted); params = in × out + out.
//!
//! A layer with kernel k, padding k / 2 and stride s maps a side of h pixels
//! to (h − 1) / s + 1 (k is odd).

use crate::{ProfileValidConfig, Result, SchemeFeatures};
use naap_space::Scheme;

/// Profiles a scheme on the configured input; fails if the scheme breaks
/// a layer rule or a count overflows.
pub fn profile(scheme: &Scheme, config: &ProfileValidConfig) -> Result<SchemeFeatures> {
    scheme.validate()?;
    let mut params = Counter::default();
    let mut macs = Counter::default();
    let mut channels = u64::from(config.input_channels());
    let mut side = u64::from(config.input_size());
    for layer in &scheme.layers {
        let (k, width) = (u64::from(layer.kernel_size), u64::from(layer.width));
        side = (side - 1) / u64::from(layer.stride) + 1;
        let out_elems = mul(&[side, side, width])?;
        // Conv without bias, then BatchNorm.
        params.add(mul(&[channels, width, k, k])?)?;
        macs.add(mul(&[out_elems, channels, k, k])?)?;
        params.add(mul(&[2, width])?)?;
        macs.add(mul(&[4, out_elems])?)?;
        channels = width;
    }
    // Global average pool, then the linear classifier.
    let classes = u64::from(config.num_classes());
    macs.add(mul(&[side * side + 1, channels])?)?;
    macs.add(mul(&[channels, classes])?)?;
    params.add(mul(&[channels, classes])?)?;
    params.add(classes)?;

    let layers = &scheme.layers;
    let count = |f: &dyn Fn(&naap_space::Layer) -> bool| layers.iter().filter(|l| f(l)).count();
    Ok(SchemeFeatures {
        num_params: params.0,
        num_macs: macs.0,
        num_layers: layers.len() as u32,
        num_stages: count(&|l| l.stride >= 2) as u32,
        first_layer_width: layers[0].width,
        last_layer_width: layers[layers.len() - 1].width,
        num_skip_connections: Some(count(&|l| l.residual) as u32),
        num_partial_rf_layers: Some(count(&|l| l.stride >= 2 && l.kernel_size == 1) as u32),
    })
}

#[derive(Default)]
struct Counter(u64);

impl Counter {
    fn add(&mut self, n: u64) -> Result<()> {
        self.0 = self
            .0
            .checked_add(n)
            .ok_or(crate::Error::Overflow("a count"))?;
        Ok(())
    }
}

fn mul(factors: &[u64]) -> Result<u64> {
    factors
        .iter()
        .try_fold(1u64, |acc, f| acc.checked_mul(*f))
        .ok_or(crate::Error::Overflow("a product"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ProfileConfig;
    use naap_space::{generate, Layer, LayerChoices, SpaceConfig};
    use proptest::prelude::*;
    use std::path::PathBuf;

    fn shared_naap440(name: &str) -> PathBuf {
        naap_testdata::naap440(name)
    }

    fn cifar() -> ProfileValidConfig {
        ProfileConfig::default().validate().unwrap()
    }

    #[test]
    fn matches_all_440_rows_of_naap440v2() {
        let schemes = naap_space::read_schemes(&shared_naap440("generated_schemes.json")).unwrap();
        let mut reader = csv::Reader::from_path(shared_naap440("naap440v2.csv")).unwrap();
        let headers = reader.headers().unwrap().clone();
        let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
        let cols = [
            "ModelId",
            "NumParams",
            "NumMACs",
            "NumLayers",
            "NumStages",
            "FirstLayerWidth",
            "LastLayerWidth",
            "NumSkipConnections",
            "NumPartialRFLayers",
        ]
        .map(col);
        let mut rows = 0;
        for record in reader.records() {
            let record = record.unwrap();
            let v: Vec<u64> = cols.iter().map(|&c| record[c].parse().unwrap()).collect();
            let p = profile(&schemes[v[0] as usize - 1], &cifar()).unwrap();
            let ours = [
                v[0],
                p.num_params,
                p.num_macs,
                p.num_layers.into(),
                p.num_stages.into(),
                p.first_layer_width.into(),
                p.last_layer_width.into(),
                p.num_skip_connections.unwrap().into(),
                p.num_partial_rf_layers.unwrap().into(),
            ];
            assert_eq!(ours.as_slice(), v.as_slice(), "ModelId {}", v[0]);
            rows += 1;
        }
        assert_eq!(rows, 440);
    }

    #[test]
    fn hand_counted_residual_scheme() {
        // 3x32x32 -> conv3 8 s1 -> conv1 8 s1 residual -> pool -> linear 10.
        let l = |kernel_size, residual| Layer {
            kernel_size,
            width: 8,
            stride: 1,
            residual,
        };
        let p = profile(
            &Scheme {
                layers: vec![l(3, false), l(1, true)],
            },
            &cifar(),
        )
        .unwrap();
        let elems = 32 * 32 * 8;
        assert_eq!(p.num_params, 3 * 8 * 9 + 16 + 8 * 8 + 16 + 8 * 10 + 10);
        assert_eq!(
            p.num_macs,
            elems * 27 + 4 * elems + elems * 8 + 4 * elems + (1024 + 1) * 8 + 80
        );
        assert_eq!((p.num_stages, p.num_skip_connections), (0, Some(1)));
    }

    #[test]
    fn rejects_invalid_scheme_and_overflow() {
        let bad = Scheme {
            layers: vec![Layer {
                kernel_size: 2,
                width: 8,
                stride: 1,
                residual: false,
            }],
        };
        assert!(profile(&bad, &cifar()).is_err());
        let huge = Scheme {
            layers: vec![
                Layer {
                    kernel_size: 3,
                    width: u32::MAX,
                    stride: 1,
                    residual: false,
                };
                3
            ],
        };
        assert!(matches!(
            profile(&huge, &cifar()),
            Err(crate::Error::Overflow(_))
        ));
        assert!(ProfileConfig {
            input_size: 0,
            ..ProfileConfig::default()
        }
        .validate()
        .is_err());
    }

    proptest! {
        #[test]
        fn every_generated_scheme_profiles_to_positive_params(
            // Kept small: a layer has up to 16 choices, so 3 layers give 4096 schemes.
            widths in prop::sample::subsequence(vec![1u32, 4, 8, 16], 1..=2),
            kernels in prop::sample::subsequence(vec![1u32, 3, 5, 7], 1..=2),
            depth in 1usize..=3,
            max_stride2_layers in 0u32..=4,
        ) {
            let layer = LayerChoices {
                kernel_sizes: kernels,
                widths,
                strides: vec![1, 2],
                residual: vec![false, true],
            };
            let space = SpaceConfig { max_stride2_layers, min_depth: 1, layers: vec![layer; depth] }
                .validate()
                .unwrap();
            for scheme in generate(&space) {
                let p = profile(&scheme, &cifar()).unwrap();
                prop_assert!(p.num_params > 0 && p.num_macs > 0);
                prop_assert_eq!(p.num_layers as usize, scheme.layers.len());
                prop_assert!(p.num_partial_rf_layers.unwrap() <= p.num_stages);
            }
        }
    }
}
