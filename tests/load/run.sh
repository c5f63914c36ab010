#!/usr/bin/env bash
# Throughput of the real service against the in-process ceiling, on this machine.
#   tests/load/run.sh                     defaults: 64 connections, 10 s warm-up and 20 s per image, 10 s ceiling
#   DURATION=10s CONNECTIONS=64 WARMUP=3s CEILING_SECONDS=5 STARTS=3 tests/load/run.sh
#   EXTRA_IMAGES="photo.jpg scan.png" tests/load/run.sh      your own uploads too, after the three samples
# Publishes Release, measures process start -> /health/ready (STARTS times), drives POST /predict with wrk
# for the three sample images (28x28 PNG, 280x280 transparent canvas PNG, 1200x1600 JPEG photo) after warming
# up on all three, and samples the service's RSS and its CPU time per request during each run. Then drives a
# bare Kestrel endpoint that reads the same upload and answers a fixed prediction (the HTTP floor: what HTTP
# alone leaves on this machine), runs the same decode+normalise+infer pipeline in process on all cores without
# HTTP (the ceiling), and prints the service/ceiling and service/floor ratios. CPU per request (service vs
# pipeline in process) is the steadier overhead figure on a shared machine, and does not count wrk's share of
# the cores. Prints numbers; asserts nothing.
set -euo pipefail
source "$(dirname "$0")/common.sh"
need wrk wrk
need curl curl

DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-10s}
CONNECTIONS=${CONNECTIONS:-64}
CEILING_SECONDS=${CEILING_SECONDS:-10}
STARTS=${STARTS:-3}

machine
build

starts=()
for ((i = 1; i <= STARTS; i++)); do
  start_service
  starts+=("$READY_MS")
  stop_service
done
echo "start -> ready: ${starts[*]} ms (median $(printf '%s\n' "${starts[@]}" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}') ms)"

start_service
echo "JPEG decoder: $(jpeg_decoder)"
# Every image once before any is measured: tiered compilation settles on all three code paths.
for image in "${IMAGES[@]}"; do
  wrk_predict "$WARMUP" "$WORK/images/$image" >/dev/null
done
declare -A rps p50 p99 rss cpu
for image in "${IMAGES[@]}"; do
  wrk_predict 3s "$WORK/images/$image" >/dev/null
  start_sampler 1 "$WORK/rss-$image.txt"
  cpu_before=$(cpu_ticks)
  result=$(wrk_predict "$DURATION" "$WORK/images/$image")
  cpu[$image]=$(us_per_request $(($(cpu_ticks) - cpu_before)) "$(field requests "$result")")
  stop_sampler
  rps[$image]=$(field rps "$result")
  p50[$image]=$(field p50_ms "$result")
  p99[$image]=$(field p99_ms "$result")
  rss[$image]=$(awk 'BEGIN {max = 0} {if ($2 > max) max = $2} END {print max}' "$WORK/rss-$image.txt")
  echo "$image: $result rss_max_mb=${rss[$image]} service_cpu_us_per_request=${cpu[$image]}"
  [[ $(field non2xx "$result") == 0 && $(field errors "$result") == 0 ]] || echo "  (some requests failed: see $WORK/service.log)"
done
echo "service peak RSS: $(peak_rss_mb) MB"
stop_service

# The HTTP floor: bare Kestrel reading the same upload and answering a fixed prediction (no decode, no model).
FLOOR_URL="http://127.0.0.1:$((PORT + 1))"
"$BENCH" http-floor "$FLOOR_URL" >"$WORK/floor.log" 2>&1 &
FLOOR_PID=$!
until curl -sf -o /dev/null "$FLOOR_URL/health/ready"; do sleep 0.05; done
declare -A floor
for image in "${IMAGES[@]}"; do
  URL=$FLOOR_URL wrk_predict "$WARMUP" "$WORK/images/$image" >/dev/null
  result=$(URL=$FLOOR_URL wrk_predict "$DURATION" "$WORK/images/$image")
  floor[$image]=$(field rps "$result")
  echo "HTTP floor $image: $result"
done
kill "$FLOOR_PID"
wait "$FLOOR_PID" 2>/dev/null || true

declare -A ceiling ceiling_cpu
for image in "${IMAGES[@]}"; do
  line=$("$BENCH" ceiling "$WORK/images/$image" "$CEILING_SECONDS" "$CONNECTIONS")
  ceiling[$image]=$(awk '{print $2}' <<<"$line")
  ceiling_cpu[$image]=$(grep -oE '[0-9]+ us cpu per image' <<<"$line" | cut -d' ' -f1)
  echo "ceiling $line"
done

echo
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.0f", 100 * a / b}'; }
echo "| upload | requests/s | p50 | p99 | RSS (max) | in-process ceiling | service / ceiling | HTTP floor | service / floor | CPU per request: service / pipeline |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for image in "${IMAGES[@]}"; do
  printf '| %s | %s | %s ms | %s ms | %s MB | %s/s | %s %% | %s/s | %s %% | %s µs / %s µs |\n' "$image" "${rps[$image]}" "${p50[$image]}" "${p99[$image]}" \
    "${rss[$image]}" "${ceiling[$image]}" "$(ratio "${rps[$image]}" "${ceiling[$image]}")" "${floor[$image]}" "$(ratio "${rps[$image]}" "${floor[$image]}")" \
    "${cpu[$image]}" "${ceiling_cpu[$image]}"
done
echo "$CONNECTIONS connections, $DURATION per image after $WARMUP warm-up; $(machine)"
