#!/usr/bin/env python3
"""Compare two baseline results.csv files cell by cell (naap vs scikit-learn).

Deterministic models (k-NN, the three linear ones, the three SVRs) must agree
within 0.0002 MAE and 2 violations. Randomized models (tree, boosting,
forests) pass when the 5-seed [min, max] ranges of MAE overlap and so do the
ranges of violations (the two sides use different random number streams, so
only their spreads are comparable).

Usage: python3 dev/tools/compare_baseline.py NAAP.csv SKLEARN.csv
Exit 0 when every cell passes, 1 otherwise.
"""

import csv
import sys

MAE_TOL = 0.0002
VIOL_TOL = 2


def deterministic(model):
    return model.endswith("-NN") or model.startswith(("Linear Regression", "SVR"))


def load(path):
    with open(path, newline="") as f:
        return {(r["Model"], r["Features"]): r for r in csv.DictReader(f)}


def main():
    a, b = load(sys.argv[1]), load(sys.argv[2])
    failures = 0
    # Kendall/Spearman against scipy: on deterministic cells with the same
    # violation count, the predictions (and so the correlations) should match.
    corr_diff = {"KendallTau": 0.0, "SpearmanRho": 0.0}
    print(f"{'model':28} {'features':32} {'MAE a':>7} {'MAE b':>7} {'v a':>4} {'v b':>4}  verdict")
    for key in list(a) + [k for k in b if k not in a]:
        if key not in a or key not in b:
            print(f"{key[0]:28} {key[1]:32} missing in {'first' if key not in a else 'second'} file")
            failures += 1
            continue
        ra, rb = a[key], b[key]
        mae_a, mae_b = float(ra["MeanAbsoluteError"]), float(rb["MeanAbsoluteError"])
        v_a, v_b = int(ra["NumViolations"]), int(rb["NumViolations"])
        if deterministic(key[0]):
            ok = abs(mae_a - mae_b) <= MAE_TOL + 1e-9 and abs(v_a - v_b) <= VIOL_TOL
            how = f"|dMAE|={abs(mae_a - mae_b):.4f} |dv|={abs(v_a - v_b)}"
            if v_a == v_b:
                for c in corr_diff:
                    if ra[c] and rb[c]:
                        corr_diff[c] = max(corr_diff[c], abs(float(ra[c]) - float(rb[c])))
        else:
            def overlap(lo, hi):
                return max(float(ra[lo]), float(rb[lo])) <= min(float(ra[hi]), float(rb[hi])) + 1e-9
            ok = overlap("MaeMin", "MaeMax") and overlap("ViolationsMin", "ViolationsMax")
            how = (f"MAE {ra['MaeMin']}..{ra['MaeMax']} vs {rb['MaeMin']}..{rb['MaeMax']}, "
                   f"v {ra['ViolationsMin']}..{ra['ViolationsMax']} vs "
                   f"{rb['ViolationsMin']}..{rb['ViolationsMax']}")
        failures += not ok
        print(f"{key[0]:28} {key[1]:32} {mae_a:7.4f} {mae_b:7.4f} {v_a:4} {v_b:4}  "
              f"{'ok  ' if ok else 'FAIL'} {how}")
    print("deterministic cells with equal violations: max |dKendallTau| = "
          f"{corr_diff['KendallTau']:.4f}, max |dSpearmanRho| = {corr_diff['SpearmanRho']:.4f}")
    print(f"{len(a)} cells, {failures} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
