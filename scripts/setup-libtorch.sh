#!/usr/bin/env bash
# Installs the libtorch that `naap-train` (tch 0.24) links against: PyPI's torch 2.11.0 wheel,
# in a virtual environment of its own. Idempotent: does nothing when that torch is already there.
#
# Why this pair: tch 0.24 is the tch release built for libtorch 2.11.0, the torch that the lent
# GPU machines carry, so a binary built here also runs there (with their torch on LD_LIBRARY_PATH).
# Why the full wheel with its nvidia-* dependencies (about 3 GB, ~2 minutes here): the PyPI wheel's
# libtorch_cuda.so needs the CUDA runtime libraries both to link and to start, and `import torch`
# (which tch's build script runs) fails without them. A CPU-only libtorch is not on PyPI.
#
# Why outside the repo by default: CI runs in a fresh clone, and the 3 GB install is then reused.
#
# Usage: bash scripts/setup-libtorch.sh            # install if missing, print the exports
#        eval "$(bash scripts/setup-libtorch.sh --env)"   # set them in this shell
# Or run any command with them set: scripts/with-libtorch.sh cargo test -p naap-train
set -euo pipefail

TORCH_VERSION=2.11.0
VENV="${NAAP_TORCH_VENV:-$HOME/.cache/naap/venv-torch-$TORCH_VERSION}"

# The wheel's install record is enough to know it is there; importing torch takes ~10 s here.
dist_info() {
    compgen -G "$VENV/lib/python3*/site-packages/torch-$TORCH_VERSION.dist-info" | head -n 1
}

if [ -z "$(dist_info)" ]; then
    echo "setup-libtorch: installing torch $TORCH_VERSION into $VENV" >&2
    mkdir -p "$(dirname "$VENV")"
    python3 -m venv "$VENV"
    # numpy only silences torch's "Failed to initialize NumPy" warning.
    "$VENV/bin/python" -m pip install --quiet "torch==$TORCH_VERSION" numpy >&2
    "$VENV/bin/python" -c "import torch" 2>/dev/null \
        || { echo "setup-libtorch: torch $TORCH_VERSION did not import from $VENV" >&2; exit 1; }
fi

SITE="$(dirname "$(dist_info)")"
# naap-train's `cuda-shim` feature compiles host code against the CUDA runtime headers that
# torch's nvidia-cuda-runtime wheel carries; their cuda_runtime.h includes crt/host_config.h,
# which ships in a wheel of its own (134 kB), matching torch 2.11's CUDA 13.0.
if ! compgen -G "$SITE/nvidia/cu*/include/crt/host_config.h" >/dev/null; then
    echo "setup-libtorch: installing the CUDA 13.0 crt headers into $VENV" >&2
    "$VENV/bin/python" -m pip install --quiet --no-deps "nvidia-cuda-crt==13.0.*" >&2
fi
# libtorch_cuda.so finds the CUDA libraries of the nvidia-* wheels only through the loader path.
NV_LIBS="$(find "$SITE/nvidia" "$SITE/cuda" -maxdepth 4 -type d -name lib 2>/dev/null | sort | tr '\n' ':')"
exports="export VIRTUAL_ENV=\"$VENV\"
export PATH=\"$VENV/bin:\$PATH\"
export LIBTORCH_USE_PYTORCH=1
export LD_LIBRARY_PATH=\"$SITE/torch/lib:${NV_LIBS}\${LD_LIBRARY_PATH:-}\""

if [ "${1:-}" = "--env" ]; then
    echo "$exports"
else
    echo "setup-libtorch: torch $TORCH_VERSION ready in $VENV; the build needs:" >&2
    echo "$exports"
fi
