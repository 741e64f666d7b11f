"""One part of bench/python.sh, in its own process so that its peak RSS is its own.

Usage: python bench/python_bench.py PART DATASET
Prints "<seconds> <what>" lines. Parts: import, import-numpy, predict-naap, predict-sklearn,
fit-naap, fit-sklearn, query-naap, query-dict.
"""
import sys
import time

part, dataset = sys.argv[1], sys.argv[2]
N_PREDICT, N_QUERY, MODEL = 10_000, 1_000_000, "Random Forest (N=200)"


def report(seconds, what):
    print(f"{seconds:.4f} {what}", flush=True)


def rows():
    """The 400 train rows (scaled as the protocol scales them) and 10,000 rows to predict."""
    import numpy as np
    import naap

    b = naap.Benchmark(dataset)
    raw, _ = b.features("Scheme+Quant.3")
    y, test = b.max_accuracies(), b.is_test()
    x = raw.copy()
    x[:, :2] = np.log(x[:, :2])
    mean, std = x[~test].mean(axis=0), x[~test].std(axis=0)
    scaled = (x - mean) / std
    pick = np.arange(N_PREDICT) % len(b)
    return b, raw[pick], scaled[~test], y[~test], scaled[pick]


if part == "import":
    t = time.perf_counter()
    import naap

    b = naap.Benchmark(dataset)
    report(time.perf_counter() - t, f"import naap + Benchmark() ({len(b)} rows)")
elif part == "import-numpy":
    t = time.perf_counter()
    import numpy  # noqa: F401

    report(time.perf_counter() - t, "import numpy (reference)")
elif part == "predict-naap":
    import naap

    b, raw, *_ = rows()
    t = time.perf_counter()
    p = naap.Predictor.fit(dataset, MODEL, feature_set="Scheme+Quant.3")
    report(time.perf_counter() - t, "naap Predictor.fit (CSV read + 400 rows)")
    t = time.perf_counter()
    p.predict(raw)
    report(time.perf_counter() - t, f"naap Predictor.predict {N_PREDICT} rows")
elif part == "predict-sklearn":
    from sklearn.ensemble import RandomForestRegressor

    _, _, x, y, many = rows()
    rf = RandomForestRegressor(n_estimators=200, random_state=0).fit(x, y)
    t = time.perf_counter()
    rf.predict(many)
    report(time.perf_counter() - t, f"sklearn RandomForestRegressor(200).predict {N_PREDICT} rows")
elif part == "fit-naap":
    from naap.sklearn import NaapRegressor

    _, _, x, y, _ = rows()
    t = time.perf_counter()
    NaapRegressor(MODEL, seed=0).fit(x, y)
    report(time.perf_counter() - t, "naap NaapRegressor(RF 200).fit 400 rows")
elif part == "fit-sklearn":
    from sklearn.ensemble import RandomForestRegressor

    _, _, x, y, _ = rows()
    t = time.perf_counter()
    RandomForestRegressor(n_estimators=200, random_state=0).fit(x, y)
    report(time.perf_counter() - t, "sklearn RandomForestRegressor(200).fit 400 rows")
elif part == "query-naap":
    import naap

    b = naap.Benchmark(dataset)
    ids = b.ids
    t = time.perf_counter()
    for k in range(N_QUERY):
        b.query(ids[k % len(ids)])
    report(time.perf_counter() - t, f"naap b.query x {N_QUERY}")
    t = time.perf_counter()
    for k in range(N_QUERY):
        b.query(ids[k % len(ids)], epoch=k % 90 + 1)
    report(time.perf_counter() - t, f"naap b.query(epoch=) x {N_QUERY}")
elif part == "query-dict":
    import csv

    with open(dataset, newline="") as f:
        table = {int(r["ModelId"]): {k: float(v) for k, v in r.items()} for r in csv.DictReader(f)}
    ids = list(table)
    t = time.perf_counter()
    for k in range(N_QUERY):
        dict(table[ids[k % len(ids)]])
    report(time.perf_counter() - t, f"reference: copy of a Python dict row x {N_QUERY}")
else:
    sys.exit(f"unknown part {part}")
