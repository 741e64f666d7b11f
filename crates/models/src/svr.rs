//! ε-support-vector regression as scikit-learn's `SVR(C=0.1,
//! epsilon=0.001, gamma='scale', degree=3, coef0=0)`, which is libsvm
//! (Chang & Lin 2011, <https://doi.org/10.1145/1961189.1961199>).
//!
//! The dual is solved with libsvm's SMO: second-order working-set
//! selection (Fan, Chen & Lin 2005), stopping tolerance 1e-3, the bias from
//! the free support vectors. The kernel matrix of the training rows is
//! computed once and kept in `f32`, as libsvm's kernel cache does, which
//! keeps the iterates close to libsvm's, and libsvm's shrinking heuristic
//! is followed step by step.

use ndarray::{Array2, ArrayView1, ArrayView2};

use crate::input::{check_fit, check_predict};
use crate::numeric::numpy_var;
use crate::saved::{check_finite, corrupt, FittedModel};
use crate::{FittedRegressor, Regressor, Result};

/// Box constraint `C`.
const C: f64 = 0.1;
/// Half-width `ε` of the insensitive tube.
const EPSILON: f64 = 0.001;
/// Stopping tolerance on the maximal KKT violation.
const TOL: f64 = 1e-3;
/// libsvm's floor for a non-positive curvature.
const TAU: f64 = 1e-12;

/// The kernel of an [`Svr`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kernel {
    /// `exp(−γ‖a − b‖²)`.
    Rbf,
    /// `(γ a·b)³` (degree 3, coef0 0).
    Polynomial,
    /// `a·b`.
    Linear,
}

impl Kernel {
    pub(crate) fn model_name(self) -> &'static str {
        match self {
            Self::Rbf => "SVR (RBF kernel)",
            Self::Polynomial => "SVR (Polynomial kernel)",
            Self::Linear => "SVR (Linear kernel)",
        }
    }
}

/// A kernel with its fitted `γ`.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct KernelFn {
    kernel: Kernel,
    gamma: f64,
}

impl KernelFn {
    /// The kernel of two rows given their dot product and squared norms;
    /// this is how libsvm evaluates it on training rows.
    fn of_dot(self, dot: f64, sq_a: f64, sq_b: f64) -> f64 {
        match self.kernel {
            Kernel::Rbf => (-self.gamma * (sq_a + sq_b - 2.0 * dot)).exp(),
            // libsvm's `powi`: b · (b · b).
            Kernel::Polynomial => {
                let b = self.gamma * dot;
                b * (b * b)
            }
            Kernel::Linear => dot,
        }
    }

    /// The kernel of two rows, evaluated as libsvm does at prediction.
    fn eval(self, a: ArrayView1<'_, f64>, b: ArrayView1<'_, f64>) -> f64 {
        match self.kernel {
            Kernel::Rbf => {
                let d2 = a
                    .iter()
                    .zip(b.iter())
                    .fold(0.0, |acc, (x, y)| acc + (x - y) * (x - y));
                (-self.gamma * d2).exp()
            }
            _ => self.of_dot(dot(a, b), 0.0, 0.0),
        }
    }
}

/// ε-SVR with `C = 0.1`, `ε = 0.001` and the given kernel; `γ = 1 / (p ·
/// Var(X))` over all training values (scikit-learn's `gamma='scale'`).
#[derive(Debug, Clone)]
pub struct Svr {
    kernel: Kernel,
}

impl Svr {
    /// An SVR with this kernel, named e.g. `SVR (RBF kernel)`.
    pub fn new(kernel: Kernel) -> Self {
        Self { kernel }
    }
}

impl Regressor for Svr {
    fn name(&self) -> &str {
        self.kernel.model_name()
    }

    fn uses_seed(&self) -> bool {
        false
    }

    // A linear or cubic decision function keeps growing outside the data;
    // the RBF one decays to the bias.
    fn extrapolates(&self) -> bool {
        self.kernel != Kernel::Rbf
    }

    fn hyper_parameters(&self) -> serde_json::Value {
        serde_json::json!({
            "kernel": self.kernel,
            "C": C,
            "epsilon": EPSILON,
            "tol": TOL,
            "gamma": "scale",
            "degree": 3,
            "coef0": 0.0,
        })
    }

    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, f64>,
        _seed: u64,
    ) -> Result<Box<dyn FittedRegressor>> {
        check_fit(self.name(), x, y)?;
        let kernel = KernelFn {
            kernel: self.kernel,
            gamma: scale_gamma(x),
        };
        let (gram, diag) = gram_matrix(kernel, x);
        let (coef, rho) = Smo::new(&gram, &diag, y).solve();
        let support: Vec<usize> = (0..coef.len()).filter(|&i| coef[i] != 0.0).collect();
        Ok(Box::new(SupportVectors {
            kernel,
            vectors: x.select(ndarray::Axis(0), &support),
            coef: support.iter().map(|&i| coef[i]).collect(),
            rho,
        }))
    }
}

/// ν-support-vector regression with an RBF kernel, as scikit-learn's
/// `NuSVR(C, nu, kernel='rbf', gamma)` (libsvm's `Solver_NU`): `ν` in (0, 1]
/// bounds the fraction of support vectors from below and of errors outside
/// the tube from above, and the tube width follows from the data.
#[derive(Debug, Clone, PartialEq)]
pub struct NuSvr {
    c: f64,
    nu: f64,
    gamma: Option<f64>,
}

impl NuSvr {
    /// ν-SVR with box `c > 0`, `nu` in (0, 1] and RBF `gamma > 0`, or
    /// scikit-learn's `gamma='scale'` for `None`.
    pub fn new(c: f64, nu: f64, gamma: Option<f64>) -> Result<Self> {
        let ok = c > 0.0
            && c.is_finite()
            && nu > 0.0
            && nu <= 1.0
            && gamma.is_none_or(|g| g > 0.0 && g.is_finite());
        if !ok {
            return Err(crate::Error::InvalidInput(format!(
                "nu-SVR needs C > 0, nu in (0, 1] and gamma > 0; got C = {c}, nu = {nu}, gamma = {gamma:?}"
            )));
        }
        Ok(Self { c, nu, gamma })
    }

    /// Fits and returns the typed model (the [`Regressor`] impl boxes it).
    pub fn fit_typed(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, f64>,
    ) -> Result<SupportVectors> {
        check_fit("Nu-SVR (RBF kernel)", x, y)?;
        let kernel = KernelFn {
            kernel: Kernel::Rbf,
            gamma: self.gamma.unwrap_or_else(|| scale_gamma(x)),
        };
        let (gram, diag) = gram_matrix(kernel, x);
        let (coef, rho) = Smo::new_nu(&gram, &diag, y, self.c, self.nu).solve();
        let support: Vec<usize> = (0..coef.len()).filter(|&i| coef[i] != 0.0).collect();
        Ok(SupportVectors {
            kernel,
            vectors: x.select(ndarray::Axis(0), &support),
            coef: support.iter().map(|&i| coef[i]).collect(),
            rho,
        })
    }
}

impl Regressor for NuSvr {
    fn name(&self) -> &str {
        "Nu-SVR (RBF kernel)"
    }

    fn uses_seed(&self) -> bool {
        false
    }

    fn fit(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView1<'_, f64>,
        _seed: u64,
    ) -> Result<Box<dyn FittedRegressor>> {
        Ok(Box::new(self.fit_typed(x, y)?))
    }
}

/// A dot product summed left to right, as the BLAS `ddot` libsvm calls
/// does for short vectors; the kernel values then match scikit-learn's to
/// the last bit for up to 15 features (a blocked sum would not), and the
/// solver takes the same path.
fn dot(a: ArrayView1<'_, f64>, b: ArrayView1<'_, f64>) -> f64 {
    a.iter().zip(b.iter()).fold(0.0, |acc, (x, y)| acc + x * y)
}

/// `1 / (p · Var(X))`, or 1 when every value is equal, as scikit-learn.
fn scale_gamma(x: ArrayView2<'_, f64>) -> f64 {
    let values: Vec<f64> = x.iter().copied().collect();
    let var = numpy_var(&values);
    if var == 0.0 {
        1.0
    } else {
        1.0 / (x.ncols() as f64 * var)
    }
}

/// The kernel matrix of the training rows, rounded to `f32` like libsvm's
/// cache, and its diagonal in full precision (libsvm's `QD`).
fn gram_matrix(kernel: KernelFn, x: ArrayView2<'_, f64>) -> (Array2<f32>, Vec<f64>) {
    let n = x.nrows();
    let sq: Vec<f64> = x.rows().into_iter().map(|r| dot(r, r)).collect();
    let mut gram = Array2::zeros((n, n));
    for i in 0..n {
        for j in 0..=i {
            let k = kernel.of_dot(dot(x.row(i), x.row(j)), sq[i], sq[j]) as f32;
            gram[[i, j]] = k;
            gram[[j, i]] = k;
        }
    }
    let diag = (0..n).map(|i| kernel.of_dot(sq[i], sq[i], sq[i])).collect();
    (gram, diag)
}

/// libsvm's SMO on the ε-SVR dual with `2l` variables: `α_k` (label +1)
/// and `α*_k` (label −1) for each training row `k`, `Q_ij = y_i y_j K`.
///
/// Variables live at positions that shrinking permutes, exactly as in
/// libsvm's `Solver`: positions `0..active` are the active set, and
/// `row`, `sign` and `var` say which training row, label and original
/// variable each position holds. Following libsvm step by step (including
/// its tie-breaking by position) keeps the result within rounding of
/// scikit-learn's.
struct Smo<'a> {
    /// The box constraint `C`.
    c: f64,
    /// libsvm's `Solver_NU` (ν-SVR) instead of `Solver` (ε-SVR): working
    /// pairs, shrinking and `ρ` are taken per label.
    nu: bool,
    /// The kernel matrix, row-major `rows × rows`.
    gram: &'a [f32],
    rows: usize,
    l: usize,
    active: usize,
    unshrink: bool,
    row: Vec<usize>,
    sign: Vec<f64>,
    var: Vec<usize>,
    alpha: Vec<f64>,
    grad: Vec<f64>,
    /// `Σ_{j at the upper bound} C Q_ij`, to rebuild shrunk gradients.
    grad_bar: Vec<f64>,
    /// The linear term: `ε − y_k`, then `ε + y_k`.
    linear: Vec<f64>,
    /// `Q_ii = K_ii`, in full precision as libsvm's `QD`.
    diag: Vec<f64>,
}

impl<'a> Smo<'a> {
    fn new(gram: &'a Array2<f32>, diag: &[f64], y: ArrayView1<'_, f64>) -> Self {
        let l = y.len();
        let n = 2 * l;
        let linear: Vec<f64> = y
            .iter()
            .map(|&t| EPSILON - t)
            .chain(y.iter().map(|&t| EPSILON + t))
            .collect();
        Self {
            c: C,
            nu: false,
            gram: gram
                .as_slice()
                .expect("a freshly built matrix is contiguous"),
            rows: l,
            l: n,
            active: n,
            unshrink: false,
            row: (0..n).map(|t| t % l).collect(),
            sign: (0..n).map(|t| if t < l { 1.0 } else { -1.0 }).collect(),
            var: (0..n).collect(),
            alpha: vec![0.0; n],
            // With α = 0 the gradient is the linear term.
            grad: linear.clone(),
            grad_bar: vec![0.0; n],
            linear,
            diag: (0..n).map(|t| diag[t % l]).collect(),
        }
    }

    /// libsvm's `solve_nu_svr`: box `c`, `Σ α = c ν l` split evenly between
    /// the `α` and `α*` halves (filled from the first row on), linear term
    /// `−y_k` then `y_k`, solved by `Solver_NU`.
    fn new_nu(
        gram: &'a Array2<f32>,
        diag: &[f64],
        y: ArrayView1<'_, f64>,
        c: f64,
        nu: f64,
    ) -> Self {
        let l = y.len();
        let mut smo = Self::new(gram, diag, y);
        smo.c = c;
        smo.nu = true;
        smo.linear = y.iter().map(|&t| -t).chain(y.iter().copied()).collect();
        let mut sum = c * nu * l as f64 / 2.0;
        for k in 0..l {
            let a = sum.min(c);
            smo.alpha[k] = a;
            smo.alpha[k + l] = a;
            sum -= a;
        }
        // libsvm's initial gradient: G = p + Σ_{α_i > 0} α_i Q_i, and
        // G_bar = Σ_{α_i = C} C Q_i, both summed row by row.
        smo.grad = smo.linear.clone();
        let n = 2 * l;
        for i in 0..n {
            if smo.at_lower(i) {
                continue;
            }
            for j in 0..n {
                smo.grad[j] += smo.alpha[i] * smo.q(i, j);
            }
            if smo.at_upper(i) {
                for j in 0..n {
                    smo.grad_bar[j] += smo.c * smo.q(i, j);
                }
            }
        }
        smo
    }

    /// `Q_ij` as libsvm's `f32` cache row holds it.
    fn q(&self, i: usize, j: usize) -> f64 {
        self.sign[i] * self.sign[j] * f64::from(self.gram[self.row[i] * self.rows + self.row[j]])
    }

    fn at_upper(&self, t: usize) -> bool {
        self.alpha[t] >= self.c
    }

    fn at_lower(&self, t: usize) -> bool {
        self.alpha[t] <= 0.0
    }

    fn is_free(&self, t: usize) -> bool {
        !self.at_upper(t) && !self.at_lower(t)
    }

    /// Returns the coefficients `α_k − α*_k` per training row and libsvm's
    /// `ρ` (the model is `Σ coef_k K(x_k, x) − ρ`).
    fn solve(mut self) -> (Vec<f64>, f64) {
        let mut counter = self.l.min(1000) + 1;
        loop {
            counter -= 1;
            if counter == 0 {
                counter = self.l.min(1000);
                self.shrink();
            }
            let (i, j) = match self.select_working_set() {
                Some(pair) => pair,
                None => {
                    // Optimal on the active set: check on all variables.
                    self.reconstruct_gradient();
                    self.active = self.l;
                    match self.select_working_set() {
                        Some(pair) => {
                            counter = 1;
                            pair
                        }
                        None => break,
                    }
                }
            };
            self.update_pair(i, j);
        }
        let rho = self.rho();
        let mut alpha = vec![0.0; self.l];
        for t in 0..self.l {
            alpha[self.var[t]] = self.alpha[t];
        }
        let half = self.l / 2;
        let coef = (0..half).map(|k| alpha[k] - alpha[k + half]).collect();
        (coef, rho)
    }

    /// Second-order working-set selection (WSS 2 of Fan et al. 2005) over
    /// the active set; `None` once the maximal violation is below the
    /// tolerance.
    fn select_working_set(&self) -> Option<(usize, usize)> {
        if self.nu {
            return self.select_working_set_nu();
        }
        let mut g_max = f64::NEG_INFINITY;
        let mut i_best = None;
        for t in 0..self.active {
            if self.sign[t] > 0.0 {
                if !self.at_upper(t) && -self.grad[t] >= g_max {
                    g_max = -self.grad[t];
                    i_best = Some(t);
                }
            } else if !self.at_lower(t) && self.grad[t] >= g_max {
                g_max = self.grad[t];
                i_best = Some(t);
            }
        }
        let mut g_max2 = f64::NEG_INFINITY;
        let mut j_best = None;
        if let Some(i) = i_best {
            let mut obj_min = f64::INFINITY;
            let ki = &self.gram[self.row[i] * self.rows..][..self.rows];
            for t in 0..self.active {
                // y_i Q_it = y_t K(row_i, row_t).
                let yq = self.sign[t] * f64::from(ki[self.row[t]]);
                let (grad_diff, quad) = if self.sign[t] > 0.0 {
                    if self.at_lower(t) {
                        continue;
                    }
                    g_max2 = g_max2.max(self.grad[t]);
                    (g_max + self.grad[t], self.diag[i] + self.diag[t] - 2.0 * yq)
                } else {
                    if self.at_upper(t) {
                        continue;
                    }
                    g_max2 = g_max2.max(-self.grad[t]);
                    (g_max - self.grad[t], self.diag[i] + self.diag[t] + 2.0 * yq)
                };
                if grad_diff > 0.0 {
                    let obj = -(grad_diff * grad_diff) / if quad > 0.0 { quad } else { TAU };
                    if obj <= obj_min {
                        obj_min = obj;
                        j_best = Some(t);
                    }
                }
            }
        }
        if g_max + g_max2 < TOL {
            return None;
        }
        Some((i_best?, j_best?))
    }

    /// Solves the two-variable subproblem analytically, clips to the box,
    /// and updates the gradient (active set) and `grad_bar` (all).
    fn update_pair(&mut self, i: usize, j: usize) {
        let (old_i, old_j) = (self.alpha[i], self.alpha[j]);
        let q_ij = self.q(i, j);
        let (mut ai, mut aj) = (old_i, old_j);
        let c = self.c;
        if self.sign[i] != self.sign[j] {
            let quad = positive_or_tau(self.diag[i] + self.diag[j] + 2.0 * q_ij);
            let delta = (-self.grad[i] - self.grad[j]) / quad;
            let diff = ai - aj;
            ai += delta;
            aj += delta;
            if diff > 0.0 {
                if aj < 0.0 {
                    aj = 0.0;
                    ai = diff;
                }
            } else if ai < 0.0 {
                ai = 0.0;
                aj = -diff;
            }
            if diff > 0.0 {
                if ai > c {
                    ai = c;
                    aj = c - diff;
                }
            } else if aj > c {
                aj = c;
                ai = c + diff;
            }
        } else {
            let quad = positive_or_tau(self.diag[i] + self.diag[j] - 2.0 * q_ij);
            let delta = (self.grad[i] - self.grad[j]) / quad;
            let sum = ai + aj;
            ai -= delta;
            aj += delta;
            if sum > c {
                if ai > c {
                    ai = c;
                    aj = sum - c;
                }
            } else if aj < 0.0 {
                aj = 0.0;
                ai = sum;
            }
            if sum > c {
                if aj > c {
                    aj = c;
                    ai = sum - c;
                }
            } else if ai < 0.0 {
                ai = 0.0;
                aj = sum;
            }
        }
        let (was_upper_i, was_upper_j) = (self.at_upper(i), self.at_upper(j));
        self.alpha[i] = ai;
        self.alpha[j] = aj;
        // Q_it = y_i y_t K(row_i, row_t): the product with y_t is exact, so
        // factoring it out keeps libsvm's rounding.
        let (di, dj) = (self.sign[i] * (ai - old_i), self.sign[j] * (aj - old_j));
        let ki = &self.gram[self.row[i] * self.rows..][..self.rows];
        let kj = &self.gram[self.row[j] * self.rows..][..self.rows];
        for t in 0..self.active {
            let r = self.row[t];
            self.grad[t] +=
                self.sign[t] * f64::from(ki[r]) * di + self.sign[t] * f64::from(kj[r]) * dj;
        }
        for (t, was_upper) in [(i, was_upper_i), (j, was_upper_j)] {
            if was_upper != self.at_upper(t) {
                let step = if was_upper { -c } else { c };
                for k in 0..self.l {
                    self.grad_bar[k] += step * self.q(t, k);
                }
            }
        }
    }

    /// `-y_t G_t`-style violation bounds over the active set.
    fn violation_bounds(&self) -> (f64, f64) {
        let (mut g_max1, mut g_max2) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
        for t in 0..self.active {
            let g = self.grad[t];
            if self.sign[t] > 0.0 {
                if !self.at_upper(t) {
                    g_max1 = g_max1.max(-g);
                }
                if !self.at_lower(t) {
                    g_max2 = g_max2.max(g);
                }
            } else {
                if !self.at_upper(t) {
                    g_max2 = g_max2.max(-g);
                }
                if !self.at_lower(t) {
                    g_max1 = g_max1.max(g);
                }
            }
        }
        (g_max1, g_max2)
    }

    fn can_shrink(&self, t: usize, g_max1: f64, g_max2: f64) -> bool {
        let g = self.grad[t];
        let positive = self.sign[t] > 0.0;
        if self.at_upper(t) {
            -g > if positive { g_max1 } else { g_max2 }
        } else if self.at_lower(t) {
            g > if positive { g_max2 } else { g_max1 }
        } else {
            false
        }
    }

    /// libsvm's shrinking: bound variables that cannot move towards
    /// optimality leave the active set (swapped to its end).
    fn shrink(&mut self) {
        if self.nu {
            return self.shrink_nu();
        }
        let (g_max1, g_max2) = self.violation_bounds();
        if !self.unshrink && g_max1 + g_max2 <= TOL * 10.0 {
            self.unshrink = true;
            self.reconstruct_gradient();
            self.active = self.l;
        }
        let mut t = 0;
        while t < self.active {
            if self.can_shrink(t, g_max1, g_max2) {
                self.active -= 1;
                while self.active > t {
                    if !self.can_shrink(self.active, g_max1, g_max2) {
                        self.swap(t, self.active);
                        break;
                    }
                    self.active -= 1;
                }
            }
            t += 1;
        }
    }

    fn swap(&mut self, a: usize, b: usize) {
        self.row.swap(a, b);
        self.sign.swap(a, b);
        self.var.swap(a, b);
        self.alpha.swap(a, b);
        self.grad.swap(a, b);
        self.grad_bar.swap(a, b);
        self.linear.swap(a, b);
        self.diag.swap(a, b);
    }

    /// Rebuilds the gradient of the inactive variables from `grad_bar` and
    /// the free variables.
    fn reconstruct_gradient(&mut self) {
        let (active, n) = (self.active, self.l);
        if active == n {
            return;
        }
        for t in active..n {
            self.grad[t] = self.grad_bar[t] + self.linear[t];
        }
        let free = (0..active).filter(|&t| self.is_free(t)).count();
        if free * n > 2 * active * (n - active) {
            for i in active..n {
                for j in 0..active {
                    if self.is_free(j) {
                        self.grad[i] += self.alpha[j] * self.q(i, j);
                    }
                }
            }
        } else {
            for i in 0..active {
                if self.is_free(i) {
                    for j in active..n {
                        self.grad[j] += self.alpha[i] * self.q(i, j);
                    }
                }
            }
        }
    }

    /// libsvm's `ρ`: the mean of `y_t G_t` over free variables, or the
    /// middle of the feasible interval when none is free.
    fn rho(&self) -> f64 {
        if self.nu {
            return self.rho_nu();
        }
        let (mut ub, mut lb) = (f64::INFINITY, f64::NEG_INFINITY);
        let (mut free, mut sum_free) = (0usize, 0.0);
        for t in 0..self.active {
            let yg = self.sign[t] * self.grad[t];
            let positive = self.sign[t] > 0.0;
            if self.at_upper(t) {
                if positive {
                    lb = lb.max(yg);
                } else {
                    ub = ub.min(yg);
                }
            } else if self.at_lower(t) {
                if positive {
                    ub = ub.min(yg);
                } else {
                    lb = lb.max(yg);
                }
            } else {
                free += 1;
                sum_free += yg;
            }
        }
        if free > 0 {
            sum_free / free as f64
        } else {
            (ub + lb) / 2.0
        }
    }
}

/// libsvm's `Solver_NU` parts: the two variables of a step share a label,
/// so violations, shrinking and `ρ` are computed per label.
impl Smo<'_> {
    fn select_working_set_nu(&self) -> Option<(usize, usize)> {
        let (mut g_maxp, mut g_maxn) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
        let (mut ip, mut in_) = (None, None);
        for t in 0..self.active {
            if self.sign[t] > 0.0 {
                if !self.at_upper(t) && -self.grad[t] >= g_maxp {
                    g_maxp = -self.grad[t];
                    ip = Some(t);
                }
            } else if !self.at_lower(t) && self.grad[t] >= g_maxn {
                g_maxn = self.grad[t];
                in_ = Some(t);
            }
        }
        let (mut g_maxp2, mut g_maxn2) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
        let mut j_best = None;
        let mut obj_min = f64::INFINITY;
        for t in 0..self.active {
            let (head, grad_diff) = if self.sign[t] > 0.0 {
                if self.at_lower(t) {
                    continue;
                }
                g_maxp2 = g_maxp2.max(self.grad[t]);
                (ip, g_maxp + self.grad[t])
            } else {
                if self.at_upper(t) {
                    continue;
                }
                g_maxn2 = g_maxn2.max(-self.grad[t]);
                (in_, g_maxn - self.grad[t])
            };
            if grad_diff > 0.0 {
                // A positive difference implies a head of this label exists.
                let h = head.expect("a violating pair has a head");
                let quad = self.diag[h] + self.diag[t] - 2.0 * self.q(h, t);
                let obj = -(grad_diff * grad_diff) / if quad > 0.0 { quad } else { TAU };
                if obj <= obj_min {
                    obj_min = obj;
                    j_best = Some(t);
                }
            }
        }
        if (g_maxp + g_maxp2).max(g_maxn + g_maxn2) < TOL {
            return None;
        }
        let j = j_best?;
        let i = if self.sign[j] > 0.0 { ip } else { in_ };
        Some((i?, j))
    }

    fn can_shrink_nu(&self, t: usize, g: [f64; 4]) -> bool {
        let positive = self.sign[t] > 0.0;
        if self.at_upper(t) {
            -self.grad[t] > if positive { g[0] } else { g[3] }
        } else if self.at_lower(t) {
            self.grad[t] > if positive { g[1] } else { g[2] }
        } else {
            false
        }
    }

    fn shrink_nu(&mut self) {
        // Max of -G over I_up and of G over I_low, for label +1 then -1.
        let mut g = [f64::NEG_INFINITY; 4];
        for t in 0..self.active {
            let positive = self.sign[t] > 0.0;
            if !self.at_upper(t) {
                let k = if positive { 0 } else { 3 };
                g[k] = g[k].max(-self.grad[t]);
            }
            if !self.at_lower(t) {
                let k = if positive { 1 } else { 2 };
                g[k] = g[k].max(self.grad[t]);
            }
        }
        if !self.unshrink && (g[0] + g[1]).max(g[2] + g[3]) <= TOL * 10.0 {
            self.unshrink = true;
            self.reconstruct_gradient();
            self.active = self.l;
        }
        let mut t = 0;
        while t < self.active {
            if self.can_shrink_nu(t, g) {
                self.active -= 1;
                while self.active > t {
                    if !self.can_shrink_nu(self.active, g) {
                        self.swap(t, self.active);
                        break;
                    }
                    self.active -= 1;
                }
            }
            t += 1;
        }
    }

    /// `(r₁ − r₂) / 2`, `r` the mean gradient of the free variables of each
    /// label (the middle of its feasible interval when none is free).
    fn rho_nu(&self) -> f64 {
        let mut ub = [f64::INFINITY; 2];
        let mut lb = [f64::NEG_INFINITY; 2];
        let mut free = [0usize; 2];
        let mut sum_free = [0.0; 2];
        for t in 0..self.active {
            let k = usize::from(self.sign[t] < 0.0);
            let g = self.grad[t];
            if self.at_upper(t) {
                lb[k] = lb[k].max(g);
            } else if self.at_lower(t) {
                ub[k] = ub[k].min(g);
            } else {
                free[k] += 1;
                sum_free[k] += g;
            }
        }
        let r = |k: usize| {
            if free[k] > 0 {
                sum_free[k] / free[k] as f64
            } else {
                (ub[k] + lb[k]) / 2.0
            }
        };
        (r(0) - r(1)) / 2.0
    }
}

fn positive_or_tau(quad: f64) -> f64 {
    if quad > 0.0 {
        quad
    } else {
        TAU
    }
}

/// A fitted [`Svr`]: support vectors, their coefficients and the bias.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupportVectors {
    kernel: KernelFn,
    vectors: Array2<f64>,
    coef: Vec<f64>,
    rho: f64,
}

impl SupportVectors {
    /// The kernel's `γ`.
    pub fn gamma(&self) -> f64 {
        self.kernel.gamma
    }

    /// Checks a loaded model: one coefficient per support vector, finite
    /// values, a finite positive `γ`.
    pub(crate) fn check(&self, n_features: usize) -> Result<()> {
        let (rows, cols) = self.vectors.dim();
        let gamma = self.kernel.gamma;
        if cols != n_features || rows != self.coef.len() || !(gamma.is_finite() && gamma > 0.0) {
            return Err(corrupt(format!(
                "SVR with {rows} x {cols} support vectors, {} coefficients and gamma {gamma}, \
                 for {n_features} features",
                self.coef.len()
            )));
        }
        check_finite("support vectors", self.vectors.iter())?;
        check_finite("SVR coefficients", self.coef.iter().chain([&self.rho]))
    }
}

impl FittedRegressor for SupportVectors {
    fn to_model(&self) -> Option<FittedModel> {
        Some(FittedModel::Svr(self.clone()))
    }

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Vec<f64>> {
        check_predict(self.vectors.ncols(), x)?;
        Ok(x.rows()
            .into_iter()
            .map(|row| {
                let sum: f64 = self
                    .vectors
                    .rows()
                    .into_iter()
                    .zip(&self.coef)
                    .map(|(sv, c)| c * self.kernel.eval(sv, row))
                    .sum();
                sum - self.rho
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;
    use ndarray::array;

    #[test]
    fn two_points_linear_kernel_solution() {
        // x = ±1, y = 0.3 ± 0.05. The line w x + b with w = 0.05 − ε fits
        // inside the tube: w(1)·2 reached with α = w / 2 ≤ C, so neither
        // variable is bound and the fit is exact up to ε.
        let x = array![[-1.0], [1.0]];
        let y = array![0.25, 0.35];
        let model = Svr::new(Kernel::Linear).fit(x.view(), y.view(), 0).unwrap();
        let p = model
            .predict(array![[-1.0], [0.0], [1.0], [3.0]].view())
            .unwrap();
        let w = 0.05 - EPSILON;
        assert_abs_diff_eq!(p[1], 0.3, epsilon = 1e-9);
        assert_abs_diff_eq!(p[2], 0.3 + w, epsilon = 1e-9);
        assert_abs_diff_eq!(p[3], 0.3 + 3.0 * w, epsilon = 1e-9);
    }

    #[test]
    fn box_constraint_caps_the_slope() {
        // y jumps by 10 between x = ±1: the slope is limited by C, each
        // point gets |α| = C, so w = 2C·1 = 0.2 and b = mean = 5.
        let x = array![[-1.0], [1.0]];
        let y = array![0.0, 10.0];
        let model = Svr::new(Kernel::Linear).fit(x.view(), y.view(), 0).unwrap();
        let p = model.predict(array![[0.0], [1.0]].view()).unwrap();
        assert_abs_diff_eq!(p[0], 5.0, epsilon = 1e-9);
        assert_abs_diff_eq!(p[1], 5.2, epsilon = 1e-9);
    }

    #[test]
    fn gamma_scale_uses_the_variance_of_all_values() {
        let x = array![[0.0, 2.0], [4.0, 2.0]];
        // Values 0, 2, 4, 2: mean 2, variance 2, p = 2 → γ = 1/4.
        assert_abs_diff_eq!(scale_gamma(x.view()), 0.25);
        assert_abs_diff_eq!(scale_gamma(array![[3.0], [3.0]].view()), 1.0);
    }

    #[test]
    fn rbf_interpolates_smoothly_and_stays_finite() {
        let x = ndarray::Array2::from_shape_fn((40, 2), |(i, j)| {
            ((i * (j + 3)) % 9) as f64 / 3.0 - 1.5
        });
        let y = x
            .rows()
            .into_iter()
            .map(|r| 0.5 + 0.05 * r[0] - 0.02 * r[1])
            .collect::<ndarray::Array1<f64>>();
        for kernel in [Kernel::Rbf, Kernel::Polynomial, Kernel::Linear] {
            let model = Svr::new(kernel).fit(x.view(), y.view(), 0).unwrap();
            let p = model.predict(x.view()).unwrap();
            let mae = p
                .iter()
                .zip(y.iter())
                .map(|(a, b)| (a - b).abs())
                .sum::<f64>()
                / 40.0;
            assert!(mae < 0.02, "{kernel:?}: {mae}");
        }
    }
}
