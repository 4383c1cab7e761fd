#!/usr/bin/env bash
# Side-by-side benchmark of a full mirror (issue 3):
#   1. swfvault sync of a generated corpus (default 2,000 documents, 4 KiB-64 MiB, ~1.5 GiB:
#      Pareto sizes, alpha 0.55, so most documents are small and a few reach 64 MiB)
#   2. the same downloads by parallel curl processes with the same mTLS and parallelism
#   3. for reference: that curl run flushed to disk, and curl with the documentHash check
#      swfvault makes (each curl process runs sha256sum -c over its files when done)
# and the ratio of wall times (target: swfvault <= 1.15x curl), with what the SHA-256 check of
# every byte costs on this machine and the least ratio that cost allows. Then peak RSS of swfvault while
# mirroring one 2 GiB document and a dossier of 20,000 small documents (target < 64 MiB).
#
#   scripts/bench-sync.sh [--quick]     (--quick: 200 documents, 1 dossier of 2,000, 256 MiB)
# Env: BENCH_DIR (default build/bench-sync), TRANSFERS (default 8), ROUNDS (default 3; the best
# round of each side counts).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
docs=2000; small=20000; big=$((2 << 30))
if [[ "${1:-}" == "--quick" ]]; then docs=200; small=2000; big=$((256 << 20)); fi
transfers=${TRANSFERS:-8}
work=${BENCH_DIR:-$root/build/bench-sync}
pki=$root/build/test-pki

[[ -x build/swfvault && -x build/swfvault-emulator ]] || scripts/setup.sh
scripts/gen-test-pki.sh "$pki"
rm -rf "$work"; mkdir -p "$work"

source scripts/lib/emulator.sh
trap stop_emulator EXIT
start_emulator build/swfvault-emulator "$pki" "$work"
admin=$EMU_ADMIN
base=$EMU_BASE
oin=00000001000000001000

generate() { curl -sf -X POST "$admin/_emulator/generate" -d "$1"; echo; }
config() {  # vault dir -> config file
  cat > "$1.toml" <<TOML
vault = "$1"
base_url = "$base"
ca = "$pki/ca.crt"
transfers = $transfers
[profile.gemeente-a]
oin = "$oin"
cert = "$pki/gemeente-a.crt"
key = "$pki/gemeente-a.key"
TOML
  build/swfvault --config "$1.toml" init > /dev/null
  echo "$1.toml"
}
rss_of() { grep "Maximum resident" "$1" | awk '{print $6}'; }
now() { date +%s.%N; }

echo "== corpus: $docs documents, 4 KiB-64 MiB, Pareto (alpha 0.55)"
sam=$(generate "{\"dossiers\":1,\"documentsPerDossier\":$docs,\"minSize\":4096,\"maxSize\":67108864,\"paretoAlpha\":0.55,\"seed\":42}" \
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["samenwerkingen"][0])')
curlauth=(--silent --show-error --fail --cacert "$pki/ca.crt" --cert "$pki/gemeente-a.crt" --key "$pki/gemeente-a.key" -H "X-OIN: $oin")
python3 - "$base" "$sam" "$work/urls" "${curlauth[@]}" <<'PY'
import json, subprocess, sys
base, sam, out, auth = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
urls, page, total = [], 0, 0
while True:
    r = subprocess.run(["curl", *auth, f"{base}/samenwerkingen/{sam}/documenten?aantal=100&pagina={page}"],
                       capture_output=True, check=True)
    j = json.loads(r.stdout)
    for d in j.get("_embedded", {}).get("documenten", []):
        urls.append((f"{base}/documenten/{d['documentId']}/content", d["documentId"], d["documentHash"]))
        total += d.get("bestandsGrootte", 0)
    page += 1
    if page >= j["page"]["totalPages"]: break
with open(out, "w") as f:
    for u, i, _ in urls: f.write(f"url = \"{u}\"\noutput = \"{i}\"\n")
with open(out + ".sums", "w") as f:  # sha256sum -c format, in the same order
    for _, i, h in urls: f.write(f"{h}  {i}\n")
print(f"{len(urls)} documents, {total/2**20:.0f} MiB")
PY

python3 - "$work/urls" "$transfers" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
pairs = [lines[i:i+2] for i in range(0, len(lines), 2)]
sums = open(sys.argv[1] + ".sums").read().splitlines()
n = int(sys.argv[2])
for k in range(n):
    with open(f"{sys.argv[1]}.{k}", "w") as f:
        for p in pairs[k::n]: f.write("\n".join(p) + "\n")
    with open(f"{sys.argv[1]}.sums.{k}", "w") as f:
        for line in sums[k::n]: f.write(line + "\n")
PY

# Both sides start from the same state: earlier output flushed and, where allowed (root), the
# page cache dropped. On a VM, writing into never-touched free memory costs far more than into
# recycled page cache, so without this whichever side runs second looks faster. The emulator's
# own content is then read back into the cache: it stands in for a remote server, whose disk
# is not ours, so neither side should wait for it (or have its writes compete with its reads).
# The disk is also let go quiet first: removing the previous round's 1.5 GiB starts discards
# (and journal work) that otherwise run into the next timed run, whichever side it is.
disk_busy_ms() { awk '{t += $13} END {print t}' /proc/diskstats; }  # time spent doing I/O
quiet_disk() {
  local before after i
  for i in $(seq 1 30); do
    before=$(disk_busy_ms); sleep 1; after=$(disk_busy_ms)
    (( after - before < 20 )) && return 0
  done
}
settle() {
  sync
  quiet_disk
  if [[ -w /proc/sys/vm/drop_caches ]]; then echo 3 > /proc/sys/vm/drop_caches; fi
  find "$work/emulator-state" -type f -exec cat {} + > /dev/null
}
swf_run() {  # round -> wall seconds
  local vault=$work/vault-$1
  rm -rf "$vault" "$vault.toml"
  local cfg; cfg=$(config "$vault")
  settle
  local t0 t1; t0=$(now)
  /usr/bin/time -v -o "$work/sync-$1.time" build/swfvault --config "$cfg" sync --quiet "$sam"
  t1=$(now)
  echo "$t1 - $t0" | bc
}
curl_prepare() {  # an empty $work/curl, then settle
  rm -rf "$work/curl"; mkdir -p "$work/curl"
  settle
}
# The same downloads by $transfers parallel curl processes, into $work/curl. With "check",
# each process then runs sha256sum -c over its own files: the check swfvault makes against
# documentHash before publishing, done with standard tools while the other processes still
# download.
curl_fetch() {  # plain|check
  local pids=() k p
  for k in $(seq 0 $((transfers - 1))); do
    (cd "$work/curl" && curl "${curlauth[@]}" -K "$work/urls.$k" &&
       { [[ $1 != check ]] || sha256sum --quiet --strict -c "$work/urls.sums.$k"; }) &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
}
idle_cs() { awk '/^cpu / {print $5 + $6}' /proc/stat; }  # idle + iowait, all cores, 1/100 s
curl_run() {  # round -> "wall durable_wall": curl's own files, then flushed
  curl_prepare
  local t0 t1 t2 i0; t0=$(now); i0=$(idle_cs)
  curl_fetch plain
  t1=$(now)
  echo "$(idle_cs) - $i0" | bc > "$work/curl-idle-$1"
  # swfvault fsyncs every object before publishing it; curl leaves its files in the page
  # cache. The durable reference is curl plus flushing what it wrote.
  sync -f "$work/curl"
  t2=$(now)
  echo "$(echo "$t1 - $t0" | bc) $(echo "$t2 - $t0" | bc)"
}
curl_check_run() {  # round -> wall seconds of curl plus sha256sum -c
  curl_prepare
  local t0 t1; t0=$(now)
  curl_fetch check
  t1=$(now)
  echo "$t1 - $t0" | bc
}
min() { printf '%s\n' "$@" | sort -g | head -1; }

echo "== side by side: swfvault sync --transfers $transfers, then $transfers parallel curl processes (same mTLS, keep-alive), ${ROUNDS:-3} rounds"
sws=(); cws=(); cdws=(); ccws=(); idles=()
for round in $(seq 1 "${ROUNDS:-3}"); do
  sw=$(swf_run "$round")
  read -r cw cdw < <(curl_run "$round")
  ccw=$(curl_check_run "$round")
  printf 'round %d: swfvault %.2f s, curl %.2f s, curl+flush %.2f s, curl+sha256sum %.2f s\n' \
    "$round" "$sw" "$cw" "$cdw" "$ccw"
  sws+=("$sw"); cws+=("$cw"); cdws+=("$cdw"); ccws+=("$ccw"); idles+=("$(cat "$work/curl-idle-$round")")
  rm -rf "$work/vault-$round" "$work/curl"
done
sw=$(min "${sws[@]}"); cw=$(min "${cws[@]}"); cdw=$(min "${cdws[@]}"); ccw=$(min "${ccws[@]}")
printf 'best: swfvault %.2f s, curl %.2f s (ratio %.3f, target <= 1.15), curl+flush %.2f s (ratio %.3f), curl+sha256sum %.2f s (ratio %.3f); swfvault peak RSS %s KiB\n' \
  "$sw" "$cw" "$(echo "$sw / $cw" | bc -l)" "$cdw" "$(echo "$sw / $cdw" | bc -l)" \
  "$ccw" "$(echo "$sw / $ccw" | bc -l)" "$(rss_of "$work/sync-1.time")"

# What the documentHash check alone costs on this machine: SHA-256 of every byte of the corpus
# (the emulator's content files, in the page cache after settle), user CPU of openssl dgst. When
# curl's run leaves no idle CPU, that work can only add to the wall time: at least
# (hash CPU - curl's idle CPU) / cores, whatever else swfvault does.
best=0; for i in "${!cws[@]}"; do [[ ${cws[$i]} == "$cw" ]] && best=$i; done
hash_cpu=$( { /usr/bin/time -f "%U" bash -c \
  "find '$work/emulator-state/content' -type f -print0 | xargs -0 openssl dgst -sha256 > /dev/null"; } 2>&1 | tail -1)
cores=$(nproc)
idle=$(echo "${idles[$best]} / 100" | bc -l)
floor=$(echo "x = ($hash_cpu - $idle) / $cores; if (x < 0) x = 0; ($cw + x) / $cw" | bc -l)
printf 'SHA-256 of the corpus (the documentHash check, RELIABILITY rule 2; curl skips it): %.2f s CPU; curl'"'"'s best round left %.2f core-s idle on %d cores, so the check alone puts any checking client at >= %.3f x curl\n' \
  "$hash_cpu" "$idle" "$cores" "$floor"

echo "== peak RSS: one $((big >> 20)) MiB document"
sam_big=$(generate "{\"dossiers\":1,\"documentsPerDossier\":1,\"minSize\":$big,\"maxSize\":$big,\"seed\":43}" \
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["samenwerkingen"][0])')
cfg=$(config "$work/vault-big")
/usr/bin/time -v -o "$work/big.time" build/swfvault --config "$cfg" sync --quiet "$sam_big"
echo "peak RSS $(rss_of "$work/big.time") KiB (target < 65536)"

echo "== peak RSS: one dossier of $small small documents"
sam_small=$(generate "{\"dossiers\":1,\"documentsPerDossier\":$small,\"minSize\":512,\"maxSize\":8192,\"seed\":44}" \
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["samenwerkingen"][0])')
cfg=$(config "$work/vault-small")
t0=$(now)
/usr/bin/time -v -o "$work/small.time" build/swfvault --config "$cfg" sync --quiet "$sam_small"
t1=$(now)
printf 'peak RSS %s KiB (target < 65536), %.1f s\n' "$(rss_of "$work/small.time")" "$(echo "$t1 - $t0" | bc)"
