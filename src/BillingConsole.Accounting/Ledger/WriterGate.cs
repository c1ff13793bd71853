using System.Collections.Concurrent;

namespace BillingConsole.Accounting.Ledger;

/// <summary>One writer at a time per database within this process (used for SQLite, which allows only one anyway).
/// Other processes still meet the database's own lock and busy timeout.</summary>
internal static class WriterGate
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new();

    public static async Task<IDisposable> EnterAsync(string database, CancellationToken ct)
    {
        var gate = Gates.GetOrAdd(database, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        return new Turn(gate);
    }

    private sealed class Turn(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                gate.Release();
        }
    }
}
