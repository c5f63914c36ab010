#!/usr/bin/env bash
# Hostile uploads against a Release publish on loopback: the memory, stall and scan attacks of the service's
# protection tests at full size. For each attack: how it was answered, the service's peak RSS and CPU seconds
# while it ran, and the latency of a normal /predict sent in the middle of it; at the end, RSS 5 s after all.
#   tests/load/hostile.sh
#   STALLS=40 SCANS=600 BATCH=16 BODIES=16 tests/load/hostile.sh
# Settings reach the service from the environment, e.g. the budgets a 2 GiB container gets by default:
#   Imaging__DecodeMemoryBytes=536870912 Uploads__BodyMemoryBytes=536870912 tests/load/hostile.sh
# Prints numbers; asserts nothing. Needs curl, python3 and jpegtran (Debian: libjpeg-turbo-progs).
set -euo pipefail
source "$(dirname "$0")/common.sh"
need curl curl
need python3 python3
need jpegtran libjpeg-turbo-progs

STALLS=${STALLS:-40}
SCANS=${SCANS:-600}
BATCH=${BATCH:-16}
BODIES=${BODIES:-16}
FILES="$WORK/hostile"
NORMAL="$ROOT/tests/TestData/images/seven.jpg"
hostile() { python3 "$LOAD/hostile.py" "$@"; }
mkdir -p "$FILES"

machine
if [[ "${SKIP_PUBLISH:-0}" != 1 || ! -f "$WORK/app/DigitApi.dll" ]]; then
  echo "publishing Release to $WORK/app ..."
  publish_service "$ROOT" "$WORK/app"
fi

echo "building the hostile files in $FILES ..."
hostile png "$FILES/interlaced-40mp.png" 6324 6324 interlaced
hostile png "$FILES/flat-16mp.png" 4000 4000
jpegtran -progressive "$ROOT/tests/TestData/images/photo-paper-1200x1600.jpg" >"$FILES/progressive.jpg"
hostile scanbomb "$FILES/progressive.jpg" "$FILES/scanbomb.jpg" "$SCANS"
hostile tensor "$FILES/tensor-30m.json" 30000000
head -c 9000000 /dev/urandom >"$FILES/noise-9mb.bin"
size() { awk -v b="$(stat -c %s "$1")" 'BEGIN {printf "%.2f MB", b / 1e6}'; }

start_service
echo "service ready in $READY_MS ms; RSS at rest $(rss_mb) MB"
START_RSS=$(rss_mb)

# Peak RSS by sampling every 20 ms (VmHWM cannot be reset between attacks).
sample_peak() { (while kill -0 "$SERVICE_PID" 2>/dev/null; do rss_mb; echo; sleep 0.02; done) >"$1" & SAMPLER_PID=$!; }
peak_of() { sort -n "$1" | tail -1; }
normal_predict() { curl -s -o /dev/null -m 10 -w '%{http_code} in %{time_total} s' -F "image=@$NORMAL" "$URL/predict" || echo "no answer in 10 s"; }

# Runs the attack in function $2 in the background, a normal /predict 0.5 s into it, and reports.
attack() {
  local name=$1 run=$2 before cpu0 latency
  sleep 2 # the previous attack's memory goes back first
  before=$(rss_mb)
  cpu0=$(cpu_ticks)
  sample_peak "$WORK/peak.txt"
  "$run" >"$WORK/attack.txt" 2>&1 &
  local attack_pid=$!
  sleep 0.5
  latency=$(normal_predict)
  wait "$attack_pid" || true
  stop_sampler
  echo "== $name"
  sed 's/^/   /' "$WORK/attack.txt"
  echo "   RSS $before MB -> peak $(peak_of "$WORK/peak.txt") MB; CPU $(awk -v t="$(($(cpu_ticks) - cpu0))" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", t / hz}') s; normal /predict during it: $latency"
}

batch_of() {
  local file=$1 args=() i
  for ((i = 0; i < BATCH; i++)); do args+=(-F "image=@$file"); done
  curl -s -m 60 -o "$WORK/batch.json" -w "batch of $BATCH x $(size "$file"): %{http_code} in %{time_total} s\n" "${args[@]}" "$URL/predict/batch"
  python3 -c 'import json,sys,collections; p=json.load(open(sys.argv[1]))["predictions"]; print("   items:", dict(collections.Counter(i.get("status", 200) for i in p)))' "$WORK/batch.json" 2>/dev/null || head -c 300 "$WORK/batch.json"
}
interlaced_batch() { batch_of "$FILES/interlaced-40mp.png"; }
flat_batch() { batch_of "$FILES/flat-16mp.png"; }
two_tensors() {
  local i
  for i in 1 2; do
    curl -s -m 60 -o /dev/null -w "/v2 body $i of $(size "$FILES/tensor-30m.json"): %{http_code} in %{time_total} s\n" \
      -H 'Content-Type: application/json' --data-binary "@$FILES/tensor-30m.json" "$URL/v2/models/cnn/infer" &
  done
  wait
}
# BODIES batches of 6 x 9 MB at once (54 MB each), all buffered before any is decoded: Uploads:BodyMemoryBytes
# bounds them together (beyond it: 503), and the noise is no image (415 per item) once read.
many_bodies() {
  local i noise="$FILES/noise-9mb.bin"
  for ((i = 1; i <= BODIES; i++)); do
    curl -s -m 60 -o /dev/null -w '%{http_code}\n' -F "image=@$noise" -F "image=@$noise" -F "image=@$noise" \
      -F "image=@$noise" -F "image=@$noise" -F "image=@$noise" "$URL/predict/batch" || echo "no answer in 60 s" &
  done | sort | uniq -c | awk -v n="$BODIES" '{s = s sep $2 " x" $1; sep = ", "} END {print n " bodies of 54 MB at once: " s}'
}
stalls() { hostile stall "$PORT" "$STALLS" 200000; }
scan_bomb() {
  curl -s -m 5 -o "$WORK/scan.json" -w "scan bomb ($SCANS scans, $(size "$FILES/scanbomb.jpg")): %{http_code} in %{time_total} s\n" \
    -H 'Content-Type: image/jpeg' --data-binary "@$FILES/scanbomb.jpg" "$URL/predict" || echo "scan bomb: no answer in 5 s"
}

attack "16-image batch of 40-MP interlaced PNGs" interlaced_batch
attack "16-image batch of 16-MP PNGs (decoded at full size)" flat_batch
attack "two 60 MB /v2 bodies at once" two_tensors
attack "$BODIES batch bodies of 54 MB at once" many_bodies
attack "$STALLS uploads that stall" stalls
attack "progressive JPEG scan bomb" scan_bomb

sleep 5
echo "== after all: RSS $START_RSS MB at the start, $(rss_mb) MB 5 s after the last attack; errors logged: $(grep -c '"@l":"Error"' "$WORK/service.log" || true)"
