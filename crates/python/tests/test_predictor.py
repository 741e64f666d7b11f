"""naap.Predictor files against `naap fit` and `naap predict`, both ways."""

import json

import numpy as np
import pytest

import naap
from conftest import read_csv

CASES = [
    ("Random Forest (N=25)", "Scheme+Quant.3"),
    ("SVR (RBF kernel)", "Scheme"),
    ("Gradient Boosting (N=50)", "Scheme + Quantitative 6 epochs"),
]


def _cli_predict(run_naap, naap440, predictor, out):
    run_naap(
        "predict", "--predictor", predictor, "--schemes", naap440 / "generated_schemes.json",
        "--dataset", naap440 / "naap440.csv", "-o", out,
    )
    return {int(r["ModelId"]): float(r["PredictedAccuracy"]) for r in read_csv(out)}


def _python_predict(p, b):
    x, names = b.features(p.feature_names)
    assert names == p.feature_names
    return dict(zip(b.ids, p.predict(x)))


@pytest.mark.parametrize("model,feature_set", CASES)
def test_cli_fitted_file_predicts_in_python_what_naap_predict_wrote(run_naap, naap440, tmp_path, model, feature_set):
    dataset = naap440 / "naap440.csv"
    path = tmp_path / "p.json"
    run_naap("fit", "--dataset", dataset, "--model", model, "--feature-set", feature_set, "-o", path)
    cli = _cli_predict(run_naap, naap440, path, tmp_path / "pred.csv")
    p = naap.Predictor.load(path)
    b = naap.Benchmark(dataset)
    assert _python_predict(p, b) == cli
    # The same numbers from the schemes themselves, profiled, with their curves.
    schemes = json.loads((naap440 / "generated_schemes.json").read_text())
    curves = [[b.query(i, epoch=e) for e in range(1, p.epochs_needed + 1)] for i in range(1, len(schemes) + 1)]
    got = p.predict_schemes(schemes, curves if p.epochs_needed else None)
    assert dict(zip(range(1, len(schemes) + 1), got)) == cli


@pytest.mark.parametrize("model,feature_set", CASES)
def test_python_fitted_file_is_naap_fits_file_and_predicts_the_same_in_the_cli(
    run_naap, naap440, tmp_path, model, feature_set
):
    dataset = naap440 / "naap440.csv"
    p = naap.Predictor.fit(str(dataset), model, feature_set=feature_set, seed=20220907)
    p.save(tmp_path / "py.json")
    run_naap("fit", "--dataset", dataset, "--model", model, "--feature-set", feature_set,
             "--seed", "20220907", "-o", tmp_path / "cli.json")
    assert (tmp_path / "py.json").read_bytes() == (tmp_path / "cli.json").read_bytes()
    cli = _cli_predict(run_naap, naap440, tmp_path / "py.json", tmp_path / "pred.csv")
    assert _python_predict(p, naap.Benchmark(dataset)) == cli


def test_fit_by_columns_and_on_all_rows_matches_the_cli(run_naap, naap440, tmp_path):
    dataset = naap440 / "naap440v2.csv"
    cols = ["NumParams", "NumSkipConnections", "e2Accuracy"]
    p = naap.Predictor.fit(dataset, "5-NN", features=cols, all_rows=True)
    p.save(tmp_path / "py.json")
    run_naap("fit", "--dataset", dataset, "--model", "5-NN", "--features", ",".join(cols),
             "--all-rows", "-o", tmp_path / "cli.json")
    assert (tmp_path / "py.json").read_bytes() == (tmp_path / "cli.json").read_bytes()
    assert p.feature_names == cols and p.test_scores is None and len(p.training_ids) == 440
    loaded = naap.Predictor.load(tmp_path / "cli.json")
    assert loaded.checksum == p.checksum


def test_fit_reports_the_test_scores_naap_fit_prints(run_naap, naap440, tmp_path):
    dataset = naap440 / "naap440.csv"
    p = naap.Predictor.fit(dataset, "Random Forest (N=25)", feature_set="Scheme+Quant.3")
    done = run_naap("fit", "--dataset", dataset, "--model", "Random Forest (N=25)",
                    "--feature-set", "Scheme+Quant.3", "-o", tmp_path / "cli.json")
    s = p.test_scores
    assert f"test MAE {s['mae']:.4f}, violations {s['violations']}/780" in done.stderr


def test_bad_predictor_input_raises_the_named_exception(naap440, tmp_path):
    dataset = naap440 / "naap440.csv"
    with pytest.raises(ValueError, match="unknown model"):
        naap.Predictor.fit(dataset, "Random Forest (N=7)", feature_set="Scheme")
    with pytest.raises(ValueError, match="exactly one"):
        naap.Predictor.fit(dataset, "5-NN")
    with pytest.raises(ValueError, match="exactly one"):
        naap.Predictor.fit(dataset, "5-NN", feature_set="Scheme", features=["NumStages"])
    with pytest.raises(ValueError):
        naap.Predictor.fit(dataset, "5-NN", feature_set="Scheme+Quant.0")
    with pytest.raises(FileNotFoundError):
        naap.Predictor.fit(tmp_path / "none.csv", "5-NN", feature_set="Scheme")
    with pytest.raises(FileNotFoundError):
        naap.Predictor.load(tmp_path / "none.json")
    p = naap.Predictor.fit(dataset, "5-NN", feature_set="Scheme")
    p.save(tmp_path / "p.json")
    text = (tmp_path / "p.json").read_text()
    (tmp_path / "cut.json").write_text(text[: len(text) // 2])
    with pytest.raises(ValueError, match="cut.json"):
        naap.Predictor.load(tmp_path / "cut.json")
    with pytest.raises(ValueError, match="writing"):
        p.save(tmp_path / "no" / "such" / "dir.json")
    with pytest.raises(ValueError, match="2 features"):
        p.predict(np.ones((3, 5)))
    with pytest.raises(ValueError, match="2-D"):
        p.predict(np.ones(2))
    with pytest.raises(ValueError, match="positive count"):
        p.predict(np.array([[0.0, 2.0]]))
    with pytest.raises(ValueError, match="not finite"):
        p.predict(np.array([[1000.0, np.nan]]))
    with pytest.raises(ValueError):
        p.predict([["a", "b"]])
    with pytest.raises(ValueError, match="scheme 1"):
        p.predict_schemes([[{"kernel_size": 2, "width": 8, "stride": 1, "residual": False}]])
    with pytest.raises(ValueError):
        p.predict_schemes("not schemes")
    q = naap.Predictor.fit(dataset, "5-NN", feature_set="Scheme+Quant.3")
    scheme = [{"kernel_size": 3, "width": 8, "stride": 2, "residual": False}]
    with pytest.raises(ValueError, match="scheme 1"):
        q.predict_schemes([scheme])  # needs 3 epochs, has none
    with pytest.raises(ValueError, match="1 entries for 2 schemes"):
        q.predict_schemes([scheme, scheme], [None])
    with pytest.raises(ValueError, match="missing key"):
        q.predict_schemes([scheme], [[{"accuracy": 0.5}]])


def test_predict_of_no_rows_is_empty(naap440):
    p = naap.Predictor.fit(naap440 / "naap440.csv", "Linear Regression", feature_set="Scheme")
    assert p.predict(np.zeros((0, 2))).shape == (0,)


def test_a_pickled_predictor_predicts_the_same(naap440):
    import pickle

    b = naap.Benchmark(naap440 / "naap440.csv")
    p = naap.Predictor.fit(b, "Gradient Boosting (N=25)", feature_set="Scheme+Quant.3")
    q = pickle.loads(pickle.dumps(p))
    x, _ = b.features(p.feature_names)
    assert q.checksum == p.checksum and np.array_equal(q.predict(x), p.predict(x))
    with pytest.raises(ValueError):
        naap.Predictor.from_json("{}")
