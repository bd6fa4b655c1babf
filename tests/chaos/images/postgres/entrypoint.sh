#!/bin/sh
# First start: initdb with POSTGRES_USER/POSTGRES_PASSWORD and create POSTGRES_DB; then postgres.
set -eu
if [ "${1:-}" = "postgres" ]; then
  shift
  mkdir -p "$PGDATA" /run/postgresql
  chown -R postgres:postgres "$PGDATA" /run/postgresql
  chmod 700 "$PGDATA"
  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    printf '%s' "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}" > /tmp/pwfile
    chown postgres /tmp/pwfile
    runuser -u postgres -- initdb -D "$PGDATA" -U "${POSTGRES_USER:-postgres}" \
      --pwfile=/tmp/pwfile -A scram-sha-256 >/dev/null
    rm -f /tmp/pwfile
    echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
    runuser -u postgres -- postgres -D "$PGDATA" -c listen_addresses='' &
    pid=$!
    until runuser -u postgres -- pg_isready -q -h /run/postgresql; do sleep 0.2; done
    PGPASSWORD="$POSTGRES_PASSWORD" runuser -u postgres -- psql -q -h /run/postgresql \
      -U "${POSTGRES_USER:-postgres}" -d postgres \
      -c "CREATE DATABASE \"${POSTGRES_DB:-${POSTGRES_USER:-postgres}}\""
    kill "$pid"; wait "$pid" || true
  fi
  exec runuser -u postgres -- postgres -D "$PGDATA" -c listen_addresses='*' "$@"
fi
exec "$@"
