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
    # A socket-only server to create the database, stopped with pg_ctl -w: killing it raced
    # with the final exec (a stale postmaster.pid, a failed start) on a loaded machine.
    runuser -u postgres -- pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w -t 600 start >/dev/null
    PGPASSWORD="$POSTGRES_PASSWORD" runuser -u postgres -- psql -q -h /run/postgresql \
      -U "${POSTGRES_USER:-postgres}" -d postgres \
      -c "CREATE DATABASE \"${POSTGRES_DB:-${POSTGRES_USER:-postgres}}\""
    runuser -u postgres -- pg_ctl -D "$PGDATA" -m fast -w -t 600 stop >/dev/null
  fi
  exec runuser -u postgres -- postgres -D "$PGDATA" -c listen_addresses='*' "$@"
fi
exec "$@"
