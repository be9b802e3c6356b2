#!/bin/bash
# One bad-input test: runs `onnxcc MODEL -o TMP --report` and passes if it
# exits with status exactly 1 and prints exactly one line on stderr that names
# MODEL and contains every SUBSTRING (outside the path itself), with no
# sanitizer report.  A hang counts as a failure (60 s).
#
# usage: run_case.sh ONNXCC MODEL SUBSTRING...
#        run_case.sh --ok ONNXCC MODEL      (the model must compile: exit 0)
set -u
ok=0
if [ "${1:-}" = --ok ]; then ok=1; shift; fi
[ $# -ge 2 ] || { echo "usage: run_case.sh [--ok] ONNXCC MODEL SUBSTRING..." >&2; exit 2; }
onnxcc=$1 model=$2
shift 2

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
timeout 60 "$onnxcc" "$model" -o "$tmp/out" --report >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
err=$(cat "$tmp/stderr")

fail() {
  echo "FAIL: $*"
  echo "--- exit status: $rc"
  echo "--- stderr:"
  cat "$tmp/stderr"
  exit 1
}

if [ $ok = 1 ]; then
  [ $rc -eq 0 ] || fail "expected exit status 0"
  echo "ok: accepted"
  exit 0
fi

[ $rc -ne 124 ] || fail "timed out (hang?)"
case "$err" in
  *AddressSanitizer*|*LeakSanitizer*|*UndefinedBehaviorSanitizer*|*"runtime error"*)
    fail "sanitizer report" ;;
esac
[ $rc -eq 1 ] || fail "expected exit status 1"
lines=$(wc -l <"$tmp/stderr")
# Exactly one line: one newline, at the very end.
[ "$lines" -eq 1 ] && [ "$(tail -c 1 "$tmp/stderr" | od -An -c | tr -d ' ')" = '\n' ] ||
  fail "expected exactly one line on stderr, got $lines newline(s)"
case "$err" in
  *"$model"*) ;;
  *) fail "stderr does not name the model file '$model'" ;;
esac
# The substrings must come from the message, not from the path in it.
rest=${err//"$model"/}
for s in "$@"; do
  case "$rest" in
    *"$s"*) ;;
    *) fail "stderr does not contain '$s'" ;;
  esac
done
echo "ok: $err"
