using System.Globalization;
using BillingConsole.Accounting.Teams;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace BillingConsole.Web.Components.Teams;

/// <summary>The account's members and pending invitations, and, for owners, the actions on them: invite, change a
/// role, remove (after a confirmation), revoke an invitation. <see cref="TeamService"/> checks the actor's right again
/// and refuses what would leave the account without an owner; the list is then read again, so it shows what is stored.</summary>
public partial class TeamPanel : IDisposable
{
    private static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("en-US");
    private static readonly DialogOptions Options = new()
    {
        MaxWidth = MaxWidth.Small, FullWidth = true, BackdropClick = false, CloseOnEscapeKey = true, CloseButton = false,
    };

    private readonly CancellationTokenSource _cts = new();
    private TeamView? _team;
    private string? _error;

    [Inject] private TeamService Team { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private ILogger<TeamPanel> Logger { get; set; } = default!;

    [Parameter, EditorRequired] public long AccountId { get; set; }

    /// <summary>The signed-in person; the service decides what they may do.</summary>
    [Parameter, EditorRequired] public TeamActor Actor { get; set; } = default!;

    /// <summary>Shows the owner's actions (from the session's account role; the service checks again).</summary>
    [Parameter] public bool CanManage { get; set; }

    protected override Task OnParametersSetAsync() => _team?.AccountId == AccountId ? Task.CompletedTask : LoadAsync();

    private static string Minute(DateTime at) => at.ToString("d MMM yyyy HH:mm", Culture);

    private async Task LoadAsync()
    {
        _error = null;
        try
        {
            var result = await Team.GetAsync(AccountId, Actor, _cts.Token);
            _team = result.Value;
            _error = result.Failure is { } failure ? TeamText.Refusal(failure) : null;
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Logger.LogError(e, "Loading the team of account {AccountId} failed.", AccountId);
            _team = null;
            _error = "We couldn't load the team just now; please try again.";
        }
    }

    private async Task OpenInviteAsync()
    {
        var parameters = new DialogParameters<InviteDialog>
        {
            { d => d.AccountId, AccountId },
            { d => d.Actor, Actor },
            { d => d.OnInvited, EventCallback.Factory.Create<PendingInvitation>(this, i => DoneAsync($"{i.Email} is invited as {TeamText.RoleName(i.Role).ToLowerInvariant()}.")) },
        };
        await Dialogs.ShowAsync<InviteDialog>("Invite a person", parameters, Options);
    }

    private async Task ChangeRoleAsync(TeamMember member, string role)
    {
        var result = await Team.ChangeRoleAsync(AccountId, member.UserId, role, Actor, _cts.Token);
        await ReportAsync(result.Failure, $"{member.Name} is now {Article(role)} {TeamText.RoleName(role).ToLowerInvariant()}.");
    }

    private async Task RemoveAsync(TeamMember member)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Remove this member?",
            $"{member.Name} ({member.Email}) will lose access to this account at once. You can invite them again later.",
            yesText: "Remove", cancelText: "Keep");
        if (confirmed != true)
            return;
        var result = await Team.RemoveMemberAsync(AccountId, member.UserId, Actor, _cts.Token);
        await ReportAsync(result.Failure, $"{member.Name} was removed from the account.");
    }

    private async Task RevokeAsync(PendingInvitation invitation)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Revoke this invitation?",
            $"{invitation.Email} will not join this account when they sign in.", yesText: "Revoke", cancelText: "Keep");
        if (confirmed != true)
            return;
        var result = await Team.RevokeAsync(AccountId, invitation.Id, Actor, _cts.Token);
        await ReportAsync(result.Failure, $"The invitation of {invitation.Email} is revoked.");
    }

    private async Task ReportAsync(TeamFailure? failure, string success)
    {
        if (failure is null)
            await DoneAsync(success);
        else
        {
            await LoadAsync();
            Snackbar.Add(TeamText.Refusal(failure), Severity.Warning);
        }
    }

    private async Task DoneAsync(string message)
    {
        await LoadAsync();
        Snackbar.Add(message, Severity.Success);
    }

    private static string Article(string role) => role == Accounting.Identity.AccountRoles.Owner ? "an" : "a";

    public void Dispose()
    {
        _cts.Cancel();
        _cts.Dispose();
    }
}
