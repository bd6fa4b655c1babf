#!/usr/bin/env bash
# Installs Redis when absent and starts it on 127.0.0.1 for the distributed-queue tests.
# Idempotent: a running server is left alone. Setting: HIRELAB_REDIS_PORT.
set -euo pipefail
port=${HIRELAB_REDIS_PORT:-63790}

if ! command -v redis-server >/dev/null; then
  echo "Installing Redis from the distribution..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi
if redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG; then
  echo "Redis already running on 127.0.0.1:$port"
  exit 0
fi
redis-server --bind 127.0.0.1 --port "$port" --daemonize yes --save "" --appendonly no \
  --logfile /var/tmp/hirelab-redis.log --dir /var/tmp
for _ in $(seq 50); do
  redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG && { echo "Redis started on 127.0.0.1:$port"; exit 0; }
  sleep 0.1
done
echo "Redis did not start; see /var/tmp/hirelab-redis.log" >&2
exit 1
