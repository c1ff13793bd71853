#!/usr/bin/env bash
# Cold start, ReadyToRun against plain IL (docs/performance.md, "Cold start"): publishes the console twice for this
# machine's runtime, with and without ReadyToRun, then starts each in Production on a new SQLite database, alternating
# (il, r2r, il, r2r, ...), and prints the seconds to the first /healthz 200, the first /signin page after it, and the
# process's CPU seconds by then.
# Usage: scripts/cold-start.sh   Settings (environment): RUNS (3 starts of each), KEEP=1 (keep the temp folder).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-3}
work=$(mktemp -d)
[[ ${KEEP:-} == 1 ]] || trap 'rm -rf "$work"' EXIT
rid=$(dotnet --info | awk '/^ *RID:/ { print $2; exit }')

echo "[cold-start] publishing for $rid into $work (both builds take a few minutes)" >&2
dotnet publish "$root/src/BillingConsole.Web" -c Release -r "$rid" --no-self-contained -o "$work/r2r" -v q -nologo >&2
dotnet publish "$root/src/BillingConsole.Web" -c Release -r "$rid" --no-self-contained -p:PublishReadyToRun=false -o "$work/il" -v q -nologo >&2

# One start: the settings Production insists on (placeholders; nothing here calls the identity provider or Stripe).
start() {
  local build=$1 data port pid began ready served code cpu
  data=$(mktemp -d -p "$work") port=$((20000 + RANDOM % 20000))
  began=$(date +%s.%N)
  (cd "$work/$build" && ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="http://127.0.0.1:$port" \
    ConnectionStrings__Billing="Data Source=$data/billing.db" Database__ApplyMigrationsAtStartup=true \
    Auth__Oidc__Authority=https://idp.example Auth__Oidc__ClientId=cold-start Auth__Oidc__ClientSecret=cold-start \
    Stripe__SecretKey=sk_test_cold_start Stripe__WebhookSecret=whsec_cold_start \
    exec dotnet BillingConsole.Web.dll > "$data/log" 2>&1) &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$port/healthz"; do
    kill -0 "$pid" 2>/dev/null || { tail -5 "$data/log" >&2; exit 1; }
    sleep 0.05
  done
  ready=$(date +%s.%N)
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/signin")
  served=$(date +%s.%N)
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$pid/stat")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  printf '%-4s healthz %5.2f s   first /signin (%s) %5.2f s later   CPU %5.2f s\n' "$build" \
    "$(echo "$ready - $began" | bc)" "$code" "$(echo "$served - $ready" | bc)" "$cpu"
}

for _ in $(seq "$runs"); do
  start il
  start r2r
done
