#!/usr/bin/env bash
# Installs Debian's wrk (HTTP load generator) for bench/load. Idempotent; benchmarks only.
set -euo pipefail
if ! command -v wrk >/dev/null; then
  echo "Installing wrk from the distribution..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
command -v wrk
