#!/usr/bin/env bash
# Installs PostgreSQL when absent and starts a private cluster on 127.0.0.1 for the tests.
# Idempotent: a running cluster is left alone. Settings: HIRELAB_PG_PORT, HIRELAB_PG_DATA.
set -euo pipefail
port=${HIRELAB_PG_PORT:-54329}
data=${HIRELAB_PG_DATA:-/var/tmp/hirelab-postgres}
database=hirelab_test

if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  echo "Installing PostgreSQL from the distribution..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if as_postgres "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
  echo "PostgreSQL already running on 127.0.0.1:$port"
else
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres: "$data"
    as_postgres "$bin/initdb" -D "$data" -U postgres -A trust --no-sync >/dev/null
  fi
  as_postgres "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k /tmp -c fsync=off -c max_connections=200" start >/dev/null
  echo "PostgreSQL started on 127.0.0.1:$port"
fi
if ! as_postgres psql -h 127.0.0.1 -p "$port" -U postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname='$database'" | grep -q 1; then
  as_postgres createdb -h 127.0.0.1 -p "$port" -U postgres "$database"
fi
