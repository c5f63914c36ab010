#!/usr/bin/env bash
# Two builds of the service side by side, for judging a change on a shared machine where back-to-back runs of
# one build differ by 10-20 %: both run at once, and short wrk bursts alternate between them, so that whatever
# else loads the machine falls on both alike. Prints CPU time per request (from /proc) and requests/s of each.
#   tests/load/ab.sh REV_A [REV_B]       git revisions; REV_B defaults to the working tree as it is
#   ROUNDS=3 BURST=8s WARMUP=15s CONNECTIONS=64 tests/load/ab.sh HEAD~3
# Each build first serves WARMUP of each upload unmeasured: for the first ten seconds or so of load the runtime is still
# recompiling the hot code (tiered compilation), which costs the build with more code to compile more.
# Asserts nothing.
set -euo pipefail
source "$(dirname "$0")/common.sh"
need wrk wrk
need curl curl

ROUNDS=${ROUNDS:-3}
BURST=${BURST:-8s}
WARMUP=${WARMUP:-15s}
REV_A=${1:?usage: tests/load/ab.sh REV_A [REV_B]}
REV_B=${2:-}

machine
sample_images

# Publishes a revision (or, with none, the working tree) to $WORK/$1.
publish() {
  local name=$1 rev=$2
  echo "publishing ${rev:-the working tree} as $name ..."
  if [[ -z "$rev" ]]; then
    publish_service "$ROOT" "$WORK/$name"
    return
  fi
  git -C "$ROOT" worktree add --detach -f "$WORK/src-$name" "$rev" >/dev/null 2>&1
  publish_service "$WORK/src-$name" "$WORK/$name"
  git -C "$ROOT" worktree remove --force "$WORK/src-$name"
}

declare -A PID=([a]="" [b]="") URLS=([a]="http://127.0.0.1:$((PORT + 10))" [b]="http://127.0.0.1:$((PORT + 11))")
stop_both() { for name in a b; do SERVICE_PID=${PID[$name]} stop_service; done; }
trap stop_both EXIT

publish a "$REV_A"
publish b "$REV_B"
for name in a b; do
  APP="$WORK/$name" SERVICE_LOG="$WORK/$name.log" URL=${URLS[$name]} start_service
  PID[$name]=$SERVICE_PID
  SERVICE_PID=""
done

for image in "${IMAGES[@]}"; do
  for name in a b; do URL=${URLS[$name]} wrk_predict "$WARMUP" "$WORK/images/$image" >/dev/null; done
done

echo "| upload | A: CPU per request | B: CPU per request | B / A | A: requests/s per burst | B: requests/s per burst |"
echo "|---|---:|---:|---:|---|---|"
for image in "${IMAGES[@]}"; do
  declare -A ticks=([a]=0 [b]=0) count=([a]=0 [b]=0) rates=([a]="" [b]="")
  for ((round = 0; round < ROUNDS; round++)); do
    for name in a b; do
      before=$(cpu_ticks "${PID[$name]}")
      result=$(URL=${URLS[$name]} wrk_predict "$BURST" "$WORK/images/$image")
      ticks[$name]=$((ticks[$name] + $(cpu_ticks "${PID[$name]}") - before))
      count[$name]=$((count[$name] + $(field requests "$result")))
      rates[$name]+="$(field rps "$result") "
    done
  done
  a=$(us_per_request "${ticks[a]}" "${count[a]}")
  b=$(us_per_request "${ticks[b]}" "${count[b]}")
  printf '| %s | %s µs | %s µs | %s | %s| %s|\n' "$image" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2f", b / a}')" \
    "${rates[a]}" "${rates[b]}"
done
echo "A: $REV_A; B: ${REV_B:-working tree}; $ROUNDS rounds of $BURST per image and build, ${CONNECTIONS:-64} connections; $(machine)"
