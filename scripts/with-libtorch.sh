#!/usr/bin/env bash
# Runs a command with the environment that building and running naap-train needs
# (installing libtorch first if missing): scripts/with-libtorch.sh cargo test -p naap-train
set -euo pipefail
eval "$(bash "$(dirname "$0")/setup-libtorch.sh" --env)"
exec "$@"
