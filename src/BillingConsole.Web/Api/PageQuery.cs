using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BillingConsole.Web.Api;

/// <summary>The keyset paging parameters of a list endpoint, bound with <c>[AsParameters]</c>: read as text so every bad
/// value gets the binder's problem+json instead of the framework's bare 400.</summary>
public sealed record PageQuery(
    [property: FromQuery(Name = "limit"), Description("Rows per page, a whole number from 1 to 1000 (default 50). On an export: the most rows to write.")]
    string? Limit,
    [property: FromQuery(Name = "before"), Description("The id of the last row already received: the page starts just before it.")]
    string? Before)
{
    /// <summary>Binds both values with <see cref="ApiBinder"/>'s rules.</summary>
    public ProblemHttpResult? Bind(int defaultSize, int max, out Paging paging)
    {
        paging = new Paging(defaultSize, null, false);
        if (ApiBinder.Limit(Limit, defaultSize, max, out var size) is { } badLimit)
            return badLimit;
        if (ApiBinder.OptionalId("before", Before, out var before) is { } badBefore)
            return badBefore;
        paging = new Paging(size, before, Limit is not null);
        return null;
    }
}
