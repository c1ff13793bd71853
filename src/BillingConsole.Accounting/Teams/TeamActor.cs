using BillingConsole.Accounting.Admin;

namespace BillingConsole.Accounting.Teams;

/// <summary>Who changes a team. A person (<see cref="UserId"/>) may act on an account they own; staff (a billing
/// admin, or the provisioning API's admin token) may act on any account.</summary>
/// <param name="Name">Recorded as the actor of audit rows and as the inviter: an email or <c>admin-token:{name}</c>.</param>
public sealed record TeamActor(long? UserId, string Name, bool IsStaff)
{
    internal AdminActor Audit => new(UserId ?? 0, Name);
}
