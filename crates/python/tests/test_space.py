"""naap.space against the published schemes and CSV, and `naap space generate`."""

import json

import pytest

import naap
from conftest import read_csv


def test_default_space_generates_the_published_schemes(naap440):
    assert naap.space.generate() == json.loads((naap440 / "generated_schemes.json").read_text())


def test_profile_equals_the_published_v2_scheme_columns(naap440):
    schemes = json.loads((naap440 / "generated_schemes.json").read_text())
    rows = read_csv(naap440 / "naap440v2.csv")
    profiles = naap.space.profile(schemes)
    for r in rows:
        got = profiles[int(r["ModelId"]) - 1]
        assert got == {k: int(r[k]) for k in got}, r["ModelId"]


def test_toml_and_dict_configs_generate_what_the_cli_does(run_naap, tmp_path):
    toml = naap.space.default_config().replace("min_depth = 3", "min_depth = 4")
    assert toml != naap.space.default_config()
    (tmp_path / "space.toml").write_text(toml)
    run_naap("space", "generate", "--space", tmp_path / "space.toml", "-o", tmp_path / "s.json")
    cli = json.loads((tmp_path / "s.json").read_text())
    assert naap.space.generate(toml) == cli
    as_dict = {
        "max_stride2_layers": 3,
        "min_depth": 4,
        "layers": [
            {"kernel_sizes": [3], "widths": [12, 16], "strides": [2], "residual": [False]},
            {"kernel_sizes": [3], "widths": [16, 24], "strides": [2], "residual": [False]},
            {"kernel_sizes": [1, 3], "widths": [16, 24, 32], "strides": [1, 2], "residual": [False, True]},
            {"kernel_sizes": [1, 3], "widths": [32, 40], "strides": [1, 2], "residual": [False, True]},
        ],
    }
    assert naap.space.generate(as_dict) == cli


def test_bad_space_input_raises_value_error():
    with pytest.raises(ValueError, match="min_depth"):
        naap.space.generate(naap.space.default_config().replace("min_depth = 3", "min_depth = 0"))
    with pytest.raises(ValueError, match="unknown field"):
        naap.space.generate({"max_stride2_layers": 3, "min_depth": 1, "layers": [], "typo": 1})
    with pytest.raises(ValueError):
        naap.space.generate("not = [toml")
    with pytest.raises(ValueError):
        naap.space.generate(42)
    with pytest.raises(ValueError, match="scheme 1, layer 1"):
        naap.space.profile([[{"kernel_size": 3, "width": 0, "stride": 1, "residual": False}]])
    with pytest.raises(ValueError, match="scheme 2"):
        naap.space.profile([[{"kernel_size": 3, "width": 8, "stride": 1, "residual": False}], [{"kernel_size": 3}]])
    with pytest.raises(ValueError):
        naap.space.profile([])
    with pytest.raises(ValueError):
        naap.space.profile(object())
