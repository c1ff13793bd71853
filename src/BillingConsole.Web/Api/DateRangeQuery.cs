using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BillingConsole.Web.Api;

/// <summary>An inclusive range of UTC dates, bound with <c>[AsParameters]</c> and checked by <see cref="ApiBinder"/>.</summary>
public sealed record DateRangeQuery(
    [property: FromQuery(Name = "from"), Description("First UTC date included, YYYY-MM-DD.")] string? From,
    [property: FromQuery(Name = "to"), Description("Last UTC date included, YYYY-MM-DD.")] string? To)
{
    /// <summary>Both ends optional, open when missing.</summary>
    public ProblemHttpResult? Bind(out DateOnly? from, out DateOnly? to)
    {
        to = null;
        if (ApiBinder.OptionalDate("from", From, out from) is { } badFrom)
            return badFrom;
        if (ApiBinder.OptionalDate("to", To, out to) is { } badTo)
            return badTo;
        return from is { } s && to is { } e && s > e ? Problems.Invalid(ApiBinder.RangeOrderMessage) : null;
    }

    /// <summary>A closed range: a missing end is today, a missing start is <paramref name="defaultDays"/> days up to the
    /// end (end included); at most <paramref name="maxDays"/> days long.</summary>
    public ProblemHttpResult? Bind(TimeProvider clock, int defaultDays, int maxDays, out DateOnly from, out DateOnly to)
    {
        (from, to) = (default, default);
        if (Bind(out var start, out var end) is { } problem)
            return problem;
        to = end ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        from = start ?? to.AddDays(-(defaultDays - 1));
        if (from > to)
            return Problems.Invalid(ApiBinder.RangeOrderMessage);
        return to.DayNumber - from.DayNumber + 1 > maxDays ? Problems.Invalid(ApiBinder.RangeLengthMessage(maxDays)) : null;
    }
}
