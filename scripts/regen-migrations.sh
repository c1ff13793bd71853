#!/usr/bin/env bash
# Regenerates the initial migrations of all three providers and the reviewed SQL Server script.
# Only for use before the first release: afterwards add new migrations instead (see docs/architecture.md).
set -euo pipefail
cd "$(dirname "$0")/.."
for p in Sqlite Postgres SqlServer; do
  rm -rf "db/BillingConsole.Db.$p/Migrations"
  dotnet ef migrations add Initial --project "db/BillingConsole.Db.$p" --startup-project "db/BillingConsole.Db.$p" --output-dir Migrations >/dev/null
done
dotnet ef migrations script --idempotent --project db/BillingConsole.Db.SqlServer --startup-project db/BillingConsole.Db.SqlServer \
  -o db/sqlserver-migrations.sql >/dev/null
echo "migrations regenerated"
