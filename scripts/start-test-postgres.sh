#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on loopback for the tests and prints the admin connection string to stdout.
# Usage: eval "$(scripts/start-test-postgres.sh)"  -> exports BILLING_TEST_POSTGRES and BILLING_TEST_POSTGRES_DIR.
# BILLING_PG_DURABLE=1 keeps PostgreSQL's default durability (fsync, synchronous_commit, full_page_writes on) for the
# benchmarks (docs/performance.md). Stop with scripts/stop-test-postgres.sh. Installs Debian's postgresql package when
# the server binaries are missing (needs root). Never touches a system cluster: its own data folder, port and socket directory.
set -euo pipefail

log() { echo "[postgres] $*" >&2; }

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

bin=$(find_bin)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    log "PostgreSQL server binaries not found and not root: cannot install them."
    exit 3
  fi
  log "installing postgresql from Debian packages..."
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 postgresql >&2
  bin=$(find_bin)
fi

dir=$(mktemp -d /tmp/billing-pg.XXXXXX)
run_as=()
if [ "$(id -u)" -eq 0 ]; then
  # The server refuses to run as root.
  chown postgres:postgres "$dir"
  run_as=(runuser -u postgres --)
fi

port=$(( 20000 + RANDOM % 20000 ))
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$(( port + 1 )); done
password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')

cd /
"${run_as[@]}" "$bin/initdb" -D "$dir/data" -U postgres -E UTF8 --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256 >/dev/null
mkdir -p "$dir/sock" && [ ${#run_as[@]} -eq 0 ] || chown postgres:postgres "$dir/sock"
cat >> "$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/sock'
max_connections = 400
CONF
if [ "${BILLING_PG_DURABLE:-}" != 1 ]; then
  cat >> "$dir/data/postgresql.conf" <<CONF
# Test data is disposable: skip the flushes that only protect against power loss (never for benchmarks).
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
fi
# 9>&- : never let the server inherit a caller's lock descriptor.
"${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >/dev/null 9>&-
# pg_signal_backend: DROP DATABASE ... WITH (FORCE) must be able to end an autovacuum worker inside the database.
"${run_as[@]}" "$bin/psql" -h "$dir/sock" -p "$port" -U postgres -q -v ON_ERROR_STOP=1 \
  -c "CREATE ROLE billing_test LOGIN CREATEDB PASSWORD '$password'" \
  -c "GRANT pg_signal_backend TO billing_test" >/dev/null
log "cluster up on 127.0.0.1:$port ($dir)"
echo "export BILLING_TEST_POSTGRES='Host=127.0.0.1;Port=$port;Username=billing_test;Password=$password;Database=postgres'"
echo "export BILLING_TEST_POSTGRES_DIR='$dir'"
