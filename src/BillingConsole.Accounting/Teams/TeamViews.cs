namespace BillingConsole.Accounting.Teams;

/// <param name="Since">When they joined the account.</param>
public sealed record TeamMember(long UserId, string Name, string Email, string Role, DateTime Since);

public sealed record PendingInvitation(long Id, long AccountId, string Email, string Role, string InvitedBy, DateTime CreatedAt, DateTime ExpiresAt);

/// <summary>An account's members (owners first, then by name) and its pending, unexpired invitations (newest first).</summary>
public sealed record TeamView(long AccountId, IReadOnlyList<TeamMember> Members, IReadOnlyList<PendingInvitation> Invitations);
