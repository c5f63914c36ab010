#!/usr/bin/env bash
# Two builds of the service side by side, for judging a change on a shared machine where back-to-back runs of
# one build differ by 10-20 %: both run at once, and short wrk bursts alternate between them, so that whatever
# else loads the machine falls on both alike. Prints CPU time per request (from /proc) and requests/s of each.
#   tests/load/ab.sh REV_A [REV_B]       git revisions; REV_B defaults to the working tree as it is
#   ROUNDS=3 BURST=8s CONNECTIONS=64 tests/load/ab.sh HEAD~3
# Asserts nothing.
set -euo pipefail
source "$(dirname "$0")/common.sh"
need wrk wrk
need curl curl

ROUNDS=${ROUNDS:-3}
BURST=${BURST:-8s}
REV_A=${1:?usage: tests/load/ab.sh REV_A [REV_B]}
REV_B=${2:-}

machine
dotnet build "$ROOT/tests/DigitApi.Benchmarks/DigitApi.Benchmarks.csproj" -c Release --nologo -v quiet >/dev/null
"$BENCH" images "$WORK/images" >/dev/null

# Publishes a revision (or, with none, the working tree) to $WORK/$1.
publish() {
  local name=$1 rev=$2 source=$ROOT
  if [[ -n "$rev" ]]; then
    source="$WORK/src-$name"
    git -C "$ROOT" worktree add --detach -f "$source" "$rev" >/dev/null 2>&1
  fi
  echo "publishing ${rev:-the working tree} as $name ..."
  dotnet publish "$source/src/DigitApi/DigitApi.csproj" -c Release --use-current-runtime -o "$WORK/$name" --nologo -v quiet >/dev/null
  if [[ -n "$rev" ]]; then git -C "$ROOT" worktree remove --force "$source"; fi
}

declare -A PID PORTS
start() {
  local name=$1 port=$2
  (cd "$WORK/$name" && exec env ASPNETCORE_URLS="http://127.0.0.1:$port" ASPNETCORE_ENVIRONMENT=Production \
    dotnet DigitApi.dll >"$WORK/$name.log" 2>&1) &
  PID[$name]=$!
  PORTS[$name]=$port
  until curl -sf -o /dev/null "http://127.0.0.1:$port/health/ready"; do
    kill -0 "${PID[$name]}" 2>/dev/null || { echo "$name exited; its log:" >&2; tail -20 "$WORK/$name.log" >&2; exit 1; }
    sleep 0.05
  done
}
ticks() { awk '{print $14 + $15}' "/proc/${PID[$1]}/stat"; }
stop_both() { for name in "${!PID[@]}"; do kill -TERM "${PID[$name]}" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap stop_both EXIT

publish a "$REV_A"
publish b "$REV_B"
start a $((PORT + 10))
start b $((PORT + 11))

for image in "${IMAGES[@]}"; do
  for name in a b; do URL="http://127.0.0.1:${PORTS[$name]}" wrk_predict 4s "$WORK/images/$image" >/dev/null; done
done

echo "| upload | A: CPU per request | B: CPU per request | B / A | A: requests/s per burst | B: requests/s per burst |"
echo "|---|---:|---:|---:|---|---|"
for image in "${IMAGES[@]}"; do
  declare -A cpu=([a]=0 [b]=0) count=([a]=0 [b]=0) rates=([a]="" [b]="")
  for ((round = 0; round < ROUNDS; round++)); do
    for name in a b; do
      before=$(ticks "$name")
      result=$(URL="http://127.0.0.1:${PORTS[$name]}" wrk_predict "$BURST" "$WORK/images/$image")
      cpu[$name]=$((cpu[$name] + $(ticks "$name") - before))
      count[$name]=$((count[$name] + $(field requests "$result")))
      rates[$name]+="$(field rps "$result") "
    done
  done
  us() { awk -v t="${cpu[$1]}" -v n="${count[$1]}" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.0f", t * 1e6 / hz / n}'; }
  printf '| %s | %s µs | %s µs | %s | %s| %s|\n' "$image" "$(us a)" "$(us b)" \
    "$(awk -v a="$(us a)" -v b="$(us b)" 'BEGIN {printf "%.2f", b / a}')" "${rates[a]}" "${rates[b]}"
done
echo "A: $REV_A; B: ${REV_B:-working tree}; $ROUNDS rounds of $BURST per image and build, ${CONNECTIONS:-64} connections; $(machine)"
