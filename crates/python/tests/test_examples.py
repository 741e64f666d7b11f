"""The Python examples run as the README says, against the published data."""

import os
import subprocess
import sys

from conftest import REPO


def test_regularized_evolution_example_spends_its_budget_and_reports(data_dir):
    env = dict(os.environ, NAAP_DATA_DIR=str(data_dir))
    done = subprocess.run([sys.executable, str(REPO / "examples" / "python" / "regularized_evolution.py")],
                          capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("spent 3000 epochs; found ModelId ")
