namespace BillingConsole.Web.Api;

/// <summary>Bound paging values (<see cref="PageQuery"/>).</summary>
/// <param name="Size">The page size (the default when no limit was given).</param>
/// <param name="Before">The keyset cursor: only rows with a smaller id.</param>
/// <param name="LimitGiven">Whether the client named a limit, which caps an export.</param>
public sealed record Paging(int Size, long? Before, bool LimitGiven)
{
    /// <summary>The most rows an export writes: the limit when one was given, else all.</summary>
    public int? ExportCap => LimitGiven ? Size : null;
}
