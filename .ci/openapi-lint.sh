#!/usr/bin/env bash
# Lints the OpenAPI document a running service serves with Redocly CLI's recommended rules.
#   - installs the npm package @redocly/cli, pinned, into the tools prefix that .ci/deploy-checks.sh uses
#     ($DIGITAPI_TOOLS, or ~/.local/share/digitapi-tools), once;
#   - builds and starts the service on a free loopback port, fetches /swagger/v1/swagger.json from it, and
#     runs `redocly lint` on it. Exits with redocly's status: non-zero when the document has an error.
# Needs Node.js and npm (.ci/deploy-checks.sh installs them), curl and python3 (to pick a free port).
set -euo pipefail

REDOCLY_CLI_VERSION=2.77.0

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
prefix=${DIGITAPI_TOOLS:-${HOME:?}/.local/share/digitapi-tools}
say() { printf 'openapi-lint: %s\n' "$*"; }

installed=$(node -p "require('$prefix/lib/node_modules/@redocly/cli/package.json').version" 2>/dev/null || true)
if [ "$installed" != "$REDOCLY_CLI_VERSION" ]; then
  say "installing npm package @redocly/cli@$REDOCLY_CLI_VERSION"
  npm install --global --prefix "$prefix" --no-audit --no-fund "@redocly/cli@$REDOCLY_CLI_VERSION" >/dev/null
fi

cd "$repo"
dotnet build src/DigitApi -v quiet -nologo >/dev/null
work=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dotnet run --no-build --project src/DigitApi --urls "http://127.0.0.1:$port" >"$work/service.log" 2>&1 &
service=$!
trap 'kill "$service" 2>/dev/null; wait "$service" 2>/dev/null; rm -rf "$work"' EXIT

for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/health/live" >/dev/null && break
  kill -0 "$service" 2>/dev/null || { say "the service exited:"; cat "$work/service.log"; exit 1; }
  sleep 0.5
done
curl -sf "http://127.0.0.1:$port/swagger/v1/swagger.json" -o "$work/swagger.json"
say "linting /swagger/v1/swagger.json of the running service"
NO_UPDATE_NOTIFIER=1 REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
  "$prefix/bin/redocly" lint --format=stylish "$work/swagger.json"
