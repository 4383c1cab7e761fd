#!/usr/bin/env bash
# The main job, end to end on one machine: installs what is missing, builds, starts
# swfvault-emulator with the demo seed and the test PKI, mirrors every demo samenwerking
# gemeente-a takes part in into a vault, lists and verifies it, and stops the emulator.
#
#   scripts/demo.sh [WORKDIR]      (default: build/demo; removed and made anew)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

scripts/setup.sh
pki=$root/build/test-pki
scripts/gen-test-pki.sh "$pki"

work=${1:-$root/build/demo}
rm -rf "$work"
mkdir -p "$work"

source scripts/lib/emulator.sh
trap stop_emulator EXIT
start_emulator build/swfvault-emulator "$pki" "$work" --seed fixtures/emulator/demo-seed.json
port=$EMU_PORT

cat > "$work/swfvault.toml" <<TOML
vault = "$work/vault"
base_url = "https://127.0.0.1:$port/overheid/samenwerken/api/behandelen/v5"
ca = "$pki/ca.crt"
transfers = 4

[profile.gemeente-a]
oin = "00000001000000001000"
cert = "$pki/gemeente-a.crt"
key = "$pki/gemeente-a.key"

[mdto]
waardering = "V"
archiefvormer = "Gemeente A"
bewaartermijn = "P20Y"
TOML
export SWFVAULT_CONFIG=$work/swfvault.toml

run() { echo "+ swfvault $*"; build/swfvault "$@"; }
run init
run sync
run sync          # a second run transfers nothing
run ls
first=$(build/swfvault ls --json | grep -o '"samenwerkingId":"SAM-[0-9]*"' | head -n1 | cut -d'"' -f4)
if [[ -n "$first" ]]; then run ls "$first"; fi
run verify
run status
echo "demo: vault at $work/vault, config at $work/swfvault.toml"
