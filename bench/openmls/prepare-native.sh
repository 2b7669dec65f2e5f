#!/usr/bin/env bash
# Makes core-crypto's native build loadable on a glibc older than 2.38 (Debian 12 has 2.36), for
# bench.mjs. Its libcore_crypto_ffi.so asks for one symbol of glibc 2.38, __isoc23_strtol (the C23
# strtol). This script works in DIR, never in node_modules:
#   DIR/core-crypto/   a copy of the package's corecrypto.js and .so (the loader looks for the .so
#                      beside the .js), the .so's GLIBC_2.38 requirement marked weak
#                      (weak-version.py), and a node_modules link back to this folder's
#   DIR/libisoc23_strtol.so   a shim defining __isoc23_strtol as glibc 2.36's strtol, built with gcc
# and prints the environment to run bench.mjs with (LD_PRELOAD=... CORE_CRYPTO_NATIVE=...).
# On glibc >= 2.38 it prints nothing: the package loads as it is.
# usage: bench/openmls/prepare-native.sh DIR      exit 3: cannot prepare (the reason on stderr)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
mkdir -p "$1"
dir="$(cd "$1" && pwd)"
native="$here/node_modules/@wireapp/core-crypto/dist/native"
[ -f "$native/libcore_crypto_ffi.so" ] || { echo "core-crypto is not installed: run npm ci in $here" >&2; exit 3; }

glibc=$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}')
[ -n "$glibc" ] || { echo "not a glibc system: core-crypto's native build needs glibc" >&2; exit 3; }
if [ "$(printf '%s\n2.38\n' "$glibc" | sort -V | head -n 1)" = "2.38" ]; then
  exit 0
fi
command -v gcc >/dev/null || { echo "glibc $glibc < 2.38 and no gcc to build the __isoc23_strtol shim" >&2; exit 3; }
command -v python3 >/dev/null || { echo "glibc $glibc < 2.38 and no python3 to mark the GLIBC_2.38 requirement weak" >&2; exit 3; }

mkdir -p "$dir/core-crypto"
cp "$native/corecrypto.js" "$native/libcore_crypto_ffi.so" "$dir/core-crypto/"
ln -sfn "$here/node_modules" "$dir/core-crypto/node_modules"
python3 "$here/weak-version.py" "$dir/core-crypto/libcore_crypto_ffi.so" GLIBC_2.38
cat > "$dir/isoc23_strtol.c" <<'C'
/* glibc 2.38's C23 strtol; glibc 2.36's strtol differs only in not reading "0b" binary prefixes. */
#include <stdlib.h>
long __isoc23_strtol(const char *s, char **end, int base) { return strtol(s, end, base); }
C
gcc -shared -fPIC -O2 -o "$dir/libisoc23_strtol.so" "$dir/isoc23_strtol.c"
echo "LD_PRELOAD=$dir/libisoc23_strtol.so CORE_CRYPTO_NATIVE=$dir/core-crypto/corecrypto.js"
