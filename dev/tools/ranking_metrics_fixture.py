"""Writes crates/predict/tests/fixtures/ranking_metrics.json: Pearson r, Spearman rho, Kendall
tau-b (scipy.stats) and NDCG@10 (sklearn.metrics.ndcg_score, k=10) of seeded (truth, prediction)
pairs, ties included, which naap's metrics must reproduce (crates/predict/tests/ranking_metrics.rs).

    .venv/bin/python dev/tools/ranking_metrics_fixture.py crates/predict/tests/fixtures/ranking_metrics.json

Cases: lengths 3..60 of accuracy-like truths and noisy predictions from numpy's seeded generator;
some rounded to 2 decimals so that truths, predictions or both hold ties; one constant prediction
(Pearson, Spearman and tau undefined: null).
"""

import json
import sys

import numpy as np
import scipy
import sklearn
from scipy.stats import kendalltau, pearsonr, spearmanr
from sklearn.metrics import ndcg_score


def undefined_as_none(value):
    return None if value is None or np.isnan(value) else float(value)


def main():
    rng = np.random.default_rng(20261205)
    cases = []
    for i, n in enumerate([3, 5, 8, 10, 12, 20, 40, 40, 40, 60, 60, 25]):
        truth = 0.5 + 0.3 * rng.random(n)
        pred = truth + rng.normal(scale=0.05, size=n)
        if i % 3 == 1:
            pred = np.round(pred, 2)
        if i % 4 == 2:
            truth = np.round(truth, 2)
        if i == 11:
            pred = np.full(n, 0.7)
        with np.errstate(all="ignore"):
            r = pearsonr(truth, pred).statistic if np.ptp(pred) > 0 else float("nan")
            rho = spearmanr(truth, pred).statistic
            tau = kendalltau(truth, pred, variant="b").statistic
        cases.append({
            "truth": truth.tolist(),
            "pred": pred.tolist(),
            "pearson": undefined_as_none(r),
            "spearman": undefined_as_none(rho),
            "kendall_tau_b": undefined_as_none(tau),
            "ndcg_at_10": float(ndcg_score([truth], [pred], k=10)),
        })
    out = {
        "generator": f"dev/tools/ranking_metrics_fixture.py (scipy {scipy.__version__}, scikit-learn {sklearn.__version__})",
        "cases": cases,
    }
    with open(sys.argv[1], "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
