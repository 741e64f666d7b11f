"""Writes crates/models/tests/fixtures/nusvr_sklearn.json: scikit-learn NuSVR (RBF) fits that
naap's ν-SVR must reproduce (crates/models/tests/nusvr_reference.rs).

    .venv/bin/python dev/tools/nusvr_fixture.py crates/models/tests/fixtures/nusvr_sklearn.json

Data: 80 train and 30 query rows of 5 features, drawn from numpy's seeded generator and
standardised like the protocol's scaler; the target is a smooth accuracy-like function plus
noise. For each (C, nu, gamma), the fixture holds scikit-learn's predictions on the query rows,
its support indices, dual coefficients and intercept.
"""

import json
import sys

import numpy as np
import sklearn
from sklearn.svm import NuSVR


def main():
    rng = np.random.default_rng(20221)
    x = rng.normal(size=(110, 5))
    y = 0.55 + 0.08 * np.tanh(x[:, 0]) - 0.03 * x[:, 1] ** 2 / 3 + 0.02 * x[:, 2] * x[:, 3] + 0.01 * rng.normal(size=110)
    mean, std = x[:80].mean(0), x[:80].std(0)
    x = (x - mean) / std
    cases = []
    for c, nu, gamma in [(1.0, 0.5, "scale"), (0.1, 0.3, 0.05), (10.0, 0.8, 0.5), (3.0, 0.05, 0.2)]:
        m = NuSVR(C=c, nu=nu, gamma=gamma, kernel="rbf").fit(x[:80], y[:80])
        cases.append({
            "c": c, "nu": nu, "gamma": None if gamma == "scale" else gamma,
            "support": m.support_.tolist(),
            "dual_coef": m.dual_coef_[0].tolist(),
            "intercept": float(m.intercept_[0]),
            "predictions": m.predict(x[80:]).tolist(),
        })
    out = {"sklearn": sklearn.__version__, "x_train": x[:80].tolist(), "y_train": y[:80].tolist(),
           "x_query": x[80:].tolist(), "cases": cases}
    with open(sys.argv[1], "w") as f:
        json.dump(out, f, indent=0)
        f.write("\n")


if __name__ == "__main__":
    main()
