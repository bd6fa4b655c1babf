#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (Playwright drives it via executable_path;
# no browser is downloaded). Idempotent.
set -euo pipefail
if ! command -v chromium >/dev/null; then
  echo "Installing Chromium from the distribution..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi
chromium --version
