using System.Diagnostics.Metrics;
using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Web.Diagnostics;

/// <summary><c>billing.reservations.open</c>: holds not yet settled, released or expired. One count on the
/// (status, expires_at) index, cached a few seconds so frequent scrapes cost the database nothing more.</summary>
public sealed class OpenReservationsGauge
{
    public const string MeterName = "BillingConsole.Console";
    public const string Name = "billing.reservations.open";
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    private readonly IDbContextFactory<BillingDbContext> _dbFactory;
    private readonly TimeProvider _clock;
    private readonly ILogger<OpenReservationsGauge> _log;
    private readonly Lock _lock = new();
    private (long Count, DateTimeOffset At)? _cached;

    public OpenReservationsGauge(IMeterFactory meters, IDbContextFactory<BillingDbContext> dbFactory, TimeProvider clock, ILogger<OpenReservationsGauge> log)
    {
        _dbFactory = dbFactory;
        _clock = clock;
        _log = log;
        meters.Create(MeterName).CreateObservableGauge(Name, Observe, "{reservation}", "Open holds (reservations not yet settled, released or expired).");
    }

    private IEnumerable<Measurement<long>> Observe()
    {
        lock (_lock)
        {
            var now = _clock.GetUtcNow();
            if (_cached is not { } cached || now - cached.At >= CacheFor)
            {
                try
                {
                    // Observable instruments are read synchronously by the exporter: a sync count keeps this simple.
                    using var db = _dbFactory.CreateDbContext();
                    _cached = (db.Reservations.LongCount(r => r.Status == ReservationStatus.Open), now);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // A scrape must not fail because the database is down; readiness reports that.
                    _log.LogWarning("Could not count open reservations: {Error}", e.GetType().Name);
                    return [];
                }
            }
            return [new Measurement<long>(_cached.Value.Count)];
        }
    }
}
