"""What reaches Python when naap fails: a panic is an exception, and every exception carries
the CLI's message."""

import subprocess

import pytest

import naap
from naap import _naap


def test_a_rust_panic_becomes_a_runtime_error_and_the_interpreter_lives_on():
    with pytest.raises(RuntimeError, match="internal error in naap"):
        _naap._panic_for_tests()
    assert len(naap.regressor_names()) == 32


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


def test_a_long_call_releases_the_gil(naap440):
    # While nas.simulate runs in a thread, this thread keeps running Python: its progress stamps
    # fall inside the call. Were the GIL held, none could.
    import threading
    import time

    span = {}

    def work():
        span["start"] = time.perf_counter()
        naap.nas.simulate(naap440 / "naap440.csv", ["successive-halving", "random"], repeats=300, pool=200)
        span["end"] = time.perf_counter()

    stamps = []
    t = threading.Thread(target=work)
    t.start()
    while t.is_alive():
        stamps.append(time.perf_counter())
        time.sleep(0.001)
    t.join()
    start, end = span["start"], span["end"]
    assert end - start > 0.1, "the call is too short to tell"
    inside = [s for s in stamps if start + 0.03 < s < end - 0.03]
    assert len(inside) > 10
