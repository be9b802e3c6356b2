#!/bin/sh
# usage: stamp.sh RUNTIME_DIR
# Prints the runtime's layout stamp: the first 16 hex digits of a SHA-256
# over the runtime's sources (their names and contents, in C-locale order).
# The compiler writes the stamp of the runtime it was built with into the
# generated code, which checks it against the runtime it is linked with
# (onnxcc_rt_stamp): weights packed for one runtime's blocking are garbage
# to another's.  CMake builds runtime/fast/stamp.c with it, and the test
# scripts that build the runtime from source do the same.
set -eu
cd "$1"
find include ref fast -type f \( -name '*.c' -o -name '*.h' \) | LC_ALL=C sort | xargs sha256sum | sha256sum |
  cut -c1-16
