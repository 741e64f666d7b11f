"""naap.sklearn.NaapRegressor as a scikit-learn estimator (skipped without scikit-learn)."""

import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn")
from sklearn.base import clone  # noqa: E402
from sklearn.model_selection import cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import naap  # noqa: E402
from naap.sklearn import NaapRegressor  # noqa: E402


@pytest.fixture(scope="module")
def xy(naap440):
    b = naap.Benchmark(naap440 / "naap440.csv")
    x, _ = b.features("Scheme+Quant.3")
    x[:, :2] = np.log(x[:, :2])
    return x, b.max_accuracies()


def test_params_round_trip_and_clone():
    r = NaapRegressor(model="5-NN", seed=3)
    assert r.get_params() == {"model": "5-NN", "seed": 3}
    r.set_params(model="Decision Tree")
    assert clone(r).get_params() == {"model": "Decision Tree", "seed": 3}


def test_pipeline_and_cross_val_score_run_and_are_seeded(xy):
    x, y = xy
    pipe = make_pipeline(StandardScaler(), NaapRegressor("Random Forest (N=25)", seed=5))
    scores = cross_val_score(pipe, x, y, cv=3)
    assert scores.shape == (3,) and np.all(scores > 0.5)
    assert np.array_equal(scores, cross_val_score(pipe, x, y, cv=3))
    fitted = pipe.fit(x, y)
    assert fitted.score(x, y) > 0.9


def test_same_model_as_the_predictor_on_the_same_scaled_rows(naap440, xy):
    # Predictor.fit sorts rows by MaxAccuracy and scales them with the population std (as
    # StandardScaler does): fitted on those rows, the estimator predicts exactly the same.
    x, y = xy
    b = naap.Benchmark(naap440 / "naap440.csv")
    p = naap.Predictor.fit(b, "SVR (RBF kernel)", feature_set="Scheme+Quant.3", all_rows=True)
    order = np.argsort(y, kind="stable")
    scaler = StandardScaler().fit(x)
    r = NaapRegressor("SVR (RBF kernel)", seed=p.seed).fit(scaler.transform(x)[order], y[order])
    raw, _ = b.features(p.feature_names)
    assert np.allclose(r.predict(scaler.transform(x)), p.predict(raw), rtol=0, atol=1e-12)


def test_bad_estimator_input_raises_value_error(xy):
    x, y = xy
    with pytest.raises(ValueError, match="unknown model"):
        NaapRegressor("No Such Model").fit(x, y)
    with pytest.raises(ValueError, match="rows"):
        NaapRegressor("5-NN").fit(x, y[:-1])
    with pytest.raises(ValueError, match="2-D"):
        NaapRegressor("5-NN").fit(y, y)
    with pytest.raises(ValueError, match="finite"):
        NaapRegressor("5-NN").fit(np.full_like(x, np.nan), y)
    r = NaapRegressor("5-NN").fit(x, y)
    with pytest.raises(ValueError, match="features"):
        r.predict(x[:, :3])
    with pytest.raises(sklearn.exceptions.NotFittedError):
        NaapRegressor().predict(x)


def test_the_estimator_pickles_and_runs_in_parallel_jobs(xy):
    import pickle

    x, y = xy
    r = NaapRegressor("Decision Tree", seed=2).fit(x, y)
    assert np.array_equal(pickle.loads(pickle.dumps(r)).predict(x), r.predict(x))
    pipe = make_pipeline(StandardScaler(), NaapRegressor("SVR (RBF kernel)"))
    assert np.array_equal(cross_val_score(pipe, x, y, cv=3, n_jobs=2), cross_val_score(pipe, x, y, cv=3))
