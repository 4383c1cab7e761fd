#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (unit and integration) with ctest.
#
#   scripts/test.sh [--sanitize] [ctest arguments...]
# With --sanitize the suite runs in an ASan+UBSan build in build-asan/.
set -euo pipefail
cd "$(dirname "$0")/.."

setup_args=()
build_dir=build
if [[ "${1:-}" == "--sanitize" ]]; then
  setup_args+=(--sanitize)
  build_dir=build-asan
  shift
fi
scripts/setup.sh "${setup_args[@]}"
scripts/gen-test-pki.sh "$build_dir/test-pki"
cd "$build_dir"
ctest --output-on-failure -j "$(nproc)" "$@"
