#!/usr/bin/env bash
# The interop test: Courier's MLSClient server (tools/Courier.Mls.Interop) against two peers, ts-mls
# (interop/ts-mls-client) and OpenMLS through Wire's core-crypto (interop/openmls-client), all
# started here on free 127.0.0.1 ports and stopped again however the run ends. For each peer,
# a Courier server of its own and that peer as client0 and client1 (all pairs run at the same time;
# ts-mls in two pairs, each with half the scenario files):
#   1. tools/Courier.Mls.InteropRunner over the working group's scenario files (interop/configs)
#      and Courier's own (interop/scenarios), every assignment of actors to the two servers, with
#      the peers' known limitations (interop/peer-limitations.json) reported as skips;
#   2. interop/tamper-check.mjs: a flipped bit in a message of either server is rejected by the
#      other, in both directions.
# It ends with the line "N passed, M failed, K skipped" (all checks of both pairs together).
#
# Left out unless INTEROP_FULL=1 (see interop/README.md, "Time"): assignments that put every actor
# on the peer (the peer against itself), with OpenMLS also those with every actor on Courier (run
# with ts-mls already) and the encrypted-handshake mode (core-crypto has none: every such run
# would be skipped at the peer's first step); with either peer, suites other than 1 run one seeded
# random assignment of actors per script and handshake mode (suite 1 runs every assignment); with
# ts-mls, deep_random runs on suite 1 only (on every suite it ends at step 109 with a listed ts-mls
# limitation, after about 13 s of the ts-mls server's CPU each).
#
#   interop/run.sh [runner options]     e.g. interop/run.sh --only commit --suite 1
#   interop/run.sh --client HOST:PORT   also assign actors to a third, already running server
#
# Runner options go to the runner after run.sh's own (--jobs, --timeout 60, --limitations,
# --no-limitations client0), so they override them; see `dotnet tools/Courier.Mls.InteropRunner/bin/Release/net10.0/
# Courier.Mls.InteropRunner.dll --help`. Exit status: 0 when nothing failed, 1 when a run or a
# tamper check failed, 2 when the setup is unusable. Environment:
#   INTEROP_CONFIGS          scenario files or folders to run, space-separated
#                            (default: interop/configs interop/scenarios)
#   INTEROP_PEERS            peers to pair with Courier (default: "ts-mls openmls")
#   INTEROP_FULL             1: also the runs left out above
#   INTEROP_JOBS             script runs at once (default 6)
#   INTEROP_TAMPER_POSITIONS bit positions tried per message (default 600: every byte)
#   INTEROP_START_TIMEOUT    seconds a server may take to start listening (default 120)
#   INTEROP_INSTALL_ONLY     1: install the peers' npm packages if needed, then exit (tools/test.sh
#                            does it in the background while it builds)
#   INTEROP_BUILT            1: the Release build is done (tools/test.sh built the solution): no build here
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

HOST=127.0.0.1
read -r -a CONFIGS <<<"${INTEROP_CONFIGS:-$ROOT/interop/configs $ROOT/interop/scenarios}"
read -r -a PEERS <<<"${INTEROP_PEERS:-ts-mls openmls}"
FULL=${INTEROP_FULL:-0}
JOBS=${INTEROP_JOBS:-6}
POSITIONS=${INTEROP_TAMPER_POSITIONS:-600}
START_TIMEOUT=${INTEROP_START_TIMEOUT:-120}
LIMITATIONS=$ROOT/interop/peer-limitations.json
TS_MLS_DIR=$ROOT/interop/ts-mls-client
OPENMLS_DIR=$ROOT/interop/openmls-client
COURIER_PROJECT=$ROOT/tools/Courier.Mls.Interop
RUNNER_PROJECT=$ROOT/tools/Courier.Mls.InteropRunner
COURIER_DLL=$COURIER_PROJECT/bin/Release/net10.0/Courier.Mls.Interop.dll
RUNNER_DLL=$RUNNER_PROJECT/bin/Release/net10.0/Courier.Mls.InteropRunner.dll

# The servers: Courier's, then one per peer; {port} becomes a free port. Each listens on
# 127.0.0.1 only and runs from its build output (built once below, never rebuilt while another
# build runs). In each pair Courier's is client0: the runner never reports an error it raises as a
# known limitation (--no-limitations client0).
declare -A PEER_SERVER=(
  [ts-mls]="node $TS_MLS_DIR/server.mjs --port {port}"
  [openmls]="node $OPENMLS_DIR/server.mjs --port {port}"
)
# What each pair adds to the runner's options: core-crypto accepts only members whose identities
# are client ids (--client-id-identities), and has no encrypted handshake.
declare -A PEER_ARGS=(
  [ts-mls]=""
  [openmls]="--client-id-identities"
)
declare -A PEER_REDUCED=(
  [ts-mls]="--skip-alone client1 --all-assignments-suite 1 --suite-only deep_random/random=1"
  [openmls]="--skip-alone client0 --skip-alone client1 --handshake public --all-assignments-suite 1"
)
# The ts-mls server, on its one JavaScript thread, is the slowest of all: its runs are split over two
# pairs, each with a ts-mls server of its own, these scenario files in the second (the split keeps
# the two near the same length; the tamper check runs in the first pair only).
declare -A PEER_SECOND_HALF=(
  [ts-mls]="reinit external_join external_proposals deep_random by_value"
)
# The pairs: a peer and its half ("" for all, "1" or "2"). Each pair gets a Courier server of its
# own: the server runs one call at a time (its states share one store), so a shared one made the
# pairs wait for each other.
PAIR_PEER=() PAIR_HALF=() SERVERS=()
for peer in "${PEERS[@]}"; do
  [[ -n ${PEER_SERVER[$peer]:-} ]] || { echo "run.sh: unknown peer '$peer' (ts-mls, openmls)" >&2; exit 2; }
  halves=("")
  [[ -n ${PEER_SECOND_HALF[$peer]:-} ]] && halves=(1 2)
  for half in "${halves[@]}"; do
    PAIR_PEER+=("$peer") PAIR_HALF+=("$half")
    SERVERS+=("dotnet $COURIER_DLL --port {port}" "${PEER_SERVER[$peer]}")
  done
done

# The scenario files of a pair: all, or those of its half.
configs_of() {
  local peer=$1 half=$2 path file name second
  for path in "${CONFIGS[@]}"; do
    if [[ -d $path ]]; then set -- "$path"/*.json; else set -- "$path"; fi
    for file in "$@"; do
      [[ -e $file ]] || continue
      name=$(basename "$file" .json) second=0
      [[ " ${PEER_SECOND_HALF[$peer]:-} " == *" $name "* ]] && second=1
      if [[ -z $half ]] || (((half == 2) == second)); then
        echo "$file"
      fi
    done
  done
}

START=$SECONDS
LOGS=$(mktemp -d "${TMPDIR:-/tmp}/courier-interop.XXXXXX")
PIDS=()
CHILD_PID=
TAIL_PID=
PAIR_PIDS=()
cleanup() {
  local pid
  for pid in "${PAIR_PIDS[@]}"; do
    pkill -TERM -P "$pid" 2>/dev/null || true # the pair's runner or tamper check
  done
  for pid in $CHILD_PID $TAIL_PID "${PAIR_PIDS[@]}"; do
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

listening() { (: <"/dev/tcp/$HOST/$1") 2>/dev/null; }

# Sets PORT to a port nobody listens on and that this script has not handed out yet.
USED_PORTS=" "
free_port() {
  local tries=0
  while ((tries++ < 200)); do
    # Below Linux's ephemeral ports (32768 and up), from which tests run at the same time take theirs.
    PORT=$((20000 + RANDOM % 12000))
    if [[ $USED_PORTS != *" $PORT "* ]] && ! listening "$PORT"; then
      USED_PORTS+="$PORT "
      return 0
    fi
  done
  echo "run.sh: no free port found" >&2
  exit 2
}

# The peers' dependencies, exactly as locked (ts-mls's also used by tamper-check.mjs): installed
# again whenever package-lock.json changed since the last install (a stamp of its hash).
for dir in "$TS_MLS_DIR" "$OPENMLS_DIR"; do
  lock_hash=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [[ $(cat "$dir/node_modules/.courier-lock-sha256" 2>/dev/null) != "$lock_hash" ]]; then
    echo "run.sh: installing the npm packages of $(basename "$dir") (npm ci)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || exit 2
    echo "$lock_hash" >"$dir/node_modules/.courier-lock-sha256"
  fi
done

[[ ${INTEROP_INSTALL_ONLY:-0} == 1 ]] && exit 0

# One build after the other: two dotnet builds of the same library at once can race.
[[ ${INTEROP_BUILT:-0} == 1 ]] || for project in "$COURIER_PROJECT" "$RUNNER_PROJECT"; do
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

# For each peer, in the background and at the same time: 1. the scenario files; 2. tampered
# messages, both directions. Each pair writes its own log; the first is shown as it comes, the
# others when all are done.
run_pair() {
  local peer=$1 half=$2 courier=$3 client=$4 status=0 reduced= label=$1${2:+ ($2 of 2)}
  shift 4
  ((FULL)) || reduced=${PEER_REDUCED[$peer]}
  local started=$SECONDS configs
  mapfile -t configs < <(configs_of "$peer" "$half")
  if ((${#configs[@]} == 0)); then
    echo "run.sh: $label: no scenario file for this pair"
    echo "0 passed, 0 failed, 0 skipped"
  else
    echo "run.sh: $label: interop runner, $JOBS runs at once: $(printf '%s ' "${configs[@]##*/}")"
    # shellcheck disable=SC2086 # the per-peer options are words
    dotnet "$RUNNER_DLL" --client "$courier" --client "$client" --jobs "$JOBS" --timeout 60 \
      --limitations "$LIMITATIONS" --no-limitations client0 ${PEER_ARGS[$peer]} $reduced "$@" "${configs[@]}" \
      || status=$?
  fi
  echo
  echo "run.sh: $label: interop runner took $((SECONDS - started)) s"
  if [[ $half == 2 ]]; then
    echo "run.sh: $label: the tamper check runs in the first pair"
    return "$status"
  fi
  started=$SECONDS
  echo "run.sh: $label: tamper check, $POSITIONS positions per message"
  # shellcheck disable=SC2086
  node "$ROOT/interop/tamper-check.mjs" --client "$courier" --client "$client" --positions "$POSITIONS" ${PEER_ARGS[$peer]} \
    || status=$((status > 0 ? status : 1))
  echo "run.sh: $label: tamper check took $((SECONDS - started)) s"
  return "$status"
}

PAIR_PIDS=()
for i in "${!PAIR_PEER[@]}"; do
  run_pair "${PAIR_PEER[$i]}" "${PAIR_HALF[$i]}" "${CLIENT_ARGS[$((4 * i + 1))]}" "${CLIENT_ARGS[$((4 * i + 3))]}" "$@" >"$LOGS/pair$i.log" 2>&1 &
  PAIR_PIDS+=($!)
done
tail -n +1 -f --pid="${PAIR_PIDS[0]}" "$LOGS/pair0.log" &
TAIL_PID=$!
declare -A PAIR_STATUS=()
for i in "${!PAIR_PEER[@]}"; do
  PAIR_STATUS[$i]=0
  wait "${PAIR_PIDS[$i]}" || PAIR_STATUS[$i]=$?
done
wait "$TAIL_PID" || true
TAIL_PID=
PAIR_PIDS=()
for i in "${!PAIR_PEER[@]}"; do
  ((i == 0)) || cat "$LOGS/pair$i.log"
done

echo
total_passed=0 total_failed=0 total_skipped=0 worst=0
for i in "${!PAIR_PEER[@]}"; do
  peer=${PAIR_PEER[$i]}${PAIR_HALF[$i]:+ (${PAIR_HALF[$i]} of 2)}
  read -r r_passed r_failed r_skipped < <(sed -nE 's/^([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$/\1 \2 \3/p' "$LOGS/pair$i.log" | tail -n 1; echo)
  read -r t_passed t_failed t_skipped < <(sed -nE 's/^tamper check: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$/\1 \2 \3/p' "$LOGS/pair$i.log" | tail -n 1; echo)
  [[ ${PAIR_HALF[$i]} == 2 ]] && read -r t_passed t_failed t_skipped <<<"0 0 0" # its tamper check ran in the first half
  echo "run.sh: $peer: interop runner ${r_passed:-?} passed, ${r_failed:-?} failed, ${r_skipped:-?} skipped; tamper check ${t_passed:-?} passed, ${t_failed:-?} failed, ${t_skipped:-?} skipped (exit ${PAIR_STATUS[$i]})"
  if [[ -z ${r_passed:-} || -z ${t_passed:-} ]]; then
    echo "run.sh: $peer: a check ended without its summary line" >&2
    worst=$((PAIR_STATUS[$i] == 2 ? 2 : (worst > 1 ? worst : 1)))
    continue
  fi
  ((PAIR_STATUS[$i] > worst)) && worst=${PAIR_STATUS[$i]}
  total_passed=$((total_passed + r_passed + t_passed))
  total_failed=$((total_failed + r_failed + t_failed))
  total_skipped=$((total_skipped + r_skipped + t_skipped))
done
# Where the CPU went: each server's own time so far (user + system, from /proc/PID/stat).
ticks=$(getconf CLK_TCK)
for i in "${!SERVERS[@]}"; do
  if read -r -a stat 2>/dev/null <"/proc/${PIDS[$i]}/stat"; then
    echo "run.sh: client$i CPU $(((stat[13] + stat[14]) / ticks)) s: ${SERVERS[$i]%% --port*}"
  fi
done
echo "run.sh: wall time $((SECONDS - START)) s, load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
echo "$total_passed passed, $total_failed failed, $total_skipped skipped"
exit "$worst"
