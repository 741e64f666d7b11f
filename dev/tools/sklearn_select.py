#!/usr/bin/env python3
"""Reference for `naap select-features` on one slice, with scikit-learn.

Runs the same best-first feature-subset search as naap (crates/predict/src/select)
for one (mode, model, feature set): the same splits, features, scaler, 5-seed
median protocol, N(0, 1e-5) prediction noise and score round(MAE, 3) *
sqrt(violations / max violations). Random draws (noise, the capped neighbour
choice) come from numpy, not ChaCha, so subset scores agree only up to the
noise; the full-set MAE and violations are the sanity comparison.

Dev-only (speed benchmark in bench/select.sh and a sanity check):
    .venv/bin/python dev/tools/sklearn_select.py ../shared/naap440/naap440v2.csv \
        --mode interpolation --model "Linear Regression" --epochs 9 [-o results.csv]
Prints the full set's and the best subset's scores and the search time.
"""

import argparse
import math
import sys
import time

import numpy as np
import pandas as pd
from sklearn.linear_model import LinearRegression
from sklearn.neighbors import KNeighborsRegressor
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVR

SEEDS = [20220905, 20220906, 20220907, 20220908, 20220909]
SCHEME_V2 = ["NumParams", "NumMACs", "NumLayers", "NumStages", "FirstLayerWidth",
             "LastLayerWidth", "NumSkipConnections", "NumPartialRFLayers"]


def make_model(name, seed):
    if name == "Linear Regression":
        return LinearRegression()
    if name.endswith("-NN"):
        return KNeighborsRegressor(n_neighbors=int(name.split("-")[0]), algorithm="brute")
    kernels = {"SVR (RBF kernel)": "rbf", "SVR (Polynomial kernel)": "poly",
               "SVR (Linear kernel)": "linear"}
    if name in kernels:
        return SVR(kernel=kernels[name], C=0.1, epsilon=0.001, gamma="scale", degree=3, coef0=0)
    sys.exit(f"sklearn_select.py: model {name!r} is not in this harness")


def split(n, part):
    """Positions of a part of n sorted rows (as naap's select/split.rs)."""
    half, q = n // 2, n // 4
    return {
        "all": list(range(n)),
        "lower": list(range(half)),
        "upper": list(range(n - half, n)),
        "middle": list(range(q, n - q)),
        "outer": list(range(q)) + list(range(n - q, n)),
    }[part]


MODES = {
    "interpolation": ("all", "all"),
    "left-extrapolation": ("upper", "lower"),
    "right-extrapolation": ("lower", "upper"),
    "dual-extrapolation": ("middle", "outer"),
}


def violations(truth, pred):
    t = truth[:, None] - truth[None, :]
    p = pred[:, None] - pred[None, :]
    return int(np.sum(np.triu(t * p < 0, 1)))


def evaluate(model_name, xtr, ytr, xte, yte, rng):
    runs = []
    for seed in SEEDS:
        pred = make_model(model_name, seed).fit(xtr, ytr).predict(xte)
        pred = pred + rng.normal(0.0, 1e-5, size=pred.shape)
        runs.append((violations(yte, pred), float(np.mean(np.abs(pred - yte)))))
    order = sorted(range(len(runs)), key=lambda i: runs[i][0])  # stable
    v, mae = runs[order[len(runs) // 2]]
    n = len(yte)
    max_v = n * (n - 1) // 2
    return round(mae, 3) * math.sqrt(v / max_v), mae, v, max_v


def search(num_features, score_of, seed):
    """Best-first search, same semantics as naap: expand all tied-best
    unexpanded subsets, new non-empty one-flip neighbours ascending, at most
    3F per step (seeded choice), at most F steps."""
    rng = np.random.default_rng(seed)
    full = (1 << num_features) - 1
    done = {full: score_of(full)}
    order = [(full, 0)]
    expanded = set()
    for step in range(1, num_features + 1):
        fresh = []
        while not fresh:
            open_ = [f for f in done if f not in expanded]
            if not open_:
                return order, done
            best = min(done[f][0] for f in open_)
            frontier = [f for f in open_ if done[f][0] == best]
            expanded.update(frontier)
            fresh = sorted({f ^ (1 << b) for f in frontier for b in range(num_features)}
                           - set(done) - {0})
        if len(fresh) > 3 * num_features:
            fresh = sorted(rng.choice(fresh, 3 * num_features, replace=False).tolist())
        for f in fresh:
            done[f] = score_of(f)
            order.append((f, step))
    return order, done


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dataset")
    ap.add_argument("--mode", default="interpolation", choices=sorted(MODES))
    ap.add_argument("--model", default="Linear Regression")
    ap.add_argument("--epochs", type=int, default=9)
    ap.add_argument("--seed", type=int, default=20220905)
    ap.add_argument("-o", "--output")
    a = ap.parse_args()

    df = pd.read_csv(a.dataset)
    df = df.sort_values("MaxAccuracy", kind="mergesort").reset_index(drop=True)
    cols = SCHEME_V2 + [f"e{e}{k}" for e in range(1, a.epochs + 1)
                        for k in ("LossMean", "LossMedian", "Accuracy")]
    x = df[cols].astype(float).copy()
    x["NumParams"] = np.log(x["NumParams"])
    x["NumMACs"] = np.log(x["NumMACs"])
    train, test = df.index[df.IsTest == 0], df.index[df.IsTest == 1]
    tr_part, te_part = MODES[a.mode]
    train = train[split(len(train), tr_part)]
    test = test[split(len(test), te_part)]
    scaler = StandardScaler().fit(x.loc[train].values)
    xtr, xte = scaler.transform(x.loc[train].values), scaler.transform(x.loc[test].values)
    ytr, yte = df.MaxAccuracy[train].values, df.MaxAccuracy[test].values

    noise_rng = np.random.default_rng(a.seed)
    start = time.perf_counter()

    def score_of(flags):
        idx = [i for i in range(len(cols)) if flags >> i & 1]
        return evaluate(a.model, xtr[:, idx], ytr, xte[:, idx], yte, noise_rng)

    order, done = search(len(cols), score_of, a.seed)
    secs = time.perf_counter() - start

    bits = lambda f: "".join("1" if f >> i & 1 else "0" for i in range(len(cols)))
    full = order[0][0]
    best = min(done, key=lambda f: (done[f][0], bin(f).count("1")))
    print(f"subsets evaluated: {len(order)} in {secs:.2f}s")
    print(f"full set: score {done[full][0]:.6f} MAE {done[full][1]:.6f} violations {done[full][2]}")
    print(f"best:     score {done[best][0]:.6f} MAE {done[best][1]:.6f} violations {done[best][2]}"
          f" flags {bits(best)}")
    if a.output:
        with open(a.output, "w") as fh:
            fh.write("Flags,Step,MAE,NumViolations,MaxViolations,FinalScore\n")
            for f, step in order:
                s, mae, v, mv = done[f]
                # Flags as naap's results.csv and the published NAAP-440e file: 1;0;1.
                fh.write(f"{';'.join(bits(f))},{step},{mae:.6f},{v},{mv},{s:.6f}\n")


if __name__ == "__main__":
    main()
