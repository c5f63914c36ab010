#!/usr/bin/env bash
# Soak: steady load for a long time (default 10 minutes) with the three sample images in turn, sampling the
# service's RSS every few seconds; reports requests, latency, failures and RSS min/max/last, and the RSS of
# the first and last minute so that growth shows.
#   tests/load/soak.sh
#   DURATION=30m CONNECTIONS=16 SAMPLE_EVERY=5 tests/load/soak.sh
set -euo pipefail
source "$(dirname "$0")/common.sh"
need wrk wrk
need curl curl

DURATION=${DURATION:-10m}
CONNECTIONS=${CONNECTIONS:-16}
SAMPLE_EVERY=${SAMPLE_EVERY:-5}

machine
build
start_service
echo "soak: $DURATION at $CONNECTIONS connections, the three sample images in turn; RSS every $SAMPLE_EVERY s"
start_sampler "$SAMPLE_EVERY" "$WORK/rss-soak.txt"
result=$(CONNECTIONS=$CONNECTIONS wrk_predict "$DURATION" "${IMAGES[@]/#/$WORK/images/}")
stop_sampler
echo "$result"
echo "RSS: $(summarize_rss "$WORK/rss-soak.txt")"
awk 'NR == 1 {t0 = $1} {t = $1; v[NR] = $2; s[NR] = $1} END {
  for (i = 1; i <= NR; i++) { if (s[i] - t0 < 60) { a += v[i]; na++ } if (t - s[i] < 60) { b += v[i]; nb++ } }
  printf "RSS mean of the first minute %.0f MB, of the last minute %.0f MB\n", a / na, b / nb }' "$WORK/rss-soak.txt"
echo "samples (seconds MB) in $WORK/rss-soak.txt; $(machine)"
