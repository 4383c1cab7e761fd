#!/usr/bin/env bash
# Installs every Debian package swfvault needs (only what is missing) and builds into build/.
# Idempotent; runs as root on a fresh machine (uses sudo when not root).
#
#   scripts/setup.sh [--sanitize] [--build-dir DIR] [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build
sanitize=OFF
do_build=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sanitize) sanitize=ON; build_dir=${build_dir/#build/build-asan} ;;
    --build-dir) build_dir=$2; shift ;;
    --no-build) do_build=0 ;;
    *) echo "setup.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
  shift
done

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates openssl
  libcurl4-openssl-dev libssl-dev libarchive-dev libsqlite3-dev sqlite3
  nlohmann-json3-dev libxxhash-dev libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev libcpp-httplib-dev libtomlplusplus-dev
  libxml2-utils curl libarchive-tools tar unzip zstd time bc python3 bindfs
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo=sudo
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [[ $do_build -eq 1 ]]; then
  if [[ ! -f "$build_dir/build.ninja" ]]; then
    cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSWFVAULT_SANITIZE=$sanitize
  fi
  cmake --build "$build_dir" -j "$(nproc)"
fi
