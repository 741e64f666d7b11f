#!/usr/bin/env python3
"""Compare naap's regressors with scikit-learn on the same data.

Reads what the ignored Rust test `reference::dump_reference_predictions` (naap-models)
writes into DIR (<set>_train.csv, <set>_test.csv, rust_predictions.csv,
rust_timing.csv), fits the scikit-learn reference of every model named there
with the same seeds, writes DIR/sklearn_predictions.csv and prints one line per
(feature set, model):

  MAE of naap and of scikit-learn (mean over seeds, and scikit-learn's
  min..max over seeds), monotonicity violations (pairs of test rows ordered
  differently by truth and prediction; median over seeds), the mean absolute
  difference between the two predictions, and the fit+predict time of both.

Usage: .venv/bin/python dev/tools/reference_models.py DIR [MODEL_SUBSTRING]
(the optional second argument keeps only models whose name contains it).
"""

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import AdaBoostRegressor, GradientBoostingRegressor, RandomForestRegressor
from sklearn.linear_model import LinearRegression
from sklearn.neighbors import KNeighborsRegressor
from sklearn.svm import SVR
from sklearn.tree import DecisionTreeRegressor


class Transformed:
    """Linear regression on a transformed target, as naap's TransformedTarget."""

    def __init__(self, forward, inverse):
        self.forward, self.inverse = forward, inverse

    def fit(self, x, y):
        self.model = LinearRegression().fit(x, self.forward(y))
        return self

    def predict(self, x):
        return self.inverse(self.model.predict(x))


def power(d):
    inv = (lambda z: np.maximum(z + 1.0, 0.0) ** d) if d < 1 else (lambda z: (z + 1.0) ** d)
    return lambda seed: Transformed(lambda y: y ** (1.0 / d) - 1.0, inv)


def build(name, seed):
    """The scikit-learn estimator behind a naap model name."""
    if name.endswith("-NN"):
        return KNeighborsRegressor(n_neighbors=int(name[:-3]), algorithm="brute")
    n = int(name.split("N=")[1].rstrip(")")) if "N=" in name else None
    table = {
        "Linear Regression": lambda s: LinearRegression(),
        "Linear Regression (D=0.5)": power(0.5),
        "Linear Regression (D=0.25)": power(0.25),
        "Linear Regression (D=2)": power(2.0),
        "Exponential Regression": lambda s: Transformed(np.log, np.exp),
        "Logarithmic Regression": lambda s: Transformed(
            np.exp, lambda z: np.log(np.maximum(z, np.finfo(float).tiny))
        ),
        "Sigmoid Regression": lambda s: Transformed(
            lambda y: np.log(y / (1 - y)), lambda z: 1 / (1 + np.exp(-z))
        ),
        "Decision Tree": lambda s: DecisionTreeRegressor(random_state=s),
        "SVR (RBF kernel)": lambda s: SVR(kernel="rbf", C=0.1, epsilon=0.001),
        "SVR (Polynomial kernel)": lambda s: SVR(kernel="poly", C=0.1, epsilon=0.001, degree=3, coef0=0),
        "SVR (Linear kernel)": lambda s: SVR(kernel="linear", C=0.1, epsilon=0.001),
    }
    if name in table:
        return table[name](seed)
    if name.startswith("Gradient Boosting"):
        return GradientBoostingRegressor(n_estimators=n, learning_rate=0.1, max_depth=3, random_state=seed)
    if name.startswith("AdaBoost"):
        return AdaBoostRegressor(
            DecisionTreeRegressor(max_depth=3), n_estimators=n, loss="linear", random_state=seed
        )
    if name.startswith("Random Forest"):
        return RandomForestRegressor(n_estimators=n, random_state=seed)
    raise SystemExit(f"reference_models.py: no scikit-learn reference for model {name!r}")


def violations(truth, pred):
    """Pairs ordered strictly one way by truth and not the same way by the prediction."""
    t = np.sign(truth[:, None] - truth[None, :])
    p = np.sign(pred[:, None] - pred[None, :])
    upper = np.triu(np.ones_like(t, dtype=bool), 1)
    return int(((t != 0) & (t != p) & upper).sum())


def main():
    if len(sys.argv) not in (2, 3):
        raise SystemExit(__doc__)
    root = Path(sys.argv[1])
    rust = pd.read_csv(root / "rust_predictions.csv")
    if len(sys.argv) == 3:
        rust = rust[rust["model"].str.contains(sys.argv[2], regex=False)]
    timing = pd.read_csv(root / "rust_timing.csv").set_index(["set", "model"])["fit_predict_secs"]
    out_rows = []
    header = f"{'set':7} {'model':28} {'MAE naap':>9} {'MAE sk':>9} {'sk min..max':>17} {'viol n/sk':>9} {'mean|Δp|':>9} {'t naap':>7} {'t sk':>7}"
    print(header)
    total_rust = total_sk = 0.0
    for (set_name, model), group in rust.groupby(["set", "model"], sort=False):
        train = pd.read_csv(root / f"{set_name}_train.csv")
        test = pd.read_csv(root / f"{set_name}_test.csv")
        x_tr, y_tr = train.drop(columns="y").to_numpy(), train["y"].to_numpy()
        x_te, y_te = test.drop(columns="y").to_numpy(), test["y"].to_numpy()
        maes_r, maes_s, viol_r, viol_s, diffs = [], [], [], [], []
        start = time.perf_counter()
        for seed, g in group.groupby("seed"):
            pr = g.sort_values("row")["prediction"].to_numpy()
            ps = build(model, int(seed)).fit(x_tr, y_tr).predict(x_te)
            out_rows += [(set_name, model, seed, i, v) for i, v in enumerate(ps)]
            maes_r.append(np.abs(pr - y_te).mean())
            maes_s.append(np.abs(ps - y_te).mean())
            viol_r.append(violations(y_te, pr))
            viol_s.append(violations(y_te, ps))
            diffs.append(np.abs(pr - ps).mean())
        t_sk = time.perf_counter() - start
        t_rust = timing[(set_name, model)]
        total_rust += t_rust
        total_sk += t_sk
        print(
            f"{set_name:7} {model:28} {np.mean(maes_r):9.5f} {np.mean(maes_s):9.5f} "
            f"{min(maes_s):8.5f}..{max(maes_s):.5f} {np.median(viol_r):4.0f}/{np.median(viol_s):<4.0f} "
            f"{np.mean(diffs):9.2e} {t_rust:7.3f} {t_sk:7.3f}"
        )
    print(f"total fit+predict seconds: naap {total_rust:.2f}, scikit-learn {total_sk:.2f}, ratio {total_sk / total_rust:.1f}x")
    pd.DataFrame(out_rows, columns=["set", "model", "seed", "row", "prediction"]).to_csv(
        root / "sklearn_predictions.csv", index=False
    )


if __name__ == "__main__":
    main()
