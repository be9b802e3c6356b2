# Sourced by the example scripts: sets P to the onnxcc install prefix
# ($ONNXCC_PREFIX, else the prefix of the onnxcc on PATH) and puts its
# pkg-config folder first on PKG_CONFIG_PATH.
if [ -z "${ONNXCC_PREFIX:-}" ]; then
  bin=$(command -v onnxcc) || { echo "run.sh: onnxcc not on PATH; set ONNXCC_PREFIX" >&2; exit 1; }
  ONNXCC_PREFIX=$(cd "$(dirname "$bin")/.." && pwd)
fi
P=$ONNXCC_PREFIX
PKG_CONFIG_PATH=$P/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
export PKG_CONFIG_PATH
