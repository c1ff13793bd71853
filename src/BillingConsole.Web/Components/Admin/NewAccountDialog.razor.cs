using System.Net.Mail;
using BillingConsole.Accounting.Admin;
using BillingConsole.Accounting.Ledger;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace BillingConsole.Web.Components.Admin;

/// <summary>Creates an account through <see cref="AdminAccounts"/> and closes with its id.</summary>
public partial class NewAccountDialog
{
    // One key per dialog: a double click or a retry after a dropped connection creates (and grants) once.
    private readonly Guid _requestId = Guid.NewGuid();
    private string? _name;
    private string? _email;
    private string? _floor = "0";
    private string? _grant;
    private string? _reason;
    private string? _nameError;
    private string? _emailError;
    private string? _floorError;
    private string? _grantError;
    private string? _reasonError;
    private string? _error;
    private bool _busy;

    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;
    [Inject] private AdminAccounts Accounts { get; set; } = default!;
    [Inject] private ILogger<NewAccountDialog> Logger { get; set; } = default!;

    private bool Validate(out Money floor, out Money? grant)
    {
        _nameError = string.IsNullOrWhiteSpace(_name) ? "Give the account a name." : null;
        _emailError = string.IsNullOrWhiteSpace(_email) || !MailAddress.TryCreate(_email.Trim(), out var address) || address.Address != _email.Trim()
            ? "Enter the billing email, like billing@example.com."
            : null;
        _floorError = AdminInput.FloorError(_floor);
        AdminInput.TryMoney(_floor, out floor);
        grant = null;
        _grantError = null;
        _reasonError = null;
        if (!string.IsNullOrWhiteSpace(_grant))
        {
            if (!AdminInput.TryMoney(_grant, out var amount) || amount.Units <= 0)
                _grantError = "Enter an amount above $0, like 100, or leave it empty for no grant.";
            else
                grant = amount;
            _reasonError = AdminAdjustments.CheckReason(_reason);
        }
        return _nameError is null && _emailError is null && _floorError is null && _grantError is null && _reasonError is null;
    }

    private async Task CreateAsync()
    {
        _error = null;
        if (_busy || !Validate(out var floor, out var grant) || await AdminActorAsync() is not { } actor)
            return;
        _busy = true;
        try
        {
            var result = await Accounts.CreateAsync(new NewAccountRequest($"console:{_requestId:N}", _name, _email, floor, grant,
                grant is null ? null : _reason), actor);
            if (result.Value is { } created)
                Dialog.Close(DialogResult.Ok(created.Account));
            else
                _error = result.Failure!.Message;
        }
        catch (Exception e)
        {
            Logger.LogError(e, "Creating account {Name} failed", _name);
            _error = "The account could not be created just now. Try again: a retry never creates it twice.";
        }
        finally
        {
            _busy = false;
        }
    }
}
