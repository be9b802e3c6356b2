#!/bin/sh
# One ONNX backend node test through the C backend.
#
# usage: run_case.sh [--as-float32] [--sanitize] [--refuse ERROR REASON]
#                    ONNXCC CC RT_INCLUDE RT_LIB PYTHON CASE_DIR WORK_DIR
#
#   prepare   PYTHON prepare_case.py [--as-float32] CASE_DIR WORK_DIR/data
#             (initializer-like operands frozen, raw .bin data of each
#             tensor's own type, the case's tolerance in tolerance.txt)
#   compile   ONNXCC WORK_DIR/data/model.onnx -o WORK_DIR/out --name m
#   build     CC -std=c99 -Wall -Wextra -Werror -O1 harness.c out/m.c RT_LIB -lm
#             (and clang -fsyntax-only with the same warnings, when clang is there;
#             with --sanitize built with ASan and UBSan, any report fails)
#   run       the harness on data/in_*.bin, writing data/out_*.bin
#   compare   PYTHON compare.py --rtol R --atol A (from tolerance.txt): dtypes
#             and shapes of the generated tables, then values
#
# With --refuse ERROR REASON the case is an expected refusal: onnxcc must exit 1
# with one line on stderr containing ERROR; anything else fails, including a
# successful compile (the refusal table would be stale).  A CASE_DIR that does
# not exist fails too: a refusal-table entry for a test no longer in the data.
# Prints one line: PASS / REFUSED / FAIL, the case, and the max error; the
# same line goes to WORK_DIR/result.txt and onnxcc's exit status to
# WORK_DIR/onnxcc.rc (update_refusals.py reads them).
set -u
prep_opt= error= reason=
san=
while :; do
    case ${1-} in
    --sanitize) san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g"; shift ;;
    --as-float32) prep_opt=$1; shift ;;
    --refuse) error=$2 reason=$3; shift 3 ;;
    *) break ;;
    esac
done
[ $# -eq 7 ] || { echo "usage: $0 [--as-float32] [--refuse ERROR REASON] ONNXCC CC RT_INCLUDE RT_LIB PYTHON CASE_DIR WORK_DIR" >&2; exit 2; }
onnxcc=$1 cc=$2 rt_include=$3 rt_lib=$4 python=$5 case_dir=$6 work=$7
here=$(cd "$(dirname "$0")" && pwd)
name=$(basename "$case_dir")${prep_opt:+ ($prep_opt)}

say() {
    echo "$*"
    [ -d "$work" ] && echo "$*" >"$work/result.txt"
}

fail() {
    say "FAIL     $name: $*"
    exit 1
}

rm -rf "$work" && mkdir -p "$work" || fail "cannot create $work"
[ -d "$case_dir" ] || fail "in the expected-refusal table ($reason) but not in the test data; remove it"

"$python" "$here/prepare_case.py" $prep_opt "$case_dir" "$work/data" 2>"$work/prepare.err" ||
    fail "prepare_case.py failed: $(tail -n 1 "$work/prepare.err")"

"$onnxcc" "$work/data/model.onnx" -o "$work/out" --name m 2>"$work/onnxcc.err"
rc=$?
echo $rc >"$work/onnxcc.rc"
msg=$(head -n 1 "$work/onnxcc.err")
lines=$(grep -c "" "$work/onnxcc.err")
if [ -n "$error" ]; then
    [ $rc -eq 0 ] && fail "compiles but is in the expected-refusal table ($reason); remove it"
    [ $rc -eq 1 ] || fail "onnxcc exit status $rc, expected 1: $msg"
    [ "$lines" -eq 1 ] || fail "onnxcc printed $lines lines on stderr, expected one: $(cat "$work/onnxcc.err")"
    case $msg in
    *"$error"*) ;;
    *) fail "refused for another reason than '$error' ($reason): $msg" ;;
    esac
    say "REFUSED  $name: ${msg#*model.onnx: }  [expected: $reason]"
    exit 0
fi
[ $rc -eq 0 ] || fail "refused but not in the expected-refusal table: $msg"

"$cc" -std=c99 -Wall -Wextra -Werror -O1 $san -I"$work/out" -I"$rt_include" -o "$work/harness" \
    "$here/harness.c" "$work/out/m.c" "$rt_lib" -lm 2>"$work/cc.err" ||
    fail "the generated C does not build: $(head -n 3 "$work/cc.err" | tr '\n' ' ')"
# The generated code must be warning-free with clang too (design §1).
if command -v clang >/dev/null 2>&1; then
    clang -std=c99 -Wall -Wextra -Werror -fsyntax-only -I"$work/out" -I"$rt_include" "$work/out/m.c" \
        2>"$work/clang.err" || fail "the generated C has clang warnings: $(head -n 3 "$work/clang.err" | tr '\n' ' ')"
fi

"$work/harness" "$work/data" >"$work/harness.out" 2>"$work/harness.err" ||
    fail "the harness failed: $(tail -n 1 "$work/harness.err")"

read -r rtol atol why <"$work/data/tolerance.txt" || fail "no tolerance.txt"
result=$("$python" "$here/compare.py" --rtol "$rtol" --atol "$atol" --why "$why" \
    "$work/data" "$work/harness.out" 2>&1) ||
    fail "$result"
say "PASS     $name: $result"
