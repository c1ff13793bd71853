namespace BillingConsole.Web.Workers;

/// <summary>What readiness and the lag gauge know of one worker: its interval, when its loop started and when a run last
/// succeeded (null before the first).</summary>
public sealed record WorkerHeartbeat(string Worker, TimeSpan Interval, DateTimeOffset StartedAt, DateTimeOffset? LastSuccessAt);
