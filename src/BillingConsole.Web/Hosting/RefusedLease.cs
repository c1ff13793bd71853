using System.Threading.RateLimiting;

namespace BillingConsole.Web.Hosting;

/// <summary>A refused lease that reports <paramref name="retryAfter"/> instead of the inner lease's Retry-After.</summary>
public sealed class RefusedLease(RateLimitLease inner, TimeSpan retryAfter) : RateLimitLease
{
    public override bool IsAcquired => false;

    public override IEnumerable<string> MetadataNames => inner.MetadataNames.Append(MetadataName.RetryAfter.Name).Distinct();

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        if (metadataName == MetadataName.RetryAfter.Name)
        {
            metadata = retryAfter;
            return true;
        }
        return inner.TryGetMetadata(metadataName, out metadata);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            inner.Dispose();
        base.Dispose(disposing);
    }
}
