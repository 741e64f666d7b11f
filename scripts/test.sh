#!/usr/bin/env bash
# The project's one test command (README, CI). Installs what it needs itself.
set -euo pipefail
cd "$(dirname "$0")/.."

# The published data the tests read: $NAAP_SHARED_DIR, else ../shared (developer machines,
# CI), else ./data, fetched here once with `naap download` (checksum-verified; files already
# present are skipped). Checked first, so that a machine without data and without internet
# stops at once with one line instead of dozens of failing tests.
want_cifar=$([ "${NAAP_SKIP_TRAIN:-0}" = 1 ] && echo 0 || echo 1)
data_ready() {
    local f
    for f in naap440.csv naap440v2.csv generated_schemes.json raw_data.tar.gz; do
        [ -f "$1/naap440/$f" ] || return 1
    done
    [ "$want_cifar" = 0 ] || [ -f "$1/cifar10/cifar10-jpg.tar.gz" ] \
        || [ -d "$1/cifar10/cifar-10-batches-bin" ]
}
if [ -n "${NAAP_SHARED_DIR:-}" ]; then
    if ! data_ready "$NAAP_SHARED_DIR"; then
        echo "scripts/test.sh: NAAP_SHARED_DIR=$NAAP_SHARED_DIR lacks the published data (naap440/{naap440.csv,naap440v2.csv,generated_schemes.json,raw_data.tar.gz} and cifar10/)" >&2
        exit 1
    fi
elif [ -d ../shared/naap440 ]; then
    NAAP_SHARED_DIR="$(cd ../shared && pwd)"
    export NAAP_SHARED_DIR
else
    export NAAP_SHARED_DIR="$PWD/data"
    if ! data_ready data; then
        probe=https://raw.githubusercontent.com/talcs/NAAP-440/main/naap440.csv
        if command -v curl >/dev/null && ! curl -fsS --max-time 20 -r 0-0 -o /dev/null "$probe" 2>/dev/null; then
            echo "scripts/test.sh: the published data is missing (no ../shared, no NAAP_SHARED_DIR, no ./data) and $probe cannot be reached; run this once with internet access (it downloads into ./data), or set NAAP_SHARED_DIR to a folder holding naap440/ and cifar10/" >&2
            exit 1
        fi
        echo "scripts/test.sh: no ../shared; downloading the published data into ./data" >&2
        fetch() {
            cargo run --quiet -p naap -- download "$1" --dir data --quiet \
                || { echo "scripts/test.sh: downloading $1 into ./data failed (see above); set NAAP_SHARED_DIR to a folder holding naap440/ and cifar10/ instead" >&2; exit 1; }
        }
        fetch naap440
        [ "$want_cifar" = 0 ] || fetch cifar10
    fi
fi

if ! cargo nextest --version >/dev/null 2>&1; then
    cargo install --locked cargo-nextest
fi

cargo fmt --all --check
cargo clippy --workspace --exclude naap-train --all-targets -- -D warnings
cargo nextest run --workspace --exclude naap-train --no-fail-fast

# The Python package (crates/python): a wheel built by maturin and installed into a fresh
# virtual environment with the pinned tools (crates/python/requirements-dev.txt, from PyPI),
# then pytest checks it against the CLI the tests above built (target/debug/naap). The wheel
# is a dev-profile build, which reuses the dependencies already compiled above.
target_dir="${CARGO_TARGET_DIR:-target}"
py_venv="$target_dir/py-venv"
rm -rf "$py_venv" "$target_dir/py-wheels"
python3 -m venv "$py_venv"
"$py_venv/bin/pip" install --quiet --disable-pip-version-check -r crates/python/requirements-dev.txt
"$py_venv/bin/maturin" build --quiet -m crates/python/Cargo.toml -i "$py_venv/bin/python" \
    --out "$target_dir/py-wheels"
"$py_venv/bin/pip" install --quiet --disable-pip-version-check --no-deps "$target_dir"/py-wheels/naap-*.whl
NAAP_BIN="$target_dir/debug/naap" "$py_venv/bin/python" -m pytest -q crates/python/tests

# Training: naap-train links libtorch (torch 2.11.0 from PyPI, installed once by the setup
# script into ~/.cache/naap), so it and the feature-gated `naap train` tests run here, with
# the environment that the setup script prints (`naap search` trains too). NAAP_SKIP_TRAIN=1 skips this part.
if [ "${NAAP_SKIP_TRAIN:-0}" != 1 ]; then
    eval "$(bash scripts/setup-libtorch.sh --env)"
    cargo clippy -p naap-train -p naap-search -p naap --features naap/train --all-targets -- -D warnings
    # The CUDA stream and graph shim: compiled and linted here, run only where a GPU is.
    cargo clippy -p naap-train --features cuda-shim --all-targets -- -D warnings
    # naap-search's own libtorch tests (its torch module: the real trainer) run here too.
    cargo nextest run -p naap-train -p naap-search -p naap --features naap/train --no-fail-fast \
        -E 'package(naap-train) | (package(naap-search) & test(/^torch::/)) | (package(naap) & test(/train|proxies|search/))'
    # A real single-node Slurm cluster (Debian's slurm-wlm, started by scripts/slurm-up.sh):
    # an array of 4 training tasks, one cancelled and resumed; a search dispatched to it.
    # NAAP_SKIP_SLURM=1 skips both.
    if [ "${NAAP_SKIP_SLURM:-0}" != 1 ]; then
        cargo build -p naap --features train
        NAAP_BIN="${CARGO_TARGET_DIR:-target}/debug/naap" bash scripts/test-slurm.sh
        # naap search --dispatch slurm: the same ranking as local, through a scancel and a kill -9.
        NAAP_BIN="${CARGO_TARGET_DIR:-target}/debug/naap" bash scripts/test-slurm-search.sh
    fi
fi
