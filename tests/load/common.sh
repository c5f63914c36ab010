# Shared by run.sh, overload.sh and soak.sh (sourced, not run): build, sample images, service lifecycle, RSS.
# Environment: PORT (default 5080), WORK (scratch folder, default a fresh temporary one), SKIP_PUBLISH=1 to reuse WORK/app.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LOAD="$ROOT/tests/load"
WORK=${WORK:-$(mktemp -d -t digitapi-load.XXXXXX)}
PORT=${PORT:-5080}
URL="http://127.0.0.1:$PORT"
BENCH="$ROOT/tests/DigitApi.Benchmarks/bin/Release/net10.0/DigitApi.Benchmarks"
IMAGES=(mnist-28x28.png canvas-280x280.png photo-1200x1600.jpg)
# The gen-0 budget the container image sets (Dockerfile); GEN0= (empty) measures the runtime's default.
# Exported so that the in-process ceiling and the HTTP floor run under the same setting.
GEN0=${GEN0-0x1000000}
if [[ -n "$GEN0" ]]; then export DOTNET_GCgen0size="$GEN0"; else unset DOTNET_GCgen0size; fi
SERVICE_PID=""
read -r -a PUBLISH_ARGS <<<"${PUBLISH_ARGS:-}"

need() { command -v "$1" >/dev/null || { echo "this script needs '$1' (Debian: apt-get install $2)" >&2; exit 1; }; }

machine() {
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

# Release publish of the service in source tree $1 to folder $2, for this machine's runtime as the Dockerfile
# publishes for its target (ReadyToRun applies, see the csproj). PUBLISH_ARGS adds publish arguments, e.g.
# PUBLISH_ARGS=-p:PublishReadyToRun=false to compare start-up.
publish_service() {
  dotnet publish "$1/src/DigitApi/DigitApi.csproj" -c Release --use-current-runtime -o "$2" --nologo -v quiet "${PUBLISH_ARGS[@]}" >/dev/null
}

# The benchmark console (sample images, in-process ceiling, HTTP floor) and the sample images in $WORK/images;
# EXTRA_IMAGES="a.jpg b.png" adds uploads of your own to the three (measured after them, by file name).
sample_images() {
  dotnet build "$ROOT/tests/DigitApi.Benchmarks/DigitApi.Benchmarks.csproj" -c Release --nologo -v quiet >/dev/null
  "$BENCH" images "$WORK/images" >/dev/null
  local extra
  for extra in ${EXTRA_IMAGES:-}; do
    cp "$extra" "$WORK/images/" && IMAGES+=("$(basename "$extra")")
  done
}

# The working tree's service published to $WORK/app, and the sample images.
build() {
  if [[ "${SKIP_PUBLISH:-0}" != 1 || ! -f "$WORK/app/DigitApi.dll" ]]; then
    echo "publishing Release to $WORK/app ..."
    publish_service "$ROOT" "$WORK/app"
  fi
  sample_images
}

# Starts the published service on loopback (extra arguments are configuration, e.g. --Inference:QueueCapacity 8)
# and waits until /health/ready answers 200; READY_MS is the time from launch to ready. APP (default $WORK/app)
# and SERVICE_LOG (default $WORK/service.log) choose another published folder and log.
start_service() {
  local started now app=${APP:-$WORK/app} log=${SERVICE_LOG:-$WORK/service.log}
  started=$(date +%s%N)
  (cd "$app" && exec env ASPNETCORE_URLS="$URL" ASPNETCORE_ENVIRONMENT=Production ORT_DISABLE_TELEMETRY=1 \
    dotnet DigitApi.dll "$@" >"$log" 2>&1) &
  SERVICE_PID=$!
  until curl -sf -o /dev/null "$URL/health/ready"; do
    kill -0 "$SERVICE_PID" 2>/dev/null || { echo "the service exited; its log:" >&2; tail -20 "$log" >&2; exit 1; }
    now=$(date +%s%N)
    (((now - started) / 1000000000 > 60)) && { echo "not ready after 60 s" >&2; stop_service; exit 1; }
    sleep 0.01
  done
  READY_MS=$((($(date +%s%N) - started) / 1000000))
}

# Which library decodes JPEG in the running service (its startup log line): libjpeg-turbo when the system has
# it, SkiaSharp otherwise (docs/configuration.md: Imaging:JpegDecoder).
jpeg_decoder() { grep -o '"Decoder":"[^"]*"' "${SERVICE_LOG:-$WORK/service.log}" | head -1 | cut -d'"' -f4; }

stop_service() {
  if [[ -n "$SERVICE_PID" ]] && kill -0 "$SERVICE_PID" 2>/dev/null; then
    kill -TERM "$SERVICE_PID"
    wait "$SERVICE_PID" 2>/dev/null || true
  fi
  SERVICE_PID=""
}

# Resident memory of the service in MB (VmRSS), and its peak so far (VmHWM).
rss_mb() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$SERVICE_PID/status"; }
peak_rss_mb() { awk '/^VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$SERVICE_PID/status"; }
# CPU time the service (or process $1) has used (user + system), in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/${1:-$SERVICE_PID}/stat"; }
# Microseconds of CPU per request: $1 clock ticks spent on $2 requests.
us_per_request() { awk -v t="$1" -v n="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.0f", t * 1e6 / hz / n}'; }

# Samples RSS every $1 seconds into $2 (one "seconds-since-start MB" line each) until stop_sampler.
start_sampler() {
  local every=$1 file=$2 t0
  t0=$(date +%s)
  (while kill -0 "$SERVICE_PID" 2>/dev/null; do echo "$(($(date +%s) - t0)) $(rss_mb)"; sleep "$every"; done) >"$file" &
  SAMPLER_PID=$!
}
stop_sampler() { kill "$SAMPLER_PID" 2>/dev/null || true; wait "$SAMPLER_PID" 2>/dev/null || true; }

# min/max/last of a sampler file's second column.
summarize_rss() { awk 'NR == 1 {min = max = $2} {if ($2 < min) min = $2; if ($2 > max) max = $2; last = $2} END {printf "min %d MB, max %d MB, last %d MB (%d samples)", min, max, last, NR}' "$1"; }

# One wrk run against POST /predict; prints wrk's RESULT line (see predict.lua). Arguments: duration, image files.
wrk_predict() {
  local duration=$1
  shift
  wrk -t "${THREADS:-2}" -c "${CONNECTIONS:-64}" -d "$duration" --timeout 10s -s "$LOAD/predict.lua" "$URL/predict" -- "$@" | grep '^RESULT'
}

# Writes a multipart/form-data body with $1 (a sample image name) as field "image" to $2; prints its Content-Type.
multipart_body() {
  local boundary=digitapi-load-5b2e
  {
    printf -- '--%s\r\nContent-Disposition: form-data; name="image"; filename="%s"\r\nContent-Type: application/octet-stream\r\n\r\n' "$boundary" "$1"
    cat "$WORK/images/$1"
    printf -- '\r\n--%s--\r\n' "$boundary"
  } >"$2"
  echo "multipart/form-data; boundary=$boundary"
}

field() { sed -E "s/.* $1=([^ ]+).*/\1/" <<<"$2"; }

trap 'stop_service' EXIT
