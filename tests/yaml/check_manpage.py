"""doc/onnxcc.1 against the program: every option that `onnxcc --help` and
`onnxcc compare --help` list appears in the man page (so the two cannot
drift apart), and, if groff is installed, the page renders without a
single warning (groff -ww); without groff that part is skipped.

usage: check_manpage.py ONNXCC MANPAGE
"""
import re
import shutil
import subprocess
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    onnxcc, page = sys.argv[1:]
    failures = []
    roff = open(page).read()
    # The page's text with roff escapes for '-' and fonts removed.
    text = re.sub(r"\\f[BIRP]", "", roff.replace("\\-", "-"))
    helps = {}
    for args in ([onnxcc, "--help"], [onnxcc, "compare", "--help"]):
        r = subprocess.run(args, capture_output=True, text=True)
        if r.returncode != 0 or not r.stdout:
            failures.append(f"{' '.join(args[1:])}: exit {r.returncode}")
        helps[" ".join(args[1:])] = r.stdout
    options = set()
    for name, out in helps.items():
        for line in out.splitlines():
            if line.startswith(("usage:", "      ")) or line.lstrip().startswith("-"):
                options.update(re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", line))
    options -= {"-"}
    if len(options) < 15:
        failures.append(f"found only {len(options)} options in --help: {sorted(options)}")
    for opt in sorted(options):
        if not re.search(r"(?<![\w-])" + re.escape(opt) + r"(?![\w-])", text):
            failures.append(f"option {opt} from --help is not in {page}")
    if "examples:" not in helps.get("--help", "") or not helps["--help"].rstrip().splitlines():
        failures.append("--help has no examples")
    r = subprocess.run([onnxcc, "--version"], capture_output=True, text=True)
    if r.returncode != 0 or not re.fullmatch(r"onnxcc \d+\.\d+\.\d+\n", r.stdout):
        failures.append(f"--version: {r.returncode} {r.stdout!r}")
    elif r.stdout.split()[1] not in roff:
        failures.append(f"the man page does not name version {r.stdout.split()[1]}")

    groff = shutil.which("groff")
    if groff:
        r = subprocess.run([groff, "-man", "-Tutf8", "-ww", "-z", page], capture_output=True, text=True)
        if r.returncode != 0 or r.stderr:
            failures.append(f"groff warns: {r.stderr.strip()}")
    else:
        print("groff is not installed: rendering not checked")

    if failures:
        print("FAIL:\n  " + "\n  ".join(failures), file=sys.stderr)
        sys.exit(1)
    print(f"OK: {len(options)} options")


if __name__ == "__main__":
    main()
