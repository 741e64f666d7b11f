"""naap.Benchmark against the published CSVs, read here with Python's csv module."""

import numpy as np
import pytest

import naap
from conftest import read_csv

EPOCH_KEYS = {"accuracy": "Accuracy", "loss_mean": "LossMean", "loss_median": "LossMedian"}


@pytest.mark.parametrize("name", ["naap440.csv", "naap440v2.csv"])
def test_query_equals_every_csv_row_and_epoch(naap440, name):
    b = naap.Benchmark(naap440 / name)
    rows = read_csv(naap440 / name)
    assert len(b) == len(rows)
    assert b.ids == [int(r["ModelId"]) for r in rows]
    scheme_cols = [c for c in rows[0] if c not in ("ModelId", "IsTest", "MaxAccuracy") and not c[1].isdigit()]
    for r in rows:
        q = b.query(int(r["ModelId"]))
        assert q["max_accuracy"] == float(r["MaxAccuracy"])
        assert q["is_test"] == (r["IsTest"] == "1")
        assert set(q) == {"max_accuracy", "is_test", *scheme_cols}
        for c in scheme_cols:
            assert q[c] == float(r[c]), (r["ModelId"], c)
        for e in range(1, b.num_epochs + 1):
            qe = b.query(int(r["ModelId"]), epoch=e)
            for key, suffix in EPOCH_KEYS.items():
                assert qe[key] == float(r[f"e{e}{suffix}"]), (r["ModelId"], e, key)


def test_default_dataset_is_the_published_v1_found_as_the_cli_finds_it(
    data_dir, naap440, monkeypatch, tmp_path
):
    monkeypatch.setenv("NAAP_DATA_DIR", str(data_dir))
    assert naap.Benchmark().path == str(naap440 / "naap440.csv")
    assert naap.Benchmark("v2").path == str(naap440 / "naap440v2.csv")
    # An explicit data_dir beats the environment, which beats ./data.
    monkeypatch.setenv("NAAP_DATA_DIR", str(tmp_path / "nowhere"))
    assert naap.Benchmark(data_dir=data_dir).format == "v1"
    monkeypatch.delenv("NAAP_DATA_DIR")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError, match="data/naap440/naap440.csv"):
        naap.Benchmark()


def test_curves_are_the_accuracy_columns_in_ids_order(naap440):
    b = naap.Benchmark(naap440 / "naap440.csv")
    rows = read_csv(naap440 / "naap440.csv")
    c = b.curves()
    assert c.shape == (440, 90) and c.dtype == np.float64
    want = np.array([[float(r[f"e{e}Accuracy"]) for e in range(1, 91)] for r in rows])
    assert np.array_equal(c, want)
    assert np.array_equal(c.max(axis=1), b.max_accuracies())


def test_features_are_raw_csv_columns_in_feature_set_order(naap440):
    b = naap.Benchmark(naap440 / "naap440.csv")
    rows = read_csv(naap440 / "naap440.csv")
    x, names = b.features("Scheme+Quant.3")
    assert names[:6] == ["NumParams", "NumMACs", "NumLayers", "NumStages", "FirstLayerWidth", "LastLayerWidth"]
    assert names[6:9] == ["e1LossMean", "e1LossMedian", "e1Accuracy"]
    assert x.shape == (440, 15)
    want = np.array([[float(r[n]) for n in names] for r in rows])
    assert np.array_equal(x, want)
    x2, names2 = b.features(["NumStages", "e2Accuracy"])
    assert names2 == ["NumStages", "e2Accuracy"]
    assert np.array_equal(x2, want[:, [3, 11]])


def test_bad_benchmark_input_raises_the_named_exception(naap440, tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.csv"):
        naap.Benchmark(tmp_path / "missing.csv")
    bad = tmp_path / "bad.csv"
    text = (naap440 / "naap440.csv").read_text().splitlines()
    text[5] = text[5].replace(",0.", ",x.", 1)
    bad.write_text("\n".join(text))
    with pytest.raises(ValueError, match=r"bad.csv:6"):
        naap.Benchmark(bad)
    with pytest.raises(ValueError):
        naap.Benchmark(12)
    b = naap.Benchmark(naap440 / "naap440.csv")
    for model_id in (0, -1, 441, 10**12):
        with pytest.raises(ValueError, match="ModelId"):
            b.query(model_id)
    for model_id in ("7", 7.5, None, True):
        with pytest.raises(ValueError, match="model_id must be an integer"):
            b.query(model_id)
    with pytest.raises(ValueError, match="epoch must be an integer"):
        b.query(1, epoch="3")
    for epoch in (0, 91, -3):
        with pytest.raises(ValueError, match="epoch"):
            b.query(1, epoch=epoch)
    with pytest.raises(ValueError):
        b.features("Scheme+Nothing")
    with pytest.raises(ValueError):
        b.features(["NoSuchColumn"])
    with pytest.raises(ValueError):
        b.features(3)
