# Sourced by the scripts that need a running swfvault-emulator (demo, scenario, benchmarks).
#
#   start_emulator BIN PKI_DIR WORK_DIR [EXTRA_ARGS...]
#
# Starts BIN on free loopback ports (API over mTLS with PKI_DIR's certificates, admin over
# plain HTTP), state in WORK_DIR/emulator-state, log in WORK_DIR/emulator.log, and waits until
# both ports are known. Sets EMU_PID, EMU_PORT, EMU_BASE (the API base URL) and EMU_ADMIN.
# Fails with the log when the emulator dies or does not come up within 10 s.
# stop_emulator stops it; call it from the script's EXIT trap.

start_emulator() {
  local bin=$1 pki=$2 work=$3
  shift 3
  rm -f "$work/port" "$work/admin-port"
  "$bin" --listen 127.0.0.1:0 --port-file "$work/port" --tls-dir "$pki" \
    --state "$work/emulator-state" --admin-listen 127.0.0.1:0 \
    --admin-port-file "$work/admin-port" "$@" > "$work/emulator.log" 2>&1 &
  EMU_PID=$!
  local _
  for _ in $(seq 1 100); do
    [[ -s "$work/port" && -s "$work/admin-port" ]] && break
    if ! kill -0 "$EMU_PID" 2>/dev/null; then
      echo "swfvault-emulator exited during start-up:" >&2
      cat "$work/emulator.log" >&2
      return 1
    fi
    sleep 0.1
  done
  if [[ ! -s "$work/port" || ! -s "$work/admin-port" ]]; then
    echo "swfvault-emulator did not report its ports within 10 s (log: $work/emulator.log)" >&2
    return 1
  fi
  EMU_PORT=$(cat "$work/port")
  EMU_BASE="https://127.0.0.1:$EMU_PORT/overheid/samenwerken/api/behandelen/v5"
  EMU_ADMIN="http://127.0.0.1:$(cat "$work/admin-port")"
}

stop_emulator() {
  [[ -n "${EMU_PID:-}" ]] || return 0
  kill "$EMU_PID" 2>/dev/null || true
  wait "$EMU_PID" 2>/dev/null || true
  EMU_PID=
}

# start_scratch_emulator BUILD_DIR NAME
#
# For the benchmarks: the test PKI in BUILD_DIR/test-pki (made when missing), a scratch
# directory removed on exit together with the emulator, and the emulator in it with the demo
# seed. Sets PKI and WORK besides the EMU_* variables.
start_scratch_emulator() {
  local lib
  lib=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  PKI=$1/test-pki
  [[ -f $PKI/ca.crt ]] || "$lib/../gen-test-pki.sh" "$PKI" >/dev/null
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/swfvault-$2-XXXXXX")
  trap 'stop_emulator; rm -rf "$WORK"' EXIT
  start_emulator "$1/swfvault-emulator" "$PKI" "$WORK" --seed "$lib/../../fixtures/emulator/demo-seed.json"
}
