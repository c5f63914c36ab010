#!/usr/bin/env bash
# DigitApi side by side with two reference services built the way such models are commonly deployed, each
# serving the same cnn model on this machine, one at a time, for the three sample uploads:
#   - Node.js: Express + multer + sharp + onnxruntime-node, one process per core (reference/node)
#   - Python: FastAPI + uvicorn (one worker per core) + Pillow + PyTorch (reference/fastapi)
#   tests/load/compare.sh                 defaults: 64 connections, 10 s warm-up and 20 s per image
#   DURATION=10s WARMUP=5s CONNECTIONS=64 tests/load/compare.sh
#   EXTRA_IMAGES="photo.jpg scan.png" tests/load/compare.sh  your own uploads too, after the three samples
# Needs: wrk, npm, and python3 with fastapi, uvicorn, python-multipart, Pillow, torch and onnx (Debian:
# apt-get install wrk npm python3-fastapi python3-uvicorn python3-multipart python3-pil python3-torch python3-onnx).
# Prints each service's requests/s, p99 and CPU time per request (all its processes, from /proc), and
# DigitApi's multiple of the best reference in both: CPU per request is the steadier figure on a shared
# machine, where other tenants' load moves requests/s from run to run. Asserts nothing.
set -euo pipefail
source "$(dirname "$0")/common.sh"
need wrk wrk
need curl curl
need npm npm
PYTHON=${PYTHON:-/usr/bin/python3}
"$PYTHON" -c 'import fastapi, uvicorn, multipart, PIL, torch, onnx' 2>/dev/null ||
  { echo "$PYTHON lacks a module; Debian: apt-get install python3-fastapi python3-uvicorn python3-multipart python3-pil python3-torch python3-onnx" >&2; exit 1; }

DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-10s}
CONNECTIONS=${CONNECTIONS:-64}
REFERENCE="$LOAD/reference"
MODEL="$ROOT/models/cnn.onnx"
CORES=$(nproc)

machine
build
# The lock file pins every package; sharp and onnxruntime-node bring their CPU binaries as npm packages, so no
# install script has to run (onnxruntime-node's would fetch optional CUDA libraries).
(cd "$REFERENCE/node" && npm ci --ignore-scripts --no-audit --no-fund --silent)

# Starts "$@" in the background, logs to $WORK/$name.log, waits for $URL/health/ready.
start_reference() {
  local name=$1
  shift
  "$@" >"$WORK/$name.log" 2>&1 &
  SERVICE_PID=$!
  for _ in $(seq 600); do
    curl -sf -o /dev/null "$URL/health/ready" && return 0
    kill -0 "$SERVICE_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "$name did not become ready; its log:" >&2
  tail -20 "$WORK/$name.log" >&2
  exit 1
}

# CPU time (user + system, clock ticks) of $SERVICE_PID and every process below it (cluster and uvicorn workers).
tree_ticks() {
  local pids=("$SERVICE_PID") i=0 total=0 pid
  while ((i < ${#pids[@]})); do
    pids+=($(pgrep -P "${pids[i]}" || true))
    i=$((i + 1))
  done
  for pid in "${pids[@]}"; do
    total=$((total + $(cpu_ticks "$pid" 2>/dev/null || echo 0)))
  done
  echo "$total"
}

# Warms up on every image, then measures each; fills rps, p99 and cpu (µs per request) for [$name,$image].
declare -A rps p99 cpu
measure() {
  local name=$1 image result before
  for image in "${IMAGES[@]}"; do
    wrk_predict "$WARMUP" "$WORK/images/$image" >/dev/null
  done
  for image in "${IMAGES[@]}"; do
    before=$(tree_ticks)
    result=$(wrk_predict "$DURATION" "$WORK/images/$image")
    cpu[$name,$image]=$(us_per_request $(($(tree_ticks) - before)) "$(field requests "$result")")
    rps[$name,$image]=$(field rps "$result")
    p99[$name,$image]=$(field p99_ms "$result")
    echo "$name $image: $result cpu_us_per_request=${cpu[$name,$image]}"
  done
}

SERVICES=(DigitApi node fastapi)
start_service
echo "DigitApi's JPEG decoder: $(jpeg_decoder)"
measure DigitApi
stop_service

start_reference node env PORT="$PORT" MODEL="$MODEL" WORKERS="$CORES" node "$REFERENCE/node/server.js"
measure node
stop_service

start_reference fastapi env MODEL="$MODEL" "$PYTHON" -m uvicorn --app-dir "$REFERENCE/fastapi" app:app \
  --host 127.0.0.1 --port "$PORT" --workers "$CORES" --log-level warning
measure fastapi
stop_service

echo
echo "| upload | DigitApi | Node.js (sharp) | Python (FastAPI + PyTorch) | DigitApi / best reference: requests/s, CPU per request |"
echo "|---|---:|---:|---:|---:|"
for image in "${IMAGES[@]}"; do
  best_rps=$(printf '%s\n' "${rps[node,$image]}" "${rps[fastapi,$image]}" | sort -n | tail -1)
  best_cpu=$(printf '%s\n' "${cpu[node,$image]}" "${cpu[fastapi,$image]}" | sort -n | head -1)
  row="| $image"
  for name in "${SERVICES[@]}"; do
    row+=" | ${rps[$name,$image]}/s, p99 ${p99[$name,$image]} ms, ${cpu[$name,$image]} µs"
  done
  echo "$row | $(awk -v a="${rps[DigitApi,$image]}" -v b="$best_rps" -v c="${cpu[DigitApi,$image]}" -v d="$best_cpu" 'BEGIN {printf "%.1fx, %.1fx", a / b, d / c}') |"
done
echo "$CONNECTIONS connections, $DURATION per image after $WARMUP per image of warm-up; $(machine)"
