#!/usr/bin/env bash
# Measures swfvault-emulator throughput over real mutual TLS with curl:
#   1. one large download (default 1 GiB) -> MB/s
#   2. small-document requests per second over one keep-alive connection (curl with many URLs)
# Usage: scripts/bench-emulator.sh [BUILD_DIR] [SIZE_BYTES] [SMALL_DOCS]
# BUILD_DIR defaults to build/ (needs swfvault-emulator; the test PKI is made if missing).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
size=${2:-1073741824}
small=${3:-1000}
source "$root/scripts/lib/emulator.sh"
start_scratch_emulator "$build" bench
pki=$PKI
work=$WORK
base=$EMU_BASE
admin=$EMU_ADMIN
tls=(--cacert "$pki/ca.crt" --cert "$pki/gemeente-a.crt" --key "$pki/gemeente-a.key" -H "X-OIN: 00000001000000001000" -s)
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

gen() {  # dossiers docs min max seed -> first samenwerkingId
  curl -s -X POST "$admin/_emulator/generate" -d "{\"dossiers\":$1,\"documentsPerDossier\":$2,\"minSize\":$3,\"maxSize\":$4,\"seed\":$5}" |
    json 'd["samenwerkingen"][0]'
}

echo "generating one document of $size bytes ..."
t0=$(date +%s.%N)
sam=$(gen 1 1 "$size" "$size" 42)
t1=$(date +%s.%N)
echo "  generated in $(echo "$t1 - $t0" | bc) s"
doc=$(curl "${tls[@]}" "$base/samenwerkingen/$sam/documenten" | json 'd["_embedded"]["documenten"][0]["documentId"]')
speed=$(curl "${tls[@]}" -o /dev/null -w '%{speed_download}' "$base/documenten/$doc/content")
echo "large download: $size bytes at $(echo "scale=1; $speed / 1048576" | bc) MiB/s"
echo "  command: curl --cacert ca.crt --cert gemeente-a.crt --key gemeente-a.key -H X-OIN:... -o /dev/null -w '%{speed_download}' $base/documenten/<id>/content"

echo "generating $small small documents (1-4 KiB) ..."
sam=$(gen 1 "$small" 1024 4096 43)
ids=$(curl "${tls[@]}" "$base/samenwerkingen/$sam/documenten?aantal=100" | json '"\n".join(x["documentId"] for x in d["_embedded"]["documenten"])')
urls=()
while [[ ${#urls[@]} -lt $small ]]; do
  for id in $ids; do urls+=("$base/documenten/$id/content"); [[ ${#urls[@]} -ge $small ]] && break; done
done
args=()
for u in "${urls[@]}"; do args+=(-o /dev/null "$u"); done
t0=$(date +%s.%N)
curl "${tls[@]}" "${args[@]}"
t1=$(date +%s.%N)
echo "small documents: ${#urls[@]} GETs over one keep-alive connection in $(echo "$t1 - $t0" | bc) s = $(echo "scale=0; ${#urls[@]} / ($t1 - $t0)" | bc) req/s"
curl -s "$admin/_emulator/stats" | json '"server stats: %d requests, %d content bytes sent" % (d["totalRequests"], d["contentBytesSent"])'
