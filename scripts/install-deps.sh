#!/usr/bin/env bash
# Install the Debian 12 packages proxima needs to build and test, if missing.
# Idempotent: does nothing when everything is there. Run as root (CI) or with
# sudo available.
set -euo pipefail

packages=(
  gcc make pkg-config meson ninja-build python3
  clang libclang-rt-14-dev          # fuzzers (libFuzzer) and sanitizers with clang
  libsqlite3-dev sqlite3            # embedded store; the CLI is used by tamper tests
  libsodium-dev                     # BLAKE2b journal chain, argon2id passwords
  libjansson-dev                    # JSON
  libcmocka-dev                     # unit tests
  libmicrohttpd-dev                 # HTTP server (proxima serve)
  curl                              # e2e test of the HTTP API
  nginx-light openssl               # e2e smoke test of deploy/nginx/proxima.conf
  libxlsxwriter-dev                 # XLSX export of the activity report
  chromium                          # browser tests (tests/browser: playwright-core, axe-core)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# node and npm: any install will do (the machine may ship Node.js from
# another source than Debian, whose nodejs package then holds npm)
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installation des paquets manquants : ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1; then
  sudo="sudo"
else
  echo "erreur : paquets manquants et ni root ni sudo : ${missing[*]}" >&2
  echo "  conseil : apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
