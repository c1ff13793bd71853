namespace BillingConsole.Accounting.Teams;

public enum TeamError
{
    InvalidRequest,
    NotFound,
    /// <summary>The actor may not change this account's team (only its owners and staff may).</summary>
    Forbidden,
    /// <summary>The invited address already belongs to a member of the account.</summary>
    AlreadyMember,
    /// <summary>The change would leave the account without an owner.</summary>
    LastOwner,
}

public sealed record TeamFailure(TeamError Error, string Message);

/// <summary>The outcome of a team command: a value, or a failure that wrote nothing.</summary>
public sealed record TeamResult<T>(T? Value, TeamFailure? Failure) where T : class
{
    public bool Succeeded => Failure is null;

    public static TeamResult<T> Ok(T value) => new(value, null);

    public static implicit operator TeamResult<T>(TeamFailure failure) => new(null, failure);
}
