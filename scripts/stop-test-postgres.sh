#!/usr/bin/env bash
# Stops and deletes the cluster started by start-test-postgres.sh (BILLING_TEST_POSTGRES_DIR).
set -uo pipefail
dir=${BILLING_TEST_POSTGRES_DIR:-}
[ -n "$dir" ] && [ -d "$dir/data" ] || exit 0
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
run_as=()
[ "$(id -u)" -eq 0 ] && run_as=(runuser -u postgres --)
(cd / && "${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1)
rm -rf "$dir"
