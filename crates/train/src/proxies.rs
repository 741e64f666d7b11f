//! Zero-cost proxies: scores of a scheme's network at initialisation that
//! predict its trained accuracy without training (Abdelfattah et al., "Zero-
//! Cost Proxies for Lightweight NAS", ICLR 2021; Mellor et al. 2021).
//!
//! Every score is taken from the network as `naap train` initialises it (the
//! recipe's seed, [`crate::build_model`]) on one fixed minibatch of training
//! images drawn with its own seed ([`proxy_batch`]), in training mode
//! (BatchNorm on batch statistics), on the CPU:
//!
//! - `grad_norm`: Σ over conv and linear weights of ‖∂L/∂W‖₂, L the mean
//!   cross-entropy of the batch;
//! - `snip`: Σ |W ⊙ ∂L/∂W| over the same weights;
//! - `jacob_cov`: the Jacobian covariance score of Mellor et al.'s first
//!   NASWOT paper, as zero-cost-nas computes it: J = ∂(Σ logits)/∂x per
//!   image, C = corrcoef of the rows of J, score = −Σ ln(λ + 10⁻⁵) + 1/(λ + 10⁻⁵)
//!   over C's eigenvalues λ;
//! - `synflow`: with every weight replaced by its absolute value, BatchNorm
//!   left out (zero-cost-nas' `synflow`, bn=False) and in float64, R = Σ of
//!   the logits of one all-ones image, score = Σ |W ⊙ ∂R/∂W|. It grows like
//!   a product over the layers, so its natural log is reported (`LogSynFlow`).
//!
//! dev/tools/zero_cost_reference.py recomputes all four in PyTorch from the
//! same weights and batch.

use crate::trainer::{build_model, SchemeJob};
use crate::{CifarSplit, Error, Result, SchemeNet};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use tch::{nn, Device, Kind, Tensor};

/// The `jacob_cov` eigenvalue offset of zero-cost-nas.
const JACOB_COV_K: f64 = 1e-5;

/// The four proxies of one scheme.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ZeroCostScores {
    /// ln of the synflow score.
    pub log_synflow: f64,
    /// Sum of the weight-gradient norms.
    pub grad_norm: f64,
    /// SNIP saliency summed over the weights.
    pub snip: f64,
    /// Jacobian-covariance (NASWOT v1) score.
    pub jacob_cov: f64,
}

impl ZeroCostScores {
    /// The scores in the order of `naap_dataset::ZERO_COST_COLUMNS`.
    pub fn to_array(self) -> [f64; 4] {
        [self.log_synflow, self.grad_norm, self.snip, self.jacob_cov]
    }
}

/// The fixed minibatch: `size` distinct training images drawn with `seed`
/// (ChaCha8, in draw order), normalised as for training; images `[N, 3, 32,
/// 32]` float and labels `[N]` int64 on the CPU.
pub fn proxy_batch(
    train: &CifarSplit,
    size: usize,
    seed: u64,
) -> Result<(Tensor, Tensor, Vec<usize>)> {
    if size < 2 || size > train.len() {
        return Err(Error::Config(format!(
            "proxy batch size must be in 2..={} (the training images), got {size}",
            train.len()
        )));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let picked = rand::seq::index::sample(&mut rng, train.len(), size).into_vec();
    let mut images = Vec::with_capacity(size * crate::IMAGE_BYTES);
    let mut labels = Vec::with_capacity(size);
    for &i in &picked {
        images.extend_from_slice(train.image(i));
        labels.push(train.labels()[i]);
    }
    let batch = CifarSplit::new(images, labels)?;
    let t = batch.to_tensors(Device::Cpu)?;
    // Owned tensors, as `batch` ends here: the float copy, and the labels' own copy.
    let (x, y) = (crate::normalise(&t.images)?, t.labels.copy());
    Ok((x, y, picked))
}

/// The four proxies of `job`'s network initialised with `seed`, on the batch `(x, y)`.
pub fn zero_cost_scores(
    job: &SchemeJob,
    seed: u64,
    x: &Tensor,
    y: &Tensor,
) -> Result<ZeroCostScores> {
    let (vs, net, _) = build_model(job, seed, Device::Cpu)?;
    let log_synflow = log_synflow(job, &vs)?;
    let (grad_norm, snip) = grad_norm_and_snip(&vs, &net, x, y)?;
    let jacob_cov = jacob_cov(&net, x)?;
    let scores = ZeroCostScores {
        log_synflow,
        grad_norm,
        snip,
        jacob_cov,
    };
    if let Some(bad) = scores.to_array().iter().find(|v| !v.is_finite()) {
        return Err(Error::Scheme {
            id: job.id,
            message: format!("a zero-cost proxy is not finite ({bad}): {scores:?}"),
        });
    }
    Ok(scores)
}

/// The weights the proxies sum over, in network order: every conv weight,
/// then the linear weight (BatchNorm parameters and biases are left out, as
/// in zero-cost-nas, which scores Conv2d and Linear layers only).
fn scored_weights(vs: &nn::VarStore) -> Vec<Tensor> {
    let vars = vs.variables();
    let mut names: Vec<(usize, &String)> = vars
        .keys()
        .filter_map(|n| {
            let block = n.strip_prefix("block")?.strip_suffix(".conv.weight")?;
            Some((block.parse().ok()?, n))
        })
        .collect();
    names.sort();
    let mut weights: Vec<Tensor> = names
        .iter()
        .map(|(_, n)| vars[*n].shallow_clone())
        .collect();
    weights.push(vars["fc.weight"].shallow_clone());
    weights
}

fn grad_norm_and_snip(
    vs: &nn::VarStore,
    net: &SchemeNet,
    x: &Tensor,
    y: &Tensor,
) -> Result<(f64, f64)> {
    let loss = net.forward_t(x, true)?.f_cross_entropy_loss::<Tensor>(
        y,
        None,
        tch::Reduction::Mean,
        -100,
        0.0,
    )?;
    loss.f_backward()?;
    let (mut grad_norm, mut snip) = (0.0, 0.0);
    for w in scored_weights(vs) {
        let g = w.f_grad()?;
        grad_norm += g.f_norm()?.f_double_value(&[])?;
        snip += g
            .f_mul(&w)?
            .f_abs()?
            .f_sum(Kind::Double)?
            .f_double_value(&[])?;
    }
    Ok((grad_norm, snip))
}

fn jacob_cov(net: &SchemeNet, x: &Tensor) -> Result<f64> {
    let x = x.f_detach()?.f_set_requires_grad(true)?;
    let logits = net.forward_t(&x, true)?;
    logits.f_sum(Kind::Float)?.f_backward()?;
    let n = x.size()[0];
    let jacobian = x.f_grad()?.f_reshape([n, -1])?.f_to_kind(Kind::Double)?;
    let corr = jacobian.f_corrcoef()?.f_clamp(-1.0, 1.0)?;
    let eig = corr.f_linalg_eigvalsh("L")?;
    let eig: Vec<f64> = Vec::<f64>::try_from(&eig)?;
    Ok(-eig
        .iter()
        .map(|v| (v + JACOB_COV_K).ln() + 1.0 / (v + JACOB_COV_K))
        .sum::<f64>())
}

/// synflow on float64 copies of the absolute weights, BatchNorm left out.
fn log_synflow(job: &SchemeJob, vs: &nn::VarStore) -> Result<f64> {
    let vars = vs.variables();
    let abs = |name: &str| -> Result<Tensor> {
        let t = vars.get(name).ok_or_else(|| Error::Scheme {
            id: job.id,
            message: format!("network has no variable {name}"),
        })?;
        Ok(t.f_detach()?
            .f_to_kind(Kind::Double)?
            .f_abs()?
            .f_set_requires_grad(true)?)
    };
    let mut x = Tensor::f_ones([1, 3, 32, 32], (Kind::Double, Device::Cpu))?;
    let mut weights = Vec::with_capacity(job.scheme.layers.len() + 1);
    for (i, layer) in job.scheme.layers.iter().enumerate() {
        let w = abs(&format!("block{}.conv.weight", i + 1))?;
        let k = i64::from(layer.kernel_size);
        let y = x
            .f_conv2d(
                &w,
                None::<Tensor>,
                [i64::from(layer.stride)],
                [k / 2],
                [1],
                1,
            )?
            .f_relu()?;
        x = if layer.residual { y.f_add(&x)? } else { y };
        weights.push(w);
    }
    let fc_w = abs("fc.weight")?;
    let fc_b = abs("fc.bias")?;
    let pooled = x.f_adaptive_avg_pool2d([1, 1])?.f_flatten(1, -1)?;
    let out = pooled.f_linear(&fc_w, Some(&fc_b))?;
    out.f_sum(Kind::Double)?.f_backward()?;
    weights.push(fc_w);
    let mut score = 0.0;
    for w in &weights {
        score += w
            .f_grad()?
            .f_mul(w)?
            .f_abs()?
            .f_sum(Kind::Double)?
            .f_double_value(&[])?;
    }
    Ok(score.ln())
}

/// One scheme's proxies and how long they took.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemeProxies {
    /// 1-based scheme id (the ModelId).
    pub id: naap_space::ModelId,
    /// The four scores.
    pub scores: ZeroCostScores,
    /// Wall time of the four, in seconds.
    pub secs: f64,
}

/// The proxies of every job, in job order, on one batch of `batch` training
/// images drawn with `seed`, each network initialised with `seed`, on
/// `threads` libtorch threads (default: libtorch's); `on_done` is called after each scheme. Fails on the first scheme that
/// cannot be scored (a broken scheme), so no partial table is returned.
pub fn zero_cost_for_schemes(
    jobs: &[SchemeJob],
    train: &CifarSplit,
    batch: usize,
    seed: u64,
    threads: Option<usize>,
    on_done: &dyn Fn(&SchemeProxies),
) -> Result<Vec<SchemeProxies>> {
    if let Some(n) = threads {
        tch::set_num_threads(n as i32);
    }
    let (x, y, _) = proxy_batch(train, batch, seed)?;
    jobs.iter()
        .map(|job| {
            let start = std::time::Instant::now();
            let scores = zero_cost_scores(job, seed, &x, &y)?;
            let done = SchemeProxies {
                id: job.id,
                scores,
                secs: start.elapsed().as_secs_f64(),
            };
            on_done(&done);
            Ok(done)
        })
        .collect()
}

/// The proxies as CSV: `ModelId` then `naap_dataset::ZERO_COST_COLUMNS`,
/// floats in shortest round-trip form, `\n` line ends.
pub fn proxies_csv(rows: &[SchemeProxies]) -> String {
    let mut out = String::from("ModelId,");
    out.push_str(&naap_dataset::ZERO_COST_COLUMNS.join(","));
    out.push('\n');
    for r in rows {
        out.push_str(&r.id.to_string());
        for v in r.scores.to_array() {
            out.push(',');
            out.push_str(&naap_dataset::py_repr(v));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use naap_space::{Layer, Scheme};

    fn job(id: u32, layers: &[(u32, u32, u32, bool)]) -> SchemeJob {
        SchemeJob {
            id: naap_space::ModelId::new(id).unwrap(),
            scheme: Scheme {
                layers: layers
                    .iter()
                    .map(|&(kernel_size, width, stride, residual)| Layer {
                        kernel_size,
                        width,
                        stride,
                        residual,
                    })
                    .collect(),
            },
            macs: 0,
        }
    }

    /// 40 random images in 10 classes.
    fn split() -> CifarSplit {
        let n = 40;
        let images = (0..n * crate::IMAGE_BYTES)
            .map(|i| ((i * 7919) % 251) as u8)
            .collect();
        CifarSplit::new(images, (0..n).map(|i| (i % 10) as u8).collect()).unwrap()
    }

    #[test]
    fn the_batch_is_fixed_by_its_seed() {
        let train = split();
        let (x1, y1, p1) = proxy_batch(&train, 8, 5).unwrap();
        let (x2, _, p2) = proxy_batch(&train, 8, 5).unwrap();
        let (_, _, p3) = proxy_batch(&train, 8, 6).unwrap();
        assert_eq!(p1, p2);
        assert_ne!(p1, p3);
        assert!(x1.equal(&x2));
        assert_eq!(y1.size(), [8]);
        let mut unique = p1.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), 8);
        assert!(proxy_batch(&train, 41, 5).is_err());
        assert!(proxy_batch(&train, 1, 5).is_err());
    }

    #[test]
    fn synflow_of_a_one_layer_net_is_its_closed_form() {
        // One 1x1 conv (width 4) + pool + fc: R = Σ_c Σ_k |fc_kc| (Σ_i |W_ci|)
        // + Σ|b| on an all-ones image, so Σ|W ⊙ ∂R/∂W| over conv and fc
        // weights is 2 Σ_{k,c} |fc_kc| Σ_i |W_ci|.
        let j = job(1, &[(1, 4, 1, false)]);
        let (vs, _, _) = build_model(&j, 3, Device::Cpu).unwrap();
        let vars = vs.variables();
        let w = vars["block1.conv.weight"]
            .abs()
            .to_kind(Kind::Double)
            .reshape([4, 3]);
        let fc = vars["fc.weight"].abs().to_kind(Kind::Double);
        let per_channel = w.sum_dim_intlist([1i64].as_slice(), false, Kind::Double);
        let expected = 2.0 * fc.matmul(&per_channel).sum(Kind::Double).double_value(&[]);
        let got = log_synflow(&j, &vs).unwrap();
        assert!(
            (got - expected.ln()).abs() < 1e-12,
            "{got} vs {}",
            expected.ln()
        );
    }

    #[test]
    fn scores_are_finite_repeatable_and_seeded() {
        let train = split();
        let (x, y, _) = proxy_batch(&train, 16, 1).unwrap();
        let j = job(3, &[(3, 8, 2, false), (3, 8, 1, true), (1, 16, 2, false)]);
        let a = zero_cost_scores(&j, 11, &x, &y).unwrap();
        let b = zero_cost_scores(&j, 11, &x, &y).unwrap();
        let c = zero_cost_scores(&j, 12, &x, &y).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(a.grad_norm > 0.0 && a.snip > 0.0);
        let csv = proxies_csv(&[SchemeProxies {
            id: naap_space::ModelId::new(3).unwrap(),
            scores: a,
            secs: 0.0,
        }]);
        assert!(csv.starts_with("ModelId,LogSynFlow,GradNorm,Snip,JacobCov\n3,"));
        assert_eq!(csv.lines().nth(1).unwrap().split(',').count(), 5);
    }
}
