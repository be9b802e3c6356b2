#!/usr/bin/python3
"""One hostile-names test (see make_hostile.py for the models).

usage: check_names.py ONNXCC_ASAN ONNXCC RT_INCLUDE RT_LIB MODEL NAMES_JSON WORKDIR

1. Compiles MODEL, copied to a file name that is itself hostile (quotes,
   `*`, `??=`, a backslash, a leading digit), with the ASan+UBSan build of
   the compiler: exit 0, nothing on stderr.
2. Scans the generated .c and .h: printable ASCII and newlines only; no
   `??`; no line ending in a backslash; no doc string text anywhere; with
   comments and string literals removed, no PWNED (the marker every hostile
   name carries) and only the generator's own preprocessor lines.
3. Builds probe.c against the model with gcc and clang (-std=c99 -Wall
   -Wextra -Werror): the generated input/output name tables must hold
   exactly the model's names (so no two collapsed into one), and NAME_run
   must refuse NULL and misaligned arguments.
4. `onnxcc compare` with CC=gcc and CC=clang: the generated code matches
   onnxruntime.
"""
import json
import os
import re
import shutil
import subprocess
import sys

HOSTILE_STEM = '9 "x"??=*\\ é'
ALLOWED_DIRECTIVES = re.compile(
    r'#(include "\w+\.h"|include <(stddef|stdint|string|math|onnxcc/rt)\.h>|ifndef \w+|define \w+(\(.*)?.*'
    r'|endif|ifdef (__cplusplus|ONNXCC_PROFILE)|else)$')


def fail(msg):
    sys.exit(f"FAIL: {msg}")


def strip_c(text):
    """The code with comments and string/char literals blanked; raises on an
    unterminated one (which alone would be a failure)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            if j < 0:
                raise ValueError("unterminated comment")
            out.append(" " + "\n" * text.count("\n", i, j))  # keeps line numbers
            i = j + 2
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                if text[j] == "\n":
                    raise ValueError(f"newline in a literal at offset {i}")
                j += 2 if text[j] == "\\" else 1
            if j >= n:
                raise ValueError("unterminated literal")
            out.append(c + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def scan(path):
    data = open(path, "rb").read()
    bad = sorted({b for b in data if not (32 <= b < 127 or b == 10)})
    if bad:
        fail(f"{path}: bytes outside printable ASCII: {bad[:8]}")
    text = data.decode()
    for word in ("??", "DOCSTRING"):
        if word in text:
            fail(f"{path}: contains {word!r}")
    for k, line in enumerate(text.split("\n"), 1):
        if line.endswith("\\"):
            fail(f"{path}:{k}: line ends in a backslash")
    try:
        code = strip_c(text)
    except ValueError as e:
        fail(f"{path}: {e}")
    if "PWNED" in code:
        fail(f"{path}: model text outside comments and strings")
    for line, raw in zip(code.split("\n"), text.split("\n")):
        if line.strip().startswith("#") and not ALLOWED_DIRECTIVES.match(raw.strip()):
            fail(f"{path}: unexpected preprocessor line {raw!r}")


def run(argv, env=None, what=""):
    r = subprocess.run(argv, capture_output=True, text=True, env=env, errors="replace")
    if r.returncode != 0:
        fail(f"{what or argv[0]}: exit status {r.returncode}\n{r.stdout}{r.stderr}")
    return r


def main():
    if len(sys.argv) != 8:
        sys.exit(__doc__.split("\n\n")[1])
    asan, onnxcc, rt_inc, rt_lib, model, names_json, work = sys.argv[1:]
    stem = os.path.splitext(os.path.basename(model))[0]
    want = json.load(open(names_json))[stem]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    hostile_model = os.path.join(work, HOSTILE_STEM + ".onnx")
    shutil.copyfile(model, hostile_model)
    gen = os.path.join(work, "gen")

    r = run([asan, hostile_model, "-o", gen], what="onnxcc (ASan+UBSan)")
    if r.stderr:
        fail(f"onnxcc wrote to stderr:\n{r.stderr}")
    headers = [f for f in os.listdir(gen) if f.endswith(".h")]
    if len(headers) != 1:
        fail(f"expected one header in {gen}, found {headers}")
    name = headers[0][:-2]
    for f in os.listdir(gen):
        if f.endswith((".c", ".h")):
            scan(os.path.join(gen, f))
    print(f"generated {name}.c/.h: clean")

    here = os.path.dirname(os.path.abspath(__file__))
    for cc in ("gcc", "clang"):
        if not shutil.which(cc):
            continue
        exe = os.path.join(work, f"probe_{cc}")
        run([cc, "-std=c99", "-Wall", "-Wextra", "-Werror", "-O1", "-I", gen, "-I", rt_inc,
             f"-DMODEL={name}", f'-DMODEL_H="{name}.h"', os.path.join(here, "probe.c"),
             os.path.join(gen, name + ".c"), rt_lib, "-lm", "-o", exe], what=f"{cc} build")
        lines = run([exe], what=f"probe ({cc})").stdout.split()
        pairs = list(zip(lines[0::2], lines[1::2]))
        got = {"inputs": [h for k, h in pairs if k == "in"], "outputs": [h for k, h in pairs if k == "out"]}
        if got != want:
            fail(f"{cc}: name tables differ from the model's names:\n got  {got}\n want {want}")
        print(f"{cc}: builds with -std=c99 -Wall -Wextra -Werror; name tables exact; "
              "NULL/misaligned arguments refused")
        env = dict(os.environ, CC=cc)
        r = run([onnxcc, "compare", hostile_model, "--keep", os.path.join(work, f"cmp_{cc}")],
                env=env, what=f"onnxcc compare (CC={cc})")
        print(f"{cc}: matches onnxruntime")


if __name__ == "__main__":
    main()
