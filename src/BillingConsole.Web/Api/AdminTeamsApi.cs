using System.Security.Claims;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Teams;
using BillingConsole.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BillingConsole.Web.Api;

public sealed record InviteBody(string? Email, string? Role);

public sealed record InvitationResponse(long Id, long AccountId, string Email, string Role, string InvitedBy, DateTime CreatedAt, DateTime ExpiresAt)
{
    public static InvitationResponse From(PendingInvitation i) => new(i.Id, i.AccountId, i.Email, i.Role, i.InvitedBy, i.CreatedAt, i.ExpiresAt);
}

public sealed record MemberResponse(long UserId, string Name, string Email, string Role, DateTime Since)
{
    public static MemberResponse From(TeamMember m) => new(m.UserId, m.Name, m.Email, m.Role, m.Since);
}

public sealed record TeamResponse(long AccountId, List<MemberResponse> Members, List<InvitationResponse> Invitations);

/// <summary>
/// The provisioning API's team and key routes: invite people to an account (they join at their next sign-in with that
/// address verified), revoke invitations, list and remove members, and create an API key for the account. Changes go
/// through <see cref="TeamService"/> (audited, never the last owner) and <see cref="ApiKeyService"/>.
/// </summary>
public static class AdminTeamsApi
{
    private const string NoSuchAccount = "No such account.";

    public static IEndpointRouteBuilder MapAdminTeamsApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/v1/admin/accounts/{id}")
            .RequireAuthorization(BillingClaims.AdminTokenPolicy)
            .WithMetadata(new ApiEndpointMetadata())
            .WithTags("Provisioning");
        admin.MapPost("/invitations", InviteAsync)
            .WithSummary("Invite an email address with a role (owner, developer, viewer) for 7 days; inviting a pending address again renews its invitation")
            .DocumentsJsonBody<InviteBody>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapDelete("/invitations/{invitation_id}", RevokeAsync)
            .WithSummary("Revoke a pending invitation (again: still 204)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapGet("/members", MembersAsync)
            .WithSummary("The account's members and its pending invitations")
            .ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapDelete("/members/{user_id}", RemoveAsync)
            .WithSummary("Remove a member from the account (the last owner cannot be removed: last_owner)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapPost("/keys", CreateKeyAsync)
            .WithSummary("Create an API key for the account: the secret is shown once (idempotency_key: a retry creates no second key)")
            .DocumentsJsonBody<CreateKeyBody>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    public static async Task<Results<Created<InvitationResponse>, ProblemHttpResult>> InviteAsync(string id, HttpRequest request,
        ClaimsPrincipal user, TeamService team, CancellationToken ct)
    {
        if (!ApiBinder.TryId(id, out var accountId))
            return Problems.NotFound(NoSuchAccount);
        var (body, problem) = await JsonBody.ReadAsync<InviteBody>(request, ct);
        if (problem is not null)
            return problem;
        var result = await team.InviteAsync(accountId, body!.Email, body.Role, Actor(user), ct);
        return result.Value is { } invitation
            ? TypedResults.Created($"/v1/admin/accounts/{accountId}/invitations/{invitation.Id}", InvitationResponse.From(invitation))
            : From(result.Failure!);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(string id, [FromRoute(Name = "invitation_id")] string invitationText, ClaimsPrincipal user,
        TeamService team, CancellationToken ct)
    {
        if (!ApiBinder.TryId(id, out var accountId) || !ApiBinder.TryId(invitationText, out var invitationId))
            return Problems.NotFound("No such invitation.");
        var result = await team.RevokeAsync(accountId, invitationId, Actor(user), ct);
        return result.Succeeded ? TypedResults.NoContent() : From(result.Failure!);
    }

    public static async Task<Results<Ok<TeamResponse>, ProblemHttpResult>> MembersAsync(string id, ClaimsPrincipal user, TeamService team,
        CancellationToken ct)
    {
        if (!ApiBinder.TryId(id, out var accountId))
            return Problems.NotFound(NoSuchAccount);
        var result = await team.GetAsync(accountId, Actor(user), ct);
        return result.Value is { } view
            ? TypedResults.Ok(new TeamResponse(view.AccountId, [.. view.Members.Select(MemberResponse.From)], [.. view.Invitations.Select(InvitationResponse.From)]))
            : From(result.Failure!);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RemoveAsync(string id, [FromRoute(Name = "user_id")] string userText, ClaimsPrincipal user,
        TeamService team, CancellationToken ct)
    {
        if (!ApiBinder.TryId(id, out var accountId) || !ApiBinder.TryId(userText, out var userId))
            return Problems.NotFound("No such member of this account.");
        var result = await team.RemoveMemberAsync(accountId, userId, Actor(user), ct);
        return result.Succeeded ? TypedResults.NoContent() : From(result.Failure!);
    }

    /// <summary>A key for the account, with any scopes (the admin token is not limited by a key's own scopes).</summary>
    public static async Task<Results<Created<CreatedKeyResponse>, ProblemHttpResult>> CreateKeyAsync(string id, HttpRequest request,
        ApiKeyService keys, CancellationToken ct)
    {
        if (!ApiBinder.TryId(id, out var accountId))
            return Problems.NotFound(NoSuchAccount);
        var (body, problem) = await JsonBody.ReadAsync<CreateKeyBody>(request, ct);
        if (problem is not null)
            return problem;
        Money? limit = null;
        if (body!.MonthlySpendLimit is { } amount)
        {
            if (amount <= 0 || !Money.TryFromDecimal(amount, out var money))
                return Problems.Invalid("monthly_spend_limit is a positive USD amount with at most 9 decimals.");
            limit = money;
        }
        var result = await keys.CreateAsync(accountId, body.Name, limit, body.Scopes ?? [.. ApiKeyScopes.Default], body.ExpiresAt, body.IdempotencyKey, ct);
        if (result.Value is not { } created)
            return Problems.From(result.Failure!);
        var k = created.Key;
        return TypedResults.Created($"/v1/admin/accounts/{accountId}/keys/{k.Id}",
            new CreatedKeyResponse(k.Id, k.Name, k.Prefix, created.Secret, k.CreatedAt, k.MonthlySpendLimit?.ToDecimal(), k.Scopes, k.ExpiresAt));
    }

    private static TeamActor Actor(ClaimsPrincipal user) => new(null, user.GetTokenActor()!.Name, IsStaff: true);

    /// <summary>The one mapping from team failures to HTTP.</summary>
    public static ProblemHttpResult From(TeamFailure failure) => failure.Error switch
    {
        TeamError.InvalidRequest => Problems.Invalid(failure.Message),
        TeamError.NotFound => Problems.NotFound(failure.Message),
        TeamError.Forbidden => Problems.Create(StatusCodes.Status403Forbidden, "forbidden", failure.Message),
        TeamError.AlreadyMember => Problems.Create(StatusCodes.Status409Conflict, "already_member", failure.Message),
        TeamError.LastOwner => Problems.Create(StatusCodes.Status409Conflict, "last_owner", failure.Message),
        _ => Problems.Create(StatusCodes.Status500InternalServerError, "internal_error", "Unexpected team outcome."),
    };
}
