namespace BillingConsole.Web.Api;

/// <summary>Reads one page of rows older than <c>before</c> (all when null), newest first.</summary>
public delegate Task<IReadOnlyList<T>> PageReader<T>(int size, long? before, CancellationToken ct);
