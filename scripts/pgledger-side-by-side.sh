#!/usr/bin/env bash
# pgledger comparison mode (docs/performance.md): loads pgledger (https://github.com/pgr0ss/pgledger, fetched into a
# temp folder at run time, never committed here) into the throwaway cluster of start-test-postgres.sh, and runs its
# transfer with pgbench next to our `ledger` scenario, alternating (pgledger, ledger, pgledger, ledger) at each account
# count, with the same client count and duration.
# Usage: eval "$(BILLING_PG_DURABLE=1 scripts/start-test-postgres.sh)"; scripts/pgledger-side-by-side.sh
# Settings (environment): PGLEDGER_REPO (a git URL or a local clone), PGLEDGER_REF (a commit or tag; default the default
# branch), CLIENTS (20), SECONDS_PER_RUN (30), ACCOUNTS ("50 10"), SKIP_LEDGER=1 (pgledger only).
set -euo pipefail

log() { echo "[side-by-side] $*" >&2; }

: "${BILLING_TEST_POSTGRES:?start a cluster first: eval \"\$(BILLING_PG_DURABLE=1 scripts/start-test-postgres.sh)\"}"
repo=${PGLEDGER_REPO:-https://github.com/pgr0ss/pgledger.git}
clients=${CLIENTS:-20}
seconds=${SECONDS_PER_RUN:-30}
accounts_list=${ACCOUNTS:-50 10}
root=$(cd "$(dirname "$0")/.." && pwd)

# The Npgsql connection string as libpq environment variables, for psql and pgbench.
field() { tr ';' '\n' <<<"$BILLING_TEST_POSTGRES" | sed -n "s/^$1=//p"; }
export PGHOST=$(field Host) PGPORT=$(field Port) PGUSER=$(field Username) PGPASSWORD=$(field Password) PGOPTIONS="-c client_min_messages=warning"
command -v pgbench >/dev/null || { log "pgbench not found (Debian: apt-get install postgresql-client)"; exit 3; }

work=$(mktemp -d /tmp/pgledger.XXXXXX)
trap 'rm -rf "$work"' EXIT
log "fetching pgledger from $repo"
if ! git clone --quiet "$repo" "$work/pgledger"; then
  log "could not fetch $repo (no network?): see docs/performance.md for the manual steps"
  exit 4
fi
[ -z "${PGLEDGER_REF:-}" ] || git -C "$work/pgledger" checkout --quiet "$PGLEDGER_REF"
log "pgledger at $(git -C "$work/pgledger" rev-parse --short HEAD)"

db=pgledger_bench
psql -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
# pgledger.sql calls its vendored ULID functions: load them first, in one transaction, as pgledger's own set-up does.
(cd "$work/pgledger" && psql -q -v ON_ERROR_STOP=1 --single-transaction -d "$db" \
  -f vendor/scoville-pgsql-ulid/ulid-to-uuid.sql -f vendor/scoville-pgsql-ulid/uuid-to-ulid.sql -f pgledger.sql >/dev/null)

# One transfer between two distinct accounts picked at random, as pgledger's own performance check does.
cat > "$work/transfer.sql" <<'SQL'
\set a random(1, :accounts)
\set b random(1, :accounts - 1)
SELECT 1 FROM pgledger_create_transfer(
  (SELECT id FROM bench_accounts WHERE n = :a),
  (SELECT id FROM bench_accounts WHERE n = CASE WHEN :b >= :a THEN :b + 1 ELSE :b END),
  1.00);
SQL

pgledger_run() {
  local n=$1
  psql -q -v ON_ERROR_STOP=1 -d "$db" >/dev/null <<SQL
DROP TABLE IF EXISTS bench_accounts;
CREATE TABLE bench_accounts AS
  SELECT n, (SELECT id FROM pgledger_create_account('bench-' || n || '-' || clock_timestamp(), 'USD')) AS id FROM generate_series(1, $n) n;
ALTER TABLE bench_accounts ADD PRIMARY KEY (n);
SQL
  local tps
  tps=$(pgbench -n -c "$clients" -j 2 -T "$seconds" -D accounts="$n" -f "$work/transfer.sql" "$db" 2>&1 | tee "$work/pgbench.out" \
        | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -n 1)
  [ -n "$tps" ] || { cat "$work/pgbench.out" >&2; exit 5; }
  local p=$(sed -n 's/^latency average = \(.*\)$/\1/p' "$work/pgbench.out")
  echo "pgledger  accounts=$n clients=$clients transfers/s=$tps latency avg $p"
}

ledger_run() {
  local n=$1
  [ "${SKIP_LEDGER:-}" = 1 ] && return 0
  BILLING_BENCH_POSTGRES="$BILLING_TEST_POSTGRES" dotnet run -c Release --no-build --project "$root/tests/BillingConsole.Benchmarks" -- \
    ledger --provider postgres --workers "$clients" --accounts "$n" --seconds "$seconds" | sed "s/^/ledger    accounts=$n | /"
}

[ "${SKIP_LEDGER:-}" = 1 ] || dotnet build -c Release "$root/tests/BillingConsole.Benchmarks" >/dev/null
for n in $accounts_list; do
  pgledger_run "$n"; ledger_run "$n"; pgledger_run "$n"; ledger_run "$n"
done
psql -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
