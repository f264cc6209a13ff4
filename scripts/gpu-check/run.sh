#!/usr/bin/env bash
# The GPU check, in one command, from the folder assemble.mjs wrote (no network needed):
#   bash run.sh [--cpu-only] [--out DIR] [other check.js options: --tokens N --decode-tokens N --repeats N --shapes tiny]
# Unpacks the payload into $TREX_GPU_CHECK_WORK (default /tmp/trex-gpu-check), points the loader at
# the CUDA 13 libraries of python3's `nvidia` packages (not with --cpu-only: that run is a machine
# without CUDA, as a user's would be), and runs check.js with our runtime loading the rig's
# onnxruntime-node 1.29.0 (TREX_ONNXRUNTIME_PATH). Writes DIR/report.json, report.md and run.log
# (default DIR: ./gpu-check-report beside this script).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${TREX_GPU_CHECK_WORK:-/tmp/trex-gpu-check}
OUT="$HERE/gpu-check-report"
CPU_ONLY=0
ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT=$2; shift 2 ;;
    --cpu-only) CPU_ONLY=1; ARGS+=("$1"); shift ;;
    *) ARGS+=("$1"); shift ;;
  esac
done
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
exec > >(tee "$OUT/run.log") 2>&1

unxz_to() { # file.xz → dest, with xz or else python3's lzma
  if command -v xz >/dev/null 2>&1; then xz -dc "$1" > "$2"
  else python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"; fi
}

rm -rf "$WORK"
mkdir -p "$WORK/rt/node_modules" "$WORK/bin"
unxz_to "$HERE/payload/onnxruntime-js.tar.xz" "$WORK/onnxruntime-js.tar"
tar -xf "$WORK/onnxruntime-js.tar" -C "$WORK/rt/node_modules"
ORT="$WORK/rt/node_modules/onnxruntime-node"
BIN="$ORT/bin/napi-v6/linux/x64"
unxz_to "$HERE/payload/libonnxruntime.so.1.xz" "$BIN/libonnxruntime.so.1"
# The same runtime without the CUDA provider (hard links where possible): the "provider absent" probe.
mkdir -p "$WORK/rt-noprovider"
cp -al "$WORK/rt/node_modules" "$WORK/rt-noprovider/" 2>/dev/null || cp -a "$WORK/rt/node_modules" "$WORK/rt-noprovider/"
unxz_to "$HERE/payload/libonnxruntime_providers_cuda.so.xz" "$BIN/libonnxruntime_providers_cuda.so"
cp "$HERE/payload/libonnxruntime_providers_shared.so" "$BIN/"

if [ -f "$HERE/payload/node.xz" ] && [ -z "${NODE:-}" ]; then
  unxz_to "$HERE/payload/node.xz" "$WORK/bin/node"
  chmod +x "$WORK/bin/node"
  NODE="$WORK/bin/node"
fi
NODE=${NODE:-node}
echo "node: $NODE ($("$NODE" --version))"

if [ "$CPU_ONLY" = 0 ]; then
  # Every folder under python3's nvidia packages that holds shared libraries (cu13/lib, cublas/lib, cudnn/lib…).
  CUDA_LIBS=$(python3 - <<'PY' 2>/dev/null || true
import os
try:
    import nvidia
except ImportError:
    raise SystemExit(0)
dirs = []
for base in nvidia.__path__:
    for d, _, files in os.walk(base):
        if any(f.startswith('lib') and '.so' in f for f in files) and d not in dirs:
            dirs.append(d)
print(':'.join(dirs))
PY
)
  if [ -z "$CUDA_LIBS" ]; then echo "no CUDA libraries found under python3's nvidia packages; using the loader's default path"; fi
  export LD_LIBRARY_PATH="${CUDA_LIBS}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
  if command -v ldd >/dev/null 2>&1; then
    echo "libraries the CUDA provider needs that the loader cannot find:"
    ldd "$BIN/libonnxruntime_providers_cuda.so" | grep 'not found' || echo "  none"
  fi
  command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv || true
fi

export TREX_ONNXRUNTIME_PATH="$ORT"
"$NODE" "$HERE/check.js" --out "$OUT" --work "$WORK/graphs" --ort-no-provider "$WORK/rt-noprovider/node_modules/onnxruntime-node" ${ARGS[@]+"${ARGS[@]}"}
echo "report: $OUT/report.md"
