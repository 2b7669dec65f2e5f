#!/usr/bin/env bash
# The one command that runs every test of Courier on a fresh machine (README, .ci/run).
# Installs what the tests need if it is missing, builds with warnings as errors, runs every
# test project and the official MLS test vectors, and ends with "N passed, N failed, N skipped".
#
#   tools/test.sh           the full run (CI, .ci/run): every test, the vectors, the demo, the interop run
#   tools/test.sh --quick   the inner loop: the MLS, node, relay, FROST and UI tests (the browser test only with
#                           chromium) without the process-killing, cluster and fuzz tests, and the vectors; no CLI,
#                           end-to-end, demo, published-executable or interop run. It says it is not the full run.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
case "${1:-}" in
  --quick) quick=1 ;;
  "") ;;
  -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "error: unknown option $1 (use --quick, or nothing for the full run)" >&2; exit 2 ;;
esac

# Each step's wall time, printed at the end so a slow step is seen at once.
times=()
step_start=$SECONDS
step() {
  [ -n "${step_name:-}" ] && times+=("$step_name $((SECONDS - step_start))s")
  step_name=$1
  step_start=$SECONDS
  echo "== $1"
}

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

command -v dotnet >/dev/null || { echo "error: the .NET 10 SDK (dotnet) is required" >&2; exit 2; }

# The relay's cluster tests run a three-node JetStream cluster of Debian's nats-server.
if ! command -v nats-server >/dev/null && [ ! -x /usr/sbin/nats-server ]; then
  echo "== installing nats-server (Debian package)"
  if [ "$(id -u)" -eq 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq nats-server >/dev/null
  elif command -v sudo >/dev/null; then
    sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server >/dev/null
  fi
  # The test command runs every test: a NATS test is never skipped here.
  command -v nats-server >/dev/null || [ -x /usr/sbin/nats-server ] || { echo "error: nats-server is missing and could not be installed (run as root or with sudo, or install the Debian package nats-server)" >&2; exit 2; }
fi

# The cover-image tests check every stego PNG with Debian's pngcheck.
if ! command -v pngcheck >/dev/null; then
  echo "== installing pngcheck (Debian package)"
  if [ "$(id -u)" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pngcheck >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pngcheck >/dev/null; }
  elif command -v sudo >/dev/null; then
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pngcheck >/dev/null || { sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pngcheck >/dev/null; }
  fi
  # The test command runs every test: a pngcheck test is never skipped here.
  command -v pngcheck >/dev/null || { echo "error: pngcheck is missing and could not be installed (run as root or with sudo, or install the Debian package pngcheck)" >&2; exit 2; }
fi

# The UI's browser tests drive Debian's Chromium through Playwright (never a downloaded browser).
if [ ! -x /usr/bin/chromium ]; then
  echo "== installing chromium (Debian package)"
  if [ "$(id -u)" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
  elif command -v sudo >/dev/null; then
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || { sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
  fi
  # In the full run the browser tests are never skipped (COURIER_CHROMIUM_REQUIRED below); the quick mode skips them and says so.
  if [ ! -x /usr/bin/chromium ] && [ "$quick" -eq 0 ]; then
    echo "error: chromium is missing and could not be installed (run as root or with sudo, or install the Debian package chromium)" >&2; exit 2
  fi
fi
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

log=$(mktemp)
interop_log=$(mktemp)
findings_log=$(mktemp)
install_log=$(mktemp)
frost_noble_log=$(mktemp)
trap 'rm -f "$log" "$interop_log" "$findings_log" "$install_log" "$frost_noble_log"' EXIT

# The interop peers' npm packages install while the solution builds (a fresh clone has none).
install_pid=
if [ "$quick" -eq 0 ] && command -v node >/dev/null && command -v npm >/dev/null; then
  INTEROP_INSTALL_ONLY=1 interop/run.sh >"$install_log" 2>&1 &
  install_pid=$!
fi

# The FROST tests check Courier against @noble/curves (interop/frost-noble); in the full run they must
# run, so its npm package installs (exactly as locked) while the solution builds, and without it they fail.
frost_noble_pid=
if [ "$quick" -eq 0 ] && command -v node >/dev/null && command -v npm >/dev/null; then
  (
    cd interop/frost-noble
    lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
    if [ "$(cat node_modules/.courier-lock-sha256 2>/dev/null)" != "$lock_hash" ]; then
      npm ci --no-audit --no-fund --loglevel=error && echo "$lock_hash" >node_modules/.courier-lock-sha256
    fi
  ) >"$frost_noble_log" 2>&1 &
  frost_noble_pid=$!
fi

step "build (Release, warnings are errors)"
dotnet build Courier.sln -c Release -warnaserror --nologo -v q

# The tests start courier processes (relays, the CLI tests' warm workers and the commands they talk
# to); compiled ahead of time (ReadyToRun) each spends about a quarter less CPU starting, most of
# which was the JIT: measured, the compilation costs less than it saves. Published from the build
# above, not built again.
step "courier compiled ahead of time for the tests (ReadyToRun)"
ready_to_run=src/Courier.Cli/bin/Release/net10.0/ready-to-run
dotnet publish src/Courier.Cli -c Release --no-build --nologo -v q -o "$ready_to_run"
export COURIER_CLI_DLL="$PWD/$ready_to_run/courier.dll"

status=0
# The self-contained executable a person installs (tools/publish.sh); a test runs it with no dotnet on PATH.
if [ "$quick" -eq 0 ]; then
  step "courier published as one self-contained executable (tools/publish.sh)"
  tools/publish.sh dist/linux-x64 || status=$?
  export COURIER_PUBLISHED="$PWD/dist/linux-x64/courier"
fi

if [ "$quick" -eq 1 ]; then
  step "quick: MLS, mix, node, relay, FROST and UI tests (no crash, cluster or fuzz tests)"
  [ -x /usr/bin/chromium ] || echo "quick mode: the UI's browser tests are skipped: /usr/bin/chromium is missing (apt-get install chromium)"
  for project in Courier.Mls.Tests Courier.Mix.Tests Courier.Node.Tests Courier.Relay.Tests Courier.Frost.Tests Courier.Ui.Tests; do
    dotnet test "tests/$project" -c Release --no-build --nologo \
      --filter "FullyQualifiedName!~CrashTests&FullyQualifiedName!~ClusterTests&FullyQualifiedName!~FuzzTests" 2>&1 | tee -a "$log" || status=$?
  done
else
  step "unit, property, CLI and end-to-end tests"
  if [ -n "$frost_noble_pid" ] && ! wait "$frost_noble_pid"; then
    cat "$frost_noble_log"
    echo "error: interop/frost-noble's npm package could not be installed (npm ci)" >&2
    status=1
  fi
  export COURIER_FROST_NOBLE_REQUIRED=1 COURIER_CHROMIUM_REQUIRED=1
  # Test assemblies run two at a time in the solution's order: Courier.sln lists the test projects first,
  # longest first (end-to-end, CLI, relay, node, ...), so that the longest does not start last and end alone.
  dotnet test Courier.sln -c Release --no-build --nologo 2>&1 | tee "$log" || status=$?
fi

step "official MLS test vectors (vendored copy)"
dotnet run -c Release --no-build --project tools/Courier.Vectors -- tests/Courier.Mls.Tests/TestVectors/mls || status=$?

if [ "$quick" -eq 0 ]; then
  # `courier demo` (README's first command) runs inside the CLI tests above, with every expectation
  # asserted and the analyst's maps it writes checked (ExposureCommandTests): not a second time here.

  # After the .NET tests, not beside them: tried twice, together they took longer than one after
  # the other (fifth session: the whole command 800 s beside, 697 and 718 s after).
  step "MLS interop: Courier against ts-mls and OpenMLS through the working group's scenarios, and the tamper check"
  if command -v node >/dev/null && command -v npm >/dev/null; then
    if [ -n "$install_pid" ] && ! wait "$install_pid"; then
      status=1
    fi
    cat "$install_log"
    INTEROP_BUILT=1 interop/run.sh 2>&1 | tee "$interop_log" || status=$?
    # The matcher that tells the one listed OpenMLS tamper finding from any other accepted flip.
    node --test interop/peer-findings.test.mjs 2>&1 | tee "$findings_log" || status=$?
  else
    echo "error: Node.js and npm are needed for the interop run (ts-mls)" >&2
    status=1
  fi
fi
step done
printf '== times:'; printf ' [%s]' "${times[@]}"; echo
[ "$quick" -eq 1 ] && echo "quick mode: not the full run (no CLI, end-to-end, crash, cluster, fuzz, demo or interop tests)"

# dotnet test prints one "Passed!/Failed!  - Failed: f, Passed: p, Skipped: s" line per test assembly.
read -r passed failed skipped < <(grep -E '^(Passed|Failed)! +- ' "$log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \1 \3/' \
  | awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
# interop/run.sh ends with its own "N passed, M failed, K skipped" line.
read -r interop_passed interop_failed interop_skipped < <(grep -E '^[0-9]+ passed, [0-9]+ failed' "$interop_log" | tail -1 | sed -E 's/^([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?.*/\1 \2 \4/' | awk '{print $1+0, $2+0, $3+0}')
read -r findings_passed findings_failed < <(sed -nE 's/^# (pass|fail) ([0-9]+)$/\2/p' "$findings_log" | paste -sd' ' | awk '{print $1+0, $2+0}')
passed=$((passed + ${interop_passed:-0} + ${findings_passed:-0})); failed=$((failed + ${interop_failed:-0} + ${findings_failed:-0})); skipped=$((skipped + ${interop_skipped:-0}))
# The failed tests again, by name, just above the summary: CI shows only the end of the output.
if grep -qE '^ +Failed [A-Za-z]' "$log"; then
  echo "== failed tests:"
  grep -E -A3 '^ +Failed [A-Za-z]' "$log" | cut -c1-400
fi
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "error: a test step failed (see above)" >&2
fi
exit "$status"
