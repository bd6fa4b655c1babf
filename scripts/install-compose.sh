#!/usr/bin/env bash
# Installs Debian's docker-compose (1.29, the Python one) for the compose deployment test.
# Idempotent: does nothing when `docker-compose version` works.
set -euo pipefail
if docker-compose version >/dev/null 2>&1; then
  echo "docker-compose: $(docker-compose version --short)"
  exit 0
fi
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}
echo "installing docker-compose from the distribution"
as_root apt-get update -qq
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null
echo "docker-compose: $(docker-compose version --short)"
