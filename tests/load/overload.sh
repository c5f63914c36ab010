#!/usr/bin/env bash
# Overload: measures the service's capacity, then offers about 3x that for 60 s against a small queue, and
# reports accepted (200) vs rejected (503/429) requests, latency of each, and the service's memory.
#   tests/load/overload.sh
#   FACTOR=3 DURATION=60 QUEUE=32 IMAGE=mnist-28x28.png CLIENTS=512 tests/load/overload.sh
# Capacity: wrk at 64 connections for 10 s. Overload: hey (Debian package) with CLIENTS workers, each
# rate-limited so that together they offer FACTOR x capacity requests/s whatever the answers' speed
# (an open loop while answers take less than CLIENTS / rate seconds). Prints numbers; asserts nothing.
set -euo pipefail
source "$(dirname "$0")/common.sh"
need wrk wrk
need hey hey
need curl curl

IMAGE=${IMAGE:-mnist-28x28.png}
FACTOR=${FACTOR:-3}
DURATION=${DURATION:-60}
QUEUE=${QUEUE:-32}
CLIENTS=${CLIENTS:-512}

machine
build
start_service --Inference:QueueCapacity "$QUEUE"
wrk_predict 3s "$WORK/images/$IMAGE" >/dev/null
capacity=$(field rps "$(CONNECTIONS=64 wrk_predict 10s "$WORK/images/$IMAGE")")
rate=$((capacity * FACTOR))
echo "capacity: $capacity requests/s ($IMAGE, 64 connections); offering $rate requests/s for $DURATION s with Inference:QueueCapacity=$QUEUE"

content_type=$(multipart_body "$IMAGE" "$WORK/body.bin")

start_sampler 2 "$WORK/rss-overload.txt"
hey -z "${DURATION}s" -c "$CLIENTS" -q "$(awk -v r="$rate" -v c="$CLIENTS" 'BEGIN {printf "%.2f", r / c}')" -t 10 \
  -m POST -T "$content_type" -D "$WORK/body.bin" -o csv "$URL/predict" >"$WORK/overload.csv"
stop_sampler
health=$(curl -s -o /dev/null -w '%{http_code}' "$URL/health/ready" || true)

# hey's CSV: response-time (s), ..., status-code (7th column); requests that got no answer are not listed.
awk -F, 'NR > 1 {printf "%s %.3f\n", $7, $1 * 1000}' "$WORK/overload.csv" >"$WORK/latencies.txt"
# count, p50, p99 and max (ms) of the answers whose status matches $1
stats() {
  awk -v re="^($1)\$" '$1 ~ re {print $2}' "$WORK/latencies.txt" | sort -n |
    awk '{a[NR] = $1} END {if (NR == 0) {print 0, 0, 0, 0; exit}; print NR, a[int(NR * 0.5 + 0.999999)], a[int(NR * 0.99 + 0.999999)], a[NR]}'
}
answered=$(wc -l <"$WORK/latencies.txt")
read -r ok ok50 ok99 okmax <<<"$(stats 200)"
read -r rejected rej50 rej99 rejmax <<<"$(stats '503|429')"
pct() { awk -v a="$1" -v b="$answered" 'BEGIN {printf "%.1f", b ? 100 * a / b : 0}'; }
echo "answered: $answered in $DURATION s ($((answered / DURATION))/s; offered $rate/s)"
echo "accepted (200): $ok = $((ok / DURATION))/s, $(pct "$ok") %; p50 $ok50 ms, p99 $ok99 ms, max $okmax ms"
echo "rejected (503/429): $rejected = $(pct "$rejected") %; p50 $rej50 ms, p99 $rej99 ms, max $rejmax ms"
awk '$1 != 200 && $1 != 503 && $1 != 429 {n[$1]++} END {for (s in n) printf "other status %s: %d\n", s, n[s]}' "$WORK/latencies.txt"
echo "service RSS during overload: $(summarize_rss "$WORK/rss-overload.txt"); /health/ready afterwards: $health"
echo "$(machine)"
