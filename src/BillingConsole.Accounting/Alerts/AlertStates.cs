namespace BillingConsole.Accounting.Alerts;

/// <summary>A rule is armed (waiting for its condition) or firing (the condition held and has not cleared yet).</summary>
public static class AlertStates
{
    public const string Armed = "armed";
    public const string Firing = "firing";
}

/// <summary>What an <see cref="AlertEvent"/> records.</summary>
public static class AlertTransitions
{
    public const string Fired = "fired";
    public const string Resolved = "resolved";
}
