using Npgsql;

namespace BillingConsole.TestSupport;

/// <summary>Drops a throwaway PostgreSQL database at the end of a run without letting clean-up fail the run. One source for
/// the test databases, the crash test's processes and the benchmark program: each compiles its own internal copy (the
/// benchmark does not reference the test support, and the web tests reference both).</summary>
internal static class PostgresScratchDatabase
{
    /// <summary>Drops <paramref name="database"/> with FORCE, retrying once. FORCE can be refused (42501) when an
    /// autovacuum worker is in the database and the role lacks pg_signal_backend, or time out on a loaded machine; the
    /// results already measured stand, so a drop that still fails is reported on stderr, not thrown.</summary>
    public static async Task DropAsync(string adminConnection, string database, string kind = "scratch")
    {
        NpgsqlConnection.ClearAllPools();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = new NpgsqlConnection(adminConnection);
                await connection.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", connection) { CommandTimeout = 120 };
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                if (attempt == 2)
                {
                    Console.Error.WriteLine($"Could not drop the {kind} database {database}: {e.Message}");
                    return;
                }
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
        }
    }
}
