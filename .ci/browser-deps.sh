#!/usr/bin/env bash
# Installs what the browser tests (tests/DigitApi.BrowserTests) need: Debian's Chromium, which
# Playwright drives through its executable path (Playwright's own browser download is not used),
# and fonts for the page's text. Idempotent: when everything is installed it changes nothing and
# does not touch the network; `apt-get update` runs only when a package cannot be found otherwise.
set -euo pipefail

packages=(chromium fonts-dejavu-core fonts-liberation)

installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

missing=()
for package in "${packages[@]}"; do
  installed "$package" || missing+=("$package")
done

if [ "${#missing[@]}" -eq 0 ] && [ -x /usr/bin/chromium ]; then
  echo "browser-deps: ${packages[*]} already installed"
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  sudo=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
install() {
  "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
}

echo "browser-deps: installing ${missing[*]}"
# Try the package lists already on the machine first; refresh them only if that fails.
if ! install; then
  "${sudo[@]}" apt-get update
  install
fi

/usr/bin/chromium --version
