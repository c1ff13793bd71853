using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace BillingConsole.Accounting.Tests.SqlServer;

/// <summary>db/sqlserver-migrations.sql: the idempotent script a DBA reviews and applies to SQL Server.</summary>
public static class MigrationScript
{
    public const string RegenerateCommand = "dotnet tool restore && dotnet ef migrations script --idempotent " +
        "--project db/BillingConsole.Db.SqlServer --startup-project db/BillingConsole.Db.SqlServer -o db/sqlserver-migrations.sql";

    public static string ReadCommitted()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "BillingConsole.sln")))
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Repository root not found.");
        return File.ReadAllText(Path.Combine(root, "db", "sqlserver-migrations.sql"));
    }

    /// <summary>What <see cref="RegenerateCommand"/> writes, generated in-process from the SQL Server migrations.</summary>
    public static string Generate()
    {
        using var db = SqlServerContexts.Offline();
        return db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);
    }
}
