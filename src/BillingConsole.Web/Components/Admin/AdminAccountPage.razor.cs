using BillingConsole.Accounting.Admin;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Teams;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace BillingConsole.Web.Components.Admin;

/// <summary>
/// One account as billing staff see it: the figures and actions (correction, refund to the balance, grant, overdraft
/// floor), then everything the customer sees (the same components the customer pages use, for this account) and what
/// only staff manage: key limits, open holds, Stripe purchases and the admin history. After any action the account and
/// the tabs are read again, so the page shows what is stored.
/// </summary>
public partial class AdminAccountPage
{
    private AdminAccountView? _account;
    private bool _notFound;
    private int _version;
    private int _tab;
    private List<BreadcrumbItem> _crumbs = [];
    // Staff invite, change roles and remove members of any account (the team service checks the admin role again).
    private TeamActor? _teamActor;

    [Inject] private AccountSearch Accounts { get; set; } = default!;
    [Inject] private AdminAccountLimits Limits { get; set; } = default!;
    [Inject] private AdminAccounts Lifecycle { get; set; } = default!;

    [Parameter] public long AccountId { get; set; }

    protected override Task OnParametersSetAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        _account = await Accounts.GetAsync(AccountId);
        _notFound = _account is null;
        _crumbs = [new("Admin", "/admin"), new(_account?.Name ?? $"#{AccountId}", null, disabled: true)];
        _teamActor ??= await AdminActorAsync() is { } admin ? new TeamActor(admin.UserId, admin.Email, IsStaff: true) : null;
    }

    private async Task ReloadAsync()
    {
        await LoadAsync();
        _version++;
    }

    private async Task AdjustAsync(string type)
    {
        var parameters = new DialogParameters<AdjustBalanceDialog>
        {
            { d => d.AccountId, AccountId },
            { d => d.AccountName, _account?.Name ?? "" },
            { d => d.Type, type },
        };
        var dialog = await Dialogs.ShowAsync<AdjustBalanceDialog>(null, parameters, DialogOptions);
        if (await dialog.Result is { Canceled: false })
            await ReloadAsync();
    }

    private async Task SetFloorAsync()
    {
        var current = _account?.OverdraftFloor ?? Money.Zero;
        var parameters = new DialogParameters<ReasonDialog>
        {
            { d => d.Title, "Overdraft floor" },
            { d => d.Message, $"The lowest balance spending may reach; now {current}. New holds and debits below it are refused." },
            { d => d.AmountLabel, "Floor (0, or negative for credit terms)" },
            { d => d.AmountHelp, "0 = prepaid only; -500 lets the balance go down to −$500." },
            { d => d.InitialAmount, AdminInput.Editable(current) },
            { d => d.ValidateAmount, AdminInput.FloorError },
            { d => d.ConfirmText, "Set floor" },
        };
        if (await AskAsync(parameters) is not { } answer || !AdminInput.TryMoney(answer.Amount, out var floor))
            return;
        if (await AdminActorAsync() is not { } actor)
            return;
        var result = await Limits.SetOverdraftFloorAsync(AccountId, floor, answer.Reason, actor);
        if (result.Succeeded)
            Snackbar.Add($"Overdraft floor set to {result.Value}.", Severity.Success);
        else
            Snackbar.Add(result.Failure!.Message, Severity.Error);
        await ReloadAsync();
    }

    private Task SuspendAsync() => ChangeStatusAsync("Suspend account",
        "New calls are refused (account_suspended) until the account is reinstated. Settlements, releases, top-ups and refunds still land.",
        "Suspend", Color.Warning, (reason, actor) => Lifecycle.SuspendAsync(AccountId, reason, actor), "suspended");

    private Task ReinstateAsync() => ChangeStatusAsync("Reinstate account", "The account takes new calls again.",
        "Reinstate", Color.Success, (reason, actor) => Lifecycle.ReinstateAsync(AccountId, reason, actor), "reinstated");

    private Task CloseAsync() => ChangeStatusAsync("Close account",
        "Only an account at a zero balance with no open hold can be closed. A closed account takes no new calls or entries and cannot be reopened; its history stays readable.",
        "Close account", Color.Error, (reason, actor) => Lifecycle.CloseAsync(AccountId, reason, actor), "closed");

    private async Task ChangeStatusAsync(string title, string message, string confirm, Color color,
        Func<string, AdminActor, Task<LedgerResult<AccountStatusView>>> change, string done)
    {
        var parameters = new DialogParameters<ReasonDialog>
        {
            { d => d.Title, title },
            { d => d.Message, message },
            { d => d.ConfirmText, confirm },
            { d => d.ConfirmColor, color },
        };
        if (await AskAsync(parameters) is not { } answer || await AdminActorAsync() is not { } actor)
            return;
        var result = await change(answer.Reason, actor);
        if (result.Succeeded)
            Snackbar.Add($"Account {done}.", Severity.Success);
        else
            Snackbar.Add(result.Failure!.Message, Severity.Error);
        await ReloadAsync();
    }
}
