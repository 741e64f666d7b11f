//! The network of a scheme, as in the paper: per layer Conv2d(k, stride,
//! padding k/2, no bias) → BatchNorm2d → ReLU, plus the block input after the
//! ReLU where the layer is residual; then adaptive average pooling and
//! Linear(last width, 10).
//!
//! Init follows the paper's PyTorch code: conv weights kaiming-normal
//! (fan_out, ReLU gain), BatchNorm weight 1 and bias 0, linear weight
//! N(0, 0.01) and bias 0. Variables are named by position: `block1.conv.weight`,
//! `block1.bn.running_mean`, …, `fc.weight`.

use crate::{Error, Result};
use naap_space::Scheme;
use tch::nn::init::{FanInOut, NonLinearity, NormalOrUniform};
use tch::nn::{self, Init};
use tch::Tensor;

/// Input channels of CIFAR-10 images.
const INPUT_CHANNELS: i64 = 3;
/// Output classes.
const NUM_CLASSES: i64 = 10;
/// PyTorch's BatchNorm2d defaults: running-statistics momentum and epsilon.
const BN_MOMENTUM: f64 = 0.1;
const BN_EPS: f64 = 1e-5;

struct Block {
    conv: nn::Conv2D,
    bn: nn::BatchNorm,
    stride: i64,
    padding: i64,
    residual: bool,
}

/// A scheme's CNN; its variables live in the `VarStore` it was built in.
pub struct SchemeNet {
    blocks: Vec<Block>,
    fc: nn::Linear,
}

impl SchemeNet {
    /// Builds the network of scheme `id` under `root`, initialising its variables.
    ///
    /// Fails when a residual layer would add tensors of different shapes.
    pub fn new(root: &nn::Path<'_>, id: naap_space::ModelId, scheme: &Scheme) -> Result<SchemeNet> {
        let mut blocks = Vec::with_capacity(scheme.layers.len());
        let mut channels = INPUT_CHANNELS;
        for (i, layer) in scheme.layers.iter().enumerate() {
            let (k, width, stride) = (
                layer.kernel_size as i64,
                layer.width as i64,
                layer.stride as i64,
            );
            if layer.residual && (stride != 1 || width != channels) {
                return Err(Error::Scheme {
                    id,
                    message: format!(
                        "layer {} is residual but maps {channels} to {width} channels with stride {stride}",
                        i + 1
                    ),
                });
            }
            let path = root / format!("block{}", i + 1);
            let conv_config = nn::ConvConfig {
                stride,
                padding: k / 2,
                bias: false,
                ws_init: Init::Kaiming {
                    dist: NormalOrUniform::Normal,
                    fan: FanInOut::FanOut,
                    non_linearity: NonLinearity::ReLU,
                },
                ..Default::default()
            };
            let bn_config = nn::BatchNormConfig {
                momentum: BN_MOMENTUM,
                eps: BN_EPS,
                ws_init: Init::Const(1.0),
                bs_init: Init::Const(0.0),
                ..Default::default()
            };
            blocks.push(Block {
                conv: nn::conv2d(&path / "conv", channels, width, k, conv_config),
                bn: nn::batch_norm2d(&path / "bn", width, bn_config),
                stride,
                padding: k / 2,
                residual: layer.residual,
            });
            channels = width;
        }
        let fc_config = nn::LinearConfig {
            ws_init: Init::Randn {
                mean: 0.0,
                stdev: 0.01,
            },
            bs_init: Some(Init::Const(0.0)),
            bias: true,
        };
        let fc = nn::linear(root / "fc", channels, NUM_CLASSES, fc_config);
        Ok(SchemeNet { blocks, fc })
    }

    /// Logits for a batch; `train` selects batch statistics (and updates the
    /// running ones) versus the running statistics of eval mode.
    pub fn forward_t(&self, xs: &Tensor, train: bool) -> Result<Tensor> {
        // xs: [N, 3, 32, 32]
        let mut x = xs.shallow_clone();
        for b in &self.blocks {
            let y = x
                .f_conv2d(&b.conv.ws, None::<Tensor>, [b.stride], [b.padding], [1], 1)?
                // [N, width, H / stride, W / stride]
                .f_batch_norm(
                    b.bn.ws.as_ref(),
                    b.bn.bs.as_ref(),
                    Some(&b.bn.running_mean),
                    Some(&b.bn.running_var),
                    train,
                    BN_MOMENTUM,
                    BN_EPS,
                    true,
                )?
                .f_relu()?;
            x = if b.residual { y.f_add(&x)? } else { y };
        }
        // x: [N, C, h, w] -> [N, C, 1, 1] -> [N, C] -> [N, 10]
        let pooled = x.f_adaptive_avg_pool2d([1, 1])?.f_flatten(1, -1)?;
        Ok(pooled.f_linear(&self.fc.ws, self.fc.bs.as_ref())?)
    }
}

/// Number of trainable parameters in a var store (the profiler's NumParams).
pub fn num_params(vs: &nn::VarStore) -> i64 {
    vs.trainable_variables()
        .iter()
        .map(|t| t.numel() as i64)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use naap_space::Layer;

    fn layer(k: u32, width: u32, stride: u32, residual: bool) -> Layer {
        Layer {
            kernel_size: k,
            width,
            stride,
            residual,
        }
    }

    #[test]
    fn scheme_one_has_the_published_parameter_count_and_names() {
        let scheme = Scheme {
            layers: vec![
                layer(3, 12, 2, false),
                layer(3, 16, 2, false),
                layer(1, 16, 1, false),
            ],
        };
        let vs = nn::VarStore::new(tch::Device::Cpu);
        let net =
            SchemeNet::new(&vs.root(), naap_space::ModelId::new(1).unwrap(), &scheme).unwrap();
        assert_eq!(num_params(&vs), 2566);
        let names = vs.variables();
        for n in ["block1.conv.weight", "block3.bn.running_var", "fc.bias"] {
            assert!(names.contains_key(n), "{n} missing from {:?}", names.keys());
        }
        let logits = net
            .forward_t(&Tensor::zeros([2, 3, 32, 32], tch::kind::FLOAT_CPU), true)
            .unwrap();
        assert_eq!(logits.size(), [2, 10]);
    }

    #[test]
    fn a_residual_over_a_shape_change_is_an_error_not_a_panic() {
        let scheme = Scheme {
            layers: vec![layer(3, 8, 1, true)],
        };
        let vs = nn::VarStore::new(tch::Device::Cpu);
        let err = SchemeNet::new(&vs.root(), naap_space::ModelId::new(7).unwrap(), &scheme)
            .err()
            .unwrap();
        assert!(
            err.to_string().starts_with("scheme 7: layer 1 is residual"),
            "{err}"
        );
    }

    #[test]
    fn init_follows_the_paper() {
        tch::manual_seed(1);
        let scheme = Scheme {
            layers: vec![layer(3, 64, 1, false)],
        };
        let vs = nn::VarStore::new(tch::Device::Cpu);
        SchemeNet::new(&vs.root(), naap_space::ModelId::new(1).unwrap(), &scheme).unwrap();
        let v = vs.variables();
        // kaiming-normal, fan_out = 64 * 3 * 3: std = sqrt(2 / 576) ≈ 0.0589.
        let std = v["block1.conv.weight"].std(true).double_value(&[]);
        assert!(
            (std - (2.0f64 / 576.0).sqrt()).abs() < 0.005,
            "conv std {std}"
        );
        let fc_std = v["fc.weight"].std(true).double_value(&[]);
        assert!((fc_std - 0.01).abs() < 0.003, "fc std {fc_std}");
        assert_eq!(
            v["block1.bn.weight"]
                .mean(tch::Kind::Float)
                .double_value(&[]),
            1.0
        );
        assert_eq!(
            v["fc.bias"].abs().sum(tch::Kind::Float).double_value(&[]),
            0.0
        );
    }
}
