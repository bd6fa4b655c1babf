#!/usr/bin/env bash
# Start a Docker engine for the grading sandbox. Idempotent: does nothing when `docker info` works.
# On a machine with only the client (or nothing), installs Debian's docker.io (and debootstrap, used
# to build the grading image's base offline), starts dockerd in the background, and waits for it.
set -euo pipefail

LOG=${DOCKERD_LOG:-/var/log/hirelab-dockerd.log}
WAIT_S=${DOCKERD_WAIT_S:-60}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if docker info >/dev/null 2>&1; then
    echo "docker engine: running ($(docker version --format '{{.Server.Version}}'))"
    exit 0
fi

if ! pgrep -x dockerd >/dev/null 2>&1; then
    echo "starting dockerd (log: $LOG)"
    as_root mkdir -p "$(dirname "$LOG")"
    # setsid + nohup: the engine outlives this script and the shell that ran it.
    as_root sh -c "setsid nohup dockerd >'$LOG' 2>&1 </dev/null &"
fi

for _ in $(seq "$WAIT_S"); do
    if docker info >/dev/null 2>&1; then
        echo "docker engine: ready ($(docker version --format '{{.Server.Version}}'))"
        exit 0
    fi
    sleep 1
done
echo "dockerd did not become ready within ${WAIT_S}s; see $LOG" >&2
tail -n 20 "$LOG" >&2 || true
exit 1
