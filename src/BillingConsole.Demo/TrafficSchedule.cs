namespace BillingConsole.Demo;

/// <summary>
/// The order every loader applies generated traffic in: each event at its own time, and each call's end (its settle
/// or release) at <see cref="CallEvent.EndAt"/>, before any event that comes later. Calls overlap, as a busy gateway's
/// do, so a call's end can come after other events; the ledger still sees its entries in time order.
/// </summary>
public static class TrafficSchedule
{
    /// <summary>One thing to apply: <see cref="Event"/> itself, or (when <see cref="IsCallEnd"/>) the end of its call.</summary>
    public readonly record struct Step(TrafficEvent Event, bool IsCallEnd)
    {
        public DateTime At => IsCallEnd ? ((CallEvent)Event).EndAt : Event.At;
    }

    public static IEnumerable<Step> Steps(IEnumerable<TrafficEvent> events)
    {
        var ends = new PriorityQueue<CallEvent, (DateTime EndAt, long Order)>();
        var order = 0L;
        foreach (var e in events)
        {
            // Ties go to the call's end: a call that ends at the instant another event happens has already ended.
            while (ends.TryPeek(out _, out var due) && due.EndAt <= e.At)
                yield return new Step(ends.Dequeue(), true);
            yield return new Step(e, false);
            if (e is CallEvent { End: not (CallEnd.Leaked or CallEnd.InFlight) } call)
                ends.Enqueue(call, (call.EndAt, order++));
        }
        while (ends.TryDequeue(out var call, out _))
            yield return new Step(call, true);
    }
}
