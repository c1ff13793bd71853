using System.Collections.Concurrent;

namespace BillingConsole.Accounting.Ledger;

/// <summary>
/// Group commit, one queue per database within this process. A write that finds no commit in flight runs alone at once
/// (the single path, no added latency on an idle system); one that arrives while a commit is in flight waits here, and
/// when that commit returns, everything waiting (up to the batch size) runs as one group in one transaction. At most
/// <c>maxInFlight</c> commits per database are in flight at a time (one on SQLite, which has one writer anyway; a few on
/// a server, whose backends work in parallel), so a group forms from exactly the writes that would otherwise have
/// queued for a commit of their own.
/// </summary>
internal sealed class LedgerCommitQueue<TWrite> where TWrite : IQueuedWrite
{
    private static readonly ConcurrentDictionary<string, LedgerCommitQueue<TWrite>> Queues = new();

    private readonly Lock _lock = new();
    private readonly Queue<TWrite> _waiting = new();
    private int _inFlight;

    public static LedgerCommitQueue<TWrite> For(string database) => Queues.GetOrAdd(database, _ => new());

    /// <summary>True when no commit was in flight: the caller runs its write alone now and calls <see cref="HandOff"/>
    /// when it is done. False: the write waits for a group, run by whoever hands off next.</summary>
    public bool TryLead(TWrite write, int maxInFlight)
    {
        lock (_lock)
        {
            if (_inFlight < maxInFlight)
            {
                _inFlight++;
                return true;
            }
            _waiting.Enqueue(write);
            return false;
        }
    }

    /// <summary>The commit in flight returned: start the next group, or mark the database idle when nothing waits.</summary>
    public void HandOff(GroupCommitOptions options, Func<IReadOnlyList<TWrite>, Task> runGroup)
    {
        lock (_lock)
        {
            if (_waiting.Count == 0)
            {
                _inFlight--;
                return;
            }
        }
        // Off the finishing caller's path: its answer is not held back by the next group.
        _ = Task.Run(() => RunNextGroupAsync(options, runGroup));
    }

    private async Task RunNextGroupAsync(GroupCommitOptions options, Func<IReadOnlyList<TWrite>, Task> runGroup)
    {
        if (options.MaxWaitMs > 0 && Waiting < options.MaxBatch)
            await Task.Delay(options.MaxWaitMs);
        var group = new List<TWrite>();
        var size = 0;
        lock (_lock)
        {
            // The first write always goes; the others while the group stays within MaxBatch (in arrival order).
            while (_waiting.TryPeek(out var next) && (group.Count == 0 || size + next.Size <= options.MaxBatch))
            {
                group.Add(_waiting.Dequeue());
                size += next.Size;
            }
        }
        try
        {
            await runGroup(group);
        }
        catch (Exception e)
        {
            foreach (var write in group)
                write.Fail(e);
        }
        finally
        {
            HandOff(options, runGroup);
        }
    }

    private int Waiting
    {
        get
        {
            lock (_lock)
                return _waiting.Count;
        }
    }
}
