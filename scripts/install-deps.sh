#!/bin/sh
# Installs what onnxcc needs to build and test, and nothing twice: Debian
# packages (apt-get update only when something is missing) and onnxruntime-node
# from the repo's package-lock.json (npm, install scripts off: the package's
# own script fetches GPU extras and fails offline).  Runs as root, or through
# sudo when that is available.
set -eu
cd "$(dirname "$0")/.."

pkgs="build-essential cmake clang libprotobuf-c-dev protobuf-c-compiler
      libonnx-dev libyaml-dev python3-torch python3-torchvision python3-onnx
      python3-numpy python3-yaml python3-sklearn libonnx-testdata valgrind pkg-config"
command -v node >/dev/null 2>&1 || pkgs="$pkgs nodejs"
command -v npm >/dev/null 2>&1 || pkgs="$pkgs npm"

missing=""
for p in $pkgs; do
  st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$st" in
    *" installed") ;;
    *) missing="$missing $p" ;;
  esac
done

if [ -n "$missing" ]; then
  if [ "$(id -u)" -eq 0 ]; then
    as_root=""
  elif command -v sudo >/dev/null 2>&1; then
    as_root="sudo"
  else
    echo "install-deps.sh: missing packages:$missing (not root and no sudo)" >&2
    exit 1
  fi
  echo "install-deps.sh: installing$missing"
  $as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  # shellcheck disable=SC2086
  $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
fi

if [ ! -f node_modules/onnxruntime-node/package.json ]; then
  echo "install-deps.sh: installing onnxruntime-node"
  if [ -f package-lock.json ]; then
    npm ci --ignore-scripts --no-audit --no-fund
  else
    npm install --ignore-scripts --no-audit --no-fund
  fi
fi
