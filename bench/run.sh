#!/bin/sh
# The benchmark, one command on a fresh machine: dependencies, a release
# build, then bench.py (arguments are passed on; see bench.py --help).
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
exec /usr/bin/python3 bench/bench.py "$@"
