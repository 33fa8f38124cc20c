#!/bin/sh
# One-shot step run in temporalio/admin-tools (Alpine, POSIX sh): creates Temporal's two
# PostgreSQL databases and brings their schemas up to date. Follows temporalio/samples-server
# compose/scripts/setup-postgres.sh. Safe to run on every `docker compose up`:
#   - `create` ignores "database already exists",
#   - `setup-schema -v 0.0` only writes the version row while the schema is still at 0.0,
#   - `update-schema` applies only the versions that are missing (this is also how a newer
#     temporalio/server image gets its schema upgrades: bump both image tags together).
set -eu

: "${POSTGRES_SEEDS:?POSTGRES_SEEDS (the PostgreSQL host) is required}"
: "${POSTGRES_USER:?POSTGRES_USER is required}"
: "${SQL_PASSWORD:?SQL_PASSWORD (read by temporal-sql-tool) is required}"

DB_PORT=${DB_PORT:-5432}
PLUGIN=${DB:-postgres12}
DBNAME=${DBNAME:-temporal}
VISIBILITY_DBNAME=${VISIBILITY_DBNAME:-temporal_visibility}
SCHEMA_ROOT=${SCHEMA_ROOT:-/etc/temporal/schema/postgresql/v12}
MAX_ATTEMPTS=${SETUP_MAX_ATTEMPTS:-60}
SLEEP_SECONDS=${SETUP_SLEEP_SECONDS:-2}

# admin-tools has nc; `npm run cluster` runs this script where there may be none, after it has
# waited for PostgreSQL itself.
if command -v nc >/dev/null 2>&1; then
  echo "Waiting for PostgreSQL at ${POSTGRES_SEEDS}:${DB_PORT}..."
  attempt=1
  until nc -z -w 5 "$POSTGRES_SEEDS" "$DB_PORT"; do
    if [ "$attempt" -ge "$MAX_ATTEMPTS" ]; then
      echo "PostgreSQL did not open port ${DB_PORT} after ${MAX_ATTEMPTS} attempts" >&2
      exit 1
    fi
    attempt=$((attempt + 1))
    sleep "$SLEEP_SECONDS"
  done
else
  echo "No nc here to wait with: PostgreSQL at ${POSTGRES_SEEDS}:${DB_PORT} must accept connections already"
fi

sql_tool() {
  db=$1
  shift
  temporal-sql-tool --plugin "$PLUGIN" --ep "$POSTGRES_SEEDS" -u "$POSTGRES_USER" -p "$DB_PORT" --db "$db" "$@"
}

setup_database() {
  db=$1
  versioned=$2
  echo "Database ${db}: create, set up, update schema from ${versioned}"
  sql_tool "$db" create
  sql_tool "$db" setup-schema -v 0.0
  sql_tool "$db" update-schema -d "$versioned"
}

setup_database "$DBNAME" "${SCHEMA_ROOT}/temporal/versioned"
setup_database "$VISIBILITY_DBNAME" "${SCHEMA_ROOT}/visibility/versioned"

echo "PostgreSQL schema set-up complete"
