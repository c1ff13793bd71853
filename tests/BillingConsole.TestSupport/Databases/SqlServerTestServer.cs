using DotNet.Testcontainers.Configurations;
using Microsoft.Data.SqlClient;
using Testcontainers.MsSql;

namespace BillingConsole.TestSupport;

/// <summary>
/// The SQL Server 2022 the SQL Server suites share: one Testcontainers.MsSql container per test process, in which each
/// fixture creates a database of its own (a container takes ~2 GB and many seconds to start, so not one per class).
/// Testcontainers' reaper removes the container when the process ends. Without a Docker engine the suites skip with
/// <see cref="MissingEngineReason"/>, in CI too (CI has no engine); ./test.sh --sqlserver sets
/// <see cref="RequireVariable"/>, under which they fail instead, so a run meant for SQL Server cannot pass by skipping.
/// </summary>
public static class SqlServerTestServer
{
    public const string Image = "mcr.microsoft.com/mssql/server:2022-latest";
    public const string RequireVariable = "BILLING_TEST_REQUIRE_SQLSERVER";
    public const string MissingEngineReason = "SQL Server tests need a Docker engine for Testcontainers.MsSql, and none is running here.";

    private static readonly Lazy<Task<MsSqlContainer>> Container = new(StartAsync);

    /// <summary>True when the run asked for SQL Server (<see cref="RequireVariable"/>=true).</summary>
    public static bool Required => string.Equals(Environment.GetEnvironmentVariable(RequireVariable), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why no server can be had here (null: it can); throws instead when <paramref name="required"/>.</summary>
    public static string? UnavailableReason(bool required)
    {
        if (TestcontainersSettings.OS.DockerEndpointAuthConfig is not null)
            return null;
        if (required)
            throw new InvalidOperationException($"{RequireVariable}=true (./test.sh --sqlserver) asks for the SQL Server tests, but: {MissingEngineReason}");
        return MissingEngineReason;
    }

    /// <summary>Creates an empty database named <paramref name="name"/> and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string name)
    {
        var master = await MasterConnectionAsync();
        await using (var connection = new SqlConnection(master))
        {
            await connection.OpenAsync();
            await using var create = new SqlCommand($"CREATE DATABASE [{name}]", connection) { CommandTimeout = 120 };
            await create.ExecuteNonQueryAsync();
        }
        return new SqlConnectionStringBuilder(master) { InitialCatalog = name }.ToString();
    }

    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new SqlConnectionStringBuilder(connectionString).InitialCatalog;
        using (var pooled = new SqlConnection(connectionString))
            SqlConnection.ClearPool(pooled);
        // The container goes with the process, so a drop that fails is reported, never allowed to fail passed tests.
        try
        {
            await using var connection = new SqlConnection(await MasterConnectionAsync());
            await connection.OpenAsync();
            // ROLLBACK IMMEDIATE: connections left open (a killed console process's) would otherwise block the drop.
            await using var drop = new SqlCommand(
                $"IF DB_ID(N'{name}') IS NOT NULL BEGIN ALTER DATABASE [{name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{name}]; END",
                connection) { CommandTimeout = 120 };
            await drop.ExecuteNonQueryAsync();
        }
        catch (SqlException e)
        {
            Console.Error.WriteLine($"Could not drop the test database {name}: {e.Message}");
        }
    }

    private static async Task<string> MasterConnectionAsync() => (await Container.Value).GetConnectionString();

    private static async Task<MsSqlContainer> StartAsync()
    {
        var container = new MsSqlBuilder(Image).Build();
        await container.StartAsync();
        return container;
    }
}
