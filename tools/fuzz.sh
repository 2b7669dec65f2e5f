#!/usr/bin/env bash
# Fuzzes one parser of Courier with afl++ through SharpFuzz (docs/fuzzing.md).
#
#   tools/fuzz.sh TARGET SECONDS   fuzz TARGET for SECONDS from its seed corpus, then print the
#                                  executions done and the crashes found
#   tools/fuzz.sh TARGET --execs N fuzz TARGET until about N executions (afl-fuzz -E), however long
#                                  that takes (on a shared machine, under `nice`)
#   tools/fuzz.sh --list           the targets and what each covers
#
# Installs afl++ (apt-get, as root) and the SharpFuzz command-line tool if missing, publishes
# tools/Courier.Fuzz in Release, instruments Courier's assemblies and runs afl-fuzz on the committed
# seed corpus tools/Courier.Fuzz/corpus/TARGET. Everything it writes goes under $COURIER_FUZZ_OUT
# (default /tmp/courier-fuzz), outside the repository: a crash is copied into
# tools/Courier.Fuzz/crashes/TARGET by hand, with its fix, as a regression input.
# On a shared machine, COURIER_FUZZ_LOCK=/tmp/courier-bench.lock runs only afl-fuzz under that lock.
# One run at a time per $COURIER_FUZZ_OUT: each run publishes a fresh copy there.
set -euo pipefail
cd "$(dirname "$0")/.."

out=${COURIER_FUZZ_OUT:-/tmp/courier-fuzz}
sharpfuzz_version=2.3.0

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; }

case "${1:-}" in
  --list) list=1 ;;
  -h|--help|"") usage; [ -n "${1:-}" ]; exit ;;
  *) list=0; target=$1; seconds=${2:?"usage: tools/fuzz.sh TARGET SECONDS | TARGET --execs N"} ;;
esac

limit=(-V "$seconds")
if [ "$seconds" = --execs ]; then
  seconds=${3:?"usage: tools/fuzz.sh TARGET --execs N"}
  limit=(-E "$seconds")
fi

build() {
  dotnet publish tools/Courier.Fuzz -c Release -o "$out/app" -v q --nologo >&2
}

if [ "$list" = 1 ]; then
  build
  exec "$out/app/Courier.Fuzz" --list
fi

case "$seconds" in ''|*[!0-9]*) echo "error: SECONDS (or N) must be a whole number, not $seconds" >&2; exit 2 ;; esac
if [ ! -d "tools/Courier.Fuzz/corpus/$target" ]; then
  echo "error: no target $target (tools/fuzz.sh --list)" >&2
  exit 2
fi

if ! command -v afl-fuzz >/dev/null; then
  echo "== installing afl++" >&2
  sudo=$([ "$(id -u)" = 0 ] || echo sudo)
  $sudo apt-get install -y afl++ >&2
fi

if [ ! -x "$out/tools/sharpfuzz" ]; then
  echo "== installing the SharpFuzz command-line tool $sharpfuzz_version" >&2
  dotnet tool install SharpFuzz.CommandLine --version "$sharpfuzz_version" --tool-path "$out/tools" >&2
fi

echo "== building and instrumenting" >&2
rm -rf "$out/app"
build
for assembly in Courier.Mls Courier.Node Courier.Relay.Client Courier.Covers Courier.Frost; do
  "$out/tools/sharpfuzz" "$out/app/$assembly.dll" >&2
done

findings="$out/findings/$target-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$findings"
echo "== fuzzing $target (${limit[*]}) into $findings" >&2
# .NET is not an afl-instrumented ELF (SKIP_BIN_CHECK); the machine is shared (NO_AFFINITY);
# the first inputs pay for the JIT (-t).
AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 \
AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_FORKSRV_INIT_TMOUT=60000 \
  ${COURIER_FUZZ_LOCK:+flock "$COURIER_FUZZ_LOCK"} afl-fuzz -i "tools/Courier.Fuzz/corpus/$target" -o "$findings" "${limit[@]}" -t 5000 -m none \
  -- "$out/app/Courier.Fuzz" "$target" >"$findings/afl.log" 2>&1 || {
    echo "error: afl-fuzz failed; the end of $findings/afl.log:" >&2
    tail -20 "$findings/afl.log" >&2
    exit 1
  }

stats="$findings/default/fuzzer_stats"
stat() { awk -F' *: *' -v key="$1" '$1 == key { print $2 }' "$stats"; }
crashes=$(find "$findings/default/crashes" -type f -name 'id:*' 2>/dev/null | wc -l)
echo "target $target: $(stat execs_done) executions in $(stat run_time)s ($(stat execs_per_sec) exec/s), $(stat corpus_count) inputs in the queue, $crashes crashes, $(stat saved_hangs) hangs"
find "$findings/default/crashes" -type f -name 'id:*' 2>/dev/null | sed 's/^/crash: /'
[ "$crashes" = 0 ]
