"""What reaches Python when naap fails: a panic is an exception, and every exception carries
the CLI's message."""

import subprocess

import pytest

import naap
from naap import _naap


def test_a_rust_panic_becomes_a_runtime_error_and_the_interpreter_lives_on():
    with pytest.raises(RuntimeError, match="internal error in naap"):
        _naap._panic_for_tests()
    assert len(naap.regressor_names()) == 30


def test_python_errors_carry_the_message_the_cli_prints(naap_bin, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("ModelId,IsTest\n1,0\n")
    done = subprocess.run([str(naap_bin), "fit", "--dataset", str(bad), "--model", "5-NN",
                           "--feature-set", "Scheme", "-o", str(tmp_path / "p.json")],
                          capture_output=True, text=True)
    assert done.returncode == 2
    with pytest.raises(ValueError) as err:
        naap.Predictor.fit(bad, "5-NN", feature_set="Scheme")
    assert done.stderr.strip() == f"naap: {err.value}"
