#!/usr/bin/env bash
# Measures Courier.Mls against ts-mls and OpenMLS on the same machine in one run
# (docs/benchmarks.md): the ts-mls script (bench/ts-mls), the OpenMLS script (bench/openmls,
# OpenMLS through Wire's core-crypto native build; both installed with npm ci if needed), then the
# BenchmarkDotNet project bench/Courier.Mls.Bench in Release and commit creation on one core against
# two (taskset), then prints the machine, the ratio tables (Courier median / peer median per op;
# below 1 means Courier is faster), the message throughput and the two-core scaling. On a glibc older
# than 2.38, OpenMLS needs gcc and python3 (bench/openmls/prepare-native.sh); without them it is
# skipped with the reason.
#
# usage: bench/run-mls-bench.sh [--quick] [--n 10,100,1000] [--out DIR] [--filter GLOB]...
#   --quick   smoke run of every side (n = 10, 100; a few iterations; about 2 minutes)
#   --n       group sizes for every side (default 10,100,1000)
#   --out     where the results go (default BenchmarkDotNet.Artifacts/mls-bench-<UTC time>)
#   --filter  BenchmarkDotNet glob for the C# side only, e.g. '*GroupBenchmarks.Update*'
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

quick=()
sizes=()
filters=()
out="BenchmarkDotNet.Artifacts/mls-bench-$(date -u +%Y%m%dT%H%M%SZ)"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=(--quick); shift ;;
    --n) sizes=(--n "$2"); shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --filter) filters+=(--filter "$2"); shift 2 ;;
    *) echo "usage: $0 [--quick] [--n 10,100,1000] [--out DIR] [--filter GLOB]..." >&2; exit 2 ;;
  esac
done

command -v dotnet >/dev/null || { echo "error: the .NET 10 SDK (dotnet) is required" >&2; exit 2; }
command -v node >/dev/null || { echo "error: Node.js (node, npm) is required for the ts-mls side" >&2; exit 2; }
mkdir -p "$out"
out="$(cd "$out" && pwd)"

machine() {
  local cpu
  cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || true)
  echo "- date (UTC): $(date -u '+%Y-%m-%d %H:%M')"
  echo "- CPU: ${cpu:-unknown}, nproc $(nproc)"
  echo "- memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo 2>/dev/null)"
  echo "- OS: $(uname -sr)"
  echo "- dotnet: $(dotnet --version), node: $(node --version)"
}
{
  machine
  echo "- load average at start (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out/machine.md"
cat "$out/machine.md"

echo "== ts-mls (bench/ts-mls)"
if [ ! -d bench/ts-mls/node_modules/ts-mls ]; then
  (cd bench/ts-mls && npm ci --no-audit --no-fund)
fi
(cd bench/ts-mls && node bench.mjs "${quick[@]}" "${sizes[@]}") > "$out/ts-mls.stdout" 2> >(tee "$out/ts-mls.log" >&2)
tail -n 1 "$out/ts-mls.stdout" > "$out/ts-mls.json"
echo "- load average after ts-mls: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.md"

echo "== OpenMLS (bench/openmls: core-crypto native)"
if [ ! -d bench/openmls/node_modules/@wireapp/core-crypto ]; then
  (cd bench/openmls && npm ci --no-audit --no-fund)
fi
openmls=1
native_env=$(bench/openmls/prepare-native.sh "$out/openmls-native" 2> "$out/openmls.log") || {
  rc=$?
  [ "$rc" -eq 3 ] || { cat "$out/openmls.log" >&2; exit "$rc"; }
  openmls=0
  echo "skipping OpenMLS: $(cat "$out/openmls.log")" | tee "$out/openmls-skipped.txt" >&2
}
if [ "$openmls" -eq 1 ]; then
  # shellcheck disable=SC2086 # native_env is NAME=value words without spaces, or empty
  (cd bench/openmls && env $native_env node bench.mjs "${quick[@]}" "${sizes[@]}") > "$out/openmls.stdout" 2> >(tee -a "$out/openmls.log" >&2)
  tail -n 1 "$out/openmls.stdout" > "$out/openmls.json"
  echo "- load average after OpenMLS: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.md"
fi

echo "== Courier.Mls (bench/Courier.Mls.Bench, Release)"
dotnet build bench/Courier.Mls.Bench -c Release --nologo -v q
bench_dll=bench/Courier.Mls.Bench/bin/Release/net10.0/Courier.Mls.Bench.dll
dotnet "$bench_dll" "${quick[@]}" "${sizes[@]}" "${filters[@]}" --out "$out/courier" > "$out/courier.log" 2>&1 \
  || { tail -n 40 "$out/courier.log" >&2; echo "error: the C# benchmarks failed (see $out/courier.log)" >&2; exit 1; }
cp "$out/courier/courier.json" "$out/courier.json"
echo "- load average after Courier.Mls: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.md"

# Issue 18: commit creation on one core against two. The same build runs --loop under taskset
# (.NET sizes Parallel.For by the cores the process may use), one core and two alternating, twice,
# so that both see the same load; the ratio of their mean wall times is the scaling.
echo "== Courier.Mls commit creation on one core and on two (taskset)"
scaling_n=1000 scaling_s=6
if [ ${#quick[@]} -gt 0 ]; then scaling_n=100 scaling_s=2; fi
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  : > "$out/scaling.log"
  for op in update_commit add_commit; do
    for round in 1 2; do
      for cpus in 0 0,1; do
        taskset -c "$cpus" dotnet "$bench_dll" --loop "$op" "$scaling_n" "$scaling_s" 2>&1 | tee -a "$out/scaling.log"
      done
    done
  done
  awk '
    / mean wall / {
      op = $1; size = $2; sub(":", "", size); cores = $6
      for (i = 1; i <= NF; i++) if ($i == "wall") wall = $(i + 1)
      key = op " " cores; sum[key] += wall; count[key]++
      if (!(op in seen)) { seen[op] = 1; order[++ops] = op; sizes[op] = size }
    }
    END {
      for (i = 1; i <= ops; i++) {
        op = order[i]; one = sum[op " 1"] / count[op " 1"]; two = sum[op " 2"] / count[op " 2"]
        printf "- %s, %s: one core %.1f ms, two cores %.1f ms (mean wall time of %d alternating runs each): %.2fx (target 1.6)\n", op, sizes[op], one / 1000, two / 1000, count[op " 1"], one / two
      }
    }' "$out/scaling.log" > "$out/scaling.md"
else
  echo "- skipped: taskset and 2 cores are needed" > "$out/scaling.md"
fi
echo "- load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.md"

dotnet "$bench_dll" --table "$out/courier.json" "$out/ts-mls.json" 1 > "$out/table.md"
echo
echo "== machine"
cat "$out/machine.md"
if [ "$openmls" -eq 1 ]; then
  dotnet "$bench_dll" --table "$out/courier.json" "$out/openmls.json" 0.5 > "$out/table-openmls.md"
  echo
  echo "== Courier.Mls / OpenMLS (core-crypto native), medians (${quick[*]:-full run}); what each OpenMLS op times: the \"note\" of openmls.json"
  cat "$out/table-openmls.md"
else
  echo
  echo "== OpenMLS skipped: $(cat "$out/openmls-skipped.txt")"
fi
# Issue 18: protect + unprotect pairs per second against the bound of one Ed25519 signature and
# one verification per pair, both Courier medians of this run.
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).results;
const us = (op) => r.find((x) => x.op === op)?.median_us;
const pair = us("protect_unprotect_1KiB"), bound = us("ed25519_sign_verify_1KiB");
if (pair === undefined || bound === undefined) { console.log("- (no protect_unprotect_1KiB or ed25519_sign_verify_1KiB result)"); process.exit(0); }
const f = (x) => Math.round(x).toLocaleString("en-US");
console.log(`- Courier protect + unprotect, 1 KiB, 10 members: ${f(1e6 / pair)} pairs/s (target 10,000)`);
console.log(`- bound, one Ed25519 signature + one verification of 1,200 bytes: ${f(1e6 / bound)} pairs/s; reached ${(bound / pair).toFixed(2)} of it (target 0.70)`);
' "$out/courier.json" > "$out/throughput.md"
echo
echo "== application messages on one core"
cat "$out/throughput.md"
echo
echo "== commit creation, one core against two"
cat "$out/scaling.md"
echo
echo "== Courier.Mls / ts-mls, medians (${quick[*]:-full run})"
cat "$out/table.md"
echo
echo "results: $out (machine.md, table.md, table-openmls.md, throughput.md, scaling.md, courier.json, ts-mls.json, openmls.json, logs, BenchmarkDotNet reports in courier/*/results)"
