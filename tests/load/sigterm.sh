#!/usr/bin/env bash
# SIGTERM under load: drives POST /predict at CONNECTIONS connections, sends the service SIGTERM halfway, and
# reports what every request got: 200 (served), 503 (refused while draining), and transport errors: "connection
# refused" (the listener had closed) and resets. The service logs every request it received (request log at
# Debug), so the two sides can be compared: when the service answered every request it received and the
# client got each of those answers, the resets are connections still in the kernel's listen backlog when
# the listener closed, which the service never accepted. Exit code 0 is the clean exit after the drain.
#   tests/load/sigterm.sh
#   CONNECTIONS=64 SECONDS_BEFORE=5 IMAGE=canvas-280x280.png tests/load/sigterm.sh
set -euo pipefail
source "$(dirname "$0")/common.sh"
need hey hey
need curl curl

IMAGE=${IMAGE:-canvas-280x280.png}
CONNECTIONS=${CONNECTIONS:-64}
SECONDS_BEFORE=${SECONDS_BEFORE:-5}

machine
build
start_service --Serilog:MinimumLevel:Override:Serilog.AspNetCore.RequestLoggingMiddleware Debug
content_type=$(multipart_body "$IMAGE" "$WORK/body.bin")

hey -z "$((SECONDS_BEFORE * 2))s" -c "$CONNECTIONS" -t 30 -m POST -T "$content_type" \
  -D "$WORK/body.bin" "$URL/predict" >"$WORK/sigterm-hey.txt" 2>&1 &
HEY_PID=$!
sleep "$SECONDS_BEFORE"
started=$(date +%s%N)
kill -TERM "$SERVICE_PID"
set +e
wait "$SERVICE_PID"
exit_code=$?
set -e
stopped_ms=$((($(date +%s%N) - started) / 1000000))
SERVICE_PID=""
wait "$HEY_PID" || true

served=$(awk '/\[200\]/ {print $2}' "$WORK/sigterm-hey.txt")
draining=$(awk '/\[503\]/ {print $2}' "$WORK/sigterm-hey.txt")
refused=$(awk '/Error distribution/ {on = 1} on && /connection refused/ {gsub(/[\[\]]/, "", $1); n += $1} END {print n + 0}' "$WORK/sigterm-hey.txt")
resets=$(awk '/Error distribution/ {on = 1} on && /\[[0-9]+\]/ && !/connection refused/ {gsub(/[\[\]]/, "", $1); n += $1} END {print n + 0}' "$WORK/sigterm-hey.txt")
logged=$(grep -ac '"RequestPath":"/predict"' "$WORK/service.log" || true)
logged200=$(grep -a '"RequestPath":"/predict"' "$WORK/service.log" | grep -ac '"StatusCode":200' || true)
logged503=$(grep -a '"RequestPath":"/predict"' "$WORK/service.log" | grep -ac '"StatusCode":503' || true)
echo "SIGTERM after ${SECONDS_BEFORE} s of load at $CONNECTIONS connections ($IMAGE): exit code $exit_code after $stopped_ms ms"
echo "client: 200 ${served:-0}, 503 ${draining:-0}, connection refused $refused, reset or EOF $resets"
echo "service: received and answered $logged (200 $logged200, 503 $logged503)"
if [[ "$logged200" == "${served:-0}" && "$logged503" == "${draining:-0}" ]]; then
  echo "every request the service received was answered and the answer arrived: no accepted request was lost"
else
  echo "MISMATCH: the service answered requests whose answers the client did not get"
fi
echo "$(machine)"
