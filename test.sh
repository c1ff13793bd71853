#!/usr/bin/env bash
# Runs every test. Starts (and installs, where it can) a throwaway PostgreSQL cluster on loopback for the provider
# tests and Debian's Chromium for the browser tests, runs `dotnet test` on the solution, and ends with one line:
# "N passed, N failed, N skipped". Skipped tests print their reason. In CI (CI=true) tests that need PostgreSQL or
# Chromium fail instead of skipping. Screenshots from the browser tests land in TestResults/screenshots.
# `./test.sh --fast` runs only the quick tests: it leaves out every test marked [Trait("Speed", "Slow")] (browser,
# reliability, bulk loader, benchmark smoke, the PostgreSQL and SQL Server provider suites) by passing
# --filter "Speed!=Slow" to dotnet test.
set -uo pipefail
cd "$(dirname "$0")"

results=TestResults
rm -rf "$results"

# --fast is ours; every other argument goes to dotnet test. Two --filter options do not combine, so with --fast a
# filter of the caller's own is joined to ours.
fast=false
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --fast) fast=true ;;
    --filter) args+=("$1" "${2:-}"); shift ;;
    --filter=*) args+=(--filter "${1#--filter=}") ;;
    *) args+=("$1") ;;
  esac
  shift
done
if $fast; then
  joined=false
  for i in "${!args[@]}"; do
    if [ "${args[$i]}" = "--filter" ]; then
      args[$((i + 1))]="(${args[$((i + 1))]})&Speed!=Slow"
      joined=true
    fi
  done
  $joined || args+=(--filter "Speed!=Slow")
fi

if [ -z "${BILLING_TEST_POSTGRES:-}" ]; then
  if pg_env=$(scripts/start-test-postgres.sh); then
    eval "$pg_env"
    trap 'scripts/stop-test-postgres.sh' EXIT
  else
    echo "PostgreSQL could not be started; its tests will skip (or fail under CI=true)." >&2
  fi
fi

# Browser tests drive Debian's Chromium through Playwright (which downloads nothing); install it when missing (the
# fast subset has no browser tests).
if ! $fast && [ ! -x /usr/bin/chromium ] && [ -z "${BILLING_TEST_CHROMIUM:-}" ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "installing chromium from Debian packages..." >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 chromium >&2 \
      || echo "chromium could not be installed; browser tests will skip (or fail under CI=true)." >&2
  else
    echo "chromium is missing and cannot be installed here; browser tests will skip (or fail under CI=true)." >&2
  fi
fi

# A hung test is dumped and killed after 10 minutes rather than holding CI until its time limit.
dotnet test BillingConsole.sln --logger "trx" --results-directory "$results" --blame-hang-timeout 10m ${args[@]+"${args[@]}"}
status=$?

scripts/summarize-trx.sh "$results"
summary_status=$?
[ $status -eq 0 ] && [ $summary_status -eq 0 ]
