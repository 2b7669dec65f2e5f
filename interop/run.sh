#!/usr/bin/env bash
# Runs the MLS working group's interop scenarios (interop/configs/*.json) with
# tools/Courier.Mls.InteropRunner against MLSClient gRPC servers that this script starts on
# 127.0.0.1, each on a free port, and stops again however the run ends.
#
#   interop/run.sh [runner options]        e.g. interop/run.sh --only commit --suite 1 --jobs 1
#
# Runner options go to the runner after run.sh's own (--jobs 4 --timeout 60), so they override
# them; see `dotnet run --project tools/Courier.Mls.InteropRunner -- --help`. The exit status is
# the runner's: 0 nothing failed, 1 a run failed, 2 unusable setup. Environment:
#   INTEROP_CONFIGS          scenario files or folder to run (default: interop/configs)
#   INTEROP_START_TIMEOUT    seconds a server may take to start listening (default 300)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The servers, one command each, started in this order as client0, client1, ...; {port} becomes
# a free port and {host} 127.0.0.1, and each must listen there only. To test our own server
# against ts-mls, add its line, e.g.
#   "dotnet run -c Release --project $ROOT/tools/Courier.Mls.Interop -- --port {port}"
SERVERS=(
  "node $ROOT/interop/ts-mls-client/server.mjs --port {port}"
  "node $ROOT/interop/ts-mls-client/server.mjs --port {port}"
)

HOST=127.0.0.1
CONFIGS=${INTEROP_CONFIGS:-$ROOT/interop/configs}
START_TIMEOUT=${INTEROP_START_TIMEOUT:-300}
RUNNER_PROJECT=$ROOT/tools/Courier.Mls.InteropRunner
RUNNER_DLL=$RUNNER_PROJECT/bin/Release/net10.0/Courier.Mls.InteropRunner.dll

LOGS=$(mktemp -d "${TMPDIR:-/tmp}/courier-interop.XXXXXX")
PIDS=()
RUNNER_PID=
cleanup() {
  local pid
  if [[ -n $RUNNER_PID ]]; then
    kill "$RUNNER_PID" 2>/dev/null || true
    wait "$RUNNER_PID" 2>/dev/null || true
  fi
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

# ts-mls server dependencies, exactly as locked.
if [[ ! -f $ROOT/interop/ts-mls-client/node_modules/ts-mls/package.json ]]; then
  echo "run.sh: installing the ts-mls server's npm packages (npm ci)"
  (cd "$ROOT/interop/ts-mls-client" && npm ci --no-audit --no-fund --loglevel=error)
fi

echo "run.sh: building the runner"
dotnet build -c Release -nologo -v q "$RUNNER_PROJECT" >"$LOGS/build.log" 2>&1 || {
  cat "$LOGS/build.log"
  exit 2
}

# Start each server and wait until it listens, one after the other (a server that builds
# itself on start then does not race another build).
CLIENT_ARGS=()
for i in "${!SERVERS[@]}"; do
  free_port
  port=$PORT
  cmd=${SERVERS[$i]//\{port\}/$port}
  cmd=${cmd//\{host\}/$HOST}
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

# In the background so that a signal to this script is handled at once, not after the run.
dotnet "$RUNNER_DLL" "${CLIENT_ARGS[@]}" --jobs 4 --timeout 60 "$@" "$CONFIGS" &
RUNNER_PID=$!
status=0
wait "$RUNNER_PID" || status=$?
RUNNER_PID=
exit "$status"
