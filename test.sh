#!/usr/bin/env bash
# Runs every test. Starts (and installs, where it can) a throwaway PostgreSQL cluster on loopback for the provider
# tests, runs `dotnet test` on the solution, and ends with one line: "N passed, N failed, N skipped".
# Skipped tests print their reason. In CI (CI=true) tests that need PostgreSQL fail instead of skipping.
set -uo pipefail
cd "$(dirname "$0")"

results=TestResults
rm -rf "$results"

if [ -z "${BILLING_TEST_POSTGRES:-}" ]; then
  if pg_env=$(scripts/start-test-postgres.sh); then
    eval "$pg_env"
    trap 'scripts/stop-test-postgres.sh' EXIT
  else
    echo "PostgreSQL could not be started; its tests will skip (or fail under CI=true)." >&2
  fi
fi

dotnet test BillingConsole.sln --logger "trx" --results-directory "$results" "$@"
status=$?

scripts/summarize-trx.sh "$results"
summary_status=$?
[ $status -eq 0 ] && [ $summary_status -eq 0 ]
