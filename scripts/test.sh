#!/usr/bin/env bash
# The project's one test command (README, CI). Installs what it needs itself.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! cargo nextest --version >/dev/null 2>&1; then
    cargo install --locked cargo-nextest
fi

cargo fmt --all --check
cargo clippy --workspace --exclude naap-train --all-targets -- -D warnings
cargo nextest run --workspace --exclude naap-train --no-fail-fast
