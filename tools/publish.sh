#!/usr/bin/env bash
# Builds `courier` as one self-contained executable for linux-x64: the .NET runtime, ASP.NET Core (for
# the relay and the UI) and the native libraries (libsodium, SQLite) inside one file, so a machine
# without the .NET SDK or runtime runs it (README, docs/ui.md). Native libraries unpack on first run
# under $DOTNET_BUNDLE_EXTRACT_BASE_DIR (default ~/.net). Not compiled ahead of time (ReadyToRun),
# to keep publishing short in the test command; a person starts the UI once.
#
#   tools/publish.sh [OUT]    writes OUT/courier (default dist/linux-x64)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-dist/linux-x64}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Courier.Cli builds a self-contained executable in folders of its own (its csproj): the
# framework-dependent build the tests use is left as it is. Restored as a plain build restores (the
# CLI's own restore already holds the linux-x64 runtime packs), not with -r: a restore for the
# runtime would change every library's assets file, and every library would compile again here
# and once more at the next build (measured: 122 s against 42 s, load 7).
dotnet restore src/Courier.Cli --nologo -v q
dotnet publish src/Courier.Cli -c Release -r linux-x64 --self-contained true --no-restore --nologo -v q \
  -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -p:DebugType=none \
  -p:PublishDocumentationFiles=false -p:PublishReferencesDocumentationFiles=false -p:PublishReadyToRun=false \
  -o "$out"
echo "$out/courier ($(du -h "$out/courier" | cut -f1))"
