#!/bin/sh
# usage: check_valgrind.sh ONNXCC WORKDIR EXPECTED_STATUS MODEL...
# Runs the compiler on each MODEL under valgrind memcheck: no invalid read or
# write, no use of uninitialised memory, no definite leak (a refused model
# exits with its graph still reachable, by design), and
# the exit status EXPECTED_STATUS (0: compiled, 1: refused with one line).
set -u
onnxcc=$1 work=$2 want=$3
shift 3
command -v valgrind >/dev/null || { echo "valgrind not installed"; exit 1; }
rm -rf "$work" && mkdir -p "$work" || exit 1
rc_all=0
for m in "$@"; do
  valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
    "$onnxcc" "$m" -o "$work/out" >/dev/null 2>"$work/stderr"
  rc=$?
  if [ $rc -ne "$want" ]; then
    echo "FAIL: $m: exit status $rc, expected $want (99: memcheck error)"
    cat "$work/stderr"
    rc_all=1
  else
    echo "ok: $m"
  fi
done
exit $rc_all
