#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (unit and integration) with ctest.
#
#   scripts/test.sh [--sanitize] [--unit] [ctest arguments...]
# --sanitize: an ASan+UBSan build in build-asan/.  --unit: build and run only the unit tests.
set -euo pipefail
cd "$(dirname "$0")/.."

setup_args=()
build_dir=build
unit=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sanitize) setup_args+=(--sanitize); build_dir=build-asan; shift ;;
    --unit) unit=1; shift ;;
    *) break ;;
  esac
done
if [[ $unit -eq 1 ]]; then
  scripts/setup.sh "${setup_args[@]}" --no-build
  sanitize=OFF
  [[ $build_dir == build-asan ]] && sanitize=ON
  [[ -f "$build_dir/build.ninja" ]] || cmake -S . -B "$build_dir" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSWFVAULT_SANITIZE=$sanitize
  cmake --build "$build_dir" -j "$(nproc)" --target swfvault_unit_tests
  set -- -L unit "$@"
else
  scripts/setup.sh "${setup_args[@]}"
fi
scripts/gen-test-pki.sh "$build_dir/test-pki"
# The fuse/ tests skip where FUSE cannot be used; say so up front, not only in ctest's list.
if [[ ! -r /dev/fuse || ! -w /dev/fuse ]] || ! command -v bindfs > /dev/null; then
  echo "test: note: no usable /dev/fuse or bindfs here: the fuse/ tests will be skipped" >&2
fi
cd "$build_dir"
ctest --output-on-failure -j "$(nproc)" "$@"
