"""Shared fixtures: the published data (as scripts/test.sh finds it) and the `naap` binary that
the Python answers are checked against."""

import csv
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


def _shared_dir() -> Path:
    env = os.environ.get("NAAP_SHARED_DIR")
    for candidate in ([Path(env)] if env else []) + [REPO.parent / "shared", REPO / "data"]:
        if (candidate / "naap440" / "naap440.csv").is_file():
            return candidate
    raise RuntimeError(
        "the published data is missing: set NAAP_SHARED_DIR to a folder holding naap440/ "
        "(scripts/test.sh does)"
    )


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The folder holding naap440/{naap440.csv,naap440v2.csv,generated_schemes.json,...}."""
    return _shared_dir()


@pytest.fixture(scope="session")
def naap440(data_dir) -> Path:
    return data_dir / "naap440"


@pytest.fixture(scope="session")
def naap_bin() -> Path:
    """The CLI the package is checked against: $NAAP_BIN, else the debug build."""
    env = os.environ.get("NAAP_BIN")
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    path = Path(env) if env else target / "debug" / "naap"
    if not path.is_file():
        raise RuntimeError(f"{path} is missing: build it with `cargo build -p naap` (or set NAAP_BIN)")
    return path


@pytest.fixture(scope="session")
def run_naap(naap_bin):
    def run(*args: str) -> subprocess.CompletedProcess:
        done = subprocess.run([str(naap_bin), *map(str, args)], capture_output=True, text=True)
        assert done.returncode == 0, f"naap {' '.join(map(str, args))} failed:\n{done.stderr}"
        return done

    return run


def read_csv(path: Path) -> list:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))
