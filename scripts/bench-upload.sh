#!/usr/bin/env bash
# Peak memory of a large upload: `swfvault push` of one SIZE-byte file (default 2 GiB) to a
# local swfvault-emulator over mutual TLS, measured with /usr/bin/time -v. The upload is
# streamed (multipart from the file), hashed with a 64 KiB buffer and imported into the vault
# the same way, so peak RSS must stay under 64 MiB whatever the size.
# Usage: scripts/bench-upload.sh [BUILD_DIR] [SIZE_BYTES]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
size=${2:-2147483648}
limit_kib=$((64 * 1024))
source "$root/scripts/lib/emulator.sh"
start_scratch_emulator "$build" bench-upload
pki=$PKI
work=$WORK
base=$EMU_BASE
admin=$EMU_ADMIN
sam=$(curl -s -X POST "$admin/_emulator/generate" -d '{"dossiers":1,"documentsPerDossier":1,"seed":9}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["samenwerkingen"][0])')
cat >"$work/config.toml" <<TOML
vault = "$work/vault"
base_url = "$base"
ca = "$pki/ca.crt"
[profile.gemeente-a]
oin = "00000001000000001000"
cert = "$pki/gemeente-a.crt"
key = "$pki/gemeente-a.key"
TOML
"$build/swfvault" --config "$work/config.toml" init >/dev/null
echo "writing a $size-byte file ..."
head -c "$size" /dev/urandom >"$work/groot.bin"
t0=$(date +%s.%N)
/usr/bin/time -v "$build/swfvault" --config "$work/config.toml" push "$sam" "$work/groot.bin" \
  --json >"$work/out" 2>"$work/time"
t1=$(date +%s.%N)
rss=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$work/time")
grep -q '"outcome":"uploaded"' "$work/out" || { cat "$work/out" "$work/time"; echo "upload failed"; exit 1; }
echo "uploaded $size bytes in $(echo "$t1 - $t0" | bc) s; peak RSS ${rss} KiB ($((rss / 1024)) MiB), limit $((limit_kib / 1024)) MiB"
[[ $rss -lt $limit_kib ]] || { echo "FAIL: peak RSS above the limit"; exit 1; }
echo "OK"
