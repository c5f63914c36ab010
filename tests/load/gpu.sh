#!/usr/bin/env bash
# The service on an NVIDIA GPU, measured on a machine that has no .NET SDK and no network (docs/gpu.md).
#
#   tests/load/gpu.sh pack [DIR]
#       Here, with the .NET SDK: self-contained linux-x64 publishes (the .NET runtime included) of the service and of
#       the benchmark console, both with the CUDA build of ONNX Runtime (-p:OnnxRuntimeFlavor=Gpu), packed as one
#       tar.xz and split into parts smaller than 60 MiB, with their SHA256SUMS. DIR defaults to artifacts/gpu.
#   tests/load/gpu.sh run PARTS [RESULTS]
#       There: checks and joins the parts (PARTS: the folder holding them and SHA256SUMS), puts the CUDA and cuDNN
#       libraries of PyTorch's nvidia-* packages on LD_LIBRARY_PATH, starts the service with Inference:Provider=Cuda,
#       checks that /models says Cuda and that /predict reads the sample 7, drives POST /predict with each sample
#       upload, runs the in-process ceiling and the inference benchmark at batch 1, 8, 32 and 64, and writes the
#       figures to RESULTS (default gpu-results.md). Needs bash, coreutils, python3 (for HTTP checks, the CUDA
#       libraries and reading the benchmark's JSON) and xz or python3's lzma; nothing else.
#   tests/load/gpu.sh settings PARTS RESULTS 'NAME=VALUE ...' ['NAME=VALUE ...' ...]
#       There, after the parts are joined: one short load run per set of settings (environment variables for the
#       service, e.g. 'Inference__WorkersPerModel=4 Inference__Cuda__cudnn_conv_algo_search=EXHAUSTIVE'), on the
#       28x28 and the photo upload, one table row each, to compare settings inside one call.
#
# Settings (environment): PROVIDER=Cuda (Auto rehearses the whole run on a machine without a GPU), DURATION=15 and
# WARMUP=5 seconds per upload, CONNECTIONS=64, CEILING_SECONDS=10, BDN_JOB=short (dry: one pass, to check the
# script), PORT=5080, KIT=/tmp/digitapi-gpu (where the parts are unpacked), PART_SIZE=55M, CUDA_LIBS (folders to
# put on LD_LIBRARY_PATH instead of looking for PyTorch's).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ARCHIVE=digitapi-gpu.tar.xz
IMAGES=(mnist-28x28.png canvas-280x280.png photo-1200x1600.jpg)
PROVIDER=${PROVIDER:-Cuda}
PORT=${PORT:-5080}
URL="http://127.0.0.1:$PORT"
KIT=${KIT:-/tmp/digitapi-gpu}
BENCH="$KIT/bench/DigitApi.Benchmarks"
SERVICE_PID=""

pack() {
  local out=${1:-$ROOT/artifacts/gpu} staging
  staging=$(mktemp -d -t digitapi-gpu-pack.XXXXXX)
  trap 'rm -rf "$staging"' RETURN
  local publish=(-c Release -r linux-x64 --self-contained -p:OnnxRuntimeFlavor=Gpu --artifacts-path "$staging/build" --nologo -v quiet)
  echo "publishing the service and the benchmark console (self-contained, CUDA build of ONNX Runtime) ..."
  dotnet publish "$ROOT/src/DigitApi/DigitApi.csproj" "${publish[@]}" -o "$staging/kit/app" >/dev/null
  dotnet publish "$ROOT/tests/DigitApi.Benchmarks/DigitApi.Benchmarks.csproj" "${publish[@]}" -o "$staging/kit/bench" >/dev/null
  # The console carries the same .NET runtime, ONNX Runtime and models: those files travel once, listed in bench.shared.
  (cd "$staging/kit/bench" && find . -type f | sort | while read -r file; do
    if cmp -s "$file" "../app/$file"; then echo "$file" && rm "$file"; fi
  done) >"$staging/kit/bench.shared"
  rm -rf "$out" && mkdir -p "$out"
  echo "packing $(du -sh "$staging/kit" | cut -f1) ..."
  tar -C "$staging/kit" -cf - . | xz -T0 -6 | split -b "${PART_SIZE:-55M}" -d -a 2 - "$out/$ARCHIVE.part-"
  (cd "$out" && sha256sum "$ARCHIVE".part-* >SHA256SUMS)
  ls -l "$out"
}

# Checks the parts against SHA256SUMS, joins and unpacks them into $KIT, and puts back the console's shared files;
# a second run on the same parts reuses what the first unpacked.
assemble() {
  local parts=$1
  if cmp -s "$parts/SHA256SUMS" "$KIT/SHA256SUMS"; then
    echo "reusing $KIT"
    return
  fi
  (cd "$parts" && sha256sum --check --quiet SHA256SUMS) || { echo "a part is missing or damaged: send it again" >&2; exit 1; }
  rm -rf "$KIT" && mkdir -p "$KIT"
  if command -v xz >/dev/null; then
    cat "$parts/$ARCHIVE".part-* | tar -xJ -C "$KIT"
  else
    cat "$parts/$ARCHIVE".part-* | python3 -c '
import sys, tarfile
archive = tarfile.open(fileobj=sys.stdin.buffer, mode="r|xz")
archive.extractall(sys.argv[1], **({"filter": "tar"} if hasattr(tarfile, "tar_filter") else {}))' "$KIT"
  fi
  while read -r file; do
    cp -l "$KIT/app/$file" "$KIT/bench/$file" 2>/dev/null || cp "$KIT/app/$file" "$KIT/bench/$file"
  done <"$KIT/bench.shared"
  cp "$parts/SHA256SUMS" "$KIT/SHA256SUMS"
}

# PyTorch's CUDA 13 and cuDNN 9 (nvidia-* packages in site-packages: nvidia/<package>/lib or nvidia/cu13/lib) on
# LD_LIBRARY_PATH, ahead of what was there; the NVIDIA driver's libcuda.so.1 comes from the system.
cuda_libraries() {
  local folders=${CUDA_LIBS:-}
  if [[ -z "$folders" ]]; then
    folders=$(python3 -c 'import nvidia; print("\n".join(nvidia.__path__))' 2>/dev/null \
      | while read -r root; do find "$root" -name 'lib*.so*' -printf '%h\n'; done | sort -u | paste -sd: -) || true
  fi
  if [[ -n "$folders" ]]; then
    export LD_LIBRARY_PATH="$folders${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    echo "CUDA libraries from: $folders"
  else
    echo "no nvidia-* Python packages found; the service will say what it misses"
  fi
}

# GET (one argument) or POST of an image as multipart form data (two: path, file); prints the body; fails on non-2xx.
http() {
  python3 - "$URL$1" "${2:-}" <<'PY'
import sys, urllib.request
url, image = sys.argv[1], sys.argv[2]
request = urllib.request.Request(url)
if image:
    boundary = "digitapi-gpu-5b2e"
    with open(image, "rb") as f:
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"{image.rsplit('/', 1)[-1]}\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n").encode() + f.read() + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
with urllib.request.urlopen(request, timeout=30) as response:
    sys.stdout.write(response.read().decode())
PY
}

# Starts the service; arguments are extra NAME=VALUE settings for its environment.
start_service() {
  local started=$(date +%s%N)
  (cd "$KIT/app" && exec env Inference__Provider="$PROVIDER" ASPNETCORE_URLS="$URL" ASPNETCORE_ENVIRONMENT=Production \
    ORT_DISABLE_TELEMETRY=1 DOTNET_GCgen0size=0x1000000 "$@" ./DigitApi >>"$WORK/service.log" 2>&1) &
  SERVICE_PID=$!
  until http /health/ready >/dev/null 2>&1; do
    if ! kill -0 "$SERVICE_PID" 2>/dev/null; then
      echo "the service stopped; its log:" >&2 && cat "$WORK/service.log" >&2
      exit 1
    fi
    (($(date +%s%N) - started > 120000000000)) && { echo "not ready after 120 s" >&2 && tail -20 "$WORK/service.log" >&2 && exit 1; }
    sleep 0.1
  done
  READY_MS=$((($(date +%s%N) - started) / 1000000))
}

stop_service() {
  if [[ -n "$SERVICE_PID" ]] && kill -0 "$SERVICE_PID" 2>/dev/null; then
    kill -TERM "$SERVICE_PID" && wait "$SERVICE_PID" 2>/dev/null || true
  fi
  SERVICE_PID=""
}

field() { sed -E "s/.* $1=([^ ]+).*/\1/" <<<"$2"; }

# What run and settings begin with: the parts joined, the CUDA libraries found, the sample uploads written.
prepare() {
  WORK=$(mktemp -d -t digitapi-gpu-run.XXXXXX)
  trap 'stop_service' EXIT
  assemble "$1"
  cuda_libraries
  "$BENCH" images "$WORK/images" >/dev/null
}

# One load run of POST /predict with a sample upload; prints the generator's line and appends a table row to
# RESULTS, after the cells in LEADING (the settings' column, or nothing).
load_row() {
  local results=$1 image=$2 duration=$3 warmup=$4 leading=${5:-} result
  result=$("$BENCH" load "$URL/predict" "$WORK/images/$image" "$duration" "${CONNECTIONS:-64}" "$warmup")
  echo "$image: $result"
  echo "$leading| $image | $(field rps "$result") | $(field p50_ms "$result") | $(field p99_ms "$result") | $(field non2xx "$result") | $(field errors "$result") |" >>"$results"
}

run() {
  local parts=${1:?usage: tests/load/gpu.sh run PARTS [RESULTS]} results
  results=$(realpath -m "${2:-gpu-results.md}")
  prepare "$parts"
  local gpu
  gpu=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -1) || gpu="no nvidia-smi"

  start_service
  local providers prediction
  providers=$(http /models | python3 -c 'import json, sys; print(" ".join(sorted({m["runtime"]["provider"] for m in json.load(sys.stdin)["models"]})))')
  prediction=$(http /predict "$WORK/images/${IMAGES[0]}" | python3 -c 'import json, sys; print(json.load(sys.stdin)["digit"])')
  echo "ready in $READY_MS ms; /models: $providers; /predict on ${IMAGES[0]}: $prediction"
  [[ "$prediction" == 7 ]] || { echo "/predict read $prediction, not 7" >&2 && exit 1; }
  [[ "$PROVIDER" != Cuda || "$providers" == Cuda ]] || { echo "Provider=Cuda, but /models says $providers" >&2 && exit 1; }

  {
    echo "# DigitApi on $gpu"
    echo
    echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) with \`tests/load/gpu.sh run\`: Inference:Provider=$PROVIDER, models served on $providers;"
    echo "$(nproc) CPU cores; start to ready $READY_MS ms."
    echo
    echo "## HTTP: POST /predict, ${CONNECTIONS:-64} connections, ${DURATION:-15} s per upload after ${WARMUP:-5} s of warm-up"
    echo
    echo "| upload | requests/s | p50 ms | p99 ms | non-2xx | errors |"
    echo "|---|---:|---:|---:|---:|---:|"
  } >"$results"
  local image
  for image in "${IMAGES[@]}"; do
    load_row "$results" "$image" "${DURATION:-15}" "${WARMUP:-5}"
  done
  stop_service

  {
    echo
    echo "## In process, no HTTP (the ceiling: decode, normalise, infer on all cores, 64 callers)"
    echo
    echo '```'
    for image in "${IMAGES[@]}"; do
      Inference__Provider="$PROVIDER" "$BENCH" ceiling "$WORK/images/$image" "${CEILING_SECONDS:-10}" 64
    done
    echo '```'
  } | tee -a "$results"

  (cd "$WORK" && Inference__Provider="$PROVIDER" "$BENCH" --filter '*InferenceBenchmarks*' --job "${BDN_JOB:-short}" --exporters json >"$WORK/bdn.log" 2>&1) \
    || { tail -30 "$WORK/bdn.log" >&2 && exit 1; }
  {
    echo
    echo "## Inference alone, default model, µs per image (BenchmarkDotNet, job ${BDN_JOB:-short})"
    echo
    echo "| batch | queued (the service's batcher) | bare ONNX Runtime session |"
    echo "|---:|---:|---:|"
    python3 - "$WORK"/BenchmarkDotNet.Artifacts/results/*InferenceBenchmarks*.json <<'PY'
import json, sys
rows = {}
for benchmark in json.load(open(sys.argv[1]))["Benchmarks"]:
    batch = int(benchmark["Parameters"].split("=")[1])
    rows.setdefault(batch, {})[benchmark["Method"]] = benchmark["Statistics"]["Mean"] / 1000 / batch
for batch in sorted(rows):
    print(f"| {batch} | {rows[batch]['Queued']:.2f} | {rows[batch]['Session']:.2f} |")
PY
  } | tee -a "$results"
  echo "figures written to $results"
}

settings() {
  local parts=${1:?usage: tests/load/gpu.sh settings PARTS RESULTS SETTINGS...} results setting image
  results=$(realpath -m "${2:?usage: tests/load/gpu.sh settings PARTS RESULTS SETTINGS...}")
  shift 2
  prepare "$parts"
  {
    echo "| settings | upload | requests/s | p50 ms | p99 ms | non-2xx | errors |"
    echo "|---|---|---:|---:|---:|---:|---:|"
  } >"$results"
  for setting in "$@"; do
    # shellcheck disable=SC2086 # one word per setting
    start_service $setting
    echo "${setting:-defaults}:"
    for image in "${IMAGES[0]}" "${IMAGES[2]}"; do
      load_row "$results" "$image" "${DURATION:-8}" "${WARMUP:-3}" "| ${setting:-defaults} "
    done
    stop_service
  done
  echo "figures written to $results"
}

case "${1:-}" in
  pack) pack "${2:-}" ;;
  run) run "${2:-}" "${3:-}" ;;
  settings) shift && settings "$@" ;;
  *) sed -n '2,20p' "$0" >&2 && exit 2 ;;
esac
