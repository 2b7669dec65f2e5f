#!/usr/bin/env bash
# The interop test: Courier's MLSClient server (tools/Courier.Mls.Interop) against the ts-mls one
# (interop/ts-mls-client), both started here on free 127.0.0.1 ports and stopped again however
# the run ends. Two checks run against them:
#   1. tools/Courier.Mls.InteropRunner over the working group's scenario files (interop/configs),
#      every assignment of actors to the two servers, with the known limitations of ts-mls
#      (interop/peer-limitations.json) reported as skips;
#   2. interop/tamper-check.mjs: a flipped bit in a message of either server is rejected by the
#      other, in both directions.
# It ends with the line "N passed, M failed, K skipped" (both checks together).
#
#   interop/run.sh [runner options]     e.g. interop/run.sh --only commit --suite 1
#   interop/run.sh --client HOST:PORT   also assign actors to a third, already running server
#
# Runner options go to the runner after run.sh's own (--jobs, --timeout 60, --limitations,
# --no-limitations client0), so they override them; see `dotnet tools/Courier.Mls.InteropRunner/bin/Release/net10.0/
# Courier.Mls.InteropRunner.dll --help`. Exit status: 0 when nothing failed, 1 when a run or a
# tamper check failed, 2 when the setup is unusable. Environment:
#   INTEROP_CONFIGS          scenario files or folder to run (default: interop/configs)
#   INTEROP_JOBS             script runs at once (default 6)
#   INTEROP_TAMPER_POSITIONS bit positions tried per message (default 600: every byte)
#   INTEROP_START_TIMEOUT    seconds a server may take to start listening (default 120)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

HOST=127.0.0.1
CONFIGS=${INTEROP_CONFIGS:-$ROOT/interop/configs}
JOBS=${INTEROP_JOBS:-6}
POSITIONS=${INTEROP_TAMPER_POSITIONS:-600}
START_TIMEOUT=${INTEROP_START_TIMEOUT:-120}
LIMITATIONS=$ROOT/interop/peer-limitations.json
TS_MLS_DIR=$ROOT/interop/ts-mls-client
COURIER_PROJECT=$ROOT/tools/Courier.Mls.Interop
RUNNER_PROJECT=$ROOT/tools/Courier.Mls.InteropRunner
COURIER_DLL=$COURIER_PROJECT/bin/Release/net10.0/Courier.Mls.Interop.dll
RUNNER_DLL=$RUNNER_PROJECT/bin/Release/net10.0/Courier.Mls.InteropRunner.dll

# The servers, started in this order as client0, client1; {port} becomes a free port. Each
# listens on 127.0.0.1 only and runs from its build output (built once below, never rebuilt
# while another build runs). client0 is Courier's: the runner never reports an error it raises
# as a known limitation (--no-limitations client0).
SERVERS=(
  "dotnet $COURIER_DLL --port {port}"
  "node $TS_MLS_DIR/server.mjs --port {port}"
)

START=$SECONDS
LOGS=$(mktemp -d "${TMPDIR:-/tmp}/courier-interop.XXXXXX")
PIDS=()
CHILD_PID=
TAIL_PID=
cleanup() {
  local pid
  for pid in $CHILD_PID $TAIL_PID; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$LOGS"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for tool in dotnet node npm; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is required" >&2; exit 2; }
done

# Runs a command in the background (so that a signal to this script is handled at once, not
# when the command ends) with its output in the file $1, shown as it comes; returns its status.
run_logged() {
  local log=$1 status=0
  shift
  "$@" >"$log" 2>&1 &
  CHILD_PID=$!
  tail -n +1 -f --pid="$CHILD_PID" "$log" &
  TAIL_PID=$!
  wait "$CHILD_PID" || status=$?
  CHILD_PID=
  wait "$TAIL_PID" || true
  TAIL_PID=
  return "$status"
}

listening() { (: <"/dev/tcp/$HOST/$1") 2>/dev/null; }

# Sets PORT to a port nobody listens on and that this script has not handed out yet.
USED_PORTS=" "
free_port() {
  local tries=0
  while ((tries++ < 200)); do
    PORT=$((20000 + RANDOM % 40000))
    if [[ $USED_PORTS != *" $PORT "* ]] && ! listening "$PORT"; then
      USED_PORTS+="$PORT "
      return 0
    fi
  done
  echo "run.sh: no free port found" >&2
  exit 2
}

# The ts-mls server's dependencies, exactly as locked (also used by tamper-check.mjs).
if [[ ! -f $TS_MLS_DIR/node_modules/ts-mls/package.json || ! -f $TS_MLS_DIR/node_modules/@grpc/grpc-js/package.json ]]; then
  echo "run.sh: installing the ts-mls server's npm packages (npm ci)"
  (cd "$TS_MLS_DIR" && npm ci --no-audit --no-fund --loglevel=error) || exit 2
fi

# One build after the other: two dotnet builds of the same library at once can race.
for project in "$COURIER_PROJECT" "$RUNNER_PROJECT"; do
  echo "run.sh: building $(basename "$project") (Release)"
  dotnet build -c Release -nologo -v q "$project" >"$LOGS/build.log" 2>&1 &
  CHILD_PID=$!
  if ! wait "$CHILD_PID"; then
    CHILD_PID=
    cat "$LOGS/build.log"
    exit 2
  fi
  CHILD_PID=
done

CLIENT_ARGS=()
for i in "${!SERVERS[@]}"; do
  free_port
  port=$PORT
  cmd=${SERVERS[$i]//\{port\}/$port}
  echo "run.sh: client$i on $HOST:$port: $cmd"
  bash -c "exec $cmd" >"$LOGS/server$i.log" 2>&1 &
  PIDS+=($!)
  waited=0
  until listening "$port"; do
    if ! kill -0 "${PIDS[$i]}" 2>/dev/null; then
      echo "run.sh: client$i exited before listening:" >&2
      tail -n 20 "$LOGS/server$i.log" >&2
      exit 2
    fi
    if ((waited++ >= START_TIMEOUT * 5)); then
      echo "run.sh: client$i not listening on $HOST:$port after ${START_TIMEOUT}s" >&2
      tail -n 20 "$LOGS/server$i.log" >&2
      exit 2
    fi
    sleep 0.2
  done
  CLIENT_ARGS+=(--client "$HOST:$port")
done

# 1. The scenario files.
echo "run.sh: interop runner, $JOBS runs at once"
runner_status=0
run_logged "$LOGS/runner.log" dotnet "$RUNNER_DLL" "${CLIENT_ARGS[@]}" --jobs "$JOBS" --timeout 60 \
  --limitations "$LIMITATIONS" --no-limitations client0 "$@" "$CONFIGS" \
  || runner_status=$?

# 2. Tampered messages, both directions.
echo
echo "run.sh: tamper check, $POSITIONS positions per message"
tamper_status=0
run_logged "$LOGS/tamper.log" node "$ROOT/interop/tamper-check.mjs" "${CLIENT_ARGS[@]:0:4}" --positions "$POSITIONS" \
  || tamper_status=$?

read -r r_passed r_failed r_skipped < <(sed -nE 's/^([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$/\1 \2 \3/p' "$LOGS/runner.log" | tail -n 1; echo)
read -r t_passed t_failed < <(sed -nE 's/^([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' "$LOGS/tamper.log" | tail -n 1; echo)
echo
echo "run.sh: interop runner: ${r_passed:-?} passed, ${r_failed:-?} failed, ${r_skipped:-?} skipped (exit $runner_status)"
echo "run.sh: tamper check: ${t_passed:-?} passed, ${t_failed:-?} failed (exit $tamper_status)"
echo "run.sh: wall time $((SECONDS - START)) s, load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
if [[ -z ${r_passed:-} || -z ${t_passed:-} ]]; then
  echo "run.sh: a check ended without its summary line" >&2
  [[ $runner_status -eq 2 ]] && exit 2
  exit 1
fi
echo "$((r_passed + t_passed)) passed, $((r_failed + t_failed)) failed, $r_skipped skipped"
if ((runner_status == 2)); then
  exit 2
fi
if ((runner_status != 0 || tamper_status != 0)); then
  exit 1
fi
