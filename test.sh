#!/usr/bin/env bash
# Runs every test. Starts (and installs, where it can) a throwaway PostgreSQL cluster on loopback for the provider
# tests and Debian's Chromium for the browser tests, runs `dotnet test` on the solution, and ends with one line:
# "N passed, N failed, N skipped". Skipped tests print their reason. In CI (CI=true) tests that need PostgreSQL or
# Chromium fail instead of skipping. Screenshots from the browser tests land in TestResults/screenshots.
# `./test.sh --fast` runs only the quick tests: it leaves out every test marked [Trait("Speed", "Slow")] (browser,
# reliability, bulk loader, benchmark smoke, the PostgreSQL and SQL Server provider suites) by passing
# --filter "Speed!=Slow" to dotnet test.
# `./test.sh --sqlserver` runs only the SQL Server suites ([Trait("Provider", "SqlServer")]) against SQL Server 2022 in
# a Docker container (Testcontainers). It fails at once when no Docker engine is reachable, and sets
# BILLING_TEST_REQUIRE_SQLSERVER=true so that a fixture that finds no engine fails rather than skips.
# Filters compose: a caller's --filter is joined to these with "&". `--dry-run` prints the dotnet test command and runs
# the checks above without running anything.
set -uo pipefail
cd "$(dirname "$0")"

results=TestResults

# --fast, --sqlserver and --dry-run are ours; every other argument goes to dotnet test. Two --filter options do not
# combine, so every filter (the caller's and ours) is joined into one.
fast=false
sqlserver=false
dry_run=false
filters=()
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --fast) fast=true ;;
    --sqlserver) sqlserver=true ;;
    --dry-run) dry_run=true ;;
    --filter) filters+=("(${2:-})"); shift ;;
    --filter=*) filters+=("(${1#--filter=})") ;;
    *) args+=("$1") ;;
  esac
  shift
done
if $fast && $sqlserver; then
  echo "test.sh: --fast leaves out every SQL Server suite (they are Speed=Slow); use --sqlserver on its own." >&2
  exit 2
fi
$fast && filters+=("Speed!=Slow")
$sqlserver && filters+=("Provider=SqlServer")
if [ ${#filters[@]} -gt 0 ]; then
  filter=$(IFS='&'; printf '%s' "${filters[*]}")
  # A lone caller's filter needs no parentheses.
  [ ${#filters[@]} -eq 1 ] && [ "${filter:0:1}" = "(" ] && filter=${filter:1:${#filter}-2}
  args+=(--filter "$filter")
fi

# A hung test is dumped and killed after 10 minutes rather than holding CI until its time limit.
command=(dotnet test BillingConsole.sln --logger "trx" --results-directory "$results" --blame-hang-timeout 10m ${args[@]+"${args[@]}"})
if $dry_run; then
  printf '%s\n' "${command[@]}" # one argument a line: nothing to unquote
fi

# Where the SQL Server tests would find their engine (Testcontainers reads DOCKER_HOST too): the docker CLI where it is
# installed, else the engine's /_ping over its socket.
docker_reachable() {
  if command -v docker >/dev/null; then
    docker_error=$(timeout 30 docker info 2>&1 >/dev/null) && return 0
    docker_error=$(echo "$docker_error" | grep -v '^$' | head -n 1)
    return 1
  fi
  local host=${DOCKER_HOST:-unix:///var/run/docker.sock}
  docker_error="no docker CLI, and $host did not answer /_ping"
  case "$host" in
    unix://*) curl -fsS --max-time 10 --unix-socket "${host#unix://}" http://localhost/_ping >/dev/null 2>&1 ;;
    tcp://*) curl -fsS --max-time 10 "http://${host#tcp://}/_ping" >/dev/null 2>&1 ;;
    *) return 1 ;;
  esac
}
if $sqlserver; then
  if ! docker_reachable; then
    echo "test.sh --sqlserver: no Docker engine is reachable ($docker_error)." >&2
    echo "The SQL Server suites run SQL Server 2022 in a container through Testcontainers: start a Docker engine this user can reach (or set DOCKER_HOST) and run again." >&2
    exit 1
  fi
  export BILLING_TEST_REQUIRE_SQLSERVER=true
fi
$dry_run && exit 0

rm -rf "$results"

# A server named by the caller must answer: a stale BILLING_TEST_POSTGRES (a cluster stopped since) would otherwise
# fail every PostgreSQL test with "Failed to connect".
if ! $sqlserver && [ -n "${BILLING_TEST_POSTGRES:-}" ]; then
  pg_field() { tr ';' '\n' <<<"$BILLING_TEST_POSTGRES" | sed -n "s/^$1=//Ip" | head -1; }
  pg_host=$(pg_field host); pg_port=$(pg_field port)
  if ! (exec 3<>"/dev/tcp/${pg_host:-127.0.0.1}/${pg_port:-5432}") 2>/dev/null; then
    echo "BILLING_TEST_POSTGRES names ${pg_host:-127.0.0.1}:${pg_port:-5432}, which does not answer: start that server, or unset BILLING_TEST_POSTGRES to let test.sh start its own." >&2
    exit 1
  fi
fi

# The SQL Server suites need neither PostgreSQL nor Chromium.
if ! $sqlserver && [ -z "${BILLING_TEST_POSTGRES:-}" ]; then
  if pg_env=$(scripts/start-test-postgres.sh); then
    eval "$pg_env"
    trap 'scripts/stop-test-postgres.sh' EXIT
  else
    echo "PostgreSQL could not be started; its tests will skip (or fail under CI=true)." >&2
  fi
fi

# Browser tests drive Debian's Chromium through Playwright (which downloads nothing); install it when missing (the
# fast subset has no browser tests).
if ! $fast && ! $sqlserver && [ ! -x /usr/bin/chromium ] && [ -z "${BILLING_TEST_CHROMIUM:-}" ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "installing chromium from Debian packages..." >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 chromium >&2 \
      || echo "chromium could not be installed; browser tests will skip (or fail under CI=true)." >&2
  else
    echo "chromium is missing and cannot be installed here; browser tests will skip (or fail under CI=true)." >&2
  fi
fi

"${command[@]}"
status=$?

scripts/summarize-trx.sh "$results"
summary_status=$?
[ $status -eq 0 ] && [ $summary_status -eq 0 ]
